//! The working copy of a dump while it is cleaned: its lines, and which rule claimed each.
//!
//! Rules never delete anything; they *claim* lines. The first claim wins, so rules run in a
//! meaningful order (site rules before generic ones, file order within a file) and every
//! removed line is attributed to exactly one rule. The body is what nobody claimed.

use crate::article::Removal;
use crate::kind::Kind;

/// Who claimed a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub kind: Kind,
    pub rule: String,
}

/// One line as the rules saw it and who claimed it (`None`: body text, or blank).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedLine {
    pub text: String,
    pub claim: Option<Claim>,
}

/// Lines of a dump (trimmed) and their claims.
///
/// The sheet owns its text, so it can be handed from one stage to the next: the clean
/// stage claims boilerplate, the metadata stage then claims the headline and byline lines
/// it reads, and only then is the body what nobody claimed.
#[derive(Debug)]
pub struct Sheet {
    text: String,
    /// Each line's trimmed span in `text`.
    lines: Vec<std::ops::Range<usize>>,
    claims: Vec<Option<usize>>,
    /// Distinct claims; `claims` index into this to keep claiming cheap.
    owners: Vec<Claim>,
}

impl Sheet {
    pub fn new(text: &str) -> Self {
        Sheet::from_string(text.to_string())
    }

    /// A sheet over `text`, without copying it.
    pub fn from_string(text: String) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for raw in text.split('\n') {
            let lead = raw.len() - raw.trim_start().len();
            let trimmed = raw.trim();
            lines.push(start + lead..start + lead + trimmed.len());
            start += raw.len() + 1;
        }
        let claims = vec![None; lines.len()];
        Sheet {
            text,
            lines,
            claims,
            owners: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn line(&self, i: usize) -> &str {
        &self.text[self.lines[i].clone()]
    }

    pub fn is_blank(&self, i: usize) -> bool {
        self.lines[i].is_empty()
    }

    pub fn is_claimed(&self, i: usize) -> bool {
        self.claims[i].is_some()
    }

    /// A line that is still body text: not blank, not claimed.
    pub fn is_open(&self, i: usize) -> bool {
        !self.is_blank(i) && !self.is_claimed(i)
    }

    /// Claims every unclaimed line of `range` for `kind`/`rule`.
    pub fn claim(&mut self, range: std::ops::Range<usize>, kind: Kind, rule: &str) {
        let range = range.start.min(self.len())..range.end.min(self.len());
        if range.is_empty() {
            return;
        }
        let owner = match self
            .owners
            .iter()
            .position(|c| c.kind == kind && c.rule == rule)
        {
            Some(i) => i,
            None => {
                self.owners.push(Claim {
                    kind,
                    rule: rule.to_string(),
                });
                self.owners.len() - 1
            }
        };
        for claim in &mut self.claims[range] {
            if claim.is_none() {
                *claim = Some(owner);
            }
        }
    }

    pub fn claim_of(&self, i: usize) -> Option<&Claim> {
        self.claims[i].map(|o| &self.owners[o])
    }

    /// Indices of open lines, in order.
    pub fn open_lines(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&i| self.is_open(i))
    }

    /// The paragraph (run of adjacent open lines) starting at open line `i`.
    pub fn paragraph_at(&self, i: usize) -> std::ops::Range<usize> {
        let mut end = i;
        while end < self.len() && self.is_open(end) {
            end += 1;
        }
        i..end
    }

    /// The body: runs of adjacent open lines, each one paragraph.
    pub fn paragraphs(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.len() {
            if self.is_open(i) {
                let range = self.paragraph_at(i);
                let lines: Vec<&str> = range.clone().map(|j| self.line(j)).collect();
                out.push(lines.join("\n"));
                i = range.end;
            } else {
                i += 1;
            }
        }
        out
    }

    /// Every line with its claim, for `copydesk explain`.
    pub fn traced(&self) -> Vec<TracedLine> {
        (0..self.len())
            .map(|i| TracedLine {
                text: self.line(i).to_string(),
                claim: self.claim_of(i).cloned(),
            })
            .collect()
    }

    /// What was claimed, grouped: consecutive claimed lines of one rule become one entry
    /// (blank lines between them keep the paragraph break).
    pub fn removals(&self) -> Vec<Removal> {
        let mut out: Vec<Removal> = Vec::new();
        let mut current: Option<usize> = None;
        let mut pending_break = false;
        for i in 0..self.len() {
            if self.is_blank(i) {
                pending_break = current.is_some();
                continue;
            }
            match self.claims[i] {
                Some(o) if current == Some(o) => {
                    let last = out.last_mut().expect("current group exists");
                    last.text
                        .push_str(if pending_break { "\n\n" } else { "\n" });
                    last.text.push_str(self.line(i));
                }
                Some(o) => {
                    let c = &self.owners[o];
                    out.push(Removal {
                        kind: c.kind,
                        rule: c.rule.clone(),
                        text: self.line(i).to_string(),
                    });
                    current = Some(o);
                }
                None => current = None,
            }
            pending_break = false;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_claim_wins_and_body_is_what_is_left() {
        let text = "Title\n\nAd\n\nBody one\nstill one\n\nBody two\nFooter";
        let mut s = Sheet::new(text);
        s.claim(2..3, Kind::Advertisement, "x/ad");
        s.claim(2..3, Kind::Share, "x/share");
        s.claim(8..9, Kind::Other, "x/footer");
        assert_eq!(s.claim_of(2).unwrap().rule, "x/ad");
        assert_eq!(
            s.paragraphs(),
            vec!["Title", "Body one\nstill one", "Body two"]
        );
        let removed = s.removals();
        assert_eq!(removed.len(), 2);
        assert_eq!(removed[0].text, "Ad");
        assert_eq!(removed[1].kind, Kind::Other);
    }

    #[test]
    fn a_claimed_range_is_reported_as_one_removal() {
        let mut s = Sheet::new("a\n\nb\nc\n\nd");
        s.claim(2..6, Kind::Comments, "x/comments");
        let removed = s.removals();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].text, "b\nc\n\nd");
    }
}

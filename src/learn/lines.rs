//! The evidence every text rule is learned from: which lines a site's dumps share.
//!
//! A line printed by most dumps of one site is template (a menu, a prompt, a footer); a
//! line printed by one dump only is that article's own text. Lines that differ only in
//! their numbers ("12 comments", "Updated 09:41") share a *shape* and count as template
//! too, written as a pattern with `\d+` where the numbers were. Where the article is in a
//! dump is found the way the generic clean-up finds it (the stretch that reads most as
//! prose), with template lines counted as chrome, so rules can be checked against it.

use std::collections::{HashMap, HashSet};

/// One dump as the text rules see it: its non-blank trimmed lines with their index among
/// all lines (blank lines count for the position guards, as in the engine).
#[derive(Debug, Clone)]
pub struct DumpLines {
    pub lines: Vec<(usize, String)>,
    /// Lines in the dump, blank ones included.
    pub total: usize,
}

impl DumpLines {
    pub fn new(text: &str) -> Self {
        let all: Vec<&str> = text.split('\n').collect();
        DumpLines {
            total: all.len(),
            lines: all
                .iter()
                .map(|l| l.trim())
                .enumerate()
                .filter(|(_, l)| !l.is_empty())
                .map(|(i, l)| (i, l.to_string()))
                .collect(),
        }
    }

    pub fn text(&self, k: usize) -> &str {
        &self.lines[k].1
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The position of non-blank line `k` as a fraction of the dump (what `min_position`
    /// and `max_position` compare with).
    pub fn fraction(&self, k: usize) -> f64 {
        self.lines[k].0 as f64 / self.total.max(1) as f64
    }
}

/// A line with its digit runs replaced by `0`: "12 comments" and "3 comments" share it.
pub fn shape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_digits = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('0');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// A whole-line pattern for `line`, with `\d+` for its digit runs when `general`.
pub fn pattern(line: &str, general: bool) -> String {
    if !general {
        return regex::escape(line);
    }
    let mut out = String::new();
    let mut literal = String::new();
    let mut in_digits = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push_str(&regex::escape(&literal));
                literal.clear();
                out.push_str(r"\d+");
            }
            in_digits = true;
        } else {
            literal.push(c);
            in_digits = false;
        }
    }
    out.push_str(&regex::escape(&literal));
    out
}

/// How many dumps print each line (and each shape).
#[derive(Debug, Clone)]
pub struct Stats {
    pub dumps: usize,
    exact: HashMap<String, usize>,
    shapes: HashMap<String, usize>,
}

impl Stats {
    pub fn new(dumps: &[DumpLines]) -> Self {
        let mut exact: HashMap<String, usize> = HashMap::new();
        let mut shapes: HashMap<String, usize> = HashMap::new();
        for d in dumps {
            let distinct: HashSet<&str> = d.lines.iter().map(|(_, l)| l.as_str()).collect();
            let distinct_shapes: HashSet<String> = distinct.iter().map(|l| shape(l)).collect();
            for l in distinct {
                *exact.entry(l.to_string()).or_default() += 1;
            }
            for s in distinct_shapes {
                *shapes.entry(s).or_default() += 1;
            }
        }
        Stats {
            dumps: dumps.len(),
            exact,
            shapes,
        }
    }

    /// How many dumps a line must be in to count as template: most of them, and at least
    /// two (one dump's line is never template).
    pub fn need(&self) -> usize {
        need(self.dumps)
    }

    /// In how many dumps this exact line is.
    pub fn seen_in(&self, line: &str) -> usize {
        self.exact.get(line).copied().unwrap_or(0)
    }

    /// In how many dumps a line of this line's shape is.
    pub fn shape_seen_in(&self, line: &str) -> usize {
        self.shapes.get(&shape(line)).copied().unwrap_or(0)
    }

    /// How `line` counts: template as printed, template once its numbers are generalised,
    /// or the dump's own text.
    pub fn class(&self, line: &str) -> Class {
        let need = self.need();
        if self.seen_in(line) >= need {
            Class::Template
        } else if self.shape_seen_in(line) >= need && generalisable(line) {
            Class::Shaped
        } else {
            Class::Own
        }
    }

    pub fn is_template(&self, line: &str) -> bool {
        self.class(line) != Class::Own
    }
}

/// The majority of `dumps`, at least two.
pub fn need(dumps: usize) -> usize {
    (dumps / 2 + 1).max(2)
}

/// How a line counts across a site's dumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Printed word for word by most dumps.
    Template,
    /// Printed by most dumps with other numbers in it.
    Shaped,
    /// This dump's own text.
    Own,
}

/// A line whose numbers may be generalised: it has digits, and words beside them ("12
/// comments", "Updated 09:41"); a bare number ("1.", "2024") is an item or a year, not
/// template.
pub fn generalisable(line: &str) -> bool {
    line.chars().any(|c| c.is_ascii_digit())
        && line
            .split(|c: char| !c.is_alphabetic())
            .any(|w| w.chars().count() >= 3)
}

/// A line that reads as a sentence of running text: what articles are made of.
pub fn is_prose(line: &str) -> bool {
    let words = line.split_whitespace().count();
    if words >= 30 {
        return true;
    }
    let end = line.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '“']);
    words >= 8 && end.ends_with(['.', '!', '?', ':', ';', '…'])
}

/// The article's stretch in one dump: the run of lines (first, last, inclusive) that
/// reads most as prose, with every template line counted as chrome. `None` when nothing
/// in the dump reads as prose.
///
/// An article's paragraphs come in runs; the teasers a page lists after it do not (a
/// headline, its one-paragraph summary, a label, the next headline). So, as in the
/// generic clean-up, the stretch ends where it would end with a prose line that has no
/// prose line beside it counted for half: where the article's run of paragraphs ends,
/// so that a template line between the article and those teasers ("More on this
/// topic") is seen to come after the article, where it can mark the page's tail. Its
/// start is where it is with every prose line counted whole, as a lead paragraph often
/// stands alone above a box or a picture and is the article all the same.
pub fn article_span(d: &DumpLines, stats: &Stats) -> Option<(usize, usize)> {
    let scores: Vec<f64> = d
        .lines
        .iter()
        .map(|(_, l)| {
            let words = l.split_whitespace().count() as f64;
            if stats.is_template(l) {
                -(3.0 + words)
            } else if is_prose(l) {
                words
            } else {
                -(1.0 + words * 0.5)
            }
        })
        .collect();
    let (first, last) = crate::clean::heuristics::best_segment(&scores)?;
    let prose: Vec<bool> = scores.iter().map(|&s| s > 0.0).collect();
    let runs: Vec<f64> = scores
        .iter()
        .enumerate()
        .map(|(k, &score)| {
            let beside = (k > 0 && prose[k - 1]) || prose.get(k + 1).copied().unwrap_or(false);
            if prose[k] && !beside {
                score * LONE_PROSE
            } else {
                score
            }
        })
        .collect();
    let end = crate::clean::heuristics::best_segment(&runs)
        .map(|(_, end)| end)
        .filter(|end| (first..=last).contains(end))
        .unwrap_or(last);
    Some((first, end))
}

/// What a prose line with no prose line next to it counts for in [`article_span`], as a
/// share of its words.
const LONE_PROSE: f64 = 0.5;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn shapes_and_patterns_generalise_numbers_only() {
        assert_eq!(shape("12 comments, 3 shares"), "0 comments, 0 shares");
        assert_eq!(pattern("12 comments (3)", true), r"\d+ comments \(\d+\)");
        assert_eq!(pattern("12 comments", false), r"12 comments");
        let re = regex::Regex::new(&format!("^{}$", pattern("Updated 09:41", true))).unwrap();
        assert!(re.is_match("Updated 17:05"));
    }

    /// A made-up dump of one site: menu, a lone lead paragraph above a "Sign up" box, a
    /// run of paragraphs, then "More from the newsroom" over teasers (a headline, a
    /// one-paragraph summary, "Read more"), which differ from dump to dump.
    pub(crate) fn teaser_dump(n: usize) -> String {
        let place = ["Arden", "Belmont", "Corwin", "Dunmore"][n];
        let mut lines = vec![
            "Home".to_string(),
            "News".to_string(),
            "Sport".to_string(),
            format!("The council of {place} voted on Tuesday to close the old bridge to all traffic from next month."),
            "Sign up for our newsletter".to_string(),
        ];
        for p in 0..4 {
            lines.push(format!(
                "Paragraph {p} of the {place} story says what the engineers found in the spring survey of the bridge and what the repairs will cost."
            ));
        }
        lines.push("More from the newsroom".to_string());
        for t in 0..3 {
            lines.push(format!("{place} teaser headline number {t} for readers"));
            lines.push(format!(
                "A short summary of the {t} other story from {place} that fills one line."
            ));
            lines.push("Read more".to_string());
        }
        lines.push("Contact us".to_string());
        lines.join("\n\n")
    }

    #[test]
    fn the_article_stretch_ends_with_its_paragraphs_not_with_the_teasers_under_it() {
        let dumps: Vec<DumpLines> = (0..3).map(|n| DumpLines::new(&teaser_dump(n))).collect();
        let stats = Stats::new(&dumps);
        for d in &dumps {
            let (a, b) = article_span(d, &stats).unwrap();
            // The lone lead paragraph starts it; the last paragraph of the run ends it.
            assert!(d.text(a).starts_with("The council of"), "{}", d.text(a));
            assert!(d.text(b).starts_with("Paragraph 3 of"), "{}", d.text(b));
        }
    }

    #[test]
    fn template_needs_most_dumps_and_bare_numbers_never_generalise() {
        let dumps: Vec<DumpLines> = [
            "Menu\n1.\n4 comments\nOne",
            "Menu\n2.\n9 comments\nTwo",
            "Menu\n3.\n1 comments\nThree",
        ]
        .iter()
        .map(|t| DumpLines::new(t))
        .collect();
        let s = Stats::new(&dumps);
        assert_eq!(s.need(), 2);
        assert_eq!(s.class("Menu"), Class::Template);
        assert_eq!(s.class("4 comments"), Class::Shaped);
        assert_eq!(s.class("1."), Class::Own);
        assert_eq!(s.class("One"), Class::Own);
        assert_eq!(need(2), 2);
        assert_eq!(need(5), 3);
    }
}

//! Finding the boilerplate a site's dumps share, to propose removal rules for it.
//!
//! Articles differ; page chrome repeats. A line that two or more dumps of one site print
//! word for word is almost always boilerplate (a sign-up box, a donation appeal, a staff
//! list), while every article's body is its own. So the proposals are built from shared
//! lines only, and a body line (present in one dump) can never end up in one.
//!
//! Lines the built-in generic rules already remove, and byline or date lines the metadata
//! step needs to read, are left out: proposing them would be noise, or would hide the
//! author and date from the metadata.

use crate::kind::Kind;
use crate::learn::lines::{article_span, DumpLines, Stats};
use crate::rules::Site;
use std::collections::{HashMap, HashSet};

/// At most this many fingerprints are proposed.
const MAX_FINGERPRINTS: usize = 3;

/// A proposed removal rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Rule name (a TOML bare key).
    pub name: String,
    pub kind: Kind,
    /// The shared lines, in dump order.
    pub lines: Vec<String>,
    pub shape: Shape,
    /// In how many dumps the rule's first line appears.
    pub seen_in: usize,
}

/// How a proposal removes its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Each line on its own (`line = [...]`).
    Lines,
    /// A block from the first line to the last (`start`/`end`), because every dump prints
    /// the lines together; this keeps working when a line inside the block changes.
    Block { max_lines: usize },
}

/// What the dumps share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proposals {
    pub rules: Vec<Proposal>,
    /// Shared lines that every dump prints, fit to recognise the site without a URL.
    pub fingerprints: Vec<String>,
    /// How many dumps were compared.
    pub dumps: usize,
}

/// A dump's non-blank lines, with their line index (blank lines count, as in the engine).
struct Lines<'a> {
    lines: Vec<(usize, &'a str)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            lines: text
                .split('\n')
                .map(str::trim)
                .enumerate()
                .filter(|(_, l)| !l.is_empty())
                .collect(),
        }
    }

    fn contains_run(&self, run: &[&str]) -> Option<usize> {
        self.lines
            .windows(run.len())
            .find(|w| w.iter().map(|(_, l)| *l).eq(run.iter().copied()))
            .map(|w| w[w.len() - 1].0 - w[0].0 + 1)
    }
}

/// Proposes rules for the lines that at least two of `texts` share. `generic` is the
/// built-in rule set (its line rules and bylines are left to it).
pub fn propose(texts: &[String], generic: &Site) -> Proposals {
    let dumps: Vec<Lines> = texts.iter().map(|t| Lines::new(t)).collect();
    let mut seen_in: HashMap<&str, usize> = HashMap::new();
    for d in &dumps {
        let distinct: HashSet<&str> = d.lines.iter().map(|(_, l)| *l).collect();
        for l in distinct {
            *seen_in.entry(l).or_default() += 1;
        }
    }
    // Lines the articles themselves share (a "Pros" heading, FAQ numbers "1."…"6."): inside
    // a dump's article stretch, short, and not named for what page chrome is. Body
    // structure, never proposed (the learner's own test, see `learn::text`).
    let learned: Vec<DumpLines> = texts.iter().map(|t| DumpLines::new(t)).collect();
    let stats = Stats::new(&learned);
    let mut structure: HashSet<String> = HashSet::new();
    for d in &learned {
        if let Some((a, b)) = article_span(d, &stats) {
            for k in a..=b {
                let l = d.text(k);
                if is_body_structure(l) {
                    structure.insert(l.to_string());
                }
            }
        }
    }
    let eligible = |line: &str| {
        seen_in.get(line).copied().unwrap_or(0) >= 2
            && line.chars().any(char::is_alphabetic)
            && !structure.contains(line)
            && !generic.text.lines.set.is_match(line)
            && !generic
                .text
                .metadata
                .byline
                .iter()
                .any(|b| b.is_match(line))
    };

    let mut out = Proposals {
        dumps: texts.len(),
        ..Proposals::default()
    };
    if texts.len() < 2 {
        return out;
    }
    let mut taken: HashSet<&str> = HashSet::new();
    let mut names: HashSet<String> = HashSet::new();
    for d in &dumps {
        // Runs of shared lines within one paragraph: a blank line separates pieces of page
        // chrome that may be of different kinds (a donation appeal, then a staff list).
        let mut run: Vec<&str> = Vec::new();
        let mut previous: Option<usize> = None;
        for (i, line) in d
            .lines
            .iter()
            .map(|(i, l)| (*i, *l))
            .chain([(usize::MAX, "")])
        {
            let same_paragraph = previous.is_some_and(|p| p + 1 == i);
            if !run.is_empty() && !same_paragraph {
                out.rules.push(proposal(&run, &dumps, &seen_in, &mut names));
                taken.extend(run.iter().copied());
                run.clear();
            }
            previous = Some(i);
            if !line.is_empty() && eligible(line) && !taken.contains(line) {
                run.push(line);
            } else if !run.is_empty() {
                out.rules.push(proposal(&run, &dumps, &seen_in, &mut names));
                taken.extend(run.iter().copied());
                run.clear();
            }
        }
    }

    let everywhere: Vec<&str> = dumps[0]
        .lines
        .iter()
        .map(|(_, l)| *l)
        .filter(|l| seen_in.get(l) == Some(&texts.len()) && eligible(l))
        .collect();
    let fit = |l: &&str| (8..=120).contains(&l.chars().count()) && l.contains(' ');
    let mut fingerprints: Vec<&str> = everywhere.iter().copied().filter(fit).collect();
    if fingerprints.is_empty() {
        fingerprints = everywhere;
    }
    let mut unique = HashSet::new();
    out.fingerprints = fingerprints
        .into_iter()
        .filter(|f| unique.insert(*f))
        .take(MAX_FINGERPRINTS)
        .map(str::to_string)
        .collect();
    out
}

fn proposal(
    run: &[&str],
    dumps: &[Lines],
    seen_in: &HashMap<&str, usize>,
    names: &mut HashSet<String>,
) -> Proposal {
    let first = run[0];
    let holders: Vec<&Lines> = dumps
        .iter()
        .filter(|d| d.lines.iter().any(|(_, l)| *l == first))
        .collect();
    let spans: Vec<Option<usize>> = holders.iter().map(|d| d.contains_run(run)).collect();
    let shape =
        if run.len() >= 3 && run[0] != run[run.len() - 1] && spans.iter().all(Option::is_some) {
            let span = spans.iter().flatten().copied().max().unwrap_or(run.len());
            Shape::Block {
                max_lines: (span * 2).max(10),
            }
        } else {
            Shape::Lines
        };
    // A block keeps its lines as printed (its first and last are its markers); a list of
    // lines needs each one once.
    let mut lines: Vec<String> = Vec::new();
    for l in run {
        if matches!(shape, Shape::Block { .. }) || !lines.iter().any(|x| x == l) {
            lines.push(l.to_string());
        }
    }
    // The first line usually says what a block is ("Staff", "Most read"); the rest helps
    // when it does not.
    let kind = match guess_kind(&lines[0]) {
        Kind::Other => guess_kind(&lines.join("\n")),
        kind => kind,
    };
    Proposal {
        name: unique_name(&lines[0], kind, names),
        kind,
        lines,
        shape,
        seen_in: seen_in.get(first).copied().unwrap_or(0),
    }
}

/// A short line that says nothing about page chrome: inside an article, it is a heading or
/// a list item the articles happen to share.
pub fn is_body_structure(line: &str) -> bool {
    line.split_whitespace().count() < 6 && guess_kind(line) == Kind::Other
}

/// Keywords that betray a kind, tried in order; the first hit wins.
const KEYWORDS: &[(Kind, &[&str])] = &[
    (Kind::Other, &["©", "copyright", "all rights reserved"]),
    (
        Kind::Newsletter,
        &[
            "newsletter",
            "sign up",
            "sign-up",
            "signup",
            "mailing list",
            "inbox",
        ],
    ),
    (Kind::Notification, &["notification"]),
    (Kind::Cookie, &["cookie", "consent"]),
    (
        Kind::Donation,
        &["donat", "support", "contribut", "patreon"],
    ),
    (Kind::Comments, &["comment"]),
    (
        Kind::Share,
        &["share", "tweet", "facebook", "whatsapp", "linkedin"],
    ),
    (Kind::Advertisement, &["advert", "sponsored", "promoted"]),
    (
        Kind::Related,
        &[
            "related",
            "latest",
            "most read",
            "most popular",
            "most viewed",
            "trending",
            "read more",
            "read next",
            "recommended",
            "more from",
            "also read",
        ],
    ),
    (
        Kind::Paywall,
        &["subscriber", "subscribe", "paywall", "log in", "sign in"],
    ),
    (Kind::Caption, &["photo", "getty images", "image credit"]),
    (
        Kind::Masthead,
        &[
            "masthead",
            "staff",
            "editor-in-chief",
            "managing editor",
            "publisher",
        ],
    ),
    (Kind::Navigation, &["menu", "skip to", "navigation"]),
];

/// The kind a piece of boilerplate most likely is, from its words; `other` when unsure.
pub fn guess_kind(text: &str) -> Kind {
    let lower = text.to_lowercase();
    KEYWORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| lower.contains(w)))
        .map_or(Kind::Other, |(kind, _)| *kind)
}

/// A rule name from the first words of `line` (`start-your-day-with-tpm`), unique.
fn unique_name(line: &str, kind: Kind, names: &mut HashSet<String>) -> String {
    let mut base = String::new();
    for word in line
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
    {
        if base.len() + word.len() > 40 {
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.push_str(&word.to_ascii_lowercase());
    }
    if base.is_empty() {
        base = kind.as_str().to_string();
    }
    let mut name = base.clone();
    let mut n = 2;
    while !names.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleSet;

    fn run(texts: &[&str]) -> Proposals {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        propose(&texts, &RuleSet::builtin().generic)
    }

    const A: &str = "Acme Daily\n\nFirst story headline\n\nGet the Acme briefing in your inbox.\n\n\
        The council voted on Tuesday to close the bridge.\n\nStaff\nJane Roe, Editor\nJohn Doe, Reporter\nAcme Media Ltd\n\nComments are closed.";
    const B: &str = "Acme Daily\n\nSecond story headline\n\nThe mayor resigned after a long dispute.\n\n\
        Get the Acme briefing in your inbox.\n\nStaff\nJane Roe, Editor\nJohn Doe, Reporter\nAcme Media Ltd\n";

    #[test]
    fn proposes_shared_lines_and_blocks_never_bodies() {
        let p = run(&[A, B]);
        let all: Vec<&str> = p
            .rules
            .iter()
            .flat_map(|r| r.lines.iter().map(String::as_str))
            .collect();
        assert!(
            all.contains(&"Get the Acme briefing in your inbox."),
            "{p:#?}"
        );
        for body in [
            "The council voted on Tuesday to close the bridge.",
            "The mayor resigned after a long dispute.",
            "First story headline",
            "Second story headline",
        ] {
            assert!(!all.contains(&body), "{body} proposed: {p:#?}");
        }
        // Left to the generic rules.
        assert!(!all.contains(&"Comments are closed."));
        let newsletter = p
            .rules
            .iter()
            .find(|r| r.lines[0].starts_with("Get the"))
            .unwrap();
        assert_eq!(newsletter.kind, Kind::Newsletter);
        assert_eq!(newsletter.shape, Shape::Lines);
        let staff = p.rules.iter().find(|r| r.lines[0] == "Staff").unwrap();
        assert_eq!(staff.lines.len(), 4);
        assert!(matches!(staff.shape, Shape::Block { .. }), "{staff:?}");
        assert_eq!(p.fingerprints[0], "Acme Daily");
    }

    #[test]
    fn a_block_ends_at_its_last_line_even_when_a_line_repeats() {
        let a = "Title one\n\nBody one is here.\n\nMore from Acme\nPodcasts\nVideo\nPodcasts\n";
        let b = "Title two\n\nBody two is there.\n\nMore from Acme\nPodcasts\nVideo\nPodcasts\n";
        let p = run(&[a, b]);
        assert_eq!(p.rules.len(), 1, "{p:#?}");
        assert_eq!(
            p.rules[0].lines,
            ["More from Acme", "Podcasts", "Video", "Podcasts"]
        );
        assert!(matches!(p.rules[0].shape, Shape::Block { .. }));
        assert_eq!(p.rules[0].kind, Kind::Related);
    }

    #[test]
    fn headings_and_numbers_the_articles_share_are_not_proposed() {
        let body = |n: &str| {
            format!(
                "Acme Daily\n\nReview of the {n} phone\n\nThe {n} phone is the best phone we have tested this year, by far.\n\n\
                 Pros\n\nThe {n} has a long battery life and a bright screen that works well outdoors.\n\n\
                 Cons\n\nThe camera of the {n} struggles in low light, and the charger is sold separately.\n\n1.\n\n\
                 Is the {n} waterproof? Yes, it survives a dip in the pool for up to thirty minutes.\n\n\
                 Sign up for the Acme Daily newsletter\n\nAbout Acme Daily\n"
            )
        };
        let p = run(&[&body("Alpha"), &body("Beta"), &body("Gamma")]);
        let all: Vec<&str> = p
            .rules
            .iter()
            .flat_map(|r| r.lines.iter().map(String::as_str))
            .collect();
        for kept in ["Pros", "Cons", "1."] {
            assert!(!all.contains(&kept), "{kept} proposed: {p:#?}");
        }
        // Chrome outside the articles is still proposed.
        assert!(all.contains(&"About Acme Daily"), "{p:#?}");
    }

    #[test]
    fn one_dump_proposes_nothing() {
        assert_eq!(run(&[A]).rules, vec![]);
    }

    #[test]
    fn kinds_from_keywords() {
        assert_eq!(guess_kind("Sign up for the Morning Memo"), Kind::Newsletter);
        assert_eq!(
            guess_kind("Your support helps us tell the story"),
            Kind::Donation
        );
        assert_eq!(guess_kind("Allow notifications"), Kind::Notification);
        assert_eq!(guess_kind("Most Read"), Kind::Related);
        assert_eq!(guess_kind("© 2024 Acme. All rights reserved."), Kind::Other);
        assert_eq!(guess_kind("Jane Roe, Editor"), Kind::Other);
    }

    #[test]
    fn names_are_unique_bare_keys() {
        let mut names = HashSet::new();
        assert_eq!(
            unique_name("Start your day with TPM.", Kind::Other, &mut names),
            "start-your-day-with-tpm"
        );
        assert_eq!(
            unique_name("Start your day with TPM!", Kind::Other, &mut names),
            "start-your-day-with-tpm-2"
        );
        assert_eq!(unique_name("— · —", Kind::Share, &mut names), "share");
    }
}

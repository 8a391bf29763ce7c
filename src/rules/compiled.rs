//! Rules as they run: regexes compiled, selectors parsed, names qualified.
//!
//! `compile` is the only place that turns a [`RuleFile`](super::model::RuleFile) into these
//! types, and it checks everything it can (regexes, selectors, exactly one action per rule)
//! so the cleaning code never meets an invalid rule.

use crate::kind::Kind;
use regex::{Regex, RegexSet};
use scraper::Selector;
use std::path::PathBuf;

/// One site's compiled rules (or the built-in generic set).
#[derive(Debug)]
pub struct Site {
    pub id: String,
    pub name: String,
    /// The rule file, `None` for the built-in generic set.
    pub file: Option<PathBuf>,
    pub hosts: Vec<String>,
    pub fingerprints: Vec<Regex>,
    pub min_fingerprints: usize,
    pub language: Option<String>,
    pub use_generic: bool,
    pub text: TextRules,
    pub html: HtmlRules,
    pub must_contain: Vec<String>,
    pub must_not_contain: Vec<String>,
}

impl Site {
    /// The names of all this site's removal rules, in file order (for dead-rule reports).
    pub fn rule_names(&self) -> Vec<&str> {
        self.text
            .rules
            .iter()
            .map(|r| r.name.as_str())
            .chain(self.html.remove.iter().map(|r| r.name.as_str()))
            .collect()
    }
}

/// Text removal rules and text metadata rules.
#[derive(Debug, Default)]
pub struct TextRules {
    pub rules: Vec<TextRule>,
    /// All `line` patterns of `rules` in one set, so each line is matched once.
    pub lines: LineSet,
    pub metadata: TextMetadata,
}

/// Every whole-line pattern of a rule list, compiled together.
#[derive(Debug)]
pub struct LineSet {
    pub set: RegexSet,
    /// For each pattern of `set`, the index of the rule in `TextRules::rules` it belongs to.
    pub owner: Vec<usize>,
}

impl Default for LineSet {
    fn default() -> Self {
        LineSet {
            set: RegexSet::empty(),
            owner: Vec::new(),
        }
    }
}

/// One named text removal rule.
#[derive(Debug)]
pub struct TextRule {
    /// Qualified name: `site-id/rule-name`.
    pub name: String,
    pub kind: Kind,
    pub action: TextAction,
}

/// What a text rule removes. Markers are whole-line regexes.
#[derive(Debug)]
pub enum TextAction {
    /// Whole lines matching any of the patterns (they live in [`LineSet`]).
    Lines,
    /// From a `start` line to the next `end` line, inclusive.
    Block {
        start: Regex,
        end: Regex,
        max_lines: Option<usize>,
    },
    /// Everything after the marker (`keep_marker`) or from it (`!keep_marker`) to the end.
    Tail {
        marker: Regex,
        keep_marker: bool,
        min_position: f64,
        last: bool,
    },
    /// Everything before the marker (`keep_marker`) or through it (`!keep_marker`).
    Head {
        marker: Regex,
        keep_marker: bool,
        max_position: f64,
        last: bool,
    },
    /// The lines after the marker within its paragraph (up to the next blank line).
    RestOfParagraph { marker: Regex, last: bool },
}

/// Where the title, subtitle, authors and date are in text.
#[derive(Debug, Default)]
pub struct TextMetadata {
    pub title: TitleRule,
    pub subtitle: SubtitleRule,
    pub byline: Vec<Regex>,
    pub credit: Vec<Regex>,
    pub date_formats: Vec<String>,
    pub drop_above_title: bool,
}

#[derive(Debug, Default)]
pub enum TitleRule {
    /// The first remaining paragraph, if it looks like a headline.
    #[default]
    First,
    /// No title in the text.
    None,
    /// The first line matching (the `title` group if any).
    Pattern(Regex),
    /// The paragraph just before the first line matching.
    Before(Regex),
}

#[derive(Debug, Default)]
pub enum SubtitleRule {
    /// A short unpunctuated paragraph right after the title.
    #[default]
    Guess,
    /// The paragraph right after the title, whatever it looks like.
    AfterTitle,
    None,
    /// The first line matching (the `subtitle` group if any).
    Pattern(Regex),
}

/// HTML rules.
#[derive(Debug, Default)]
pub struct HtmlRules {
    /// Content-root selectors, tried in order.
    pub content: Vec<Selector>,
    /// The `content` selectors as written in the rule file (what `explain` shows).
    pub content_sources: Vec<String>,
    pub remove: Vec<HtmlRule>,
    pub metadata: HtmlMetadata,
}

/// One named HTML removal rule.
#[derive(Debug)]
pub struct HtmlRule {
    /// Qualified name: `site-id/rule-name`.
    pub name: String,
    pub kind: Kind,
    pub selector: Selector,
    /// The selector as written in the rule file (what `explain` shows).
    pub source: String,
}

/// Where the metadata is in HTML, per field; tried in order before the defaults.
#[derive(Debug, Default)]
pub struct HtmlMetadata {
    pub title: Vec<HtmlSource>,
    pub subtitle: Vec<HtmlSource>,
    pub authors: Vec<HtmlSource>,
    pub published: Vec<HtmlSource>,
    pub date_formats: Vec<String>,
}

/// One place a metadata value can be read from.
#[derive(Debug)]
pub enum HtmlSource {
    /// Text (or `attr`) of the elements matching a selector.
    Selector {
        selector: Selector,
        attr: Option<String>,
    },
    /// The `content` of `<meta name|property=…>`.
    Meta(String),
}

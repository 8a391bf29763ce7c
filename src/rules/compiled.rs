//! Rules as they run: regexes compiled, selectors parsed, names qualified.
//!
//! `compile` is the only place that turns a [`RuleFile`](super::model::RuleFile) into these
//! types, and it checks everything it can (regexes, selectors, exactly one action per rule)
//! so the cleaning code never meets an invalid rule.

pub use super::model::Action;
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
    /// The generic rules this site switched off (unqualified names).
    pub disable_generic: Vec<String>,
    /// The generic set less `disable_generic`, when the site disables any: the generic
    /// layer this site's dumps are cleaned with (see [`Site::generic_layer`]).
    pub own_generic: Option<Box<Site>>,
    pub text: TextRules,
    pub html: HtmlRules,
    pub must_contain: Vec<String>,
    pub must_not_contain: Vec<String>,
    /// Problems that do not stop the rules from loading (`file:line:column: warning: …`).
    pub warnings: Vec<super::RuleError>,
}

impl Site {
    /// The generic layer under this site's rules: the shared set, less what the site
    /// disables; `None` with `use_generic = false`.
    pub fn generic_layer<'s>(&'s self, generic: &'s Site) -> Option<&'s Site> {
        self.use_generic
            .then(|| self.own_generic.as_deref().unwrap_or(generic))
    }

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
    /// Run the generic prose-stretch pass after the site's rules (`[text] heuristics`).
    pub heuristics: bool,
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
    /// What it removes; markers are whole-line regexes, and the `line` patterns live in
    /// [`LineSet`].
    pub action: Action<Regex, ()>,
    /// A block gives up when `end` is not within this many lines.
    pub max_lines: usize,
    /// `from`/`after` markers count from this fraction of the dump's lines on.
    pub min_position: f64,
    /// `before`/`through` markers count up to this fraction of the dump's lines.
    pub max_position: f64,
    /// Markers: the last match instead of the first.
    pub last: bool,
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
    /// Guess what the patterns do not give, as for a site without rules.
    pub guess: bool,
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
    /// Where each of `content` was written: (line, column), for `check`'s warnings.
    pub content_places: Vec<(usize, usize)>,
    pub remove: Vec<HtmlRule>,
    pub metadata: HtmlMetadata,
    /// `remove`'s selectors indexed by what an element needs to match each, built at first
    /// use (see [`super::prefilter`]).
    pub remove_prefilter: std::sync::OnceLock<super::prefilter::Prefilter>,
}

impl HtmlRules {
    /// The prefilter of `remove`: which of its rules may match an element.
    pub fn remove_prefilter(&self) -> &super::prefilter::Prefilter {
        self.remove_prefilter.get_or_init(|| {
            super::prefilter::Prefilter::new(self.remove.iter().map(|r| r.source.as_str()))
        })
    }
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

//! The rule-file format, exactly as it is written in TOML.
//!
//! These types only describe the file; `compile` turns them into something that runs.
//! Every table denies unknown fields: a misspelt key must be an error, never a rule that
//! silently does nothing. Patterns and selectors keep their source span so an invalid one
//! can be reported as `file:line:column`.

use crate::kind::Kind;
use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

/// A pattern or selector as written, with where it was written.
pub type Src = Spanned<String>;

/// One pattern or a list of them, with where they were written. (The span is on the whole
/// value: `toml` cannot give spans inside an untagged enum, so `compile` finds each item
/// within it.)
pub type Srcs = Spanned<OneOrMany<String>>;

/// One value or a list of them: `line = "x"` and `line = ["x", "y"]` both work.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

/// A whole rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub site: SiteSpec,
    #[serde(default)]
    pub text: TextSpec,
    #[serde(default)]
    pub html: HtmlSpec,
    #[serde(default)]
    pub tests: TestsSpec,
}

/// Who the site is and how to recognise its dumps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    /// Short stable identifier, used in output (`site.id`, `rule.id`) and rule names.
    pub id: Spanned<String>,
    /// Display name.
    pub name: String,
    /// Hostnames; a URL on the host or any subdomain of it matches.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Regexes that identify a dump of this site when no URL is known. Each is matched
    /// against whole lines (anchored for you).
    #[serde(default)]
    pub fingerprints: Vec<Src>,
    /// How many distinct fingerprints must match before a dump is taken for this site.
    #[serde(default = "one")]
    pub min_fingerprints: usize,
    /// The site's language (BCP 47), when it publishes in one language.
    pub language: Option<String>,
    /// Set to false to start from nothing instead of building on the built-in generic rules.
    #[serde(default = "yes")]
    pub use_generic: bool,
}

fn one() -> usize {
    1
}
fn yes() -> bool {
    true
}

/// Rules for plain-text dumps (and for the blocks an HTML page becomes).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextSpec {
    /// Named removal rules, applied to the dump's lines.
    #[serde(default)]
    pub remove: IndexMap<String, TextRule>,
    /// Where the metadata is.
    #[serde(default)]
    pub metadata: TextMetadataSpec,
}

/// One removal rule for text. Exactly one of `line`, `start`/`end`, `from`, `after`,
/// `before`, `through`, `paragraph_after` says what it removes. Every pattern is matched against a whole
/// trimmed line: `Comments` matches the line "Comments" and not "Comments made by...".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextRule {
    pub kind: Kind,
    /// Why the rule exists, for people.
    pub description: Option<String>,
    /// Remove every line matching one of these.
    pub line: Option<Srcs>,
    /// Remove a block from a line matching `start` to the next line matching `end`, inclusive.
    pub start: Option<Src>,
    pub end: Option<Src>,
    /// Remove the marker line and everything after it.
    pub from: Option<Src>,
    /// Remove everything after the marker line, keeping the marker.
    pub after: Option<Src>,
    /// Remove everything before the marker line, keeping the marker.
    pub before: Option<Src>,
    /// Remove everything up to and including the marker line.
    pub through: Option<Src>,
    /// Remove the lines after the marker line within its paragraph (up to the next blank
    /// line), keeping the marker: what a page prints right under a byline or a photo.
    pub paragraph_after: Option<Src>,
    /// For blocks: give up (remove nothing) when `end` is not found within this many lines.
    pub max_lines: Option<usize>,
    /// For `from`/`after`: the marker only counts in the last part of the dump, from this
    /// fraction of its lines on (0.5 = second half). Guards against a marker-like body line.
    pub min_position: Option<f64>,
    /// For `before`/`through`: the marker only counts up to this fraction of the dump's lines.
    pub max_position: Option<f64>,
    /// Use the last matching marker instead of the first.
    #[serde(default)]
    pub last: bool,
}

/// Where title, subtitle, authors and date are in a text dump.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextMetadataSpec {
    /// How to find the title. Default: the first remaining paragraph.
    pub title: Option<Spanned<TitleSpec>>,
    /// How to find the subtitle. Default: a guess (a short unpunctuated paragraph after
    /// the title).
    pub subtitle: Option<Spanned<SubtitleSpec>>,
    /// Byline patterns, tried in order. Named groups `authors` and `date` are read; the
    /// lines a match covers are removed from the body as kind `byline`. A pattern may span
    /// lines with `\n`.
    #[serde(default)]
    pub byline: Vec<Src>,
    /// Credit lines, read like `byline` but matched anywhere in the dump even in the
    /// generic set: wire credits ("(Reporting by …; Editing by …)") close a story.
    #[serde(default)]
    pub credit: Vec<Src>,
    /// chrono format strings for the `date` group, tried in order before the built-in ones.
    #[serde(default)]
    pub date_format: Vec<String>,
    /// Remove every line above the title (as `navigation`): what sits above a headline in a
    /// dump is page chrome. Default true.
    pub drop_above_title: Option<bool>,
}

/// How to find a title in text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TitleSpec {
    /// `"first"`: the first remaining paragraph; `"none"`: no title in dumps of this site.
    Keyword(String),
    Rule(TitleRule),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleRule {
    /// The title is the first line matching this (the `title` group if there is one).
    pub pattern: Option<String>,
    /// The title is the paragraph just before the first line matching this.
    pub before: Option<String>,
}

/// How to find a subtitle in text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SubtitleSpec {
    /// `"after-title"`: the paragraph after the title; `"guess"`; `"none"`.
    Keyword(String),
    Rule(SubtitleRule),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubtitleRule {
    /// The subtitle is the first line matching this (the `subtitle` group if there is one).
    pub pattern: String,
}

/// Rules for HTML pages.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HtmlSpec {
    /// CSS selectors for the article root, tried in order; the first that matches wins.
    pub content: Option<Srcs>,
    /// Named removal rules: elements matching `selector` are removed.
    #[serde(default)]
    pub remove: IndexMap<String, HtmlRule>,
    #[serde(default)]
    pub metadata: HtmlMetadataSpec,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HtmlRule {
    pub kind: Kind,
    pub description: Option<String>,
    /// A CSS selector (the `scraper` crate's syntax).
    pub selector: Src,
}

/// Where the metadata is in an HTML page. Each field is a source or a list of sources tried
/// in order, before the defaults (JSON-LD, `<meta>` tags, `<h1>`, `<title>`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HtmlMetadataSpec {
    pub title: Option<Spanned<OneOrMany<HtmlSource>>>,
    pub subtitle: Option<Spanned<OneOrMany<HtmlSource>>>,
    pub authors: Option<Spanned<OneOrMany<HtmlSource>>>,
    pub published: Option<Spanned<OneOrMany<HtmlSource>>>,
    /// chrono format strings for `published`, tried before the built-in ones.
    #[serde(default)]
    pub date_format: Vec<String>,
}

/// Where one metadata value is in HTML.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum HtmlSource {
    /// A CSS selector; the value is the element's text.
    Selector(String),
    Detailed(HtmlSourceRule),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HtmlSourceRule {
    /// A CSS selector.
    pub selector: Option<String>,
    /// Read this attribute instead of the text (e.g. `datetime`, `content`).
    pub attr: Option<String>,
    /// A `<meta>` tag's `name` or `property` (e.g. `og:title`, `author`).
    pub meta: Option<String>,
}

/// What every fixture of this site must and must not give (checked by `copydesk test`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestsSpec {
    #[serde(default)]
    pub must_contain: Vec<String>,
    #[serde(default)]
    pub must_not_contain: Vec<String>,
}

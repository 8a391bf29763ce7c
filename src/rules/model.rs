//! The rule-file format, exactly as it is written in TOML.
//!
//! These types only describe the file; `compile` turns them into something that runs.
//! Every table denies unknown fields: a misspelt key must be an error, never a rule that
//! silently does nothing. Patterns and selectors keep their source span so an invalid one
//! can be reported as `file:line:column`.

use crate::kind::Kind;
use indexmap::IndexMap;
use serde::de::{self, Visitor};
use serde::Deserialize;
use toml::Spanned;

/// A pattern or selector as written, with where it was written.
pub type Src = Spanned<String>;

/// One pattern or a list of them, with where they were written. (The span is on the whole
/// value: `toml` cannot give spans inside an untagged enum, so `compile` finds each item
/// within it.)
pub type Srcs = Spanned<OneOrMany<String>>;

/// One value or a list of them: `line = "x"` and `line = ["x", "y"]` both work.
#[derive(Debug, Clone)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

/// Read by hand rather than as an untagged enum, so a mistake inside one item says what is
/// wrong with it (serde's untagged enums only say that nothing matched).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Visit<T> {
            type Value = OneOrMany<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a string or a list of strings, e.g. 'Share this' or ['Share this', 'Tweet']",
                )
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                T::deserialize(de::value::StrDeserializer::new(s)).map(OneOrMany::One)
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany::Many(items))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
        }
        d.deserialize_any(Visit(std::marker::PhantomData))
    }
}

/// A keyword or a table, read by hand for the same reason as [`OneOrMany`]: a misspelt key
/// in the table is reported as that key.
fn keyword_or_table<'de, D, T, R>(
    d: D,
    keyword: fn(String) -> T,
    table: fn(R) -> T,
    expecting: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    R: Deserialize<'de>,
{
    struct Visit<T, R> {
        keyword: fn(String) -> T,
        table: fn(R) -> T,
        expecting: &'static str,
    }
    impl<'de, T, R: Deserialize<'de>> Visitor<'de> for Visit<T, R> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
            Ok((self.keyword)(s.to_string()))
        }

        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            R::deserialize(de::value::MapAccessDeserializer::new(map)).map(self.table)
        }
    }
    d.deserialize_any(Visit {
        keyword,
        table,
        expecting,
    })
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

/// A part of a rule file read on its own: a mistake in it is kept as its message (and
/// the part's place) instead of ending the read, so one run of `check` reports a problem
/// in every rule that has one, not only the first.
pub type Part<T> = Spanned<Checked<T>>;

/// A part that was read, or the message saying why it could not be.
#[derive(Debug, Clone)]
pub enum Checked<T> {
    Ok(T),
    Err(String),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Checked<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match T::deserialize(d) {
            Ok(t) => Checked::Ok(t),
            Err(e) => Checked::Err(e.to_string()),
        })
    }
}

/// A whole rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub site: Part<SiteSpec>,
    #[serde(default)]
    pub text: TextSpec,
    #[serde(default)]
    pub html: HtmlSpec,
    pub tests: Option<Part<TestsSpec>>,
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
    /// Generic rules this site does without, by the name output gives them
    /// (`generic/share-bar`): for a site whose articles a generic rule would cut.
    #[serde(default)]
    pub disable_generic: Vec<Src>,
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
    pub remove: IndexMap<String, Part<TextRule>>,
    /// Where the metadata is.
    pub metadata: Option<Part<TextMetadataSpec>>,
    /// After this site's rules, also find the article's stretch of prose and claim what
    /// lies around it, as the generic clean-up does for sites without rules (default
    /// false: a site's rules are trusted to know its dumps). Learned rule files set it:
    /// they remove the template, which varies little, and leave the rest (other stories'
    /// teasers, comments) to this.
    #[serde(default)]
    pub heuristics: bool,
}

/// One removal rule for text: its [`Action`] (exactly one per rule) and the guards that
/// narrow it. Every pattern is matched against a whole trimmed line: `Comments` matches
/// the line "Comments" and not "Comments made by...".
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "TextRuleFields")]
pub struct TextRule {
    pub kind: Kind,
    /// Why the rule exists, for people.
    pub description: Option<String>,
    pub action: Action<Src, Srcs>,
    pub guards: Guards,
}

/// What a text rule removes. This enum is the one list of actions: the file syntax
/// ([`Action::KEYS`], [`Action::key`]), the compiler, the cleaner and the messages all
/// read it, and the compiler makes every `match` on it name every action.
///
/// `M` is a marker (one whole-line pattern) and `L` the patterns of `line`: the source
/// text in a rule file, compiled regexes in [`super::compiled`].
#[derive(Debug, Clone)]
pub enum Action<M, L> {
    /// `line`: every line matching one of the patterns.
    Line(L),
    /// `start` + `end`: a block from a `start` line to the next `end` line, inclusive.
    Block { start: M, end: M },
    /// `from`: the marker line and everything after it.
    From(M),
    /// `after`: everything after the marker line, keeping the marker.
    After(M),
    /// `before`: everything before the marker line, keeping the marker.
    Before(M),
    /// `through`: everything up to and including the marker line.
    Through(M),
    /// `paragraph_after`: the lines after the marker within its paragraph (up to the next
    /// blank line), keeping the marker: what a page prints right under a byline or a photo.
    ParagraphAfter(M),
}

/// The guards of a text rule; each narrows some actions (see [`Guard::applies_to`]).
#[derive(Debug, Clone, Default)]
pub struct Guards {
    /// For blocks: give up (remove nothing) when `end` is not found within this many lines.
    pub max_lines: Option<usize>,
    /// For `from`/`after`: the marker only counts in the last part of the dump, from this
    /// fraction of its lines on (0.5 = second half). Guards against a marker-like body line.
    pub min_position: Option<f64>,
    /// For `before`/`through`: the marker only counts up to this fraction of the dump's lines.
    pub max_position: Option<f64>,
    /// For markers: use the last matching marker instead of the first.
    pub last: bool,
}

/// One guard key, for messages about where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    MaxLines,
    MinPosition,
    MaxPosition,
    Last,
}

impl Guard {
    pub const ALL: [Guard; 4] = [
        Guard::MaxLines,
        Guard::MinPosition,
        Guard::MaxPosition,
        Guard::Last,
    ];

    /// The key in a rule file.
    pub fn key(self) -> &'static str {
        match self {
            Guard::MaxLines => "max_lines",
            Guard::MinPosition => "min_position",
            Guard::MaxPosition => "max_position",
            Guard::Last => "last",
        }
    }

    /// Whether this guard changes what `action` does.
    pub fn applies_to<M, L>(self, action: &Action<M, L>) -> bool {
        use Action as A;
        match self {
            Guard::MaxLines => matches!(action, A::Block { .. }),
            Guard::MinPosition => matches!(action, A::From(_) | A::After(_)),
            Guard::MaxPosition => matches!(action, A::Before(_) | A::Through(_)),
            Guard::Last => !matches!(action, A::Line(_) | A::Block { .. }),
        }
    }

    /// Whether `guards` sets this guard.
    pub fn is_set(self, guards: &Guards) -> bool {
        match self {
            Guard::MaxLines => guards.max_lines.is_some(),
            Guard::MinPosition => guards.min_position.is_some(),
            Guard::MaxPosition => guards.max_position.is_some(),
            Guard::Last => guards.last,
        }
    }
}

impl<M, L> Action<M, L> {
    /// How each action is written, in the order messages and docs list them.
    pub const KEYS: [&'static str; 7] = [
        "line",
        "start`+`end",
        "from",
        "after",
        "before",
        "through",
        "paragraph_after",
    ];

    /// How this action is written (as in [`Action::KEYS`]).
    pub fn key(&self) -> &'static str {
        let i = match self {
            Action::Line(_) => 0,
            Action::Block { .. } => 1,
            Action::From(_) => 2,
            Action::After(_) => 3,
            Action::Before(_) => 4,
            Action::Through(_) => 5,
            Action::ParagraphAfter(_) => 6,
        };
        Self::KEYS[i]
    }

    /// The same action over other patterns (compiling them); `None` if a marker or the
    /// line patterns gave `None`.
    pub fn try_map<M2, L2>(
        self,
        mut marker: impl FnMut(M) -> Option<M2>,
        line: impl FnOnce(L) -> Option<L2>,
    ) -> Option<Action<M2, L2>> {
        Some(match self {
            Action::Line(l) => Action::Line(line(l)?),
            Action::Block { start, end } => {
                let (start, end) = (marker(start), marker(end));
                Action::Block {
                    start: start?,
                    end: end?,
                }
            }
            Action::From(m) => Action::From(marker(m)?),
            Action::After(m) => Action::After(marker(m)?),
            Action::Before(m) => Action::Before(marker(m)?),
            Action::Through(m) => Action::Through(marker(m)?),
            Action::ParagraphAfter(m) => Action::ParagraphAfter(marker(m)?),
        })
    }
}

/// A text rule as the file writes it: the action keys side by side. [`TextRule`] is read
/// through this and checks that exactly one action is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRuleFields {
    kind: Kind,
    description: Option<String>,
    line: Option<Srcs>,
    start: Option<Src>,
    end: Option<Src>,
    from: Option<Src>,
    after: Option<Src>,
    before: Option<Src>,
    through: Option<Src>,
    paragraph_after: Option<Src>,
    max_lines: Option<usize>,
    min_position: Option<f64>,
    max_position: Option<f64>,
    #[serde(default)]
    last: bool,
}

impl TryFrom<TextRuleFields> for TextRule {
    type Error = String;

    fn try_from(f: TextRuleFields) -> Result<TextRule, String> {
        let block = match (f.start, f.end) {
            (Some(start), Some(end)) => Some(Action::Block { start, end }),
            (None, None) => None,
            _ => {
                return Err(
                    "a block needs both `start` and `end`, e.g. start = 'Most Read', end = 'Advertisement'"
                        .into(),
                )
            }
        };
        let mut actions = [
            f.line.map(Action::Line),
            block,
            f.from.map(Action::From),
            f.after.map(Action::After),
            f.before.map(Action::Before),
            f.through.map(Action::Through),
            f.paragraph_after.map(Action::ParagraphAfter),
        ]
        .into_iter()
        .flatten();
        let all = || {
            Action::<(), ()>::KEYS
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(action) = actions.next() else {
            return Err(format!(
                "the rule removes nothing: give it one of {}, e.g. line = 'Share this article'",
                all()
            ));
        };
        if let Some(other) = actions.next() {
            return Err(format!(
                "the rule has both `{}` and `{}`, but a rule does one thing: split it into one rule each",
                action.key(),
                other.key()
            ));
        }
        Ok(TextRule {
            kind: f.kind,
            description: f.description,
            action,
            guards: Guards {
                max_lines: f.max_lines,
                min_position: f.min_position,
                max_position: f.max_position,
                last: f.last,
            },
        })
    }
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
    /// What the patterns above do not give (title, authors, date) is found as for a site
    /// without rules: the headline, byline and date where the article starts. Learned
    /// rule files set it, as their head rule may not leave the headline on top. Default
    /// false.
    pub guess: Option<bool>,
}

/// How to find a title in text.
#[derive(Debug, Clone)]
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

impl<'de> Deserialize<'de> for TitleSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        keyword_or_table(
            d,
            TitleSpec::Keyword,
            TitleSpec::Rule,
            "\"first\", \"none\", { pattern = '…' } or { before = '…' }",
        )
    }
}

/// How to find a subtitle in text.
#[derive(Debug, Clone)]
pub enum SubtitleSpec {
    /// `"after-title"`: the paragraph after the title; `"guess"`; `"none"`.
    Keyword(String),
    Rule(SubtitleRule),
}

impl<'de> Deserialize<'de> for SubtitleSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        keyword_or_table(
            d,
            SubtitleSpec::Keyword,
            SubtitleSpec::Rule,
            "\"guess\", \"after-title\", \"none\" or { pattern = '…' }",
        )
    }
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
    pub remove: IndexMap<String, Part<HtmlRule>>,
    pub metadata: Option<Part<HtmlMetadataSpec>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HtmlRule {
    pub kind: Kind,
    pub description: Option<String>,
    /// CSS selectors (the `scraper` crate's syntax), one or a list like `content`.
    pub selector: Srcs,
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
#[derive(Debug, Clone)]
pub enum HtmlSource {
    /// A CSS selector; the value is the element's text.
    Selector(String),
    Detailed(HtmlSourceRule),
}

impl<'de> Deserialize<'de> for HtmlSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        keyword_or_table(
            d,
            HtmlSource::Selector,
            HtmlSource::Detailed,
            "a selector, { selector = '…', attr = '…' } or { meta = '…' }, e.g. 'h1.headline' or { meta = 'og:title' }",
        )
    }
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

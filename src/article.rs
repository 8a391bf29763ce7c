//! The clean article: what copydesk hands back, in Markdown front matter or JSON.
//!
//! Field names are the product's interface (scripts read them): add fields, never rename.

use crate::kind::Kind;
use serde::{Deserialize, Serialize};

/// One clean, tagged article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    /// ISO 8601 date (`2021-01-26`) or date-time (`2021-01-26T22:06:00Z`).
    pub published: Option<String>,
    /// Where each of title, subtitle, authors and published came from (`json-ld`,
    /// `meta:og:title`, `byline-text`, `url`…); a field not found has no entry.
    #[serde(default)]
    pub metadata_sources: crate::metadata::Sources,
    /// The site whose rule file cleaned it; `null` when only the generic rules applied.
    pub site: Option<SiteRef>,
    /// True when no site rule matched and only the generic clean-up ran.
    pub generic: bool,
    pub url: Option<String>,
    pub language: Option<String>,
    pub word_count: usize,
    /// The body only: paragraphs separated by one blank line.
    pub text: String,
    /// The same body as Markdown: a page's headings, lists, block quotes, tables, code and
    /// links kept (a text dump has no markup: its paragraphs as they are). This is the
    /// Markdown output's body.
    #[serde(default)]
    pub markdown: String,
    pub source: Source,
    pub rule: RuleRef,
    /// Everything cut from the dump, in order, and the rule that cut it.
    pub removed: Vec<Removal>,
    /// Non-fatal problems met on the way (e.g. invalid UTF-8 replaced).
    #[serde(default)]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRef {
    pub id: String,
    pub name: String,
}

/// Where the article came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub sha256: String,
    /// `text`, `html` or `json`.
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// The record within a file holding many dumps: a WARC file's `WARC-Record-ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// The rule file that applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// The site id, or `generic`.
    pub id: String,
    /// The rule file's path, `null` for the built-in generic rules.
    pub file: Option<String>,
}

/// One piece of the dump that is not in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub kind: Kind,
    /// Qualified rule name, `site-id/rule-name` (e.g. `generic/comments-closed`).
    pub rule: String,
    pub text: String,
}

/// Words as the corpus metric counts them: runs of letters, digits and underscores.
pub fn word_count(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        let word_char = if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '_'
        } else {
            c.is_alphanumeric()
        };
        if word_char && !in_word {
            count += 1;
        }
        in_word = word_char;
    }
    count
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_count_counts_word_runs() {
        assert_eq!(super::word_count("It's a U.S. test — 1,550 warheads."), 9);
        assert_eq!(super::word_count(""), 0);
    }
}

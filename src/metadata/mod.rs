//! Finding title, subtitle, authors and publication date.
//!
//! Text dumps carry metadata as lines (`text`); HTML pages as tags, `<meta>` and JSON-LD
//! (`html`). Both give a [`Metadata`]; values from the page's markup win over values
//! guessed from its text.

pub mod date;
pub mod html;
pub mod provenance;
pub mod text;

/// Metadata found so far; `None`/empty means not found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    /// ISO 8601, already normalised.
    pub published: Option<String>,
    pub language: Option<String>,
    pub url: Option<String>,
}

impl Metadata {
    /// Fills what `self` lacks from `other`.
    pub fn or(mut self, other: Metadata) -> Metadata {
        self.title = self.title.or(other.title);
        self.subtitle = self.subtitle.or(other.subtitle);
        if self.authors.is_empty() {
            self.authors = other.authors;
        }
        self.published = self.published.or(other.published);
        self.language = self.language.or(other.language);
        self.url = self.url.or(other.url);
        self
    }
}

/// Splits a byline's author list: "A, B and C" → [A, B, C]; drops "By" and roles.
pub fn split_authors(raw: &str) -> Vec<String> {
    let raw = crate::normalize::collapse_spaces(raw);
    let raw = raw
        .strip_prefix("By ")
        .or_else(|| raw.strip_prefix("by "))
        .or_else(|| raw.strip_prefix("BY "))
        .unwrap_or(&raw);
    let mut out: Vec<String> = Vec::new();
    for part in raw
        .split([',', ';', '&', '|'])
        .flat_map(|p| p.split(" and "))
    {
        let name = part
            .trim()
            .trim_matches(|c: char| c == '.' || c == ':' || c.is_whitespace());
        // Wire credits say where a reporter filed from: "Steve Holland in Washington".
        let name = match name.find(" in ") {
            Some(i) if name[i + 4..].starts_with(char::is_uppercase) => &name[..i],
            _ => name,
        };
        if name.is_empty() || name.len() > 80 || !name.chars().any(char::is_alphabetic) {
            continue;
        }
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_split_on_commas_and_and() {
        assert_eq!(
            split_authors("Trevor Hunnicutt and Steve Holland"),
            vec!["Trevor Hunnicutt", "Steve Holland"]
        );
        assert_eq!(
            split_authors("By A B, C D & E F"),
            vec!["A B", "C D", "E F"]
        );
        assert_eq!(split_authors("  "), Vec::<String>::new());
        assert_eq!(
            split_authors("Andrew Osborn in Moscow and Steve Holland in Washington"),
            vec!["Andrew Osborn", "Steve Holland"]
        );
    }
}

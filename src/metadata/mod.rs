//! The metadata stage: title, subtitle, authors and publication date, and where each
//! came from.
//!
//! It runs after the clean stage, on what cleaning left ([`Cleaned`]): text dumps carry
//! metadata as lines (`text`), which it claims so they leave the body; HTML pages as tags,
//! `<meta>` and JSON-LD (`html`), read from the whole page, so an element the clean stage
//! removed as a byline still gives its author. Every value records its source in
//! [`Sources`] (the output's `metadata_sources`), and sources are tried in a fixed order:
//! the site's own rules, then structured data, then the page's visible text.

pub mod authors;
pub mod date;
pub mod html;
pub mod page_dump;
pub mod text;

pub use authors::split_authors;

use crate::clean::Cleaned;
use crate::kind::Kind;
use crate::rules::{RuleSet, Site};
use serde::{Deserialize, Serialize};

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
    pub sources: Sources,
    /// When the page says it was last changed, and where that came from: a publication
    /// date of last resort.
    pub modified: Option<(String, String)>,
    /// The organisation a page itself names as its author (JSON-LD `author`, `<meta
    /// name=author>`) and where that came from: the authors of last resort, used only when
    /// no source names a person (agency copy, "BBC News", "DER SPIEGEL").
    pub organisation_author: Option<(Vec<String>, String)>,
}

/// Where each field came from (absent: not found). Values name the source:
/// `site-rule`, `json-ld`, `meta:<name>` (a `<meta>` tag), `h1`, `title-tag`,
/// `itemprop`, `rel-author`, `author-link`, `time`, `byline-text`, `credit-line`, `first-line`,
/// `after-title`, `url`, `text`, `text-heuristic` (a page dump's headline or author's name
/// found by where it stands, see [`page_dump`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

impl Sources {
    /// Each field found with its source, in field order.
    pub fn named(&self) -> Vec<(&'static str, String)> {
        [
            ("title", &self.title),
            ("subtitle", &self.subtitle),
            ("authors", &self.authors),
            ("published", &self.published),
        ]
        .into_iter()
        .filter_map(|(field, source)| source.clone().map(|s| (field, s)))
        .collect()
    }
}

impl Metadata {
    /// Fills what `self` lacks from `other`, sources included.
    pub fn or(mut self, other: Metadata) -> Metadata {
        if self.title.is_none() {
            self.title = other.title;
            self.sources.title = other.sources.title;
        }
        if self.subtitle.is_none() {
            self.subtitle = other.subtitle;
            self.sources.subtitle = other.sources.subtitle;
        }
        if self.authors.is_empty() {
            self.authors = other.authors;
            self.sources.authors = other.sources.authors;
        }
        if self.published.is_none() {
            self.published = other.published;
            self.sources.published = other.sources.published;
        }
        self.language = self.language.or(other.language);
        self.url = self.url.or(other.url);
        self.modified = self.modified.or(other.modified);
        self.organisation_author = self.organisation_author.or(other.organisation_author);
        self
    }

    /// Sets the title and its source.
    pub fn set_title(&mut self, title: String, source: &str) {
        self.title = Some(title);
        self.sources.title = Some(source.to_string());
    }

    fn set_published(&mut self, published: Option<(String, String)>) {
        if let Some((date, source)) = published {
            self.published = Some(date);
            self.sources.published = Some(source);
        }
    }
}

/// What the metadata stage knows about the dump besides its cleaned lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The parsed page, for an HTML dump.
    pub page: Option<&'a scraper::Html>,
    /// The dump's URL (a date in its path is a last resort).
    pub url: Option<&'a str>,
    /// When the dump was fetched: no publication date can be later.
    pub fetched_at: Option<&'a str>,
}

/// Reads the metadata of a cleaned dump, claiming the lines it takes from the body.
pub fn read(cleaned: &mut Cleaned, site: Option<&Site>, rules: &RuleSet, cx: Context) -> Metadata {
    let owner = site.unwrap_or(&rules.generic);
    let mut meta = match cx.page {
        Some(doc) => {
            let page_meta = html::extract(doc, site.map(|s| &s.html.metadata));
            text::claim_title(&mut cleaned.sheet, &owner.id, page_meta.title.as_deref());
            let text_meta = read_text(cleaned, site, rules);
            page_meta.or(text_meta).or(removed_bylines(cleaned))
        }
        None => read_text(cleaned, site, rules),
    };
    // No person anywhere on the page: the organisation it names as author, never before.
    if meta.authors.is_empty() {
        if let Some((names, source)) = meta.organisation_author.clone() {
            meta.authors = names;
            meta.sources.authors = Some(source);
        }
    }
    // A date later than the fetch is wrong (a "today" widget, a future event's date).
    let too_late = |d: &str| cx.fetched_at.is_some_and(|f| date::is_after(d, f));
    if meta.published.as_deref().is_some_and(too_late) {
        meta.published = None;
        meta.sources.published = None;
    }
    if meta.published.is_none() {
        let from_url = cx
            .url
            .and_then(date::from_url)
            .map(|d| (d, "url".to_string()));
        let candidates = [from_url, meta.modified.clone()];
        meta.set_published(candidates.into_iter().flatten().find(|(d, _)| !too_late(d)));
    }
    meta
}

/// Names in the elements the clean stage removed as bylines or author boxes ("By …" in any
/// language), so a byline is never cut while `authors` stays empty.
fn removed_bylines(cleaned: &Cleaned) -> Metadata {
    let mut meta = Metadata::default();
    let found = cleaned
        .markup_removed
        .iter()
        .filter(|r| matches!(r.kind, Kind::Byline | Kind::AuthorBio))
        .flat_map(|r| r.text.lines().take(3))
        .map(authors::from_byline)
        .find(|names| !names.is_empty());
    if let Some(names) = found {
        meta.authors = names;
        meta.sources.authors = Some("byline-text".into());
    }
    meta
}

/// Text metadata with the owner's rules; the owner's bylines match anywhere, the generic
/// ones (when the generic layer applies) only near the top. On a page only bylines are
/// read from the text: its headline comes from the markup.
fn read_text<'a>(cleaned: &mut Cleaned, site: Option<&'a Site>, rules: &'a RuleSet) -> Metadata {
    let owner = site.unwrap_or(&rules.generic);
    let owner_rules = &owner.text.metadata;
    let generic = crate::clean::layers(site, rules, None).generic;
    let bylines =
        |res: &'a [regex::Regex], source: &'static str| res.iter().map(move |r| (r, source));
    let mut anywhere: Vec<text::Pattern> = Vec::new();
    let mut top: Vec<text::Pattern> = Vec::new();
    if site.is_some() {
        anywhere.extend(bylines(&owner_rules.byline, "byline-text"));
        anywhere.extend(bylines(&owner_rules.credit, "credit-line"));
    }
    if let Some(generic) = generic {
        let generic = &generic.text.metadata;
        anywhere.extend(bylines(&generic.credit, "credit-line"));
        top.extend(bylines(&generic.byline, "byline-text"));
    }
    // A text dump with no site rule: read where its article starts, not its top (the
    // site's menu); credit lines ("(Reuters)") are still read anywhere.
    if site.is_none() && !cleaned.from_markup {
        if let Some((found, _)) = page_dump::extract(&mut cleaned.sheet, &owner.id) {
            let credits = text::extract(
                &mut cleaned.sheet,
                &owner.id,
                owner_rules,
                &anywhere,
                &[],
                true,
            );
            return found.or(credits);
        }
    }
    // A site rule that asks for guesses: its own bylines first, then what they did not
    // give from where the article starts, and its standfirst under the headline found.
    if site.is_some() && owner_rules.guess && !cleaned.from_markup {
        let sheet = &mut cleaned.sheet;
        let mut own = text::extract(sheet, &owner.id, owner_rules, &anywhere, &[], true);
        if let Some((found, title_line)) = page_dump::extract(sheet, &owner.id) {
            text::subtitle(
                sheet,
                &owner.id,
                &owner_rules.subtitle,
                title_line,
                &mut own,
            );
            return own.or(found);
        }
        return own.or(text::extract(
            sheet,
            &owner.id,
            owner_rules,
            &[],
            &top,
            false,
        ));
    }
    text::extract(
        &mut cleaned.sheet,
        &owner.id,
        owner_rules,
        &anywhere,
        &top,
        cleaned.from_markup,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean;

    fn read_text_dump(
        text: &str,
        cx: Context,
    ) -> (Metadata, Vec<String>, Vec<crate::article::Removal>) {
        let rules = RuleSet::builtin();
        let mut cleaned = clean::text(text, None, &rules);
        let meta = read(&mut cleaned, None, &rules, cx);
        let body = cleaned.finish(None, &rules, None);
        (meta, body.paragraphs, body.removed)
    }

    #[test]
    fn a_site_rule_that_asks_for_guesses_gets_the_headline_where_the_article_starts() {
        let para = "The council voted on Tuesday to close the old river bridge for repairs, after engineers found cracks in two of its piers.";
        let text = format!(
            "Home\n\nNews\n\nSport\n\nWeather\n\nmyValley app: news on the go\n\n\
             River bridge to close for repairs\n\nBy Jane Doe\n\n{para}\n\n{para} Works start in May.\n\n{para} The ferry runs hourly."
        );
        let read_with = |metadata: &str| {
            let source = format!(
                "[site]\nid = \"valley\"\nname = \"Valley\"\nhosts = [\"valley.example\"]\n\
                 [text.remove.menu]\nkind = \"navigation\"\nline = ['Weather']\n{metadata}"
            );
            let site =
                crate::rules::compile_str(std::path::Path::new("valley.toml"), &source).unwrap();
            let rules = RuleSet::from_sites(vec![site]).unwrap();
            let site = rules.site("valley").unwrap();
            let mut cleaned = clean::text(&text, Some(site), &rules);
            read(&mut cleaned, Some(site), &rules, Context::default())
        };
        let guessed = read_with("[text.metadata]\nguess = true\n");
        assert_eq!(
            guessed.title.as_deref(),
            Some("River bridge to close for repairs")
        );
        assert_eq!(guessed.authors, vec!["Jane Doe"]);
        // Without it, the title is the first paragraph left that reads as a headline.
        let plain = read_with("");
        assert_eq!(plain.title.as_deref(), Some("myValley app: news on the go"));
    }

    #[test]
    fn a_byline_in_another_language_fills_authors_and_leaves_the_body() {
        let text = "Bahn streikt erneut\n\nVon Anna Müller und Peter Schmidt\n\nAktualisiert am 3. März 2024, 10:15 Uhr\n\n\
                    Die Lokführer legen am Montag erneut die Arbeit nieder, wie die Gewerkschaft am Sonntag mitteilte.";
        let (meta, body, removed) = read_text_dump(text, Context::default());
        assert_eq!(meta.authors, vec!["Anna Müller", "Peter Schmidt"]);
        assert_eq!(meta.sources.authors.as_deref(), Some("byline-text"));
        assert_eq!(meta.published.as_deref(), Some("2024-03-03"));
        assert_eq!(meta.sources.published.as_deref(), Some("text"));
        assert_eq!(meta.title.as_deref(), Some("Bahn streikt erneut"));
        assert_eq!(body.len(), 1, "{body:?}");
        let bylines: Vec<&str> = removed
            .iter()
            .filter(|r| r.kind == Kind::Byline)
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(
            bylines,
            vec!["Von Anna Müller und Peter Schmidt\n\nAktualisiert am 3. März 2024, 10:15 Uhr"]
        );
    }

    #[test]
    fn a_caption_above_a_page_dumps_byline_stays_out_of_the_article() {
        let para = "The council voted on Tuesday to close the old river bridge for repairs, after engineers found cracks in two of its piers.";
        let text = format!(
            "Home\n\nNews\n\nSport\n\nWeather\n\nRiver bridge to close for repairs\n\n\
             Workers repair the old river bridge on Monday.\n\nBy Jane Doe\n\n\
             {para}\n\n{para} Works start in May.\n\n{para} The ferry runs hourly."
        );
        let (meta, body, _) = read_text_dump(&text, Context::default());
        assert_eq!(
            meta.title.as_deref(),
            Some("River bridge to close for repairs")
        );
        assert_eq!(meta.authors, vec!["Jane Doe"]);
        assert_eq!(body.len(), 3, "{body:?}");
    }

    #[test]
    fn a_removed_byline_element_still_gives_its_authors() {
        let rules = RuleSet::builtin();
        let doc = clean::html::parse(
            "<html><body><article><h1>Storm hits the coast</h1><div class=\"byline\">By Jane Doe</div>\
             <p>The storm reached the coast on Tuesday night, bringing heavy rain and strong winds to the region.</p>\
             <p>Thousands of homes lost power, officials said on Wednesday morning.</p></article></body></html>",
        );
        let mut cleaned = clean::html(&doc, None, &rules, false);
        assert!(cleaned
            .markup_removed
            .iter()
            .any(|r| r.kind == Kind::Byline));
        let cx = Context {
            page: Some(&doc),
            ..Context::default()
        };
        let meta = read(&mut cleaned, None, &rules, cx);
        assert_eq!(meta.authors, vec!["Jane Doe"]);
    }

    fn read_page(html: &str) -> Metadata {
        let rules = RuleSet::builtin();
        let doc = clean::html::parse(html);
        let mut cleaned = clean::html(&doc, None, &rules, false);
        let cx = Context {
            page: Some(&doc),
            ..Context::default()
        };
        read(&mut cleaned, None, &rules, cx)
    }

    #[test]
    fn an_organisation_is_the_author_only_when_no_person_is_named() {
        let head = r#"<head><meta property="og:site_name" content="Planet"><script type="application/ld+json">{"@type":"NewsArticle","headline":"Storm hits the coast","author":{"@type":"Organization","name":"Planet"}}</script></head>"#;
        let body = "<h1>Storm hits the coast</h1><p>The storm reached the coast on Tuesday night, bringing heavy rain and strong winds to the region.</p>                    <p>Thousands of homes lost power, officials said on Wednesday morning.</p>";
        let meta = read_page(&format!(
            "<html>{head}<body><article>{body}</article></body></html>"
        ));
        assert_eq!(meta.authors, vec!["Planet"]);
        assert_eq!(meta.sources.authors.as_deref(), Some("json-ld"));
        let meta = read_page(&format!(
            "<html>{head}<body><article><div class=\"byline\">By Jane Doe</div>{body}</article></body></html>"
        ));
        assert_eq!(meta.authors, vec!["Jane Doe"]);
        assert_eq!(meta.sources.authors.as_deref(), Some("byline-text"));
    }

    #[test]
    fn dates_from_the_url_and_never_after_the_fetch() {
        let text = "Storm hits the coast\n\nThe storm reached the coast on Tuesday night, bringing heavy rain.";
        let cx = Context {
            url: Some("https://x.com/2024/03/03/storm"),
            ..Context::default()
        };
        let (meta, _, _) = read_text_dump(text, cx);
        assert_eq!(meta.published.as_deref(), Some("2024-03-03"));
        assert_eq!(meta.sources.published.as_deref(), Some("url"));
        let cx = Context {
            fetched_at: Some("2024-03-01T00:00:00Z"),
            ..cx
        };
        let (meta, _, _) = read_text_dump(text, cx);
        assert_eq!(meta.published, None);
        assert_eq!(meta.sources.published, None);
    }
}

//! Metadata in an HTML page: the site's sources first, then JSON-LD, `<meta>` tags and
//! the markup itself.

use super::{date, split_authors, Metadata};
use crate::normalize::collapse_spaces;
use crate::rules::compiled::{HtmlMetadata, HtmlSource};
use scraper::{Html, Selector};
use serde_json::Value;
use std::sync::OnceLock;

fn sel(s: &'static str, cell: &'static OnceLock<Selector>) -> &'static Selector {
    cell.get_or_init(|| Selector::parse(s).expect("valid built-in selector"))
}

macro_rules! selector {
    ($s:expr) => {{
        static CELL: OnceLock<Selector> = OnceLock::new();
        sel($s, &CELL)
    }};
}

/// Reads the page's metadata; `rules` are the site's sources, tried first.
pub fn extract(doc: &Html, rules: Option<&HtmlMetadata>) -> Metadata {
    let ld = json_ld(doc);
    let empty = HtmlMetadata::default();
    let rules = rules.unwrap_or(&empty);

    let title = first(doc, &rules.title)
        .or_else(|| ld.as_ref().and_then(|a| str_field(a, "headline")))
        .or_else(|| meta(doc, "og:title"))
        .or_else(|| meta(doc, "twitter:title"))
        .or_else(|| text_of(doc, selector!("h1")))
        .or_else(|| text_of(doc, selector!("title")));
    let subtitle = first(doc, &rules.subtitle).or_else(|| {
        ld.as_ref()
            .and_then(|a| str_field(a, "alternativeHeadline"))
    });
    let mut authors = all(doc, &rules.authors)
        .into_iter()
        .flat_map(|a| split_authors(&a))
        .collect::<Vec<_>>();
    if authors.is_empty() {
        authors = ld.as_ref().map(ld_authors).unwrap_or_default();
    }
    if authors.is_empty() {
        authors = meta(doc, "author")
            .or_else(|| meta(doc, "article:author").filter(|a| !a.starts_with("http")))
            .or_else(|| meta(doc, "dc.creator"))
            .map(|a| split_authors(&a))
            .unwrap_or_default();
    }
    let published = first(doc, &rules.published)
        .and_then(|d| date::parse(&d, &rules.date_formats))
        .or_else(|| {
            [
                ld.as_ref().and_then(|a| str_field(a, "datePublished")),
                meta(doc, "article:published_time"),
                meta(doc, "og:article:published_time"),
                meta(doc, "date"),
                meta(doc, "pubdate"),
                meta(doc, "publishdate"),
                meta(doc, "dc.date"),
                meta(doc, "dc.date.issued"),
                doc.select(selector!("time[datetime]"))
                    .next()
                    .and_then(|t| t.value().attr("datetime").map(str::to_string)),
            ]
            .into_iter()
            .flatten()
            .find_map(|d| date::parse(&d, &rules.date_formats))
        });
    let language = doc
        .select(selector!("html[lang]"))
        .next()
        .and_then(|h| h.value().attr("lang"))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let url = canonical(doc);
    Metadata {
        title: title.map(|t| strip_site_suffix(&t)),
        subtitle,
        authors,
        published,
        language,
        url,
    }
}

/// The URL a page declares for itself: `<link rel=canonical>` or `og:url`.
pub fn canonical(doc: &Html) -> Option<String> {
    doc.select(selector!("link[rel=canonical][href]"))
        .next()
        .and_then(|l| l.value().attr("href"))
        .map(str::to_string)
        .or_else(|| meta(doc, "og:url"))
        .filter(|u| u.starts_with("http"))
}

/// `<meta name|property=key content=…>`, case-insensitive on the key.
pub fn meta(doc: &Html, key: &str) -> Option<String> {
    doc.select(selector!("meta[content]"))
        .find(|m| {
            ["property", "name", "itemprop"]
                .iter()
                .filter_map(|a| m.value().attr(a))
                .any(|k| k.eq_ignore_ascii_case(key))
        })
        .and_then(|m| m.value().attr("content"))
        .map(collapse_spaces)
        .filter(|s| !s.is_empty())
}

fn text_of(doc: &Html, selector: &Selector) -> Option<String> {
    doc.select(selector)
        .map(|e| collapse_spaces(&e.text().collect::<String>()))
        .find(|t| !t.is_empty() && t.chars().count() <= 300)
}

pub(crate) fn values(doc: &Html, source: &HtmlSource) -> Vec<String> {
    match source {
        HtmlSource::Meta(key) => meta(doc, key).into_iter().collect(),
        HtmlSource::Selector { selector, attr } => doc
            .select(selector)
            .filter_map(|e| match attr {
                Some(a) => e.value().attr(a).map(collapse_spaces),
                None => Some(collapse_spaces(&e.text().collect::<String>())),
            })
            .filter(|s| !s.is_empty())
            .collect(),
    }
}

fn first(doc: &Html, sources: &[HtmlSource]) -> Option<String> {
    sources
        .iter()
        .find_map(|s| values(doc, s).into_iter().next())
}

fn all(doc: &Html, sources: &[HtmlSource]) -> Vec<String> {
    sources
        .iter()
        .map(|s| values(doc, s))
        .find(|v| !v.is_empty())
        .unwrap_or_default()
}

/// The page's JSON-LD article object, if it has one.
pub(crate) fn json_ld(doc: &Html) -> Option<Value> {
    let mut fallback = None;
    for script in doc.select(selector!("script[type='application/ld+json']")) {
        let text: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items),
                Value::Object(mut map) => {
                    if let Some(graph) = map.remove("@graph") {
                        stack.push(graph);
                    }
                    let is_article = match map.get("@type") {
                        Some(Value::String(t)) => is_article_type(t),
                        Some(Value::Array(ts)) => {
                            ts.iter().filter_map(Value::as_str).any(is_article_type)
                        }
                        _ => false,
                    };
                    if is_article {
                        return Some(Value::Object(map));
                    }
                    if fallback.is_none() && map.contains_key("headline") {
                        fallback = Some(Value::Object(map));
                    }
                }
                _ => {}
            }
        }
    }
    fallback
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article") || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting"
}

pub(crate) fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(collapse_spaces)
        .filter(|s| !s.is_empty())
}

pub(crate) fn ld_authors(v: &Value) -> Vec<String> {
    let names = |a: &Value| -> Option<String> {
        match a {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    };
    let list: Vec<String> = match v.get("author") {
        Some(Value::Array(items)) => items.iter().filter_map(names).collect(),
        Some(a) => names(a).into_iter().collect(),
        None => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    for name in list.iter().flat_map(|n| split_authors(n)) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// "Headline | Site Name" and "Headline - Site" → "Headline" (only for a short tail).
pub(crate) fn strip_site_suffix(title: &str) -> String {
    for sep in [" | ", " – ", " — ", " - "] {
        if let Some(i) = title.rfind(sep) {
            let tail = &title[i + sep.len()..];
            if tail.split_whitespace().count() <= 4 && i > 10 {
                return title[..i].trim().to_string();
            }
        }
    }
    title.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_and_meta_tags() {
        let doc = Html::parse_document(
            r#"<html lang="en-GB"><head><title>Head | The Site</title>
            <link rel="canonical" href="https://x.com/a">
            <script type="application/ld+json">{"@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","headline":"Head","datePublished":"2021-01-26T22:06:00Z","author":[{"@type":"Person","name":"Graig Graziosi"}]}]}</script>
            </head><body><h1>Head</h1></body></html>"#,
        );
        let m = extract(&doc, None);
        assert_eq!(m.title.as_deref(), Some("Head"));
        assert_eq!(m.authors, vec!["Graig Graziosi"]);
        assert_eq!(m.published.as_deref(), Some("2021-01-26T22:06:00Z"));
        assert_eq!(m.language.as_deref(), Some("en-GB"));
        assert_eq!(m.url.as_deref(), Some("https://x.com/a"));
    }

    #[test]
    fn title_tag_loses_the_site_suffix() {
        assert_eq!(
            strip_site_suffix("Biden calls Putin | The Independent"),
            "Biden calls Putin"
        );
        assert_eq!(strip_site_suffix("A - B"), "A - B");
    }
}

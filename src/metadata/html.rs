//! Metadata in an HTML page: the site's sources first, then JSON-LD, `<meta>` tags and
//! the markup itself (see [`extract`] for the order).

use super::authors::{self, from_byline, looks_like_name, people};
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
///
/// The order of sources for each field, first found wins:
/// - title: the site's rule; the visible `<h1>` when a meta title agrees with it; JSON-LD
///   `headline`; `og:title`; `twitter:title`; the `<h1>`; `<title>` (site names cut off);
/// - authors: the site's rule; JSON-LD `author` (people only); `<meta name=author>`,
///   `article:author`, `dc.creator` and kin; `twitter:data1` labelled "Written by";
///   `itemprop=author`; `rel=author` links; byline elements ("By …" in many languages, or
///   an author-name element holding just a name); links to an author page. When none
///   names a person, the organisation the page gives as author is kept apart
///   ([`Metadata::organisation_author`]) for the caller to use as a last resort;
/// - published: the site's rule; JSON-LD `datePublished`; `article:published_time` and
///   other `<meta>` dates (`itemprop=datePublished` included); an `itemprop` element; a
///   `<time datetime>`; a date written in a byline or date element. The last-modified date
///   is kept apart ([`Metadata::modified`]): the caller uses it only when nothing else
///   says when the article was published.
pub fn extract(doc: &Html, rules: Option<&HtmlMetadata>) -> Metadata {
    let ld = JsonLd::read(doc);
    let metas = &Metas::of(doc);
    let empty = HtmlMetadata::default();
    let rules = rules.unwrap_or(&empty);
    let brands = brands(metas, &ld);
    let mut m = Metadata::default();

    if let Some(t) = first(doc, metas, &rules.title) {
        m.set_title(strip_site_name(&t, &brands), "site-rule");
    } else if let Some((t, source)) = title(doc, metas, &ld, &brands) {
        m.set_title(t, &source);
    }
    if let Some(s) = first(doc, metas, &rules.subtitle) {
        m.subtitle = Some(s);
        m.sources.subtitle = Some("site-rule".into());
    } else if let Some(s) = ld
        .article
        .as_ref()
        .and_then(|a| str_field(a, "alternativeHeadline"))
    {
        m.subtitle = Some(s);
        m.sources.subtitle = Some("json-ld".into());
    }

    let site_authors: Vec<String> = all(doc, metas, &rules.authors)
        .iter()
        .flat_map(|a| split_authors(a))
        .collect();
    let found = [
        (site_authors, "site-rule".to_string()),
        (ld.authors(), "json-ld".to_string()),
    ]
    .into_iter()
    // Each later source is read only when those before it named nobody.
    .chain(std::iter::once_with(|| meta_authors(metas)).flatten())
    .chain(std::iter::once_with(|| {
        (itemprop_authors(doc), "itemprop".to_string())
    }))
    .chain(std::iter::once_with(|| {
        (rel_authors(doc), "rel-author".to_string())
    }))
    .chain(std::iter::once_with(|| {
        (byline_elements(doc), "byline-text".to_string())
    }))
    .chain(std::iter::once_with(|| {
        (author_links(doc), "author-link".to_string())
    }))
    .map(|(names, source)| (people(names, &brands), source))
    .find(|(names, _)| !names.is_empty());
    if let Some((names, source)) = found {
        m.authors = names;
        m.sources.authors = Some(source);
    }
    m.organisation_author = organisation_author(metas, &ld);

    let formats = &rules.date_formats;
    let parsed = |raw: Option<String>, source: &str| {
        raw.and_then(|d| date::parse(&d, formats))
            .map(|d| (d, source.to_string()))
    };
    let published = parsed(first(doc, metas, &rules.published), "site-rule")
        .or_else(|| parsed(ld.field("datePublished"), "json-ld"))
        .or_else(|| parsed(ld.field("dateCreated"), "json-ld"))
        .or_else(|| {
            PUBLISHED_META
                .iter()
                .find_map(|k| parsed(metas.first(k), &format!("meta:{k}")))
        })
        .or_else(|| parsed(itemprop_date(doc, "datePublished"), "itemprop"))
        .or_else(|| parsed(time_element(doc), "time"))
        .or_else(|| date_elements(doc).map(|d| (d, "text".to_string())));
    if let Some((d, source)) = published {
        m.published = Some(d);
        m.sources.published = Some(source);
    }
    m.modified = parsed(ld.field("dateModified"), "json-ld:dateModified")
        .or_else(|| {
            MODIFIED_META
                .iter()
                .find_map(|k| parsed(metas.first(k), &format!("meta:{k}")))
        })
        .or_else(|| parsed(itemprop_date(doc, "dateModified"), "itemprop:dateModified"));

    m.language = declared_language(doc);
    m.url = canonical_in(doc, metas);
    m
}

/// `<meta>` keys that say when an article was first published, most specific first.
const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "article:published:time",
    "og:article:published_time",
    "datePublished",
    "parsely-pub-date",
    "sailthru.date",
    "publish-date",
    "publish_date",
    "published_time",
    "pubdate",
    "publishdate",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "article.published",
    "og:published_time",
    "published",
    "published-date",
    "published_date",
    "publication_date",
    "publication-date",
    "date_published",
    "pub_date",
];

/// `<meta>` keys for the last change, a fallback only.
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "article:modified:time",
    "og:updated_time",
    "dateModified",
    "last-modified",
    "dcterms.modified",
    "modified-date",
    "modified_date",
];

/// `<meta>` keys that name authors; a URL (some sites put the profile link there) is no
/// name.
const AUTHOR_META: &[&str] = &[
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "citation_author",
    "cxenseparse:author",
];

/// Labels of a Twitter card's `label1` that say `data1` is the author, lowercased:
/// "Written by", "Verfasst von", "Écrit par"…
const AUTHOR_LABELS: &[&str] = &[
    "written by",
    "author",
    "autor",
    "auteur",
    "verfasst von",
    "geschrieben von",
    "écrit par",
    "escrito por",
    "scritto da",
    "skrevet af",
    "skrevet av",
    "geschreven door",
    "yazan",
    "yazar",
];

/// An author `<meta>` that names a web address describes the publisher ("hessenschau.de,
/// Frankfurt, Germany"): beside it, one-word names are its places and labels, not people;
/// a full name ("Jane Doe, example.com") is still taken.
fn publisher_described(mut names: Vec<String>) -> Vec<String> {
    if names.iter().any(|n| authors::is_web_address(n)) {
        names.retain(|n| n.split_whitespace().count() >= 2 && !authors::is_web_address(n));
    }
    names
}

fn meta_authors(metas: &Metas) -> Vec<(Vec<String>, String)> {
    // A key may repeat, one tag per author (or the site's name first, then the person).
    let mut out: Vec<(Vec<String>, String)> = AUTHOR_META
        .iter()
        .map(|k| {
            let names: Vec<String> = metas
                .all(k)
                .iter()
                .filter(|v| !v.starts_with("http"))
                .flat_map(|v| publisher_described(split_authors(v)))
                .collect();
            (names, format!("meta:{k}"))
        })
        .filter(|(names, _)| !names.is_empty())
        .collect();
    // Twitter cards put the byline in a labelled pair: label1 "Written by", data1 the name.
    let label = metas
        .first("twitter:label1")
        .unwrap_or_default()
        .to_lowercase();
    if AUTHOR_LABELS.iter().any(|l| label.contains(l)) {
        if let Some(v) = metas.first("twitter:data1") {
            out.push((split_authors(&v), "meta:twitter:data1".into()));
        }
    }
    out
}

/// Names in `itemprop=author` elements: their `itemprop=name` (text or `content`), else
/// their own text when it is short enough to be a name.
fn itemprop_authors(doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for el in doc.select(selector!("[itemprop~=author], [itemprop~=creator]")) {
        let name = el
            .select(selector!("[itemprop=name]"))
            .next()
            .map(|n| {
                n.value()
                    .attr("content")
                    .map(collapse_spaces)
                    .unwrap_or_else(|| collapse_spaces(&n.text().collect::<String>()))
            })
            .or_else(|| el.value().attr("content").map(collapse_spaces))
            .unwrap_or_else(|| collapse_spaces(&el.text().collect::<String>()));
        let names: Vec<String> = split_authors(&name)
            .into_iter()
            .filter(|n| looks_like_name(n))
            .collect();
        out.extend(names);
    }
    out
}

/// The text of `rel=author` links that reads as a name.
fn rel_authors(doc: &Html) -> Vec<String> {
    doc.select(selector!("a[rel~=author], link[rel~=author][title]"))
        .filter_map(|a| {
            let text = a
                .value()
                .attr("title")
                .map(collapse_spaces)
                .unwrap_or_else(|| collapse_spaces(&a.text().collect::<String>()));
            split_authors(&text)
                .into_iter()
                .find(|n| looks_like_name(n))
        })
        .collect()
}

/// Byline elements' text read as "By …" (in any language): what a page shows under its
/// headline. The clean stage removes these elements, but the metadata stage reads the
/// whole page, so their names are not lost.
fn byline_elements(doc: &Html) -> Vec<String> {
    doc.select(selector!(
        "[class*=byline], [class*=Byline], [class*=author], [class*=Author], [id*=byline], [class*=article-meta], [class*=post-meta], [class*=entry-meta], address"
    ))
    .take(20)
    .map(|el| {
        let class = el.value().attr("class").unwrap_or_default().to_lowercase();
        (el, class)
    })
    .filter(|(el, _)| spaced_text(el).chars().count() <= 200)
    .map(|(el, class)| byline_names(&el, &class))
    .find(|names| !names.is_empty())
    .unwrap_or_default()
}

/// The names in one byline element's text: "By …" (in any language) at its start or after
/// a separator ("Do 25.04.24 | 14:07 Uhr | Von Anna Müller"); or, in an element whose class
/// says it holds the author's name, that text alone when it reads as a full name.
fn byline_names(el: &scraper::ElementRef, class: &str) -> Vec<String> {
    let text = spaced_text(el).as_str().to_owned();
    let text = text.as_str();
    let by = std::iter::once(text)
        .chain(text.split(['|', '•', '·']).skip(1))
        .map(|part| from_byline(part.trim()))
        .find(|names| !names.is_empty());
    if let Some(names) = by {
        return names;
    }
    // An author box's bio or avatar is no name; anything else classed as the author's may be.
    let names_the_author = class.split_whitespace().any(|c| {
        (c.contains("author") || c.contains("byline") || c.contains("writer"))
            && !["bio", "avatar", "image", "img", "photo", "desc", "about"]
                .iter()
                .any(|not| c.contains(not))
    });
    if !names_the_author {
        return Vec::new();
    }
    // The name ends where a date or a separator begins ("Andrew Gerrand 4 August 2010").
    // Each text node is its own part: co-authors in sibling elements stay apart.
    let parts = el
        .text()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let names = split_authors(authors::before_stop(&parts));
    let full_names = |n: &String| looks_like_name(n) && n.split_whitespace().count() >= 2;
    if !names.is_empty() && names.iter().all(full_names) {
        names
    } else {
        Vec::new()
    }
}

/// An element's text with its text nodes joined by spaces: "<b>Jane Doe</b>Published"
/// is two words, not "Jane DoePublished".
fn spaced_text(el: &scraper::ElementRef) -> String {
    collapse_spaces(&el.text().collect::<Vec<_>>().join(" "))
}

/// Names in links to an author's page (`/author/jane-doe`, `/autor/…`, `/autoren/…`): the
/// first such link that reads as a name, and those beside it (co-authors share a parent).
fn author_links(doc: &Html) -> Vec<String> {
    let is_author_href = |href: &str| {
        let href = href.to_lowercase();
        [
            "/author/",
            "/authors/",
            "/autor/",
            "/autoren/",
            "/auteur/",
            "/autore/",
        ]
        .iter()
        .any(|p| href.contains(p))
    };
    let name_of = |a: &scraper::ElementRef| {
        let text = collapse_spaces(&a.text().collect::<String>());
        Some(text).filter(|t| looks_like_name(t) && t.split_whitespace().count() >= 2)
    };
    let links: Vec<_> = doc
        .select(selector!("a[href]"))
        .filter(|a| a.value().attr("href").is_some_and(is_author_href))
        .take(50)
        .collect();
    let Some(first) = links.iter().find(|a| name_of(a).is_some()) else {
        return Vec::new();
    };
    // Co-authors sit in the same element (or one level up, each in its own item).
    let group = |a: &scraper::ElementRef| a.parent().and_then(|p| p.parent()).map(|g| g.id());
    let mut out: Vec<String> = Vec::new();
    for a in links.iter().filter(|a| group(a) == group(first)) {
        if let Some(name) = name_of(a) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// The organisation a page names as its author, for when no source names a person: the
/// JSON-LD `author` (organisations and brand names included), else the first author
/// `<meta>`. URLs, handles, e-mail addresses and CMS placeholders ("admin") are no names.
fn organisation_author(metas: &Metas, ld: &JsonLd) -> Option<(Vec<String>, String)> {
    let usable = |names: Vec<String>| -> Vec<String> {
        names
            .into_iter()
            .filter(|n| !n.contains("http") && !n.contains('@') && !n.contains("www."))
            .filter(|n| {
                let lower = n.to_lowercase();
                !["admin", "administrator", "anonymous", "guest", "unknown"]
                    .contains(&lower.as_str())
            })
            .collect()
    };
    let from_ld = usable(ld.author_names(true));
    if !from_ld.is_empty() {
        return Some((from_ld, "json-ld".into()));
    }
    AUTHOR_META.iter().find_map(|k| {
        let values = metas.all(k);
        let names = values
            .iter()
            .filter(|v| !v.starts_with("http"))
            .flat_map(|v| split_authors(v));
        let names = usable(names.collect());
        (!names.is_empty()).then(|| (names, format!("meta:{k}")))
    })
}

/// A date in an `itemprop` element that is not a `<meta>` (those [`meta`] reads).
fn itemprop_date(doc: &Html, prop: &str) -> Option<String> {
    doc.select(selector!("[itemprop]"))
        .filter(|e| e.value().attr("itemprop") == Some(prop))
        .find_map(|e| {
            e.value()
                .attr("datetime")
                .or_else(|| e.value().attr("content"))
                .map(str::to_string)
        })
}

/// The page's publication `<time datetime>`: one marked as such (`pubdate`, a class
/// saying published), else the first.
fn time_element(doc: &Html) -> Option<String> {
    let times: Vec<_> = doc.select(selector!("time[datetime]")).take(50).collect();
    let marked = times.iter().find(|t| {
        let v = t.value();
        v.attr("pubdate").is_some()
            || v.attr("class")
                .is_some_and(|c| c.to_lowercase().contains("publish"))
    });
    marked
        .or(times.first())
        .and_then(|t| t.value().attr("datetime"))
        .map(str::to_string)
}

/// A date written in a byline or date element ("Veröffentlicht am 3. März 2024").
fn date_elements(doc: &Html) -> Option<String> {
    doc.select(selector!(
        "time, [class*=date], [class*=Date], [class*=byline], [class*=Byline], [class*=published], [class*=Published], [class*=publication], [class*=Publication], [class*=timestamp], [class*=article-meta], [class*=post-meta], [class*=entry-meta], [class*=author], [class*=Author]"
    ))
    .take(30)
    .map(|el| spaced_text(&el))
    .filter(|t| t.chars().count() <= 200)
    .find_map(|t| date::find_in_text(&t))
    .or_else(|| headline_date(doc))
}

/// A date written beside the headline: in the text around the first `<h1>` (its parent,
/// else up to two levels higher), the headline itself left out, while that text is short
/// enough to be the article's header rather than its body.
fn headline_date(doc: &Html) -> Option<String> {
    let h1 = doc.select(selector!("h1")).next()?;
    let headline = spaced_text(&h1);
    let mut node = h1.parent();
    for _ in 0..3 {
        let el = node.and_then(scraper::ElementRef::wrap)?;
        let text = spaced_text(&el).replacen(&headline, " ", 1);
        if text.chars().count() > 400 {
            return None;
        }
        if let Some(d) = date::find_in_text(&text) {
            return Some(d);
        }
        node = el.parent();
    }
    None
}

/// The site's own names (not people): `og:site_name`, `application-name`, the JSON-LD
/// publisher and organisations.
fn brands(metas: &Metas, ld: &JsonLd) -> Vec<String> {
    let mut out: Vec<String> = ["og:site_name", "application-name", "twitter:site"]
        .iter()
        .filter_map(|k| metas.first(k))
        .map(|s| s.trim_start_matches('@').to_string())
        .collect();
    out.extend(ld.organisations.iter().cloned());
    out
}

/// The headline and where it came from. The visible `<h1>` is what readers see, so it wins
/// when a meta title says the same (a meta title often adds the site's name or an SEO
/// variant); otherwise the structured titles come first, since a page's first `<h1>` is
/// sometimes the site's logo.
fn title(doc: &Html, metas: &Metas, ld: &JsonLd, brands: &[String]) -> Option<(String, String)> {
    let metas: Vec<(String, String)> = [
        (
            ld.article.as_ref().and_then(|a| str_field(a, "headline")),
            "json-ld",
        ),
        (metas.first("og:title"), "meta:og:title"),
        (metas.first("twitter:title"), "meta:twitter:title"),
    ]
    .into_iter()
    .filter_map(|(t, s)| t.map(|t| (strip_site_name(&t, brands), s.to_string())))
    .filter(|(t, _)| !t.is_empty())
    .collect();
    let h1 = text_of(doc, selector!("h1"));
    if let Some(h1) = &h1 {
        let h1_words = words(h1);
        let agrees = metas.iter().any(|(t, _)| {
            let t = words(t);
            !h1_words.is_empty()
                && (t == h1_words || (t.starts_with(&h1_words) && h1_words.len() >= 3))
        });
        if agrees {
            return Some((h1.clone(), "h1".into()));
        }
    }
    metas
        .into_iter()
        .next()
        .or_else(|| h1.map(|h| (h, "h1".into())))
        .or_else(|| {
            text_of(doc, selector!("title"))
                .map(|t| (strip_site_name(&t, brands), "title-tag".into()))
        })
}

/// The language a page declares: `<html lang>`.
pub fn declared_language(doc: &Html) -> Option<String> {
    doc.select(selector!("html[lang]"))
        .next()
        .and_then(|h| h.value().attr("lang"))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

/// The URL a page declares for itself: `<link rel=canonical>` or `og:url`.
pub fn canonical(doc: &Html) -> Option<String> {
    canonical_in(doc, &Metas::of(doc))
}

fn canonical_in(doc: &Html, metas: &Metas) -> Option<String> {
    doc.select(selector!("link[rel=canonical][href]"))
        .next()
        .and_then(|l| l.value().attr("href"))
        .map(str::to_string)
        .or_else(|| metas.first("og:url"))
        .filter(|u| u.starts_with("http"))
}

/// `<meta name|property=key content=…>`, case-insensitive on the key.
pub fn meta(doc: &Html, key: &str) -> Option<String> {
    Metas::of(doc).first(key)
}

/// A page's `<meta content>` tags, found once: reading a page's metadata looks up dozens
/// of keys, and each look used to walk the whole page.
struct Metas<'a>(Vec<&'a scraper::node::Element>);

impl<'a> Metas<'a> {
    fn of(doc: &'a Html) -> Metas<'a> {
        Metas(
            doc.select(selector!("meta[content]"))
                .map(|m| m.value())
                .collect(),
        )
    }

    /// The first non-empty `content` of the tags named `key` (case-insensitive).
    fn first(&self, key: &str) -> Option<String> {
        self.all(key).into_iter().next()
    }

    /// Every non-empty `content` of `<meta>` tags named `key` (case-insensitive), in order.
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|m| {
                ["property", "name", "itemprop"]
                    .iter()
                    .filter_map(|a| m.attr(a))
                    .any(|k| k.eq_ignore_ascii_case(key))
            })
            .filter_map(|m| m.attr("content"))
            .map(collapse_spaces)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

fn text_of(doc: &Html, selector: &Selector) -> Option<String> {
    doc.select(selector)
        .map(|e| collapse_spaces(&e.text().collect::<String>()))
        .find(|t| !t.is_empty() && t.chars().count() <= 300)
}

fn values(doc: &Html, metas: &Metas, source: &HtmlSource) -> Vec<String> {
    match source {
        HtmlSource::Meta(key) => metas.first(key).into_iter().collect(),
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

fn first(doc: &Html, metas: &Metas, sources: &[HtmlSource]) -> Option<String> {
    sources
        .iter()
        .find_map(|s| values(doc, metas, s).into_iter().next())
}

fn all(doc: &Html, metas: &Metas, sources: &[HtmlSource]) -> Vec<String> {
    sources
        .iter()
        .map(|s| values(doc, metas, s))
        .find(|v| !v.is_empty())
        .unwrap_or_default()
}

/// The page's JSON-LD: its article object, every object with an `@id` (authors are often
/// references into the `@graph`), and the organisations it names.
#[derive(Default)]
struct JsonLd {
    article: Option<Value>,
    by_id: Vec<(String, Value)>,
    organisations: Vec<String>,
}

impl JsonLd {
    fn read(doc: &Html) -> JsonLd {
        let mut ld = JsonLd::default();
        let mut fallback = None;
        for script in doc.select(selector!("script[type='application/ld+json']")) {
            let text: String = script.text().collect();
            let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
                continue;
            };
            let mut stack = vec![value];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Array(items) => stack.extend(items.into_iter().rev()),
                    Value::Object(mut map) => {
                        if let Some(graph) = map.remove("@graph") {
                            stack.push(graph);
                        }
                        // A WebPage often holds its article as `mainEntity`.
                        if let Some(entity @ Value::Object(_)) = map.remove("mainEntity") {
                            stack.push(entity);
                        }
                        let types = types(&map);
                        if types.iter().any(|t| is_organisation_type(t)) {
                            if let Some(name) = map.get("name").and_then(Value::as_str) {
                                ld.organisations.push(name.to_string());
                            }
                        }
                        for key in ["publisher", "author"] {
                            let nested = match map.get(key) {
                                Some(Value::Array(items)) => items.iter().collect(),
                                Some(v) => vec![v],
                                None => Vec::new(),
                            };
                            for o in nested.into_iter().filter_map(Value::as_object) {
                                let organisation = key == "publisher"
                                    || self::types(o).iter().any(|t| is_organisation_type(t));
                                if let Some(name) = o.get("name").and_then(Value::as_str) {
                                    if organisation {
                                        ld.organisations.push(name.to_string());
                                    }
                                }
                            }
                        }
                        if let Some(id) = map.get("@id").and_then(Value::as_str) {
                            ld.by_id.push((id.to_string(), Value::Object(map.clone())));
                        }
                        if ld.article.is_none() && types.iter().any(|t| is_article_type(t)) {
                            ld.article = Some(Value::Object(map));
                        } else if fallback.is_none() && map.contains_key("headline") {
                            fallback = Some(Value::Object(map));
                        }
                    }
                    _ => {}
                }
            }
        }
        if ld.article.is_none() {
            ld.article = fallback;
        }
        ld
    }

    fn field(&self, key: &str) -> Option<String> {
        self.article.as_ref().and_then(|a| str_field(a, key))
    }

    /// The article's authors that are people: strings, `Person` objects (a reference by
    /// `@id` resolved), arrays of them at any depth; organisations left out.
    fn authors(&self) -> Vec<String> {
        self.author_names(false)
    }

    /// The names in the article's `author` (else `creator`); organisations only when
    /// `organisations` is set.
    fn author_names(&self, organisations: bool) -> Vec<String> {
        let Some(article) = &self.article else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<&Value> = ["author", "creator"]
            .iter()
            .filter_map(|k| article.get(*k))
            .take(1)
            .collect();
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => out.extend(split_authors(s)),
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(o) => {
                    let resolved = match (o.get("name"), o.get("@id").and_then(Value::as_str)) {
                        (None, Some(id)) => self
                            .by_id
                            .iter()
                            .find(|(i, _)| i == id)
                            .and_then(|(_, v)| v.as_object()),
                        _ => Some(o),
                    };
                    let Some(o) = resolved else { continue };
                    if !organisations && types(o).iter().any(|t| is_organisation_type(t)) {
                        continue;
                    }
                    match o.get("name") {
                        Some(Value::String(s)) => out.extend(split_authors(s)),
                        Some(Value::Array(names)) => stack.extend(names.iter().rev()),
                        _ => out.extend(given_and_family_name(o)),
                    }
                }
                _ => {}
            }
        }
        let mut unique: Vec<String> = Vec::new();
        for name in out {
            if !unique.contains(&name) {
                unique.push(name);
            }
        }
        unique
    }
}

/// A Person given as `givenName` and `familyName` with no `name`.
fn given_and_family_name(o: &serde_json::Map<String, Value>) -> Option<String> {
    let part = |k: &str| o.get(k).and_then(Value::as_str).map(collapse_spaces);
    let name = [part("givenName"), part("familyName")]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

fn types(map: &serde_json::Map<String, Value>) -> Vec<String> {
    match map.get("@type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article") || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting"
}

fn is_organisation_type(t: &str) -> bool {
    t == "Organization" || t.ends_with("Organization") || t == "Corporation" || t == "Brand"
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(collapse_spaces)
        .filter(|s| !s.is_empty())
}

/// Separators between a headline and the site's name, in the forms sites use.
const SEPARATORS: &[&str] = &[
    " | ", " || ", " – ", " — ", " - ", " » ", " « ", " · ", " • ", " :: ", " / ", ": ",
];

/// The headline without the site's name: "Headline | Site", "Headline - Site",
/// "Headline — Site", "Headline » Site", "Site: Headline", "Site | Headline"… A name in
/// `brands` is cut wherever it sits; without one, only a short tail after a separator
/// (at most four words, after a headline of some length) is taken for the site's name.
fn strip_site_name(title: &str, brands: &[String]) -> String {
    let title = title.trim();
    let key = |s: &str| words(s).join(" ");
    for brand in brands.iter().map(|b| key(b)).filter(|b| !b.is_empty()) {
        for sep in SEPARATORS {
            if let Some(i) = title.rfind(sep) {
                let (head, tail) = (&title[..i], &title[i + sep.len()..]);
                if key(tail) == brand && !head.trim().is_empty() {
                    return strip_site_name(head, &[]);
                }
            }
            if let Some(i) = title.find(sep) {
                let (head, tail) = (&title[..i], &title[i + sep.len()..]);
                if key(head) == brand && !tail.trim().is_empty() {
                    return tail.trim().to_string();
                }
            }
        }
    }
    for sep in SEPARATORS.iter().filter(|s| **s != ": ") {
        if let Some(i) = title.rfind(sep) {
            let tail = &title[i + sep.len()..];
            if tail.split_whitespace().count() <= 4 && i > 10 {
                return title[..i].trim().to_string();
            }
        }
    }
    title.to_string()
}

/// Lowercased runs of letters and digits: how two titles are compared.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
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
    fn title_tag_loses_the_site_name_in_every_form() {
        let none: &[String] = &[];
        let brand = &["The Independent".to_string()];
        assert_eq!(
            strip_site_name("Biden calls Putin | The Independent", none),
            "Biden calls Putin"
        );
        assert_eq!(
            strip_site_name("Biden calls Putin » The Independent", none),
            "Biden calls Putin"
        );
        assert_eq!(
            strip_site_name("Biden calls Putin — The Independent", none),
            "Biden calls Putin"
        );
        assert_eq!(
            strip_site_name("The Independent: Biden calls Putin", brand),
            "Biden calls Putin"
        );
        assert_eq!(
            strip_site_name("The Independent | Biden calls Putin", brand),
            "Biden calls Putin"
        );
        assert_eq!(
            strip_site_name("Biden calls Putin | World | The Independent", brand),
            "Biden calls Putin"
        );
        // A colon inside a headline is the headline's own, unless the site's name is before it.
        assert_eq!(
            strip_site_name("Ukraine: what we know so far", none),
            "Ukraine: what we know so far"
        );
        assert_eq!(strip_site_name("A - B", none), "A - B");
    }

    fn page(head: &str, body: &str) -> Metadata {
        extract(
            &Html::parse_document(&format!(
                "<html><head>{head}</head><body>{body}</body></html>"
            )),
            None,
        )
    }

    #[test]
    fn authors_come_from_people_never_from_the_publisher() {
        let m = page(
            r##"<script type="application/ld+json">{"@graph":[{"@type":"Organization","@id":"#org","name":"Planet"},{"@type":"Person","@id":"#p1","name":"Lois Lane"},{"@type":"NewsArticle","headline":"H","author":[[{"@id":"#p1"}],{"@type":"Organization","name":"Planet"}]}]}</script>"##,
            "",
        );
        assert_eq!(m.authors, vec!["Lois Lane"]);
        assert_eq!(m.sources.authors.as_deref(), Some("json-ld"));
        let m = page(
            r#"<meta name="author" content="Planet"><meta property="og:site_name" content="Planet">"#,
            r#"<p class="byline">By Clark Kent</p>"#,
        );
        assert_eq!(m.authors, vec!["Clark Kent"]);
        assert_eq!(m.sources.authors.as_deref(), Some("byline-text"));
    }

    #[test]
    fn authors_from_twitter_cards_itemprop_and_rel_author() {
        let m = page(
            r#"<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Jane Doe">"#,
            "",
        );
        assert_eq!(m.authors, vec!["Jane Doe"]);
        assert_eq!(m.sources.authors.as_deref(), Some("meta:twitter:data1"));
        let m = page(
            r#"<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="4 minutes">"#,
            "",
        );
        assert!(m.authors.is_empty());
        let m = page(
            "",
            r#"<span itemprop="author" itemscope><span itemprop="name">Anna Müller</span></span>"#,
        );
        assert_eq!(m.authors, vec!["Anna Müller"]);
        assert_eq!(m.sources.authors.as_deref(), Some("itemprop"));
        let m = page("", r#"<a rel="author" href="/p/jd">Jan de Vries</a>"#);
        assert_eq!(m.authors, vec!["Jan de Vries"]);
        assert_eq!(m.sources.authors.as_deref(), Some("rel-author"));
    }

    #[test]
    fn published_before_modified_and_itemprop_and_visible_dates() {
        let m = page(
            r#"<meta property="article:modified_time" content="2024-03-05T10:00:00+01:00"><meta itemprop="datePublished" content="2024-03-03T08:00:00+01:00">"#,
            "",
        );
        assert_eq!(m.published.as_deref(), Some("2024-03-03T08:00:00+01:00"));
        assert_eq!(m.sources.published.as_deref(), Some("meta:datePublished"));
        assert_eq!(
            m.modified.as_ref().map(|(d, _)| d.as_str()),
            Some("2024-03-05T10:00:00+01:00")
        );
        let m = page(
            "",
            r#"<div class="article-date">Veröffentlicht am 3. März 2024</div>"#,
        );
        assert_eq!(m.published.as_deref(), Some("2024-03-03"));
        assert_eq!(m.sources.published.as_deref(), Some("text"));
    }

    #[test]
    fn json_ld_articles_inside_a_web_page_and_names_in_parts() {
        let m = page(
            r#"<script type="application/ld+json">{"@type":"WebPage","mainEntity":{"@type":"NewsArticle","headline":"H","author":[{"@type":"Person","name":"Mariana Lenharo"}]}}</script>"#,
            "",
        );
        assert_eq!(m.authors, vec!["Mariana Lenharo"]);
        let m = page(
            r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":[{"@type":"Person","givenName":"Anna Giulia","familyName":"Fink"}]}</script>"#,
            "",
        );
        assert_eq!(m.authors, vec!["Anna Giulia Fink"]);
        assert_eq!(m.sources.authors.as_deref(), Some("json-ld"));
    }

    #[test]
    fn an_author_meta_describing_the_publisher_gives_no_places_as_people() {
        let m = page(
            r#"<meta name="author" content="planet.de, Metropolis, Germany">"#,
            "",
        );
        assert!(m.authors.is_empty(), "{:?}", m.authors);
        let m = page(r#"<meta name="author" content="Lois Lane, planet.de">"#, "");
        assert_eq!(m.authors, vec!["Lois Lane"]);
    }

    #[test]
    fn every_author_meta_tag_is_read_and_the_site_name_among_them_dropped() {
        let m = page(
            r#"<meta property="og:site_name" content="한국일보"><meta name="author" content="한국일보"><meta name="author" content="신현주 기자">"#,
            "",
        );
        assert_eq!(m.authors, vec!["신현주"]);
        assert_eq!(m.sources.authors.as_deref(), Some("meta:author"));
        // A brand written as its domain is the same brand.
        let m = page(
            r#"<meta property="og:site_name" content="planet.net"><meta name="author" content="Planet">"#,
            "",
        );
        assert!(m.authors.is_empty(), "{:?}", m.authors);
        let m = page(r#"<meta name="cXenseParse:author" content="松岡大地">"#, "");
        assert_eq!(m.authors, vec!["松岡大地"]);
        let m = page(
            r#"<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Gregor Meier">"#,
            "",
        );
        assert_eq!(m.authors, vec!["Gregor Meier"]);
        assert_eq!(m.sources.authors.as_deref(), Some("meta:twitter:data1"));
    }

    #[test]
    fn bylines_after_a_separator_and_bare_names_in_author_elements() {
        let m = page(
            "",
            r#"<div class="lineinfo">Do 25.04.24 | 14:07 Uhr | Von <span class="x">Eva Kirchner-Rätsch</span></div><p class="byline">Do 25.04.24</p>"#,
        );
        assert!(m.authors.is_empty(), "no byline class: {:?}", m.authors);
        let m = page(
            "",
            r#"<div class="article-meta">Do 25.04.24 | 14:07 Uhr | Von Eva Kirchner-Rätsch</div>"#,
        );
        assert_eq!(m.authors, vec!["Eva Kirchner-Rätsch"]);
        let m = page("", r#"<div class="author-2">Naufal Zuhdi</div>"#);
        assert_eq!(m.authors, vec!["Naufal Zuhdi"]);
        assert_eq!(m.sources.authors.as_deref(), Some("byline-text"));
        // An author box's label or a sentence is not a name.
        let m = page(
            "",
            r#"<div class="author">Autor</div><div class="author-bio">Jane writes about food and travel.</div>"#,
        );
        assert!(m.authors.is_empty(), "{:?}", m.authors);
    }

    #[test]
    fn links_to_author_pages_give_the_author_and_co_authors() {
        let m = page(
            "",
            r#"<h1>H</h1><p class="meta"><a href="/author/jd/">Jane Doe</a> and <a href="/author/jr/">John Roe</a></p>
               <aside><ul><li><a href="/author/other/">Other Writer</a></li></ul></aside>
               <p><a href="/authors/">Our authors</a></p>"#,
        );
        assert_eq!(m.authors, vec!["Jane Doe", "John Roe"]);
        assert_eq!(m.sources.authors.as_deref(), Some("author-link"));
    }

    #[test]
    fn the_organisation_named_as_author_is_kept_apart() {
        let m = page(
            r#"<meta property="og:site_name" content="DER SPIEGEL"><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":{"@type":"Organization","name":"DER SPIEGEL"}}</script>"#,
            "",
        );
        assert!(m.authors.is_empty());
        assert_eq!(
            m.organisation_author,
            Some((vec!["DER SPIEGEL".to_string()], "json-ld".to_string()))
        );
        let m = page(
            r#"<meta name="author" content="https://facebook.com/planet"><meta name="author" content="Planet News">"#,
            "",
        );
        assert_eq!(
            m.organisation_author,
            Some((vec!["Planet News".to_string()], "meta:author".to_string()))
        );
        let m = page(r#"<meta name="author" content="admin">"#, "");
        assert_eq!(m.organisation_author, None);
    }

    #[test]
    fn names_and_dates_in_author_elements_with_their_parts_kept_apart() {
        let m = page(
            "",
            r#"<p class="author">Andrew Gerrand<br>4 August 2010</p>"#,
        );
        assert_eq!(m.authors, vec!["Andrew Gerrand"]);
        assert_eq!(m.published.as_deref(), Some("2010-08-04"));
        let m = page(
            "",
            r#"<div class="post-author"><b>Reyan Perumal</b>Published</div>"#,
        );
        assert_eq!(m.authors, vec!["Reyan Perumal"]);
        let m = page(
            "",
            r#"<div class="author-info"><b>Cazzy Magennis</b><b>Last Updated:</b> August 1, 2025</div>"#,
        );
        assert_eq!(m.authors, vec!["Cazzy Magennis"]);
        let m = page(
            "",
            r#"<div class="author-meta">Updated January 8, 2026</div>"#,
        );
        assert!(m.authors.is_empty(), "{:?}", m.authors);
        let m = page(
            "",
            r#"<div class="author-label"><span>Written By</span></div>"#,
        );
        assert!(m.authors.is_empty(), "{:?}", m.authors);
    }

    #[test]
    fn a_date_beside_the_headline_but_not_in_the_body() {
        let m = page(
            "",
            "<header><h1>Software Pricing Guide 2026</h1><p>Dec 26, 2025 · 5 min read</p></header>",
        );
        assert_eq!(m.published.as_deref(), Some("2025-12-26"));
        assert_eq!(m.sources.published.as_deref(), Some("text"));
        let body = "Prices rose across the market this year. ".repeat(20);
        let m = page(
            "",
            &format!("<div><h1>Software Pricing Guide</h1><p>{body}</p><p>On March 3, 2024 the vendor cut its prices.</p></div>"),
        );
        assert_eq!(m.published, None);
        let m = page(r#"<meta name="published-date" content="2021-02-16">"#, "");
        assert_eq!(m.sources.published.as_deref(), Some("meta:published-date"));
    }

    #[test]
    fn published_time_with_colons_in_its_key() {
        let m = page(
            r#"<meta property="article:published:time" content="2024-10-23T15:48:15+00:00">"#,
            "",
        );
        assert_eq!(m.published.as_deref(), Some("2024-10-23T15:48:15Z"));
    }

    #[test]
    fn the_visible_headline_wins_when_a_meta_title_agrees() {
        let m = page(
            r#"<meta property="og:title" content="Senate passes the bill after a long night | Planet"><title>x</title>"#,
            "<h1>Senate passes the bill</h1>",
        );
        assert_eq!(m.title.as_deref(), Some("Senate passes the bill"));
        assert_eq!(m.sources.title.as_deref(), Some("h1"));
        let m = page(
            r#"<meta property="og:title" content="Senate passes the bill">"#,
            "<h1>Planet</h1>",
        );
        assert_eq!(m.title.as_deref(), Some("Senate passes the bill"));
        assert_eq!(m.sources.title.as_deref(), Some("meta:og:title"));
    }
}

//! Where a page's metadata came from: what `copydesk explain` names beside each value.
//!
//! Only built for `explain`, never while cleaning. Each value is looked for in the places
//! [`super::html::extract`] reads, in its order (the site's `[html.metadata]` sources, then
//! JSON-LD, `<meta>` tags and the markup), and the first place that holds it is named.

use super::html::{json_ld, ld_authors, meta, str_field, strip_site_suffix, values};
use super::Metadata;
use crate::normalize::collapse_spaces;
use crate::rules::compiled::HtmlSource;
use crate::rules::Site;
use scraper::{Html, Selector};

/// For each metadata field found on the page (`title`, `subtitle`, `authors`,
/// `published`), where it was found.
pub fn html(doc: &Html, site: Option<&Site>, found: &Metadata) -> Vec<(&'static str, String)> {
    let ld = json_ld(doc);
    let rules = site.map(|s| (&s.id, &s.html.metadata));
    let site_sources = |field: &str, sources: &[HtmlSource]| -> Vec<(String, Vec<String>)> {
        let Some((id, _)) = rules else {
            return Vec::new();
        };
        sources
            .iter()
            .map(|s| {
                let label = match s {
                    HtmlSource::Meta(key) => format!("{id}/html.metadata.{field} (meta {key})"),
                    HtmlSource::Selector { .. } => format!("{id}/html.metadata.{field}"),
                };
                (label, values(doc, s))
            })
            .collect()
    };
    let ld_field = |key: &str| ld.as_ref().and_then(|v| str_field(v, key));
    let tag = |name: &str| -> Option<String> {
        let selector = Selector::parse(name).ok()?;
        doc.select(&selector)
            .map(|e| collapse_spaces(&e.text().collect::<String>()))
            .find(|t| !t.is_empty())
    };
    let mut out = Vec::new();

    if let Some(title) = &found.title {
        let mut places = site_sources("title", rules.map_or(&[][..], |(_, m)| &m.title));
        places.push((
            "JSON-LD headline".into(),
            ld_field("headline").into_iter().collect(),
        ));
        for key in ["og:title", "twitter:title"] {
            places.push((
                format!("<meta> {key}"),
                meta(doc, key).into_iter().collect(),
            ));
        }
        places.push(("<h1>".into(), tag("h1").into_iter().collect()));
        places.push(("<title>".into(), tag("title").into_iter().collect()));
        let same = |v: &String| strip_site_suffix(v) == *title;
        if let Some((label, _)) = places.iter().find(|(_, vs)| vs.iter().any(same)) {
            out.push(("title", label.clone()));
        }
    }
    if let Some(subtitle) = &found.subtitle {
        let mut places = site_sources("subtitle", rules.map_or(&[][..], |(_, m)| &m.subtitle));
        places.push((
            "JSON-LD alternativeHeadline".into(),
            ld_field("alternativeHeadline").into_iter().collect(),
        ));
        if let Some((label, _)) = places.iter().find(|(_, vs)| vs.contains(subtitle)) {
            out.push(("subtitle", label.clone()));
        }
    }
    if let Some(first) = found.authors.first() {
        let mut places = site_sources("authors", rules.map_or(&[][..], |(_, m)| &m.authors));
        places.push((
            "JSON-LD author".into(),
            ld.as_ref().map(ld_authors).unwrap_or_default(),
        ));
        for key in ["author", "article:author", "dc.creator"] {
            places.push((
                format!("<meta> {key}"),
                meta(doc, key).into_iter().collect(),
            ));
        }
        if let Some((label, _)) = places
            .iter()
            .find(|(_, vs)| vs.iter().any(|v| v.contains(first.as_str())))
        {
            out.push(("authors", label.clone()));
        }
    }
    if let Some(published) = &found.published {
        let formats = rules.map_or(&[][..], |(_, m)| &m.date_formats[..]);
        let mut places = site_sources("published", rules.map_or(&[][..], |(_, m)| &m.published));
        places.push((
            "JSON-LD datePublished".into(),
            ld_field("datePublished").into_iter().collect(),
        ));
        for key in [
            "article:published_time",
            "og:article:published_time",
            "date",
        ] {
            places.push((
                format!("<meta> {key}"),
                meta(doc, key).into_iter().collect(),
            ));
        }
        let times: Vec<String> = Selector::parse("time[datetime]")
            .ok()
            .map(|s| {
                doc.select(&s)
                    .filter_map(|t| t.value().attr("datetime").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        places.push(("<time datetime>".into(), times));
        let same = |v: &String| super::date::parse(v, formats).as_ref() == Some(published);
        if let Some((label, _)) = places.iter().find(|(_, vs)| vs.iter().any(same)) {
            out.push(("published", label.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_value_is_named_by_the_first_place_that_holds_it() {
        let doc = Html::parse_document(
            r#"<html><head><title>Sea wall approved | The Gazette</title>
            <meta property="og:title" content="Sea wall approved">
            <meta name="author" content="Daniel Okafor">
            <meta property="article:published_time" content="2026-03-04T07:30:00+00:00">
            </head><body><h1>Sea wall approved</h1></body></html>"#,
        );
        let found = super::super::html::extract(&doc, None);
        let sources = html(&doc, None, &found);
        assert_eq!(
            sources,
            [
                ("title", "<meta> og:title".to_string()),
                ("authors", "<meta> author".to_string()),
                ("published", "<meta> article:published_time".to_string()),
            ]
        );
    }
}

//! `copydesk eval --learn`: how well rules learned from a few pages of a site clean a page
//! of that site they never saw.
//!
//! For every fundus-dev publisher with at least three pages (its expected pages in
//! `pages/` plus its older pages in `history/`), each page with an expected body is held
//! out in turn: a rule file is learned from all the publisher's other pages, and the held-out
//! page is cleaned with only that rule file (and the generic rules), as HTML with its URL
//! and as the plain-text dump a scraper would have saved (no URL: the learned fingerprints
//! must recognise it). The same page cleaned by the generic rules alone is scored beside
//! it. A history page that is the held-out page again (same URL or same bytes) is left out
//! of its training, so no page is learned from itself.
//!
//! History files are named after their publisher in several ways
//! (`de-Heise_2024_02_05.html.gz`, `at-ORF.html.gz`, `APNews.html.gz-APNews.html.gz`): the
//! publisher is the name before the first `.html`, less a trailing `_YYYY_MM_DD` date and
//! the country prefix, compared without case (`de-BerlinerMorgenPost` is the
//! `de-BerlinerMorgenpost` of `pages/`); a country prefix, when a file has one, must agree.
//!
//! Fundus (flairNLP/fundus, MIT licence) provides the pages and their expected bodies.

use super::corpus::Page;
use super::report::PageResult;
use super::{dump, run_page, Mode};
use crate::input::{self, Dump};
use crate::learn::{learn, LearnOptions};
use crate::{Engine, RuleSet};
use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// One page a publisher's rules can be learned from.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub url: Option<String>,
    pub html: String,
    pub sha256: String,
}

/// A publisher: its pages with expected output, and every page to learn from.
#[derive(Debug, Clone)]
pub struct Publisher {
    /// `cc-Name` as in `pages/`.
    pub name: String,
    pub pages: Vec<Page>,
    /// Older pages of the publisher (no expected output).
    pub history: Vec<Sample>,
}

impl Publisher {
    /// Distinct pages in all.
    pub fn size(&self) -> usize {
        let mut all: Vec<String> = self.samples().into_iter().map(|s| s.sha256).collect();
        all.sort();
        all.dedup();
        all.len()
    }

    fn samples(&self) -> Vec<Sample> {
        self.pages
            .iter()
            .map(|p| Sample {
                name: p.id.clone(),
                url: Some(p.url.clone()).filter(|u| !u.is_empty()),
                sha256: sha(&p.html),
                html: p.html.clone(),
            })
            .chain(self.history.iter().cloned())
            .collect()
    }
}

fn sha(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// `(country, key)` of a corpus file name: `de-Heise_2024_02_05` → `(Some("de"), "heise")`.
pub fn publisher_key(name: &str) -> (Option<String>, String) {
    let stem = strip_date(name.split(".html").next().unwrap_or(name));
    match stem.split_once('-') {
        Some((cc, rest)) if cc.len() <= 3 && cc.chars().all(|c| c.is_ascii_lowercase()) => {
            (Some(cc.to_string()), rest.to_lowercase())
        }
        _ => (None, stem.to_lowercase()),
    }
}

/// `name` without a trailing `_YYYY_MM_DD`.
fn strip_date(name: &str) -> &str {
    let is_date = name.len() > 11
        && name.is_char_boundary(name.len() - 11)
        && name[name.len() - 11..].chars().enumerate().all(|(i, c)| {
            if matches!(i, 0 | 5 | 8) {
                c == '_'
            } else {
                c.is_ascii_digit()
            }
        });
    if is_date {
        &name[..name.len() - 11]
    } else {
        name
    }
}

/// Groups the corpus's expected pages by publisher and adds each history file to its
/// publisher (files of publishers with no expected page are left out).
pub fn publishers(pages: Vec<Page>, history_dir: &Path) -> Vec<Publisher> {
    let mut by: BTreeMap<(Option<String>, String), Publisher> = BTreeMap::new();
    for p in pages {
        let key = publisher_key(&p.id);
        let name = strip_date(p.id.split(".html").next().unwrap_or(&p.id)).to_string();
        by.entry(key)
            .or_insert_with(|| Publisher {
                name,
                pages: Vec::new(),
                history: Vec::new(),
            })
            .pages
            .push(p);
    }
    let mut files: Vec<_> = std::fs::read_dir(history_dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for path in files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (cc, key) = publisher_key(&file);
        let owner = by.iter_mut().find(|((pcc, pkey), _)| {
            *pkey == key && cc.as_ref().is_none_or(|c| Some(c) == pcc.as_ref())
        });
        let Some((_, publisher)) = owner else {
            continue;
        };
        let Some(html) = gunzip(&path) else { continue };
        let doc = crate::clean::html::parse(&html);
        let url = crate::metadata::html::canonical(&doc);
        publisher.history.push(Sample {
            name: format!("history/{file}"),
            url,
            sha256: sha(&html),
            html,
        });
    }
    by.into_values().collect()
}

fn gunzip(path: &Path) -> Option<String> {
    let gz = std::fs::read(path).ok()?;
    let mut raw = Vec::new();
    GzDecoder::new(gz.as_slice()).read_to_end(&mut raw).ok()?;
    Some(String::from_utf8_lossy(&raw).into_owned())
}

/// The results of one held-out page: learned and generic, HTML and text.
#[derive(Debug, Clone)]
pub struct HeldOut {
    pub publisher: String,
    pub learned_html: PageResult,
    pub generic_html: PageResult,
    pub learned_text: PageResult,
    pub generic_text: PageResult,
    /// Whether the learned rules recognised the held-out page (HTML, text).
    pub recognised: (bool, bool),
    /// How many pages the rules were learned from.
    pub trained_on: usize,
    /// The rule files learned (from the HTML pages, from their text dumps), to read.
    pub rules: (String, String),
    /// What the learned rules made of the held-out page (HTML, text dump), to read.
    pub outputs: (String, String),
}

/// Runs the held-out evaluation for one publisher (nothing when it has fewer than three
/// distinct pages).
pub fn evaluate(publisher: &Publisher) -> Vec<HeldOut> {
    if publisher.size() < 3 {
        return Vec::new();
    }
    let generic = Engine::new(RuleSet::builtin());
    let samples = publisher.samples();
    let site = site_id(&publisher.name);
    let mut out = Vec::new();
    for page in &publisher.pages {
        let held = sha(&page.html);
        let mut seen = vec![held.clone()];
        let training: Vec<&Sample> = samples
            .iter()
            .filter(|s| {
                let same_url = !page.url.is_empty() && s.url.as_deref() == Some(page.url.as_str());
                if same_url || seen.contains(&s.sha256) {
                    return false;
                }
                seen.push(s.sha256.clone());
                true
            })
            .collect();
        if training.len() < 2 {
            continue;
        }
        let html_dumps: Vec<Dump> = training
            .iter()
            .filter_map(|s| {
                let mut d =
                    input::from_bytes(Path::new(&format!("{}.html", s.name)), s.html.as_bytes())
                        .ok()?;
                d.url = s.url.clone();
                Some(d)
            })
            .collect();
        let text_dumps: Vec<Dump> = training
            .iter()
            .filter_map(|s| {
                let text = dump::text_dump(&s.html);
                input::from_bytes(Path::new(&format!("{}.txt", s.name)), text.as_bytes()).ok()
            })
            .collect();
        let engine_for = |dumps: &[Dump]| -> (Engine, String) {
            let toml = learn(&site, dumps, &LearnOptions::default())
                .map(|l| l.rule_toml)
                .unwrap_or_default();
            let rules = crate::rules::compile_str(Path::new(&format!("{site}.toml")), &toml)
                .ok()
                .and_then(|s| RuleSet::from_sites(vec![s]).ok())
                .unwrap_or_else(RuleSet::builtin);
            (Engine::new(rules), toml)
        };
        let (learned_html_engine, html_toml) = engine_for(&html_dumps);
        let (learned_text_engine, text_toml) = engine_for(&text_dumps);
        let named = |mut r: PageResult, mode: &str| {
            r.mode = mode.to_string();
            r
        };
        let lh = run_page(&learned_html_engine, page, Mode::Html);
        let lt = run_page(&learned_text_engine, page, Mode::Text);
        let recognised = (
            recognises(&learned_html_engine, page, Mode::Html),
            recognises(&learned_text_engine, page, Mode::Text),
        );
        out.push(HeldOut {
            publisher: publisher.name.clone(),
            learned_html: named(lh, "learned-html"),
            generic_html: named(run_page(&generic, page, Mode::Html), "generic-html"),
            learned_text: named(lt, "learned-text"),
            generic_text: named(run_page(&generic, page, Mode::Text), "generic-text"),
            recognised,
            trained_on: training.len(),
            outputs: (
                cleaned(&learned_html_engine, page, Mode::Html),
                cleaned(&learned_text_engine, page, Mode::Text),
            ),
            rules: (html_toml, text_toml),
        });
    }
    out
}

/// Every publisher of the fundus-dev corpus at `dir` with three pages or more, each page
/// held out in turn (publishers in parallel). `only` limits the run to publishers whose
/// name contains it.
pub fn run(dir: &Path, only: Option<&str>) -> Result<Vec<HeldOut>, super::corpus::CorpusError> {
    use rayon::prelude::*;
    let pages = super::corpus::load_as(dir, super::corpus::Layout::Fundus, None)?;
    let publishers: Vec<Publisher> = publishers(pages, &dir.join("history"))
        .into_iter()
        .filter(|p| only.is_none_or(|o| p.name.to_lowercase().contains(&o.to_lowercase())))
        .filter(|p| p.size() >= 3)
        .collect();
    Ok(publishers.par_iter().flat_map(evaluate).collect())
}

/// What the held-out page is given as in `mode`: the page with its URL, or its text dump
/// with none (the learned fingerprints must recognise it).
fn held_out_input(page: &Page, mode: Mode) -> (String, Option<String>) {
    match mode {
        Mode::Html => (
            page.html.clone(),
            Some(page.url.clone()).filter(|u| !u.is_empty()),
        ),
        Mode::Text => (dump::text_dump(&page.html), None),
    }
}

/// The article text `engine` makes of `page` in `mode` (as [`run_page`] scores it).
fn cleaned(engine: &Engine, page: &Page, mode: Mode) -> String {
    let (text, url) = held_out_input(page, mode);
    let name = format!(
        "{}.{}",
        page.id,
        if mode == Mode::Html { "html" } else { "txt" }
    );
    input::from_bytes(Path::new(&name), text.as_bytes())
        .map(|d| engine.clean(d, &crate::Options { url }).text)
        .unwrap_or_default()
}

/// Whether `engine`'s site rules (not the generic ones) clean `page` in `mode`.
fn recognises(engine: &Engine, page: &Page, mode: Mode) -> bool {
    let (text, url) = held_out_input(page, mode);
    crate::site::find(engine.rules(), url.as_deref(), &text).is_some()
}

/// A rule-file id for a publisher name (`de-BerlinerMorgenpost` → `de-berlinermorgenpost`).
fn site_id(name: &str) -> String {
    let id: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "site".into()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_names_map_to_their_publishers() {
        assert_eq!(
            publisher_key("de-Heise_2024_02_05.html.gz"),
            (Some("de".into()), "heise".into())
        );
        assert_eq!(
            publisher_key("at-ORF.html.gz"),
            (Some("at".into()), "orf".into())
        );
        assert_eq!(
            publisher_key("APNews.html.gz-APNews.html.gz"),
            (None, "apnews".into())
        );
        assert_eq!(
            publisher_key("de-BerlinerMorgenPost_2024_04_29.html.gz"),
            publisher_key("de-BerlinerMorgenpost_2025_01_01")
        );
        assert_ne!(
            publisher_key("tr-NTVTR_2024_04_29"),
            publisher_key("de-NTV_2024_04_29")
        );
    }
}

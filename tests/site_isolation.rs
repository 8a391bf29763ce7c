//! No other site's dump may be taken for a shipped site.
//!
//! The shipped rules' fingerprints must be lines only their site prints: a word like
//! "Masthead" once made other publishers' text dumps be taken for Talking Points Memo and
//! cut to a hundred words. This test runs site finding (only that: it is the cheap part)
//! on every page of the development corpora beside the repository, as HTML with its URL
//! and as the plain-text dump a scraper would have made of it, and fails for any page taken
//! for a shipped site it does not come from.
//!
//! The corpora are not part of the repository (`../shared/corpus/…`, as CI has them). When
//! they are missing the test fails and says so, rather than passing without looking; set
//! `COPYDESK_SKIP_CORPUS_TESTS=1` to skip it knowingly.

use copydesk::eval::dump::visible_blocks;
use copydesk::RuleSet;
use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};

fn corpus_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if root.is_dir() {
        return Some(root);
    }
    if std::env::var_os("COPYDESK_SKIP_CORPUS_TESTS").is_some() {
        eprintln!("site_isolation: SKIPPED, no corpora at {}", root.display());
        return None;
    }
    panic!(
        "the development corpora are missing at {}: put the shared data beside the repository \
         (as CI does), or set COPYDESK_SKIP_CORPUS_TESTS=1 to skip this test knowingly",
        root.display()
    );
}

fn gunzip(path: &Path) -> String {
    let gz = std::fs::read(path).unwrap();
    let mut raw = Vec::new();
    GzDecoder::new(gz.as_slice()).read_to_end(&mut raw).unwrap();
    String::from_utf8_lossy(&raw).into_owned()
}

/// Every page of the corpora: (name, URL if known, HTML).
fn pages(root: &Path) -> Vec<(String, Option<String>, PathBuf)> {
    let mut out = Vec::new();
    let wcxb = root.join("wcxb-dev-articles");
    if let Ok(ids) = copydesk::eval::corpus::ids(&wcxb) {
        for id in ids {
            let truth = std::fs::read_to_string(wcxb.join(format!("ground-truth/{id}.json")))
                .unwrap_or_default();
            let url = serde_json::from_str::<serde_json::Value>(&truth)
                .ok()
                .and_then(|v| v["url"].as_str().map(str::to_string));
            out.push((
                format!("wcxb/{id}"),
                url,
                wcxb.join(format!("html/{id}.html.gz")),
            ));
        }
    }
    for folder in ["fundus-dev/pages", "fundus-dev/history"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
            .collect();
        files.sort();
        for f in files {
            let json = PathBuf::from(f.to_string_lossy().replace(".html.gz", ".json"));
            let url = std::fs::read_to_string(json)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v["url"].as_str().map(str::to_string));
            let name = format!("{folder}/{}", f.file_name().unwrap().to_string_lossy());
            out.push((name, url, f));
        }
    }
    out
}

#[test]
fn no_corpus_page_is_taken_for_a_shipped_site() {
    let Some(root) = corpus_root() else { return };
    let rules = RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap();
    let pages = pages(&root);
    assert!(
        pages.len() > 500,
        "only {} pages found under {}",
        pages.len(),
        root.display()
    );
    let mut wrong = Vec::new();
    let mut own = 0;
    for (name, url, path) in &pages {
        let html = gunzip(path);
        let doc = scraper::Html::parse_document(&html);
        let url = url
            .clone()
            .or_else(|| copydesk::metadata::html::canonical(&doc));
        // A page of a shipped site's own host is that site's: not a misfire.
        let host = url.as_deref().and_then(copydesk::site::host_of);
        let owner = rules.sites.iter().find(|s| {
            host.as_deref().is_some_and(|h| {
                s.hosts
                    .iter()
                    .any(|sh| h == sh || h.ends_with(&format!(".{sh}")))
            })
        });
        if owner.is_some() {
            own += 1;
            continue;
        }
        let text = copydesk::normalize::text(&visible_blocks(doc.root_element()).join("\n\n"));
        for (mode, found) in [
            ("html", copydesk::site::find(&rules, url.as_deref(), &html)),
            ("text", copydesk::site::find(&rules, None, &text)),
        ] {
            if let Some((site, evidence)) = found {
                wrong.push(format!(
                    "{name} ({mode}): taken for {} by {evidence:?}",
                    site.id
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} corpus dumps taken for a shipped site ({own} pages of shipped sites' own hosts left out):\n{}",
        wrong.len(),
        pages.len() * 2,
        wrong.join("\n")
    );
}

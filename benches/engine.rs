//! Engine throughput on one core: documents/s and MB/s, for text dumps and HTML pages,
//! with and without a matching site rule.
//!
//! Inputs live beside the repository, never in it: the seed dumps (`../shared/seeds`, or
//! `$COPYDESK_SEEDS`) and a sample of WCXB pages (`../shared/corpus/wcxb-dev-articles`, or
//! `$COPYDESK_CORPUS`; `$COPYDESK_BENCH_PAGES` pages, default 60). A missing input skips its
//! benchmarks with a message instead of failing. WCXB (Web Content eXtraction Benchmark) is
//! by Murrough Foley (2026), CC-BY-4.0.
//!
//! "With a rule" means: for text dumps, the repository's `rules/` folder (the seed sites'
//! rule files), skipped when it has none; for HTML pages, a rule file written here whose
//! hosts are the sample's hosts and whose content selectors skip detection.
//!
//! `html/*/parse-only` is the reference point: `scraper` parsing plus text collection, no
//! cleaning, on the same sample.
//!
//! Run: `cargo bench --bench engine` (add `-- html` or `-- text` to pick a group).

use copydesk::eval::corpus;
use copydesk::{input, Engine, Options, RuleSet};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A document as the engine gets it: a name (whose extension says the format) and bytes.
struct Doc {
    name: PathBuf,
    bytes: Vec<u8>,
    url: Option<String>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seeds() -> Vec<Doc> {
    let dir = std::env::var_os("COPYDESK_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/seeds"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        eprintln!(
            "bench: no seed dumps in {} (set COPYDESK_SEEDS): skipping text benchmarks",
            dir.display()
        );
    }
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some(Doc {
                name: p,
                bytes,
                url: None,
            })
        })
        .collect()
}

fn pages() -> Vec<Doc> {
    let dir = std::env::var_os(corpus::ENV_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(corpus::DEFAULT_DIR));
    let n = std::env::var("COPYDESK_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    match corpus::load(&dir, Some(n)) {
        Ok(pages) => pages
            .into_iter()
            .map(|p| Doc {
                name: PathBuf::from(format!("{}.html", p.id)),
                bytes: p.html.into_bytes(),
                url: Some(p.url).filter(|u| !u.is_empty()),
            })
            .collect(),
        Err(e) => {
            eprintln!("bench: {e}: skipping HTML benchmarks");
            Vec::new()
        }
    }
}

/// A rule file matching every sample page by host, with content selectors, so the engine
/// takes the site-rule path (no root detection).
fn html_rules(docs: &[Doc], dir: &Path) -> RuleSet {
    let mut hosts: Vec<String> = docs
        .iter()
        .filter_map(|d| d.url.as_deref().and_then(copydesk::site::host_of))
        .collect();
    hosts.sort();
    hosts.dedup();
    let rule = format!(
        "[site]\nid = \"bench-sample\"\nname = \"Benchmark sample\"\nhosts = {hosts:?}\n\n\
         [html]\ncontent = [\"[itemprop=articleBody]\", \"article\", \"main\", \"[role=main]\", \"body\"]\n\n\
         [html.remove.share]\nkind = \"share\"\nselector = \".share, .social\"\n"
    );
    std::fs::write(dir.join("bench-sample.toml"), rule).expect("write the bench rule file");
    RuleSet::load(dir).unwrap_or_else(|e| panic!("bench rule file does not load: {e:?}"))
}

fn clean_all(engine: &Engine, docs: &[Doc]) -> usize {
    let mut words = 0;
    for d in docs {
        let options = Options { url: d.url.clone() };
        if let Ok(dump) = input::from_bytes(&d.name, &d.bytes) {
            words += engine.clean(dump, &options).word_count;
        }
    }
    words
}

/// The practical ceiling of any HTML path built on `scraper`: parse, then collect the text.
fn parse_only(docs: &[Doc]) -> usize {
    docs.iter()
        .map(|d| {
            let html = String::from_utf8_lossy(&d.bytes);
            let doc = scraper::Html::parse_document(&html);
            doc.root_element().text().map(str::len).sum::<usize>()
        })
        .sum()
}

/// Benchmarks one document set in documents/s and in MB/s.
fn measure(c: &mut Criterion, group: &str, case: &str, engine: &Engine, docs: &[Doc]) {
    measure_with(c, group, case, docs, |docs| clean_all(engine, docs));
}

fn measure_with(
    c: &mut Criterion,
    group: &str,
    case: &str,
    docs: &[Doc],
    run: impl Fn(&[Doc]) -> usize,
) {
    let bytes: usize = docs.iter().map(|d| d.bytes.len()).sum();
    for (unit, throughput) in [
        ("docs", Throughput::Elements(docs.len() as u64)),
        ("bytes", Throughput::Bytes(bytes as u64)),
    ] {
        let mut g = c.benchmark_group(format!("{group}/{unit}"));
        g.throughput(throughput)
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        g.bench_with_input(BenchmarkId::from_parameter(case), docs, |b, docs| {
            b.iter(|| run(docs))
        });
        g.finish();
    }
}

fn text(c: &mut Criterion) {
    let docs = seeds();
    if docs.is_empty() {
        return;
    }
    measure(
        c,
        "text",
        "generic",
        &Engine::new(RuleSet::builtin()),
        &docs,
    );
    match RuleSet::load(&repo().join("rules")) {
        Ok(rules) if !rules.sites.is_empty() => {
            measure(c, "text", "site-rules", &Engine::new(rules), &docs)
        }
        _ => eprintln!("bench: no rule files in rules/: skipping text with site rules"),
    }
}

fn html(c: &mut Criterion) {
    let docs = pages();
    if docs.is_empty() {
        return;
    }
    measure(
        c,
        "html",
        "generic",
        &Engine::new(RuleSet::builtin()),
        &docs,
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let engine = Engine::new(html_rules(&docs, dir.path()));
    measure(c, "html", "site-rule", &engine, &docs);
    measure_with(c, "html", "parse-only", &docs, parse_only);
}

criterion_group!(benches, text, html);
criterion_main!(benches);

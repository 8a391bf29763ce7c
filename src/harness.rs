//! Checks on arbitrary input, shared by the fuzz targets (`fuzz/`) and the regression
//! tests that keep what fuzzing found (`tests/regression/`).
//!
//! Each check feeds bytes through the same code the service runs and panics if a promise
//! breaks: nothing may panic or hang on any dump or rule file, and every article must be
//! written as an output that reads back whole. A fuzzer reports the panic with the input;
//! the input then goes into `tests/regression/` so `cargo test` keeps checking it.

use crate::article::Article;
use crate::output::{self, Format};
use crate::{input, Engine, Options, RuleSet};
use std::path::Path;

/// File names a dump can come under; the first byte of a fuzz input picks one, so every
/// format (and format detection from content) is reached.
pub const DUMP_NAMES: [&str; 6] = [
    "dump.txt",
    "dump.html",
    "dump.json",
    "dump",
    "dump.htm",
    "dump.xhtml",
];

/// The dump `data` stands for: its first byte picks the name, the rest is the content.
pub fn dump_name(data: &[u8]) -> (&'static str, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (DUMP_NAMES[*first as usize % DUMP_NAMES.len()], rest),
        None => (DUMP_NAMES[0], data),
    }
}

/// Cleans `data` as a dump (see [`dump_name`]) with `engine` and checks its outputs.
pub fn check_dump(engine: &Engine, data: &[u8]) {
    let (name, bytes) = dump_name(data);
    let Ok(dump) = input::from_bytes(Path::new(name), bytes) else {
        return; // refused with a reason: fine
    };
    let article = engine.clean(dump, &Options::default());
    check_outputs(&article);
}

/// Compiles `data` as a rule file; if it compiles, cleans a small text dump and a small
/// page with it (as its own site) and checks the outputs.
pub fn check_rule_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(site) = crate::rules::compile_str(Path::new("fuzz.toml"), text) else {
        return; // an error with a position: fine
    };
    let url = site.hosts.first().map(|h| format!("https://{h}/story"));
    let Ok(rules) = RuleSet::from_sites(vec![site]) else {
        return;
    };
    let engine = Engine::new(rules);
    let options = Options { url };
    for (name, content) in [
        (
            "a.txt",
            "Menu\nA Headline For The Story\nBy Jane Doe January 5, 2021\n\nThe first paragraph of the story, with enough words.\n\nShare this\nComments\n",
        ),
        (
            "a.html",
            "<html><head><title>A Headline</title></head><body><nav>Menu</nav><article class='story'><h1>A Headline</h1><p class='byline'>By Jane Doe</p><p>The first paragraph of the story, with enough words.</p></article><footer>About</footer></body></html>",
        ),
    ] {
        let dump = input::from_bytes(Path::new(name), content.as_bytes())
            .expect("the sample dumps are valid");
        check_outputs(&engine.clean(dump, &options));
    }
}

/// An article's outputs: a name that fits and stays in its folder, Markdown whose front
/// matter reads back into the same metadata, and JSON that reads back.
pub fn check_outputs(article: &Article) {
    for &format in <Format as clap::ValueEnum>::value_variants() {
        let name = output::file_name(article, format);
        assert!(
            name.len() <= output::NAME_MAX && !name.contains('/') && !name.starts_with('.'),
            "bad output name {name:?}"
        );
    }
    let md = output::render(article, Format::Markdown);
    let back = output::parse_markdown(&md)
        .unwrap_or_else(|e| panic!("the Markdown output does not read back ({e}):\n{md}"));
    assert_eq!(back.title, article.title, "{md}");
    assert_eq!(back.removed, article.removed, "{md}");
    assert_eq!(back.source, article.source, "{md}");
    let json = output::render(article, Format::Json);
    let back: Article = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("the JSON output does not read back ({e}):\n{json}"));
    assert_eq!(&back, article);
}

/// WARC files made by hand for tests: a record, a `response` record around an HTTP
/// response, and gzip members the way CC-NEWS files hold them.
pub mod warc {
    use std::io::Write;

    /// One WARC record, as bytes.
    pub fn record(kind: &str, id: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
             WARC-Date: 2024-03-05T10:20:30Z\r\nWARC-Target-URI: {uri}\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    /// A `response` record holding an HTTP response with these headers and body.
    pub fn response(id: &str, uri: &str, http_headers: &str, body: &[u8]) -> Vec<u8> {
        let mut block = format!("HTTP/1.1 200 OK\r\n{http_headers}\r\n").into_bytes();
        block.extend_from_slice(body);
        record(
            "response",
            id,
            uri,
            "application/http; msgtype=response",
            &block,
        )
    }

    /// Records gzipped one member each, as CC-NEWS files are.
    pub fn gzip_each(records: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for r in records {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(r).expect("writing to memory");
            out.extend(gz.finish().expect("writing to memory"));
        }
        out
    }
}

//! Bad input never panics: each bad file gets a clear per-file error or a best-effort
//! article, and the other files of the run are still cleaned.

mod common;

use common::{copydesk, json_lines, repo, stderr};
use std::fs;

fn run(dir: &std::path::Path, files: &[&str]) -> std::process::Output {
    common::clean_json_run(dir, &repo().join("rules"), files)
}

#[test]
fn bad_files_are_named_and_good_ones_still_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("empty.txt"), b"").unwrap();
    fs::write(
        d.join("garbage.txt"),
        [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 0].repeat(100),
    )
    .unwrap();
    fs::write(
        d.join("wrong.json"),
        br#"{"url": ["not", "a", "string"], "html": 42}"#,
    )
    .unwrap();
    fs::write(d.join("notjson.json"), b"{ this is not json").unwrap();
    fs::write(
        d.join("good.txt"),
        "A headline here\n\nA body paragraph that says something.\n",
    )
    .unwrap();
    let out = run(
        d,
        &[
            "empty.txt",
            "garbage.txt",
            "wrong.json",
            "notjson.json",
            "good.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "some inputs failed → exit 1");
    let err = stderr(&out);
    assert!(err.contains("empty.txt is empty"), "{err}");
    assert!(err.contains("garbage.txt looks binary"), "{err}");
    assert!(
        err.contains("wrong.json: invalid JSON envelope: `url` must be a string, not an array"),
        "{err}"
    );
    assert!(err.contains("notjson.json: invalid JSON envelope"), "{err}");
    assert!(err.contains("4 input(s) failed"), "{err}");
    let articles = json_lines(&out);
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0]["text"], "A body paragraph that says something.");
}

#[test]
fn legacy_bytes_are_detected_and_damaged_utf8_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("latin1.txt"),
        b"Caf\xe9 society\n\nThe caf\xe9 opened on Monday.\n",
    )
    .unwrap();
    // UTF-8 with one damaged byte: read as UTF-8, the byte replaced and reported.
    fs::write(
        dir.path().join("damaged.txt"),
        b"Caf\xc3\xa9 society\n\nThe caf\xc3\xa9 opened on \xffMonday.\n",
    )
    .unwrap();
    let out = run(dir.path(), &["latin1.txt", "damaged.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: damaged.txt: invalid UTF-8 replaced"),
        "{}",
        stderr(&out)
    );
    let articles = json_lines(&out);
    let latin1 = articles
        .iter()
        .find(|a| {
            a["source"]["path"]
                .as_str()
                .unwrap()
                .ends_with("latin1.txt")
        })
        .unwrap();
    assert_eq!(latin1["text"], "The caf\u{e9} opened on Monday.");
    assert!(
        latin1["warnings"][0]
            .as_str()
            .unwrap()
            .contains("decoded as windows-1252"),
        "{latin1}"
    );
    let damaged = articles
        .iter()
        .find(|a| {
            a["source"]["path"]
                .as_str()
                .unwrap()
                .ends_with("damaged.txt")
        })
        .unwrap();
    assert_eq!(damaged["text"], "The caf\u{e9} opened on \u{fffd}Monday.");
    assert_eq!(
        damaged["warnings"],
        serde_json::json!(["invalid UTF-8 replaced with U+FFFD"])
    );
}

/// 50 MB through a debug build takes most of a minute on two cores, so `cargo test` leaves
/// it out and CI runs it (`.ci/run`: `-- --ignored`); the cheap test below keeps the limit
/// itself checked on every run.
#[test]
#[ignore = "slow in a debug build: run with `cargo test --test robustness -- --ignored`"]
fn a_50_mb_dump_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    // Each paragraph distinct: a paragraph repeating an earlier one word for word is taken
    // as a copy and dropped, which is not what this test is about.
    let mut body = String::from("A very long dump\n\n");
    let mut n = 0u64;
    while body.len() < 50 * 1024 * 1024 {
        n += 1;
        body.push_str(&format!(
            "Paragraph {n} of a very long dump, with enough words to look like prose.\n\n"
        ));
    }
    fs::write(dir.path().join("big.txt"), &body).unwrap();
    let out = run(dir.path(), &["big.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let a = &json_lines(&out)[0];
    assert_eq!(a["title"], "A very long dump");
    assert!(a["word_count"].as_u64().unwrap() > 5_000_000);
}

#[test]
fn a_dump_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: 65 MB on paper, no disk and no time to write.
    let big = fs::File::create(dir.path().join("huge.txt")).unwrap();
    big.set_len(copydesk::input::MAX_INPUT_BYTES + 1).unwrap();
    fs::write(dir.path().join("small.txt"), "A Title\n\nA body.\n").unwrap();
    let out = run(dir.path(), &["huge.txt", "small.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("over the 67108864-byte limit for one dump"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_lines(&out).len(), 1, "the other file is still cleaned");
}

#[test]
fn html_nested_100000_levels_deep_gets_a_best_effort_article() {
    let dir = tempfile::tempdir().unwrap();
    let html = format!(
        "<html><body>{}<p>Deep inside the page there is a paragraph of text.</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    fs::write(dir.path().join("deep.html"), html).unwrap();
    let out = run(dir.path(), &["deep.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let a = &json_lines(&out)[0];
    assert!(a["text"].as_str().unwrap().contains("Deep inside the page"));
    assert!(
        a["warnings"][0]
            .as_str()
            .unwrap()
            .contains("levels deep (limit"),
        "{a}"
    );
}

#[test]
fn missing_input_and_missing_rules_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["nope.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope.txt"), "{}", stderr(&out));

    fs::write(dir.path().join("a.txt"), "x\n\ny").unwrap();
    let out = copydesk(
        dir.path(),
        &["clean", "--rules", "no-such-rules", "--stdout", "a.txt"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read the rules folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_a_rules_folder_the_built_in_rules_are_used_and_said_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "A Title\n\nThe body.\n").unwrap();
    fs::write(dir.path().join("b.txt"), "B Title\n\nThe other body.\n").unwrap();
    let out = copydesk(
        dir.path(),
        &["clean", "--stdout", "--format", "json", "a.txt", "b.txt"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_lines(&out).len(), 2);
    assert_eq!(
        stderr(&out)
            .matches("using the built-in generic rules only")
            .count(),
        1,
        "{}",
        stderr(&out)
    );
}

/// A small deterministic generator of nasty documents: tag soup, rule-like lines, odd
/// Unicode, control characters. Every one must come out as an article or an input error.
#[test]
fn random_documents_never_panic() {
    use copydesk::{input, Engine, Options, RuleSet};
    let engine = Engine::new(RuleSet::load(&repo().join("rules")).unwrap());
    let pieces: &[&str] = &[
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<script>",
        "</script>",
        "<h1>",
        "<a href='x'>",
        "</a>",
        "<!--",
        "-->",
        "<br>",
        "&amp;",
        "&#xFFFF;",
        "\n",
        "\n\n",
        "\r\n",
        "\u{a0}",
        "\u{200b}",
        "\u{feff}",
        "é",
        "e\u{301}",
        "日本語",
        "🙂",
        "\u{0}",
        "\u{7}",
        "Comments",
        "Latest News",
        "Masthead Masthead",
        "Author: A B",
        "(Reporting by A B; Editing by C D)",
        "By A B January 2, 2021",
        "Your support helps us to tell the story",
        "Join our commenting forum",
        "UNITED24 - x",
        "Start your day with TPM.",
        "MORE LESS",
        "Tuesday 26 January 2021 22:06 GMT",
        "{",
        "}",
        "\"",
        "Title",
        "A sentence of body text.",
        "(",
        ")",
        "[",
        "]",
        "\\",
        "$",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut envelopes = 0;
    for n in 0..400 {
        let len = (next() % 200) as usize;
        let mut doc = String::new();
        for _ in 0..len {
            doc.push_str(pieces[(next() % pieces.len() as u64) as usize]);
        }
        // The JSON branch wraps the document in a real envelope (alternately as its page
        // and as its text), so it reaches the cleaner instead of failing as bad JSON.
        let field = if n % 2 == 0 { "html" } else { "text" };
        let envelope = serde_json::json!({"url": format!("https://example.com/{n}"), field: doc});
        let inputs = [
            ("r.txt", doc.clone()),
            ("r.html", doc.clone()),
            ("r.json", envelope.to_string()),
        ];
        for (name, bytes) in inputs {
            let path = std::path::PathBuf::from(format!("{n}-{name}"));
            let dump = input::from_bytes(&path, bytes.as_bytes());
            if name == "r.json" && !doc.trim().is_empty() {
                let dump = dump.as_ref().unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(dump.format, input::Format::Json);
                envelopes += 1;
            }
            if let Ok(dump) = dump {
                let a = engine.clean(dump, &Options::default());
                assert!(
                    !a.text.contains("\n\n\n"),
                    "paragraphs are separated by one blank line"
                );
            }
        }
    }
    assert!(envelopes > 300, "only {envelopes} envelopes were cleaned");
}

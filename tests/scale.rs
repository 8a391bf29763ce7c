//! At scale: `clean --jobs` (order, summary, stdin) and `batch` (one line per input line,
//! in order, with error records).

mod common;

use common::{copydesk, json_lines, repo, stderr};
use copydesk::harness::warc;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `copydesk ARGS` in `dir` with `input` on stdin.
fn with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the copydesk binary runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from a thread: copydesk answers while it reads.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn rules() -> String {
    repo().join("rules").display().to_string()
}

/// Small pages that differ in title and length, so threads finish out of order.
fn write_pages(dir: &Path, n: usize) {
    for i in 0..n {
        let body = "A sentence about the council budget and the roads. ".repeat(1 + (n - i) * 20);
        let page = format!(
            "<!DOCTYPE html><html><head><title>Story number {i}</title></head><body><article><h1>Story number {i}</h1><p>{body}</p></article></body></html>"
        );
        std::fs::write(dir.join(format!("page-{i:02}.html")), page).unwrap();
    }
}

#[test]
fn clean_with_more_jobs_prints_the_same_articles_in_the_same_order() {
    let dir = tempfile::tempdir().unwrap();
    write_pages(dir.path(), 12);
    let rules = repo().join("rules");
    let run = |jobs: &str| common::clean_json_run(dir.path(), &rules, &["--jobs", jobs, "."]);
    let one = run("1");
    let four = run("4");
    assert!(one.status.success(), "{}", stderr(&one));
    assert!(four.status.success(), "{}", stderr(&four));
    let titles: Vec<Value> = json_lines(&four)
        .iter()
        .map(|a| a["title"].clone())
        .collect();
    let expected: Vec<Value> = (0..12)
        .map(|i| json!(format!("Story number {i}")))
        .collect();
    assert_eq!(titles, expected);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn clean_ends_with_a_summary_line_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    write_pages(dir.path(), 3);
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    let out = copydesk(
        dir.path(),
        &[
            "clean",
            "--rules",
            &rules(),
            "--out",
            "out",
            "--jobs",
            "2",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let summary = err.lines().last().unwrap();
    assert!(
        summary.starts_with("copydesk: cleaned 3, failed 1, generic 3 in ")
            && summary.ends_with(" pages/s)"),
        "{err}"
    );
    // Piped stderr: no progress bar drawn.
    assert!(!err.contains('\r'), "{err:?}");
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        3
    );
    let quiet = copydesk(
        dir.path(),
        &[
            "clean",
            "--rules",
            &rules(),
            "--stdout",
            "--quiet",
            "page-00.html",
        ],
    );
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn clean_reads_one_dump_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = with_stdin(
        dir.path(),
        &["clean", "--rules", &rules(), "--format", "json", "--stdout", "-"],
        b"<!DOCTYPE html><html><head><title>From a pipe</title></head><body><p>Piped body text here.</p></body></html>",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let articles = json_lines(&out);
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0]["title"], "From a pipe");
    assert_eq!(articles[0]["source"]["format"], "html");
}

#[test]
fn batch_answers_every_line_in_order_with_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    let mut expected = Vec::new();
    for i in 0..30 {
        let line = match i % 10 {
            3 => "not json at all".to_string(),
            5 => json!({"id": i, "url": 5, "html": "<p>x</p>"}).to_string(),
            7 => String::new(),
            _ => {
                let words = "Budget talks went on late into the night. ".repeat(1 + (30 - i) * 10);
                json!({"id": format!("doc-{i}"), "url": format!("https://news.example/{i}"), "fetched_at": "2024-03-05T10:00:00Z",
                       "html": format!("<html><head><title>Doc {i}</title></head><body><p>{words}</p></body></html>")})
                .to_string()
            }
        };
        expected.push(i);
        input.push_str(&line);
        input.push('\n');
    }
    let out = with_stdin(
        dir.path(),
        &["batch", "--rules", &rules(), "--jobs", "3"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 30, "one output line per input line");
    for (i, line) in lines.iter().enumerate() {
        match i % 10 {
            3 | 7 => {
                assert_eq!(line["id"], Value::Null);
                assert!(
                    line["error"]
                        .as_str()
                        .unwrap()
                        .contains(&format!("line {}", i + 1)),
                    "{line}"
                );
            }
            5 => {
                assert_eq!(line["id"], json!(i));
                assert!(
                    line["error"]
                        .as_str()
                        .unwrap()
                        .contains("`url` must be a string"),
                    "{line}"
                );
            }
            _ => {
                assert_eq!(line["id"], json!(format!("doc-{i}")));
                assert_eq!(line["title"], json!(format!("Doc {i}")));
                assert_eq!(line["url"], json!(format!("https://news.example/{i}")));
                assert_eq!(line["source"]["fetched_at"], "2024-03-05T10:00:00Z");
                assert!(line.get("error").is_none());
            }
        }
    }
    let summary = stderr(&out);
    assert!(summary.contains("cleaned 21, failed 9"), "{summary}");
}

#[test]
fn batch_answers_a_line_over_the_size_budget_with_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let big = json!({"id": "big", "text": "word ".repeat(400)}).to_string();
    let input = format!(
        "{big}\n{}\n",
        json!({"id": "small", "text": "Title\n\nA short body."})
    );
    let out = with_stdin(
        dir.path(),
        &[
            "batch",
            "--rules",
            &rules(),
            "--max-bytes",
            "1000",
            "--quiet",
        ],
        input.as_bytes(),
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "big");
    assert!(lines[0]["error"]
        .as_str()
        .unwrap()
        .contains("over the 1000-byte limit"));
    assert_eq!(lines[1]["id"], "small");
    assert!(lines[1]["text"].as_str().unwrap().contains("A short body."));
    assert_eq!(stderr(&out), "");
}

/// A WARC file: three news pages (one served as Latin-1), and records that hold none.
fn warc_file() -> Vec<u8> {
    let response = |id: &str, uri: &str, content_type: &str, body: &[u8]| {
        warc::response(id, uri, &format!("Content-Type: {content_type}\r\n"), body)
    };
    let page = |title: &str| {
        format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{}</p></article></body></html>",
            "The harbour reopened after the storm, and boats went out again. ".repeat(8))
    };
    warc::gzip_each(&[
        warc::record(
            "warcinfo",
            "0",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        ),
        warc::record(
            "request",
            "1",
            "https://news.example/a",
            "application/http; msgtype=request",
            b"GET /a HTTP/1.1\r\n\r\n",
        ),
        response(
            "2",
            "https://news.example/a",
            "text/html; charset=utf-8",
            page("Harbour Reopens").as_bytes(),
        ),
        response(
            "3",
            "https://news.example/logo.png",
            "image/png",
            b"\x89PNG\r\n",
        ),
        response(
            "4",
            "https://news.example/b",
            "text/html; charset=iso-8859-1",
            &page("Caf\u{e9} Owners Return")
                .chars()
                .map(|c| c as u8)
                .collect::<Vec<u8>>(),
        ),
        warc::record(
            "metadata",
            "5",
            "https://news.example/a",
            "application/warc-fields",
            b"fetchTimeMs: 12\r\n",
        ),
        response(
            "6",
            "https://news.example/c",
            "text/html",
            page("Boats Go Out Again").as_bytes(),
        ),
    ])
}

fn check_warc_articles(articles: &[Value]) {
    let titles: Vec<&str> = articles
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Harbour Reopens",
            "Café Owners Return",
            "Boats Go Out Again"
        ]
    );
    assert_eq!(articles[1]["url"], "https://news.example/b");
    assert_eq!(articles[1]["source"]["fetched_at"], "2024-03-05T10:20:30Z");
    assert_eq!(articles[1]["source"]["record"], "<urn:uuid:4>");
}

#[test]
fn clean_prints_one_article_per_html_response_of_a_warc_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crawl.warc.gz"), warc_file()).unwrap();
    let out = common::clean_json_run(dir.path(), &repo().join("rules"), &["crawl.warc.gz"]);
    assert!(out.status.success(), "{}", stderr(&out));
    check_warc_articles(&json_lines(&out));
    assert!(
        stderr(&out).contains("cleaned 3, failed 0, generic 3, skipped 4 in "),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_lines(&out)[0]["source"]["path"], "crawl.warc.gz");

    // From stdin, and into files: one per page, the same names on a second run.
    let piped = with_stdin(
        dir.path(),
        &[
            "clean",
            "--rules",
            &rules(),
            "--format",
            "json",
            "--stdout",
            "-",
        ],
        &warc_file(),
    );
    check_warc_articles(&json_lines(&piped));
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    for _ in 0..2 {
        let out = copydesk(
            dir.path(),
            &[
                "clean",
                "--rules",
                &rules(),
                "--out",
                "out",
                "crawl.warc.gz",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(names(&dir.path().join("out")).len(), 3);
}

#[test]
fn batch_reads_a_warc_stream_one_line_per_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = with_stdin(
        dir.path(),
        &["batch", "--rules", &rules(), "--jobs", "2"],
        &warc_file(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out);
    check_warc_articles(&lines);
    let ids: Vec<&Value> = lines.iter().map(|l| &l["id"]).collect();
    assert_eq!(
        ids,
        [
            &json!("<urn:uuid:2>"),
            &json!("<urn:uuid:4>"),
            &json!("<urn:uuid:6>")
        ]
    );
    assert!(stderr(&out).contains("skipped 4"), "{}", stderr(&out));
}

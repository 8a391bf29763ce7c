//! A rule file with a typo'd key, a bad regex or a bad selector is reported by `check` as
//! file:line and reason, and `clean` refuses the rules instead of ignoring the rule.

mod common;

use common::{copydesk, stderr};
use std::fs;

const GOOD: &str = "[site]\nid = \"good\"\nname = \"Good\"\nhosts = [\"good.example\"]\n";

fn rules_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("rules")).unwrap();
    for (name, body) in files {
        fs::write(dir.path().join("rules").join(name), body).unwrap();
    }
    fs::write(dir.path().join("a.txt"), "Title\n\nBody.\n").unwrap();
    dir
}

#[test]
fn check_reports_file_line_and_reason_for_each_problem() {
    let dir = rules_dir(&[
        ("good.toml", GOOD),
        ("typo.toml", "[site]\nid = \"typo\"\nname = \"T\"\nhosts = [\"t.example\"]\n\n[text.remove.x]\nkind = \"share\"\nlien = 'Share'\n"),
        ("regex.toml", "[site]\nid = \"regex\"\nname = \"R\"\nhosts = [\"r.example\"]\n\n[text.remove.x]\nkind = \"share\"\nline = 'Share (on'\n"),
        ("selector.toml", "[site]\nid = \"sel\"\nname = \"S\"\nhosts = [\"s.example\"]\n\n[html.remove.x]\nkind = \"share\"\nselector = '.share >> ['\n"),
    ]);
    let out = copydesk(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let report = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{report}");
    assert!(
        lines[0].starts_with("rules/regex.toml:8:9: invalid regex: unclosed group"),
        "{report}"
    );
    assert!(
        lines[1].starts_with("rules/selector.toml:8:13: invalid CSS selector \".share >> [\": ")
            && !lines[1].contains("Dangling")
            && lines[1].contains("e.g."),
        "{report}"
    );
    assert!(
        lines[2].starts_with("rules/typo.toml:8:1: rule `x`: unknown key `lien`: the keys here are `kind`, `description`, `line`"),
        "{report}"
    );
}

#[test]
fn clean_refuses_broken_rules_rather_than_ignoring_them() {
    let dir = rules_dir(&[
        ("good.toml", GOOD),
        (
            "typo.toml",
            "[site]\nid = \"typo\"\nname = \"T\"\nhosts = [\"t.example\"]\nfingerprint = ['x']\n",
        ),
    ]);
    let out = copydesk(dir.path(), &["clean", "--stdout", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing is cleaned with broken rules"
    );
    let err = stderr(&out);
    assert!(
        err.contains("rules/typo.toml:5:1: [site]: unknown key `fingerprint`"),
        "{err}"
    );
}

/// `class=byline` once panicked inside the selector parser's error message: `check` and
/// `clean` died with exit 101 instead of naming the problem.
#[test]
fn a_selector_the_parser_chokes_on_is_a_rule_error() {
    let dir = rules_dir(&[(
        "eq.toml",
        "[site]\nid = \"eq\"\nname = \"E\"\nhosts = [\"e.example\"]\n\n[html.remove.x]\nkind = \"other\"\nselector = 'class=byline'\n",
    )]);
    for args in [&["check"][..], &["clean", "--stdout", "a.txt"]] {
        let out = copydesk(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(
            all.contains("rules/eq.toml:8:13: invalid CSS selector \"class=byline\""),
            "{args:?}: {all}"
        );
        assert!(!all.contains("panicked"), "{args:?}: {all}");
    }
}

#[test]
fn shipped_rules_pass_check() {
    let out = copydesk(&common::repo(), &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn check_warns_about_a_content_selector_no_fixture_matches() {
    let dir = rules_dir(&[(
        "acme.toml",
        "[site]\nid = \"acme\"\nname = \"Acme\"\nhosts = [\"acme.example\"]\n\n[html]\ncontent = ['article.story', '.no-such-thing']\n",
    )]);
    let fixtures = dir.path().join("tests/fixtures/acme");
    fs::create_dir_all(&fixtures).unwrap();
    fs::write(
        fixtures.join("page.html"),
        "<html><body><article class=story><p>Body.</p></article></body></html>",
    )
    .unwrap();
    let out = copydesk(dir.path(), &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings do not refuse the rules"
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("rules/acme.toml:7:30: warning: content selector \".no-such-thing\" matches nothing in the 1 HTML fixture(s) of acme"),
        "{report}"
    );
    assert!(!report.contains("article.story\" matches"), "{report}");
}

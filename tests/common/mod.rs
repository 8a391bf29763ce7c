//! Helpers for tests that drive the real `copydesk` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repo root (where `rules/` and `tests/fixtures/` are).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `copydesk` with `args` in `dir`.
pub fn copydesk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .output()
        .expect("the copydesk binary runs")
}

/// stdout of a run as JSON lines.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `copydesk clean --rules RULES --format json --stdout ARGS...` in `dir`.
pub fn clean_json_run(dir: &Path, rules: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = vec![
        "clean",
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
        "--stdout",
    ];
    all.extend_from_slice(args);
    copydesk(dir, &all)
}

/// `copydesk clean --rules RULES --format json --stdout FILE...` from the repo root; the
/// run must succeed and give one article per file.
pub fn clean_json(rules: &Path, files: &[&Path]) -> Vec<serde_json::Value> {
    let files_str: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let out = clean_json_run(&repo(), rules, &files_str);
    assert!(out.status.success(), "{}", stderr(&out));
    let articles = json_lines(&out);
    assert_eq!(articles.len(), files.len());
    articles
}

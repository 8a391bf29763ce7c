//! Inputs that once broke copydesk (found by fuzzing or by an adversarial test), run
//! through the same checks as the fuzz targets (`copydesk::harness`):
//!
//! - `tests/regression/dumps/*`: a dump, its first byte choosing the file name (as the
//!   `dump` fuzz target reads its input);
//! - `tests/regression/rules/*`: a rule file's text (the `rules` fuzz target).
//!
//! A crash a fuzzer finds goes in one of these folders, named for what it broke.

use copydesk::harness::{check_dump, check_rule_file, DUMP_NAMES};
use copydesk::{Engine, Options, RuleSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn dumps_that_broke_the_engine() {
    let engine = Engine::new(RuleSet::load(&root().join("rules")).unwrap());
    let all = files("tests/regression/dumps");
    assert!(!all.is_empty());
    for file in all {
        println!("{}", file.display());
        check_dump(&engine, &std::fs::read(&file).unwrap());
    }
}

#[test]
fn rule_files_that_broke_the_compiler() {
    let all = files("tests/regression/rules");
    assert!(!all.is_empty());
    for file in all {
        println!("{}", file.display());
        check_rule_file(&std::fs::read(&file).unwrap());
    }
}

/// `'<div></b>' × 128,000` (1.1 MB) slipped past the old nesting estimate and took 88 s to
/// parse; now it is over the parse budget and cleaned as text, with a warning.
#[test]
fn a_page_built_to_make_the_parser_quadratic_is_cleaned_as_text() {
    let engine = Engine::new(RuleSet::builtin());
    let page = "<div></b>".repeat(128_000) + "<p>The last words of the page.</p>";
    let dump = copydesk::input::from_bytes(Path::new("page.html"), page.as_bytes()).unwrap();
    let article = engine.clean(dump, &Options::default());
    assert!(
        article
            .warnings
            .iter()
            .any(|w| w.contains("cleaned as text")),
        "{:?}",
        article.warnings
    );
    assert!(article.text.contains("The last words of the page."));
    let mut data = vec![DUMP_NAMES.iter().position(|n| *n == "dump.html").unwrap() as u8];
    data.extend_from_slice(page.as_bytes());
    check_dump(&engine, &data);
}

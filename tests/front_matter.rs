//! No content can break the Markdown output's TOML front matter: every output of the
//! fixtures, and of inputs built to break it (removed blocks and fields holding `+++`
//! lines and TOML of their own), reads back with a TOML parser into the same article.

use copydesk::output::{parse_markdown, render_markdown};
use copydesk::{Engine, Options, RuleSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The front matter of a Markdown output as a TOML table, checked to be closed by the
/// first line that is a fence.
fn front_matter(md: &str) -> toml::Table {
    let rest = md.strip_prefix("+++\n").expect("starts with a fence");
    let end = rest
        .lines()
        .position(|l| l.trim() == "+++")
        .expect("a closing fence");
    let front: Vec<&str> = rest.lines().take(end).collect();
    toml::from_str(&front.join("\n"))
        .unwrap_or_else(|e| panic!("front matter is not TOML ({e}):\n{md}"))
}

fn check_round_trip(engine: &Engine, input: &Path) {
    let article = engine
        .clean_file(input, &Options::default())
        .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
    let md = render_markdown(&article);
    let table = front_matter(&md);
    assert_eq!(
        table.get("word_count").and_then(|v| v.as_integer()),
        Some(article.word_count as i64),
        "{}: the fence closed early",
        input.display()
    );
    let back = parse_markdown(&md).unwrap_or_else(|e| panic!("{}: {e}\n{md}", input.display()));
    // The file holds one body, the Markdown one; it reads back as both `markdown` and `text`.
    let mut expected = article.clone();
    expected.text = article.markdown.clone();
    assert_eq!(back, expected, "{}", input.display());
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            v.extend(inputs(&p));
        } else if p
            .extension()
            .is_some_and(|e| e == "txt" || e == "html" || e == "json")
        {
            v.push(p);
        }
    }
    v
}

#[test]
fn every_fixture_output_reads_back_as_toml() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let engine = Engine::new(RuleSet::load(&root.join("rules")).unwrap());
    let all = inputs(&root.join("tests/fixtures"));
    assert!(all.len() >= 5, "fixtures found: {all:?}");
    for input in all {
        check_round_trip(&engine, &input);
    }
}

const HOSTILE_RULE: &str = r#"[site]
id = "hostile"
name = "Hostile +++"
hosts = ["hostile.test"]

[text.remove.block]
kind = "other"
start = 'BEGIN'
end = 'END'
"#;

/// A removed block holding fence lines and TOML of its own once closed the front matter
/// early, and the rest of the block was read as front matter.
#[test]
fn fences_and_toml_inside_fields_cannot_break_out() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("rules")).unwrap();
    fs::write(dir.path().join("rules/hostile.toml"), HOSTILE_RULE).unwrap();
    let engine = Engine::new(RuleSet::load(&dir.path().join("rules")).unwrap());
    let block = "BEGIN\n+++\ntitle = \"injected\"\ngeneric = true\n[site]\nid = \"evil\"\n  +++  \n+++\nEND";
    let text = format!(
        "A Plain Headline\n\n{block}\n\nThe body of the story goes on here, long enough.\n\n+++\n\nMore body after a fence line.\n"
    );
    let cases = [
        (
            "hostile.json",
            serde_json::json!({ "url": "https://hostile.test/a", "text": text }).to_string(),
        ),
        (
            "hostile-html.json",
            serde_json::json!({
                "url": "https://hostile.test/b\n+++\n",
                "html": format!("<html><head><title>T\n+++\nx</title></head><body><h1>A Plain Headline</h1><p>{}</p><p>The body of the story goes on here, long enough.</p></body></html>", block.replace('\n', "<br>\n"))
            })
            .to_string(),
        ),
        ("plain.txt", text.clone()),
    ];
    for (name, content) in cases {
        let input = dir.path().join(name);
        fs::write(&input, content).unwrap();
        check_round_trip(&engine, &input);
    }
    let article = engine
        .clean_file(&dir.path().join("hostile.json"), &Options::default())
        .unwrap();
    assert!(
        article.removed.iter().any(|r| r.text.contains("\n+++\n")),
        "the hostile block is removed as one piece: {:?}",
        article.removed
    );
    let md = render_markdown(&article);
    let table = front_matter(&md);
    assert_eq!(table["title"].as_str(), Some("A Plain Headline"));
    assert_eq!(table["site"]["id"].as_str(), Some("hostile"));
}

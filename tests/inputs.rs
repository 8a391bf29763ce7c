//! Inputs other than plain-text dumps: JSON envelopes, HTML pages, `--url`; and what
//! `clean --out` writes.

mod common;

use common::{copydesk, json_lines, repo, stderr};
use serde_json::{json, Value};
use std::fs;

fn seed(site: &str) -> String {
    fs::read_to_string(repo().join(format!("tests/fixtures/{site}/biden-putin-call.txt"))).unwrap()
}

fn clean_in(dir: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let out = common::clean_json_run(dir, &repo().join("rules"), extra);
    assert!(out.status.success(), "{}", stderr(&out));
    json_lines(&out)
}

#[test]
fn json_envelope_with_text_finds_the_site_by_host() {
    let dir = tempfile::tempdir().unwrap();
    // Strip the fingerprint lines: only the URL can tell the site now.
    let text: String = seed("independent").replace(
        "Stay up to date with notifications from The\u{a0}Independent",
        "",
    );
    let env = json!({"url": "https://www.independent.co.uk/news/world/americas/biden-putin-call.html", "text": text, "fetched_at": "2021-01-27T08:00:00Z"});
    fs::write(dir.path().join("a.json"), env.to_string()).unwrap();
    let a = &clean_in(dir.path(), &["a.json"])[0];
    assert_eq!(a["site"]["id"], "independent");
    assert_eq!(
        a["url"],
        "https://www.independent.co.uk/news/world/americas/biden-putin-call.html"
    );
    assert_eq!(a["source"]["format"], "json");
    assert_eq!(a["source"]["fetched_at"], "2021-01-27T08:00:00Z");
    assert_eq!(a["authors"], json!(["Graig Graziosi"]));
}

#[test]
fn url_flag_chooses_the_site() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "Some Headline Here\n\nBody text.\n\nAuthor: Dave DeCamp\n\nDave DeCamp writes.\n",
    )
    .unwrap();
    let a = &clean_in(
        dir.path(),
        &["--url", "https://news.antiwar.com/2021/01/26/x/", "a.txt"],
    )[0];
    assert_eq!(a["site"]["id"], "antiwar");
    assert_eq!(a["text"], "Body text.");
    assert_eq!(a["authors"], json!(["Dave DeCamp"]));
}

const PAGE: &str = r#"<!DOCTYPE html><html lang="en"><head>
<title>Council Approves Budget | Example Times</title>
<link rel="canonical" href="https://www.example-times.test/news/budget">
<meta property="article:published_time" content="2024-05-02T10:00:00Z">
</head><body>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<div class="story">
  <p class="kicker">City Hall</p>
  <h1>Council Approves Budget</h1>
  <p class="byline">By <a href="/a">Ana Lopez</a></p>
  <figure><img src="x.jpg"><figcaption>The council chamber. (Photo by A. Photographer)</figcaption></figure>
  <p>The city council approved the budget on Thursday, after a debate that lasted four hours.</p>
  <div class="promo">Sign up for our newsletter</div>
  <p>Comments made by officials suggested the vote would be close, but it passed easily.</p>
</div>
<section class="comments"><p>First! Great article, thanks for writing it up.</p></section>
</body></html>"#;

const RULE: &str = r#"[site]
id = "example-times"
name = "Example Times"
hosts = ["example-times.test"]

[html]
content = ".story"

[html.remove.kicker]
kind = "navigation"
selector = ".kicker"

[html.remove.byline]
kind = "byline"
selector = ".byline"

[html.remove.caption]
kind = "caption"
selector = "figcaption"

[html.remove.promo]
kind = "newsletter"
selector = ".promo"

[html.metadata]
authors = ".byline a"
"#;

#[test]
fn html_page_with_a_site_rule() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("rules")).unwrap();
    fs::write(dir.path().join("rules/example-times.toml"), RULE).unwrap();
    fs::write(dir.path().join("page.html"), PAGE).unwrap();
    let out = copydesk(
        dir.path(),
        &["clean", "--format", "json", "--stdout", "page.html"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let a = &json_lines(&out)[0];
    assert_eq!(a["site"]["id"], "example-times");
    assert_eq!(a["url"], "https://www.example-times.test/news/budget");
    assert_eq!(a["title"], "Council Approves Budget");
    assert_eq!(a["authors"], json!(["Ana Lopez"]));
    assert_eq!(a["published"], "2024-05-02T10:00:00Z");
    assert_eq!(a["language"], "en");
    assert_eq!(
        a["text"],
        "The city council approved the budget on Thursday, after a debate that lasted four hours.\n\n\
         Comments made by officials suggested the vote would be close, but it passed easily."
    );
    let kinds: Vec<(&str, &str)> = a["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["rule"].as_str().unwrap()))
        .collect();
    for expected in [
        ("navigation", "example-times/kicker"),
        ("byline", "example-times/byline"),
        ("caption", "example-times/caption"),
        ("newsletter", "example-times/promo"),
        ("title", "example-times/metadata.title"),
    ] {
        assert!(kinds.contains(&expected), "{expected:?} not in {kinds:?}");
    }
}

#[test]
fn html_page_without_a_rule_gets_the_generic_clean_up() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("page.html"), PAGE).unwrap();
    let a = &clean_in(dir.path(), &["page.html"])[0];
    assert_eq!(a["generic"], true);
    assert_eq!(a["site"], Value::Null);
    assert_eq!(a["title"], "Council Approves Budget");
    let text = a["text"].as_str().unwrap();
    assert!(
        text.contains("The city council approved the budget on Thursday"),
        "{text}"
    );
    assert!(
        text.contains("Comments made by officials suggested"),
        "{text}"
    );
    assert!(!text.contains("Home"), "{text}");
}

#[test]
fn outputs_are_deterministic_and_stay_in_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("evil.txt"),
        "../../../etc/passwd .hidden\n\nBody of the article.\n",
    )
    .unwrap();
    let rules = repo().join("rules");
    for _ in 0..2 {
        let out = copydesk(
            dir.path(),
            &[
                "clean",
                "--rules",
                rules.to_str().unwrap(),
                "--out",
                "out",
                "evil.txt",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let names: Vec<String> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "cleaning twice gives the same file, not a second one: {names:?}"
    );
    // The name comes from the input's name, never from the hostile title.
    assert!(
        names[0].starts_with("evil-") && names[0].ends_with(".md"),
        "{names:?}"
    );
    assert!(!dir.path().join("etc").exists());
    let md = fs::read_to_string(dir.path().join("out").join(&names[0])).unwrap();
    let article = copydesk::output::parse_markdown(&md).unwrap();
    assert_eq!(
        article.title.as_deref(),
        Some("../../../etc/passwd .hidden")
    );
    assert_eq!(article.text, "Body of the article.");
}

#[test]
fn markdown_front_matter_holds_the_same_article_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let rules = repo().join("rules");
    let fixture = repo().join("tests/fixtures/independent/biden-putin-call.txt");
    let json = clean_in(dir.path(), &[fixture.to_str().unwrap()]).remove(0);
    let out = copydesk(
        dir.path(),
        &[
            "clean",
            "--rules",
            rules.to_str().unwrap(),
            "--stdout",
            fixture.to_str().unwrap(),
        ],
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("+++\ntitle = "), "{md}");
    let from_md = copydesk::output::parse_markdown(&md).unwrap();
    let from_json: copydesk::Article = serde_json::from_value(json).unwrap();
    assert_eq!(from_md, from_json);
}

#[test]
fn plain_text_output_is_the_json_articles_title_and_body_one_per_form_feed() {
    let dir = tempfile::tempdir().unwrap();
    let rules = repo().join("rules");
    let fixtures = ["independent", "globalsecurity"]
        .map(|site| repo().join(format!("tests/fixtures/{site}/biden-putin-call.txt")));
    let paths = fixtures.each_ref().map(|f| f.to_str().unwrap());
    let json = clean_in(dir.path(), &paths);
    let mut args = vec![
        "clean",
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "text",
    ];
    args.extend(["--stdout"].iter().chain(&paths));
    let out = copydesk(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let articles: Vec<&str> = text.split_terminator("\x0c\n").collect();
    assert_eq!(articles.len(), 2, "{text}");
    for (plain, json) in articles.iter().zip(&json) {
        let title = json["title"].as_str().unwrap();
        let body = json["text"].as_str().unwrap();
        assert!(plain.starts_with(&format!("{title}\n\n")), "{plain}");
        assert!(plain.ends_with(&format!("\n\n{body}\n")), "{plain}");
        assert!(!plain.contains("+++"), "no front matter: {plain}");
    }
}

#[test]
fn pages_in_legacy_encodings_read_correctly() {
    let dir = tempfile::tempdir().unwrap();
    let para = "Le maire a annoncé jeudi que la fête de l'été aurait lieu à Besançon, malgré la sécheresse.";
    let para2 = "Les élus ont salué la décision, même si la préfecture garde un œil sur les réserves d'eau.";
    let page = format!(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><title>Fête</title></head>\
         <body><article><p>{para}</p><p>{para2}</p></article></body></html>"
    );
    fs::write(
        dir.path().join("declared.html"),
        encoding_rs::WINDOWS_1252.encode(&page).0,
    )
    .unwrap();
    // The same page with no declaration: the encoding is detected.
    fs::write(
        dir.path().join("undeclared.html"),
        encoding_rs::WINDOWS_1252
            .encode(&page.replace("charset=iso-8859-1", ""))
            .0,
    )
    .unwrap();
    let out = clean_in(dir.path(), &["declared.html", "undeclared.html"]);
    for a in &out {
        assert_eq!(a["text"], format!("{para}\n\n{para2}"), "{a}");
        assert!(!a["text"].as_str().unwrap().contains('\u{fffd}'));
    }
    assert_eq!(out[0]["warnings"], json!([]));
    assert!(
        out[1]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("decoded as windows-1252"),
        "{}",
        out[1]
    );
}

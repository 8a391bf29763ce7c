//! The five seed dumps through `copydesk clean --format json --stdout`, checked against
//! what the product owner asked of each: body, removals, metadata.

mod common;

use common::{copydesk, json_lines, repo};
use serde_json::Value;

fn clean(site: &str) -> Value {
    let fixture = repo().join(format!("tests/fixtures/{site}/biden-putin-call.txt"));
    common::clean_json(&repo().join("rules"), &[&fixture]).remove(0)
}

fn text(a: &Value) -> &str {
    a["text"].as_str().unwrap()
}

fn removed(a: &Value, kind: &str) -> Vec<String> {
    a["removed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
}

fn paragraphs(a: &Value) -> Vec<&str> {
    text(a).split("\n\n").collect()
}

fn authors(a: &Value) -> Vec<&str> {
    a["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn talkingpointsmemo() {
    let a = clean("talkingpointsmemo");
    assert_eq!(a["site"]["id"], "talkingpointsmemo");
    assert_eq!(a["generic"], false);
    assert_eq!(
        a["title"],
        "Biden Made His First Call To Putin After Years Of Trump Coddling Russian Leader"
    );
    let p = paragraphs(&a);
    assert!(
        p[0].starts_with("White House press secretary Jen Psaki said on Tuesday"),
        "{}",
        p[0]
    );
    assert!(p.contains(&"See the full White House readout below:"));
    assert!(p
        .last()
        .unwrap()
        .starts_with("President Joseph R. Biden, Jr. spoke today with President Vladimir Putin"));
    for gone in [
        "MORE LESS",
        "Start your day with TPM",
        "Morning Memo",
        "Latest News",
        "Masthead",
        "Executive Editor:",
    ] {
        assert!(!text(&a).contains(gone), "{gone:?} left in");
    }
    assert!(removed(&a, "caption")[0].ends_with("MORE LESS"));
    assert_eq!(
        removed(&a, "newsletter"),
        vec!["Start your day with TPM.\nSign up for the Morning Memo newsletter"]
    );
    assert_eq!(removed(&a, "related"), vec!["Latest News"]);
    assert!(removed(&a, "masthead")[0].contains("Founder & Editor-in-Chief:"));
    assert_eq!(a["published"], Value::Null);
}

#[test]
fn reuters_wire_story_with_comments() {
    let a = clean("reuters-wire");
    assert_eq!(a["site"]["id"], "reuters-wire");
    assert_eq!(
        a["title"],
        "Biden Speaks To Putin for First Time Since Taking Power: White House"
    );
    assert_eq!(authors(&a), vec!["Trevor Hunnicutt", "Steve Holland"]);
    let p = paragraphs(&a);
    assert!(
        p.last()
            .unwrap()
            .starts_with("“The president thanked the (NATO) secretary general"),
        "{:?}",
        p.last()
    );
    assert_eq!(p.len(), 11);
    let comments = removed(&a, "comments").join("\n");
    assert!(comments.contains("I just hope Joe does not start riding horses"));
    assert!(comments.ends_with("Comments are closed."), "{comments}");
    assert!(!text(&a).contains("Phyllis"));
}

#[test]
fn globalsecurity() {
    let a = clean("globalsecurity");
    assert_eq!(a["site"]["id"], "globalsecurity");
    assert_eq!(a["title"], "Biden, Putin Hold First Phone Discussions");
    assert_eq!(authors(&a), vec!["Ken Bredemeier"]);
    assert_eq!(a["published"], "2021-01-26");
    assert!(text(&a).starts_with("For the first time since his inauguration"));
    assert!(text(&a).ends_with("an accusation the Kremlin has rejected."));
    assert_eq!(
        removed(&a, "donation"),
        vec!["UNITED24 - Make a charitable donation in support of Ukraine!"]
    );
    assert_eq!(
        removed(&a, "navigation"),
        vec!["Weapons of Mass Destruction (WMD)"]
    );
    assert_eq!(
        removed(&a, "newsletter"),
        vec!["Join the GlobalSecurity.org mailing list"]
    );
}

#[test]
fn independent() {
    let a = clean("independent");
    assert_eq!(a["site"]["id"], "independent");
    assert_eq!(
        a["title"],
        "Biden tells Fox News reporter he talked to Putin about ‘You’ when asked about his call with Russian president"
    );
    assert_eq!(
        a["subtitle"],
        "Leaders reportedly discussed Ukraine tensions, a massive cyberattack and Russia’s poisoned opposition leader"
    );
    assert_eq!(authors(&a), vec!["Graig Graziosi"]);
    assert!(a["published"].as_str().unwrap().starts_with("2021-01-26"));
    let t = text(&a);
    assert!(
        t.starts_with("Joe Biden brushed off a reporter's question"),
        "{t}"
    );
    assert!(t.ends_with("to send his congratulations."), "{t}");
    for gone in [
        "notifications",
        "Your support",
        "talked about you",
        "commenting forum",
        "Thank you for registering",
        "\nComments\n",
    ] {
        assert!(!t.contains(gone), "{gone:?} left in");
    }
    // The NBSP in "The\u{a0}Independent" was normalised, so the prompt rule matched.
    assert!(removed(&a, "notification")[0]
        .starts_with("Stay up to date with notifications from The Independent"));
    let donation = removed(&a, "donation");
    assert!(donation[0].starts_with("Your support helps us to tell the story"));
    assert!(donation[0].ends_with("Your support makes all the difference."));
    assert_eq!(
        removed(&a, "caption"),
        vec!["Biden tells reporter he \"talked about you\" when asked about call with Putin"]
    );
    let comments = removed(&a, "comments").join("\n");
    assert!(comments.contains("Join our commenting forum"));
    assert!(comments.contains("Please refresh the page"));
    assert_eq!(comments.matches("Comments").count(), 2, "{comments}");
}

#[test]
fn antiwar() {
    let a = clean("antiwar");
    assert_eq!(a["site"]["id"], "antiwar");
    assert_eq!(
        a["title"],
        "Biden Speaks With Putin, Proposes an In-Person Meeting"
    );
    assert_eq!(
        a["subtitle"],
        "Biden reaffirmed the US's 'unwavering commitment' to Ukraine amid tensions in the region"
    );
    assert_eq!(authors(&a), vec!["Dave DeCamp"]);
    assert!(text(&a)
        .starts_with("President Biden spoke with Russian President Vladimir Putin by phone"));
    assert!(!text(&a).contains("Author:"));
    assert_eq!(
        removed(&a, "author-bio"),
        vec!["Dave DeCamp is the news editor of, follow him on Twitter @decampdave."]
    );
}

#[test]
fn whole_fixture_folders_at_once_give_one_json_line_per_dump() {
    let sites = [
        "talkingpointsmemo",
        "reuters-wire",
        "globalsecurity",
        "independent",
        "antiwar",
    ];
    let folders: Vec<String> = sites
        .iter()
        .map(|s| format!("tests/fixtures/{s}"))
        .collect();
    let mut args = vec!["clean", "--format", "json", "--stdout"];
    args.extend(folders.iter().map(String::as_str));
    let out = copydesk(&repo(), &args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let articles = json_lines(&out);
    // Snapshots (*.expected.md) in the folders are not dumps and are passed over.
    let dumps = folders
        .iter()
        .flat_map(|f| std::fs::read_dir(repo().join(f)).unwrap())
        .filter(|e| copydesk::input::has_dump_extension(&e.as_ref().unwrap().path()))
        .count();
    assert_eq!(articles.len(), dumps);
    for a in &articles {
        let path = a["source"]["path"].as_str().unwrap();
        let folder = path.split('/').nth(2).unwrap();
        assert_eq!(a["site"]["id"], folder, "{path}");
    }
}

#[test]
fn without_site_rules_the_generic_path_says_so() {
    let empty = tempfile::tempdir().unwrap();
    let fixture = repo().join("tests/fixtures/independent/biden-putin-call.txt");
    let a = &common::clean_json(empty.path(), &[&fixture])[0];
    assert_eq!(a["site"], Value::Null);
    assert_eq!(a["generic"], true);
    assert_eq!(a["rule"]["id"], "generic");
    // The generic rules still take the notification prompt and the comment labels out.
    assert!(!text(a).contains("Stay up to date with notifications"));
    assert!(!text(a).contains("\nComments\n"));
    assert!(text(a).contains("Joe Biden brushed off a reporter's question"));
}

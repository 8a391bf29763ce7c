//! `copydesk learn` and the learner API on realistic dumps of a fictional site: the rules
//! learned from some dumps clean a dump they never saw, never cut its body, and the
//! written rule file and fixtures pass `copydesk check` and `copydesk test`.

mod common;

use common::{copydesk, stderr};
use copydesk::input;
use copydesk::learn::{learn, LearnOptions};
use copydesk::{Engine, Options, RuleSet};
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let dir = common::repo().join("docs/examples/harbour-gazette");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "the walkthrough has five dumps");
    files
}

/// Cleans `dump` with a rule file given as text (and the generic rules).
fn clean_with(toml: &str, site: &str, dump: &Path) -> copydesk::Article {
    let compiled = copydesk::rules::compile_str(Path::new(&format!("{site}.toml")), toml)
        .unwrap_or_else(|e| panic!("learned rules do not compile: {e:?}\n{toml}"));
    let engine = Engine::new(RuleSet::from_sites(vec![compiled]).unwrap());
    engine.clean_file(dump, &Options::default()).unwrap()
}

#[test]
fn rules_learned_from_four_dumps_clean_the_fifth() {
    let files = examples();
    let (held_out, training) = files.split_last().unwrap();
    let dumps: Vec<_> = training.iter().map(|p| input::read(p).unwrap()).collect();
    let learned = learn("harbour-gazette", &dumps, &LearnOptions::default()).unwrap();
    let a = clean_with(&learned.rule_toml, "harbour-gazette", held_out);
    assert_eq!(
        a.site.as_ref().map(|s| s.id.as_str()),
        Some("harbour-gazette")
    );
    let held = std::fs::read_to_string(held_out).unwrap();
    // Every body paragraph (the sentences; the standfirst is read as the subtitle) survives…
    for para in held
        .split("\n\n")
        .filter(|p| p.split_whitespace().count() >= 12 && p.trim().ends_with(['.', '"']))
    {
        assert!(a.text.contains(para.trim()), "lost {para:?}:\n{}", a.text);
    }
    // …and the page around it is gone.
    for chrome in [
        "Skip to main content",
        "Most read",
        "Sign up to Harbour Mornings",
        "Join the conversation",
        "All rights reserved",
        "Privacy policy",
    ] {
        assert!(!a.text.contains(chrome), "{chrome} left in:\n{}", a.text);
    }
    assert!(held_out.ends_with("lifeboat-rescue.txt"));
    assert_eq!(
        a.title.as_deref(),
        Some("Lifeboat crew rescue two kayakers off the point")
    );
    assert_eq!(
        a.subtitle.as_deref(),
        Some("The pair were spotted clinging to an upturned boat by a walker on the cliff path")
    );
    assert_eq!(a.authors, ["Maria Okafor"]);
    assert_eq!(a.published.as_deref(), Some("2024-03-21T11:20:00"));
    // Evidence in every description.
    assert!(
        learned.rule_toml.contains("Fired in 4 of 4 dumps"),
        "{}",
        learned.rule_toml
    );
    assert!(
        learned.report.warnings.is_empty(),
        "{:?}",
        learned.report.warnings
    );
}

#[test]
fn one_dump_is_not_enough() {
    let files = examples();
    let dumps = vec![input::read(&files[0]).unwrap()];
    let err = learn("harbour-gazette", &dumps, &LearnOptions::default()).unwrap_err();
    assert!(err.to_string().contains("at least two"), "{err}");
}

/// A page of a fictional site: the same header, share bar, related list and footer around
/// each story, with generated class names that change per page.
fn page(n: usize, title: &str, author: &str, date: &str, paras: &[&str]) -> String {
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        r##"<!doctype html><html lang="en"><head><title>{title} | Northfield Courier</title>
<meta property="og:title" content="{title}">
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{title}","author":{{"@type":"Person","name":"{author}"}},"datePublished":"{date}T08:00:00Z"}}</script>
</head><body>
<header class="site-header css-{n}x9f2k"><a href="/">Northfield Courier</a><nav class="main-nav"><a href="/news">News</a> <a href="/sport">Sport</a> <a href="/business">Business</a></nav></header>
<main id="content"><article class="story">
<h1 class="story-title">{title}</h1>
<div class="byline">By <span class="author-name">{author}</span> <time datetime="{date}T08:00:00Z">{date}</time></div>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share by email</a></div>
<div class="story-body sc-a{n}Bc9Zq">{body}
<aside class="newsletter-box"><p>Get the Courier Briefing in your inbox every weekday morning.</p></aside>
</div>
<section class="related-stories"><h2>Related stories</h2><ul><li><a href="/a{n}">Story {n} about the council</a></li><li><a href="/b{n}">Another story {n} about roads</a></li></ul></section>
</article></main>
<footer class="site-footer"><p>© 2024 Northfield Courier. All rights reserved.</p><p><a href="/privacy">Privacy</a> <a href="/contact">Contact us</a></p></footer>
</body></html>"##
    )
}

const P: [&str; 9] = [
    "The council voted on Tuesday evening to close the old bridge to traffic for six months while engineers repair its foundations.",
    "Drivers will be sent on a diversion through the industrial estate, adding about ten minutes to the journey into town at busy times.",
    "Shopkeepers on the high street said they feared the closure would keep customers away during the busiest months of the year.",
    "The town's football club has signed a new goalkeeper from the league champions on a two-year contract, the manager announced.",
    "The player, who is twenty-four, made more than sixty appearances for his old club and was part of the squad that won the cup.",
    "Supporters queued outside the ground on Saturday morning to buy season tickets before the price rise that comes in next month.",
    "A new bakery has opened in the old post office building on Mill Lane, bringing the empty shop back into use after three years.",
    "The owners, a brother and sister who trained in Lyon, said they had wanted to open a shop in their home town for a long time.",
    "Queues stretched around the corner on the opening day, and the bakery had sold out of its sourdough loaves by eleven o'clock.",
];

#[test]
fn html_rules_from_pages_find_the_story_and_skip_generated_class_names() {
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        page(
            1,
            "Old bridge to close for repairs",
            "Ann Lee",
            "2024-05-01",
            &P[0..3],
        ),
        page(
            2,
            "Club signs goalkeeper from champions",
            "Ben Okoro",
            "2024-05-03",
            &P[3..6],
        ),
        page(
            3,
            "Bakery brings old post office back to life",
            "Cara Diaz",
            "2024-05-06",
            &P[6..9],
        ),
    ];
    let mut dumps = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let path = dir.path().join(format!("page-{i}.html"));
        std::fs::write(&path, p).unwrap();
        dumps.push(input::read(&path).unwrap());
    }
    let learned = learn("northfield", &dumps[..2], &LearnOptions::default()).unwrap();
    let toml = &learned.rule_toml;
    assert!(toml.contains("content = "), "{toml}");
    assert!(
        !toml.contains("css-") && !toml.contains("sc-a"),
        "generated class names used:\n{toml}"
    );
    let a = clean_with(toml, "northfield", &dir.path().join("page-2.html"));
    for para in &P[6..9] {
        assert!(a.text.contains(para), "lost {para:?}:\n{}", a.text);
    }
    for chrome in [
        "Share on Facebook",
        "Courier Briefing",
        "Related stories",
        "All rights reserved",
        "Sport",
    ] {
        assert!(!a.text.contains(chrome), "{chrome} left in:\n{}", a.text);
    }
    assert_eq!(
        a.title.as_deref(),
        Some("Bakery brings old post office back to life")
    );
    assert_eq!(a.authors, ["Cara Diaz"]);
}

#[test]
fn the_command_writes_rules_and_fixtures_that_pass_check_and_test() {
    let dir = tempfile::tempdir().unwrap();
    let files = examples();
    let mut args: Vec<String> = vec![
        "learn".into(),
        "--site".into(),
        "harbour-gazette".into(),
        "--host".into(),
        "harbourgazette.example".into(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = copydesk(dir.path(), &argv);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("fired in 5 of 5 dumps"), "{stdout}");
    assert!(dir.path().join("rules/harbour-gazette.toml").is_file());
    assert!(dir
        .path()
        .join("tests/fixtures/harbour-gazette/ferry-timetable.expected.md")
        .is_file());
    let check = copydesk(dir.path(), &["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let test = copydesk(dir.path(), &["test", "harbour-gazette"]);
    let report = String::from_utf8_lossy(&test.stdout);
    assert!(test.status.success(), "{report}{}", stderr(&test));
    assert!(report.contains("5 passed, 0 failed"), "{report}");
    // A second run does not overwrite what a person may have edited.
    let again = copydesk(dir.path(), &argv);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn check_warns_on_a_fingerprint_that_is_a_common_word_and_it_never_identifies_a_site_alone() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("acme.toml"),
        "[site]\nid = 'acme'\nname = 'Acme'\nfingerprints = [\n  'Masthead( Masthead)?',\n  'Get the Acme Daily briefing in your inbox',\n]\n",
    )
    .unwrap();
    let out = copydesk(dir.path(), &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("acme.toml:5:4: warning: fingerprint \"Masthead( Masthead)?\""),
        "{stdout}"
    );
    assert!(!stdout.contains("Acme Daily briefing\" "), "{stdout}");
    let set = RuleSet::load(&rules).unwrap();
    let body = "Some headline\n\nA line of the article that is long enough to read as prose.\n\n";
    assert!(copydesk::site::find(&set, None, &format!("{body}Masthead")).is_none());
    let found = copydesk::site::find(
        &set,
        None,
        &format!("{body}Get the Acme Daily briefing in your inbox\nMasthead"),
    );
    assert_eq!(found.map(|(s, _)| s.id.as_str()), Some("acme"));
}

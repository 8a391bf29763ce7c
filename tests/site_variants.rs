//! The shipped rules must hold for every article of a site, not only the seed they were
//! written from. These dumps are shaped like other articles of the same sites: other
//! sections, no video, a Twitter handle in the byline, a longer headline rail.

mod common;

use common::repo;
use serde_json::Value;
use std::fs;

fn clean(dump: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dump.txt");
    fs::write(&file, dump).unwrap();
    common::clean_json(&repo().join("rules"), &[&file]).remove(0)
}

fn text(a: &Value) -> &str {
    a["text"].as_str().unwrap()
}

#[test]
fn globalsecurity_other_section_without_byline() {
    let a = clean(
        "UNITED24 - Make a charitable donation in support of Ukraine!\n\nMilitary\n\n\
         Army Tests New Radar\n\nThe Army said on Monday it had tested a new radar.\n\n\
         The test took place in New Mexico.\n\nJoin the GlobalSecurity.org mailing list\n",
    );
    assert_eq!(a["site"]["id"], "globalsecurity");
    assert_eq!(a["title"], "Army Tests New Radar");
    assert_eq!(
        text(&a),
        "The Army said on Monday it had tested a new radar.\n\nThe test took place in New Mexico."
    );
}

#[test]
fn globalsecurity_unknown_section_label_goes_with_the_byline_anchor() {
    let a = clean(
        "UNITED24 - Make a charitable donation in support of Ukraine!\n\nHot Documents\n\n\
         Talks Resume in Geneva\n\nBy Jane Roe and John Doe March 3, 2022\n\n\
         Negotiators met again on Thursday.\n\nJoin the GlobalSecurity.org mailing list\n",
    );
    assert_eq!(a["title"], "Talks Resume in Geneva");
    assert_eq!(a["authors"], serde_json::json!(["Jane Roe", "John Doe"]));
    assert_eq!(a["published"], "2022-03-03");
    assert_eq!(text(&a), "Negotiators met again on Thursday.");
}

#[test]
fn independent_without_video_and_with_a_handle() {
    let a = clean(
        "Stay up to date with notifications from The\u{a0}Independent\n\n\
         Notifications can be managed in browser preferences.\n\n\
         Storm batters the coast as thousands lose power\n\n\
         Forecasters warn of more high winds through the weekend\n\n\
         Andrew Griffin\n@_andrew_griffin\nSaturday 5 March 2022 09:15 GMT\nComments\n\n\
         Your support helps us to tell the story\n\nWe need your help.\n\nYour support makes all the difference.\n\n\
         A storm battered the coast on Saturday.\n\n\
         Comments made by officials suggested the clean-up would take days.\n\n\
         Join our commenting forum\n\nJoin thought-provoking conversations, follow other Independent readers and see their replies\n\nComments\n",
    );
    assert_eq!(a["site"]["id"], "independent");
    assert_eq!(
        a["title"],
        "Storm batters the coast as thousands lose power"
    );
    assert_eq!(
        a["subtitle"],
        "Forecasters warn of more high winds through the weekend"
    );
    assert_eq!(a["authors"], serde_json::json!(["Andrew Griffin"]));
    assert_eq!(a["published"], "2022-03-05T09:15:00Z");
    assert_eq!(
        text(&a),
        "A storm battered the coast on Saturday.\n\nComments made by officials suggested the clean-up would take days."
    );
}

#[test]
fn talkingpointsmemo_with_a_headline_rail_and_no_photo() {
    let a = clean(
        "House Passes Spending Bill\n\nStart your day with TPM.\nSign up for the Morning Memo newsletter\n\n\
         The House passed the bill on Friday.\n\nIt now goes to the Senate.\n\nThe vote was close.\n\n\
         Latest News\nSenate Returns From Recess\nGovernor Signs Budget\nMasthead Masthead\nPublisher:\n",
    );
    assert_eq!(a["site"]["id"], "talkingpointsmemo");
    assert_eq!(a["title"], "House Passes Spending Bill");
    assert_eq!(
        text(&a),
        "The House passed the bill on Friday.\n\nIt now goes to the Senate.\n\nThe vote was close."
    );
}

#[test]
fn reuters_wire_credit_with_places_and_no_comments() {
    let a = clean(
        "Kremlin Says Talks Useful\n\nMOSCOW (Reuters) - The Kremlin said on Wednesday the talks were useful.\n\n\
         It gave no details.\n\n(Reporting by Andrew Osborn in Moscow and Steve Holland in Washington; Writing by A Writer; Editing by An Editor)\n",
    );
    assert_eq!(a["site"]["id"], "reuters-wire");
    assert_eq!(
        a["authors"],
        serde_json::json!(["Andrew Osborn", "Steve Holland"])
    );
    assert_eq!(text(&a), "MOSCOW (Reuters) - The Kremlin said on Wednesday the talks were useful.\n\nIt gave no details.");
}

#[test]
fn antiwar_needs_both_fingerprints() {
    // "Author: …" alone is too common to claim a dump for the site.
    let a = clean("A Headline\n\nBody text here.\n\nAuthor: Someone Else\n\nMore body text.\n");
    assert_eq!(a["generic"], true);
    assert!(text(&a).contains("More body text."));
}

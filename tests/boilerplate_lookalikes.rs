//! Body paragraphs that merely begin like boilerplate must survive, with the shipped site
//! rules and with the generic ones.

mod common;

use std::fs;
use std::path::Path;

const LOOKALIKES: &[&str] = &[
    "Comments made by officials on Tuesday suggested the talks would continue.",
    "Support for the measure has grown among moderate lawmakers.",
    "Sign up sheets were posted outside the town hall on Monday.",
    "Latest News from the front was scarce, the commander said.",
    "Share prices fell sharply after the announcement.",
    "Advertisement revenue at the paper dropped by a third.",
    "Join the conversation, the mayor urged residents at the meeting.",
    "Related reporting by the agency found similar problems.",
    "Masthead changes at the magazine were announced last week.",
    "Your support helps us, the charity's director told donors.",
];

/// Cleans a dump of `site_marker` and the look-alikes; `site` is the site that must
/// recognise it (`None`: the generic rules alone), so a rule set that recognises nothing
/// cannot pass by default.
fn body_survives(site_marker: &str, rules: &str, site: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let mut dump = String::from("A headline about talks\n\n");
    dump.push_str(site_marker);
    dump.push_str("\n\n");
    for l in LOOKALIKES {
        dump.push_str(l);
        dump.push_str("\n\n");
    }
    fs::write(dir.path().join("d.txt"), dump).unwrap();
    let a = &common::clean_json(Path::new(rules), &[&dir.path().join("d.txt")])[0];
    assert_eq!(
        a["site"]["id"].as_str(),
        site,
        "the dump was not taken for the expected site: {}",
        a["removed"]
    );
    let text = a["text"].as_str().unwrap();
    for l in LOOKALIKES {
        assert!(
            text.contains(l),
            "{l:?} was removed (site {:?}): {}",
            a["site"],
            a["removed"]
        );
    }
}

#[test]
fn with_generic_rules() {
    let empty = tempfile::tempdir().unwrap();
    body_survives("", empty.path().to_str().unwrap(), None);
}

#[test]
fn with_each_shipped_site() {
    for (marker, site) in [
        ("Start your day with TPM.", "talkingpointsmemo"),
        ("Join the GlobalSecurity.org mailing list", "globalsecurity"),
        (
            "Stay up to date with notifications from The Independent",
            "independent",
        ),
        (
            "(Reporting by A Reporter; Editing by An Editor)",
            "reuters-wire",
        ),
        (
            "Author: Jane Doe\n\nJane Doe is a contributing writer.",
            "antiwar",
        ),
    ] {
        body_survives(marker, "rules", Some(site));
    }
}

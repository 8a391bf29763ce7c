//! The rule author's workflow, driven through the real binary on temporary projects:
//! `copydesk test` (pass, diff, bless, missing snapshot, assertions, dead rules),
//! `explain` (terminal and HTML), `new-rule`, and the documented walkthrough end to end.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `copydesk` in `dir` with stdout piped (so colour is off unless asked for).
fn copydesk(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        .output()
        .expect("the copydesk binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn last_line(s: &str) -> &str {
    s.trim_end().lines().last().unwrap_or("")
}

const RULES: &str = r#"[site]
id = "acme"
name = "Acme Daily"
hosts = ["acme.example.com"]
fingerprints = ['Get the Acme briefing in your inbox\.']

[text.remove.masthead]
kind = "masthead"
line = 'Acme Daily'

[text.remove.briefing]
kind = "newsletter"
line = 'Get the Acme briefing in your inbox\.'

[text.remove.never-used]
kind = "share"
line = 'Share this on Acme Social'
"#;

const DUMP_A: &str = "Acme Daily\n\nCouncil votes to close the old bridge\n\n\
    Get the Acme briefing in your inbox.\n\n\
    The council voted on Tuesday to close the bridge for repairs.\n\n\
    Engineers said the work would take a year.\n";

/// A project folder with `rules/acme.toml` and one fixture, `tests/fixtures/acme/a.txt`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("rules")).unwrap();
    fs::create_dir_all(dir.path().join("tests/fixtures/acme")).unwrap();
    fs::write(dir.path().join("rules/acme.toml"), RULES).unwrap();
    fs::write(dir.path().join("tests/fixtures/acme/a.txt"), DUMP_A).unwrap();
    dir
}

fn snapshot(dir: &Path) -> PathBuf {
    dir.join("tests/fixtures/acme/a.expected.md")
}

#[test]
fn a_fixture_without_snapshot_fails_until_blessed_then_passes() {
    let dir = project();
    let out = copydesk(dir.path(), &["test"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("FAIL    acme/a.txt: no snapshot yet"),
        "{}",
        out.stdout
    );
    // The would-be snapshot is shown, body included.
    assert!(
        out.stdout.contains("+The council voted on Tuesday"),
        "{}",
        out.stdout
    );
    assert_eq!(last_line(&out.stdout), "0 passed, 1 failed");
    assert!(!snapshot(dir.path()).exists());

    let out = copydesk(dir.path(), &["test", "--bless"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("blessed acme/a.expected.md (new)"),
        "{}",
        out.stdout
    );
    assert_eq!(last_line(&out.stdout), "1 passed, 0 failed");

    let out = copydesk(dir.path(), &["test"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("ok      acme/a.txt"));
    assert_eq!(last_line(&out.stdout), "1 passed, 0 failed");

    // The snapshot is the clean output with checkout-independent paths.
    let snap = fs::read_to_string(snapshot(dir.path())).unwrap();
    let article = copydesk::output::parse_markdown(&snap).unwrap();
    assert_eq!(article.source.path, "acme/a.txt");
    assert_eq!(article.rule.file.as_deref(), Some("acme.toml"));
    assert_eq!(
        article.title.as_deref(),
        Some("Council votes to close the old bridge")
    );
    assert!(!snap.contains(&dir.path().display().to_string()));
}

#[test]
fn a_changed_output_fails_with_a_readable_diff_and_bless_accepts_it() {
    let dir = project();
    assert_eq!(copydesk(dir.path(), &["test", "--bless"]).code, 0);
    // The site starts printing a new promo line: the fixture picks it up.
    fs::write(
        dir.path().join("tests/fixtures/acme/a.txt"),
        DUMP_A.replace(
            "Engineers said",
            "Try Acme Premium free for a month\n\nEngineers said",
        ),
    )
    .unwrap();
    let out = copydesk(dir.path(), &["test"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("FAIL    acme/a.txt: output differs from acme/a.expected.md"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("--- acme/a.expected.md\n+++ acme/a.txt (now)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\n+Try Acme Premium free for a month\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\n-word_count = 19\n+word_count = 26\n"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert_eq!(last_line(&out.stdout), "0 passed, 1 failed");

    let coloured = copydesk(dir.path(), &["test", "--color", "always"]);
    assert!(coloured
        .stdout
        .contains("\x1b[32m+Try Acme Premium free for a month\x1b[0m"));
    assert_eq!(last_line(&coloured.stdout), "0 passed, 1 failed");

    let out = copydesk(dir.path(), &["test", "--accept", "acme"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("blessed acme/a.expected.md (updated: +4 -2 lines)"),
        "{}",
        out.stdout
    );
    let out = copydesk(dir.path(), &["test"]);
    assert_eq!(
        (out.code, last_line(&out.stdout)),
        (0, "1 passed, 0 failed")
    );
}

#[test]
fn must_not_contain_fails_even_when_the_snapshot_matches() {
    let dir = project();
    assert_eq!(copydesk(dir.path(), &["test", "--bless"]).code, 0);
    let snap_before = fs::read_to_string(snapshot(dir.path())).unwrap();
    let rules = format!("{RULES}\n[tests]\nmust_not_contain = [\"would take a year\"]\nmust_contain = [\"close the bridge\"]\n");
    fs::write(dir.path().join("rules/acme.toml"), rules).unwrap();

    let out = copydesk(dir.path(), &["test"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "FAIL    acme/a.txt: must_not_contain \"would take a year\" came through in the text \
             (asserted in rules/acme.toml [tests])"
        ),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("differs"),
        "the snapshot itself matches: {}",
        out.stdout
    );
    assert_eq!(last_line(&out.stdout), "0 passed, 1 failed");

    // Blessing cannot paper over an assertion.
    fs::write(
        dir.path().join("tests/fixtures/acme/a.txt"),
        DUMP_A.replace("old bridge", "old stone bridge"),
    )
    .unwrap();
    let out = copydesk(dir.path(), &["test", "--bless"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("acme/a.txt: snapshot not blessed while the problems above remain"),
        "{}",
        out.stdout
    );
    assert_eq!(
        fs::read_to_string(snapshot(dir.path())).unwrap(),
        snap_before
    );
}

#[test]
fn dead_rules_are_warned_about_on_stderr() {
    let dir = project();
    let out = copydesk(dir.path(), &["test", "--bless"]);
    assert!(
        out.stderr
            .contains("warning: dead rule acme/never-used (rules/acme.toml)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("acme/briefing"), "{}", out.stderr);
    assert!(
        !out.stdout.contains("dead rule"),
        "warnings stay off stdout"
    );
}

#[test]
fn fixtures_of_the_wrong_site_and_unknown_sites_fail() {
    let dir = project();
    fs::create_dir_all(dir.path().join("tests/fixtures/generic")).unwrap();
    fs::write(dir.path().join("tests/fixtures/generic/x.txt"), DUMP_A).unwrap();
    let out = copydesk(dir.path(), &["test", "generic"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("cleaned as site \"acme\" but its folder says generic (no site rule)"),
        "{}",
        out.stdout
    );
    let out = copydesk(dir.path(), &["test", "acm"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no rule file has site id \"acm\""),
        "{}",
        out.stderr
    );
}

#[test]
fn an_empty_project_passes_with_zero_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("rules")).unwrap();
    let out = copydesk(dir.path(), &["test"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("no fixtures folder at tests/fixtures"));
    assert_eq!(last_line(&out.stdout), "0 passed, 0 failed");
}

#[test]
fn explain_marks_removed_lines_in_the_terminal_and_the_html_report() {
    let dir = project();
    let dump = dir.path().join("tests/fixtures/acme/a.txt");
    fs::write(
        &dump,
        DUMP_A.replace(
            "Engineers said",
            "<script>alert('x')</script> & more\n\nEngineers said",
        ),
    )
    .unwrap();
    let out = copydesk(
        dir.path(),
        &[
            "explain",
            "tests/fixtures/acme/a.txt",
            "--html",
            "report.html",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let t = &out.stdout;
    assert!(
        t.contains("site:  acme (Acme Daily), recognised by 1 fingerprint"),
        "{t}"
    );
    assert!(
        t.contains(
            "  title      Council votes to close the old bridge  [from acme/metadata.title]\n"
        ),
        "{t}"
    );
    assert!(
        t.contains("  1 - Acme Daily  [masthead: acme/masthead]\n"),
        "{t}"
    );
    assert!(
        t.contains("  3 = Council votes to close the old bridge  [title: acme/metadata.title]\n"),
        "{t}"
    );
    assert!(
        t.contains("  5 - Get the Acme briefing in your inbox.  [newsletter: acme/briefing]\n"),
        "{t}"
    );
    assert!(t.contains("  7   The council voted on Tuesday"), "{t}");
    assert!(!t.contains('\x1b'));

    let coloured = copydesk(
        dir.path(),
        &["explain", "--color", "always", "tests/fixtures/acme/a.txt"],
    );
    assert!(coloured
        .stdout
        .contains("\x1b[36mGet the Acme briefing in your inbox.\x1b[0m"));

    let page = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<del class=\"k-newsletter\">Get the Acme briefing in your inbox.</del>"));
    assert!(page.contains("<del class=\"k-masthead\">Acme Daily</del>"));
    assert!(page.contains("<h2>Legend</h2>"));
    assert!(page.contains(
        "<tr><th>title</th><td>Council votes to close the old bridge</td>\
         <td class=\"from\">acme/metadata.title</td></tr>"
    ));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
    assert!(
        !page.contains("<script"),
        "dump text is escaped, and the page has no scripts"
    );
    assert!(
        !page.contains("<link") && !page.contains("src="),
        "no external assets"
    );
}

#[test]
fn explain_names_a_file_it_cannot_read() {
    let dir = project();
    let out = copydesk(dir.path(), &["explain", "nope.txt"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("cannot read nope.txt"),
        "{}",
        out.stderr
    );
}

const DUMP_1: &str = "Acme Daily\nMenu\n\nCouncil votes to close the old bridge\n\n\
    By Jane Roe | March 3, 2024\n\nPhoto: Jane Roe/Acme\n\n\
    Get the Acme briefing in your inbox.\n\n\
    The council voted on Tuesday to close the bridge for repairs.\n\n\
    Engineers said the work would take a year.\n\n\
    Support independent local news. Donate today to keep Acme going.\n\n\
    Staff\nJane Roe, Editor\nJohn Doe, Reporter\n© 2024 Acme Media Ltd. All rights reserved.\n";

const DUMP_2: &str = "Acme Daily\nMenu\n\nMayor resigns after long dispute\n\n\
    By John Doe | March 4, 2024\n\nPhoto: John Doe/Acme\n\n\
    The mayor resigned on Wednesday after a long dispute with the council.\n\n\
    Get the Acme briefing in your inbox.\n\n\
    A new election will be held in May.\n\n\
    Support independent local news. Donate today to keep Acme going.\n\n\
    Staff\nJane Roe, Editor\nJohn Doe, Reporter\n© 2024 Acme Media Ltd. All rights reserved.\n";

const BODIES: [&str; 8] = [
    "Council votes to close the old bridge",
    "The council voted on Tuesday to close the bridge for repairs.",
    "Engineers said the work would take a year.",
    "Mayor resigns after long dispute",
    "The mayor resigned on Wednesday after a long dispute with the council.",
    "A new election will be held in May.",
    "Photo: Jane Roe/Acme",
    "Photo: John Doe/Acme",
];

fn dumps(dir: &Path) {
    fs::create_dir_all(dir.join("dumps")).unwrap();
    fs::write(dir.join("dumps/bridge.txt"), DUMP_1).unwrap();
    fs::write(dir.join("dumps/mayor.txt"), DUMP_2).unwrap();
}

#[test]
fn new_rule_proposes_the_shared_boilerplate_and_never_the_bodies() {
    let dir = tempfile::tempdir().unwrap();
    dumps(dir.path());
    let out = copydesk(
        dir.path(),
        &[
            "new-rule",
            "acme",
            "--from",
            "dumps/bridge.txt",
            "dumps/mayor.txt",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("wrote rules/acme.toml"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("copied tests/fixtures/acme/bridge.txt"));
    let file = fs::read_to_string(dir.path().join("rules/acme.toml")).unwrap();
    let proposals = [
        (
            "newsletter",
            r"line = 'Get the Acme briefing in your inbox\.'",
        ),
        (
            "donation",
            r"line = 'Support independent local news\. Donate today to keep Acme going\.'",
        ),
        ("masthead", "start = 'Staff'"),
    ];
    for (kind, rule) in proposals {
        let at = file
            .find(rule)
            .unwrap_or_else(|| panic!("{rule} not proposed:\n{file}"));
        let kind_line = file[..at]
            .lines()
            .rev()
            .find(|l| l.starts_with("kind = "))
            .unwrap();
        assert_eq!(kind_line, format!("kind = '{kind}'"), "{file}");
    }
    assert!(
        file.contains(r"end = '© 2024 Acme Media Ltd\. All rights reserved\.'"),
        "{file}"
    );
    assert!(file.contains("fingerprints = [\n  'Acme Daily',"), "{file}");
    for body in BODIES {
        let escaped = regex::escape(body);
        assert!(
            !file.contains(body) && !file.contains(&escaped),
            "body line {body:?} proposed:\n{file}"
        );
    }
    // The bylines are left for the metadata step; "Menu" to the generic rules.
    assert!(
        !file.contains("By Jane Roe") && !file.contains("'Menu'"),
        "{file}"
    );
    assert_eq!(
        fs::read(dir.path().join("tests/fixtures/acme/mayor.txt")).unwrap(),
        DUMP_2.as_bytes()
    );

    let check = copydesk(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let again = copydesk(
        dir.path(),
        &["new-rule", "acme", "--from", "dumps/bridge.txt"],
    );
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("rules/acme.toml already exists"),
        "{}",
        again.stderr
    );
}

/// docs/rule-authoring.md, "Adding a site", step by step.
#[test]
fn the_documented_walkthrough_works_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dumps(d);

    // 1. Scaffold the site from two dumps.
    let out = copydesk(
        d,
        &[
            "new-rule",
            "acme",
            "--name",
            "Acme Daily",
            "--host",
            "acme.example.com",
            "--from",
            "dumps/bridge.txt",
            "dumps/mayor.txt",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    // 2. Edit: a rule for what the dumps do not share word for word, and an assertion.
    let rules = d.join("rules/acme.toml");
    let mut text = fs::read_to_string(&rules).unwrap();
    text = text.replace(
        "\n# Where the metadata is.",
        "\n[text.remove.photo-credit]\nkind = \"caption\"\nline = 'Photo: .+/Acme'\n\n# Where the metadata is.",
    );
    text = text.replace(
        "  # 'Get the Acme briefing in your inbox.',",
        "  'Get the Acme briefing in your inbox.',",
    );
    fs::write(&rules, text).unwrap();
    assert_eq!(copydesk(d, &["check"]).code, 0);

    // 3. Test: no snapshots yet; the output each fixture would get is shown.
    let out = copydesk(d, &["test", "acme"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("FAIL    acme/bridge.txt: no snapshot yet"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("+The council voted on Tuesday to close the bridge for repairs.\n"));
    assert!(
        out.stdout
            .contains("+title = \"Mayor resigns after long dispute\"\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("+authors = [\"John Doe\"]\n"));
    assert!(out.stdout.contains("+published = \"2024-03-04\"\n"));
    assert!(out.stdout.contains("+rule = \"acme/photo-credit\"\n"));
    assert_eq!(last_line(&out.stdout), "0 passed, 2 failed");

    // 4. Bless, 5. test again: it passes, with no dead rules.
    let out = copydesk(d, &["test", "--bless", "acme"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("blessed acme/bridge.expected.md (new)"));
    assert!(out.stdout.contains("blessed acme/mayor.expected.md (new)"));
    let out = copydesk(d, &["test"]);
    assert_eq!(
        (out.code, last_line(&out.stdout)),
        (0, "2 passed, 0 failed"),
        "{}",
        out.stdout
    );
    assert!(!out.stderr.contains("dead rule"), "{}", out.stderr);
    let snap = fs::read_to_string(d.join("tests/fixtures/acme/bridge.expected.md")).unwrap();
    let body = snap.split("+++\n\n").nth(1).unwrap();
    assert_eq!(
        body,
        "The council voted on Tuesday to close the bridge for repairs.\n\n\
         Engineers said the work would take a year.\n"
    );

    // Later: a rule change shows up as a diff, is read, blessed, and passes.
    let text = fs::read_to_string(&rules)
        .unwrap()
        .replace("kind = \"caption\"", "kind = \"other\"");
    fs::write(&rules, text).unwrap();
    let out = copydesk(d, &["test"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("-kind = \"caption\"\n+kind = \"other\"\n"),
        "{}",
        out.stdout
    );
    assert_eq!(last_line(&out.stdout), "0 passed, 2 failed");
    assert_eq!(copydesk(d, &["test", "--bless"]).code, 0);
    let out = copydesk(d, &["test"]);
    assert_eq!(
        (out.code, last_line(&out.stdout)),
        (0, "2 passed, 0 failed")
    );
}

/// The HTML report in a real browser. It needs Debian's Chromium, so `cargo test` lists
/// it as ignored; CI installs Chromium and runs it (`.ci/run`: `-- --ignored`), and so can
/// anyone after `scripts/screenshot-explain.sh` has installed it. Run without Chromium, it
/// fails rather than pretending to pass.
#[test]
#[ignore = "needs /usr/bin/chromium: run with `cargo test --test authoring -- --ignored`"]
fn the_html_report_renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    assert!(
        chromium.exists(),
        "/usr/bin/chromium is not installed (scripts/screenshot-explain.sh installs it)"
    );
    let dir = project();
    let out = copydesk(
        dir.path(),
        &[
            "explain",
            "tests/fixtures/acme/a.txt",
            "--html",
            "report.html",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let profile = tempfile::tempdir().unwrap();
    let png = dir.path().join("report.png");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,900")
        .arg(format!(
            "file://{}",
            dir.path().join("report.html").display()
        ))
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = fs::read(&png).expect("chromium wrote the screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 10_000,
        "suspiciously small screenshot: {} bytes",
        bytes.len()
    );
}

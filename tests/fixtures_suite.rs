//! The shipped rules against their fixtures: `cargo test` fails when a rule change breaks a
//! snapshot, an assertion, or a site's recognition, exactly as `copydesk test` would.

use copydesk::authoring::runner::{self, Suite};
use copydesk::authoring::style::Paint;
use copydesk::{Engine, RuleSet};
use std::path::Path;

#[test]
fn shipped_rules_pass_their_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules_dir = root.join("rules");
    let rules = if rules_dir.is_dir() {
        RuleSet::load(&rules_dir).unwrap_or_else(|e| panic!("the shipped rules are invalid:\n{e}"))
    } else {
        RuleSet::builtin()
    };
    let engine = Engine::new(rules);
    let fixtures = root.join("tests").join("fixtures");
    let report = runner::run(
        &engine,
        &Suite {
            fixtures: &fixtures,
            sites: &[],
            bless: false,
        },
    )
    .expect("the fixtures folder can be listed");

    let paint = Paint::new(false);
    eprint!("{}", runner::render_warnings(&report, paint));
    // A suite with nothing in it proves nothing: every shipped site needs a fixture, and
    // an HTML page, a JSON envelope and a page no site claims must be among them.
    assert!(
        !report.results.is_empty(),
        "no fixtures under tests/fixtures: the suite would check nothing"
    );
    let fixture_sites: Vec<&str> = report
        .results
        .iter()
        .map(|r| r.fixture.site.as_str())
        .collect();
    for site in &engine.rules().sites {
        assert!(
            fixture_sites.contains(&site.id.as_str()),
            "rules/{}.toml has no fixture: add a dump of the site to tests/fixtures/{}/ and bless its snapshot",
            site.id,
            site.id
        );
    }
    for (ext, what) in [("html", "an HTML page"), ("json", "a JSON envelope")] {
        assert!(
            report
                .results
                .iter()
                .any(|r| r.fixture.input.extension().is_some_and(|e| e == ext)),
            "no fixture is {what} (.{ext})"
        );
    }
    assert!(
        report.results.iter().any(|r| r.fixture.expects_generic()),
        "no fixture in tests/fixtures/generic/: nothing checks the generic clean-up"
    );
    let mut failures = String::new();
    for r in report.results.iter().filter(|r| !r.passed()) {
        let file = engine
            .rules()
            .site(&r.fixture.site)
            .and_then(|s| s.file.as_deref());
        failures.push_str(&runner::render_result(r, file, paint));
    }
    println!("fixture suite: {}", report.summary());
    assert!(
        report.failed() == 0,
        "{failures}\n{}\nRun `cargo run -- test` to see the same report, and \
         `cargo run -- test --bless` if the changes are intended.",
        report.summary()
    );
}

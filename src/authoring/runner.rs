//! `copydesk test`: every fixture through the engine, compared with its snapshot.
//!
//! A fixture fails when its output differs from its snapshot, when it has no snapshot yet,
//! when a site other than its folder's recognised it, or when its output breaks one of the
//! site's `[tests]` assertions. Assertions are checked even when the snapshot matches: a
//! snapshot can be blessed wrongly, an assertion says what the author meant. For the same
//! reason `--bless` never writes the snapshot of a fixture that fails for another reason.
//!
//! After the run, every site rule that removed nothing in any fixture is reported as dead:
//! that is how a layout change shows up before readers see boilerplate come back.

use super::diff;
use super::fixtures::{self, Fixture};
use super::snapshot;
use super::style::Paint;
use crate::article::Article;
use crate::engine::{Engine, Options};
use crate::output::write_atomic;
use crate::rules::{RuleSet, Site};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to run.
#[derive(Debug, Clone)]
pub struct Suite<'a> {
    /// The fixtures folder (`tests/fixtures` by default).
    pub fixtures: &'a Path,
    /// What to run; all when empty. Each is a site id (a fixture folder) or `SITE/NAME`,
    /// one fixture (`NAME` with or without its extension).
    pub sites: &'a [String],
    /// Write the new snapshots instead of failing on a difference.
    pub bless: bool,
}

/// Why a fixture failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The dump could not be read.
    Unreadable(String),
    /// The stored snapshot could not be read or written.
    SnapshotIo(String),
    /// No snapshot yet; `actual` is what would be written.
    NoSnapshot { actual: String },
    /// The output differs from the snapshot.
    Differs { expected: String, actual: String },
    /// The folder names a site with no rule file.
    UnknownSite,
    /// Recognised as another site (or as none: `None` is the generic clean-up).
    WrongSite {
        expected: Option<String>,
        got: Option<String>,
    },
    /// A `must_contain` phrase is missing from the output.
    Missing { phrase: String },
    /// A `must_not_contain` phrase came through, in this field.
    Forbidden { phrase: String, field: &'static str },
}

/// What `--bless` did to a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blessed {
    New,
    Updated { added: usize, removed: usize },
}

/// One fixture's result.
#[derive(Debug, Clone)]
pub struct FixtureResult {
    pub fixture: Fixture,
    pub problems: Vec<Problem>,
    pub blessed: Option<Blessed>,
    /// `--bless` left a changed snapshot alone because the fixture fails for another reason.
    pub bless_refused: bool,
}

impl FixtureResult {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A site rule that matched nothing in any fixture of its site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadRule {
    /// Qualified name, `site-id/rule-name`.
    pub rule: String,
    pub file: Option<PathBuf>,
}

/// Everything one run found.
#[derive(Debug, Default)]
pub struct Report {
    pub results: Vec<FixtureResult>,
    pub dead_rules: Vec<DeadRule>,
    /// Problems with the fixtures folder itself, and sites without fixtures.
    pub warnings: Vec<String>,
    /// False when the fixtures folder does not exist.
    pub fixtures_found: bool,
    /// `SITE/NAME` selections that named no fixture.
    pub unmatched: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }

    /// The last line of `copydesk test`, read by people and CI alike.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }
}

/// One entry of [`Suite::sites`]: a whole site, or one of its fixtures.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selection<'a> {
    site: &'a str,
    /// The fixture's name, with or without extension; `None`: every fixture of the site.
    name: Option<&'a str>,
}

impl<'a> Selection<'a> {
    fn parse(spec: &'a str) -> Selection<'a> {
        match spec.split_once('/') {
            Some((site, name)) if !name.is_empty() => Selection {
                site,
                name: Some(name),
            },
            Some((site, _)) => Selection { site, name: None },
            None => Selection {
                site: spec,
                name: None,
            },
        }
    }

    fn picks(&self, fixture: &Fixture) -> bool {
        fixture.site == self.site
            && self.name.is_none_or(|name| {
                let file = fixture.input.file_name().and_then(|n| n.to_str());
                let stem = fixture.input.file_stem().and_then(|n| n.to_str());
                file == Some(name) || stem == Some(name)
            })
    }
}

/// Checks that every requested site (`SITE` or the site of `SITE/NAME`) is a site id of
/// `rules` (or `generic`).
pub fn check_sites(rules: &RuleSet, sites: &[String]) -> Result<(), String> {
    for s in sites.iter().map(|s| Selection::parse(s).site) {
        if s != fixtures::GENERIC_FOLDER && rules.site(s).is_none() {
            let known: Vec<&str> = rules.sites.iter().map(|s| s.id.as_str()).collect();
            return Err(format!(
                "no rule file has site id {s:?} (known: {}); check the spelling or --rules",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
    }
    Ok(())
}

/// Runs the suite. Only a fixtures folder that cannot be listed is an error; every
/// fixture's own problem is in the report.
pub fn run(engine: &Engine, suite: &Suite) -> std::io::Result<Report> {
    let selections: Vec<Selection> = suite.sites.iter().map(|s| Selection::parse(s)).collect();
    let folders: Vec<String> = selections.iter().map(|s| s.site.to_string()).collect();
    let found = fixtures::discover(suite.fixtures, &folders)?;
    let mut report = Report {
        warnings: found.warnings,
        fixtures_found: found.exists,
        ..Report::default()
    };
    let chosen: Vec<Fixture> = found
        .fixtures
        .into_iter()
        .filter(|f| selections.is_empty() || selections.iter().any(|s| s.picks(f)))
        .collect();
    for s in &selections {
        if let Some(name) = s.name {
            if !chosen.iter().any(|f| s.picks(f)) {
                report.unmatched.push(format!("{}/{name}", s.site));
            }
        }
    }
    // A rule is dead only if no fixture of its site uses it, so judge whole sites only.
    let whole_sites: Vec<&str> = selections
        .iter()
        .filter(|s| s.name.is_none())
        .map(|s| s.site)
        .collect();
    let mut fired: HashSet<String> = HashSet::new();
    for fixture in chosen {
        let (result, removed) = run_one(engine, &fixture, suite.bless);
        fired.extend(removed);
        report.results.push(result);
    }
    let rules = engine.rules();
    for site in &rules.sites {
        if !selections.is_empty() && !whole_sites.contains(&site.id.as_str()) {
            continue;
        }
        if !report.results.iter().any(|r| r.fixture.site == site.id) {
            report.warnings.push(format!(
                "site {:?} has no fixtures: add sample dumps under {}/{}/ so its rules are tested",
                site.id,
                suite.fixtures.display(),
                site.id
            ));
            continue;
        }
        for rule in site.rule_names() {
            if !fired.contains(rule) {
                report.dead_rules.push(DeadRule {
                    rule: rule.to_string(),
                    file: site.file.clone(),
                });
            }
        }
    }
    Ok(report)
}

/// Runs one fixture; also returns the rules that removed something from it.
fn run_one(engine: &Engine, fixture: &Fixture, bless: bool) -> (FixtureResult, Vec<String>) {
    let mut result = FixtureResult {
        fixture: fixture.clone(),
        problems: Vec::new(),
        blessed: None,
        bless_refused: false,
    };
    let article = match engine.clean_file(&fixture.input, &Options::default()) {
        Ok(a) => a,
        Err(e) => {
            result.problems.push(Problem::Unreadable(e.to_string()));
            return (result, Vec::new());
        }
    };
    let fired = article.removed.iter().map(|r| r.rule.clone()).collect();
    let expected_site = (!fixture.expects_generic()).then(|| fixture.site.clone());
    let got_site = article.site.as_ref().map(|s| s.id.clone());
    if let Some(id) = &expected_site {
        if engine.rules().site(id).is_none() {
            result.problems.push(Problem::UnknownSite);
        }
    }
    if expected_site != got_site && !result.problems.contains(&Problem::UnknownSite) {
        result.problems.push(Problem::WrongSite {
            expected: expected_site.clone(),
            got: got_site,
        });
    }
    if let Some(site) = expected_site
        .as_deref()
        .and_then(|id| engine.rules().site(id))
    {
        result.problems.extend(assertions(site, &article));
    }

    let actual = snapshot::render_snapshot(&article, fixture);
    let expected = match snapshot::read(&fixture.snapshot) {
        Ok(e) => e,
        Err(e) => {
            result.problems.push(Problem::SnapshotIo(format!(
                "cannot read {}: {e}",
                fixture.snapshot.display()
            )));
            return (result, fired);
        }
    };
    if expected.as_deref() == Some(actual.as_str()) {
        return (result, fired);
    }
    if bless && result.problems.is_empty() {
        match write_snapshot(&fixture.snapshot, &actual) {
            Ok(()) => {
                result.blessed = Some(match &expected {
                    None => Blessed::New,
                    Some(e) => {
                        let (added, removed) = diff::counts(e, &actual);
                        Blessed::Updated { added, removed }
                    }
                });
            }
            Err(e) => result.problems.push(Problem::SnapshotIo(format!(
                "cannot write {}: {e}",
                fixture.snapshot.display()
            ))),
        }
        return (result, fired);
    }
    result.bless_refused = bless;
    result.problems.push(match expected {
        None => Problem::NoSnapshot { actual },
        Some(expected) => Problem::Differs { expected, actual },
    });
    (result, fired)
}

fn write_snapshot(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| std::io::Error::other("snapshot path has no file name"))?;
    write_atomic(dir, name, text.as_bytes()).map(|_| ())
}

/// The site's `[tests]` assertions against the body and the metadata text.
fn assertions(site: &Site, article: &Article) -> Vec<Problem> {
    let authors = article.authors.join(", ");
    let fields: [(&'static str, &str); 5] = [
        ("title", article.title.as_deref().unwrap_or("")),
        ("subtitle", article.subtitle.as_deref().unwrap_or("")),
        ("authors", &authors),
        ("published", article.published.as_deref().unwrap_or("")),
        ("text", &article.text),
    ];
    let mut problems = Vec::new();
    for phrase in &site.must_contain {
        let phrase = crate::normalize::text(phrase);
        if !fields.iter().any(|(_, v)| v.contains(phrase.as_str())) {
            problems.push(Problem::Missing { phrase });
        }
    }
    for phrase in &site.must_not_contain {
        let phrase = crate::normalize::text(phrase);
        if let Some((field, _)) = fields.iter().find(|(_, v)| v.contains(phrase.as_str())) {
            problems.push(Problem::Forbidden { phrase, field });
        }
    }
    problems
}

/// One fixture's lines of the report: `ok …`, or `FAIL …` with its reasons and diffs, and
/// what `--bless` wrote.
pub fn render_result(r: &FixtureResult, rules_file: Option<&Path>, paint: Paint) -> String {
    let mut out = String::new();
    let name = &r.fixture.rel;
    let snap = r.fixture.snapshot_rel();
    match &r.blessed {
        Some(Blessed::New) => out.push_str(&format!("{} {snap} (new)\n", paint.green("blessed"))),
        Some(Blessed::Updated { added, removed }) => out.push_str(&format!(
            "{} {snap} (updated: +{added} -{removed} lines)\n",
            paint.green("blessed")
        )),
        None => {}
    }
    if r.passed() {
        if r.blessed.is_none() {
            out.push_str(&format!("{}      {name}\n", paint.green("ok")));
        }
        return out;
    }
    let rules = rules_file
        .map(|f| f.display().to_string())
        .unwrap_or_else(|| "the rule file".to_string());
    for p in &r.problems {
        let fail = paint.red(&paint.bold("FAIL"));
        let line = match p {
            Problem::Unreadable(e) => format!("{fail}    {name}: cannot clean it: {e}"),
            Problem::SnapshotIo(e) => format!("{fail}    {name}: {e}"),
            Problem::NoSnapshot { .. } if r.bless_refused => format!(
                "{fail}    {name}: no snapshot yet, and --bless did not write {snap} \
                 because {}",
                refusal(r)
            ),
            Problem::Differs { .. } if r.bless_refused => format!(
                "{fail}    {name}: output differs from {snap}, and --bless did not update \
                 it because {}",
                refusal(r)
            ),
            Problem::NoSnapshot { .. } => format!(
                "{fail}    {name}: no snapshot yet; check the output below, then run \
                 `copydesk test --bless` to write {snap}"
            ),
            Problem::Differs { .. } => format!(
                "{fail}    {name}: output differs from {snap}; if the change is intended, \
                 run `copydesk test --bless`"
            ),
            Problem::UnknownSite => format!(
                "{fail}    {name}: no rule file has site id {:?}; rename the folder to a site \
                 id (or `generic`), or add the site's rule file",
                r.fixture.site
            ),
            Problem::WrongSite { expected, got } => format!(
                "{fail}    {name}: cleaned as {} but its folder says {}; check the site's \
                 hosts and fingerprints",
                site_label(got.as_deref()),
                site_label(expected.as_deref())
            ),
            Problem::Missing { phrase } => format!(
                "{fail}    {name}: must_contain {phrase:?} is missing from the output \
                 (asserted in {rules} [tests])"
            ),
            Problem::Forbidden { phrase, field } => format!(
                "{fail}    {name}: must_not_contain {phrase:?} came through in the {field} \
                 (asserted in {rules} [tests])"
            ),
        };
        out.push_str(&line);
        out.push('\n');
        match p {
            Problem::NoSnapshot { actual } => {
                let d = diff::unified("", actual, "(no snapshot)", &format!("{name} (now)"));
                out.push_str(&diff::colorize(&d, paint));
            }
            Problem::Differs { expected, actual } => {
                let d = diff::unified(expected, actual, &snap, &format!("{name} (now)"));
                out.push_str(&diff::colorize(&d, paint));
            }
            _ => {}
        }
    }
    if r.bless_refused {
        out.push_str(&format!(
            "        {name}: snapshot not blessed while the problems above remain; fix them \
             (the rule or the site's [tests]), then bless again\n"
        ));
    }
    out
}

/// Why `--bless` left a fixture's snapshot alone: its other problems, in a few words.
fn refusal(r: &FixtureResult) -> String {
    let reasons: Vec<String> = r
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::Missing { phrase } => Some(format!(
                "the site's [tests] must_contain {phrase:?} is missing from the output"
            )),
            Problem::Forbidden { phrase, field } => Some(format!(
                "the site's [tests] must_not_contain {phrase:?} came through in the {field}"
            )),
            Problem::WrongSite { expected, got } => Some(format!(
                "it was cleaned as {} but its folder says {}",
                site_label(got.as_deref()),
                site_label(expected.as_deref())
            )),
            Problem::UnknownSite => Some("its folder names no known site".to_string()),
            Problem::Unreadable(e) | Problem::SnapshotIo(e) => Some(e.clone()),
            Problem::NoSnapshot { .. } | Problem::Differs { .. } => None,
        })
        .collect();
    if reasons.is_empty() {
        "of the problems above".to_string()
    } else {
        reasons.join("; ")
    }
}

fn site_label(id: Option<&str>) -> String {
    match id {
        Some(id) => format!("site {id:?}"),
        None => "generic (no site rule)".to_string(),
    }
}

/// The warnings of a run, one per line, for stderr.
pub fn render_warnings(report: &Report, paint: Paint) -> String {
    let mut out = String::new();
    let warning = paint.yellow("warning");
    for w in &report.warnings {
        out.push_str(&format!("{warning}: {w}\n"));
    }
    for d in &report.dead_rules {
        let file = d
            .file
            .as_ref()
            .map(|f| format!(" ({})", f.display()))
            .unwrap_or_default();
        out.push_str(&format!(
            "{warning}: dead rule {}{file}: it removed nothing in any fixture of its site; \
             has the layout changed? Fix it, delete it, or add a fixture it applies to\n",
            d.rule
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const RULES: &str =
        "[site]\nid = \"acme\"\nname = \"Acme\"\nfingerprints = ['Get the Acme letter']\n\n\
        [text.remove.promo]\nkind = \"newsletter\"\nline = 'Get the Acme letter'\n\n\
        [text.remove.unused]\nkind = \"share\"\nline = 'Never printed'\n\n\
        [tests]\nmust_not_contain = [\"Acme letter\"]\n";

    fn setup() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let rules = dir.path().join("rules");
        let fx = dir.path().join("fixtures/acme");
        fs::create_dir_all(&rules).unwrap();
        fs::create_dir_all(&fx).unwrap();
        fs::write(rules.join("acme.toml"), RULES).unwrap();
        fs::write(
            fx.join("one.txt"),
            "Acme News\n\nA headline here\n\nGet the Acme letter\n\nBody text of the story, with words.\n",
        )
        .unwrap();
        let engine = Engine::new(RuleSet::load(&rules).unwrap());
        (dir, engine)
    }

    /// [`setup`] without the promo rule: the forbidden phrase comes through.
    fn setup_without_promo() -> (tempfile::TempDir, Engine) {
        let (dir, _) = setup();
        let rules = dir.path().join("rules");
        fs::write(
            rules.join("acme.toml"),
            RULES.replace("line = 'Get the Acme letter'", "line = 'Something else'"),
        )
        .unwrap();
        let engine = Engine::new(RuleSet::load(&rules).unwrap());
        (dir, engine)
    }

    #[test]
    fn no_snapshot_fails_then_bless_then_pass() {
        let (dir, engine) = setup();
        let fixtures = dir.path().join("fixtures");
        let suite = Suite {
            fixtures: &fixtures,
            sites: &[],
            bless: false,
        };
        let report = run(&engine, &suite).unwrap();
        assert_eq!(report.summary(), "0 passed, 1 failed");
        assert!(matches!(
            report.results[0].problems[0],
            Problem::NoSnapshot { .. }
        ));
        assert_eq!(report.dead_rules.len(), 1);
        assert_eq!(report.dead_rules[0].rule, "acme/unused");

        let blessed = run(
            &engine,
            &Suite {
                bless: true,
                ..suite.clone()
            },
        )
        .unwrap();
        assert_eq!(blessed.results[0].blessed, Some(Blessed::New));
        assert_eq!(
            run(&engine, &suite).unwrap().summary(),
            "1 passed, 0 failed"
        );
    }

    #[test]
    fn forbidden_phrase_fails_and_blocks_bless() {
        let (dir, engine) = setup_without_promo();
        let fixtures = dir.path().join("fixtures");
        let suite = Suite {
            fixtures: &fixtures,
            sites: &[],
            bless: true,
        };
        let report = run(&engine, &suite).unwrap();
        let r = &report.results[0];
        assert!(r.blessed.is_none());
        assert!(r.problems.contains(&Problem::Forbidden {
            phrase: "Acme letter".into(),
            field: "text"
        }));
        assert!(!r.fixture.snapshot.exists());
        let text = render_result(r, None, Paint::new(false));
        assert!(
            text.contains("must_not_contain \"Acme letter\" came through"),
            "{text}"
        );
    }

    #[test]
    fn one_fixture_by_name_and_a_name_that_matches_none() {
        let (dir, engine) = setup();
        let fixtures = dir.path().join("fixtures");
        fs::copy(fixtures.join("acme/one.txt"), fixtures.join("acme/two.txt")).unwrap();
        for spec in ["acme/two", "acme/two.txt"] {
            let sites = vec![spec.to_string()];
            let suite = Suite {
                fixtures: &fixtures,
                sites: &sites,
                bless: false,
            };
            let report = run(&engine, &suite).unwrap();
            let rels: Vec<&str> = report
                .results
                .iter()
                .map(|r| r.fixture.rel.as_str())
                .collect();
            assert_eq!(rels, ["acme/two.txt"], "{spec}");
            assert!(
                report.dead_rules.is_empty(),
                "one fixture says nothing of dead rules"
            );
            assert!(report.unmatched.is_empty());
        }
        let sites = vec!["acme/three".to_string()];
        let report = run(
            &engine,
            &Suite {
                fixtures: &fixtures,
                sites: &sites,
                bless: false,
            },
        )
        .unwrap();
        assert!(report.results.is_empty());
        assert_eq!(report.unmatched, ["acme/three"]);
        assert!(check_sites(engine.rules(), &["acme/three".to_string()]).is_ok());
        assert!(check_sites(engine.rules(), &["acm/three".to_string()]).is_err());
    }

    #[test]
    fn a_refused_bless_says_why_instead_of_suggesting_bless() {
        let (dir, engine) = setup_without_promo();
        let fixtures = dir.path().join("fixtures");
        fs::write(fixtures.join("acme/one.expected.md"), "old snapshot\n").unwrap();
        let suite = Suite {
            fixtures: &fixtures,
            sites: &[],
            bless: true,
        };
        let report = run(&engine, &suite).unwrap();
        let text = render_result(&report.results[0], None, Paint::new(false));
        assert!(
            text.contains(
                "output differs from acme/one.expected.md, and --bless did not update it \
                 because the site's [tests] must_not_contain \"Acme letter\" came through in the text"
            ),
            "{text}"
        );
        assert!(!text.contains("run `copydesk test --bless`"), "{text}");
    }

    #[test]
    fn a_fixture_in_the_wrong_folder_fails() {
        let (dir, engine) = setup();
        let fixtures = dir.path().join("fixtures");
        fs::create_dir_all(fixtures.join("generic")).unwrap();
        fs::copy(
            fixtures.join("acme/one.txt"),
            fixtures.join("generic/one.txt"),
        )
        .unwrap();
        let sites = vec!["generic".to_string()];
        let suite = Suite {
            fixtures: &fixtures,
            sites: &sites,
            bless: false,
        };
        let report = run(&engine, &suite).unwrap();
        assert!(report.results[0].problems.contains(&Problem::WrongSite {
            expected: None,
            got: Some("acme".into())
        }));
        assert!(check_sites(engine.rules(), &sites).is_ok());
        assert!(check_sites(engine.rules(), &["acm".to_string()])
            .unwrap_err()
            .contains("known: acme"));
    }
}

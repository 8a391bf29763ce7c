//! Proposed rule files: written by the service for sites without rules, applied by a person.
//!
//! The service never changes its own output behind anyone's back. What it learns from a
//! site's dumps goes to `<rules>/proposed/` — a rule file `<id>.toml` and its fixtures
//! with snapshots in `<id>/` — where the rules loader never looks (it reads only the top
//! level of the rules folder). A proposal takes effect only when a person moves it into the
//! rules folder, or runs `copydesk learn --accept ID` ([`accept`]), which moves the rule
//! file into `rules/` and its fixtures into `tests/fixtures/ID/`, where `copydesk test`
//! keeps them honest; the running service then reloads as for any rule edit.
//!
//! A proposal is written in a staging folder first and swapped in only once it compiles
//! and its snapshots are written, so a reader of `proposed/` never sees half of one.

use super::fixtures::{self, SNAPSHOT_SUFFIX};
use super::runner::{self, Suite};
use crate::engine::Engine;
use crate::rules::RuleSet;
use std::path::{Path, PathBuf};

/// The folder of proposals inside a rules folder.
pub const FOLDER: &str = "proposed";

/// Fixtures kept with a proposal: enough to test the rules, few enough to review.
pub const MAX_FIXTURES: usize = 3;

/// Where a site's proposal lives.
pub fn proposed_dir(rules: &Path) -> PathBuf {
    rules.join(FOLDER)
}

/// What a learner is asked to write.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The site id: the rule file's and the fixtures folder's name.
    pub id: &'a str,
    /// The site's host, when its dumps said it.
    pub host: Option<&'a str>,
    /// The site's dumps, oldest first.
    pub dumps: &'a [PathBuf],
    /// Where `<id>.toml` goes.
    pub rules_dir: &'a Path,
    /// Where `<id>/` with fixtures goes.
    pub fixtures_dir: &'a Path,
    /// The rules in force: the new site's fingerprints must not be other sites'.
    pub rules_in_force: &'a Path,
}

/// Something that writes a rule file and fixtures from a site's dumps.
pub trait Learner: Send + Sync + std::fmt::Debug {
    fn learn(&self, request: &Request) -> Result<(), String>;
}

/// The learner behind `copydesk learn` ([`crate::learn`]).
#[derive(Debug, Default)]
pub struct SiteLearner;

impl Learner for SiteLearner {
    fn learn(&self, request: &Request) -> Result<(), String> {
        let dumps = request
            .dumps
            .iter()
            .map(|d| crate::input::read(d).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut options = crate::learn::LearnOptions {
            hosts: request.host.map(str::to_string).into_iter().collect(),
            ..Default::default()
        };
        if let Ok(rules) = RuleSet::load(request.rules_in_force) {
            options.add_other_rules(&rules, request.id);
        }
        let learned =
            crate::learn::learn(request.id, &dumps, &options).map_err(|e| e.to_string())?;
        crate::learn::write(&learned, request.rules_dir, request.fixtures_dir, true)?;
        Ok(())
    }
}

/// Writes (or refreshes) the proposal for site `id` from `dumps` into `<rules>/proposed/`.
/// Returns the proposed rule file. On error the previous proposal, if any, stays.
pub fn write(
    learner: &dyn Learner,
    rules: &Path,
    id: &str,
    host: Option<&str>,
    dumps: &[PathBuf],
) -> Result<PathBuf, String> {
    let proposed = proposed_dir(rules);
    let staging = proposed.join(format!(".{id}.staging"));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    let result = stage(learner, rules, &staging, id, host, dumps).and_then(|()| {
        let file = proposed.join(format!("{id}.toml"));
        let fixtures = proposed.join(id);
        let _ = std::fs::remove_dir_all(&fixtures);
        rename(&staging.join(id), &fixtures)?;
        rename(&staging.join(format!("{id}.toml")), &file)?;
        Ok(file)
    });
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// Learns into `staging`, keeps the newest [`MAX_FIXTURES`] fixtures, and writes their
/// snapshots with the proposed rules.
fn stage(
    learner: &dyn Learner,
    rules: &Path,
    staging: &Path,
    id: &str,
    host: Option<&str>,
    dumps: &[PathBuf],
) -> Result<(), String> {
    learner.learn(&Request {
        id,
        host,
        dumps,
        rules_dir: staging,
        fixtures_dir: staging,
        rules_in_force: rules,
    })?;
    let found = fixtures::discover(staging, &[id.to_string()])
        .map_err(|e| format!("cannot list the proposed fixtures: {e}"))?;
    let keep_from = found.fixtures.len().saturating_sub(MAX_FIXTURES);
    for f in &found.fixtures[..keep_from] {
        let _ = std::fs::remove_file(&f.input);
        let _ = std::fs::remove_file(&f.snapshot);
    }
    let rules = RuleSet::load(staging).map_err(|e| format!("the proposed rules: {e}"))?;
    let engine = Engine::new(rules);
    let sites = [id.to_string()];
    runner::run(
        &engine,
        &Suite {
            fixtures: staging,
            sites: &sites,
            bless: true,
        },
    )
    .map_err(|e| format!("cannot write the proposal's snapshots: {e}"))?;
    Ok(())
}

/// A rename, or a copy and delete across filesystems.
fn rename(from: &Path, to: &Path) -> Result<(), String> {
    let err =
        |e: std::io::Error| format!("cannot move {} to {}: {e}", from.display(), to.display());
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(_) if from.is_file() => {
            std::fs::copy(from, to).map_err(err)?;
            std::fs::remove_file(from).map_err(err)
        }
        Err(e) => Err(err(e)),
    }
}

/// What [`accept`] moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub rule_file: PathBuf,
    pub fixtures: Vec<PathBuf>,
}

/// Applies proposal `id`: its fixtures (dumps and snapshots) move into
/// `<fixtures>/<id>/`, then its rule file into `<rules>/<id>.toml` (last, so a running
/// service reloads once everything is in place). Nothing is overwritten; on error nothing
/// has moved, and the message says what to do.
pub fn accept(rules: &Path, fixtures_root: &Path, id: &str) -> Result<Accepted, String> {
    let proposed = proposed_dir(rules);
    let source = proposed.join(format!("{id}.toml"));
    if !source.is_file() {
        let known = list(rules).join(", ");
        return Err(format!(
            "no proposal {id:?} in {} (proposals: {}); `copydesk status` lists them",
            proposed.display(),
            if known.is_empty() { "none" } else { &known }
        ));
    }
    let target = rules.join(format!("{id}.toml"));
    if target.exists() {
        return Err(format!(
            "{} already exists: merge the proposal {} into it by hand, or delete one",
            target.display(),
            source.display()
        ));
    }
    let site = crate::rules::load_file(&source).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!(
            "the proposal does not compile; fix it first:\n{}",
            list.join("\n")
        )
    })?;
    if let Ok(current) = RuleSet::load(rules) {
        if let Some(other) = current.site(&site.id) {
            return Err(format!(
                "site id {:?} is already used by {}; rename the proposal's id",
                site.id,
                other.file.as_deref().unwrap_or(Path::new("?")).display()
            ));
        }
    }
    let from_dir = proposed.join(id);
    let to_dir = fixtures_root.join(id);
    let mut moves: Vec<(PathBuf, PathBuf)> = Vec::new();
    if from_dir.is_dir() {
        let entries = std::fs::read_dir(&from_dir)
            .map_err(|e| format!("cannot read {}: {e}", from_dir.display()))?;
        for entry in entries.flatten() {
            let from = entry.path();
            if !from.is_file() {
                continue;
            }
            let to = to_dir.join(entry.file_name());
            if to.exists() {
                return Err(format!(
                    "{} already exists; move or delete it, then accept again",
                    to.display()
                ));
            }
            moves.push((from, to));
        }
    }
    moves.sort();
    std::fs::create_dir_all(&to_dir)
        .map_err(|e| format!("cannot create {}: {e}", to_dir.display()))?;
    for (from, to) in &moves {
        rename(from, to)?;
    }
    rename(&source, &target)?;
    let _ = std::fs::remove_dir(&from_dir);
    Ok(Accepted {
        rule_file: target,
        fixtures: moves
            .into_iter()
            .map(|(_, to)| to)
            .filter(|p| !p.to_string_lossy().ends_with(SNAPSHOT_SUFFIX))
            .collect(),
    })
}

/// The ids of the proposals waiting in a rules folder.
pub fn list(rules: &Path) -> Vec<String> {
    let mut ids: Vec<String> = crate::rules::rule_files(&proposed_dir(rules))
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f.file_stem()?.to_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMPS: [&str; 3] = [
        "Harbour Gazette\n\nSubscribe to the morning briefing\n\nFerry fares rise for the second time this year\n\nThe ferry operator said on Monday that fares would rise by four per cent.\n\nMost read\n\nShare this story\n",
        "Harbour Gazette\n\nSubscribe to the morning briefing\n\nCouncil approves the new sea wall\n\nCouncillors voted eight to three for the long-delayed sea wall.\n\nMost read\n\nShare this story\n",
        "Harbour Gazette\n\nSubscribe to the morning briefing\n\nFishing fleet returns early as storm nears\n\nBoats were back in the harbour by noon, the harbour master said.\n\nMost read\n\nShare this story\n",
    ];

    fn dumps(dir: &Path) -> Vec<PathBuf> {
        DUMPS
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let p = dir.join(format!("d{i}.txt"));
                std::fs::write(&p, d).unwrap();
                p
            })
            .collect()
    }

    #[test]
    fn a_proposal_is_not_loaded_until_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let rules = dir.path().join("rules");
        let fixtures = dir.path().join("fixtures");
        std::fs::create_dir_all(&rules).unwrap();
        let dumps = dumps(dir.path());
        let file = write(&SiteLearner, &rules, "harbour", None, &dumps).unwrap();
        assert_eq!(file, rules.join("proposed/harbour.toml"));
        assert!(rules.join("proposed/harbour/d2.expected.md").is_file());
        assert_eq!(list(&rules), ["harbour"]);
        // The loader reads the top level only: a proposal changes nothing yet.
        assert!(RuleSet::load(&rules).unwrap().sites.is_empty());
        // Refreshing replaces it in place.
        write(&SiteLearner, &rules, "harbour", None, &dumps).unwrap();
        assert!(!rules.join("proposed/.harbour.staging").exists());

        let accepted = accept(&rules, &fixtures, "harbour").unwrap();
        assert_eq!(accepted.rule_file, rules.join("harbour.toml"));
        assert_eq!(accepted.fixtures.len(), 3);
        assert!(fixtures.join("harbour/d0.expected.md").is_file());
        assert!(!rules.join("proposed/harbour.toml").exists());
        let loaded = RuleSet::load(&rules).unwrap();
        assert_eq!(loaded.sites[0].id, "harbour");
        let engine = Engine::new(loaded);
        let report = runner::run(
            &engine,
            &Suite {
                fixtures: &fixtures,
                sites: &[],
                bless: false,
            },
        )
        .unwrap();
        assert_eq!(report.summary(), "3 passed, 0 failed");

        let again = accept(&rules, &fixtures, "harbour").unwrap_err();
        assert!(again.contains("no proposal \"harbour\""), "{again}");
    }

    #[test]
    fn accept_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let rules = dir.path().join("rules");
        std::fs::create_dir_all(&rules).unwrap();
        write(&SiteLearner, &rules, "harbour", None, &dumps(dir.path())).unwrap();
        std::fs::write(
            rules.join("harbour.toml"),
            "[site]\nid='harbour'\nname='H'\n",
        )
        .unwrap();
        let e = accept(&rules, &dir.path().join("fx"), "harbour").unwrap_err();
        assert!(e.contains("already exists"), "{e}");
        assert!(rules.join("proposed/harbour.toml").is_file());
    }
}

//! Hot reload of the rules folder.
//!
//! Rules are reloaded when a rule file is added, edited or deleted (seen by the watcher, or
//! by comparing the folder's names, sizes and modification times on every rescan), and on
//! SIGHUP. A reload is all-or-nothing, like every rules load: a broken edit is logged as
//! `file:line:column: reason` and the last good rules stay in force, so a typo can never
//! switch a site's rules off in the middle of the night. Workers take the current rules
//! when they start a file, so a reload never changes the rules under a file in flight.

use crate::{Engine, RuleSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// A set of rules in force, with what the status file and error files say about it.
#[derive(Debug)]
pub struct Loaded {
    pub engine: Engine,
    pub sites: usize,
    pub loaded_at: String,
}

impl Loaded {
    fn new(rules: RuleSet) -> Loaded {
        Loaded {
            sites: rules.sites.len(),
            engine: Engine::new(rules),
            loaded_at: super::now_rfc3339(),
        }
    }
}

/// The rules in force, shared by the workers.
#[derive(Debug, Clone)]
pub struct Current(Arc<RwLock<Arc<Loaded>>>);

impl Current {
    /// The rules to clean the next file with.
    pub fn get(&self) -> Arc<Loaded> {
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn set(&self, loaded: Loaded) {
        let loaded = Arc::new(loaded);
        match self.0.write() {
            Ok(mut guard) => *guard = loaded,
            Err(poisoned) => *poisoned.into_inner() = loaded,
        }
    }
}

/// What the rules folder looked like: each rule file's name, size and modification time.
type Fingerprint = Option<Vec<(PathBuf, u64, Option<SystemTime>)>>;

fn fingerprint(dir: &Path) -> Fingerprint {
    let files = crate::rules::rule_files(dir).ok()?;
    Some(
        files
            .into_iter()
            .filter_map(|f| {
                let meta = std::fs::metadata(&f).ok()?;
                Some((f, meta.len(), meta.modified().ok()))
            })
            .collect(),
    )
}

/// Watches over one rules folder and swaps in new rules when they load cleanly.
#[derive(Debug)]
pub struct Reloader {
    dir: PathBuf,
    current: Current,
    /// The folder as it was at the last attempt, good or bad: the same broken edit is
    /// reported once, not on every rescan.
    tried: Fingerprint,
    /// The problems of the last attempt, if it failed (for the status file).
    pub last_error: Option<String>,
}

/// Rule warnings go to the log each time the rules are loaded: they do not stop loading.
fn log_warnings(rules: &RuleSet) {
    for w in &rules.warnings {
        tracing::warn!("{w}");
    }
}

impl Reloader {
    /// Loads the rules for the first time; errors here stop the service from starting.
    pub fn start(dir: &Path) -> Result<Reloader, crate::rules::RuleErrors> {
        let tried = fingerprint(dir);
        let rules = RuleSet::load(dir)?;
        log_warnings(&rules);
        Ok(Reloader {
            dir: dir.to_path_buf(),
            current: Current(Arc::new(RwLock::new(Arc::new(Loaded::new(rules))))),
            tried,
            last_error: None,
        })
    }

    pub fn current(&self) -> Current {
        self.current.clone()
    }

    /// Reloads if the folder changed since the last attempt (or always, with `force`).
    /// Returns whether new rules are now in force.
    pub fn reload(&mut self, force: bool, why: &str) -> bool {
        let now = fingerprint(&self.dir);
        if !force && now == self.tried {
            return false;
        }
        self.tried = now;
        // A panic while loading is one more way for the new rules to be bad.
        let loaded = crate::panics::catch(|| RuleSet::load(&self.dir)).unwrap_or_else(|panic| {
            Err(crate::rules::RuleErrors(vec![crate::rules::RuleError::file(
                &self.dir,
                format!("copydesk crashed while loading the rules ({panic}); this is a bug in copydesk: please report it with the rule file last edited"),
            )]))
        });
        match loaded {
            Ok(rules) => {
                log_warnings(&rules);
                let loaded = Loaded::new(rules);
                tracing::info!(
                    rules = %self.dir.display(),
                    sites = loaded.sites,
                    reason = why,
                    "rules reloaded"
                );
                self.current.set(loaded);
                self.last_error = None;
                true
            }
            Err(errors) => {
                for e in &errors.0 {
                    tracing::error!(reason = why, "{e}");
                }
                tracing::error!(
                    rules = %self.dir.display(),
                    problems = errors.0.len(),
                    "rules not reloaded: fix the problems above (copydesk check lists them); the last good rules stay in force"
                );
                self.last_error = Some(errors.to_string());
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "[site]\nid = \"a\"\nname = \"Alpha\"\nhosts = [\"a.test\"]\n";

    #[test]
    fn a_broken_edit_keeps_the_last_good_rules() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, SITE).unwrap();
        let mut r = Reloader::start(dir.path()).unwrap();
        let current = r.current();
        assert_eq!(current.get().sites, 1);
        assert!(!r.reload(false, "test"), "nothing changed");

        std::fs::write(&file, "[site]\nid = \"a\"\nname = \n").unwrap();
        assert!(!r.reload(false, "test"));
        assert!(
            r.last_error.as_deref().unwrap().contains("a.toml:3:"),
            "{:?}",
            r.last_error
        );
        assert_eq!(current.get().engine.rules().sites[0].name, "Alpha");

        std::fs::write(&file, SITE.replace("Alpha", "Beta")).unwrap();
        assert!(r.reload(false, "test"));
        assert!(r.last_error.is_none());
        assert_eq!(current.get().engine.rules().sites[0].name, "Beta");

        std::fs::remove_file(&file).unwrap();
        assert!(r.reload(false, "test"));
        assert_eq!(current.get().sites, 0);
    }

    #[test]
    fn a_selector_that_crashed_the_parser_is_a_reload_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, SITE).unwrap();
        let mut r = Reloader::start(dir.path()).unwrap();
        let bad =
            format!("{SITE}\n[html.remove.by]\nkind = \"other\"\nselector = 'class=byline'\n");
        std::fs::write(&file, bad).unwrap();
        assert!(!r.reload(false, "test"));
        let error = r.last_error.as_deref().unwrap();
        assert!(
            error.contains("a.toml:8:13: invalid CSS selector"),
            "{error}"
        );
        assert_eq!(r.current().get().sites, 1, "the last good rules stay");
    }
}

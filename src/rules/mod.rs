//! Rule files: one TOML file per site in a rules folder, plus the built-in generic set.
//!
//! Loading is all-or-nothing per folder: if any file has a problem, the whole load fails
//! with every problem listed, so a caller (the one-shot CLI or the service) can refuse it
//! and keep what it had. A typo must never silently switch a rule off.

mod compile;
pub mod compiled;
mod error;
pub mod model;
mod selector;

pub use compile::anchored;
pub use compiled::Site;
pub use error::{line_col, RuleError, RuleErrors};

use std::path::{Path, PathBuf};

/// The built-in rules for boilerplate common across sites, in the same format as a site's.
pub const GENERIC_RULES: &str = include_str!("generic.toml");

/// What `site.file` says for the generic set.
pub const GENERIC_FILE: &str = "<built-in generic.toml>";

/// Every site's rules and the generic set.
#[derive(Debug)]
pub struct RuleSet {
    pub generic: Site,
    pub sites: Vec<Site>,
    /// Every site's fingerprints in one set, so finding a dump's site is one pass over its
    /// lines however many sites there are.
    pub fingerprints: regex::RegexSet,
    /// For each pattern of `fingerprints`: (index into `sites`, index of the fingerprint).
    pub fingerprint_owner: Vec<(usize, usize)>,
    /// For each pattern of `fingerprints`: a word or label many sites print, which never
    /// identifies a site on its own (see [`crate::learn::fingerprint`]).
    pub fingerprint_weak: Vec<bool>,
}

impl RuleSet {
    /// Only the built-in generic rules.
    pub fn builtin() -> RuleSet {
        RuleSet::from_sites(Vec::new()).expect("no fingerprints, nothing to outgrow")
    }

    /// A rule set of `sites` (already compiled) and the generic rules. Fails only when all
    /// sites' fingerprints together exceed the regex size limit: an error, never a set
    /// that silently recognises no site.
    pub fn from_sites(sites: Vec<Site>) -> Result<RuleSet, regex::Error> {
        let mut patterns = Vec::new();
        let mut fingerprint_owner = Vec::new();
        for (s, site) in sites.iter().enumerate() {
            for (f, fp) in site.fingerprints.iter().enumerate() {
                patterns.push(fp.as_str().to_string());
                fingerprint_owner.push((s, f));
            }
        }
        // Each pattern compiled alone already; together they only risk the size limit.
        let fingerprints = regex::RegexSetBuilder::new(&patterns)
            .size_limit(64 << 20)
            .build()?;
        let fingerprint_weak = patterns
            .iter()
            .map(|p| crate::learn::fingerprint::is_weak(p))
            .collect();
        Ok(RuleSet {
            generic: generic(),
            sites,
            fingerprints,
            fingerprint_owner,
            fingerprint_weak,
        })
    }

    /// Loads every `*.toml` file of `dir` (not recursing), in name order.
    pub fn load(dir: &Path) -> Result<RuleSet, RuleErrors> {
        let files = rule_files(dir).map_err(|e| RuleErrors(vec![e]))?;
        let mut sites: Vec<Site> = Vec::new();
        let mut errors = Vec::new();
        for file in files {
            match load_file(&file) {
                Ok(site) => {
                    if let Some(other) = sites.iter().find(|s| s.id == site.id) {
                        let other = other.file.as_deref().unwrap_or(Path::new("?"));
                        errors.push(RuleError::file(
                            &file,
                            format!(
                                "site id {:?} is already used by {}: ids must be unique",
                                site.id,
                                other.display()
                            ),
                        ));
                    } else {
                        sites.push(site);
                    }
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        RuleSet::from_sites(sites).map_err(|e| {
            RuleErrors(vec![RuleError::file(
                dir,
                format!("the sites' fingerprints together are too large to match at once ({e}); use fewer or simpler fingerprints"),
            )])
        })
    }

    /// A site by id.
    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }
}

/// Parses and compiles one rule file.
pub fn load_file(file: &Path) -> Result<Site, Vec<RuleError>> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| vec![RuleError::file(file, format!("cannot read rule file: {e}"))])?;
    compile_str(file, &source)
}

/// Compiles rule-file text that is not on disk (tests, tools); `name` stands for the file.
/// A bug in compiling (a dependency's panic included) is reported as a problem of the
/// file, so no rule file can crash `check`, `clean` or a hot reload.
pub fn compile_str(name: &Path, source: &str) -> Result<Site, Vec<RuleError>> {
    crate::panics::catch(|| compile::compile_source(name, source, false)).unwrap_or_else(|panic| {
        Err(vec![RuleError::file(
            name,
            format!("copydesk crashed while compiling this file ({panic}); this is a bug in copydesk: please report it with the file, and change the rule that was last edited meanwhile"),
        )])
    })
}

fn generic() -> Site {
    compile::compile_source(Path::new(GENERIC_FILE), GENERIC_RULES, true)
        .unwrap_or_else(|e| panic!("built-in generic rules are invalid: {}", RuleErrors(e)))
}

/// The rule files of a folder, sorted.
pub fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, RuleError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        RuleError::file(
            dir,
            format!("cannot read the rules folder ({e}); create it or point --rules at one"),
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_generic_rules_compile() {
        let g = generic();
        assert_eq!(g.id, "generic");
        assert!(g.file.is_none());
        assert!(!g.text.rules.is_empty());
    }

    fn errors(src: &str) -> Vec<String> {
        compile_str(Path::new("x.toml"), src)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn unknown_key_is_reported_with_its_line() {
        let e = errors("[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\nfingerprint = []\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("x.toml:5:1: unknown field `fingerprint`"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_regex_is_reported_at_the_pattern() {
        let e = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[text.remove.x]\nkind = \"share\"\nline = 'Share ('\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("x.toml:8:9: invalid regex: unclosed group"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_regex_in_a_list_is_reported_at_its_own_line() {
        let e = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[text.remove.x]\nkind = \"share\"\nline = [\n  'ok',\n  'bad[',\n]\n",
        );
        assert!(
            e[0].starts_with("x.toml:10:4: invalid regex: unclosed character class"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_selector_is_reported() {
        let e = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[html.remove.x]\nkind = \"share\"\nselector = 'div[[['\n",
        );
        assert!(
            e[0].starts_with("x.toml:8:13: invalid CSS selector"),
            "{e:?}"
        );
    }

    #[test]
    fn unknown_kind_is_an_error() {
        let e = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[text.remove.x]\nkind = \"sahre\"\nline = 'x'\n",
        );
        assert!(
            e[0].contains("x.toml:7:8: unknown variant `sahre`"),
            "{e:?}"
        );
    }

    #[test]
    fn a_rule_with_two_actions_or_none_is_an_error() {
        let two = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[text.remove.x]\nkind = \"share\"\nline = 'x'\nfrom = 'y'\n",
        );
        assert!(two[0].contains("more than one"), "{two:?}");
        let none = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[text.remove.x]\nkind = \"share\"\n",
        );
        assert!(none[0].starts_with("x.toml:6:"), "{none:?}");
        assert!(none[0].contains("removes nothing"), "{none:?}");
    }

    #[test]
    fn a_site_that_can_never_match_is_an_error() {
        let e = errors("[site]\nid = \"a\"\nname = \"A\"\n");
        assert!(e[0].contains("needs `hosts` or `fingerprints`"), "{e:?}");
    }

    #[test]
    fn duplicate_ids_across_files_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let body = "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n";
        std::fs::write(dir.path().join("a.toml"), body).unwrap();
        std::fs::write(dir.path().join("b.toml"), body).unwrap();
        let e = RuleSet::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("already used"), "{e}");
    }
}

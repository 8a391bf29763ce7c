//! Rule files: one TOML file per site in a rules folder, plus the built-in generic set.
//!
//! Loading is all-or-nothing per folder: if any file has a problem, the whole load fails
//! with every problem listed, so a caller (the one-shot CLI or the service) can refuse it
//! and keep what it had. A typo must never silently switch a rule off.

mod compile;
pub mod compiled;
mod error;
pub mod languages;
pub mod model;
pub mod prefilter;
mod selector;

pub use compile::anchored;
pub use compiled::Site;
pub use error::{line_col, RuleError, RuleErrors};
pub use languages::GENERIC_LANGUAGE_RULES;

use std::path::{Path, PathBuf};

/// The built-in rules for boilerplate common across sites, in the same format as a site's.
pub const GENERIC_RULES: &str = include_str!("generic.toml");

/// The id of the built-in generic set, reserved: no rule file may take it.
pub const GENERIC_ID: &str = "generic";

/// What `site.file` says for the generic set.
pub const GENERIC_FILE: &str = "<built-in generic.toml>";

/// Every site's rules and the generic set.
#[derive(Debug)]
pub struct RuleSet {
    pub generic: Site,
    /// The generic rules of each language beside English, compiled once per process.
    pub generic_languages: &'static [Site],
    pub sites: Vec<Site>,
    /// Every site's fingerprints in one set, so finding a dump's site is one pass over its
    /// lines however many sites there are.
    pub fingerprints: regex::RegexSet,
    /// For each pattern of `fingerprints`: (index into `sites`, index of the fingerprint).
    pub fingerprint_owner: Vec<(usize, usize)>,
    /// For each pattern of `fingerprints`: a word or label many sites print, which never
    /// identifies a site on its own (see [`crate::learn::fingerprint`]).
    pub fingerprint_weak: Vec<bool>,
    /// Problems that do not stop the rules from loading, every file's, in file order.
    pub warnings: Vec<RuleError>,
}

impl RuleSet {
    /// Only the built-in generic rules.
    pub fn builtin() -> RuleSet {
        RuleSet::from_sites(Vec::new()).expect("no fingerprints, nothing to outgrow")
    }

    /// A rule set of `sites` (already compiled) and the generic rules. Fails only when all
    /// sites' fingerprints together exceed the regex size limit: an error, never a set
    /// that silently recognises no site.
    pub fn from_sites(mut sites: Vec<Site>) -> Result<RuleSet, regex::Error> {
        for site in &mut sites {
            if !site.disable_generic.is_empty() {
                // Checked against the generic rules' names when the site was compiled.
                let own = compile::compile_excluding(
                    Path::new(GENERIC_FILE),
                    GENERIC_RULES,
                    true,
                    &site.disable_generic,
                )
                .unwrap_or_else(|e| {
                    panic!("built-in generic rules are invalid: {}", RuleErrors(e))
                });
                site.own_generic = Some(Box::new(own));
            }
        }
        let warnings = sites.iter().flat_map(|s| s.warnings.clone()).collect();
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
            generic_languages: languages::compiled(),
            sites,
            fingerprints,
            fingerprint_owner,
            fingerprint_weak,
            warnings,
        })
    }

    /// Loads every `*.toml` file of `dir` (not recursing), in name order.
    pub fn load(dir: &Path) -> Result<RuleSet, RuleErrors> {
        let files = rule_files(dir).map_err(|e| RuleErrors(vec![e]))?;
        let mut sites: Vec<Site> = Vec::new();
        let mut errors = Vec::new();
        for file in files {
            match load_file(&file) {
                Ok(site) => sites.push(site),
                Err(mut e) => errors.append(&mut e),
            }
        }
        errors.extend(duplicate_ids(&sites));
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

/// One error for each id two files share, naming both, on the file changed last: the
/// older file was there first, and the newer one (a copy being edited, most likely) is
/// the one to fix.
fn duplicate_ids(sites: &[Site]) -> Vec<RuleError> {
    let modified = |s: &Site| {
        s.file
            .as_deref()
            .and_then(|f| std::fs::metadata(f).ok())
            .and_then(|m| m.modified().ok())
    };
    let mut errors = Vec::new();
    for (i, a) in sites.iter().enumerate() {
        for b in &sites[i + 1..] {
            if a.id != b.id {
                continue;
            }
            // Ties (same second, or no times) blame the later name.
            let (older, newer) = if modified(b) >= modified(a) {
                (a, b)
            } else {
                (b, a)
            };
            let path = |s: &Site| s.file.as_deref().unwrap_or(Path::new("?")).to_path_buf();
            let source = std::fs::read_to_string(path(newer)).unwrap_or_default();
            let at = source.find(&format!("{:?}", newer.id)).unwrap_or(0);
            errors.push(RuleError::at(
                &path(newer),
                &source,
                at,
                format!(
                    "site id {:?} is also the id of {}, and ids must be unique: give this file its own id (or delete one of the two files)",
                    newer.id,
                    path(older).display()
                ),
            ));
        }
    }
    errors
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
            e[0].starts_with("x.toml:5:1: [site]: unknown key `fingerprint`: the keys here are `id`, `name`, `hosts`, `fingerprints`"),
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
            e[0].starts_with("x.toml:7:8: rule `x`: `kind` = \"sahre\" is not allowed: use one of `navigation`, "),
            "{e:?}"
        );
        assert!(e[0].contains("for example kind = \"share\""), "{e:?}");
    }

    #[test]
    fn a_rule_with_two_actions_or_none_is_an_error() {
        let two = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[text.remove.x]\nkind = \"share\"\nline = 'x'\nfrom = 'y'\n",
        );
        assert!(
            two[0].contains("rule `x`: the rule has both `line` and `from`"),
            "{two:?}"
        );
        let none = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[text.remove.x]\nkind = \"share\"\n",
        );
        assert!(none[0].starts_with("x.toml:6:"), "{none:?}");
        assert!(none[0].contains("removes nothing"), "{none:?}");
    }

    #[test]
    fn every_rule_with_a_problem_is_reported_in_one_run() {
        let e = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n\
             [text.remove.one]\nkind = \"share\"\nlien = 'x'\n\n\
             [text.remove.two]\nkind = \"sahre\"\nline = 'y'\n\n\
             [text.remove.three]\nkind = \"share\"\nline = 'bad('\n\n\
             [html.remove.four]\nkind = \"share\"\nselector = ['.ok', '.']\n\n\
             [html.metadata]\ntitle = { selectr = 'h1' }\n",
        );
        assert_eq!(e.len(), 5, "{e:#?}");
        assert!(
            e[0].starts_with("x.toml:8:1: rule `one`: unknown key `lien`"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("x.toml:11:8: rule `two`: `kind` = \"sahre\""),
            "{e:?}"
        );
        assert!(e[2].starts_with("x.toml:16:9: invalid regex"), "{e:?}");
        assert!(
            e[3].starts_with(
                "x.toml:20:21: invalid CSS selector \".\": a `.` must be followed by a class name"
            ),
            "{e:?}"
        );
        assert!(
            e[4].starts_with("x.toml:23:") && e[4].contains("unknown key `selectr`"),
            "{e:?}"
        );
        assert!(
            !e.iter()
                .any(|m| m.contains("untagged") || m.contains("Delim")),
            "{e:?}"
        );
    }

    #[test]
    fn a_selector_the_parser_chokes_on_is_an_error_not_a_crash() {
        let e = errors(
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[html.remove.x]\nkind = \"other\"\nselector = 'class=byline'\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("x.toml:8:13: invalid CSS selector"),
            "{e:?}"
        );
    }

    #[test]
    fn html_removals_take_a_list_of_selectors() {
        let site = compile_str(
            Path::new("x.toml"),
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n[html.remove.x]\nkind = \"share\"\nselector = ['.share', 'aside.promo']\n",
        )
        .unwrap();
        let doc = scraper::Html::parse_fragment(
            "<div class=share></div><aside class=promo></aside><aside></aside>",
        );
        assert_eq!(doc.select(&site.html.remove[0].selector).count(), 2);
    }

    #[test]
    fn rules_that_match_every_line_or_an_empty_one_are_warned_about() {
        let site = compile_str(
            Path::new("x.toml"),
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\n\n\
             [text.remove.all]\nkind = \"other\"\nline = '.*'\n\n\
             [text.remove.maybe]\nkind = \"other\"\nline = '(Share)?'\n\n\
             [text.remove.fine]\nkind = \"share\"\nfrom = 'Comments'\nmax_lines = 3\n",
        )
        .unwrap();
        let w: Vec<String> = site.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(w.len(), 3, "{w:#?}");
        assert!(
            w[0].starts_with(
                "x.toml:8:9: warning: rule `all`: the pattern \".*\" matches every line"
            ),
            "{w:?}"
        );
        assert!(w[1].starts_with("x.toml:12:9: warning: rule `maybe`: the pattern \"(Share)?\" matches an empty line"), "{w:?}");
        assert!(
            w[2].contains("`max_lines` does nothing on a `from` rule"),
            "{w:?}"
        );
    }

    #[test]
    fn the_generic_id_is_reserved_and_single_generic_rules_can_be_disabled() {
        let e = errors("[site]\nid = \"generic\"\nname = \"G\"\nhosts = [\"g.com\"]\n");
        assert!(
            e[0].contains("reserved for the built-in generic rules"),
            "{e:?}"
        );
        let e = errors("[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\ndisable_generic = [\"generic/no-such-rule\"]\n");
        assert!(
            e[0].starts_with("x.toml:5:20: disable_generic: there is no generic rule"),
            "{e:?}"
        );

        let site = compile_str(
            Path::new("x.toml"),
            "[site]\nid = \"a\"\nname = \"A\"\nhosts = [\"a.com\"]\ndisable_generic = [\"generic/share-bar\"]\n",
        )
        .unwrap();
        let rules = RuleSet::from_sites(vec![site]).unwrap();
        let site = &rules.sites[0];
        let own = site.generic_layer(&rules.generic).unwrap();
        let names = |s: &Site| {
            s.rule_names()
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert!(names(&rules.generic).contains(&"generic/share-bar".to_string()));
        assert!(!names(own).contains(&"generic/share-bar".to_string()));
        assert_eq!(names(own).len() + 1, names(&rules.generic).len());
    }

    #[test]
    fn every_action_is_documented() {
        let doc = include_str!("../../docs/rule-authoring.md");
        for key in model::Action::<(), ()>::KEYS {
            let first = key.split('`').next().unwrap();
            assert!(
                doc.contains(&format!("`{first} = ")),
                "action `{key}` is missing from docs/rule-authoring.md"
            );
        }
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
        // b.toml is the newer file: it is the one blamed, and the message names a.toml.
        let older = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(dir.path().join("a.toml"))
            .unwrap()
            .set_modified(older)
            .unwrap();
        let e = RuleSet::load(dir.path()).unwrap_err();
        assert_eq!(e.0.len(), 1, "{e}");
        let text = e.to_string();
        assert!(
            text.contains("b.toml:2:6: site id \"a\" is also the id of"),
            "{e}"
        );
        assert!(text.contains("a.toml"), "{e}");
        // Now a.toml is the newer one.
        std::fs::File::options()
            .write(true)
            .open(dir.path().join("b.toml"))
            .unwrap()
            .set_modified(older - std::time::Duration::from_secs(60))
            .unwrap();
        let e = RuleSet::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("a.toml:2:6: site id"), "{e}");
    }
}

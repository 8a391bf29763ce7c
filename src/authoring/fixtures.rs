//! Finding fixtures: sample dumps of each site, each with its snapshot beside it.
//!
//! One convention, so authors always know where to look:
//!
//! ```text
//! tests/fixtures/<site-id>/<name>.txt|.html|.json|…      the dump, as the scraper gave it
//! tests/fixtures/<site-id>/<name>.expected.md            what copydesk must make of it
//! tests/fixtures/generic/…                               dumps no site rule may claim
//! ```
//!
//! The folder names the site that must recognise the dump, so a fingerprint that stops
//! matching fails the suite instead of quietly falling back to the generic rules.

use crate::input;
use std::path::{Path, PathBuf};

/// The suffix of a snapshot file.
pub const SNAPSHOT_SUFFIX: &str = ".expected.md";

/// The folder of dumps that no site rule may claim.
pub const GENERIC_FOLDER: &str = "generic";

/// One sample dump and where its snapshot goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    /// The folder name: the site id that must recognise the dump, or `generic`.
    pub site: String,
    /// The dump.
    pub input: PathBuf,
    /// `<name>.expected.md` beside the dump (it may not exist yet).
    pub snapshot: PathBuf,
    /// `site/file`, with `/` on every platform: stable in snapshots and messages.
    pub rel: String,
}

impl Fixture {
    /// The snapshot's path relative to the fixtures folder, for messages.
    pub fn snapshot_rel(&self) -> String {
        let name = self
            .snapshot
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("{}/{name}", self.site)
    }

    /// True for the `generic` folder.
    pub fn expects_generic(&self) -> bool {
        self.site == GENERIC_FOLDER
    }
}

/// What was found under a fixtures folder.
#[derive(Debug, Default)]
pub struct Found {
    pub fixtures: Vec<Fixture>,
    /// Things that look like mistakes (stray files, orphan snapshots, name clashes).
    pub warnings: Vec<String>,
    /// False when the folder does not exist (a new project: zero fixtures, not an error).
    pub exists: bool,
}

/// Finds every fixture under `root`, sorted by site and name. `sites` limits the search to
/// those folders (all when empty).
pub fn discover(root: &Path, sites: &[String]) -> std::io::Result<Found> {
    let mut found = Found::default();
    if !root.is_dir() {
        return Ok(found);
    }
    found.exists = true;
    for dir in sorted_entries(root)? {
        let name = file_name(&dir);
        if name.starts_with('.') {
            continue;
        }
        if !dir.is_dir() {
            found.warnings.push(format!(
                "{}: ignored; put dumps in a folder named after their site id",
                dir.display()
            ));
            continue;
        }
        if !sites.is_empty() && !sites.contains(&name) {
            continue;
        }
        site_folder(&dir, &name, &mut found)?;
    }
    Ok(found)
}

fn site_folder(dir: &Path, site: &str, found: &mut Found) -> std::io::Result<()> {
    let entries = sorted_entries(dir)?;
    let mut stems: Vec<String> = Vec::new();
    for path in &entries {
        let name = file_name(path);
        if name.starts_with('.') || !path.is_file() {
            continue;
        }
        if let Some(stem) = name.strip_suffix(SNAPSHOT_SUFFIX) {
            let has_dump = input::dump_extensions()
                .iter()
                .any(|ext| dir.join(format!("{stem}.{ext}")).is_file());
            if !has_dump {
                found.warnings.push(format!(
                    "{}: snapshot without a dump; delete it or restore {stem}.txt/.html/.json",
                    path.display()
                ));
            }
            continue;
        }
        let Some((stem, ext)) = name.rsplit_once('.') else {
            found.warnings.push(ignored(path));
            continue;
        };
        if input::Format::from_extension(ext).is_none() {
            if !ext.eq_ignore_ascii_case("md") {
                found.warnings.push(ignored(path));
            }
            continue;
        }
        if stems.iter().any(|s| s == stem) {
            found.warnings.push(format!(
                "{}: ignored; another dump in this folder is also named {stem:?} and they \
                 would share {stem}{SNAPSHOT_SUFFIX}: rename one",
                path.display()
            ));
            continue;
        }
        stems.push(stem.to_string());
        found.fixtures.push(Fixture {
            site: site.to_string(),
            input: path.clone(),
            snapshot: dir.join(format!("{stem}{SNAPSHOT_SUFFIX}")),
            rel: format!("{site}/{name}"),
        });
    }
    Ok(())
}

fn ignored(path: &Path) -> String {
    format!(
        "{}: ignored; fixtures are .{} files",
        path.display(),
        input::dump_extensions().join(", .")
    )
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_dumps_with_their_snapshot_paths() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("acme");
        fs::create_dir_all(&site).unwrap();
        fs::write(site.join("b.html"), "<p>x</p>").unwrap();
        fs::write(site.join("a.txt"), "x").unwrap();
        fs::write(site.join("a.expected.md"), "x").unwrap();
        fs::write(site.join("notes.md"), "x").unwrap();
        let found = discover(dir.path(), &[]).unwrap();
        assert!(found.exists);
        let rels: Vec<_> = found.fixtures.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["acme/a.txt", "acme/b.html"]);
        assert_eq!(found.fixtures[0].snapshot, site.join("a.expected.md"));
        assert_eq!(found.fixtures[1].snapshot_rel(), "acme/b.expected.md");
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    }

    #[test]
    fn warns_about_strays_orphans_and_clashes() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("acme");
        fs::create_dir_all(&site).unwrap();
        fs::write(dir.path().join("loose.txt"), "x").unwrap();
        fs::write(site.join("gone.expected.md"), "x").unwrap();
        fs::write(site.join("a.txt"), "x").unwrap();
        fs::write(site.join("a.json"), "{}").unwrap();
        fs::write(site.join("image.png"), "x").unwrap();
        let found = discover(dir.path(), &[]).unwrap();
        assert_eq!(found.fixtures.len(), 1);
        let w = found.warnings.join("\n");
        assert!(w.contains("loose.txt: ignored"), "{w}");
        assert!(
            w.contains("gone.expected.md: snapshot without a dump"),
            "{w}"
        );
        assert!(w.contains("also named \"a\""), "{w}");
        assert!(w.contains("image.png: ignored"), "{w}");
    }

    #[test]
    fn missing_folder_is_zero_fixtures_and_sites_filter() {
        let found = discover(Path::new("no/such/folder"), &[]).unwrap();
        assert!(!found.exists && found.fixtures.is_empty());
        let dir = tempfile::tempdir().unwrap();
        for s in ["a", "b"] {
            fs::create_dir_all(dir.path().join(s)).unwrap();
            fs::write(dir.path().join(s).join("x.txt"), "x").unwrap();
        }
        let found = discover(dir.path(), &["b".to_string()]).unwrap();
        assert_eq!(found.fixtures.len(), 1);
        assert_eq!(found.fixtures[0].site, "b");
    }
}

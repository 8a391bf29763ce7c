//! What happens to a dump once copydesk is done with it.
//!
//! These run only after the outcome is safe: a cleaned dump leaves the inbox's top level
//! after its article is durable in the outbox, and a bad one after its error file is
//! durable in `failed/`. Until then the dump stays where it was, so a crash at any moment
//! means "clean it again" (to the same output name), never "lost".
//!
//! Moves never overwrite: a dump whose name is already taken in `processed/` or
//! `failed/` gets a numbered name beside it (`a.1.txt`). Only one worker handles a given
//! inbox name at a time, so checking for a free name and then renaming does not race with
//! ourselves.

use crate::output::{fit_name, write_atomic};
use std::io;
use std::path::{Path, PathBuf};

/// Moves `file` into `dir` (created if needed) under its own name or a free numbered one.
pub fn move_into(file: &Path, dir: &Path) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    move_into_existing(file, dir)
}

/// [`move_into`] for a `dir` known to exist (a group commit creates it once per batch).
/// The move is not synced: the caller syncs both folders once for many moves.
pub fn move_into_existing(file: &Path, dir: &Path) -> io::Result<PathBuf> {
    let name = file_name(file)?;
    let target = free_name(dir, &name, &[]);
    std::fs::rename(file, &target)?;
    Ok(target)
}

/// Why a dump was refused, for its error file.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What went wrong, as the user should read it.
    pub error: String,
    /// The rule file that was applying, or why there is none.
    pub rule: String,
    /// Which rules were in force (folder, how many sites, since when).
    pub rules: String,
    /// When it happened (RFC 3339, UTC).
    pub when: String,
}

/// Moves a bad dump into `failed_dir` with an error file beside it (`<name>.error`).
/// Returns where the dump went.
///
/// The dump moves first and its error file follows (written to a temp name, synced, then
/// renamed), so an error file always names a dump that is there. A crash between the two
/// leaves a dump in `failed/` without its error file; [`explain_orphans`] writes one at the
/// next start.
pub fn quarantine(file: &Path, failed_dir: &Path, why: &Failure) -> io::Result<PathBuf> {
    std::fs::create_dir_all(failed_dir)?;
    let name = file_name(file)?;
    let target = free_name(failed_dir, &name, &[ERROR_SUFFIX]);
    let target_name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(&name)
        .to_string();
    let report = error_report(file, &target, why);
    std::fs::rename(file, &target)?;
    write_atomic(
        failed_dir,
        &format!("{target_name}{ERROR_SUFFIX}"),
        report.as_bytes(),
    )?;
    Ok(target)
}

/// What an error file's name adds to its dump's.
pub const ERROR_SUFFIX: &str = ".error";

/// Repairs what a crash in the middle of [`quarantine`] (or an older copydesk) left in
/// `failed_dir`: a dump without an error file gets one saying the reason was lost, and an
/// error file whose dump is not there is removed. Returns how many were repaired.
pub fn explain_orphans(failed_dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(failed_dir) else {
        return 0;
    };
    let names: std::collections::HashSet<std::ffi::OsString> =
        entries.flatten().map(|e| e.file_name()).collect();
    let mut repaired = 0;
    for name in &names {
        let Some(text) = name.to_str() else { continue };
        if text.starts_with('.') {
            continue;
        }
        let path = failed_dir.join(name);
        if let Some(dump) = text.strip_suffix(ERROR_SUFFIX) {
            if !names.contains(std::ffi::OsStr::new(dump)) && std::fs::remove_file(&path).is_ok() {
                tracing::warn!(file = %path.display(), "removed an error file whose dump is not in failed/");
                repaired += 1;
            }
            continue;
        }
        if names.contains(std::ffi::OsStr::new(&format!("{text}{ERROR_SUFFIX}"))) {
            continue;
        }
        let why = Failure {
            error: "copydesk stopped (a crash or a kill) after moving this dump here and before writing why; the reason is lost".into(),
            rule: "unknown".into(),
            rules: "unknown".into(),
            when: super::now_rfc3339(),
        };
        let report = error_report(&path, &path, &why);
        match write_atomic(
            failed_dir,
            &format!("{text}{ERROR_SUFFIX}"),
            report.as_bytes(),
        ) {
            Ok(_) => {
                tracing::warn!(file = %path.display(), "wrote the missing error file of a dump in failed/");
                repaired += 1;
            }
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot write the missing error file")
            }
        }
    }
    repaired
}

/// The text of an error file.
pub fn error_report(file: &Path, moved_to: &Path, why: &Failure) -> String {
    format!(
        "copydesk could not clean this dump.\n\
         \n\
         input:    {}\n\
         moved to: {}\n\
         when:     {}\n\
         error:    {}\n\
         rule:     {}\n\
         rules:    {}\n\
         copydesk: {}\n\
         \n\
         To try again, fix the dump (or the scraper that wrote it, or the rule) and move it\n\
         back into the inbox.\n",
        file.display(),
        moved_to.display(),
        why.when,
        why.error,
        why.rule,
        why.rules,
        env!("CARGO_PKG_VERSION"),
    )
}

fn file_name(file: &Path) -> io::Result<String> {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))
}

/// `dir/name`, or `dir/stem.N.ext` with the smallest N that is free; a name is free when
/// neither it nor it with any of `companions` appended exists. Every name, companions
/// included, fits the file system's limit (a long stem is cut and tagged with a hash).
fn free_name(dir: &Path, name: &str, companions: &[&str]) -> PathBuf {
    let reserve = companions.iter().map(|c| c.len()).max().unwrap_or(0);
    let taken = |candidate: &str| {
        dir.join(candidate).symlink_metadata().is_ok()
            || companions.iter().any(|c| {
                dir.join(format!("{candidate}{c}"))
                    .symlink_metadata()
                    .is_ok()
            })
    };
    let (stem, ext) = match name.rfind('.') {
        // An extension is kept only while it is short enough to be one.
        Some(i) if i > 0 && name.len() - i <= 16 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    let first = fit_name(stem, ext, reserve);
    if !taken(&first) {
        return dir.join(first);
    }
    let mut n = 1u64;
    loop {
        let candidate = fit_name(stem, &format!(".{n}{ext}"), reserve);
        if !taken(&candidate) {
            return dir.join(candidate);
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn moving_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let processed = dir.path().join("processed");
        for (i, body) in ["one", "two", "three"].iter().enumerate() {
            let f = dir.path().join("a.txt");
            fs::write(&f, body).unwrap();
            let to = move_into(&f, &processed).unwrap();
            let expected = ["a.txt", "a.1.txt", "a.2.txt"][i];
            assert_eq!(to, processed.join(expected));
            assert_eq!(fs::read_to_string(&to).unwrap(), *body);
            assert!(!f.exists());
        }
        let f = dir.path().join("noext");
        fs::write(&f, "x").unwrap();
        move_into(&f, &processed).unwrap();
        fs::write(&f, "y").unwrap();
        assert_eq!(
            move_into(&f, &processed).unwrap(),
            processed.join("noext.1")
        );
    }

    #[test]
    fn quarantine_writes_the_error_file_beside_the_dump() {
        let dir = tempfile::tempdir().unwrap();
        let failed = dir.path().join("failed");
        let why = Failure {
            error: "inbox/bad.txt is empty: nothing to clean".into(),
            rule: "none".into(),
            rules: "rules (0 site files)".into(),
            when: "2026-01-01T00:00:00Z".into(),
        };
        for expected in ["bad.txt", "bad.1.txt"] {
            let f = dir.path().join("bad.txt");
            fs::write(&f, "").unwrap();
            let to = quarantine(&f, &failed, &why).unwrap();
            assert_eq!(to, failed.join(expected));
            assert!(!f.exists());
            let report = fs::read_to_string(failed.join(format!("{expected}.error"))).unwrap();
            assert!(
                report.contains("error:    inbox/bad.txt is empty"),
                "{report}"
            );
            assert!(
                report.contains("when:     2026-01-01T00:00:00Z"),
                "{report}"
            );
            assert!(report.contains("rule:     none"), "{report}");
        }
        // An error file left alone (a crash before its dump was moved) keeps its name taken.
        fs::write(failed.join("c.txt.error"), "orphan").unwrap();
        let f = dir.path().join("c.txt");
        fs::write(&f, "").unwrap();
        assert_eq!(
            quarantine(&f, &failed, &why).unwrap(),
            failed.join("c.1.txt")
        );
    }

    #[test]
    fn a_name_at_the_limit_is_quarantined_and_numbered_within_it() {
        let dir = tempfile::tempdir().unwrap();
        let failed = dir.path().join("failed");
        let processed = dir.path().join("processed");
        let name = format!("{}.txt", "é".repeat(125)); // 254 bytes
        let why = Failure {
            error: "bad".into(),
            rule: "none".into(),
            rules: "none".into(),
            when: "now".into(),
        };
        let mut seen = std::collections::HashSet::new();
        for _ in 0..3 {
            let f = dir.path().join(&name);
            fs::write(&f, "").unwrap();
            let to = quarantine(&f, &failed, &why).unwrap();
            let to_name = to.file_name().unwrap().to_str().unwrap().to_string();
            assert!(to_name.len() + ERROR_SUFFIX.len() <= crate::output::NAME_MAX);
            assert!(to_name.ends_with(".txt"), "{to_name}");
            assert!(failed.join(format!("{to_name}{ERROR_SUFFIX}")).is_file());
            assert!(seen.insert(to_name));
            fs::write(&f, "x").unwrap();
            let moved = move_into(&f, &processed).unwrap();
            assert!(moved.file_name().unwrap().len() <= crate::output::NAME_MAX);
        }
        assert_eq!(names(&processed).len(), 3);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    /// What a crash in the middle of a quarantine leaves (with either order of the two
    /// writes) is repaired at the next start: every error file names a dump that is there,
    /// and every dump has its error file.
    #[test]
    fn orphans_of_a_crash_during_quarantine_are_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let failed = dir.path().join("failed");
        fs::create_dir(&failed).unwrap();
        fs::write(failed.join("moved.txt"), "dump").unwrap();
        fs::write(failed.join("gone.txt.error"), "names a missing dump").unwrap();
        fs::write(failed.join("whole.txt"), "dump").unwrap();
        fs::write(failed.join("whole.txt.error"), "kept").unwrap();
        assert_eq!(explain_orphans(&failed), 2);
        assert_eq!(
            names(&failed),
            [
                "moved.txt",
                "moved.txt.error",
                "whole.txt",
                "whole.txt.error"
            ]
        );
        let report = fs::read_to_string(failed.join("moved.txt.error")).unwrap();
        assert!(report.contains("the reason is lost"), "{report}");
        assert_eq!(
            fs::read_to_string(failed.join("whole.txt.error")).unwrap(),
            "kept"
        );
    }
}

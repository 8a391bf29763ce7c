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

use crate::output::write_atomic;
use std::fs::File;
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
/// The error file is written durably first, so a dump in `failed/` always says why.
/// Returns where the dump went.
pub fn quarantine(file: &Path, failed_dir: &Path, why: &Failure) -> io::Result<PathBuf> {
    std::fs::create_dir_all(failed_dir)?;
    let name = file_name(file)?;
    let target = free_name(failed_dir, &name, &[".error"]);
    let target_name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(&name)
        .to_string();
    let report = error_report(file, &target, why);
    write_atomic(
        failed_dir,
        &format!("{target_name}.error"),
        report.as_bytes(),
    )?;
    std::fs::rename(file, &target)?;
    sync_dir(failed_dir)?;
    Ok(target)
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

/// Makes a rename in `dir` durable, so a dump seen in `failed/` stays there after a crash.
fn sync_dir(dir: &Path) -> io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn file_name(file: &Path) -> io::Result<String> {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))
}

/// `dir/name`, or `dir/stem.N.ext` with the smallest N that is free; a name is free when
/// neither it nor it with any of `companions` appended exists.
fn free_name(dir: &Path, name: &str, companions: &[&str]) -> PathBuf {
    let taken = |candidate: &str| {
        dir.join(candidate).symlink_metadata().is_ok()
            || companions.iter().any(|c| {
                dir.join(format!("{candidate}{c}"))
                    .symlink_metadata()
                    .is_ok()
            })
    };
    if !taken(name) {
        return dir.join(name);
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    let mut n = 1u64;
    loop {
        let candidate = format!("{stem}.{n}{ext}");
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
}

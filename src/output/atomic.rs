//! Atomic, durable writes: temp file in the same folder, fsync, rename, fsync the folder.
//! [`write_renamed`] stops before the folder sync, for callers that sync one folder once
//! for many files.
//!
//! A reader (or a crash) sees either no file or the whole file, never half of one. Temp
//! names start with a dot and end in `.tmp`, so nothing that lists outputs mistakes them
//! for articles, and a later run can sweep them.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `dir/name` atomically and durably; returns the final path.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = write_renamed(dir, name, bytes)?;
    sync_dir(dir)?;
    Ok(target)
}

/// Writes `bytes` to `dir/name` atomically, with its content durable but not yet its name:
/// the temp file is synced, then renamed, and the folder is left for the caller to sync.
///
/// This is the half of [`write_atomic`] that can be done file by file; syncing the folder
/// once after many of these makes them all durable at the cost of one sync (group commit).
/// A crash before that sync leaves either no `dir/name` or the whole file, never a torn one,
/// because the content was synced before the rename.
pub fn write_renamed(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = dir.join(name);
    // A long name must not make a temp name over the file system's limit.
    let tmp = dir.join(super::fit_name(
        &format!(".{name}"),
        &format!(
            ".{}-{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ),
        0,
    ));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| target)
}

/// Makes a rename in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_atomic(dir.path(), "a.md", b"hello").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"hello");
        write_atomic(dir.path(), "a.md", b"again").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"again");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.md")]);
    }

    #[test]
    fn a_name_at_the_limit_still_gets_a_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let name = "n".repeat(super::super::NAME_MAX);
        let p = write_atomic(dir.path(), &name, b"x").unwrap();
        assert_eq!(fs::read(p).unwrap(), b"x");
    }

    #[test]
    fn missing_folder_is_an_error_not_a_panic() {
        assert!(write_atomic(Path::new("/nonexistent/dir"), "a.md", b"x").is_err());
    }
}

//! Removing the temp files a crash left behind, at start.
//!
//! An atomic write that was interrupted leaves a `.<name>.<pid>-<n>.tmp` file: never an
//! output (it starts with a dot and was never renamed), but clutter that would pile up over
//! many crashes. Only folders copydesk alone writes are swept wholesale (the outbox and
//! `failed/`); in the inbox, where senders write their own dot-files, only copydesk's own
//! status temp files are touched. One outbox therefore belongs to one running copydesk.

use std::path::Path;

/// Removes the files in `dir` whose names start with `prefix` and end in `.tmp`.
/// Returns how many it removed.
pub fn temp_files(dir: &Path, prefix: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(prefix) && name.ends_with(".tmp")) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) => {
                    tracing::warn!(file = %entry.path().display(), error = %e, "cannot remove a stale temp file")
                }
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_matching_temp_files_go() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".a.md.1-0.tmp",
            "a.md",
            ".keep",
            "b.tmp",
            "..copydesk-status.json.1-2.tmp",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        assert_eq!(temp_files(dir.path(), "..copydesk-status.json."), 1);
        assert_eq!(temp_files(dir.path(), "."), 1);
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".keep", "a.md", "b.tmp"]);
    }
}

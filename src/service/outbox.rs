//! Making sure articles go to the outbox consumers read, and nowhere else.
//!
//! A path names whatever is there now. If the outbox's volume is unmounted under the
//! service, its path names the bare mount point; if someone renames the folder away and
//! makes a new one, it names that. Writing there and then moving the dumps to `processed/`
//! would lose the articles to every consumer. So the service remembers the outbox folder by
//! device and inode (the first time it sees it) and checks the path still leads there
//! before each write and each commit; when it does not, the outbox counts as unwritable:
//! the service pauses with the reason in its log and status, and carries on once the
//! original folder is back. A folder replaced on purpose needs a restart to be adopted.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The outbox folder the service writes to, held by identity.
#[derive(Debug, Clone)]
pub struct Outbox {
    path: PathBuf,
    id: OnceLock<(u64, u64)>,
}

impl Outbox {
    /// Remembers the folder at `path` now, if there is one (otherwise the first time the
    /// check finds one).
    pub fn new(path: &Path) -> Outbox {
        let outbox = Outbox {
            path: path.to_path_buf(),
            id: OnceLock::new(),
        };
        let _ = outbox.check();
        outbox
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the path still leads to the outbox folder the service started with; the
    /// error says what is wrong and what to do.
    pub fn check(&self) -> Result<(), String> {
        let meta = std::fs::metadata(&self.path).map_err(|e| {
            format!(
                "the outbox {} is not there ({e}); paused until it is back",
                self.path.display()
            )
        })?;
        if !meta.is_dir() {
            return Err(format!(
                "the outbox {} is not a folder; paused until the folder is back",
                self.path.display()
            ));
        }
        let id = folder_id(&meta);
        let held = *self.id.get_or_init(|| id);
        if held != id {
            return Err(format!(
                "the outbox {} is not the folder copydesk started with (device/inode {}:{}, now {}:{}): it was replaced, or its volume is unmounted; paused until the original folder is back (restart copydesk to adopt a new folder)",
                self.path.display(),
                held.0,
                held.1,
                id.0,
                id.1
            ));
        }
        Ok(())
    }
}

#[cfg(unix)]
fn folder_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn folder_id(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_or_missing_outbox_is_refused_until_the_original_is_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox");
        std::fs::create_dir(&path).unwrap();
        let outbox = Outbox::new(&path);
        assert_eq!(outbox.check(), Ok(()));
        let away = dir.path().join("away");
        std::fs::rename(&path, &away).unwrap();
        assert!(outbox.check().unwrap_err().contains("is not there"));
        std::fs::create_dir(&path).unwrap(); // a bare mount point
        let e = outbox.check().unwrap_err();
        assert!(e.contains("not the folder copydesk started with"), "{e}");
        std::fs::remove_dir(&path).unwrap();
        std::fs::rename(&away, &path).unwrap();
        assert_eq!(outbox.check(), Ok(()));
    }
}

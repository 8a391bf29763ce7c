//! Finding dumps in the inbox: which names count, listing the folder, and watching it.
//!
//! Filesystem events are hints, never the record: inotify drops events under load (the
//! `notify` crate says so itself), so every event only says "look at this name", an
//! overflow or a watcher error asks for a full rescan, and the caller rescans on a timer
//! as well. A name can therefore be reported many times; [`super::settle`] makes sure each
//! file is handed out once.

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::mpsc;

/// What the inbox watcher saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// Something happened to this inbox name; check it.
    Touched(PathBuf),
    /// This inbox name was created or written in place: a writer may have it open.
    Writing(PathBuf),
    /// The writer of this inbox name closed it (`IN_CLOSE_WRITE`).
    Closed(PathBuf),
    /// This name was renamed into the inbox: the sender finished it.
    RenamedIn(PathBuf),
    /// A file in the rules folder changed.
    RulesChanged,
    /// A folder appeared (created, or renamed into place) under the inbox's name: the
    /// inbox was replaced, and the watch on the old folder sees nothing of the new one.
    InboxReplaced,
}

/// Size and modification time: a file that keeps both still for a while is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub modified: Option<SystemTime>,
}

/// Whether an inbox file name can be a finished dump (any extension: the sender chose it,
/// and the content decides the format). Dotfiles and the usual temporary names
/// (`*.tmp`, `*.part`, `.#*` editor locks, `*~` backups) are a sender's work in progress.
pub fn is_inbox_candidate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !(name.is_empty()
        || name.starts_with('.')
        || name.ends_with('~')
        || lower.ends_with(".tmp")
        || lower.ends_with(".part"))
}

/// The stamp of the inbox entry at `path` (a symlink is not followed); `None` for a
/// folder or an entry that has gone. Entries that are not regular files (symlinks, FIFOs,
/// sockets, devices) have stamps too: they are taken in like dumps, so a worker can refuse
/// them with a reason instead of leaving them in the inbox unreported.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    (!meta.is_dir()).then(|| Stamp {
        size: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// Whether the entry at `path` looks like a file a writer is still filling in place: a
/// regular file with one name (a hard link made into the inbox is complete, and raises
/// no close event).
pub fn may_be_open_for_writing(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.nlink() == 1)
    }
    #[cfg(not(unix))]
    {
        std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
    }
}

/// Whether `path` sits directly in `inbox` under a dump name. A name that is not UTF-8 is
/// judged by its readable part, so it is reported (and refused) rather than ignored.
pub fn is_inbox_dump(inbox: &Path, path: &Path) -> bool {
    path.parent() == Some(inbox)
        && path
            .file_name()
            .is_some_and(|n| is_inbox_candidate(&n.to_string_lossy()))
}

/// Lists the dumps at the top level of `inbox`, skipping the names in `known`, stopping
/// after `limit` new ones. Returns them with their stamps, and whether it stopped early.
pub fn scan(
    inbox: &Path,
    limit: usize,
    known: impl Fn(&Path) -> bool,
) -> std::io::Result<(Vec<(PathBuf, Stamp)>, bool)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(inbox)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        if !is_inbox_candidate(&name.to_string_lossy()) {
            continue;
        }
        let path = inbox.join(&name);
        if known(&path) {
            continue;
        }
        if found.len() >= limit {
            return Ok((found, true));
        }
        if let Some(s) = stamp(&path) {
            found.push((path, s));
        }
    }
    Ok((found, false))
}

/// A live watch on the inbox, its parent folder and the rules folder; dropping it stops
/// the watch.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    inbox: PathBuf,
}

impl Watch {
    /// Watches the folder now at the inbox's path (after [`Hint::InboxReplaced`]).
    pub fn rewatch(&mut self) -> notify::Result<()> {
        let _ = self.watcher.unwatch(&self.inbox);
        self.watcher.watch(&self.inbox, RecursiveMode::NonRecursive)
    }
}

/// Watches `inbox` (top level only), the folder it is in (to notice a replaced inbox at
/// once) and `rules`, sending hints on `tx`. The channel is bounded: when it is full, or
/// the kernel's own queue overflowed, or the watcher hit an error, `rescan` is raised
/// instead, so a burst costs one rescan rather than memory.
pub fn watch(
    inbox: &Path,
    rules: &Path,
    tx: mpsc::Sender<Hint>,
    rescan: Arc<AtomicBool>,
    wake: Arc<tokio::sync::Notify>,
) -> notify::Result<Watch> {
    let inbox_dir = inbox.to_path_buf();
    let rules_dir = rules.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let event = match res {
            Ok(event) => event,
            Err(e) => {
                tracing::warn!(error = %e, "inbox watcher error; rescanning the inbox");
                rescan.store(true, Ordering::Relaxed);
                wake.notify_one();
                return;
            }
        };
        if event.need_rescan() {
            rescan.store(true, Ordering::Relaxed);
            wake.notify_one();
            return;
        }
        for hint in hints(&event, &inbox_dir, &rules_dir) {
            if tx.try_send(hint).is_err() {
                rescan.store(true, Ordering::Relaxed);
                wake.notify_one();
            }
        }
    })?;
    watcher.watch(inbox, RecursiveMode::NonRecursive)?;
    if let Some(parent) = inbox.parent() {
        if let Err(e) = watcher.watch(parent, RecursiveMode::NonRecursive) {
            tracing::warn!(folder = %parent.display(), error = %e, "cannot watch the inbox's parent folder; a replaced inbox is found by the periodic rescan only");
        }
    }
    if let Err(e) = watcher.watch(rules, RecursiveMode::NonRecursive) {
        tracing::warn!(rules = %rules.display(), error = %e, "cannot watch the rules folder; rule changes are found by the periodic rescan only");
    }
    Ok(Watch {
        watcher,
        inbox: inbox.to_path_buf(),
    })
}

/// What one event means for us. Reads (opens, closes after reading, including our own
/// workers') mean nothing and are dropped here.
fn hints(event: &notify::Event, inbox: &Path, rules: &Path) -> Vec<Hint> {
    let interesting = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        _ => false,
    };
    if !interesting {
        return Vec::new();
    }
    let renamed_in = matches!(
        event.kind,
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    );
    let mut out = Vec::new();
    for (i, path) in event.paths.iter().enumerate() {
        let parent = path.parent();
        if path == inbox {
            let arrived = matches!(event.kind, EventKind::Create(_))
                || (renamed_in && i + 1 == event.paths.len());
            if arrived && !out.contains(&Hint::InboxReplaced) {
                out.push(Hint::InboxReplaced);
            }
        } else if parent == Some(rules) {
            if path.extension().is_some_and(|e| e == "toml") && !out.contains(&Hint::RulesChanged) {
                out.push(Hint::RulesChanged);
            }
        } else if is_inbox_dump(inbox, path) && !matches!(event.kind, EventKind::Remove(_)) {
            // In a `Both` rename the first path is where the file came from.
            let is_target = i + 1 == event.paths.len();
            if renamed_in && is_target {
                out.push(Hint::RenamedIn(path.clone()));
            } else {
                match event.kind {
                    EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {}
                    EventKind::Modify(ModifyKind::Name(_)) => out.push(Hint::Touched(path.clone())),
                    EventKind::Access(_) => out.push(Hint::Closed(path.clone())),
                    _ => out.push(Hint::Writing(path.clone())),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::CreateKind;

    #[test]
    fn work_in_progress_names_are_not_dumps() {
        for name in [
            ".x.txt", ".#x.txt", "x.tmp", "x.TMP", "x.part", "x.txt~", "",
        ] {
            assert!(!is_inbox_candidate(name), "{name}");
        }
        for name in ["x.txt", "page.html", "env.json", "noext", "tmp.txt"] {
            assert!(is_inbox_candidate(name), "{name}");
        }
    }

    #[test]
    fn events_become_hints() {
        let inbox = Path::new("/in");
        let rules = Path::new("/rules");
        let ev = |kind, paths: &[&str]| {
            let mut e = notify::Event::new(kind);
            for p in paths {
                e = e.add_path(PathBuf::from(p));
            }
            hints(&e, inbox, rules)
        };
        let create = EventKind::Create(CreateKind::File);
        assert_eq!(
            ev(create, &["/in/a.txt"]),
            vec![Hint::Writing("/in/a.txt".into())]
        );
        let close = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert_eq!(
            ev(close, &["/in/a.txt"]),
            vec![Hint::Closed("/in/a.txt".into())]
        );
        assert_eq!(ev(create, &["/in/.a.txt"]), vec![]);
        assert_eq!(ev(create, &["/in/processed/a.txt"]), vec![]);
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert_eq!(
            ev(both, &["/in/.a.txt.part", "/in/a.txt"]),
            vec![Hint::RenamedIn("/in/a.txt".into())]
        );
        let from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        assert_eq!(ev(from, &["/in/a.txt"]), vec![]);
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        assert_eq!(ev(read, &["/in/a.txt"]), vec![]);
        assert_eq!(ev(create, &["/rules/site.toml"]), vec![Hint::RulesChanged]);
        assert_eq!(ev(create, &["/in"]), vec![Hint::InboxReplaced]);
        assert_eq!(ev(both, &["/old", "/in"]), vec![Hint::InboxReplaced]);
        assert_eq!(ev(from, &["/in"]), vec![]);
        assert_eq!(ev(create, &["/other"]), vec![]);
        assert_eq!(ev(create, &["/rules/.site.toml.swp"]), vec![]);
    }

    #[test]
    fn scan_lists_new_dumps_up_to_a_limit() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.txt", "b.txt", "c.txt", ".hidden", "d.part"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("processed")).unwrap();
        let known = dir.path().join("a.txt");
        let (found, more) = scan(dir.path(), 10, |p| p == known).unwrap();
        let mut names: Vec<_> = found
            .iter()
            .map(|(p, _)| p.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["b.txt", "c.txt"]);
        assert!(!more);
        let (found, more) = scan(dir.path(), 1, |_| false).unwrap();
        assert_eq!(found.len(), 1);
        assert!(more);
    }
}

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
    /// Something happened to this inbox name (created, written, closed); check it.
    Touched(PathBuf),
    /// This name was renamed into the inbox: the sender finished it.
    RenamedIn(PathBuf),
    /// A file in the rules folder changed.
    RulesChanged,
}

/// Size and modification time: a file that keeps both still for a while is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub modified: Option<SystemTime>,
}

/// Whether an inbox file name can be a dump. Dotfiles and the usual temporary names
/// (`*.tmp`, `*.part`, `.#*` editor locks, `*~` backups) are a sender's work in progress.
pub fn is_dump_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !(name.is_empty()
        || name.starts_with('.')
        || name.ends_with('~')
        || lower.ends_with(".tmp")
        || lower.ends_with(".part"))
}

/// The stamp of `path` if it is a regular file (following a symlink); `None` for anything
/// else, including a file that has gone.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| Stamp {
        size: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// Whether `path` sits directly in `inbox` under a dump name.
pub fn is_inbox_dump(inbox: &Path, path: &Path) -> bool {
    path.parent() == Some(inbox)
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_dump_name)
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
        if !name.to_str().is_some_and(is_dump_name) {
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

/// A live watch on the inbox and the rules folder; dropping it stops the watch.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
}

/// Watches `inbox` (top level only) and `rules`, sending hints on `tx`. The channel is
/// bounded: when it is full, or the kernel's own queue overflowed, or the watcher hit an
/// error, `rescan` is raised instead, so a burst costs one rescan rather than memory.
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
    if let Err(e) = watcher.watch(rules, RecursiveMode::NonRecursive) {
        tracing::warn!(rules = %rules.display(), error = %e, "cannot watch the rules folder; rule changes are found by the periodic rescan only");
    }
    Ok(Watch { _watcher: watcher })
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
        if parent == Some(rules) {
            if path.extension().is_some_and(|e| e == "toml") && !out.contains(&Hint::RulesChanged) {
                out.push(Hint::RulesChanged);
            }
        } else if is_inbox_dump(inbox, path) && !matches!(event.kind, EventKind::Remove(_)) {
            // In a `Both` rename the first path is where the file came from.
            let is_target = i + 1 == event.paths.len();
            if renamed_in && is_target {
                out.push(Hint::RenamedIn(path.clone()));
            } else if !matches!(
                event.kind,
                EventKind::Modify(ModifyKind::Name(RenameMode::From))
            ) {
                out.push(Hint::Touched(path.clone()));
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
            assert!(!is_dump_name(name), "{name}");
        }
        for name in ["x.txt", "page.html", "env.json", "noext", "tmp.txt"] {
            assert!(is_dump_name(name), "{name}");
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
            vec![Hint::Touched("/in/a.txt".into())]
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

//! Group commit: one folder sync makes many articles durable, then their dumps leave the
//! inbox.
//!
//! A worker leaves each article with its content synced and its final name in place
//! ([`super::pipeline::write`]), but the name itself is durable only once the
//! outbox folder is synced. Syncing the folder once per article costs a disk flush each;
//! syncing it once for every article written so far costs one flush for all of them,
//! which is most of what a burst of small dumps costs. The order per batch keeps the
//! crash promise:
//!
//! 1. sync the outbox: every article in the batch is now durable under its name;
//! 2. move each dump to `processed/` (or delete it), unless it changed meanwhile;
//! 3. sync `processed/` and the inbox once, so a crash does not bring the batch back.
//!
//! A crash before step 1 ends leaves the dumps in the inbox (cleaned again at the next
//! start, to the same names); a crash between 2 and 3 may bring some back the same way.
//! Nothing waits to fill a batch: the service commits whatever is written as soon as the
//! previous commit is over, so a lone file is committed at once.

use super::config::AfterSuccess;
use super::disposition;
use super::pipeline::{Outcome, Settings, Written};
use crate::output::sync_dir;
use std::path::PathBuf;

/// The most articles committed by one sync; more wait for the next one, so a huge batch
/// cannot delay the first dumps' moves for long.
pub const MAX_BATCH: usize = 512;

/// Commits `batch` (articles written by workers) and says how each dump ended.
pub fn commit(batch: Vec<Written>, settings: &Settings) -> Vec<(PathBuf, Outcome)> {
    // The articles count only if they are in the outbox folder consumers read: checked
    // after the sync as well, so a folder swapped during the batch keeps its dumps.
    let synced = settings
        .outbox_guard
        .check()
        .and_then(|()| {
            sync_dir(&settings.outbox)
                .map_err(|e| format!("cannot sync {}: {e}", settings.outbox.display()))
        })
        .and_then(|()| settings.outbox_guard.check());
    if let Err(error) = synced {
        return batch
            .into_iter()
            .map(|w| (w.entry.input, Outcome::OutboxError(error.clone())))
            .collect();
    }
    let made_dir = match settings.after {
        AfterSuccess::Move => std::fs::create_dir_all(&settings.processed_dir),
        AfterSuccess::Delete => Ok(()),
    };
    let mut left_inbox = 0;
    let outcomes: Vec<_> = batch
        .into_iter()
        .map(|w| {
            let outcome = dispose(&w, settings, made_dir.as_ref().err());
            if matches!(outcome, Outcome::Cleaned { .. }) {
                left_inbox += 1;
                w.log_cleaned();
            }
            (w.entry.input, outcome)
        })
        .collect();
    if left_inbox > 0 {
        let mut dirs = vec![&settings.inbox];
        if settings.after == AfterSuccess::Move {
            dirs.push(&settings.processed_dir);
        }
        for dir in dirs {
            if let Err(e) = sync_dir(dir) {
                // The articles are durable; at worst a crash brings these dumps back into
                // the inbox and they are cleaned again to the same names.
                tracing::warn!(folder = %dir.display(), error = %e, "cannot sync the moves out of the inbox");
            }
        }
    }
    outcomes
}

/// Moves (or deletes) one dump whose article is durable.
fn dispose(w: &Written, settings: &Settings, no_dir: Option<&std::io::Error>) -> Outcome {
    if !w.entry.unchanged() {
        // Rewritten or replaced since it was read: its article is of an older content.
        return Outcome::Changed;
    }
    let disposed = match (settings.after, no_dir) {
        (AfterSuccess::Move, Some(e)) => Err(std::io::Error::new(e.kind(), e.to_string())),
        (AfterSuccess::Move, None) => {
            match disposition::move_into_existing(&w.entry.input, &settings.processed_dir) {
                Ok(moved) if !w.entry.same_as(&moved) => return changed_after_move(w, &moved),
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            }
        }
        (AfterSuccess::Delete, _) => std::fs::remove_file(&w.entry.input),
    };
    match disposed {
        Ok(()) => Outcome::Cleaned {
            outputs: w.outputs(),
        },
        Err(e) => Outcome::Retry(format!(
            "its article(s) {} are written, but the dump cannot be {}: {e}",
            w.outputs()
                .iter()
                .map(|o| o.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            match settings.after {
                AfterSuccess::Move => "moved to processed/",
                AfterSuccess::Delete => "deleted",
            }
        )),
    }
}

/// A writer still holding the dump open wrote to it between the last check and the move:
/// its article is of an older content, so the dump goes back to the inbox to be cleaned
/// again (or, if its name was taken meanwhile, stays in `processed/` with a warning).
fn changed_after_move(w: &Written, moved: &std::path::Path) -> Outcome {
    let back = std::fs::symlink_metadata(&w.entry.input).is_err()
        && std::fs::rename(moved, &w.entry.input).is_ok();
    if back {
        tracing::warn!(input = %w.entry.input.display(), "the dump changed while it was being moved to processed/; it is cleaned again");
        Outcome::Changed
    } else {
        tracing::warn!(input = %w.entry.input.display(), moved_to = %moved.display(), "the dump changed while it was being moved to processed/ and its inbox name is taken: move it back into the inbox to clean it again");
        Outcome::Cleaned {
            outputs: w.outputs(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::pipeline::{self, Step};
    use crate::service::reload::Reloader;

    fn written(path: &std::path::Path, settings: &Settings) -> Written {
        let rules = Reloader::start(&settings.rules_dir).unwrap().current();
        let Step::Rendered(rendered) = pipeline::prepare(path, &rules, settings) else {
            panic!("not cleaned")
        };
        match pipeline::write(rendered, settings) {
            Step::Written(w) => w,
            other => panic!("not written: {other:?}"),
        }
    }

    #[test]
    fn a_batch_moves_its_dumps_once_durable_and_leaves_changed_ones() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::for_tests(dir.path());
        let a = settings.inbox.join("a.txt");
        let b = settings.inbox.join("b.txt");
        std::fs::write(&a, "Title A\n\nThe first story, whole.\n").unwrap();
        std::fs::write(&b, "Title B\n\nThe second story, whole.\n").unwrap();
        let batch = vec![written(&a, &settings), written(&b, &settings)];
        // b is rewritten by its sender after its article was written.
        std::fs::write(&b, "Title B\n\nThe second story, now longer than before.\n").unwrap();
        let outcomes = commit(batch, &settings);
        assert!(
            matches!(&outcomes[0], (p, Outcome::Cleaned { outputs }) if *p == a && outputs.len() == 1 && outputs[0].is_file())
        );
        assert_eq!(outcomes[1], (b.clone(), Outcome::Changed));
        assert!(!a.exists() && settings.processed_dir.join("a.txt").is_file());
        assert!(b.is_file(), "a changed dump stays in the inbox");

        // An outbox that cannot be synced keeps every dump of the batch where it is.
        let batch = vec![written(&b, &settings)];
        std::fs::remove_dir_all(&settings.outbox).unwrap();
        let outcomes = commit(batch, &settings);
        assert!(matches!(&outcomes[0], (p, Outcome::OutboxError(_)) if *p == b));
        assert!(b.is_file());
    }
}

//! One dump, start to finish, on a worker thread: clean, write the article, dispose.
//!
//! This is the CPU and disk work, so it runs on blocking threads, never on the async
//! runtime (whose threads must stay free for events, signals and timers). The order is
//! what makes a crash harmless: the article is durable in the outbox before the dump
//! leaves the inbox, and an error file is durable before a bad dump leaves it. Whatever
//! goes wrong is reported as an [`Outcome`] for the service to act on; nothing here panics
//! on bad input, and a panic in the engine is caught and treated as a bad dump, so one
//! poisonous file cannot stop the service or come back forever.

use super::config::AfterSuccess;
use super::disposition::{self, Failure};
use super::reload::Current;
use crate::input::InputError;
use crate::output::{self, Format};
use crate::Options;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// Where a worker puts things; the same for every file.
#[derive(Debug, Clone)]
pub struct Settings {
    pub outbox: PathBuf,
    pub failed_dir: PathBuf,
    pub processed_dir: PathBuf,
    pub format: Format,
    pub after: AfterSuccess,
    pub rules_dir: PathBuf,
}

/// How one file ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The article is in the outbox and the dump has left the inbox.
    Cleaned { output: PathBuf },
    /// The dump is in `failed/` with its error file.
    Failed { moved_to: PathBuf },
    /// The article could not be written; the dump stays in the inbox.
    OutboxError(String),
    /// Something else stopped it for now (the dump could not be read or moved); the dump
    /// stays in the inbox and is tried again later.
    Retry(String),
    /// The dump was replaced or rewritten while it was being cleaned: look at it again.
    Changed,
    /// The dump disappeared before it could be read (someone else took it).
    Gone,
}

/// What a file is: if any of it changes between reading and disposing, it is not the
/// file that was cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    size: u64,
    modified: Option<SystemTime>,
    inode: (u64, u64),
}

fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let inode = (0, 0);
    Some(Identity {
        size: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}

/// Cleans `path` with the rules in force and does what follows. Never panics.
pub fn process(path: &Path, rules: &Current, settings: &Settings) -> Outcome {
    let Some(before) = identity(path) else {
        return Outcome::Gone;
    };
    let loaded = rules.get();
    let started = Instant::now();
    let cleaned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        loaded.engine.clean_file(path, &Options::default())
    }));
    let rules_in_force = format!(
        "{} ({} site file(s), loaded {})",
        settings.rules_dir.display(),
        loaded.sites,
        loaded.loaded_at
    );
    let article = match cleaned {
        Ok(Ok(article)) => article,
        Ok(Err(InputError::Io { source, .. })) if source.kind() == std::io::ErrorKind::NotFound => {
            return Outcome::Gone
        }
        Ok(Err(e)) if may_pass(&e) => return Outcome::Retry(e.to_string()),
        Ok(Err(e)) => {
            return fail(
                path,
                before,
                settings,
                Failure {
                    error: e.to_string(),
                    rule:
                        "none: the dump was refused while being read, before a site rule was chosen"
                            .into(),
                    rules: rules_in_force,
                    when: super::now_rfc3339(),
                },
            )
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return fail(
                path,
                before,
                settings,
                Failure {
                    error: format!(
                        "copydesk crashed while cleaning this dump ({what}); this is a bug in copydesk: please report it with this file"
                    ),
                    rule: "unknown: the crash happened while the rules were applied".into(),
                    rules: rules_in_force,
                    when: super::now_rfc3339(),
                },
            );
        }
    };
    if identity(path) != Some(before) {
        // Still being written, or replaced: an article of what was read would be a torn one.
        return Outcome::Changed;
    }
    let name = output::file_name(&article, settings.format);
    let bytes = output::render(&article, settings.format);
    let written = match output::write_atomic(&settings.outbox, &name, bytes.as_bytes()) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::OutboxError(format!(
                "cannot write {}: {e}",
                settings.outbox.join(&name).display()
            ))
        }
    };
    if identity(path) != Some(before) {
        return Outcome::Changed;
    }
    let disposed = match settings.after {
        AfterSuccess::Move => disposition::move_into(path, &settings.processed_dir).map(|_| ()),
        AfterSuccess::Delete => std::fs::remove_file(path),
    };
    if let Err(e) = disposed {
        return Outcome::Retry(format!(
            "its article {} is written, but the dump cannot be {}: {e}",
            written.display(),
            match settings.after {
                AfterSuccess::Move => "moved to processed/",
                AfterSuccess::Delete => "deleted",
            }
        ));
    }
    tracing::info!(
        input = %path.display(),
        output = %written.display(),
        site = article.site.as_ref().map_or("-", |s| s.id.as_str()),
        rule = article.rule.file.as_deref().unwrap_or(crate::rules::GENERIC_FILE),
        removed = article.removed.len(),
        ms = started.elapsed().as_millis() as u64,
        "cleaned"
    );
    Outcome::Cleaned { output: written }
}

/// Whether a read error may go away by itself (an I/O error on a flaky disk or network
/// share). A file we may not read is a sender's mistake that waiting will not fix, so it
/// is quarantined like any bad dump, with the reason.
fn may_pass(e: &InputError) -> bool {
    matches!(e, InputError::Io { source, .. } if source.kind() != std::io::ErrorKind::PermissionDenied)
}

fn fail(path: &Path, before: Identity, settings: &Settings, why: Failure) -> Outcome {
    if identity(path) != Some(before) {
        // Still being written, or replaced: what failed is not what is there now.
        return Outcome::Changed;
    }
    match disposition::quarantine(path, &settings.failed_dir, &why) {
        Ok(moved_to) => {
            tracing::warn!(
                input = %path.display(),
                moved_to = %moved_to.display(),
                error = %why.error,
                "failed"
            );
            Outcome::Failed { moved_to }
        }
        Err(e) => Outcome::Retry(format!(
            "it is a bad dump ({}), but it cannot be moved to {}: {e}",
            why.error,
            settings.failed_dir.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::reload::Reloader;

    fn setup() -> (tempfile::TempDir, Settings, Current) {
        let dir = tempfile::tempdir().unwrap();
        let rules = dir.path().join("rules");
        std::fs::create_dir(&rules).unwrap();
        for d in ["inbox", "outbox"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        let settings = Settings {
            outbox: dir.path().join("outbox"),
            failed_dir: dir.path().join("inbox/failed"),
            processed_dir: dir.path().join("inbox/processed"),
            format: Format::Markdown,
            after: AfterSuccess::Move,
            rules_dir: rules.clone(),
        };
        let current = Reloader::start(&rules).unwrap().current();
        (dir, settings, current)
    }

    #[test]
    fn a_good_dump_is_written_then_moved() {
        let (dir, settings, rules) = setup();
        let input = dir.path().join("inbox/a.txt");
        std::fs::write(
            &input,
            "A Title For The Test\n\nFirst paragraph of the story.\n",
        )
        .unwrap();
        let Outcome::Cleaned { output } = process(&input, &rules, &settings) else {
            panic!("not cleaned")
        };
        assert!(output.starts_with(&settings.outbox));
        assert!(std::fs::read_to_string(&output)
            .unwrap()
            .contains("First paragraph"));
        assert!(!input.exists());
        assert!(settings.processed_dir.join("a.txt").exists());
    }

    #[test]
    fn a_bad_dump_goes_to_failed_and_an_unwritable_outbox_keeps_the_dump() {
        let (dir, mut settings, rules) = setup();
        let bad = dir.path().join("inbox/bad.txt");
        std::fs::write(&bad, b"\0\0binary").unwrap();
        let outcome = process(&bad, &rules, &settings);
        assert_eq!(
            outcome,
            Outcome::Failed {
                moved_to: settings.failed_dir.join("bad.txt")
            }
        );
        let report = std::fs::read_to_string(settings.failed_dir.join("bad.txt.error")).unwrap();
        assert!(report.contains("NUL bytes"), "{report}");

        let good = dir.path().join("inbox/good.txt");
        std::fs::write(&good, "Title\n\nBody text here.\n").unwrap();
        settings.outbox = dir.path().join("no/such/outbox");
        assert!(matches!(
            process(&good, &rules, &settings),
            Outcome::OutboxError(_)
        ));
        assert!(good.exists(), "the dump must stay in the inbox");
        assert_eq!(
            process(&dir.path().join("inbox/none.txt"), &rules, &settings),
            Outcome::Gone
        );
    }
}

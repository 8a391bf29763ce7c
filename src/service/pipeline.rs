//! One dump on worker threads: clean it and write its article, or refuse it.
//!
//! This is the CPU and disk work, so it runs on blocking threads, never on the async
//! runtime (whose threads must stay free for events, signals and timers). It comes in two
//! steps, because they are limited by different things: [`prepare`] reads and cleans a
//! dump into the bytes of its article (CPU: one worker per core is enough), and [`write`]
//! puts them in the outbox with their content synced (waiting for the disk: several writes
//! in flight make a disk sync each far cheaper, see [`super::commit`]). Making the name
//! durable, and only then moving the dump out of the inbox, is [`super::commit`]'s job,
//! done for many articles at once. The order is what makes a crash harmless: the article
//! is durable in the outbox before the dump leaves the inbox, and an error file is durable
//! before a bad dump leaves it. Whatever goes wrong is reported as an [`Outcome`] for the
//! service to act on; nothing here panics on bad input, and a panic in the engine is
//! caught and treated as a bad dump, so one poisonous file cannot stop the service or come
//! back forever.

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
    pub inbox: PathBuf,
    pub outbox: PathBuf,
    pub failed_dir: PathBuf,
    pub processed_dir: PathBuf,
    pub format: Format,
    pub after: AfterSuccess,
    pub rules_dir: PathBuf,
}

impl Settings {
    /// Settings for tests: `inbox/`, `outbox/` and `rules/` created under `root`, the
    /// defaults for the rest.
    #[cfg(test)]
    pub fn for_tests(root: &std::path::Path) -> Settings {
        for d in ["inbox", "outbox", "rules"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        Settings {
            inbox: root.join("inbox"),
            outbox: root.join("outbox"),
            failed_dir: root.join("inbox/failed"),
            processed_dir: root.join("inbox/processed"),
            format: Format::Markdown,
            after: AfterSuccess::Move,
            rules_dir: root.join("rules"),
        }
    }
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

/// How far a dump got on a worker.
#[derive(Debug)]
pub enum Step {
    /// Nothing left to do but report this.
    Done(Outcome),
    /// Cleaned: its article is ready to be written ([`write`]).
    Rendered(Rendered),
    /// The article is written under its final name; the outbox folder still needs a sync
    /// before the dump may leave the inbox ([`super::commit`]).
    Written(Written),
}

/// A cleaned dump and the bytes of its article, waiting to be written.
#[derive(Debug)]
pub struct Rendered {
    pub entry: Entry,
    name: String,
    bytes: String,
}

/// An article written by a writer, waiting for its group commit.
#[derive(Debug)]
pub struct Written {
    pub entry: Entry,
    pub output: PathBuf,
}

/// A dump on its way through the pipeline, with what its log line will say.
#[derive(Debug)]
pub struct Entry {
    pub input: PathBuf,
    before: Identity,
    site: String,
    rule: String,
    removed: usize,
    started: Instant,
}

impl Entry {
    /// Whether the dump is still the file that was cleaned (not rewritten or replaced).
    pub fn unchanged(&self) -> bool {
        identity(&self.input) == Some(self.before)
    }
}

impl Written {
    /// The one log line of a cleaned article, once its dump has left the inbox.
    pub fn log_cleaned(&self) {
        let e = &self.entry;
        tracing::info!(
            input = %e.input.display(),
            output = %self.output.display(),
            site = %e.site,
            rule = %e.rule,
            removed = e.removed,
            ms = e.started.elapsed().as_millis() as u64,
            "cleaned"
        );
    }
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

/// Cleans `path` with the rules in force and does all that follows, commit included.
/// Never panics. (The service runs [`prepare`] on workers and commits in groups instead.)
pub fn process(path: &Path, rules: &Current, settings: &Settings) -> Outcome {
    let mut step = prepare(path, rules, settings);
    loop {
        step = match step {
            Step::Done(outcome) => return outcome,
            Step::Rendered(rendered) => write(rendered, settings),
            Step::Written(written) => {
                return super::commit::commit(vec![written], settings)
                    .pop()
                    .map(|(_, outcome)| outcome)
                    .expect("one outcome per article")
            }
        }
    }
}

/// Cleans `path` with the rules in force into the bytes of its article (or quarantines a
/// bad dump). Never panics.
pub fn prepare(path: &Path, rules: &Current, settings: &Settings) -> Step {
    let Some(before) = identity(path) else {
        return Step::Done(Outcome::Gone);
    };
    let loaded = rules.get();
    let started = Instant::now();
    let cleaned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        loaded.engine.clean_file(path, &Options::default())
    }));
    let rules_in_force = || {
        format!(
            "{} ({} site file(s), loaded {})",
            settings.rules_dir.display(),
            loaded.sites,
            loaded.loaded_at
        )
    };
    let article = match cleaned {
        Ok(Ok(article)) => article,
        Ok(Err(InputError::Io { source, .. })) if source.kind() == std::io::ErrorKind::NotFound => {
            return Step::Done(Outcome::Gone)
        }
        Ok(Err(e)) if may_pass(&e) => return Step::Done(Outcome::Retry(e.to_string())),
        Ok(Err(e)) => {
            return Step::Done(fail(
                path,
                before,
                settings,
                Failure {
                    error: e.to_string(),
                    rule:
                        "none: the dump was refused while being read, before a site rule was chosen"
                            .into(),
                    rules: rules_in_force(),
                    when: super::now_rfc3339(),
                },
            ))
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return Step::Done(fail(
                path,
                before,
                settings,
                Failure {
                    error: format!(
                        "copydesk crashed while cleaning this dump ({what}); this is a bug in copydesk: please report it with this file"
                    ),
                    rule: "unknown: the crash happened while the rules were applied".into(),
                    rules: rules_in_force(),
                    when: super::now_rfc3339(),
                },
            ));
        }
    };
    if identity(path) != Some(before) {
        // Still being written, or replaced: an article of what was read would be a torn one.
        return Step::Done(Outcome::Changed);
    }
    Step::Rendered(Rendered {
        name: output::file_name(&article, settings.format),
        bytes: output::render(&article, settings.format),
        entry: Entry {
            input: path.to_path_buf(),
            before,
            site: article
                .site
                .as_ref()
                .map_or_else(|| "-".to_string(), |s| s.id.clone()),
            rule: article
                .rule
                .file
                .clone()
                .unwrap_or_else(|| crate::rules::GENERIC_FILE.to_string()),
            removed: article.removed.len(),
            started,
        },
    })
}

/// Writes a cleaned dump's article into the outbox, content synced, under its final name.
pub fn write(rendered: Rendered, settings: &Settings) -> Step {
    let Rendered { entry, name, bytes } = rendered;
    match output::write_renamed(&settings.outbox, &name, bytes.as_bytes()) {
        Ok(output) => Step::Written(Written { entry, output }),
        Err(e) => Step::Done(Outcome::OutboxError(format!(
            "cannot write {}: {e}",
            settings.outbox.join(&name).display()
        ))),
    }
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
        let settings = Settings::for_tests(dir.path());
        let rules = settings.rules_dir.clone();
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

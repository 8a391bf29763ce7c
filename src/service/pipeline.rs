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
use super::learning::Candidate;
use super::open::{self, OpenError, Refused};
use super::outbox::Outbox;
use super::reload::Current;
use crate::engine::Notes;
use crate::input::{InputError, MAX_INPUT_BYTES};
use crate::output::{self, Format};
use crate::panics::catch;
use crate::{Article, Options};
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
    /// The outbox folder by identity: nothing is written or committed while its path
    /// leads anywhere else.
    pub outbox_guard: Outbox,
    /// Drift watching of sites with rules (see [`super::drift`]).
    pub drift: std::sync::Arc<super::drift::Watch>,
    /// Learning from dumps of sites without rules (see [`super::learning`]).
    pub learning: super::learning::Learning,
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
            outbox_guard: Outbox::new(&root.join("outbox")),
            drift: Default::default(),
            learning: super::learning::Learning::off(),
        }
    }
}

/// How one file ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file's articles (one per dump it held) are in the outbox and the file has left
    /// the inbox.
    Cleaned { outputs: Vec<PathBuf> },
    /// The dump is in `failed/` with its error file.
    Failed { moved_to: PathBuf },
    /// The inbox entry was not a dump copydesk reads (a symlink, FIFO, socket, device, or a
    /// name that is not UTF-8); it is in `failed/` with its error file.
    Refused { moved_to: PathBuf },
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

/// A cleaned file and the bytes of its articles, waiting to be written.
#[derive(Debug)]
pub struct Rendered {
    pub entry: Entry,
    articles: Vec<RenderedArticle>,
}

/// One article of a cleaned file, with what its log line will say.
#[derive(Debug)]
struct RenderedArticle {
    name: String,
    bytes: String,
    site: String,
    rule: String,
    removed: usize,
}

/// A file's articles written by a writer, waiting for their group commit.
#[derive(Debug)]
pub struct Written {
    pub entry: Entry,
    articles: Vec<WrittenArticle>,
}

#[derive(Debug)]
struct WrittenArticle {
    output: PathBuf,
    site: String,
    rule: String,
    removed: usize,
}

/// A file on its way through the pipeline.
#[derive(Debug)]
pub struct Entry {
    pub input: PathBuf,
    before: Identity,
    started: Instant,
}

impl Entry {
    /// Whether the dump is still the file that was cleaned (not rewritten or replaced).
    pub fn unchanged(&self) -> bool {
        self.same_as(&self.input)
    }

    /// Whether the file at `path` is the one that was cleaned (e.g. after moving it).
    pub fn same_as(&self, path: &Path) -> bool {
        identity(path) == Some(self.before)
    }
}

impl Written {
    /// Where the file's articles are, in the order of its dumps.
    pub fn outputs(&self) -> Vec<PathBuf> {
        self.articles.iter().map(|a| a.output.clone()).collect()
    }

    /// The log line of each cleaned article, once its file has left the inbox.
    pub fn log_cleaned(&self) {
        let e = &self.entry;
        for a in &self.articles {
            tracing::info!(
                input = %e.input.display(),
                output = %a.output.display(),
                site = %a.site,
                rule = %a.rule,
                removed = a.removed,
                ms = e.started.elapsed().as_millis() as u64,
                "cleaned"
            );
        }
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

impl Identity {
    fn of(meta: &std::fs::Metadata) -> Identity {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let inode = (0, 0);
        Identity {
            size: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

/// The identity of the entry at `path` itself (a symlink is not followed).
fn identity(path: &Path) -> Option<Identity> {
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| Identity::of(&m))
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

/// Cleans `path` with the rules in force into the bytes of its articles, one per dump it
/// holds (or quarantines a bad file). Never panics, and never blocks on what it opens
/// (see [`super::open`]).
///
/// A file that cannot be read as a whole is quarantined, and so is an inbox entry that is
/// not a regular file. In a file holding several dumps, one that cannot be read is logged
/// and passed over, and the others are cleaned; a panic on any dump quarantines the whole
/// file, since it is a bug a person must look at.
pub fn prepare(path: &Path, rules: &Current, settings: &Settings) -> Step {
    let Some(before) = identity(path) else {
        return Step::Done(Outcome::Gone);
    };
    let loaded = rules.get();
    let started = Instant::now();
    let rules_in_force = || {
        format!(
            "{} ({} site file(s), loaded {})",
            settings.rules_dir.display(),
            loaded.sites,
            loaded.loaded_at
        )
    };
    let crashed = |what: String| {
        Step::Done(fail(
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
        ))
    };
    let refused_on_reading = |error: String| Failure {
        error,
        rule: "none: the dump was refused while being read, before a site rule was chosen".into(),
        rules: rules_in_force(),
        when: super::now_rfc3339(),
    };
    let contents = match read(path, before) {
        Ok(contents) => contents,
        Err(Unread::Gone) => return Step::Done(Outcome::Gone),
        Err(Unread::Changed) => return Step::Done(Outcome::Changed),
        Err(Unread::Refused(reason)) => {
            let why = refused_on_reading(format!("{} was refused: {reason}", path.display()));
            return Step::Done(match fail(path, before, settings, why) {
                Outcome::Failed { moved_to } => Outcome::Refused { moved_to },
                other => other,
            });
        }
        Err(Unread::Input(e)) if may_pass(&e) => return Step::Done(Outcome::Retry(e.to_string())),
        Err(Unread::Input(e)) => {
            return Step::Done(fail(
                path,
                before,
                settings,
                refused_on_reading(e.to_string()),
            ))
        }
    };
    let options = Options::default();
    let opened = catch(|| {
        match &contents {
            Contents::Bytes(bytes) => crate::input::open_bytes(path, bytes),
            Contents::Stream(file) => file
                .try_clone()
                .map_err(|source| InputError::Io {
                    path: path.to_path_buf(),
                    source,
                })
                .and_then(|file| crate::input::open_stream(path, file)),
        }
        .map(|dumps| {
            // A record of a file of many is kept for learning as a sample of its own; built
            // before cleaning takes the dump, dropped unless only generic rules cleaned it.
            let learning = settings.learning.is_on();
            let (engine, options) = (&loaded.engine, &options);
            dumps.map(move |dump| {
                dump.map(|dump| {
                    let record = (learning && dump.record.is_some())
                        .then(|| super::learning::record_sample(&dump));
                    let (article, notes) = engine.clean_noted(dump, options);
                    (article, notes, record)
                })
            })
        })
    });
    let mut cleaned = match opened {
        Ok(Ok(cleaned)) => cleaned,
        Ok(Err(e)) => {
            return Step::Done(fail(
                path,
                before,
                settings,
                refused_on_reading(e.to_string()),
            ))
        }
        Err(what) => return crashed(what),
    };
    let mut watch = |article: &mut Article, notes: &Notes| {
        settings
            .drift
            .observe(loaded.engine.rules(), &loaded.loaded_at, article, notes)
    };
    let (articles, candidates) = match render_all(path, &mut cleaned, settings.format, &mut watch) {
        Ok(rendered) => rendered,
        Err(what) => return crashed(what),
    };
    if identity(path) != Some(before) {
        // Still being written, or replaced: an article of what was read would be a torn one.
        return Step::Done(Outcome::Changed);
    }
    // A file of one dump is that dump: it can be kept as a sample of its site. A record of
    // a file of many is kept as its own sample.
    let file = match &contents {
        Contents::Bytes(bytes) => Some(bytes.as_slice()),
        Contents::Stream(_) => None,
    };
    let alone = articles.len() == 1 && candidates.len() == 1;
    for candidate in &candidates {
        if let Some(sample) = candidate.sample(file, alone) {
            settings.learning.offer(path, sample, candidate);
        }
    }
    Step::Rendered(Rendered {
        entry: Entry {
            input: path.to_path_buf(),
            before,
            started,
        },
        articles,
    })
}

/// A dump cleaned: its article, what cleaning found besides it, and the dump as a learning
/// sample of its own when it was a record of a file of many.
type Cleaned = (Article, Notes, Option<Vec<u8>>);

/// Renders each article of a file in turn, after `watch` has seen it (drift watching may
/// add a warning); a dump that could not be read is logged and passed over. A panic (its
/// message is the `Err`) ends the file. Also gives the articles only the generic rules
/// cleaned, as learning candidates.
fn render_all(
    path: &Path,
    cleaned: &mut dyn Iterator<Item = Result<Cleaned, InputError>>,
    format: Format,
    watch: &mut dyn FnMut(&mut Article, &Notes),
) -> Result<(Vec<RenderedArticle>, Vec<Candidate>), String> {
    let mut articles = Vec::new();
    let mut candidates = Vec::new();
    loop {
        let article = match catch(|| cleaned.next())? {
            None => return Ok((articles, candidates)),
            Some(Ok((mut article, notes, record))) => {
                watch(&mut article, &notes);
                candidates.extend(Candidate::of(&article, record));
                article
            }
            Some(Err(e)) => {
                tracing::warn!(input = %path.display(), error = %e, "a dump in this file was passed over");
                continue;
            }
        };
        articles.push(RenderedArticle {
            name: output::file_name(&article, format),
            bytes: output::render(&article, format),
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
        });
    }
}

/// Why a dump's bytes were not read.
enum Unread {
    Gone,
    /// It is not the file that was looked at (replaced, or still being written).
    Changed,
    /// Not a regular file, or a name copydesk will not take.
    Refused(String),
    Input(InputError),
}

/// What [`read`] gives: a dump's bytes, or a file of many dumps (WARC), of any size, to
/// be read dump by dump (whether it changed meanwhile is checked after cleaning).
enum Contents {
    Bytes(Vec<u8>),
    Stream(std::fs::File),
}

/// Reads the dump through a handle that is checked to be the regular file `before`
/// describes, and still the same after reading (a writer that went on meanwhile makes it
/// [`Unread::Changed`]).
fn read(path: &Path, before: Identity) -> Result<Contents, Unread> {
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            Unread::Gone
        } else {
            Unread::Input(InputError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let (mut file, meta) = match open::regular(path) {
        Ok(opened) => opened,
        Err(OpenError::Refused(Refused(reason))) => return Err(Unread::Refused(reason)),
        Err(OpenError::Io(e)) => return Err(io(e)),
    };
    if Identity::of(&meta) != before {
        return Err(Unread::Changed);
    }
    if crate::input::holds_many(path) {
        return Ok(Contents::Stream(file));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Unread::Input(InputError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            max: MAX_INPUT_BYTES,
        }));
    }
    let bytes = open::read_limited(&mut file, MAX_INPUT_BYTES).map_err(io)?;
    match file.metadata() {
        Ok(after) if Identity::of(&after) == before => Ok(Contents::Bytes(bytes)),
        Ok(_) => Err(Unread::Changed),
        Err(e) => Err(io(e)),
    }
}

/// Writes a cleaned file's articles into the outbox, content synced, under their final
/// names.
pub fn write(rendered: Rendered, settings: &Settings) -> Step {
    let Rendered { entry, articles } = rendered;
    if let Err(e) = settings.outbox_guard.check() {
        return Step::Done(Outcome::OutboxError(e));
    }
    let mut written = Vec::with_capacity(articles.len());
    for a in articles {
        match output::write_renamed(&settings.outbox, &a.name, a.bytes.as_bytes()) {
            Ok(output) => written.push(WrittenArticle {
                output,
                site: a.site,
                rule: a.rule,
                removed: a.removed,
            }),
            Err(e) => {
                // Those already written stay: cleaning the file again gives the same names.
                return Step::Done(Outcome::OutboxError(format!(
                    "cannot write {}: {e}",
                    settings.outbox.join(&a.name).display()
                )));
            }
        }
    }
    Step::Written(Written {
        entry,
        articles: written,
    })
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
        let Outcome::Cleaned { outputs } = process(&input, &rules, &settings) else {
            panic!("not cleaned")
        };
        let [output] = &outputs[..] else {
            panic!("one dump, one article: {outputs:?}")
        };
        assert!(output.starts_with(&settings.outbox));
        assert!(std::fs::read_to_string(output)
            .unwrap()
            .contains("First paragraph"));
        assert!(!input.exists());
        assert!(settings.processed_dir.join("a.txt").exists());
    }

    #[test]
    fn a_file_of_many_dumps_gives_an_article_each_and_passes_over_a_bad_one() {
        let (dir, settings, rules) = setup();
        let loaded = rules.get();
        let engine = &loaded.engine;
        let dump = |name: &str, text: &str| {
            crate::input::from_bytes(&dir.path().join(name), text.as_bytes())
        };
        let mut dumps = vec![
            dump("f.txt", "First Story\n\nThe first body.\n"),
            dump("f.txt", ""),
            dump("f.txt", "Second Story\n\nThe second body.\n"),
        ]
        .into_iter()
        .map(|d| {
            d.map(|d| {
                let article = engine.clean(d, &Options::default());
                (article, Notes::default(), None)
            })
        });
        let mut seen = 0;
        let (articles, candidates) =
            render_all(Path::new("f"), &mut dumps, Format::Markdown, &mut |_, _| {
                seen += 1
            })
            .unwrap();
        assert_eq!(articles.len(), 2);
        assert_eq!(seen, 2, "every article is shown to the drift watch");
        assert_eq!(candidates.len(), 2, "both were cleaned generically");
        assert!(articles[0].bytes.contains("The first body."));
        assert!(articles[1].bytes.contains("The second body."));
        assert_ne!(articles[0].name, articles[1].name);

        let mut panicking = std::iter::from_fn(|| -> Option<Result<Cleaned, InputError>> {
            panic!("a bug on one dump")
        });
        assert_eq!(
            render_all(
                Path::new("f"),
                &mut panicking,
                Format::Markdown,
                &mut |_, _| {}
            )
            .unwrap_err(),
            "a bug on one dump"
        );
        let written = write(
            Rendered {
                entry: Entry {
                    input: dir.path().join("f"),
                    before: identity(dir.path()).unwrap(),
                    started: Instant::now(),
                },
                articles,
            },
            &settings,
        );
        let Step::Written(written) = written else {
            panic!("not written: {written:?}")
        };
        assert_eq!(written.outputs().len(), 2);
        assert!(written.outputs().iter().all(|o| o.is_file()));
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

    /// A FIFO renamed over a queued dump blocked the worker that opened it, for good.
    #[test]
    fn a_fifo_over_a_queued_dump_is_refused_without_blocking() {
        let (dir, settings, rules) = setup();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let queued = dir.path().join("inbox/queued.txt");
        std::fs::write(&queued, "Title\n\nBody.\n").unwrap();
        std::fs::rename(&fifo, &queued).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = queued.clone();
        std::thread::spawn(move || tx.send(process(&path, &rules, &settings)).unwrap());
        // A hang guard, not a timing: the old code never returned at all.
        let outcome = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the worker is blocked on the FIFO");
        let Outcome::Refused { moved_to } = outcome else {
            panic!("not refused: {outcome:?}")
        };
        let report = std::fs::read_to_string(format!("{}.error", moved_to.display())).unwrap();
        assert!(report.contains("FIFO"), "{report}");
        assert!(!queued.exists());
    }

    /// A crash after the article was written (the dump still in the inbox), then a rule
    /// change that changes the title, then a restart: cleaning again replaces the same
    /// output file instead of adding a second article for the one input.
    #[test]
    fn a_warc_file_leaves_the_inbox_with_all_its_pages_written_once() {
        use crate::harness::warc::{gzip_each, record, response};
        let (dir, settings, rules) = setup();
        let input = dir.path().join("inbox/crawl.warc.gz");
        let page = |title: &str| {
            format!("<html><head><title>{title}</title></head><body><p>{title}: the story.</p></body></html>")
        };
        let records = [
            record(
                "request",
                "1",
                "https://x.example/a",
                "application/http; msgtype=request",
                b"GET /a HTTP/1.1\r\n\r\n",
            ),
            response(
                "2",
                "https://x.example/a",
                "Content-Type: text/html\r\n",
                page("First Story").as_bytes(),
            ),
            response(
                "3",
                "https://x.example/b",
                "Content-Type: text/html\r\n",
                page("Second Story").as_bytes(),
            ),
        ];
        std::fs::write(&input, gzip_each(&records)).unwrap();
        // A crash after the articles were written, before the file left the inbox...
        let Step::Rendered(rendered) = prepare(&input, &rules, &settings) else {
            panic!("not cleaned")
        };
        let Step::Written(_) = write(rendered, &settings) else {
            panic!("not written")
        };
        // ...and the run after it writes the same two articles, no more.
        let Outcome::Cleaned { outputs } = process(&input, &rules, &settings) else {
            panic!("not cleaned")
        };
        assert_eq!(outputs.len(), 2, "{outputs:?}");
        assert_eq!(std::fs::read_dir(&settings.outbox).unwrap().count(), 2);
        assert!(std::fs::read_to_string(&outputs[1])
            .unwrap()
            .contains("Second Story: the story."));
        assert!(!input.exists());
        assert!(settings.processed_dir.join("crawl.warc.gz").exists());
    }

    #[test]
    fn cleaning_again_under_new_rules_replaces_the_same_output() {
        let (dir, settings, _) = setup();
        let input = dir.path().join("inbox/story.txt");
        std::fs::write(
            &input,
            "The Example Gazette Site Banner\n\nThe Real Headline\n\nThe story itself, told in full.\n",
        )
        .unwrap();
        let first = Reloader::start(&settings.rules_dir).unwrap().current();
        let Step::Rendered(rendered) = prepare(&input, &first, &settings) else {
            panic!("not cleaned")
        };
        let Step::Written(_) = write(rendered, &settings) else {
            panic!("not written")
        };
        // The crash: the dump never left the inbox. Then the rules change the title.
        std::fs::write(
            settings.rules_dir.join("site.toml"),
            "[site]\nid = \"s\"\nname = \"S\"\nfingerprints = ['The Example Gazette Site Banner']\n\n[text.remove.banner]\nkind = \"masthead\"\nline = 'The Example Gazette Site Banner'\n",
        )
        .unwrap();
        let second = Reloader::start(&settings.rules_dir).unwrap().current();
        assert!(matches!(
            process(&input, &second, &settings),
            Outcome::Cleaned { .. }
        ));
        let outputs: Vec<_> = std::fs::read_dir(&settings.outbox)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(outputs.len(), 1, "{outputs:?}");
        let text = std::fs::read_to_string(settings.outbox.join(&outputs[0])).unwrap();
        assert!(text.contains("title = \"The Real Headline\""), "{text}");
    }
}

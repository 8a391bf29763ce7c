//! `copydesk clean`: clean files or whole folders once.

use super::progress::Progress;
use super::{RulesArg, OK, SOME_FAILED, USAGE};
use copydesk::input::{self, Dump, Dumps, InputError};
use copydesk::output::{self, Format};
use copydesk::panics::catch;
use copydesk::parallel::{self, Done};
use copydesk::{Engine, Options};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write articles into this folder.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "outbox",
        conflicts_with = "stdout"
    )]
    out: PathBuf,
    /// Print articles to stdout instead (with --format json: one JSON object per line).
    #[arg(long)]
    stdout: bool,
    /// The URL the dump was fetched from (chooses the site by host).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Clean on this many threads (default: one per core). Output names and the order of
    /// what is printed do not depend on it.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// No progress bar and no summary line (errors and warnings are still printed).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Dump files (or WARC files), or folders of them; `-` reads one dump (or a WARC
    /// stream) from stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let Some(rules) = args.rules.load() else {
        return USAGE;
    };
    let engine = Arc::new(Engine::new(rules));
    let options = Options {
        url: args.url.clone(),
    };
    let mut inputs = Vec::new();
    let mut failed = 0usize;
    for p in &args.paths {
        if p.as_os_str() == STDIN {
            inputs.push(p.clone());
            continue;
        }
        match collect(p, &mut inputs) {
            Ok(()) => {}
            Err(e) => {
                eprintln!("copydesk: {}: {e}", p.display());
                failed += 1;
            }
        }
    }
    if !args.stdout {
        if let Err(e) = std::fs::create_dir_all(&args.out) {
            eprintln!(
                "copydesk: cannot create output folder {}: {e}",
                args.out.display()
            );
            return USAGE;
        }
    }
    let settings = parallel::Settings {
        jobs: args.jobs.map_or_else(parallel::available_jobs, usize::from),
        time_budget: None,
    };
    // Files of many dumps make the count unknown until they are read.
    let total = (!inputs.iter().any(|i| input::holds_many(i))).then_some(inputs.len());
    let mut progress = Progress::new(total.map(|n| n as u64), args.quiet);
    progress.tally.failed = failed;
    // Dumps are read here, in order; cleaning and writing run on the worker threads.
    let skipped = RefCell::new(Vec::new());
    let dumps = inputs.iter().flat_map(|input| {
        dumps_of(input, &mut skipped.borrow_mut()).map(move |dump| (input.clone(), dump))
    });
    let target = Target {
        stdout: args.stdout,
        format: args.format,
        out: args.out.clone(),
    };
    let work = move |dump: Result<Dump, String>| clean_one(&engine, &options, &target, dump);
    let stdout = std::io::stdout();
    let mut broken_pipe = false;
    parallel::ordered_map(dumps, settings, work, |input, done| {
        progress.tick();
        let outcome = match done {
            Done::Finished(outcome) => outcome,
            Done::Panicked(_) => Outcome::Failed(internal_error(&input)),
            Done::OverTime(_) => unreachable!("clean runs without a time budget"),
        };
        match outcome {
            Outcome::Failed(message) => {
                progress.say(&message);
                progress.tally.failed += 1;
            }
            Outcome::Cleaned {
                generic,
                warnings,
                output,
            } => {
                for w in &warnings {
                    progress.say(&format!("copydesk: warning: {}: {w}", input.display()));
                }
                let written = match output {
                    Output::Text(text) => {
                        let mut out = stdout.lock();
                        out.write_all(text.as_bytes()).and_then(|()| out.flush())
                    }
                    Output::Written(path) => {
                        tracing::info!(input = %input.display(), output = %path.display(), "cleaned");
                        Ok(())
                    }
                    Output::Failed(e) => Err(e),
                };
                match written {
                    Ok(()) => {
                        progress.tally.cleaned += 1;
                        progress.tally.generic += usize::from(generic);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                        broken_pipe = true;
                        return false;
                    }
                    Err(e) => {
                        progress.say(&format!(
                            "copydesk: {}: cannot write output: {e}",
                            input.display()
                        ));
                        progress.tally.failed += 1;
                    }
                }
            }
        }
        true
    });
    progress.tally.skipped = skipped
        .into_inner()
        .iter()
        .map(|count: &Arc<AtomicUsize>| count.load(Ordering::Relaxed))
        .sum();
    let summary = progress.finish();
    if broken_pipe {
        return OK;
    }
    let failed = progress.tally.failed;
    if failed > 0 {
        eprintln!("copydesk: {failed} input(s) failed");
    }
    if !args.quiet {
        eprintln!("{summary}");
    }
    if failed > 0 {
        SOME_FAILED
    } else {
        OK
    }
}

/// The path that means "read one dump from stdin".
const STDIN: &str = "-";

/// The dumps of one input, in order, as they are read: a file that cannot be opened gives
/// one error; a bug met while reading ends the file with one. The count of records the
/// file passes over, if it has any, is added to `skipped`.
fn dumps_of(
    input: &Path,
    skipped: &mut Vec<Arc<AtomicUsize>>,
) -> Box<dyn Iterator<Item = Result<Dump, String>>> {
    let mut dumps = match catch(|| open(input)) {
        Ok(Ok(dumps)) => {
            skipped.extend(dumps.skipped());
            dumps
        }
        Ok(Err(e)) => return Box::new(std::iter::once(Err(format!("copydesk: {e}")))),
        Err(_) => return Box::new(std::iter::once(Err(internal_error(input)))),
    };
    let input = input.to_path_buf();
    let mut broken = false;
    Box::new(std::iter::from_fn(move || {
        if broken {
            return None;
        }
        match catch(|| dumps.next()) {
            Ok(next) => next.map(|dump| dump.map_err(|e| format!("copydesk: {e}"))),
            Err(_) => {
                // What is left of the file cannot be trusted after a panic.
                broken = true;
                Some(Err(internal_error(&input)))
            }
        }
    }))
}

fn internal_error(input: &Path) -> String {
    format!(
        "copydesk: {}: internal error while cleaning (a bug: please report it with this file)",
        input.display()
    )
}

/// Opens one input: a file, or stdin for `-`.
fn open(input: &Path) -> Result<Dumps, InputError> {
    if input.as_os_str() == STDIN {
        copydesk::input::open_stream(input, std::io::stdin())
    } else {
        copydesk::input::open(input)
    }
}

/// Where the articles go.
struct Target {
    stdout: bool,
    format: Format,
    out: PathBuf,
}

/// What a worker did with one dump.
enum Outcome {
    Cleaned {
        generic: bool,
        warnings: Vec<String>,
        output: Output,
    },
    Failed(String),
}

enum Output {
    /// The article to print, in order, on stdout.
    Text(String),
    /// The article's file, written.
    Written(PathBuf),
    Failed(std::io::Error),
}

/// Cleans one dump and writes its article (or renders it for stdout): the part of the
/// work that runs on a worker thread.
fn clean_one(
    engine: &Engine,
    options: &Options,
    target: &Target,
    dump: Result<Dump, String>,
) -> Outcome {
    let dump = match dump {
        Ok(dump) => dump,
        Err(message) => return Outcome::Failed(message),
    };
    let article = engine.clean(dump, options);
    let output = if target.stdout {
        Output::Text(match target.format {
            Format::Json => output::json_line(&article) + "\n",
            Format::Markdown => output::render(&article, Format::Markdown),
            // A form feed line after each article, so a stream of several can be split.
            Format::Text => output::render(&article, Format::Text) + "\x0c\n",
        })
    } else {
        let name = output::file_name(&article, target.format);
        match output::write_atomic(
            &target.out,
            &name,
            output::render(&article, target.format).as_bytes(),
        ) {
            Ok(path) => Output::Written(path),
            Err(e) => Output::Failed(e),
        }
    };
    Outcome::Cleaned {
        generic: article.generic,
        warnings: article.warnings,
        output,
    }
}

/// A file, or every dump under a folder (sorted, recursively): hidden files and files whose
/// extension is not a dump format (snapshots, notes) are passed over in folders. A file
/// named on the command line is always taken.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    collect_in(path, out, true)
}

fn collect_in(path: &Path, out: &mut Vec<PathBuf>, named: bool) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        // In folders: dump extensions, and files with none (scrapers often save bare names).
        if named
            || path.extension().is_none()
            || input::has_dump_extension(path)
            || input::holds_many(path)
        {
            out.push(path.to_path_buf());
        }
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for e in entries {
        collect_in(&e, out, false)?;
    }
    Ok(())
}

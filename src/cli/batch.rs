//! `copydesk batch`: JSON Lines on stdin, one JSON line per input line on stdout, in
//! order (see [`copydesk::batch`] for the contract).

use super::progress::Progress;
use super::{RulesArg, OK, SOME_FAILED, USAGE};
use copydesk::batch::{self, LineReader};
use copydesk::input::{Dump, InputError};
use copydesk::parallel::{self, Done};
use copydesk::{Engine, Options};
use serde_json::Value;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
    /// Clean on this many threads (default: one per core). Output order does not depend
    /// on it.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// A line longer than this many bytes is answered with an error record.
    #[arg(long, value_name = "BYTES", default_value_t = batch::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// A document still being cleaned after this many seconds is answered with an error
    /// record, and the run goes on without it.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    max_seconds: f64,
    /// No progress display and no summary line on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// What a worker made of one line: the output line, and whether it is an article.
struct Answer {
    line: String,
    generic: Option<bool>,
}

/// One unit of input: a line of JSON Lines, or a page record of a WARC stream.
enum Job {
    Line(batch::Line),
    Record(Result<Dump, InputError>),
}

pub fn run(args: Args) -> u8 {
    let Some(rules) = args.rules.load() else {
        return USAGE;
    };
    if !(args.max_seconds > 0.0 && args.max_seconds.is_finite()) {
        eprintln!("copydesk: --max-seconds must be a positive number of seconds");
        return USAGE;
    }
    let engine = Arc::new(Engine::new(rules));
    let settings = parallel::Settings {
        jobs: args.jobs.map_or_else(parallel::available_jobs, usize::from),
        time_budget: Some(Duration::from_secs_f64(args.max_seconds)),
    };
    let mut progress = Progress::new(None, args.quiet);
    let mut stdin = std::io::BufReader::with_capacity(1 << 20, std::io::stdin());
    let warc = match stdin.fill_buf() {
        Ok(head) => copydesk::input::starts_like_warc(head),
        Err(e) => {
            eprintln!("copydesk: cannot read stdin: {e}");
            return SOME_FAILED;
        }
    };
    let mut read_error = None;
    let mut skipped = None;
    // Each job's key: what messages call it, and the `id` its output line carries.
    let jobs: Box<dyn Iterator<Item = ((String, Value), Job)>> = if warc {
        let dumps = match copydesk::input::open_stream(Path::new(STDIN), stdin) {
            Ok(dumps) => dumps,
            Err(e) => {
                eprintln!("copydesk: {e}");
                return SOME_FAILED;
            }
        };
        skipped = dumps.skipped();
        Box::new(dumps.enumerate().map(|(i, dump)| {
            let id = match &dump {
                Ok(d) => d.record.clone().map_or(Value::Null, Value::String),
                Err(_) => Value::Null,
            };
            ((format!("page {}", i + 1), id), Job::Record(dump))
        }))
    } else {
        let mut reader = LineReader::new(stdin, args.max_bytes);
        let read_error = &mut read_error;
        Box::new(
            std::iter::from_fn(move || match reader.next_line() {
                Ok(line) => line,
                Err(e) => {
                    *read_error = Some(e);
                    None
                }
            })
            .map(|line| {
                (
                    (format!("line {}", line.number), line.id.clone()),
                    Job::Line(line),
                )
            }),
        )
    };
    let work = move |job: Job| answer(&engine, job);
    let mut stdout = std::io::stdout().lock();
    let mut write_error = None;
    parallel::ordered_map(jobs, settings, work, |(name, id), done| {
        progress.tick();
        let answer = match done {
            Done::Finished(answer) => answer,
            Done::OverTime(ran) => Answer {
                line: batch::error_line(
                    id,
                    &format!(
                        "{name} was still being cleaned after {:.1} s (--max-seconds); given up",
                        ran.as_secs_f64()
                    ),
                ),
                generic: None,
            },
            Done::Panicked(_) => Answer {
                line: batch::error_line(
                    id,
                    &format!("{name}: internal error while cleaning (a bug: please report it with this input)"),
                ),
                generic: None,
            },
        };
        match answer.generic {
            Some(generic) => {
                progress.tally.cleaned += 1;
                progress.tally.generic += usize::from(generic);
            }
            None => progress.tally.failed += 1,
        }
        match writeln!(stdout, "{}", answer.line).and_then(|()| stdout.flush()) {
            Ok(()) => true,
            Err(e) => {
                write_error = Some(e);
                false
            }
        }
    });
    progress.tally.skipped = skipped.map_or(0, |s| s.load(Ordering::Relaxed));
    let summary = progress.finish();
    if let Some(e) = write_error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return OK;
        }
        eprintln!("copydesk: cannot write to stdout: {e}");
        return SOME_FAILED;
    }
    if let Some(e) = read_error {
        eprintln!("copydesk: cannot read stdin: {e}; the lines before were answered");
        return SOME_FAILED;
    }
    if !args.quiet {
        eprintln!("{summary}");
    }
    if progress.tally.failed > 0 {
        SOME_FAILED
    } else {
        OK
    }
}

/// What stdin is called in messages and in the articles' source.
const STDIN: &str = "-";

/// Cleans one line or record on a worker thread.
fn answer(engine: &Engine, job: Job) -> Answer {
    let failed = |id: Value, error: String| Answer {
        line: batch::error_line(id, &error),
        generic: None,
    };
    let (id, dump) = match job {
        Job::Line(line) => {
            let body = match line.body {
                Ok(body) => body,
                Err(error) => return failed(line.id, error),
            };
            (line.id, batch::dump(line.number, &body))
        }
        Job::Record(dump) => {
            let id = match &dump {
                Ok(d) => d.record.clone().map_or(Value::Null, Value::String),
                Err(_) => Value::Null,
            };
            (id, dump)
        }
    };
    match dump {
        Ok(dump) => {
            let article = engine.clean(dump, &Options::default());
            Answer {
                line: batch::article_line(id, &article),
                generic: Some(article.generic),
            }
        }
        Err(e) => failed(id, e.to_string()),
    }
}

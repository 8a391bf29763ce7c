//! `copydesk clean`: clean files or whole folders once.

use super::{load_rules, RulesArg, OK, SOME_FAILED, USAGE};
use copydesk::output::{self, Format};
use copydesk::panics::catch;
use copydesk::{Engine, Options};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    /// Dump files, or folders of them.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let Some(rules) = load_rules(&args.rules.rules) else {
        return USAGE;
    };
    let engine = Engine::new(rules);
    let options = Options {
        url: args.url.clone(),
    };
    let mut inputs = Vec::new();
    let mut failed = 0usize;
    for p in &args.paths {
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
    let stdout = std::io::stdout();
    for input in &inputs {
        // A bug in a rule or the engine must cost one dump, not the whole run.
        let internal_error = |input: &Path| {
            eprintln!(
                "copydesk: {}: internal error while cleaning (a bug: please report it with this file)",
                input.display()
            )
        };
        // A file that cannot be read is reported like a dump that cannot be: first and alone.
        let opened = catch(|| match engine.clean_path(input, &options) {
            Ok(articles) => Box::new(articles) as Box<dyn Iterator<Item = _>>,
            Err(e) => Box::new(std::iter::once(Err(e))),
        });
        let Ok(mut articles) = opened else {
            internal_error(input);
            failed += 1;
            continue;
        };
        // Each dump of the file is its own article; one that fails costs itself only.
        loop {
            let article = match catch(|| articles.next()) {
                Ok(None) => break,
                Ok(Some(Ok(a))) => a,
                Ok(Some(Err(e))) => {
                    eprintln!("copydesk: {e}");
                    failed += 1;
                    continue;
                }
                Err(_) => {
                    // What is left of the file cannot be trusted after a panic.
                    internal_error(input);
                    failed += 1;
                    break;
                }
            };
            match emit(&args, &stdout, input, &article) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return OK,
                Err(e) => {
                    eprintln!("copydesk: {}: cannot write output: {e}", input.display());
                    failed += 1;
                }
            }
        }
    }
    if failed > 0 {
        eprintln!("copydesk: {failed} input(s) failed");
        SOME_FAILED
    } else {
        OK
    }
}

/// Writes one article where `args` say, with its warnings on stderr.
fn emit(
    args: &Args,
    stdout: &std::io::Stdout,
    input: &Path,
    article: &copydesk::Article,
) -> std::io::Result<()> {
    for w in &article.warnings {
        eprintln!("copydesk: warning: {}: {w}", input.display());
    }
    if args.stdout {
        let mut out = stdout.lock();
        let text = match args.format {
            Format::Json => output::json_line(article) + "\n",
            Format::Markdown => output::render(article, Format::Markdown),
        };
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    } else {
        let name = output::file_name(article, args.format);
        output::write_atomic(
            &args.out,
            &name,
            output::render(article, args.format).as_bytes(),
        )
        .map(|path| {
            tracing::info!(input = %input.display(), output = %path.display(), "cleaned");
        })
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
        if named || is_dump_name(path) {
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

fn is_dump_name(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        None => true,
        Some(ext) => matches!(
            ext.to_ascii_lowercase().as_str(),
            "txt" | "text" | "html" | "htm" | "xhtml" | "json"
        ),
    }
}

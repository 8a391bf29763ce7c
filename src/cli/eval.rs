//! `copydesk eval`: accuracy (and engine speed) on a benchmark corpus with ground truth.

use super::{load_rules, OK, SOME_FAILED, USAGE};
use copydesk::eval::{self, corpus, report, Mode};
use copydesk::{Engine, RuleSet};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The corpus folder (html/ID.html.gz + ground-truth/ID.json). Default:
    /// $COPYDESK_CORPUS, else ../shared/corpus/wcxb-dev-articles.
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Rules folder to use. Default: none, only the built-in generic rules (the figure that
    /// says how copydesk does on sites it has no rule for).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Only the first N pages (in id order).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Which inputs to score: the pages' HTML, plain-text dumps made from them, or both.
    #[arg(long, value_enum, default_value_t = Which::Both)]
    mode: Which,
    /// Per-page results, one JSON object a line.
    #[arg(long, value_name = "FILE", default_value = "target/eval/results.jsonl")]
    out: PathBuf,
    /// Also write the summary table as JSON (a list, one object per mode) to FILE.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Also score another tool's outputs, NAME=DIR with DIR/ID.txt per page, with the same
    /// metric code (repeatable).
    #[arg(long, value_name = "NAME=DIR")]
    compare: Vec<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Which {
    Html,
    Text,
    Both,
}

pub fn run(args: Args) -> u8 {
    let rules = match &args.rules {
        Some(dir) => match load_rules(dir) {
            Some(r) => r,
            None => return USAGE,
        },
        None => RuleSet::builtin(),
    };
    let mut others = Vec::new();
    for c in &args.compare {
        match c.split_once('=') {
            Some((name, dir)) if !name.is_empty() && !dir.is_empty() => {
                others.push((name.to_string(), PathBuf::from(dir)))
            }
            _ => {
                eprintln!("copydesk: --compare wants NAME=DIR (e.g. trafilatura=target/compare/trafilatura), not {c:?}");
                return USAGE;
            }
        }
    }
    let dir = corpus::locate(args.corpus.as_deref());
    let pages = match corpus::load(&dir, args.limit) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("copydesk: {e}");
            return USAGE;
        }
    };
    let engine = Engine::new(rules);
    let modes: &[Mode] = match args.mode {
        Which::Html => &[Mode::Html],
        Which::Text => &[Mode::Text],
        Which::Both => &[Mode::Html, Mode::Text],
    };
    let mut all = Vec::new();
    let mut summaries = Vec::new();
    for &mode in modes {
        let results: Vec<_> = pages
            .iter()
            .map(|p| eval::run_page(&engine, p, mode))
            .collect();
        summaries.push(report::summarize(mode.as_str(), &results));
        all.extend(results);
        if mode == Mode::Text {
            let base: Vec<_> = pages.iter().map(eval::unchanged_dump).collect();
            summaries.push(report::summarize("text-unchanged", &base));
            all.extend(base);
        }
    }
    for (name, dir) in &others {
        if !dir.is_dir() {
            eprintln!("copydesk: --compare {name}: no folder {}", dir.display());
            return USAGE;
        }
        let results = eval::score_folder(name, dir, &pages);
        summaries.push(report::summarize(name, &results));
        all.extend(results);
    }
    println!("{}", corpus::ATTRIBUTION);
    println!(
        "{} pages from {}; word-level precision/recall/F1 over lowercased \\w+ tokens, \
         macro-averaged (mean over pages); pages/s is engine time on one thread",
        pages.len(),
        dir.display()
    );
    print!("{}", report::table(&summaries));
    if let Some(path) = &args.summary {
        let json = serde_json::to_string_pretty(&summaries).unwrap_or_default();
        if let Err(e) = std::fs::write(path, json + "\n") {
            eprintln!("copydesk: cannot write summary to {}: {e}", path.display());
            return SOME_FAILED;
        }
    }
    match report::write_jsonl(&args.out, &all) {
        Ok(()) => {
            println!("per-page results: {}", args.out.display());
            OK
        }
        Err(e) => {
            eprintln!(
                "copydesk: cannot write per-page results to {}: {e}",
                args.out.display()
            );
            SOME_FAILED
        }
    }
}

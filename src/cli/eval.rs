//! `copydesk eval`: accuracy (and engine speed) on benchmark corpora with ground truth.

use super::{load_rules, OK, SOME_FAILED, USAGE};
use copydesk::eval::corpus::{Layout, Page};
use copydesk::eval::report::{PageResult, Summary};
use copydesk::eval::{self, corpus, report, Mode};
use copydesk::{Engine, RuleSet};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One corpus folder: WCXB (html/ID.html.gz + ground-truth/ID.json) or fundus-dev
    /// (pages/ID.html.gz + pages/ID.json), told apart by its folders. Default:
    /// $COPYDESK_CORPUS, else both ../shared/corpus/wcxb-dev-articles and
    /// ../shared/corpus/fundus-dev, each that is present.
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// The layout of the --corpus folder, when its folders do not say.
    #[arg(long, value_enum, value_name = "KIND")]
    corpus_kind: Option<CorpusKind>,
    /// Rules folder to use. Default: none, only the built-in generic rules (the figure that
    /// says how copydesk does on sites it has no rule for).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Only the first N pages (in id order) of each corpus.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Which inputs to score: the pages' HTML, plain-text dumps made from them, or both.
    #[arg(long, value_enum, default_value_t = Which::Both)]
    mode: Which,
    /// Per-page results, one JSON object a line (with the corpus's name).
    #[arg(long, value_name = "FILE", default_value = "target/eval/results.jsonl")]
    out: PathBuf,
    /// Also write the summary table as JSON (a list, one object per corpus and mode) to FILE.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Also score another tool's outputs, NAME=DIR with DIR/ID.txt per page (or
    /// DIR/CORPUS/ID.txt, CORPUS being `wcxb` or `fundus`), and its metadata from ID.json
    /// beside it when present, with the same metric code (repeatable).
    #[arg(long, value_name = "NAME=DIR")]
    compare: Vec<String>,
    /// Measure learning instead: for every fundus-dev publisher with at least three pages,
    /// learn a rule file from all but one page and clean the held-out page with it, as HTML
    /// and as a text dump, beside the generic rules on the same pages. --corpus names the
    /// fundus-dev folder (default ../shared/corpus/fundus-dev).
    #[arg(long)]
    learn: bool,
    /// With --learn: only publishers whose name contains this.
    #[arg(long, value_name = "NAME", requires = "learn")]
    publisher: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Which {
    Html,
    Text,
    Both,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CorpusKind {
    Wcxb,
    Fundus,
}

impl From<CorpusKind> for Layout {
    fn from(k: CorpusKind) -> Layout {
        match k {
            CorpusKind::Wcxb => Layout::Wcxb,
            CorpusKind::Fundus => Layout::Fundus,
        }
    }
}

pub fn run(args: Args) -> u8 {
    if args.learn {
        return learning(&args);
    }
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
                let dir = PathBuf::from(dir);
                if !dir.is_dir() {
                    eprintln!("copydesk: --compare {name}: no folder {}", dir.display());
                    return USAGE;
                }
                others.push((name.to_string(), dir))
            }
            _ => {
                eprintln!("copydesk: --compare wants NAME=DIR (e.g. trafilatura=target/compare/trafilatura), not {c:?}");
                return USAGE;
            }
        }
    }
    let dirs = match &args.corpus {
        Some(dir) => vec![dir.clone()],
        None => corpus::locate_all(),
    };
    let mut corpora = Vec::new();
    for dir in dirs {
        let layout = match args
            .corpus_kind
            .map(Layout::from)
            .or_else(|| Layout::detect(&dir))
        {
            Some(l) => l,
            None => {
                eprintln!("copydesk: {}", corpus::CorpusError::Missing(dir));
                return USAGE;
            }
        };
        match corpus::load_as(&dir, layout, args.limit) {
            Ok(pages) => corpora.push((dir, layout, pages)),
            Err(e) => {
                eprintln!("copydesk: {e}");
                return USAGE;
            }
        }
    }
    let engine = Engine::new(rules);
    let modes: &[Mode] = match args.mode {
        Which::Html => &[Mode::Html],
        Which::Text => &[Mode::Text],
        Which::Both => &[Mode::Html, Mode::Text],
    };
    let mut all = Vec::new();
    let mut summaries = Vec::new();
    for (i, (dir, layout, pages)) in corpora.iter().enumerate() {
        let (results, table) = eval_corpus(&engine, *layout, pages, modes, &others);
        if i > 0 {
            println!();
        }
        println!("{}", layout.attribution());
        println!(
            "[{}] {} pages from {}; word-level precision/recall/F1 over lowercased \\w+ tokens, \
             macro-averaged (mean over pages); pages/s is engine time on one thread",
            layout.name(),
            pages.len(),
            dir.display()
        );
        print!("{}", report::table(&table));
        all.extend(results);
        summaries.extend(table);
    }
    if let Some(path) = &args.summary {
        let json = serde_json::to_string_pretty(&summaries).unwrap_or_default();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(parent);
        }
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

/// Every mode and every other tool over one corpus: the per-page results and the summaries,
/// all marked with the corpus's name.
fn eval_corpus(
    engine: &Engine,
    layout: Layout,
    pages: &[Page],
    modes: &[Mode],
    others: &[(String, PathBuf)],
) -> (Vec<PageResult>, Vec<Summary>) {
    let mut all = Vec::new();
    let mut summaries = Vec::new();
    let mut add = |name: &str, mut results: Vec<PageResult>| {
        for r in &mut results {
            r.corpus = layout.name().to_string();
        }
        summaries.push(report::summarize(name, &results));
        all.extend(results);
    };
    for &mode in modes {
        add(
            mode.as_str(),
            pages
                .iter()
                .map(|p| eval::run_page(engine, p, mode))
                .collect(),
        );
        if mode == Mode::Text {
            add(
                "text-unchanged",
                pages.iter().map(eval::unchanged_dump).collect(),
            );
        }
    }
    for (name, dir) in others {
        add(
            name,
            eval::score_folder(name, &tool_dir(dir, layout), pages),
        );
    }
    (all, summaries)
}

/// Another tool's outputs for one corpus: `DIR/CORPUS` when it exists, else `DIR`.
fn tool_dir(dir: &Path, layout: Layout) -> PathBuf {
    let per_corpus = dir.join(layout.name());
    if per_corpus.is_dir() {
        per_corpus
    } else {
        dir.to_path_buf()
    }
}

/// `copydesk eval --learn`.
fn learning(args: &Args) -> u8 {
    let dir = args
        .corpus
        .clone()
        .unwrap_or_else(|| PathBuf::from(corpus::FUNDUS_DIR));
    let held = match eval::learn::run(&dir, args.publisher.as_deref()) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("copydesk: {e}");
            return USAGE;
        }
    };
    let publishers = {
        let mut p: Vec<&str> = held.iter().map(|h| h.publisher.as_str()).collect();
        p.dedup();
        p.len()
    };
    println!("{}", Layout::Fundus.attribution());
    println!(
        "{} held-out pages of {publishers} publishers with 3+ pages in {}; each cleaned with a rule \
         file learned from the publisher's other pages (and the generic rules), beside the \
         generic rules alone; word-level F1, macro-averaged",
        held.len(),
        dir.display()
    );
    let pick = |f: fn(&eval::learn::HeldOut) -> &PageResult| -> Vec<PageResult> {
        held.iter().map(|h| f(h).clone()).collect()
    };
    let summaries: Vec<Summary> = [
        ("learned-html", pick(|h| &h.learned_html)),
        ("generic-html", pick(|h| &h.generic_html)),
        ("learned-text", pick(|h| &h.learned_text)),
        ("generic-text", pick(|h| &h.generic_text)),
    ]
    .iter()
    .map(|(mode, results)| report::summarize(mode, results))
    .collect();
    print!("{}", report::table(&summaries));
    let html_ok = held.iter().filter(|h| h.recognised.0).count();
    let text_ok = held.iter().filter(|h| h.recognised.1).count();
    println!(
        "held-out pages recognised by the learned rules: HTML {html_ok} of {n}, text dumps {text_ok} of {n}",
        n = held.len()
    );
    let mut all: Vec<PageResult> = Vec::new();
    for h in &held {
        for r in [
            &h.learned_html,
            &h.generic_html,
            &h.learned_text,
            &h.generic_text,
        ] {
            all.push(r.clone());
        }
    }
    let out = args.out.with_file_name("learn.jsonl");
    // The learned rule files and what they made of each held-out page, to read beside
    // the figures.
    let learned = args.out.with_file_name("learned");
    if std::fs::create_dir_all(&learned).is_ok() {
        for h in &held {
            for (mode, toml, output) in [
                ("html", &h.rules.0, &h.outputs.0),
                ("text", &h.rules.1, &h.outputs.1),
            ] {
                let id = &h.learned_html.id;
                let _ = std::fs::write(learned.join(format!("{id}-{mode}.toml")), toml);
                let _ = std::fs::write(learned.join(format!("{id}-{mode}.out.txt")), output);
            }
        }
    }
    match report::write_jsonl(&out, &all) {
        Ok(()) => {
            println!("per-page results: {}", out.display());
            OK
        }
        Err(e) => {
            eprintln!(
                "copydesk: cannot write per-page results to {}: {e}",
                out.display()
            );
            SOME_FAILED
        }
    }
}

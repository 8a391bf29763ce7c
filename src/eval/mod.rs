//! Accuracy harness: how close copydesk's body text comes to a benchmark's ground truth.
//!
//! Claims about extraction quality need a number anyone can reproduce. This module runs the
//! engine over corpora of real pages with hand-checked main content and metadata (WCXB and
//! fundus-dev, see [`corpus`]), both as HTML and as the plain-text dump a
//! scraper would have made of the same page, and scores each output with the corpus's own
//! metric. Other tools' outputs can be scored by the same code (`score_folder`), so a
//! side-by-side comparison never depends on two implementations of one metric.
//!
//! Split by job: [`corpus`] reads pages, [`dump`] turns a page into a naive text dump,
//! [`metric`] scores, [`report`] averages and writes per-page results.

pub mod corpus;
pub mod dump;
pub mod learn;
pub mod metric;
pub mod report;

use crate::engine::{Engine, Options};
use crate::input;
use corpus::Page;
use report::{Found, PageResult};
use std::path::Path;
use std::time::Instant;

/// How a page is handed to copydesk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The page's HTML, as fetched.
    Html,
    /// A plain-text dump of the page (see [`dump`]), no URL, no markup.
    Text,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Html => "html",
            Mode::Text => "text",
        }
    }
}

/// Cleans one page in `mode` and scores the body; `seconds` is the engine's time alone
/// (reading the corpus and making the dump are not counted).
pub fn run_page(engine: &Engine, page: &Page, mode: Mode) -> PageResult {
    let (name, bytes) = match mode {
        Mode::Html => (format!("{}.html", page.id), page.html.clone().into_bytes()),
        Mode::Text => (
            format!("{}.txt", page.id),
            dump::text_dump(&page.html).into_bytes(),
        ),
    };
    let input_bytes = bytes.len();
    let started = Instant::now();
    // A fetched page comes with its address (as other tools are given it); a text dump
    // does not.
    let options = Options {
        url: Some(page.url.clone()).filter(|u| mode == Mode::Html && !u.is_empty()),
    };
    let article = input::from_bytes(Path::new(&name), &bytes)
        .ok()
        .map(|d| engine.clean(d, &options));
    let seconds = started.elapsed().as_secs_f64();
    let Some(article) = article else {
        return PageResult::score(page, mode.as_str(), "", input_bytes, seconds);
    };
    PageResult::score(page, mode.as_str(), &article.text, input_bytes, seconds).with_metadata(
        page,
        Found {
            title: article.title.as_deref(),
            authors: &article.authors,
            published: article.published.as_deref(),
        },
    )
}

/// Scores another tool's outputs: `dir/ID.txt` for each page (a missing file scores as an
/// empty output, which is what the tool gave), and its metadata when `dir/ID.json` holds
/// any (`{"title": …, "author": …, "date": …}`, each optional).
pub fn score_folder(tool: &str, dir: &Path, pages: &[Page]) -> Vec<PageResult> {
    pages
        .iter()
        .map(|p| {
            let body =
                std::fs::read_to_string(dir.join(format!("{}.txt", p.id))).unwrap_or_default();
            let result = PageResult::score(p, tool, &body, p.html.len(), 0.0);
            match read_tool_metadata(&dir.join(format!("{}.json", p.id))) {
                Some(meta) => {
                    let authors: Vec<String> = meta.author.into_iter().collect();
                    result.with_metadata(
                        p,
                        Found {
                            title: meta.title.as_deref(),
                            authors: &authors,
                            published: meta.date.as_deref(),
                        },
                    )
                }
                None => result,
            }
        })
        .collect()
}

/// Metadata another tool found for a page.
#[derive(Debug, Default, serde::Deserialize)]
struct ToolMetadata {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

fn read_tool_metadata(path: &Path) -> Option<ToolMetadata> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Scores the dump itself, unchanged: the floor any text cleaner must beat.
pub fn unchanged_dump(page: &Page) -> PageResult {
    let text = dump::text_dump(&page.html);
    PageResult::score(page, "text-unchanged", &text, text.len(), 0.0)
}

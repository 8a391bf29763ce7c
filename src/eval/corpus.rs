//! Reading the development corpora: pages with the text and metadata a person expects.
//!
//! Two layouts are read, told apart by their folders:
//! - WCXB (Web Content eXtraction Benchmark, by Murrough Foley (2026), CC-BY-4.0):
//!   `html/ID.html.gz` pages and `ground-truth/ID.json` (`url`, `ground_truth.main_content`,
//!   `title`, `author`, `publish_date`, `with`/`without` snippets).
//! - fundus-dev (the per-publisher parser fixtures of Fundus, flairNLP/fundus, MIT licence):
//!   `pages/ID.html.gz` beside `pages/ID.json` (`url`, `title`, `authors`, `published`, and
//!   the body as `summary` plus `sections` of `headline` and `paragraphs`).
//!
//! Both become the same [`Page`], so one metric scores both. The corpora are never copied
//! into the repository; they are read from folders beside it.

use flate2::read::GzDecoder;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the WCXB corpus is looked for when neither `--corpus` nor the environment says.
pub const DEFAULT_DIR: &str = "../shared/corpus/wcxb-dev-articles";
/// Where the fundus-dev corpus is looked for by default.
pub const FUNDUS_DIR: &str = "../shared/corpus/fundus-dev";
/// Environment variable naming the one corpus to read (instead of every default one).
pub const ENV_VAR: &str = "COPYDESK_CORPUS";
/// Credit line to print wherever WCXB's data or figures are used.
pub const ATTRIBUTION: &str =
    "Corpus: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0";
/// Credit line to print wherever fundus-dev's data or figures are used.
pub const FUNDUS_ATTRIBUTION: &str = "Corpus: fundus-dev, the per-publisher parser fixtures of \
     Fundus (flairNLP/fundus), MIT licence; the pages belong to their publishers";

/// How a corpus folder is laid out (and so which benchmark it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `html/ID.html.gz` + `ground-truth/ID.json`.
    Wcxb,
    /// `pages/ID.html.gz` + `pages/ID.json`.
    Fundus,
}

impl Layout {
    /// The name figures are reported under.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Wcxb => "wcxb",
            Layout::Fundus => "fundus",
        }
    }

    /// The credit line for figures from this corpus.
    pub fn attribution(self) -> &'static str {
        match self {
            Layout::Wcxb => ATTRIBUTION,
            Layout::Fundus => FUNDUS_ATTRIBUTION,
        }
    }

    /// Tells the layout from the folders inside `dir`.
    pub fn detect(dir: &Path) -> Option<Layout> {
        if dir.join("ground-truth").is_dir() {
            Some(Layout::Wcxb)
        } else if dir.join("pages").is_dir() {
            Some(Layout::Fundus)
        } else {
            None
        }
    }

    /// The folder holding the truth files (`ID.json`).
    fn truth_dir(self, dir: &Path) -> PathBuf {
        match self {
            Layout::Wcxb => dir.join("ground-truth"),
            Layout::Fundus => dir.join("pages"),
        }
    }

    fn html_path(self, dir: &Path, id: &str) -> PathBuf {
        let folder = match self {
            Layout::Wcxb => "html",
            Layout::Fundus => "pages",
        };
        dir.join(folder).join(format!("{id}.html.gz"))
    }
}

/// The corpus folder: `explicit`, else `$COPYDESK_CORPUS`, else [`DEFAULT_DIR`].
pub fn locate(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(ENV_VAR).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
}

/// The corpora to read when none is named: `$COPYDESK_CORPUS` if set, else every default
/// corpus that is present (WCXB, then fundus-dev), else WCXB's folder (so the error names it).
pub fn locate_all() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(ENV_VAR) {
        return vec![PathBuf::from(dir)];
    }
    let present: Vec<PathBuf> = [DEFAULT_DIR, FUNDUS_DIR]
        .iter()
        .map(PathBuf::from)
        .filter(|d| Layout::detect(d).is_some())
        .collect();
    if present.is_empty() {
        vec![PathBuf::from(DEFAULT_DIR)]
    } else {
        present
    }
}

/// One page with its ground truth.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: String,
    pub url: String,
    pub html: String,
    pub truth: Truth,
}

/// The fields of the ground truth the harness uses.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Truth {
    #[serde(default)]
    pub main_content: String,
    #[serde(default)]
    pub title: Option<String>,
    /// The author or authors (several joined by "; ").
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub publish_date: Option<String>,
    /// Snippets of the main content.
    #[serde(default)]
    pub with: Vec<String>,
    /// Snippets of known boilerplate that must not be in the output.
    #[serde(default)]
    pub without: Vec<String>,
}

#[derive(Deserialize)]
struct TruthFile {
    #[serde(default)]
    url: String,
    ground_truth: Truth,
}

/// A fundus-dev expectation file: what Fundus's parser for the publisher extracts.
#[derive(Deserialize)]
struct FundusFile {
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    summary: Vec<String>,
    #[serde(default)]
    sections: Vec<FundusSection>,
}

#[derive(Deserialize)]
struct FundusSection {
    #[serde(default)]
    headline: Vec<String>,
    #[serde(default)]
    paragraphs: Vec<String>,
}

impl FundusFile {
    /// The body as one text: summary, then each section's headline and paragraphs.
    fn into_page(self, id: &str, html: String) -> Page {
        let body: Vec<String> = self
            .summary
            .into_iter()
            .chain(
                self.sections
                    .into_iter()
                    .flat_map(|s| s.headline.into_iter().chain(s.paragraphs)),
            )
            .collect();
        let authors: Vec<String> = self
            .authors
            .into_iter()
            .filter(|a| !a.trim().is_empty())
            .collect();
        Page {
            id: id.to_string(),
            url: self.url,
            html,
            truth: Truth {
                main_content: body.join("\n\n"),
                title: self.title,
                author: (!authors.is_empty()).then(|| authors.join("; ")),
                publish_date: self.published,
                with: Vec::new(),
                without: Vec::new(),
            },
        }
    }
}

/// Why a corpus could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error(
        "no corpus at {0}: pass --corpus DIR or set {ENV_VAR} to a folder with html/ and \
         ground-truth/ (WCXB) or pages/ (fundus-dev)"
    )]
    Missing(PathBuf),
    #[error("{path}: {reason}")]
    Bad { path: PathBuf, reason: String },
}

/// Page ids in a corpus of `layout` (sorted), from the truth files that have a page.
pub fn ids_as(dir: &Path, layout: Layout) -> Result<Vec<String>, CorpusError> {
    let entries = std::fs::read_dir(layout.truth_dir(dir))
        .map_err(|_| CorpusError::Missing(dir.to_path_buf()))?;
    let mut ids: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_string)
        })
        .filter(|id| layout.html_path(dir, id).is_file())
        .collect();
    ids.sort();
    if ids.is_empty() {
        return Err(CorpusError::Missing(dir.to_path_buf()));
    }
    Ok(ids)
}

/// Page ids in the corpus (sorted), its layout detected from its folders.
pub fn ids(dir: &Path) -> Result<Vec<String>, CorpusError> {
    ids_as(dir, detect(dir)?)
}

fn detect(dir: &Path) -> Result<Layout, CorpusError> {
    Layout::detect(dir).ok_or_else(|| CorpusError::Missing(dir.to_path_buf()))
}

/// Reads one page of a corpus of `layout` and its ground truth.
pub fn load_page_as(dir: &Path, layout: Layout, id: &str) -> Result<Page, CorpusError> {
    let html_path = layout.html_path(dir, id);
    let truth_path = layout.truth_dir(dir).join(format!("{id}.json"));
    let bad = |path: &Path, reason: String| CorpusError::Bad {
        path: path.to_path_buf(),
        reason,
    };
    let gz = std::fs::read(&html_path).map_err(|e| bad(&html_path, e.to_string()))?;
    let mut raw = Vec::new();
    GzDecoder::new(gz.as_slice())
        .read_to_end(&mut raw)
        .map_err(|e| bad(&html_path, format!("not a readable gzip file: {e}")))?;
    let html = String::from_utf8_lossy(&raw).into_owned();
    let text = std::fs::read_to_string(&truth_path).map_err(|e| bad(&truth_path, e.to_string()))?;
    let not_truth =
        |e: serde_json::Error| bad(&truth_path, format!("not a ground-truth file: {e}"));
    match layout {
        Layout::Wcxb => {
            let file: TruthFile = serde_json::from_str(&text).map_err(not_truth)?;
            Ok(Page {
                id: id.to_string(),
                url: file.url,
                html,
                truth: file.ground_truth,
            })
        }
        Layout::Fundus => {
            let file: FundusFile = serde_json::from_str(&text).map_err(not_truth)?;
            Ok(file.into_page(id, html))
        }
    }
}

/// Reads one page and its ground truth, the layout detected from the corpus's folders.
pub fn load_page(dir: &Path, id: &str) -> Result<Page, CorpusError> {
    load_page_as(dir, detect(dir)?, id)
}

/// Reads the first `limit` pages (all when `None`) of a corpus of `layout`, in id order.
pub fn load_as(dir: &Path, layout: Layout, limit: Option<usize>) -> Result<Vec<Page>, CorpusError> {
    let ids = ids_as(dir, layout)?;
    let n = limit.unwrap_or(ids.len()).min(ids.len());
    ids[..n]
        .iter()
        .map(|id| load_page_as(dir, layout, id))
        .collect()
}

/// Reads the first `limit` pages (all when `None`), in id order, the layout detected.
pub fn load(dir: &Path, limit: Option<usize>) -> Result<Vec<Page>, CorpusError> {
    load_as(dir, detect(dir)?, limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn reads_a_tiny_corpus_and_reports_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("html")).unwrap();
        std::fs::create_dir_all(dir.path().join("ground-truth")).unwrap();
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<p>Hello</p>").unwrap();
        std::fs::write(dir.path().join("html/0001.html.gz"), gz.finish().unwrap()).unwrap();
        std::fs::write(
            dir.path().join("ground-truth/0001.json"),
            r#"{"url":"https://a.com/x","ground_truth":{"main_content":"Hello","without":["Home"]}}"#,
        )
        .unwrap();
        let pages = load(dir.path(), None).unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].html, "<p>Hello</p>");
        assert_eq!(pages[0].truth.without, vec!["Home"]);
        let missing = load(&dir.path().join("nope"), None).unwrap_err();
        assert!(missing.to_string().contains("--corpus"));
    }

    #[test]
    fn reads_a_fundus_layout_with_its_body_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pages")).unwrap();
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<p>Body</p>").unwrap();
        std::fs::write(
            dir.path().join("pages/de-X_2024.html.gz"),
            gz.finish().unwrap(),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("pages/de-X_2024.json"),
            r#"{"url":"https://x.de/a","title":"T","authors":["A B","C D"],
                "published":"2024-05-03 15:47:42+00:00","summary":["Lead."],
                "sections":[{"headline":[],"paragraphs":["One."]},
                            {"headline":["Sub"],"paragraphs":["Two."]}]}"#,
        )
        .unwrap();
        // A page without an expectation file is not part of the corpus.
        std::fs::write(dir.path().join("pages/lone.html.gz"), b"").unwrap();
        assert_eq!(Layout::detect(dir.path()), Some(Layout::Fundus));
        let pages = load(dir.path(), None).unwrap();
        assert_eq!(pages.len(), 1);
        let t = &pages[0].truth;
        assert_eq!(pages[0].url, "https://x.de/a");
        assert_eq!(t.main_content, "Lead.\n\nOne.\n\nSub\n\nTwo.");
        assert_eq!(t.author.as_deref(), Some("A B; C D"));
        assert_eq!(t.publish_date.as_deref(), Some("2024-05-03 15:47:42+00:00"));
    }
}

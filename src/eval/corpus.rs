//! Reading a WCXB-style corpus: `html/ID.html.gz` pages and `ground-truth/ID.json`.
//!
//! WCXB (Web Content eXtraction Benchmark) is by Murrough Foley (2026), CC-BY-4.0. The
//! corpus is never copied into the repository; it is read from a folder beside it.

use flate2::read::GzDecoder;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the corpus is looked for when neither `--corpus` nor the environment says.
pub const DEFAULT_DIR: &str = "../shared/corpus/wcxb-dev-articles";
/// Environment variable that overrides [`DEFAULT_DIR`].
pub const ENV_VAR: &str = "COPYDESK_CORPUS";
/// Credit line to print wherever the corpus's data or figures are used.
pub const ATTRIBUTION: &str =
    "Corpus: WCXB (Web Content eXtraction Benchmark) by Murrough Foley (2026), CC-BY-4.0";

/// The corpus folder: `explicit`, else `$COPYDESK_CORPUS`, else [`DEFAULT_DIR`].
pub fn locate(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(ENV_VAR).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
}

/// One page with its ground truth.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: String,
    pub url: String,
    pub html: String,
    pub truth: Truth,
}

/// The fields of `ground_truth` the harness uses.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Truth {
    #[serde(default)]
    pub main_content: String,
    #[serde(default)]
    pub title: Option<String>,
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

/// Why a corpus could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error(
        "no corpus at {0}: pass --corpus DIR or set {ENV_VAR} to a folder with html/ and ground-truth/"
    )]
    Missing(PathBuf),
    #[error("{path}: {reason}")]
    Bad { path: PathBuf, reason: String },
}

/// Page ids in the corpus (sorted), from the ground-truth files.
pub fn ids(dir: &Path) -> Result<Vec<String>, CorpusError> {
    let truth_dir = dir.join("ground-truth");
    let entries =
        std::fs::read_dir(&truth_dir).map_err(|_| CorpusError::Missing(dir.to_path_buf()))?;
    let mut ids: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_string)
        })
        .filter(|id| dir.join("html").join(format!("{id}.html.gz")).is_file())
        .collect();
    ids.sort();
    if ids.is_empty() {
        return Err(CorpusError::Missing(dir.to_path_buf()));
    }
    Ok(ids)
}

/// Reads one page and its ground truth.
pub fn load_page(dir: &Path, id: &str) -> Result<Page, CorpusError> {
    let html_path = dir.join("html").join(format!("{id}.html.gz"));
    let truth_path = dir.join("ground-truth").join(format!("{id}.json"));
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
    let file: TruthFile = serde_json::from_str(&text)
        .map_err(|e| bad(&truth_path, format!("not a ground-truth file: {e}")))?;
    Ok(Page {
        id: id.to_string(),
        url: file.url,
        html,
        truth: file.ground_truth,
    })
}

/// Reads the first `limit` pages (all when `None`), in id order.
pub fn load(dir: &Path, limit: Option<usize>) -> Result<Vec<Page>, CorpusError> {
    let ids = ids(dir)?;
    let n = limit.unwrap_or(ids.len()).min(ids.len());
    ids[..n].iter().map(|id| load_page(dir, id)).collect()
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
}

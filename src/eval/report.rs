//! Per-page results and their averages.
//!
//! Averages are macro averages: the mean of each page's precision, recall and F1, so every
//! page weighs the same whatever its length (the usual way extraction benchmarks report).
//! Per-page lines go to a JSONL file so a regression can be traced to the pages it hit.

use super::corpus::Page;
use super::metric;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// One page's score for one tool or mode.
#[derive(Debug, Clone, Serialize)]
pub struct PageResult {
    /// The corpus the page is from (`wcxb`, `fundus`); empty when not told.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub corpus: String,
    pub id: String,
    pub url: String,
    /// `html`, `text`, `text-unchanged`, or another tool's name.
    pub mode: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub words_out: usize,
    pub words_truth: usize,
    /// `without` snippets (known boilerplate) found in the output.
    pub without_left: Vec<String>,
    /// `with` snippets (main content) missing from the output.
    pub with_missing: usize,
    pub input_bytes: usize,
    pub seconds: f64,
    /// Metadata against the truth, where the truth has the field: title (same words),
    /// author (the true author's words all in the found authors), date (same day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_ok: Option<bool>,
    /// What was found, beside the checks above, so a miss can be read without rerunning
    /// the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_found: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors_found: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_found: Option<String>,
}

/// The metadata a tool found, for [`PageResult::with_metadata`].
#[derive(Debug, Default)]
pub struct Found<'a> {
    pub title: Option<&'a str>,
    pub authors: &'a [String],
    pub published: Option<&'a str>,
}

impl PageResult {
    /// Scores `body` against `page`'s ground truth.
    pub fn score(page: &Page, mode: &str, body: &str, input_bytes: usize, seconds: f64) -> Self {
        let out = metric::tokens(body);
        let truth = metric::tokens(&page.truth.main_content);
        let s = metric::score(&out, &truth);
        let without_left = page
            .truth
            .without
            .iter()
            .filter(|w| metric::left_in(&out, &truth, w))
            .cloned()
            .collect();
        let with_missing = page
            .truth
            .with
            .iter()
            .filter(|w| {
                let needle = metric::tokens(w);
                !needle.is_empty() && metric::occurrences(&out, &needle) == 0
            })
            .count();
        PageResult {
            corpus: String::new(),
            id: page.id.clone(),
            url: page.url.clone(),
            mode: mode.to_string(),
            precision: s.precision,
            recall: s.recall,
            f1: s.f1,
            words_out: out.len(),
            words_truth: truth.len(),
            without_left,
            with_missing,
            input_bytes,
            seconds,
            title_ok: None,
            author_ok: None,
            date_ok: None,
            title_found: None,
            authors_found: Vec::new(),
            date_found: None,
        }
    }

    /// Adds metadata checks against `page`'s truth.
    pub fn with_metadata(mut self, page: &Page, found: Found) -> Self {
        let t = &page.truth;
        self.title_found = found.title.map(str::to_string);
        self.authors_found = found.authors.to_vec();
        self.date_found = found.published.map(str::to_string);
        let present = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(title) = present(&t.title) {
            self.title_ok = Some(
                found
                    .title
                    .is_some_and(|f| metric::tokens(f) == metric::tokens(&title)),
            );
        }
        if let Some(author) = present(&t.author) {
            let found_words: Vec<String> = found
                .authors
                .iter()
                .flat_map(|a| metric::tokens(a))
                .collect();
            let want = metric::tokens(&author);
            self.author_ok = Some(!want.is_empty() && want.iter().all(|w| found_words.contains(w)));
        }
        if let Some(date) = present(&t.publish_date) {
            self.date_ok = Some(found.published.is_some_and(|f| same_day(f, &date)));
        }
        self
    }
}

/// True when two dates name the same day: as written, or both in UTC when both carry a
/// time and an offset (a page may give local time where the truth gives UTC).
fn same_day(found: &str, truth: &str) -> bool {
    let day = |d: &str| d.trim().get(..10).map(str::to_string);
    let utc_day = |d: &str| {
        chrono::DateTime::parse_from_rfc3339(&d.trim().replacen(' ', "T", 1))
            .ok()
            .map(|t| t.naive_utc().date())
    };
    let literal = day(found).is_some_and(|f| Some(f) == day(truth));
    literal || utc_day(found).is_some_and(|f| Some(f) == utc_day(truth))
}

/// Averages over the pages of one mode.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The corpus (`wcxb`, `fundus`), as in the per-page results.
    pub corpus: String,
    pub mode: String,
    pub pages: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub median_f1: f64,
    /// Share of pages (0–1) with any `without` snippet left in.
    pub without_left_share: f64,
    /// Pages per second of engine time (0 when not timed).
    pub pages_per_second: f64,
    pub megabytes_per_second: f64,
    /// Share of pages with a true title/author/date where the found one matches
    /// (`None` when no page was checked).
    pub title_accuracy: Option<f64>,
    pub author_accuracy: Option<f64>,
    pub date_accuracy: Option<f64>,
}

/// Macro averages of `results` (all of one mode).
pub fn summarize(mode: &str, results: &[PageResult]) -> Summary {
    let n = results.len().max(1) as f64;
    let mean = |f: fn(&PageResult) -> f64| results.iter().map(f).sum::<f64>() / n;
    let mut f1s: Vec<f64> = results.iter().map(|r| r.f1).collect();
    f1s.sort_by(f64::total_cmp);
    let median_f1 = match f1s.len() {
        0 => 0.0,
        l if l % 2 == 1 => f1s[l / 2],
        l => (f1s[l / 2 - 1] + f1s[l / 2]) / 2.0,
    };
    let seconds: f64 = results.iter().map(|r| r.seconds).sum();
    let bytes: usize = results.iter().map(|r| r.input_bytes).sum();
    let rate = |x: f64| if seconds > 0.0 { x / seconds } else { 0.0 };
    Summary {
        corpus: results
            .first()
            .map(|r| r.corpus.clone())
            .unwrap_or_default(),
        mode: mode.to_string(),
        pages: results.len(),
        precision: mean(|r| r.precision),
        recall: mean(|r| r.recall),
        f1: mean(|r| r.f1),
        median_f1,
        without_left_share: results
            .iter()
            .filter(|r| !r.without_left.is_empty())
            .count() as f64
            / n,
        pages_per_second: rate(results.len() as f64),
        megabytes_per_second: rate(bytes as f64 / 1e6),
        title_accuracy: share(results.iter().filter_map(|r| r.title_ok)),
        author_accuracy: share(results.iter().filter_map(|r| r.author_ok)),
        date_accuracy: share(results.iter().filter_map(|r| r.date_ok)),
    }
}

fn share(oks: impl Iterator<Item = bool>) -> Option<f64> {
    let (n, good) = oks.fold((0usize, 0usize), |(n, g), ok| (n + 1, g + ok as usize));
    (n > 0).then(|| good as f64 / n as f64)
}

/// The summary table, one line per mode.
pub fn table(summaries: &[Summary]) -> String {
    let mut out = format!(
        "{:<16} {:>5} {:>9} {:>7} {:>6} {:>9} {:>13} {:>8} {:>6}\n",
        "mode",
        "pages",
        "precision",
        "recall",
        "F1",
        "median F1",
        "without left",
        "pages/s",
        "MB/s"
    );
    for s in summaries {
        let speed = |x: f64, digits: usize| {
            if s.pages_per_second > 0.0 {
                format!("{x:.digits$}")
            } else {
                "-".to_string()
            }
        };
        out.push_str(&format!(
            "{:<16} {:>5} {:>9.3} {:>7.3} {:>6.3} {:>9.3} {:>12.1}% {:>8} {:>6}\n",
            s.mode,
            s.pages,
            s.precision,
            s.recall,
            s.f1,
            s.median_f1,
            s.without_left_share * 100.0,
            speed(s.pages_per_second, 1),
            speed(s.megabytes_per_second, 2),
        ));
    }
    for s in summaries {
        let fields = [s.title_accuracy, s.author_accuracy, s.date_accuracy];
        if fields.iter().any(Option::is_some) {
            let [t, a, d] =
                fields.map(|f| f.map_or("-".to_string(), |x| format!("{:.1}%", x * 100.0)));
            out.push_str(&format!(
                "{:<16} metadata matching the truth: title {t}, author {a}, date {d}\n",
                s.mode,
            ));
        }
    }
    out
}

/// Writes one JSON object per result, one per line.
pub fn write_jsonl(path: &Path, results: &[PageResult]) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for r in results {
        serde_json::to_writer(&mut out, r)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::corpus::Truth;

    #[test]
    fn scores_and_macro_averages() {
        let page = Page {
            id: "1".into(),
            url: String::new(),
            html: String::new(),
            truth: Truth {
                main_content: "a b".into(),
                without: vec!["Menu".into()],
                ..Truth::default()
            },
        };
        let good = PageResult::score(&page, "html", "a b", 10, 0.5);
        let bad = PageResult::score(&page, "html", "Menu", 10, 0.5);
        assert_eq!(good.f1, 1.0);
        assert_eq!(bad.without_left, vec!["Menu"]);
        let s = summarize("html", &[good, bad]);
        assert_eq!(s.f1, 0.5);
        assert_eq!(s.without_left_share, 0.5);
        assert_eq!(s.pages_per_second, 2.0);
    }

    #[test]
    fn dates_match_by_day_as_written_or_in_utc() {
        assert!(same_day("2024-05-03", "2024-05-03 15:47:42.389000+00:00"));
        // 01:30 in Vienna is the evening before in UTC.
        assert!(same_day(
            "2024-05-04T01:30:00+02:00",
            "2024-05-03 23:30:00+00:00"
        ));
        assert!(!same_day("2024-05-04", "2024-05-03 23:30:00+00:00"));
        assert!(!same_day("", "2024-05-03"));
    }
}

//! The corpus's metric: word-level precision, recall and F1 over the multiset of
//! lowercased `\w+` tokens, and whether known boilerplate snippets were left in.
//!
//! Multisets, not sets: a paragraph duplicated in the output costs precision. Word order is
//! ignored, which is what makes the metric robust to block order and whitespace.

use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Lowercased `\w+` tokens (Unicode word characters), in order.
pub fn tokens(text: &str) -> Vec<String> {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| Regex::new(r"\w+").expect("valid regex"));
    word.find_iter(text)
        .map(|m| m.as_str().to_lowercase())
        .collect()
}

/// Precision, recall and F1 of one output against one reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Scores `output` against `truth`. Both empty is a perfect score; one empty scores 0.
pub fn score(output: &[String], truth: &[String]) -> Score {
    if output.is_empty() && truth.is_empty() {
        return Score {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in truth {
        *counts.entry(t.as_str()).or_default() += 1;
    }
    let mut common = 0usize;
    for t in output {
        if let Some(c) = counts.get_mut(t.as_str()) {
            if *c > 0 {
                *c -= 1;
                common += 1;
            }
        }
    }
    let precision = if output.is_empty() {
        0.0
    } else {
        common as f64 / output.len() as f64
    };
    let recall = if truth.is_empty() {
        0.0
    } else {
        common as f64 / truth.len() as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Score {
        precision,
        recall,
        f1,
    }
}

/// How many times the token sequence `needle` occurs contiguously in `haystack`.
pub fn occurrences(haystack: &[String], needle: &[String]) -> usize {
    if needle.is_empty() || needle.len() > haystack.len() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// True when boilerplate `snippet` is left in `output`: its words occur (in order,
/// contiguously) more often in the output than in the true main content. Comparing with
/// the truth keeps a snippet like "Home" from counting when the article itself says "home".
pub fn left_in(output: &[String], truth: &[String], snippet: &str) -> bool {
    let needle = tokens(snippet);
    !needle.is_empty() && occurrences(output, &needle) > occurrences(truth, &needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        tokens(s)
    }

    #[test]
    fn tokens_are_lowercased_words() {
        assert_eq!(
            t("Hello, World! It's 2021 — état_civil"),
            vec!["hello", "world", "it", "s", "2021", "état_civil"]
        );
        assert!(t(" ,.;— ").is_empty());
    }

    #[test]
    fn f1_on_known_inputs() {
        let s = score(&t("a b c d"), &t("a b c d"));
        assert_eq!(s.f1, 1.0);
        // 2 of 4 output words are right; 2 of 2 true words found.
        let s = score(&t("a b x y"), &t("a b"));
        assert_eq!(s.precision, 0.5);
        assert_eq!(s.recall, 1.0);
        assert!((s.f1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn duplicates_count_as_a_multiset() {
        let s = score(&t("a a a"), &t("a"));
        assert!((s.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.recall, 1.0);
    }

    #[test]
    fn empty_cases() {
        assert_eq!(score(&[], &[]).f1, 1.0);
        assert_eq!(score(&[], &t("a")).f1, 0.0);
        assert_eq!(score(&t("a"), &[]).f1, 0.0);
    }

    #[test]
    fn snippets_left_in_only_beyond_the_truth() {
        let truth = t("We went home early.");
        assert!(!left_in(&t("We went home early."), &truth, "Home"));
        assert!(left_in(&t("Home We went home early."), &truth, "Home"));
        assert!(left_in(
            &t("Sign up for our newsletter"),
            &truth,
            "Sign up for our newsletter"
        ));
        assert!(!left_in(
            &t("Sign up now"),
            &truth,
            "Sign up for our newsletter"
        ));
        assert!(!left_in(&t("anything"), &truth, " — "));
    }
}

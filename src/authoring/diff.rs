//! Unified diffs of snapshots, the way a reviewer reads them in a pull request.
//!
//! `-` lines are what the snapshot says, `+` lines what the rules give now, with a few
//! lines of context; colour (red/green) only when asked for.

use super::style::Paint;
use similar::{ChangeTag, TextDiff};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff from `expected` to `actual`; empty when they are equal.
pub fn unified(expected: &str, actual: &str, expected_name: &str, actual_name: &str) -> String {
    if expected == actual {
        return String::new();
    }
    TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(CONTEXT)
        .header(expected_name, actual_name)
        .missing_newline_hint(true)
        .to_string()
}

/// Colours a unified diff line by line: headers bold, hunks cyan, `-` red, `+` green.
pub fn colorize(diff: &str, paint: Paint) -> String {
    if !paint.enabled {
        return diff.to_string();
    }
    let mut out = String::with_capacity(diff.len() + diff.len() / 4);
    for line in diff.split_inclusive('\n') {
        let (text, newline) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        let styled = if text.starts_with("---") || text.starts_with("+++") {
            paint.bold(text)
        } else if text.starts_with("@@") {
            paint.cyan(text)
        } else if text.starts_with('-') {
            paint.red(text)
        } else if text.starts_with('+') {
            paint.green(text)
        } else {
            text.to_string()
        };
        out.push_str(&styled);
        out.push_str(newline);
    }
    out
}

/// How many lines a diff adds and removes (for one-line summaries).
pub fn counts(expected: &str, actual: &str) -> (usize, usize) {
    let diff = TextDiff::from_lines(expected, actual);
    let mut added = 0;
    let mut removed = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb\n", "x", "y"), "");
    }

    #[test]
    fn changed_line_shows_as_minus_and_plus() {
        let d = unified("a\nb\nc\n", "a\nB\nc\n", "expected", "actual");
        assert!(d.starts_with("--- expected\n+++ actual\n"), "{d}");
        assert!(d.contains("\n-b\n+B\n"), "{d}");
        assert_eq!(counts("a\nb\nc\n", "a\nB\nc\n"), (1, 1));
    }

    #[test]
    fn colour_only_when_enabled() {
        let d = unified("a\n", "b\n", "e", "a");
        assert_eq!(colorize(&d, Paint::new(false)), d);
        let c = colorize(&d, Paint::new(true));
        assert!(c.contains("\x1b[31m-a\x1b[0m\n"), "{c:?}");
        assert!(c.contains("\x1b[32m+b\x1b[0m\n"), "{c:?}");
    }
}

//! Applying a site's text removal rules to a [`Sheet`].
//!
//! One function per action keeps each rule's meaning in one place. Markers and line
//! patterns match whole trimmed lines (they were anchored when compiled).

use super::sheet::Sheet;
use crate::rules::compiled::{Action, TextRule, TextRules};
use regex::Regex;

/// Applies every rule of `rules`, in file order, to `sheet`.
pub fn apply(rules: &TextRules, sheet: &mut Sheet) {
    if rules.rules.is_empty() {
        return;
    }
    // One pass of the whole line set; `hits[i]` lists the rules whose patterns match line i.
    let mut hits: Vec<(usize, usize)> = Vec::new();
    if !rules.lines.owner.is_empty() {
        for i in 0..sheet.len() {
            // Most lines match nothing: the set's fast yes/no test first, the slower
            // which-patterns search only for lines that match something.
            if sheet.is_blank(i) || sheet.is_claimed(i) || !rules.lines.set.is_match(sheet.line(i))
            {
                continue;
            }
            for pattern in rules.lines.set.matches(sheet.line(i)).iter() {
                hits.push((rules.lines.owner[pattern], i));
            }
        }
    }
    for (index, rule) in rules.rules.iter().enumerate() {
        match &rule.action {
            Action::Line(()) => {
                for &(_, line) in hits.iter().filter(|(owner, _)| *owner == index) {
                    sheet.claim(line..line + 1, rule.kind, &rule.name);
                }
            }
            Action::Block { start, end } => block(sheet, rule, start, end),
            Action::From(marker) => tail(sheet, rule, marker, false),
            Action::After(marker) => tail(sheet, rule, marker, true),
            Action::Before(marker) => head(sheet, rule, marker, true),
            Action::Through(marker) => head(sheet, rule, marker, false),
            Action::ParagraphAfter(marker) => {
                if let Some(m) = find(sheet, marker, rule.last, 0..sheet.len()) {
                    let mut end = m + 1;
                    while end < sheet.len() && !sheet.is_blank(end) {
                        end += 1;
                    }
                    sheet.claim(m + 1..end, rule.kind, &rule.name);
                }
            }
        }
    }
}

/// Everything after the marker (`keep_marker`) or from it to the end.
fn tail(sheet: &mut Sheet, rule: &TextRule, marker: &Regex, keep_marker: bool) {
    let first_allowed = (rule.min_position * sheet.len() as f64).floor() as usize;
    if let Some(m) = find(sheet, marker, rule.last, first_allowed..sheet.len()) {
        let from = if keep_marker { m + 1 } else { m };
        sheet.claim(from..sheet.len(), rule.kind, &rule.name);
    }
}

/// Everything before the marker (`keep_marker`) or through it.
fn head(sheet: &mut Sheet, rule: &TextRule, marker: &Regex, keep_marker: bool) {
    let last_allowed = (rule.max_position * sheet.len() as f64).ceil() as usize;
    if let Some(m) = find(sheet, marker, rule.last, 0..last_allowed.min(sheet.len())) {
        let to = if keep_marker { m } else { m + 1 };
        sheet.claim(0..to, rule.kind, &rule.name);
    }
}

/// Every `start`…`end` block; a start without an end within `max_lines` removes nothing.
fn block(sheet: &mut Sheet, rule: &TextRule, start: &Regex, end: &Regex) {
    let mut i = 0;
    while i < sheet.len() {
        if !sheet.is_blank(i) && start.is_match(sheet.line(i)) {
            let limit = i.saturating_add(rule.max_lines).min(sheet.len());
            if let Some(j) = (i..limit).find(|&j| !sheet.is_blank(j) && end.is_match(sheet.line(j)))
            {
                sheet.claim(i..j + 1, rule.kind, &rule.name);
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
}

/// The first (or last) non-blank line in `range` matching `marker`.
fn find(sheet: &Sheet, marker: &Regex, last: bool, range: std::ops::Range<usize>) -> Option<usize> {
    let matches = |&i: &usize| !sheet.is_blank(i) && marker.is_match(sheet.line(i));
    if last {
        range.rev().find(matches)
    } else {
        range.into_iter().find(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::compile_str;
    use std::path::Path;

    fn run(rules: &str, text: &str) -> (Vec<String>, Vec<(String, String)>) {
        let src = format!("[site]\nid = \"t\"\nname = \"T\"\nhosts = [\"t.com\"]\n{rules}");
        let site = compile_str(Path::new("t.toml"), &src).unwrap();
        let mut sheet = Sheet::new(text);
        apply(&site.text, &mut sheet);
        let removed = sheet
            .removals()
            .into_iter()
            .map(|r| (r.rule, r.text))
            .collect();
        (sheet.paragraphs(), removed)
    }

    #[test]
    fn line_patterns_match_whole_lines_only() {
        let (body, removed) = run(
            "[text.remove.c]\nkind = 'comments'\nline = 'Comments'\n",
            "Comments\n\nComments made by officials were brief.",
        );
        assert_eq!(body, vec!["Comments made by officials were brief."]);
        assert_eq!(removed, vec![("t/c".into(), "Comments".into())]);
    }

    #[test]
    fn block_needs_its_end_within_max_lines() {
        let rules = "[text.remove.b]\nkind = 'donation'\nstart = 'Support us'\nend = 'Thanks'\nmax_lines = 3\n";
        let (body, _) = run(rules, "Support us\nplease\nThanks\n\nBody.");
        assert_eq!(body, vec!["Body."]);
        let (body, removed) = run(rules, "Support us\na\nb\nc\nThanks\n\nBody.");
        assert!(removed.is_empty());
        assert_eq!(body.len(), 2);
    }

    #[test]
    fn tail_and_head_markers() {
        let (body, removed) = run(
            "[text.remove.a]\nkind = 'author-bio'\nafter = 'Author: .+'\n[text.remove.h]\nkind = 'navigation'\nthrough = 'MENU'\n",
            "Home\nMENU\n\nBody.\n\nAuthor: A B\n\nA B writes things.",
        );
        assert_eq!(body, vec!["Body.", "Author: A B"]);
        assert_eq!(removed[0], ("t/h".into(), "Home\nMENU".into()));
        assert_eq!(removed[1], ("t/a".into(), "A B writes things.".into()));
    }

    #[test]
    fn min_position_ignores_an_early_marker() {
        let rules = "[text.remove.l]\nkind = 'related'\nfrom = 'Latest News'\nmin_position = 0.5\n";
        let text = "Title\n\nLatest News\n\nBody one.\n\nBody two.\n\nBody three.\n\nLatest News\nHeadline";
        let (body, removed) = run(rules, text);
        assert_eq!(
            body,
            vec![
                "Title",
                "Latest News",
                "Body one.",
                "Body two.",
                "Body three."
            ]
        );
        assert_eq!(
            removed,
            vec![("t/l".into(), "Latest News\nHeadline".into())]
        );
    }

    #[test]
    fn rest_of_paragraph_after_a_marker() {
        let (body, removed) = run(
            "[text.remove.v]\nkind = 'caption'\nparagraph_after = '\\d{4}'\n",
            "Name\n2021\nVideo title\n\nBody.",
        );
        assert_eq!(body, vec!["Name\n2021", "Body."]);
        assert_eq!(removed, vec![("t/v".into(), "Video title".into())]);
    }
}

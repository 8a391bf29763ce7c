//! Fingerprints that identify one site, and the test for ones that do not.
//!
//! A fingerprint says "this dump is ours" with no URL to go by, so it must be a line other
//! sites do not print. A word or a label ("Comments", "Share", "Masthead", "Latest News")
//! fails that however rare it looked in one site's dumps: many papers print it. The test
//! is structural, not a list of bad words: a fingerprint is *weak* when the shortest line
//! it can match is short (fewer than [`MIN_CHARS`] characters), when it fixes few
//! characters (fewer than [`MIN_LITERAL`]: `.{20,}` says nothing), or when it matches one of a handful of labels news
//! pages print everywhere. `check` warns about weak fingerprints, site finding never takes
//! a dump on weak fingerprints alone, and the learner never proposes one.

use regex::Regex;
use regex_syntax::hir::{Hir, HirKind};

/// A fingerprint whose shortest match is shorter than this is a word or a label.
pub const MIN_CHARS: usize = 16;
/// …or that fixes fewer characters than this (`.{20,}` matches long lines of any site).
pub const MIN_LITERAL: usize = 8;

/// Labels that pages of many sites print on a line of their own, in the languages of the
/// development corpora. Only a cross-check: the length test catches most.
const COMMON_LABELS: &[&str] = &[
    "Comments",
    "Comment",
    "Share",
    "Share this article",
    "Share this",
    "Masthead",
    "Masthead Masthead",
    "Latest News",
    "Latest",
    "Most Read",
    "Most Popular",
    "Related",
    "Related Articles",
    "Related Stories",
    "Read more",
    "Read More",
    "Advertisement",
    "Menu",
    "Home",
    "Search",
    "Newsletter",
    "Sign up",
    "Subscribe",
    "Log in",
    "Sign in",
    "Contact us",
    "About us",
    "Privacy Policy",
    "Terms of Use",
    "Cookie Policy",
    "All rights reserved",
    "Follow us",
    "Skip to content",
    "Skip to main content",
    "Werbung",
    "Anzeige",
    "Kommentare",
    "Teilen",
    "Mehr zum Thema",
    "Publicidad",
    "Compartir",
    "Partager",
    "Publicité",
];

/// Why `pattern` (a whole-line fingerprint as written in a rule file) does not identify
/// one site, or `None` when it is specific enough.
pub fn weakness(pattern: &str) -> Option<String> {
    let anchored = Regex::new(&crate::rules::anchored(pattern)).ok()?;
    if let Some(label) = COMMON_LABELS.iter().find(|l| anchored.is_match(l)) {
        return Some(format!(
            "fingerprint {pattern:?} matches the line {label:?}, a label many sites print: \
             it cannot tell this site from others; use a line only this site prints \
             (a sign-up prompt naming the site, a copyright line)"
        ));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let chars = hir.properties().minimum_len().unwrap_or(0);
    let fixed = literal_chars(&hir);
    if chars < MIN_CHARS || fixed < MIN_LITERAL {
        return Some(format!(
            "fingerprint {pattern:?} can match a line of {chars} characters, {fixed} of them \
             fixed: a word or label other sites print too; use a longer line only this site \
             prints, or require several fingerprints with min_fingerprints"
        ));
    }
    None
}

/// What `copydesk check` says about a site's fingerprints: (the pattern as written, the
/// warning). A weak fingerprint is reported when it could identify the site alone
/// (`min_fingerprints` below 2) or is a common label, which is no evidence even beside
/// others.
pub fn lint(site: &crate::rules::Site) -> Vec<(String, String)> {
    site.fingerprints
        .iter()
        .filter_map(|re| {
            let written = re
                .as_str()
                .strip_prefix("^(?:")
                .and_then(|p| p.strip_suffix(")$"))
                .unwrap_or(re.as_str());
            let why = weakness(written)?;
            (site.min_fingerprints < 2 || is_label(written)).then(|| (written.to_string(), why))
        })
        .collect()
}

/// True when `pattern` matches one of the labels many sites print.
pub fn is_label(pattern: &str) -> bool {
    Regex::new(&crate::rules::anchored(pattern))
        .is_ok_and(|re| COMMON_LABELS.iter().any(|l| re.is_match(l)))
}

/// True when [`weakness`] finds a problem.
pub fn is_weak(pattern: &str) -> bool {
    weakness(pattern).is_some()
}

/// Characters the pattern always contains literally (the shortest alternative counts for
/// an alternation; optional and repeated parts count their minimum).
fn literal_chars(hir: &Hir) -> usize {
    match hir.kind() {
        HirKind::Literal(lit) => String::from_utf8_lossy(&lit.0).chars().count(),
        HirKind::Concat(parts) => parts.iter().map(literal_chars).sum(),
        HirKind::Capture(c) => literal_chars(&c.sub),
        HirKind::Alternation(alts) => alts.iter().map(literal_chars).min().unwrap_or(0),
        HirKind::Repetition(r) => literal_chars(&r.sub) * r.min as usize,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_labels_are_weak() {
        for weak in [
            "Masthead( Masthead)?",
            "Comments",
            "Share",
            "Latest News",
            "(?i)read more",
            ".+",
            r"\d+ comments",
        ] {
            assert!(is_weak(weak), "{weak} should be weak");
        }
    }

    #[test]
    fn site_lines_are_specific() {
        for strong in [
            r"Start your day with TPM\.",
            r"Sign up for the Morning Memo newsletter",
            r"Join the GlobalSecurity\.org mailing list",
            "Stay up to date with notifications from The Independent",
            r"\((Additional )?[Rr]eporting by .+\)",
            "UNITED24 - Make a charitable donation.*",
        ] {
            assert_eq!(weakness(strong), None, "{strong}");
        }
    }
}

//! File names: output names (`<slug>-<hash>.<ext>`) and names that must fit the file
//! system's limit.
//!
//! An output name depends on the input alone: the slug of the dump's file name and its
//! SHA-256 prefix. Nothing the rules decide (the title, the site) is in it, so cleaning
//! the same input again — twice in a row, or after a crash and a rule change — replaces
//! the same file instead of adding a second article for one input. The slug is made of
//! ASCII letters, digits and single dashes only, so no input name can make a name that
//! leaves the output folder, hides itself, or is too long for a file system.

use crate::article::Article;
use crate::output::Format;
use sha2::{Digest, Sha256};

const MAX_SLUG: usize = 60;

/// The longest file name (in bytes) common Linux file systems accept (`NAME_MAX`).
pub const NAME_MAX: usize = 255;

/// The output file name for an article: `<slug of the dump's file name>-<sha12>.<ext>`.
pub fn file_name(article: &Article, format: Format) -> String {
    let stem = std::path::Path::new(&article.source.path)
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let slug = Some(slug(&stem))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "article".to_string());
    let hash = &article.source.sha256[..article.source.sha256.len().min(12)];
    format!("{slug}-{hash}.{}", format.extension())
}

/// `stem` + `suffix` as one name of at most `NAME_MAX - reserve` bytes. When too long, the
/// stem is cut at a character boundary and a short hash of the whole stem is added, so two
/// long names that differ only at their ends still get different names. `reserve` keeps
/// room for what a caller appends later (`.error`, a temp file's tail).
pub fn fit_name(stem: &str, suffix: &str, reserve: usize) -> String {
    let limit = NAME_MAX.saturating_sub(reserve);
    if stem.len() + suffix.len() <= limit {
        return format!("{stem}{suffix}");
    }
    let hash = format!("{:x}", Sha256::digest(stem.as_bytes()));
    let tag = format!("~{}", &hash[..8]);
    let mut keep = limit.saturating_sub(suffix.len() + tag.len());
    while !stem.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{tag}{suffix}", &stem[..keep])
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() >= MAX_SLUG {
                break;
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_cannot_escape_or_hide() {
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug(".hidden"), "hidden");
        assert_eq!(slug("Biden: Putin's ‘You’"), "biden-putin-s-you");
        assert_eq!(slug("///"), "");
        assert!(slug(&"a".repeat(500)).len() <= 60);
    }

    #[test]
    fn fitted_names_stay_under_the_limit_and_apart() {
        assert_eq!(fit_name("a", ".txt", 6), "a.txt");
        let long = "é".repeat(200); // 400 bytes
        let a = fit_name(&format!("{long}a"), ".1.txt", ".error".len());
        let b = fit_name(&format!("{long}b"), ".1.txt", ".error".len());
        assert!(a.len() + ".error".len() <= NAME_MAX, "{}", a.len());
        assert!(a.ends_with(".1.txt") && a.starts_with('é'));
        assert_ne!(a, b);
    }
}

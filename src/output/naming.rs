//! Output file names: `<slug>-<hash>.<ext>`.
//!
//! The hash is the input's SHA-256 prefix, so cleaning the same input twice gives the same
//! name (and overwrites, instead of adding a second file). The slug is made of ASCII
//! letters, digits and single dashes only, so no title can make a name that leaves the
//! output folder, hides itself, or is too long for a filesystem.

use crate::article::Article;
use crate::output::Format;

const MAX_SLUG: usize = 60;

/// The output file name for an article.
pub fn file_name(article: &Article, format: Format) -> String {
    let stem = std::path::Path::new(&article.source.path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let slug = [article.title.as_deref().unwrap_or(""), stem]
        .iter()
        .map(|s| slug(s))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "article".to_string());
    let hash = &article.source.sha256[..article.source.sha256.len().min(12)];
    format!("{slug}-{hash}.{}", format.extension())
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
    use super::slug;

    #[test]
    fn slugs_cannot_escape_or_hide() {
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug(".hidden"), "hidden");
        assert_eq!(slug("Biden: Putin's ‘You’"), "biden-putin-s-you");
        assert_eq!(slug("///"), "");
        assert!(slug(&"a".repeat(500)).len() <= 60);
    }
}

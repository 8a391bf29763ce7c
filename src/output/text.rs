//! Plain text: the headline, a blank line, and the body — no metadata, no markup.
//!
//! For corpora and language-model data, where the front matter and Markdown syntax would
//! be noise to strip again. What was removed and why stays in the Markdown and JSON
//! outputs; this one is the article a reader would see.

use crate::article::Article;

/// The article as plain text: title (when found), subtitle (when found), then the body,
/// each separated by one blank line, ending in one newline.
pub fn render_text(article: &Article) -> String {
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(article.title.as_deref());
    parts.extend(article.subtitle.as_deref());
    if !article.text.is_empty() {
        parts.push(&article.text);
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: Option<&str>, subtitle: Option<&str>, text: &str) -> Article {
        let mut a: Article = serde_json::from_value(serde_json::json!({
            "title": null, "subtitle": null, "authors": ["Jane Doe"],
            "published": "2024-03-05", "site": null, "generic": true, "url": null,
            "language": "en", "word_count": 0, "text": "",
            "source": {"path": "a.html", "sha256": "00", "format": "html"},
            "rule": {"id": "generic", "file": null}, "removed": []
        }))
        .expect("a minimal article");
        a.title = title.map(String::from);
        a.subtitle = subtitle.map(String::from);
        a.text = text.to_string();
        a
    }

    #[test]
    fn reads_back_as_headline_then_body_paragraphs() {
        let body = "First paragraph.\n\nSecond paragraph, with a [bracket] and *stars*.";
        let text = render_text(&article(Some("A Headline"), None, body));
        let (title, rest) = text
            .split_once("\n\n")
            .expect("a blank line after the title");
        assert_eq!(title, "A Headline");
        assert_eq!(
            rest.strip_suffix('\n'),
            Some(body),
            "the body comes back untouched"
        );
        assert!(
            !text.contains("+++") && !text.contains("Jane Doe"),
            "{text}"
        );
    }

    #[test]
    fn the_subtitle_follows_the_title_and_missing_parts_leave_no_gap() {
        let text = render_text(&article(Some("Head"), Some("Stand"), "Body."));
        assert_eq!(text, "Head\n\nStand\n\nBody.\n");
        let text = render_text(&article(None, None, "Body only."));
        assert_eq!(text, "Body only.\n");
    }
}

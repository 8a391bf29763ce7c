//! Markdown with TOML front matter: `+++`, the metadata, `+++`, a blank line, the body
//! (the article's `markdown`: its structure kept).
//!
//! Every field is proper TOML, and no content can end the front matter early: a reader
//! (ours, or a static-site generator) finds the closing fence as the first line that is
//! `+++`, and the only thing that can span lines inside the front matter is a multi-line
//! string. So a string with a line that looks like a fence is written on one line, its
//! line breaks escaped (`"…\n+++\n…"`); every other string keeps the serialiser's
//! readable form.

use crate::article::Article;

const FENCE: &str = "+++";

/// Renders an article; the Markdown body goes after the front matter instead of in the
/// `text` and `markdown` keys.
pub fn render_markdown(article: &Article) -> String {
    let value = serde_json::to_value(article).expect("articles always serialise");
    let mut table = match json_to_toml(value) {
        Some(toml::Value::Table(t)) => t,
        _ => unreachable!("an article serialises to an object"),
    };
    table.remove("text");
    table.remove("markdown");
    let front = toml::to_string(&table).expect("front matter always serialises");
    let front = no_fence_inside(front);
    let mut out = String::with_capacity(front.len() + article.markdown.len() + 16);
    out.push_str(FENCE);
    out.push('\n');
    out.push_str(&front);
    if !front.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(FENCE);
    out.push_str("\n\n");
    out.push_str(&article.markdown);
    out.push('\n');
    out
}

/// `front` with every multi-line string that holds a fence-like line (`+++`, after any
/// spaces) rewritten as a one-line string.
fn no_fence_inside(front: String) -> String {
    if !front.contains(FENCE) {
        return front;
    }
    let mut doc: toml_edit::DocumentMut = front
        .parse()
        .expect("the TOML serialiser writes TOML it can read");
    toml_edit::visit_mut::VisitMut::visit_document_mut(&mut OneLineFences, &mut doc);
    doc.to_string()
}

struct OneLineFences;

impl toml_edit::visit_mut::VisitMut for OneLineFences {
    fn visit_value_mut(&mut self, node: &mut toml_edit::Value) {
        if let toml_edit::Value::String(s) = node {
            // A multi-line string starts on a line of its own, so every line counts.
            let value = s.value();
            let risky = value.contains(['\n', '\r'])
                && value
                    .split(['\n', '\r'])
                    .any(|line| line.trim_start().starts_with(FENCE));
            if risky {
                use toml_write::ToTomlValue;
                let one_line = toml_write::TomlStringBuilder::new(s.value())
                    .as_basic()
                    .to_toml_value();
                let decor = s.decor().clone();
                *node = one_line.parse().expect("a basic string is a TOML value");
                *node.decor_mut() = decor;
                return;
            }
        }
        toml_edit::visit_mut::visit_value_mut(self, node);
    }
}

/// Reads back what [`render_markdown`] wrote (for snapshot tests and tools). The file holds
/// one body, the Markdown: it comes back as both `markdown` and `text` (the same for a text
/// dump; for a page, `text` then has the Markdown's markup).
pub fn parse_markdown(s: &str) -> Result<Article, String> {
    let rest = s
        .strip_prefix("+++\n")
        .ok_or("no front matter: the file must start with +++")?;
    let end = rest
        .find("\n+++\n")
        .ok_or("front matter is not closed by +++")?;
    let front = &rest[..end + 1];
    let body = rest[end + 5..]
        .trim_start_matches('\n')
        .trim_end_matches('\n');
    let mut table: toml::Table = toml::from_str(front).map_err(|e| e.to_string())?;
    table.insert("text".into(), toml::Value::String(body.to_string()));
    table.insert("markdown".into(), toml::Value::String(body.to_string()));
    let json = serde_json::to_value(&table).map_err(|e| e.to_string())?;
    let mut json = json;
    // TOML has no null: absent optional fields come back as null.
    if let Some(obj) = json.as_object_mut() {
        for key in ["title", "subtitle", "published", "site", "url", "language"] {
            obj.entry(key).or_insert(serde_json::Value::Null);
        }
        if let Some(rule) = obj.get_mut("rule").and_then(|r| r.as_object_mut()) {
            rule.entry("file").or_insert(serde_json::Value::Null);
        }
    }
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// JSON to TOML, dropping nulls (TOML has none).
fn json_to_toml(v: serde_json::Value) -> Option<toml::Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => toml::Value::Boolean(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        J::String(s) => toml::Value::String(s),
        J::Array(items) => toml::Value::Array(items.into_iter().filter_map(json_to_toml).collect()),
        J::Object(map) => toml::Value::Table(
            map.into_iter()
                .filter_map(|(k, v)| json_to_toml(v).map(|v| (k, v)))
                .collect(),
        ),
    })
}

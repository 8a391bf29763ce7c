//! `copydesk explain --html`: the explanation as one self-contained page.
//!
//! For authors who would rather look than read: removed text is struck through and
//! coloured by kind, text moved into the metadata is highlighted, kept text is plain. The
//! page has no external assets (inline CSS, no scripts, no fonts, no images), so it can be
//! mailed, attached to an issue, or opened offline. Every piece of dump text is escaped:
//! dumps are scraped from the web and may contain markup of their own.

use super::explain::{shorten, Explanation, Fate};
use super::style::kind_css;
use crate::article::Removal;
use crate::kind::Kind;
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#222;background:#fff}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.6em 0 .5em;border-bottom:1px solid #ddd}
.sub{color:#555;margin:.1em 0}.sub code{background:#f3f3f3;padding:0 .3em}
table.meta{border-collapse:collapse}table.meta th{text-align:left;padding:.2em 1em .2em 0;color:#555;font-weight:600;vertical-align:top}
table.meta td{padding:.2em 0}table.meta td.from{padding-left:1.5em;color:#777;font-size:.85em}.none{color:#999;font-style:italic}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1.2em}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:.35em;vertical-align:-.1em}
.dump{font:13px/1.55 ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;border:1px solid #ddd;border-radius:4px}
.ln{display:grid;grid-template-columns:3.5em 1fr;border-bottom:1px solid #f3f3f3}
.no{color:#aaa;text-align:right;padding-right:.8em;user-select:none}
.tx{white-space:pre-wrap;overflow-wrap:anywhere}
del{text-decoration:line-through;text-decoration-thickness:2px}
.moved{background:#e8f5e9}
.ln.h .tx{font:600 1.15em/1.4 system-ui,-apple-system,'Segoe UI',sans-serif}
.ln.mk{background:#fafafa}.ln.mk .no{color:#c62828}
.ln.mk del{text-decoration-thickness:1px}
.sel{font:11px ui-monospace,Menlo,Consolas,monospace;color:#555}
details.outside{margin:.5em 0}details.outside summary{cursor:pointer;color:#555}
details.outside ul{font:13px/1.5 ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;color:#777;margin:.3em 0}
.tag{font:11px system-ui,sans-serif;margin-left:.8em;padding:0 .4em;border:1px solid currentColor;border-radius:3px;white-space:nowrap}
";

/// The whole page.
pub fn render(e: &Explanation) -> String {
    let mut h = String::with_capacity(8192 + e.trace.lines.len() * 120);
    let title = format!("copydesk explain: {}", e.path);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}",
        escape(&title)
    );
    for kind in Kind::ALL {
        let _ = writeln!(h, ".k-{}{{color:{}}}", kind.as_str(), kind_css(kind));
    }
    h.push_str("</style>\n</head>\n<body>\n");

    let _ = writeln!(h, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(h, "<p class=\"sub\">Site: {}</p>", escape(&e.site_line()));
    if let Some(file) = &e.article.rule.file {
        let _ = writeln!(
            h,
            "<p class=\"sub\">Rules: <code>{}</code></p>",
            escape(file)
        );
    }
    for w in &e.article.warnings {
        let _ = writeln!(h, "<p class=\"sub\">Warning: {}</p>", escape(w));
    }

    legend(&mut h, e);
    metadata(&mut h, e);
    root(&mut h, e);
    dump(&mut h, e);

    let (kept, removed, moved) = e.totals();
    let _ = writeln!(
        h,
        "<p class=\"sub\">{kept} lines kept, {removed} removed, {moved} moved to metadata{}.</p>",
        e.markup_total()
    );
    h.push_str("</body>\n</html>\n");
    h
}

fn legend(h: &mut String, e: &Explanation) {
    h.push_str("<h2>Legend</h2>\n<ul class=\"legend\">\n");
    h.push_str("<li>kept text is plain</li>\n");
    for (kind, n) in e.kind_counts() {
        let what = if kind.is_metadata() {
            format!(
                "<span class=\"moved k-{k}\">{k}</span> moved to metadata",
                k = kind
            )
        } else {
            format!("<del class=\"k-{k}\">{k}</del> removed", k = kind)
        };
        let _ = writeln!(
            h,
            "<li><span class=\"sw\" style=\"background:{}\"></span>{what} ({n} line{})</li>",
            kind_css(kind),
            if n == 1 { "" } else { "s" }
        );
    }
    h.push_str("</ul>\n");
}

fn metadata(h: &mut String, e: &Explanation) {
    h.push_str("<h2>Metadata</h2>\n<table class=\"meta\">\n");
    for (label, value) in e.metadata_rows() {
        let from = match (&value, e.metadata_source(label)) {
            (Some(_), Some(source)) => format!("<td class=\"from\">{}</td>", escape(&source)),
            _ => String::new(),
        };
        let value = match value {
            Some(v) => escape(&v),
            None => "<span class=\"none\">not found</span>".to_string(),
        };
        let _ = writeln!(h, "<tr><th>{label}</th><td>{value}</td>{from}</tr>");
    }
    h.push_str("</table>\n");
}

/// The content root of an HTML page and what lay outside it.
fn root(h: &mut String, e: &Explanation) {
    let Some(line) = e.root_line() else { return };
    let _ = writeln!(
        h,
        "<h2>Content root</h2>\n<p class=\"sub\">{}</p>",
        escape(&line)
    );
    let outside = &e.trace.outside;
    if outside.is_empty() {
        return;
    }
    let words: usize = outside.iter().map(|b| crate::article::word_count(b)).sum();
    let _ = writeln!(
        h,
        "<details class=\"outside\"><summary>Outside the root: {} block{}, {words} words</summary><ul>",
        outside.len(),
        if outside.len() == 1 { "" } else { "s" }
    );
    for b in outside {
        let _ = writeln!(h, "<li>{}</li>", escape(&shorten(b, 160)));
    }
    h.push_str("</ul></details>\n");
}

/// An element removed from the page's markup, in place, with its rule and selector.
fn markup_row(h: &mut String, r: &Removal, selector: Option<&str>) {
    let selector = selector
        .map(|s| {
            format!(
                " <span class=\"sel\" title=\"{}\">{}</span>",
                escape(s),
                escape(&shorten(s, 60))
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        h,
        "<div class=\"ln mk\"><span class=\"no\" title=\"removed from the markup\">×</span><span class=\"tx\"><del class=\"k-{k}\">{}</del><span class=\"tag k-{k}\">{k} · {}{selector}</span></span></div>",
        escape(&r.text),
        escape(&r.rule),
        k = r.kind
    );
}

fn dump(h: &mut String, e: &Explanation) {
    let heading = if e.trace.content_root.is_some() {
        "The page, as the rules saw it (× removed from the markup)"
    } else {
        "The text, as the rules saw it"
    };
    let _ = writeln!(h, "<h2>{heading}</h2>\n<div class=\"dump\">");
    for run in e.runs() {
        for (n, (no, line)) in run.lines.iter().enumerate() {
            for (r, selector) in e.markup_before(no - 1) {
                markup_row(h, r, selector);
            }
            let text = escape(&line.text);
            let body = match Fate::of(line) {
                Fate::Kept | Fate::Blank => text,
                Fate::Removed(k) => format!("<del class=\"k-{k}\">{text}</del>"),
                Fate::Moved(k) => format!("<span class=\"moved k-{k}\">{text}</span>"),
            };
            let tag = match (n, run.fate, run.rule) {
                (0, Fate::Removed(k) | Fate::Moved(k), Some(rule)) => {
                    format!("<span class=\"tag k-{k}\">{k} · {}</span>", escape(rule))
                }
                _ => String::new(),
            };
            let class = if e.trace.headings.contains(&(no - 1)) || is_title(Fate::of(line)) {
                "ln h"
            } else {
                "ln"
            };
            let _ = writeln!(
                h,
                "<div class=\"{class}\"><span class=\"no\">{no}</span><span class=\"tx\">{body}{tag}</span></div>"
            );
        }
    }
    for (r, selector) in e.markup_before(e.trace.lines.len()) {
        markup_row(h, r, selector);
    }
    h.push_str("</div>\n");
}

/// The headline line of a text dump reads as a heading too.
fn is_title(fate: Fate) -> bool {
    fate == Fate::Moved(Kind::Title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authoring::explain::tests::{explained, DUMP, RULES};

    #[test]
    fn a_page_report_shows_removals_in_place_and_headings() {
        use crate::authoring::explain::tests::{explained_as, PAGE, PAGE_RULES};
        let page = render(&explained_as(PAGE_RULES, PAGE, "a.html"));
        let first = page.find("Councillors voted").unwrap();
        let promo = page
            .find("<del class=\"k-newsletter\">Get the Acme letter every morning</del><span class=\"tag k-newsletter\">newsletter · acme/promo <span class=\"sel\"")
            .unwrap_or_else(|| panic!("{page}"));
        let second = page.find("Engineers found cracks").unwrap();
        assert!(first < promo && promo < second, "{page}");
        assert!(
            page.contains("<div class=\"ln h\"><span class=\"no\">1</span><span class=\"tx\">The vote</span></div>"),
            "{page}"
        );
        assert!(page.contains("Outside the root: 2 blocks"), "{page}");
    }

    #[test]
    fn escapes_everything_that_could_be_markup() {
        assert_eq!(
            escape("<script>alert('x & \"y\"')</script>"),
            "&lt;script&gt;alert(&#39;x &amp; &quot;y&quot;&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn page_strikes_removed_text_and_is_self_contained() {
        let page = render(&explained(RULES, DUMP));
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(
            page.contains("<del class=\"k-newsletter\">Get the &lt;Acme&gt; letter</del>"),
            "{page}"
        );
        assert!(page.contains("<span class=\"tag k-newsletter\">newsletter · acme/promo</span>"));
        assert!(page.contains("<span class=\"moved k-title\">A headline here</span>"));
        assert!(page.contains("Body text of the story, with words &amp; more."));
        assert!(page.contains(
            "<tr><th>title</th><td>A headline here</td><td class=\"from\">acme/metadata.title</td></tr>"
        ));
        assert!(page.contains("<del class=\"k-comments\">comments</del> removed (2 lines)"));
        for external in ["<link", "<script", "src=", "@import", "url("] {
            assert!(!page.contains(external), "page loads {external}");
        }
    }
}

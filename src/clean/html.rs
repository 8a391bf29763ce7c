//! HTML pages: from markup to paragraphs.
//!
//! Three steps, each cheap: decide which elements are not article (page chrome that can
//! never be content, the site's and the generic removal selectors), find the content root
//! (the site's selector, or detection), then walk the root and collect its text as blocks,
//! one paragraph each. The blocks then go through the same text rules as a text dump, so a
//! line rule written for a site's text dumps also works on its pages.
//!
//! Every walk here is iterative: a page nested 100,000 levels deep must not overflow the
//! stack.

use crate::article::Removal;
use crate::normalize::collapse_spaces;
use crate::rules::compiled::HtmlRules;
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashSet;
use std::sync::OnceLock;

/// What an HTML page gives the rest of the pipeline.
#[derive(Debug, Default)]
pub struct Extract {
    /// The content as text: one block per line, blocks separated by blank lines.
    pub text: String,
    /// Elements removed by a removal rule, in document order.
    pub removed: Vec<Removal>,
    /// True when a content root was found (by selector or detection).
    pub root_found: bool,
}

/// Elements whose content is never article text.
const NEVER_CONTENT: &str =
    "head, script, style, noscript, template, svg, canvas, iframe, object, embed, \
    button, select, option, input, textarea, label, dialog, map";

/// Elements that end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "figure"
            | "figcaption"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "br"
            | "hr"
            | "form"
            | "fieldset"
            | "address"
            | "details"
            | "summary"
            | "tbody"
            | "thead"
            | "tfoot"
    )
}

fn never_content() -> &'static Selector {
    static S: OnceLock<Selector> = OnceLock::new();
    S.get_or_init(|| Selector::parse(NEVER_CONTENT).expect("valid selector"))
}

/// Pages nested deeper than this are not parsed as HTML: the HTML parser's cost grows with
/// the square of the depth (100,000 levels take minutes). Real pages stay under a few hundred.
pub const MAX_DEPTH: usize = 4_000;

/// A cheap estimate of a page's element nesting depth, from its tags alone. Elements that
/// close themselves or are usually left open (`p`, `li`, `td`…) do not count.
pub fn nesting_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let name_len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let name = html[start..start + name_len].to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "br" | "img"
                | "meta"
                | "link"
                | "input"
                | "hr"
                | "source"
                | "wbr"
                | "area"
                | "base"
                | "col"
                | "embed"
                | "param"
                | "track"
                | "p"
                | "li"
                | "td"
                | "tr"
                | "th"
                | "dt"
                | "dd"
                | "option"
        ) {
            continue;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |e| start + e);
        if closing {
            depth = depth.saturating_sub(1);
        } else if end == 0 || bytes[end - 1] != b'/' {
            depth += 1;
            max = max.max(depth);
        }
        i = end.min(bytes.len());
    }
    max
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

/// The text of a page without its markup, for pages too broken to parse: tags become
/// line breaks, `script`/`style` bodies are dropped, entities are left as they are.
pub fn strip_tags(html: &str) -> String {
    // ASCII lowercasing keeps byte offsets, so one lowercase copy serves every search.
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while let Some(lt) = lower[i..].find('<').map(|o| i + o) {
        out.push_str(&html[i..lt]);
        let close = if lower[lt..].starts_with("<script") {
            "</script>"
        } else if lower[lt..].starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        i = lower[lt..]
            .find(close)
            .map_or(html.len(), |e| lt + e + close.len());
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str(&html[i..]);
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Parses a page (cheap to call once per page; `scraper` builds the whole tree).
pub fn parse(html: &str) -> Html {
    Html::parse_document(html)
}

/// Cleans a parsed page with the site's rules (if any) and the generic rules.
pub fn extract(doc: &Html, site: Option<&HtmlRules>, generic: Option<&HtmlRules>) -> Extract {
    let mut skip: HashSet<NodeId> = doc.select(never_content()).map(|e| e.id()).collect();
    let root = site
        .and_then(|s| s.content.iter().find_map(|sel| doc.select(sel).next()))
        .or_else(|| detect_root(doc, &skip));
    let root_found = root.is_some();
    let root = root.unwrap_or_else(|| doc.root_element());

    let mut removed = Vec::new();
    for rules in [site, generic].into_iter().flatten() {
        for rule in &rules.remove {
            for el in root.select(&rule.selector) {
                // Never remove the root itself or an ancestor of it, and report each
                // element once, under the first rule that took it.
                if el.id() == root.id()
                    || skip.contains(&el.id())
                    || has_skipped_ancestor(el, &skip, root.id())
                {
                    continue;
                }
                skip.insert(el.id());
                let text = element_text(el, &skip);
                if !text.is_empty() {
                    removed.push((
                        el.id(),
                        Removal {
                            kind: rule.kind,
                            rule: rule.name.clone(),
                            text,
                        },
                    ));
                }
            }
        }
    }
    // Document order, so `explain` and audits read top to bottom.
    let order: Vec<NodeId> = root.descendants().map(|n| n.id()).collect();
    removed.sort_by_key(|(id, _)| order.iter().position(|o| o == id).unwrap_or(usize::MAX));
    Extract {
        text: blocks(root, &skip).join("\n\n"),
        removed: removed.into_iter().map(|(_, r)| r).collect(),
        root_found,
    }
}

fn has_skipped_ancestor(el: ElementRef, skip: &HashSet<NodeId>, stop: NodeId) -> bool {
    el.ancestors()
        .take_while(|a| a.id() != stop)
        .any(|a| skip.contains(&a.id()))
}

/// Text of an element, one space between words, skipping skipped descendants.
fn element_text(el: ElementRef, skip: &HashSet<NodeId>) -> String {
    blocks(el, skip).join("\n")
}

/// Walks `root` in document order and returns its text blocks.
fn blocks(root: ElementRef, skip: &HashSet<NodeId>) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let flush = |buf: &mut String, out: &mut Vec<String>| {
        let block = collapse_spaces(buf);
        if !block.is_empty() {
            out.push(block);
        }
        buf.clear();
    };
    let mut edges = root.traverse();
    while let Some(edge) = edges.next() {
        match edge {
            ego_tree::iter::Edge::Open(node) => {
                if skip.contains(&node.id()) && node.id() != root.id() {
                    // Skip the whole subtree: advance to this node's Close edge.
                    let id = node.id();
                    for e in edges.by_ref() {
                        if matches!(e, ego_tree::iter::Edge::Close(n) if n.id() == id) {
                            break;
                        }
                    }
                    continue;
                }
                match node.value() {
                    Node::Text(t) => buf.push_str(t),
                    Node::Element(e) if is_block(e.name()) => flush(&mut buf, &mut out),
                    Node::Element(e) if e.name() == "img" => buf.push(' '),
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if is_block(e.name()) {
                        flush(&mut buf, &mut out);
                    } else if matches!(e.name(), "span" | "a" | "td") {
                        // Inline elements often sit side by side without spaces in markup.
                        if !buf.ends_with(' ') && is_spaced_inline(e.name()) {
                            buf.push(' ');
                        }
                    }
                }
            }
        }
    }
    flush(&mut buf, &mut out);
    out
}

fn is_spaced_inline(name: &str) -> bool {
    name == "td"
}

/// Finds the element most likely to hold the article: the explicit article containers if
/// one holds most of the page's paragraph text, else the best-scoring paragraph parent.
fn detect_root<'a>(doc: &'a Html, skip: &HashSet<NodeId>) -> Option<ElementRef<'a>> {
    static CANDIDATES: OnceLock<Selector> = OnceLock::new();
    static PARAS: OnceLock<Selector> = OnceLock::new();
    let candidates = CANDIDATES.get_or_init(|| {
        Selector::parse("[itemprop=articleBody], article, [role=main], main")
            .expect("valid selector")
    });
    let paras =
        PARAS.get_or_init(|| Selector::parse("p, pre, blockquote").expect("valid selector"));

    let mut scores: std::collections::HashMap<NodeId, f64> = std::collections::HashMap::new();
    let mut total = 0.0;
    for p in doc.select(paras) {
        if has_skipped_ancestor(p, skip, doc.root_element().id()) {
            continue;
        }
        let text = collapse_spaces(&p.text().collect::<String>());
        let len = text.chars().count();
        if len < 25 {
            continue;
        }
        let link_chars: usize = p
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "a")
            .map(|a| a.text().map(|t| t.trim().chars().count()).sum::<usize>())
            .sum();
        let density = (link_chars as f64 / len as f64).min(1.0);
        let score = (1.0 + text.matches(',').count() as f64 + (len as f64 / 100.0).min(3.0))
            * (1.0 - density);
        total += score;
        let mut weight = 1.0;
        for ancestor in p.ancestors().take(3).filter_map(ElementRef::wrap) {
            *scores.entry(ancestor.id()).or_default() += score * weight;
            weight /= 2.0;
        }
    }
    if total == 0.0 {
        return None;
    }
    let score_of = |e: &ElementRef| -> f64 {
        // Everything under an element counts for an explicit container.
        e.descendants()
            .filter_map(|n| scores.get(&n.id()).copied())
            .fold(0.0, f64::max)
    };
    if let Some(best) = doc
        .select(candidates)
        .filter(|e| !has_skipped_ancestor(*e, skip, doc.root_element().id()))
        .map(|e| (score_of(&e), e))
        .filter(|(s, _)| *s >= total * 0.5)
        .min_by(|a, b| {
            depth(a.1)
                .cmp(&depth(b.1))
                .reverse()
                .then(b.0.total_cmp(&a.0))
        })
    {
        return Some(best.1);
    }
    scores
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .and_then(|(id, _)| doc.tree.get(*id))
        .and_then(ElementRef::wrap)
}

fn depth(e: ElementRef) -> usize {
    e.ancestors().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::compile_str;
    use std::path::Path;

    #[test]
    fn content_root_and_removals_by_selector() {
        let site = compile_str(
            Path::new("t.toml"),
            "[site]\nid='t'\nname='T'\nhosts=['t.com']\n[html]\ncontent='.story'\n[html.remove.share]\nkind='share'\nselector='.share'\n",
        )
        .unwrap();
        let doc = parse(
            "<html><body><nav>Home News</nav><div class='story'><h1>Head</h1><p>One <b>bold</b> para.</p>\
             <div class='share'>Share on X</div><p>Two.</p><script>x()</script></div><footer>F</footer></body></html>",
        );
        let e = extract(&doc, Some(&site.html), None);
        assert_eq!(e.text, "Head\n\nOne bold para.\n\nTwo.");
        assert_eq!(e.removed.len(), 1);
        assert_eq!(e.removed[0].rule, "t/share");
        assert_eq!(e.removed[0].text, "Share on X");
    }

    #[test]
    fn detection_prefers_the_paragraph_container() {
        let doc = parse(
            "<body><div id='nav'><a href='/'>Home</a> <a href='/x'>Other section</a></div>\
             <div id='body'><p>This is a long paragraph of the article, with commas, and more words.</p>\
             <p>Another long paragraph of the article body, it goes on for a while too.</p></div>\
             <div id='foot'><p>Copyright.</p></div></body>",
        );
        let e = extract(&doc, None, None);
        assert!(e.root_found);
        assert!(e.text.starts_with("This is a long paragraph"), "{}", e.text);
        assert!(!e.text.contains("Copyright"), "{}", e.text);
    }

    #[test]
    fn deep_walks_do_not_overflow() {
        // Deep enough to overflow a recursive walk, shallow enough to parse quickly.
        let html = "<div>".repeat(3_000)
            + "<p>deep text of a paragraph, long enough</p>"
            + &"</div>".repeat(3_000);
        assert_eq!(nesting_depth(&html), 3_000);
        let doc = parse(&html);
        let e = extract(&doc, None, None);
        assert!(e.text.contains("deep text"));
    }

    #[test]
    fn depth_estimate_ignores_void_and_open_ended_elements() {
        assert_eq!(
            nesting_depth("<html><body><p>a<p>b<br><img src=x><div>c</div></body></html>"),
            3
        );
        assert_eq!(nesting_depth("<div/><div></div>"), 1);
    }

    #[test]
    fn strip_tags_keeps_text_only() {
        assert_eq!(
            strip_tags("<p>One</p><script>x<y</script><div>Two</div>"),
            "One\n\nTwo"
        );
    }
}

//! Turning a page into the plain-text dump a scraper would have saved.
//!
//! Text dumps in the wild are "all the visible text, one block a line": no markup, no URL,
//! menus and footers included. To measure the text path on real pages, the harness makes
//! such a dump from each page's HTML the naive way (never looking at the ground truth):
//! scripts, styles and the `<head>` dropped, every block element on its own line, a blank
//! line between blocks. The walk is iterative, like every walk over a page.

use crate::clean::html::skip_subtree;
use crate::normalize::collapse_spaces;
use scraper::{ElementRef, Html, Node};

/// Elements whose text a browser does not show.
fn invisible(name: &str) -> bool {
    matches!(
        name,
        "head" | "script" | "style" | "noscript" | "template" | "svg" | "iframe" | "object"
    )
}

/// Elements that start a new line in a rendered page: the cleaner's paragraph breaks, plus
/// the page-level and form elements a scraper also puts on lines of their own.
fn block(name: &str) -> bool {
    crate::clean::html::is_block(name) || matches!(name, "body" | "option" | "button")
}

/// The page's visible text: one block a line, blank lines between blocks.
pub fn text_dump(html: &str) -> String {
    let doc = Html::parse_document(html);
    visible_blocks(doc.root_element()).join("\n\n")
}

/// The visible text under `root`, one block a line (what [`text_dump`] writes for a whole
/// page; the learner uses it on parts of pages, so its lines are the dumps' lines).
pub fn visible_blocks(root: ElementRef) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut buf = String::new();
    let flush = |buf: &mut String, blocks: &mut Vec<String>| {
        let b = collapse_spaces(buf);
        if !b.is_empty() {
            blocks.push(b);
        }
        buf.clear();
    };
    let mut edges = root.traverse();
    while let Some(edge) = edges.next() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(e) if invisible(e.name()) => {
                    skip_subtree(&mut edges, node.id());
                }
                Node::Element(e) if block(e.name()) => flush(&mut buf, &mut blocks),
                Node::Text(t) => buf.push_str(t),
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => match node.value() {
                Node::Element(e) if block(e.name()) => flush(&mut buf, &mut blocks),
                Node::Element(e)
                    if matches!(e.name(), "a" | "span" | "img")
                        && !buf.ends_with(char::is_whitespace) =>
                {
                    buf.push(' ');
                }
                _ => {}
            },
        }
    }
    flush(&mut buf, &mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_on_their_own_lines_without_scripts() {
        let dump = text_dump(
            "<html><head><title>T</title><style>p{}</style></head><body><nav><a>Home</a><a>News</a></nav>\
             <p>One <b>bold</b> line.</p><script>x()</script><div>Two</div></body></html>",
        );
        assert_eq!(dump, "Home News\n\nOne bold line.\n\nTwo");
    }
}

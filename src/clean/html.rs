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

use super::structure::{Role, Shape, Shaper};
use crate::article::Removal;
use crate::kind::Kind;
use crate::normalize::collapse_spaces;
use crate::rules::compiled::HtmlRules;
use crate::rules::prefilter::Candidates;
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Node ids are small numbers handed out in document order, so hashing them with SipHash
/// (the default, hardened against keys an attacker picks) costs more than the lookups it
/// serves; these sets and maps are looked up for every node of every walk of a page.
#[derive(Default, Clone, Copy)]
struct NodeIdHasher(u64);

impl Hasher for NodeIdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

/// A set of a page's nodes.
type NodeSet = HashSet<NodeId, BuildHasherDefault<NodeIdHasher>>;
/// A map from a page's nodes.
type NodeMap<V> = HashMap<NodeId, V, BuildHasherDefault<NodeIdHasher>>;

/// What an HTML page gives the rest of the pipeline.
#[derive(Debug, Default)]
pub struct Extract {
    /// The content as text: one block per line, blocks separated by blank lines.
    pub text: String,
    /// Elements removed by a removal rule, in document order.
    pub removed: Vec<Removal>,
    /// True when a content root was found (by selector or detection).
    pub root_found: bool,
    /// Which element the article was taken from, and how it was chosen.
    pub root: ContentRoot,
    /// The content root's node (the page's root element when none was found).
    pub root_node: Option<NodeId>,
    /// For each of `removed`: how many blocks of `text` come before it, so a report can
    /// show each removal where it was on the page.
    pub removed_at: Vec<usize>,
    /// The blocks of `text` (by index) that were headings (`h1`–`h6`).
    pub headings: Vec<usize>,
    /// The structure of each block of `text`, in order (see `clean::structure`).
    pub shapes: Vec<Shape>,
}

/// How an HTML page's content root was chosen: what `explain` shows and what drift
/// watching counts (a site's `content` selector that stops matching is a template change).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ContentRoot {
    /// The site's `content` selector matched: its text, and the element it took.
    Selector { selector: String, element: String },
    /// No site selector applied (or none matched); detection chose this element.
    Detected {
        element: String,
        /// The site had `content` selectors and none of them matched.
        selector_missed: bool,
    },
    /// Nothing stood out: the whole page was used.
    #[default]
    Page,
}

impl ContentRoot {
    /// The site's `content` selector had its chance and matched nothing.
    pub fn selector_missed(&self) -> bool {
        matches!(
            self,
            ContentRoot::Detected {
                selector_missed: true,
                ..
            }
        )
    }
}

/// A short name for an element, as a person finds it in the page source:
/// `div#main.article-body`.
pub fn describe_element(el: ElementRef) -> String {
    let e = el.value();
    let mut out = e.name().to_string();
    if let Some(id) = e.attr("id") {
        out.push('#');
        out.push_str(id);
    }
    for class in e.classes().take(3) {
        out.push('.');
        out.push_str(class);
    }
    out
}

/// The text blocks of the page outside its content root (what `explain` shows as "outside
/// the root"), with elements that are never content left out.
pub fn outside_root(doc: &Html, root: NodeId) -> Vec<String> {
    let mut skip: NodeSet = doc.select(never_content()).map(|e| e.id()).collect();
    skip.insert(root);
    if root == doc.root_element().id() {
        return Vec::new();
    }
    blocks(doc.root_element(), &skip, None)
        .into_iter()
        .map(|b| b.text)
        .collect()
}

/// Elements whose content is never article text.
const NEVER_CONTENT: &str =
    "head, script, style, noscript, template, svg, canvas, iframe, object, embed, \
    button, select, option, input, textarea, label, dialog, map";

/// Advances a traversal past the subtree of the node just opened (to its Close edge):
/// how every walk here passes over skipped elements without recursing.
pub fn skip_subtree(edges: &mut ego_tree::iter::Traverse<'_, Node>, id: NodeId) {
    for e in edges.by_ref() {
        if matches!(e, ego_tree::iter::Edge::Close(n) if n.id() == id) {
            break;
        }
    }
}

/// What an element walk does after visiting an element.
enum Next {
    /// Go on into its children.
    Descend,
    /// Pass over everything under it.
    Skip,
}

/// Visits `scope` and the elements under it in document order; `visit` says whether to go
/// into each one's children. The walk removal, hidden elements and root detection share
/// (the text and weight walks also need each element's end, so they walk the edges).
fn walk_elements<'a>(scope: ElementRef<'a>, mut visit: impl FnMut(ElementRef<'a>) -> Next) {
    let mut edges = scope.traverse();
    while let Some(edge) = edges.next() {
        let ego_tree::iter::Edge::Open(node) = edge else {
            continue;
        };
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        if let Next::Skip = visit(el) {
            skip_subtree(&mut edges, node.id());
        }
    }
}

/// Elements that end a paragraph.
pub fn is_block(name: &str) -> bool {
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
    let mut skip: NodeSet = doc.select(never_content()).map(|e| e.id()).collect();
    let site_root = site.and_then(|s| {
        s.content.iter().enumerate().find_map(|(i, sel)| {
            let el = doc.select(sel).next()?;
            let source = s.content_sources.get(i).map(String::as_str);
            Some((source, el))
        })
    });
    let selector_missed = site.is_some_and(|s| !s.content.is_empty()) && site_root.is_none();
    let mut removed = Vec::new();
    let (root, root_found) = match site_root {
        Some((_, root)) => {
            remove(root, [site, generic], &mut skip, &mut removed, |_, _| true);
            (root, true)
        }
        None => {
            // Detection weighs the page once; removals are decided on the whole page first
            // (so a comment thread cannot attract the root), except for an element that holds
            // most of the page's text, which is a layout wrapper with an unlucky class name.
            let mut weights = weigh(doc.root_element(), &skip);
            let total = weights.get(&doc.root_element().id()).map_or(0, |w| w.text);
            let page = doc.root_element();
            // The most prose any one element holds: roughly the article's.
            let prose = weights.values().map(|w| w.score).fold(0.0, f64::max);
            // A generic rule never takes an element holding half the page's text or a good
            // share of its prose: that is a layout wrapper with an unlucky class name
            // (`has-sidebar`, `content-sidebar-wrap`), or the article split in parts.
            let minor = |el: ElementRef, weights: &NodeMap<Weight>| {
                let w = weights.get(&el.id()).copied().unwrap_or_default();
                !is_structural(el)
                    && (w.text as f64) < total as f64 * 0.5
                    && w.score < prose * PROSE_SHARE
            };
            // What the browser does not show is not read, unless it is most of the page's
            // prose (a page revealed by its scripts, an FAQ in collapsed panels). Hidden boxes
            // are weighed together: one by one, a hidden sign-in wall or data island is as
            // long as a short article, and a guard per element would keep it.
            let hidden = hidden_elements(page, &skip);
            let hidden_prose: f64 = hidden
                .iter()
                .map(|el| weights.get(&el.id()).map_or(0.0, |w| w.score.max(0.0)))
                .sum();
            // Past that share, only what lies outside the visible article and is smaller
            // than it goes: pre-rendered sign-in and registration dialogs add up to more
            // than a short article, but none of them is the article (collapsed panels
            // inside it, or an article the script reveals, stay).
            let hidden = if hidden_prose < prose * HIDDEN_SHARE {
                hidden
            } else {
                hidden_beside_visible_article(doc, &skip, &weights, hidden)
            };
            for el in hidden.into_iter().filter(|el| !is_structural(*el)) {
                take(
                    el,
                    Kind::Other,
                    "generic/html.hidden",
                    &mut skip,
                    &mut removed,
                );
            }
            // Comment threads, cookie notices and pop-ups (consent and sign-in dialogs) are
            // the exception to the guard: they can outweigh a short article, and their
            // selectors are specific enough to trust
            // (but never take an `article`: a theme's class list can name a comment plugin).
            remove(
                page,
                [site, generic],
                &mut skip,
                &mut removed,
                |el, kind| {
                    (matches!(kind, Kind::Comments | Kind::Cookie | Kind::Notification)
                        && !is_structural(el)
                        && el.value().name() != "article")
                        || minor(el, &weights)
                },
            );
            for (id, _) in &removed {
                subtract(doc, *id, &mut weights);
            }
            match detect_root(doc, &skip, &weights) {
                Some(root) => {
                    remove_teaser_lists(root, &weights, &mut skip, &mut removed);
                    (root, true)
                }
                None => (page, false),
            }
        }
    };
    // Removals outside the root are not part of this article's audit trail.
    let inside: NodeSet = root.descendants().map(|n| n.id()).collect();
    removed.retain(|(id, _)| inside.contains(id));
    // Document order, so `explain` and audits read top to bottom.
    let order: NodeMap<usize> = root
        .descendants()
        .enumerate()
        .map(|(i, n)| (n.id(), i))
        .collect();
    removed.sort_by_key(|(id, _)| order.get(id).copied().unwrap_or(usize::MAX));
    let mut marks: Vec<(NodeId, usize)> = Vec::new();
    let marked: NodeSet = removed.iter().map(|(id, _)| *id).collect();
    let all = blocks(root, &skip, Some((&marked, &mut marks)));
    // Blocks before each position that were kept (link lists are not).
    let mut kept_before = Vec::with_capacity(all.len() + 1);
    let mut kept = Vec::new();
    let mut headings = Vec::new();
    let mut shapes = Vec::new();
    let mut link_lists = Vec::new();
    for block in all {
        kept_before.push(kept.len());
        if is_link_list(&block) {
            link_lists.push((
                kept.len(),
                Removal {
                    kind: Kind::Navigation,
                    rule: "generic/html.link-density".to_string(),
                    text: block.text,
                },
            ));
        } else {
            if matches!(block.shape.role, Role::Heading(_)) {
                headings.push(kept.len());
            }
            kept.push(block.text);
            shapes.push(block.shape);
        }
    }
    kept_before.push(kept.len());
    let at: NodeMap<usize> = marks
        .into_iter()
        .map(|(id, n)| (id, kept_before.get(n).copied().unwrap_or(kept.len())))
        .collect();
    let mut removed_at: Vec<usize> = removed
        .iter()
        .map(|(id, _)| at.get(id).copied().unwrap_or(0))
        .collect();
    let mut removed: Vec<Removal> = removed.into_iter().map(|(_, r)| r).collect();
    for (n, r) in link_lists {
        removed_at.push(n);
        removed.push(r);
    }
    let how = match site_root {
        Some((source, _)) => ContentRoot::Selector {
            selector: source.unwrap_or("content").to_string(),
            element: describe_element(root),
        },
        None if root_found => ContentRoot::Detected {
            element: describe_element(root),
            selector_missed,
        },
        None => ContentRoot::Page,
    };
    Extract {
        text: kept.join("\n\n"),
        removed,
        root_found,
        root: how,
        root_node: Some(root.id()),
        removed_at,
        headings,
        shapes,
    }
}

/// Applies removal rules under `scope`, marking each taken element in `skip`; `allow`
/// vetoes an element for a rule of a kind. One walk in document order: an element goes to
/// the first rule (site rules first, then file order) that matches and is allowed, and
/// nothing under a taken element is looked at again. The scope itself (the root, or the
/// page) is never a candidate.
fn remove<'a>(
    scope: ElementRef<'a>,
    rule_sets: [Option<&HtmlRules>; 2],
    skip: &mut NodeSet,
    removed: &mut Vec<(NodeId, Removal)>,
    allow: impl Fn(ElementRef<'a>, Kind) -> bool,
) {
    let sets: Vec<&HtmlRules> = rule_sets.into_iter().flatten().collect();
    if sets.iter().all(|s| s.remove.is_empty()) {
        return;
    }
    // Each set's prefilter says which of its rules may match an element; only those are
    // matched (a set whose prefilter was built from other rules tries every rule).
    let prefilters: Vec<_> = sets
        .iter()
        .map(|s| Some(s.remove_prefilter()).filter(|p| p.len() == s.remove.len()))
        .collect();
    let mut candidates: Vec<Candidates> = sets.iter().map(|_| Candidates::default()).collect();
    walk_elements(scope, |el| {
        if el.id() == scope.id() {
            return Next::Descend;
        }
        let taken = skip.contains(&el.id()) || {
            for (p, c) in prefilters.iter().zip(&mut candidates) {
                if let Some(p) = p {
                    p.candidates(el.value(), c);
                }
            }
            let mut rules = sets.iter().enumerate().flat_map(|(s, set)| {
                let (p, c) = (&prefilters[s], &candidates[s]);
                set.remove
                    .iter()
                    .enumerate()
                    .filter(move |(i, _)| p.is_none() || c.contains(*i))
                    .map(|(_, r)| r)
            });
            match rules.find(|r| r.selector.matches(&el) && allow(el, r.kind)) {
                Some(rule) => {
                    take(el, rule.kind, &rule.name, skip, removed);
                    true
                }
                None => false,
            }
        };
        if taken {
            Next::Skip
        } else {
            Next::Descend
        }
    });
}

/// The outermost elements under `scope` a browser does not show (`hidden`,
/// `aria-hidden="true"`, an inline `display: none` or `visibility: hidden`): pages keep
/// copies of the article for other screen sizes, collapsed menus and pre-rendered pop-ups
/// there.
fn hidden_elements<'a>(scope: ElementRef<'a>, skip: &NodeSet) -> Vec<ElementRef<'a>> {
    outermost(scope, skip, |el| is_hidden(el.value()))
}

/// Of `hidden` (hidden elements holding together much of the page's prose), those outside
/// the element with the most visible prose and holding less than [`HIDDEN_ARTICLE_SHARE`]
/// of its prose or copying its words: page furniture kept for later (dialogs, sign-in steps, templates), not a
/// part of the article the page's script reveals. Runs only on pages with that much hidden
/// text, so the extra weighing costs the common page nothing.
fn hidden_beside_visible_article<'a>(
    doc: &'a Html,
    skip: &NodeSet,
    weights: &NodeMap<Weight>,
    hidden: Vec<ElementRef<'a>>,
) -> Vec<ElementRef<'a>> {
    let mut visible = weights.clone();
    for el in &hidden {
        subtract(doc, el.id(), &mut visible);
    }
    let hidden_ids: NodeSet = hidden.iter().map(|el| el.id()).collect();
    let mut best: Option<(f64, NodeId)> = None;
    walk_elements(doc.root_element(), |el| {
        if skip.contains(&el.id()) || hidden_ids.contains(&el.id()) {
            return Next::Skip;
        }
        // A container, not one of its paragraphs: collapsed panels between the
        // paragraphs are inside the article, not beside it. Ties go to the deeper one.
        if !matches!(
            el.value().name(),
            "div" | "section" | "article" | "main" | "body"
        ) {
            return Next::Descend;
        }
        let score = visible.get(&el.id()).map_or(0.0, |w| w.score);
        if best.is_none_or(|(b, _)| score >= b) {
            best = Some((score, el.id()));
        }
        Next::Descend
    });
    let Some((article, article_id)) = best.filter(|(s, _)| *s > 0.0) else {
        return Vec::new();
    };
    let mut article_words: Option<HashSet<String>> = None;
    hidden
        .into_iter()
        .filter(|el| {
            if el.ancestors().any(|a| a.id() == article_id) {
                return false;
            }
            let score = weights.get(&el.id()).map_or(0.0, |w| w.score);
            if score < article * HIDDEN_ARTICLE_SHARE {
                return true;
            }
            let known = article_words.get_or_insert_with(|| {
                doc.tree
                    .get(article_id)
                    .and_then(ElementRef::wrap)
                    .map(|a| words(&element_text(a, skip)).collect())
                    .unwrap_or_default()
            });
            let text = element_text(*el, skip);
            let (mut all, mut seen) = (0usize, 0usize);
            for w in words(&text) {
                all += 1;
                seen += usize::from(known.contains(&w));
            }
            all > 0 && seen as f64 >= all as f64 * COPY_SHARE
        })
        .collect()
}

/// The lowercased words of a text, for comparing two texts' vocabularies.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The outermost elements under `scope` (not `scope` itself, nothing skipped) for which
/// `wanted` holds; nothing under a found element is looked at.
fn outermost<'a>(
    scope: ElementRef<'a>,
    skip: &NodeSet,
    wanted: impl Fn(ElementRef<'a>) -> bool,
) -> Vec<ElementRef<'a>> {
    let mut out = Vec::new();
    walk_elements(scope, |el| {
        if skip.contains(&el.id()) {
            Next::Skip
        } else if el.id() != scope.id() && wanted(el) {
            out.push(el);
            Next::Skip
        } else {
            Next::Descend
        }
    });
    out
}

/// Marks `el` taken by a detection rule and records what it held.
fn take(
    el: ElementRef,
    kind: Kind,
    rule: &str,
    skip: &mut NodeSet,
    removed: &mut Vec<(NodeId, Removal)>,
) {
    let text = element_text(el, skip);
    skip.insert(el.id());
    if !text.is_empty() {
        removed.push((
            el.id(),
            Removal {
                kind,
                rule: rule.to_string(),
                text,
            },
        ));
    }
}

/// Items a teaser list has at least.
const TEASER_ITEMS: usize = 3;
/// A teaser (headline, excerpt, maybe a date) is at most this many non-space characters.
const TEASER_CHARS: usize = 400;

/// Takes lists of teasers for other articles inside the content root: three or more
/// sibling items of one tag, each a short headline-and-excerpt with a link and a heading
/// or picture. Their excerpts are plain text, so the link-density test alone keeps them;
/// their shape gives them away: the article's own paragraphs and lists carry no heading
/// or picture per item.
fn remove_teaser_lists(
    root: ElementRef,
    weights: &NodeMap<Weight>,
    skip: &mut NodeSet,
    removed: &mut Vec<(NodeId, Removal)>,
) {
    for el in outermost(root, skip, |el| is_teaser_list(el, weights, skip)) {
        take(el, Kind::Related, "generic/html.teaser-list", skip, removed);
    }
}

/// Whether `el`'s children with text are [`TEASER_ITEMS`] or more teasers of one tag.
fn is_teaser_list(el: ElementRef, weights: &NodeMap<Weight>, skip: &NodeSet) -> bool {
    let weight = |e: ElementRef| weights.get(&e.id()).copied().unwrap_or_default();
    let items: Vec<ElementRef> = el
        .children()
        .filter_map(ElementRef::wrap)
        .filter(|c| !skip.contains(&c.id()) && weight(*c).text + weight(*c).links > 0)
        .collect();
    if items.len() < TEASER_ITEMS {
        return false;
    }
    let tag = items[0].value().name();
    items
        .iter()
        .all(|c| c.value().name() == tag && is_teaser(*c, weight(*c)))
}

/// A short item with a link making up part of its text, and a heading or a picture.
fn is_teaser(item: ElementRef, w: Weight) -> bool {
    let chars = w.text + w.links;
    if chars > TEASER_CHARS || (w.links as f64) < chars as f64 * 0.15 {
        return false;
    }
    item.descendants().filter_map(ElementRef::wrap).any(|d| {
        matches!(
            d.value().name(),
            "h2" | "h3" | "h4" | "h5" | "h6" | "img" | "picture"
        )
    })
}

/// True when the element's own markup hides it from the reader: the `hidden` and
/// `aria-hidden` attributes, an inline style, or the utility class CSS frameworks hide
/// with (`hidden`, `d-none`), unless another class shows it again on some screens
/// (`hidden md:block`, `d-none d-lg-block`).
fn is_hidden(e: &scraper::node::Element) -> bool {
    // One pass over the attributes (a lookup by name builds a key and hashes it, and
    // `classes()` builds the element's class list): this runs on every element.
    let (mut class, mut style) = (None, None);
    for (name, value) in e.attrs() {
        match name {
            "hidden" => return true,
            "aria-hidden" if value == "true" => return true,
            "class" => class = Some(value),
            "style" => style = Some(value),
            _ => {}
        }
    }
    let classes = || class.unwrap_or_default().split_whitespace();
    if classes().any(|c| c.eq_ignore_ascii_case("hidden") || c == "d-none")
        && !classes().any(|c| c.contains(':') || (c.starts_with("d-") && c != "d-none"))
    {
        return true;
    }
    style.is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// Elements a generic removal rule must never take: the page itself and declared content.
fn is_structural(el: ElementRef) -> bool {
    let e = el.value();
    matches!(e.name(), "html" | "body" | "main")
        || e.attr("role") == Some("main")
        || e.attr("itemprop") == Some("articleBody")
}

/// A block that is mostly link text: a menu, a tag list, a "read next" list.
fn is_link_list(block: &Block) -> bool {
    let chars = block.text.chars().filter(|c| !c.is_whitespace()).count();
    chars > 0 && block.link_chars as f64 >= chars as f64 * 0.6
}

/// Text of an element, one space between words, skipping skipped descendants.
fn element_text(el: ElementRef, skip: &NodeSet) -> String {
    blocks(el, skip, None)
        .into_iter()
        .map(|b| b.text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One paragraph of a page and how much of it is link text.
#[derive(Debug)]
struct Block {
    text: String,
    /// Non-space characters inside `<a>` elements.
    link_chars: usize,
    /// What the block was in the markup (heading, list item…), for the Markdown body.
    shape: Shape,
}

/// Elements to find during a walk, and where each was found: (element, blocks before it).
type Marks<'a> = (&'a NodeSet, &'a mut Vec<(NodeId, usize)>);

/// Walks `root` in document order and returns its text blocks. With `marks`, each skipped
/// element in the set is recorded with the number of blocks finished before it (where a
/// report shows it); the blocks themselves do not change.
fn blocks(root: ElementRef, skip: &NodeSet, mut marks: Option<Marks>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut link_chars = 0usize;
    let mut in_link = 0usize;
    let mut shaper = Shaper::default();
    let flush =
        |buf: &mut String, link_chars: &mut usize, shaper: &mut Shaper, out: &mut Vec<Block>| {
            let text = collapse_spaces(buf);
            if let Some(shape) = shaper.block(!text.is_empty()) {
                out.push(Block {
                    text,
                    link_chars: *link_chars,
                    shape,
                });
            }
            buf.clear();
            *link_chars = 0;
        };
    let mut edges = root.traverse();
    while let Some(edge) = edges.next() {
        match edge {
            ego_tree::iter::Edge::Open(node) => {
                if skip.contains(&node.id()) && node.id() != root.id() {
                    if let Some((set, found)) = marks.as_mut() {
                        if set.contains(&node.id()) {
                            found.push((node.id(), out.len()));
                        }
                    }
                    skip_subtree(&mut edges, node.id());
                    continue;
                }
                match node.value() {
                    Node::Text(t) => {
                        buf.push_str(t);
                        shaper.text(t);
                        if in_link > 0 {
                            link_chars += t.chars().filter(|c| !c.is_whitespace()).count();
                        }
                    }
                    Node::Element(e) => {
                        if is_block(e.name()) {
                            flush(&mut buf, &mut link_chars, &mut shaper, &mut out);
                        } else if e.name() == "img" {
                            buf.push(' ');
                            shaper.text(" ");
                        } else if e.name() == "a" {
                            in_link += 1;
                        }
                        shaper.open(e);
                    }
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if is_block(e.name()) {
                        flush(&mut buf, &mut link_chars, &mut shaper, &mut out);
                    } else if e.name() == "a" {
                        in_link = in_link.saturating_sub(1);
                    }
                    shaper.close(e);
                }
            }
        }
    }
    flush(&mut buf, &mut link_chars, &mut shaper, &mut out);
    out
}

/// How much text an element holds: outside links (`text`) and inside them (`links`),
/// in non-space characters.
#[derive(Debug, Clone, Copy, Default)]
struct Weight {
    text: usize,
    links: usize,
    /// Text in paragraph-like blocks less link text (see [`block_score`]).
    score: f64,
}

/// Blocks with fewer characters outside links than this (a date, a name, a button label)
/// say nothing about where the article is: they score 0 (their links still cost).
const LONG_BLOCK: usize = 30;

/// The score of one block of `text` plain and `links` link characters.
fn block_score(text: usize, links: usize) -> f64 {
    let plain = if text >= LONG_BLOCK { text as f64 } else { 0.0 };
    plain - LINK_COST * links as f64
}

/// Weighs every element under `root` in one iterative walk (skipped subtrees weigh 0).
fn weigh(root: ElementRef, skip: &NodeSet) -> NodeMap<Weight> {
    let mut weights: NodeMap<Weight> = NodeMap::default();
    let mut stack: Vec<(NodeId, Weight)> = Vec::new();
    let mut in_link = 0usize;
    // The block being read: its plain and link characters.
    let mut pending = (0usize, 0usize);
    let flush = |pending: &mut (usize, usize), stack: &mut Vec<(NodeId, Weight)>| {
        if pending.0 + pending.1 > 0 {
            if let Some((_, w)) = stack.last_mut() {
                w.score += block_score(pending.0, pending.1);
            }
        }
        *pending = (0, 0);
    };
    let mut edges = root.traverse();
    while let Some(edge) = edges.next() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    if skip.contains(&node.id()) {
                        skip_subtree(&mut edges, node.id());
                        continue;
                    }
                    if e.name() == "a" {
                        in_link += 1;
                    }
                    if is_block(e.name()) {
                        flush(&mut pending, &mut stack);
                    }
                    stack.push((node.id(), Weight::default()));
                }
                Node::Text(t) => {
                    let n = t.chars().filter(|c| !c.is_whitespace()).count();
                    if let Some((_, w)) = stack.last_mut() {
                        if in_link > 0 {
                            w.links += n;
                            pending.1 += n;
                        } else {
                            w.text += n;
                            pending.0 += n;
                        }
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if e.name() == "a" {
                        in_link = in_link.saturating_sub(1);
                    }
                    if is_block(e.name()) {
                        flush(&mut pending, &mut stack);
                    }
                    if let Some((id, w)) = stack.pop() {
                        if let Some((_, parent)) = stack.last_mut() {
                            parent.text += w.text;
                            parent.links += w.links;
                            parent.score += w.score;
                        }
                        weights.insert(id, w);
                    }
                }
            }
        }
    }
    weights
}

/// Takes a removed element's weight off its ancestors.
fn subtract(doc: &Html, id: NodeId, weights: &mut NodeMap<Weight>) {
    let Some(node) = doc.tree.get(id) else { return };
    let w = weights.get(&id).copied().unwrap_or_default();
    for a in node.ancestors() {
        if let Some(aw) = weights.get_mut(&a.id()) {
            aw.text = aw.text.saturating_sub(w.text);
            aw.links = aw.links.saturating_sub(w.links);
            aw.score -= w.score;
        }
    }
    weights.insert(id, Weight::default());
}

/// Finds the element most likely to hold the article: the one whose text outside links
/// most exceeds the link text it also takes in. Climbing from the article's paragraphs to
/// their container gains text; climbing further gains menus, link lists and footers, which
/// cost more than the odd line of text they bring. Declared article containers get a
/// bonus, so a page that marks its article up is believed unless another element holds
/// clearly more prose.
fn detect_root<'a>(
    doc: &'a Html,
    skip: &NodeSet,
    weights: &NodeMap<Weight>,
) -> Option<ElementRef<'a>> {
    let page = doc.root_element();
    let total = weights.get(&page.id()).map_or(0, |w| w.text);
    if total == 0 {
        return None;
    }
    let mut best: Option<(f64, ElementRef<'a>)> = None;
    walk_elements(page, |el| {
        if skip.contains(&el.id()) {
            return Next::Skip;
        }
        let Some(w) = weights.get(&el.id()) else {
            return Next::Descend;
        };
        // A paragraph is a part of an article, never the whole: when one paragraph
        // outscores its container, the paragraphs beside it are link-heavy (names,
        // places), and whether they are article is the link-density filter's call.
        if el.value().name() == "p" {
            return Next::Skip;
        }
        let mut score = w.score;
        if is_declared_content(el) && !holds_declared_article(el, w.score, weights) {
            score += total as f64 * DECLARED_BONUS;
        }
        // Ties go to the deeper element: an ancestor that adds nothing adds nothing wanted.
        if best.as_ref().is_none_or(|(b, _)| score >= *b) {
            best = Some((score, el));
        }
        Next::Descend
    });
    best.filter(|(s, _)| *s > 0.0).map(|(_, el)| el)
}

/// Whether a declared container (`main`, `article`…) holds another one with most of its
/// prose: `main` around the `article`, with the page's pay wall and teasers beside it. The
/// bonus then goes to the inner one only, so the extras around it do not tip the choice.
fn holds_declared_article(el: ElementRef, score: f64, weights: &NodeMap<Weight>) -> bool {
    el.descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .filter(|d| is_declared_content(*d))
        .any(|d| {
            weights
                .get(&d.id())
                .is_some_and(|w| w.score >= score * NESTED_SHARE && w.score > 0.0)
        })
}

/// The share of a declared container's prose a declared container inside it must hold to
/// be the article in its place.
const NESTED_SHARE: f64 = 0.5;

/// How much a character of link text costs against a character of plain text.
const LINK_COST: f64 = 1.5;

/// The share of the page's prose (the most any element holds) from which an element is
/// article, not furniture, whatever its class says.
const PROSE_SHARE: f64 = 0.25;

/// The share of the page's prose hidden elements may hold together and still be left out:
/// past it, the page shows its article by script and the hidden part is the article.
const HIDDEN_SHARE: f64 = 0.5;

/// The share of the visible article's prose from which a hidden element outside it may be
/// the article itself (revealed by the page's script), and is read (unless it is a copy of
/// the visible article, see [`COPY_SHARE`]).
const HIDDEN_ARTICLE_SHARE: f64 = 0.5;

/// The share of a hidden element's words found in the visible article from which it is a
/// copy of it (raw Markdown, a print or mobile version), not more of the article.
const COPY_SHARE: f64 = 0.8;

/// What marking an element up as the article (`article`, `main`…) is worth, as a share of
/// the page's text: the markup is believed unless another element clearly holds more prose.
const DECLARED_BONUS: f64 = 0.5;

fn is_declared_content(el: ElementRef) -> bool {
    let e = el.value();
    e.name() == "article"
        || e.name() == "main"
        || e.attr("role") == Some("main")
        || e.attr("itemprop") == Some("articleBody")
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
    fn one_paragraph_is_never_the_whole_article() {
        // A report whose lists link every place name: each list paragraph costs more
        // than it brings, so the first paragraph alone would outscore the article.
        let places = "<a href='/t/a'>Northtown</a>, <a href='/t/b'>Southvale</a>, <a href='/t/c'>Eastbury</a>, <a href='/t/d'>Westfield</a>";
        let doc = parse(&format!(
            "<body><div id='nav'><a href='/'>Home</a> <a href='/x'>Weather</a></div>\
             <div id='body'><p>The agency said a strong earthquake struck the coast on Monday night, and a tsunami advisory followed.</p>\
             <p>Shaking by area:</p><p>Level 5: {places}</p><p>Level 4: {places}</p>\
             <p>No damage was reported.</p></div></body>"
        ));
        let e = extract(&doc, None, None);
        assert!(e.text.starts_with("The agency said"), "{}", e.text);
        assert!(e.text.contains("Shaking by area:"), "{}", e.text);
        assert!(e.text.contains("No damage was reported."), "{}", e.text);
    }

    const PROSE: &str = "Comments made by officials were brief, and the ministry said it would publish the full report next week.";

    #[test]
    fn generic_rules_drop_page_furniture_but_not_a_wrapper_with_an_unlucky_class() {
        let rules = crate::rules::RuleSet::builtin();
        let page = format!(
            "<body><nav><a href='/'>Home</a><a href='/n'>News</a></nav>\
             <div class='layout has-sidebar'><div class='content'><h1>Head</h1><p>{PROSE}</p>\
             <div class='share-bar'>Share on Facebook</div><p>{PROSE} Again.</p>\
             <div id='comments'><p>{PROSE} {PROSE} {PROSE}</p></div></div>\
             <aside class='sidebar'><a href='/a'>Most read story one</a></aside></div>\
             <footer>About us. Privacy.</footer></body>"
        );
        let doc = parse(&page);
        let e = extract(&doc, None, Some(&rules.generic.html));
        assert!(e.text.contains(PROSE), "{}", e.text);
        assert!(e.text.contains("Again."), "{}", e.text);
        for gone in ["Share on", "Home", "Most read", "About us"] {
            assert!(!e.text.contains(gone), "{gone} left in: {}", e.text);
        }
        assert_eq!(e.text.matches("Comments made").count(), 2, "{}", e.text);
    }

    #[test]
    fn link_lists_inside_the_article_are_dropped() {
        let doc = parse(&format!(
            "<article><p>{PROSE}</p><ul><li><a href='/1'>Other story</a></li></ul>\
             <p>A paragraph with <a href='/x'>one link</a> in the middle of its long text.</p></article>"
        ));
        let e = extract(&doc, None, None);
        assert!(!e.text.contains("Other story"), "{}", e.text);
        assert!(e.text.contains("one link"), "{}", e.text);
    }

    #[test]
    fn hidden_elements_are_not_read_unless_they_are_the_page() {
        let rules = crate::rules::RuleSet::builtin();
        let page = format!(
            "<body><article><p>{PROSE}</p><div style='display: None'><p>Mobile copy of the menu, a long line of it.</p></div>\
             <p aria-hidden='true'>Decorative duplicate of the headline, long enough to count.</p>\
             <div class='hidden'><p>Pre-rendered sign-in box with a long invitation to register.</p></div>\
             <div class='hidden md:block'><p>{PROSE} Wide screens.</p></div>\
             <p>{PROSE} <span class='h-offscreen'>Expand the box</span></p></article></body>"
        );
        let e = extract(&parse(&page), None, Some(&rules.generic.html));
        assert!(e.text.contains(PROSE), "{}", e.text);
        assert!(e.text.contains("Wide screens."), "{}", e.text);
        for gone in ["Mobile copy", "Decorative", "sign-in box", "Expand the box"] {
            assert!(!e.text.contains(gone), "{gone} left in: {}", e.text);
        }
        // A page whose article waits hidden for its script to reveal it keeps it.
        let page = format!("<body><nav><a href='/'>Home</a></nav><div hidden><p>{PROSE}</p><p>{PROSE}</p></div></body>");
        let e = extract(&parse(&page), None, Some(&rules.generic.html));
        assert!(e.text.contains(PROSE), "{}", e.text);
    }

    #[test]
    fn hidden_boxes_are_weighed_together() {
        let rules = crate::rules::RuleSet::builtin();
        // A hidden sign-in wall with a third of the page's prose is still not read.
        let wall = "Create an account or sign in to continue with your reading experience, and get unlimited access to every story.";
        let page = format!(
            "<body><article><p>{PROSE}</p><p>{PROSE} Second.</p>\
             <div class='sign-in-group hidden'><p>{wall}</p></div></article></body>"
        );
        let e = extract(&parse(&page), None, Some(&rules.generic.html));
        assert!(e.text.contains("Second."), "{}", e.text);
        assert!(!e.text.contains("Create an account"), "{}", e.text);
        // Collapsed panels holding most of the page's prose are its content.
        let panel = |n: usize| {
            format!(
                "<h3>Question {n}</h3><div style='display:none'><p>{PROSE} Answer {n}.</p></div>"
            )
        };
        let page = format!(
            "<body><article><p>{PROSE}</p>{}{}{}</article></body>",
            panel(1),
            panel(2),
            panel(3)
        );
        let e = extract(&parse(&page), None, Some(&rules.generic.html));
        assert!(e.text.contains("Answer 3."), "{}", e.text);
    }

    #[test]
    fn many_hidden_dialogs_beside_the_article_are_not_read() {
        // Pre-rendered sign-in steps outside the article: together more prose than it,
        // each smaller than it.
        let step = |n: usize| {
            format!(
                "<section style='display:none' id='step{n}'><p>Step {n}: enter the code we sent to your phone to confirm your new account.</p></section>"
            )
        };
        let page = format!(
            "<body><div class='story'><p>{PROSE}</p><p>{PROSE} Two.</p><p>{PROSE} Three.</p></div>\
             <div class='account'>{}</div></body>",
            (1..=6).map(step).collect::<String>()
        );
        let e = extract(&parse(&page), None, None);
        assert!(e.text.contains("Three."), "{}", e.text);
        assert!(!e.text.contains("enter the code"), "{}", e.text);
    }

    #[test]
    fn a_hidden_copy_of_the_article_is_not_read_twice() {
        // The page keeps its article again as raw Markdown, hidden, outside the article.
        let page = format!(
            "<body><div class='story'><p>{PROSE}</p><p>{PROSE} Two.</p><p>{PROSE} Three.</p></div>\
             <pre hidden># Head line of the story\n\n{PROSE}\n\n{PROSE} Two.\n\n{PROSE} Three.</pre></body>"
        );
        let e = extract(&parse(&page), None, None);
        assert_eq!(e.text.matches("Three.").count(), 1, "{}", e.text);
        assert!(!e.text.contains("Head line"), "{}", e.text);
    }

    #[test]
    fn the_article_inside_main_is_preferred_to_main() {
        // `main` holds the article and, beside it, a long subscription notice: the
        // declared article inside is the content, not all of `main`.
        let notice = "Your subscription does not allow reading this article on more than one device at a time, please contact us.";
        let page = format!(
            "<body><main><article><h1>Head</h1><p>{PROSE}</p><p>{PROSE} Two.</p><p>{PROSE} Three.</p></article>\
             <section class='capping'><p>{notice}</p><p>{notice} Again.</p></section></main></body>"
        );
        let e = extract(&parse(&page), None, None);
        assert!(e.text.contains("Three."), "{}", e.text);
        assert!(!e.text.contains("subscription"), "{}", e.text);
        // A small `article` inside (an embedded post) does not take the place of the page's.
        let page = format!(
            "<body><main><p>{PROSE}</p><p>{PROSE} Two.</p><p>{PROSE} Three.</p><article><p>An embedded post of some length here.</p></article></main></body>"
        );
        let e = extract(&parse(&page), None, None);
        assert!(e.text.contains("Three."), "{}", e.text);
    }

    #[test]
    fn a_long_consent_dialog_does_not_pull_the_root_up() {
        let rules = crate::rules::RuleSet::builtin();
        let consent = "We and our partners process personal data such as device identifiers to show personalised advertising and measure it.";
        let page = format!(
            "<body><div id='content'><div class='article'><p>{PROSE}</p><p>{PROSE} Two.</p><p>{PROSE} Three.</p></div></div>\
             <div class='modal fade'><h2>Welcome!</h2><p>{consent}</p><p>{consent}</p><p>{consent}</p></div></body>"
        );
        let e = extract(&parse(&page), None, Some(&rules.generic.html));
        assert!(e.text.contains("Three."), "{}", e.text);
        assert!(!e.text.contains("partners"), "{}", e.text);
    }

    #[test]
    fn comment_sections_by_their_common_names_go() {
        let rules = crate::rules::RuleSet::builtin();
        for (attr, name) in [
            ("id", "commentSection"),
            ("class", "comments-list"),
            ("class", "comments-container"),
            ("class", "comment_list"),
        ] {
            let page = format!(
                "<body><article><p>{PROSE}</p><p>{PROSE} Again.</p>\
                 <section {attr}='{name}'><h4>Your opinion matters!</h4><p>A reader wrote a long reply to the story here.</p></section></article></body>"
            );
            let e = extract(&parse(&page), None, Some(&rules.generic.html));
            assert!(e.text.contains("Again."), "{name}: {}", e.text);
            assert!(!e.text.contains("A reader wrote"), "{name}: {}", e.text);
        }
    }

    #[test]
    fn embedded_social_posts_are_not_article_text() {
        let rules = crate::rules::RuleSet::builtin();
        let page = format!(
            "<body><article><p>{PROSE}</p><blockquote class='twitter-tweet'><p>Quoted post from elsewhere, with its own words.</p>\
             &mdash; Someone (@someone) July 18, 2026</blockquote><blockquote><p>A quotation the article makes itself.</p></blockquote>\
             <p>{PROSE} Again.</p></article></body>"
        );
        let e = extract(&parse(&page), None, Some(&rules.generic.html));
        assert!(!e.text.contains("Quoted post"), "{}", e.text);
        assert!(e.text.contains("A quotation the article"), "{}", e.text);
        assert!(e.text.contains("Again."), "{}", e.text);
    }

    #[test]
    fn a_wrapper_holding_the_article_is_not_taken_for_its_class_name() {
        // The longest run of text is in a small box; the article is split in two parts
        // whose wrappers carry a furniture-like class.
        let rules = crate::rules::RuleSet::builtin();
        let bio = "The author has written about politics for twenty years, for papers in three countries, and lives by the sea with two dogs and far too many books.";
        let page = format!(
            "<body><div class='content-sidebar-wrap'><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE} More.</p></div>\
             <div class='sidebar-grid__content'><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE} Part two.</p></div>\
             <div class='AuthorBio'><p>{bio}</p></div><div class='ImageCaption'>A caption, long enough to count as a paragraph.</div></body>"
        );
        let e = extract(&parse(&page), None, Some(&rules.generic.html));
        assert!(e.text.contains("More."), "{}", e.text);
        assert!(e.text.contains("Part two."), "{}", e.text);
        assert!(!e.text.contains("twenty years"), "{}", e.text);
        assert!(!e.text.contains("A caption"), "{}", e.text);
    }

    #[test]
    fn teaser_lists_in_the_article_go_but_its_own_lists_stay() {
        let teaser = |n: usize| {
            format!(
                "<div class='card'><img src='t{n}.jpg'><h3><a href='/s{n}'>Other story number {n}</a></h3>\
                 <p>A short excerpt of the other story, plain text without links.</p></div>"
            )
        };
        let page = format!(
            "<body><article><p>{PROSE}</p><ul><li>First point of the article, with <a href='/x'>a link</a>.</li>\
             <li>Second point of the article.</li><li>Third point, <a href='/y'>linked</a> too.</li></ul>\
             <p>{PROSE} Again.</p><section>{}{}{}</section></article></body>",
            teaser(1),
            teaser(2),
            teaser(3)
        );
        let e = extract(&parse(&page), None, None);
        assert!(e.text.contains("Third point"), "{}", e.text);
        assert!(e.text.contains("Again."), "{}", e.text);
        assert!(!e.text.contains("short excerpt"), "{}", e.text);
        assert!(e
            .removed
            .iter()
            .any(|r| r.rule == "generic/html.teaser-list"));
    }

    #[test]
    fn deep_walks_do_not_overflow() {
        // Deep enough to overflow a recursive walk, shallow enough to parse quickly.
        let html = "<div>".repeat(3_000)
            + "<p>deep text of a paragraph, long enough</p>"
            + &"</div>".repeat(3_000);
        let doc = parse(&html);
        let e = extract(&doc, None, None);
        assert!(e.text.contains("deep text"));
    }

    #[test]
    fn strip_tags_keeps_text_only() {
        assert_eq!(
            strip_tags("<p>One</p><script>x<y</script><div>Two</div>"),
            "One\n\nTwo"
        );
    }
}

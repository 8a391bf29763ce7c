//! Cleaning: from a dump's content to a sheet of lines with the boilerplate claimed.
//!
//! Text dumps go straight to the line rules; HTML pages first become blocks of text
//! (`html`) and then go through the same line rules, so both share one model
//! ([`sheet::Sheet`]) and one audit trail. The metadata stage runs on the result
//! ([`Cleaned`]) before [`Cleaned::finish`] turns what is left into the body.

pub mod budget;
pub mod heuristics;
pub mod html;
pub mod rules;
pub mod sheet;
pub mod structure;

use crate::article::Removal;
use crate::rules::{RuleSet, Site};
use sheet::{Sheet, TracedLine};

/// A dump after the removal rules, before its metadata is read: the sheet of lines with
/// what the rules claimed, and what an HTML page's markup lost. The metadata stage reads
/// it next and claims the headline and byline lines; [`Cleaned::finish`] then gives the
/// body.
#[derive(Debug)]
pub struct Cleaned {
    pub sheet: Sheet,
    /// Elements an HTML page lost to removal selectors, in document order (empty for text).
    pub markup_removed: Vec<Removal>,
    /// True for an HTML page: its headline comes from the markup, not from a guessed line.
    pub from_markup: bool,
    /// How an HTML page's content root was chosen (`None` for text).
    pub content_root: Option<html::ContentRoot>,
    /// What `explain` needs to place an HTML page's removals (only when traced).
    page_trace: Option<PageTrace>,
    /// A page's blocks' shapes and `<base href>`, for the Markdown body once the lines
    /// are final (`None` for text dumps).
    shapes: Option<(Vec<structure::Shape>, Option<String>)>,
}

/// Where a page's markup removals and headings stood, kept for [`Cleaned::finish`] to put
/// into the [`Trace`] once the lines are final.
#[derive(Debug)]
struct PageTrace {
    blocks: usize,
    removed_at: Vec<usize>,
    headings: Vec<usize>,
    selectors: Vec<Option<String>>,
    outside: Vec<String>,
}

/// The body of a cleaned dump and everything cut from it, in order.
#[derive(Debug, Default)]
pub struct Body {
    pub paragraphs: Vec<String>,
    pub removed: Vec<Removal>,
    /// How an HTML page's content root was chosen (`None` for text).
    pub content_root: Option<html::ContentRoot>,
    /// A page's kept blocks with their structure, for the Markdown body (`None` for text
    /// dumps, whose Markdown is their paragraphs).
    pub structure: Option<structure::Structured>,
}

/// How a dump was cleaned, line by line: what `copydesk explain` shows. Only built when
/// asked for, so plain cleaning pays nothing for it.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// How the site was recognised (`None`: no site rule applied).
    pub evidence: Option<crate::site::Evidence>,
    /// Elements an HTML page lost to removal selectors, before the text rules ran.
    pub markup: Vec<Removal>,
    /// Every line the text rules saw (a text dump's lines, or an HTML page's blocks), with
    /// the rule that claimed it.
    pub lines: Vec<TracedLine>,
    /// For each of `markup`: the index in `lines` it stood before on the page (`lines.len()`:
    /// after the last line), so reports show removals in place.
    pub markup_at: Vec<usize>,
    /// Lines of `lines` that were headings on the page.
    pub headings: Vec<usize>,
    /// For each of `markup`: the CSS selector of the rule that removed it (`None` for
    /// removals that are not a selector's, like link-dense blocks).
    pub markup_selectors: Vec<Option<String>>,
    /// How an HTML page's content root was chosen.
    pub content_root: Option<html::ContentRoot>,
    /// The page's text blocks outside the content root.
    pub outside: Vec<String>,
    /// Where each metadata value came from (`title`, `json-ld`), as the output's
    /// `metadata_sources` says.
    pub metadata_sources: Vec<(&'static str, String)>,
}

/// Applies `site`'s text rules (if any), then the generic ones, to plain text.
pub fn text(text: &str, site: Option<&Site>, rules: &RuleSet) -> Cleaned {
    let mut sheet = Sheet::new(text);
    let language = site
        .and_then(|s| s.language.clone())
        .or_else(|| crate::language::detect_prose(text));
    for layer in layers(site, rules, language.as_deref()).in_order() {
        rules::apply(&layer.text, &mut sheet);
    }
    Cleaned {
        sheet,
        markup_removed: Vec::new(),
        from_markup: false,
        content_root: None,
        page_trace: None,
        shapes: None,
    }
}

/// Below this many words, a site's content root is checked against detection.
const SLIVER_WORDS: usize = 200;

/// A site's `content` selector that takes only a sliver of the article on this page is a
/// template change, not the article: the same class on a pay-wall box or a teaser on
/// another template of the site, which a selector learned (or written) from a few pages
/// cannot foresee. When the element it took holds under [`SLIVER_WORDS`] words and
/// detection, as for a site without rules, finds at least three times as many, the
/// detected root is used and reported as the selector having missed (so `explain` shows
/// it and drift watching counts the selector as dead on this page). A longer root is
/// trusted as written: detection is not run at all.
fn sliver_falls_back(
    doc: &scraper::Html,
    extract: html::Extract,
    generic: Option<&crate::rules::compiled::HtmlRules>,
) -> html::Extract {
    if !matches!(extract.root, html::ContentRoot::Selector { .. }) {
        return extract;
    }
    let words = extract.text.split_whitespace().count();
    if words >= SLIVER_WORDS {
        return extract;
    }
    let detected = html::extract(doc, None, generic);
    match &detected.root {
        html::ContentRoot::Detected { element, .. }
            if detected.text.split_whitespace().count() >= words * 3 =>
        {
            html::Extract {
                root: html::ContentRoot::Detected {
                    element: element.clone(),
                    selector_missed: true,
                },
                ..detected
            }
        }
        _ => extract,
    }
}

/// Cleans an HTML page: markup rules, then the text rules on its blocks. With `traced`,
/// it also keeps what `explain` shows of the page (costly: only when asked).
pub fn html(doc: &scraper::Html, site: Option<&Site>, rules: &RuleSet, traced: bool) -> Cleaned {
    let generic = layers(site, rules, None).generic.map(|g| &g.html);
    let extract = sliver_falls_back(
        doc,
        html::extract(doc, site.map(|s| &s.html), generic),
        generic,
    );
    // Entities are decoded now, so this is the first point the page's text can be normalised.
    let text = crate::normalize::text(&extract.text);
    let language = site
        .and_then(|s| s.language.clone())
        .or_else(|| crate::metadata::html::declared_language(doc))
        .or_else(|| crate::language::detect_prose(&text));
    let mut sheet = Sheet::from_string(text);
    let layers = layers(site, rules, language.as_deref());
    for layer in layers.in_order() {
        rules::apply(&layer.text, &mut sheet);
    }
    if site.is_none() {
        heuristics::claim_repeats(&mut sheet, &rules.generic.id);
    }
    let page_trace = traced.then(|| PageTrace {
        blocks: match extract.text.is_empty() {
            true => 0,
            false => extract.text.split("\n\n").count(),
        },
        removed_at: extract.removed_at.clone(),
        headings: extract.headings.clone(),
        selectors: extract
            .removed
            .iter()
            .map(|r| {
                layers
                    .in_order()
                    .flat_map(|l| &l.html.remove)
                    .find(|h| h.name == r.rule)
                    .map(|h| h.source.clone())
            })
            .collect(),
        outside: extract
            .root_node
            .map(|root| html::outside_root(doc, root))
            .unwrap_or_default(),
    });
    Cleaned {
        sheet,
        markup_removed: extract.removed,
        from_markup: true,
        content_root: Some(extract.root),
        page_trace,
        shapes: Some((extract.shapes, structure::base_href(doc))),
    }
}

impl Cleaned {
    /// The last step, after the metadata stage has claimed its lines: on a text dump with
    /// no site rule (or a site that asks for it), the page-shape pass (which must not run earlier, or it would take the
    /// headline and byline for page chrome); then the body is what nobody claimed.
    pub fn finish(
        mut self,
        site: Option<&Site>,
        rules: &RuleSet,
        trace: Option<&mut Trace>,
    ) -> Body {
        if !self.from_markup && site.is_none_or(|s| s.text.heuristics) {
            heuristics::apply(&mut self.sheet, &rules.generic.id);
        }
        if let Some(trace) = trace {
            trace.markup = self.markup_removed.clone();
            trace.lines = self.sheet.traced();
            if let Some(page) = self.page_trace.take() {
                let starts = block_starts(&trace.lines, page.blocks);
                let total = trace.lines.len();
                let line_of = |block: usize| match &starts {
                    Some(s) => s.get(block).copied().unwrap_or(total),
                    None => 0,
                };
                trace.markup_at = page.removed_at.iter().map(|&b| line_of(b)).collect();
                if starts.is_some() {
                    trace.headings = page.headings.iter().map(|&b| line_of(b)).collect();
                }
                trace.markup_selectors = page.selectors;
                trace.content_root = self.content_root.clone();
                trace.outside = page.outside;
            }
        }
        let structure = self
            .shapes
            .and_then(|(shapes, base)| structure::Structured::new(shapes, &self.sheet, base));
        let mut removed = self.markup_removed;
        removed.extend(self.sheet.removals());
        Body {
            paragraphs: self.sheet.paragraphs(),
            removed,
            content_root: self.content_root,
            structure,
        }
    }
}

/// The line where each of a page's `blocks` text blocks starts (blocks are joined by blank
/// lines); `None` when normalising changed the line structure, so positions are unknown.
fn block_starts(lines: &[TracedLine], blocks: usize) -> Option<Vec<usize>> {
    let mut starts = Vec::with_capacity(blocks);
    let mut previous_blank = true;
    for (i, line) in lines.iter().enumerate() {
        let blank = line.text.is_empty();
        if !blank && previous_blank {
            starts.push(i);
        }
        previous_blank = blank;
    }
    (starts.len() == blocks).then_some(starts)
}

/// The rule layers that apply: the site's own, the generic set under it (less what the
/// site disables), and the generic set of the dump's language. The generic layer is known
/// by where it comes from, never by its id.
pub struct Layers<'r> {
    pub site: Option<&'r Site>,
    pub generic: Option<&'r Site>,
    pub language: Option<&'r Site>,
}

impl<'r> Layers<'r> {
    /// Most specific first.
    pub fn in_order(&self) -> impl Iterator<Item = &'r Site> {
        self.site
            .into_iter()
            .chain(self.generic)
            .chain(self.language)
    }
}

/// The layers for a dump of `site` (`None`: no site rule) in `language`.
pub fn layers<'r>(
    site: Option<&'r Site>,
    rules: &'r RuleSet,
    language: Option<&str>,
) -> Layers<'r> {
    let generic = match site {
        Some(s) => s.generic_layer(&rules.generic),
        None => Some(&rules.generic),
    };
    Layers {
        site,
        generic,
        // A site that opts out of the generic rules opts out of every language's too.
        language: generic.and(language).and_then(|l| rules.generic_for(l)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const PROSE: &str = "Officials said on Tuesday that the new bridge would open to traffic in the spring, after two years of delays and a long dispute over its cost.";

    fn site() -> Site {
        crate::rules::compile_str(
            Path::new("t.toml"),
            "[site]\nid='t'\nname='T'\nhosts=['t.com']\n[html]\ncontent='.story'\n",
        )
        .unwrap()
    }

    #[test]
    fn a_content_root_holding_a_sliver_of_the_article_gives_way_to_detection() {
        // On this template the site's `.story` class is the pay-wall box; the article is
        // elsewhere.
        let article: String = (0..12).map(|_| format!("<p>{PROSE}</p>")).collect();
        let doc = html::parse(&format!(
            "<html><body><div class='story'><p>Subscribe to read on.</p></div>\
             <div id='text'>{article}</div></body></html>"
        ));
        let rules = RuleSet::builtin();
        let cleaned = html(&doc, Some(&site()), &rules, false);
        let root = cleaned.content_root.expect("an HTML page has a root");
        assert!(root.selector_missed(), "{root:?}");
        assert!(cleaned.sheet.paragraphs().join(" ").contains("new bridge"));
    }

    #[test]
    fn a_short_content_root_is_trusted_when_nothing_holds_much_more() {
        let doc = html::parse(&format!(
            "<html><body><div class='story'><p>{PROSE}</p><p>{PROSE}</p></div>\
             <div id='aside'><p>{PROSE}</p></div></body></html>"
        ));
        let rules = RuleSet::builtin();
        let cleaned = html(&doc, Some(&site()), &rules, false);
        let root = cleaned.content_root.expect("an HTML page has a root");
        assert!(
            matches!(root, html::ContentRoot::Selector { .. }),
            "{root:?}"
        );
    }
}

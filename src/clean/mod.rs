//! Cleaning: from a dump's content to body paragraphs, removals and metadata.
//!
//! Text dumps go straight to the line rules; HTML pages first become blocks of text
//! (`html`) and then go through the same line rules, so both share one model
//! ([`sheet::Sheet`]) and one audit trail.

pub mod budget;
pub mod heuristics;
pub mod html;
pub mod rules;
pub mod sheet;
pub mod structure;

use crate::article::Removal;
use crate::metadata::{self, Metadata};
use crate::rules::{RuleSet, Site};
use sheet::{Sheet, TracedLine};

/// The result of cleaning one dump's content.
#[derive(Debug, Default)]
pub struct Cleaned {
    pub paragraphs: Vec<String>,
    pub removed: Vec<Removal>,
    pub metadata: Metadata,
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
    /// Where each metadata value read from the page's markup was found (field, place).
    pub metadata_sources: Vec<(&'static str, String)>,
}

/// Cleans plain text with `site`'s rules (if any), then the generic ones.
pub fn text(text: &str, site: Option<&Site>, rules: &RuleSet) -> Cleaned {
    text_traced(text, site, rules, None)
}

/// [`text`], filling `trace` when given.
pub fn text_traced(
    text: &str,
    site: Option<&Site>,
    rules: &RuleSet,
    trace: Option<&mut Trace>,
) -> Cleaned {
    let mut sheet = Sheet::new(text);
    let layers = layers(site, rules);
    for layer in layers.in_order() {
        rules::apply(&layer.text, &mut sheet);
    }
    let metadata = read_metadata(&mut sheet, site, rules, &layers, false);
    if site.is_none_or(|s| s.text.heuristics) {
        heuristics::apply(&mut sheet, &rules.generic.id);
    }
    if let Some(trace) = trace {
        trace.lines = sheet.traced();
    }
    Cleaned {
        paragraphs: sheet.paragraphs(),
        removed: sheet.removals(),
        metadata,
        content_root: None,
        structure: None,
    }
}

/// Cleans an HTML page: markup rules, then the text rules on its blocks.
pub fn html(doc: &scraper::Html, site: Option<&Site>, rules: &RuleSet) -> Cleaned {
    html_traced(doc, site, rules, None)
}

/// [`html`], filling `trace` when given.
pub fn html_traced(
    doc: &scraper::Html,
    site: Option<&Site>,
    rules: &RuleSet,
    trace: Option<&mut Trace>,
) -> Cleaned {
    let layers = layers(site, rules);
    let generic = layers.generic.map(|g| &g.html);
    let extract = html::extract(doc, site.map(|s| &s.html), generic);
    let page_meta = metadata::html::extract(doc, site.map(|s| &s.html.metadata));

    // Entities are decoded now, so this is the first point the page's text can be normalised.
    let text = crate::normalize::text(&extract.text);
    let mut sheet = Sheet::new(&text);
    for layer in layers.in_order() {
        rules::apply(&layer.text, &mut sheet);
    }
    let owner = site.unwrap_or(&rules.generic);
    claim_title(&mut sheet, &owner.id, page_meta.title.as_deref());
    let text_meta = read_metadata(&mut sheet, site, rules, &layers, true);
    if let Some(trace) = trace {
        trace.markup = extract.removed.clone();
        trace.lines = sheet.traced();
        let blocks = match extract.text.is_empty() {
            true => 0,
            false => extract.text.split("\n\n").count(),
        };
        let starts = block_starts(&trace.lines, blocks);
        let total = trace.lines.len();
        let line_of = |block: usize| match &starts {
            Some(s) => s.get(block).copied().unwrap_or(total),
            None => 0,
        };
        trace.markup_at = extract.removed_at.iter().map(|&b| line_of(b)).collect();
        if starts.is_some() {
            trace.headings = extract.headings.iter().map(|&b| line_of(b)).collect();
        }
        trace.markup_selectors = extract
            .removed
            .iter()
            .map(|r| {
                layers
                    .in_order()
                    .flat_map(|l| &l.html.remove)
                    .find(|h| h.name == r.rule)
                    .map(|h| h.source.clone())
            })
            .collect();
        trace.content_root = Some(extract.root.clone());
        trace.metadata_sources = metadata::provenance::html(doc, site, &page_meta);
        trace.outside = extract
            .root_node
            .map(|root| html::outside_root(doc, root))
            .unwrap_or_default();
    }
    let structure = structure::Structured::new(extract.shapes, &sheet, structure::base_href(doc));
    let mut removed = extract.removed;
    removed.extend(sheet.removals());
    Cleaned {
        paragraphs: sheet.paragraphs(),
        removed,
        metadata: page_meta.or(text_meta),
        content_root: Some(extract.root),
        structure,
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

/// Text metadata with the owner's rules; the owner's bylines match anywhere, the generic
/// ones (when the generic layer applies) only near the top. On a page
/// (`headline_in_markup`) only bylines are read from the text.
fn read_metadata(
    sheet: &mut Sheet,
    site: Option<&Site>,
    rules: &RuleSet,
    layers: &Layers,
    headline_in_markup: bool,
) -> Metadata {
    let owner = site.unwrap_or(&rules.generic);
    let owner_rules = &owner.text.metadata;
    let mut anywhere: Vec<&regex::Regex> = Vec::new();
    let mut top: Vec<&regex::Regex> = Vec::new();
    if site.is_some() {
        anywhere.extend(owner_rules.byline.iter().chain(&owner_rules.credit));
    }
    if let Some(generic) = layers.generic {
        let generic = &generic.text.metadata;
        anywhere.extend(&generic.credit);
        top.extend(&generic.byline);
    }
    metadata::text::extract(
        sheet,
        &owner.id,
        owner_rules,
        &anywhere,
        &top,
        headline_in_markup,
    )
}

/// The rule layers that apply: the site's own, and the generic set under it. The generic
/// layer is known by where it comes from, never by its id.
struct Layers<'r> {
    site: Option<&'r Site>,
    generic: Option<&'r Site>,
}

impl<'r> Layers<'r> {
    /// Most specific first.
    fn in_order(&self) -> impl Iterator<Item = &'r Site> {
        self.site.into_iter().chain(self.generic)
    }
}

fn layers<'r>(site: Option<&'r Site>, rules: &'r RuleSet) -> Layers<'r> {
    Layers {
        site,
        generic: match site {
            Some(s) => s.generic_layer(&rules.generic),
            None => Some(&rules.generic),
        },
    }
}

/// On a page, the headline block is the markup's title: claim it so it leaves the body.
fn claim_title(sheet: &mut Sheet, owner: &str, title: Option<&str>) {
    let Some(title) = title else { return };
    let want = title.to_lowercase();
    let found = sheet
        .open_lines()
        .take(15)
        .find(|&i| sheet.line(i).to_lowercase() == want);
    if let Some(i) = found {
        sheet.claim(
            i..i + 1,
            crate::kind::Kind::Title,
            &format!("{owner}/metadata.title"),
        );
    }
}

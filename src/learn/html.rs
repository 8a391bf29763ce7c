//! HTML rules learned from a site's pages: the content root, removals inside it, and where
//! the metadata is.
//!
//! The article is the text that varies from page to page and reads as prose; the page
//! around it repeats. So each page's *article lines* are the prose lines of its visible
//! text that most of the site's other pages do not print (see [`lines`]), and:
//!
//! - the content root is the selector whose element, on every page, holds those lines and
//!   little else (best mean word F1 against them, the metric the benchmarks use);
//! - a removal is a selector whose elements inside the root hold template text, or short
//!   lists named for what they are (`related`, `share`…), and never an article line on any
//!   page;
//! - metadata selectors are those whose text equals what the page's JSON-LD or `<meta>`
//!   say, on most pages.
//!
//! Selectors are built from what survives a redesign of the CSS: ids, semantic class
//! names, `itemprop`, `role`, element names. Generated class names (`css-1x2y3z`,
//! `sc-bdVaJa`) change with every build and are never used.
//!
//! [`lines`]: super::lines

use super::lines::{is_prose, Stats};
use crate::authoring::boilerplate::guess_kind;
use crate::eval::dump::visible_blocks;
use crate::eval::metric::{score, tokens};
use crate::kind::Kind;
use crate::normalize::collapse_spaces;
use scraper::{ElementRef, Html, Selector};
use std::collections::{HashMap, HashSet};

/// A learned HTML removal.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlRemoval {
    pub name: String,
    pub kind: Kind,
    pub selector: String,
    pub evidence: String,
}

/// A learned metadata source.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaSource {
    pub selector: String,
    /// Read this attribute rather than the text.
    pub attr: Option<String>,
    pub evidence: String,
}

/// What the HTML side learned.
#[derive(Debug, Clone, Default)]
pub struct HtmlLearned {
    /// The content root selector and its evidence.
    pub content: Option<(String, String)>,
    pub remove: Vec<HtmlRemoval>,
    pub title: Option<MetaSource>,
    pub authors: Option<MetaSource>,
    pub published: Option<MetaSource>,
    /// Each page's article words (its prose that the other pages do not print), in the
    /// order the pages were given: what the learned rules are checked against.
    pub targets: Vec<Vec<String>>,
}

/// One page, parsed, with its article lines.
struct Page {
    doc: Html,
    article: HashSet<String>,
    article_tokens: Vec<String>,
}

/// Learns HTML rules from `pages` (HTML source); `stats` counts the lines of the same
/// pages' visible text.
pub fn learn(pages: &[&str], stats: &Stats) -> HtmlLearned {
    let parsed: Vec<Page> = pages
        .iter()
        .map(|html| {
            let doc = Html::parse_document(html);
            let article: HashSet<String> = blocks(doc.root_element())
                .into_iter()
                .filter(|l| !stats.is_template(l) && is_prose(l))
                .collect();
            let article_tokens = article.iter().flat_map(|l| tokens(l)).collect();
            Page {
                doc,
                article,
                article_tokens,
            }
        })
        .collect();
    let mut out = HtmlLearned {
        targets: parsed.iter().map(|p| p.article_tokens.clone()).collect(),
        ..HtmlLearned::default()
    };
    let need = stats.need();
    let Some((root, fired, f1)) = content_root(&parsed, need) else {
        return out;
    };
    out.content = Some((
        root.clone(),
        format!(
            "The article's container: on {fired} of {} pages it holds the text that differs from page to page (word F1 {f1:.2} against it).",
            parsed.len()
        ),
    ));
    let root_sel = Selector::parse(&root).expect("learned selectors parse");
    out.remove = removals(&parsed, &root_sel, stats, need);
    metadata(&parsed, need, &mut out);
    out
}

/// The content root: the stable selector whose first match best holds each page's
/// article lines. Returns (selector, pages it matched, mean F1).
fn content_root(pages: &[Page], need: usize) -> Option<(String, usize, f64)> {
    let mut candidates: HashSet<String> = HashSet::new();
    for p in pages {
        let total = p.article_tokens.len();
        if total == 0 {
            continue;
        }
        for el in p
            .doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            if matches!(el.value().name(), "html" | "body") {
                continue;
            }
            let n: usize = el
                .text()
                .map(|t| t.split_whitespace().count())
                .sum::<usize>();
            if n * 2 < total / 2 {
                continue;
            }
            candidates.extend(selectors_for(el));
        }
    }
    let mut best: Option<(f64, usize, String)> = None;
    let mut sorted: Vec<String> = candidates.into_iter().collect();
    sorted.sort();
    for s in sorted {
        let Ok(sel) = Selector::parse(&s) else {
            continue;
        };
        let mut sum = 0.0;
        let mut fired = 0;
        for p in pages {
            let Some(el) = p.doc.select(&sel).next() else {
                continue;
            };
            fired += 1;
            let got: Vec<String> = blocks(el).iter().flat_map(|l| tokens(l)).collect();
            sum += score(&got, &p.article_tokens).f1;
        }
        if fired < need {
            continue;
        }
        let mean = sum / pages.len() as f64;
        let better = match &best {
            None => true,
            Some((b, _, bs)) => {
                mean > *b + 1e-9 || ((mean - *b).abs() <= 1e-9 && rank(&s) < rank(bs))
            }
        };
        if better {
            best = Some((mean, fired, s));
        }
    }
    best.filter(|(f1, _, _)| *f1 >= 0.5)
        .map(|(f1, fired, s)| (s, fired, f1))
}

/// Preference among equally good selectors: ids, then `itemprop`, then classes, then
/// element names; shorter first.
fn rank(selector: &str) -> (u8, usize) {
    let class = if selector.starts_with('#') {
        0
    } else if selector.contains("itemprop") {
        1
    } else if selector.contains('.') {
        2
    } else {
        3
    };
    (class, selector.len())
}

/// Removal selectors inside the root.
fn removals(pages: &[Page], root: &Selector, stats: &Stats, need: usize) -> Vec<HtmlRemoval> {
    // For each candidate selector: pages where it matched text inside the root, and
    // whether any match held an article line.
    #[derive(Default)]
    struct Tally {
        pages: usize,
        words: usize,
        unsafe_: bool,
        template: bool,
        own: bool,
        sample: String,
    }
    let mut tally: HashMap<String, Tally> = HashMap::new();
    for p in pages {
        let Some(r) = p.doc.select(root).next() else {
            continue;
        };
        let mut seen: HashSet<String> = HashSet::new();
        for el in r.descendants().skip(1).filter_map(ElementRef::wrap) {
            let sels = selectors_for(el);
            if sels.is_empty() {
                continue;
            }
            let lines = blocks(el);
            if lines.is_empty() {
                continue;
            }
            let holds_article = lines.iter().any(|l| p.article.contains(l));
            let template = lines.iter().all(|l| stats.is_template(l));
            let words: usize = lines.iter().map(|l| l.split_whitespace().count()).sum();
            for s in sels {
                let t = tally.entry(s.clone()).or_default();
                if seen.insert(s.clone()) {
                    t.pages += 1;
                }
                t.words += words;
                t.unsafe_ |= holds_article;
                if template {
                    t.template = true;
                } else {
                    t.own = true;
                }
                if t.sample.is_empty() {
                    t.sample = lines.join(" / ").chars().take(80).collect();
                }
            }
        }
    }
    // A selector that matches elements holding an article line on a page where it matched
    // *outside* the root does not matter; inside it, it is never proposed.
    let mut found: Vec<(String, Tally)> = tally
        .into_iter()
        .filter(|(_, t)| t.pages >= need && !t.unsafe_)
        .collect();
    found.sort_by(|a, b| b.1.words.cmp(&a.1.words).then(a.0.cmp(&b.0)));
    let mut out: Vec<HtmlRemoval> = Vec::new();
    let mut taken: Vec<Selector> = Vec::new();
    let mut names = HashSet::new();
    for (s, t) in found {
        let named = guess_kind(&s.replace(['-', '_', '.', '#'], " "));
        let kind = match named {
            Kind::Other => guess_kind(&t.sample),
            k => k,
        };
        // Text of this page's own is only removed when the markup says what it is.
        if t.own && named == Kind::Other {
            continue;
        }
        if !t.template && !t.own {
            continue;
        }
        let sel = Selector::parse(&s).expect("learned selectors parse");
        // Skip what an earlier removal already takes on every page (a child of it).
        let covered = pages.iter().all(|p| {
            p.doc.select(&sel).all(|el| {
                el.ancestors()
                    .filter_map(ElementRef::wrap)
                    .chain([el])
                    .any(|a| taken.iter().any(|t| t.matches(&a)))
            })
        });
        if covered {
            continue;
        }
        let base = match kind {
            Kind::Other => "template".to_string(),
            k => k.as_str().to_string(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while !names.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.push(HtmlRemoval {
            name,
            kind: if kind == Kind::Other && t.template {
                Kind::Other
            } else {
                kind
            },
            selector: s,
            evidence: format!(
                "Inside the article's container on {} of {} pages, {}; never holds a line of an article.",
                t.pages,
                pages.len(),
                if t.template {
                    "with text the pages share"
                } else {
                    "named for what it is"
                }
            ),
        });
        taken.push(sel);
        if out.len() >= 12 {
            break;
        }
    }
    out
}

/// A value's words, lowercased, one space apart: how declared values and element texts
/// are compared.
fn norm(s: &str) -> String {
    tokens(s).join(" ")
}

/// What a page's own JSON-LD or `<meta>` declare, normalised for comparison.
struct Declared {
    title: Option<String>,
    authors: Vec<String>,
    date: Option<String>,
}

/// Which declared field a selector is checked against.
#[derive(Clone, Copy)]
enum Field {
    Title,
    Authors,
    Date,
}

/// On how many pages `selector` gives the declared value the way the engine reads it: a
/// title and a date from the first element it matches (so a breadcrumb item that equals
/// the headline on some pages but is "Home" first on others is no title), authors from
/// every element it matches (each must name a declared author).
fn confirmed_on(pages: &[Page], declared: &[Declared], selector: &str, field: Field) -> usize {
    let Ok(sel) = Selector::parse(selector) else {
        return 0;
    };
    pages
        .iter()
        .zip(declared)
        .filter(|(p, d)| match field {
            Field::Title => p
                .doc
                .select(&sel)
                .map(|e| norm(&e.text().collect::<String>()))
                .find(|t| !t.is_empty())
                .is_some_and(|t| d.title.as_deref() == Some(t.as_str())),
            Field::Date => p
                .doc
                .select(&sel)
                .find_map(|e| e.value().attr("datetime"))
                .zip(d.date.as_deref())
                .is_some_and(|(dt, date)| dt.starts_with(date)),
            Field::Authors => {
                let found: Vec<String> = p
                    .doc
                    .select(&sel)
                    .map(|e| norm(&e.text().collect::<String>()))
                    .filter(|t| !t.is_empty())
                    .collect();
                !found.is_empty()
                    && found
                        .iter()
                        .all(|t| d.authors.iter().any(|a| t.contains(a.as_str())))
            }
        })
        .count()
}

/// Metadata selectors confirmed by the page's own JSON-LD or `<meta>` on most pages.
fn metadata(pages: &[Page], need: usize, out: &mut HtmlLearned) {
    let mut title_hits: HashMap<String, usize> = HashMap::new();
    let mut author_hits: HashMap<String, usize> = HashMap::new();
    let mut date_hits: HashMap<String, usize> = HashMap::new();
    let mut declared = Vec::with_capacity(pages.len());
    for p in pages {
        let meta = crate::metadata::html::extract(&p.doc, None);
        let d = Declared {
            title: meta.title.as_deref().map(norm).filter(|t| !t.is_empty()),
            authors: meta.authors.iter().map(|a| norm(a)).collect(),
            date: meta
                .published
                .as_deref()
                .and_then(|d| d.get(..10))
                .map(str::to_string),
        };
        let mut seen: HashSet<(u8, String)> = HashSet::new();
        for el in p
            .doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            if matches!(el.value().name(), "meta" | "script" | "title" | "head") {
                continue;
            }
            let text = collapse_spaces(&el.text().collect::<String>());
            if text.is_empty() && el.value().attr("datetime").is_none() {
                continue;
            }
            let t = norm(&text);
            for s in selectors_for(el) {
                if d.title.as_deref() == Some(t.as_str()) && seen.insert((0, s.clone())) {
                    *title_hits.entry(s.clone()).or_default() += 1;
                }
                if !d.authors.is_empty()
                    && !t.is_empty()
                    && t.split(' ').count() <= 12
                    && d.authors.iter().any(|a| t.contains(a.as_str()))
                    && seen.insert((1, s.clone()))
                {
                    *author_hits.entry(s.clone()).or_default() += 1;
                }
                if let (Some(date), Some(dt)) = (&d.date, el.value().attr("datetime")) {
                    if dt.starts_with(date.as_str()) && seen.insert((2, s.clone())) {
                        *date_hits.entry(s.clone()).or_default() += 1;
                    }
                }
            }
        }
        declared.push(d);
    }
    // Candidates in order of how often some element they match held the value; the first
    // that still holds it on enough pages when read as the engine reads it is taken.
    let pick = |hits: HashMap<String, usize>, field: Field| -> Option<(String, usize)> {
        let mut v: Vec<(String, usize)> = hits.into_iter().filter(|(_, n)| *n >= need).collect();
        v.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(rank(&a.0).cmp(&rank(&b.0)))
                .then(a.0.cmp(&b.0))
        });
        v.into_iter()
            .map(|(s, _)| {
                let k = confirmed_on(pages, &declared, &s, field);
                (s, k)
            })
            .find(|(_, k)| *k >= need)
    };
    let n = pages.len();
    out.title = pick(title_hits, Field::Title).map(|(s, k)| MetaSource {
        selector: s,
        attr: None,
        evidence: format!("Its text is the page's declared headline on {k} of {n} pages."),
    });
    out.authors = pick(author_hits, Field::Authors).map(|(s, k)| MetaSource {
        selector: s,
        attr: None,
        evidence: format!("Its text names the page's declared author on {k} of {n} pages."),
    });
    out.published = pick(date_hits, Field::Date).map(|(s, k)| MetaSource {
        selector: s,
        attr: Some("datetime".into()),
        evidence: format!(
            "Its datetime is the page's declared publication date on {k} of {n} pages."
        ),
    });
}

/// Stable selectors for one element: `#id`, `tag[itemprop=…]`, `tag.class`, and the bare
/// element name for `article` and `main`.
pub fn selectors_for(el: ElementRef) -> Vec<String> {
    let e = el.value();
    let tag = e.name();
    let mut out = Vec::new();
    if let Some(id) = e.id().filter(|id| stable(id)) {
        out.push(format!("#{id}"));
    }
    if let Some(p) = e.attr("itemprop").filter(|p| stable(p)) {
        out.push(format!("{tag}[itemprop=\"{p}\"]"));
    }
    if let Some(r) = e.attr("role").filter(|r| *r == "main" || *r == "article") {
        out.push(format!("{tag}[role=\"{r}\"]"));
    }
    for c in e.classes().filter(|c| stable(c)) {
        out.push(format!("{tag}.{c}"));
    }
    if matches!(tag, "article" | "main") {
        out.push(tag.to_string());
    }
    out
}

/// A class or id a person wrote (`article-body`, `story__text`), not one a build tool
/// generated (`css-1x2y3z`, `sc-bdVaJa`, `jsx-2841923`): such names change with every
/// deploy, and a rule built on them dies with the next one.
pub fn stable(token: &str) -> bool {
    let valid = token.len() >= 2
        && token.len() <= 40
        && token.starts_with(|c: char| c.is_ascii_alphabetic())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return false;
    }
    let lower = token.to_ascii_lowercase();
    if [
        "css-", "sc-", "jsx-", "emotion-", "styled-", "svelte-", "tw-",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return false;
    }
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let mut longest_run = 0;
    let mut run = 0;
    for c in token.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        longest_run = longest_run.max(run);
    }
    // Alternations between letters and digits, and case flips inside a word, betray hashes.
    let chars: Vec<char> = token.chars().collect();
    let switches = chars
        .windows(2)
        .filter(|w| {
            w[0].is_ascii_digit() != w[1].is_ascii_digit()
                && w[0].is_alphanumeric()
                && w[1].is_alphanumeric()
        })
        .count();
    let case_flips = chars
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .count();
    let segment_hash = token.split(['-', '_']).any(|seg| {
        seg.len() >= 5
            && seg.chars().any(|c| c.is_ascii_digit())
            && seg.chars().any(|c| c.is_ascii_alphabetic())
    });
    longest_run < 3 && !(digits >= 2 && switches >= 3) && case_flips < 3 && !segment_hash
}

/// The visible text of `root` as lines, the way the dump maker writes a page (so lines
/// here and in the site's text dumps are the same strings), normalised as dumps are.
fn blocks(root: ElementRef) -> Vec<String> {
    visible_blocks(root)
        .into_iter()
        .map(|b| crate::normalize::text(&b).trim().to_string())
        .filter(|b| !b.is_empty())
        .collect()
}

/// The visible text of a page as a text dump would give it, for the text learner.
pub fn page_text(doc: &Html) -> String {
    blocks(doc.root_element()).join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metadata_selector_is_judged_by_what_the_engine_would_read() {
        let page = |title: &str| {
            Page {
            doc: Html::parse_document(&format!(
                "<html><body><nav><span class='crumb'>Home</span><span class='crumb'>{title}</span></nav>\
                 <h1 class='headline'>{title}</h1><time class='pub' datetime='2024-03-05T10:00'>5 March</time></body></html>"
            )),
            article: HashSet::new(),
            article_tokens: Vec::new(),
        }
        };
        let pages = [page("Harbour reopens"), page("Ferry strike ends")];
        let declared: Vec<Declared> = ["harbour reopens", "ferry strike ends"]
            .iter()
            .map(|t| Declared {
                title: Some(t.to_string()),
                authors: vec![],
                date: Some("2024-03-05".into()),
            })
            .collect();
        // The last breadcrumb holds the headline, but the engine reads the first: "Home".
        assert_eq!(
            confirmed_on(&pages, &declared, "span.crumb", Field::Title),
            0
        );
        assert_eq!(
            confirmed_on(&pages, &declared, "h1.headline", Field::Title),
            2
        );
        assert_eq!(confirmed_on(&pages, &declared, "time.pub", Field::Date), 2);
    }

    #[test]
    fn generated_class_names_are_not_stable() {
        for ok in [
            "article-body",
            "story__text",
            "content",
            "col-12",
            "h1",
            "ArticleBody",
        ] {
            assert!(stable(ok), "{ok}");
        }
        for bad in [
            "css-1x2y3z",
            "sc-bdVaJa",
            "jsx-2841923",
            "a1b2c3d4",
            "x",
            "Zx9kQ2mP",
            "md:flex",
            "body-3f9a2c",
        ] {
            assert!(!stable(bad), "{bad}");
        }
    }
}

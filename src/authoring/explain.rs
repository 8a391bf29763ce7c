//! `copydesk explain`: a dump as the rules saw it, every removed line marked with its kind
//! and the rule that removed it, and the metadata that was found.
//!
//! Authors debug rules by asking "why did this line go (or stay)?". The answer is in the
//! engine's per-line claims ([`Trace`]); this module lays them out for a terminal, and
//! [`super::report_html`] for a browser. Both read the same [`Explanation`], so they can
//! never disagree with each other or with `copydesk clean`.

use super::style::Paint;
use crate::article::{Article, Removal};
use crate::clean::html::ContentRoot;
use crate::clean::sheet::TracedLine;
use crate::clean::Trace;
use crate::kind::Kind;
use crate::site::Evidence;
use std::collections::BTreeMap;

/// One cleaned dump and how each of its lines was treated.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The dump's path as given.
    pub path: String,
    /// Exactly what `copydesk clean` gives for the dump.
    pub article: Article,
    pub trace: Trace,
}

/// What happened to a line, as the views show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Kept,
    Blank,
    /// Thrown away as boilerplate.
    Removed(Kind),
    /// Taken out of the body into the metadata (title, subtitle, byline).
    Moved(Kind),
}

impl Fate {
    pub fn of(line: &TracedLine) -> Fate {
        match &line.claim {
            None if line.text.is_empty() => Fate::Blank,
            None => Fate::Kept,
            Some(c) if c.kind.is_metadata() => Fate::Moved(c.kind),
            Some(c) => Fate::Removed(c.kind),
        }
    }

    /// The one-character margin marker, readable without colour.
    pub fn marker(self) -> char {
        match self {
            Fate::Kept | Fate::Blank => ' ',
            Fate::Removed(_) => '-',
            Fate::Moved(_) => '=',
        }
    }
}

impl Explanation {
    /// How the site was chosen, in words.
    pub fn site_line(&self) -> String {
        match (&self.article.site, &self.trace.evidence) {
            (Some(site), Some(Evidence::Host(host))) => {
                format!("{} ({}), recognised by its host {host}", site.id, site.name)
            }
            (Some(site), Some(Evidence::Fingerprints(n))) => format!(
                "{} ({}), recognised by {n} fingerprint{}",
                site.id,
                site.name,
                if *n == 1 { "" } else { "s" }
            ),
            (Some(site), None) => format!("{} ({})", site.id, site.name),
            (None, _) => {
                "none: no rule file claimed this dump, only the generic clean-up ran".to_string()
            }
        }
    }

    /// How an HTML page's content root was chosen, in words (`None` for text dumps).
    pub fn root_line(&self) -> Option<String> {
        Some(match self.trace.content_root.as_ref()? {
            ContentRoot::Selector { selector, element } => {
                format!("{element}, matched by the site's content selector `{selector}`")
            }
            ContentRoot::Detected {
                element,
                selector_missed: true,
            } => format!(
                "{element}, found by detection: the site's content selector matched nothing \
                 on this page (has the layout changed?)"
            ),
            ContentRoot::Detected { element, .. } => {
                format!("{element}, found by detection (no content selector for this site)")
            }
            ContentRoot::Page => {
                "the whole page: neither a selector nor detection found an article container"
                    .to_string()
            }
        })
    }

    /// The markup removals that stood before line `i` of `trace.lines` (`i == len`: after
    /// the last line), with the selector behind each when there is one.
    pub fn markup_before(&self, i: usize) -> impl Iterator<Item = (&Removal, Option<&str>)> {
        let t = &self.trace;
        t.markup.iter().enumerate().filter_map(move |(n, r)| {
            let at = t.markup_at.get(n).copied().unwrap_or(0);
            (at == i).then(|| (r, t.markup_selectors.get(n).and_then(|s| s.as_deref())))
        })
    }

    /// Where a metadata value came from, when a traced line says so (the line a text rule
    /// moved into the metadata, and its rule).
    pub fn metadata_rule(&self, kind: Kind) -> Option<&str> {
        self.trace
            .lines
            .iter()
            .filter_map(|l| l.claim.as_ref())
            .find(|c| c.kind == kind)
            .map(|c| c.rule.as_str())
    }

    /// Where a metadata row's value came from: the page's markup (a site rule, JSON-LD, a
    /// `<meta>` tag…), or the text rule that moved its line into the metadata.
    pub fn metadata_source(&self, label: &str) -> Option<String> {
        if let Some((_, place)) = self
            .trace
            .metadata_sources
            .iter()
            .find(|(f, _)| *f == label)
        {
            return Some(place.clone());
        }
        let kind = match label {
            "title" => Kind::Title,
            "subtitle" => Kind::Subtitle,
            "authors" | "published" => Kind::Byline,
            _ => return None,
        };
        self.metadata_rule(kind).map(str::to_string)
    }

    /// The metadata as label/value rows (`None`: not found).
    pub fn metadata_rows(&self) -> Vec<(&'static str, Option<String>)> {
        let a = &self.article;
        vec![
            ("title", a.title.clone()),
            ("subtitle", a.subtitle.clone()),
            (
                "authors",
                (!a.authors.is_empty()).then(|| a.authors.join(", ")),
            ),
            ("published", a.published.clone()),
            ("language", a.language.clone()),
            ("url", a.url.clone()),
            ("words", Some(a.word_count.to_string())),
        ]
    }

    /// How many lines each kind took (markup removals count their lines too), for legends.
    pub fn kind_counts(&self) -> BTreeMap<Kind, usize> {
        let mut counts = BTreeMap::new();
        for line in &self.trace.lines {
            if let Some(c) = &line.claim {
                if !line.text.is_empty() {
                    *counts.entry(c.kind).or_default() += 1;
                }
            }
        }
        for r in &self.trace.markup {
            *counts.entry(r.kind).or_default() += r.text.lines().count().max(1);
        }
        counts
    }

    /// `, N element(s) removed from the markup` when there were any.
    pub fn markup_total(&self) -> String {
        match self.trace.markup.len() {
            0 => String::new(),
            1 => ", 1 element removed from the markup".to_string(),
            n => format!(", {n} elements removed from the markup"),
        }
    }

    /// Lines kept, removed and moved to metadata.
    pub fn totals(&self) -> (usize, usize, usize) {
        let (mut kept, mut removed, mut moved) = (0, 0, 0);
        for line in &self.trace.lines {
            match Fate::of(line) {
                Fate::Kept => kept += 1,
                Fate::Removed(_) => removed += 1,
                Fate::Moved(_) => moved += 1,
                Fate::Blank => {}
            }
        }
        (kept, removed, moved)
    }

    /// The lines in runs: consecutive lines with the same claim (blank lines inside a run
    /// stay in it), so a view can label a run once.
    pub fn runs(&self) -> Vec<Run<'_>> {
        let mut runs: Vec<Run> = Vec::new();
        for (i, line) in self.trace.lines.iter().enumerate() {
            let rule = line.claim.as_ref().map(|c| c.rule.as_str());
            let fate = Fate::of(line);
            if fate == Fate::Blank {
                if let Some(last) = runs.last_mut() {
                    last.lines.push((i + 1, line));
                    continue;
                }
            }
            match runs.last_mut() {
                Some(last) if last.rule == rule && last.fate_kind() == fate_kind(fate) => {
                    last.lines.push((i + 1, line));
                }
                _ => runs.push(Run {
                    fate,
                    rule,
                    lines: vec![(i + 1, line)],
                }),
            }
        }
        runs
    }
}

fn fate_kind(f: Fate) -> Option<Kind> {
    match f {
        Fate::Removed(k) | Fate::Moved(k) => Some(k),
        _ => None,
    }
}

/// Consecutive lines that share a fate and a rule.
#[derive(Debug)]
pub struct Run<'a> {
    pub fate: Fate,
    /// The rule that claimed the run; `None` for kept text.
    pub rule: Option<&'a str>,
    /// 1-based line numbers and lines.
    pub lines: Vec<(usize, &'a TracedLine)>,
}

impl Run<'_> {
    fn fate_kind(&self) -> Option<Kind> {
        fate_kind(self.fate)
    }
}

/// The terminal view.
pub fn render_terminal(e: &Explanation, paint: Paint) -> String {
    let mut out = String::new();
    out.push_str(&format!("{} {}\n", paint.bold("file: "), e.path));
    out.push_str(&format!("{} {}\n", paint.bold("site: "), e.site_line()));
    if let Some(file) = &e.article.rule.file {
        out.push_str(&format!("{} {file}\n", paint.bold("rules:")));
    }
    for w in &e.article.warnings {
        out.push_str(&format!("{}: {w}\n", paint.yellow("warning")));
    }

    out.push_str(&format!("\n{}\n", paint.bold("metadata")));
    for (label, value) in e.metadata_rows() {
        let from = match (&value, e.metadata_source(label)) {
            (Some(_), Some(source)) => paint.dim(&format!("  [from {source}]")),
            _ => String::new(),
        };
        let value = value.unwrap_or_else(|| paint.dim("(not found)"));
        out.push_str(&format!("  {label:<10} {value}{from}\n"));
    }

    if let Some(root) = e.root_line() {
        out.push_str(&format!("\n{} {root}\n", paint.bold("content root:")));
        outside(&mut out, &e.trace.outside, paint);
    }

    out.push_str(&format!(
        "\n{}  {}\n",
        paint.bold("text"),
        paint.dim(if e.trace.content_root.is_some() {
            "(- removed, x removed from the markup, = moved to metadata, unmarked: kept)"
        } else {
            "(- removed, = moved to metadata, unmarked: kept)"
        })
    ));
    let width = e.trace.lines.len().to_string().len().max(3);
    for run in e.runs() {
        for (n, (no, line)) in run.lines.iter().enumerate() {
            for (r, selector) in e.markup_before(no - 1) {
                markup_removal(&mut out, r, selector, width, paint);
            }
            let fate = Fate::of(line);
            let text = match fate {
                Fate::Kept | Fate::Blank => line.text.clone(),
                Fate::Removed(k) => paint.kind(k, &line.text),
                Fate::Moved(k) => paint.kind(k, &line.text),
            };
            let mut row = format!("{no:>width$} {} {text}", fate.marker());
            if n == 0 {
                if let (Some(kind), Some(rule)) = (run.fate_kind(), run.rule) {
                    row.push_str("  ");
                    row.push_str(&paint.kind(kind, &format!("[{kind}: {rule}]")));
                }
            }
            out.push_str(row.trim_end());
            out.push('\n');
        }
    }
    for (r, selector) in e.markup_before(e.trace.lines.len()) {
        markup_removal(&mut out, r, selector, width, paint);
    }

    let (kept, removed, moved) = e.totals();
    out.push_str(&format!(
        "\n{kept} lines kept, {removed} removed, {moved} moved to metadata{}\n",
        e.markup_total()
    ));
    let counts = e.kind_counts();
    if !counts.is_empty() {
        let parts: Vec<String> = counts
            .iter()
            .map(|(k, n)| paint.kind(*k, &format!("{k} {n}")))
            .collect();
        out.push_str(&format!("by kind: {}\n", parts.join(", ")));
    }
    out
}

/// An element removed from the page's markup, where it stood, with its rule and selector.
fn markup_removal(
    out: &mut String,
    r: &Removal,
    selector: Option<&str>,
    width: usize,
    paint: Paint,
) {
    for (i, line) in r.text.lines().enumerate() {
        let mut row = format!("{:>width$} x {}", "", paint.kind(r.kind, line));
        if i == 0 {
            row.push_str("  ");
            row.push_str(&paint.kind(
                r.kind,
                &format!("[{}: {}]", r.kind, rule_label(r, selector)),
            ));
        }
        out.push_str(&row);
        out.push('\n');
    }
}

/// `rule` or `rule, selector`, as the views label a markup removal.
pub fn rule_label(r: &Removal, selector: Option<&str>) -> String {
    match selector {
        Some(s) => format!("{} `{}`", r.rule, shorten(s, 60)),
        None => r.rule.clone(),
    }
}

/// Blocks shown of what lay outside the content root; the rest are counted.
pub const OUTSIDE_SHOWN: usize = 8;

/// What lay outside the content root: a count and the first few blocks.
fn outside(out: &mut String, blocks: &[String], paint: Paint) {
    if blocks.is_empty() {
        return;
    }
    let words: usize = blocks.iter().map(|b| crate::article::word_count(b)).sum();
    out.push_str(&format!(
        "{} {} block(s), {words} words, e.g.:\n",
        paint.bold("outside it:  "),
        blocks.len()
    ));
    for b in blocks.iter().take(OUTSIDE_SHOWN) {
        out.push_str(&format!("    {}\n", paint.dim(&shorten(b, 100))));
    }
    if blocks.len() > OUTSIDE_SHOWN {
        out.push_str(&format!(
            "    … and {} more\n",
            blocks.len() - OUTSIDE_SHOWN
        ));
    }
}

/// `s` cut to at most `max` characters, with an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Engine, Options, RuleSet};

    pub(crate) fn explained(rules: &str, dump: &str) -> Explanation {
        explained_as(rules, dump, "a.txt")
    }

    pub(crate) fn explained_as(rules: &str, dump: &str, name: &str) -> Explanation {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("rules")).unwrap();
        std::fs::write(dir.path().join("rules/acme.toml"), rules).unwrap();
        let input = dir.path().join(name);
        std::fs::write(&input, dump).unwrap();
        let engine = Engine::new(RuleSet::load(&dir.path().join("rules")).unwrap());
        let (article, trace) = engine.explain_file(&input, &Options::default()).unwrap();
        Explanation {
            path: "a.txt".into(),
            article,
            trace,
        }
    }

    pub(crate) const RULES: &str =
        "[site]\nid = \"acme\"\nname = \"Acme\"\nfingerprints = ['Get the <Acme> letter']\n\n\
        [text.remove.masthead]\nkind = \"masthead\"\nline = 'Acme News'\n\n\
        [text.remove.promo]\nkind = \"newsletter\"\nline = 'Get the <Acme> letter'\n\n\
        [text.remove.tail]\nkind = \"comments\"\nfrom = 'Reader comments'\n";

    pub(crate) const DUMP: &str = "Acme News\n\nA headline here\n\nGet the <Acme> letter\n\n\
        Body text of the story, with words & more.\n\nReader comments\nfirst!\n";

    #[test]
    fn terminal_view_marks_each_line_with_its_rule() {
        let e = explained(RULES, DUMP);
        let out = render_terminal(&e, Paint::new(false));
        assert!(
            out.contains("site:  acme (Acme), recognised by 1 fingerprint"),
            "{out}"
        );
        assert!(
            out.contains("  title      A headline here  [from acme/metadata.title]\n"),
            "{out}"
        );
        assert!(
            out.contains("  5 - Get the <Acme> letter  [newsletter: acme/promo]\n"),
            "{out}"
        );
        assert!(out.contains("  7   Body text of the story"), "{out}");
        assert!(
            out.contains("  9 - Reader comments  [comments: acme/tail]\n 10 - first!\n"),
            "{out}"
        );
        assert!(
            out.contains("  3 = A headline here  [title: acme/metadata.title]"),
            "{out}"
        );
        assert!(!out.contains('\x1b'));
        let coloured = render_terminal(&e, Paint::new(true));
        assert!(
            coloured.contains("\x1b[36mGet the <Acme> letter\x1b[0m"),
            "{coloured}"
        );
    }

    pub(crate) const PAGE_RULES: &str =
        "[site]\nid = \"acme\"\nname = \"Acme\"\nhosts = [\"acme.test\"]\n\
        [html]\ncontent = 'div.story'\n\
        [html.remove.promo]\nkind = \"newsletter\"\nselector = 'div[data-promo=\"letter\"]'\n";

    pub(crate) const PAGE: &str = "<html><head><link rel=\"canonical\" href=\"https://acme.test/a\"></head>\
        <body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><div class=\"story\">\
        <h2>The vote</h2><p>Councillors voted on Tuesday to close the old bridge for a year of repairs.</p>\
        <div data-promo=\"letter\">Get the Acme letter every morning</div>\
        <p>Engineers found cracks in two of its piers during the winter inspection.</p></div>\
        <footer>Acme Media Ltd, all rights reserved</footer></body></html>";

    #[test]
    fn a_page_shows_its_root_what_lay_outside_and_removals_in_place() {
        let e = explained_as(PAGE_RULES, PAGE, "a.html");
        let out = render_terminal(&e, Paint::new(false));
        assert!(
            out.contains(
                "content root: div.story, matched by the site's content selector `div.story`"
            ),
            "{out}"
        );
        assert!(out.contains("outside it:   2 block(s)"), "{out}");
        assert!(
            out.contains("    Acme Media Ltd, all rights reserved\n"),
            "{out}"
        );
        let first = out.find("Councillors voted").unwrap();
        let promo = out
            .find("x Get the Acme letter every morning  [newsletter: acme/promo `div[data-promo=\"letter\"]`]")
            .unwrap_or_else(|| panic!("{out}"));
        let second = out.find("Engineers found cracks").unwrap();
        assert!(first < promo && promo < second, "{out}");
        assert!(out.contains("1 element removed from the markup"), "{out}");
        assert_eq!(e.trace.headings, [0], "{:?}", e.trace.lines);
        assert!(out.contains("  url        https://acme.test/a\n"), "{out}");
    }

    #[test]
    fn a_page_whose_selector_misses_says_so() {
        let e = explained_as(
            &PAGE_RULES.replace("div.story", "div.article-body"),
            PAGE,
            "a.html",
        );
        let root = e.root_line().unwrap();
        assert!(
            root.ends_with("found by detection: the site's content selector matched nothing on this page (has the layout changed?)"),
            "{root}"
        );
    }

    #[test]
    fn kept_lines_are_exactly_the_body_clean_gives() {
        let e = explained(RULES, DUMP);
        let kept: Vec<&str> = e
            .trace
            .lines
            .iter()
            .filter(|l| Fate::of(l) == Fate::Kept)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(kept.join("\n\n"), e.article.text);
    }

    #[test]
    fn totals_and_counts_agree_with_the_lines() {
        let e = explained(RULES, DUMP);
        let (kept, removed, moved) = e.totals();
        assert_eq!((kept, removed, moved), (1, 5, 1));
        assert_eq!(e.kind_counts().get(&Kind::Comments), Some(&2));
    }
}

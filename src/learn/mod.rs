//! Learning a site's rules from its own dumps (`copydesk learn`, and the service's
//! proposals).
//!
//! The strongest evidence about a site's template is free: copydesk sees many dumps of the
//! same site, and what most of them print is template while what only one prints is that
//! article. [`learn`] turns two or more dumps of one site (text, HTML or envelopes, mixed)
//! into a complete rule file a person can review, plus fixtures with snapshots so the new
//! site is under `copydesk test` at once:
//!
//! - [`text`]: whole-line rules for template lines, blocks whose inside varies, the page
//!   head and tail, all decided on lines most dumps print ([`lines`]);
//! - [`html`]: the content root, removals inside it, metadata selectors;
//! - [`fingerprint`]: lines that identify the site without a URL, and the test for a
//!   fingerprint that is only a common word or label.
//!
//! Every rule is then run on the dumps it was learned from: its `description` says in how
//! many it fired, a rule that fired in too few is dropped, and any rule that would remove
//! a sentence only one dump prints is reported (a learned rule must remove template, never
//! body text).
//!
//! "Lines no other site prints", for fingerprints, means: not in any text the caller gave
//! in [`LearnOptions::other_lines`] (the CLI gives every other site's fixtures), not
//! matched by another rule file's fingerprints ([`LearnOptions::other_fingerprints`]),
//! not a line the built-in generic rules remove, and not a word or label
//! ([`fingerprint::weakness`]). With no other sites known, only the last two apply.

pub mod fingerprint;
pub mod html;
pub mod lines;
pub mod text;
mod write;

use crate::authoring::fixtures::Fixture;
use crate::authoring::snapshot::render_snapshot;
use crate::input::{Content, Dump};
use crate::kind::Kind;
use crate::rules::{compile_str, RuleSet};
use crate::{Engine, Options};
use lines::{is_prose, DumpLines, Stats};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use write::{write, Written};

/// What the learner may know besides the site's own dumps.
#[derive(Debug, Clone, Default)]
pub struct LearnOptions {
    /// Display name (default: the site id).
    pub name: Option<String>,
    /// Hostnames; the dumps' own URLs are added.
    pub hosts: Vec<String>,
    /// Lines other sites print: a fingerprint is never one of them.
    pub other_lines: HashSet<String>,
    /// Other rule files' fingerprints (patterns): a line they match is not this site's own.
    pub other_fingerprints: Vec<String>,
}

impl LearnOptions {
    /// Adds every line of another site's dump to [`LearnOptions::other_lines`].
    pub fn add_other_text(&mut self, text: &str) {
        self.other_lines.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }

    /// Adds every other site's fingerprints from a loaded rule set, except `site`'s own.
    pub fn add_other_rules(&mut self, rules: &RuleSet, site: &str) {
        for s in rules.sites.iter().filter(|s| s.id != site) {
            self.other_fingerprints
                .extend(s.fingerprints.iter().map(|f| f.as_str().to_string()));
        }
    }
}

/// A fixture the learner proposes: one of the dumps it learned from and its snapshot.
#[derive(Debug, Clone)]
pub struct LearnedFixture {
    /// File name inside `fixtures/<site>/` (`<name>.txt|.html|.json`).
    pub name: String,
    /// The dump it is a copy of.
    pub source: PathBuf,
    /// `<name>.expected.md`: what copydesk makes of it with the learned rules.
    pub snapshot: String,
}

/// How one learned rule did on the dumps it was learned from.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleReport {
    /// `site/name`.
    pub rule: String,
    pub kind: Kind,
    /// In how many dumps it removed something.
    pub fired_in: usize,
}

/// What `learn` found, for the person reviewing it.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub dumps: usize,
    pub rules: Vec<RuleReport>,
    pub fingerprints: Vec<String>,
    pub content: Option<String>,
    /// Template lines printed inside the articles and deliberately not removed.
    pub kept: Vec<String>,
    /// Rules removing text only one dump prints, and other things to check.
    pub warnings: Vec<String>,
}

/// The learner's result: the rule file's text, fixtures, and a report.
#[derive(Debug, Clone)]
pub struct Learned {
    pub site: String,
    pub rule_toml: String,
    pub fixtures: Vec<LearnedFixture>,
    pub report: Report,
}

/// Why nothing could be learned.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    #[error("site id {0:?} must be lowercase letters, digits, '-' or '_' (e.g. \"acme-news\")")]
    BadId(String),
    #[error(
        "give at least two dumps of the site: rules are learned from what they share ({0} given)"
    )]
    TooFewDumps(usize),
    #[error("the learned rule file does not compile (please report this): {0}")]
    Compile(String),
}

/// Learns a rule file for site `site` from `dumps` (two or more, of that one site).
pub fn learn(site: &str, dumps: &[Dump], options: &LearnOptions) -> Result<Learned, LearnError> {
    if site.is_empty()
        || !site
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(LearnError::BadId(site.to_string()));
    }
    if dumps.len() < 2 {
        return Err(LearnError::TooFewDumps(dumps.len()));
    }
    let builtin = RuleSet::builtin();
    let mut hosts: Vec<String> = options
        .hosts
        .iter()
        .map(|h| crate::site::normalise_host(h))
        .filter(|h| !h.is_empty())
        .collect();
    let mut texts = Vec::new();
    let mut pages: Vec<&str> = Vec::new();
    for d in dumps {
        let (text, url) = match &d.content {
            Content::Text(t) => (t.clone(), d.url.clone()),
            Content::Html(page) => {
                let doc = crate::clean::html::parse(page);
                pages.push(page);
                let url = d
                    .url
                    .clone()
                    .or_else(|| crate::metadata::html::canonical(&doc));
                (html::page_text(&doc), url)
            }
        };
        if let Some(host) = url.as_deref().and_then(crate::site::host_of) {
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        texts.push(text);
    }
    let dump_lines: Vec<DumpLines> = texts.iter().map(|t| DumpLines::new(t)).collect();
    let stats = Stats::new(&dump_lines);
    let mut learned_text = text::learn(&dump_lines, &builtin.generic);
    let learned_html = if pages.len() >= 2 {
        let page_lines: Vec<DumpLines> = dumps
            .iter()
            .zip(&dump_lines)
            .filter(|(d, _)| matches!(d.content, Content::Html(_)))
            .map(|(_, l)| l.clone())
            .collect();
        html::learn(&pages, &Stats::new(&page_lines))
    } else {
        html::HtmlLearned::default()
    };
    let fingerprints =
        choose_fingerprints(&dump_lines, &stats, &learned_text.mixed, options, &builtin);

    let base = write::Plan {
        site,
        name: options.name.as_deref().unwrap_or(site),
        hosts: &hosts,
        fingerprints: &fingerprints,
        dumps: dumps.len(),
        formats: formats(dumps),
        text: &text::TextLearned::default(),
        html: &html::HtmlLearned::default(),
        fired: &HashMap::new(),
        language: None,
    };
    // Run the draft on the dumps it came from: count where each rule fires, drop those
    // that fire too rarely to be template, then write the file with that evidence.
    let draft = write::rule_file(&write::Plan {
        text: &learned_text,
        html: &learned_html,
        ..base.clone()
    });
    let (fired, drafted) = try_rules(site, &draft, dumps, true)?;
    let mut learned_html = learned_html;
    if learned_html.content.is_some() {
        // The content root must earn its place: on the pages it was learned from, cleaning
        // with it must keep their article text better than the generic detection does
        // with the same removals. Where generic detection already finds the article, a
        // selector fitted to a few pages only adds the risk of matching the wrong element
        // on the next one.
        let without = write::rule_file(&write::Plan {
            text: &learned_text,
            html: &html::HtmlLearned {
                content: None,
                ..learned_html.clone()
            },
            ..base.clone()
        });
        let (_, detected) = try_rules(site, &without, dumps, true)?;
        let with_root = html_fit(dumps, &drafted, &learned_html.targets);
        let with_detection = html_fit(dumps, &detected, &learned_html.targets);
        if let Some((sel, why)) = learned_html.content.take() {
            let why = format!(
                "{why} Cleaning with it keeps the pages' own text at word F1 {with_root:.3}, against {with_detection:.3} when the article is found as for any site."
            );
            if with_root >= with_detection {
                learned_html.content = Some((sel, why));
            }
        }
    }
    let need = stats.need();
    let often = |name: &str| fired.get(&format!("{site}/{name}")).copied().unwrap_or(0) >= need;
    learned_text.rules.retain(|r| often(&r.name));
    learned_html.remove.retain(|r| often(&r.name));
    // The site's language, when every dump's article is in the same one.
    let langs: Vec<Option<String>> = drafted.iter().map(|a| a.language.clone()).collect();
    let language = langs
        .first()
        .cloned()
        .flatten()
        .filter(|l| langs.iter().all(|x| x.as_deref() == Some(l.as_str())));
    let plan = write::Plan {
        text: &learned_text,
        html: &learned_html,
        fired: &fired,
        language: language.as_deref(),
        ..base
    };
    let rule_toml = write::rule_file(&plan);
    let (fired, articles) = try_rules(site, &rule_toml, dumps, true)?;
    let (_, recognised) = try_rules(site, &rule_toml, dumps, false)?;

    let mut report = Report {
        dumps: dumps.len(),
        fingerprints: fingerprints.clone(),
        content: learned_html.content.as_ref().map(|(s, _)| s.clone()),
        kept: learned_text.kept.clone(),
        ..Report::default()
    };
    let names: Vec<(String, Kind)> = learned_text
        .rules
        .iter()
        .map(|r| (r.name.clone(), r.kind))
        .chain(learned_html.remove.iter().map(|r| (r.name.clone(), r.kind)))
        .collect();
    for (name, kind) in names {
        let rule = format!("{site}/{name}");
        report.rules.push(RuleReport {
            fired_in: fired.get(&rule).copied().unwrap_or(0),
            rule,
            kind,
        });
    }
    // Text only one dump prints, removed by a learned rule: possibly body text.
    let prefix = format!("{site}/");
    let mut warned = HashSet::new();
    for a in &articles {
        for r in a.removed.iter().filter(|r| {
            r.rule.starts_with(&prefix) && !r.rule[prefix.len()..].starts_with("metadata.")
        }) {
            for line in r.text.lines().map(str::trim) {
                if is_prose(line) && !stats.is_template(line) && warned.insert(line.to_string()) {
                    report.warnings.push(format!(
                        "{} removes a sentence only one dump prints (check it is not body text): {:?}",
                        r.rule,
                        shorten(line)
                    ));
                }
            }
        }
    }
    if fingerprints.is_empty() && hosts.is_empty() {
        report.warnings.push(
            "no host and no line specific to this site: text dumps without a URL will not be \
             recognised; add --host or a fingerprint by hand"
                .into(),
        );
    }

    let missed = recognised.iter().filter(|a| a.generic).count();
    if missed > 0 {
        report.warnings.push(format!(
            "{missed} of {} dumps are not recognised by the learned hosts and fingerprints: \
             their fixtures will fail until the site is recognised (add --host or a fingerprint)",
            dumps.len()
        ));
    }
    let fixtures = fixtures(site, dumps, &recognised);
    Ok(Learned {
        site: site.to_string(),
        rule_toml,
        fixtures,
        report,
    })
}

/// The host every dump is given to be taken for the site whatever it says (`.invalid` is
/// reserved: no real page has it).
const FORCE_HOST: &str = "learning.invalid";

/// Compiles `toml` and cleans every dump with it alone (and the generic rules): how often
/// each rule fired (in how many dumps), and the articles. With `force`, every dump is
/// taken for the site whatever its URL and lines say (to see what the rules do); without,
/// the site must recognise them as `copydesk test` will.
fn try_rules(
    site: &str,
    toml: &str,
    dumps: &[Dump],
    force: bool,
) -> Result<(HashMap<String, usize>, Vec<crate::Article>), LearnError> {
    let mut compiled = compile_str(Path::new(&format!("{site}.toml")), toml).map_err(|e| {
        LearnError::Compile(
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    if force {
        compiled.hosts = vec![FORCE_HOST.to_string()];
    }
    let rules =
        RuleSet::from_sites(vec![compiled]).map_err(|e| LearnError::Compile(e.to_string()))?;
    let engine = Engine::new(rules);
    let mut fired: HashMap<String, usize> = HashMap::new();
    let mut articles = Vec::new();
    for d in dumps {
        // The learned rules must apply whatever the dump says about itself.
        let options = Options {
            url: force.then(|| format!("https://{FORCE_HOST}/")),
        };
        let article = engine.clean(d.clone(), &options);
        let distinct: HashSet<&str> = article.removed.iter().map(|r| r.rule.as_str()).collect();
        for r in distinct {
            *fired.entry(r.to_string()).or_default() += 1;
        }
        articles.push(article);
    }
    Ok((fired, articles))
}

/// Mean word F1 of the HTML dumps' cleaned text against their article words (`targets`,
/// in the order of the HTML dumps).
fn html_fit(dumps: &[Dump], articles: &[crate::Article], targets: &[Vec<String>]) -> f64 {
    let got: Vec<Vec<String>> = dumps
        .iter()
        .zip(articles)
        .filter(|(d, _)| matches!(d.content, Content::Html(_)))
        .map(|(_, a)| crate::eval::metric::tokens(&a.text))
        .collect();
    if got.is_empty() {
        return 0.0;
    }
    let sum: f64 = got
        .iter()
        .zip(targets)
        .map(|(g, t)| crate::eval::metric::score(g, t).f1)
        .sum();
    sum / got.len() as f64
}

/// The formats of the dumps, for the file's header ("3 text dumps and 2 HTML pages").
fn formats(dumps: &[Dump]) -> String {
    let html = dumps
        .iter()
        .filter(|d| matches!(d.content, Content::Html(_)))
        .count();
    let text = dumps.len() - html;
    match (text, html) {
        (t, 0) => format!("{t} text dumps"),
        (0, h) => format!("{h} HTML pages"),
        (t, h) => format!("{t} text dump(s) and {h} HTML page(s)"),
    }
}

/// Fingerprints: lines most dumps print, specific enough, that no other site prints.
fn choose_fingerprints(
    dumps: &[DumpLines],
    stats: &Stats,
    mixed: &HashSet<String>,
    options: &LearnOptions,
    builtin: &RuleSet,
) -> Vec<String> {
    const MAX: usize = 3;
    let others = regex::RegexSet::new(
        options
            .other_fingerprints
            .iter()
            .map(|p| crate::rules::anchored(p)),
    )
    .unwrap_or_else(|_| regex::RegexSet::empty());
    let mut candidates: Vec<(usize, usize, String)> = Vec::new();
    let mut seen = HashSet::new();
    for d in dumps {
        for (_, line) in &d.lines {
            if !seen.insert(line.as_str()) {
                continue;
            }
            // Nearly every dump must print it: a line in only most of them may be a
            // popular story's headline in their lists.
            let n = stats.seen_in(line);
            if n * 5 < dumps.len() * 4 || n < 2 || mixed.contains(line) {
                continue;
            }
            // Numbers generalised: a copyright year must not date the fingerprint.
            let pattern = lines::pattern(line, lines::shape(line) != *line);
            if fingerprint::is_weak(&pattern)
                || options.other_lines.contains(line)
                || others.is_match(line)
                || builtin.generic.text.lines.set.is_match(line)
                || line.chars().count() > 200
            {
                continue;
            }
            candidates.push((n, line.chars().count(), pattern));
        }
    }
    // Printed by the most dumps first, then the longest (the most specific).
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    candidates
        .into_iter()
        .take(MAX)
        .map(|(_, _, p)| p)
        .collect()
}

/// The dumps as fixtures with their snapshots, named after their files.
fn fixtures(site: &str, dumps: &[Dump], articles: &[crate::Article]) -> Vec<LearnedFixture> {
    let mut used = HashSet::new();
    let mut out = Vec::new();
    for (i, (d, a)) in dumps.iter().zip(articles).enumerate() {
        let ext = match d.format {
            crate::input::Format::Text => "txt",
            crate::input::Format::Html => "html",
            crate::input::Format::Json => "json",
        };
        let stem = d
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty() && !s.starts_with('.'))
            .unwrap_or_else(|| format!("dump-{}", i + 1));
        let mut name = format!("{stem}.{ext}");
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{stem}-{n}.{ext}");
            n += 1;
        }
        let fixture = Fixture {
            site: site.to_string(),
            input: d.path.clone(),
            snapshot: PathBuf::new(),
            rel: format!("{site}/{name}"),
        };
        out.push(LearnedFixture {
            snapshot: render_snapshot(a, &fixture),
            name,
            source: d.path.clone(),
        });
    }
    out
}

fn shorten(line: &str) -> String {
    if line.chars().count() <= 100 {
        line.to_string()
    } else {
        let s: String = line.chars().take(97).collect();
        format!("{s}…")
    }
}

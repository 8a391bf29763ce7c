//! Text rules learned from a site's dumps: template lines, blocks whose inside varies, the
//! page head and the page tail.
//!
//! Everything here is decided on lines that most of the dumps print (see [`lines`]); a
//! line only one dump prints is never written into a rule, so a rule cannot be a copy of
//! one article's body. Every rule is checked against the article stretch of each dump it
//! was learned from: a head or tail marker that would cut into an article in any dump is
//! not proposed, and a template line inside the articles is only removed when it says
//! what it is ("Advertisement", "Share this article") or is long enough to be a prompt
//! rather than a heading ("Pros", "1." stay).
//!
//! [`lines`]: super::lines

use super::lines::{self, article_span, is_prose, Class, DumpLines, Stats};
use crate::authoring::boilerplate::{guess_kind, is_body_structure};
use crate::kind::Kind;
use std::collections::{HashMap, HashSet};

/// One learned text rule, before it is written as TOML.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRule {
    pub name: String,
    pub kind: Kind,
    pub action: Action,
    /// Why: the evidence, for the rule's `description`.
    pub evidence: String,
}

/// What a learned text rule removes (the subset of the rule format a learner writes).
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Whole lines matching any of these patterns.
    Lines(Vec<String>),
    /// From `start` to the next `end`, giving up after `max_lines`.
    Block {
        start: String,
        end: String,
        max_lines: usize,
    },
    /// Everything up to and including the marker (the page head).
    Through { marker: String, max_position: f64 },
    /// The marker and everything after it (the page tail).
    From { marker: String, min_position: f64 },
}

/// What the text side learned.
#[derive(Debug, Clone, Default)]
pub struct TextLearned {
    pub rules: Vec<TextRule>,
    /// Template lines printed inside articles and left alone (headings, list numbers).
    pub kept: Vec<String>,
    /// Byline patterns (`authors`/`date` groups) for `[text.metadata]`, and the date format
    /// their dates were read with.
    pub byline: Vec<String>,
    pub date_format: Option<String>,
    /// Why the byline was learned.
    pub byline_evidence: String,
    /// Lines most dumps print that some dumps keep as their own text (another story's
    /// headline in a list is that story's title): never template evidence.
    pub mixed: HashSet<String>,
}

/// A line in a dump, as a key shared by the dumps that print it: the line itself when
/// most dumps print it word for word, its shape when they print it with other numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    text: String,
    general: bool,
}

impl Key {
    fn of(line: &str, stats: &Stats) -> Option<Key> {
        match stats.class(line) {
            Class::Template => Some(Key {
                text: line.to_string(),
                general: false,
            }),
            Class::Shaped => Some(Key {
                text: lines::shape(line),
                general: true,
            }),
            Class::Own => None,
        }
    }

    /// The line as a pattern, its numbers generalised whenever it has words beside them:
    /// a template line printed word for word by every dump learned from still changes
    /// its numbers on the next one ("© 2024 …" becomes "© 2025 …", "3 comments").
    fn pattern(&self, example: &str) -> String {
        lines::pattern(example, self.general || lines::generalisable(example))
    }
}

/// A dump prepared for learning: its lines, their keys, where its article is.
struct Prepared<'a> {
    d: &'a DumpLines,
    keys: Vec<Option<Key>>,
    span: Option<(usize, usize)>,
}

impl Prepared<'_> {
    fn first(&self, key: &Key) -> Option<usize> {
        self.keys.iter().position(|k| k.as_ref() == Some(key))
    }
}

/// Learns text rules from `dumps` (at least two). `site` names the rules.
pub fn learn(dumps: &[DumpLines], generic: &crate::rules::Site) -> TextLearned {
    let stats = Stats::new(dumps);
    let prepared: Vec<Prepared> = dumps
        .iter()
        .map(|d| Prepared {
            d,
            keys: d.lines.iter().map(|(_, l)| Key::of(l, &stats)).collect(),
            span: article_span(d, &stats),
        })
        .collect();
    let need = stats.need();
    let mut out = TextLearned::default();
    let mut names = HashSet::new();
    // An example line for each key, and the dumps printing it.
    let mut example: HashMap<Key, String> = HashMap::new();
    let mut holders: HashMap<Key, usize> = HashMap::new();
    for p in &prepared {
        let mut seen = HashSet::new();
        for (k, key) in p.keys.iter().enumerate() {
            if let Some(key) = key {
                example
                    .entry(key.clone())
                    .or_insert_with(|| p.d.text(k).to_string());
                if seen.insert(key.clone()) {
                    *holders.entry(key.clone()).or_default() += 1;
                }
            }
        }
    }

    let head = head_marker(&prepared, &holders, need);
    let tail = tail_marker(&prepared, &holders, need);
    // Lines each dump keeps once the head and tail are cut.
    let cut: Vec<(usize, usize)> = prepared
        .iter()
        .map(|p| {
            let start = head
                .as_ref()
                .and_then(|(k, _)| p.first(k))
                .map_or(0, |i| i + 1);
            let end = tail
                .as_ref()
                .and_then(|(k, _)| p.first(k).filter(|&i| i >= start))
                .unwrap_or(p.d.len());
            (start, end)
        })
        .collect();

    if let Some((key, fired)) = &head {
        let max = prepared
            .iter()
            .filter_map(|p| p.first(key).map(|i| p.d.fraction(i)))
            .fold(0.0, f64::max);
        out.rules.push(TextRule {
            name: unique("page-head", &mut names),
            kind: Kind::Navigation,
            action: Action::Through {
                marker: key.pattern(&example[key]),
                max_position: round_up((max + 0.15).min(0.9).max(max)),
            },
            evidence: format!(
                "Page head: everything up to this template line, which comes before the article in {fired} of {} dumps.",
                dumps.len()
            ),
        });
    }

    blocks(&prepared, &cut, need, &mut names, &mut out);
    let blocked: HashSet<String> = out
        .rules
        .iter()
        .filter_map(|r| match &r.action {
            Action::Block { start, end, .. } => Some([start.clone(), end.clone()]),
            _ => None,
        })
        .flatten()
        .collect();

    // In how many dumps each key is in the kept part. A line most dumps print but only a
    // few keep is template where it is cut and article text where it is kept (another
    // story's headline in a "Most read" list is that story's title): no rule for it.
    let mut kept_in: HashMap<Key, usize> = HashMap::new();
    for (p, &(start, end)) in prepared.iter().zip(&cut) {
        let distinct: HashSet<&Key> = p.keys[start..end].iter().flatten().collect();
        for k in distinct {
            *kept_in.entry(k.clone()).or_default() += 1;
        }
    }
    for (key, n) in &kept_in {
        if *n < need {
            out.mixed.insert(example[key].clone());
        }
    }

    if let Some(b) = byline(&prepared, &cut, need) {
        out.byline = b.patterns;
        out.date_format = Some(b.format);
        out.byline_evidence = b.evidence;
    }
    let bylines: Vec<regex::Regex> = out
        .byline
        .iter()
        .filter_map(|p| regex::Regex::new(&crate::rules::anchored(p)).ok())
        .collect();

    // Template lines still in the kept part of most dumps.
    let mut by_kind: Vec<(Kind, Vec<(String, usize)>)> = Vec::new();
    let mut done: HashSet<Key> = HashSet::new();
    for (p, &(start, end)) in prepared.iter().zip(&cut) {
        for k in start..end {
            let Some(key) = &p.keys[k] else { continue };
            if done.contains(key) || kept_in.get(key).copied().unwrap_or(0) < need {
                continue;
            }
            let line = &example[key];
            let pattern = key.pattern(line);
            if blocked.contains(&pattern)
                || generic.text.lines.set.is_match(line)
                || bylines.iter().any(|b| b.is_match(line))
            {
                done.insert(key.clone());
                continue;
            }
            let inside = prepared.iter().any(|q| {
                q.span
                    .is_some_and(|(a, b)| q.keys[a..=b].contains(&Some(key.clone())))
            });
            let kind = guess_kind(line);
            if inside && is_body_structure(line) {
                // A heading or list number the articles share: body structure, not chrome.
                out.kept.push(line.clone());
                done.insert(key.clone());
                continue;
            }
            if !line.chars().any(char::is_alphanumeric) {
                done.insert(key.clone());
                continue;
            }
            done.insert(key.clone());
            let kind = if kind == Kind::Other && p.span.is_some_and(|(a, _)| k < a) {
                Kind::Navigation
            } else {
                kind
            };
            let n = holders[key];
            match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, v)) => v.push((pattern, n)),
                None => by_kind.push((kind, vec![(pattern, n)])),
            }
        }
    }
    for (kind, patterns) in by_kind {
        let min = patterns.iter().map(|(_, n)| *n).min().unwrap_or(0);
        let max = patterns.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let seen = if min == max {
            format!("{min}")
        } else {
            format!("{min} to {max}")
        };
        out.rules.push(TextRule {
            name: unique(&format!("template-{}", kind.as_str()), &mut names),
            kind,
            action: Action::Lines(patterns.into_iter().map(|(p, _)| p).collect()),
            evidence: format!(
                "Template lines: each printed by {seen} of {} dumps.",
                dumps.len()
            ),
        });
    }

    if let Some((key, fired)) = &tail {
        let min = prepared
            .iter()
            .filter_map(|p| p.first(key).map(|i| p.d.fraction(i)))
            .fold(1.0, f64::min);
        let line = &example[key];
        let kind = guess_kind(line);
        out.rules.push(TextRule {
            name: unique("page-tail", &mut names),
            kind,
            action: Action::From {
                marker: key.pattern(line),
                min_position: round_down((min - 0.15).max(0.0).min(min)),
            },
            evidence: format!(
                "Page tail: this template line and everything after it, which comes after the article in {fired} of {} dumps.",
                dumps.len()
            ),
        });
    }
    out
}

/// The page head's marker: the template line, printed once before the article in most
/// dumps and never inside or after it, that cuts the most. Markers with the headline's
/// lines between them and the article are preferred, so the headline is still there to
/// be read as the title.
fn head_marker(
    prepared: &[Prepared],
    holders: &HashMap<Key, usize>,
    need: usize,
) -> Option<(Key, usize)> {
    let mut best: Option<(bool, usize, Key, usize)> = None;
    let mut seen = HashSet::new();
    for p in prepared {
        let Some((a, _)) = p.span else { continue };
        for key in p.keys[..a].iter().flatten() {
            if !seen.insert(key.clone()) || holders.get(key).copied().unwrap_or(0) < need {
                continue;
            }
            let mut fired = 0;
            let mut cut = 0;
            let mut titled = 0;
            let mut ok = true;
            for q in prepared {
                let Some(i) = q.first(key) else { continue };
                let Some((qa, _)) = q.span else { continue };
                if i >= qa {
                    ok = false;
                    break;
                }
                fired += 1;
                cut += i + 1;
                let own_between = (i + 1..qa).filter(|&j| q.keys[j].is_none()).count();
                if (1..=8).contains(&own_between) {
                    titled += 1;
                }
            }
            if !ok || fired < need {
                continue;
            }
            let candidate = (titled >= need, cut, key.clone(), fired);
            if best
                .as_ref()
                .is_none_or(|b| (candidate.0, candidate.1) > (b.0, b.1))
            {
                best = Some(candidate);
            }
        }
    }
    best.map(|(_, _, k, fired)| (k, fired))
}

/// The page tail's marker: the template line, printed after the article in most dumps
/// and never before its end, that cuts the most.
fn tail_marker(
    prepared: &[Prepared],
    holders: &HashMap<Key, usize>,
    need: usize,
) -> Option<(Key, usize)> {
    let mut best: Option<(usize, Key, usize)> = None;
    let mut seen = HashSet::new();
    for p in prepared {
        let Some((_, b)) = p.span else { continue };
        for key in p.keys[b + 1..].iter().flatten() {
            if !seen.insert(key.clone()) || holders.get(key).copied().unwrap_or(0) < need {
                continue;
            }
            let mut fired = 0;
            let mut cut = 0;
            let mut ok = true;
            for q in prepared {
                let Some(i) = q.first(key) else { continue };
                let Some((_, qb)) = q.span else { continue };
                if i <= qb {
                    ok = false;
                    break;
                }
                fired += 1;
                cut += q.d.len() - i;
            }
            if ok && fired >= need && best.as_ref().is_none_or(|b| cut > b.0) {
                best = Some((cut, key.clone(), fired));
            }
        }
    }
    best.map(|(_, k, fired)| (k, fired))
}

/// Lists between two template lines whose inside varies ("Latest News", five headlines,
/// "More"): learned when most dumps print the pair with only short non-prose lines
/// between them.
fn blocks(
    prepared: &[Prepared],
    cut: &[(usize, usize)],
    need: usize,
    names: &mut HashSet<String>,
    out: &mut TextLearned,
) {
    /// A block longer than this is not a list but a page region.
    const MAX_INSIDE: usize = 25;
    let mut pairs: HashMap<(Key, Key), (usize, usize, String, String)> = HashMap::new();
    for (p, &(start, end)) in prepared.iter().zip(cut) {
        let mut seen = HashSet::new();
        let templ: Vec<usize> = (start..end).filter(|&k| p.keys[k].is_some()).collect();
        for w in templ.windows(2) {
            let (s, e) = (w[0], w[1]);
            let inside = e - s - 1;
            if inside == 0 || inside > MAX_INSIDE {
                continue;
            }
            if (s + 1..e).any(|k| is_prose(p.d.text(k))) {
                continue;
            }
            let (ks, ke) = (p.keys[s].clone().unwrap(), p.keys[e].clone().unwrap());
            if ks == ke || !seen.insert((ks.clone(), ke.clone())) {
                continue;
            }
            let span = p.d.lines[e].0 - p.d.lines[s].0 + 1;
            let entry = pairs
                .entry((ks.clone(), ke.clone()))
                .or_insert_with(|| (0, 0, ks.pattern(p.d.text(s)), ke.pattern(p.d.text(e))));
            entry.0 += 1;
            entry.1 = entry.1.max(span);
        }
    }
    let mut found: Vec<_> = pairs
        .into_iter()
        .filter(|(_, (n, ..))| *n >= need)
        .collect();
    found.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .2.cmp(&b.1 .2)));
    let mut used: HashSet<Key> = HashSet::new();
    for ((ks, ke), (n, span, start, end)) in found {
        if used.contains(&ks) || used.contains(&ke) {
            continue;
        }
        // The block must never hold prose in any dump where its start appears.
        let safe = prepared.iter().all(|p| {
            let Some(s) = p.first(&ks) else { return true };
            match (s + 1..p.d.len()).find(|&k| p.keys[k].as_ref() == Some(&ke)) {
                Some(e) => !(s + 1..e).any(|k| is_prose(p.d.text(k))),
                None => true,
            }
        });
        if !safe {
            continue;
        }
        used.insert(ks.clone());
        used.insert(ke.clone());
        let kind = match guess_kind(&format!("{start}\n{end}")) {
            Kind::Other => Kind::Related,
            k => k,
        };
        out.rules.push(TextRule {
            name: unique(&format!("{}-block", kind.as_str()), names),
            kind,
            action: Action::Block {
                start,
                end,
                max_lines: (span * 2).max(10),
            },
            evidence: format!(
                "A list between two template lines whose inside varies, in {n} of {} dumps.",
                prepared.len()
            ),
        });
    }
}

/// Date formats a byline's date may be written in (chrono syntax, English month names).
const DATE_FORMATS: &[&str] = &[
    "%d %B %Y, %H:%M",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%d %b %Y, %H:%M",
    "%d %b %Y",
    "%B %d, %Y, %H:%M",
    "%B %d, %Y %H:%M",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y at %I:%M %p",
    "%B %d, %Y",
    "%b %d, %Y",
    "%A %d %B %Y %H:%M",
    "%A, %B %d, %Y",
    "%A %d %B %Y",
    "%d.%m.%Y, %H:%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
];

/// Whether `text` is exactly a date (or date and time) in `format`.
fn parses(text: &str, format: &str) -> bool {
    let text = text.trim().trim_end_matches(['.', ',']);
    chrono::NaiveDateTime::parse_from_str(text, format).is_ok()
        || chrono::NaiveDate::parse_from_str(text, format).is_ok()
}

/// A learned byline: its patterns, the date format, and the evidence.
struct Byline {
    patterns: Vec<String>,
    format: String,
    evidence: String,
}

/// The date line above the article (a fixed label, then a date in one format) and, when
/// the line right above it starts with the same words in most dumps ("By "), the author
/// line: read as metadata rather than removed.
fn byline(prepared: &[Prepared], cut: &[(usize, usize)], need: usize) -> Option<Byline> {
    let mut counts: HashMap<(String, &str), usize> = HashMap::new();
    let mut at: Vec<Option<(usize, String, &str)>> = vec![None; prepared.len()];
    for (n, (p, &(start, _))) in prepared.iter().zip(cut).enumerate() {
        let Some((a, _)) = p.span else { continue };
        let mut seen = HashSet::new();
        for k in start..a.min(start + 15) {
            let line = p.d.text(k);
            let words: Vec<&str> = line.split(' ').collect();
            for split in 0..words.len().min(4) {
                let prefix = if split == 0 {
                    String::new()
                } else {
                    format!("{} ", words[..split].join(" "))
                };
                let rest = &line[prefix.len()..];
                if let Some(f) = DATE_FORMATS.iter().find(|f| parses(rest, f)) {
                    if seen.insert((prefix.clone(), *f)) {
                        *counts.entry((prefix.clone(), *f)).or_default() += 1;
                        if at[n].is_none() {
                            at[n] = Some((k, prefix.clone(), *f));
                        }
                    }
                }
            }
        }
    }
    let ((prefix, format), fired) = counts
        .into_iter()
        .filter(|(_, n)| *n >= need)
        .max_by(|a, b| a.1.cmp(&b.1).then(a.0 .0.len().cmp(&b.0 .0.len())))?;
    // The author line: the line right above the date line, with a shared first word.
    let mut firsts: HashMap<String, usize> = HashMap::new();
    for (p, found) in prepared.iter().zip(&at) {
        let Some((k, pre, f)) = found else { continue };
        if *pre != prefix || *f != format || *k == 0 || p.d.lines[*k - 1].0 + 1 != p.d.lines[*k].0 {
            continue;
        }
        let above = p.d.text(k - 1);
        if let Some((first, rest)) = above.split_once(' ') {
            if !rest.is_empty() && first.chars().count() <= 12 && p.keys[k - 1].is_none() {
                *firsts.entry(format!("{first} ")).or_default() += 1;
            }
        }
    }
    let date = format!("{}(?P<date>.+)", regex::escape(&prefix));
    let mut patterns = Vec::new();
    let author = firsts
        .into_iter()
        .filter(|(_, n)| *n >= need)
        .max_by_key(|(_, n)| *n);
    if let Some((first, _)) = &author {
        patterns.push(format!("{}(?P<authors>.+)\n{date}", regex::escape(first)));
    }
    patterns.push(date);
    Some(Byline {
        patterns,
        format: format.to_string(),
        evidence: format!(
            "A date line{} above the article in {fired} of {} dumps.",
            if author.is_some() {
                " under an author line"
            } else {
                ""
            },
            prepared.len()
        ),
    })
}

fn unique(base: &str, names: &mut HashSet<String>) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while !names.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

fn round_up(x: f64) -> f64 {
    ((x * 100.0).ceil() / 100.0).min(1.0)
}

fn round_down(x: f64) -> f64 {
    ((x * 100.0).floor() / 100.0).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::lines::tests::teaser_dump;

    #[test]
    fn a_template_line_over_the_teasers_under_the_article_is_the_page_tail() {
        let dumps: Vec<DumpLines> = (0..3).map(|n| DumpLines::new(&teaser_dump(n))).collect();
        let learned = learn(&dumps, &crate::rules::RuleSet::builtin().generic);
        let tail = learned.rules.iter().find_map(|r| match &r.action {
            Action::From { marker, .. } => Some(marker.clone()),
            _ => None,
        });
        assert_eq!(tail.as_deref(), Some("More from the newsroom"));
    }
}

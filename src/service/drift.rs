//! Drift: noticing that a site changed its template before readers do.
//!
//! A rule file is written against a site's pages as they were. When the site redesigns, its
//! rules do not fail loudly: a content selector matches nothing and detection takes over, a
//! removal rule stops matching and its boilerplate comes back into the articles, articles
//! double (comments kept) or halve (the wrong container). What does show is the rules'
//! own behaviour: for every site the service keeps the last [`WINDOW`] dumps' record of
//! which of the site's rules fired and how long the article was, and compares the last
//! [`RECENT`] dumps with the ones before.
//!
//! - A rule that fired on at least [`MOST`] of the earlier dumps (at least [`MIN_BEFORE`]
//!   of them) and on none of the last [`RECENT`] is **dead**. The site's `content`
//!   selectors count as one rule, `SITE/html.content`, that fires when a selector matched
//!   (HTML dumps only; HTML removal rules are likewise judged on HTML dumps only).
//! - Articles whose median length over the last [`RECENT`] dumps is at least twice, or at
//!   most half, the median before are a **length** change.
//!
//! Either makes the site **drifting**: `copydesk status` lists it with its dead rules, one
//! warning is logged when it starts, and every article of the site cleaned while it lasts
//! (and affected: a dead rule did not fire on it, or its length is out of line) carries a
//! warning in `warnings`. A dead rule stays dead until it fires again, and a length change
//! stays until lengths come back, however long the new template lasts; editing the site's
//! rule file (a reload that changes them) starts the site's record afresh. The dumps that
//! revealed the drift were written before it could be known, so the first [`RECENT`] - 1
//! articles of a new template carry no warning.
//!
//! The bookkeeping is a few integers per dump under one lock, cheap next to cleaning, so it
//! runs on the worker that cleaned the dump, which must add the warning before the article
//! is written. Memory is bounded: [`WINDOW`] small records per site with a rule file.
//!
//! The record outlives a restart: the service saves it with each status report (when it
//! changed) to `<inbox>/.copydesk/drift.json` and reads it back at start, so a restart
//! neither forgets a drifting site nor needs [`MIN_BEFORE`] new dumps to judge one again.
//! A record kept under other rules than the ones loaded starts afresh, as after an edit.

use crate::article::Article;
use crate::engine::Notes;
use crate::rules::{RuleSet, Site};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Dumps remembered per site.
pub const WINDOW: usize = 50;
/// The latest dumps, compared with the ones before them.
pub const RECENT: usize = 5;
/// Earlier dumps needed before a rule's silence means anything.
pub const MIN_BEFORE: usize = 10;
/// The share of earlier dumps a rule must have fired on to count as one the site relies on.
pub const MOST: f64 = 0.75;
/// Articles this short before (median, in words) are too short to judge a length change.
const MIN_WORDS: usize = 30;

/// Where the record is kept, inside the inbox.
pub const STATE_FILE: &str = ".copydesk/drift.json";

/// What one dump did: which of its site's rules fired, and the article's length.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    /// Indices into [`SiteWatch::names`].
    fired: Vec<u16>,
    html: bool,
    words: usize,
}

/// A site's drift, as the status file shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteDrift {
    pub site: String,
    /// The rule file, when the site has one.
    pub file: Option<String>,
    /// Rules that fired on most dumps and stopped firing.
    pub dead_rules: Vec<String>,
    /// The length change, in words (`"about 1200 words per article, 540 before"`).
    pub length: Option<String>,
    /// When the drift was first noticed.
    pub since: String,
}

/// A rule that stopped firing.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Dead {
    since: String,
    /// Fired on `fired` of `of` earlier dumps.
    fired: usize,
    of: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct LengthChange {
    before: usize,
    now: usize,
    since: String,
}

/// One site's record.
#[derive(Debug, Serialize, Deserialize)]
struct SiteWatch {
    /// The rules this record was kept under (their `Debug` form, hashed): a reload that
    /// changes them starts the record afresh.
    signature: u64,
    /// The rules load the signature was last checked against (not saved: a record read
    /// back is checked against the rules of the new run).
    #[serde(skip)]
    generation: String,
    /// The site's rule names, then `SITE/html.content` if it has content selectors.
    names: Vec<String>,
    /// Whether each of `names` applies to HTML dumps only.
    html_only: Vec<bool>,
    seen: VecDeque<Seen>,
    dead: BTreeMap<u16, Dead>,
    length: Option<LengthChange>,
    file: Option<String>,
}

impl SiteWatch {
    fn new(site: &Site, generation: &str) -> SiteWatch {
        let mut names: Vec<String> = Vec::new();
        let mut html_only = Vec::new();
        for r in &site.text.rules {
            names.push(r.name.clone());
            html_only.push(false);
        }
        for r in &site.html.remove {
            names.push(r.name.clone());
            html_only.push(true);
        }
        if !site.html.content.is_empty() {
            names.push(content_rule(&site.id));
            html_only.push(true);
        }
        names.truncate(u16::MAX as usize);
        html_only.truncate(names.len());
        SiteWatch {
            signature: signature(site),
            generation: generation.to_string(),
            names,
            html_only,
            seen: VecDeque::with_capacity(WINDOW),
            dead: BTreeMap::new(),
            length: None,
            file: site.file.as_ref().map(|f| f.display().to_string()),
        }
    }

    fn drifting(&self) -> bool {
        !self.dead.is_empty() || self.length.is_some()
    }

    /// Rules that fired on most earlier dumps and on none of the last [`RECENT`] (of the
    /// dumps each rule applies to), with their earlier counts.
    fn newly_dead(&self) -> Vec<(u16, usize, usize)> {
        let mut out = Vec::new();
        for (i, &html_only) in self.html_only.iter().enumerate() {
            let i = i as u16;
            if self.dead.contains_key(&i) {
                continue;
            }
            let eligible = self.seen.iter().rev().filter(|s| s.html || !html_only);
            let (mut recent, mut recent_fired, mut before, mut before_fired) = (0, 0, 0, 0);
            for s in eligible {
                let fired = s.fired.contains(&i);
                if recent < RECENT {
                    recent += 1;
                    recent_fired += usize::from(fired);
                } else {
                    before += 1;
                    before_fired += usize::from(fired);
                }
            }
            if recent == RECENT
                && recent_fired == 0
                && before >= MIN_BEFORE
                && before_fired as f64 >= before as f64 * MOST
            {
                out.push((i, before_fired, before));
            }
        }
        out
    }

    /// Median article length of the last [`RECENT`] dumps and of the ones before.
    fn lengths(&self) -> Option<(usize, usize)> {
        if self.seen.len() < RECENT + MIN_BEFORE {
            return None;
        }
        let split = self.seen.len() - RECENT;
        let before = median(self.seen.iter().take(split).map(|s| s.words));
        let now = median(self.seen.iter().skip(split).map(|s| s.words));
        Some((before, now))
    }
}

/// Whether `now` words is far from `before`: at least twice, or at most half.
fn out_of_line(before: usize, now: usize) -> bool {
    now >= before.saturating_mul(2) || now.saturating_mul(2) <= before
}

fn median(values: impl Iterator<Item = usize>) -> usize {
    let mut v: Vec<usize> = values.collect();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// The pseudo-rule name for a site's `content` selectors.
pub fn content_rule(site: &str) -> String {
    format!("{site}/html.content")
}

fn signature(site: &Site) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{site:?}").hash(&mut h);
    h.finish()
}

/// The drift record of every site, shared by the workers.
#[derive(Debug, Default)]
pub struct Watch {
    sites: Mutex<HashMap<String, SiteWatch>>,
    /// Changed since it was last saved.
    dirty: AtomicBool,
}

impl Watch {
    pub fn new() -> Watch {
        Watch::default()
    }

    /// The record saved at `path` by an earlier run; an empty one when there is none, and
    /// when it cannot be read (said in the log: drift is then judged from new dumps only).
    pub fn load(path: &Path) -> Watch {
        let sites = match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice::<HashMap<String, SiteWatch>>(&bytes) {
                Ok(sites) => sites
                    .into_iter()
                    .filter(|(_, w)| w.html_only.len() == w.names.len())
                    .collect(),
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "unreadable drift record; drift is judged from new dumps only");
                    HashMap::new()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot read the drift record; drift is judged from new dumps only");
                HashMap::new()
            }
        };
        Watch {
            sites: Mutex::new(sites),
            dirty: AtomicBool::new(false),
        }
    }

    /// Saves the record to `path` (atomically) if it changed since the last save.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if !self.dirty.swap(false, Ordering::AcqRel) {
            return Ok(());
        }
        let bytes = {
            let sites = match self.sites.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            serde_json::to_vec(&*sites).expect("drift records always serialise")
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("drift.json");
        let saved = std::fs::create_dir_all(dir)
            .and_then(|()| crate::output::write_atomic(dir, name, &bytes));
        if saved.is_err() {
            self.dirty.store(true, Ordering::Release);
        }
        saved.map(|_| ())
    }

    /// Records a cleaned article of a site with a rule file (generic articles are not
    /// watched) and adds a warning to it when its site is drifting and it is affected.
    /// `generation` identifies the rules load that cleaned it.
    pub fn observe(&self, rules: &RuleSet, generation: &str, article: &mut Article, notes: &Notes) {
        let Some(site) = article.site.as_ref().and_then(|s| rules.site(&s.id)) else {
            return;
        };
        let mut sites = match self.sites.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let watch = sites
            .entry(site.id.clone())
            .or_insert_with(|| SiteWatch::new(site, generation));
        if watch.generation != generation {
            if watch.signature != signature(site) {
                if watch.drifting() {
                    tracing::info!(
                        site = %site.id,
                        "the site's rules changed: its drift record starts afresh"
                    );
                }
                *watch = SiteWatch::new(site, generation);
            } else {
                watch.generation = generation.to_string();
            }
        }
        let html = notes.content_root.is_some();
        let mut fired: Vec<u16> = article
            .removed
            .iter()
            .filter_map(|r| watch.names.iter().position(|n| *n == r.rule))
            .map(|i| i as u16)
            .collect();
        if let Some(root) = &notes.content_root {
            if matches!(root, crate::clean::html::ContentRoot::Selector { .. }) {
                let content = content_rule(&site.id);
                if let Some(i) = watch.names.iter().position(|n| *n == content) {
                    fired.push(i as u16);
                }
            }
        }
        fired.sort_unstable();
        fired.dedup();
        self.dirty.store(true, Ordering::Release);
        if watch.seen.len() == WINDOW {
            watch.seen.pop_front();
        }
        watch.seen.push_back(Seen {
            fired: fired.clone(),
            html,
            words: article.word_count,
        });
        update(watch, &site.id, &fired);
        warn_article(watch, &site.id, &fired, html, article);
    }

    /// Every drifting site, by id.
    pub fn drifting(&self) -> Vec<SiteDrift> {
        let sites = match self.sites.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut out: Vec<SiteDrift> = sites
            .iter()
            .filter(|(_, w)| w.drifting())
            .map(|(id, w)| SiteDrift {
                site: id.clone(),
                file: w.file.clone(),
                dead_rules: w
                    .dead
                    .keys()
                    .map(|&i| w.names[i as usize].clone())
                    .collect(),
                length: w
                    .length
                    .as_ref()
                    .map(|l| format!("about {} words per article, {} before", l.now, l.before)),
                since: w
                    .dead
                    .values()
                    .map(|d| d.since.as_str())
                    .chain(w.length.as_ref().map(|l| l.since.as_str()))
                    .min()
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect();
        out.sort_by(|a, b| a.site.cmp(&b.site));
        out
    }
}

/// Updates a site's drift after its latest dump, logging when drift starts or ends.
fn update(watch: &mut SiteWatch, site: &str, fired: &[u16]) {
    let was = watch.drifting();
    let back: Vec<u16> = watch
        .dead
        .keys()
        .copied()
        .filter(|i| fired.contains(i))
        .collect();
    for i in back {
        watch.dead.remove(&i);
        tracing::info!(site, rule = %watch.names[i as usize], "a rule that had stopped firing fires again");
    }
    let now = super::now_rfc3339();
    for (i, fired, of) in watch.newly_dead() {
        watch.dead.insert(
            i,
            Dead {
                since: now.clone(),
                fired,
                of,
            },
        );
    }
    if let Some((before, recent)) = watch.lengths() {
        match watch.length.take() {
            Some(mut change) => {
                change.now = recent;
                if out_of_line(change.before, recent) {
                    watch.length = Some(change);
                }
            }
            None if before >= MIN_WORDS && out_of_line(before, recent) => {
                watch.length = Some(LengthChange {
                    before,
                    now: recent,
                    since: now.clone(),
                });
            }
            None => {}
        }
    }
    match (was, watch.drifting()) {
        (false, true) => {
            let dead: Vec<String> = watch
                .dead
                .iter()
                .map(|(&i, d)| {
                    format!(
                        "{} (fired on {} of {} dumps before)",
                        watch.names[i as usize], d.fired, d.of
                    )
                })
                .collect();
            tracing::warn!(
                site,
                file = watch.file.as_deref().unwrap_or("-"),
                dead_rules = %dead.join(", "),
                length = %watch.length.as_ref().map(|l| format!("{} words per article, {} before", l.now, l.before)).unwrap_or_default(),
                "the site's template seems to have changed: its rules stopped matching its last {RECENT} dumps; check the rule file (copydesk status lists the site while it lasts)"
            );
        }
        (true, false) => tracing::info!(site, "the site is no longer drifting"),
        _ => {}
    }
}

/// Adds the drift warning to an article of a drifting site it affects.
fn warn_article(watch: &SiteWatch, site: &str, fired: &[u16], html: bool, article: &mut Article) {
    let dead: Vec<&str> = watch
        .dead
        .keys()
        .filter(|&&i| !fired.contains(&i) && (html || !watch.html_only[i as usize]))
        .map(|&i| watch.names[i as usize].as_str())
        .collect();
    let file = watch.file.as_deref().unwrap_or("its rule file");
    if !dead.is_empty() {
        article.warnings.push(format!(
            "site {site} may have changed its template: {} fired on most of its earlier dumps \
             but not on its latest ones nor on this one; this article may keep boilerplate or \
             lose text until {file} is updated",
            dead.join(", ")
        ));
    }
    if let Some(change) = &watch.length {
        if out_of_line(change.before, article.word_count) {
            article.warnings.push(format!(
                "site {site} may have changed its template: its articles are now about {} words \
                 against {} before, and this one has {}; check {file}",
                change.now, change.before, article.word_count
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Removal, RuleRef, SiteRef, Source};
    use crate::kind::Kind;

    const RULES: &str = "[site]\nid = \"acme\"\nname = \"Acme\"\nhosts = [\"acme.test\"]\n\
        [text.remove.promo]\nkind = \"newsletter\"\nline = 'Get the letter'\n\
        [text.remove.sometimes]\nkind = \"share\"\nline = 'Share'\n";

    fn rules(src: &str) -> RuleSet {
        let site = crate::rules::compile_str(std::path::Path::new("acme.toml"), src).unwrap();
        RuleSet::from_sites(vec![site]).unwrap()
    }

    fn article(fired: &[&str], words: usize) -> Article {
        Article {
            title: None,
            subtitle: None,
            authors: vec![],
            published: None,
            metadata_sources: Default::default(),
            site: Some(SiteRef {
                id: "acme".into(),
                name: "Acme".into(),
            }),
            generic: false,
            url: None,
            language: None,
            word_count: words,
            text: String::new(),
            markdown: String::new(),
            source: Source {
                path: "x".into(),
                sha256: "0".into(),
                format: "text".into(),
                fetched_at: None,
                record: None,
            },
            rule: RuleRef {
                id: "acme".into(),
                file: None,
            },
            removed: fired
                .iter()
                .map(|r| Removal {
                    kind: Kind::Other,
                    rule: format!("acme/{r}"),
                    text: "x".into(),
                })
                .collect(),
            warnings: vec![],
        }
    }

    #[test]
    fn a_rule_that_stops_firing_is_dead_until_it_fires_again() {
        let rules = rules(RULES);
        let watch = Watch::new();
        let notes = Notes::default();
        for i in 0..20 {
            let fired: &[&str] = if i % 3 == 0 {
                &["promo", "sometimes"]
            } else {
                &["promo"]
            };
            let mut a = article(fired, 400);
            watch.observe(&rules, "g1", &mut a, &notes);
            assert!(a.warnings.is_empty(), "{:?}", a.warnings);
        }
        let mut warned = Vec::new();
        for _ in 0..RECENT {
            let mut a = article(&[], 410);
            watch.observe(&rules, "g1", &mut a, &notes);
            warned.push(a.warnings);
        }
        assert!(warned[..RECENT - 1].iter().all(|w| w.is_empty()));
        assert!(
            warned[RECENT - 1][0].contains("acme/promo fired on most"),
            "{warned:?}"
        );
        let drift = watch.drifting();
        assert_eq!(drift.len(), 1);
        // `sometimes` fired on a third of the dumps: its silence says nothing.
        assert_eq!(drift[0].dead_rules, ["acme/promo"]);
        assert_eq!(drift[0].length, None);

        let mut a = article(&["promo"], 400);
        watch.observe(&rules, "g1", &mut a, &notes);
        assert!(a.warnings.is_empty());
        assert!(watch.drifting().is_empty());
    }

    #[test]
    fn a_drifting_site_is_still_drifting_after_a_restart() {
        let v1 = rules(RULES);
        let watch = Watch::new();
        let notes = Notes::default();
        for _ in 0..20 {
            watch.observe(&v1, "g1", &mut article(&["promo"], 400), &notes);
        }
        for _ in 0..RECENT {
            watch.observe(&v1, "g1", &mut article(&[], 400), &notes);
        }
        assert_eq!(watch.drifting().len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        watch.save(&path).unwrap();

        // A new run, a new rules load with the same rules: the site is drifting from the
        // start, and its next affected article is warned.
        let again = Watch::load(&path);
        assert_eq!(again.drifting(), watch.drifting());
        let mut a = article(&[], 400);
        again.observe(&v1, "g2", &mut a, &notes);
        assert!(a.warnings[0].contains("acme/promo fired on most"), "{a:?}");

        // Under edited rules the saved record starts afresh.
        let edited = rules(&RULES.replace("Get the letter", "Get our letter"));
        let third = Watch::load(&path);
        third.observe(&edited, "g3", &mut article(&[], 400), &notes);
        assert!(third.drifting().is_empty());
    }

    #[test]
    fn an_unreadable_record_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drift.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(Watch::load(&path).drifting().is_empty());
        assert!(Watch::load(&dir.path().join("missing.json"))
            .drifting()
            .is_empty());
    }

    #[test]
    fn doubled_articles_are_a_length_change_and_a_rule_edit_starts_afresh() {
        let rules_v1 = rules(RULES);
        let watch = Watch::new();
        let notes = Notes::default();
        for i in 0..15 {
            let mut a = article(&["promo"], 500 + i);
            watch.observe(&rules_v1, "g1", &mut a, &notes);
        }
        for _ in 0..RECENT {
            let mut a = article(&["promo"], 1_100);
            watch.observe(&rules_v1, "g1", &mut a, &notes);
        }
        let drift = watch.drifting();
        assert_eq!(
            drift[0].length.as_deref(),
            Some("about 1100 words per article, 506 before")
        );
        assert!(drift[0].dead_rules.is_empty());
        let mut a = article(&["promo"], 1_050);
        watch.observe(&rules_v1, "g1", &mut a, &notes);
        assert!(
            a.warnings[0].contains("this one has 1050"),
            "{:?}",
            a.warnings
        );

        // Reloaded but unchanged rules keep the record; changed ones start afresh.
        let mut a = article(&["promo"], 1_050);
        watch.observe(&rules(RULES), "g2", &mut a, &notes);
        assert_eq!(watch.drifting().len(), 1);
        let edited = rules(&RULES.replace("Get the letter", "Get our letter"));
        let mut a = article(&["promo"], 1_050);
        watch.observe(&edited, "g3", &mut a, &notes);
        assert!(a.warnings.is_empty());
        assert!(watch.drifting().is_empty());
    }

    #[test]
    fn generic_articles_are_not_watched() {
        let rules = rules(RULES);
        let watch = Watch::new();
        for _ in 0..30 {
            let mut a = article(&[], 100);
            a.site = None;
            watch.observe(&rules, "g", &mut a, &Notes::default());
        }
        assert!(watch.sites.lock().unwrap().is_empty());
    }
}

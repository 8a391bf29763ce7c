//! Learning while serving: proposing rule files for sites that have none.
//!
//! Every dump that only the generic rules could clean is evidence about a site copydesk
//! has no rules for. The service keeps it, grouped by site, and once a site has
//! `learn_after` dumps (20 by default) it writes a proposed rule file with fixtures to
//! `<rules>/proposed/` ([`crate::authoring::proposals`]), logs it, lists it in
//! `copydesk status`, and refreshes it as more dumps arrive. It never applies one: a
//! proposal takes effect only when a person moves it into the rules folder or runs
//! `copydesk learn --accept ID`.
//!
//! Grouping: a dump whose URL is known (envelope, canonical link) belongs to its host. A
//! text dump without a URL belongs to the group whose template lines it shares: lines a
//! site prints on every page (menus, prompts, footers) recur across its dumps while article
//! text does not, so a dump joins the group with which it shares the most distinct
//! normalised lines, provided it shares at least [`MIN_SHARED`] of them and, once the group
//! has a template (lines seen in at least two of its dumps), at least half of that template.
//!
//! Off the hot path: workers only hand a generic dump's bytes to a bounded queue (a full
//! queue drops the sample, never delays cleaning); one background thread groups, stores and
//! learns. Bounded: each group keeps its latest `learn_after` dumps on disk under
//! `<inbox>/.copydesk/learn/<id>/` (a dot-folder, so the inbox scan ignores it) and their
//! line hashes in memory; at most [`MAX_GROUPS`] groups are kept, the stalest dropped
//! first. The groups survive a restart: they are read back from disk at start.

use crate::article::Article;
use crate::authoring::proposals::{self, Learner};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

/// Samples waiting for the learner; more are dropped (learning is best effort).
const QUEUE: usize = 64;
/// Groups kept at most; beyond, the one seen least recently goes.
pub const MAX_GROUPS: usize = 500;
/// Template lines a text dump must share with a group to join it.
pub const MIN_SHARED: usize = 5;
/// The state folder inside the inbox.
pub const STATE_DIR: &str = ".copydesk/learn";
const GROUP_FILE: &str = "group.json";

/// A proposal as the status file lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalStatus {
    pub id: String,
    pub host: Option<String>,
    /// Dumps of the site seen so far.
    pub dumps: u64,
    /// The proposed rule file.
    pub file: String,
    pub updated_at: String,
}

/// Where the learner works and when it proposes.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Dumps of a site before a proposal (0: learning is off).
    pub after: usize,
    /// `<inbox>/.copydesk/learn`.
    pub state: PathBuf,
    /// The rules folder (proposals go to its `proposed/`).
    pub rules: PathBuf,
}

/// One generic dump handed to the learner.
#[derive(Debug)]
struct Sample {
    bytes: Vec<u8>,
    host: Option<String>,
    /// `txt`, `html` or `json`.
    ext: &'static str,
    sha256: String,
}

/// What the learner needs to know of an article only the generic rules could clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    host: Option<String>,
    ext: &'static str,
    sha256: String,
    /// The dump as a sample of its own, when it was one record of a file of many (see
    /// [`record_sample`]); `None` for a file that is one dump, whose bytes are the sample.
    record: Option<Vec<u8>>,
}

impl Candidate {
    /// The candidate for `article`, if it was cleaned generically from a text, HTML or
    /// JSON dump (the formats a rule file's fixtures can hold). `record` is the
    /// [`record_sample`] of the dump when it came from a file of many.
    pub fn of(article: &Article, record: Option<Vec<u8>>) -> Option<Candidate> {
        if !article.generic {
            return None;
        }
        let ext = match (article.source.format.as_str(), &record) {
            (_, Some(_)) => "json",
            ("text", None) => "txt",
            ("html", None) => "html",
            ("json", None) => "json",
            _ => return None,
        };
        Some(Candidate {
            host: article.url.as_deref().and_then(crate::site::host_of),
            ext,
            sha256: article.source.sha256.clone(),
            record,
        })
    }

    /// The bytes to keep of this dump: its record sample, or else the file's own `bytes`
    /// when the file held this one dump and nothing else (`alone`).
    pub fn sample<'a>(&'a self, file: Option<&'a [u8]>, alone: bool) -> Option<&'a [u8]> {
        match (&self.record, file) {
            (Some(record), _) => Some(record),
            (None, Some(bytes)) if alone => Some(bytes),
            _ => None,
        }
    }
}

/// A record of a file holding many dumps (a WARC file's page) as a dump that stands on its
/// own: a JSON envelope with its URL, fetch time and content. A WARC file is no sample of
/// one site (its records may come from many), but each of its pages is; the envelope is
/// what `copydesk learn` and a rule's fixtures read, so a proposal learned from WARC pages
/// gets fixtures a person can open.
pub fn record_sample(dump: &crate::input::Dump) -> Vec<u8> {
    let (key, content) = match &dump.content {
        crate::input::Content::Html(html) => ("html", html),
        crate::input::Content::Text(text) => ("text", text),
    };
    let mut envelope = serde_json::Map::new();
    if let Some(url) = &dump.url {
        envelope.insert("url".into(), url.clone().into());
    }
    if let Some(at) = &dump.fetched_at {
        envelope.insert("fetched_at".into(), at.clone().into());
    }
    envelope.insert(key.into(), content.clone().into());
    serde_json::to_vec(&envelope).unwrap_or_default()
}

/// The workers' side: a cheap handle that queues samples.
#[derive(Debug, Clone, Default)]
pub struct Learning {
    tx: Option<SyncSender<Sample>>,
    proposals: Arc<Mutex<Vec<ProposalStatus>>>,
}

impl Learning {
    /// Learning switched off (`learn_after = 0`, and unit tests).
    pub fn off() -> Learning {
        Learning::default()
    }

    /// Starts the background learner; it stops when every handle is dropped.
    pub fn start(settings: Settings, learner: Box<dyn Learner>) -> Learning {
        if settings.after == 0 {
            return Learning::off();
        }
        let (tx, rx) = sync_channel(QUEUE);
        let proposals = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&proposals);
        let spawned = std::thread::Builder::new()
            .name("copydesk-learn".into())
            .spawn(move || {
                let mut desk = Desk::open(settings, learner, shared);
                desk.serve(rx);
            });
        match spawned {
            Ok(_) => Learning {
                tx: Some(tx),
                proposals,
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the learner; no rules will be proposed");
                Learning::off()
            }
        }
    }

    /// Whether samples are taken at all (building a record's sample costs a copy).
    pub fn is_on(&self) -> bool {
        self.tx.is_some()
    }

    /// Hands a dump that only the generic rules could clean to the learner: `bytes` are
    /// the file's as the worker read them, or the dump's [`record_sample`].
    pub fn offer(&self, path: &Path, bytes: &[u8], candidate: &Candidate) {
        let Some(tx) = &self.tx else { return };
        let sample = Sample {
            bytes: bytes.to_vec(),
            host: candidate.host.clone(),
            ext: candidate.ext,
            sha256: candidate.sha256.clone(),
        };
        if let Err(TrySendError::Full(_)) = tx.try_send(sample) {
            tracing::debug!(input = %path.display(), "the learner is busy; this dump is not kept for learning");
        }
    }

    /// The proposals written so far that are still waiting in `proposed/`.
    pub fn proposals(&self) -> Vec<ProposalStatus> {
        let list = match self.proposals.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        list.into_iter()
            .filter(|p| Path::new(&p.file).is_file())
            .collect()
    }
}

/// What a group remembers between restarts (`group.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    id: String,
    host: Option<String>,
    /// Dumps seen in all.
    seen: u64,
    /// Dumps seen when the proposal was last written.
    proposed_from: Option<u64>,
    proposed_at: Option<String>,
}

/// One site's dumps.
#[derive(Debug)]
struct Group {
    meta: Meta,
    dir: PathBuf,
    /// Sample files, oldest first, with their line hashes (text groups only).
    samples: VecDeque<(PathBuf, Vec<u64>)>,
    /// For text groups: in how many samples each line hash appears.
    lines: HashMap<u64, u32>,
    /// When it last got a dump, in samples handled by the desk (for eviction).
    touched: u64,
}

impl Group {
    /// The lines that make this group's template: all of a lone dump's lines, then those
    /// seen in at least two dumps (and half of them, once there are four or more).
    fn template(&self) -> impl Iterator<Item = u64> + '_ {
        let n = self.samples.len() as u32;
        let min = if n <= 1 { 1 } else { n.div_ceil(2).max(2) };
        self.lines
            .iter()
            .filter(move |&(_, &c)| c >= min)
            .map(|(&h, _)| h)
    }

    fn add_lines(&mut self, lines: &[u64], sign: i32) {
        for h in lines {
            let c = self.lines.entry(*h).or_insert(0);
            *c = c.saturating_add_signed(sign);
            if *c == 0 {
                self.lines.remove(h);
            }
        }
    }
}

/// The learner's state, owned by its thread.
struct Desk {
    settings: Settings,
    learner: Box<dyn Learner>,
    groups: Vec<Group>,
    status: Arc<Mutex<Vec<ProposalStatus>>>,
    clock: u64,
}

impl Desk {
    fn open(
        settings: Settings,
        learner: Box<dyn Learner>,
        status: Arc<Mutex<Vec<ProposalStatus>>>,
    ) -> Desk {
        let mut desk = Desk {
            settings,
            learner,
            groups: Vec::new(),
            status,
            clock: 0,
        };
        desk.load();
        desk.publish();
        desk
    }

    fn serve(&mut self, rx: Receiver<Sample>) {
        while let Ok(sample) = rx.recv() {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.take(sample);
            }));
            if caught.is_err() {
                tracing::error!(
                    "the learner crashed on a dump (a bug in copydesk); it goes on with the next"
                );
            }
        }
    }

    /// Reads the groups kept by an earlier run.
    fn load(&mut self) {
        let Ok(entries) = std::fs::read_dir(&self.settings.state) else {
            return;
        };
        for entry in entries.flatten() {
            let dir = entry.path();
            let Ok(text) = std::fs::read_to_string(dir.join(GROUP_FILE)) else {
                continue;
            };
            let Ok(meta) = serde_json::from_str::<Meta>(&text) else {
                tracing::warn!(group = %dir.display(), "unreadable learning state; starting this group afresh");
                let _ = std::fs::remove_dir_all(&dir);
                continue;
            };
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            files.retain(|f| f.file_name().is_some_and(|n| n != GROUP_FILE));
            files.sort();
            let mut group = Group {
                meta,
                dir,
                samples: VecDeque::new(),
                lines: HashMap::new(),
                touched: 0,
            };
            for file in files {
                let lines = if group.meta.host.is_none() {
                    std::fs::read(&file)
                        .map(|b| template_lines(&b, ext_of(&file)))
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                group.add_lines(&lines, 1);
                group.samples.push_back((file, lines));
            }
            self.groups.push(group);
        }
    }

    fn take(&mut self, sample: Sample) {
        self.clock += 1;
        let lines = match &sample.host {
            Some(_) => Vec::new(),
            None => template_lines(&sample.bytes, sample.ext),
        };
        let index = match &sample.host {
            Some(host) => self
                .groups
                .iter()
                .position(|g| g.meta.host.as_deref() == Some(host.as_str())),
            None => self.best_text_group(&lines),
        };
        let index = match index {
            Some(i) => i,
            None => {
                if sample.host.is_none() && lines.len() < MIN_SHARED {
                    return; // Too little text to ever group it with anything.
                }
                self.new_group(&sample)
            }
        };
        let after = self.settings.after;
        let clock = self.clock;
        let group = &mut self.groups[index];
        group.touched = clock;
        if group
            .samples
            .iter()
            .any(|(f, _)| f.to_string_lossy().contains(short(&sample.sha256, 12)))
        {
            return; // The same dump again: no new evidence.
        }
        group.meta.seen += 1;
        let file = group.dir.join(format!(
            "{:08}-{}.{}",
            group.meta.seen,
            short(&sample.sha256, 12),
            sample.ext
        ));
        if let Err(e) = crate::output::write_atomic(&group.dir, &file_name(&file), &sample.bytes) {
            tracing::warn!(group = %group.meta.id, error = %e, "cannot keep a dump for learning");
            return;
        }
        group.add_lines(&lines, 1);
        group.samples.push_back((file, lines));
        while group.samples.len() > after {
            if let Some((old, old_lines)) = group.samples.pop_front() {
                let _ = std::fs::remove_file(&old);
                group.add_lines(&old_lines, -1);
            }
        }
        save_meta(group);
        let due = group.samples.len() >= after
            && group
                .meta
                .proposed_from
                .is_none_or(|from| group.meta.seen >= from + refresh_every(after));
        if due {
            self.propose(index);
        } else {
            self.publish();
        }
    }

    /// The text group this dump's lines fit best, if any fits.
    fn best_text_group(&self, lines: &[u64]) -> Option<usize> {
        let mine: HashSet<u64> = lines.iter().copied().collect();
        let mut best: Option<(usize, usize)> = None;
        for (i, g) in self.groups.iter().enumerate() {
            if g.meta.host.is_some() {
                continue;
            }
            let template: Vec<u64> = g.template().collect();
            let shared = template.iter().filter(|h| mine.contains(h)).count();
            let enough =
                shared >= MIN_SHARED && (g.samples.len() <= 1 || shared * 2 >= template.len());
            if enough && best.is_none_or(|(_, b)| shared > b) {
                best = Some((i, shared));
            }
        }
        best.map(|(i, _)| i)
    }

    fn new_group(&mut self, sample: &Sample) -> usize {
        if self.groups.len() >= MAX_GROUPS {
            if let Some((stalest, _)) = self
                .groups
                .iter()
                .enumerate()
                .min_by_key(|(_, g)| (g.meta.proposed_at.is_some(), g.touched))
            {
                let gone = self.groups.swap_remove(stalest);
                let _ = std::fs::remove_dir_all(&gone.dir);
            }
        }
        let id = match &sample.host {
            Some(host) => host_id(host),
            None => format!("text-{}", short(&sample.sha256, 8)),
        };
        let dir = self.settings.state.join(&id);
        let _ = std::fs::create_dir_all(&dir);
        self.groups.push(Group {
            meta: Meta {
                id,
                host: sample.host.clone(),
                ..Meta::default()
            },
            dir,
            samples: VecDeque::new(),
            lines: HashMap::new(),
            touched: self.clock,
        });
        self.groups.len() - 1
    }

    fn propose(&mut self, index: usize) {
        let group = &mut self.groups[index];
        let dumps: Vec<PathBuf> = group.samples.iter().map(|(f, _)| f.clone()).collect();
        let started = std::time::Instant::now();
        match proposals::write(
            self.learner.as_ref(),
            &self.settings.rules,
            &group.meta.id,
            group.meta.host.as_deref(),
            &dumps,
        ) {
            Ok(file) => {
                let first = group.meta.proposed_at.is_none();
                group.meta.proposed_from = Some(group.meta.seen);
                group.meta.proposed_at = Some(super::now_rfc3339());
                save_meta(group);
                tracing::info!(
                    site = %group.meta.id,
                    host = group.meta.host.as_deref().unwrap_or("-"),
                    dumps = group.meta.seen,
                    file = %file.display(),
                    ms = started.elapsed().as_millis() as u64,
                    "{}",
                    if first {
                        "proposed a rule file for a site without rules; review it, then move it into the rules folder or run `copydesk learn --accept ID`"
                    } else {
                        "refreshed the proposed rule file with the site's latest dumps"
                    }
                );
            }
            Err(e) => {
                // Tried again after the next batch of dumps, not on every one.
                group.meta.proposed_from = Some(group.meta.seen);
                save_meta(group);
                tracing::warn!(site = %group.meta.id, error = %e, "cannot propose a rule file for this site");
            }
        }
        self.publish();
    }

    /// Shares the current proposals with the status file.
    fn publish(&self) {
        let rules = &self.settings.rules;
        let list: Vec<ProposalStatus> = self
            .groups
            .iter()
            .filter_map(|g| {
                let at = g.meta.proposed_at.clone()?;
                Some(ProposalStatus {
                    id: g.meta.id.clone(),
                    host: g.meta.host.clone(),
                    dumps: g.meta.seen,
                    file: proposals::proposed_dir(rules)
                        .join(format!("{}.toml", g.meta.id))
                        .display()
                        .to_string(),
                    updated_at: at,
                })
            })
            .collect();
        match self.status.lock() {
            Ok(mut g) => *g = list,
            Err(p) => *p.into_inner() = list,
        }
    }
}

/// The first `n` characters of a hex digest.
fn short(hex: &str, n: usize) -> &str {
    hex.get(..n).unwrap_or(hex)
}

/// New dumps after which a proposal is written again.
fn refresh_every(after: usize) -> u64 {
    (after as u64 / 4).max(1)
}

fn save_meta(group: &Group) {
    if let Ok(json) = serde_json::to_string_pretty(&group.meta) {
        if let Err(e) = crate::output::write_atomic(&group.dir, GROUP_FILE, json.as_bytes()) {
            tracing::warn!(group = %group.meta.id, error = %e, "cannot save the learning state");
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn ext_of(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "html",
        Some("json") => "json",
        _ => "txt",
    }
}

/// A site id for a host: `news.example.co.uk` → `news-example-co-uk`.
pub fn host_id(host: &str) -> String {
    let id: String = host
        .trim_start_matches("www.")
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    id.trim_matches('-').to_string()
}

/// The distinct normalised lines of a dump, hashed: what template matching compares.
/// Lines are lowercased, digits become `0` (dates and counts vary, the template does
/// not), and spaces collapse; very short and very long lines say nothing about a template.
pub fn template_lines(bytes: &[u8], ext: &str) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let text = crate::charset::decode(bytes, None).text;
    let text = match ext {
        "html" => crate::eval::dump::text_dump(&text),
        _ => text,
    };
    let mut seen = HashSet::new();
    for line in text.lines() {
        let norm: String = line
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect();
        let chars = norm.chars().count();
        if !(3..=200).contains(&chars) {
            continue;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        norm.hash(&mut h);
        seen.insert(h.finish());
    }
    let mut out: Vec<u64> = seen.into_iter().collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_ids_are_valid_site_ids() {
        assert_eq!(
            host_id("www.Harbour-Gazette.example"),
            "harbour-gazette-example"
        );
        assert_eq!(host_id("news.example.co.uk"), "news-example-co-uk");
    }

    #[test]
    fn template_lines_ignore_numbers_and_case() {
        let a = template_lines(b"Updated 12 May 2026\nMOST READ\nx\n", "txt");
        let b = template_lines(b"Updated 3 June 2025\nMost read\n", "txt");
        assert_eq!(a.len(), 2, "one-letter lines say nothing");
        assert_eq!(a.iter().filter(|h| b.contains(h)).count(), 1);
    }
}

//! `copydesk run`: the service that watches the inbox and never loses a dump.
//!
//! One async task owns all the bookkeeping and reacts to whatever comes next: a watcher
//! hint, a file whose settle time is over, a finished worker, a timer, a signal. The work
//! itself (reading, cleaning, writing) runs on at most `workers` blocking threads. Each
//! module does one job:
//!
//! - [`config`]: the settings (file, flags, defaults);
//! - [`discover`]: which names are dumps, listing and watching the inbox;
//! - [`settle`]: which files are complete, each handed out once;
//! - [`pipeline`]: one file on a worker: clean it, write its article;
//! - [`commit`]: group commit: one outbox sync for many articles, then their dumps leave
//!   the inbox;
//! - [`lock`]: one service per inbox;
//! - [`open`]: opening a dump safely (no symlinks, no FIFOs, regular files only);
//! - [`outbox`]: the outbox held by identity, so nothing is written anywhere else;
//! - [`disposition`]: moving dumps to `processed/` or `failed/` (with an error file);
//! - [`drift`]: noticing when a site's rules stop matching its dumps;
//! - [`learning`]: proposing rule files for sites without rules, from their dumps;
//! - [`pools`]: the threads for cleaning and for writing;
//! - [`reload`]: hot reload of the rules;
//! - [`status`]: the status file and `copydesk status`;
//! - [`sweep`]: temp files left by a crash;
//! - [`systemd`]: READY / STOPPING / STATUS for `Type=notify`.
//!
//! The promise is the one trusted ingesters make: events are hints (a periodic rescan
//! catches whatever they miss), writes are atomic and durable before a dump leaves the
//! inbox, and bad input is quarantined with its reason, never dropped.

pub mod commit;
pub mod config;
pub mod discover;
pub mod disposition;
pub mod drift;
pub mod learning;
pub mod lock;
pub mod open;
pub mod outbox;
pub mod pipeline;
pub mod pools;
pub mod reload;
pub mod settle;
pub mod status;
pub mod sweep;
pub mod systemd;

pub use config::{AfterSuccess, Config, Overrides};

use discover::Hint;
use pipeline::{Outcome, Rendered, Settings, Step, Written};
use reload::Reloader;
use settle::Tracker;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Why the service could not start (exit code 2: nothing was processed).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the inbox {0} is not a folder: create it, or point --inbox (or `inbox` in the config file) at one")]
    NoInbox(PathBuf),
    #[error("{0}\ncopydesk: the rules have problems; fix them (copydesk check lists them) and start again")]
    Rules(crate::rules::RuleErrors),
    #[error("{0}")]
    Locked(#[from] lock::LockError),
    #[error("cannot start: {0}")]
    Io(#[from] std::io::Error),
}

/// Rules are reloaded this long after the last change seen, so an editor's several
/// writes make one reload.
const RELOAD_DEBOUNCE: Duration = Duration::from_millis(300);
/// The first wait after an outbox write failed; it doubles up to `retry_max`.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Hints taken in one go before the loop looks at its other duties.
const HINT_BATCH: usize = 1024;

/// The current time as the status and error files write it.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Runs the service until SIGINT or SIGTERM; returns once it has stopped cleanly.
pub fn run(config: Config) -> Result<(), StartError> {
    let config = absolute(config)?;
    if !config.inbox.is_dir() {
        return Err(StartError::NoInbox(config.inbox));
    }
    // Before anything touches the folders: a second service must not sweep the first's files.
    let inbox_lock = lock::acquire(&config.inbox)?;
    let reloader = Reloader::start(&config.rules).map_err(StartError::Rules)?;
    if let Err(e) = std::fs::create_dir_all(&config.outbox) {
        tracing::error!(outbox = %config.outbox.display(), error = %e, "cannot create the outbox; dumps wait in the inbox until it can be written");
    }
    let swept = sweep::temp_files(&config.outbox, ".")
        + sweep::temp_files(&config.failed_dir(), ".")
        + sweep::temp_files(&config.inbox, &format!(".{}.", status::FILE_NAME));
    if swept > 0 {
        tracing::info!(files = swept, "removed temp files left by an earlier run");
    }
    disposition::explain_orphans(&config.failed_dir());
    let workers = config.worker_count();
    let pools = pools::Pools::new(workers, config.writers)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // The committer and the loop's own blocking sections; the work has `pools`.
        .max_blocking_threads(4)
        .enable_all()
        .thread_name("copydesk")
        .build()?;
    let mut service = Service::new(config, reloader, workers, &pools);
    service.inbox_lock = Some(inbox_lock);
    let result = runtime.block_on(async move {
        // On a worker thread (not block_on's), so blocking sections can use block_in_place.
        tokio::spawn(service.serve())
            .await
            .map_err(|e| std::io::Error::other(format!("the service task failed: {e}")))?
    });
    // Workers still busy after the shutdown timeout are abandoned: their dumps are still
    // in the inbox and get cleaned on the next start.
    runtime.shutdown_timeout(Duration::from_millis(100));
    pools.shutdown();
    result.map_err(StartError::Io)
}

fn absolute(mut config: Config) -> std::io::Result<Config> {
    for dir in [&mut config.inbox, &mut config.outbox, &mut config.rules] {
        *dir = std::path::absolute(&*dir)?;
    }
    Ok(config)
}

struct Service {
    config: Config,
    workers: usize,
    cleaning: tokio::runtime::Handle,
    writing: tokio::runtime::Handle,
    settings: Arc<Settings>,
    tracker: Tracker,
    reloader: Reloader,
    /// Files being cleaned (at most `workers`).
    jobs: JoinSet<(PathBuf, Step)>,
    /// Cleaned files waiting for a writer; cleaning pauses while `writers` of them wait.
    rendered: VecDeque<Rendered>,
    /// Articles being written (at most `config.writers`).
    writes: JoinSet<(PathBuf, Step)>,
    /// Articles written, waiting for the next group commit.
    written: VecDeque<Written>,
    /// The group commit under way, if any (never more than one), and how many files it has.
    commits: JoinSet<Vec<(PathBuf, Outcome)>>,
    committing: usize,
    started_at: String,
    processed: u64,
    failed: u64,
    /// Of `failed`: inbox entries that were not regular files or had unreadable names.
    refused: u64,
    retries: u64,
    /// While set, the outbox cannot be written: no new work starts before `paused_until`.
    outbox_error: Option<String>,
    backoff: Duration,
    paused_until: Option<Instant>,
    /// Tries so far of files that hit a passing problem (for their back-off).
    attempts: HashMap<PathBuf, u32>,
    rescan: Arc<AtomicBool>,
    wake: Arc<Notify>,
    rules_changed_at: Option<Instant>,
    /// The inbox's lock, held while running.
    inbox_lock: Option<lock::InboxLock>,
}

impl Service {
    fn new(config: Config, reloader: Reloader, workers: usize, pools: &pools::Pools) -> Service {
        let settings = Arc::new(Settings {
            inbox: config.inbox.clone(),
            outbox: config.outbox.clone(),
            failed_dir: config.failed_dir(),
            processed_dir: config.processed_dir(),
            format: config.format,
            after: config.processed,
            rules_dir: config.rules.clone(),
            outbox_guard: outbox::Outbox::new(&config.outbox),
            drift: Arc::new(drift::Watch::load(&config.drift_file())),
            learning: learning::Learning::start(
                learning::Settings {
                    after: config.learn_after,
                    state: config.learn_dir(),
                    rules: config.rules.clone(),
                },
                Box::new(crate::authoring::proposals::SiteLearner),
            ),
        });
        Service {
            tracker: Tracker::new(config.settle, config.queue),
            workers,
            cleaning: pools.cleaning(),
            writing: pools.writing(),
            settings,
            reloader,
            jobs: JoinSet::new(),
            rendered: VecDeque::new(),
            writes: JoinSet::new(),
            written: VecDeque::new(),
            commits: JoinSet::new(),
            committing: 0,
            started_at: now_rfc3339(),
            processed: 0,
            failed: 0,
            refused: 0,
            retries: 0,
            outbox_error: None,
            backoff: FIRST_BACKOFF,
            paused_until: None,
            attempts: HashMap::new(),
            rescan: Arc::new(AtomicBool::new(false)),
            wake: Arc::new(Notify::new()),
            rules_changed_at: None,
            inbox_lock: None,
            config,
        }
    }

    async fn serve(mut self) -> std::io::Result<()> {
        let mut sigterm = signal(SignalKind::terminate())?;
        let mut sigint = signal(SignalKind::interrupt())?;
        let mut sighup = signal(SignalKind::hangup())?;
        let (tx, mut hints) = mpsc::channel(4096);
        let mut watch = if self.config.poll {
            None
        } else {
            match discover::watch(
                &self.config.inbox,
                &self.config.rules,
                tx,
                Arc::clone(&self.rescan),
                Arc::clone(&self.wake),
            ) {
                Ok(w) => Some(w),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the inbox; polling it instead");
                    None
                }
            }
        };
        let scan_every = if watch.is_some() {
            self.config.rescan
        } else {
            self.config.poll_interval
        };
        self.scan();
        let mut scan_timer = tokio::time::interval_at(Instant::now() + scan_every, scan_every);
        scan_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut status_timer = tokio::time::interval(self.config.status_interval);
        status_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tracing::info!(
            inbox = %self.config.inbox.display(),
            outbox = %self.config.outbox.display(),
            rules = %self.config.rules.display(),
            sites = self.reloader.current().get().sites,
            workers = self.workers,
            mode = if watch.is_some() { "watch" } else { "poll" },
            backlog = self.tracker.counts().settling + self.tracker.counts().ready,
            "copydesk running"
        );
        systemd::ready(&self.summary());

        let signal_name = loop {
            self.dispatch();
            self.start_commit();
            let deadline = self.next_deadline();
            tokio::select! {
                _ = sigterm.recv() => break "SIGTERM",
                _ = sigint.recv() => break "SIGINT",
                _ = sighup.recv() => {
                    tracing::info!("SIGHUP: reloading the rules");
                    tokio::task::block_in_place(|| self.reloader.reload(true, "SIGHUP"));
                }
                Some(first) = hints.recv() => {
                    let mut batch = vec![first];
                    while batch.len() < HINT_BATCH {
                        match hints.try_recv() {
                            Ok(h) => batch.push(h),
                            Err(_) => break,
                        }
                    }
                    if self.hints(batch) {
                        self.inbox_replaced(watch.as_mut());
                    }
                }
                Some(done) = self.jobs.join_next(), if !self.jobs.is_empty() => self.finished(done),
                Some(done) = self.writes.join_next(), if !self.writes.is_empty() => self.finished(done),
                Some(done) = self.commits.join_next(), if !self.commits.is_empty() => self.committed(done),
                _ = self.wake.notified() => {}
                _ = scan_timer.tick() => {
                    self.rescan.store(true, Ordering::Relaxed);
                    self.reload_rules_if_changed("rules folder changed");
                }
                _ = status_timer.tick() => self.report("running"),
                _ = tokio::time::sleep_until(deadline) => {}
            }
            self.housekeeping();
        };

        self.drain(signal_name, &mut sigterm, &mut sigint).await;
        drop(watch);
        Ok(())
    }

    /// Stop taking files; wait (up to the shutdown timeout) for those in flight.
    async fn drain(&mut self, signal_name: &str, sigterm: &mut Signal, sigint: &mut Signal) {
        systemd::stopping();
        tracing::info!(
            signal = signal_name,
            in_flight = self.in_flight(),
            processed = self.processed,
            failed = self.failed,
            "stopping: taking no new files, finishing those in flight"
        );
        self.report("stopping");
        let deadline = Instant::now() + self.config.shutdown_timeout;
        while self.in_flight() > 0 {
            self.start_writes();
            self.start_commit();
            tokio::select! {
                Some(done) = self.jobs.join_next(), if !self.jobs.is_empty() => self.finished(done),
                Some(done) = self.writes.join_next(), if !self.writes.is_empty() => self.finished(done),
                Some(done) = self.commits.join_next(), if !self.commits.is_empty() => self.committed(done),
                _ = tokio::time::sleep_until(deadline) => {
                    tracing::warn!(
                        in_flight = self.in_flight(),
                        "shutdown timeout: stopping without the files still in flight; they stay in the inbox for the next start"
                    );
                    break;
                }
                _ = sigterm.recv() => { tracing::warn!("second signal: stopping now; files in flight stay in the inbox"); break; }
                _ = sigint.recv() => { tracing::warn!("second signal: stopping now; files in flight stay in the inbox"); break; }
            }
        }
        self.report("stopped");
        tracing::info!(
            processed = self.processed,
            failed = self.failed,
            "copydesk stopped"
        );
    }

    /// When the loop must wake up by itself: a settle time ending, the outbox back-off
    /// ending, or a rules change to load.
    fn next_deadline(&self) -> Instant {
        let far = Instant::now() + Duration::from_secs(3600);
        [
            self.tracker.next_due().map(Instant::from_std),
            self.paused_until,
            self.rules_changed_at.map(|t| t + RELOAD_DEBOUNCE),
        ]
        .into_iter()
        .flatten()
        .fold(far, Instant::min)
    }

    /// Work that follows whatever woke the loop: settled files, rescans, rules.
    fn housekeeping(&mut self) {
        let now = Instant::now();
        let due = self.tracker.due(now.into_std());
        if !due.is_empty() {
            let stamps: Vec<_> = tokio::task::block_in_place(|| {
                due.into_iter()
                    .map(|p| {
                        let s = discover::stamp(&p);
                        (p, s)
                    })
                    .collect()
            });
            for (path, stamp) in stamps {
                self.tracker.recheck(path, stamp, now.into_std());
            }
        }
        if self.tracker.take_overflow() {
            self.rescan.store(true, Ordering::Relaxed);
        }
        if self.rescan.swap(false, Ordering::Relaxed) {
            self.scan();
        }
        if self
            .rules_changed_at
            .is_some_and(|t| now >= t + RELOAD_DEBOUNCE)
        {
            self.rules_changed_at = None;
            self.reload_rules_if_changed("rule file changed");
        }
        if self.paused_until.is_some_and(|t| now >= t) {
            self.paused_until = None;
        }
    }

    fn reload_rules_if_changed(&mut self, why: &str) {
        tokio::task::block_in_place(|| self.reloader.reload(false, why));
    }

    /// Lists the inbox and takes in every dump not yet known, as room allows.
    fn scan(&mut self) {
        let room = self.tracker.room();
        if room == 0 {
            self.tracker.mark_overflow();
            return;
        }
        let tracker = &self.tracker;
        let listed = tokio::task::block_in_place(|| {
            discover::scan(&self.config.inbox, room, |p| tracker.knows(p))
        });
        match listed {
            Ok((found, more)) => {
                let now = std::time::Instant::now();
                for (path, stamp) in found {
                    self.tracker.seen(path, stamp, now);
                }
                if more {
                    self.tracker.mark_overflow();
                }
            }
            Err(e) => tracing::error!(
                inbox = %self.config.inbox.display(),
                error = %e,
                "cannot list the inbox; trying again at the next rescan"
            ),
        }
    }

    /// A new folder took the inbox's name: watch it, take its lock and scan it now, not at
    /// the next periodic rescan.
    fn inbox_replaced(&mut self, watch: Option<&mut discover::Watch>) {
        tracing::warn!(inbox = %self.config.inbox.display(), "the inbox folder was replaced; watching the new one");
        if let Some(watch) = watch {
            if let Err(e) = watch.rewatch() {
                tracing::error!(inbox = %self.config.inbox.display(), error = %e, "cannot watch the new inbox; it is scanned every rescan interval instead");
            }
        }
        self.inbox_lock = None;
        match tokio::task::block_in_place(|| lock::acquire(&self.config.inbox)) {
            Ok(l) => self.inbox_lock = Some(l),
            Err(e) => tracing::error!(error = %e, "cannot lock the new inbox"),
        }
        self.rescan.store(true, Ordering::Relaxed);
    }

    /// Takes in a batch of watcher hints; true if the inbox itself was replaced.
    fn hints(&mut self, batch: Vec<Hint>) -> bool {
        let now = std::time::Instant::now();
        let mut replaced = false;
        tokio::task::block_in_place(|| {
            for hint in batch {
                match hint {
                    Hint::InboxReplaced => replaced = true,
                    Hint::RulesChanged => self.rules_changed_at = Some(Instant::now()),
                    Hint::Touched(path) if self.tracker.knows(&path) => self.tracker.touched(&path),
                    Hint::Touched(path) => {
                        if let Some(stamp) = discover::stamp(&path) {
                            self.tracker.seen(path, stamp, now);
                        }
                    }
                    Hint::Writing(path) => {
                        if !self.tracker.knows(&path) {
                            if let Some(stamp) = discover::stamp(&path) {
                                self.tracker.seen(path.clone(), stamp, now);
                            }
                        }
                        if discover::may_be_open_for_writing(&path) {
                            self.tracker.writing(&path);
                        } else {
                            self.tracker.touched(&path);
                        }
                    }
                    Hint::Closed(path) => {
                        if !self.tracker.knows(&path) {
                            if let Some(stamp) = discover::stamp(&path) {
                                self.tracker.seen(path.clone(), stamp, now);
                            }
                        }
                        self.tracker.closed(&path);
                    }
                    Hint::RenamedIn(path) => {
                        if discover::stamp(&path).is_some() {
                            self.tracker.renamed_in(path);
                        }
                    }
                }
            }
        });
        replaced
    }

    /// Starts cleaned files on free writers and complete files on free workers, unless the
    /// outbox is being waited for.
    fn dispatch(&mut self) {
        if self.paused_until.is_some() {
            return;
        }
        self.start_writes();
        while self.jobs.len() < self.workers && self.rendered.len() < self.config.writers {
            let Some(path) = self.tracker.take_ready() else {
                break;
            };
            let settings = Arc::clone(&self.settings);
            let rules = self.reloader.current();
            self.jobs.spawn_blocking_on(
                move || {
                    let step = pipeline::prepare(&path, &rules, &settings);
                    (path, step)
                },
                &self.cleaning,
            );
        }
    }

    /// Hands cleaned files to free writers.
    fn start_writes(&mut self) {
        while self.writes.len() < self.config.writers {
            let Some(rendered) = self.rendered.pop_front() else {
                break;
            };
            let settings = Arc::clone(&self.settings);
            let path = rendered.entry.input.clone();
            self.writes.spawn_blocking_on(
                move || (path, pipeline::write(rendered, &settings)),
                &self.writing,
            );
        }
    }

    /// Files taken by workers and not yet done: being cleaned or written, or written and
    /// waiting for (or in) a group commit.
    fn in_flight(&self) -> usize {
        self.jobs.len()
            + self.rendered.len()
            + self.writes.len()
            + self.written.len()
            + self.committing
    }

    /// Commits the articles written so far, unless a commit is under way (its end starts
    /// the next one). Nothing waits for a batch to fill, so a lone file goes at once.
    fn start_commit(&mut self) {
        if !self.commits.is_empty() || self.written.is_empty() {
            return;
        }
        let n = self.written.len().min(commit::MAX_BATCH);
        let batch: Vec<Written> = self.written.drain(..n).collect();
        self.committing = batch.len();
        let settings = Arc::clone(&self.settings);
        self.commits
            .spawn_blocking(move || commit::commit(batch, &settings));
    }

    fn finished(&mut self, done: Result<(PathBuf, Step), tokio::task::JoinError>) {
        let (path, step) = match done {
            Ok(done) => done,
            Err(e) => {
                // `prepare` catches panics, so this is a cancelled task at shutdown.
                tracing::error!(error = %e, "a worker stopped unexpectedly");
                return;
            }
        };
        match step {
            Step::Rendered(rendered) => self.rendered.push_back(rendered),
            Step::Written(written) => self.written.push_back(written),
            Step::Done(outcome) => self.outcome(path, outcome),
        }
    }

    fn committed(&mut self, done: Result<Vec<(PathBuf, Outcome)>, tokio::task::JoinError>) {
        self.committing = 0;
        match done {
            Ok(outcomes) => {
                for (path, outcome) in outcomes {
                    self.outcome(path, outcome);
                }
            }
            // Its dumps stay in the inbox (and busy here): only a shutdown cancels a commit.
            Err(e) => tracing::error!(error = %e, "a commit stopped unexpectedly"),
        }
    }

    /// Acts on how one file ended.
    fn outcome(&mut self, path: PathBuf, outcome: Outcome) {
        let now = std::time::Instant::now();
        match outcome {
            Outcome::Cleaned { .. }
            | Outcome::Failed { .. }
            | Outcome::Refused { .. }
            | Outcome::Gone => {
                match outcome {
                    Outcome::Cleaned { .. } => {
                        self.processed += 1;
                        self.outbox_recovered();
                    }
                    Outcome::Failed { .. } => self.failed += 1,
                    Outcome::Refused { .. } => {
                        self.failed += 1;
                        self.refused += 1;
                    }
                    _ => {}
                }
                self.attempts.remove(&path);
                if self.tracker.finish(&path) {
                    self.look_again(path, now, None);
                }
            }
            Outcome::Changed => {
                self.tracker.finish(&path);
                self.look_again(path, now, None);
            }
            Outcome::OutboxError(error) => {
                self.retries += 1;
                if self.outbox_error.is_none() {
                    tracing::error!(
                        input = %path.display(),
                        error = %error,
                        "cannot write to the outbox; retrying with back-off, the dumps stay in the inbox"
                    );
                } else {
                    tracing::debug!(input = %path.display(), error = %error, "outbox still not writable");
                }
                self.outbox_error = Some(error);
                self.paused_until = Some(Instant::now() + self.backoff);
                self.backoff = (self.backoff * 2).min(self.config.retry_max);
                self.tracker.requeue(path);
            }
            Outcome::Retry(error) => {
                let tries = self.attempts.entry(path.clone()).or_insert(0);
                *tries += 1;
                let delay = Duration::from_secs(1)
                    .saturating_mul(1 << (*tries - 1).min(16))
                    .min(self.config.retry_max);
                tracing::warn!(
                    input = %path.display(),
                    error = %error,
                    retry_in_ms = delay.as_millis() as u64,
                    "cannot finish this dump now; it stays in the inbox and will be tried again"
                );
                self.tracker.finish(&path);
                self.look_again(path, now, Some(delay));
            }
        }
    }

    /// Takes a name in again if a file is there (after a change, or a retry's delay).
    fn look_again(&mut self, path: PathBuf, now: std::time::Instant, delay: Option<Duration>) {
        if let Some(stamp) = discover::stamp(&path) {
            match delay {
                Some(d) => self.tracker.seen_with_delay(path, stamp, now, d),
                None => self.tracker.seen(path, stamp, now),
            }
        }
    }

    fn outbox_recovered(&mut self) {
        if let Some(error) = self.outbox_error.take() {
            tracing::info!(
                outbox = %self.config.outbox.display(),
                after = %error,
                retries = self.retries,
                "the outbox is writable again"
            );
        }
        self.backoff = FIRST_BACKOFF;
    }

    fn status(&self, state: &str) -> status::Status {
        let counts = self.tracker.counts();
        let rules = self.reloader.current().get();
        status::Status {
            state: state.to_string(),
            pid: std::process::id(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: self.started_at.clone(),
            updated_at: now_rfc3339(),
            interval_ms: self.config.status_interval.as_millis() as u64,
            inbox: self.config.inbox.display().to_string(),
            outbox: self.config.outbox.display().to_string(),
            processed: self.processed,
            failed: self.failed,
            refused: self.refused,
            retries: self.retries,
            settling: counts.settling,
            queued: counts.ready,
            in_flight: self.in_flight(),
            outbox_error: self.outbox_error.clone(),
            rules: status::RulesStatus {
                dir: self.config.rules.display().to_string(),
                sites: rules.sites,
                loaded_at: rules.loaded_at.clone(),
                reload_error: self.reloader.last_error.clone(),
            },
            drifting: self.settings.drift.drifting(),
            proposals: self.settings.learning.proposals(),
        }
    }

    fn summary(&self) -> String {
        let c = self.tracker.counts();
        format!(
            "processed {}, failed {}, queued {}, in flight {}{}",
            self.processed,
            self.failed,
            c.ready,
            self.in_flight(),
            if self.outbox_error.is_some() {
                ", OUTBOX NOT WRITABLE"
            } else {
                ""
            }
        )
    }

    /// Rewrites the status file and tells systemd the counts.
    fn report(&self, state: &str) {
        let status = self.status(state);
        let written = tokio::task::block_in_place(|| status::write(&self.config.inbox, &status));
        if let Err(e) = written {
            tracing::warn!(inbox = %self.config.inbox.display(), error = %e, "cannot write the status file");
        }
        let path = self.config.drift_file();
        if let Err(e) = tokio::task::block_in_place(|| self.settings.drift.save(&path)) {
            tracing::warn!(file = %path.display(), error = %e, "cannot save the drift record; it is tried again with the next status report");
        }
        systemd::status(&self.summary());
    }
}

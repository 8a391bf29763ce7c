//! What the running service reports about itself: the status file and `copydesk status`.
//!
//! The status file lives in the inbox (`.copydesk-status.json`, a dotfile, so discovery
//! ignores it) rather than the outbox, because the inbox must be writable for the service
//! to work at all, while an unwritable outbox is exactly when someone wants to look. It is
//! rewritten atomically every `status_interval`, so a reader never sees half of one, and
//! `updated_at` tells a live service from one that died without saying so.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The status file's name inside the inbox.
pub const FILE_NAME: &str = ".copydesk-status.json";

/// Where the status file of the service on `inbox` is.
pub fn path(inbox: &Path) -> PathBuf {
    inbox.join(FILE_NAME)
}

/// One report, as written to the status file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// `running`, `stopping` or `stopped`.
    pub state: String,
    pub pid: u32,
    pub version: String,
    pub started_at: String,
    pub updated_at: String,
    /// How often the file is rewritten while running, in milliseconds.
    pub interval_ms: u64,
    pub inbox: String,
    pub outbox: String,
    /// Dumps cleaned since start.
    pub processed: u64,
    /// Dumps moved to `failed/` since start.
    pub failed: u64,
    /// Of `failed`: inbox entries refused without reading (symlinks, FIFOs, sockets,
    /// devices, names that are not UTF-8).
    #[serde(default)]
    pub refused: u64,
    /// Writes to the outbox that failed and will be retried, since start.
    pub retries: u64,
    /// Files waiting for their size and time to hold still.
    pub settling: usize,
    /// Complete files waiting for a worker (the queue depth).
    pub queued: usize,
    /// Files taken by workers and not done yet: being cleaned, written, or waiting for
    /// their group commit.
    pub in_flight: usize,
    /// Why the outbox cannot be written, while it cannot.
    pub outbox_error: Option<String>,
    pub rules: RulesStatus,
    /// Sites whose rules stopped matching their dumps (see `drift`).
    #[serde(default)]
    pub drifting: Vec<super::drift::SiteDrift>,
    /// Rule files proposed for sites without one, waiting in `rules/proposed/` for review.
    #[serde(default)]
    pub proposals: Vec<super::learning::ProposalStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesStatus {
    pub dir: String,
    pub sites: usize,
    pub loaded_at: String,
    /// The problems of the last reload, while the previous rules stay in force.
    pub reload_error: Option<String>,
}

/// Writes the status file atomically.
pub fn write(inbox: &Path, status: &Status) -> std::io::Result<()> {
    let mut json = serde_json::to_string_pretty(status).map_err(std::io::Error::other)?;
    json.push('\n');
    crate::output::write_atomic(inbox, FILE_NAME, json.as_bytes()).map(|_| ())
}

/// Reads the status file of the service on `inbox`.
pub fn read(inbox: &Path) -> Result<Status, String> {
    let file = path(inbox);
    let text = std::fs::read_to_string(&file).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no status file at {}: copydesk run has not run on this inbox (check --inbox or --config)",
                file.display()
            )
        } else {
            format!("cannot read {}: {e}", file.display())
        }
    })?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not a status file: {e}", file.display()))
}

/// How long ago the status was written, if its time can be read.
pub fn age(status: &Status) -> Option<Duration> {
    let updated = chrono::DateTime::parse_from_rfc3339(&status.updated_at).ok()?;
    let age = chrono::Utc::now().signed_duration_since(updated);
    Some(age.to_std().unwrap_or(Duration::ZERO))
}

/// Whether a `running` status cannot be true: its process is gone (a kill -9 says
/// nothing), or it has not been rewritten for far longer than its interval (a hung
/// service, or one on another machine sharing the folder).
pub fn is_stale(status: &Status) -> bool {
    let allowed =
        Duration::from_millis(status.interval_ms.saturating_mul(3)) + Duration::from_secs(5);
    !super::lock::pid_alive(status.pid) || age(status).is_none_or(|a| a > allowed)
}

/// The status as a person reads it.
pub fn describe(status: &Status) -> String {
    let age = age(status).map_or("at an unknown time".to_string(), |a| {
        format!("{}s ago", a.as_secs())
    });
    let state = match status.state.as_str() {
        "running" if is_stale(status) => format!(
            "not running: the status file was last written {age} by pid {}, which is gone or stopped without saying so",
            status.pid
        ),
        "running" => format!("running (pid {}, since {})", status.pid, status.started_at),
        "stopping" => format!("stopping (pid {})", status.pid),
        other => format!("{other} (last run by pid {}, updated {age})", status.pid),
    };
    let mut out = format!(
        "copydesk {state}\n\
         inbox:     {}\n\
         outbox:    {}\n\
         processed: {}\n\
         failed:    {} ({} of them not regular files or with unreadable names)\n\
         queue:     {} queued, {} in flight, {} settling\n",
        status.inbox,
        status.outbox,
        status.processed,
        status.failed,
        status.refused,
        status.queued,
        status.in_flight,
        status.settling,
    );
    match &status.outbox_error {
        Some(e) => out.push_str(&format!(
            "outbox:    NOT WRITABLE, retrying ({} retries): {e}\n",
            status.retries
        )),
        None if status.retries > 0 => out.push_str(&format!(
            "outbox:    writable ({} earlier retries)\n",
            status.retries
        )),
        None => {}
    }
    out.push_str(&format!(
        "rules:     {} site file(s) from {}, loaded {}\n",
        status.rules.sites, status.rules.dir, status.rules.loaded_at
    ));
    if let Some(e) = &status.rules.reload_error {
        out.push_str(&format!(
            "rules:     last reload FAILED, the previous rules stay in force:\n{e}\n"
        ));
    }
    for d in &status.drifting {
        let mut why: Vec<String> = Vec::new();
        if !d.dead_rules.is_empty() {
            why.push(format!("dead rules: {}", d.dead_rules.join(", ")));
        }
        if let Some(length) = &d.length {
            why.push(format!("article length: {length}"));
        }
        out.push_str(&format!(
            "drifting:  {} since {} ({}); check {}\n",
            d.site,
            d.since,
            why.join("; "),
            d.file.as_deref().unwrap_or("its rule file")
        ));
    }
    for p in &status.proposals {
        out.push_str(&format!(
            "proposed:  {} from {} dumps{}, updated {}: review {}, then move it into the rules \
             folder or run `copydesk learn --accept {}`\n",
            p.id,
            p.dumps,
            p.host
                .as_deref()
                .map(|h| format!(" of {h}"))
                .unwrap_or_default(),
            p.updated_at,
            p.file,
            p.id
        ));
    }
    out
}

/// Whether the status says the service is up right now.
pub fn is_running(status: &Status) -> bool {
    matches!(status.state.as_str(), "running" | "stopping") && !is_stale(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Status {
        Status {
            state: "running".into(),
            pid: std::process::id(),
            version: "0".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            updated_at: crate::service::now_rfc3339(),
            interval_ms: 1000,
            inbox: "inbox".into(),
            outbox: "outbox".into(),
            processed: 7,
            failed: 1,
            refused: 0,
            retries: 0,
            settling: 0,
            queued: 3,
            in_flight: 2,
            outbox_error: None,
            rules: RulesStatus {
                dir: "rules".into(),
                sites: 2,
                loaded_at: "2026-01-01T00:00:00Z".into(),
                reload_error: None,
            },
            drifting: vec![],
            proposals: vec![],
        }
    }

    #[test]
    fn round_trip_and_describe() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &sample()).unwrap();
        let back = read(dir.path()).unwrap();
        assert_eq!(back, sample_with_time(&back));
        assert!(is_running(&back));
        let text = describe(&back);
        assert!(
            text.contains(&format!("copydesk running (pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains("processed: 7"), "{text}");
        assert!(text.contains("3 queued, 2 in flight"), "{text}");
    }

    fn sample_with_time(s: &Status) -> Status {
        Status {
            updated_at: s.updated_at.clone(),
            ..sample()
        }
    }

    #[test]
    fn an_old_running_status_is_stale() {
        let mut s = sample();
        s.updated_at = "2020-01-01T00:00:00Z".into();
        assert!(!is_running(&s));
        assert!(describe(&s).contains("not running"), "{}", describe(&s));
        // Fresh, but its process is gone (a kill -9): not running either.
        let mut dead = sample();
        dead.pid = u32::MAX;
        assert!(!is_running(&dead));
        let missing = read(Path::new("/nonexistent-inbox")).unwrap_err();
        assert!(missing.contains("has not run on this inbox"), "{missing}");
    }
}

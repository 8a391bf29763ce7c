//! The service's settings: a TOML file, overridden by command-line flags.
//!
//! Every key has a default, so no file at all is a valid configuration and
//! `copydesk run` in a fresh clone works on the repo's own `inbox/`, `outbox/` and
//! `rules/`. Unknown keys are errors: a misspelt `setle = "5s"` must not silently leave
//! the default in force. Relative folders in a file are taken relative to that file, so a
//! unit file can point at `/etc/copydesk/copydesk.toml` from any working directory.

use crate::output::Format;
use serde::{Deserialize, Deserializer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything `copydesk run` can be told.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where dumps arrive. Only its top level is read; `processed/` and `failed/` live inside.
    pub inbox: PathBuf,
    /// Where clean articles are written.
    pub outbox: PathBuf,
    /// The rule files, one per site.
    pub rules: PathBuf,
    /// Output format.
    pub format: Format,
    /// Files cleaned at the same time; 0 means one per core.
    pub workers: usize,
    /// Articles being written to the outbox at the same time. A write mostly waits for the
    /// disk to sync it, not for a core, and disks sync several writes in flight far faster
    /// than one after another, so this is independent of `workers` and larger.
    pub writers: usize,
    /// At most this many files are tracked at once (settling, waiting or in flight); the
    /// rest wait in the inbox and are picked up by a rescan as room frees.
    pub queue: usize,
    /// What happens to a dump once its article is safely written.
    pub processed: AfterSuccess,
    /// A file written in place counts as complete once its size and modification time
    /// have not changed for this long (a file renamed into the inbox is complete at once).
    #[serde(deserialize_with = "duration")]
    pub settle: Duration,
    /// Scan the inbox every `poll_interval` instead of watching it (network filesystems).
    pub poll: bool,
    #[serde(deserialize_with = "duration")]
    pub poll_interval: Duration,
    /// A full rescan of the inbox even while watching, in case an event was lost.
    #[serde(deserialize_with = "duration")]
    pub rescan: Duration,
    /// The longest wait between tries while the outbox cannot be written.
    #[serde(deserialize_with = "duration")]
    pub retry_max: Duration,
    /// How long a shutdown waits for the files in flight before giving up on them (they stay
    /// in the inbox and are cleaned on the next start).
    #[serde(deserialize_with = "duration")]
    pub shutdown_timeout: Duration,
    /// How often the status file is rewritten.
    #[serde(deserialize_with = "duration")]
    pub status_interval: Duration,
    /// Dumps of a site without rules after which a rule file is proposed in
    /// `<rules>/proposed/` (never applied by itself); 0 turns learning off.
    pub learn_after: usize,
}

/// What to do with a dump once its article is durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterSuccess {
    /// Move it to `inbox/processed/` (kept for audit or re-cleaning with better rules).
    #[default]
    Move,
    /// Delete it.
    Delete,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inbox: PathBuf::from("inbox"),
            outbox: PathBuf::from("outbox"),
            rules: PathBuf::from("rules"),
            format: Format::Markdown,
            workers: 0,
            writers: 8,
            queue: 10_000,
            processed: AfterSuccess::Move,
            settle: Duration::from_secs(1),
            poll: false,
            poll_interval: Duration::from_secs(2),
            rescan: Duration::from_secs(30),
            retry_max: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(30),
            status_interval: Duration::from_secs(1),
            learn_after: 20,
        }
    }
}

/// Flags given on the command line; each one set wins over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub inbox: Option<PathBuf>,
    pub outbox: Option<PathBuf>,
    pub rules: Option<PathBuf>,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// The file's settings (or the defaults without one), then the flags on top.
    pub fn load(file: Option<&Path>, flags: Overrides) -> Result<Config, ConfigError> {
        let mut config = match file {
            None => Config::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                let base = path.parent().unwrap_or(Path::new(""));
                Config::parse(&text)
                    .map_err(|message| ConfigError::Invalid {
                        path: path.to_path_buf(),
                        message,
                    })?
                    .relative_to(base)
            }
        };
        if let Some(inbox) = flags.inbox {
            config.inbox = inbox;
        }
        if let Some(outbox) = flags.outbox {
            config.outbox = outbox;
        }
        if let Some(rules) = flags.rules {
            config.rules = rules;
        }
        Ok(config)
    }

    /// Parses the text of a config file; the error says where and what.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        if self.queue == 0 {
            return Err("`queue` must be at least 1".into());
        }
        if self.writers == 0 {
            return Err("`writers` must be at least 1".into());
        }
        for (name, value) in [
            ("poll_interval", self.poll_interval),
            ("rescan", self.rescan),
            ("retry_max", self.retry_max),
            ("status_interval", self.status_interval),
        ] {
            if value.is_zero() {
                return Err(format!("`{name}` must be longer than zero"));
            }
        }
        Ok(())
    }

    fn relative_to(mut self, base: &Path) -> Config {
        for dir in [&mut self.inbox, &mut self.outbox, &mut self.rules] {
            if dir.is_relative() {
                *dir = base.join(&*dir);
            }
        }
        self
    }

    /// The number of workers to run: `workers`, or one per core when it is 0.
    pub fn worker_count(&self) -> usize {
        if self.workers > 0 {
            self.workers
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }

    /// Where failed dumps and their error files go.
    pub fn failed_dir(&self) -> PathBuf {
        self.inbox.join("failed")
    }

    /// Where the service keeps what it learns (the dumps of sites without rules).
    pub fn learn_dir(&self) -> PathBuf {
        self.inbox.join(super::learning::STATE_DIR)
    }

    /// Where the drift record is kept between runs.
    pub fn drift_file(&self) -> PathBuf {
        self.inbox.join(super::drift::STATE_FILE)
    }

    /// Where dumps go once cleaned (with `processed = "move"`).
    pub fn processed_dir(&self) -> PathBuf {
        self.inbox.join("processed")
    }
}

/// A duration written as `"500ms"`, `"2s"`, `"5m"`, `"1h"`, or a number of seconds.
fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(f64),
        Text(String),
    }
    let seconds = match Raw::deserialize(d)? {
        Raw::Seconds(s) => s,
        Raw::Text(t) => parse_duration(&t).map_err(serde::de::Error::custom)?,
    };
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(serde::de::Error::custom(
            "a duration must be zero or more seconds",
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Seconds in `"500ms"`, `"2s"`, `"1.5s"`, `"5m"`, `"1h"`.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let bad =
        || format!("invalid duration {text:?}: write it like \"500ms\", \"2s\", \"5m\" or \"1h\"");
    let n: f64 = number.parse().map_err(|_| bad())?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" | "" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    Ok(n * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_file_means_the_repo_folders() {
        let c = Config::load(None, Overrides::default()).unwrap();
        assert_eq!(c.inbox, Path::new("inbox"));
        assert_eq!(c.outbox, Path::new("outbox"));
        assert_eq!(c.rules, Path::new("rules"));
        assert_eq!(c.processed, AfterSuccess::Move);
    }

    #[test]
    fn file_values_durations_and_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copydesk.toml");
        std::fs::write(
            &file,
            "inbox = \"in\"\noutbox = \"/abs/out\"\nsettle = \"250ms\"\nrescan = 90\nprocessed = \"delete\"\nformat = \"json\"\nworkers = 3\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            Overrides {
                rules: Some("my-rules".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert_eq!(c.inbox, dir.path().join("in"));
        assert_eq!(c.outbox, Path::new("/abs/out"));
        assert_eq!(c.rules, Path::new("my-rules"));
        assert_eq!(c.settle, Duration::from_millis(250));
        assert_eq!(c.rescan, Duration::from_secs(90));
        assert_eq!(c.processed, AfterSuccess::Delete);
        assert_eq!(c.format, Format::Json);
        assert_eq!(c.worker_count(), 3);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_with_a_place() {
        let e = Config::parse("setle = \"5s\"\n").unwrap_err();
        assert!(
            e.contains("line 1") && e.contains("unknown field `setle`"),
            "{e}"
        );
        let e = Config::parse("settle = \"5 parsecs\"\n").unwrap_err();
        assert!(e.contains("invalid duration"), "{e}");
        let e = Config::parse("processed = \"keep\"\n").unwrap_err();
        assert!(e.contains("unknown variant `keep`"), "{e}");
        let e = Config::parse("queue = 0\n").unwrap_err();
        assert!(e.contains("`queue`"), "{e}");
    }

    #[test]
    fn the_example_config_in_the_repo_is_valid_and_says_the_defaults() {
        let example = Config::parse(include_str!("../../contrib/copydesk.toml")).unwrap();
        let folders = Config {
            inbox: example.inbox.clone(),
            outbox: example.outbox.clone(),
            rules: example.rules.clone(),
            ..Config::default()
        };
        assert_eq!(
            example, folders,
            "contrib/copydesk.toml must show the defaults"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(0.5));
        assert_eq!(parse_duration("2s"), Ok(2.0));
        assert_eq!(parse_duration("1.5"), Ok(1.5));
        assert_eq!(parse_duration("5m"), Ok(300.0));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("").is_err());
    }
}

//! `copydesk run`: the service, in the foreground (as systemd and containers expect).

use super::{OK, USAGE};
use copydesk::service::{self, Config, Overrides};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub folders: Folders,
}

/// Which config file and folders; shared with `copydesk status`, which must find the same
/// inbox.
#[derive(Debug, Clone, clap::Args)]
pub struct Folders {
    /// Settings file (TOML), see docs/service.md; without one, every setting has its default.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where dumps arrive; overrides the config file [default: inbox].
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// Where clean articles are written; overrides the config file [default: outbox].
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
    /// The rules folder, one TOML file per site; overrides the config file [default: rules].
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

impl Folders {
    /// The configuration these flags and the file describe; `None` after printing why not.
    pub fn config(&self) -> Option<Config> {
        let overrides = Overrides {
            inbox: self.inbox.clone(),
            outbox: self.outbox.clone(),
            rules: self.rules.clone(),
        };
        match Config::load(self.config.as_deref(), overrides) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("copydesk: {e}");
                None
            }
        }
    }
}

pub fn run(args: Args) -> u8 {
    let Some(config) = args.folders.config() else {
        return USAGE;
    };
    match service::run(config) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("copydesk: {e}");
            USAGE
        }
    }
}

//! Command-line interface: one module per subcommand.
//!
//! Exit codes are part of the interface: 0 all good, 1 some inputs failed (each named on
//! stderr), 2 usage or rule errors.

mod check;
mod clean;
mod eval;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Everything went as asked.
pub const OK: u8 = 0;
/// Some inputs failed; the others were processed.
pub const SOME_FAILED: u8 = 1;
/// The command line or the rules are wrong; nothing was processed.
pub const USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "copydesk",
    version,
    about = "Cleans raw scraped news-article dumps into tagged articles.",
    long_about = "Cleans raw scraped news-article dumps (plain text, HTML, or JSON envelopes) into \
                  clean articles tagged with metadata, using one rule file per site from a rules \
                  folder and a built-in generic clean-up for sites with no rule file."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Clean files or whole folders once.
    Clean(clean::Args),
    /// Validate every rule file; report each problem as file:line:column: reason.
    Check(check::Args),
    /// Score cleaning against a benchmark corpus with ground truth (WCXB layout).
    Eval(eval::Args),
}

/// Where rule files live; shared by every subcommand that reads rules.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArg {
    /// The rules folder (one TOML file per site).
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: PathBuf,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let code = match cli.command {
        Command::Clean(args) => clean::run(args),
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
    };
    ExitCode::from(code)
}

/// Logs go to stderr (stdout may carry JSON lines); `RUST_LOG` sets the level.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Loads the rules folder, printing every problem; `None` means exit with [`USAGE`].
pub fn load_rules(dir: &std::path::Path) -> Option<copydesk::RuleSet> {
    match copydesk::RuleSet::load(dir) {
        Ok(rules) => Some(rules),
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!(
                "copydesk: {} problem(s) in the rules; fix them (copydesk check lists them) and run again",
                errors.0.len()
            );
            None
        }
    }
}

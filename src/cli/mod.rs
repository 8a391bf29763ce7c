//! Command-line interface: one module per subcommand.
//!
//! Exit codes are part of the interface: 0 all good, 1 some inputs failed (each named on
//! stderr; for `status`: the service is not running), 2 usage or rule errors.

mod batch;
mod check;
mod clean;
mod eval;
mod explain;
mod learn;
mod new_rule;
mod progress;
mod run;
mod status;
mod test;

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
    /// Log format on stderr: readable text, or one JSON object per line. `RUST_LOG` sets
    /// the level (default: info for `run`, warn otherwise).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Clean files or whole folders once.
    Clean(clean::Args),
    /// Clean JSON Lines from stdin: one JSON line on stdout per input line, in order
    /// (for Spark's RDD.pipe, Hadoop streaming and the like).
    Batch(batch::Args),
    /// Validate every rule file; report each problem as file:line:column: reason.
    Check(check::Args),
    /// Run every fixture and compare it with its snapshot; `--bless` accepts the changes.
    Test(test::Args),
    /// Show what the rules did to one dump: every removed line, its kind and its rule.
    Explain(explain::Args),
    /// Scaffold a rule file and fixtures for a new site from sample dumps.
    NewRule(new_rule::Args),
    /// Learn a site's rule file and fixtures from two or more of its dumps.
    Learn(learn::Args),
    /// Run the service: clean every dump dropped into the inbox, until SIGINT or SIGTERM.
    Run(run::Args),
    /// Show what the service on an inbox is doing (exit 1 if it is not running).
    Status(status::Args),
    /// Score cleaning against a benchmark corpus with ground truth (WCXB layout).
    Eval(eval::Args),
}

/// Where rule files live; shared by every subcommand that reads rules.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArg {
    /// The rules folder (one TOML file per site) [default: rules]. Without it and with no
    /// `rules/` folder here, only the built-in generic rules are used.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// The rules folder used when `--rules` is not given.
const DEFAULT_RULES: &str = "rules";

impl RulesArg {
    /// The rules folder: `--rules`, or `rules/`.
    pub fn dir(&self) -> PathBuf {
        self.rules
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_RULES))
    }

    /// Whether there are no site rules to load: no `--rules` and no `rules/` folder here
    /// (a newcomer outside a checkout). The built-in generic rules need no folder.
    pub fn builtin_only(&self) -> bool {
        self.rules.is_none() && !std::path::Path::new(DEFAULT_RULES).exists()
    }

    /// Loads the rules (printing every problem and warning); `None` means exit with
    /// [`USAGE`]. Without a rules folder, the built-in rules, said once on stderr.
    pub fn load(&self) -> Option<copydesk::RuleSet> {
        if self.builtin_only() {
            eprintln!(
                "copydesk: no rules/ folder here and no --rules: using the built-in generic rules only"
            );
            return Some(copydesk::RuleSet::builtin());
        }
        load_rules(&self.dir())
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        Command::Run(_) => "info",
        _ => "warn",
    };
    init_logging(default_level, cli.log_format);
    let code = match cli.command {
        Command::Clean(args) => clean::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Check(args) => check::run(args),
        Command::Test(args) => test::run(args),
        Command::Explain(args) => explain::run(args),
        Command::NewRule(args) => new_rule::run(args),
        Command::Learn(args) => learn::run(args),
        Command::Run(args) => run::run(args),
        Command::Status(args) => status::run(args),
        Command::Eval(args) => eval::run(args),
    };
    ExitCode::from(code)
}

/// Logs go to stderr (stdout may carry JSON lines); `RUST_LOG` sets the level.
fn init_logging(default_level: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    // Colours only for a person at a terminal, not for journald or a log file.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Loads the rules folder, printing every problem; `None` means exit with [`USAGE`].
pub fn load_rules(dir: &std::path::Path) -> Option<copydesk::RuleSet> {
    match copydesk::RuleSet::load(dir) {
        Ok(rules) => {
            for w in &rules.warnings {
                eprintln!("{w}");
            }
            Some(rules)
        }
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

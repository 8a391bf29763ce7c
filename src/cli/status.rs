//! `copydesk status`: what the service on an inbox is doing, from its status file.

use super::run::Folders;
use super::{OK, SOME_FAILED, USAGE};
use copydesk::service::status;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folders: Folders,
    /// Print the status file as it is (JSON).
    #[arg(long)]
    json: bool,
}

/// Exit code 0 while the service runs, 1 when it is not running.
pub fn run(args: Args) -> u8 {
    let Some(config) = args.folders.config() else {
        return USAGE;
    };
    let current = match status::read(&config.inbox) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("copydesk: {e}");
            return SOME_FAILED;
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&current) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("copydesk: {e}");
                return SOME_FAILED;
            }
        }
    } else {
        print!("{}", status::describe(&current));
    }
    if status::is_running(&current) {
        OK
    } else {
        SOME_FAILED
    }
}

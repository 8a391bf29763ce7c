//! `copydesk check`: validate every rule file.

use super::{RulesArg, OK, USAGE};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> u8 {
    match copydesk::RuleSet::load(&args.rules.rules) {
        Ok(rules) => {
            println!(
                "{} rule file(s) OK in {}",
                rules.sites.len(),
                args.rules.rules.display()
            );
            OK
        }
        Err(errors) => {
            for e in &errors.0 {
                println!("{e}");
            }
            eprintln!("{} problem(s) found", errors.0.len());
            USAGE
        }
    }
}

//! `copydesk check`: validate every rule file.

use super::{RulesArg, OK, USAGE};
use copydesk::learn::fingerprint;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> u8 {
    match copydesk::RuleSet::load(&args.rules.rules) {
        Ok(rules) => {
            let warnings = fingerprint_warnings(&rules);
            for w in &warnings {
                println!("{w}");
            }
            println!(
                "{} rule file(s) OK in {}{}",
                rules.sites.len(),
                args.rules.rules.display(),
                match warnings.len() {
                    0 => String::new(),
                    n => format!(", {n} warning(s)"),
                }
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

/// `file:line:column: warning: …` for each fingerprint that is a word or label.
fn fingerprint_warnings(rules: &copydesk::RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    for site in &rules.sites {
        let Some(file) = &site.file else { continue };
        let source = std::fs::read_to_string(file).unwrap_or_default();
        for (pattern, why) in fingerprint::lint(site) {
            let (line, col) = source
                .find(&pattern)
                .map_or((1, 1), |at| copydesk::rules::line_col(&source, at));
            out.push(format!("{}:{line}:{col}: warning: {why}", file.display()));
        }
    }
    out
}

//! `copydesk new-rule`: scaffold a rule file and fixtures for a new site.

use super::{RulesArg, OK, USAGE};
use copydesk::authoring::boilerplate::Shape;
use copydesk::authoring::scaffold::{scaffold, NewSite};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
    /// The fixtures folder the dumps are copied into (under a folder named SITE).
    #[arg(long, value_name = "DIR", default_value = "tests/fixtures")]
    fixtures: PathBuf,
    /// The site's display name (default: SITE).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The site's hostname (repeatable); hosts in the dumps' URLs are added.
    #[arg(long = "host", value_name = "HOST")]
    hosts: Vec<String>,
    /// Sample dumps of the site; with two or more, shared boilerplate is proposed as rules.
    #[arg(long = "from", value_name = "DUMP", num_args = 1.., required = true)]
    from: Vec<PathBuf>,
    /// The new site's id: lowercase letters, digits, '-' or '_'.
    #[arg(value_name = "SITE")]
    site: String,
}

pub fn run(args: Args) -> u8 {
    let new = NewSite {
        id: &args.site,
        name: args.name.as_deref(),
        hosts: &args.hosts,
        dumps: &args.from,
        rules_dir: &args.rules.dir(),
        fixtures_dir: &args.fixtures,
    };
    let done = match scaffold(&new) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("copydesk: {e}");
            return USAGE;
        }
    };
    println!("wrote {}", done.rule_file.display());
    for f in &done.fixtures {
        println!("copied {}", f.display());
    }
    let p = &done.proposals;
    if p.dumps >= 2 {
        println!(
            "\n{} rule(s) proposed from lines the {} dumps share; review each one:",
            p.rules.len(),
            p.dumps
        );
        for r in &p.rules {
            let shape = match r.shape {
                Shape::Block { .. } => format!("block of {} lines", r.lines.len()),
                Shape::Lines => format!("{} line(s)", r.lines.len()),
            };
            println!("  {} ({}, {shape}): {}", r.name, r.kind, r.lines[0]);
        }
        if !p.fingerprints.is_empty() {
            println!("fingerprints: {}", p.fingerprints.join(" | "));
        }
    }
    for n in &done.notes {
        eprintln!("note: {n}");
    }
    println!(
        "\nnext: review {}, then `copydesk test {}` and, once the output is right, \
         `copydesk test --bless {}`",
        done.rule_file.display(),
        args.site,
        args.site
    );
    OK
}

//! `copydesk learn`: learn a site's rule file and fixtures from two or more of its dumps.

use super::{OK, USAGE};
use copydesk::authoring::{fixtures, proposals};
use copydesk::input;
use copydesk::learn::{self, LearnOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site's id: lowercase letters, digits, '-' or '_' (the rule file is ID.toml).
    #[arg(long, value_name = "ID")]
    site: Option<String>,
    /// Apply the service's proposal ID: move OUT/proposed/ID.toml into OUT and its
    /// fixtures into FIXTURES/ID/ (nothing is overwritten; `copydesk status` lists them).
    #[arg(long, value_name = "ID", conflicts_with_all = ["site", "dumps", "force"])]
    accept: Option<String>,
    /// The rules folder the rule file is written to; the other sites' rule files in it are
    /// read so fingerprints stay specific to this site.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    out: PathBuf,
    /// The fixtures folder: the dumps and their snapshots go to DIR/ID/; other sites'
    /// fixtures in it are read so fingerprints stay specific to this site.
    #[arg(long, value_name = "DIR", default_value = "tests/fixtures")]
    fixtures: PathBuf,
    /// The site's hostname (repeatable); hosts in the dumps' URLs are added.
    #[arg(long = "host", value_name = "HOST")]
    hosts: Vec<String>,
    /// The site's display name (default: ID).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Replace an existing rule file and fixtures of the same names.
    #[arg(long)]
    force: bool,
    /// Two or more dumps of the site (text, HTML or JSON envelopes, mixed is fine).
    #[arg(value_name = "DUMP")]
    dumps: Vec<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    if let Some(id) = &args.accept {
        return accept(&args, id);
    }
    let Some(site) = args.site.as_deref() else {
        eprintln!("copydesk: learn needs --site ID (e.g. `copydesk learn --site acme a.html b.html c.html`)");
        return USAGE;
    };
    let mut dumps = Vec::new();
    for path in &args.dumps {
        match input::read(path) {
            Ok(d) => dumps.push(d),
            Err(e) => {
                eprintln!("copydesk: {e}");
                return USAGE;
            }
        }
    }
    let mut options = LearnOptions {
        name: args.name.clone(),
        hosts: args.hosts.clone(),
        ..LearnOptions::default()
    };
    if let Ok(rules) = copydesk::RuleSet::load(&args.out) {
        options.add_other_rules(&rules, site);
    }
    add_other_fixtures(&mut options, &args.fixtures, site);
    let learned = match learn::learn(site, &dumps, &options) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("copydesk: {e}");
            return USAGE;
        }
    };
    let written = match learn::write(&learned, &args.out, &args.fixtures, args.force) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("copydesk: {e}");
            return USAGE;
        }
    };
    println!("wrote {}", written.rule_file.display());
    for f in &written.fixtures {
        println!("wrote {} (and its snapshot)", f.display());
    }
    let r = &learned.report;
    println!("\nlearned from {} dumps:", r.dumps);
    if let Some(c) = &r.content {
        println!("  content root: {c}");
    }
    for rule in &r.rules {
        println!(
            "  {} ({}): fired in {} of {} dumps",
            rule.rule, rule.kind, rule.fired_in, r.dumps
        );
    }
    if !r.fingerprints.is_empty() {
        println!("  fingerprints: {}", r.fingerprints.join(" | "));
    }
    if !r.kept.is_empty() {
        println!(
            "  left in (shared by most articles, but read as headings): {}",
            r.kept.join(" | ")
        );
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "\nnext: review {}, then `copydesk test {site}`; once the output is right, \
         `copydesk test --bless {site}`",
        written.rule_file.display()
    );
    OK
}

/// `--accept ID`: a proposal moved into the rules and fixtures folders.
fn accept(args: &Args, id: &str) -> u8 {
    match proposals::accept(&args.out, &args.fixtures, id) {
        Ok(done) => {
            println!("moved the proposal into {}", done.rule_file.display());
            for f in &done.fixtures {
                println!("moved {} (and its snapshot)", f.display());
            }
            println!(
                "\nnext: `copydesk test {id}`; a running service picks the rule file up by itself"
            );
            OK
        }
        Err(e) => {
            eprintln!("copydesk: {e}");
            USAGE
        }
    }
}

/// Every other site's fixture dumps, as lines no fingerprint of `site` may be.
fn add_other_fixtures(options: &mut LearnOptions, dir: &Path, site: &str) {
    let Ok(found) = fixtures::discover(dir, &[]) else {
        return;
    };
    for f in found.fixtures.iter().filter(|f| f.site != site) {
        if let Ok(d) = input::read(&f.input) {
            match &d.content {
                input::Content::Text(t) => options.add_other_text(t),
                input::Content::Html(page) => {
                    let doc = copydesk::clean::html::parse(page);
                    options.add_other_text(&learn::html::page_text(&doc));
                }
            }
        }
    }
}

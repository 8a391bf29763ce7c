//! `copydesk test`: run every fixture and compare it with its snapshot.

use super::{RulesArg, OK, SOME_FAILED, USAGE};
use copydesk::authoring::runner::{self, Suite};
use copydesk::authoring::style::{ColorChoice, Paint};
use copydesk::Engine;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
    /// The fixtures folder: one folder per site id, dumps with `.expected.md` snapshots.
    #[arg(long, value_name = "DIR", default_value = "tests/fixtures")]
    fixtures: PathBuf,
    /// Write the current output as the new snapshots (fixtures failing for another reason
    /// are left alone).
    #[arg(long, visible_alias = "accept")]
    bless: bool,
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Only these sites (fixture folders), or single fixtures as SITE/NAME (NAME with or
    /// without its extension); all when none.
    #[arg(value_name = "SITE[/NAME]")]
    sites: Vec<String>,
}

pub fn run(args: Args) -> u8 {
    let Some(rules) = args.rules.load() else {
        return USAGE;
    };
    if let Err(e) = runner::check_sites(&rules, &args.sites) {
        eprintln!("copydesk: {e}");
        return USAGE;
    }
    let engine = Engine::new(rules);
    let suite = Suite {
        fixtures: &args.fixtures,
        sites: &args.sites,
        bless: args.bless,
    };
    let report = match runner::run(&engine, &suite) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "copydesk: cannot read the fixtures folder {}: {e}",
                args.fixtures.display()
            );
            return USAGE;
        }
    };
    if !report.unmatched.is_empty() {
        for spec in &report.unmatched {
            let site = spec.split('/').next().unwrap_or(spec);
            eprintln!(
                "copydesk: no fixture {spec} under {}; the site's fixtures are the dumps in {}",
                args.fixtures.display(),
                args.fixtures.join(site).display()
            );
        }
        return USAGE;
    }
    let paint = Paint::new(args.color.enabled());
    let mut stdout = std::io::stdout().lock();
    let mut out = String::new();
    if !report.fixtures_found {
        out.push_str(&format!(
            "no fixtures folder at {}: nothing to test (copydesk new-rule creates one)\n",
            args.fixtures.display()
        ));
    }
    for r in &report.results {
        let file = engine
            .rules()
            .site(&r.fixture.site)
            .and_then(|s| s.file.as_deref());
        out.push_str(&runner::render_result(r, file, paint));
    }
    out.push_str(&report.summary());
    out.push('\n');
    eprint!("{}", runner::render_warnings(&report, paint));
    if stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // A closed pipe (`| head`) is not a test failure; the exit code still tells.
    }
    if report.failed() > 0 {
        SOME_FAILED
    } else {
        OK
    }
}

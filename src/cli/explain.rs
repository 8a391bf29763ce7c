//! `copydesk explain`: show what the rules did to one dump, line by line.

use super::{RulesArg, OK, SOME_FAILED, USAGE};
use copydesk::authoring::explain::{render_terminal, Explanation};
use copydesk::authoring::report_html;
use copydesk::authoring::style::{ColorChoice, Paint};
use copydesk::{Engine, Options};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
    /// The URL the dump was fetched from (chooses the site by host).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Also write a self-contained HTML report here (removed text struck through).
    #[arg(long, value_name = "OUT.html")]
    html: Option<PathBuf>,
    /// When to colour the terminal view.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// The dump to explain.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

pub fn run(args: Args) -> u8 {
    let Some(rules) = args.rules.load() else {
        return USAGE;
    };
    let engine = Engine::new(rules);
    let options = Options {
        url: args.url.clone(),
    };
    let (article, trace) = match engine.explain_file(&args.file, &options) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("copydesk: {e}");
            return SOME_FAILED;
        }
    };
    let explanation = Explanation {
        path: args.file.display().to_string(),
        article,
        trace,
    };
    if let Some(out) = &args.html {
        if let Err(e) = std::fs::write(out, report_html::render(&explanation)) {
            eprintln!("copydesk: cannot write {}: {e}", out.display());
            return SOME_FAILED;
        }
        eprintln!("wrote {}", out.display());
    }
    let text = render_terminal(&explanation, Paint::new(args.color.enabled()));
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    OK
}

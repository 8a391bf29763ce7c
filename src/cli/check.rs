//! `copydesk check`: validate every rule file, and warn about rules that would misbehave.

use super::{RulesArg, OK, USAGE};
use copydesk::authoring::fixtures;
use copydesk::input::{self, Content};
use copydesk::learn::fingerprint;
use copydesk::rules::{RuleError, Site};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RulesArg,
    /// The fixtures folder: `content` selectors that match none of a site's HTML fixtures
    /// are reported.
    #[arg(long, value_name = "DIR", default_value = "tests/fixtures")]
    fixtures: PathBuf,
}

pub fn run(args: Args) -> u8 {
    if args.rules.builtin_only() {
        println!("no rules/ folder here and no --rules: only the built-in generic rules, which are valid");
        return OK;
    }
    let dir = args.rules.dir();
    match copydesk::RuleSet::load(&dir) {
        Ok(rules) => {
            let mut warnings: Vec<String> = rules.warnings.iter().map(|w| w.to_string()).collect();
            for site in &rules.sites {
                warnings.extend(
                    content_matching_nothing(site, &args.fixtures)
                        .iter()
                        .map(|w| w.to_string()),
                );
            }
            warnings.extend(fingerprint_warnings(&rules));
            for w in &warnings {
                println!("{w}");
            }
            println!(
                "{} rule file(s) OK in {}{}",
                rules.sites.len(),
                dir.display(),
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

/// A warning for each `content` selector of `site` that matches nothing in any of the
/// site's HTML fixtures: on such pages copydesk falls back to detecting the content, so
/// the selector is dead (a changed template, or a typo).
fn content_matching_nothing(site: &Site, fixtures_dir: &Path) -> Vec<RuleError> {
    let (Some(file), false) = (&site.file, site.html.content.is_empty()) else {
        return Vec::new();
    };
    let Ok(found) = fixtures::discover(fixtures_dir, std::slice::from_ref(&site.id)) else {
        return Vec::new();
    };
    let pages: Vec<scraper::Html> = found
        .fixtures
        .iter()
        .filter_map(|f| input::read(&f.input).ok())
        .filter_map(|d| match d.content {
            Content::Html(page) => Some(scraper::Html::parse_document(&page)),
            Content::Text(_) => None,
        })
        .collect();
    if pages.is_empty() {
        return Vec::new();
    }
    site.html
        .content
        .iter()
        .zip(site.html.content_sources.iter().zip(&site.html.content_places))
        .filter(|(selector, _)| pages.iter().all(|p| p.select(selector).next().is_none()))
        .map(|(_, (text, &(line, column)))| RuleError {
            file: file.clone(),
            line,
            column,
            message: format!(
                "warning: content selector {:?} matches nothing in the {} HTML fixture(s) of {}; such pages fall back to detecting the content: fix the selector or remove it",
                text,
                pages.len(),
                site.id
            ),
        })
        .collect()
}

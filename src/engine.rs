//! The data path, top to bottom: dump in → site found → rules applied → article out.
//!
//! [`Engine`] is what the CLI, the service, tests and benchmarks share. It owns the loaded
//! rules and is immutable, so one engine can serve many worker threads.

use crate::article::{word_count, Article, RuleRef, SiteRef, Source};
use crate::clean;
use crate::input::{self, Content, Dump, InputError};
use crate::rules::{RuleSet, Site};
use crate::site;
use std::path::Path;

/// Options that change how a dump is read.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The dump's URL when the caller knows it (`--url`); overrides what the dump says.
    pub url: Option<String>,
}

/// Cleans dumps with one set of rules.
#[derive(Debug)]
pub struct Engine {
    rules: RuleSet,
}

impl Engine {
    pub fn new(rules: RuleSet) -> Self {
        Engine { rules }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Reads a file and cleans each dump in it, in order: one article per dump, as the
    /// dumps are read (a file holding many is never all in memory at once). An error about
    /// the file as a whole comes first and alone; an `Err` item is one dump that could not
    /// be read, and the dumps after it are still cleaned.
    pub fn clean_path<'e>(
        &'e self,
        path: &Path,
        options: &'e Options,
    ) -> Result<impl Iterator<Item = Result<Article, InputError>> + 'e, InputError> {
        let dumps = input::open(path)?;
        Ok(dumps.map(move |dump| dump.map(|dump| self.clean(dump, options))))
    }

    /// Reads and cleans a file that is one dump (a fixture, a page being explained).
    pub fn clean_file(&self, path: &Path, options: &Options) -> Result<Article, InputError> {
        let dump = input::read(path)?;
        Ok(self.clean(dump, options))
    }

    /// Cleans a dump that is already read.
    pub fn clean(&self, dump: Dump, options: &Options) -> Article {
        self.run(dump, options, None)
    }

    /// Reads and cleans one file, and says how each line was treated (`copydesk explain`).
    pub fn explain_file(
        &self,
        path: &Path,
        options: &Options,
    ) -> Result<(Article, clean::Trace), InputError> {
        let dump = input::read(path)?;
        let mut trace = clean::Trace::default();
        let article = self.run(dump, options, Some(&mut trace));
        Ok((article, trace))
    }

    fn run(&self, dump: Dump, options: &Options, mut trace: Option<&mut clean::Trace>) -> Article {
        let mut dump = dump;
        let hint_url = options.url.clone().or_else(|| dump.url.clone());
        if let Content::Html(page) = &dump.content {
            let depth = clean::html::nesting_depth(page);
            if depth > clean::html::MAX_DEPTH {
                dump.warnings.push(format!(
                    "HTML nested about {depth} levels deep (limit {}): cleaned as text without its markup",
                    clean::html::MAX_DEPTH
                ));
                dump.content =
                    Content::Text(crate::normalize::text(&clean::html::strip_tags(page)));
            }
        }
        let (found, url, cleaned) = match &dump.content {
            Content::Text(text) => {
                let found = site::find(&self.rules, hint_url.as_deref(), text);
                let found = note_evidence(found, trace.as_deref_mut());
                let cleaned = clean::text_traced(text, found, &self.rules, trace);
                (found, hint_url, cleaned)
            }
            Content::Html(page) => {
                let doc = clean::html::parse(page);
                // A page names itself (canonical, og:url) even when the crawler did not.
                let url = hint_url.or_else(|| crate::metadata::html::canonical(&doc));
                let found = site::find(&self.rules, url.as_deref(), page);
                let found = note_evidence(found, trace.as_deref_mut());
                let cleaned = clean::html_traced(&doc, found, &self.rules, trace);
                (found, url, cleaned)
            }
        };
        self.article(dump, found, url, cleaned)
    }

    fn article(
        &self,
        dump: Dump,
        site: Option<&Site>,
        url: Option<String>,
        cleaned: clean::Cleaned,
    ) -> Article {
        let body = cleaned.paragraphs.join("\n\n");
        let meta = cleaned.metadata;
        let language = site
            .and_then(|s| s.language.clone())
            .or(meta.language)
            .or_else(|| crate::language::detect(&body));
        Article {
            title: meta.title,
            subtitle: meta.subtitle,
            authors: meta.authors,
            published: meta.published,
            site: site.map(|s| SiteRef {
                id: s.id.clone(),
                name: s.name.clone(),
            }),
            generic: site.is_none(),
            url: url.or(meta.url),
            language,
            word_count: word_count(&body),
            text: body,
            source: Source {
                path: dump.path.display().to_string(),
                sha256: dump.sha256,
                format: dump.format.as_str().to_string(),
                fetched_at: dump.fetched_at,
            },
            rule: match site {
                Some(s) => RuleRef {
                    id: s.id.clone(),
                    file: s.file.as_ref().map(|f| f.display().to_string()),
                },
                None => RuleRef {
                    id: self.rules.generic.id.clone(),
                    file: None,
                },
            },
            removed: cleaned.removed,
            warnings: dump.warnings,
        }
    }
}

/// The site found, recording how it was recognised when tracing.
fn note_evidence<'r>(
    found: Option<(&'r Site, site::Evidence)>,
    trace: Option<&mut clean::Trace>,
) -> Option<&'r Site> {
    let (site, evidence) = found.unzip();
    if let Some(trace) = trace {
        trace.evidence = evidence;
    }
    site
}

/// Runs `f`, turning a panic into its message: for callers that must outlive a bug that
/// shows on one input (the service, `clean` over many files).
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

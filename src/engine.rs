//! The data path, top to bottom: dump in → site found → rules applied → metadata read →
//! article out.
//!
//! [`Engine`] is what the CLI, the service, tests and benchmarks share. It owns the loaded
//! rules and is immutable, so one engine can serve many worker threads.

use crate::article::{word_count, Article, RuleRef, SiteRef, Source};
use crate::clean;
use crate::input::{self, Content, Dump, InputError};
use crate::metadata::{self, Metadata};
use crate::rules::{RuleSet, Site};
use crate::site;
use std::path::Path;

/// Options that change how a dump is read.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The dump's URL when the caller knows it (`--url`); overrides what the dump says.
    pub url: Option<String>,
}

/// What cleaning a dump found besides the article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// How an HTML page's content root was chosen (`None` for text).
    pub content_root: Option<clean::html::ContentRoot>,
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
        Ok(self.clean_dumps(input::open(path)?, options))
    }

    /// Cleans each dump of a file already opened (see [`input::open_bytes`]), in order.
    pub fn clean_dumps<'e>(
        &'e self,
        dumps: input::Dumps,
        options: &'e Options,
    ) -> impl Iterator<Item = Result<Article, InputError>> + 'e {
        dumps.map(move |dump| dump.map(|dump| self.clean(dump, options)))
    }

    /// Reads and cleans a file that is one dump (a fixture, a page being explained).
    pub fn clean_file(&self, path: &Path, options: &Options) -> Result<Article, InputError> {
        let dump = input::read(path)?;
        Ok(self.clean(dump, options))
    }

    /// Cleans a dump that is already read.
    pub fn clean(&self, dump: Dump, options: &Options) -> Article {
        self.run(dump, options, None).0
    }

    /// Cleans a dump that is already read, with what cleaning it found besides its article.
    pub fn clean_noted(&self, dump: Dump, options: &Options) -> (Article, Notes) {
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
        let (article, _) = self.run(dump, options, Some(&mut trace));
        Ok((article, trace))
    }

    fn run(
        &self,
        dump: Dump,
        options: &Options,
        mut trace: Option<&mut clean::Trace>,
    ) -> (Article, Notes) {
        let mut dump = dump;
        let hint_url = options.url.clone().or_else(|| dump.url.clone());
        // One budget for every page: a page too costly to parse is cleaned as text.
        let mut parsed = None;
        if let Content::Html(page) = &dump.content {
            match clean::budget::parse(page) {
                Ok(doc) => parsed = Some(doc),
                Err(over) => {
                    dump.warnings.push(over.0);
                    dump.content =
                        Content::Text(crate::normalize::text(&clean::html::strip_tags(page)));
                }
            }
        }
        // Site, then clean; a page is parsed once for both and kept for the metadata stage.
        let (found, url, mut cleaned, doc) = match &dump.content {
            Content::Text(text) => {
                let found = site::find(&self.rules, hint_url.as_deref(), text);
                let found = note_evidence(found, trace.as_deref_mut());
                let cleaned = clean::text(text, found, &self.rules);
                (found, hint_url, cleaned, None)
            }
            Content::Html(page) => {
                let doc = parsed.unwrap_or_else(|| clean::html::parse(page));
                // A page names itself (canonical, og:url) even when the crawler did not.
                let url = hint_url.or_else(|| metadata::html::canonical(&doc));
                let found = site::find(&self.rules, url.as_deref(), page);
                let found = note_evidence(found, trace.as_deref_mut());
                let cleaned = clean::html(&doc, found, &self.rules, trace.is_some());
                (found, url, cleaned, Some(doc))
            }
        };
        let context = metadata::Context {
            page: doc.as_ref(),
            url: url.as_deref(),
            fetched_at: dump.fetched_at.as_deref(),
        };
        let meta = metadata::read(&mut cleaned, found, &self.rules, context);
        if let Some(trace) = trace.as_deref_mut() {
            // A value read from a line shows that line's rule in `explain` instead.
            trace.metadata_sources = meta.sources.named();
            trace.metadata_sources.retain(|(_, source)| {
                !matches!(
                    source.as_str(),
                    "byline-text" | "credit-line" | "first-line" | "after-title"
                )
            });
        }
        let body = cleaned.finish(found, &self.rules, trace);
        let notes = Notes {
            content_root: body.content_root.clone(),
        };
        (self.article(dump, found, url, meta, body), notes)
    }

    fn article(
        &self,
        dump: Dump,
        site: Option<&Site>,
        url: Option<String>,
        meta: Metadata,
        cleaned: clean::Body,
    ) -> Article {
        let body = cleaned.paragraphs.join("\n\n");
        let url = url.or(meta.url.clone());
        let markdown = match &cleaned.structure {
            Some(structure) => structure.markdown(url.as_deref()),
            None => body.clone(),
        };
        let language = site
            .and_then(|s| s.language.clone())
            .or(meta.language)
            .or_else(|| crate::language::detect(&body));
        Article {
            title: meta.title,
            subtitle: meta.subtitle,
            authors: meta.authors,
            published: meta.published,
            metadata_sources: meta.sources,
            site: site.map(|s| SiteRef {
                id: s.id.clone(),
                name: s.name.clone(),
            }),
            generic: site.is_none(),
            url,
            language,
            word_count: word_count(&body),
            text: body,
            markdown,
            source: Source {
                path: dump.path.display().to_string(),
                sha256: dump.sha256,
                format: dump.format.as_str().to_string(),
                fetched_at: dump.fetched_at,
                record: dump.record,
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

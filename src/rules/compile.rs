//! Turning a parsed rule file into runnable rules, collecting every problem on the way.

use super::compiled::*;
use super::error::RuleError;
use super::model::{self, Action, Checked, Guard, OneOrMany, Part, RuleFile, Src, Srcs};
use super::GENERIC_ID;
use regex::{Regex, RegexSet};
use scraper::Selector;
use std::path::Path;
use toml::Spanned;

/// Parses and compiles one rule file. `file` is only used in error messages and output.
/// Every problem found is returned, not only the first: each rule is read on its own.
pub fn compile_source(file: &Path, source: &str, builtin: bool) -> Result<Site, Vec<RuleError>> {
    compile_excluding(file, source, builtin, &[])
}

/// [`compile_source`] without the removal rules named in `exclude` (unqualified names):
/// the generic set as a site that switched some of it off sees it.
pub fn compile_excluding(
    file: &Path,
    source: &str,
    builtin: bool,
    exclude: &[String],
) -> Result<Site, Vec<RuleError>> {
    let mut parsed: RuleFile = toml::from_str(source).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let (message, _) = author_words(e.message());
        vec![RuleError::at(file, source, offset, message)]
    })?;
    parsed.text.remove.retain(|name, _| !exclude.contains(name));
    parsed.html.remove.retain(|name, _| !exclude.contains(name));
    let mut c = Compiler {
        file,
        source,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut site = c.site(parsed, builtin);
    site.warnings = c.warnings;
    if c.errors.is_empty() {
        Ok(site)
    } else {
        Err(c.errors)
    }
}

struct Compiler<'a> {
    file: &'a Path,
    source: &'a str,
    errors: Vec<RuleError>,
    warnings: Vec<RuleError>,
}

/// How each part of a rule file is written correctly, for messages about a wrong one.
const SITE_EXAMPLE: &str =
    "[site] with id = \"acme\", name = \"Acme Daily\", hosts = [\"acme.example.com\"]";
const TEXT_RULE_EXAMPLE: &str = "kind = \"share\" and line = 'Share this article'";
const HTML_RULE_EXAMPLE: &str = "kind = \"share\" and selector = '.share-bar'";
const TEXT_METADATA_EXAMPLE: &str =
    "title = \"first\", byline = ['By (?P<authors>.+)'], date_format = ['%B %d, %Y']";
const HTML_METADATA_EXAMPLE: &str =
    "title = 'h1.headline', authors = { meta = 'author' }, published = { selector = 'time', attr = 'datetime' }";
const TESTS_EXAMPLE: &str = "must_not_contain = ['Sign up for our newsletter']";

impl Compiler<'_> {
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.errors
            .push(RuleError::at(self.file, self.source, offset, message));
    }

    fn warn(&mut self, offset: usize, message: impl Into<String>) {
        let message = format!("warning: {}", message.into());
        self.warnings
            .push(RuleError::at(self.file, self.source, offset, message));
    }

    /// The value of a part, or `None` after reporting why it could not be read: at the key
    /// the message names, in the author's words, with an example of what is expected.
    fn part<T>(&mut self, part: Part<T>, what: &str, example: &str) -> Option<T> {
        let start = part.span().start;
        match part.into_inner() {
            Checked::Ok(t) => Some(t),
            Checked::Err(message) => {
                let (message, key) = author_words(&message);
                let offset = match &key {
                    Some(Located::Key(k)) => self.key_at(start, k),
                    Some(Located::Value(k)) => self.value_at(start, k),
                    None => start,
                };
                self.error(offset, format!("{what}: {message}; for example {example}"));
                None
            }
        }
    }

    fn site(&mut self, f: RuleFile, builtin: bool) -> Site {
        let site_at = f.site.span().start;
        let spec = self.part(f.site, "[site]", SITE_EXAMPLE);
        let fallback_id = self
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = spec
            .as_ref()
            .map_or(fallback_id, |s| s.id.get_ref().clone());
        let mut fingerprints = Vec::new();
        let mut hosts = Vec::new();
        let mut disable_generic = Vec::new();
        if let Some(spec) = &spec {
            let id_at = spec.id.span().start;
            if !valid_id(&id) {
                self.error(
                    id_at,
                    format!("site id {id:?} must be lowercase letters, digits, '-' or '_', e.g. \"acme-daily\""),
                );
            }
            if !builtin && id == GENERIC_ID {
                self.error(
                    id_at,
                    format!("site id {GENERIC_ID:?} is reserved for the built-in generic rules; name the site after itself, e.g. \"acme-daily\""),
                );
            }
            fingerprints = spec
                .fingerprints
                .iter()
                .filter_map(|p| self.line_regex(p))
                .collect::<Vec<_>>();
            if !builtin && spec.hosts.is_empty() && fingerprints.is_empty() {
                self.error(
                    id_at,
                    "a site needs `hosts` or `fingerprints`, or no dump can ever be matched to it; e.g. hosts = [\"acme.example.com\"]",
                );
            }
            hosts = spec
                .hosts
                .iter()
                .map(|h| h.trim().trim_start_matches("www.").to_ascii_lowercase())
                .collect();
            disable_generic = self.disable_generic(&spec.disable_generic, builtin);
        } else {
            let _ = site_at;
        }
        let text = self.text_rules(&id, f.text);
        let html = self.html_rules(&id, f.html);
        let tests = f
            .tests
            .and_then(|t| self.part(t, "[tests]", TESTS_EXAMPLE))
            .unwrap_or_default();
        let (name, min_fingerprints, language, use_generic) = match spec {
            Some(s) => (
                s.name,
                s.min_fingerprints.max(1),
                s.language,
                s.use_generic && !builtin,
            ),
            None => (String::new(), 1, None, !builtin),
        };
        Site {
            id,
            name,
            file: (!builtin).then(|| self.file.to_path_buf()),
            hosts,
            fingerprints,
            min_fingerprints,
            language,
            use_generic,
            disable_generic,
            own_generic: None,
            text,
            html,
            must_contain: tests.must_contain,
            must_not_contain: tests.must_not_contain,
            warnings: Vec::new(),
        }
    }

    /// The generic rules a site switches off, checked against the generic set's names.
    fn disable_generic(&mut self, names: &[Src], builtin: bool) -> Vec<String> {
        if builtin && !names.is_empty() {
            self.error(
                names[0].span().start,
                "the generic rules cannot disable themselves",
            );
            return Vec::new();
        }
        let known = generic_rule_names();
        let mut out = Vec::new();
        for name in names {
            let at = name.span().start;
            let written = name.get_ref().trim();
            let short = written
                .strip_prefix(GENERIC_ID)
                .and_then(|r| r.strip_prefix('/'))
                .unwrap_or(written);
            if known.iter().any(|k| k == short) {
                out.push(short.to_string());
            } else {
                self.error(
                    at,
                    format!(
                        "disable_generic: there is no generic rule {written:?}; name one as output shows it, e.g. \"{GENERIC_ID}/{}\"",
                        known.first().map_or("share-bar", String::as_str)
                    ),
                );
            }
        }
        out
    }

    fn text_rules(&mut self, site: &str, spec: model::TextSpec) -> TextRules {
        let mut rules = Vec::new();
        let mut line_patterns = Vec::new();
        let mut owner = Vec::new();
        for (name, part) in spec.remove {
            let table_at = self.offset_of_table("text.remove", &name, part.span().start);
            let what = format!("rule `{name}`");
            let Some(rule) = self.part(part, &what, TEXT_RULE_EXAMPLE) else {
                continue;
            };
            for guard in Guard::ALL {
                if guard.is_set(&rule.guards) && !guard.applies_to(&rule.action) {
                    let at = self.key_at(table_at, guard.key());
                    self.warn(
                        at,
                        format!(
                            "rule `{name}`: `{}` does nothing on a `{}` rule",
                            guard.key(),
                            rule.action.key()
                        ),
                    );
                }
            }
            let min_position = self.fraction(&name, table_at, rule.guards.min_position, 0.0);
            let max_position = self.fraction(&name, table_at, rule.guards.max_position, 1.0);
            let index = rules.len();
            let action = match rule.action {
                Action::Line(lines) => self.patterns(&name, &lines).map(|patterns| {
                    for pattern in patterns {
                        line_patterns.push(anchored(&pattern));
                        owner.push(index);
                    }
                    Action::Line(())
                }),
                markers => markers.try_map(
                    |marker| {
                        self.warn_if_too_broad(&name, &marker, "marker");
                        self.line_regex(&marker)
                    },
                    |_| None,
                ),
            };
            let Some(action) = action else { continue };
            rules.push(TextRule {
                name: format!("{site}/{name}"),
                kind: rule.kind,
                action,
                max_lines: rule.guards.max_lines.unwrap_or(usize::MAX),
                min_position,
                max_position,
                last: rule.guards.last,
            });
        }
        let set = RegexSet::new(&line_patterns).unwrap_or_else(|e| {
            // Each pattern compiled on its own above; a set can still exceed size limits.
            self.error(
                0,
                format!("the rules' line patterns together are too large: {e}"),
            );
            RegexSet::empty()
        });
        let metadata = spec
            .metadata
            .and_then(|m| self.part(m, "[text.metadata]", TEXT_METADATA_EXAMPLE))
            .unwrap_or_default();
        let metadata = self.text_metadata(metadata);
        TextRules {
            rules,
            lines: LineSet { set, owner },
            metadata,
            heuristics: spec.heuristics,
        }
    }

    /// Warns about a pattern that matches an empty line or any line: as a `line` pattern it
    /// removes every article, as a marker it cuts at the first line.
    fn warn_if_too_broad(&mut self, rule: &str, p: &Src, role: &str) {
        let Ok(re) = Regex::new(&anchored(p.get_ref())) else {
            return;
        };
        let at = self.find_within(p.span().start, p.get_ref());
        if SAMPLE_LINES.iter().all(|l| re.is_match(l)) {
            self.warn(
                at,
                format!(
                    "rule `{rule}`: the {role} {:?} matches every line, so it would remove whole articles; make it match only the boilerplate, e.g. 'Share this article'",
                    p.get_ref()
                ),
            );
        } else if re.is_match("") {
            self.warn(
                at,
                format!(
                    "rule `{rule}`: the {role} {:?} matches an empty line; make it match at least one character, e.g. '.+' instead of '.*'",
                    p.get_ref()
                ),
            );
        }
    }

    fn text_metadata(&mut self, spec: model::TextMetadataSpec) -> TextMetadata {
        let title = match spec.title {
            None => TitleRule::First,
            Some(t) => {
                let at = t.span().start;
                match t.into_inner() {
                    model::TitleSpec::Keyword(k) => match k.as_str() {
                        "first" => TitleRule::First,
                        "none" => TitleRule::None,
                        other => {
                            self.error(
                                at,
                                format!("title = {other:?}: expected \"first\", \"none\", {{ pattern = … }} or {{ before = … }}"),
                            );
                            TitleRule::First
                        }
                    },
                    model::TitleSpec::Rule(r) => match (r.pattern, r.before) {
                        (Some(p), None) => self
                            .regex_at(at, &anchored(&p))
                            .map_or(TitleRule::First, TitleRule::Pattern),
                        (None, Some(b)) => self
                            .regex_at(at, &anchored(&b))
                            .map_or(TitleRule::First, TitleRule::Before),
                        _ => {
                            self.error(at, "title: give exactly one of `pattern` or `before`");
                            TitleRule::First
                        }
                    },
                }
            }
        };
        let subtitle = match spec.subtitle {
            None => SubtitleRule::Guess,
            Some(s) => {
                let at = s.span().start;
                match s.into_inner() {
                    model::SubtitleSpec::Keyword(k) => match k.as_str() {
                        "guess" => SubtitleRule::Guess,
                        "after-title" => SubtitleRule::AfterTitle,
                        "none" => SubtitleRule::None,
                        other => {
                            self.error(
                                at,
                                format!("subtitle = {other:?}: expected \"guess\", \"after-title\", \"none\" or {{ pattern = … }}"),
                            );
                            SubtitleRule::Guess
                        }
                    },
                    model::SubtitleSpec::Rule(r) => self
                        .regex_at(at, &anchored(&r.pattern))
                        .map_or(SubtitleRule::Guess, SubtitleRule::Pattern),
                }
            }
        };
        let mut multiline = |patterns: &[Src]| -> Vec<Regex> {
            patterns
                .iter()
                .filter_map(|p| self.regex_at(p.span().start, &multiline_anchored(p.get_ref())))
                .collect()
        };
        let byline = multiline(&spec.byline);
        let credit = multiline(&spec.credit);
        self.date_formats(&spec.date_format);
        TextMetadata {
            title,
            subtitle,
            byline,
            credit,
            date_formats: spec.date_format,
            drop_above_title: spec.drop_above_title.unwrap_or(true),
            guess: spec.guess.unwrap_or(false),
        }
    }

    fn html_rules(&mut self, site: &str, spec: model::HtmlSpec) -> HtmlRules {
        let content: Vec<(usize, String)> = spec
            .content
            .as_ref()
            .map(|c| self.located(c))
            .unwrap_or_default();
        let mut content_selectors = Vec::new();
        let mut content_sources = Vec::new();
        let mut content_places = Vec::new();
        for (offset, s) in content {
            if let Some(selector) = self.selector_at(offset, &s) {
                content_selectors.push(selector);
                content_places.push(super::error::line_col(self.source, offset));
                content_sources.push(s.trim().to_string());
            }
        }
        let mut remove = Vec::new();
        for (name, part) in spec.remove {
            let what = format!("rule `{name}`");
            let Some(rule) = self.part(part, &what, HTML_RULE_EXAMPLE) else {
                continue;
            };
            let items = self.located(&rule.selector);
            let parsed: Vec<_> = items
                .iter()
                .map(|(offset, s)| self.selector_at(*offset, s))
                .collect();
            if items.is_empty() {
                let at = rule.selector.span().start;
                self.error(
                    at,
                    format!("rule `{name}`: `selector` is an empty list; give at least one, e.g. selector = '.share-bar'"),
                );
                continue;
            }
            if parsed.iter().any(Option::is_none) {
                continue;
            }
            // One selector list matches an element if any item does: one pass per element.
            let joined = items
                .iter()
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let Ok(selector) = super::selector::parse(&joined) else {
                continue;
            };
            remove.push(HtmlRule {
                name: format!("{site}/{name}"),
                kind: rule.kind,
                selector,
                source: joined.trim().to_string(),
            });
        }
        let m = spec
            .metadata
            .and_then(|m| self.part(m, "[html.metadata]", HTML_METADATA_EXAMPLE))
            .unwrap_or_default();
        self.date_formats(&m.date_format);
        let metadata = HtmlMetadata {
            title: self.html_sources(m.title),
            subtitle: self.html_sources(m.subtitle),
            authors: self.html_sources(m.authors),
            published: self.html_sources(m.published),
            date_formats: m.date_format,
        };
        HtmlRules {
            content: content_selectors,
            content_places,
            content_sources,
            remove,
            metadata,
            remove_prefilter: Default::default(),
        }
    }

    fn html_sources(
        &mut self,
        spec: Option<Spanned<OneOrMany<model::HtmlSource>>>,
    ) -> Vec<HtmlSource> {
        let Some(spec) = spec else { return Vec::new() };
        let at = spec.span().start;
        let mut out = Vec::new();
        for source in spec.into_inner().into_vec() {
            match source {
                model::HtmlSource::Selector(s) => {
                    let offset = self.find_within(at, &s);
                    if let Some(selector) = self.selector_at(offset, &s) {
                        out.push(HtmlSource::Selector {
                            selector,
                            attr: None,
                        });
                    }
                }
                model::HtmlSource::Detailed(d) => match (d.selector, d.meta) {
                    (Some(s), None) => {
                        let offset = self.find_within(at, &s);
                        if let Some(selector) = self.selector_at(offset, &s) {
                            out.push(HtmlSource::Selector {
                                selector,
                                attr: d.attr,
                            });
                        }
                    }
                    (None, Some(meta)) if d.attr.is_none() => out.push(HtmlSource::Meta(meta)),
                    _ => self.error(
                        at,
                        "a metadata source is a selector string, { selector = …, attr = … } or { meta = … }, e.g. { meta = 'og:title' }",
                    ),
                },
            }
        }
        out
    }

    fn date_formats(&mut self, formats: &[String]) {
        for f in formats {
            if chrono::format::StrftimeItems::new(f).any(|i| i == chrono::format::Item::Error) {
                let at = self.find_within(0, f);
                self.error(
                    at,
                    format!("date_format {f:?} is not a valid chrono format"),
                );
            }
        }
    }

    fn fraction(&mut self, rule: &str, table_at: usize, value: Option<f64>, default: f64) -> f64 {
        match value {
            None => default,
            Some(v) if (0.0..=1.0).contains(&v) => v,
            Some(v) => {
                self.error(
                    table_at,
                    format!("rule `{rule}`: position {v} must be between 0 and 1, e.g. 0.5 for the second half"),
                );
                default
            }
        }
    }

    /// Compiles a whole-line pattern, reporting a bad one at its place.
    fn line_regex(&mut self, p: &Src) -> Option<Regex> {
        let at = self.find_within(p.span().start, p.get_ref());
        self.regex_at(at, &anchored(p.get_ref()))
    }

    /// The `line` patterns of a rule, each checked; `None` if any is invalid.
    fn patterns(&mut self, rule: &str, srcs: &Srcs) -> Option<Vec<String>> {
        let mut ok = Vec::new();
        let mut all_valid = true;
        for (offset, p) in self.located(srcs) {
            self.warn_if_too_broad(rule, &Spanned::new(offset..offset, p.clone()), "pattern");
            if self.regex_at(offset, &anchored(&p)).is_some() {
                ok.push(p);
            } else {
                all_valid = false;
            }
        }
        all_valid.then_some(ok)
    }

    /// The items of a one-or-many value with the offset each one was written at (each
    /// searched after the one before, as a quoted string first, so `['.ok', '.']` puts the
    /// second item at its own quotes).
    fn located(&self, srcs: &Srcs) -> Vec<(usize, String)> {
        let mut from = srcs.span().start;
        let mut out = Vec::new();
        for s in srcs.get_ref().clone().into_vec() {
            let quoted = ['\'', '"']
                .iter()
                .filter_map(|q| {
                    let at = self.find_within(from, &format!("{q}{s}{q}"));
                    (self.source[at..].starts_with(*q)).then_some(at + 1)
                })
                .min();
            let at = quoted.unwrap_or_else(|| self.find_within(from, &s));
            from = at + s.len();
            out.push((at, s));
        }
        out
    }

    /// Best guess at where `needle` was written, searching from `from`; `from` if not found.
    fn find_within(&self, from: usize, needle: &str) -> usize {
        let from = from.min(self.source.len());
        if needle.is_empty() || !self.source.is_char_boundary(from) {
            return from;
        }
        self.source[from..].find(needle).map_or(from, |i| from + i)
    }

    /// Where the table `[<prefix>.<name>]` starts; `fallback` if it is not found (an
    /// inline table, a quoted name).
    fn offset_of_table(&self, prefix: &str, name: &str, fallback: usize) -> usize {
        self.source
            .find(&format!("[{prefix}.{name}]"))
            .unwrap_or(fallback)
    }

    /// Where `key = …` is written, searching from `from`; `from` if not found.
    fn key_at(&self, from: usize, key: &str) -> usize {
        let from = from.min(self.source.len());
        let Some(rest) = self.source.get(from..) else {
            return from;
        };
        let mut searched = 0;
        while let Some(i) = rest[searched..].find(key) {
            let at = searched + i;
            let before_ok = at == 0
                || rest[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_whitespace() || c == '{' || c == ',');
            let after = rest[at + key.len()..].trim_start();
            if before_ok && after.starts_with('=') {
                return from + at;
            }
            searched = at + key.len();
        }
        from
    }

    /// Where the value of `key = …` starts, searching from `from`.
    fn value_at(&self, from: usize, key: &str) -> usize {
        let at = self.key_at(from, key);
        let rest = &self.source[at..];
        match rest.find('=') {
            Some(eq) if at != from || rest.starts_with(key) => {
                let after = &rest[eq + 1..];
                at + eq + 1 + (after.len() - after.trim_start().len())
            }
            _ => at,
        }
    }

    fn regex_at(&mut self, offset: usize, pattern: &str) -> Option<Regex> {
        match Regex::new(pattern) {
            Ok(r) => Some(r),
            Err(e) => {
                let detail = e.to_string();
                let last = detail.lines().last().unwrap_or("").trim();
                let last = last.strip_prefix("error: ").unwrap_or(last).to_string();
                self.error(offset, format!("invalid regex: {last}"));
                None
            }
        }
    }

    fn selector_at(&mut self, offset: usize, selector: &str) -> Option<Selector> {
        match super::selector::parse(selector) {
            Ok(s) => Some(s),
            Err(reason) => {
                self.error(
                    offset,
                    format!("invalid CSS selector {selector:?}: {reason}"),
                );
                None
            }
        }
    }
}

/// Lines of every shape a dump has; a pattern matching all of them matches any line.
const SAMPLE_LINES: [&str; 6] = [
    "x",
    "The council voted on Tuesday to close the bridge for repairs.",
    "2021",
    "Ünïcödé — «quoted», with punctuation!",
    "MENU",
    "   ",
];

/// How a serde message names where the problem is.
enum Located {
    /// At the key (`unknown field`).
    Key(String),
    /// At the value of the key.
    Value(String),
}

/// A deserialiser's message in the author's words, and the key it is about.
fn author_words(message: &str) -> (String, Option<Located>) {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("").to_string();
    let key = lines
        .find_map(|l| l.strip_prefix("in `").and_then(|k| k.strip_suffix('`')))
        .map(|k| k.rsplit('.').next().unwrap_or(k).to_string());
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    if let Some(rest) = first.strip_prefix("unknown field ") {
        let field = quoted(rest).unwrap_or_default();
        let expected = rest
            .split_once(", expected ")
            .map(|(_, e)| e.replace("one of ", ""))
            .unwrap_or_default();
        let message = if expected.is_empty() {
            format!("unknown key `{field}`")
        } else {
            format!("unknown key `{field}`: the keys here are {expected}")
        };
        return (message, Some(Located::Key(field)));
    }
    if let Some(rest) = first.strip_prefix("missing field ") {
        let field = quoted(rest).unwrap_or_default();
        return (format!("`{field}` is missing"), None);
    }
    if let Some(rest) = first.strip_prefix("unknown variant ") {
        let value = quoted(rest).unwrap_or_default();
        let expected = rest
            .split_once(", expected ")
            .map(|(_, e)| e.replace("one of ", ""))
            .unwrap_or_default();
        let what = key
            .as_deref()
            .map_or(String::new(), |k| format!("`{k}` = "));
        return (
            format!("{what}{value:?} is not allowed: use one of {expected}"),
            key.map(Located::Value),
        );
    }
    if let Some(rest) = first.strip_prefix("invalid type: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        let what = key.as_deref().map_or(String::new(), |k| format!("`{k}` "));
        return (
            format!("{what}must be {expected}, not {got}"),
            key.map(Located::Value),
        );
    }
    (first, key.map(Located::Value))
}

/// The names of the generic set's removal rules (text and HTML), for `disable_generic`.
fn generic_rule_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let parsed: RuleFile =
            toml::from_str(super::GENERIC_RULES).expect("the built-in generic rules parse");
        parsed
            .text
            .remove
            .keys()
            .chain(parsed.html.remove.keys())
            .cloned()
            .collect()
    })
}

/// Whole-line anchoring: patterns match a complete trimmed line, never a prefix.
pub fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// Byline patterns run over several lines at once; each end is anchored at a line boundary.
fn multiline_anchored(pattern: &str) -> String {
    format!("(?m)^(?:{pattern})$")
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

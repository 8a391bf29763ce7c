//! Turning a parsed rule file into runnable rules, collecting every problem on the way.

use super::compiled::*;
use super::error::RuleError;
use super::model::{self, OneOrMany, RuleFile, Src, Srcs};
use regex::{Regex, RegexSet};
use scraper::Selector;
use std::path::Path;
use toml::Spanned;

/// Parses and compiles one rule file. `file` is only used in error messages and output.
pub fn compile_source(file: &Path, source: &str, builtin: bool) -> Result<Site, Vec<RuleError>> {
    let parsed: RuleFile = toml::from_str(source).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let message = e
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(": ");
        vec![RuleError::at(file, source, offset, message)]
    })?;
    let mut c = Compiler {
        file,
        source,
        errors: Vec::new(),
    };
    let site = c.site(parsed, builtin);
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
}

impl Compiler<'_> {
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.errors
            .push(RuleError::at(self.file, self.source, offset, message));
    }

    fn site(&mut self, f: RuleFile, builtin: bool) -> Site {
        let id = f.site.id.get_ref().clone();
        if !valid_id(&id) {
            self.error(
                f.site.id.span().start,
                format!("site id {id:?} must be lowercase letters, digits, '-' or '_'"),
            );
        }
        let fingerprints = f
            .site
            .fingerprints
            .iter()
            .filter_map(|p| self.line_regex(p))
            .collect::<Vec<_>>();
        if !builtin && f.site.hosts.is_empty() && fingerprints.is_empty() {
            self.error(
                f.site.id.span().start,
                "a site needs `hosts` or `fingerprints`, or no dump can ever be matched to it",
            );
        }
        let hosts = f
            .site
            .hosts
            .iter()
            .map(|h| h.trim().trim_start_matches("www.").to_ascii_lowercase())
            .collect();
        let text = self.text_rules(&id, f.text);
        let html = self.html_rules(&id, f.html);
        Site {
            id,
            name: f.site.name,
            file: (!builtin).then(|| self.file.to_path_buf()),
            hosts,
            fingerprints,
            min_fingerprints: f.site.min_fingerprints.max(1),
            language: f.site.language,
            use_generic: f.site.use_generic && !builtin,
            text,
            html,
            must_contain: f.tests.must_contain,
            must_not_contain: f.tests.must_not_contain,
        }
    }

    fn text_rules(&mut self, site: &str, spec: model::TextSpec) -> TextRules {
        let mut rules = Vec::new();
        let mut line_patterns = Vec::new();
        let mut owner = Vec::new();
        for (name, rule) in spec.remove {
            let qualified = format!("{site}/{name}");
            let index = rules.len();
            let kind = rule.kind;
            let mut actions = Vec::new();
            if let Some(lines) = &rule.line {
                for pattern in self.patterns(lines) {
                    line_patterns.push(anchored(&pattern));
                    owner.push(index);
                }
                actions.push(TextAction::Lines);
            }
            match (&rule.start, &rule.end) {
                (Some(start), Some(end)) => {
                    if let (Some(start), Some(end)) = (self.line_regex(start), self.line_regex(end))
                    {
                        actions.push(TextAction::Block {
                            start,
                            end,
                            max_lines: rule.max_lines,
                        });
                    } else {
                        actions.push(TextAction::Lines);
                    }
                }
                (Some(s), None) | (None, Some(s)) => {
                    self.error(
                        s.span().start,
                        format!("rule `{name}`: a block needs both `start` and `end`"),
                    );
                    actions.push(TextAction::Lines);
                }
                (None, None) => {}
            }
            let min_position = self.fraction(&name, rule.min_position, 0.0);
            let max_position = self.fraction(&name, rule.max_position, 1.0);
            for (marker, keep_marker, tail) in [
                (&rule.from, false, true),
                (&rule.after, true, true),
                (&rule.before, true, false),
                (&rule.through, false, false),
            ] {
                let Some(marker) = marker else { continue };
                let Some(marker) = self.line_regex(marker) else {
                    actions.push(TextAction::Lines);
                    continue;
                };
                actions.push(if tail {
                    TextAction::Tail {
                        marker,
                        keep_marker,
                        min_position,
                        last: rule.last,
                    }
                } else {
                    TextAction::Head {
                        marker,
                        keep_marker,
                        max_position,
                        last: rule.last,
                    }
                });
            }
            if let Some(marker) = &rule.paragraph_after {
                if let Some(marker) = self.line_regex(marker) {
                    actions.push(TextAction::RestOfParagraph {
                        marker,
                        last: rule.last,
                    });
                } else {
                    actions.push(TextAction::Lines);
                }
            }
            let offset = self.offset_of_table(&name);
            match actions.len() {
                0 => self.error(
                    offset,
                    format!(
                        "rule `{name}` removes nothing: give it one of `line`, `start`+`end`, \
                         `from`, `after`, `before`, `through` or `paragraph_after`"
                    ),
                ),
                1 => {}
                _ => self.error(
                    offset,
                    format!(
                        "rule `{name}` has more than one of `line`, `start`+`end`, `from`, \
                         `after`, `before`, `through`, `paragraph_after`: split it into one rule each"
                    ),
                ),
            }
            rules.push(TextRule {
                name: qualified,
                kind,
                action: actions.into_iter().next().unwrap_or(TextAction::Lines),
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
        let metadata = self.text_metadata(spec.metadata);
        TextRules {
            rules,
            lines: LineSet { set, owner },
            metadata,
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
        }
    }

    fn html_rules(&mut self, site: &str, spec: model::HtmlSpec) -> HtmlRules {
        let (content, content_sources): (Vec<_>, Vec<_>) = spec
            .content
            .as_ref()
            .map(|c| {
                self.located(c)
                    .into_iter()
                    .filter_map(|(offset, s)| {
                        let selector = self.selector_at(offset, &s)?;
                        Some((selector, s.trim().to_string()))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .unzip();
        let mut remove = Vec::new();
        for (name, rule) in spec.remove {
            let at = self.find_within(rule.selector.span().start, rule.selector.get_ref());
            if let Some(selector) = self.selector_at(at, rule.selector.get_ref()) {
                remove.push(HtmlRule {
                    name: format!("{site}/{name}"),
                    kind: rule.kind,
                    selector,
                    source: rule.selector.get_ref().trim().to_string(),
                });
            }
        }
        let m = spec.metadata;
        self.date_formats(&m.date_format);
        let metadata = HtmlMetadata {
            title: self.html_sources(m.title),
            subtitle: self.html_sources(m.subtitle),
            authors: self.html_sources(m.authors),
            published: self.html_sources(m.published),
            date_formats: m.date_format,
        };
        HtmlRules {
            content,
            content_sources,
            remove,
            metadata,
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
                        "a metadata source is a selector string, { selector = …, attr = … } or { meta = … }",
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

    fn fraction(&mut self, rule: &str, value: Option<f64>, default: f64) -> f64 {
        match value {
            None => default,
            Some(v) if (0.0..=1.0).contains(&v) => v,
            Some(v) => {
                let at = self.offset_of_table(rule);
                self.error(
                    at,
                    format!("rule `{rule}`: position {v} must be between 0 and 1"),
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

    fn patterns(&mut self, srcs: &Srcs) -> Vec<String> {
        let mut ok = Vec::new();
        for (offset, p) in self.located(srcs) {
            if self.regex_at(offset, &anchored(&p)).is_some() {
                ok.push(p);
            }
        }
        ok
    }

    /// The items of a one-or-many value with the offset each one was written at.
    fn located(&self, srcs: &Srcs) -> Vec<(usize, String)> {
        let start = srcs.span().start;
        srcs.get_ref()
            .clone()
            .into_vec()
            .into_iter()
            .map(|s| (self.find_within(start, &s), s))
            .collect()
    }

    /// Best guess at where `needle` was written, searching from `from`; `from` if not found.
    fn find_within(&self, from: usize, needle: &str) -> usize {
        let from = from.min(self.source.len());
        if needle.is_empty() || !self.source.is_char_boundary(from) {
            return from;
        }
        self.source[from..].find(needle).map_or(from, |i| from + i)
    }

    fn offset_of_table(&self, rule: &str) -> usize {
        self.source.find(&format!(".{rule}]")).unwrap_or(0)
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

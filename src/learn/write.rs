//! The learned rules as a rule file a person can review, and writing it with its fixtures.
//!
//! The file is TOML in the documented format, with a comment on every rule saying what it
//! removes and its evidence (in how many dumps it fired), so review is reading, not
//! reverse-engineering. It is always compiled by the real loader before it is written.

use super::html::HtmlLearned;
use super::text::{Action, TextLearned};
use super::Learned;
use crate::authoring::scaffold::toml_str;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Everything that goes into the file.
#[derive(Clone)]
pub struct Plan<'a> {
    pub site: &'a str,
    pub name: &'a str,
    pub hosts: &'a [String],
    pub fingerprints: &'a [String],
    pub dumps: usize,
    pub formats: String,
    pub text: &'a TextLearned,
    pub html: &'a HtmlLearned,
    /// `site/rule` → in how many dumps it fired (empty for the first draft).
    pub fired: &'a HashMap<String, usize>,
    pub language: Option<&'a str>,
}

impl Plan<'_> {
    fn evidence(&self, rule: &str, why: &str) -> String {
        match self.fired.get(&format!("{}/{rule}", self.site)) {
            Some(n) => format!("{why} Fired in {n} of {} dumps.", self.dumps),
            None => why.to_string(),
        }
    }
}

/// The rule file's text.
pub fn rule_file(p: &Plan) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Rules for {} ({}), learned by `copydesk learn` from {}.",
        p.name, p.site, p.formats
    );
    t.push_str(
        "#\n\
         # Every rule below removes what most of those dumps print (template), never a line only\n\
         # one of them prints; its description says in how many dumps it fired. Review each one:\n\
         # check its kind, delete what is wrong, add what is missing, then run\n",
    );
    let _ = writeln!(
        t,
        "# `copydesk test {}` and `copydesk test --bless {}` once the output is right.\n\
         # The rule file reference is in docs/rule-authoring.md.\n",
        p.site, p.site
    );

    t.push_str("[site]\n");
    let _ = writeln!(t, "id = {}", toml_str(p.site));
    let _ = writeln!(t, "name = {}", toml_str(p.name));
    if p.hosts.is_empty() {
        t.push_str("# No URL in the dumps and no --host: text dumps are recognised by fingerprints only.\n");
    }
    let hosts: Vec<String> = p.hosts.iter().map(|h| toml_str(h)).collect();
    let _ = writeln!(t, "hosts = [{}]", hosts.join(", "));
    if !p.fingerprints.is_empty() {
        let _ = writeln!(
            t,
            "# Lines most of the {} dumps print and no other known site does: they recognise a\n\
             # dump with no URL.",
            p.dumps
        );
        t.push_str("fingerprints = [\n");
        for f in p.fingerprints {
            let _ = writeln!(t, "  {},", toml_str(f));
        }
        t.push_str("]\n");
        let _ = writeln!(t, "min_fingerprints = {}", p.fingerprints.len().min(2));
    }
    if let Some(lang) = p.language {
        let _ = writeln!(t, "language = {}", toml_str(lang));
    }

    t.push_str(
        "\n[text]\n\
         # After the rules below, find the article's stretch of prose and drop what lies around\n\
         # it (other stories' teasers, comments), as for sites without rules: the rules only\n\
         # know the template, which is what repeats.\n\
         heuristics = true\n",
    );
    for r in &p.text.rules {
        t.push('\n');
        let description = p.evidence(&r.name, &r.evidence);
        let _ = writeln!(t, "[text.remove.{}]", r.name);
        let _ = writeln!(t, "kind = {}", toml_str(r.kind.as_str()));
        let _ = writeln!(t, "description = {}", toml_str(&description));
        match &r.action {
            Action::Lines(patterns) if patterns.len() == 1 => {
                let _ = writeln!(t, "line = {}", toml_str(&patterns[0]));
            }
            Action::Lines(patterns) => {
                t.push_str("line = [\n");
                for pat in patterns {
                    let _ = writeln!(t, "  {},", toml_str(pat));
                }
                t.push_str("]\n");
            }
            Action::Block {
                start,
                end,
                max_lines,
            } => {
                let _ = writeln!(t, "start = {}", toml_str(start));
                let _ = writeln!(t, "end = {}", toml_str(end));
                let _ = writeln!(t, "max_lines = {max_lines}");
            }
            Action::Through {
                marker,
                max_position,
            } => {
                let _ = writeln!(t, "through = {}", toml_str(marker));
                let _ = writeln!(t, "max_position = {max_position}");
            }
            Action::From {
                marker,
                min_position,
            } => {
                let _ = writeln!(t, "from = {}", toml_str(marker));
                let _ = writeln!(t, "min_position = {min_position}");
            }
        }
    }
    if !p.text.kept.is_empty() {
        t.push_str(
            "\n# Printed inside the articles of most dumps but left in: they read as headings or\n\
             # list items, not page chrome. Add a rule if they are chrome after all:\n",
        );
        for k in p.text.kept.iter().take(20) {
            let _ = writeln!(t, "#   {}", k.replace('\n', " "));
        }
    }

    t.push_str(
        "\n[text.metadata]\n\
         # The headline, byline and date the lines below do not give are found where the\n\
         # article starts, as for a site without rules.\n\
         guess = true\n",
    );
    if !p.text.byline.is_empty() {
        let _ = writeln!(t, "# {}", p.text.byline_evidence);
        t.push_str("byline = [\n");
        for b in &p.text.byline {
            let _ = writeln!(t, "  {},", toml_str(b));
        }
        t.push_str("]\n");
        if let Some(f) = &p.text.date_format {
            let _ = writeln!(t, "date_format = [{}]", toml_str(f));
        }
    }

    html_section(&mut t, p);

    t.push_str(
        "\n# What every fixture of this site must and must not give, whatever its snapshot says.\n\
         [tests]\n",
    );
    let mut not: Vec<String> = p
        .text
        .rules
        .iter()
        .filter_map(|r| match &r.action {
            Action::Lines(patterns) => Some(patterns.clone()),
            _ => None,
        })
        .flatten()
        .filter(|pat| regex::escape(&unescape(pat)) == *pat && pat.split_whitespace().count() >= 3)
        .map(|pat| unescape(&pat))
        .collect();
    not.sort_by_key(|s| std::cmp::Reverse(s.len()));
    not.truncate(3);
    t.push_str("must_not_contain = [\n");
    for s in &not {
        let _ = writeln!(t, "  {},", toml_str(s));
    }
    t.push_str("]\n");
    t
}

fn html_section(t: &mut String, p: &Plan) {
    let h = p.html;
    if h.content.is_none() && h.title.is_none() && h.authors.is_none() && h.published.is_none() {
        return;
    }
    t.push_str("\n[html]\n");
    if let Some((sel, why)) = &h.content {
        let _ = writeln!(t, "# {why}");
        let _ = writeln!(t, "content = {}", toml_str(sel));
    }
    for r in &h.remove {
        let description = p.evidence(&r.name, &r.evidence);
        let _ = writeln!(t, "\n[html.remove.{}]", r.name);
        let _ = writeln!(t, "kind = {}", toml_str(r.kind.as_str()));
        let _ = writeln!(t, "description = {}", toml_str(&description));
        let _ = writeln!(t, "selector = {}", toml_str(&r.selector));
    }
    let fields = [
        ("title", &h.title),
        ("authors", &h.authors),
        ("published", &h.published),
    ];
    if fields.iter().any(|(_, f)| f.is_some()) {
        t.push_str("\n[html.metadata]\n");
        for (key, source) in fields {
            let Some(s) = source else { continue };
            let _ = writeln!(t, "# {}", s.evidence);
            match &s.attr {
                Some(attr) => {
                    let _ = writeln!(
                        t,
                        "{key} = {{ selector = {}, attr = {} }}",
                        toml_str(&s.selector),
                        toml_str(attr)
                    );
                }
                None => {
                    let _ = writeln!(t, "{key} = {}", toml_str(&s.selector));
                }
            }
        }
    }
}

/// The literal text of an escaped pattern (only for patterns that are pure escapes).
fn unescape(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What [`write`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub rule_file: PathBuf,
    pub fixtures: Vec<PathBuf>,
}

/// Writes `learned` as `rules_dir/<site>.toml` and its fixtures (dump copies and
/// snapshots) under `fixtures_dir/<site>/`. Refuses to replace an existing rule file or
/// fixture unless `replace`; on a refusal nothing has been written.
pub fn write(
    learned: &Learned,
    rules_dir: &Path,
    fixtures_dir: &Path,
    replace: bool,
) -> Result<Written, String> {
    let rule_file = rules_dir.join(format!("{}.toml", learned.site));
    let dir = fixtures_dir.join(&learned.site);
    let mut targets = vec![rule_file.clone()];
    for f in &learned.fixtures {
        targets.push(dir.join(&f.name));
    }
    if !replace {
        if let Some(existing) = targets.iter().find(|p| p.exists()) {
            return Err(format!(
                "{} already exists; pass --force to replace it, or choose another site id",
                existing.display()
            ));
        }
    }
    for d in [rules_dir, dir.as_path()] {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let put = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    put(&rule_file, learned.rule_toml.as_bytes())?;
    let mut fixtures = Vec::new();
    for f in &learned.fixtures {
        let target = dir.join(&f.name);
        let bytes = std::fs::read(&f.source)
            .map_err(|e| format!("cannot read {}: {e}", f.source.display()))?;
        put(&target, &bytes)?;
        let stem = f.name.rsplit_once('.').map_or(f.name.as_str(), |(s, _)| s);
        let snapshot = dir.join(format!(
            "{stem}{}",
            crate::authoring::fixtures::SNAPSHOT_SUFFIX
        ));
        put(&snapshot, f.snapshot.as_bytes())?;
        fixtures.push(target);
    }
    Ok(Written {
        rule_file,
        fixtures,
    })
}

//! `copydesk new-rule`: start a new site from a few of its dumps.
//!
//! Writes `<rules>/<site>.toml` and copies the dumps to `<fixtures>/<site>/`, so the new
//! site is under test from its first minute. With two or more dumps the rule file comes
//! with proposed removal rules for the boilerplate the dumps share (see [`boilerplate`])
//! and fingerprints to recognise the site's text dumps. Everything is checked before
//! anything is written: an existing rule file or fixture is never overwritten, and the
//! generated file must compile, so a scaffold always passes `copydesk check`.
//!
//! [`boilerplate`]: super::boilerplate

use super::boilerplate::{self, Proposal, Proposals, Shape};
use crate::input::{self, Content};
use crate::rules::{compile_str, RuleSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// What to scaffold.
#[derive(Debug, Clone)]
pub struct NewSite<'a> {
    /// The site id (also the rule file's and the fixture folder's name).
    pub id: &'a str,
    /// Display name; the id when not given.
    pub name: Option<&'a str>,
    /// Hostnames; the dumps' own URLs are added.
    pub hosts: &'a [String],
    pub dumps: &'a [PathBuf],
    pub rules_dir: &'a Path,
    pub fixtures_dir: &'a Path,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Scaffolded {
    pub rule_file: PathBuf,
    pub fixtures: Vec<PathBuf>,
    pub proposals: Proposals,
    pub hosts: Vec<String>,
    /// Things the author must do (e.g. replace a placeholder host).
    pub notes: Vec<String>,
}

/// Writes the rule file and copies the fixtures. Errors say what to do; on error nothing
/// has been written.
pub fn scaffold(new: &NewSite) -> Result<Scaffolded, String> {
    if !valid_id(new.id) {
        return Err(format!(
            "site id {:?} must be lowercase letters, digits, '-' or '_' (e.g. \"acme-news\")",
            new.id
        ));
    }
    if new.dumps.is_empty() {
        return Err("give at least one sample dump with --from".into());
    }
    let rule_file = new.rules_dir.join(format!("{}.toml", new.id));
    if rule_file.exists() {
        return Err(format!(
            "{} already exists; edit it, or choose another site id (new-rule never overwrites)",
            rule_file.display()
        ));
    }
    if let Ok(rules) = RuleSet::load(new.rules_dir) {
        if let Some(site) = rules.site(new.id) {
            let file = site.file.as_deref().unwrap_or(Path::new("?"));
            return Err(format!(
                "site id {:?} is already used by {}; choose another id",
                new.id,
                file.display()
            ));
        }
    }

    let fixture_dir = new.fixtures_dir.join(new.id);
    let mut targets: Vec<PathBuf> = Vec::new();
    for dump in new.dumps {
        let name = dump
            .file_name()
            .ok_or_else(|| format!("{} is not a file", dump.display()))?;
        let target = fixture_dir.join(name);
        if target.exists() {
            return Err(format!(
                "{} already exists; rename the dump or remove the old fixture",
                target.display()
            ));
        }
        if targets.contains(&target) {
            return Err(format!(
                "two dumps are named {:?}; fixtures of one site need distinct names",
                name.to_string_lossy()
            ));
        }
        if !input::has_dump_extension(&target) {
            return Err(format!(
                "{}: fixtures are .{} files; rename it so `copydesk test` finds it",
                dump.display(),
                input::dump_extensions().join(", .")
            ));
        }
        targets.push(target);
    }

    let mut texts = Vec::new();
    let mut hosts: Vec<String> = new
        .hosts
        .iter()
        .map(|h| crate::site::normalise_host(h))
        .filter(|h| !h.is_empty())
        .collect();
    for dump in new.dumps {
        let d = input::read(dump).map_err(|e| e.to_string())?;
        let (text, url) = match &d.content {
            Content::Text(t) => (t.clone(), d.url.clone()),
            Content::Html(page) => {
                let doc = crate::clean::html::parse(page);
                let url = d
                    .url
                    .clone()
                    .or_else(|| crate::metadata::html::canonical(&doc));
                (crate::clean::html::extract(&doc, None, None).text, url)
            }
        };
        if let Some(host) = url.as_deref().and_then(crate::site::host_of) {
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        texts.push(text);
    }
    let proposals = boilerplate::propose(&texts, &RuleSet::builtin().generic);

    let mut notes = Vec::new();
    let placeholder = hosts.is_empty() && proposals.fingerprints.is_empty();
    if placeholder {
        notes.push(format!(
            "no host or shared lines to recognise the site by: replace the placeholder host \
             in {} (or pass --host), or add fingerprints",
            rule_file.display()
        ));
    }
    let text = rule_file_text(new, &hosts, &proposals, placeholder);
    if let Err(errors) = compile_str(&rule_file, &text) {
        // A bug in the scaffold, never the user's: say so rather than write a broken file.
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return Err(format!(
            "the scaffolded rule file does not compile (please report this):\n{}",
            list.join("\n")
        ));
    }

    std::fs::create_dir_all(new.rules_dir)
        .map_err(|e| format!("cannot create {}: {e}", new.rules_dir.display()))?;
    std::fs::create_dir_all(&fixture_dir)
        .map_err(|e| format!("cannot create {}: {e}", fixture_dir.display()))?;
    write_new(&rule_file, text.as_bytes())?;
    for (dump, target) in new.dumps.iter().zip(&targets) {
        let bytes =
            std::fs::read(dump).map_err(|e| format!("cannot read {}: {e}", dump.display()))?;
        write_new(target, &bytes)?;
    }
    Ok(Scaffolded {
        rule_file,
        fixtures: targets,
        proposals,
        hosts,
        notes,
    })
}

/// Creates `path`, failing if it appeared in the meantime.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A TOML string for `s`: a literal string when possible (patterns read best without
/// doubled backslashes), a basic string otherwise.
pub fn toml_str(s: &str) -> String {
    if !s.contains('\'') && !s.chars().any(char::is_control) {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A whole-line pattern that matches exactly `line`.
fn pattern(line: &str) -> String {
    toml_str(&regex::escape(line))
}

/// The rule file's text.
pub fn rule_file_text(
    new: &NewSite,
    hosts: &[String],
    proposals: &Proposals,
    placeholder_host: bool,
) -> String {
    let id = new.id;
    let name = new.name.unwrap_or(id);
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Rules for {name} ({id}), scaffolded by `copydesk new-rule` from {} dump{}.",
        new.dumps.len(),
        if new.dumps.len() == 1 { "" } else { "s" }
    );
    t.push_str(
        "#\n\
         # Review every proposed rule below. Each removes lines that several sample dumps print\n\
         # word for word, which on a news site is almost always boilerplate: check its kind,\n\
         # rename it if you like, delete what is wrong, add what is missing. Then run\n",
    );
    let _ = writeln!(
        t,
        "# `copydesk test {id}`, read the output, and `copydesk test --bless {id}` once it is\n\
         # right. The rule file reference is in docs/rule-authoring.md.\n"
    );

    t.push_str("[site]\n");
    let _ = writeln!(t, "id = {}", toml_str(id));
    let _ = writeln!(t, "name = {}", toml_str(name));
    if placeholder_host {
        t.push_str("# TODO: the site's real hostname (a placeholder can never match a URL).\n");
        let _ = writeln!(t, "hosts = [{}]", toml_str(&format!("{id}.invalid")));
    } else {
        let hosts: Vec<String> = hosts.iter().map(|h| toml_str(h)).collect();
        let _ = writeln!(t, "hosts = [{}]", hosts.join(", "));
    }
    if !proposals.fingerprints.is_empty() {
        t.push_str(
            "# Lines this site prints on every page: they recognise a text dump with no URL.\n\
             fingerprints = [\n",
        );
        for f in &proposals.fingerprints {
            let _ = writeln!(t, "  {},", pattern(f));
        }
        t.push_str("]\n");
        let _ = writeln!(
            t,
            "min_fingerprints = {}",
            proposals.fingerprints.len().min(2)
        );
    }

    if proposals.dumps < 2 {
        t.push_str(
            "\n# With one dump there is nothing to compare: add removal rules by hand, e.g.\n\
             # [text.remove.newsletter]\n# kind = \"newsletter\"\n# line = 'Sign up for our daily briefing'\n\
             # (or run new-rule again with two or more dumps to get proposals).\n",
        );
    }
    for p in &proposals.rules {
        t.push('\n');
        rule(&mut t, p, proposals.dumps);
    }

    t.push_str(
        "\n# Where the metadata is. The defaults (title: the first paragraph; subtitle: guessed;\n\
         # common byline forms) fit many sites; uncomment and adapt what does not.\n\
         [text.metadata]\n\
         # title = { pattern = '(?P<title>.+) \\| Acme' }\n\
         # subtitle = \"after-title\"\n\
         # byline = ['By (?P<authors>.+?) \\| (?P<date>\\w+ \\d{1,2}, \\d{4})']\n\
         # date_format = [\"%B %d, %Y\"]\n",
    );

    t.push_str(
        "\n# What every fixture of this site must and must not give, whatever its snapshot says.\n\
         # Uncomment the phrases that must never come through.\n\
         [tests]\n\
         must_contain = []\n\
         must_not_contain = [\n",
    );
    for p in &proposals.rules {
        let _ = writeln!(t, "  # {},", toml_str(&p.lines[0]));
    }
    t.push_str("]\n");
    t
}

fn rule(t: &mut String, p: &Proposal, dumps: usize) {
    let _ = writeln!(
        t,
        "# Proposed: printed by {} of {dumps} dumps. Kind guessed from its words.",
        p.seen_in
    );
    let _ = writeln!(t, "[text.remove.{}]", p.name);
    let _ = writeln!(t, "kind = {}", toml_str(p.kind.as_str()));
    match &p.shape {
        Shape::Block { max_lines } => {
            let _ = writeln!(t, "# A block of {} lines:", p.lines.len());
            for l in &p.lines {
                let _ = writeln!(t, "#   {}", l.replace('\n', " "));
            }
            let _ = writeln!(t, "start = {}", pattern(&p.lines[0]));
            let _ = writeln!(t, "end = {}", pattern(&p.lines[p.lines.len() - 1]));
            let _ = writeln!(t, "max_lines = {max_lines}");
        }
        Shape::Lines if p.lines.len() == 1 => {
            let _ = writeln!(t, "line = {}", pattern(&p.lines[0]));
        }
        Shape::Lines => {
            t.push_str("line = [\n");
            for l in &p.lines {
                let _ = writeln!(t, "  {},", pattern(l));
            }
            t.push_str("]\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_round_trip() {
        for s in [
            "plain",
            "it's",
            "back\\slash",
            "quote \"x\"",
            "tab\tand\u{1}ctl",
            r"Start your day with TPM\.",
        ] {
            let doc = format!("v = {}\n", toml_str(s));
            let parsed: toml::Table = toml::from_str(&doc).unwrap();
            assert_eq!(parsed["v"].as_str(), Some(s), "{doc}");
        }
    }

    fn setup(dumps: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let paths = dumps
            .iter()
            .map(|(name, text)| {
                let p = dir.path().join(name);
                std::fs::write(&p, text).unwrap();
                p
            })
            .collect();
        (dir, paths)
    }

    #[test]
    fn one_dump_without_a_host_gets_a_placeholder_and_compiles() {
        let (dir, dumps) = setup(&[("a.txt", "Headline\n\nBody of it.\n")]);
        let rules = dir.path().join("rules");
        let fixtures = dir.path().join("fixtures");
        let new = NewSite {
            id: "acme",
            name: None,
            hosts: &[],
            dumps: &dumps,
            rules_dir: &rules,
            fixtures_dir: &fixtures,
        };
        let done = scaffold(&new).unwrap();
        assert_eq!(done.notes.len(), 1);
        let text = std::fs::read_to_string(&done.rule_file).unwrap();
        assert!(text.contains("hosts = ['acme.invalid']"), "{text}");
        assert!(fixtures.join("acme/a.txt").is_file());
        // Never overwrites.
        let again = scaffold(&new).unwrap_err();
        assert!(again.contains("already exists"), "{again}");
    }

    #[test]
    fn html_dumps_give_their_host_and_shared_lines() {
        let page = |n: u32| {
            format!(
                "<!DOCTYPE html><html><head><link rel=\"canonical\" href=\"https://www.acme.example.com/{n}\"></head>\
                 <body><article><h1>Headline {n}</h1><p>Get the Acme briefing in your inbox.</p>\
                 <p>Body paragraph number {n}, with commas, and enough words to be article text.</p></article></body></html>"
            )
        };
        let (dir, dumps) = setup(&[("a.html", &page(1)), ("b.html", &page(2))]);
        let rules = dir.path().join("rules");
        let new = NewSite {
            id: "acme",
            name: Some("Acme's Daily"),
            hosts: &["https://news.acme.example.com/".to_string()],
            dumps: &dumps,
            rules_dir: &rules,
            fixtures_dir: &dir.path().join("fixtures"),
        };
        let done = scaffold(&new).unwrap();
        assert_eq!(done.hosts, ["news.acme.example.com", "acme.example.com"]);
        let text = std::fs::read_to_string(&done.rule_file).unwrap();
        assert!(text.contains("name = \"Acme's Daily\""), "{text}");
        assert!(
            text.contains(r"line = 'Get the Acme briefing in your inbox\.'"),
            "{text}"
        );
        assert!(!text.contains("Body paragraph"), "{text}");
        assert!(done.notes.is_empty());
    }

    #[test]
    fn bad_id_and_existing_fixture_write_nothing() {
        let (dir, dumps) = setup(&[("a.txt", "x\n")]);
        let rules = dir.path().join("rules");
        let fixtures = dir.path().join("fixtures");
        let mut new = NewSite {
            id: "Acme!",
            name: None,
            hosts: &[],
            dumps: &dumps,
            rules_dir: &rules,
            fixtures_dir: &fixtures,
        };
        assert!(scaffold(&new).unwrap_err().contains("lowercase"));
        std::fs::create_dir_all(fixtures.join("acme")).unwrap();
        std::fs::write(fixtures.join("acme/a.txt"), "old").unwrap();
        new.id = "acme";
        assert!(scaffold(&new).unwrap_err().contains("already exists"));
        assert!(!rules.join("acme.toml").exists());
    }
}

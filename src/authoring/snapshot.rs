//! Snapshots: the Markdown `copydesk clean` writes, made stable enough to commit.
//!
//! A snapshot must only change when the output really changes, whoever runs the suite and
//! wherever the repository is checked out. So the two paths an article carries are
//! rewritten: `source.path` becomes the dump's path inside the fixtures folder
//! (`site/name.txt`) and `rule.file` the rule file's name inside the rules folder
//! (`site.toml`). Everything else is exactly what `clean` gives.

use super::fixtures::Fixture;
use crate::article::Article;
use crate::output::{render, Format};
use std::path::Path;

/// The snapshot text of `article`, cleaned from `fixture`.
pub fn render_snapshot(article: &Article, fixture: &Fixture) -> String {
    let mut article = article.clone();
    article.source.path = fixture.rel.clone();
    if let Some(file) = &article.rule.file {
        article.rule.file = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
    }
    render(&article, Format::Markdown)
}

/// Reads a stored snapshot; `None` when there is none yet. Line ends are normalised, so a
/// checkout that turned them into CRLF still compares equal.
pub fn read(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s.replace("\r\n", "\n"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::parse_markdown;
    use crate::{Engine, Options, RuleSet};
    use std::path::PathBuf;

    #[test]
    fn snapshot_paths_do_not_depend_on_the_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.txt");
        std::fs::write(
            &input,
            "A headline\n\nThe body of the article, long enough.\n",
        )
        .unwrap();
        let mut article = Engine::new(RuleSet::builtin())
            .clean_file(&input, &Options::default())
            .unwrap();
        article.rule.file = Some("/somewhere/rules/acme.toml".into());
        let fixture = Fixture {
            site: "acme".into(),
            input: input.clone(),
            snapshot: PathBuf::from("unused"),
            rel: "acme/a.txt".into(),
        };
        let snap = render_snapshot(&article, &fixture);
        let back = parse_markdown(&snap).unwrap();
        assert_eq!(back.source.path, "acme/a.txt");
        assert_eq!(back.rule.file.as_deref(), Some("acme.toml"));
        assert_eq!(back.text, article.text);
        assert!(!snap.contains(&dir.path().display().to_string()));
    }

    #[test]
    fn missing_snapshot_is_none_and_crlf_is_normalised() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.expected.md");
        assert_eq!(read(&p).unwrap(), None);
        std::fs::write(&p, "a\r\nb\r\n").unwrap();
        assert_eq!(read(&p).unwrap().as_deref(), Some("a\nb\n"));
    }
}

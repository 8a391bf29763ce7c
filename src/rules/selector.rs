//! CSS selectors from rule files, parsed so that no input can crash copydesk.
//!
//! The selector parser's own error messages panic on some tokens (a selector such as
//! `class=byline` ends in one), and a rule file is user input that `check`, `clean` and the
//! running service all read. So the reason is rendered here from the error's parts, never
//! with the dependency's `Display`, and the whole parse runs under `catch_unwind`: whatever
//! a future version of the parser does with odd input, the result is a rule error with a
//! position, not a dead process.

use scraper::error::SelectorErrorKind;
use scraper::Selector;

/// Parses `selector`, or says why it is not one, in words a rule author can act on (the
/// parser's own description is its internals, such as `ClassNeedsIdent(Delim('.'))`).
/// This is the one place rule selectors are parsed: content roots, removals, metadata.
pub fn parse(selector: &str) -> Result<Selector, String> {
    crate::panics::catch(|| Selector::parse(selector).map_err(|e| reason(selector, &e)))
        .unwrap_or_else(|panic| {
            Err(format!(
                "the selector parser failed on it ({panic}); write the selector differently, {EXAMPLE}"
            ))
        })
}

/// Valid selectors, for messages about an invalid one.
const EXAMPLE: &str = "e.g. 'div.byline', '#main article' or '[itemprop=\"author\"]'";

/// The reason a selector was refused, built from the error's parts.
fn reason(selector: &str, e: &SelectorErrorKind<'_>) -> String {
    let trimmed = selector.trim_end();
    match e {
        SelectorErrorKind::EndOfLine if trimmed.ends_with('.') => {
            "a `.` must be followed by a class name, e.g. '.byline'".into()
        }
        SelectorErrorKind::EndOfLine if trimmed.ends_with('#') => {
            "a `#` must be followed by an id, e.g. '#main'".into()
        }
        SelectorErrorKind::EndOfLine => format!(
            "it ends too early (an unclosed `[` or `(`, or a combinator with nothing after it?); {EXAMPLE}"
        ),
        SelectorErrorKind::UnexpectedToken(t) => format!(
            "{} is not CSS selector syntax here (to match an attribute, write [name=\"value\"]); {EXAMPLE}",
            token(&format!("{t:?}"))
        ),
        SelectorErrorKind::InvalidAtRule(_)
        | SelectorErrorKind::InvalidAtRuleBody
        | SelectorErrorKind::QualRuleInvalid => {
            format!("a selector names elements, not CSS rules; {EXAMPLE}")
        }
        SelectorErrorKind::ExpectedColonOnPseudoElement(_)
        | SelectorErrorKind::ExpectedIdentityOnPseudoElement(_) => {
            "a pseudo-element is written `::name`; copydesk matches elements, so leave it out"
                .into()
        }
        SelectorErrorKind::UnexpectedSelectorParseError(kind) => {
            let debug = format!("{kind:?}");
            match debug.split('(').next().unwrap_or("") {
                "ClassNeedsIdent" => {
                    "a `.` must be followed by a class name, e.g. '.byline'".into()
                }
                "EmptySelector" => format!("it is empty (a stray comma?); {EXAMPLE}"),
                "DanglingCombinator" => {
                    "a combinator (`>`, `+`, `~`) needs a selector on both sides, e.g. 'article > p'"
                        .into()
                }
                "UnsupportedPseudoClassOrElement" => format!(
                    "{} is not a pseudo-class copydesk knows; match by tag, class, id or attribute, {EXAMPLE}",
                    token(&debug)
                ),
                "NoQualifiedNameInAttributeSelector"
                | "UnexpectedTokenInAttributeSelector"
                | "ExpectedBarInAttr"
                | "BadValueInAttr"
                | "InvalidQualNameInAttr" => {
                    "an attribute test is written [name] or [name=\"value\"], e.g. '[itemprop=\"author\"]'"
                        .into()
                }
                _ => format!("it is not a valid CSS selector; {EXAMPLE}"),
            }
        }
    }
}

/// The token inside a parser value's debug form (`Delim('=')` → "`=`").
fn token(debug: &str) -> String {
    let inner = debug.rsplit('(').next().unwrap_or(debug);
    let bare = inner
        .trim_end_matches(')')
        .trim_matches(|c| c == '\'' || c == '"');
    if bare.is_empty() {
        "something".into()
    } else {
        format!("`{bare}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_selectors_are_errors_not_panics() {
        for bad in [
            "class=byline",
            "=",
            "a = b",
            "div[",
            ".share >> [",
            "::",
            "@media",
            "!",
            "a}",
            "#",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        let e = parse("class=byline").unwrap_err();
        assert!(e.starts_with("`=` is not CSS selector syntax here"), "{e}");
        for bad in ["div.", ".", "div..x", "a >"] {
            let e = parse(bad).unwrap_err();
            assert!(
                !e.contains("Delim") && !e.contains("Ident("),
                "{bad:?}: {e}"
            );
        }
        assert!(parse(".byline, article > p").is_ok());
    }
}

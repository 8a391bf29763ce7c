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

/// Parses `selector`, or says why it is not one.
pub fn parse(selector: &str) -> Result<Selector, String> {
    crate::panics::catch(|| Selector::parse(selector).map_err(|e| reason(&e))).unwrap_or_else(
        |panic| {
            Err(format!(
                "the selector parser failed on it ({panic}); write the selector differently"
            ))
        },
    )
}

/// The reason a selector was refused, built from the error's parts.
fn reason(e: &SelectorErrorKind<'_>) -> String {
    match e {
        SelectorErrorKind::UnexpectedToken(t) => format!("unexpected {t:?}"),
        SelectorErrorKind::EndOfLine => "the selector ends too early".into(),
        SelectorErrorKind::InvalidAtRule(rule) => format!("invalid @-rule {rule:?}"),
        SelectorErrorKind::InvalidAtRuleBody => "invalid @-rule body".into(),
        SelectorErrorKind::QualRuleInvalid => "invalid qualified rule".into(),
        SelectorErrorKind::ExpectedColonOnPseudoElement(t) => {
            format!("expected `:` before a pseudo-element, found {t:?}")
        }
        SelectorErrorKind::ExpectedIdentityOnPseudoElement(t) => {
            format!("expected a pseudo-element name, found {t:?}")
        }
        SelectorErrorKind::UnexpectedSelectorParseError(kind) => format!("{kind:?}"),
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
        assert!(e.contains("Delim('=')"), "{e}");
        assert!(parse(".byline, article > p").is_ok());
    }
}

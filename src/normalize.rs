//! Text normalisation, done once before any rule sees a dump.
//!
//! Rule authors write patterns against what they see, so the text must be in one canonical
//! form: no BOM, `\n` line ends, every Unicode space as a plain space ("The\u{a0}Independent"
//! is "The Independent"), zero-width characters gone, NFC composition.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Canonical form of a dump's text (see the module docs).
pub fn text(input: &str) -> String {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut out = String::with_capacity(input.len());
    // Copy runs of ordinary characters as slices; only special ones are handled one by one.
    let mut run_start = 0;
    let mut chars = input.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ordinary = if c.is_ascii() {
            c == '\n' || !c.is_ascii_control()
        } else {
            !(c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
                ))
        };
        if ordinary {
            continue;
        }
        out.push_str(&input[run_start..i]);
        run_start = i + c.len_utf8();
        match c {
            '\r' => {
                // CRLF and lone CR both become LF.
                if let Some(&(j, '\n')) = chars.peek() {
                    chars.next();
                    run_start = j + 1;
                }
                out.push('\n');
            }
            '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_whitespace() => out.push(' '),
            _ => {}
        }
    }
    out.push_str(&input[run_start..]);
    // "the\u{a0} leaders" became "the  leaders": one space between words is enough.
    if out.contains("  ") {
        out = single_spaces(&out);
    }
    match is_nfc_quick(out.chars()) {
        IsNormalized::Yes => out,
        _ => out.nfc().collect(),
    }
}

/// Runs of spaces inside a line become one space (line structure is kept).
fn single_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous_space = false;
    for c in s.chars() {
        if c == ' ' && previous_space {
            continue;
        }
        previous_space = c == ' ';
        out.push(c);
    }
    out
}

/// Collapses runs of spaces to one and trims: for text taken from HTML or metadata values.
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_spaces_line_ends_and_bom() {
        assert_eq!(
            text("\u{feff}The\u{a0}Independent\r\nx\ry"),
            "The Independent\nx\ny"
        );
        assert_eq!(text("a\u{2009}b\u{200b}c\td"), "a bc d");
        assert_eq!(
            text("the \u{a0} leaders\n  indented"),
            "the leaders\n indented"
        );
    }

    #[test]
    fn composes_to_nfc() {
        assert_eq!(text("Cafe\u{301}"), "Caf\u{e9}");
    }
}

//! Colours for terminal output and the HTML report, one per kind of removal.
//!
//! Colour helps a reader scan, but it must never carry meaning alone (every coloured line
//! also has a marker or a label) and it must stay out of pipes, files and CI logs: it is
//! on only when stdout is a terminal and `NO_COLOR` is not set, unless asked for.

use crate::kind::Kind;
use std::io::IsTerminal;

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Resolves `Auto` against the real stdout and environment.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Wraps text in ANSI styles, or leaves it alone when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    pub fn new(enabled: bool) -> Self {
        Paint { enabled }
    }

    /// `text` in the SGR style `code` (e.g. `"31"` red, `"1"` bold, `"9;33"`).
    pub fn style(&self, code: &str, text: &str) -> String {
        if self.enabled && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn red(&self, text: &str) -> String {
        self.style("31", text)
    }

    pub fn green(&self, text: &str) -> String {
        self.style("32", text)
    }

    pub fn yellow(&self, text: &str) -> String {
        self.style("33", text)
    }

    pub fn cyan(&self, text: &str) -> String {
        self.style("36", text)
    }

    pub fn bold(&self, text: &str) -> String {
        self.style("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.style("2", text)
    }

    /// `text` in the colour of `kind`.
    pub fn kind(&self, kind: Kind, text: &str) -> String {
        self.style(kind_ansi(kind), text)
    }
}

/// The terminal colour (SGR code) of a kind. Metadata kinds are green: moved, not lost.
pub fn kind_ansi(kind: Kind) -> &'static str {
    match kind {
        Kind::Navigation => "34",
        Kind::Notification => "35",
        Kind::Cookie => "33",
        Kind::Donation => "93",
        Kind::Newsletter => "36",
        Kind::Caption => "94",
        Kind::Masthead => "95",
        Kind::AuthorBio => "96",
        Kind::Related => "38;5;208",
        Kind::Comments => "31",
        Kind::Advertisement => "91",
        Kind::Share => "38;5;141",
        Kind::Paywall => "38;5;166",
        Kind::Title | Kind::Subtitle | Kind::Byline => "32",
        Kind::Other => "90",
    }
}

/// The HTML report's colour (CSS) of a kind; readable on a white background.
pub fn kind_css(kind: Kind) -> &'static str {
    match kind {
        Kind::Navigation => "#1f5fbf",
        Kind::Notification => "#8e24aa",
        Kind::Cookie => "#8d6e00",
        Kind::Donation => "#c2185b",
        Kind::Newsletter => "#00838f",
        Kind::Caption => "#5c6bc0",
        Kind::Masthead => "#6d4c41",
        Kind::AuthorBio => "#00897b",
        Kind::Related => "#e65100",
        Kind::Comments => "#c62828",
        Kind::Advertisement => "#ad1457",
        Kind::Share => "#4527a0",
        Kind::Paywall => "#bf360c",
        Kind::Title | Kind::Subtitle | Kind::Byline => "#2e7d32",
        Kind::Other => "#616161",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_is_a_no_op_when_off() {
        assert_eq!(Paint::new(false).red("x"), "x");
        assert_eq!(Paint::new(true).red("x"), "\x1b[31mx\x1b[0m");
        assert_eq!(Paint::new(true).red(""), "");
    }

    #[test]
    fn every_kind_has_colours() {
        for kind in Kind::ALL {
            assert!(!kind_ansi(kind).is_empty());
            assert!(kind_css(kind).starts_with('#'));
        }
    }
}

//! What a removed piece of a dump *was*.
//!
//! Every removal carries a kind so a reader of the output can audit what was cut, and so
//! rule authors share one vocabulary. The set is closed on purpose: an unknown kind in a
//! rule file is a typo, and typos are errors (see `rules`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares [`Kind`] once: each variant with its name in rule files and output. The
/// enum, [`Kind::ALL`] and [`Kind::as_str`] all come from this one list, so adding a kind
/// is one line here (and its colours in `authoring::style`, which the compiler asks for).
macro_rules! kinds {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// The kind of boilerplate a rule removes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Kind {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Kind {
            /// Every kind, in a stable order (for legends and documentation).
            pub const ALL: [Kind; [$($name,)*].len()] = [$(Kind::$variant,)*];

            /// The name used in rule files and output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    /// Menus, section labels, breadcrumbs, "skip to content".
    Navigation = "navigation",
    /// "Allow notifications" prompts.
    Notification = "notification",
    /// Cookie and consent banners.
    Cookie = "cookie",
    /// Donation and support appeals.
    Donation = "donation",
    /// Newsletter and mailing-list sign-ups.
    Newsletter = "newsletter",
    /// Photo and video captions and credits.
    Caption = "caption",
    /// Mastheads and staff lists.
    Masthead = "masthead",
    /// Author biographies.
    AuthorBio = "author-bio",
    /// "Latest news", "related stories", "most read" lists.
    Related = "related",
    /// Reader comments and comment-form text.
    Comments = "comments",
    /// Advertisements and sponsored-content labels.
    Advertisement = "advertisement",
    /// Share bars and social buttons.
    Share = "share",
    /// Subscription walls and "log in to read" prompts.
    Paywall = "paywall",
    /// Lines moved into metadata: the title.
    Title = "title",
    /// Lines moved into metadata: the subtitle (standfirst).
    Subtitle = "subtitle",
    /// Lines moved into metadata: author and date lines, wire credits.
    Byline = "byline",
    /// Page chrome that is none of the above (footers, legal lines, scripts).
    Other = "other",
}

impl Kind {
    /// True for kinds that record text moved into metadata rather than thrown away.
    pub fn is_metadata(self) -> bool {
        matches!(self, Kind::Title | Kind::Subtitle | Kind::Byline)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for kind in Kind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            let back: Kind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, kind);
        }
    }

    #[test]
    fn every_kind_is_documented() {
        // The README's output reference and the rule-authoring guide list the kinds for
        // people; they must name every one.
        for doc in [
            include_str!("../README.md"),
            include_str!("../docs/rule-authoring.md"),
        ] {
            for kind in Kind::ALL {
                assert!(
                    doc.contains(&format!("`{}`", kind.as_str())),
                    "kind `{kind}` is missing from the docs"
                );
            }
        }
    }
}

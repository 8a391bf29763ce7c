//! What a removed piece of a dump *was*.
//!
//! Every removal carries a kind so a reader of the output can audit what was cut, and so
//! rule authors share one vocabulary. The set is closed on purpose: an unknown kind in a
//! rule file is a typo, and typos are errors (see `rules`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of boilerplate a rule removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Menus, section labels, breadcrumbs, "skip to content".
    Navigation,
    /// "Allow notifications" prompts.
    Notification,
    /// Cookie and consent banners.
    Cookie,
    /// Donation and support appeals.
    Donation,
    /// Newsletter and mailing-list sign-ups.
    Newsletter,
    /// Photo and video captions and credits.
    Caption,
    /// Mastheads and staff lists.
    Masthead,
    /// Author biographies.
    AuthorBio,
    /// "Latest news", "related stories", "most read" lists.
    Related,
    /// Reader comments and comment-form text.
    Comments,
    /// Advertisements and sponsored-content labels.
    Advertisement,
    /// Share bars and social buttons.
    Share,
    /// Subscription walls and "log in to read" prompts.
    Paywall,
    /// Lines moved into metadata: the title.
    Title,
    /// Lines moved into metadata: the subtitle (standfirst).
    Subtitle,
    /// Lines moved into metadata: author and date lines, wire credits.
    Byline,
    /// Page chrome that is none of the above (footers, legal lines, scripts).
    Other,
}

impl Kind {
    /// Every kind, in a stable order (for legends and documentation).
    pub const ALL: [Kind; 17] = [
        Kind::Navigation,
        Kind::Notification,
        Kind::Cookie,
        Kind::Donation,
        Kind::Newsletter,
        Kind::Caption,
        Kind::Masthead,
        Kind::AuthorBio,
        Kind::Related,
        Kind::Comments,
        Kind::Advertisement,
        Kind::Share,
        Kind::Paywall,
        Kind::Title,
        Kind::Subtitle,
        Kind::Byline,
        Kind::Other,
    ];

    /// The name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Navigation => "navigation",
            Kind::Notification => "notification",
            Kind::Cookie => "cookie",
            Kind::Donation => "donation",
            Kind::Newsletter => "newsletter",
            Kind::Caption => "caption",
            Kind::Masthead => "masthead",
            Kind::AuthorBio => "author-bio",
            Kind::Related => "related",
            Kind::Comments => "comments",
            Kind::Advertisement => "advertisement",
            Kind::Share => "share",
            Kind::Paywall => "paywall",
            Kind::Title => "title",
            Kind::Subtitle => "subtitle",
            Kind::Byline => "byline",
            Kind::Other => "other",
        }
    }

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
}

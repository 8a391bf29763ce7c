//! Publication dates: whatever the page prints, to ISO 8601.
//!
//! Rule files give chrono formats for their site; the built-in list covers the common
//! English forms and machine formats. A value with a time of day becomes a date-time,
//! with `Z` when the page says GMT/UTC; a value without one stays a date.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Formats tried after a rule's own, as date-times first.
const DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%A %d %B %Y %H:%M",
    "%d %B %Y %H:%M",
    "%B %d, %Y %H:%M",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y at %I:%M %p",
    "%A, %B %d, %Y %I:%M %p",
];

const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%A, %B %d, %Y",
    "%A %B %d, %Y",
    "%A, %d %B %Y",
    "%A %d %B %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%d.%m.%Y",
];

/// Parses `raw` with `formats` first, then the built-in ones.
pub fn parse(raw: &str, formats: &[String]) -> Option<String> {
    let cleaned = clean(raw);
    let (value, utc) = strip_zone(&cleaned);
    if let Ok(dt) = DateTime::parse_from_rfc3339(cleaned.trim()) {
        return Some(dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(cleaned.trim()) {
        return Some(dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    for f in formats {
        if let Some(out) = with_format(&cleaned, f, false).or_else(|| with_format(value, f, utc)) {
            return Some(out);
        }
    }
    for f in DATETIME_FORMATS.iter().chain(DATE_FORMATS) {
        if let Some(out) = with_format(value, f, utc) {
            return Some(out);
        }
    }
    None
}

fn with_format(value: &str, format: &str, utc: bool) -> Option<String> {
    if let Ok(dt) = DateTime::parse_from_str(value, format) {
        return Some(dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(value, format) {
        let s = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
        return Some(if utc || format.contains("GMT") || format.contains("UTC") {
            s + "Z"
        } else {
            s
        });
    }
    NaiveDate::parse_from_str(value, format)
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Drops labels ("Published:", "Updated") and ordinal suffixes ("26th"), collapses spaces.
fn clean(raw: &str) -> String {
    let mut s = crate::normalize::collapse_spaces(raw);
    for label in [
        "Published on",
        "Published:",
        "Published",
        "Updated:",
        "Updated",
        "Posted on",
        "Posted:",
        "Posted",
        "Date:",
    ] {
        if let Some(rest) = s.strip_prefix(label) {
            s = rest.trim().to_string();
        }
    }
    let re = ordinal_re();
    re.replace_all(&s, "$1")
        .trim()
        .trim_end_matches('.')
        .to_string()
}

fn ordinal_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\b(\d{1,2})(?:st|nd|rd|th)\b").expect("valid regex"))
}

/// Splits a trailing zone word; GMT/UTC/Z mean UTC, other zone names are dropped.
fn strip_zone(s: &str) -> (&str, bool) {
    for (suffix, utc) in [
        (" GMT", true),
        (" UTC", true),
        (" ET", false),
        (" EST", false),
        (" EDT", false),
        (" BST", false),
        (" CET", false),
        (" PT", false),
    ] {
        if let Some(rest) = s.strip_suffix(suffix) {
            return (rest.trim_end_matches(','), utc);
        }
    }
    (s, false)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn common_forms() {
        assert_eq!(
            parse("January 26, 2021", &[]).as_deref(),
            Some("2021-01-26")
        );
        assert_eq!(
            parse("Tuesday 26 January 2021 22:06 GMT", &[]).as_deref(),
            Some("2021-01-26T22:06:00Z")
        );
        assert_eq!(
            parse("2021-01-26T22:06:00+01:00", &[]).as_deref(),
            Some("2021-01-26T22:06:00+01:00")
        );
        assert_eq!(
            parse("Published: Jan. 5th, 2022", &[]).as_deref(),
            Some("2022-01-05")
        );
        assert_eq!(parse("yesterday", &[]), None);
    }

    #[test]
    fn rule_formats_come_first() {
        // 03/04/2021 is ambiguous; the rule says day first.
        assert_eq!(
            parse("03/04/2021", &["%d/%m/%Y".to_string()]).as_deref(),
            Some("2021-04-03")
        );
    }
}

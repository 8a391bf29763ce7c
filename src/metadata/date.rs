//! Publication dates: whatever the page prints, to ISO 8601.
//!
//! Rule files give chrono formats for their site; the built-in list covers the common
//! English forms and machine formats. A value with a time of day becomes a date-time,
//! with `Z` when the page says GMT/UTC and its offset when it gives one; a value without
//! one stays a date. Visible text in other languages ("3. März 2024", "3 de marzo de
//! 2024", "2024年3月3日") is read by [`find_in_text`], and a URL path's
//! `/2024/03/03/` by [`from_url`].

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use regex::Regex;
use std::sync::OnceLock;

/// Formats tried after a rule's own, as date-times first.
const DATETIME_FORMATS: &[&str] = &[
    // With an offset RFC 3339 does not accept: "+0200", or a space before it.
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
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

/// Month names (and common abbreviations, genitive and inflected forms) of the languages
/// news is published in, lowercased, with their month number.
const MONTHS: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("okt", 10),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    // Spanish
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    // Italian
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    ("oktober", 10),
    // Polish (nominative and genitive)
    ("styczeń", 1),
    ("stycznia", 1),
    ("luty", 2),
    ("lutego", 2),
    ("marzec", 3),
    ("marca", 3),
    ("kwiecień", 4),
    ("kwietnia", 4),
    ("maj", 5),
    ("maja", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("sierpień", 8),
    ("sierpnia", 8),
    ("wrzesień", 9),
    ("września", 9),
    ("październik", 10),
    ("października", 10),
    ("listopad", 11),
    ("listopada", 11),
    ("grudzień", 12),
    ("grudnia", 12),
    // Swedish, Danish, Norwegian
    ("augusti", 8),
    ("marts", 3),
    ("desember", 12),
    ("okt", 10),
    // Russian (genitive, as dates print them, and nominative)
    ("января", 1),
    ("февраля", 2),
    ("марта", 3),
    ("апреля", 4),
    ("мая", 5),
    ("июня", 6),
    ("июля", 7),
    ("августа", 8),
    ("сентября", 9),
    ("октября", 10),
    ("ноября", 11),
    ("декабря", 12),
    ("январь", 1),
    ("февраль", 2),
    ("март", 3),
    ("апрель", 4),
    ("май", 5),
    ("июнь", 6),
    ("июль", 7),
    ("август", 8),
    ("сентябрь", 9),
    ("октябрь", 10),
    ("ноябрь", 11),
    ("декабрь", 12),
    // Turkish
    ("ocak", 1),
    ("şubat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
];

fn month(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == name).map(|&(_, n)| n)
}

fn text_date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?P<d1>\d{1,2})(?:\.|º|er|st|nd|rd|th)?\s*(?:de\s+)?(?P<m1>\p{L}{3,12}\.?),?\s*(?:de\s+)?(?P<y1>\d{4})
            | (?P<m2>\p{L}{3,12}\.?)\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})
            | (?P<y3>\d{4})\s*[年년]\s*(?P<m3>\d{1,2})\s*[月월]\s*(?P<d3>\d{1,2})\s*[日일]
            | (?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})
            | \b(?P<d5>\d{1,2})\.(?P<m5>\d{1,2})\.(?P<y5>\d{4})
            ",
        )
        .expect("valid regex")
    })
}

/// The first date written in `text` as a reader sees it, in any of the languages above:
/// "3. März 2024", "3 de marzo de 2024", "March 3, 2024", "2024年3月3日", "03.03.2024".
/// Only the day is kept: a visible time of day rarely says its zone.
pub fn find_in_text(text: &str) -> Option<String> {
    for caps in text_date_re().captures_iter(text) {
        let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
        let named = |name: &str| caps.name(name).and_then(|m| month(m.as_str()));
        let (y, m, d) = if caps.name("y1").is_some() {
            (num("y1"), named("m1"), num("d1"))
        } else if caps.name("y2").is_some() {
            (num("y2"), named("m2"), num("d2"))
        } else if caps.name("y3").is_some() {
            (num("y3"), num("m3"), num("d3"))
        } else if caps.name("y4").is_some() {
            (num("y4"), num("m4"), num("d4"))
        } else {
            (num("y5"), num("m5"), num("d5"))
        };
        if let (Some(y), Some(m), Some(d)) = (y, m, d) {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d).filter(|_| y >= 1990) {
                return Some(date.format("%Y-%m-%d").to_string());
            }
        }
    }
    None
}

/// A date in a URL's path: `/2024/03/03/`, `/2024-03-03/`, `/20240303/`. A year and month
/// alone (`/2024/03/`) say too little and give nothing.
pub fn from_url(url: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"[/_-]((?:19|20)\d{2})([/_-]?)(0[1-9]|1[0-2])([/_-]?)(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)")
            .expect("valid regex")
    });
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.find("://").map_or(path, |i| &path[i + 3..]);
    let path = path.find('/').map_or("", |i| &path[i..]);
    re.captures_iter(path)
        .filter(|c| c[2] == c[4])
        .find_map(|c| {
            NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[3].parse().ok()?, c[5].parse().ok()?)
        })
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// True when `date` (ISO 8601, as [`parse`] gives it) is after `fetched_at` (any form
/// [`parse`] reads): a page cannot have been published after it was fetched. Compared by
/// day, so a date without a time and a time zone's offset never make a false "later".
pub fn is_after(date: &str, fetched_at: &str) -> bool {
    let day = |s: &str| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok();
    match (day(date), parse(fetched_at, &[]).as_deref().and_then(day)) {
        (Some(d), Some(f)) => d > f,
        _ => false,
    }
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
    fn offsets_that_rfc_3339_refuses_are_kept() {
        for (raw, want) in [
            ("2024-04-27T07:39+0200", "2024-04-27T07:39:00+02:00"),
            ("2025-05-15T20:00:52.000+0900", "2025-05-15T20:00:52+09:00"),
            ("2024-04-30 16:17:29 +02:00", "2024-04-30T16:17:29+02:00"),
            ("2024-04-30 16:17:29+0200", "2024-04-30T16:17:29+02:00"),
        ] {
            assert_eq!(parse(raw, &[]).as_deref(), Some(want), "{raw}");
        }
    }

    #[test]
    fn rule_formats_come_first() {
        // 03/04/2021 is ambiguous; the rule says day first.
        assert_eq!(
            parse("03/04/2021", &["%d/%m/%Y".to_string()]).as_deref(),
            Some("2021-04-03")
        );
    }

    #[test]
    fn dates_in_visible_text_in_many_languages() {
        use super::find_in_text as f;
        assert_eq!(
            f("Veröffentlicht am 3. März 2024, 10:15 Uhr").as_deref(),
            Some("2024-03-03")
        );
        assert_eq!(
            f("Publié le 12 février 2023 à 08h00").as_deref(),
            Some("2023-02-12")
        );
        assert_eq!(
            f("Actualizado el 5 de mayo de 2022").as_deref(),
            Some("2022-05-05")
        );
        assert_eq!(
            f("Pubblicato il 7 luglio 2021").as_deref(),
            Some("2021-07-07")
        );
        assert_eq!(f("14 października 2024").as_deref(), Some("2024-10-14"));
        assert_eq!(
            f("Опубликовано 9 сентября 2024").as_deref(),
            Some("2024-09-09")
        );
        assert_eq!(
            f("Güncelleme: 21 Ağustos 2023").as_deref(),
            Some("2023-08-21")
        );
        assert_eq!(f("Updated March 3, 2024").as_deref(), Some("2024-03-03"));
        assert_eq!(f("2024年3月3日 10:00").as_deref(), Some("2024-03-03"));
        assert_eq!(f("2024년 3월 3일").as_deref(), Some("2024-03-03"));
        assert_eq!(f("Stand: 03.03.2024").as_deref(), Some("2024-03-03"));
        // Numbers that are not a date, and a month name that is a word.
        assert_eq!(f("10 may 2"), None);
        assert_eq!(f("Chapter 31 of 2000 pages"), None);
    }

    #[test]
    fn dates_in_url_paths() {
        use super::from_url as u;
        assert_eq!(
            u("https://x.com/2024/03/03/story").as_deref(),
            Some("2024-03-03")
        );
        assert_eq!(
            u("https://x.com/news/2024-03-03-story.html").as_deref(),
            Some("2024-03-03")
        );
        assert_eq!(
            u("https://x.com/a/20240303/b").as_deref(),
            Some("2024-03-03")
        );
        assert_eq!(u("https://x.com/2024/03/story"), None);
        assert_eq!(u("https://x.com/story-2024"), None);
        // A host that looks like a date is not the path.
        assert_eq!(u("https://2024-03-03.example.com/"), None);
    }

    #[test]
    fn a_date_after_the_fetch_is_later() {
        assert!(super::is_after("2024-03-05", "2024-03-04T10:00:00Z"));
        assert!(!super::is_after(
            "2024-03-04T23:00:00+02:00",
            "2024-03-04T10:00:00Z"
        ));
        assert!(!super::is_after("2024-03-04", "nonsense"));
    }
}

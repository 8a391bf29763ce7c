//! Metadata in a text dump: lines that are title, subtitle or byline.
//!
//! Runs after the removal rules, on the lines still open. Lines it reads are claimed
//! (kind `title`, `subtitle`, `byline`) so they leave the body but stay auditable.

use super::{authors, date, split_authors, Metadata};
use crate::clean::sheet::Sheet;
use crate::kind::Kind;
use crate::rules::compiled::{SubtitleRule, TextMetadata, TitleRule};
use regex::Regex;

/// Generic byline patterns only look this many open lines into the dump (wire credits,
/// the one end-of-story form, are matched anywhere).
const GENERIC_BYLINE_WINDOW: usize = 12;

/// A headline is one line of at most this many characters.
const MAX_TITLE_CHARS: usize = 300;

/// A byline pattern and the source it is reported as (`byline-text`, `credit-line`).
pub type Pattern<'a> = (&'a Regex, &'static str);

/// Reads metadata from `sheet` and claims the lines it used.
///
/// `site` is the rules' owner id (used in rule names). Byline patterns in `anywhere` (the
/// site's own, and credit lines) match anywhere; those in `top` (the generic ones) are
/// tried after them, only within a window at the top of the dump.
pub fn extract(
    sheet: &mut Sheet,
    site: &str,
    rules: &TextMetadata,
    anywhere: &[Pattern],
    top: &[Pattern],
    headline_in_markup: bool,
) -> Metadata {
    let mut meta = Metadata::default();
    byline(sheet, site, rules, anywhere, top, &mut meta);
    if headline_in_markup {
        // A page's title comes from its markup: no line may be guessed as another one.
        return meta;
    }
    let title_line = title(sheet, site, &rules.title, &mut meta);
    if let Some(t) = title_line {
        if rules.drop_above_title {
            let above: Vec<usize> = (0..t).filter(|&i| sheet.is_open(i)).collect();
            for i in above {
                sheet.claim(
                    i..i + 1,
                    Kind::Navigation,
                    &format!("{site}/metadata.above-title"),
                );
            }
        }
    }
    subtitle(sheet, site, &rules.subtitle, title_line, &mut meta);
    meta
}

fn byline(
    sheet: &mut Sheet,
    site: &str,
    rules: &TextMetadata,
    anywhere: &[Pattern],
    top: &[Pattern],
    meta: &mut Metadata,
) {
    let (view, map) = open_view(sheet);
    // The window counts lines of the view, blank ones included, so it is doubled.
    let top_end = view
        .match_indices('\n')
        .nth(GENERIC_BYLINE_WINDOW * 2)
        .map_or(view.len(), |(i, _)| i);
    let patterns = anywhere
        .iter()
        .map(|p| (p, view.as_str()))
        .chain(top.iter().map(|p| (p, &view[..top_end])));
    for (&(pattern, label), haystack) in patterns {
        let Some(caps) = pattern.captures(haystack) else {
            continue;
        };
        let whole = caps.get(0).expect("group 0");
        let first = view[..whole.start()].matches('\n').count();
        let last = first + whole.as_str().matches('\n').count();
        if let Some(a) = caps.name("authors") {
            meta.authors = split_authors(a.as_str());
            meta.sources.authors = source(!meta.authors.is_empty(), label);
        }
        if let Some(d) = caps.name("date") {
            meta.published = date::parse(d.as_str(), &rules.date_formats);
            meta.sources.published = source(meta.published.is_some(), label);
        }
        for &line in &map[first..=last.min(map.len() - 1)] {
            sheet.claim(
                line..line + 1,
                Kind::Byline,
                &format!("{site}/metadata.byline"),
            );
        }
        if !meta.authors.is_empty() || meta.published.is_some() {
            return;
        }
    }
    if !top.is_empty() {
        visible_byline(sheet, site, meta);
    }
}

/// A line this long is prose, not a byline or a dateline.
const MAX_BYLINE_WORDS: usize = 16;
const MAX_DATELINE_WORDS: usize = 10;

/// What the generic patterns miss, near the top of the dump: a byline in any of the
/// languages [`authors::from_byline`] reads ("Von Anna Müller", "Par Jean Dupont"), and
/// a short line that is a date with a label ("Veröffentlicht am 3. März 2024", "Publié le
/// 12 février 2023"). Each line read is claimed as `byline`, so a byline never leaves the
/// body without its names in `authors`.
fn visible_byline(sheet: &mut Sheet, site: &str, meta: &mut Metadata) {
    let window: Vec<usize> = sheet.open_lines().take(GENERIC_BYLINE_WINDOW).collect();
    for i in window {
        let line = sheet.line(i);
        let words = line.split_whitespace().count();
        let mut used = false;
        if meta.authors.is_empty() && words <= MAX_BYLINE_WORDS {
            let names = authors::from_byline(line);
            if !names.is_empty() {
                meta.authors = names;
                meta.sources.authors = Some("byline-text".into());
                used = true;
                if meta.published.is_none() {
                    meta.published = date::find_in_text(line);
                    meta.sources.published = source(meta.published.is_some(), "byline-text");
                }
            }
        }
        if !used && meta.published.is_none() && words <= MAX_DATELINE_WORDS && is_dateline(line) {
            meta.published = date::find_in_text(line);
            meta.sources.published = source(meta.published.is_some(), "text");
            used = meta.published.is_some();
        }
        if used {
            sheet.claim(i..i + 1, Kind::Byline, &format!("{site}/metadata.byline"));
        }
        if !meta.authors.is_empty() && meta.published.is_some() {
            return;
        }
    }
}

/// A line that is a date and little else: after taking out the date, at most a few words
/// (a label such as "Updated", "Stand:", "Publié le", a weekday, a time) remain, and the
/// line does not end like a sentence.
fn is_dateline(line: &str) -> bool {
    if date::find_in_text(line).is_none() || (line.ends_with(['.', '!', '?']) && line.len() > 40) {
        return false;
    }
    let letters_words = line
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    letters_words <= 5
}

fn title(sheet: &mut Sheet, site: &str, rule: &TitleRule, meta: &mut Metadata) -> Option<usize> {
    let line = match rule {
        TitleRule::None => return None,
        TitleRule::First => first_title(sheet),
        TitleRule::Pattern(re) => {
            let i = sheet.open_lines().find(|&i| re.is_match(sheet.line(i)))?;
            let text = re
                .captures(sheet.line(i))
                .and_then(|c| c.name("title"))
                .map(|m| m.as_str().trim().to_string());
            meta.title = text.filter(|t| !t.is_empty());
            Some(i)
        }
        TitleRule::Before(re) => {
            let marker =
                (0..sheet.len()).find(|&i| !sheet.is_blank(i) && re.is_match(sheet.line(i)));
            match marker {
                Some(m) => (0..m).rev().find(|&i| sheet.is_open(i)),
                None => first_title(sheet),
            }
        }
    }?;
    if meta.title.is_none() {
        meta.title = Some(sheet.line(line).to_string());
    }
    meta.sources.title = Some(
        match rule {
            TitleRule::First => "first-line",
            _ => "site-rule",
        }
        .to_string(),
    );
    sheet.claim(
        line..line + 1,
        Kind::Title,
        &format!("{site}/metadata.title"),
    );
    Some(line)
}

/// On a page, the headline block is the markup's title: claim it so it leaves the body.
pub fn claim_title(sheet: &mut Sheet, owner: &str, title: Option<&str>) {
    let Some(title) = title else { return };
    let want = title.to_lowercase();
    let found = sheet
        .open_lines()
        .take(15)
        .find(|&i| sheet.line(i).to_lowercase() == want);
    if let Some(i) = found {
        sheet.claim(i..i + 1, Kind::Title, &format!("{owner}/metadata.title"));
    }
}

fn source(found: bool, name: &str) -> Option<String> {
    found.then(|| name.to_string())
}

/// The first paragraph that looks like a headline, passing over at most a few short labels
/// (a section name, a kicker) above it. Anything longer above it means there is no
/// headline at the top, and nothing is taken.
fn first_title(sheet: &Sheet) -> Option<usize> {
    let mut i = 0;
    for _ in 0..4 {
        i = (i..sheet.len()).find(|&j| sheet.is_open(j))?;
        if looks_like_title(sheet, i) {
            return Some(i);
        }
        let words = sheet.line(i).split_whitespace().count();
        if sheet.paragraph_at(i).len() > 1 || words > 3 {
            return None;
        }
        i = sheet.paragraph_at(i).end;
    }
    None
}

/// One line of a few words on its own, not a long sentence, with more text after it.
fn looks_like_title(sheet: &Sheet, i: usize) -> bool {
    let line = sheet.line(i);
    let words = line.split_whitespace().count();
    sheet.paragraph_at(i).len() == 1
        && line.chars().count() <= MAX_TITLE_CHARS
        && (2..=40).contains(&words)
        && !(line.ends_with('.') && words > 12)
        && (i + 1..sheet.len()).any(|j| sheet.is_open(j))
}

/// The subtitle by `rule`, relative to the title at sheet line `title`; claims its line.
pub fn subtitle(
    sheet: &mut Sheet,
    site: &str,
    rule: &SubtitleRule,
    title: Option<usize>,
    meta: &mut Metadata,
) {
    let after_title = || {
        let t = title?;
        (t + 1..sheet.len()).find(|&i| sheet.is_open(i))
    };
    let line = match rule {
        SubtitleRule::None => None,
        SubtitleRule::AfterTitle => after_title(),
        SubtitleRule::Guess => after_title().filter(|&i| looks_like_subtitle(sheet, i)),
        SubtitleRule::Pattern(re) => {
            let i = sheet.open_lines().find(|&i| re.is_match(sheet.line(i)));
            if let Some(i) = i {
                meta.subtitle = re
                    .captures(sheet.line(i))
                    .and_then(|c| c.name("subtitle"))
                    .map(|m| m.as_str().trim().to_string());
            }
            i
        }
    };
    if let Some(i) = line {
        if meta.subtitle.is_none() {
            meta.subtitle = Some(sheet.line(i).to_string());
        }
        meta.sources.subtitle = Some(
            match rule {
                SubtitleRule::Pattern(_) => "site-rule",
                _ => "after-title",
            }
            .to_string(),
        );
        sheet.claim(
            i..i + 1,
            Kind::Subtitle,
            &format!("{site}/metadata.subtitle"),
        );
    }
}

/// A standfirst is one line of a sentence's length that does not end like body prose, and
/// more text follows it.
fn looks_like_subtitle(sheet: &Sheet, i: usize) -> bool {
    let line = sheet.line(i);
    let words = line.split_whitespace().count();
    let ends_like_prose = line.ends_with(['.', '!', '?', ':', '"', '\u{201d}', ')']);
    sheet.paragraph_at(i).len() == 1
        && (5..=60).contains(&words)
        && !ends_like_prose
        && (i + 1..sheet.len()).any(|j| sheet.is_open(j))
}

/// The open lines joined with `\n` (blank lines kept, claimed lines left out) and, for
/// each line of that text, the sheet line it came from.
fn open_view(sheet: &Sheet) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut map = Vec::new();
    for i in 0..sheet.len() {
        if sheet.is_claimed(i) {
            continue;
        }
        if !map.is_empty() {
            text.push('\n');
        }
        text.push_str(sheet.line(i));
        map.push(i);
    }
    (text, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::compiled::TextMetadata;

    fn title_of(text: &str) -> (Option<String>, Vec<String>) {
        let mut sheet = Sheet::new(text);
        let rules = TextMetadata {
            drop_above_title: true,
            ..TextMetadata::default()
        };
        let meta = extract(&mut sheet, "t", &rules, &[], &[], false);
        (meta.title, sheet.paragraphs())
    }

    #[test]
    fn a_section_label_above_the_headline_is_passed_over() {
        let (title, body) = title_of("Politics\n\nSenate passes the bill\n\nThe Senate passed it.");
        assert_eq!(title.as_deref(), Some("Senate passes the bill"));
        assert_eq!(body, vec!["The Senate passed it."]);
    }

    #[test]
    fn no_headline_when_the_dump_starts_with_prose() {
        let text = "The Senate passed the bill on Tuesday after a long debate that went on into the night, \
                    with several amendments rejected along the way and more to come.\n\nShort line here\n\nMore.";
        let (title, body) = title_of(text);
        assert_eq!(title, None);
        assert_eq!(
            body.len(),
            3,
            "nothing above a guessed title may be dropped: {body:?}"
        );
    }
}

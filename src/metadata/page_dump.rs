//! Metadata of a page-like text dump with no site rule: the headline, byline and date
//! read where the article starts, not at the top of the dump.
//!
//! A scraper's dump of a page opens with the site's menu, so the first short line is a
//! menu item, not the headline. The article is where the dump's main stretch of prose
//! begins ([`heuristics::article_stretch`], the stretch the clean-up keeps), and a news
//! page prints its headline, standfirst, byline and date just above that, in every
//! language and layout: the headline is the heading-like line closest above (a few
//! words, no sentence-final full stop), the byline a "By …" line (in the languages
//! [`authors::from_byline`] reads), a byline word alone on its line with the names on the
//! next ones, or a person's name beside a date; the date a short line that is a date.
//! Only lines judged by shape are taken, and each one taken is claimed (`title`,
//! `byline`), so it leaves the body but stays in `removed`.

use super::{authors, date, Metadata};
use crate::clean::heuristics;
use crate::clean::sheet::Sheet;
use crate::kind::Kind;

/// How far above the article's first prose line the headline may stand (open lines):
/// room for a standfirst, a byline, a date, a picture's caption and share buttons.
const TITLE_WINDOW: usize = 25;
/// How far into the article the byline and date may come (after a standfirst, a
/// picture and its caption).
const AFTER_START: usize = 12;
/// A headline has at least this many words (a two-word line is more often a button).
const MIN_TITLE_WORDS: usize = 3;
const MAX_TITLE_WORDS: usize = 40;
const MAX_TITLE_CHARS: usize = 300;
/// A heading-like line this long under a shorter one is a standfirst.
const STANDFIRST_WORDS: usize = 14;
/// A byline or a dateline is a short line.
const MAX_BYLINE_WORDS: usize = 16;
/// A dateline may carry a label, a time, a reading time and the byline ("On January 12,
/// 2025 By Jane Doe In Travel"): it is short, but not as short as a bare date.
const MAX_DATELINE_WORDS: usize = 16;
/// Name lines read after a byline word that stands alone ("Von" / "Anna Müller" / "Jan Roe").
const MAX_NAME_LINES: usize = 4;

/// The source recorded for a headline, or a name, found by the page's shape.
pub const SOURCE: &str = "text-heuristic";

/// Reads the headline, authors and date around the start of the dump's article stretch
/// and claims the lines it used; with them, the sheet line of the headline, if one was
/// found. `None` when the dump has no stretch of prose (not a page dump): the caller then
/// reads the dump as a plain article.
pub fn extract(sheet: &mut Sheet, owner: &str) -> Option<(Metadata, Option<usize>)> {
    let open: Vec<usize> = sheet.open_lines().collect();
    let lines: Vec<&str> = open.iter().map(|&i| sheet.line(i)).collect();
    let (start, _) = heuristics::article_stretch(&lines)?;
    let mut meta = Metadata::default();
    let mut title_lines = Vec::new();
    let mut byline_lines = Vec::new();

    let title_at = headline(&lines, start);
    if let Some(t) = title_at {
        meta.title = Some(lines[t].trim().to_string());
        meta.sources.title = Some(SOURCE.into());
        title_lines.push(t);
    }
    // Bylines and dates come after the headline (or, with none found, a little above the
    // prose), down into the article's first lines.
    let from = title_at.map_or(start.saturating_sub(AFTER_START), |t| t + 1);
    let to = (start + AFTER_START).min(lines.len() - 1);
    // Then the lines above the headline, near the prose: a wrong headline guess must not
    // hide the byline.
    let near: Vec<usize> = (from..=to)
        .chain(start.saturating_sub(AFTER_START)..from)
        .filter(|k| Some(*k) != title_at)
        .collect();
    let under_title = title_at
        .and_then(|t| lines.get(t + 1).map(|l| (t + 1, l)))
        .filter(|&(k, _)| k < start)
        .and_then(|(k, l)| name_line(l.trim()).map(|n| (vec![n], vec![k], SOURCE)));
    // A byline that says so wins over a name shaped line under the headline.
    let found = match byline(&lines, &near) {
        Some(b) if b.2 == "byline-text" => Some(b),
        other => under_title.or(other),
    };
    if let Some((names, used, source)) = found {
        meta.authors = names;
        meta.sources.authors = Some(source.into());
        byline_lines.extend(used);
    }
    // A date above the headline is a kicker's ("Politik | 03.05.2024"): looked at last.
    let above = title_at.map_or(0..0, |t| t.saturating_sub(3)..t);
    for k in near.iter().copied().chain(above) {
        if byline_lines.contains(&k) {
            if let Some(d) = date::find_in_text(lines[k]) {
                meta.published = Some(d);
                meta.sources.published = Some("byline-text".into());
                break;
            }
            continue;
        }
        if is_dateline(lines[k]) {
            meta.published = date::find_in_text(lines[k]);
            meta.sources.published = Some("text".into());
            byline_lines.push(k);
            break;
        }
    }
    for k in title_lines {
        let i = open[k];
        sheet.claim(i..i + 1, Kind::Title, &format!("{owner}/metadata.title"));
    }
    for k in byline_lines {
        let i = open[k];
        sheet.claim(i..i + 1, Kind::Byline, &format!("{owner}/metadata.byline"));
    }
    Some((meta, title_at.map(|t| open[t])))
}

/// The headline above the article's first prose line `start`: of the heading-like lines
/// within [`TITLE_WINDOW`] above it (the first line itself included when it reads as a
/// heading, a question say), the one that is most headline (see [`headline_score`]).
fn headline(lines: &[&str], start: usize) -> Option<usize> {
    let lower: Vec<String> = lines.iter().map(|l| l.trim().to_lowercase()).collect();
    let beside_date = |k: usize| {
        (k > 0 && is_dateline(lines[k - 1])) || lines.get(k + 1).is_some_and(|l| is_dateline(l))
    };
    let mut best: Option<(f64, usize)> = None;
    for k in start.saturating_sub(TITLE_WINDOW)..=start {
        let line = lines[k];
        // An author's name over the date is not a headline, though shaped like one.
        if !is_heading(line) || (name_line(line).is_some() && beside_date(k)) {
            continue;
        }
        let score = headline_score(lines, &lower, k) - 0.15 * (start - k) as f64;
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, k));
        }
    }
    let (_, k) = best?;
    // A headline comes above its standfirst: a long heading-like line right under a
    // shorter one is the standfirst, and the line above it the headline.
    let words = heuristics::words(lines[k]);
    if words >= STANDFIRST_WORDS && k > 0 && is_heading(lines[k - 1]) {
        let above = heuristics::words(lines[k - 1]);
        if (4..words).contains(&above) && above < STANDFIRST_WORDS {
            return Some(k - 1);
        }
    }
    Some(k)
}

/// How much the heading-like line `k` reads as the page's headline, by shape and place:
/// a headline has four to fifteen words (a button or a label has two or three, a
/// standfirst or a caption more); the byline or the date follows it within a few lines;
/// the page prints it once more (a breadcrumb or a share box ending with it, the page's
/// `<title>` at the top of some dumps), where a label is printed many times; and it is
/// one text, not a breadcrumb of several joined by separators.
fn headline_score(lines: &[&str], lower: &[String], k: usize) -> f64 {
    let words = heuristics::words(lines[k]);
    let mut score = match words {
        0..=3 => 2.0,
        4..=15 => words.min(12) as f64,
        16..=20 => 10.0,
        _ => 10.0 - (words - 20) as f64,
    };
    let credit_below = (k + 1..lines.len().min(k + 4)).any(|j| {
        let line = lines[j].trim();
        is_dateline(line) || is_byline_word(line) || !authors::from_byline(line).is_empty()
    });
    if credit_below {
        score += 3.0;
    }
    let key = &lower[k];
    let same = lower.iter().filter(|l| *l == key).count();
    let inside = || {
        lower
            .iter()
            .any(|l| l.len() > key.len() && l.contains(key.as_str()))
    };
    if same >= 3 {
        score -= 3.0;
    } else if words >= 4 && (same == 2 || inside()) {
        score += 3.0;
    }
    let separators = [" | ", " » ", " > ", " / ", " - ", " · "]
        .iter()
        .map(|sep| lines[k].matches(sep).count())
        .sum::<usize>();
    if separators >= 2 {
        score -= 3.0;
    }
    score
}

/// A line shaped like a headline: a few words to a long sentence's worth, no full stop
/// or colon at its end (a question or an exclamation may be a headline), not a date and
/// not a byline.
fn is_heading(line: &str) -> bool {
    let line = line.trim();
    let words = heuristics::words(line);
    (MIN_TITLE_WORDS..=MAX_TITLE_WORDS).contains(&words)
        && line.chars().count() <= MAX_TITLE_CHARS
        && !line.ends_with(['.', ',', ':', ';', '…', '。', '：', '|'])
        && line.chars().filter(|c| c.is_alphabetic()).count() >= 8
        && !line.contains('©')
        && !starts_lowercase(line)
        && date::find_in_text(line).is_none()
        && authors::from_byline(line).is_empty()
}

/// A line whose first word is all lower case ("instagram tiktok facebook", "read more"):
/// a menu's or a button's, as a headline opens with a capital ("iPhone" has one) or in
/// a script without case.
fn starts_lowercase(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .is_some_and(|w| w.chars().any(char::is_lowercase) && !w.chars().any(char::is_uppercase))
}

/// The first byline among the lines at `near` (indices into `lines`): its names, the
/// lines it takes, and the source to record.
fn byline(lines: &[&str], near: &[usize]) -> Option<(Vec<String>, Vec<usize>, &'static str)> {
    for (n, &k) in near.iter().enumerate() {
        let line = lines[k].trim();
        if heuristics::words(line) > MAX_BYLINE_WORDS {
            continue;
        }
        let names = authors::from_byline(line);
        if !names.is_empty() {
            return Some((names, vec![k], "byline-text"));
        }
        // A date line that names the author after it ("March 3, 2024 by Jane Doe").
        if date::find_in_text(line).is_some() {
            let names = line
                .match_indices(' ')
                .map(|(i, _)| authors::from_byline(&line[i + 1..]))
                .find(|names| !names.is_empty());
            if let Some(names) = names {
                return Some((names, vec![k], "byline-text"));
            }
        }
        // A byline word alone ("Von", "By:"), the names on the lines under it.
        let next = &near[n + 1..];
        if is_byline_word(line) {
            let mut names = Vec::new();
            let mut used = vec![k];
            for &j in next.iter().take(MAX_NAME_LINES) {
                let found = authors::from_byline(&format!("{} {}", line, lines[j].trim()));
                if found.is_empty() {
                    break;
                }
                names.extend(found);
                used.push(j);
            }
            if !names.is_empty() {
                return Some((names, used, "byline-text"));
            }
        }
        // A name, alone or first on a line with a date ("Jane Doe · March 3, 2024"), right
        // next to a date.
        let beside_date = |j: Option<&usize>| j.is_some_and(|&j| is_dateline(lines[j]));
        let before = n.checked_sub(1).map(|p| &near[p]);
        if beside_date(next.first()) || beside_date(before) {
            if let Some(name) = name_line(line) {
                return Some((vec![name], vec![k], SOURCE));
            }
        }
        if date::find_in_text(line).is_some() {
            let first = line.split(['·', '|', '•']).next().unwrap_or("").trim();
            if first.len() < line.len() {
                if let Some(name) = name_line(first) {
                    return Some((vec![name], vec![k], SOURCE));
                }
            }
        }
    }
    None
}

/// A line that is only a byline word ("Von", "By:", "Written by").
fn is_byline_word(line: &str) -> bool {
    let word = line.trim().trim_end_matches([':', ' ']);
    !word.is_empty()
        && word.split_whitespace().count() <= 2
        && authors::from_byline(&format!("{word} Jane Doe")) == ["Jane Doe"]
}

/// The name a line holds when the whole line is a person's name (two to four words).
fn name_line(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    // "Kommentar von", "Illustrations: Tim Roe" name a role, not (only) a person.
    let role = line.contains(':') || words.last().is_some_and(|w| is_byline_word(w));
    ((2..=4).contains(&words.len()) && !role && authors::looks_like_name(line))
        .then(|| line.to_string())
}

/// A short line that is a date and little else ("3. Mai 2024, 17:47", "Published Aug
/// 28, 2024", "06. 01. 2026, 14:59 Uhr Lesedauer: 4 Minuten").
fn is_dateline(line: &str) -> bool {
    let sentence = line.ends_with(['.', '!', '?']) && line.len() > 40;
    heuristics::words(line) <= MAX_DATELINE_WORDS && !sentence && date::find_in_text(line).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MENU: &str = "Home\n\nNews\n\nSport\n\nCulture\n\nSearch\n\n";
    const P1: &str = "The council voted on Tuesday to close the old river bridge for repairs, after engineers found cracks in two of its piers.";
    const P2: &str = "Works will start next month and are expected to last until the end of the summer, the city said in a statement.";
    const P3: &str = "Residents will have to use the ferry or the motorway bridge to the north, which adds about twenty minutes to a trip.";

    fn read(text: &str) -> (Metadata, Vec<String>, Vec<(Kind, String)>) {
        let mut sheet = Sheet::new(text);
        let (meta, _) = extract(&mut sheet, "generic").expect("a page dump");
        let removed = sheet
            .removals()
            .into_iter()
            .map(|r| (r.kind, r.text))
            .collect();
        (meta, sheet.paragraphs(), removed)
    }

    #[test]
    fn the_headline_byline_and_date_above_the_article_not_the_menu() {
        let text = format!(
            "{MENU}River bridge to close for repairs\n\nBy Jane Doe and John Roe\n\n\
             March 3, 2024 10:15 am\n\nShare\n\n{P1}\n\n{P2}\n\n{P3}\n\nMore stories"
        );
        let (meta, body, removed) = read(&text);
        assert_eq!(
            meta.title.as_deref(),
            Some("River bridge to close for repairs")
        );
        assert_eq!(meta.sources.title.as_deref(), Some(SOURCE));
        assert_eq!(meta.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(meta.published.as_deref(), Some("2024-03-03"));
        assert!(removed.contains(&(Kind::Title, "River bridge to close for repairs".into())));
        let bylines = removed.iter().filter(|(k, _)| *k == Kind::Byline);
        assert_eq!(
            bylines.map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
            ["By Jane Doe and John Roe\n\nMarch 3, 2024 10:15 am"]
        );
        assert!(
            body.contains(&"Home".to_string()),
            "only metadata lines go: {body:?}"
        );
    }

    #[test]
    fn a_byline_word_alone_takes_the_names_under_it_and_a_standfirst_is_passed_over() {
        let text = format!(
            "{MENU}Brücke wird wegen Rissen gesperrt\n\n\
             Die Stadt schließt die alte Flussbrücke, nachdem Gutachter Risse in zwei Pfeilern gefunden haben\n\n\
             Von\n\nAnna Müller\n\nPeter Schmidt\n\n3. Mai 2024, 17:47\n\n{P1}\n\n{P2}\n\n{P3}"
        );
        let (meta, _, _) = read(&text);
        assert_eq!(
            meta.title.as_deref(),
            Some("Brücke wird wegen Rissen gesperrt")
        );
        assert_eq!(meta.authors, ["Anna Müller", "Peter Schmidt"]);
        assert_eq!(meta.published.as_deref(), Some("2024-05-03"));
    }

    #[test]
    fn a_name_beside_a_date_is_the_author() {
        let text = format!(
            "{MENU}Ferry service to run every hour\n\nShare\n\nMaria Lopez\n\n12.04.2024\n\n{P1}\n\n{P2}\n\n{P3}"
        );
        let (meta, _, removed) = read(&text);
        assert_eq!(meta.authors, ["Maria Lopez"]);
        assert_eq!(meta.sources.authors.as_deref(), Some(SOURCE));
        assert_eq!(meta.published.as_deref(), Some("2024-04-12"));
        assert!(removed.contains(&(Kind::Byline, "Maria Lopez\n\n12.04.2024".into())));
    }

    #[test]
    fn a_line_in_lower_case_over_the_article_is_not_the_headline() {
        let text = format!(
            "{MENU}River bridge to close for repairs\n\nShare\n\n\
             read more from our award winning local news team\n\n{P1}\n\n{P2}\n\n{P3}"
        );
        let (meta, _, _) = read(&text);
        assert_eq!(
            meta.title.as_deref(),
            Some("River bridge to close for repairs")
        );
    }

    #[test]
    fn no_headline_is_guessed_from_menu_words() {
        let text = format!("{MENU}{P1}\n\n{P2}\n\n{P3}");
        let (meta, body, _) = read(&text);
        assert_eq!(meta.title, None);
        assert_eq!(body.len(), 8);
    }

    #[test]
    fn a_japanese_headline_counts_its_characters() {
        let ja1 = "政府は十三日、新しい経済対策を発表し、物価高に苦しむ家庭への支援を拡大する方針を明らかにした。";
        let ja2 = "対策の規模は約十兆円となる見通しで、来月にも補正予算案を国会に提出する方向で調整している。";
        let text =
            format!("トップ\n\n経済\n\n政府が新たな経済対策を発表\n\n{ja1}\n\n{ja2}\n\n{ja1}{ja2}");
        let (meta, _, _) = read(&text);
        assert_eq!(meta.title.as_deref(), Some("政府が新たな経済対策を発表"));
    }
}

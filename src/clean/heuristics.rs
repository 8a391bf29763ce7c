//! Generic clean-up for page-like text dumps: what a scraper saves when it keeps "all the
//! visible text" of a page, menus and footers included.
//!
//! A text dump has no markup to say where the article is, but its lines still show it:
//! the article is a stretch of prose (long lines that read as sentences), and page chrome
//! is runs of short lines (menu items, link lists, footer links, dates, names). This pass
//! finds the stretch of the dump that is most prose, net of the short lines it would take
//! in (a maximum-sum segment over lines), and claims what lies before and after it. Inside
//! the stretch, only long runs of short lines (a menu or link list) are claimed, so
//! subheadings, one-line quotes and "See the full readout below:" survive.
//!
//! An article's paragraphs come in runs; the prose a page puts around it does not. A
//! teaser's summary, an author bio, a form's help text or a comment each stand alone
//! between short lines (headlines, names, buttons), so a prose line with no prose line
//! beside it counts for half: a tail of such lines no longer pays for the short lines
//! between them, and the stretch ends where the article's run of paragraphs ends.
//!
//! A comment thread under the article is prose too, but each comment comes under a short
//! line that stamps it with a date or a time ("Ana 3/2/2024 at 4:44am", "12:05"), and
//! those stamps recur every few lines. Where such a run of stamps starts in the back half
//! of the stretch, the article has ended: the stretch stops there and the thread is
//! claimed as comments. A run that starts in the front half is left alone, as a live blog
//! stamps its entries the same way from its first lines.
//!
//! It runs only when no site rule matched (a site's rules know its dumps better) and after
//! the metadata pass, so the title and bylines have already been taken. It looks at line
//! shape only, never at words, so a body paragraph that begins like boilerplate
//! ("Comments made by officials…") is judged by its length and punctuation like any other.

use super::sheet::Sheet;
use crate::kind::Kind;
use regex::Regex;
use std::sync::OnceLock;

/// A line with at least this many words that ends like a sentence reads as prose.
const PROSE_WORDS: usize = 8;
/// A line this long reads as prose whatever its punctuation.
const LONG_WORDS: usize = 30;
/// Consecutive short lines inside the article that make a menu or link list.
const MENU_RUN: usize = 5;
/// What a prose line with no prose line next to it counts for, as a share of its words.
const ALONE: f64 = 0.5;
/// Consecutive lines of at least [`ITEM_WORDS`] words that do not end like sentences, right
/// after a prose line, make the items of a list or the rows of a table the text introduces:
/// longer than menu entries, unpunctuated.
const ITEM_RUN: usize = 4;
const ITEM_WORDS: usize = 5;
/// Date or time stamps, each within this many lines of the last, that make a thread.
const THREAD_STAMPS: usize = 3;
const THREAD_GAP: usize = 6;
/// A stamp line is a header, not a sentence that mentions a date: at most this many words.
const STAMP_WORDS: usize = 12;

/// How a line counts toward the article stretch: prose adds its words; a short line
/// costs a little, so a few headings between paragraphs are crossed, a footer is not.
fn line_score(line: &str) -> f64 {
    let words = words(line);
    if is_prose(line, words) {
        words as f64
    } else {
        -(2.0 + words as f64)
    }
}

/// [`line_score`] for each of a dump's open lines, in order, with prose that stands
/// alone (no prose line just before or after it) counted at [`ALONE`] of its words, and
/// a numbered or bulleted item ("1. Multimeter", "• Bend wires") costing nothing: the
/// writer made that list, so it belongs to the text it sits in (a menu is not numbered).
/// So does a run of [`ITEM_RUN`] long unpunctuated lines right after a prose line, a list
/// whose markers the dump lost ("Jasmine Chang – Type & Expression (Instructor: John
/// Nettleton)") under the paragraph that introduces it. A run with no prose right above
/// it is more often a block of teaser headlines, and still costs its words.
fn stretch_scores(lines: &[&str]) -> Vec<f64> {
    let mut scores: Vec<f64> = lines
        .iter()
        .map(|l| match line_score(l) {
            s if s < 0.0 && is_list_item(l) => 0.0,
            s => s,
        })
        .collect();
    let item: Vec<bool> = (0..lines.len())
        .map(|k| scores[k] < 0.0 && words(lines[k]) >= ITEM_WORDS)
        .collect();
    let mut k = 0;
    while k < lines.len() {
        let run = item[k..].iter().take_while(|&&i| i).count();
        if run >= ITEM_RUN && k > 0 && scores[k - 1] > 0.0 {
            scores[k..k + run].fill(0.0);
        }
        k += run.max(1);
    }
    let prose: Vec<bool> = scores.iter().map(|&s| s > 0.0).collect();
    for (k, score) in scores.iter_mut().enumerate() {
        let beside = (k > 0 && prose[k - 1]) || prose.get(k + 1).copied().unwrap_or(false);
        if prose[k] && !beside {
            *score *= ALONE;
        }
    }
    scores
}

/// The article stretch of a dump's lines (indices into `lines`, inclusive): what
/// [`apply`] keeps, found the same way, for the metadata stage to look for the headline,
/// byline and date just above and at its start.
pub fn article_stretch(lines: &[&str]) -> Option<(usize, usize)> {
    best_segment(&stretch_scores(lines))
}

fn is_prose(line: &str, words: usize) -> bool {
    if words >= LONG_WORDS {
        return true;
    }
    let end = line.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '」', '』', '）']);
    words >= PROSE_WORDS && end.ends_with(['.', '!', '?', ':', ';', '…', '。', '！', '？', '：'])
}

/// Words in a line, for judging its shape. Chinese and Japanese write without spaces, so
/// there a run of ideographs or kana counts a word per two characters (about the length of
/// a word in both), and a paragraph reads as the prose it is.
pub fn words(line: &str) -> usize {
    line.split_whitespace()
        .map(|token| {
            let wide = token.chars().filter(|&c| is_unspaced_script(c)).count();
            (wide / 2).max(1)
        })
        .sum()
}

/// Ideographs, kana and full-width forms: scripts written without spaces between words.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // hiragana, katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF66..=0xFF9F) // half-width katakana
}

/// Claims repeated lines, then page chrome around (and menus within) the dump's main
/// stretch of prose.
pub fn apply(sheet: &mut Sheet, owner: &str) {
    claim_repeats(sheet, owner);
    // The headline and byline lines the generic metadata pass took still count for the
    // stretch's shape, as they did when that pass found the stretch: without them a
    // caption or a standfirst above the byline would join the article's first paragraph.
    let metadata = format!("{owner}/metadata.");
    let open: Vec<usize> = (0..sheet.len())
        .filter(|&i| {
            sheet.is_open(i)
                || sheet
                    .claim_of(i)
                    .is_some_and(|c| c.rule.starts_with(&metadata))
        })
        .collect();
    let scores = stretch_scores(&open.iter().map(|&i| sheet.line(i)).collect::<Vec<_>>());
    let Some((first, end)) = best_segment(&scores) else {
        return;
    };
    // Nothing reads as prose: not a page-like dump, leave it alone.
    let stamps: Vec<bool> = open.iter().map(|&i| is_stamp(sheet.line(i))).collect();
    let last = match thread_start(&stamps[first..=end], &scores[first..=end]) {
        Some(start) => first + start - 1,
        None => end,
    };
    let rule_head = format!("{owner}/heuristics.page-head");
    let rule_tail = format!("{owner}/heuristics.page-tail");
    let rule_menu = format!("{owner}/heuristics.menu");
    let rule_thread = format!("{owner}/heuristics.comment-thread");
    for &i in &open[..first] {
        sheet.claim(i..i + 1, Kind::Navigation, &rule_head);
    }
    for &i in &open[last + 1..=end] {
        sheet.claim(i..i + 1, Kind::Comments, &rule_thread);
    }
    for &i in &open[end + 1..] {
        sheet.claim(i..i + 1, Kind::Other, &rule_tail);
    }
    // Runs of short lines inside the stretch.
    let mut run_start = None;
    for k in first..=last + 1 {
        let short = k <= last && scores[k] < 0.0 && is_menu_item(sheet.line(open[k]));
        match (short, run_start) {
            (true, None) => run_start = Some(k),
            (false, Some(s)) => {
                if k - s >= MENU_RUN {
                    for &i in &open[s..k] {
                        sheet.claim(i..i + 1, Kind::Navigation, &rule_menu);
                    }
                }
                run_start = None;
            }
            _ => {}
        }
    }
}

/// Claims every line that repeats an earlier open line word for word: a page's text
/// holds copies of the article for other screen sizes, captions shown twice, and labels
/// repeated at each slot ("Advertisement"); an article does not say a line twice. Lines
/// without a letter or digit (separators) are left alone.
pub fn claim_repeats(sheet: &mut Sheet, owner: &str) {
    let rule = format!("{owner}/heuristics.repeat");
    let mut seen = std::collections::HashSet::new();
    let open: Vec<usize> = sheet.open_lines().collect();
    for i in open {
        let line = sheet.line(i).trim();
        if !line.chars().any(char::is_alphanumeric) {
            continue;
        }
        if !seen.insert(line.to_lowercase()) {
            sheet.claim(i..i + 1, Kind::Other, &rule);
        }
    }
}

/// A line that starts like an item of a written list: `1.`, `12)`, or a bullet and a space.
fn is_list_item(line: &str) -> bool {
    static ITEM: OnceLock<Regex> = OnceLock::new();
    let item = ITEM.get_or_init(|| Regex::new(r"^(?:\d{1,2}[.)]|[-•·*–])\s").expect("valid regex"));
    item.is_match(line.trim_start())
}

/// A short line holding a time (`12:05`) or a numeric date (`3/2/2024`, `2024-03-02`,
/// `02.03.24`): how comment threads head each comment, in any language.
fn is_stamp(line: &str) -> bool {
    static STAMP: OnceLock<Regex> = OnceLock::new();
    let stamp = STAMP.get_or_init(|| {
        Regex::new(r"(?:^|\D)(?:\d{1,2}:\d{2}|\d{1,4}[./-]\d{1,2}[./-]\d{2,4})(?:\D|$)")
            .expect("valid regex")
    });
    words(line) <= STAMP_WORDS && stamp.is_match(line)
}

/// Where a comment thread starts in the article stretch (`stamps` and `scores` of its
/// lines): the first line of the first run of [`THREAD_STAMPS`] stamp lines, each within
/// [`THREAD_GAP`] lines of the one before, if at least half the stretch's prose lies
/// before it. Never 0: a stretch that is all thread has no article to cut it from.
fn thread_start(stamps: &[bool], scores: &[f64]) -> Option<usize> {
    let mut run: Vec<usize> = Vec::new();
    for k in (0..stamps.len()).filter(|&k| stamps[k]) {
        if run.last().is_some_and(|&prev| k - prev > THREAD_GAP) {
            run.clear();
        }
        run.push(k);
        if run.len() == THREAD_STAMPS {
            break;
        }
    }
    let mut start = *run.first().filter(|_| run.len() == THREAD_STAMPS)?;
    // The thread's own heading and buttons ("12 Comments", "Leave a reply") come with it.
    while start > 1 && scores[start - 1] < 0.0 {
        start -= 1;
    }
    let prose = |range: &[f64]| range.iter().map(|s| s.max(0.0)).sum::<f64>();
    (start > 0 && prose(&scores[..start]) >= prose(scores) / 2.0).then_some(start)
}

/// A menu item: a few words, no sentence punctuation.
fn is_menu_item(line: &str) -> bool {
    words(line) <= 4 && !line.ends_with(['.', '!', '?', ':'])
}

/// The maximum-sum run of `scores` (indices, inclusive), if it is positive.
pub fn best_segment(scores: &[f64]) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    let (mut sum, mut start) = (0.0, 0);
    for (i, &s) in scores.iter().enumerate() {
        if sum <= 0.0 {
            sum = 0.0;
            start = i;
        }
        sum += s;
        if sum > 0.0 && best.is_none_or(|(b, _, _)| sum > b) {
            best = Some((sum, start, i));
        }
    }
    best.map(|(_, a, b)| (a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<String>, Vec<String>) {
        let mut sheet = Sheet::new(text);
        apply(&mut sheet, "generic");
        let removed = sheet.removals().into_iter().map(|r| r.text).collect();
        (sheet.paragraphs(), removed)
    }

    const PARA1: &str = "Comments made by officials on Tuesday were brief, and the ministry said it would publish its full report next week.";
    const PARA2: &str = "Support for the measure has grown since the spring, according to a poll published by the council on Monday.";

    #[test]
    fn removes_menus_and_footers_but_keeps_body_paragraphs() {
        let text = format!(
            "Home\n\nNews\n\nSport\n\nWeather\n\nContact\n\n{PARA1}\n\nWhat happens next\n\n{PARA2}\n\n\
             About us\n\nPrivacy\n\nTerms\n\n© 2024 Example Media"
        );
        let (body, removed) = run(&text);
        assert_eq!(body, vec![PARA1, "What happens next", PARA2]);
        assert!(removed.iter().any(|r| r.contains("Home")));
        assert!(removed.iter().any(|r| r.contains("Privacy")));
    }

    #[test]
    fn a_link_list_inside_the_article_goes_but_a_heading_stays() {
        let text = format!(
            "{PARA1}\n\nRead more\n\nOne\n\nTwo\n\nThree\n\nFour\n\nFive\n\n{PARA2}\n\nThe outcome\n\n{PARA1} Then."
        );
        let (body, _) = run(&text);
        assert!(!body.iter().any(|p| p == "Three"), "{body:?}");
        assert!(body.iter().any(|p| p == "The outcome"), "{body:?}");
    }

    #[test]
    fn repeated_lines_go_after_their_first_copy() {
        let text = format!(
            "Advertisement\n\n{PARA1}\n\nAdvertisement\n\n{PARA2}\n\n{PARA1}\n\n***\n\n***"
        );
        let mut sheet = Sheet::new(&text);
        claim_repeats(&mut sheet, "generic");
        assert_eq!(
            sheet.paragraphs(),
            vec!["Advertisement", PARA1, PARA2, "***", "***"]
        );
    }

    #[test]
    fn chinese_and_japanese_paragraphs_read_as_prose() {
        let ja = "政府は十三日、新しい経済対策を発表し、物価高に苦しむ家庭への支援を拡大する方針を明らかにした。";
        assert!(words(ja) >= PROSE_WORDS);
        assert!(line_score(ja) > 0.0);
        assert!(!is_menu_item(ja));
        assert_eq!(words("Home News"), 2);
    }

    #[test]
    fn prose_standing_alone_after_the_article_goes_with_the_tail() {
        // After the article: a bio and teasers, each summary alone between short lines.
        let text = format!(
            "{PARA1}\n\n{PARA2}\n\n{PARA1} It added that the vote would come in May.\n\n\
             Jane Doe\n\nReporter\n\n\
             Jane has covered the council for the paper since 2019.\n\n\
             Budget talks\n\nBy John Roe\n\n\
             Negotiators met again on Friday without reaching a deal on the city's spending plan.\n\n\
             Bridge works\n\nBy Ann Poe\n\n\
             The old river bridge will close for repairs for three weeks starting next Monday morning.\n\n\
             Share\n\nTop"
        );
        let (body, removed) = run(&text);
        assert_eq!(body.len(), 3, "{body:?}");
        assert!(removed.iter().any(|r| r.contains("river bridge")));
    }

    #[test]
    fn lone_prose_counts_half_and_paragraph_runs_count_whole() {
        let scores = stretch_scores(&["Home", PARA1, "Share", PARA1, PARA2]);
        assert_eq!(scores[1], line_score(PARA1) * ALONE);
        assert_eq!(scores[3], line_score(PARA1));
        assert_eq!(scores[4], line_score(PARA2));
    }

    #[test]
    fn a_comment_thread_after_the_article_goes() {
        let text = format!(
            "{PARA1}\n\n{PARA2}\n\n{PARA1} It added that the vote would come in May.\n\n\
             {PARA2} Turnout is expected to be high.\n\n{PARA1} A date is not yet set.\n\n\
             12 Comments\n\n\
             Maria K. 3/2/2024 at 4:44am\n\n\
             I have lived here for thirty years and nobody ever asked us what we think about it.\n\n\
             The road has been closed twice this year already and the buses still do not run.\n\n\
             Reply\n\n\
             tom_b 3/2/2024 at 9:10am\n\n\
             The council should have published the whole report before the vote, not after it.\n\n\
             Everyone who reads the summary will see that the numbers do not add up at all.\n\n\
             Jo 4/2/2024 at 11:02pm\n\n\
             Agreed with the first comment here, the consultation was far too short for everyone.\n\n\
             Next time they should hold the meetings in the evening so that working people can come."
        );
        let (body, removed) = run(&text);
        assert_eq!(body.len(), 5, "{body:?}");
        assert!(removed.iter().any(|r| r.contains("whole report")));
    }

    #[test]
    fn a_live_blog_stamped_from_its_start_is_kept() {
        let text = format!(
            "09:05\n\n{PARA1}\n\n09:40\n\n{PARA2}\n\n10:15\n\n{PARA1} Then.\n\n\
             10:50\n\n{PARA2} Then."
        );
        let (body, _) = run(&text);
        assert_eq!(body[body.len() - 2..], ["10:50", &format!("{PARA2} Then.")]);
        assert!(body.iter().any(|p| p == "09:40"), "{body:?}");
    }

    #[test]
    fn stamps_are_short_lines_with_a_time_or_numeric_date() {
        assert!(is_stamp("Ken 10/24/2023 at 11:29pm"));
        assert!(is_stamp("28.4.2023 18:41 Uhr"));
        assert!(is_stamp("2024-03-02"));
        assert!(!is_stamp("Chapter 3"));
        assert!(!is_stamp(PARA1));
        assert!(!is_stamp("Score 123:4567"));
    }

    #[test]
    fn a_numbered_list_between_paragraphs_stays_in_the_article() {
        let items = (1..=8)
            .map(|n| format!("{n}. Tool number {n}"))
            .collect::<Vec<_>>()
            .join("\n\n");
        let text = format!("{PARA1}\n\n{PARA2}\n\n{items}\n\n{PARA1} Then.\n\n{PARA2} Then.");
        let (body, _) = run(&text);
        assert!(body.iter().any(|p| p == "8. Tool number 8"), "{body:?}");
        assert_eq!(body.len(), 12, "{body:?}");
        assert!(is_list_item("• Bend wires") && !is_list_item("2024 review"));
    }

    #[test]
    fn a_run_of_long_unpunctuated_items_stays_in_the_article() {
        let items = [
            "Ana Ruiz",
            "Ben Okafor",
            "Chen Wei",
            "Dana Holt",
            "Eli Stone",
            "Fay Lund",
        ]
        .map(|name| format!("{name} – Harbour Lights Festival poster (Instructor: Jo Park)"))
        .join("\n\n");
        let text = format!("{PARA1}\n\n{PARA2}\n\n{items}\n\n{PARA1} Then.\n\n{PARA2} Then.");
        let (body, _) = run(&text);
        assert_eq!(body.len(), 10, "{body:?}");
        // One such line alone is not a list: a headline, say.
        let item = "Fay Lund – Harbour Lights Festival poster (Instructor: Jo Park)";
        assert!(stretch_scores(&[PARA1, item])[1] < 0.0);
        // Nor is a run with no paragraph right above it: teaser headlines under a label.
        let scores = stretch_scores(&[PARA1, "More news", item, item, item, item]);
        assert!(scores[2..].iter().all(|&s| s < 0.0), "{scores:?}");
    }

    #[test]
    fn a_dump_without_prose_is_left_alone() {
        let (body, removed) = run("Home\n\nNews\n\nSport");
        assert_eq!(body.len(), 3);
        assert!(removed.is_empty());
    }
}

//! A parse budget for HTML pages that no page can get around.
//!
//! The HTML parser's cost can grow with the square of the page: every end tag makes the
//! tree builder search its stack of open elements, so a page that keeps tens of thousands
//! of elements open and then closes tags that are not open (`<div></b>` repeated) costs
//! minutes. Two guards keep one hostile page to at most a few seconds of one worker:
//!
//! 1. [`cost`] estimates, in one pass over the tags, the depth the tree builder reaches
//!    and the stack searches its end tags make (closing tags are matched by name, the way
//!    the parser does, so an end tag that matches nothing cannot hide the depth);
//! 2. [`parse`] feeds the parser in small chunks and stops once it has spent
//!    [`PARSE_TIME`] of CPU time, whatever made it slow. CPU time of the parsing thread,
//!    not wall time: on a busy machine a page must not be cut short because other work
//!    had the cores.
//!
//! A page over either budget is cleaned as text without its markup, with a warning.
//! Everything that parses dumps for cleaning (the engine, and through it the service,
//! `clean` and batch runs) goes through [`parse`].

use scraper::Html;
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

/// Pages nested deeper than this are not parsed as HTML. Real pages stay under a few
/// hundred levels.
pub const MAX_DEPTH: usize = 4_000;
/// The most stack entries the end tags of one page may make the parser search (about a
/// second of parsing). A large real page (10,000 tags, 40 deep) needs well under 1%.
pub const MAX_WORK: u64 = 200_000_000;
/// The most CPU time one page may spend in the parser.
pub const PARSE_TIME: Duration = Duration::from_secs(2);
/// Bytes fed to the parser between two looks at the clock.
const CHUNK: usize = 16 * 1024;

/// What parsing a page will cost, estimated from its tags alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// The deepest the open elements get.
    pub depth: usize,
    /// Stack entries searched by end tags, in total.
    pub work: u64,
}

/// Why a page was not parsed as HTML; the text of the page's warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBudget(pub String);

/// Parses `html` within the budget, or says why it was not.
pub fn parse(html: &str) -> Result<Html, OverBudget> {
    parse_within(html, PARSE_TIME)
}

/// [`parse`] with a given time budget.
pub fn parse_within(html: &str, time: Duration) -> Result<Html, OverBudget> {
    let c = cost(html);
    if c.depth > MAX_DEPTH {
        return Err(OverBudget(format!(
            "HTML nested about {} levels deep (limit {MAX_DEPTH}): cleaned as text without its markup",
            c.depth
        )));
    }
    if c.work > MAX_WORK {
        return Err(OverBudget(format!(
            "HTML with about {} million unmatched or deep end-tag searches (limit {}): cleaned as text without its markup",
            c.work / 1_000_000,
            MAX_WORK / 1_000_000
        )));
    }
    use html5ever::tendril::TendrilSink;
    let started = thread_cpu_time();
    let mut parser = html5ever::driver::parse_document(Html::new_document(), Default::default());
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (chunk, tail) = rest.split_at(cut);
        parser.process(chunk.into());
        rest = tail;
        if thread_cpu_time().saturating_sub(started) > time {
            return Err(OverBudget(format!(
                "HTML took over {} ms to parse (stopped at byte {} of {}): cleaned as text without its markup",
                time.as_millis(),
                html.len() - rest.len(),
                html.len()
            )));
        }
    }
    Ok(parser.finish())
}

/// The CPU time this thread has used so far.
#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is a constant.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

/// Elements that close themselves or are usually left open (`p`, `li`, `td`…): they do not
/// add to the depth.
fn not_nesting(name: &str) -> bool {
    matches!(
        name,
        "br" | "img"
            | "meta"
            | "link"
            | "input"
            | "hr"
            | "source"
            | "wbr"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "param"
            | "track"
            | "p"
            | "li"
            | "td"
            | "tr"
            | "th"
            | "dt"
            | "dd"
            | "option"
    )
}

/// Estimates the parser's depth and end-tag work from the tags: an end tag searches the
/// open elements, and closes them down to the one it names only if that one is open.
pub fn cost(html: &str) -> Cost {
    let bytes = html.as_bytes();
    // Tag names borrowed from the page, lowercased copies only for names written with
    // capitals: no allocation per tag.
    let mut stack: Vec<Cow<str>> = Vec::new();
    let mut open: HashMap<Cow<str>, usize> = HashMap::new();
    let mut c = Cost::default();
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let name_len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let raw = &html[start..start + name_len];
        let name: Cow<str> = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(raw.to_ascii_lowercase())
        } else {
            Cow::Borrowed(raw)
        };
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |e| start + e);
        i = end.min(bytes.len());
        if closing {
            c.work += stack.len() as u64;
            if open.get(name.as_ref()).is_some_and(|&n| n > 0) {
                while let Some(top) = stack.pop() {
                    let n = open.get_mut(top.as_ref()).expect("counted when pushed");
                    *n -= 1;
                    if top == name {
                        break;
                    }
                }
            }
        } else if !not_nesting(&name) && (end == 0 || bytes[end - 1] != b'/') {
            *open.entry(name.clone()).or_insert(0) += 1;
            stack.push(name);
            c.depth = c.depth.max(stack.len());
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_void_and_open_ended_elements() {
        let c = cost("<html><body><p>a<p>b<br><img src=x><div>c</div></body></html>");
        assert_eq!(c.depth, 3);
        assert_eq!(cost("<div/><div></div>").depth, 1);
    }

    /// `</b>` matches nothing open, so it closes nothing: the old estimate let it close a
    /// `<div>` each time and saw a depth of 1, while the parser went 128,000 deep.
    #[test]
    fn end_tags_that_match_nothing_do_not_hide_the_depth() {
        let page = "<div></b>".repeat(128_000);
        let c = cost(&page);
        assert_eq!(c.depth, 128_000);
        let err = parse(&page).unwrap_err();
        assert!(err.0.contains("128000 levels"), "{}", err.0);
        // Shallow, but every end tag searches a deep stack.
        let page = "<div>".repeat(3_999) + &"</b>".repeat(60_000);
        let c = cost(&page);
        assert!(c.depth <= MAX_DEPTH && c.work > MAX_WORK, "{c:?}");
        assert!(parse(&page).is_err());
    }

    #[test]
    fn the_time_budget_stops_a_page_the_estimate_lets_through() {
        let page = "<div>x</div>".repeat(50_000);
        assert!(parse_within(&page, Duration::ZERO).is_err());
        assert!(thread_cpu_time() > Duration::ZERO);
        let doc = parse(&page).unwrap();
        assert_eq!(doc.root_element().text().count(), 50_000);
    }

    #[test]
    fn ordinary_and_deep_but_legal_pages_parse() {
        let html = "<div>".repeat(3_000)
            + "<p>deep text of a paragraph, long enough</p>"
            + &"</div>".repeat(3_000);
        assert_eq!(cost(&html).depth, 3_000);
        assert!(parse(&html).is_ok());
        let doc = parse("<p>é<b>bold</b>").unwrap();
        assert!(doc.root_element().text().any(|t| t == "bold"));
    }
}

//! Rendering kept blocks as Markdown (CommonMark, with GitHub's tables).
//!
//! Every block's words are checked against the body text the rules kept: if the shape's
//! words and the kept line ever disagree, the line is written as a plain escaped paragraph
//! instead, so the Markdown never says more or less than `text`.

use super::{Item, Role, Shape, Token};
use crate::normalize;
use std::collections::{BTreeMap, HashMap, HashSet};
use url::Url;

/// The URL relative links are resolved against: the page's `<base href>` (itself relative
/// to the page), else the page's URL.
pub fn base_url(page: Option<&str>, base_href: Option<&str>) -> Option<Url> {
    let page = page.and_then(|p| Url::parse(p.trim()).ok());
    match (page, base_href) {
        (Some(p), Some(b)) => p.join(b).ok().or(Some(p)),
        (Some(p), None) => Some(p),
        (None, Some(b)) => Url::parse(b).ok(),
        (None, None) => None,
    }
}

/// One rendered piece of the body and what it needs from its neighbours.
struct Piece {
    text: String,
    quote: usize,
    /// For a list item: its indentation and its content column.
    item: Option<(usize, usize)>,
    /// Joins the previous item with a single line break (a tight list).
    tight: bool,
}

/// The Markdown of the kept blocks.
pub fn render(blocks: &[(Shape, Option<String>)], base: Option<&Url>) -> String {
    let data = data_tables(blocks);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let (shape, kept) = &blocks[i];
        if let Some(table) = shape.cell.as_ref().map(|c| c.table) {
            if data.contains(&table) {
                let len = blocks[i..]
                    .iter()
                    .take_while(|(s, _)| s.cell.as_ref().map(|c| c.table) == Some(table))
                    .count();
                let text = render_table(&blocks[i..i + len], base);
                if !text.is_empty() {
                    pieces.push(plain_piece(text, shape.quote));
                }
                i += len;
                continue;
            }
        }
        if let Role::Code { pre } = shape.role {
            let len = blocks[i..]
                .iter()
                .take_while(|(s, _)| s.role == Role::Code { pre })
                .count();
            if let Some(text) = render_code(&blocks[i..i + len]) {
                pieces.push(plain_piece(text, shape.quote));
            }
            i += len;
            continue;
        }
        i += 1;
        let Some(line) = kept else { continue };
        let text = inline(&shape.tokens, line, base);
        let piece = match &shape.role {
            Role::Heading(level) => plain_piece(heading(*level, text), shape.quote),
            Role::Item(item) => list_item(item, text, shape.quote, pieces.last()),
            _ => plain_piece(escape_line_start(text), shape.quote),
        };
        pieces.push(piece);
    }
    join(&pieces)
}

fn plain_piece(text: String, quote: usize) -> Piece {
    Piece {
        text,
        quote,
        item: None,
        tight: false,
    }
}

fn join(pieces: &[Piece]) -> String {
    let mut out = String::new();
    let mut previous: Option<&Piece> = None;
    for piece in pieces {
        if let Some(prev) = previous {
            if piece.tight {
                out.push('\n');
            } else {
                out.push('\n');
                // A blank line inside a quote keeps the quote going.
                out.push_str(&">".repeat(prev.quote.min(piece.quote)));
                out.push('\n');
            }
        }
        let prefix = ">".repeat(piece.quote);
        for (n, line) in piece.text.split('\n').enumerate() {
            if n > 0 {
                out.push('\n');
            }
            if piece.quote > 0 {
                out.push_str(&prefix);
                if !line.is_empty() {
                    out.push(' ');
                }
            }
            out.push_str(line);
        }
        previous = Some(piece);
    }
    out
}

fn heading(level: u8, text: String) -> String {
    // A trailing run of `#` after a space would be read as the heading's closing sequence.
    let text = match text.rsplit_once(' ') {
        Some((head, last)) if !last.is_empty() && last.chars().all(|c| c == '#') => {
            format!("{head} \\{last}")
        }
        _ if text.chars().all(|c| c == '#') => format!("\\{text}"),
        _ => text,
    };
    format!("{} {text}", "#".repeat(level.clamp(1, 6) as usize))
}

/// A list item: a marker, or (for a later block of the item just written) an indented
/// paragraph. Indentation never exceeds what the previous item opened, so an item whose
/// parent was removed does not turn into an indented code block.
fn list_item(item: &Item, text: String, quote: usize, previous: Option<&Piece>) -> Piece {
    let open = previous.filter(|p| p.quote == quote).and_then(|p| p.item);
    let marker = item.marker();
    let text = escape_line_start(text);
    match open {
        Some((indent, content)) if !item.first && item.indent <= indent => {
            let column = (item.indent + marker.len()).min(content);
            Piece {
                text: format!("{}{text}", " ".repeat(column)),
                quote,
                item: Some((item.indent.min(indent), column)),
                tight: false,
            }
        }
        _ => {
            let allowed = open.map_or(0, |(_, content)| content);
            let indent = item.indent.min(allowed);
            Piece {
                text: format!("{}{marker}{text}", " ".repeat(indent)),
                quote,
                item: Some((indent, indent + marker.len())),
                tight: open.is_some(),
            }
        }
    }
}

/// Tables that are data (rendered as a Markdown table) rather than layout: at least two
/// columns, only text in their cells (no lists, headings, code or tables), a few blocks a
/// cell at most.
fn data_tables(blocks: &[(Shape, Option<String>)]) -> HashSet<usize> {
    let mut columns: HashMap<usize, usize> = HashMap::new();
    let mut per_cell: HashMap<(usize, usize, usize), usize> = HashMap::new();
    let mut layout: HashSet<usize> = HashSet::new();
    for (shape, _) in blocks {
        let Some(cell) = &shape.cell else { continue };
        layout.extend(cell.enclosing.iter().copied());
        if shape.role != Role::Paragraph {
            layout.insert(cell.table);
        }
        let n = per_cell
            .entry((cell.table, cell.row, cell.col))
            .or_default();
        *n += 1;
        if *n > MAX_BLOCKS_PER_CELL {
            layout.insert(cell.table);
        }
        let cols = columns.entry(cell.table).or_default();
        *cols = (*cols).max(cell.col + 1);
    }
    columns
        .into_iter()
        .filter(|(t, cols)| *cols >= 2 && !layout.contains(t))
        .map(|(t, _)| t)
        .collect()
}

/// A cell with more paragraphs than this holds an article, not a value.
const MAX_BLOCKS_PER_CELL: usize = 3;

/// One table's kept cells as a Markdown table; its first row with any kept cell is the
/// header row (Markdown tables must have one). Removed cells stay empty.
fn render_table(blocks: &[(Shape, Option<String>)], base: Option<&Url>) -> String {
    let columns = blocks
        .iter()
        .filter_map(|(s, _)| s.cell.as_ref().map(|c| c.col + 1))
        .max()
        .unwrap_or(0);
    let mut rows: BTreeMap<usize, Vec<Vec<String>>> = BTreeMap::new();
    for (shape, kept) in blocks {
        let (Some(cell), Some(line)) = (&shape.cell, kept) else {
            continue;
        };
        let text = inline(&shape.tokens, line, base).replace('|', "\\|");
        rows.entry(cell.row)
            .or_insert_with(|| vec![Vec::new(); columns])[cell.col]
            .push(text);
    }
    let mut out = String::new();
    for (n, row) in rows.values().enumerate() {
        let cells: Vec<String> = row.iter().map(|parts| parts.join("<br>")).collect();
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&format!("| {} |", cells.join(" | ")));
        if n == 0 {
            out.push('\n');
            out.push_str(&format!("|{}", " --- |".repeat(columns)));
        }
    }
    out
}

/// A `pre` as a fenced code block, its lines as written. Each kept block's text is checked
/// against its kept line; one that differs is written as the line.
fn render_code(blocks: &[(Shape, Option<String>)]) -> Option<String> {
    let mut parts = Vec::new();
    for (shape, kept) in blocks {
        let Some(line) = kept else { continue };
        let raw: String = shape
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Text(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let raw = raw.replace("\r\n", "\n").replace(['\r', '\u{a0}'], " ");
        let same = normalize::collapse_spaces(&normalize::text(&raw)) == *line;
        parts.push(if same { raw } else { line.clone() });
    }
    if parts.is_empty() {
        return None;
    }
    let body = parts.join("\n");
    let body = body
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    let body = body.trim_matches('\n');
    let fence = "`".repeat(longest_run(body, '`').max(2) + 1);
    Some(format!("{fence}\n{body}\n{fence}"))
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in s.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// One word of a block and the link and code span it sits in.
struct Word {
    text: String,
    space_before: bool,
    link: Option<usize>,
    code: Option<usize>,
}

/// A block's inline content as Markdown: its links (resolved) and code spans, its text
/// escaped. Falls back to the escaped `line` when the words are not exactly the line's.
fn inline(tokens: &[Token], line: &str, base: Option<&Url>) -> String {
    let (words, hrefs) = words(tokens, base);
    let mut plain = String::with_capacity(line.len());
    for w in &words {
        if w.space_before && !plain.is_empty() {
            plain.push(' ');
        }
        plain.push_str(&w.text);
    }
    if plain != line {
        let mut out = String::with_capacity(line.len() + 8);
        escape_text(line, &mut out);
        return out;
    }
    let mut spans: HashMap<usize, String> = HashMap::new();
    for w in &words {
        if let Some(c) = w.code {
            let span = spans.entry(c).or_default();
            if w.space_before && !span.is_empty() {
                span.push(' ');
            }
            span.push_str(&w.text);
        }
    }
    let mut out = String::with_capacity(line.len() + 16);
    let (mut link, mut code): (Option<usize>, Option<usize>) = (None, None);
    for (n, w) in words.iter().enumerate() {
        let space = w.space_before && n > 0;
        if w.link != link {
            close_code(&mut out, &mut code, &spans);
            close_link(&mut out, &mut link, &hrefs);
            if space {
                out.push(' ');
            }
            if w.link.is_some() {
                out.push('[');
            }
            link = w.link;
            open_code(&mut out, w.code, &mut code, &spans);
        } else if w.code != code {
            close_code(&mut out, &mut code, &spans);
            if space {
                out.push(' ');
            }
            open_code(&mut out, w.code, &mut code, &spans);
        } else if space {
            out.push(' ');
        }
        if code.is_some() {
            out.push_str(&w.text);
        } else {
            escape_text(&w.text, &mut out);
        }
    }
    close_code(&mut out, &mut code, &spans);
    close_link(&mut out, &mut link, &hrefs);
    out
}

fn open_code(
    out: &mut String,
    want: Option<usize>,
    code: &mut Option<usize>,
    spans: &HashMap<usize, String>,
) {
    if let Some(c) = want {
        let span = spans.get(&c).map_or("", String::as_str);
        out.push_str(&"`".repeat(longest_run(span, '`') + 1));
        if span.starts_with('`') || span.ends_with('`') {
            out.push(' ');
        }
    }
    *code = want;
}

fn close_code(out: &mut String, code: &mut Option<usize>, spans: &HashMap<usize, String>) {
    if let Some(c) = code.take() {
        let span = spans.get(&c).map_or("", String::as_str);
        if span.starts_with('`') || span.ends_with('`') {
            out.push(' ');
        }
        out.push_str(&"`".repeat(longest_run(span, '`') + 1));
    }
}

fn close_link(out: &mut String, link: &mut Option<usize>, hrefs: &[String]) {
    if let Some(l) = link.take() {
        out.push_str("](");
        out.push_str(&hrefs[l]);
        out.push(')');
    }
}

/// A block's words in order, each with its link (an index into the returned hrefs) and
/// code span, normalised as the body text is.
fn words(tokens: &[Token], base: Option<&Url>) -> (Vec<Word>, Vec<String>) {
    let mut words = Vec::new();
    let mut hrefs = Vec::new();
    let mut links: Vec<Option<usize>> = Vec::new();
    let mut codes: Vec<usize> = Vec::new();
    let mut code_spans = 0;
    let mut space = false;
    for token in tokens {
        match token {
            Token::Text(t) => {
                let mut rest = t.as_str();
                while !rest.is_empty() {
                    let start = rest
                        .find(|c: char| !c.is_whitespace())
                        .unwrap_or(rest.len());
                    space |= start > 0;
                    rest = &rest[start..];
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    if end > 0 {
                        let text = normalize::text(&rest[..end]);
                        if !text.is_empty() {
                            words.push(Word {
                                text,
                                space_before: space,
                                link: links.last().copied().flatten(),
                                code: codes.last().copied(),
                            });
                            space = false;
                        }
                    }
                    rest = &rest[end..];
                }
            }
            Token::LinkOpen(href) => {
                let id = resolve(href, base).map(|h| {
                    hrefs.push(h);
                    hrefs.len() - 1
                });
                links.push(id);
            }
            Token::LinkClose => {
                links.pop();
            }
            Token::CodeOpen => {
                code_spans += 1;
                codes.push(code_spans);
            }
            Token::CodeClose => {
                codes.pop();
            }
        }
    }
    (words, hrefs)
}

/// A link target as Markdown can hold it: absolute when a base is known; `None` for links
/// that lead nowhere outside the page (in-page anchors, scripts).
fn resolve(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.starts_with('#')
        || ["javascript:", "data:", "vbscript:"]
            .iter()
            .any(|s| lower.starts_with(s))
    {
        return None;
    }
    let url = match base {
        Some(base) => base.join(href).map(String::from).ok()?,
        None => Url::parse(href)
            .map(String::from)
            .unwrap_or_else(|_| href.to_string()),
    };
    Some(
        url.replace(' ', "%20")
            .replace('(', "%28")
            .replace(')', "%29")
            .replace('<', "%3C")
            .replace('>', "%3E"),
    )
}

/// Escapes what Markdown would read as markup inside a line.
fn escape_text(s: &str, out: &mut String) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' => out.push('\\'),
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push('\\')
            }
            _ => {}
        }
        out.push(c);
    }
}

/// Escapes what Markdown would read as a block marker at the start of a paragraph: `#`
/// headings, `>` quotes, `-`/`+` bullets, `1.` numbers, rules and fences.
fn escape_line_start(s: String) -> String {
    let bytes = s.as_bytes();
    let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let after = |i: usize| bytes.get(i).is_none_or(|&b| b == b' ');
    let rule = !s.is_empty()
        && (s.chars().all(|c| c == '-' || c == ' ') || s.chars().all(|c| c == '=' || c == ' '));
    if (1..=6).contains(&hashes) && after(hashes)
        || bytes.first() == Some(&b'>')
        || matches!(bytes.first(), Some(b'-' | b'+')) && after(1)
        || s.starts_with("~~~")
        || rule
    {
        return format!("\\{s}");
    }
    if (1..=9).contains(&digits)
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && after(digits + 1)
    {
        return format!("{}\\{}", &s[..digits], &s[digits..]);
    }
    s
}

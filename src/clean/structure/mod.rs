//! The article's structure: which kind of block each paragraph of a page was (heading,
//! list item, quote, table cell, code) and where its links and code spans sit, so the
//! Markdown body can keep what the markup said.
//!
//! `text` stays plain paragraphs: it is what rules match against, what the accuracy figures
//! are measured on, and what scripts already read. Structure rides alongside it: while
//! [`super::html`] walks the content root and cuts it into blocks, a [`Shaper`] watches the
//! same walk and gives each block a [`Shape`]. After the rules have claimed what is not
//! article, [`Structured`] keeps the shapes of the blocks still open and
//! [`Structured::markdown`] renders them. A block the rules removed is therefore removed
//! from the Markdown too: both are the same content, one with its structure.

mod markdown;

use crate::clean::sheet::Sheet;
use scraper::node::Element;

/// What a block was in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Paragraph,
    /// `h1`…`h6`.
    Heading(u8),
    /// A block inside an `li`.
    Item(Item),
    /// A block inside a `pre`; blocks of one `pre` share `pre`.
    Code {
        pre: usize,
    },
}

/// A list item's place: enough to write its marker and indentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Which `li` (unique in the page), so its later blocks continue it.
    pub li: usize,
    /// `Some(n)` in an ordered list (`n.`), `None` for a bullet.
    pub number: Option<u32>,
    /// Columns of indentation: the content column of the enclosing item, 0 at the top.
    pub indent: usize,
    /// False for the item's second and later blocks (a paragraph after a nested list).
    pub first: bool,
}

impl Item {
    /// The marker (`- ` or `3. `).
    pub fn marker(&self) -> String {
        match self.number {
            Some(n) => format!("{n}. "),
            None => "- ".to_string(),
        }
    }
}

/// Where a table cell sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub table: usize,
    pub row: usize,
    pub col: usize,
    /// A `th`, or a cell in `thead`.
    pub header: bool,
    /// Tables whose cells hold this cell's table: they are layout, not data.
    pub enclosing: Vec<usize>,
}

/// Inline markup of a block, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Text(String),
    /// An `<a href>`; the href as written (resolved when rendered).
    LinkOpen(String),
    LinkClose,
    /// Inline `code`, `kbd`, `samp`, `tt`.
    CodeOpen,
    CodeClose,
}

/// One block's structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub role: Role,
    /// `blockquote` nesting depth.
    pub quote: usize,
    /// The table cell the block is in, if any.
    pub cell: Option<Cell>,
    /// The block's inline content; in `pre`, its text exactly as written.
    pub tokens: Vec<Token>,
}

/// Elements that give blocks their structure, as the walk is inside them.
#[derive(Debug)]
enum Frame {
    List {
        ordered: bool,
        next: u32,
    },
    Item {
        li: usize,
        number: Option<u32>,
        indent: usize,
        content: usize,
        blocks: usize,
    },
    Quote,
    Heading(u8),
    Pre(usize),
    Table {
        id: usize,
        rows: usize,
        head: bool,
    },
    Row {
        row: usize,
        next_col: usize,
    },
    Cell(Cell),
    Head,
    /// An `a`, with its href when it has one.
    Link(Option<String>),
    Code,
}

/// Follows a walk over a content root and shapes each block it emits.
///
/// The walk calls [`open`](Shaper::open) and [`close`](Shaper::close) for every element it
/// enters and leaves (not for skipped subtrees), [`text`](Shaper::text) for every text
/// node, and [`block`](Shaper::block) at every block boundary, before the element that
/// causes it is opened or closed.
#[derive(Debug, Default)]
pub struct Shaper {
    stack: Vec<Frame>,
    tokens: Vec<Token>,
    /// Counter for `li`, `pre` and `table` ids.
    next_id: usize,
}

impl Shaper {
    pub fn open(&mut self, e: &Element) {
        let frame = match e.name() {
            "ul" | "ol" | "menu" => Frame::List {
                ordered: e.name() == "ol",
                next: e
                    .attr("start")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1),
            },
            "li" => self.item(e),
            "blockquote" => Frame::Quote,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                Frame::Heading(e.name().as_bytes()[1] - b'0')
            }
            "pre" => Frame::Pre(self.id()),
            "table" => Frame::Table {
                id: self.id(),
                rows: 0,
                head: false,
            },
            "thead" => {
                if let Some(Frame::Table { head, .. }) = self.innermost_table() {
                    *head = true;
                }
                Frame::Head
            }
            "tr" => match self.innermost_table() {
                Some(Frame::Table { rows, .. }) => {
                    *rows += 1;
                    Frame::Row {
                        row: *rows - 1,
                        next_col: 0,
                    }
                }
                _ => return,
            },
            "td" | "th" => match self.cell(e) {
                Some(cell) => Frame::Cell(cell),
                None => return,
            },
            "a" => {
                let href = e
                    .attr("href")
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(str::to_string);
                if let Some(href) = &href {
                    self.tokens.push(Token::LinkOpen(href.clone()));
                }
                Frame::Link(href)
            }
            "code" | "kbd" | "samp" | "tt" if !self.in_pre() => {
                self.tokens.push(Token::CodeOpen);
                Frame::Code
            }
            _ => return,
        };
        self.stack.push(frame);
    }

    pub fn close(&mut self, e: &Element) {
        let tracked = match e.name() {
            "ul" | "ol" | "menu" | "li" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5"
            | "h6" | "pre" | "table" | "thead" | "a" => true,
            "tr" => matches!(self.stack.last(), Some(Frame::Row { .. })),
            "td" | "th" => matches!(self.stack.last(), Some(Frame::Cell(_))),
            "code" | "kbd" | "samp" | "tt" => matches!(self.stack.last(), Some(Frame::Code)),
            _ => false,
        };
        if !tracked {
            return;
        }
        match self.stack.pop() {
            Some(Frame::Link(Some(_))) => self.tokens.push(Token::LinkClose),
            Some(Frame::Code) => self.tokens.push(Token::CodeClose),
            Some(Frame::Head) => {
                if let Some(Frame::Table { head, .. }) = self.innermost_table() {
                    *head = false;
                }
            }
            _ => {}
        }
    }

    pub fn text(&mut self, t: &str) {
        match self.tokens.last_mut() {
            Some(Token::Text(s)) => s.push_str(t),
            _ => self.tokens.push(Token::Text(t.to_string())),
        }
    }

    /// A block boundary. Returns the shape of the block just read when it `has_text` (the
    /// walk keeps only blocks with text), and starts the next one. A link or code span
    /// that runs across the boundary is closed here and reopened in the next block.
    pub fn block(&mut self, has_text: bool) -> Option<Shape> {
        let reopen = self.reopen_tokens();
        let mut tokens = std::mem::replace(&mut self.tokens, reopen.clone());
        if !has_text {
            return None;
        }
        for t in reopen.iter().rev() {
            tokens.push(match t {
                Token::CodeOpen => Token::CodeClose,
                _ => Token::LinkClose,
            });
        }
        let quote = self
            .stack
            .iter()
            .filter(|f| matches!(f, Frame::Quote))
            .count();
        let cell = self.stack.iter().rev().find_map(|f| match f {
            Frame::Cell(c) => Some(c.clone()),
            _ => None,
        });
        let role = self.role();
        Some(Shape {
            role,
            quote,
            cell,
            tokens,
        })
    }

    /// Opening tokens for the links and code spans the walk is inside, outermost first.
    fn reopen_tokens(&self) -> Vec<Token> {
        self.stack
            .iter()
            .filter_map(|f| match f {
                Frame::Link(Some(href)) => Some(Token::LinkOpen(href.clone())),
                Frame::Code => Some(Token::CodeOpen),
                _ => None,
            })
            .collect()
    }

    /// The role of a block read now: the innermost element that gives one.
    fn role(&mut self) -> Role {
        for f in self.stack.iter_mut().rev() {
            match f {
                Frame::Pre(pre) => return Role::Code { pre: *pre },
                Frame::Heading(level) => return Role::Heading(*level),
                Frame::Item {
                    li,
                    number,
                    indent,
                    blocks,
                    ..
                } => {
                    *blocks += 1;
                    return Role::Item(Item {
                        li: *li,
                        number: *number,
                        indent: *indent,
                        first: *blocks == 1,
                    });
                }
                _ => {}
            }
        }
        Role::Paragraph
    }

    fn item(&mut self, e: &Element) -> Frame {
        let indent = self
            .stack
            .iter()
            .rev()
            .find_map(|f| match f {
                Frame::Item { content, .. } => Some(*content),
                _ => None,
            })
            .unwrap_or(0);
        let value = e.attr("value").and_then(|v| v.trim().parse::<u32>().ok());
        let number = match self.stack.iter_mut().rev().find_map(|f| match f {
            Frame::List { ordered, next } => Some((ordered, next)),
            _ => None,
        }) {
            Some((true, next)) => {
                let n = value.unwrap_or(*next);
                *next = n.saturating_add(1);
                Some(n)
            }
            _ => None,
        };
        let marker = match number {
            Some(n) => n.to_string().len() + 2,
            None => 2,
        };
        Frame::Item {
            li: self.id(),
            number,
            indent,
            content: indent + marker,
            blocks: 0,
        }
    }

    /// A `td`/`th` of the innermost table, or `None` outside any table row (a content root
    /// that is itself a cell).
    fn cell(&mut self, e: &Element) -> Option<Cell> {
        let enclosing: Vec<usize> = self
            .stack
            .iter()
            .filter_map(|f| match f {
                Frame::Cell(c) => Some(c.table),
                _ => None,
            })
            .collect();
        let span = e
            .attr("colspan")
            .and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, 100);
        let mut row_at = None;
        let mut table_at = None;
        for (i, f) in self.stack.iter().enumerate().rev() {
            match f {
                Frame::Row { .. } if row_at.is_none() && table_at.is_none() => row_at = Some(i),
                Frame::Table { .. } => {
                    table_at = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let (row_at, table_at) = (row_at?, table_at?);
        let Frame::Table { id, head, .. } = self.stack[table_at] else {
            return None;
        };
        let Frame::Row { row, next_col } = &mut self.stack[row_at] else {
            return None;
        };
        let col = *next_col;
        *next_col += span;
        Some(Cell {
            table: id,
            row: *row,
            col,
            header: head || e.name() == "th",
            enclosing,
        })
    }

    fn innermost_table(&mut self) -> Option<&mut Frame> {
        self.stack
            .iter_mut()
            .rev()
            .find(|f| matches!(f, Frame::Table { .. }))
    }

    fn in_pre(&self) -> bool {
        self.stack.iter().any(|f| matches!(f, Frame::Pre(_)))
    }

    fn id(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }
}

/// The shapes of a page's blocks and which of them the rules kept: what the Markdown body
/// is rendered from.
#[derive(Debug, Clone, Default)]
pub struct Structured {
    /// Each block's shape, with its body text (as `text` has it) when it was kept.
    blocks: Vec<(Shape, Option<String>)>,
    /// The page's `<base href>`, which relative links are resolved against.
    base: Option<String>,
}

impl Structured {
    /// Pairs `shapes` (one per block of the extracted page) with the lines of `sheet` (the
    /// same blocks, one line each, blank lines between). `None` when they do not line up,
    /// which would be a bug upstream: the body then falls back to plain paragraphs rather
    /// than risking a Markdown body that differs from `text`.
    pub fn new(shapes: Vec<Shape>, sheet: &Sheet, base: Option<String>) -> Option<Self> {
        let lines = if shapes.is_empty() {
            0
        } else {
            shapes.len() * 2 - 1
        };
        if sheet.len() != lines.max(1) || (shapes.is_empty() && !sheet.is_blank(0)) {
            return None;
        }
        let blocks = shapes
            .into_iter()
            .enumerate()
            .map(|(k, shape)| {
                let kept = sheet.is_open(2 * k).then(|| sheet.line(2 * k).to_string());
                (shape, kept)
            })
            .collect();
        Some(Structured { blocks, base })
    }

    /// The kept blocks as Markdown, links resolved against the page's `<base href>` and
    /// `page_url`.
    pub fn markdown(&self, page_url: Option<&str>) -> String {
        let base = markdown::base_url(page_url, self.base.as_deref());
        markdown::render(&self.blocks, base.as_ref())
    }
}

/// The page's `<base href>`, if it has one.
pub fn base_href(doc: &scraper::Html) -> Option<String> {
    static BASE: std::sync::OnceLock<scraper::Selector> = std::sync::OnceLock::new();
    let sel = BASE.get_or_init(|| scraper::Selector::parse("base[href]").expect("valid selector"));
    doc.select(sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .map(|h| h.trim().to_string())
}

#[cfg(test)]
mod tests;

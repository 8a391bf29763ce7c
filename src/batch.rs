//! `copydesk batch`: JSON Lines in, JSON Lines out, for cluster engines that call a
//! program per partition over stdin and stdout (Spark's `RDD.pipe`, Hadoop streaming…).
//!
//! The contract such callers rely on: exactly one output line per input line, in input
//! order, each carrying the input's `id`. A line that cannot be cleaned (not JSON, wrong
//! fields, over the size or time budget) gives `{"id": …, "error": "…"}` in its place,
//! never a missing line, so the caller can zip outputs with inputs.
//!
//! Reading is streaming: a line is read when there is room for it in the window of lines
//! in flight, and a line over the size budget is read through without being kept.

use crate::article::Article;
use crate::input::{self, Dump, InputError};
use serde_json::{Map, Value};
use std::io::{self, BufRead};
use std::path::PathBuf;

/// Lines longer than this are answered with an error record (`--max-bytes`): large enough
/// for any real page, small enough that a few lines in flight per thread stay cheap.
pub const DEFAULT_MAX_BYTES: usize = 8 * 1024 * 1024;

/// One input line, as far as the reading thread looks at it.
#[derive(Debug)]
pub struct Line {
    /// 1-based line number in the input.
    pub number: u64,
    /// The line's `id`, or `null` when it has none (or it could not be read).
    pub id: Value,
    /// The line itself, or why it cannot be cleaned.
    pub body: Result<Vec<u8>, String>,
}

/// Reads JSON Lines one at a time, each at most `max_bytes` long.
pub struct LineReader<R> {
    reader: R,
    max_bytes: usize,
    number: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R, max_bytes: usize) -> Self {
        LineReader {
            reader,
            max_bytes,
            number: 0,
        }
    }

    /// The next line; `None` at the end of input. A line over the budget is read through
    /// without being kept and comes back as an error (with its `id` when the line starts
    /// with it, as `{"id": …` lines do).
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        let mut kept = Vec::new();
        let mut length = 0usize;
        let mut ended = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let (chunk, newline) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], true),
                None => (available, false),
            };
            let room = (self.max_bytes + 1).saturating_sub(kept.len());
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            length += chunk.len();
            let used = chunk.len() + usize::from(newline);
            self.reader.consume(used);
            if newline {
                ended = true;
                break;
            }
        }
        if !ended && length == 0 {
            return Ok(None);
        }
        self.number += 1;
        if kept.len() == length && kept.last() == Some(&b'\r') {
            kept.pop();
            length -= 1;
        }
        let number = self.number;
        if length > self.max_bytes {
            return Ok(Some(Line {
                number,
                id: leading_id(&kept).unwrap_or(Value::Null),
                body: Err(format!(
                    "line {number} is {length} bytes, over the {}-byte limit for one document (--max-bytes)",
                    self.max_bytes
                )),
            }));
        }
        Ok(Some(parse_id(number, kept)))
    }
}

/// Reads the line's `id` (the document is parsed on a worker thread, but the id must be
/// known here, so that even a document given up for time is answered with its id).
fn parse_id(number: u64, line: Vec<u8>) -> Line {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: Option<Value>,
    }
    if line.iter().all(u8::is_ascii_whitespace) {
        return Line {
            number,
            id: Value::Null,
            body: Err(format!("line {number} is empty; expected a JSON object")),
        };
    }
    let object = line.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    match serde_json::from_slice::<IdOnly>(&line).map_err(|e| e.to_string()) {
        Ok(_) if !object => Line {
            number,
            id: Value::Null,
            body: Err(format!(
                "line {number} is not a JSON object; expected {{\"id\": …, \"url\": …, \"html\": …}} or {{…, \"text\": …}}"
            )),
        },
        Ok(parsed) => Line {
            number,
            id: parsed.id.unwrap_or(Value::Null),
            body: Ok(line),
        },
        Err(e) => Line {
            number,
            id: leading_id(&line).unwrap_or(Value::Null),
            body: Err(format!(
                "line {number} is not a JSON object ({e}); expected {{\"id\": …, \"url\": …, \"html\": …}} or {{…, \"text\": …}}"
            )),
        },
    }
}

/// The `id` of a line that starts `{"id": <value>`, read from the start of the line only.
fn leading_id(line: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(line).ok().or_else(|| {
        // A line cut at the size limit may end inside a character.
        std::str::from_utf8(&line[..line.len().saturating_sub(3)]).ok()
    })?;
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest
        .strip_prefix("\"id\"")?
        .trim_start()
        .strip_prefix(':')?;
    serde_json::Deserializer::from_str(rest)
        .into_iter::<Value>()
        .next()?
        .ok()
}

/// The dump of one line, ready for the engine.
pub fn dump(line_number: u64, body: &[u8]) -> Result<Dump, InputError> {
    input::from_envelope(&PathBuf::from(format!("stdin:{line_number}")), body)
}

/// The output line for an article: the article's JSON with the input's `id` first.
pub fn article_line(id: Value, article: &Article) -> String {
    let mut record = Map::new();
    record.insert("id".into(), id);
    match serde_json::to_value(article).expect("articles always serialise") {
        Value::Object(fields) => record.extend(fields),
        _ => unreachable!("an article serialises as an object"),
    }
    Value::Object(record).to_string()
}

/// The output line for a line that could not be cleaned.
pub fn error_line(id: Value, error: &str) -> String {
    let mut record = Map::new();
    record.insert("id".into(), id);
    record.insert("error".into(), Value::String(error.to_string()));
    Value::Object(record).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines(input: &str, max: usize) -> Vec<Line> {
        let mut reader = LineReader::new(input.as_bytes(), max);
        std::iter::from_fn(|| reader.next_line().unwrap()).collect()
    }

    #[test]
    fn one_line_each_with_its_id_and_number() {
        let got = lines(
            "{\"id\": 7, \"text\": \"a\"}\r\n{\"text\": \"b\"}\n{\"id\": \"x\"}",
            1000,
        );
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].id, json!(7));
        assert_eq!(
            got[0].body.as_deref().unwrap(),
            b"{\"id\": 7, \"text\": \"a\"}"
        );
        assert_eq!(got[1].id, Value::Null);
        assert_eq!((got[2].number, &got[2].id), (3, &json!("x")));
    }

    #[test]
    fn bad_and_empty_lines_are_errors_in_their_place() {
        let got = lines("not json\n\n{\"id\": 3, \"text\": \"x\"\n[1]\n", 1000);
        assert_eq!(got.len(), 4);
        assert!(got[0]
            .body
            .as_ref()
            .unwrap_err()
            .contains("line 1 is not a JSON object"));
        assert!(got[1]
            .body
            .as_ref()
            .unwrap_err()
            .contains("line 2 is empty"));
        // Cut short, but it starts with its id: the error still carries it.
        assert_eq!(got[2].id, json!(3));
        assert!(got[2].body.is_err());
        assert!(got[3].body.is_err());
    }

    #[test]
    fn a_line_over_the_limit_is_read_through_not_kept() {
        let long = format!("{{\"id\": \"big\", \"text\": \"{}\"}}", "x".repeat(5000));
        let input = format!("{long}\n{{\"id\": 2, \"text\": \"ok\"}}\n");
        // A small buffer: the long line spans many reads.
        let mut reader = LineReader::new(io::BufReader::with_capacity(64, input.as_bytes()), 100);
        let first = reader.next_line().unwrap().unwrap();
        assert_eq!(first.id, json!("big"));
        let err = first.body.unwrap_err();
        assert!(err.contains("over the 100-byte limit"), "{err}");
        let second = reader.next_line().unwrap().unwrap();
        assert_eq!((second.number, second.id), (2, json!(2)));
        assert!(second.body.is_ok());
        assert!(reader.next_line().unwrap().is_none());
    }

    #[test]
    fn records_carry_the_id_first() {
        assert_eq!(error_line(json!("a"), "bad"), r#"{"id":"a","error":"bad"}"#);
    }
}

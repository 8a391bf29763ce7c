//! WARC files (`.warc`, `.warc.gz`, as Common Crawl's CC-NEWS and most crawlers write
//! them): one dump per record that holds a page.
//!
//! A `response` record whose HTTP status is 2xx and whose HTTP content type is HTML becomes
//! an HTML dump; a `resource` or `conversion` record becomes an HTML or text dump by its own
//! content type (`text/html`, `text/plain`). The dump takes its URL from
//! `WARC-Target-URI`, its fetch date from `WARC-Date`, its charset from the HTTP
//! `Content-Type`, and its hash from the page's bytes: so the same record gives the same
//! output name on every run, whatever file it arrives in. Every other record (requests,
//! metadata, redirects, images…) is skipped and counted.
//!
//! Records are read one at a time on a thread of their own (decompressing is real work),
//! a few ahead of the consumer: a file of any size costs the memory of a few pages.
//! Gzipped files are read as a series of gzip members, one per record, as the WARC
//! standard recommends and CC-NEWS does.

use super::{Content, Dump, Format, InputError, MAX_INPUT_BYTES};
use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use warc::{RecordType, WarcHeader, WarcReader};

/// Records read ahead of the consumer.
const READ_AHEAD: usize = 4;
/// The HTTP header block of a response larger than this is not a web page's.
const MAX_HTTP_HEADER: usize = 64 * 1024;

/// Whether these first bytes of a file start a WARC file (plain, or a gzip member).
pub fn looks_like_warc(path: &Path, head: &[u8]) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let by_name = name.ends_with(".warc") || name.ends_with(".warc.gz");
    by_name || head.starts_with(b"WARC/")
}

/// The dumps of a WARC stream, yielded as records are read, and the count of records
/// skipped so far.
pub struct Records {
    dumps: mpsc::IntoIter<Result<Dump, InputError>>,
    skipped: Arc<AtomicUsize>,
}

impl Records {
    /// Records that held no page (read so far).
    pub fn skipped(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.skipped)
    }
}

impl Iterator for Records {
    type Item = Result<Dump, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.dumps.next()
    }
}

/// Reads the WARC stream `source` (plain or gzipped); `path` names it in messages and in
/// each article's source.
pub fn read(path: &Path, source: impl Read + Send + 'static) -> Records {
    let (tx, rx) = mpsc::sync_channel(READ_AHEAD);
    let skipped = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&skipped);
    let path = path.to_path_buf();
    std::thread::Builder::new()
        .name("copydesk-warc".into())
        .spawn(move || {
            let mut source = BufReader::with_capacity(256 * 1024, source);
            let gzipped = match source.fill_buf() {
                Ok(head) => head.starts_with(&[0x1f, 0x8b]),
                Err(e) => {
                    let _ = tx.send(Err(InputError::Io { path, source: e }));
                    return;
                }
            };
            let send = |item| tx.send(item).is_ok();
            if gzipped {
                let inflated = BufReader::with_capacity(256 * 1024, MultiGzDecoder::new(source));
                read_records(&path, inflated, &counter, send);
            } else {
                read_records(&path, source, &counter, send);
            }
        })
        .expect("a reading thread starts");
    Records {
        dumps: rx.into_iter(),
        skipped,
    }
}

/// Reads every record of `reader`, handing each page's dump (or error) to `send` until it
/// returns `false` (the consumer went away).
fn read_records<R: BufRead>(
    path: &Path,
    reader: R,
    skipped: &AtomicUsize,
    mut send: impl FnMut(Result<Dump, InputError>) -> bool,
) {
    let warc_error = |number: usize, reason: String| InputError::Warc {
        path: path.to_path_buf(),
        reason: format!("record {number}: {reason}"),
    };
    let consumed = Rc::new(Cell::new(0u64));
    let mut reader = WarcReader::new(Counting {
        inner: reader,
        consumed: Rc::clone(&consumed),
    });
    let mut records = reader.stream_records();
    let mut number = 0;
    // Where the last record read ends, when known: bytes past it at the end of the file
    // are a record cut short in its header, which the reader passes over in silence.
    let mut record_end = Some(0);
    loop {
        let Some(next) = records.next_item() else {
            if record_end.is_some_and(|end| consumed.get() > end) {
                let _ = send(Err(warc_error(
                    number + 1,
                    "the file ends inside the record's header (the file is cut short)".into(),
                )));
            }
            return;
        };
        number += 1;
        let record = match next {
            Ok(record) => {
                record_end = Some(consumed.get() + record.content_length() + 4);
                record
            }
            // The record's length was read, so the next one can still be found.
            Err(e @ (warc::Error::MissingHeader(_) | warc::Error::MalformedHeader(..))) => {
                record_end = None;
                if !send(Err(warc_error(number, e.to_string()))) {
                    return;
                }
                continue;
            }
            Err(e) => {
                // The end of a body is only found when the next record is looked for.
                let at = if matches!(e, warc::Error::UnexpectedEOB) {
                    number - 1
                } else {
                    number
                };
                let _ = send(Err(warc_error(
                    at,
                    format!(
                        "{e} ({}); the rest of the file cannot be read",
                        describe(&e)
                    ),
                )));
                return;
            }
        };
        let kind = record.warc_type().clone();
        if !matches!(
            kind,
            RecordType::Response | RecordType::Resource | RecordType::Conversion
        ) {
            skipped.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let meta = RecordMeta {
            id: record.warc_id().to_string(),
            url: record
                .header(WarcHeader::TargetURI)
                .map(|u| {
                    u.trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                })
                .filter(|u| !u.is_empty()),
            date: record
                .date()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            content_type: record
                .header(WarcHeader::ContentType)
                .map(|c| c.into_owned()),
            length: record.content_length(),
        };
        let mut body = record;
        let page = if kind == RecordType::Response {
            http_page(&mut body, &meta)
        } else {
            own_page(&mut body, &meta)
        };
        let body_end = record_end.map_or(0, |end| end - 4);
        if matches!(page, Ok(Some(_))) && consumed.get() < body_end {
            let _ = send(Err(warc_error(
                number,
                format!(
                    "{}: the file ends inside this record (it is cut short)",
                    meta.id
                ),
            )));
            return;
        }
        let item = match page {
            Ok(Some(page)) => page
                .into_dump(path, &meta)
                .map_err(|reason| warc_error(number, format!("{}: {reason}", meta.id))),
            Ok(None) => {
                skipped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Err(reason) => Err(warc_error(
                number,
                format!(
                    "{} ({}): {reason}",
                    meta.id,
                    meta.url.as_deref().unwrap_or("no URL")
                ),
            )),
        };
        if !send(item) {
            return;
        }
    }
}

/// A reader that counts the bytes taken from it.
struct Counting<R> {
    inner: R,
    consumed: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.set(self.consumed.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed.set(self.consumed.get() + amount as u64);
        self.inner.consume(amount);
    }
}

fn describe(e: &warc::Error) -> &'static str {
    match e {
        warc::Error::ParseHeaders(_) => {
            "not a WARC record header: is the file a WARC file, with CRLF line ends?"
        }
        warc::Error::ReadData(_) => "the file could not be read or decompressed",
        warc::Error::UnexpectedEOB | warc::Error::ReadOverflow => {
            "the file is cut short or a Content-Length is wrong"
        }
        _ => "a malformed record",
    }
}

/// What a record says about itself.
struct RecordMeta {
    id: String,
    url: Option<String>,
    date: String,
    content_type: Option<String>,
    length: u64,
}

/// A page found in a record: its bytes, whether they are HTML, and their charset.
struct Page {
    bytes: Vec<u8>,
    html: bool,
    /// The content type the page was served with (its charset, if any, applies).
    content_type: Option<String>,
}

impl Page {
    fn into_dump(self, path: &Path, meta: &RecordMeta) -> Result<Dump, String> {
        if self.bytes.iter().all(u8::is_ascii_whitespace) {
            return Err("the page is empty".into());
        }
        if let Some(reason) = super::binary_reason(&self.bytes) {
            return Err(format!("the page looks binary ({reason})"));
        }
        let sha256 = format!("{:x}", Sha256::digest(&self.bytes));
        let decoded = crate::charset::decode(&self.bytes, self.content_type.as_deref());
        let warnings = decoded.warnings;
        let content = if self.html {
            Content::Html(decoded.text)
        } else {
            Content::Text(crate::normalize::text(&decoded.text))
        };
        Ok(Dump {
            path: path.to_path_buf(),
            sha256,
            format: if self.html {
                Format::Html
            } else {
                Format::Text
            },
            url: meta.url.clone(),
            fetched_at: Some(meta.date.clone()),
            record: Some(meta.id.clone()),
            content,
            warnings,
        })
    }
}

/// A `response` record: the HTTP response's body when the status is 2xx and the content
/// type HTML; `None` for any other response.
fn http_page(body: &mut impl Read, meta: &RecordMeta) -> Result<Option<Page>, String> {
    let mut head = Vec::new();
    let mut reader = BufReader::new(body.take(meta.length));
    // The status line and headers, up to the blank line.
    loop {
        let before = head.len();
        let n = reader
            .read_until(b'\n', &mut head)
            .map_err(|e| format!("cannot read the HTTP response: {e}"))?;
        if n == 0 {
            return Ok(None);
        }
        if matches!(&head[before..], b"\r\n" | b"\n") && before > 0 {
            break;
        }
        if head.len() > MAX_HTTP_HEADER {
            return Ok(None);
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    let ok = status
        .split_whitespace()
        .nth(1)
        .is_some_and(|code| code.starts_with('2') && code.len() == 3);
    let mut content_type = None;
    let mut encoding = None;
    let mut chunked = false;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-type" => content_type = Some(value.trim().to_string()),
                "content-encoding" => encoding = Some(value.trim().to_ascii_lowercase()),
                "transfer-encoding" => {
                    chunked |= value.to_ascii_lowercase().contains("chunked");
                }
                _ => {}
            }
        }
    }
    if !ok
        || !content_type
            .as_deref()
            .is_some_and(|c| is_html(&media_type(c)))
    {
        return Ok(None);
    }
    let bytes = if chunked {
        // Crawlers that store the response as it came over the wire (wget, for one) keep
        // the chunk framing; others undo it but keep the header. Undo it when the body
        // really is chunked, take it as it is when it is not.
        let raw = read_capped(&mut reader, None)?;
        let body = dechunk(&raw).unwrap_or(raw);
        read_capped(&mut body.as_slice(), encoding.as_deref())?
    } else {
        read_capped(&mut reader, encoding.as_deref())?
    };
    Ok(Some(Page {
        bytes,
        html: true,
        content_type,
    }))
}

/// A `resource` or `conversion` record: its block is the page itself.
fn own_page(body: &mut impl Read, meta: &RecordMeta) -> Result<Option<Page>, String> {
    let Some(mime) = meta.content_type.as_deref().map(media_type) else {
        return Ok(None);
    };
    let html = is_html(&mime);
    if !html && mime != "text/plain" {
        return Ok(None);
    }
    let mut reader = body.take(meta.length);
    let bytes = read_capped(&mut reader, None)?;
    Ok(Some(Page {
        bytes,
        html,
        content_type: meta.content_type.clone(),
    }))
}

/// Reads a page's bytes, undoing a gzip or deflate content encoding, up to the size limit
/// for one dump.
fn read_capped(reader: &mut impl Read, encoding: Option<&str>) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES + 1;
    let read = match encoding {
        Some("gzip" | "x-gzip") => MultiGzDecoder::new(reader)
            .take(limit)
            .read_to_end(&mut bytes),
        Some("deflate") => flate2::read::ZlibDecoder::new(reader)
            .take(limit)
            .read_to_end(&mut bytes),
        _ => reader.take(limit).read_to_end(&mut bytes),
    };
    read.map_err(|e| format!("cannot read the page: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "the page is over the {MAX_INPUT_BYTES}-byte limit for one dump"
        ));
    }
    Ok(bytes)
}

/// The body of a `Transfer-Encoding: chunked` response: each chunk is its size in hex
/// (maybe with `;extensions`), CRLF, the bytes, CRLF; a zero size ends it (trailers
/// after it are ignored). `None` when `raw` is not framed that way.
fn dechunk(raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let eol = rest.iter().position(|&b| b == b'\n')?;
        let line = std::str::from_utf8(&rest[..eol]).ok()?;
        let size = line.split(';').next()?.trim();
        if size.is_empty() || size.len() > 16 {
            return None;
        }
        let size = usize::from_str_radix(size, 16).ok()?;
        rest = &rest[eol + 1..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .unwrap_or(rest);
    }
}

/// `text/html; charset=ISO-8859-1` → `text/html`.
fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_html(mime: &str) -> bool {
    matches!(mime, "text/html" | "application/xhtml+xml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::warc::{gzip_each, record, response};
    use std::io::Write;

    fn dumps(bytes: Vec<u8>) -> (Vec<Result<Dump, InputError>>, usize) {
        let records = read(Path::new("t.warc.gz"), std::io::Cursor::new(bytes));
        let skipped = records.skipped();
        let all: Vec<_> = records.collect();
        (all, skipped.load(Ordering::Relaxed))
    }

    fn sample() -> Vec<Vec<u8>> {
        vec![
            record(
                "warcinfo",
                "0",
                "",
                "application/warc-fields",
                b"software: test\r\n",
            ),
            record(
                "request",
                "1",
                "https://news.example/a",
                "application/http; msgtype=request",
                b"GET /a HTTP/1.1\r\n\r\n",
            ),
            response(
                "2",
                "https://news.example/a",
                "Content-Type: text/html; charset=ISO-8859-1\r\n",
                b"<html><body><h1>Caf\xe9 opens</h1><p>The caf\xe9 opened today.</p></body></html>",
            ),
            response(
                "3",
                "https://news.example/logo.png",
                "Content-Type: image/png\r\n",
                b"\x89PNG",
            ),
            record(
                "resource",
                "4",
                "https://news.example/b.txt",
                "text/plain",
                b"Plain story\n\nIts body.",
            ),
            record(
                "metadata",
                "5",
                "https://news.example/a",
                "application/warc-fields",
                b"via: x\r\n",
            ),
        ]
    }

    #[test]
    fn pages_become_dumps_and_the_rest_is_counted() {
        for bytes in [sample().concat(), gzip_each(&sample())] {
            let (all, skipped) = dumps(bytes);
            assert_eq!(all.len(), 2, "{all:?}");
            assert_eq!(skipped, 4);
            let page = all[0].as_ref().unwrap();
            assert_eq!(page.url.as_deref(), Some("https://news.example/a"));
            assert_eq!(page.fetched_at.as_deref(), Some("2024-03-05T10:20:30Z"));
            assert_eq!(page.record.as_deref(), Some("<urn:uuid:2>"));
            assert_eq!(page.format, Format::Html);
            // The HTTP header's charset was used: é, not U+FFFD.
            assert!(matches!(&page.content, Content::Html(h) if h.contains("Café opens")));
            let text = all[1].as_ref().unwrap();
            assert!(matches!(&text.content, Content::Text(t) if t.starts_with("Plain story")));
        }
    }

    #[test]
    fn the_same_record_gets_the_same_hash_in_any_file() {
        let (a, _) = dumps(sample().concat());
        let (b, _) = dumps(gzip_each(&sample()[2..3]));
        assert_eq!(a[0].as_ref().unwrap().sha256, b[0].as_ref().unwrap().sha256);
    }

    #[test]
    fn a_file_cut_short_gives_the_pages_before_and_an_error() {
        let whole = sample().concat();
        // Cut inside the last record's header, and inside its body.
        for cut in [40, 8] {
            let (all, _) = dumps(whole[..whole.len() - cut].to_vec());
            assert_eq!(all.len(), 3, "{all:?}");
            assert!(all[0].is_ok() && all[1].is_ok());
            let err = all[2].as_ref().unwrap_err().to_string();
            assert!(
                err.contains("record 6") && err.contains("cut short"),
                "{err}"
            );
        }
        // Cut inside a page: no torn article, an error instead.
        let records = sample();
        let in_page = records[..2].concat().len() + records[2].len() - 20;
        let (all, _) = dumps(whole[..in_page].to_vec());
        assert_eq!(all.len(), 1, "{all:?}");
        let err = all[0].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("record 3") && err.contains("cut short"),
            "{err}"
        );
        let (all, _) = dumps(whole);
        assert!(all.iter().all(Result::is_ok));
    }

    #[test]
    fn gzip_content_encoding_is_undone() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<html><body><p>Zipped page.</p></body></html>")
            .unwrap();
        let body = gz.finish().unwrap();
        let bytes = response(
            "9",
            "https://x.example/z",
            "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
            &body,
        );
        let (all, _) = dumps(bytes);
        assert!(
            matches!(&all[0].as_ref().unwrap().content, Content::Html(h) if h.contains("Zipped page."))
        );
    }

    #[test]
    fn a_chunked_body_is_unframed_and_then_unzipped() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<html><body><p>Chunked and zipped page.</p></body></html>")
            .unwrap();
        let zipped = gz.finish().unwrap();
        let (a, b) = zipped.split_at(10);
        let mut body = format!("{:x};ext=1\r\n", a.len()).into_bytes();
        body.extend_from_slice(a);
        body.extend_from_slice(format!("\r\n{:X}\r\n", b.len()).as_bytes());
        body.extend_from_slice(b);
        body.extend_from_slice(b"\r\n0\r\nX-Trailer: y\r\n\r\n");
        let bytes = response(
            "10",
            "https://x.example/c",
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
            &body,
        );
        let (all, _) = dumps(bytes);
        assert!(
            matches!(&all[0].as_ref().unwrap().content, Content::Html(h) if h.contains("Chunked and zipped page.")),
            "{all:?}"
        );
    }

    #[test]
    fn a_body_already_unchunked_is_kept_as_it_is() {
        let bytes = response(
            "11",
            "https://x.example/u",
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
            b"<html><body><p>Stored without its chunks.</p></body></html>",
        );
        let (all, _) = dumps(bytes);
        assert!(
            matches!(&all[0].as_ref().unwrap().content, Content::Html(h) if h.contains("Stored without its chunks.")),
            "{all:?}"
        );
    }

    #[test]
    fn the_http_charset_is_honoured_over_a_guess() {
        // Alone, byte E9 would be guessed as the é of windows-1252; the server said Greek.
        let bytes = response(
            "7",
            "https://x.example/gr",
            "Content-Type: text/html; charset=ISO-8859-7\r\n",
            b"<html><body><p>Caf\xe9</p></body></html>",
        );
        let (all, _) = dumps(bytes);
        let page = all[0].as_ref().unwrap();
        assert!(
            matches!(&page.content, Content::Html(h) if h.contains("Caf\u{3b9}")),
            "{page:?}"
        );
    }

    #[test]
    fn media_types() {
        assert_eq!(media_type("TEXT/HTML; charset=\"ISO-8859-1\""), "text/html");
        assert_eq!(media_type("text/plain"), "text/plain");
    }
}

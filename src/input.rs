//! Reading dumps: choosing a file's format, unwrapping a JSON envelope, normalising text.
//!
//! This is the first stage of the data path. A file yields one or more [`Dump`]s
//! ([`open`] gives them as [`Dumps`], in order): a text dump, a page or an envelope holds
//! one, a container of many crawled pages holds many, and each becomes its own article.
//! Everything after this stage sees one [`Dump`] with normalised text at a time, whatever
//! the file looked like; everything that is wrong with the file itself (empty, binary,
//! too large, a malformed envelope) is an [`InputError`] here, with a message that says
//! what to do.

pub(crate) mod warc;

use crate::{charset, normalize};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

/// Inputs larger than this are refused rather than read into memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// What kind of file a dump was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Html,
    Json,
}

impl Format {
    /// Every format a dump can have.
    pub const ALL: [Format; 3] = [Format::Text, Format::Html, Format::Json];

    /// The name in output (`source.format`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Json => "json",
        }
    }

    /// The file extensions (lowercase, without the dot) that say a file has this format.
    /// This is the one list: reading, `clean` over folders and fixture discovery use it.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Text => &["txt", "text"],
            Format::Html => &["html", "htm", "xhtml"],
            Format::Json => &["json"],
        }
    }

    /// The format an extension stands for (case-insensitive), if any.
    pub fn from_extension(ext: &str) -> Option<Format> {
        let ext = ext.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&ext.as_str()))
    }
}

/// Every dump extension, for messages (`.txt, .text, .html, …`).
pub fn dump_extensions() -> Vec<&'static str> {
    Format::ALL
        .iter()
        .flat_map(|f| f.extensions())
        .copied()
        .collect()
}

/// Whether a file's extension is a dump format's. (A file named on a command line is read
/// whatever its name; this decides what a walk through a folder picks up.)
pub fn has_dump_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .is_some()
}

/// The dump's content after unwrapping. Text is normalised here; a page is kept as it came
/// (less a BOM), because its text only exists once the markup is parsed and entities are
/// decoded, and is normalised then (see `clean::html`).
#[derive(Debug, Clone)]
pub enum Content {
    Text(String),
    Html(String),
}

/// One dump, ready for site finding and cleaning.
#[derive(Debug, Clone)]
pub struct Dump {
    pub path: PathBuf,
    /// SHA-256 of the file's bytes as read: names outputs, so the same input gives the same file.
    pub sha256: String,
    pub format: Format,
    pub url: Option<String>,
    pub fetched_at: Option<String>,
    /// The record of a file holding many dumps (a WARC file's `WARC-Record-ID`).
    pub record: Option<String>,
    pub content: Content,
    /// Non-fatal problems (e.g. invalid UTF-8 replaced).
    pub warnings: Vec<String>,
}

/// Why a file could not be read as a dump.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is empty: nothing to clean")]
    Empty { path: PathBuf },
    #[error("{path} is {size} bytes, over the {max}-byte limit for one dump; split it or check the scraper")]
    TooLarge { path: PathBuf, size: u64, max: u64 },
    #[error("{path} looks binary ({reason}), not a text, HTML or JSON dump")]
    Binary { path: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    Warc { path: PathBuf, reason: String },
    #[error("{path}: invalid JSON envelope: {reason}; expected {{\"url\": …, \"html\": …}} or {{\"url\": …, \"text\": …}}")]
    Envelope { path: PathBuf, reason: String },
}

/// The dumps of one file, in the order the file holds them, read as they are asked for.
///
/// An error about the file as a whole (missing, empty, binary, too large…) comes from
/// [`open`] before any dump; an `Err` item is one dump of a file holding several that
/// could not be read, and the dumps after it are still yielded.
pub struct Dumps {
    dumps: Box<dyn Iterator<Item = Result<Dump, InputError>> + Send>,
    skipped: Option<Arc<AtomicUsize>>,
}

impl Dumps {
    /// A file that is one dump.
    pub fn one(dump: Dump) -> Dumps {
        Dumps::many(std::iter::once(Ok(dump)))
    }

    /// A file holding many dumps, yielded by `dumps` as they are read.
    pub fn many(dumps: impl Iterator<Item = Result<Dump, InputError>> + Send + 'static) -> Dumps {
        Dumps {
            dumps: Box::new(dumps),
            skipped: None,
        }
    }

    /// A WARC file's pages, read from `source` record by record.
    fn warc(path: &Path, source: impl Read + Send + 'static) -> Dumps {
        let records = warc::read(path, source);
        let skipped = Some(records.skipped());
        Dumps {
            dumps: Box::new(records),
            skipped,
        }
    }

    /// Counts the records of the file passed over because they hold no dump (a WARC file's
    /// requests, metadata, images…), as they are read; `None` for a file that has none.
    pub fn skipped(&self) -> Option<Arc<AtomicUsize>> {
        self.skipped.clone()
    }
}

impl Iterator for Dumps {
    type Item = Result<Dump, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.dumps.next()
    }
}

impl std::fmt::Debug for Dumps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dumps(..)")
    }
}

/// Opens a file and yields its dumps: a WARC file (`.warc`, `.warc.gz`, or any file that
/// starts like one) holds one per page record, read as they are asked for; any other file
/// is one dump.
pub fn open(path: &Path) -> Result<Dumps, InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; 5];
    let n = read_head(&mut file, &mut head).map_err(io)?;
    if warc::looks_like_warc(path, &head[..n]) {
        use std::io::Seek;
        file.rewind().map_err(io)?;
        return Ok(Dumps::warc(path, file));
    }
    read(path).map(Dumps::one)
}

/// Yields the dumps of a stream that may be a WARC file (stdin): a WARC stream, plain or
/// gzipped, is read record by record; anything else is read whole as one dump, up to the
/// size limit.
pub fn open_stream(path: &Path, source: impl Read + Send + 'static) -> Result<Dumps, InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut source = std::io::BufReader::new(source);
    let head = std::io::BufRead::fill_buf(&mut source).map_err(io)?;
    if warc::looks_like_warc(path, head) || starts_like_warc(head) {
        return Ok(Dumps::warc(path, source));
    }
    let mut bytes = Vec::new();
    // One byte over the limit is enough to know the dump is too large.
    source
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    from_bytes(path, &bytes).map(Dumps::one)
}

/// Yields the dumps of a file whose bytes the caller has read itself (the service opens
/// inbox files its own way, refusing symlinks and FIFOs): the same dumps [`open`] yields,
/// without touching the path again.
pub fn open_bytes(path: &Path, bytes: &[u8]) -> Result<Dumps, InputError> {
    if warc::looks_like_warc(path, bytes) {
        return Ok(Dumps::warc(path, std::io::Cursor::new(bytes.to_vec())));
    }
    from_bytes(path, bytes).map(Dumps::one)
}

/// Whether a stream starting with `head` is a WARC file (plain, or gzipped: a dump is
/// never gzipped).
pub fn starts_like_warc(head: &[u8]) -> bool {
    head.starts_with(b"WARC/") || head.starts_with(&[0x1f, 0x8b])
}

/// Whether `path` is, by its name, a file that holds many dumps (whose count is only known
/// once it is read).
pub fn holds_many(path: &Path) -> bool {
    warc::looks_like_warc(path, b"")
}

/// Fills `head` as far as the file goes.
fn read_head(file: &mut std::fs::File, head: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Reads and prepares a file that is one dump.
pub fn read(path: &Path) -> Result<Dump, InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            size,
            max: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    from_bytes(path, &bytes)
}

/// Prepares a dump from bytes already in memory; `path` names it and chooses the format.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Dump, InputError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty {
            path: path.to_path_buf(),
        });
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            max: MAX_INPUT_BYTES,
        });
    }
    // UTF-16 text is full of NUL bytes; its byte order mark says it is text all the same.
    let utf16 =
        matches!(encoding_rs::Encoding::for_bom(bytes), Some((e, _)) if e != encoding_rs::UTF_8);
    if let Some(reason) = binary_reason(bytes).filter(|_| !utf16) {
        return Err(InputError::Binary {
            path: path.to_path_buf(),
            reason,
        });
    }
    let sha256 = format!("{:x}", Sha256::digest(bytes));
    let mut decoded = charset::decode(bytes, None);
    let format = detect_format(path, &decoded.text);
    let (content, url, fetched_at) = match format {
        Format::Text => (Content::Text(normalize::text(&decoded.text)), None, None),
        Format::Html => (Content::Html(std::mem::take(&mut decoded.text)), None, None),
        Format::Json => {
            let env = decoded_envelope(path, bytes, &mut decoded)?;
            (env.content, env.url, env.fetched_at)
        }
    };
    let warnings = decoded.warnings;
    Ok(Dump {
        path: path.to_path_buf(),
        sha256,
        format,
        url,
        fetched_at,
        record: None,
        content,
        warnings,
    })
}

/// Prepares a dump from a JSON envelope that is part of a larger input (a line of JSON
/// Lines): `name` names it in messages and in the article's source.
pub fn from_envelope(name: &Path, bytes: &[u8]) -> Result<Dump, InputError> {
    let sha256 = format!("{:x}", Sha256::digest(bytes));
    let mut decoded = charset::decode(bytes, None);
    let env = decoded_envelope(name, bytes, &mut decoded)?;
    Ok(Dump {
        path: name.to_path_buf(),
        sha256,
        format: Format::Json,
        url: env.url,
        fetched_at: env.fetched_at,
        record: None,
        content: env.content,
        warnings: decoded.warnings,
    })
}

/// The envelope in `bytes`, already decoded into `decoded` as UTF-8 (or a guess).
fn decoded_envelope(
    path: &Path,
    bytes: &[u8],
    decoded: &mut charset::Decoded,
) -> Result<Envelope, InputError> {
    let mut env = envelope(path, &decoded.text)?;
    // JSON is UTF-8; an envelope that is not was written in the page's own encoding,
    // which its `charset`/`content_type` names (its keys are ASCII, so they could
    // be read before the encoding was known).
    if let Some(declared) = env.declared.take() {
        if std::str::from_utf8(bytes).is_err() {
            *decoded = charset::decode(bytes, Some(&declared));
            env = envelope(path, &decoded.text)?;
        }
    }
    Ok(env)
}

/// Extension first; content decides for unknown extensions and for `.txt` files that are
/// plainly HTML.
fn detect_format(path: &Path, raw: &str) -> Format {
    let ext = path.extension().and_then(|e| e.to_str());
    match ext.map(Format::from_extension) {
        Some(Some(Format::Html)) => Format::Html,
        Some(Some(Format::Json)) => Format::Json,
        _ if looks_like_html(raw) => Format::Html,
        Some(_) => Format::Text,
        None if raw.trim_start().starts_with('{') => Format::Json,
        None => Format::Text,
    }
}

fn strip_bom(s: String) -> String {
    match s.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

fn looks_like_html(raw: &str) -> bool {
    let head: String = raw
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// NUL bytes or a high share of control bytes mean this is not text of any kind.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return Some("it contains NUL bytes".into());
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    (control * 10 > sample.len())
        .then(|| format!("{control} control bytes in its first {}", sample.len()))
}

struct Envelope {
    content: Content,
    url: Option<String>,
    fetched_at: Option<String>,
    /// The page's encoding as the crawler was told it (`charset`, or the charset of
    /// `content_type`).
    declared: Option<String>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    url: Option<serde_json::Value>,
    html: Option<serde_json::Value>,
    text: Option<serde_json::Value>,
    fetched_at: Option<serde_json::Value>,
    charset: Option<serde_json::Value>,
    content_type: Option<serde_json::Value>,
}

fn envelope(path: &Path, raw: &str) -> Result<Envelope, InputError> {
    let err = |reason: String| InputError::Envelope {
        path: path.to_path_buf(),
        reason,
    };
    let env: RawEnvelope = serde_json::from_str(raw).map_err(|e| err(e.to_string()))?;
    let string = |name: &str, v: Option<serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(err(format!(
            "`{name}` must be a string, not {}",
            json_type(&other)
        ))),
    };
    let url = string("url", env.url)?.filter(|u| !u.trim().is_empty());
    let fetched_at = string("fetched_at", env.fetched_at)?;
    let html = string("html", env.html)?;
    let text = string("text", env.text)?;
    let declared = string("charset", env.charset)?
        .or(string("content_type", env.content_type)?)
        .filter(|d| !charset::charset_label(d).is_empty());
    let content = match (html, text) {
        (Some(h), _) if !h.trim().is_empty() => Content::Html(strip_bom(h)),
        (_, Some(t)) if !t.trim().is_empty() => Content::Text(normalize::text(&t)),
        (Some(_), _) | (_, Some(_)) => return Err(err("`html`/`text` is empty".into())),
        (None, None) => return Err(err("it has neither `html` nor `text`".into())),
    };
    Ok(Envelope {
        content,
        url,
        fetched_at,
        declared,
    })
}

fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(name: &str, bytes: &[u8]) -> Result<Dump, InputError> {
        from_bytes(Path::new(name), bytes)
    }

    #[test]
    fn format_by_extension_and_content() {
        assert_eq!(dump("a.txt", b"hello").unwrap().format, Format::Text);
        assert_eq!(dump("a.htm", b"<p>x</p>").unwrap().format, Format::Html);
        assert_eq!(
            dump("a.txt", b"<!DOCTYPE html><p>x</p>").unwrap().format,
            Format::Html
        );
        assert_eq!(
            dump("noext", b"{\"text\": \"x\"}").unwrap().format,
            Format::Json
        );
    }

    #[test]
    fn every_extension_belongs_to_one_format() {
        let all = dump_extensions();
        for ext in &all {
            assert_eq!(all.iter().filter(|e| e == &ext).count(), 1, "{ext}");
            let f = Format::from_extension(&ext.to_ascii_uppercase()).unwrap();
            assert!(f.extensions().contains(ext));
        }
        assert!(has_dump_extension(Path::new("a/b.XHTML")));
        assert!(!has_dump_extension(Path::new("a/b.expected.md")));
        assert!(!has_dump_extension(Path::new("a/noext")));
    }

    #[test]
    fn envelope_with_html_or_text() {
        let d = dump(
            "a.json",
            br#"{"url": "https://x.com/a", "html": "<p>hi</p>", "fetched_at": "2021-01-01"}"#,
        )
        .unwrap();
        assert_eq!(d.url.as_deref(), Some("https://x.com/a"));
        assert!(matches!(d.content, Content::Html(_)));
        let d = dump("a.json", br#"{"text": "hi\r\nthere"}"#).unwrap();
        assert!(matches!(d.content, Content::Text(ref t) if t == "hi\nthere"));
    }

    #[test]
    fn envelope_with_wrong_fields_says_which() {
        let e = dump("a.json", br#"{"url": 5, "html": "<p>x</p>"}"#).unwrap_err();
        assert!(
            e.to_string()
                .contains("`url` must be a string, not a number"),
            "{e}"
        );
        let e = dump("a.json", br#"{"url": "x"}"#).unwrap_err();
        assert!(e.to_string().contains("neither `html` nor `text`"), "{e}");
        let e = dump("a.json", b"[1, 2]").unwrap_err();
        assert!(matches!(e, InputError::Envelope { .. }), "{e}");
    }

    #[test]
    fn empty_and_binary_inputs_are_refused() {
        assert!(matches!(dump("a.txt", b""), Err(InputError::Empty { .. })));
        assert!(matches!(
            dump("a.txt", b" \n\n"),
            Err(InputError::Empty { .. })
        ));
        assert!(matches!(
            dump("a.txt", b"\x00\x01\x02garbage"),
            Err(InputError::Binary { .. })
        ));
    }

    const FRENCH: &str = "L'été à Besançon: le maire a annoncé des mesures contre la sécheresse.";

    fn latin1(s: &str) -> Vec<u8> {
        encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
    }

    #[test]
    fn a_latin1_page_reads_correctly_without_a_warning() {
        let page = format!(
            "<html><head><meta charset=\"iso-8859-1\"></head><body><p>{FRENCH}</p></body></html>"
        );
        let d = dump("a.html", &latin1(&page)).unwrap();
        assert!(matches!(d.content, Content::Html(ref h) if h.contains(FRENCH)));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn an_envelope_in_its_page_encoding_names_it() {
        let env = format!("{{\"url\": \"https://x.fr/a\", \"content_type\": \"text/html; charset=ISO-8859-1\", \"html\": \"<p>{FRENCH}</p>\"}}");
        let d = dump("a.json", &latin1(&env)).unwrap();
        assert!(
            matches!(d.content, Content::Html(ref h) if h.contains(FRENCH)),
            "{:?}",
            d.content
        );
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        // The same envelope in UTF-8: the JSON is read as UTF-8, the declaration is moot.
        let d = dump("a.json", env.as_bytes()).unwrap();
        assert!(matches!(d.content, Content::Html(ref h) if h.contains(FRENCH)));
        let e = dump("a.json", br#"{"charset": 8, "text": "x"}"#).unwrap_err();
        assert!(e.to_string().contains("`charset` must be a string"), "{e}");
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_text_not_binary() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(FRENCH.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let d = dump("a.txt", &bytes).unwrap();
        assert!(matches!(d.content, Content::Text(ref t) if t == FRENCH));
    }

    #[test]
    fn a_one_dump_file_opens_as_exactly_that_dump() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Title\n\nBody.\n").unwrap();
        let dumps: Vec<_> = open(&path).unwrap().collect();
        assert_eq!(dumps.len(), 1);
        let d = dumps.into_iter().next().unwrap().unwrap();
        assert!(matches!(d.content, Content::Text(ref t) if t == "Title\n\nBody.\n"));
        // Whatever is wrong with the file is an error of `open`, not of a dump.
        assert!(matches!(
            open(&dir.path().join("missing.txt")),
            Err(InputError::Io { .. })
        ));
    }

    #[test]
    fn same_bytes_same_hash() {
        let a = dump("a.txt", b"same").unwrap();
        let b = dump("other/b.txt", b"same").unwrap();
        assert_eq!(a.sha256, b.sha256);
        assert_eq!(a.sha256.len(), 64);
    }
}

//! Bytes to text: which character encoding a dump is in, and decoding it.
//!
//! Scrapers hand over bytes. Most pages are UTF-8, but a news archive also holds Latin-1,
//! Windows-1252, Shift_JIS, GBK or KOI8-R pages; reading those as UTF-8 turns every accented
//! letter into U+FFFD, and the article's words are lost for good. So the encoding is chosen
//! the way a browser chooses it, with one concession to the real web (see [`decode`]):
//!
//! 1. a byte order mark;
//! 2. the charset declared by whoever fetched the bytes (an HTTP `Content-Type` header, a
//!    WARC record's headers, an envelope's `charset`/`content_type` field);
//! 3. the charset the page declares itself (`<meta charset>`, `<meta http-equiv>`);
//! 4. UTF-8 when the bytes are valid UTF-8;
//! 5. otherwise a guess from the bytes themselves (`chardetng`, Firefox's detector).
//!
//! Decoding itself is `encoding_rs` (the WHATWG Encoding Standard, as browsers implement
//! it), so labels mean what they mean on the web: `iso-8859-1` and `latin1` decode as
//! Windows-1252, which is what pages labelled so actually contain.

use encoding_rs::{Encoding, ISO_2022_JP, UTF_16BE, UTF_16LE, UTF_8};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// Text decoded from bytes, with the encoding used and what is worth telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte order mark.
    pub text: String,
    /// The WHATWG name of the encoding used (`UTF-8`, `windows-1252`, `Shift_JIS`…).
    pub encoding: &'static str,
    /// Non-fatal problems: bytes that were invalid in the chosen encoding (replaced by
    /// U+FFFD), an unknown charset label, an encoding that had to be guessed.
    pub warnings: Vec<String>,
}

/// How far into a page its `<meta charset>` is looked for. Browsers look at the first
/// 1,024 bytes only; real pages put long inline scripts and styles first, and a meta tag
/// found a little later is still the page's own word on its encoding.
const META_SCAN_BYTES: usize = 64 * 1024;

/// Decodes a dump's bytes into text.
///
/// `declared` is the charset stated outside the bytes, by whoever fetched them: a bare
/// label (`"iso-8859-1"`) or a whole content type (`"text/html; charset=Shift_JIS"`).
/// Pass the HTTP `Content-Type` of a WARC record or a crawler's envelope here; `None` when
/// nothing was declared. Call it for any dump (text, HTML or JSON): a `<meta>` declaration
/// is only looked for in bytes that contain one.
///
/// The order is a browser's (byte order mark, then `declared`, then `<meta>`, then a guess),
/// with one exception: bytes that are valid UTF-8 are read as UTF-8 even when a declaration
/// names another ASCII-compatible encoding. Servers and templates routinely declare
/// `iso-8859-1` for pages that are UTF-8, and non-ASCII text that happens to be valid UTF-8
/// while meaning something else in a legacy encoding is vanishingly rare. (A declaration
/// of ISO-2022-JP or UTF-16 is still obeyed: those read ASCII-only bytes differently.)
///
/// A warning is given only when it tells the user something: bytes the chosen encoding
/// could not decode (replaced by U+FFFD), an unknown label, or an encoding that was guessed
/// because the bytes were not UTF-8 and declared nothing.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Decoded {
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return finish(encoding, &bytes[bom_len..], warnings);
    }
    let utf8 = std::str::from_utf8(bytes).is_ok();
    let from_caller = declared.and_then(|d| {
        let label = charset_label(d);
        let encoding = Encoding::for_label(label.as_bytes());
        if encoding.is_none() && !label.is_empty() {
            warnings.push(format!(
                "unknown charset `{label}` declared for this dump: ignored, the encoding was read from the bytes instead"
            ));
        }
        encoding
    });
    // A page can only declare an ASCII-compatible encoding in its own markup (it had to be
    // readable as ASCII to find the declaration), so UTF-16 there means UTF-8, as browsers
    // read it.
    let from_page = || {
        meta_charset(bytes).map(|e| {
            if e == UTF_16LE || e == UTF_16BE {
                UTF_8
            } else {
                e
            }
        })
    };
    if let Some(encoding) = from_caller.or_else(from_page) {
        let reads_ascii_as_ascii = encoding.is_ascii_compatible() && encoding != ISO_2022_JP;
        if utf8 && reads_ascii_as_ascii {
            return finish(UTF_8, bytes, warnings);
        }
        return finish(encoding, bytes, warnings);
    }
    if utf8 || mostly_utf8(bytes) {
        return finish(UTF_8, bytes, warnings);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    if encoding != UTF_8 {
        warnings.push(format!(
            "not UTF-8 and no charset declared: decoded as {} (detected from the bytes; declare the charset if it is wrong)",
            encoding.name()
        ));
    }
    finish(encoding, bytes, warnings)
}

fn finish(encoding: &'static Encoding, bytes: &[u8], mut warnings: Vec<String>) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        warnings.push(if encoding == UTF_8 {
            "invalid UTF-8 replaced with U+FFFD".to_string()
        } else {
            format!("bytes invalid in {} replaced with U+FFFD", encoding.name())
        });
    }
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        warnings,
    }
}

/// True when bytes that are not valid UTF-8 still hold at least as many valid multi-byte
/// UTF-8 characters as invalid sequences: a UTF-8 dump with a damaged byte or cut off in
/// the middle of a character. Decoding it as UTF-8 loses those few bytes; guessing a legacy
/// encoding instead would garble every accented letter. Legacy text almost never holds
/// valid multi-byte sequences (`Ã©` is how UTF-8 looks in Latin-1, not how French does).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let lead_bytes = |s: &[u8]| s.iter().filter(|&&b| b >= 0xC0).count();
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) => {
                valid += lead_bytes(rest);
                break;
            }
            Err(e) => {
                let (good, after) = rest.split_at(e.valid_up_to());
                valid += lead_bytes(good);
                invalid += 1;
                match e.error_len() {
                    Some(n) => rest = &after[n..],
                    None => break,
                }
            }
        }
    }
    valid > 0 && valid >= invalid
}

/// The charset label in `declared`: the `charset=` parameter of a content type
/// (`text/html; charset="utf-8"`), or the whole value when it is a bare label. A content
/// type without a charset (`text/html`) declares nothing and gives "".
pub fn charset_label(declared: &str) -> String {
    let declared = declared.trim();
    let lower = declared.to_ascii_lowercase();
    match lower.find("charset") {
        Some(at) => {
            let rest = lower[at + "charset".len()..].trim_start();
            let Some(value) = rest.strip_prefix('=') else {
                return String::new();
            };
            value
                .trim_start()
                .trim_start_matches(['"', '\''])
                .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
                .next()
                .unwrap_or("")
                .to_string()
        }
        None if declared.contains('/') => String::new(),
        None => lower,
    }
}

/// The encoding a page declares in a `<meta>` tag near its top, if any.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    static META: OnceLock<Regex> = OnceLock::new();
    let re = META.get_or_init(|| {
        // Both `<meta charset="x">` and `<meta http-equiv="Content-Type" content="…; charset=x">`:
        // the charset parameter sits inside the tag either way.
        Regex::new(r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.+-]+)"#)
            .expect("valid regex")
    });
    let head = &bytes[..bytes.len().min(META_SCAN_BYTES)];
    let label = re.captures(head)?.get(1)?.as_bytes();
    Encoding::for_label(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{KOI8_R, SHIFT_JIS, WINDOWS_1252};

    const FRENCH: &str = "Le président a déclaré que l'économie française était forte, malgré les grèves et l'été très chaud à Besançon.";

    fn page(charset_meta: &str, body: &str) -> String {
        format!("<!DOCTYPE html><html><head>{charset_meta}<title>t</title></head><body><p>{body}</p></body></html>")
    }

    fn encode(encoding: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(s);
        assert!(!unmappable, "test text must be representable");
        bytes.into_owned()
    }

    #[test]
    fn meta_charset_is_honoured() {
        let html = page(r#"<meta charset="iso-8859-1">"#, FRENCH);
        let d = decode(&encode(WINDOWS_1252, &html), None);
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains(FRENCH), "{}", d.text);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn http_equiv_content_type_is_honoured() {
        let russian = "Президент заявил, что экономика страны устойчива, несмотря на санкции.";
        let html = page(
            r#"<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">"#,
            russian,
        );
        let d = decode(&encode(KOI8_R, &html), None);
        assert_eq!(d.encoding, "KOI8-R");
        assert!(d.text.contains(russian), "{}", d.text);
    }

    #[test]
    fn declared_charset_wins_over_the_page() {
        let japanese = "首相は記者会見で、経済対策を来週発表すると述べた。";
        // The page claims windows-1252, the server knew better.
        let html = page(r#"<meta charset="windows-1252">"#, japanese);
        let d = decode(
            &encode(SHIFT_JIS, &html),
            Some("text/html; charset=Shift_JIS"),
        );
        assert_eq!(d.encoding, "Shift_JIS");
        assert!(d.text.contains(japanese), "{}", d.text);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn undeclared_legacy_bytes_are_detected() {
        let text = format!("{FRENCH}\n\n{FRENCH}\n");
        let d = decode(&encode(WINDOWS_1252, &text), None);
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.text, text);
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(d.warnings[0].contains("detected"), "{:?}", d.warnings);
        assert!(!d.text.contains('\u{fffd}'));

        let japanese = "首相は記者会見で、経済対策を来週発表すると述べた。東京の市場は上昇した。";
        let d = decode(&encode(SHIFT_JIS, japanese), None);
        assert_eq!(d.encoding, "Shift_JIS");
        assert_eq!(d.text, japanese);
    }

    #[test]
    fn valid_utf8_is_kept_whatever_the_declaration_says() {
        let html = page(r#"<meta charset="iso-8859-1">"#, FRENCH);
        let d = decode(html.as_bytes(), Some("text/html; charset=iso-8859-1"));
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains(FRENCH));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn boms_decide_first() {
        // Built by hand: the Encoding Standard never encodes to UTF-16.
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(FRENCH.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let d = decode(&bytes, Some("iso-8859-1"));
        assert_eq!(d.encoding, "UTF-16LE");
        assert_eq!(d.text, FRENCH);
        let d = decode(b"\xEF\xBB\xBFfine", None);
        assert_eq!((d.text.as_str(), d.encoding), ("fine", "UTF-8"));
    }

    #[test]
    fn lost_bytes_are_reported_and_nothing_else() {
        let d = decode(b"ok \xff\xfe\xfd here", Some("utf-8"));
        assert_eq!(d.text, "ok \u{fffd}\u{fffd}\u{fffd} here");
        assert_eq!(d.warnings, vec!["invalid UTF-8 replaced with U+FFFD"]);
        let d = decode("plain ASCII and ümlauts".as_bytes(), None);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn utf8_with_a_damaged_byte_stays_utf8() {
        // Cut off in the middle of the last character, as a size limit leaves it.
        let mut bytes = format!("{FRENCH} €").into_bytes();
        bytes.pop();
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.starts_with(FRENCH), "{}", d.text);
        assert_eq!(d.warnings, vec!["invalid UTF-8 replaced with U+FFFD"]);
    }

    #[test]
    fn unknown_labels_are_reported_and_ignored() {
        let d = decode(
            &encode(WINDOWS_1252, &format!("{FRENCH} {FRENCH}")),
            Some("x-made-up"),
        );
        assert!(d.text.contains(FRENCH), "{}", d.text);
        assert!(
            d.warnings
                .iter()
                .any(|w| w.contains("unknown charset `x-made-up`")),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn labels_from_content_types() {
        assert_eq!(charset_label("text/html; charset=ISO-8859-1"), "iso-8859-1");
        assert_eq!(charset_label("text/html;charset=\"utf-8\""), "utf-8");
        assert_eq!(charset_label(" Shift_JIS "), "shift_jis");
        assert_eq!(charset_label("text/html"), "");
        assert_eq!(charset_label(""), "");
    }
}

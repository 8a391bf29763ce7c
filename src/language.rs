//! Guessing an article's language when neither its site rule nor its page says.
//!
//! Detection is the costliest step of cleaning a small text dump, so it is kept cheap: a
//! sample of the body's first sentences, and only the languages the
//! news sites copydesk serves publish in. A guess the detector is not sure of is no answer.

use std::sync::OnceLock;
use whatlang::{Detector, Lang};

/// Languages considered, with their ISO 639-1 codes.
const LANGUAGES: &[(Lang, &str)] = &[
    (Lang::Eng, "en"),
    (Lang::Fra, "fr"),
    (Lang::Deu, "de"),
    (Lang::Spa, "es"),
    (Lang::Ita, "it"),
    (Lang::Por, "pt"),
    (Lang::Nld, "nl"),
    (Lang::Rus, "ru"),
    (Lang::Ukr, "uk"),
    (Lang::Pol, "pl"),
    (Lang::Tur, "tr"),
    (Lang::Ara, "ar"),
    (Lang::Cmn, "zh"),
    (Lang::Jpn, "ja"),
    (Lang::Kor, "ko"),
    (Lang::Hin, "hi"),
    (Lang::Swe, "sv"),
    (Lang::Dan, "da"),
    (Lang::Nob, "nb"),
    (Lang::Fin, "fi"),
    (Lang::Ces, "cs"),
    (Lang::Ell, "el"),
    (Lang::Heb, "he"),
    (Lang::Ind, "id"),
    (Lang::Vie, "vi"),
    (Lang::Ron, "ro"),
    (Lang::Hun, "hu"),
];

/// Bytes of the body looked at: a few sentences are enough.
const SAMPLE: usize = 640;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| {
        let langs = LANGUAGES.iter().map(|(l, _)| *l).collect();
        Detector::with_allowlist(langs)
    })
}

/// ISO 639-1 code of `body`'s language, when the detector is confident.
pub fn detect(body: &str) -> Option<String> {
    let mut end = body.len().min(SAMPLE);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &body[..end];
    if looks_english(sample) {
        return Some("en".to_string());
    }
    let info = detector().detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    LANGUAGES
        .iter()
        .find(|(l, _)| *l == info.lang())
        .map(|(_, code)| code.to_string())
}

/// The language of a whole dump, menus and all: judged on its longest lines, which are
/// the article's prose far more often than its first lines are.
pub fn detect_prose(text: &str) -> Option<String> {
    let mut lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.len() > 40)
        .collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.len()));
    let mut sample = String::new();
    for line in lines {
        if sample.len() >= SAMPLE {
            break;
        }
        sample.push_str(line);
        sample.push('\n');
    }
    detect(&sample)
}

/// English function words make up a large share of any English prose and almost none of
/// other languages' (even where a few are spelt alike), so a high share settles the common
/// case without the detector.
fn looks_english(sample: &str) -> bool {
    const FUNCTION_WORDS: &[&str] = &[
        "the", "of", "and", "to", "in", "is", "that", "for", "on", "was", "with", "said", "he",
        "it", "as", "at", "by", "from", "his", "her", "has", "have", "are", "were", "be", "this",
    ];
    let mut words = 0usize;
    let mut hits = 0usize;
    for word in sample
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        if word.len() <= 4 && FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(word)) {
            hits += 1;
        }
    }
    words >= 20 && hits * 100 >= words * 18 && mostly_ascii(sample)
}

/// Mostly ASCII: not a language that only borrows a few English words.
fn mostly_ascii(s: &str) -> bool {
    let non_ascii = s.chars().filter(|c| !c.is_ascii()).count();
    non_ascii * 20 <= s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn common_languages() {
        let en = "President Biden spoke with Russian President Vladimir Putin by phone on Tuesday as relations between the two countries deteriorate.";
        let fr = "Le président américain s'est entretenu mardi par téléphone avec son homologue russe, alors que les relations entre les deux pays se dégradent.";
        let de = "Der amerikanische Präsident hat am Dienstag mit dem russischen Präsidenten telefoniert, während sich die Beziehungen der beiden Länder verschlechtern.";
        assert_eq!(detect(en).as_deref(), Some("en"));
        assert_eq!(detect(fr).as_deref(), Some("fr"));
        assert_eq!(detect(de).as_deref(), Some("de"));
    }

    #[test]
    fn english_fast_path_does_not_take_other_languages() {
        let nl = "De Amerikaanse president heeft dinsdag met zijn Russische ambtgenoot gebeld, terwijl de betrekkingen tussen de twee landen verslechteren en de spanningen in het oosten van Oekraïne oplopen.";
        assert!(!super::looks_english(nl));
        assert_eq!(detect(nl).as_deref(), Some("nl"));
    }

    #[test]
    fn too_little_text_is_no_answer() {
        assert_eq!(detect(""), None);
        assert_eq!(detect("OK"), None);
    }
}

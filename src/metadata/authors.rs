//! Author names: splitting an author list into names, reading a "By …" byline in the
//! languages news is published in, and telling a person from a publisher.
//!
//! Pages name their authors in many places (JSON-LD, `<meta>`, a byline element, a line
//! of text), and several of those also hold the publisher's or an agency desk's name. A
//! brand is not an author: every source's names go through [`people`], which drops the
//! site's own names, domains and desk labels ("Redaktion", "Staff").

use regex::Regex;
use std::sync::OnceLock;

/// Words that open a byline ("By", "Von", "Par"…), lowercased; longest first so "written
/// by" wins over "by".
const BYLINE_WORDS: &[&str] = &[
    "written by",
    "reporting by",
    "story by",
    "words by",
    "text by",
    "posted by",
    "geschrieben von",
    "ein artikel von",
    "ein kommentar von",
    "ein beitrag von",
    "text von",
    "escrito por",
    "publicado por",
    "scritto da",
    "a cura di",
    "skrevet af",
    "skrevet av",
    "skriven av",
    "geschreven door",
    "napisał",
    "napisała",
    "yazan",
    "by",
    "von",
    "par",
    "por",
    "di",
    "door",
    "av",
    "af",
    "autor",
    "autorin",
    "autoren",
    "auteur",
    "autore",
    "autora",
    "tekst",
    "text",
    "texte",
    "текст",
    "автор",
    "авторы",
    "yazar",
    "muhabir",
];

/// Words of a job title or a desk, never a person's name.
const NOT_A_NAME: &[&str] = &[
    "staff",
    "reporter",
    "reporters",
    "correspondent",
    "editor",
    "editors",
    "editorial",
    "writer",
    "contributor",
    "columnist",
    "journalist",
    "photographer",
    "desk",
    "team",
    "newsroom",
    "agency",
    "agencies",
    "news",
    "online",
    "redaktion",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "rédaction",
    "journaliste",
    "correspondant",
    "redacción",
    "corresponsal",
    "periodista",
    "redazione",
    "giornalista",
    "redação",
    "redacção",
    "jornalista",
    "redactie",
    "verslaggever",
    "redakcja",
    "dziennikarz",
    "redaktionen",
    "redaksjonen",
    "redaktør",
    "корреспондент",
    "редакция",
    "editör",
    "haber",
    "merkezi",
    "senior",
    "chief",
    "deputy",
    "associate",
    "managing",
    "contributing",
    "executive",
    "freelance",
    "written",
    "by",
    "updated",
    "published",
    "posted",
    "admin",
    "administrator",
    "guest",
    "anonymous",
    // A section or a page link, given where the author should be ("Nachrichten",
    // "Kontakt"): the word for news and for contact in the languages above.
    "nachrichten",
    "noticias",
    "nouvelles",
    "notizie",
    "nieuws",
    "notícias",
    "nyheter",
    "nyheder",
    "wiadomości",
    "новости",
    "haberler",
    "kontakt",
    "contact",
    "contacto",
    "contatto",
    "impressum",
];

/// Lowercase words a name may contain ("Ludwig van Beethoven", "Ana de la Cruz").
const PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "da", "di", "du", "la", "le", "del", "dos", "das", "do", "y",
    "e", "bin", "ibn", "al", "el", "ter", "zu", "af", "ten", "st.",
];

/// Conjunctions between two names in an author list.
const AND: &[&str] = &[
    " and ", " und ", " et ", " y ", " e ", " en ", " och ", " og ", " i ", " и ", " ve ",
    " oraz ", " & ",
];

/// Job titles that follow (or, in Chinese, precede) a name in East Asian bylines:
/// "신현주 기자" (reporter), "김철수 특파원" (correspondent), "山田太郎記者", "记者 张三".
const CJK_ROLES: &[&str] = &[
    "기자",
    "특파원",
    "선임기자",
    "논설위원",
    "記者",
    "记者",
    "特派員",
    "特派员",
    "編集委員",
    "编辑",
];

/// `name` without an East Asian job title before or after it.
fn strip_cjk_role(name: &str) -> &str {
    for role in CJK_ROLES {
        if let Some(rest) = name.strip_suffix(role) {
            if !rest.trim().is_empty() {
                return rest.trim_end();
            }
        }
        if let Some(rest) = name.strip_prefix(role) {
            if !rest.trim().is_empty() {
                return rest.trim_start();
            }
        }
    }
    name
}

/// Splits an author list: "A, B and C" → [A, B, C]; drops a leading "By" (in any of the
/// languages above) and where a wire reporter filed from ("Steve Holland in Washington").
pub fn split_authors(raw: &str) -> Vec<String> {
    let raw = crate::normalize::collapse_spaces(raw);
    let raw = strip_byline_word(&raw).unwrap_or(&raw);
    let mut parts: Vec<String> = raw
        .split([',', ';', '|', '/', '\n'])
        .map(str::to_string)
        .collect();
    for and in AND {
        parts = parts
            .iter()
            .flat_map(|p| p.split(and).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    let mut out: Vec<String> = Vec::new();
    for part in &parts {
        let name = strip_cjk_role(
            part.trim()
                .trim_matches(|c: char| c == '.' || c == ':' || c == '@' || c.is_whitespace()),
        );
        // Wire credits say where a reporter filed from: "Steve Holland in Washington".
        let name = match name.find(" in ") {
            Some(i) if name[i + 4..].starts_with(char::is_uppercase) => &name[..i],
            _ => name,
        };
        if name.is_empty() || name.len() > 80 || !name.chars().any(char::is_alphabetic) {
            continue;
        }
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// The rest of `line` after a byline word and its separator ("By ", "Von: ", "Par "), or
/// `None` when the line does not open like a byline.
fn strip_byline_word(line: &str) -> Option<&str> {
    let lower = line.to_lowercase();
    for word in BYLINE_WORDS {
        // Lowercasing keeps byte offsets for every word here and the text before it.
        if lower.starts_with(word) && lower.is_char_boundary(word.len()) {
            let rest = &line[word.len()..];
            let after = rest.trim_start_matches([':', ' ', '\u{a0}']);
            let separated = rest.len() > after.len();
            if separated && !after.is_empty() && line.is_char_boundary(word.len()) {
                return Some(after);
            }
        }
    }
    None
}

/// The names a byline line gives: "By Jane Doe and John Roe | March 3, 2024" → [Jane Doe,
/// John Roe]; "Von Anna Müller, 3. März 2024" → [Anna Müller]. Empty when the line does
/// not open with a byline word or what follows does not read as names.
pub fn from_byline(line: &str) -> Vec<String> {
    let line = crate::normalize::collapse_spaces(line);
    let Some(rest) = strip_byline_word(&line) else {
        return Vec::new();
    };
    // A byline's names end where a date, a time or a separator begins.
    split_authors(before_stop(rest))
        .into_iter()
        .filter(|n| looks_like_name(n))
        .collect()
}

/// `text` up to where a byline's names end: a digit (a date, a time), a separator, or a
/// word that opens a date ("on", "am", "Updated"…).
pub fn before_stop(text: &str) -> &str {
    let end = stop_re().find(text).map_or(text.len(), |m| m.start());
    &text[..end]
}

fn stop_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\d| [|–—•·-] |[|•·(\[]| (?i:on|am|le|el|il|op|den|på) | (?i:last updated|updated|aktualisiert|published|veröffentlicht|publié|publicado|pubblicato)(?:[ :]|$)")
            .expect("valid regex")
    })
}

/// A person's name as bylines print it: two to five words, each capitalised (or a name
/// particle), no digits, no job titles; one word only for a mononym with a capital.
pub fn looks_like_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || name.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let lower = name.to_lowercase();
    if lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| NOT_A_NAME.contains(&w))
    {
        return false;
    }
    if words.len() == 1 {
        return capitalised(words[0]) && words[0].chars().count() >= 3 && !is_month(words[0]);
    }
    capitalised(words[0])
        && words
            .iter()
            .all(|w| capitalised(w) || PARTICLES.contains(&w.to_lowercase().as_str()))
}

fn is_month(word: &str) -> bool {
    super::date::find_in_text(&format!("1 {word} 2000")).is_some()
}

/// `names` without the ones that are not people: the publisher's own names (`brands`:
/// site name, JSON-LD publisher), domains, URLs and desk labels. Order kept, duplicates
/// dropped.
pub fn people(names: Vec<String>, brands: &[String]) -> Vec<String> {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    // "The Daily Planet" is also written "Daily Planet".
    // "vnexpress.net" is also written "VnExpress".
    let brand_keys: Vec<String> = brands
        .iter()
        .flat_map(|b| {
            let bare = b.strip_prefix("The ").unwrap_or(b);
            let lower = b.to_lowercase();
            let no_domain = domain_re()
                .find(&lower)
                .map(|m| lower[..m.start() + 1].to_string());
            [Some(key(b)), Some(key(bare)), no_domain.map(|d| key(&d))]
        })
        .flatten()
        .filter(|k| !k.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let k = key(&name);
        let lower = name.to_lowercase();
        let is_brand = brand_keys.contains(&k)
            || is_web_address(&name)
            || lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| NOT_A_NAME.contains(&w));
        if !is_brand && !k.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Whether `text` is a web address ("example.com", "hessenschau.de"), as a publisher
/// names itself.
pub fn is_web_address(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("http") || lower.contains("www.") || domain_re().is_match(&lower)
}

fn domain_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\w\.(?:com|net|org|[a-z]{2})$").expect("valid regex"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_split_on_commas_and_and() {
        assert_eq!(
            split_authors("Trevor Hunnicutt and Steve Holland"),
            vec!["Trevor Hunnicutt", "Steve Holland"]
        );
        assert_eq!(
            split_authors("By A B, C D & E F"),
            vec!["A B", "C D", "E F"]
        );
        assert_eq!(split_authors("  "), Vec::<String>::new());
        assert_eq!(
            split_authors("신현주 기자, 김태연 특파원"),
            vec!["신현주", "김태연"]
        );
        assert_eq!(split_authors("记者 张三"), vec!["张三"]);
        assert_eq!(split_authors("기자"), vec!["기자"]);
        assert_eq!(
            split_authors("Andrew Osborn in Moscow and Steve Holland in Washington"),
            vec!["Andrew Osborn", "Steve Holland"]
        );
    }

    #[test]
    fn bylines_in_many_languages() {
        let cases: &[(&str, &[&str])] = &[
            (
                "By Jane Doe and John Roe | March 3, 2024",
                &["Jane Doe", "John Roe"],
            ),
            ("Written by Jane Doe", &["Jane Doe"]),
            (
                "Von Anna Müller und Peter Schmidt, 3. März 2024",
                &["Anna Müller", "Peter Schmidt"],
            ),
            (
                "Par Jean Dupont et Marie Curie",
                &["Jean Dupont", "Marie Curie"],
            ),
            ("Por Ana de la Cruz", &["Ana de la Cruz"]),
            ("Di Marco Rossi", &["Marco Rossi"]),
            ("Door Jan de Vries", &["Jan de Vries"]),
            ("Av Sven Svensson", &["Sven Svensson"]),
            ("Af Mette Frederiksen", &["Mette Frederiksen"]),
            ("Autor: Jan Kowalski", &["Jan Kowalski"]),
            ("Автор: Иван Петров", &["Иван Петров"]),
            ("Yazar: Ayşe Yılmaz", &["Ayşe Yılmaz"]),
            ("BY JOHN SMITH", &["JOHN SMITH"]),
        ];
        for (line, want) in cases {
            assert_eq!(from_byline(line), *want, "{line}");
        }
    }

    #[test]
    fn names_end_where_a_date_or_a_date_label_begins() {
        assert_eq!(before_stop("Reyan Perumal, Published"), "Reyan Perumal,");
        assert_eq!(
            before_stop("Andrew Gerrand, 4 August 2010"),
            "Andrew Gerrand, "
        );
        assert_eq!(before_stop("Jane Doe on March 3"), "Jane Doe");
        // A name may end in a word that only opens a date when more follows.
        assert_eq!(before_stop("Audiophile On"), "Audiophile On");
    }

    #[test]
    fn lines_that_only_begin_like_a_byline_give_no_names() {
        for line in [
            "By the time the police arrived, the crowd had gone.",
            "Von der Leyen said on Tuesday that talks would go on.",
            "Par ailleurs, le gouvernement a annoncé une réforme.",
            "Door de regen werd de wedstrijd afgelast.",
            "Di questo passo non arriveremo mai.",
            "Byline",
            "By staff reporters",
        ] {
            assert!(
                from_byline(line).is_empty(),
                "{line}: {:?}",
                from_byline(line)
            );
        }
    }

    #[test]
    fn section_and_contact_links_are_not_people() {
        assert!(!looks_like_name("Nachrichten"));
        assert!(!looks_like_name("Kontakt"));
        assert!(looks_like_name("Anna Kontny"));
    }

    #[test]
    fn publishers_and_desks_are_not_people() {
        let brands = vec!["The Daily Planet".to_string()];
        let names = vec![
            "Daily Planet".to_string(),
            "the daily planet".to_string(),
            "ORF.at".to_string(),
            "Redaktion".to_string(),
            "News Desk".to_string(),
            "Senior Reporter".to_string(),
            "Lois Lane".to_string(),
        ];
        assert_eq!(people(names, &brands), vec!["Lois Lane"]);
        let brands = vec!["vnexpress.net".to_string()];
        assert!(people(vec!["VnExpress".to_string()], &brands).is_empty());
    }
}

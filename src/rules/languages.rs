//! The generic rules of other languages than English: one rule file per language in
//! `generic/`, in the same format as `generic.toml`, chosen by the page's language.
//!
//! Boilerplate is written in the page's language ("Lesen Sie auch", "À lire aussi",
//! "Читайте также"), so the English set alone leaves it in. A dump gets the English set
//! and the set of its language (the site's declared language, the page's `lang`, or the
//! one detected from its prose).

use super::{RuleErrors, RuleSet, Site};
use std::path::Path;

/// The built-in generic rules for boilerplate in other languages, one file per language
/// (ISO 639-1 code, as [`crate::language`] gives it), in the same format. A page gets the
/// file of its language on top of the English set.
pub const GENERIC_LANGUAGE_RULES: &[(&str, &str)] = &[
    ("da", include_str!("generic/da.toml")),
    ("de", include_str!("generic/de.toml")),
    ("es", include_str!("generic/es.toml")),
    ("fr", include_str!("generic/fr.toml")),
    ("it", include_str!("generic/it.toml")),
    ("ja", include_str!("generic/ja.toml")),
    ("ko", include_str!("generic/ko.toml")),
    ("nb", include_str!("generic/nb.toml")),
    ("nl", include_str!("generic/nl.toml")),
    ("pl", include_str!("generic/pl.toml")),
    ("pt", include_str!("generic/pt.toml")),
    ("ru", include_str!("generic/ru.toml")),
    ("sv", include_str!("generic/sv.toml")),
    ("tr", include_str!("generic/tr.toml")),
    ("zh", include_str!("generic/zh.toml")),
];

/// The language sets never change while the program runs, so they are compiled once and
/// shared by every rule set (the service builds a new one at each reload).
pub(super) fn compiled() -> &'static [Site] {
    static SETS: std::sync::OnceLock<Vec<Site>> = std::sync::OnceLock::new();
    SETS.get_or_init(|| {
        GENERIC_LANGUAGE_RULES
            .iter()
            .map(|(code, source)| {
                let name = format!("<built-in generic/{code}.toml>");
                super::compile::compile_source(Path::new(&name), source, true).unwrap_or_else(|e| {
                    panic!(
                        "built-in generic rules for {code} are invalid: {}",
                        RuleErrors(e)
                    )
                })
            })
            .collect()
    })
}

impl RuleSet {
    /// The generic rules for `language` (an ISO 639-1 code or a BCP 47 tag such as
    /// `de-AT`; Norwegian `no`/`nn` use the `nb` set), if there are any beside English.
    pub fn generic_for(&self, language: &str) -> Option<&Site> {
        let code = language
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let code = match code.as_str() {
            "no" | "nn" => "nb",
            c => c,
        };
        self.generic_languages
            .iter()
            .find(|s| s.language.as_deref() == Some(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_compiles_and_is_found_by_its_code() {
        let rules = RuleSet::builtin();
        for (code, _) in GENERIC_LANGUAGE_RULES {
            let set = rules
                .generic_for(code)
                .unwrap_or_else(|| panic!("no set for {code}"));
            assert_eq!(set.id, format!("generic-{code}"));
            assert!(!set.text.rules.is_empty(), "{code}");
        }
        assert_eq!(
            rules.generic_for("de-AT").map(|s| s.id.as_str()),
            Some("generic-de")
        );
        assert_eq!(
            rules.generic_for("no").map(|s| s.id.as_str()),
            Some("generic-nb")
        );
        assert!(rules.generic_for("en").is_none());
    }

    /// Per language: lines of boilerplate the set must take, and body lines that only look
    /// like it (same first words, or the same words inside a sentence) that must survive.
    const CASES: &[(&str, &[&str], &[&str])] = &[
        (
            "de",
            &[
                "Lesen Sie auch: Die Bahn streikt wieder",
                "Anzeige",
                "Jetzt zum Newsletter anmelden",
                "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.",
                "Kommentare (12)",
                "Artikel teilen",
                "Foto: dpa/Michael Kappeler",
                "Lesezeit: 3 Min.",
                "Weiter nach der Anzeige",
                "Empfohlener redaktioneller Inhalt",
                "Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden. Damit können personenbezogene Daten an Drittplattformen übermittelt werden.",
                "Um eingebettete Inhalte anzuzeigen, ist deine widerrufliche Einwilligung in die Übermittlung und Verarbeitung von personenbezogenen Daten notwendig.",
                "Bildrechte: picture alliance/dpa | Daniel Vogl",
                "Quelle: dpa",
            ],
            &[
                "Lesen Sie auch die Begründung des Gerichts, sagte der Anwalt.",
                "Die Anzeige wurde am Montag bei der Polizei erstattet.",
                "Kommentare von Politikern ließen nicht lange auf sich warten.",
                "Wir verwenden Cookies nicht, sagte der Sprecher des Ministeriums.",
                "Ich bin damit einverstanden, sagte die Ministerin nach der Sitzung.",
                "Quelle der Unruhe war ein Streit um die Haushaltsmittel des Landes.",
            ],
        ),
        (
            "fr",
            &[
                "À lire aussi : La réforme des retraites adoptée",
                "Publicité",
                "Inscrivez-vous à notre newsletter quotidienne",
                "Partager sur Facebook",
                "Cet article est réservé aux abonnés.",
                "Il vous reste 80 % de cet article à lire.",
                "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.",
                "Photo : AFP",
            ],
            &[
                "À lire aussi les conclusions du rapport, il faudra attendre juin.",
                "La publicité a été interdite dans les écoles en 2019.",
                "Partager les richesses reste la priorité du syndicat, a-t-il dit.",
            ],
        ),
        (
            "es",
            &[
                "Te puede interesar: El Gobierno aprueba el decreto",
                "Publicidad",
                "Suscríbete a nuestra newsletter diaria",
                "Compartir en Twitter",
                "¿Ya eres suscriptor? Inicia sesión",
                "Foto: EFE",
                "5 comentarios",
            ],
            &[
                "Te puede interesar saber que el decreto entra en vigor mañana.",
                "La publicidad institucional creció un 12% el año pasado.",
                "Compartir piso es la única opción para muchos jóvenes.",
            ],
        ),
        (
            "it",
            &[
                "Leggi anche: Il governo approva la manovra",
                "Pubblicità",
                "Iscriviti alla nostra newsletter",
                "Condividi su Facebook",
                "Riservato agli abbonati",
                "Foto: Ansa",
            ],
            &[
                "Leggi anche tu il rapporto, ha detto il ministro ai giornalisti.",
                "La pubblicità è vietata durante la campagna elettorale.",
                "Condividi le tue idee con noi, ha scritto il sindaco su Facebook.",
            ],
        ),
        (
            "pt",
            &[
                "Leia também: Governo aprova reforma",
                "Publicidade",
                "Assine a nossa newsletter",
                "Compartilhe no WhatsApp",
                "Exclusivo para assinantes",
                "Foto: Reuters",
            ],
            &[
                "Leia também o relatório completo, recomendou o ministro.",
                "A publicidade infantil foi proibida no país em 2014.",
                "Compartilhe a responsabilidade com os vizinhos, pediu o prefeito.",
            ],
        ),
        (
            "nl",
            &[
                "Lees ook: Kabinet valt over asielbeleid",
                "Advertentie",
                "Schrijf je in voor onze dagelijkse nieuwsbrief",
                "Deel dit artikel",
                "Alleen voor abonnees",
                "Foto: ANP",
            ],
            &[
                "Lees ook de reacties van de oppositie, schreef de krant.",
                "De advertentie werd na klachten uit de krant gehaald.",
                "Deel van het probleem is het tekort aan woningen in de Randstad.",
            ],
        ),
        (
            "pl",
            &[
                "Czytaj też: Rząd przyjął projekt ustawy",
                "Reklama",
                "Zapisz się do naszego newslettera",
                "Udostępnij na Facebooku",
                "Fot. PAP/Jan Kowalski",
                "Czas czytania: 4 min",
            ],
            &[
                "Czytaj też uważnie umowy, radzi rzecznik praw konsumenta.",
                "Reklama alkoholu w telewizji jest w Polsce zakazana od lat.",
                "Udostępnij dane policji, zaapelował prokurator do świadków.",
            ],
        ),
        (
            "sv",
            &[
                "Läs också: Regeringen presenterar budgeten",
                "Annons",
                "Prenumerera på vårt nyhetsbrev",
                "Dela på Facebook",
                "Är du redan prenumerant? Logga in",
                "Foto: TT",
            ],
            &[
                "Läs också avtalet noga innan du skriver på, säger experten.",
                "Annonsen publicerades i flera tidningar under helgen.",
                "Dela upp ansvaret mellan kommunerna, föreslår utredningen.",
            ],
        ),
        (
            "da",
            &[
                "Læs også: Regeringen fremlægger finansloven",
                "Annonce",
                "Tilmeld dig vores nyhedsbrev",
                "Del på Facebook",
                "Er du allerede abonnent? Log ind",
                "Foto: Ritzau Scanpix",
            ],
            &[
                "Læs også betingelserne grundigt, siger eksperten.",
                "Annoncen blev trukket tilbage efter kritik fra forbrugerne.",
                "Del af forklaringen er de høje renter, mener økonomen.",
            ],
        ),
        (
            "nb",
            &[
                "Les også: Regjeringen legger fram budsjettet",
                "Annonse",
                "Meld deg på vårt nyhetsbrev",
                "Del på Facebook",
                "Er du allerede abonnent? Logg inn",
                "Foto: NTB",
            ],
            &[
                "Les også vilkårene nøye før du signerer, sier eksperten.",
                "Annonsen ble trukket etter kritikk fra forbrukerne.",
                "Del av forklaringen er de høye rentene, mener økonomen.",
            ],
        ),
        (
            "ru",
            &[
                "Читайте также: Правительство утвердило бюджет",
                "Реклама",
                "Подпишитесь на наш Telegram-канал",
                "Поделиться в Telegram",
                "Оформите подписку, чтобы читать дальше",
                "Фото: ТАСС",
                "12 комментариев",
            ],
            &[
                "Читайте также внимательно договор, советуют юристы.",
                "Реклама в соцсетях приносит компании половину выручки.",
                "Поделиться опытом с коллегами пришли врачи из трёх регионов.",
            ],
        ),
        (
            "tr",
            &[
                "İlgili Haberler",
                "Reklam",
                "E-bültenimize abone olun",
                "Paylaş",
                "Fotoğraf: AA",
                "Okuma süresi: 3 dk",
            ],
            &[
                "Reklam sektörü geçen yıl yüzde 20 büyüdü, dedi başkan.",
                "Paylaş butonuna basan kullanıcı sayısı arttı, dedi uzman.",
                "İlgili haberler yüzünden bakanlık açıklama yapmak zorunda kaldı.",
            ],
        ),
        (
            "zh",
            &[
                "相关新闻",
                "分享到：微信 微博",
                "责任编辑：王小明",
                "广告",
                "发表评论",
                "扫码关注我们的公众号",
            ],
            &[
                "相关新闻报道引起了广泛关注，专家表示需要进一步调查。",
                "广告行业去年增长了百分之十二。",
                "他在发表评论时说，政府将继续支持中小企业。",
            ],
        ),
        (
            "ja",
            &[
                "関連記事",
                "シェア",
                "広告",
                "この記事は有料会員限定です",
                "写真：共同通信",
            ],
            &[
                "関連記事によると、政府は来年度の予算案を発表した。",
                "広告業界は昨年、前年比で成長した。",
            ],
        ),
        (
            "ko",
            &[
                "관련기사",
                "공유하기",
                "댓글 3",
                "<저작권자 ⓒ 연합뉴스, 무단 전재-재배포 금지>",
                "사진=연합뉴스",
            ],
            &[
                "관련 기사에 따르면 정부는 내년 예산안을 발표했다고 밝혔다.",
                "댓글을 단 네티즌들은 대부분 정책에 찬성했다고 전했다.",
            ],
        ),
    ];

    #[test]
    fn the_english_set_takes_player_fallbacks() {
        let rules = RuleSet::builtin();
        let claimed = |line: &str| {
            let mut sheet = crate::clean::sheet::Sheet::new(line);
            crate::clean::rules::apply(&rules.generic.text, &mut sheet);
            sheet.is_claimed(0)
        };
        for line in [
            "To view this video please enable JavaScript, and consider upgrading to a web browser that supports HTML5 video",
            "We apologize, but this video has failed to load.",
            "Try refreshing your browser, or",
        ] {
            assert!(claimed(line), "boilerplate kept: {line}");
        }
        for line in [
            "To view this video of the rescue, the court ruled, the family needed a warrant.",
            "Try refreshing your memory with the notes, the teacher said before the exam.",
        ] {
            assert!(!claimed(line), "body line removed: {line}");
        }
    }

    fn claimed(rules: &RuleSet, code: &str, line: &str) -> bool {
        let mut sheet = crate::clean::sheet::Sheet::new(line);
        crate::clean::rules::apply(&rules.generic.text, &mut sheet);
        crate::clean::rules::apply(&rules.generic_for(code).expect("set").text, &mut sheet);
        sheet.is_claimed(0)
    }

    #[test]
    fn each_language_takes_its_boilerplate_and_leaves_look_alike_body_lines() {
        let rules = RuleSet::builtin();
        let mut covered: Vec<&str> = Vec::new();
        for (code, boilerplate, body) in CASES {
            for line in *boilerplate {
                assert!(
                    claimed(&rules, code, line),
                    "{code}: boilerplate kept: {line}"
                );
            }
            for line in *body {
                assert!(
                    !claimed(&rules, code, line),
                    "{code}: body line removed: {line}"
                );
            }
            covered.push(code);
        }
        for (code, _) in GENERIC_LANGUAGE_RULES {
            assert!(covered.contains(code), "no look-alike cases for {code}");
        }
    }
}

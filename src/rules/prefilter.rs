//! Which removal selectors can match an element, from one look at its name and attributes.
//!
//! The generic removal rules are long lists of attribute tests (`[class*=share i]`,
//! `[id~=toc i]`…), and every element of every page is tried against every rule. Matching
//! each selector in turn made that the biggest cost of cleaning a page: each test scans
//! the element's class or id again, case-insensitively. Yet almost every element matches
//! none of them.
//!
//! So each selector is reduced to one *key*, a test the element must pass for the selector
//! to match it: a word its (lowercased) class, id or other attribute must contain, else a
//! tag name, else an attribute it must have. All the words for one attribute go into one
//! Aho-Corasick automaton, so one pass over the element's lowercased class (or id) finds
//! every rule that may apply. Only those rules are then matched with the real selector,
//! so what matches is exactly what matched before: the key is only ever a necessary
//! condition, never the test itself. A selector whose subject no key can describe
//! (`*`, `:not(…)` alone) is always tried.
//!
//! The keys come from the selector as the matching engine parses it (the `selectors`
//! crate under `scraper`), not from the rule text, so escapes and quoting read the same.

use aho_corasick::AhoCorasick;
use scraper::node::Element;
use selectors::attr::ParsedAttrSelectorOperation;
use selectors::parser::{Component, ParseRelative, SelectorList};

/// The selectors of a list of rules, indexed by the one test each needs an element to pass.
#[derive(Debug, Default)]
pub struct Prefilter {
    /// How many selectors (rules) were indexed.
    len: usize,
    /// Selectors with no key: tried on every element.
    always: Vec<usize>,
    /// Lowercase tag name → the selectors whose subject is that tag.
    tags: Vec<(String, Vec<usize>)>,
    /// Per lowercase attribute name, the selectors that need it.
    attrs: Vec<AttrKeys>,
}

/// The keys on one attribute.
#[derive(Debug)]
struct AttrKeys {
    /// Lowercase attribute name.
    name: String,
    /// Selectors that only need the attribute present.
    present: Vec<usize>,
    /// The lowercase words the value must contain, one automaton for all.
    words: Option<AhoCorasick>,
    /// For each word of `words`: the selectors it is the key of.
    word_rules: Vec<Vec<usize>>,
}

/// One selector's key: what an element must have for the selector to match it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// Attribute `name`'s value, ASCII-lowercased, contains `word` (both lowercase).
    Contains { name: String, word: String },
    /// The element's tag, ASCII-lowercased, is this.
    Tag(String),
    /// The element has attribute `name` (lowercase).
    Present(String),
}

/// The rules an element may match, reused from one element to the next.
#[derive(Debug, Default)]
pub struct Candidates {
    words: Vec<u64>,
    lower: String,
}

impl Candidates {
    /// Whether rule `i` may match the element last looked at.
    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    fn reset(&mut self, len: usize) {
        self.words.clear();
        self.words.resize(len.div_ceil(64), 0);
    }

    fn add(&mut self, rules: &[usize]) {
        for &i in rules {
            self.words[i / 64] |= 1u64 << (i % 64);
        }
    }
}

impl Prefilter {
    /// Indexes selectors given as CSS text (each a selector list, as a rule file writes
    /// it); the i-th is rule `i`. A selector that does not parse is always tried.
    pub fn new<'a>(selectors: impl IntoIterator<Item = &'a str>) -> Prefilter {
        let mut index = Prefilter::default();
        // (attribute, word) → rules, gathered before each attribute's automaton is built.
        let mut words: Vec<(String, WordRules)> = Vec::new();
        for (i, source) in selectors.into_iter().enumerate() {
            index.len = i + 1;
            let Some(keys) = keys(source) else {
                index.always.push(i);
                continue;
            };
            for key in keys {
                match key {
                    Key::Tag(tag) => push(entry(&mut index.tags, &tag), i),
                    Key::Present(name) => push(&mut index.attr_mut(&name).present, i),
                    Key::Contains { name, word } => {
                        index.attr_mut(&name);
                        push(entry(entry(&mut words, &name), &word), i);
                    }
                }
            }
        }
        for (name, words) in words {
            let keys = index.attr_mut(&name);
            keys.words = Some(
                AhoCorasick::new(words.iter().map(|(w, _)| w))
                    .expect("an automaton of a few short words always builds"),
            );
            keys.word_rules = words.into_iter().map(|(_, rules)| rules).collect();
        }
        index
    }

    /// How many rules are indexed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no rule is indexed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn attr_mut(&mut self, name: &str) -> &mut AttrKeys {
        let at = match self.attrs.iter().position(|a| a.name == name) {
            Some(at) => at,
            None => {
                self.attrs.push(AttrKeys {
                    name: name.to_string(),
                    present: Vec::new(),
                    words: None,
                    word_rules: Vec::new(),
                });
                self.attrs.len() - 1
            }
        };
        &mut self.attrs[at]
    }

    /// Marks in `out` every rule that may match `el` (and no other).
    pub fn candidates(&self, el: &Element, out: &mut Candidates) {
        out.reset(self.len);
        out.add(&self.always);
        if !self.tags.is_empty() {
            let name = el.name();
            if let Some((_, rules)) = self.tags.iter().find(|(t, _)| t.eq_ignore_ascii_case(name)) {
                out.add(rules);
            }
        }
        if self.attrs.is_empty() {
            return;
        }
        for (name, value) in el.attrs() {
            let Some(keys) = self
                .attrs
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(name))
            else {
                continue;
            };
            out.add(&keys.present);
            let Some(words) = &keys.words else { continue };
            let mut lower = std::mem::take(&mut out.lower);
            lower.clear();
            lower.push_str(value);
            lower.make_ascii_lowercase();
            for m in words.find_overlapping_iter(lower.as_str()) {
                out.add(&keys.word_rules[m.pattern().as_usize()]);
            }
            out.lower = lower;
        }
    }
}

/// Words and the rules each is the key of, in the order first met.
type WordRules = Vec<(String, Vec<usize>)>;

/// The value kept under `key` in a small association list, added empty if missing.
fn entry<'v, V: Default>(list: &'v mut Vec<(String, V)>, key: &str) -> &'v mut V {
    let at = match list.iter().position(|(k, _)| k == key) {
        Some(at) => at,
        None => {
            list.push((key.to_string(), V::default()));
            list.len() - 1
        }
    };
    &mut list[at].1
}

/// Adds `rule` to a list of rules once (a selector list may give one rule the same key
/// twice).
fn push(rules: &mut Vec<usize>, rule: usize) {
    if rules.last() != Some(&rule) {
        rules.push(rule);
    }
}

/// The keys of a selector list, one per selector of the list (an element matching the list
/// passes at least one); `None` when some selector has no key or the list does not parse.
fn keys(source: &str) -> Option<Vec<Key>> {
    let parsed = crate::panics::catch(|| {
        let mut input = cssparser::ParserInput::new(source);
        let mut parser = cssparser::Parser::new(&mut input);
        SelectorList::parse(&scraper::selector::Parser, &mut parser, ParseRelative::No)
            .ok()
            .map(|list| {
                list.0
                    .iter()
                    .map(|selector| subject_key(selector.iter()))
                    .collect::<Option<Vec<Key>>>()
            })
    })
    .ok()??;
    parsed
}

/// The best key among the simple selectors of a compound (the subject of a selector: every
/// one of them must match the element): a word to contain (the longest), else a tag, else
/// an attribute to have.
fn subject_key<'a>(
    compound: impl Iterator<Item = &'a Component<scraper::selector::Simple>>,
) -> Option<Key> {
    let mut best: Option<Key> = None;
    let rank = |k: &Key| match k {
        Key::Contains { word, .. } => 2 + word.len(),
        Key::Tag(_) => 1,
        Key::Present(_) => 0,
    };
    for component in compound {
        let Some(key) = component_key(component) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| rank(&key) > rank(b)) {
            best = Some(key);
        }
    }
    best
}

/// What one simple selector needs of an element, if it is one this index understands.
/// Each is implied by the selector's own test, whatever its case sensitivity: names and
/// values are compared ASCII-lowercased on both sides.
fn component_key(c: &Component<scraper::selector::Simple>) -> Option<Key> {
    let lower = |s: &str| s.to_ascii_lowercase();
    let contains = |name: &str, word: &str| {
        if word.is_empty() {
            Key::Present(lower(name))
        } else {
            Key::Contains {
                name: lower(name),
                word: lower(word),
            }
        }
    };
    match c {
        Component::LocalName(n) => Some(Key::Tag(lower(&n.lower_name.0))),
        Component::ID(id) => Some(contains("id", &id.0)),
        Component::Class(class) => Some(contains("class", &class.0)),
        Component::AttributeInNoNamespaceExists {
            local_name_lower, ..
        } => Some(Key::Present(lower(&local_name_lower.0))),
        Component::AttributeInNoNamespace {
            local_name, value, ..
        } => Some(contains(&local_name.0, &value.0)),
        Component::AttributeOther(a) => match &a.operation {
            ParsedAttrSelectorOperation::Exists => Some(Key::Present(lower(&a.local_name_lower.0))),
            ParsedAttrSelectorOperation::WithValue { value, .. } => {
                Some(contains(&a.local_name_lower.0, &value.0))
            }
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{ElementRef, Html, Selector};

    /// Rules as a rule file writes them, in every form the index reads, and some it does not.
    const RULES: &[&str] = &[
        "[class*=share i], [id*=share i]",
        "[class~=menu i], nav",
        "body > header, [role=banner]",
        ".sr-only, #skip",
        "[hidden], [aria-hidden=true]",
        "[data-Promo^=Letter i]",
        "div.card.teaser",
        "*",
        ":not(.keep)",
        ":is(.x, .y)",
        ".a\\:b",
        "time, [itemprop=author]",
        "[class$=\"-ad\"], [class=\"\"]",
    ];

    const PAGE: &str = "<html><body><header>Top</header><nav class='x'>N</nav>\
        <div class='Social-SHARE-bar'>s</div><div id='shareBox'>s</div><div class='story'>t</div>\
        <ul class='main MENU'><li>m</li></ul><div role='banner'>b</div><span class='sr-only'>r</span>\
        <a id='skip'>k</a><p hidden>h</p><p aria-hidden='TRUE'>h</p><div data-promo='letterbox'>p</div>\
        <div class='card teaser'>c</div><div class='teaser'>c</div><p class='keep'>k</p>\
        <svg><a xlink:href='#x'>l</a></svg><i class='a:b'>i</i><time>t</time>\
        <span itemprop='author'>a</span><div class='top-ad'>a</div><div class=''>e</div>\
        <DIV CLASS='SHARE'>u</DIV><p>plain</p></body></html>";

    fn elements(doc: &Html) -> Vec<ElementRef<'_>> {
        doc.root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .collect()
    }

    /// The rules `prefilter` lets through for the first `<tag>` of `doc`.
    fn candidates_of(prefilter: &Prefilter, doc: &Html, tag: &str) -> Candidates {
        let el = elements(doc)
            .into_iter()
            .find(|e| e.value().name() == tag)
            .unwrap();
        let mut c = Candidates::default();
        prefilter.candidates(el.value(), &mut c);
        c
    }

    #[test]
    fn every_rule_that_matches_is_a_candidate() {
        let prefilter = Prefilter::new(RULES.iter().copied());
        assert_eq!(prefilter.len(), RULES.len());
        let selectors: Vec<Selector> = RULES.iter().map(|s| Selector::parse(s).unwrap()).collect();
        let doc = Html::parse_document(PAGE);
        let mut c = Candidates::default();
        let mut matched = 0;
        for el in elements(&doc) {
            prefilter.candidates(el.value(), &mut c);
            for (i, s) in selectors.iter().enumerate() {
                if s.matches(&el) {
                    matched += 1;
                    assert!(
                        c.contains(i),
                        "{:?} matches {:?} but was ruled out",
                        RULES[i],
                        el.value()
                    );
                }
            }
        }
        assert!(matched > 40, "the page exercises the rules: {matched}");
    }

    #[test]
    fn rules_whose_word_is_absent_are_ruled_out() {
        let prefilter = Prefilter::new(RULES.iter().copied());
        let doc = Html::parse_document(PAGE);
        let mut c = Candidates::default();
        let of = |class: &str| {
            elements(&doc)
                .into_iter()
                .find(|e| e.value().attr("class") == Some(class))
                .unwrap()
        };
        // The word is found whatever its case in the page.
        prefilter.candidates(of("Social-SHARE-bar").value(), &mut c);
        assert!(c.contains(0));
        assert!(!c.contains(1) && !c.contains(3) && !c.contains(6));
        // A class with none of the words leaves only the rules with no key and the one
        // that needs just a class attribute (`[class=""]`).
        prefilter.candidates(of("story").value(), &mut c);
        let left: Vec<usize> = (0..RULES.len()).filter(|&i| c.contains(i)).collect();
        assert_eq!(
            left,
            vec![7, 8, 9, 12],
            "only `*`, `:not()`, `:is()`, `[class]` stay"
        );
        // A tag key: `nav` and `header` are found by name.
        let c = candidates_of(&prefilter, &doc, "nav");
        assert!(c.contains(1) && !c.contains(2));
    }

    #[test]
    fn more_than_64_rules_are_told_apart() {
        let rules: Vec<String> = (0..130).map(|i| format!(".rule{i}x")).collect();
        let prefilter = Prefilter::new(rules.iter().map(String::as_str));
        let doc = Html::parse_document("<p class='rule129x rule64x'>x</p>");
        let c = candidates_of(&prefilter, &doc, "p");
        let hits: Vec<usize> = (0..130).filter(|&i| c.contains(i)).collect();
        assert_eq!(hits, vec![64, 129]);
    }

    #[test]
    fn a_selector_that_does_not_parse_is_always_tried() {
        let prefilter = Prefilter::new(["[", ".ok"]);
        let doc = Html::parse_document("<p>x</p>");
        let c = candidates_of(&prefilter, &doc, "p");
        assert!(c.contains(0) && !c.contains(1));
    }
}

//! The Markdown body through the whole pipeline: page in, article's `markdown` out.

use crate::{Article, Engine, Options, RuleSet};
use std::path::Path;

const LONG: &str = "The council said the plan would be published in full next week, after a last review by the city's lawyers.";

fn clean(page: &str, url: Option<&str>) -> Article {
    let dump = crate::input::from_bytes(Path::new("page.html"), page.as_bytes()).unwrap();
    let options = Options {
        url: url.map(str::to_string),
    };
    Engine::new(RuleSet::builtin()).clean(dump, &options)
}

fn article(body: &str) -> Article {
    clean(
        &format!("<html><body><article>{body}</article></body></html>"),
        Some("https://news.example/2024/story"),
    )
}

#[test]
fn headings_lists_quotes_and_code_keep_their_markup() {
    let a = article(&format!(
        "<p>{LONG}</p><h2>What changes</h2><ul><li>First point of the plan.</li>\
         <li>Second point:<ul><li>a nested detail</li></ul></li></ul>\
         <ol start='3'><li>Third step.</li><li>Fourth step.</li></ol>\
         <blockquote><p>A quoted sentence.</p><p>And a second one.</p></blockquote>\
         <p>Run <code>make all</code> first.</p><pre>fn main() {{\n    run();\n}}</pre>"
    ));
    let expected = format!(
        "{LONG}\n\n## What changes\n\n- First point of the plan.\n- Second point:\n  - a nested detail\n\
         3. Third step.\n4. Fourth step.\n\n> A quoted sentence.\n>\n> And a second one.\n\n\
         Run `make all` first.\n\n```\nfn main() {{\n    run();\n}}\n```"
    );
    assert_eq!(a.markdown, expected);
    // `text` is the plain paragraphs, as before.
    assert!(a.text.contains("\n\nWhat changes\n\nFirst point of the plan.\n\nSecond point:\n\na nested detail\n\nThird step."), "{}", a.text);
    assert!(
        a.text
            .ends_with("Run make all first.\n\nfn main() { run(); }"),
        "{}",
        a.text
    );
}

#[test]
fn data_tables_become_markdown_tables_and_layout_tables_do_not() {
    let a = article(&format!(
        "<p>{LONG}</p><table><thead><tr><th>Item</th><th>Cost</th></tr></thead>\
         <tr><td>Road | bridge</td><td>18.5</td></tr><tr><td></td><td>3.1</td></tr></table>\
         <table><tr><td><p>{LONG} In a layout cell.</p><ul><li>a list in a layout cell</li></ul></td><td>side</td></tr></table>"
    ));
    assert!(
        a.markdown
            .contains("| Item | Cost |\n| --- | --- |\n| Road \\| bridge | 18.5 |\n|  | 3.1 |\n\n"),
        "{}",
        a.markdown
    );
    assert!(
        a.markdown.contains(&format!(
            "\n\n{LONG} In a layout cell.\n\n- a list in a layout cell\n\nside"
        )),
        "{}",
        a.markdown
    );
}

#[test]
fn links_are_absolute_and_only_where_they_lead_somewhere() {
    let a = article(&format!(
        "<p>{LONG} See <a href='/data/x?a=1'>the data</a>, <a href='#fn1'>a note</a>, \
         <a href='javascript:void(0)'>a button</a> and <a href=' https://other.example/p(1) '>this</a>.</p>"
    ));
    assert!(
        a.markdown.ends_with(
            "See [the data](https://news.example/data/x?a=1), a note, a button and [this](https://other.example/p%281%29)."
        ),
        "{}",
        a.markdown
    );
    let a = clean(
        &format!("<html><head><base href='https://cdn.example/base/'></head><body><article><p>{LONG} <a href='x.html'>More</a></p></article></body></html>"),
        Some("https://news.example/story"),
    );
    assert!(
        a.markdown
            .ends_with("[More](https://cdn.example/base/x.html)"),
        "{}",
        a.markdown
    );
    // No URL at all: the link stays as written.
    let a = clean(
        &format!(
            "<html><body><article><p>{LONG} <a href='x.html'>More</a></p></article></body></html>"
        ),
        None,
    );
    assert!(a.markdown.ends_with("[More](x.html)"), "{}", a.markdown);
}

#[test]
fn text_that_looks_like_markup_is_escaped() {
    let a = article(&format!(
        "<p>{LONG}</p><p>1. Not a list, just a *numbered* paragraph with_underscores.</p><p># not a heading</p><p>- not a bullet</p><p>a &lt;div&gt; tag</p>"
    ));
    assert!(
        a.markdown.ends_with(
            "1\\. Not a list, just a \\*numbered\\* paragraph with\\_underscores.\n\n\\# not a heading\n\n\\- not a bullet\n\na \\<div> tag"
        ),
        "{}",
        a.markdown
    );
}

#[test]
fn blocks_the_rules_remove_are_gone_from_the_markdown_too() {
    let a = article(&format!(
        "<h1>The headline</h1><p>{LONG}</p><div class='share-bar'>Share on Facebook</div>\
         <ul><li><a href='/a'>Another story</a></li><li><a href='/b'>And another one</a></li></ul>\
         <p>{LONG} Again.</p>"
    ));
    assert_eq!(a.title.as_deref(), Some("The headline"));
    assert_eq!(a.markdown, format!("{LONG}\n\n{LONG} Again."));
    assert_eq!(a.text, a.markdown);
}

#[test]
fn a_nested_item_whose_parent_was_removed_is_not_turned_into_code() {
    // The parent item is a link list (navigation); its nested item is kept.
    let a = article(&format!(
        "<p>{LONG}</p><ul><li><a href='/x'>Menu entry</a><ol><li><ol><li>Kept deep item with plain words.</li></ol></li></ol></li></ul>"
    ));
    assert!(
        a.markdown
            .ends_with(&format!("{LONG}\n\n1. Kept deep item with plain words.")),
        "{}",
        a.markdown
    );
}

#[test]
fn a_link_across_blocks_is_closed_in_each() {
    let a = article(&format!(
        "<p>{LONG} <a href='/x'>first line<br>second line</a> and then a much longer tail of plain words.</p>"
    ));
    assert!(
        a.markdown.ends_with(
            "[first line](https://news.example/x)\n\n[second line](https://news.example/x) and then a much longer tail of plain words."
        ),
        "{}",
        a.markdown
    );
}

#[test]
fn a_text_dump_has_its_paragraphs_as_markdown() {
    let dump = crate::input::from_bytes(
        Path::new("a.txt"),
        format!("Headline here\n\n{LONG}\n\n- a line with a dash\n").as_bytes(),
    )
    .unwrap();
    let a = Engine::new(RuleSet::builtin()).clean(dump, &Options::default());
    assert_eq!(a.markdown, a.text);
}

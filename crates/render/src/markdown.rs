//! Article bodies: Markdown to HTML, then through a sanitiser, so that whatever an
//! author (or an imported file) writes, no script reaches a reader's browser and no
//! page loads anything from another host.

use std::collections::HashSet;
use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Options, Parser, TagEnd, html};

/// Renders Markdown to safe HTML.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    sanitizer().clean(&raw).to_string()
}

/// Readable plain text of Markdown with its paragraphs kept apart and link targets
/// written out, for the text part of mails.
pub fn to_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut links: Vec<String> = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => text.push_str(&t),
            pulldown_cmark::Event::SoftBreak => text.push(' '),
            pulldown_cmark::Event::HardBreak => text.push('\n'),
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                links.push(dest_url.to_string());
            }
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Item) => text.push_str("- "),
            pulldown_cmark::Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop() {
                    text.push_str(&format!(" <{url}>"));
                }
            }
            pulldown_cmark::Event::End(TagEnd::Item) => text.push('\n'),
            pulldown_cmark::Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::List(_),
            ) => text.push_str("\n\n"),
            _ => {}
        }
    }
    text.trim_end().to_owned()
}

/// Plain text of a Markdown snippet, for feeds' summaries and meta descriptions.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => text.push_str(&t),
            pulldown_cmark::Event::SoftBreak | pulldown_cmark::Event::HardBreak => text.push(' '),
            pulldown_cmark::Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sanitizer() -> &'static Builder<'static> {
    static SANITIZER: OnceLock<Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = Builder::default();
        builder
            .add_tags(["figure", "figcaption", "section"])
            .add_tag_attributes("td", ["align"])
            .add_tag_attributes("th", ["align"])
            .add_tag_attributes("a", ["id"])
            .add_tag_attributes("sup", ["id"])
            .add_tag_attributes("div", ["id"])
            .add_tag_attributes("li", ["id"])
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .url_relative(UrlRelative::PassThrough)
            .link_rel(Some("noopener noreferrer"))
            .id_prefix(None)
            // Images may only come from this site: a remote image would tell another
            // host who reads what. Its `src` is dropped and the alt text remains.
            .attribute_filter(|element, attribute, value| {
                if element == "img" && attribute == "src" && !is_same_site(value) {
                    None
                } else {
                    Some(value.into())
                }
            });
        builder
    })
}

/// A URL that stays on this site, read as a browser reads it (backslashes, tabs and
/// newlines included): a path, never a scheme or another host. (`http:x` is a path
/// on an http page but another host from a mirror's `file:` page, so any scheme is out.)
pub fn is_same_site(url: &str) -> bool {
    let Ok(base) = url::Url::parse("http://kolokol.invalid/page/") else {
        return false;
    };
    !crate::links::has_scheme(url)
        && base
            .join(url)
            .is_ok_and(|resolved| resolved.origin() == base.origin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_paragraphs_and_link_targets() {
        let text = to_text(
            "First *para*\ngraph.\n\nSee [the report](https://bell.example/r).\n\n- one\n- two",
        );
        assert_eq!(
            text,
            "First para graph.\n\nSee the report <https://bell.example/r>.\n\n- one\n- two"
        );
    }

    #[test]
    fn renders_news_markdown() {
        let html =
            to_html("A *quote*:\n\n> Freedom.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two");
        assert!(html.contains("<blockquote>"), "{html}");
        assert!(
            html.contains("<table>") && html.contains("<td>1</td>"),
            "{html}"
        );
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(html.contains("<em>quote</em>"), "{html}");
    }

    #[test]
    fn links_are_kept_but_cannot_follow_the_reader() {
        let html = to_html("[Docs](https://example.org/x)");
        assert!(html.contains(r#"href="https://example.org/x""#), "{html}");
        assert!(html.contains(r#"rel="noopener noreferrer""#), "{html}");
    }

    #[test]
    fn remote_images_lose_their_source() {
        let html = to_html("![a tracker](https://tracker.example/p.gif) ![ours](/media/x.jpg)");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(html.contains(r#"src="/media/x.jpg""#), "{html}");
        assert!(html.contains(r#"alt="a tracker""#), "{html}");
    }

    #[test]
    fn plain_text_strips_markup() {
        assert_eq!(
            to_plain_text("A **bold** [link](/x).\n\n> Quote"),
            "A bold link. Quote"
        );
    }
}

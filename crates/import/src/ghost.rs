//! Ghost's export (Ghost 4 to 6), with or without its `db` wrapper; bodies from
//! `html`, or made from `lexical` or `mobiledoc` when the export has no HTML.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::{Entry, Head, Item, Kind, Origin, Person, Picture, ReadError, Status, Term};

/// Reads the whole export: its head and every post and page.
pub fn read(path: &Path) -> Result<(Head, Vec<Entry>), ReadError> {
    crate::check_size(path)?;
    let bytes = std::fs::read(path)?;
    let json: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ReadError::NotGhost(format!("it is not valid JSON ({e})")))?;
    parse(&json)
}

fn parse(json: &Value) -> Result<(Head, Vec<Entry>), ReadError> {
    let export = json.get("db").and_then(|db| db.get(0)).unwrap_or(json);
    let data = export
        .get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| ReadError::NotGhost("it has no \"data\" object".into()))?;
    let posts = data
        .get("posts")
        .and_then(Value::as_array)
        .ok_or_else(|| ReadError::NotGhost("its data has no \"posts\" list".into()))?;
    let list = |name: &str| {
        data.get(name)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let text = |value: &Value, key: &str| -> String {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let id = |value: &Value, key: &str| -> String {
        match value.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let people: Vec<Person> = list("users")
        .iter()
        .map(|user| Person {
            key: id(user, "id"),
            slug: text(user, "slug"),
            name: text(user, "name"),
            bio: text(user, "bio"),
            addresses: vec![format!("/author/{}", text(user, "slug"))],
        })
        .collect();
    let mut tags = Vec::new();
    let mut tag_slugs: HashMap<String, String> = HashMap::new();
    let mut internal: Vec<String> = Vec::new();
    // `#lang-ru`: the language Kolokol's export marks a text with.
    let mut language_tags: HashMap<String, String> = HashMap::new();
    for tag in list("tags") {
        let slug = text(tag, "slug");
        tag_slugs.insert(id(tag, "id"), slug.clone());
        if text(tag, "visibility") == "internal" || text(tag, "name").starts_with('#') {
            if let Some(language) = text(tag, "name").strip_prefix("#lang-") {
                language_tags.insert(id(tag, "id"), language.to_owned());
            }
            internal.push(id(tag, "id"));
            continue;
        }
        tags.push(Term {
            addresses: vec![format!("/tag/{}", crate::percent_decode(&slug))],
            slug,
            name: text(tag, "name"),
            description: text(tag, "description"),
        });
    }
    // Joins, in their order: the first tag is Ghost's primary tag, the first author its main.
    let joined = |table: &str, key: &str| {
        let mut rows: Vec<(&Value, f64)> = list(table)
            .iter()
            .map(|row| {
                (
                    row,
                    row.get("sort_order").and_then(Value::as_f64).unwrap_or(0.0),
                )
            })
            .collect();
        rows.sort_by(|a, b| a.1.total_cmp(&b.1));
        let mut by_post: HashMap<String, Vec<String>> = HashMap::new();
        for (row, _) in rows {
            by_post
                .entry(id(row, "post_id"))
                .or_default()
                .push(id(row, key));
        }
        by_post
    };
    let post_tags = joined("posts_tags", "tag_id");
    let post_authors = joined("posts_authors", "author_id");
    let meta: HashMap<String, &Value> = list("posts_meta")
        .iter()
        .map(|row| (id(row, "post_id"), row))
        .collect();
    let head = Head {
        origin: Origin::Ghost,
        site_url: String::new(),
        people,
        categories: Vec::new(),
        tags,
    };
    let mut entries = Vec::new();
    for post in posts {
        let post_id = id(post, "id");
        let title = text(post, "title");
        let page = text(post, "type") == "page" || post.get("page") == Some(&Value::Bool(true));
        let label = if page { "page" } else { "post" };
        let what = format!("{label} {post_id} \"{title}\"");
        let mut notes = Vec::new();
        let status = match text(post, "status").as_str() {
            "published" => Status::Published,
            "scheduled" => Status::Scheduled,
            "draft" => Status::Draft,
            "sent" => {
                notes.push("sent by email only on Ghost: imported as a draft".to_owned());
                Status::Draft
            }
            other => {
                entries.push(Entry::Skipped {
                    what,
                    why: format!("its status \"{other}\" is not one Kolokol imports"),
                });
                continue;
            }
        };
        let markdown = serde_json::from_str::<Value>(&text(post, "lexical"))
            .ok()
            .and_then(|doc| only_markdown(&doc));
        let html = match text(post, "html") {
            html if !html.is_empty() => html,
            _ => match (text(post, "lexical"), text(post, "mobiledoc")) {
                (lexical, _) if !lexical.is_empty() => match serde_json::from_str(&lexical) {
                    Ok(doc) => lexical_html(&doc),
                    Err(e) => {
                        entries.push(Entry::Skipped {
                            what,
                            why: format!("its lexical body is not valid JSON ({e})"),
                        });
                        continue;
                    }
                },
                (_, mobiledoc) if !mobiledoc.is_empty() => match serde_json::from_str(&mobiledoc) {
                    Ok(doc) => mobiledoc_html(&doc),
                    Err(e) => {
                        entries.push(Entry::Skipped {
                            what,
                            why: format!("its mobiledoc body is not valid JSON ({e})"),
                        });
                        continue;
                    }
                },
                _ => String::new(),
            },
        };
        let extra = meta.get(&post_id).copied().unwrap_or(&Value::Null);
        let either = |key: &str| {
            let own = text(post, key);
            if own.is_empty() {
                text(extra, key)
            } else {
                own
            }
        };
        let featured = match text(post, "feature_image") {
            url if url.is_empty() => None,
            url => Some(Picture {
                url,
                alt: either("feature_image_alt"),
                caption: either("feature_image_caption"),
            }),
        };
        let mut authors = post_authors.get(&post_id).cloned().unwrap_or_default();
        if authors.is_empty() {
            let old = id(post, "author_id");
            if !old.is_empty() {
                authors.push(old);
            }
        }
        let slug = text(post, "slug");
        let mut addresses = vec![format!("/{}", crate::percent_decode(&slug))];
        if !page {
            addresses.push(format!("/p/{}", text(post, "uuid")));
        }
        entries.push(Entry::Item(Box::new(Item {
            kind: if page { Kind::Page } else { Kind::Post },
            id: post_id.clone(),
            slug,
            excerpt: text(post, "custom_excerpt"),
            html,
            markdown,
            language: post_tags
                .get(&post_id)
                .into_iter()
                .flatten()
                .find_map(|t| language_tags.get(t).cloned()),
            status,
            published_at: time(post, "published_at"),
            updated_at: time(post, "updated_at"),
            authors,
            categories: Vec::new(),
            tags: post_tags
                .get(&post_id)
                .into_iter()
                .flatten()
                .filter(|t| !internal.contains(t))
                .filter_map(|t| tag_slugs.get(t).cloned())
                .collect(),
            featured,
            seo_title: either("meta_title"),
            seo_description: either("meta_description"),
            addresses,
            notes,
            title,
        })));
    }
    Ok((head, entries))
}

/// A body as Ghost's APIs send it — HTML, or a Lexical or Mobiledoc document (JSON
/// text) — in our Markdown; None when none was given. A Lexical document of one
/// Markdown card is taken as it is.
pub fn body_markdown(
    html: Option<&str>,
    lexical: Option<&str>,
    mobiledoc: Option<&str>,
    image: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<crate::html::Converted>, String> {
    let html = match (html, lexical, mobiledoc) {
        (Some(html), _, _) => html.to_owned(),
        (None, Some(lexical), _) => {
            let doc: Value = serde_json::from_str(lexical)
                .map_err(|e| format!("lexical is not valid JSON ({e})"))?;
            if let Some(markdown) = only_markdown(&doc) {
                return Ok(Some(crate::html::Converted {
                    markdown,
                    notes: Vec::new(),
                }));
            }
            lexical_html(&doc)
        }
        (None, None, Some(mobiledoc)) => {
            let doc: Value = serde_json::from_str(mobiledoc)
                .map_err(|e| format!("mobiledoc is not valid JSON ({e})"))?;
            mobiledoc_html(&doc)
        }
        (None, None, None) => return Ok(None),
    };
    Ok(Some(crate::html::to_markdown(&html, image)))
}

/// The Markdown of a Lexical document that is one Markdown card and nothing else.
fn only_markdown(doc: &Value) -> Option<String> {
    let children = doc.get("root")?.get("children")?.as_array()?;
    match children.as_slice() {
        [card] if str_of(card, "type") == "markdown" => Some(str_of(card, "markdown").to_owned()),
        _ => None,
    }
}

/// Ghost's times: ISO 8601 with a zone, or (older exports) milliseconds.
fn time(value: &Value, key: &str) -> Option<DateTime<Utc>> {
    match value.get(key)? {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc))
            .or_else(|| crate::apply::loose_time(s)),
        Value::Number(n) => DateTime::from_timestamp_millis(n.as_i64()?),
        _ => None,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn markdown_html(markdown: &str) -> String {
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

fn figure(src: &str, alt: &str, caption: &str) -> String {
    if src.is_empty() {
        return String::new();
    }
    let caption = if caption.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{caption}</figcaption>")
    };
    format!(
        "<figure><img src=\"{}\" alt=\"{}\">{caption}</figure>",
        escape(src),
        escape(alt)
    )
}

/// The cards both editors share, as HTML.
fn card(name: &str, payload: &Value) -> String {
    match name {
        "image" => figure(
            str_of(payload, "src"),
            str_of(payload, "alt"),
            str_of(payload, "caption"),
        ),
        "markdown" | "card-markdown" => markdown_html(str_of(payload, "markdown")),
        "html" => str_of(payload, "html").to_owned(),
        "hr" | "horizontalrule" => "<hr>".into(),
        "code" | "codeblock" => format!(
            "<pre><code class=\"language-{}\">{}</code></pre>",
            escape(str_of(payload, "language")),
            escape(str_of(payload, "code"))
        ),
        "embed" | "bookmark" | "video" | "audio" | "file" => {
            let url = [str_of(payload, "url"), str_of(payload, "src")]
                .into_iter()
                .find(|u| !u.is_empty())
                .unwrap_or_default();
            if url.is_empty() {
                String::new()
            } else {
                format!("<p><a href=\"{0}\">{0}</a></p>", escape(url))
            }
        }
        "gallery" => payload
            .get("images")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|image| {
                figure(
                    str_of(image, "src"),
                    str_of(image, "alt"),
                    str_of(image, "caption"),
                )
            })
            .collect(),
        "callout" => format!(
            "<blockquote>{}</blockquote>",
            str_of(payload, "calloutText")
        ),
        _ => String::new(),
    }
}

/// A Lexical document (Ghost 5.x and 6) as HTML.
pub fn lexical_html(doc: &Value) -> String {
    let mut out = String::new();
    lexical_node(doc.get("root").unwrap_or(doc), &mut out);
    out
}

fn lexical_children(node: &Value, out: &mut String) {
    for child in node
        .get("children")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        lexical_node(child, out);
    }
}

fn lexical_node(node: &Value, out: &mut String) {
    let wrap = |tag: &str, out: &mut String| {
        out.push_str(&format!("<{tag}>"));
        lexical_children(node, out);
        out.push_str(&format!("</{tag}>"));
    };
    match str_of(node, "type") {
        "root" => lexical_children(node, out),
        "paragraph" => wrap("p", out),
        "heading" | "extended-heading" => {
            let tag = match str_of(node, "tag") {
                tag @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6") => tag,
                _ => "h2",
            };
            wrap(tag, out);
        }
        "quote" | "aside" | "extended-quote" => wrap("blockquote", out),
        "list" => wrap(
            if str_of(node, "listType") == "number" {
                "ol"
            } else {
                "ul"
            },
            out,
        ),
        "listitem" => wrap("li", out),
        "link" | "autolink" => {
            out.push_str(&format!("<a href=\"{}\">", escape(str_of(node, "url"))));
            lexical_children(node, out);
            out.push_str("</a>");
        }
        "linebreak" => out.push_str("<br>"),
        "text" | "extended-text" | "tag" => {
            let format = node.get("format").and_then(Value::as_u64).unwrap_or(0);
            let marks: Vec<&str> = [(1, "strong"), (2, "em"), (4, "s"), (16, "code")]
                .into_iter()
                .filter(|(bit, _)| format & bit != 0)
                .map(|(_, tag)| tag)
                .collect();
            for tag in &marks {
                out.push_str(&format!("<{tag}>"));
            }
            out.push_str(&escape(str_of(node, "text")));
            for tag in marks.iter().rev() {
                out.push_str(&format!("</{tag}>"));
            }
        }
        "image" => out.push_str(&figure(
            str_of(node, "src"),
            str_of(node, "altText").max(str_of(node, "alt")),
            str_of(node, "caption"),
        )),
        other => out.push_str(&card(other, node)),
    }
}

/// A Mobiledoc document (Ghost 1 to 4) as HTML.
pub fn mobiledoc_html(doc: &Value) -> String {
    let array = |value: &Value, key: &str| {
        value
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let markups = array(doc, "markups");
    let cards = array(doc, "cards");
    let atoms = array(doc, "atoms");
    let mut out = String::new();
    let markers = |markers: &Value, out: &mut String| {
        let mut open: Vec<String> = Vec::new();
        for marker in markers.as_array().into_iter().flatten() {
            let Some(marker) = marker.as_array() else {
                continue;
            };
            for index in marker
                .get(1)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(markup) = index
                    .as_u64()
                    .and_then(|i| markups.get(usize::try_from(i).ok()?))
                else {
                    continue;
                };
                let tag = markup.get(0).and_then(Value::as_str).unwrap_or("span");
                let attributes = markup
                    .get(1)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut html = format!("<{tag}");
                for pair in attributes.chunks(2) {
                    if let [name, value] = pair {
                        html.push_str(&format!(
                            " {}=\"{}\"",
                            name.as_str().unwrap_or("x"),
                            escape(value.as_str().unwrap_or_default())
                        ));
                    }
                }
                html.push('>');
                out.push_str(&html);
                open.push(tag.to_owned());
            }
            match marker.first().and_then(Value::as_u64) {
                Some(1) => {
                    let atom = marker
                        .get(3)
                        .and_then(Value::as_u64)
                        .and_then(|i| atoms.get(usize::try_from(i).ok()?));
                    if let Some(atom) = atom {
                        if atom.get(0).and_then(Value::as_str) == Some("soft-return") {
                            out.push_str("<br>");
                        } else {
                            out.push_str(&escape(
                                atom.get(1).and_then(Value::as_str).unwrap_or_default(),
                            ));
                        }
                    }
                }
                _ => out.push_str(&escape(
                    marker.get(3).and_then(Value::as_str).unwrap_or_default(),
                )),
            }
            let closed = marker.get(2).and_then(Value::as_u64).unwrap_or(0);
            for _ in 0..closed {
                if let Some(tag) = open.pop() {
                    out.push_str(&format!("</{tag}>"));
                }
            }
        }
        while let Some(tag) = open.pop() {
            out.push_str(&format!("</{tag}>"));
        }
    };
    for section in array(doc, "sections") {
        let Some(section) = section.as_array() else {
            continue;
        };
        match section.first().and_then(Value::as_u64) {
            Some(1) => {
                let tag = match section.get(1).and_then(Value::as_str).unwrap_or("p") {
                    tag @ ("p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
                    | "aside") => tag,
                    _ => "p",
                };
                let tag = if tag == "aside" { "blockquote" } else { tag };
                out.push_str(&format!("<{tag}>"));
                markers(section.get(2).unwrap_or(&Value::Null), &mut out);
                out.push_str(&format!("</{tag}>"));
            }
            Some(2) => out.push_str(&figure(
                section.get(1).and_then(Value::as_str).unwrap_or_default(),
                "",
                "",
            )),
            Some(3) => {
                let tag = if section.get(1).and_then(Value::as_str) == Some("ol") {
                    "ol"
                } else {
                    "ul"
                };
                out.push_str(&format!("<{tag}>"));
                for item in section
                    .get(2)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    out.push_str("<li>");
                    markers(item, &mut out);
                    out.push_str("</li>");
                }
                out.push_str(&format!("</{tag}>"));
            }
            Some(10) => {
                let card_of = section
                    .get(1)
                    .and_then(Value::as_u64)
                    .and_then(|i| cards.get(usize::try_from(i).ok()?));
                if let Some(found) = card_of {
                    let name = found.get(0).and_then(Value::as_str).unwrap_or_default();
                    out.push_str(&card(name, found.get(1).unwrap_or(&Value::Null)));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lexical_bodies_become_html() {
        let doc = json!({"root": {"type": "root", "children": [
            {"type": "heading", "tag": "h2", "children": [{"type": "text", "text": "Rivers", "format": 0}]},
            {"type": "paragraph", "children": [
                {"type": "text", "text": "Low ", "format": 0},
                {"type": "text", "text": "water", "format": 3},
                {"type": "link", "url": "https://x.example", "children": [{"type": "text", "text": " here", "format": 0}]}]},
            {"type": "image", "src": "https://old.example/content/images/a.jpg", "altText": "A", "caption": "The bank"},
            {"type": "list", "listType": "number", "children": [{"type": "listitem", "children": [{"type": "text", "text": "one"}]}]},
            {"type": "markdown", "markdown": "*md*"}
        ]}});
        let html = lexical_html(&doc);
        assert_eq!(
            html,
            "<h2>Rivers</h2><p>Low <strong><em>water</em></strong><a href=\"https://x.example\"> here</a></p>\
             <figure><img src=\"https://old.example/content/images/a.jpg\" alt=\"A\"><figcaption>The bank</figcaption></figure>\
             <ol><li>one</li></ol><p><em>md</em></p>\n"
        );
    }

    #[test]
    fn mobiledoc_bodies_become_html() {
        let doc = json!({"version": "0.3.1", "atoms": [["soft-return", "", {}]],
            "markups": [["a", ["href", "https://x.example"]], ["strong"]],
            "cards": [["image", {"src": "/content/images/b.jpg", "caption": "Cap"}], ["hr", {}]],
            "sections": [[1, "p", [[0, [], 0, "Go "], [0, [0, 1], 2, "there"], [1, [], 0, 0], [0, [], 0, "now"]]],
                         [10, 0], [3, "ul", [[[0, [], 0, "a"]], [[0, [], 0, "b"]]]], [10, 1]]});
        assert_eq!(
            mobiledoc_html(&doc),
            "<p>Go <a href=\"https://x.example\"><strong>there</strong></a><br>now</p>\
             <figure><img src=\"/content/images/b.jpg\" alt=\"\"><figcaption>Cap</figcaption></figure>\
             <ul><li>a</li><li>b</li></ul><hr>"
        );
    }
}

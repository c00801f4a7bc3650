//! WordPress's export (WXR 1.1 and 1.2): read twice, as a stream — first to check
//! the whole file and learn its authors, categories, tags and attachments, then to
//! hand over its posts and pages one at a time, so memory stays flat however long
//! the archive is.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::{Entry, Head, Item, Kind, Origin, Person, Picture, ReadError, Status, Term};

/// What the first reading learnt.
#[derive(Debug, Clone)]
pub struct Wxr {
    pub head: Head,
    /// Attachments by post id: where the file is, its alt text and caption.
    attachments: HashMap<String, Picture>,
    /// How many posts and pages the second reading will hand over.
    pub items: usize,
}

/// Reads the whole file once: checks it is a well-formed WXR and learns its head.
pub fn head(path: &Path) -> Result<Wxr, ReadError> {
    crate::check_size(path)?;
    let mut wxr = Wxr {
        head: Head {
            origin: Origin::WordPress,
            site_url: String::new(),
            people: Vec::new(),
            categories: Vec::new(),
            tags: Vec::new(),
        },
        attachments: HashMap::new(),
        items: 0,
    };
    let mut items = 0;
    scan(path, &mut wxr, &mut |_| {
        items += 1;
        true
    })?;
    if wxr.head.site_url.is_empty() {
        return Err(ReadError::NotWxr(
            "it has no <channel> with the site's <link>".into(),
        ));
    }
    wxr.items = items;
    Ok(wxr)
}

/// Reads the file again, handing each post and page (or why it is skipped) to
/// `take`; stops early when `take` answers false.
pub fn entries(
    path: &Path,
    wxr: &Wxr,
    take: &mut dyn FnMut(Entry) -> bool,
) -> Result<(), ReadError> {
    let mut again = wxr.clone();
    scan(path, &mut again, &mut |raw| take(raw.into_entry(wxr)))
}

#[derive(Debug, Default)]
struct RawItem {
    fields: HashMap<&'static str, String>,
    /// (domain, nicename, name) of each `<category>`.
    terms: Vec<(String, String, String)>,
    meta: Vec<(String, String)>,
}

const ITEM_FIELDS: [&str; 14] = [
    "title",
    "link",
    "pubDate",
    "dc:creator",
    "content:encoded",
    "excerpt:encoded",
    "wp:post_id",
    "wp:post_date",
    "wp:post_date_gmt",
    "wp:post_modified_gmt",
    "wp:status",
    "wp:post_name",
    "wp:post_type",
    "wp:attachment_url",
];

fn scan(
    path: &Path,
    wxr: &mut Wxr,
    on_item: &mut dyn FnMut(RawItem) -> bool,
) -> Result<(), ReadError> {
    let file = std::fs::File::open(path)?;
    let mut reader = Reader::from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    reader.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut item: Option<RawItem> = None;
    let mut category_attrs = (String::new(), String::new());
    let mut record: HashMap<String, String> = HashMap::new();
    let mut meta = (String::new(), String::new());
    let mut seen_rss = false;
    let xml_error = |reader: &Reader<_>, e: &dyn std::fmt::Display| {
        ReadError::Xml(format!("{e} (near byte {})", buffer_position(reader)))
    };
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(&reader, &e))?;
        match event {
            Event::DocType(doctype) if String::from_utf8_lossy(&doctype).contains("ENTITY") => {
                return Err(ReadError::Xml(
                    "it declares XML entities, which no WordPress export does".into(),
                ));
            }
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if stack.is_empty() {
                    if name != "rss" {
                        return Err(ReadError::NotWxr(format!(
                            "it begins with <{name}>, not <rss>"
                        )));
                    }
                    seen_rss = true;
                }
                text.clear();
                match name.as_str() {
                    "item" => item = Some(RawItem::default()),
                    "category" if item.is_some() => category_attrs = category_of(&start),
                    "wp:author" | "wp:category" | "wp:tag" | "wp:term" => record.clear(),
                    _ => {}
                }
                stack.push(name);
            }
            Event::Text(t) => text.push_str(&t.xml_content().map_err(|e| xml_error(&reader, &e))?),
            Event::CData(t) => text.push_str(&t.xml_content().map_err(|e| xml_error(&reader, &e))?),
            Event::GeneralRef(reference) => {
                if let Some(c) = reference
                    .resolve_char_ref()
                    .map_err(|e| xml_error(&reader, &e))?
                {
                    text.push(c);
                } else {
                    let name = reference.decode().map_err(|e| xml_error(&reader, &e))?;
                    let resolved =
                        quick_xml::escape::resolve_predefined_entity(&name).ok_or_else(|| {
                            ReadError::Xml(format!(
                                "it uses the undeclared entity &{name}; (near byte {})",
                                buffer_position(&reader)
                            ))
                        })?;
                    text.push_str(resolved);
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str).unwrap_or_default();
                let value = std::mem::take(&mut text);
                match (parent, name.as_str()) {
                    ("channel", "link") => {
                        wxr.head.site_url = value.trim().trim_end_matches('/').to_owned()
                    }
                    ("wp:author" | "wp:category" | "wp:tag" | "wp:term", field) => {
                        record.insert(field.to_owned(), value);
                    }
                    (_, "wp:author") => wxr.head.people.push(person(&record)),
                    (_, "wp:category") => wxr.head.categories.push(term(
                        &record,
                        "category",
                        [
                            "wp:category_nicename",
                            "wp:cat_name",
                            "wp:category_description",
                        ],
                    )),
                    (_, "wp:tag") => wxr.head.tags.push(term(
                        &record,
                        "tag",
                        ["wp:tag_slug", "wp:tag_name", "wp:tag_description"],
                    )),
                    (_, "wp:term") => learn_term(&mut wxr.head, &record),
                    ("wp:postmeta", "wp:meta_key") => meta.0 = value,
                    ("wp:postmeta", "wp:meta_value") => meta.1 = value,
                    (_, "wp:postmeta") => {
                        if let Some(item) = &mut item {
                            item.meta.push(std::mem::take(&mut meta));
                        }
                    }
                    ("item", "category") => {
                        if let Some(item) = &mut item {
                            let (domain, nicename) = std::mem::take(&mut category_attrs);
                            item.terms.push((domain, nicename, value));
                        }
                    }
                    ("item", field) => {
                        if let (Some(item), Some(known)) =
                            (&mut item, ITEM_FIELDS.iter().find(|f| **f == field))
                        {
                            item.fields.insert(known, value);
                        }
                    }
                    (_, "item") => {
                        if let Some(raw) = item.take() {
                            if raw.field("wp:post_type") == "attachment" {
                                wxr.attachments
                                    .insert(raw.field("wp:post_id").to_owned(), raw.picture());
                            } else if !on_item(raw) {
                                return Ok(());
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_rss {
        return Err(ReadError::NotWxr("it holds no <rss> element".into()));
    }
    if !stack.is_empty() {
        return Err(ReadError::Xml(
            "it ends before its elements are closed: the file is cut short".into(),
        ));
    }
    Ok(())
}

fn buffer_position<R: BufRead>(reader: &Reader<R>) -> u64 {
    reader.buffer_position()
}

fn category_of(start: &BytesStart<'_>) -> (String, String) {
    let mut domain = String::new();
    let mut nicename = String::new();
    for attribute in start.attributes().flatten() {
        let value = attribute
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_default();
        match attribute.key.as_ref() {
            b"domain" => domain = value,
            b"nicename" => nicename = value,
            _ => {}
        }
    }
    (domain, nicename)
}

fn field<'a>(record: &'a HashMap<String, String>, name: &str) -> &'a str {
    record.get(name).map(|v| v.trim()).unwrap_or_default()
}

fn person(record: &HashMap<String, String>) -> Person {
    let login = field(record, "wp:author_login");
    let full = format!(
        "{} {}",
        field(record, "wp:author_first_name"),
        field(record, "wp:author_last_name")
    );
    let name = [field(record, "wp:author_display_name"), full.trim(), login]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_default();
    Person {
        key: login.to_owned(),
        slug: login.to_owned(),
        name: name.to_owned(),
        bio: String::new(),
        addresses: vec![format!("/author/{}", crate::percent_decode(login))],
    }
}

/// A category (`kind` "category") or tag ("tag"), by the names of its fields.
fn term(
    record: &HashMap<String, String>,
    kind: &str,
    [slug, name, description]: [&str; 3],
) -> Term {
    let slug = field(record, slug);
    Term {
        slug: slug.to_owned(),
        name: field(record, name).to_owned(),
        description: field(record, description).to_owned(),
        addresses: vec![format!("/{kind}/{}", crate::percent_decode(slug))],
    }
}

/// A `<wp:term>`: a guest author (Co-Authors Plus) or a category or tag written the newer way.
fn learn_term(head: &mut Head, record: &HashMap<String, String>) {
    let slug = field(record, "wp:term_slug");
    let name = field(record, "wp:term_name");
    match field(record, "wp:term_taxonomy") {
        "author" => {
            let key = slug.strip_prefix("cap-").unwrap_or(slug);
            if !head.people.iter().any(|p| p.key == key) {
                head.people.push(Person {
                    key: key.to_owned(),
                    slug: key.to_owned(),
                    name: name.to_owned(),
                    bio: field(record, "wp:term_description").to_owned(),
                    addresses: vec![format!("/author/{}", crate::percent_decode(key))],
                });
            }
        }
        taxonomy @ ("category" | "post_tag") => {
            let list = if taxonomy == "category" {
                &mut head.categories
            } else {
                &mut head.tags
            };
            if !list.iter().any(|t| t.slug == slug) {
                let kind = if taxonomy == "category" {
                    "category"
                } else {
                    "tag"
                };
                list.push(Term {
                    slug: slug.to_owned(),
                    name: name.to_owned(),
                    description: field(record, "wp:term_description").to_owned(),
                    addresses: vec![format!("/{kind}/{}", crate::percent_decode(slug))],
                });
            }
        }
        _ => {}
    }
}

/// WordPress's `2024-05-01 10:00:00` (no zone: the caller knows which).
fn wp_time(value: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .filter(|t| t.and_utc().timestamp() > 0)
}

impl RawItem {
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(|v| v.trim()).unwrap_or_default()
    }

    fn meta(&self, key: &str) -> &str {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .unwrap_or_default()
    }

    fn picture(&self) -> Picture {
        Picture {
            url: self.field("wp:attachment_url").to_owned(),
            alt: self.meta("_wp_attachment_image_alt").to_owned(),
            caption: self.field("excerpt:encoded").to_owned(),
        }
    }

    fn into_entry(self, wxr: &Wxr) -> Entry {
        let id = self.field("wp:post_id").to_owned();
        let title = self.field("title").to_owned();
        let what = |kind: &str| format!("{kind} {id} \"{title}\"");
        let post_type = self.field("wp:post_type");
        let kind = match post_type {
            "post" => Kind::Post,
            "page" => Kind::Page,
            "revision" => {
                return Entry::Skipped {
                    what: what("revision"),
                    why: "revisions are not imported; the latest text of each post is".into(),
                };
            }
            other => {
                return Entry::Skipped {
                    what: what(other),
                    why: format!("WordPress's \"{other}\" items have no place in Kolokol"),
                };
            }
        };
        let label = if kind == Kind::Post { "post" } else { "page" };
        let mut notes = Vec::new();
        let status = match self.field("wp:status") {
            "publish" => Status::Published,
            "future" => Status::Scheduled,
            "draft" | "pending" => Status::Draft,
            "private" => {
                notes.push("private on WordPress: imported as a draft".to_owned());
                Status::Draft
            }
            "trash" => {
                return Entry::Skipped {
                    what: what(label),
                    why: "it is in WordPress's trash".into(),
                };
            }
            "auto-draft" => {
                return Entry::Skipped {
                    what: what(label),
                    why: "it is an auto-draft WordPress made, never written".into(),
                };
            }
            other => {
                return Entry::Skipped {
                    what: what(label),
                    why: format!("its status \"{other}\" is not one Kolokol imports"),
                };
            }
        };
        // The GMT date is the moment; the local one has no zone, and RSS's pubDate
        // carries its own.
        let published_at = wp_time(self.field("wp:post_date_gmt"))
            .map(|t| t.and_utc())
            .or_else(|| {
                DateTime::parse_from_rfc2822(self.field("pubDate"))
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
                    .filter(|t| t.timestamp() > 0)
            })
            .or_else(|| {
                let local = wp_time(self.field("wp:post_date"))?;
                if status != Status::Draft {
                    notes.push("its date has no zone in the export and was read as UTC".to_owned());
                }
                Some(local.and_utc())
            });
        let mut authors = Vec::new();
        let creator = self.field("dc:creator");
        if !creator.is_empty() {
            authors.push(creator.to_owned());
        }
        let mut categories = Vec::new();
        let mut tags = Vec::new();
        for (domain, nicename, name) in &self.terms {
            let slug = if nicename.is_empty() {
                name.trim()
            } else {
                nicename.trim()
            };
            match domain.as_str() {
                "category" => categories.push(slug.to_owned()),
                "post_tag" => tags.push(slug.to_owned()),
                "author" => {
                    let key = slug.strip_prefix("cap-").unwrap_or(slug).to_owned();
                    if !authors.contains(&key) {
                        authors.push(key);
                    }
                }
                _ => {}
            }
        }
        let featured = match self.meta("_thumbnail_id") {
            "" => None,
            thumbnail => match wxr.attachments.get(thumbnail) {
                Some(picture) => Some(picture.clone()),
                None => {
                    notes.push(format!(
                        "its featured image (attachment {thumbnail}) is not in the export"
                    ));
                    None
                }
            },
        };
        let site = &wxr.head.site_url;
        let mut addresses = vec![format!("/?p={id}")];
        if kind == Kind::Page {
            addresses.push(format!("/?page_id={id}"));
        }
        if status == Status::Published
            && let Some(path) = crate::old_path(site, self.field("link"))
            && !addresses.contains(&path)
            && path != "/"
        {
            addresses.push(path);
        }
        let seo = |keys: [&str; 2]| {
            keys.iter()
                .map(|k| self.meta(k))
                .find(|v| !v.is_empty())
                .unwrap_or_default()
                .to_owned()
        };
        let (html, shortcode_notes) = shortcodes(self.field("content:encoded"));
        notes.extend(shortcode_notes);
        Entry::Item(Box::new(Item {
            kind,
            id,
            slug: self.field("wp:post_name").to_owned(),
            excerpt: self.field("excerpt:encoded").to_owned(),
            html,
            markdown: None,
            language: None,
            status,
            published_at,
            updated_at: wp_time(self.field("wp:post_modified_gmt")).map(|t| t.and_utc()),
            authors,
            categories,
            tags,
            featured,
            seo_title: seo(["_yoast_wpseo_title", "rank_math_title"]),
            seo_description: seo(["_yoast_wpseo_metadesc", "rank_math_description"]),
            addresses,
            notes,
            title,
        }))
    }
}

/// WordPress's shortcodes turned into the HTML they stand for, and its unwrapped
/// paragraphs (the classic editor keeps blank lines, not `<p>`) wrapped.
pub fn shortcodes(content: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let lower = content.to_ascii_lowercase();
    let unwrapped = !lower.contains("<p") && !lower.contains("<!-- wp:");
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let inside = &after[..close];
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let known = matches!(
            name.as_str(),
            "caption"
                | "wp_caption"
                | "embed"
                | "video"
                | "audio"
                | "gallery"
                | "playlist"
                | "youtube"
                | "vimeo"
                | "tweet"
                | "contact-form-7"
                | "contact-form"
                | "code"
                | "sourcecode"
        );
        let closing = format!("[/{name}]");
        let paired = !name.is_empty() && after[close + 1..].contains(&closing);
        if name.is_empty()
            || !(known || paired)
            || inside.len() > name.len() && !inside[name.len()..].starts_with(' ')
        {
            out.push('[');
            rest = after;
            continue;
        }
        let attributes = &inside[name.len()..];
        let (body, next) = if paired {
            let body_start = &after[close + 1..];
            let end = body_start.find(&closing).unwrap_or(0);
            (&body_start[..end], &body_start[end + closing.len()..])
        } else {
            ("", &after[close + 1..])
        };
        rest = next;
        match name.as_str() {
            "caption" | "wp_caption" => {
                // `[caption]<img …> The caption[/caption]`: the picture, then its words.
                let split = body.rfind('>').map_or(0, |i| i + 1);
                let caption = attribute(attributes, "caption")
                    .unwrap_or_else(|| body[split..].trim().to_owned());
                out.push_str(&format!(
                    "<figure>{}<figcaption>{}</figcaption></figure>",
                    &body[..split],
                    caption
                ));
            }
            "embed" | "youtube" | "vimeo" | "tweet" => {
                let url = attribute(attributes, "url")
                    .or_else(|| attribute(attributes, "src"))
                    .unwrap_or_else(|| body.trim().to_owned());
                out.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
            }
            "video" | "audio" => {
                let url = ["src", "mp4", "mp3", "webm", "ogg", "m4a"]
                    .iter()
                    .find_map(|key| attribute(attributes, key))
                    .unwrap_or_default();
                if url.is_empty() {
                    notes.push(format!("a [{name}] shortcode without a file was left out"));
                } else {
                    out.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
                    notes.push(format!("{name} kept as a link: {url}"));
                }
            }
            "code" | "sourcecode" => {
                out.push_str(&format!("<pre><code>{body}</code></pre>"));
            }
            other => {
                out.push_str(body);
                notes.push(format!(
                    "the [{other}] shortcode is drawn by a WordPress plugin and was left out"
                ));
            }
        }
    }
    out.push_str(rest);
    if unwrapped && out.contains("\n\n") {
        out = out
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let block = [
                    "<h",
                    "<p",
                    "<ul",
                    "<ol",
                    "<blockquote",
                    "<figure",
                    "<table",
                    "<pre",
                    "<div",
                ]
                .iter()
                .any(|b| p.to_ascii_lowercase().starts_with(b));
                if block {
                    p.to_owned()
                } else {
                    format!("<p>{}</p>", p.replace('\n', "<br>\n"))
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    (out, notes)
}

/// `name="value"` (or single-quoted) from a shortcode's attributes.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let at = attributes.find(&format!("{name}="))?;
    let value = &attributes[at + name.len() + 1..];
    let quote = value.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = value[1..].find(quote)?;
        Some(value[1..=end].to_owned())
    } else {
        Some(value.split_whitespace().next()?.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcodes_become_figures_and_links() {
        let (html, notes) = shortcodes(
            "Before.\n\n[caption id=\"a1\" align=\"alignnone\"]<img src=\"/x.jpg\" alt=\"X\"> The dam at night[/caption]\n\n\
             [embed]https://video.example/v/1[/embed]\n\n[gallery ids=\"1,2\"]\n\nA [sic] note.",
        );
        assert!(html.contains("<figure><img src=\"/x.jpg\" alt=\"X\"><figcaption>The dam at night</figcaption></figure>"), "{html}");
        assert!(
            html.contains("<a href=\"https://video.example/v/1\">"),
            "{html}"
        );
        assert!(html.contains("<p>A [sic] note.</p>"), "{html}");
        assert!(html.starts_with("<p>Before.</p>"), "{html}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("[gallery]"));
    }
}

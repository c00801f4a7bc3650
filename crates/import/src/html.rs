//! HTML as WordPress and Ghost store it, turned into the Markdown our editor writes:
//! headings, lists, quotes, links, tables and figures with captions kept; embeds kept
//! as links; what cannot come along is named in the notes, never silently dropped.

use ego_tree::NodeRef;
use scraper::{Html, Node};

/// A body in Markdown, with what the conversion had to change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    pub markdown: String,
    pub notes: Vec<String>,
}

/// Every image address the HTML shows, in order, without repeats.
pub fn image_sources(html: &str) -> Vec<String> {
    let document = Html::parse_fragment(html);
    let mut sources: Vec<String> = Vec::new();
    for node in document.tree.nodes() {
        if let Node::Element(element) = node.value()
            && element.name() == "img"
            && let Some(src) = element.attr("src").map(str::trim).filter(|s| !s.is_empty())
            && !sources.iter().any(|s| s == src)
        {
            sources.push(src.to_owned());
        }
    }
    sources
}

/// Converts `html`; `image` gives the library address of an image found at a
/// source address, or None to keep the image as a link to where it was.
pub fn to_markdown(html: &str, image: &dyn Fn(&str) -> Option<String>) -> Converted {
    let document = Html::parse_fragment(html);
    let mut writer = Writer {
        image,
        notes: Vec::new(),
    };
    let mut blocks = Vec::new();
    writer.blocks(document.tree.root(), &mut blocks);
    let mut notes = writer.notes;
    notes.dedup();
    Converted {
        markdown: blocks.join("\n\n"),
        notes,
    }
}

struct Writer<'a> {
    image: &'a dyn Fn(&str) -> Option<String>,
    notes: Vec<String>,
}

/// Elements that start a block of their own.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "blockquote"
            | "pre"
            | "hr"
            | "figure"
            | "table"
            | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "aside"
            | "nav"
            | "center"
            | "dl"
            | "dt"
            | "dd"
            | "li"
            | "iframe"
            | "video"
            | "audio"
            | "embed"
            | "object"
            | "script"
            | "style"
            | "noscript"
            | "form"
            | "html"
            | "body"
            | "figcaption"
            | "details"
            | "summary"
    )
}

impl Writer<'_> {
    /// The children of `node` as Markdown blocks; loose inline content becomes paragraphs.
    fn blocks(&mut self, node: NodeRef<'_, Node>, out: &mut Vec<String>) {
        let mut paragraph = String::new();
        for child in node.children() {
            match child.value() {
                Node::Text(text) => push_text(&mut paragraph, text),
                Node::Comment(comment) => self.comment(comment),
                Node::Element(element) if is_block(element.name()) => {
                    flush(&mut paragraph, out);
                    self.block(child, element.name(), out);
                }
                Node::Element(_) => self.inline(child, &mut paragraph),
                _ => {}
            }
        }
        flush(&mut paragraph, out);
    }

    fn block(&mut self, node: NodeRef<'_, Node>, name: &str, out: &mut Vec<String>) {
        match name {
            "p" | "dt" | "summary" => {
                let mut text = String::new();
                self.inline_children(node, &mut text);
                flush(&mut text, out);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse::<usize>().unwrap_or(2);
                let mut text = String::new();
                self.inline_children(node, &mut text);
                let text = one_line(&text);
                if !text.is_empty() {
                    out.push(format!("{} {text}", "#".repeat(level)));
                }
            }
            "ul" | "ol" => self.list(node, name == "ol", out),
            "blockquote" => {
                let mut inner = Vec::new();
                self.blocks(node, &mut inner);
                if !inner.is_empty() {
                    out.push(prefix_lines(&inner.join("\n\n"), "> ", ">"));
                }
            }
            "pre" => out.push(code_block(node)),
            "hr" => out.push("---".into()),
            "figure" => self.figure(node, out),
            "table" => self.table(node, out),
            "iframe" | "video" | "audio" | "embed" | "object" => {
                if let Some(link) = self.embed(node) {
                    out.push(link);
                }
            }
            "script" | "style" | "noscript" | "form" => {
                self.note(format!("a <{name}> element was left out"));
            }
            "figcaption" => {
                let mut text = String::new();
                self.inline_children(node, &mut text);
                flush(&mut text, out);
            }
            _ => self.blocks(node, out),
        }
    }

    fn inline_children(&mut self, node: NodeRef<'_, Node>, out: &mut String) {
        for child in node.children() {
            match child.value() {
                Node::Text(text) => push_text(out, text),
                Node::Comment(comment) => self.comment(comment),
                Node::Element(_) => self.inline(child, out),
                _ => {}
            }
        }
    }

    fn inline(&mut self, node: NodeRef<'_, Node>, out: &mut String) {
        let Node::Element(element) = node.value() else {
            return;
        };
        match element.name() {
            "strong" | "b" => self.wrapped(node, "**", out),
            "em" | "i" | "cite" => self.wrapped(node, "*", out),
            "del" | "s" | "strike" => self.wrapped(node, "~~", out),
            "code" | "kbd" | "tt" | "samp" => {
                let text: String = text_of(node);
                if !text.is_empty() {
                    let fence = "`".repeat(longest_run(&text, '`') + 1);
                    let pad = if text.starts_with('`') || text.ends_with('`') {
                        " "
                    } else {
                        ""
                    };
                    out.push_str(&format!("{fence}{pad}{text}{pad}{fence}"));
                }
            }
            "br" => out.push_str("\\\n"),
            "a" => {
                let mut inner = String::new();
                self.inline_children(node, &mut inner);
                let inner = inner.trim();
                match element
                    .attr("href")
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                {
                    Some(href) if !href.starts_with("javascript:") => {
                        let label = if inner.is_empty() {
                            escape(href)
                        } else {
                            inner.to_owned()
                        };
                        out.push_str(&format!("[{label}]({})", destination(href)));
                    }
                    _ => out.push_str(inner),
                }
            }
            "img" => {
                let alt = one_line(element.attr("alt").unwrap_or_default());
                let Some(src) = element.attr("src").map(str::trim).filter(|s| !s.is_empty()) else {
                    return;
                };
                match (self.image)(src) {
                    Some(local) => {
                        out.push_str(&format!("![{}]({})", escape(&alt), destination(&local)));
                    }
                    None => {
                        let label = if alt.is_empty() { "Image" } else { &alt };
                        out.push_str(&format!("[{}]({})", escape(label), destination(src)));
                        self.note(format!("image kept as a link: {src}"));
                    }
                }
            }
            "iframe" | "video" | "audio" | "embed" | "object" => {
                if let Some(link) = self.embed(node) {
                    out.push_str(&link);
                }
            }
            "script" | "style" | "noscript" => {
                self.note(format!("a <{}> element was left out", element.name()));
            }
            _ => self.inline_children(node, out),
        }
    }

    /// `**text**` with the spaces the text began or ended with kept outside.
    fn wrapped(&mut self, node: NodeRef<'_, Node>, mark: &str, out: &mut String) {
        let mut inner = String::new();
        self.inline_children(node, &mut inner);
        let trimmed = inner.trim();
        if trimmed.is_empty() {
            out.push_str(&inner);
            return;
        }
        if inner.starts_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(mark);
        out.push_str(trimmed);
        out.push_str(mark);
        if inner.ends_with(char::is_whitespace) {
            out.push(' ');
        }
    }

    fn list(&mut self, node: NodeRef<'_, Node>, ordered: bool, out: &mut Vec<String>) {
        let mut number = element_attr(node, "start")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(1);
        let mut items = Vec::new();
        let mut loose = false;
        for item in node.children() {
            match item.value() {
                Node::Element(element) if element.name() == "li" => {
                    let mut inner = Vec::new();
                    self.blocks(item, &mut inner);
                    let marker = if ordered {
                        format!("{number}. ")
                    } else {
                        "- ".to_owned()
                    };
                    number += 1;
                    let paragraphs = inner.iter().filter(|b| !is_list(b)).count();
                    loose |= paragraphs > 1;
                    let body = inner.join(if paragraphs > 1 { "\n\n" } else { "\n" });
                    let indent = " ".repeat(marker.len());
                    let body = prefix_lines(&body, &indent, "");
                    items.push(format!("{marker}{}", &body[indent.len().min(body.len())..]));
                }
                Node::Element(element) if element.name() == "ul" || element.name() == "ol" => {
                    // A list nested straight in a list (not in an item), as some editors write it.
                    let mut inner = Vec::new();
                    self.list(item, element.name() == "ol", &mut inner);
                    items.extend(inner.iter().map(|b| prefix_lines(b, "  ", "")));
                }
                _ => {}
            }
        }
        if !items.is_empty() {
            out.push(items.join(if loose { "\n\n" } else { "\n" }));
        }
    }

    /// A picture with its caption; a figure holding something else (a table, an
    /// embed, a gallery of figures) gives its content.
    fn figure(&mut self, node: NodeRef<'_, Node>, out: &mut Vec<String>) {
        let images: Vec<NodeRef<'_, Node>> = node
            .descendants()
            .filter(|n| matches!(n.value(), Node::Element(e) if e.name() == "img"))
            .collect();
        let nested = node.descendants().skip(1).any(
            |n| matches!(n.value(), Node::Element(e) if matches!(e.name(), "figure" | "table")),
        );
        if images.len() != 1 || nested {
            self.blocks(node, out);
            return;
        }
        let mut picture = String::new();
        // The image with the link around it, if any.
        let holder = images[0]
            .ancestors()
            .take_while(|a| a.id() != node.id())
            .find(|a| matches!(a.value(), Node::Element(e) if e.name() == "a"))
            .unwrap_or(images[0]);
        self.inline(holder, &mut picture);
        let caption = node
            .children()
            .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "figcaption"))
            .map(|n| one_line(&text_of(n)))
            .unwrap_or_default();
        if caption.is_empty() {
            out.push(picture);
        } else {
            out.push(format!(
                "<figure>\n\n{picture}\n\n<figcaption>{}</figcaption>\n</figure>",
                escape_html(&caption)
            ));
        }
    }

    fn table(&mut self, node: NodeRef<'_, Node>, out: &mut Vec<String>) {
        let mut rows: Vec<Vec<String>> = Vec::new();
        for row in node
            .descendants()
            .filter(|n| matches!(n.value(), Node::Element(e) if e.name() == "tr"))
        {
            let mut cells = Vec::new();
            for cell in row.children() {
                if matches!(cell.value(), Node::Element(e) if e.name() == "td" || e.name() == "th")
                {
                    let mut text = String::new();
                    self.inline_children(cell, &mut text);
                    // Text is escaped already, its `|` included.
                    cells.push(one_line(&text));
                }
            }
            rows.push(cells);
        }
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0 {
            return;
        }
        let line = |cells: &[String]| {
            let mut cells = cells.to_vec();
            cells.resize(width, String::new());
            format!("| {} |", cells.join(" | "))
        };
        let mut lines = vec![line(&rows[0]), line(&vec!["---".to_owned(); width])];
        lines.extend(rows[1..].iter().map(|r| line(r)));
        out.push(lines.join("\n"));
    }

    /// An embedded player or frame, as a link to what it shows.
    fn embed(&mut self, node: NodeRef<'_, Node>) -> Option<String> {
        let source = element_attr(node, "src")
            .or_else(|| element_attr(node, "data"))
            .or_else(|| {
                node.descendants().find_map(|n| match n.value() {
                    Node::Element(e) if e.name() == "source" => e.attr("src"),
                    _ => None,
                })
            })?
            .trim()
            .to_owned();
        if source.is_empty() {
            return None;
        }
        let source = if source.starts_with("//") {
            format!("https:{source}")
        } else {
            source
        };
        self.note(format!("embed kept as a link: {source}"));
        Some(format!("<{source}>"))
    }

    /// Gutenberg's block comments carry no content, except the dynamic blocks
    /// WordPress draws when the page is shown: those cannot come along.
    fn comment(&mut self, comment: &str) {
        let comment = comment.trim();
        if let Some(block) = comment.strip_prefix("wp:")
            && comment.ends_with('/')
        {
            let name = block.split_whitespace().next().unwrap_or(block);
            let name = name.trim_end_matches('/');
            self.note(format!(
                "the WordPress block \"{name}\" is drawn by WordPress itself and was left out"
            ));
        }
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

fn element_attr<'a>(node: NodeRef<'a, Node>, name: &str) -> Option<&'a str> {
    match node.value() {
        Node::Element(element) => element.attr(name),
        _ => None,
    }
}

fn text_of(node: NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| match n.value() {
            Node::Text(text) => Some(&**text),
            _ => None,
        })
        .collect()
}

fn is_list(block: &str) -> bool {
    block.starts_with("- ")
        || block
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn code_block(node: NodeRef<'_, Node>) -> String {
    let text = text_of(node);
    let language = node
        .descendants()
        .find_map(|n| match n.value() {
            Node::Element(e) if e.name() == "code" => e.attr("class").and_then(|c| {
                c.split_whitespace()
                    .find_map(|c| c.strip_prefix("language-"))
            }),
            _ => None,
        })
        .unwrap_or_default();
    let fence = "`".repeat(longest_run(&text, '`').max(2) + 1);
    format!(
        "{fence}{language}\n{}\n{fence}",
        text.trim_end_matches('\n')
    )
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Appends text with its whitespace collapsed and Markdown's characters escaped.
fn push_text(out: &mut String, text: &str) {
    let mut last_space = out.is_empty() || out.ends_with(char::is_whitespace);
    for ch in text.chars() {
        if ch.is_whitespace() && ch != '\u{a0}' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        last_space = false;
        if matches!(
            ch,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '&' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
}

/// Ends a paragraph: trimmed, a line beginning like a heading or a list escaped.
fn flush(paragraph: &mut String, out: &mut Vec<String>) {
    let lines: Vec<&str> = paragraph.lines().map(str::trim).collect();
    let text = lines.join("\n");
    let text = text.trim().trim_end_matches('\\').trim_end();
    // A bare address on its own (an embed as WordPress stores it): a link.
    let bare = text.replace('\\', "");
    if (bare.starts_with("https://") || bare.starts_with("http://"))
        && !bare.contains(char::is_whitespace)
    {
        out.push(format!("<{bare}>"));
    } else if !text.is_empty() {
        out.push(escape_line_start(text));
    }
    paragraph.clear();
}

fn escape_line_start(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            let after = line.as_bytes().get(digits).copied();
            if line.starts_with(['#', '-', '+', '=']) {
                format!("\\{line}")
            } else if digits > 0 && matches!(after, Some(b'.' | b')')) {
                format!("{}\\{}", &line[..digits], &line[digits..])
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    push_text(&mut out, text);
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A link destination: in angle brackets when it has spaces or parentheses.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.is_empty() {
                empty.to_owned()
            } else {
                format!("{prefix}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(html: &str) -> Converted {
        to_markdown(html, &|src: &str| {
            src.strip_prefix("https://old.example/wp-content/uploads/")
                .map(|rest| format!("/media/uploads/{rest}"))
        })
    }

    #[test]
    fn headings_lists_quotes_and_links_survive() {
        let html = "<h2>The <em>budget</em></h2><p>Read <a href=\"https://x.example/a\">the report</a> \
                    and   the <strong>annex </strong>.</p><ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul>\
                    <ol start=\"3\"><li>three</li></ol><blockquote><p>Said once.</p><p>Said twice.</p></blockquote>";
        let md = convert(html).markdown;
        assert_eq!(
            md,
            "## The *budget*\n\nRead [the report](https://x.example/a) and the **annex** .\n\n\
             - one\n- two\n  - inner\n\n3. three\n\n> Said once.\n>\n> Said twice."
        );
        let rendered = kolokol_render::markdown::to_html(&md);
        assert!(
            rendered.contains("<h2>The <em>budget</em></h2>"),
            "{rendered}"
        );
        assert!(rendered.contains("<ol start=\"3\">"), "{rendered}");
        assert!(rendered.contains("<li>inner</li>"), "{rendered}");
    }

    #[test]
    fn figures_keep_their_captions_and_known_images_move_to_the_library() {
        let html = "<figure class=\"wp-block-image\"><img src=\"https://old.example/wp-content/uploads/2024/05/river.jpg\" alt=\"The river\"/>\
                    <figcaption>The Vetluga at dawn &amp; dusk</figcaption></figure>\
                    <p><img src=\"https://elsewhere.example/x.png\" alt=\"\"></p>";
        let converted = convert(html);
        assert_eq!(
            converted.markdown,
            "<figure>\n\n![The river](/media/uploads/2024/05/river.jpg)\n\n\
             <figcaption>The Vetluga at dawn &amp; dusk</figcaption>\n</figure>\n\n\
             [Image](https://elsewhere.example/x.png)"
        );
        assert_eq!(
            converted.notes,
            ["image kept as a link: https://elsewhere.example/x.png"]
        );
        let rendered = kolokol_render::markdown::to_html(&converted.markdown);
        assert!(
            rendered.contains("<figcaption>The Vetluga at dawn &amp; dusk</figcaption>"),
            "{rendered}"
        );
    }

    #[test]
    fn tables_embeds_and_dynamic_blocks() {
        let html = "<!-- wp:table --><figure class=\"wp-block-table\"><table><thead><tr><th>City</th><th>Price</th></tr></thead>\
                    <tbody><tr><td>Perm</td><td>1|2</td></tr></tbody></table></figure><!-- /wp:table -->\
                    <iframe src=\"//video.example/embed/7\"></iframe><!-- wp:latest-posts /-->";
        let converted = convert(html);
        assert_eq!(
            converted.markdown,
            "| City | Price |\n| --- | --- |\n| Perm | 1\\|2 |\n\n<https://video.example/embed/7>"
        );
        assert_eq!(converted.notes.len(), 2, "{:?}", converted.notes);
        assert!(converted.notes[1].contains("latest-posts"));
    }

    #[test]
    fn text_that_looks_like_markdown_stays_text() {
        let md =
            convert("<p>1. Not a list *really* [sic] &lt;b&gt;</p><p># not a heading</p>").markdown;
        let rendered = kolokol_render::markdown::to_html(&md);
        assert_eq!(
            rendered,
            "<p>1. Not a list *really* [sic] &lt;b&gt;</p>\n<p># not a heading</p>\n"
        );
    }

    #[test]
    fn code_and_line_breaks() {
        let md = convert("<p>Line one<br>line two with <code>a`b</code></p><pre><code class=\"language-sh\">ls -l\n</code></pre>").markdown;
        assert_eq!(md, "Line one\\\nline two with ``a`b``\n\n```sh\nls -l\n```");
    }
}

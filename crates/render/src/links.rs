//! Links that work wherever the site is put. Templates write root-relative links
//! (`/articles/x`); served pages get them relative to the page's own address, so the
//! site works under any host and behind any path prefix, and the static export gets
//! them relative to each file, with `index.html` named, so the folder works from any
//! domain, any path and `file://`.

/// The file that holds the page at `path` (`/articles/x` → `articles/x/index.html`,
/// `/archive?page=2` → `archive/page/2/index.html`, `/feed.xml` → `feed.xml`).
pub fn file_for(path: &str) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let page = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .filter(|n| *n != "1");
    let trimmed = path.trim_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    if page.is_none() && last.contains('.') {
        return trimmed.to_owned();
    }
    let mut file = String::new();
    if !trimmed.is_empty() {
        file.push_str(trimmed);
        file.push('/');
    }
    if let Some(n) = page {
        file.push_str(&format!("page/{n}/"));
    }
    file.push_str("index.html");
    file
}

/// The relative link from the file `from` to the file `to`, both relative to the root.
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map_or(Vec::new(), |(_, dirs)| dirs.to_vec());
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut link = "../".repeat(from_dirs.len() - common);
    link.push_str(&to_parts[common..].join("/"));
    link
}

/// Rewrites every root-relative `href`, `src`, `srcset` and `action` in a page that
/// lives in `file` of the static export.
pub fn relativize(html: &str, file: &str) -> String {
    relativize_with(html, &|url| rewrite(url, file))
}

/// For the export of a page served at `page` into `file`: its links, relative to the
/// page's address (as served), become relative to the file.
pub fn relativize_export(html: &str, page: &str, file: &str) -> String {
    relativize_with(html, &|url| {
        let local = !url.is_empty()
            && !url.starts_with('#')
            && !url.contains("://")
            && !url.starts_with("mailto:")
            && !url.starts_with("data:");
        if local {
            rewrite(&resolve(page, url), file)
        } else {
            url.to_owned()
        }
    })
}

/// The same for a page served at `page` (a path with an optional query): links
/// become relative to the page's address, e.g. `/articles/x` from `/sections/y` is
/// `../articles/x`.
pub fn relativize_for_page(html: &str, page: &str) -> String {
    let from = page
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    relativize_with(html, &|url| {
        if !url.starts_with('/') || url.starts_with("//") {
            return url.to_owned();
        }
        let (path, rest) = match url.find(['?', '#']) {
            Some(at) => url.split_at(at),
            None => (url, ""),
        };
        let link = relative(from, path.trim_start_matches('/'));
        // An empty link would mean "this page"; the home page from itself is `./`.
        let link = if link.is_empty() {
            "./".to_owned()
        } else {
            link
        };
        format!("{link}{rest}")
    })
}

/// Resolves `href`, found on the page served at `page`, to a root-relative path.
pub fn resolve(page: &str, href: &str) -> String {
    if href.starts_with('/') || href.contains("://") {
        return href.to_owned();
    }
    let (path, rest) = match href.find(['?', '#']) {
        Some(at) => href.split_at(at),
        None => (href, ""),
    };
    let page_path = page.split(['?', '#']).next().unwrap_or("/");
    let mut segments: Vec<&str> = page_path.trim_start_matches('/').split('/').collect();
    segments.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing = if path.ends_with('/') && !segments.is_empty() {
        "/"
    } else {
        ""
    };
    let query_only = path.is_empty() && !rest.is_empty();
    let base = if query_only {
        page_path.to_owned()
    } else {
        format!("/{}{trailing}", segments.join("/"))
    };
    format!("{base}{rest}")
}

fn relativize_with(html: &str, map: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 20);
    let mut rest = html;
    while let Some((index, attribute)) = next_attribute(rest) {
        let value_start = index + attribute.len();
        out.push_str(&rest[..value_start]);
        let after = &rest[value_start..];
        let Some(end) = after.find('"') else {
            rest = after;
            break;
        };
        let value = &after[..end];
        if attribute == "srcset=\"" {
            let rewritten: Vec<String> = value
                .split(", ")
                .map(|candidate| match candidate.split_once(' ') {
                    Some((url, width)) => format!("{} {width}", map(url)),
                    None => map(candidate),
                })
                .collect();
            out.push_str(&rewritten.join(", "));
        } else {
            out.push_str(&map(value));
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The next `href="`, `src="`, `srcset="` or `action="` (a whole attribute name: a
/// space before it, so not `data-href`), in one pass over the text.
fn next_attribute(text: &str) -> Option<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut search = 0;
    while let Some(found) = text[search..].find("=\"") {
        let equals = search + found;
        for attribute in ["href=\"", "src=\"", "srcset=\"", "action=\""] {
            let name = attribute.len() - 2;
            if equals > name
                && bytes[equals - name..equals] == attribute.as_bytes()[..name]
                && bytes[equals - name - 1].is_ascii_whitespace()
            {
                return Some((equals - name, attribute));
            }
        }
        search = equals + 2;
    }
    None
}

/// A root-relative URL as a link from `file`; anything else is left alone.
fn rewrite(url: &str, file: &str) -> String {
    if !url.starts_with('/') || url.starts_with("//") {
        return url.to_owned();
    }
    let (target, fragment) = url.split_once('#').map_or((url, ""), |(t, f)| (t, f));
    let mut link = relative(file, &file_for(target));
    if !fragment.is_empty() {
        link.push('#');
        link.push_str(fragment);
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found_in_one_pass_whatever_the_text_around_them() {
        let html = "<p data-href=\"/no\">é=\"x\" ü</p><a class=\"k\" href=\"/yes\">y</a><form action=\"/newsletter\">";
        assert_eq!(
            relativize(html, "articles/a/index.html"),
            "<p data-href=\"/no\">é=\"x\" ü</p><a class=\"k\" href=\"../../yes/index.html\">y</a><form action=\"../../newsletter/index.html\">"
        );
    }

    #[test]
    fn pages_map_to_files() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(
            file_for("/articles/night-ferry"),
            "articles/night-ferry/index.html"
        );
        assert_eq!(file_for("/archive?page=2"), "archive/page/2/index.html");
        assert_eq!(file_for("/archive?page=1"), "archive/index.html");
        assert_eq!(
            file_for("/sections/politics/feed.xml"),
            "sections/politics/feed.xml"
        );
        assert_eq!(file_for("/media/demo/a-480.jpg"), "media/demo/a-480.jpg");
    }

    #[test]
    fn served_pages_link_relative_to_their_address() {
        let html = r#"<a href="/articles/x">x</a><a href="/">home</a><a href="/archive?page=2">2</a><img srcset="/media/a.jpg 480w, /media/b.jpg 960w"><a href="https://else.example/">e</a>"#;
        assert_eq!(
            relativize_for_page(html, "/sections/culture?page=3"),
            r#"<a href="../articles/x">x</a><a href="../">home</a><a href="../archive?page=2">2</a><img srcset="../media/a.jpg 480w, ../media/b.jpg 960w"><a href="https://else.example/">e</a>"#
        );
        assert_eq!(
            relativize_for_page(r#"<a href="/">h</a><a href="/archive">a</a>"#, "/"),
            r#"<a href="./">h</a><a href="archive">a</a>"#
        );
        assert_eq!(
            relativize_for_page(r#"<a href="/archive?page=2">n</a>"#, "/archive"),
            r#"<a href="archive?page=2">n</a>"#
        );
    }

    #[test]
    fn relative_links_resolve_back() {
        for (page, href, path) in [
            ("/sections/culture", "../articles/x", "/articles/x"),
            ("/", "./", "/"),
            ("/sections/culture", "../", "/"),
            ("/archive", "archive?page=2", "/archive?page=2"),
            ("/lite/articles/x", "../../media/a.jpg", "/media/a.jpg"),
            ("/a", "/b", "/b"),
        ] {
            assert_eq!(resolve(page, href), path, "{page} {href}");
        }
    }

    #[test]
    fn links_become_relative_to_the_file() {
        assert_eq!(
            relative("index.html", "articles/x/index.html"),
            "articles/x/index.html"
        );
        assert_eq!(
            relative("articles/x/index.html", "index.html"),
            "../../index.html"
        );
        assert_eq!(
            relative("sections/a/page/2/index.html", "sections/a/index.html"),
            "../../index.html"
        );
        assert_eq!(
            relativize_export(
                r#"<a href="../articles/x">x</a><a href="../">h</a><a href="../archive?page=2">n</a>"#,
                "/sections/y",
                "sections/y/index.html"
            ),
            r#"<a href="../../articles/x/index.html">x</a><a href="../../index.html">h</a><a href="../../archive/page/2/index.html">n</a>"#
        );
        let html = r##"<a href="/articles/x">x</a> <link href="https://bell.example/articles/x"> <img src="/media/a-480.jpg" srcset="/media/a-480.jpg 480w, /media/a-960.jpg 960w"> <a href="#content">skip</a> <a data-href="/no">n</a> <a href="/archive?page=2#top">p</a>"##;
        assert_eq!(
            relativize(html, "articles/y/index.html"),
            r##"<a href="../x/index.html">x</a> <link href="https://bell.example/articles/x"> <img src="../../media/a-480.jpg" srcset="../../media/a-480.jpg 480w, ../../media/a-960.jpg 960w"> <a href="#content">skip</a> <a data-href="/no">n</a> <a href="../../archive/page/2/index.html#top">p</a>"##
        );
    }
}

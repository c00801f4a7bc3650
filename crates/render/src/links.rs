//! Links that work wherever the site is put. Templates write root-relative links
//! (`/articles/x`); served pages get them relative to the page's own address, so the
//! site works under any host and behind any path prefix, and the static export gets
//! them relative to each file, with `index.html` named, so the folder works from any
//! domain, any path and `file://`.
//!
//! Every address is read the way a browser reads it (character references decoded,
//! backslashes, tabs, dot segments and percent-encoded dots as the URL standard says)
//! before any segment is compared, and a link is only ever rebuilt from those parsed
//! segments. A link that would start with something a browser could take for a scheme
//! (`javascript:`), a host (`//`, `\\`) or the root is written `./…`, so whatever an
//! article or a setting contains, the output resolves to the same path on the same
//! site as its input, or is left exactly as it was.

use std::borrow::Cow;

use url::Url;

/// The origin every root-relative address is parsed against; never contacted.
const BASE: &str = "http://kolokol.invalid/";

fn base() -> Option<&'static Url> {
    static BASE_URL: std::sync::OnceLock<Option<Url>> = std::sync::OnceLock::new();
    BASE_URL.get_or_init(|| Url::parse(BASE).ok()).as_ref()
}

/// A root-relative address as a browser reads it: its path (normalized, starting with
/// `/`) and what follows it (query and fragment). `None` when the address is not
/// root-relative or leaves the site (`//host`, `/\host`, a scheme).
pub fn parse_local(url: &str) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
    if !url.starts_with('/') {
        return None;
    }
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, rest) = url.split_at(split);
    if is_plain_path(path) {
        return Some((Cow::Borrowed(path), Cow::Borrowed(rest)));
    }
    let base = base()?;
    let parsed = base.join(url).ok()?;
    if parsed.origin() != base.origin() {
        return None;
    }
    let mut rest = String::new();
    if let Some(query) = parsed.query() {
        rest.push('?');
        rest.push_str(query);
    }
    if let Some(fragment) = parsed.fragment() {
        rest.push('#');
        rest.push_str(fragment);
    }
    Some((Cow::Owned(parsed.path().to_owned()), Cow::Owned(rest)))
}

/// A path a browser reads exactly as written: only unreserved characters, no empty
/// and no dot segments. Anything else goes through the URL parser.
fn is_plain_path(path: &str) -> bool {
    path.starts_with('/') && path.bytes().all(is_plain_byte) && {
        let segments = path[1..].split('/').count();
        path[1..]
            .split('/')
            .enumerate()
            .all(|(i, segment)| match segment {
                "." | ".." => false,
                // Only the last segment may be empty (a trailing slash, or the root).
                "" => i + 1 == segments,
                _ => true,
            })
    }
}

/// An unreserved character of a URL path, or its `/`: nothing a browser reads
/// differently from how it is written.
fn is_plain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/')
}

/// Makes a link rebuilt from path segments safe to write: an empty link means this
/// page (`./`); one that starts with `/` or whose first segment holds a `:` would be
/// read as root-relative or as a scheme, and from a `file:` page `A|` as a Windows
/// drive, so it is written `./…`.
fn guarded(link: String) -> String {
    let first = link.split('/').next().unwrap_or("");
    if link.is_empty() {
        "./".to_owned()
    } else if link.starts_with('/') || first.contains([':', '|']) {
        format!("./{link}")
    } else {
        link
    }
}

/// The file that holds the page at `path` (`/articles/x` → `articles/x/index.html`,
/// `/archive?page=2` → `archive/page/2/index.html`, `/feed.xml` → `feed.xml`).
pub fn file_for(path: &str) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let page = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .filter(|n| *n != "1");
    // A file system has no empty folder names: `a//b` is the file `a/b`.
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let trimmed = segments.join("/");
    let last = segments.last().copied().unwrap_or("");
    if page.is_none() && last.contains('.') {
        return trimmed;
    }
    let mut file = String::new();
    if !trimmed.is_empty() {
        file.push_str(&trimmed);
        file.push('/');
    }
    if let Some(n) = page {
        file.push_str(&format!("page/{n}/"));
    }
    file.push_str("index.html");
    file
}

/// The relative link from the file `from` to the file `to`, both relative to the root
/// and both already normalized (as [`parse_local`] gives them).
pub fn relative(from: &str, to: &str) -> String {
    // Each part before a slash is a folder; the last part is a file (or the empty
    // name of a folder's own page). Only folders are shared, never `to`'s file.
    let slashes = |path: &str| path.bytes().filter(|&b| b == b'/').count();
    let (from_dirs, to_dirs) = (slashes(from), slashes(to));
    let common = from
        .split('/')
        .take(from_dirs)
        .zip(to.split('/').take(to_dirs))
        .take_while(|(a, b)| a == b)
        .count();
    // `to` from its first part not shared (its parts after `common` slashes).
    let unshared = match common {
        0 => to,
        n => to
            .match_indices('/')
            .nth(n - 1)
            .map_or(to, |(at, _)| &to[at + 1..]),
    };
    let mut link = String::with_capacity(3 * (from_dirs - common) + unshared.len());
    for _ in common..from_dirs {
        link.push_str("../");
    }
    link.push_str(unshared);
    guarded(link)
}

/// Rewrites every root-relative `href`, `src`, `srcset` and `action` in a page that
/// lives in `file` of the static export.
pub fn relativize(html: &str, file: &str) -> String {
    relativize_with(html, &|url| rewrite(url, file))
}

/// For the export of a page served at `page` into `file`: its links, relative to the
/// page's address (as served), become relative to the file.
pub fn relativize_export(html: &str, page: &str, file: &str) -> String {
    relativize_export_in(html, page, file, "")
}

/// [`relativize_export`] for a page of the edition under `prefix` (`/en`): its
/// media and theme assets, which the edition serves under its prefix too, are the
/// export's one copy at the root.
pub fn relativize_export_in(html: &str, page: &str, file: &str, prefix: &str) -> String {
    relativize_with(html, &|url| {
        let local = !url.is_empty() && !url.starts_with('#') && !has_scheme(url);
        if local {
            // `resolve` gives a path: one that starts with `//` is still a path here.
            let mut resolved = resolve(page, url);
            if !prefix.is_empty()
                && let Some(rest) = resolved.strip_prefix(prefix)
                && (rest.starts_with("/media/") || rest.starts_with("/assets/"))
            {
                resolved = rest.to_owned();
            }
            match resolved.strip_prefix('/') {
                Some(path) if path.starts_with('/') => rewrite(&format!("/.{resolved}"), file),
                _ => rewrite(&resolved, file),
            }
        } else {
            url.to_owned()
        }
    })
}

/// The same for a page served at `page` (a path with an optional query): links
/// become relative to the page's address, e.g. `/articles/x` from `/sections/y` is
/// `../articles/x`.
pub fn relativize_for_page(html: &str, page: &str) -> String {
    let page_path = page.split(['?', '#']).next().unwrap_or("/");
    let from = page_address(page_path);
    let from = from.strip_prefix('/').unwrap_or(&from);
    relativize_with(html, &|url| link_from(from, url))
}

/// One root-relative `url` as a link from the page served at `page`, as
/// [`relativize_for_page`] writes it: `/articles/x` from `/en/articles/y` is
/// `../../articles/x`.
pub fn link_for_page(page: &str, url: &str) -> String {
    let page_path = page.split(['?', '#']).next().unwrap_or("/");
    let from = page_address(page_path);
    link_from(from.strip_prefix('/').unwrap_or(&from), url)
}

/// `url` relative to the page whose address (without its root slash) is `from`.
fn link_from(from: &str, url: &str) -> String {
    match parse_local(url) {
        Some((path, rest)) => {
            // Only the one root slash goes: `//x` is a path with an empty segment here.
            let mut link = relative(from, path.strip_prefix('/').unwrap_or(&path));
            link.push_str(&rest);
            link
        }
        None => url.to_owned(),
    }
}

/// A page's path as the browser holds it in its address bar (a request for `//a`
/// is the path `//a` on this site, not the host `a`).
fn page_address(page_path: &str) -> Cow<'_, str> {
    if is_plain_path(page_path) {
        return Cow::Borrowed(page_path);
    }
    match base() {
        Some(base) => {
            let mut url = base.clone();
            url.set_path(page_path);
            Cow::Owned(url.path().to_owned())
        }
        None => Cow::Borrowed("/"),
    }
}

/// Resolves `href`, found on the page served at `page`, to a root-relative path; an
/// address that leaves the site is returned as it is.
pub fn resolve(page: &str, href: &str) -> String {
    if href.starts_with('/') || has_scheme(href) {
        return href.to_owned();
    }
    let (path, rest) = match href.find(['?', '#']) {
        Some(at) => href.split_at(at),
        None => (href, ""),
    };
    let page_path = page.split(['?', '#']).next().unwrap_or("/");
    let plain = |p: &str| p.bytes().all(is_plain_byte);
    let plain_page = plain(page_path) && page_path.starts_with('/') && !page_path.contains("//");
    if !(plain(path) && !path.contains("//") && plain_page) {
        return resolve_parsed(page_path, href).unwrap_or_else(|| href.to_owned());
    }
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

/// [`resolve`] through the URL parser, for anything but plain paths.
fn resolve_parsed(page_path: &str, href: &str) -> Option<String> {
    let base = base()?;
    let mut page = base.clone();
    page.set_path(page_path);
    let resolved = page.join(href).ok()?;
    if resolved.origin() != base.origin() {
        return None;
    }
    let mut out = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        out.push('#');
        out.push_str(fragment);
    }
    Some(out)
}

/// Whether a URL starts with a scheme (`https:`, `mailto:`, `javascript:`), as the URL
/// standard reads one: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
pub fn has_scheme(url: &str) -> bool {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'\t' | b'\n' | b'\r')
        })
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
        let raw = &after[..end];
        // The browser reads the value with its character references decoded.
        let value = decode_references(raw);
        let rewritten = if attribute == "srcset=\"" {
            value
                .split(", ")
                .map(|candidate| match candidate.split_once(' ') {
                    Some((url, width)) => format!("{} {width}", map(url)),
                    None => map(candidate),
                })
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            map(&value)
        };
        escape_attribute(&rewritten, &mut out);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// An attribute value with its character references decoded exactly as a browser
/// decodes them (the HTML standard's rules for attribute values, with its table of
/// named references), so the link that is rewritten is the link the reader follows.
fn decode_references(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match reference(after) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character reference at the start of `text` (just after its `&`) inside an
/// attribute value: what it stands for and how many bytes it takes.
fn reference(text: &str) -> Option<(String, usize)> {
    if let Some(number) = text.strip_prefix('#') {
        let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (number, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| b.is_ascii_digit() || (radix == 16 && b.is_ascii_hexdigit()))
            .count();
        if len == 0 {
            return None;
        }
        let code = u32::from_str_radix(&digits[..len], radix).unwrap_or(u32::MAX);
        let c = match code {
            0x80..=0x9f => markup5ever::data::C1_REPLACEMENTS[(code - 0x80) as usize]
                .unwrap_or_else(|| char::from_u32(code).unwrap_or('\u{fffd}')),
            0 => '\u{fffd}',
            _ => char::from_u32(code).unwrap_or('\u{fffd}'),
        };
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c.to_string(), skip + len + semicolon));
    }
    let name_len = text.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let chars = |first: u32, second: u32| {
        let mut decoded = String::new();
        decoded.extend(char::from_u32(first));
        decoded.extend(char::from_u32(second).filter(|_| second != 0));
        decoded
    };
    // The longest name in the standard's table that the text starts with.
    for len in (1..=name_len).rev() {
        // With its `;` (only when the whole run of letters and digits is the name)…
        if len == name_len
            && text[len..].starts_with(';')
            && let Some(&(first, second)) = markup5ever::data::NAMED_ENTITIES.get(&text[..=len])
            && first != 0
        {
            return Some((chars(first, second), len + 1));
        }
        // …or one of the old names that may go without it. In an attribute, such a
        // name followed by `=` or a letter or digit is left as text.
        // (The table also lists every prefix of a name, as (0, 0): not a reference.)
        if let Some(&(first, second)) = markup5ever::data::NAMED_ENTITIES.get(&text[..len])
            && first != 0
        {
            let next = text[len..].bytes().next();
            if next.is_some_and(|b| b == b'=' || b.is_ascii_alphanumeric()) {
                return None;
            }
            return Some((chars(first, second), len));
        }
    }
    None
}

/// Writes a value into a double-quoted attribute.
fn escape_attribute(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
}

/// The next `href="`, `src="`, `srcset="` or `action="` (a whole attribute name: a
/// space before it, so not `data-href`), in one pass over the text.
fn next_attribute(text: &str) -> Option<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut search = 0;
    // memchr's vectorised search: `str::find` with a two-byte pattern was a few per
    // cent of an uncached page's CPU.
    static QUOTED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("=\""));
    while let Some(found) = QUOTED.find(&bytes[search..]) {
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
    let Some((path, rest)) = parse_local(url) else {
        return url.to_owned();
    };
    let (query, fragment) = rest.split_once('#').map_or((&*rest, ""), |(q, f)| (q, f));
    let mut link = relative(file, &file_for(&format!("{path}{query}")));
    if !fragment.is_empty() {
        link.push('#');
        link.push_str(fragment);
    }
    link
}

#[cfg(test)]
mod tests;

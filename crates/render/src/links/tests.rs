//! Links made relative, resolved and rewritten for the export.

use super::*;

#[test]
fn relative_links_follow_the_folder_rule() {
    // The rule spelled out with vectors, against the counting version, over
    // every pair of a set of paths that share folders in every way.
    fn by_parts(from: &str, to: &str) -> String {
        let from_parts: Vec<&str> = from.split('/').collect();
        let from_dirs = &from_parts[..from_parts.len() - 1];
        let to_parts: Vec<&str> = to.split('/').collect();
        let to_dirs = &to_parts[..to_parts.len() - 1];
        let common = from_dirs
            .iter()
            .zip(to_dirs)
            .take_while(|(a, b)| a == b)
            .count();
        let mut link = "../".repeat(from_dirs.len() - common);
        link.push_str(&to_parts[common..].join("/"));
        guarded(link)
    }
    let paths = [
        "",
        "a",
        "a/",
        "a/b",
        "a/b/",
        "a/b/c",
        "a/c",
        "b/a",
        "a//b",
        "/a",
        "x:y/z",
        "en/articles/y",
        "en/articles/",
        "articles/x",
        "en/tags/t/",
        "media/p.jpg",
    ];
    for from in paths {
        for to in paths {
            assert_eq!(relative(from, to), by_parts(from, to), "{from} -> {to}");
        }
    }
}

#[test]
fn attributes_are_found_in_one_pass_whatever_the_text_around_them() {
    let html = "<p data-href=\"/no\">é=\"x\" ü</p><a class=\"k\" href=\"/yes\">y</a><form action=\"/newsletter\">";
    assert_eq!(
        relativize(html, "articles/a/index.html"),
        "<p data-href=\"/no\">é=\"x\" ü</p><a class=\"k\" href=\"../../yes/index.html\">y</a><form action=\"../../newsletter/index.html\">"
    );
}

#[test]
fn links_between_editions_climb_out_of_the_prefix() {
    assert_eq!(
        link_for_page("/en/articles/y", "/articles/x"),
        "../../articles/x"
    );
    assert_eq!(
        link_for_page("/articles/x", "/en/articles/y"),
        "../en/articles/y"
    );
    assert_eq!(link_for_page("/", "/en/"), "en/");
    assert_eq!(link_for_page("/en/", "/"), "../");
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

#[test]
fn links_can_never_be_steered_into_a_scheme_or_another_host() {
    let page = "/articles/night-ferry";
    for (link, served) in [
        (
            "/articles/night-ferry/javascript:alert(document.domain)/1.1",
            "night-ferry/javascript:alert(document.domain)/1.1",
        ),
        (
            "/articles/night-ferry/\\\\host/p.gif",
            "night-ferry///host/p.gif",
        ),
        ("/javascript:alert(1)", "../javascript:alert(1)"),
        ("/\\host/p.gif", "/\\host/p.gif"),
        ("//host/p.gif", "//host/p.gif"),
        ("/articles/x/..%2f..%2f", "x/..%2f..%2f"),
    ] {
        let html = format!("<a href=\"{link}\">x</a>");
        assert_eq!(
            relativize_for_page(&html, page),
            format!("<a href=\"{served}\">x</a>"),
            "{link}"
        );
    }
    // From the page's own folder, the dropped folders leave a scheme-like first
    // segment behind: it is written as a path.
    assert_eq!(
        relativize_for_page(
            "<a href=\"/articles/night-ferry/javascript:alert(1)/1.1\">x</a>",
            "/articles/night-ferry/"
        ),
        "<a href=\"./javascript:alert(1)/1.1\">x</a>"
    );
    assert_eq!(
        relativize_for_page("<a href=\"/a/b///evil.example/x\">x</a>", "/a/b/"),
        "<a href=\".///evil.example/x\">x</a>"
    );
    // The menu link of a setting on the mirror's front page.
    assert_eq!(
        relativize("<a href=\"/javascript:alert(1)\">m</a>", "index.html"),
        "<a href=\"./javascript:alert(1)/index.html\">m</a>"
    );
    // Character references are read as the browser reads them.
    assert_eq!(
        relativize_for_page(
            "<a href=\"/articles/night-ferry/javascript&#58;alert(1)\">x</a>",
            "/articles/night-ferry/"
        ),
        "<a href=\"./javascript:alert(1)\">x</a>"
    );
    assert_eq!(
        relativize_for_page(
            "<a href=\"/articles/night-ferry/&bsol;&bsol;host\">x</a>",
            "/articles/night-ferry/"
        ),
        "<a href=\".///host\">x</a>"
    );
}

/// Property tests over arbitrary pages and links: whatever goes in, the link that
/// comes out means the same place on the same site. `fuzz/run.sh` runs them for
/// longer; failures found are kept in `proptest-regressions/` and `fuzz/corpus/`.
mod properties {
    use super::super::*;
    use proptest::prelude::*;

    /// What a browser reads from the `href` of the first link in `html`.
    fn href(html: &str) -> Option<String> {
        let document = scraper::Html::parse_fragment(html);
        let selector = scraper::Selector::parse("a").ok()?;
        document
            .select(&selector)
            .next()?
            .value()
            .attr("href")
            .map(str::to_owned)
    }

    fn page_url(page: &str) -> Url {
        let mut url = Url::parse("http://kolokol.invalid/").unwrap_or_else(|e| panic!("{e}"));
        url.set_path(page);
        url
    }

    fn same_place(a: &Url, b: &Url) -> bool {
        a.origin() == b.origin() && a.path() == b.path() && a.query() == b.query()
    }

    /// One link the way an author, a setting or an attacker could write it.
    fn link() -> impl Strategy<Value = String> {
        let segment = prop_oneof![
            "[a-z0-9-]{1,8}",
            Just(String::new()),
            Just(".".to_owned()),
            Just("..".to_owned()),
            Just("%2e%2E".to_owned()),
            Just("javascript:alert(1)".to_owned()),
            Just("data:text/html,x".to_owned()),
            Just("\\\\host".to_owned()),
            Just("\\".to_owned()),
            Just("&#58;".to_owned()),
            Just("&#x5c;".to_owned()),
            Just("&amp;".to_owned()),
            Just("&colon;".to_owned()),
            Just("\t".to_owned()),
            Just("%00".to_owned()),
            Just("?q=1".to_owned()),
            Just("#top".to_owned()),
            Just("x.jpg".to_owned()),
            "[ -~]{0,6}".prop_filter("no quotes", |s| !s.contains('"')),
            Just("&notit;".to_owned()),
            Just("&#x80;".to_owned()),
            Just("&#58".to_owned()),
        ];
        prop::collection::vec(segment, 0..8).prop_map(|segments| format!("/{}", segments.join("/")))
    }

    fn page() -> impl Strategy<Value = String> {
        let segment = prop_oneof![
            "[a-z0-9-]{1,8}",
            Just("articles".to_owned()),
            Just("night-ferry".to_owned()),
            Just("javascript:".to_owned()),
            Just(String::new()),
        ];
        (prop::collection::vec(segment, 0..5), any::<bool>()).prop_map(|(segments, slash)| {
            let mut page = format!("/{}", segments.join("/"));
            if slash && !page.ends_with('/') {
                page.push('/');
            }
            page
        })
    }

    fn check_served(page: &str, link: &str) -> Result<(), TestCaseError> {
        let html = format!("<a href=\"{link}\">x</a>");
        let Some(input) = href(&html) else {
            return Ok(());
        };
        // The browser's address for the page, as it sends it (normalized).
        let address = page_url(page);
        let output = relativize_for_page(&html, address.path());
        let out = href(&output).unwrap_or_default();
        let expected = address.join(&input);
        let got = address.join(&out);
        match (expected, got) {
            (Ok(expected), Ok(got)) => prop_assert!(
                same_place(&expected, &got),
                "page {page:?} link {input:?} -> {out:?}: {expected} vs {got}"
            ),
            (Err(_), _) => {}
            (Ok(expected), Err(e)) => {
                prop_assert!(
                    false,
                    "{input:?} -> {out:?} no longer parses ({e}); was {expected}"
                )
            }
        }
        Ok(())
    }

    /// The exported file's link stays inside the mirror's folder and never
    /// becomes a scheme.
    fn check_exported(page: &str, link: &str) -> Result<(), TestCaseError> {
        let html = format!("<a href=\"{link}\">x</a>");
        let address = page_url(page);
        let file = file_for(address.path());
        let served = relativize_for_page(&html, address.path());
        let output = relativize_export(&served, address.path(), &file);
        let Some(out) = href(&output) else {
            return Ok(());
        };
        let mut here = Url::parse("file:///mirror/root/").unwrap_or_else(|e| panic!("{e}"));
        here.set_path(&format!("/mirror/root/{file}"));
        if let Ok(resolved) = here.join(&out) {
            let input = href(&html).unwrap_or_default();
            let off_site = page_url("/")
                .join(&input)
                .map_or(true, |u| u.origin() != page_url("/").origin());
            prop_assert!(
                off_site
                    || (resolved.scheme() == "file"
                        && resolved.path().starts_with("/mirror/root/")),
                "{page:?} {link:?} -> {out:?} = {resolved}"
            );
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn served_links_resolve_to_the_same_place(page in page(), link in link()) {
            check_served(&page, &link)?;
        }

        #[test]
        fn exported_links_stay_in_the_mirror(page in page(), link in link()) {
            check_exported(&page, &link)?;
        }
    }

    #[test]
    fn the_committed_corpus_holds() {
        let corpus = include_str!("../../../../fuzz/corpus/links.txt");
        for line in corpus
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with("# "))
        {
            let (page, link) = line
                .split_once(' ')
                .unwrap_or(("/articles/night-ferry", line));
            check_served(page, link).unwrap_or_else(|e| panic!("{line}: {e}"));
            check_exported(page, link).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }
}

//! A fuzz target over the whole path an article body takes: Markdown → sanitiser →
//! links made relative for the served page → links made relative for the export.
//! Whatever an author writes, a reader's browser may only be sent to http(s) or
//! mailto addresses, may only load images from this site, and a mirror's images
//! stay inside the mirror. `fuzz/run.sh` runs it for a set time; the committed
//! corpus (`fuzz/corpus/bodies.txt`) runs on every test.

use kolokol_render::{links, markdown};
use proptest::prelude::*;
use url::Url;

const SITE: &str = "http://kolokol.invalid";

fn address(path: &str) -> Url {
    let mut url = Url::parse(SITE).unwrap_or_else(|e| panic!("{e}"));
    url.set_path(path);
    url
}

/// Every (element, attribute, value) that a browser would follow or load; a
/// `srcset` gives one entry per candidate.
fn targets(html: &str) -> Vec<(String, String, String)> {
    let document = scraper::Html::parse_fragment(html);
    let selector = scraper::Selector::parse("[href], [src], [srcset], [action]")
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut found = Vec::new();
    for element in document.select(&selector) {
        let name = element.value().name().to_owned();
        for attribute in ["href", "src", "action"] {
            if let Some(value) = element.value().attr(attribute) {
                found.push((name.clone(), attribute.to_owned(), value.to_owned()));
            }
        }
        if let Some(srcset) = element.value().attr("srcset") {
            for candidate in srcset.split(',') {
                let url = candidate.split_whitespace().next().unwrap_or("");
                found.push((name.clone(), "srcset".to_owned(), url.to_owned()));
            }
        }
    }
    found
}

fn loads(element: &str, attribute: &str) -> bool {
    element == "img" || attribute == "src" || attribute == "srcset"
}

fn check(body: &str, page: &str) -> Result<(), TestCaseError> {
    let sanitised = markdown::to_html(body);
    let page_url = address(page);
    let served = links::relativize_for_page(&sanitised, page_url.path());
    for (element, attribute, value) in targets(&served) {
        let Ok(resolved) = page_url.join(&value) else {
            continue;
        };
        if loads(&element, &attribute) {
            prop_assert_eq!(
                resolved.origin(),
                page_url.origin(),
                "{} loads {:?} from elsewhere (body {:?})",
                element,
                value,
                body
            );
        } else {
            prop_assert!(
                matches!(resolved.scheme(), "http" | "https" | "mailto"),
                "{} {}={:?} leads to {} (body {:?})",
                element,
                attribute,
                value,
                resolved,
                body
            );
        }
    }
    let file = links::file_for(page_url.path());
    let exported = links::relativize_export(&served, page_url.path(), &file);
    let mut here = Url::parse("file:///mirror/").unwrap_or_else(|e| panic!("{e}"));
    here.set_path(&format!("/mirror/{file}"));
    for (element, attribute, value) in targets(&exported) {
        let Ok(resolved) = here.join(&value) else {
            continue;
        };
        if loads(&element, &attribute) {
            prop_assert!(
                resolved.scheme() == "file" && resolved.path().starts_with("/mirror/"),
                "exported {} loads {:?} = {} (body {:?})",
                element,
                value,
                resolved,
                body
            );
        } else {
            prop_assert!(
                matches!(resolved.scheme(), "http" | "https" | "mailto" | "file"),
                "exported {} {}={:?} leads to {} (body {:?})",
                element,
                attribute,
                value,
                resolved,
                body
            );
        }
    }
    Ok(())
}

fn url_part() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{1,6}",
        Just("articles".to_owned()),
        Just("night-ferry".to_owned()),
        Just("javascript:alert(1)".to_owned()),
        Just("JaVaScRiPt:alert(1)".to_owned()),
        Just("data:text/html,x".to_owned()),
        Just("vbscript:x".to_owned()),
        Just("\\\\host".to_owned()),
        Just("\\".to_owned()),
        Just("//host".to_owned()),
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just("%2e%2e".to_owned()),
        Just("&#58;".to_owned()),
        Just("&colon;".to_owned()),
        Just("&#x5c;".to_owned()),
        Just("\t".to_owned()),
        Just(String::new()),
        Just("x.gif".to_owned()),
        Just("?a=1&b=2".to_owned()),
        Just("#f".to_owned()),
        "[ -~]{0,5}",
    ]
}

fn link_target() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(""),
            Just("/"),
            Just("https://else.example/"),
            Just("http:"),
            Just("mailto:"),
            Just("javascript:"),
            Just(" /"),
            Just("\t/")
        ],
        prop::collection::vec(url_part(), 0..6),
    )
        .prop_map(|(start, parts)| format!("{start}{}", parts.join("/")))
}

/// A body as an author, an importer or an attacker could write it.
fn body() -> impl Strategy<Value = String> {
    let attribute = |t: String| t.replace('"', "");
    let piece = prop_oneof![
        link_target().prop_map(|t| format!("[a link]({t})")),
        link_target().prop_map(|t| format!("![a picture]({t})")),
        link_target().prop_map(move |t| format!("<a href=\"{}\">raw</a>", attribute(t))),
        link_target().prop_map(move |t| format!("<img src=\"{}\" alt=\"\">", attribute(t))),
        link_target().prop_map(move |t| format!("<img srcset=\"{} 2x\">", attribute(t))),
        link_target().prop_map(move |t| format!("<form action=\"{}\"></form>", attribute(t))),
        link_target().prop_map(|t| format!("<{t}>")),
        link_target().prop_map(|t| format!("[ref]\n\n[ref]: {t}")),
        Just("Some words, *emphasis*, and a > quote.".to_owned()),
    ];
    prop::collection::vec(piece, 1..5).prop_map(|pieces| pieces.join("\n\n"))
}

fn page() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_owned()),
        Just("/articles/night-ferry".to_owned()),
        Just("/articles/night-ferry/".to_owned()),
        Just("/lite/articles/night-ferry".to_owned()),
        Just("/sections/politics".to_owned()),
        "/[a-z:]{1,6}/[a-z]{0,4}",
    ]
}

proptest! {
    #[test]
    fn no_body_can_send_a_reader_astray(body in body(), page in page()) {
        check(&body, &page)?;
    }
}

#[test]
fn the_committed_corpus_holds() {
    let corpus = include_str!("../../../fuzz/corpus/bodies.txt");
    for entry in corpus.split("\n---\n").filter(|e| !e.trim().is_empty()) {
        for page in ["/", "/articles/night-ferry", "/articles/night-ferry/"] {
            check(entry, page).unwrap_or_else(|e| panic!("{entry:?} on {page}: {e}"));
        }
    }
}

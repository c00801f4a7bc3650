//! The exported mirror, checked the way a reader's browser would use it: every link
//! inside it resolves to a file in it, from wherever the folder is put.

#![expect(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use kolokol_testkit::fixtures::Fixtures;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::Utc;
use kolokol_web::AppState;

mod common;

async fn demo_state(dir: &Path) -> AppState {
    let (store, media) = common::demo_newsroom(dir).await;
    let site = kolokol_demo::site_config("https://bell.example").unwrap();
    let theme = kolokol_render::Theme::new(None, site.tz()).unwrap();
    AppState::new(store, theme, site, media, None)
        .await
        .unwrap()
}

fn html_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
    }
    out
}

/// Every internal link of every page resolves to a file; returns how many were checked.
fn check_links(root: &Path) -> usize {
    let selector = scraper::Selector::parse(
        "a[href], link[href], img[src], source[srcset], img[srcset], script[src]",
    )
    .unwrap();
    let mut checked = 0;
    for file in html_files(root) {
        let html = scraper::Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        for element in html.select(&selector) {
            let value = element.value();
            let mut targets: Vec<&str> = Vec::new();
            for attribute in ["href", "src"] {
                targets.extend(value.attr(attribute));
            }
            if let Some(srcset) = value.attr("srcset") {
                targets.extend(srcset.split(", ").filter_map(|c| c.split(' ').next()));
            }
            for target in targets {
                if target.starts_with('#')
                    || target.contains("://")
                    || target.starts_with("mailto:")
                {
                    if target.starts_with("https://bell.example") {
                        // For search engines, never followed by readers: the
                        // canonical address and the other languages' versions.
                        let metadata = value.attr("rel") == Some("canonical")
                            || (value.attr("rel") == Some("alternate")
                                && value.attr("hreflang").is_some());
                        assert!(
                            metadata,
                            "{}: an absolute link to the main domain: {target}",
                            file.display()
                        );
                    }
                    continue;
                }
                assert!(
                    !target.starts_with('/'),
                    "{}: root-relative link {target}",
                    file.display()
                );
                let path = target.split('#').next().unwrap();
                let resolved = file.parent().unwrap().join(path);
                assert!(
                    resolved.is_file(),
                    "{}: {target} does not resolve",
                    file.display()
                );
                checked += 1;
            }
        }
    }
    checked
}

#[tokio::test]
async fn the_mirror_works_from_any_folder_and_updates_only_what_changed() {
    let data = tempfile::tempdir().unwrap();
    let state = demo_state(data.path()).await;
    let out = tempfile::tempdir().unwrap();
    let mut calls = 0;
    let report = kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        out.path(),
        |_, _| calls += 1,
    )
    .await
    .unwrap();
    assert_eq!(report.written, report.files);
    assert!(report.files > 400, "{report:?}");
    assert_eq!(calls, report.files, "progress is reported for every file");

    for expected in [
        "index.html",
        "404.html",
        "archive/page/4/index.html",
        "articles/supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group/index.html",
        "lite/articles/supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group/index.html",
        "sections/politics/feed.xml",
        "tags/exile/atom.xml",
        "authors/anna-vetrova/feed.json",
        "feed.xml",
        "sitemap.xml",
        "mirrors.json",
        "assets/site.css",
        "pages/about-us/index.html",
    ] {
        assert!(out.path().join(expected).is_file(), "{expected}");
    }
    let checked = check_links(out.path());
    assert!(checked > 5_000, "{checked} links checked");

    // Moved somewhere else entirely (another path, or opened from file://): still whole.
    let moved = tempfile::tempdir().unwrap();
    let deeper = moved.path().join("mirrors/bell/2026");
    std::fs::create_dir_all(deeper.parent().unwrap()).unwrap();
    std::fs::rename(out.path(), &deeper).unwrap_or_else(|_| copy_dir(out.path(), &deeper));
    assert_eq!(check_links(&deeper), checked);

    // A second run changes nothing; a new article changes only the pages that show it.
    let again = kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        &deeper,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(again.written, 0, "{again:?}");
    let section = state.store.sections().await.unwrap()[0].clone();
    let author = state.store.authors().await.unwrap()[0].clone();
    let now = Utc::now();
    let article = published(
        "late-breaking-news",
        "Late breaking news",
        "Just in.",
        (section.id, author.id),
        now,
    );
    state.store.add_article(&article, now).await.unwrap();
    state.content_changed().await;
    let updated = kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        &deeper,
        |_, _| {},
    )
    .await
    .unwrap();
    assert!(
        updated.written > 2 && updated.written < updated.files / 2,
        "{updated:?}"
    );
    assert!(
        deeper
            .join("articles/late-breaking-news/index.html")
            .is_file()
    );
    check_links(&deeper);
}

#[tokio::test]
async fn the_mirror_packs_into_a_tar_zst_archive() {
    let data = tempfile::tempdir().unwrap();
    let state = demo_state(data.path()).await;
    let out = tempfile::tempdir().unwrap();
    let report = kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        out.path(),
        |_, _| {},
    )
    .await
    .unwrap();
    let archive = data.path().join("mirror.tar.zst");
    let size = kolokol_export::write_archive(out.path(), &archive).unwrap();
    assert!(
        size > 0 && size < report.bytes,
        "compressed: {size} of {}",
        report.bytes
    );
    let unpacked = tempfile::tempdir().unwrap();
    let decoder = zstd::Decoder::new(std::fs::File::open(&archive).unwrap()).unwrap();
    tar::Archive::new(decoder).unpack(unpacked.path()).unwrap();
    assert!(unpacked.path().join("index.html").is_file());
    assert_eq!(
        check_links(unpacked.path()),
        check_links(out.path()),
        "the unpacked archive is the same mirror"
    );
}

#[tokio::test]
async fn the_mirror_carries_the_onion_address() {
    let data = tempfile::tempdir().unwrap();
    let state = demo_state(data.path()).await;
    let onion = format!("http://{}.onion", "b".repeat(56));
    let mut settings = kolokol_core::SiteSettings::from_site(&state.site());
    settings.onion = onion.clone();
    state
        .store
        .save_site_settings(
            &serde_json::to_string(&settings).unwrap(),
            &kolokol_core::Audit::new(None, "settings.save", "onion"),
            Utc::now(),
        )
        .await
        .unwrap();
    state.content_changed().await;
    let out = tempfile::tempdir().unwrap();
    kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        out.path(),
        |_, _| {},
    )
    .await
    .unwrap();
    let page = std::fs::read_to_string(out.path().join("archive/index.html")).unwrap();
    assert!(
        page.contains(&format!(
            "<meta http-equiv=\"onion-location\" content=\"{onion}/archive\">"
        )),
        "the meta stands in for the header"
    );
}

#[tokio::test]
async fn a_mirror_carries_its_protection_and_no_steered_link() {
    let data = tempfile::tempdir().unwrap();
    let state = demo_state(data.path()).await;
    // An author's body with the links a review steered into script and other hosts.
    let slug = "night-ferry";
    let section = state.store.sections().await.unwrap()[0].id;
    let author = state.store.authors().await.unwrap()[0].id;
    let body = format!(
        "[Read](/articles/{slug}/javascript:alert(document.domain)/1.1)\n\n\
         ![pixel](/articles/{slug}/\\\\host/p.gif)\n\n\
         <a href=\"/articles/{slug}/javascript&#58;alert(1)\">x</a>"
    );
    let at = Utc::now() - chrono::Duration::minutes(1);
    let article = published(slug, "Night ferry", &body, (section, author), at);
    state.store.add_article(&article, at).await.unwrap();
    state.content_changed().await;
    let out = tempfile::tempdir().unwrap();
    kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        out.path(),
        |_, _| {},
    )
    .await
    .unwrap();
    let page = std::fs::read_to_string(out.path().join("articles/night-ferry/index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    let root = url::Url::parse("file:///mirror/").unwrap();
    let here = root.join("articles/night-ferry/index.html").unwrap();
    let selector = scraper::Selector::parse("[href], [src]").unwrap();
    let mut seen = 0;
    for element in html.select(&selector) {
        for value in [element.value().attr("href"), element.value().attr("src")]
            .into_iter()
            .flatten()
        {
            let resolved = here.join(value).unwrap();
            assert!(
                matches!(resolved.scheme(), "file" | "http" | "https" | "mailto"),
                "{value} → {resolved}"
            );
            if element.value().name() == "img" {
                assert!(
                    resolved.path().starts_with("/mirror/"),
                    "{value} → {resolved}"
                );
            }
            seen += 1;
        }
    }
    assert!(seen > 10);
    assert!(
        !page.contains("href=\"javascript:"),
        "no link became script"
    );
    for file in html_files(out.path()) {
        let text = std::fs::read_to_string(&file).unwrap();
        if !text.contains("<head>") {
            continue;
        }
        assert!(
            text.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self';"),
            "{} has the policy",
            file.display()
        );
        assert!(
            text.contains("<meta name=\"referrer\" content=\"no-referrer\">"),
            "{}",
            file.display()
        );
    }
}

/// A published article in `(section, author)` at `at`.
fn published(
    slug: &str,
    headline: &str,
    body: &str,
    (section, author): (i64, i64),
    at: chrono::DateTime<Utc>,
) -> kolokol_core::NewArticle {
    kolokol_core::NewArticle {
        slug: kolokol_core::Slug::parse(slug).unwrap(),
        headline: headline.into(),
        dek: String::new(),
        body_markdown: body.into(),
        dateline: String::new(),
        section_id: section,
        author_ids: vec![author],
        tag_ids: vec![],
        status: kolokol_core::ArticleStatus::Published,
        published_at: Some(at),
        updated_at: None,
        hero_image_id: None,
        hero_alt: String::new(),
        hero_caption: String::new(),
        hero_credit: String::new(),
        seo_title: String::new(),
        seo_description: String::new(),
        corrections: vec![],
        language: "en".into(),
        translation_of: None,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let names: BTreeSet<PathBuf> = std::fs::read_dir(from)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    std::fs::create_dir_all(to).unwrap();
    for path in names {
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The export renders articles and lists on a bulk path of its own; every such page must be
/// byte for byte what the site serves (made relative the same way), and "related"
/// computed in memory must be what the site's query returns.
#[tokio::test]
async fn bulk_article_pages_are_exactly_what_the_site_serves() {
    use tower::ServiceExt;
    let data = tempfile::tempdir().unwrap();
    let state = demo_state(data.path()).await;
    let now = Utc::now();
    let index = state.store.related_index(now).await.unwrap();
    let mut checked = 0;
    for entry in state.store.sitemap_entries(now).await.unwrap() {
        let article = state
            .store
            .published_article(&entry.slug, now)
            .await
            .unwrap()
            .unwrap();
        let ids = |found: Vec<kolokol_core::ArticleSummary>| -> Vec<i64> {
            found.iter().map(|s| s.id.0).collect()
        };
        let by_query = ids(state
            .store
            .related_articles(&article, 3, now)
            .await
            .unwrap());
        assert_eq!(
            index.related(article.summary.id.0, 3),
            by_query,
            "{}",
            entry.slug
        );
        // And the pages' own way: candidates kept per list, ranked in memory.
        let by_lists = ids(state.related_articles(&article, 3, now).await.unwrap());
        assert_eq!(by_lists, by_query, "{}", entry.slug);
        // Its lists are kept now: the page reads the same winners with the article.
        let kept = state
            .kept_related(&article, 3)
            .expect("the lists were kept");
        assert_eq!(
            kept.iter().map(|id| id.0).collect::<Vec<_>>(),
            by_query,
            "{}",
            entry.slug
        );
        let (_, with_article) = state
            .store
            .published_article_with(&entry.slug, now, &|_| Some(kept.clone()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ids(with_article.unwrap()), by_query, "{}", entry.slug);
        checked += 1;
    }
    assert_eq!(checked, 67, "the English and the Russian articles");

    let out = tempfile::tempdir().unwrap();
    kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        out.path(),
        |_, _| {},
    )
    .await
    .unwrap();
    let router = kolokol_web::router(state.clone());
    let mut paths = vec![
        "/archive".to_owned(),
        "/archive?page=2".to_owned(),
        "/archive?page=4".to_owned(),
        "/sections/politics".to_owned(),
        "/tags/exile".to_owned(),
        "/authors/anna-vetrova".to_owned(),
    ];
    for slug in [
        "supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group",
        "parliament-passes-sovereign-internet-law-in-a-single-afternoon",
    ] {
        paths.push(format!("/articles/{slug}"));
        paths.push(format!("/lite/articles/{slug}"));
    }
    // The Russian edition, under its prefix.
    for path in [
        "/ru/archive",
        "/ru/sections/politics",
        "/ru/authors/anna-vetrova",
        "/ru/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete",
        "/ru/lite/articles/v-korske-zhiteli-sami-otkryli-punkt-obogreva",
    ] {
        paths.push(path.to_owned());
    }
    {
        for path in paths {
            let prefix = if path.starts_with("/ru/") { "/ru" } else { "" };
            let response = router
                .clone()
                .oneshot(
                    axum::http::Request::get(&path)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let served = axum::body::to_bytes(response.into_body(), 1 << 24)
                .await
                .unwrap();
            let file = kolokol_render::links::file_for(&path);
            let expected = String::from_utf8(kolokol_export::page_for_mirror_in(
                &served, &file, &path, "", prefix,
            ))
            .unwrap();
            let written = std::fs::read_to_string(out.path().join(&file)).unwrap();
            assert_eq!(written, expected, "{path}");
        }
    }
}

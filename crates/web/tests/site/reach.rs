//! Reaching readers where the main address is blocked: mirrors, onion, any host.

use kolokol_core::Role;

use crate::common::{TestApp, select, text_of};

#[tokio::test]
async fn admins_list_mirrors_and_an_onion_address_for_readers_and_tools() {
    let app = TestApp::empty().await;
    assert!(
        app.text("/mirrors")
            .await
            .contains("There are no other addresses")
    );
    assert!(
        app.get("/").await.headers().get("onion-location").is_none(),
        "no onion configured, no header"
    );

    let admin = app.sign_in(Role::Admin, "Reach Admin").await;
    let onion = format!(
        "http://{}.onion",
        "bellbellbellbellbellbellbellbellbellbellbellbellbellbell"[..56].to_owned()
    );
    let refused = admin
        .post(
            "/admin/settings",
            &[
                ("title", "The Northern Bell"),
                ("newsletter_name", "The Weekly"),
                ("newsletter_day", "friday"),
                ("newsletter_time", "09:00"),
                ("policy_version", "1"),
                ("policy_url", "/privacy"),
                ("language", "en"),
                ("onion", "http://fake.onion"),
                ("mirrors", "ftp://x"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let saved = admin
        .post(
            "/admin/settings",
            &[
                ("title", "The Northern Bell"),
                ("newsletter_name", "The Weekly"),
                ("newsletter_day", "friday"),
                ("newsletter_time", "09:00"),
                ("policy_version", "1"),
                ("policy_url", "/privacy"),
                ("language", "en"),
                ("onion", &onion),
                (
                    "mirrors",
                    "https://bell-mirror.example\nhttps://another-mirror.example/",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);

    let page = app.html("/mirrors").await;
    let links: Vec<&str> = select(&page, "main a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        links.contains(&"https://bell-mirror.example")
            && links.contains(&"https://another-mirror.example"),
        "{links:?}"
    );
    assert!(links.contains(&onion.as_str()));
    assert!(
        text_of(&app.html("/").await, ".site-footer").contains("Mirrors and onion"),
        "every page links the list"
    );

    let list: serde_json::Value = serde_json::from_str(&app.text("/mirrors.json").await).unwrap();
    let alternatives = list["sites"][0]["available_alternatives"]
        .as_array()
        .unwrap();
    assert_eq!(alternatives.len(), 3);
    assert_eq!(alternatives[2]["url"], onion.as_str());
    assert!(alternatives[0]["created_at"].is_string());

    // Clearnet pages offer the onion, with the same path and query, rendered or
    // kept; the onion itself does not.
    let page = app.get("/archive?page=1").await;
    assert_eq!(
        page.headers()["onion-location"].to_str().unwrap(),
        format!("{onion}/archive?page=1")
    );
    for _ in 0..2 {
        assert_eq!(
            app.get("/archive").await.headers()["onion-location"]
                .to_str()
                .unwrap(),
            format!("{onion}/archive")
        );
    }
    let on_onion = app
        .client()
        .get(app.url("/archive"))
        .header("host", &onion[7..])
        .send()
        .await
        .unwrap();
    assert!(on_onion.headers().get("onion-location").is_none());
    app.get("/feed.xml").await;
    assert!(
        app.get("/feed.xml")
            .await
            .headers()
            .get("onion-location")
            .is_none(),
        "only HTML pages"
    );
}

#[tokio::test]
async fn the_site_answers_under_any_host_name_with_canonical_links_to_the_main_one() {
    let app = TestApp::demo();
    for host in ["bell-mirror.example", "cdn-front.example:8443", "localhost"] {
        let response = app
            .client()
            .get(app.url(crate::common::SUPREME_COURT))
            .header("host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{host}");
        let html = scraper::Html::parse_document(&response.text().await.unwrap());
        assert_eq!(
            select(&html, "link[rel=canonical]")[0].value().attr("href"),
            Some(app.url(crate::common::SUPREME_COURT).as_str())
        );
        for link in select(&html, "a[href]") {
            let href = link.value().attr("href").unwrap();
            assert!(!href.contains(host), "{host}: {href}");
        }
    }
}

#[tokio::test]
async fn the_text_only_edition_is_small_and_has_every_article() {
    let app = TestApp::demo();
    let front = app.html("/lite").await;
    // The access notice says what the newsroom configured, as the full site does.
    let notice = select(&front, "aside[aria-label='Access notice'] a");
    assert_eq!(
        notice[0].text().collect::<String>(),
        "Subscribe to the feed"
    );
    assert_eq!(
        crate::common::resolve("/lite", notice[0].value().attr("href").unwrap()),
        "/feed.xml"
    );
    let links: Vec<String> = select(&front, "main li a")
        .iter()
        .map(|a| crate::common::resolve("/lite", a.value().attr("href").unwrap()))
        .collect();
    assert_eq!(links.len(), 30);
    assert_eq!(
        select(&front, "a[rel=next]")[0].value().attr("href"),
        Some("lite?page=2")
    );
    let second = app.html("/lite?page=2").await;
    let all: Vec<String> = links
        .into_iter()
        .chain(
            select(&second, "main li a")
                .iter()
                .map(|a| crate::common::resolve("/lite?page=2", a.value().attr("href").unwrap())),
        )
        .collect();
    assert_eq!(all.len(), 42);
    let mut largest = 0;
    for link in &all {
        let response = app.get(link).await;
        assert_eq!(response.status(), 200, "{link}");
        let body = response.text().await.unwrap();
        largest = largest.max(body.len());
        assert!(body.len() < 20 * 1024, "{link} is {} bytes", body.len());
        let html = scraper::Html::parse_document(&body);
        assert!(
            select(&html, "img, script, picture, iframe").is_empty(),
            "{link}: text only"
        );
        let canonical = select(&html, "link[rel=canonical]")[0]
            .value()
            .attr("href")
            .unwrap()
            .to_owned();
        assert_eq!(
            canonical,
            app.url(link.strip_prefix("/lite").unwrap()),
            "canonical points at the full article"
        );
    }
    let css = app.get("/assets/lite.css").await.bytes().await.unwrap();
    assert!(css.len() < 1024, "the stylesheet is {} bytes", css.len());
    eprintln!("largest text-only article page: {largest} bytes");

    let article = app
        .html(&format!("/lite{}", crate::common::SUPREME_COURT))
        .await;
    let picture = select(&article, "main a")
        .into_iter()
        .find(|a| a.text().collect::<String>() == "Show it")
        .unwrap();
    let src = crate::common::resolve(
        &format!("/lite{}", crate::common::SUPREME_COURT),
        picture.value().attr("href").unwrap(),
    );
    assert!(src.ends_with("-480.jpg"), "{src}");
    assert_eq!(app.get(&src).await.status(), 200);
    assert!(
        text_of(&article, "main").contains("founded in 1991"),
        "corrections are kept"
    );
    let full = app.html(crate::common::SUPREME_COURT).await;
    assert!(select(&full, "a[href='../lite/articles/supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group']").len() == 1);
    assert_eq!(app.get("/lite/articles/no-such-story").await.status(), 404);
    assert_eq!(app.get("/lite?page=99").await.status(), 404);
}

/// Behind a proxy that serves the site under `/mirror/…` (and strips the prefix before
/// passing requests on), every link a reader follows stays under the prefix and works.
#[tokio::test]
async fn the_site_works_behind_a_path_prefix() {
    let app = TestApp::demo();
    let mut checked = 0;
    for page in [
        "/",
        crate::common::SUPREME_COURT,
        "/sections/culture",
        "/archive?page=2",
        "/lite",
        "/mirrors",
        "/articles/no-such-story",
    ] {
        let html = scraper::Html::parse_document(&app.get(page).await.text().await.unwrap());
        let seen_at = format!("/mirror{page}");
        for element in select(
            &html,
            "a[href], link[href], img[src], script[src], source[srcset]",
        ) {
            let value = element.value();
            let targets = value
                .attr("href")
                .or(value.attr("src"))
                .into_iter()
                .map(str::to_owned)
                .chain(value.attr("srcset").into_iter().flat_map(|s| {
                    s.split(", ")
                        .map(|c| c.split(' ').next().unwrap_or("").to_owned())
                }));
            for target in targets.collect::<Vec<_>>() {
                if target.contains("://")
                    || target.starts_with('#')
                    || value.attr("rel") == Some("canonical")
                {
                    continue;
                }
                let resolved = crate::common::resolve(&seen_at, &target);
                let inside = resolved
                    .strip_prefix("/mirror")
                    .unwrap_or_else(|| panic!("{page}: {target} leaves the prefix ({resolved})"));
                let path = if inside.is_empty() { "/" } else { inside };
                assert_eq!(
                    app.get(path).await.status(),
                    200,
                    "{page}: {target} → {path}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{checked}");
}

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

    // Clearnet pages offer the onion, with the same path and query; the onion itself does not.
    let page = app.get("/archive?page=1").await;
    assert_eq!(
        page.headers()["onion-location"].to_str().unwrap(),
        format!("{onion}/archive?page=1")
    );
    let on_onion = app
        .client()
        .get(app.url("/archive"))
        .header("host", &onion[7..])
        .send()
        .await
        .unwrap();
    assert!(on_onion.headers().get("onion-location").is_none());
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

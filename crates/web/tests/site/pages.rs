//! What a reader sees on each kind of page.

use crate::common::{GOVERNOR, SUPREME_COURT, TestApp, select, text_of};

#[tokio::test]
async fn reader_opens_the_front_page() {
    let app = TestApp::demo();
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let html = scraper::Html::parse_document(&response.text().await.unwrap());

    assert_eq!(text_of(&html, "title"), "The Northern Bell");
    assert_eq!(select(&html, "h1").len(), 1, "one h1 per page");
    let skip = select(&html, "body a")[0];
    assert_eq!(
        skip.value().attr("href"),
        Some("#content"),
        "the skip link comes first"
    );
    assert_eq!(select(&html, "main#content").len(), 1);
    assert_eq!(
        select(&html, "nav.sections li").len(),
        8,
        "six sections, the archive and search"
    );
    assert!(text_of(&html, ".support-banner").contains("$10,000 a month"));
    assert!(text_of(&html, ".banned-notice").contains("blocked in Veldoria"));
    assert_eq!(
        text_of(&html, ".lead-headline"),
        "Parliament passes 'sovereign internet' law in a single afternoon"
    );
    assert_eq!(select(&html, ".latest article").len(), 12);
    assert_eq!(select(&html, ".section-block").len(), 6);
    for block in select(&html, ".section-block") {
        assert_eq!(
            block
                .select(&scraper::Selector::parse("article").unwrap())
                .count(),
            4
        );
    }
}

#[tokio::test]
async fn reader_opens_an_article_with_byline_hero_and_correction() {
    let app = TestApp::demo();
    let html = app.html(SUPREME_COURT).await;

    assert_eq!(
        text_of(&html, "h1"),
        "Supreme court upholds closure of the country's oldest human rights group"
    );
    assert!(text_of(&html, "header .dek").starts_with("The Memorial Circle had documented"));
    assert_eq!(text_of(&html, ".authors"), "By Anna Vetrova");
    let published = select(&html, ".times time")[0]
        .value()
        .attr("datetime")
        .unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(published).is_ok(),
        "{published}"
    );
    assert!(
        text_of(&html, ".times").contains("EET"),
        "server-side times name the newsroom's zone"
    );
    assert!(text_of(&html, ".times").contains("min read"));

    let hero = select(&html, "figure.hero img")[0].value();
    assert_eq!(
        (hero.attr("width"), hero.attr("height")),
        (Some("1600"), Some("900"))
    );
    assert!(
        hero.attr("alt")
            .unwrap()
            .starts_with("Abstract illustration"),
        "alt text describes the picture"
    );
    let srcset = hero.attr("srcset").unwrap();
    assert_eq!(srcset.matches("w,").count() + 1, 3, "{srcset}");
    assert!(
        srcset.contains(" 480w") && srcset.contains(" 1440w"),
        "{srcset}"
    );
    assert!(text_of(&html, "figure.hero figcaption").contains("Volunteers spent the last weeks"));
    assert!(text_of(&html, ".credit").contains("The Northern Bell"));
    for source in srcset.split(", ") {
        let path = crate::common::resolve(SUPREME_COURT, source.split(' ').next().unwrap());
        let image = app.get(&path).await;
        assert_eq!(image.status(), 200, "{path}");
        assert_eq!(image.headers()["content-type"], "image/jpeg");
    }

    assert_eq!(text_of(&html, "#corrections-heading"), "Correction");
    assert!(text_of(&html, ".corrections").contains("founded in 1991"));
    assert_eq!(select(&html, ".body blockquote").len(), 0);
    assert_eq!(select(&html, ".body p").len(), 6);
    assert_eq!(select(&html, ".tags a").len(), 2);
    let related = select(&html, ".related article");
    assert_eq!(related.len(), 3, "Read more offers three articles");
    assert!(!html.html().contains("href=\"/articles/supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group\"><"), "an article does not recommend itself");
}

/// The "Read more" headlines of an article page.
async fn read_more(app: &TestApp, slug: &kolokol_core::Slug) -> Vec<String> {
    let html = app.html(&format!("/articles/{slug}")).await;
    select(&html, ".related article h3")
        .iter()
        .map(|h| h.text().collect::<String>().trim().to_owned())
        .collect()
}

#[tokio::test]
async fn read_more_follows_the_content() {
    let app = TestApp::empty().await;
    let first = app.publish("Ferry timetable changes", "Boats.").await;
    app.publish("Harbour dues rise", "Fees.").await;
    app.state.content_changed().await;
    assert_eq!(read_more(&app, &first).await, ["Harbour dues rise"]);
    // The candidates kept for the section belong to a content version: a new
    // article in it is offered at once, the newest first.
    app.publish("Lighthouse keeper retires", "Light.").await;
    app.state.content_changed().await;
    assert_eq!(
        read_more(&app, &first).await,
        ["Lighthouse keeper retires", "Harbour dues rise"]
    );
    // The winners' summaries are kept for the version too (another page offering
    // them reads none); an edit to one moves the version, and the page shows it.
    let harbour = app
        .store
        .article_ids()
        .await
        .unwrap()
        .into_iter()
        .find(|id| id.0 == 2)
        .unwrap();
    assert!(
        app.state.summary_kept(harbour),
        "a winner's summary is kept"
    );
    let mut edited = app.store.editable_article(harbour).await.unwrap().unwrap();
    assert_eq!(edited.draft.headline, "Harbour dues rise");
    edited.draft.headline = "Harbour dues rise twice".into();
    app.store
        .save_article(
            Some(harbour),
            &edited.draft,
            None,
            &kolokol_core::Audit::new(None, "article.saved", "test"),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    app.state.content_changed().await;
    assert!(
        !app.state.summary_kept(harbour),
        "kept for the version before"
    );
    assert_eq!(
        read_more(&app, &first).await,
        ["Lighthouse keeper retires", "Harbour dues rise twice"]
    );
}

#[tokio::test]
async fn an_article_by_two_authors_credits_both() {
    let app = TestApp::demo();
    let html = app.html(GOVERNOR).await;
    assert_eq!(
        text_of(&html, ".authors"),
        "By Ilya Marchenko and Pavel Grin"
    );
    let links: Vec<_> = select(&html, ".authors a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(
        links,
        ["../authors/ilya-marchenko", "../authors/pavel-grin"],
        "links are relative to the page"
    );
    let author_page = app.html("/authors/pavel-grin").await;
    assert_eq!(text_of(&author_page, "h1"), "Pavel Grin");
    assert!(
        author_page.html().contains(GOVERNOR),
        "co-written articles appear on each author's page"
    );
}

#[tokio::test]
async fn reader_pages_through_the_archive() {
    let app = TestApp::demo();
    let first = app.html("/archive").await;
    assert_eq!(select(&first, "main article").len(), 12);
    assert!(
        !select(&first, "main section h2").is_empty(),
        "the archive is grouped by month"
    );
    assert_eq!(
        select(&first, ".pager a[rel=next]")[0].value().attr("href"),
        Some("archive?page=2")
    );
    assert!(select(&first, ".pager a[rel=prev]").is_empty());
    assert_eq!(
        select(&first, "link[rel=next]")[0].value().attr("href"),
        Some("archive?page=2")
    );

    let last = app.html("/archive?page=4").await;
    assert_eq!(select(&last, "main article").len(), 42 - 36);
    assert!(select(&last, ".pager a[rel=next]").is_empty());
    assert_eq!(text_of(&last, "h1"), "Archive — page 4 of 4");
    assert!(
        select(&last, "link[rel=canonical]")[0]
            .value()
            .attr("href")
            .unwrap()
            .ends_with("/archive?page=4")
    );

    assert_eq!(
        app.get("/archive?page=5").await.status(),
        404,
        "past the last page"
    );
    for absurd in ["0", "-1", "abc", "1e9", "99999999999999999999", ""] {
        let response = app.get(&format!("/archive?page={absurd}")).await;
        assert_eq!(response.status(), 400, "page={absurd}");
        assert!(
            response.text().await.unwrap().contains("whole number"),
            "page={absurd}"
        );
    }
    assert_eq!(
        app.get("/archive?utm_source=x&page=2").await.status(),
        200,
        "other parameters are ignored"
    );
}

#[tokio::test]
async fn section_and_tag_pages_list_only_their_articles() {
    let app = TestApp::demo();
    let culture = app.html("/sections/culture").await;
    assert_eq!(text_of(&culture, "h1"), "Culture");
    let kickers: Vec<String> = select(&culture, "main article .kicker")
        .iter()
        .map(|k| k.text().collect())
        .collect();
    assert!(!kickers.is_empty());
    assert!(kickers.iter().all(|k| k == "Culture"), "{kickers:?}");
    assert_eq!(
        select(&culture, "link[type='application/atom+xml']").len(),
        2,
        "site and section feeds"
    );

    let tag = app.html("/tags/censorship").await;
    assert_eq!(text_of(&tag, "h1"), "Censorship");
    assert!(select(&tag, "main article").len() >= 5);
}

#[tokio::test]
async fn unknown_addresses_get_a_helpful_404() {
    let app = TestApp::demo();
    for path in [
        "/articles/no-such-story",
        "/articles/Not%20A%20Slug",
        "/articles/..%2F..%2Fetc%2Fpasswd",
        "/sections/sport",
        "/tags/nothing-here",
        "/authors/nobody",
        "/wp-admin.php",
        "/assets/../Cargo.toml",
        "/assets/nothing.css",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8",
            "{path}"
        );
        let html = scraper::Html::parse_document(&response.text().await.unwrap());
        assert_eq!(text_of(&html, "h1"), "Page not found", "{path}");
        assert_eq!(
            select(&html, ".error-page li a").len(),
            5,
            "the 404 offers the latest stories: {path}"
        );
        assert!(
            select(&html, "nav.sections a").len() >= 6,
            "and the navigation: {path}"
        );
    }
}

#[tokio::test]
async fn support_page_explains_why_readers_pay() {
    let app = TestApp::demo();
    let html = app.html("/support").await;
    assert_eq!(text_of(&html, "h1"), "Support The Northern Bell");
    assert!(text_of(&html, "main").contains("$10,000 a month"));
}

#[tokio::test]
async fn without_a_card_provider_the_support_page_offers_no_amounts_to_pay() {
    let app = TestApp::empty().await;
    let html = app.html("/support").await;
    assert!(
        select(
            &html,
            "input[name=amount], input[name=custom], form.support-form"
        )
        .is_empty(),
        "nothing to pay with"
    );
    assert!(text_of(&html, "main").contains("Card payments are not set up on this site."));
    let dialog = app.html("/support/form").await;
    assert!(select(&dialog, "input[name=amount]").is_empty());
    let paying = TestApp::with_revenue(kolokol_core::RevenueConfig {
        provider: kolokol_core::config::PaymentProviderKind::Demo,
        ..kolokol_core::RevenueConfig::default()
    })
    .await;
    let html = paying.html("/support").await;
    assert!(!select(&html, "form.support-form input[name=amount]").is_empty());
}

#[tokio::test]
async fn a_new_site_announces_no_goal_until_the_newsroom_sets_one() {
    // (The banner's default words name no sum either: see the config's unit tests.)
    let app = TestApp::empty().await;
    let support = app.html("/support").await;
    assert!(select(&support, ".funding progress").is_empty());
    assert!(text_of(&support, ".funding").contains("given this month"));
    let meter: serde_json::Value =
        serde_json::from_str(&app.text("/support/meter.json").await).unwrap();
    assert_eq!(meter["goal"], serde_json::Value::Null);

    let with_goal = TestApp::with_revenue(kolokol_core::RevenueConfig {
        monthly_goal: 4_000,
        currency: kolokol_core::Currency::EUR,
        ..kolokol_core::RevenueConfig::default()
    })
    .await;
    let support = with_goal.html("/support").await;
    assert!(text_of(&support, ".funding").contains("of €4,000"));
    assert_eq!(select(&support, ".funding progress").len(), 1);
}

/// The headlines a list page shows, in order.
async fn headlines(app: &TestApp, path: &str) -> Vec<String> {
    let html = app.html(path).await;
    select(&html, ".card-headline a")
        .iter()
        .map(|a| a.text().collect())
        .collect()
}

#[tokio::test]
async fn deep_list_pages_are_read_from_where_the_page_before_ends() {
    let app = TestApp::empty().await;
    // 160 articles published within a few seconds: many share their publication
    // time, so the order within one second (newest id first) is tested too.
    for n in 0..160 {
        app.publish(&format!("Harbour report {n:03}"), "Ships.")
            .await;
    }
    app.state.content_changed().await;
    let per_page = app.state.site().articles_per_page as usize;
    assert_eq!(per_page, 12);
    let archive = kolokol_core::ArticleFilter {
        language: Some(app.state.language()),
        ..Default::default()
    };
    let news = app
        .state
        .store
        .section_by_slug(&kolokol_core::Slug::parse("news").unwrap())
        .await
        .unwrap()
        .unwrap();
    let section = kolokol_core::ArticleFilter {
        section_id: Some(news.id),
        ..archive.clone()
    };
    // Every section's marks are read ahead, before anyone asks for a deep page.
    crate::common::eventually(200, "the section's marks read ahead", || async {
        app.state
            .marks_kept(&section, per_page as u32)
            .then_some(())
    })
    .await;
    let expected = |page: usize, newest: usize| -> Vec<String> {
        (0..newest)
            .rev()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|n| format!("Harbour report {n:03}"))
            .collect()
    };
    // Pages 1–10 count past the ones before; 11 and on are read from the marks.
    for page in [1, 10, 11, 12, 13, 14] {
        let path = format!("/archive?page={page}");
        assert_eq!(headlines(&app, &path).await, expected(page, 160), "{path}");
        let path = format!("/sections/news?page={page}");
        assert_eq!(headlines(&app, &path).await, expected(page, 160), "{path}");
    }
    // Once a deep page had the marks read, pages near the top use them too.
    for page in [2, 9] {
        let path = format!("/archive?page={page}");
        assert_eq!(headlines(&app, &path).await, expected(page, 160), "{path}");
    }
    assert_eq!(headlines(&app, "/archive?page=14").await.len(), 4);
    assert_eq!(app.get("/archive?page=15").await.status(), 404);
    assert_eq!(app.get("/sections/news?page=15").await.status(), 404);
    let html = app.html("/archive?page=12").await;
    assert!(
        select(&html, "a[rel=next]").len() + select(&html, "a[rel=prev]").len() >= 2,
        "a deep page still links to the pages around it"
    );

    // A new article moves every page by one; the marks follow the content version.
    // They are read again in the background for the new version, before any deep
    // page asks.
    app.publish("Harbour report 160", "Ships.").await;
    app.state.content_changed().await;
    let per_page = per_page as u32;
    for (list, filter) in [("archive", &archive), ("section", &section)] {
        crate::common::eventually(200, &format!("the {list}'s marks read again"), || async {
            app.state.marks_kept(filter, per_page).then_some(())
        })
        .await;
    }
    assert_eq!(headlines(&app, "/archive?page=11").await, expected(11, 161));
    assert_eq!(headlines(&app, "/archive?page=14").await.len(), 5);
    assert_eq!(headlines(&app, "/archive?page=3").await, expected(3, 161));
    assert_eq!(headlines(&app, "/archive").await, expected(1, 161));
}

#[tokio::test]
async fn a_tags_pages_are_counted_from_totals_read_ahead() {
    let app = TestApp::empty().await;
    let harbour = app
        .store
        .create_tag(&kolokol_core::Slug::parse("harbour").unwrap(), "Harbour")
        .await
        .unwrap();
    for n in 0..30 {
        app.publish_tagged(
            &format!("Harbour report {n:03}"),
            "Ships.",
            vec![harbour.id],
        )
        .await;
    }
    app.publish("Inland report", "Roads.").await;
    app.state.content_changed().await;
    let language = app.state.language();
    let kept = |total: u64| {
        let app = &app;
        let language = language.clone();
        async move {
            crate::common::eventually(200, "the tags' totals read ahead", || async {
                (app.state.tag_total_kept(harbour.id, &language) == Some(total)).then_some(())
            })
            .await;
        }
    };
    kept(30).await;
    // 12 a page: the third has the last 6, and there is no fourth.
    assert_eq!(headlines(&app, "/tags/harbour").await.len(), 12);
    assert_eq!(
        headlines(&app, "/tags/harbour?page=3").await,
        (0..6)
            .rev()
            .map(|n| format!("Harbour report {n:03}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(app.get("/tags/harbour?page=4").await.status(), 404);
    let html = app.html("/tags/harbour?page=2").await;
    assert_eq!(
        select(&html, "a[rel=next]").len(),
        1,
        "page 2 of 3 has a next page"
    );

    // The totals follow the content version.
    app.publish_tagged("Harbour report 030", "Ships.", vec![harbour.id])
        .await;
    app.state.content_changed().await;
    kept(31).await;
    assert_eq!(headlines(&app, "/tags/harbour?page=3").await.len(), 7);
    assert_eq!(app.state.tag_total_kept(harbour.id, "xx"), Some(0));
}

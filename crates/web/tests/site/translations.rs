//! Content in two languages: the demo's Russian edition under `/ru/`, its
//! `hreflang` alternates both ways in pages and sitemap, the language switcher,
//! translations linked from either side in the newsroom, and the newsletter of
//! each language.

use std::collections::{BTreeMap, BTreeSet};

use kolokol_core::Role;
use scraper::{Html, Selector};

use crate::common::{TestApp, resolve};

/// `<url>` entries of a sitemap: address → its alternates (hreflang → address).
fn sitemap_entries(xml: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let attribute = |tag: &str, name: &str| -> String {
        let start = tag
            .find(&format!("{name}=\""))
            .map(|at| at + name.len() + 2);
        start
            .and_then(|s| tag[s..].find('"').map(|e| tag[s..s + e].to_owned()))
            .unwrap_or_default()
            .replace("&amp;", "&")
    };
    let mut entries = BTreeMap::new();
    for url in xml.split("<url>").skip(1) {
        let loc = url
            .split("<loc>")
            .nth(1)
            .and_then(|rest| rest.split("</loc>").next())
            .unwrap()
            .replace("&amp;", "&");
        let alternates = url
            .split("<xhtml:link ")
            .skip(1)
            .map(|link| (attribute(link, "hreflang"), attribute(link, "href")))
            .collect();
        entries.insert(loc, alternates);
    }
    entries
}

/// The `hreflang` alternates a page names in its head.
fn page_alternates(html: &str) -> BTreeMap<String, String> {
    let page = Html::parse_document(html);
    let links = Selector::parse("link[rel=alternate][hreflang]").unwrap();
    page.select(&links)
        .map(|l| {
            let attr = |name| l.value().attr(name).unwrap_or_default().to_owned();
            (attr("hreflang"), attr("href"))
        })
        .collect()
}

fn html_lang(html: &str) -> String {
    let page = Html::parse_document(html);
    let root = Selector::parse("html").unwrap();
    page.select(&root)
        .next()
        .and_then(|h| h.value().attr("lang"))
        .unwrap_or_default()
        .to_owned()
}

/// The switcher's link to `language` on a page, if any.
fn switcher_link(html: &str, language: &str) -> Option<String> {
    let page = Html::parse_document(html);
    let link = Selector::parse(&format!("nav.languages a[hreflang=\"{language}\"]")).unwrap();
    page.select(&link)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned)
}

#[tokio::test]
async fn every_page_of_the_demo_names_its_translations_both_ways() {
    let app = TestApp::demo();
    let entries = sitemap_entries(&app.text("/sitemap.xml").await);
    let russian = entries.keys().filter(|loc| loc.contains("/ru/")).count();
    assert!(
        russian >= 25,
        "the Russian edition is in the sitemap: {russian}"
    );
    let linked = entries
        .iter()
        .filter(|(loc, alternates)| loc.contains("/ru/articles/") && !alternates.is_empty())
        .count();
    assert!(
        linked >= 20,
        "Russian translations of English articles: {linked}"
    );
    for (loc, alternates) in &entries {
        let path = loc.strip_prefix(&app.base).unwrap();
        let html = app.text(path).await;
        let language = if path.starts_with("/ru/") { "ru" } else { "en" };
        assert_eq!(html_lang(&html), language, "{path}");
        // The page says what the sitemap says.
        assert_eq!(&page_alternates(&html), alternates, "{path}");
        if alternates.is_empty() {
            continue;
        }
        assert_eq!(alternates.get(language), Some(loc), "{path} names itself");
        assert!(alternates.contains_key("x-default"), "{path}");
        // Each version names this one back, with the same x-default.
        for (hreflang, other) in alternates {
            let back = entries
                .get(other)
                .unwrap_or_else(|| panic!("{path} names {other}, not in the sitemap"));
            assert_eq!(back, alternates, "{other} ({hreflang}) answers {path}");
        }
    }
}

#[tokio::test]
async fn each_edition_lists_its_own_language_and_the_switcher_leads_to_the_translation() {
    let app = TestApp::demo();
    let english_front = app.text("/").await;
    let russian_front = app.text("/ru/").await;
    assert!(english_front.contains("Parliament passes"));
    assert!(
        !english_front.contains("Парламент"),
        "no Russian on the English front"
    );
    assert!(russian_front.contains("Парламент за один день"));
    assert!(!russian_front.contains("Parliament passes"));
    assert_eq!(html_lang(&russian_front), "ru");
    // Sections and authors are named in Russian; dates are Russian.
    assert!(
        russian_front.contains(">Политика<"),
        "Russian section names"
    );
    let section = app.text("/ru/sections/politics").await;
    assert!(section.contains("Политика") && section.contains("Илья Марченко"));
    assert!(
        [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря"
        ]
        .iter()
        .any(|month| section.contains(month)),
        "Russian dates"
    );

    // From the Russian translation to the English original and back.
    let russian = "/ru/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete";
    let english = "/articles/parliament-passes-sovereign-internet-law-in-a-single-afternoon";
    let page = app.text(russian).await;
    assert!(page.contains(">Цензура<"), "tags are named in Russian");
    let to_english = switcher_link(&page, "en").unwrap();
    assert_eq!(resolve(russian, &to_english), english);
    let page = app.text(english).await;
    assert_eq!(
        resolve(english, &switcher_link(&page, "ru").unwrap()),
        russian
    );
    // A Russian-only article leads to the English front page.
    let only = "/ru/articles/v-korske-zhiteli-sami-otkryli-punkt-obogreva";
    let page = app.text(only).await;
    assert_eq!(resolve(only, &switcher_link(&page, "en").unwrap()), "/");
    assert!(
        page_alternates(&page).is_empty(),
        "no alternates for a text in one language"
    );

    // Each address belongs to one edition: the other answers with a redirect.
    let moved = app
        .get("/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete")
        .await;
    assert_eq!(moved.status(), 301);
    let location = moved.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        resolve(
            "/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete",
            &location
        ),
        russian
    );
    assert_eq!(
        app.get("/en/").await.status(),
        301,
        "the main language has no prefix"
    );
    assert_eq!(
        app.get("/ru/sitemap.xml").await.status(),
        404,
        "crawlers' files live at the root"
    );
    assert_eq!(
        app.get("/de/archive").await.status(),
        404,
        "no edition the site lacks"
    );

    // Feeds: the Russian feed holds Russian articles only, at their addresses.
    let feed = app.text("/ru/feed.xml").await;
    assert!(
        feed.contains("<language>ru</language>") || feed.contains("xml:lang=\"ru\""),
        "{}",
        &feed[..400]
    );
    assert!(feed.contains("/ru/articles/"));
    assert!(!feed.contains(&format!("{}/articles/", app.base)));
    // The Russian lite edition.
    let lite = app.text("/ru/lite").await;
    assert!(lite.contains("Парламент за один день") && !lite.contains("Parliament passes"));
    // The standing pages: each edition links its own.
    assert!(russian_front.contains("О нас") && !russian_front.contains("About us"));
    let about = app.text("/ru/pages/o-nas").await;
    assert_eq!(
        page_alternates(&about).get("en").map(String::as_str),
        Some(format!("{}/pages/about-us", app.base).as_str())
    );
}

#[tokio::test]
async fn translations_are_linked_from_either_side_and_the_newsroom_filters_by_language() {
    let (app, _sink) = TestApp::with_mail().await;
    let staff = app.sign_in(Role::Admin, "Translation Desk").await;
    let section = app
        .store
        .section_records()
        .await
        .unwrap()
        .first()
        .map(|s| s.id.to_string());
    let section = match section {
        Some(id) => id,
        None => {
            let made = staff
                .post("/admin/sections", &[("name", "News"), ("in_menu", "on")])
                .await;
            assert_eq!(made.status(), 303);
            app.store.section_records().await.unwrap()[0].id.to_string()
        }
    };
    let author = staff
        .user
        .author_id
        .map(|a| a.to_string())
        .unwrap_or_default();
    let write = |headline: &'static str, language: &'static str| {
        let (section, author) = (section.clone(), author.clone());
        let staff = &staff;
        async move {
            let response = staff
                .post(
                    "/admin/articles",
                    &[
                        ("headline", headline),
                        ("body", "Text."),
                        ("section", &section),
                        ("authors", &author),
                        ("language", language),
                    ],
                )
                .await;
            assert_eq!(response.status(), 303, "{headline}");
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            location
                .trim_start_matches("/admin/articles/")
                .split('?')
                .next()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        }
    };
    let english = write("The ferry strike", "en").await;
    let russian = write("Забастовка на пароме", "ru").await;
    let second_russian = write("Ещё одна забастовка", "ru").await;
    // A language the site does not publish in is refused beside the field.
    let refused = staff
        .post(
            "/admin/articles",
            &[
                ("headline", "Der Streik"),
                ("section", &section),
                ("authors", &author),
                ("language", "de"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("en, ru"),
        "the message names the site's languages"
    );

    // Linked from the Russian side, seen from the English one.
    let linked = staff
        .post(
            &format!("/admin/articles/{russian}/translation"),
            &[("translation", "the-ferry-strike"), ("action", "link")],
        )
        .await;
    assert_eq!(linked.status(), 303);
    let editor = staff
        .get(&format!("/admin/articles/{english}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        editor.contains("Забастовка на пароме"),
        "the English editor lists it"
    );
    // A second Russian text cannot join the same translations.
    let taken = staff
        .post(
            &format!("/admin/articles/{second_russian}/translation"),
            &[("translation", "the-ferry-strike"), ("action", "link")],
        )
        .await;
    assert_eq!(taken.status(), 422);
    assert!(
        taken
            .text()
            .await
            .unwrap()
            .contains("already have one in this language")
    );
    let unknown = staff
        .post(
            &format!("/admin/articles/{second_russian}/translation"),
            &[("translation", "no-such-article"), ("action", "link")],
        )
        .await;
    assert_eq!(unknown.status(), 422);

    // The list filters by language.
    let list = staff.get("/admin?language=ru").await.text().await.unwrap();
    assert!(list.contains("Забастовка на пароме") && !list.contains("The ferry strike"));
    let list = staff.get("/admin?language=en").await.text().await.unwrap();
    assert!(!list.contains("Забастовка") && list.contains("The ferry strike"));

    // Unlinked from the English side: neither lists the other any more.
    let unlinked = staff
        .post(
            &format!("/admin/articles/{english}/translation"),
            &[("action", "unlink")],
        )
        .await;
    assert_eq!(unlinked.status(), 303);
    let editor = staff
        .get(&format!("/admin/articles/{russian}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!editor.contains("The ferry strike"));
    let written = app
        .store
        .translations(kolokol_store::Texts::Articles, russian, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(written.len(), 1, "alone again: {written:?}");
    let _ = BTreeSet::<i64>::new();
}

#[tokio::test]
async fn readers_of_each_edition_get_the_newsletter_in_their_language() {
    let (app, sink) = TestApp::with_mail().await;
    let page = app.text("/ru/newsletter").await;
    assert_eq!(html_lang(&page), "ru");
    // Signed up on the Russian edition's page: a Russian subscriber.
    let mails = app
        .sign_up_on("/ru/newsletter", "vera@reader.example", &sink)
        .await;
    assert_eq!(mails.len(), 1);
    let text = mails[0].decoded();
    assert!(
        text.contains("/ru/newsletter/confirm/"),
        "the link stays in the edition: {text}"
    );
    assert!(!text.contains("Confirm"), "the mail is in Russian: {text}");
    let subscriber = app.store.latest_subscribers(1).await.unwrap().remove(0);
    assert_eq!(subscriber.language, "ru");
}

#[tokio::test]
async fn the_newsroom_writes_the_sites_texts_in_each_language() {
    let (app, _sink) = TestApp::with_mail().await;
    let admin = app.sign_in(Role::Admin, "Settings Desk").await;
    let settings = admin.get("/admin/settings").await.text().await.unwrap();
    assert!(
        settings.contains("name=\"tagline-ru\""),
        "a field for the Russian tagline"
    );
    let saved = admin
        .post(
            "/admin/settings",
            &[
                ("title", "The Northern Bell"),
                ("tagline", "News at dusk"),
                ("language", "en"),
                ("languages", "ru"),
                ("newsletter_name", "The Weekly"),
                ("newsletter_day", "friday"),
                ("newsletter_time", "09:00"),
                ("policy_version", "1"),
                ("policy_url", "/privacy"),
                ("banner_enabled", "on"),
                ("banner_text", "Help us."),
                ("banner_button", "Give"),
                ("banner_link", "/support"),
                ("title-ru", "Вечерний колокол"),
                ("tagline-ru", "Новости в сумерках"),
                ("banner_button-ru", "Помочь"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let russian = app.text("/ru/").await;
    assert!(russian.contains("Новости в сумерках") && russian.contains("Вечерний колокол"));
    assert!(russian.contains(">Помочь<"));
    assert!(!russian.contains("News at dusk"));
    let english = app.text("/").await;
    assert!(english.contains("News at dusk") && !english.contains("Новости в сумерках"));
    // Shown again as saved.
    let settings = admin.get("/admin/settings").await.text().await.unwrap();
    assert!(settings.contains("value=\"Новости в сумерках\""));
}

//! A Russian-language newsroom from its first start: configured with nothing but
//! `language = "ru"` and its zone, every page a reader meets speaks Russian — no
//! string of the English catalogue is left on it — with Russian dates, plurals and
//! money.

use kolokol_core::{RevenueConfig, Slug};
use kolokol_render::urls;
use kolokol_testkit::fixtures::Fixtures;
use scraper::{Html, Selector};

use crate::common::TestApp;

/// Pieces of English interface text worth looking for: each English message with
/// its values and markup taken out, cut where a value stood.
fn english_fragments(app: &TestApp) -> Vec<String> {
    let catalogues = app.state.theme.catalogues();
    let mut fragments = Vec::new();
    for key in catalogues.keys("en").unwrap() {
        // A language is named in itself in the switcher: "English" is meant.
        if key == "language-name" {
            continue;
        }
        let english = catalogues.text("en", key, None);
        let russian = catalogues.text("ru", key, None);
        let mut plain = String::new();
        let mut depth = 0_i32;
        for c in english.chars() {
            match c {
                '<' | '{' => {
                    depth += 1;
                    plain.push('|');
                }
                '>' | '}' => depth -= 1,
                c if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        for piece in plain.split('|') {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            // Names the two share (a file, a format) are not English left behind.
            if piece.chars().filter(|c| c.is_alphabetic()).count() >= 4 && !russian.contains(piece)
            {
                fragments.push(piece.to_owned());
            }
        }
    }
    fragments.sort();
    fragments.dedup();
    fragments
}

/// What a reader sees or hears of a page: its text, title and the attributes
/// screen readers speak.
fn said(html: &str) -> String {
    let page = Html::parse_document(html);
    let mut out = String::new();
    // Code (an event's name, an audit action) is an identifier, not prose.
    let hidden = Selector::parse("script, style, code").unwrap();
    let skip: Vec<_> = page.select(&hidden).map(|e| e.id()).collect();
    for node in page.root_element().descendants() {
        if node.ancestors().any(|a| skip.contains(&a.id())) {
            continue;
        }
        if let Some(text) = node.value().as_text() {
            out.push_str(text);
            out.push(' ');
        }
        if let Some(element) = node.value().as_element() {
            for attr in ["alt", "title", "aria-label", "placeholder"] {
                if let Some(value) = element.attr(attr) {
                    out.push_str(value);
                    out.push(' ');
                }
            }
            if element.name() == "meta" && element.attr("name") == Some("description") {
                out.push_str(element.attr("content").unwrap_or(""));
                out.push(' ');
            }
        }
    }
    // Spaces between elements folded the way a browser shows them (no-break
    // spaces are kept: they are part of how numbers are written).
    out.split([' ', '\n', '\t'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `fragment` stands in `text`: anywhere for several words, as a whole word
/// for one.
fn stands_in(text: &str, fragment: &str) -> bool {
    if fragment.contains(' ') {
        return text.contains(fragment);
    }
    text.match_indices(fragment).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + fragment.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The English left on a page, if any. Dotted names (`post.published`, a host
/// name) are identifiers, not words, and are passed over.
fn english_on(text: &str, fragments: &[String]) -> Vec<String> {
    let words: Vec<&str> = text
        .split(' ')
        .filter(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            !(w.contains('.') && w.split('.').all(|part| !part.is_empty()))
        })
        .collect();
    let text = &words.join(" ");
    // "Feed" is also part of the format's name, "JSON Feed", which the footer
    // names as it is.
    fragments
        .iter()
        .filter(|f| stands_in(text, f) && !(f.as_str() == "Feed" && text.contains("JSON Feed")))
        .cloned()
        .collect()
}

const MONTHS: [&str; 12] = [
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
    "декабря",
];

#[tokio::test]
async fn a_russian_newsroom_speaks_russian_to_its_readers_from_the_first_start() {
    let (app, sink) = TestApp::fresh_in(
        "ru",
        Some(RevenueConfig {
            provider: kolokol_core::config::PaymentProviderKind::Demo,
            monthly_goal: 10_000,
            currency: kolokol_core::revenue::Currency::EUR,
            bank_transfer: "IBAN LV00 TEST 0000".into(),
            ..RevenueConfig::default()
        }),
    )
    .await;
    let fragments = english_fragments(&app);
    assert!(fragments.len() > 100, "{} fragments", fragments.len());
    assert!(fragments.iter().any(|f| f == "Remind me later"));

    // Content of its own, in Russian.
    app.store
        .add_section(&Slug::parse("novosti").unwrap(), "Новости", "", 1)
        .await
        .unwrap();
    app.store
        .add_author(&Slug::parse("reporter").unwrap(), "Анна Ветрова", "", "")
        .await
        .unwrap();
    let body = "Городской совет собрался в пятницу вечером. ".repeat(60);
    let slug = app
        .publish("Совет принял бюджет за один вечер", &body)
        .await;
    let article = urls::article(slug.as_str());

    let pages = [
        "/".to_owned(),
        article.clone(),
        urls::section("novosti"),
        urls::author("reporter"),
        "/archive".into(),
        "/lite".into(),
        format!("/lite{article}"),
        "/newsletter".into(),
        "/newsletter/check-your-inbox".into(),
        "/support".into(),
        "/support/thanks".into(),
        "/supporters".into(),
        "/mirrors".into(),
        "/privacy".into(),
        "/no-such-page".into(),
        "/newsletter/unsubscribe/not-a-token".into(),
    ];
    for path in &pages {
        let response = app.get(path).await;
        let status = response.status();
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"ru\">"), "{path}: {status}");
        let text = said(&html);
        let left = english_on(&text, &fragments);
        assert!(left.is_empty(), "{path} ({status}) still says {left:?}");
    }

    // Dates, plurals and money the Russian way.
    let page = said(&app.text(&article).await);
    assert!(
        MONTHS.iter().any(|m| page.contains(&format!(" {m} 20"))),
        "a Russian date on the article: {page}"
    );
    assert!(
        ["минута чтения", "минуты чтения", "минут чтения"]
            .iter()
            .any(|p| page.contains(p)),
        "{page}"
    );
    assert!(page.contains("Автор:"), "{page}");
    let support = said(&app.text("/support").await);
    assert!(support.contains("0 € из 10\u{a0}000 € (0%)"), "{support}");

    // The confirmation mail is Russian too.
    let mails = app
        .sign_up_on("/newsletter", "chitatel@reader.example", &sink)
        .await;
    assert_eq!(mails.len(), 1);
    let mail = mails[0].decoded();
    assert!(mail.contains("Чтобы подтвердить"), "{mail}");
    let (_, mail_body) = mail.split_once("\n\n").unwrap();
    let left = english_on(mail_body, &fragments);
    assert!(left.is_empty(), "the mail still says {left:?}");
}

/// Waits for `css`, then gives the page's HTML.
async fn page_after(browser: &fantoccini::Client, css: &str) -> String {
    browser
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    browser.source().await.unwrap()
}

async fn type_into(browser: &fantoccini::Client, css: &str, text: &str) {
    browser
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn click(browser: &fantoccini::Client, css: &str) {
    browser
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Fails on English left on the page the browser shows now.
fn assert_russian(html: &str, fragments: &[String], what: &str) {
    assert!(html.contains("lang=\"ru\""), "{what}: not marked Russian");
    let left = english_on(&said(html), fragments);
    assert!(left.is_empty(), "{what} still says {left:?}");
}

#[tokio::test]
async fn a_russian_newsroom_publishes_in_a_real_browser_without_a_word_of_english() {
    let (app, _sink) = TestApp::fresh_in("ru", None).await;
    let fragments = english_fragments(&app);
    let email = kolokol_core::Email::parse("redaktor@kolokol.example").unwrap();
    kolokol_operations::accounts::create(
        &app.store,
        kolokol_operations::Actor::Operator,
        &email,
        "Вера Соколова",
        kolokol_core::Role::Admin,
        crate::common::STAFF_PASSWORD,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let driver = kolokol_testkit::browser::start_driver();
    let browser = kolokol_testkit::browser::connect(&driver).await;

    // Sign in, as the first admin of a new site does.
    browser.goto(&app.url("/admin")).await.unwrap();
    let login = page_after(&browser, "#email").await;
    assert_russian(&login, &fragments, "the sign-in page");
    type_into(&browser, "#email", email.as_str()).await;
    type_into(&browser, "#password", crate::common::STAFF_PASSWORD).await;
    click(&browser, "form button[type=submit]").await;
    let desk = page_after(&browser, ".setup").await;
    assert_russian(&desk, &fragments, "the newsroom's first page");
    assert!(
        desk.contains("Создайте первые разделы"),
        "setup steps in Russian"
    );

    // A section, made through the newsroom.
    browser.goto(&app.url("/admin/sections")).await.unwrap();
    page_after(&browser, "#name").await;
    type_into(&browser, "#name", "Политика").await;
    type_into(&browser, "#slug", "Bad Address").await;
    click(&browser, ".article-form button[type=submit]").await;
    let refused = page_after(&browser, ".field-error").await;
    assert!(
        refused.contains("Такой адрес не подойдёт"),
        "a Russian field message"
    );
    assert_russian(&refused, &fragments, "the refused section form");
    browser
        .find(fantoccini::Locator::Css("#slug"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_into(&browser, "#slug", "politika").await;
    click(&browser, ".article-form button[type=submit]").await;
    let created = page_after(&browser, ".notice").await;
    assert!(created.contains("Раздел создан."), "{created}");

    // A Russian article, written, saved and published.
    browser.goto(&app.url("/admin/articles/new")).await.unwrap();
    page_after(&browser, "#headline").await;
    type_into(&browser, "#headline", "Парламент продлил сессию до декабря").await;
    type_into(&browser, "#slug", "parlament-prodlil-sessiyu").await;
    type_into(
        &browser,
        "#body",
        "Депутаты проголосовали поздно вечером, почти без обсуждения.\n\n> Мы узнали об этом утром, — сказал один из них.",
    )
    .await;
    let section = app.store.sections().await.unwrap()[0].id.to_string();
    browser
        .find(fantoccini::Locator::Css("#section"))
        .await
        .unwrap()
        .select_by_value(&section)
        .await
        .unwrap();
    let own = browser
        .find(fantoccini::Locator::Css("input[name=authors]"))
        .await
        .unwrap();
    if own.prop("checked").await.unwrap().as_deref() != Some("true") {
        own.click().await.unwrap();
    }
    click(&browser, ".article-form button[type=submit]").await;
    let saved = page_after(&browser, ".notice").await;
    assert!(saved.contains("Сохранено."), "saved in Russian");
    assert_russian(&saved, &fragments, "the editor");
    click(&browser, "button[value=publish]").await;
    // The saved page has a notice too: wait for the new one.
    browser
        .wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(fantoccini::Locator::XPath(
            "//p[contains(@class, 'notice') and contains(., 'Опубликовано')]",
        ))
        .await
        .unwrap();
    let published = browser.source().await.unwrap();
    assert!(published.contains("Опубликовано."), "published in Russian");

    // Every page of the newsroom, and every kind of page a reader meets, in Russian.
    let story = urls::article("parlament-prodlil-sessiyu");
    let article = app.store.all_articles().await.unwrap()[0].id.0;
    let section_id = app.store.section_records().await.unwrap()[0].id;
    let author = app.store.author_records().await.unwrap()[0].author.id;
    for path in [
        "/admin".to_owned(),
        format!("/admin/articles/{article}"),
        format!("/admin/articles/{article}/revisions"),
        "/admin/sections".to_owned(),
        format!("/admin/sections/{section_id}"),
        "/admin/tags".to_owned(),
        "/admin/authors".to_owned(),
        format!("/admin/authors/{author}"),
        "/admin/pages".to_owned(),
        "/admin/pages/new".to_owned(),
        "/admin/newsletter".to_owned(),
        "/admin/newsletter/new".to_owned(),
        "/admin/subscribers".to_owned(),
        "/admin/revenue".to_owned(),
        "/admin/staff".to_owned(),
        "/admin/settings".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/jobs".to_owned(),
        "/admin/webhooks".to_owned(),
        "/admin/integrations".to_owned(),
        "/admin/import".to_owned(),
        "/admin/media".to_owned(),
        "/admin/two-factor".to_owned(),
        "/".to_owned(),
        story.clone(),
        urls::section("politika"),
        "/archive".to_owned(),
        format!("/lite{story}"),
        "/newsletter".to_owned(),
        "/support".to_owned(),
        "/privacy".to_owned(),
        "/mirrors".to_owned(),
        "/no-such-page".to_owned(),
    ] {
        browser.goto(&app.url(&path)).await.unwrap();
        let html = page_after(&browser, "main").await;
        assert_russian(&html, &fragments, &path);
    }
    // With Russian dates.
    browser.goto(&app.url(&story)).await.unwrap();
    let page = said(&page_after(&browser, "main").await);
    assert!(
        MONTHS.iter().any(|m| page.contains(&format!(" {m} 20"))),
        "a Russian date: {page}"
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn each_staff_member_reads_the_newsroom_in_their_own_language() {
    let (app, _sink) = TestApp::fresh_in("ru", None).await;
    let editor = app.sign_in(kolokol_core::Role::Editor, "Ann Reed").await;
    let page = |response: reqwest::Response| async { response.text().await.unwrap() };
    assert!(
        page(editor.get("/admin").await)
            .await
            .contains("Новая статья")
    );

    let chosen = editor.post("/admin/language", &[("language", "en")]).await;
    assert_eq!(chosen.status(), 303);
    let english = page(editor.get("/admin").await).await;
    assert!(english.contains("New article") && english.contains("<html lang=\"en\">"));
    // Readers still get the site's language.
    assert!(app.text("/").await.contains("<html lang=\"ru\">"));

    // Only languages the theme speaks, as BCP 47 tags; nothing changes otherwise.
    for refused in ["de", "english"] {
        let answer = editor
            .post("/admin/language", &[("language", refused)])
            .await;
        assert_eq!(answer.status(), 400, "{refused}");
    }
    assert!(
        page(editor.get("/admin").await)
            .await
            .contains("New article")
    );
    // Empty: back to the site's language.
    editor.post("/admin/language", &[("language", "")]).await;
    assert!(
        page(editor.get("/admin").await)
            .await
            .contains("Новая статья")
    );
}

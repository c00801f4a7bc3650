//! A real browser: Debian's Chromium, driven over WebDriver by chromedriver, loads the
//! demo and checks what a person sees. Needs `chromium` and `chromium-driver`
//! (`.ci/run` installs them); without them the test fails and says so.

use kolokol_testkit::fixtures::Fixtures;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use kolokol_testkit::browser::{connect, start_driver};
use serde_json::json;

use crate::common::{SUPREME_COURT, TestApp};

/// axe-core, the accessibility engine, from npm (`.ci/run` installs it).
fn axe_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): run `npm install --prefix target/tools axe-core` (.ci/run does)",
            path.display()
        )
    })
}

/// Runs axe-core on the loaded page; returns its violations, described.
async fn axe_violations(browser: &Client, axe: &str) -> serde_json::Value {
    // WebDriver scripts are not subject to the page's CSP, so axe can be injected.
    browser
        .execute(&format!("{axe}\n;window.axe = axe; return true;"), vec![])
        .await
        .unwrap();
    browser
        .execute(
            "return axe.run(document, { runOnly: { type: 'tag', values: \
             ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
             .then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')));",
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn pages_pass_automated_wcag_checks() {
    let app = TestApp::demo();
    let driver = start_driver();
    let browser = connect(&driver).await;
    let axe = axe_source();
    for path in [
        "/",
        SUPREME_COURT,
        "/sections/culture",
        "/archive?page=2",
        "/authors/anna-vetrova",
        "/support",
        "/mirrors",
        "/privacy",
        "/newsletter",
        "/lite",
        "/lite/articles/supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group",
        "/search?q=court",
        "/ru/search?q=%D1%81%D1%83%D0%B4",
        "/lite/search?q=insulin",
        "/articles/no-such-story",
        // The Russian edition's pages of every kind.
        "/ru/",
        "/ru/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete",
        "/ru/sections/culture",
        "/ru/tags/censorship",
        "/ru/archive",
        "/ru/authors/anna-vetrova",
        "/ru/support",
        "/ru/mirrors",
        "/ru/privacy",
        "/ru/newsletter",
        "/ru/pages/o-nas",
        "/ru/lite",
        "/ru/lite/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete",
        "/ru/articles/no-such-story",
    ] {
        browser.goto(&app.url(path)).await.unwrap();
        assert_eq!(axe_violations(&browser, &axe).await, json!([]), "{path}");
    }

    // The newsroom's pages too, signed in as an admin through the form.
    let email = kolokol_core::Email::parse("axe@bell.example").unwrap();
    let hash = kolokol_web::admin::password::hash(crate::common::STAFF_PASSWORD).unwrap();
    app.store
        .create_user(
            &email,
            "Axe Checker",
            kolokol_core::Role::Admin,
            &hash,
            &kolokol_core::Audit::new(None, "test", ""),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    browser.goto(&app.url("/admin/login")).await.unwrap();
    assert_eq!(
        axe_violations(&browser, &axe).await,
        json!([]),
        "/admin/login"
    );
    browser
        .find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(email.as_str())
        .await
        .unwrap();
    browser
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(crate::common::STAFF_PASSWORD)
        .await
        .unwrap();
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("table.listing"))
        .await
        .unwrap();
    let article = app.store.all_articles().await.unwrap()[0].id.0;
    let section = app.store.section_records().await.unwrap()[0].id;
    let tag = app.store.tag_records().await.unwrap()[0].id;
    let axe_user = app
        .store
        .user_for_login(&email)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let (draft_issue, _) = app.newsletter_issue(axe_user, false).await;
    let (sent_issue, number) = app.newsletter_issue(axe_user, true).await;
    for path in [
        format!("/newsletter/{}", number.unwrap()),
        "/admin/newsletter".to_owned(),
        format!("/admin/newsletter/{draft_issue}"),
        format!("/admin/newsletter/{sent_issue}"),
        "/admin/subscribers".to_owned(),
        "/admin/revenue".to_owned(),
        "/admin".to_owned(),
        "/admin/articles/new".to_owned(),
        format!("/admin/articles/{article}"),
        format!("/admin/articles/{article}/revisions"),
        "/admin/audit".to_owned(),
        "/admin/jobs".to_owned(),
        "/admin/webhooks".to_owned(),
        "/admin/integrations".to_owned(),
        "/admin/import".to_owned(),
        "/admin/staff".to_owned(),
        "/admin/sections".to_owned(),
        format!("/admin/sections/{section}"),
        "/admin/tags".to_owned(),
        format!("/admin/tags/{tag}"),
        "/admin/authors".to_owned(),
        "/admin/pages".to_owned(),
        "/admin/pages/new".to_owned(),
        format!(
            "/admin/authors/{}",
            app.store.author_records().await.unwrap()[0].author.id
        ),
        "/admin/password/forgot".to_owned(),
        "/pages/about-us".to_owned(),
        "/authors/anna-vetrova".to_owned(),
        "/admin/settings".to_owned(),
        "/admin/media".to_owned(),
        "/admin/two-factor".to_owned(),
    ] {
        browser.goto(&app.url(&path)).await.unwrap();
        assert_eq!(axe_violations(&browser, &axe).await, json!([]), "{path}");
    }
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_reader_in_a_real_browser_sees_the_article() {
    let app = TestApp::demo();
    let driver = start_driver();
    let browser = connect(&driver).await;

    browser.goto(&app.url(SUPREME_COURT)).await.unwrap();
    let headline = browser.find(Locator::Css("h1")).await.unwrap();
    assert!(headline.is_displayed().await.unwrap());
    assert_eq!(
        headline.text().await.unwrap(),
        "Supreme court upholds closure of the country's oldest human rights group"
    );

    // The hero picture really loads and is laid out at its aspect ratio.
    let loaded = browser
        .execute(
            "const img = document.querySelector('figure.hero img');
             return img.decode().then(() => [img.naturalWidth, img.currentSrc, img.getBoundingClientRect().width, img.getBoundingClientRect().height]);",
            vec![],
        )
        .await
        .unwrap();
    let natural_width = loaded[0].as_f64().unwrap();
    assert!(natural_width >= 480.0, "{loaded:?}");
    assert!(
        loaded[1].as_str().unwrap().contains("/media/demo/"),
        "{loaded:?}"
    );
    let ratio = loaded[2].as_f64().unwrap() / loaded[3].as_f64().unwrap();
    assert!((ratio - 16.0 / 9.0).abs() < 0.05, "{loaded:?}");

    // The enhancement script ran: times show in the reader's zone, the original kept as a title.
    let time = browser.find(Locator::Css(".times time")).await.unwrap();
    assert!(time.attr("title").await.unwrap().unwrap().contains("EET"));

    // Keyboard users: the first Tab stop is the skip link, and it becomes visible.
    browser
        .execute(
            "document.activeElement.blur(); window.scrollTo(0, 0);",
            vec![],
        )
        .await
        .unwrap();
    let body = browser.find(Locator::Css("body")).await.unwrap();
    body.send_keys("\u{E004}").await.unwrap();
    let focused = browser
        .execute("const a = document.activeElement; const r = a.getBoundingClientRect(); return [a.textContent, r.top, r.bottom];", vec![])
        .await
        .unwrap();
    assert_eq!(focused[0], "Skip to content");
    assert!(
        focused[1].as_f64().unwrap() >= 0.0,
        "the focused skip link is on screen: {focused:?}"
    );

    // The page made no request to any other host.
    let hosts = browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).host);",
            vec![],
        )
        .await
        .unwrap();
    let own = app.base.trim_start_matches("http://");
    for host in hosts.as_array().unwrap() {
        assert_eq!(host.as_str().unwrap(), own, "{hosts:?}");
    }

    // Keep a screenshot for people to look at.
    let png = browser.screenshot().await.unwrap();
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("article.png"), png).unwrap();

    // Following "Read more" leads to another article.
    let next = browser
        .find(Locator::Css(".related article h3 a"))
        .await
        .unwrap();
    let next_title = next.text().await.unwrap();
    next.click().await.unwrap();
    let h1 = browser.find(Locator::Css("h1")).await.unwrap();
    assert_eq!(h1.text().await.unwrap(), next_title);

    browser.close().await.unwrap();
}

#[tokio::test]
async fn an_editor_in_a_real_browser_writes_previews_and_publishes() {
    let app = TestApp::empty().await;
    app.store
        .add_section(&kolokol_core::Slug::parse("news").unwrap(), "News", "", 1)
        .await
        .unwrap();
    let email = kolokol_core::Email::parse("editor@bell.example").unwrap();
    let hash = kolokol_web::admin::password::hash(crate::common::STAFF_PASSWORD).unwrap();
    app.store
        .create_user(
            &email,
            "Night Editor",
            kolokol_core::Role::Editor,
            &hash,
            &kolokol_core::Audit::new(None, "test", ""),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let driver = start_driver();
    let browser = connect(&driver).await;
    let wait = Duration::from_secs(10);

    browser.goto(&app.url("/admin")).await.unwrap();
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys("editor@bell.example")
        .await
        .unwrap();
    browser
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(crate::common::STAFF_PASSWORD)
        .await
        .unwrap();
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::LinkText("New article"))
        .await
        .unwrap();
    browser.goto(&app.url("/admin/articles/new")).await.unwrap();
    browser
        .find(Locator::Css("#headline"))
        .await
        .unwrap()
        .send_keys("Border crossing reopens at dawn")
        .await
        .unwrap();
    browser
        .find(Locator::Css("#dek"))
        .await
        .unwrap()
        .send_keys("Queues formed overnight.")
        .await
        .unwrap();
    browser
        .find(Locator::Css("#body"))
        .await
        .unwrap()
        .send_keys("The crossing *reopened* at six.\n\n> We waited all night, said one driver.")
        .await
        .unwrap();
    browser
        .find(Locator::Css("#section"))
        .await
        .unwrap()
        .select_by_value(&app.store.sections().await.unwrap()[0].id.to_string())
        .await
        .unwrap();

    // The live preview renders the Markdown while typing.
    let preview = browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css(".preview-body em"))
        .await
        .unwrap();
    assert_eq!(preview.text().await.unwrap(), "reopened");
    browser
        .find(Locator::Css(".article-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let notice = browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css(".notice"))
        .await
        .unwrap();
    assert_eq!(notice.text().await.unwrap(), "Saved.");
    let png = browser.screenshot().await.unwrap();
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("editor.png"), png).unwrap();

    browser
        .find(Locator::LinkText("Preview"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let banner = browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css(".preview-banner"))
        .await
        .unwrap();
    assert!(
        banner
            .text()
            .await
            .unwrap()
            .contains("Readers cannot see it")
    );
    assert_eq!(
        browser
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Border crossing reopens at dawn"
    );
    browser.back().await.unwrap();

    // Schedule it for tomorrow morning, then change our minds and publish now.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .with_timezone(&"Europe/Riga".parse::<chrono_tz::Tz>().unwrap())
        .format("%Y-%m-%dT09:00")
        .to_string();
    let at = browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#at"))
        .await
        .unwrap();
    browser
        .execute(
            "arguments[0].value = arguments[1];",
            vec![serde_json::to_value(&at).unwrap(), json!(tomorrow)],
        )
        .await
        .unwrap();
    browser
        .find(Locator::Css("button[value=schedule]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let state = browser
        .wait()
        .at_most(wait)
        .for_element(Locator::XPath(
            "//p[@class='notice' and normalize-space()='Scheduled.']",
        ))
        .await;
    assert!(state.is_ok(), "scheduled");
    assert!(
        browser
            .find(Locator::Css(".heading-row .state-scheduled"))
            .await
            .is_ok()
    );
    browser.goto(&app.url("/")).await.unwrap();
    assert!(
        browser.find(Locator::Css(".lead-headline")).await.is_err(),
        "not on the site before its time"
    );
    browser.back().await.unwrap();

    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("button[value=publish]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The new page's notice, not the one left on the page before the click.
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::XPath(
            "//p[@class='notice' and normalize-space()='Published.']",
        ))
        .await
        .unwrap();

    browser.goto(&app.url("/")).await.unwrap();
    let lead = browser
        .find(Locator::Css(".lead-headline a"))
        .await
        .unwrap();
    assert_eq!(
        lead.text().await.unwrap(),
        "Border crossing reopens at dawn"
    );
    lead.click().await.unwrap();
    let quote = browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css(".body blockquote"))
        .await
        .unwrap();
    assert!(quote.text().await.unwrap().contains("We waited all night"));
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_reader_gives_monthly_from_the_banner_and_can_snooze_it() {
    let app = TestApp::with_revenue(kolokol_core::RevenueConfig {
        provider: kolokol_core::config::PaymentProviderKind::Demo,
        monthly_goal: 10_000,
        ..kolokol_core::RevenueConfig::default()
    })
    .await;
    let driver = start_driver();
    let browser = connect(&driver).await;
    let wait = |css: &'static str| {
        let browser = browser.clone();
        async move {
            browser
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css}: {e}"))
        }
    };
    browser.goto(&app.url("/archive")).await.unwrap();
    // The live meter in the banner.
    let meter = wait(".banner-meter:not([hidden])").await;
    assert!(meter.text().await.unwrap().contains("$0 of $10,000"));

    // The button opens the form in a dialog; Monthly, $25, continue.
    browser
        .find(Locator::Css(".support-open"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait(".support-dialog[open] form.support-form").await;
    // The presets follow the currency.
    let preset = |value: &'static str| {
        let browser = browser.clone();
        async move {
            browser
                .find(Locator::Css(&format!(
                    ".support-dialog input[value='{value}'] + .preset"
                )))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert_eq!(preset("25").await, "$25");
    browser
        .find(Locator::Css(".support-dialog select[name=currency]"))
        .await
        .unwrap()
        .select_by_value("EUR")
        .await
        .unwrap();
    assert_eq!(preset("25").await, "€25");
    browser
        .find(Locator::Css(".support-dialog select[name=currency]"))
        .await
        .unwrap()
        .select_by_value("USD")
        .await
        .unwrap();
    browser
        .find(Locator::Css(
            ".support-dialog input[name=frequency][value=monthly]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .find(Locator::Css(
            ".support-dialog input[name=amount][value='25']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .find(Locator::Css(".support-dialog button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The (demo) provider's checkout, then back to the thank-you page. Both steps are
    // navigations: wait for the address itself, not for an element both pages have.
    let arrive = |prefix: &'static str| {
        let browser = browser.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !browser
                .current_url()
                .await
                .unwrap()
                .path()
                .starts_with(prefix)
            {
                assert!(Instant::now() < deadline, "never reached {prefix}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    arrive("/support/demo-checkout/").await;
    let page = wait("main form button.button-solid").await;
    let page_text = browser
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page_text.contains("$25") && page_text.contains("monthly"),
        "{page_text}"
    );
    page.click().await.unwrap();
    arrive("/support/thanks").await;
    let heading = wait("main h1").await;
    assert_eq!(heading.text().await.unwrap(), "Thank you");

    // The meter counts the gift (from the provider's record, not from this page).
    browser.goto(&app.url("/archive")).await.unwrap();
    let meter = wait(".banner-meter:not([hidden])").await;
    assert!(
        meter.text().await.unwrap().contains("$25 of $10,000"),
        "{}",
        meter.text().await.unwrap()
    );

    // "Remind me later" hides the banner on this device, across pages.
    browser
        .find(Locator::Css(".banner-snooze"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let hidden = browser
        .execute(
            "return document.querySelector('.support-banner').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, json!(true));
    browser.goto(&app.url("/")).await.unwrap();
    wait("main").await;
    let hidden = browser
        .execute(
            "return document.querySelector('.support-banner').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, json!(true), "still snoozed on the next page");
    let until = browser
        .execute(
            "return Number(localStorage.getItem('kolokol-support-snooze-until')) - Date.now();",
            vec![],
        )
        .await
        .unwrap();
    let days = until.as_f64().unwrap() / 86_400_000.0;
    assert!((13.9..=14.0).contains(&days), "{days} days");
    browser.close().await.unwrap();
}

//! A real newsroom's first day, from an empty database: the operator creates the
//! admin at the command line, and the admin, in Chromium, sets the site up, creates
//! a section, uploads pictures, makes a guest's author profile with a photo and an
//! About page, writes and publishes an article with a picture in that section, pins
//! it as the lead, and reads it on the public site. Nothing is loaded behind the
//! product's back.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions may unwrap: a failure is a test failure"
)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use fantoccini::{Client, Locator};
use kolokol_testkit::browser::{connect, start_driver};

use process::{KOLOKOL, Running, free_port, succeeded, with_line_on_stdin};

mod process;

const PASSWORD: &str = "a long first password";

/// Saves what the browser shows, for people to look at (target/screenshots).
async fn screenshot(browser: &Client, name: &str) {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join(name), browser.screenshot().await.unwrap()).unwrap();
}

async fn type_into(browser: &Client, css: &str, text: &str) {
    let field = browser.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Waits (bounded) until the page shows `expected` in its notice: after a click,
/// the old page's notice can still be there for a moment.
async fn expect_notice(browser: &Client, expected: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let shown = match browser.find(Locator::Css(".notice")).await {
            Ok(notice) => notice.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if shown.contains(expected) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the notice never said {expected:?} (last: {shown:?})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(browser: &Client, css: &str) -> String {
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_newsroom_publishes_its_first_article_from_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = dir.path().join("kolokol.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\n\n[site]\nbase_url = \"http://127.0.0.1:{port}\"\ntimezone = \"Europe/Riga\"\n",
            dir.path().join("data").display()
        ),
    )
    .unwrap();

    // The operator creates the first admin from the command line.
    let create = with_line_on_stdin(
        Command::new(KOLOKOL)
            .args([
                "user",
                "add",
                "--email",
                "lead@bell.example",
                "--role",
                "admin",
                "--name",
                "Marta Lead",
                "--config",
            ])
            .arg(&config),
        PASSWORD,
    );
    succeeded(&create);
    let mut server = Running::start(
        Command::new(KOLOKOL)
            .arg("serve")
            .arg("--config")
            .arg(&config),
    );
    server.wait_for("Kolokol is serving");
    let site = format!("http://127.0.0.1:{port}");

    // Pictures to upload, drawn here: the story's, and a columnist's portrait.
    let picture = dir.path().join("harbour.jpg");
    image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x / 5) as u8, (y / 4) as u8, 140])
    })
    .save(&picture)
    .unwrap();
    let portrait = dir.path().join("portrait.jpg");
    image::RgbImage::from_fn(600, 600, |x, y| {
        image::Rgb([90, (x / 3) as u8, (y / 3) as u8])
    })
    .save(&portrait)
    .unwrap();

    let driver = start_driver();
    let browser = connect(&driver).await;
    browser.goto(&format!("{site}/admin")).await.unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys("lead@bell.example")
        .await
        .unwrap();
    type_into(&browser, "#password", PASSWORD).await;
    click(&browser, "form button[type=submit]").await;

    // The newsroom's home says what to set up first.
    assert!(
        text(&browser, ".setup")
            .await
            .contains("Create the first sections")
    );
    screenshot(&browser, "first-week-setup.png").await;

    // Name the site in Settings.
    click(&browser, ".setup-steps a[href='/admin/settings']").await;
    let title = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#title"))
        .await
        .unwrap();
    title.clear().await.unwrap();
    title.send_keys("The Riga Bell").await.unwrap();
    click(
        &browser,
        "form.article-form button[type=submit], form button.primary",
    )
    .await;
    expect_notice(&browser, "aved").await;

    // The first section.
    browser
        .goto(&format!("{site}/admin/sections"))
        .await
        .unwrap();
    type_into(&browser, "#name", "Investigations").await;
    type_into(
        &browser,
        "#description",
        "What they would rather we did not find.",
    )
    .await;
    click(&browser, "form.article-form button.primary").await;
    expect_notice(&browser, "Section created.").await;
    screenshot(&browser, "first-week-sections.png").await;

    // Pictures for the library: the portrait first, then the story's.
    for (number, file) in [(1, &portrait), (2, &picture)] {
        browser.goto(&format!("{site}/admin/media")).await.unwrap();
        browser
            .find(Locator::Css("#file"))
            .await
            .unwrap()
            .send_keys(file.to_str().unwrap())
            .await
            .unwrap();
        click(&browser, "form.upload button[type=submit]").await;
        expect_notice(&browser, &format!("Uploaded as image #{number}.")).await;
    }

    // A guest columnist's profile, with the portrait.
    browser
        .goto(&format!("{site}/admin/authors"))
        .await
        .unwrap();
    type_into(&browser, "#name", "Lena Ostrova").await;
    type_into(&browser, "#title", "Guest columnist").await;
    type_into(&browser, "#bio", "Covers the *port* and its money.").await;
    let photo = browser.find(Locator::Css("#photo")).await.unwrap();
    // The library lists the newest first: the portrait is the older of the two.
    photo.select_by_index(2).await.unwrap();
    click(&browser, "form.article-form button.primary").await;
    expect_notice(&browser, "Profile created.").await;

    // An About page in the footer, published.
    browser
        .goto(&format!("{site}/admin/pages/new"))
        .await
        .unwrap();
    type_into(&browser, "#title", "About us").await;
    type_into(
        &browser,
        "#body",
        "We are a newsroom in exile, paid for by readers.",
    )
    .await;
    click(&browser, "form.article-form button.primary").await;
    expect_notice(&browser, "Saved.").await;
    click(&browser, "button[value=publish]").await;
    expect_notice(&browser, "Published.").await;

    // The article, with the picture and the section, published.
    browser
        .goto(&format!("{site}/admin/articles/new"))
        .await
        .unwrap();
    type_into(
        &browser,
        "#headline",
        "The harbour contracts nobody tendered",
    )
    .await;
    type_into(
        &browser,
        "#dek",
        "Three firms, one owner, eleven contracts.",
    )
    .await;
    type_into(
        &browser,
        "#body",
        "Eleven harbour contracts went to three firms that share one owner.",
    )
    .await;
    let section = browser.find(Locator::Css("#section")).await.unwrap();
    section.select_by_label("Investigations").await.unwrap();
    browser
        .execute("document.querySelector('details').open = true;", vec![])
        .await
        .unwrap();
    // Credited to the guest as well as the admin.
    browser
        .execute(
            "for (const box of document.querySelectorAll('input[name=authors]')) \
             { if (box.parentElement.textContent.includes('Lena Ostrova')) box.checked = true; }",
            vec![],
        )
        .await
        .unwrap();
    let hero = browser.find(Locator::Css("#hero_image")).await.unwrap();
    hero.select_by_index(1).await.unwrap();
    type_into(&browser, "#hero_alt", "The harbour's cranes at dusk").await;
    click(&browser, ".article-form button[type=submit]").await;
    expect_notice(&browser, "Saved.").await;
    click(&browser, "button[value=publish]").await;
    expect_notice(&browser, "Published.").await;
    // Pinned as the lead.
    let slot = browser.find(Locator::Css("#slot")).await.unwrap();
    slot.select_by_value("lead").await.unwrap();
    click(&browser, "form.front-pin button[type=submit]").await;
    expect_notice(&browser, "Pinned to the front page.").await;

    // Readers find it leading the front page, in its section, with its picture.
    browser.goto(&format!("{site}/")).await.unwrap();
    assert!(
        text(&browser, "nav.sections")
            .await
            .contains("Investigations")
    );
    assert_eq!(
        text(&browser, ".lead-headline").await,
        "The harbour contracts nobody tendered"
    );
    assert!(text(&browser, "footer").await.contains("About us"));
    browser
        .find(Locator::LinkText("The harbour contracts nobody tendered"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text(&browser, "h1").await,
        "The harbour contracts nobody tendered"
    );
    let loaded = browser
        .execute(
            "const img = document.querySelector('figure.hero img');
             return img.decode().then(() => img.naturalWidth);",
            vec![],
        )
        .await
        .unwrap();
    assert!(loaded.as_u64().unwrap() > 0, "the hero picture loads");
    assert!(browser.title().await.unwrap().contains("The Riga Bell"));
    assert!(text(&browser, ".byline").await.contains("Lena Ostrova"));
    screenshot(&browser, "first-week-article.png").await;
    // The guest's page shows the portrait; the About page is there.
    browser
        .goto(&format!("{site}/authors/lena-ostrova"))
        .await
        .unwrap();
    let portrait_width = browser
        .execute(
            "const img = document.querySelector('.profile-photo');
             return img.decode().then(() => img.naturalWidth);",
            vec![],
        )
        .await
        .unwrap();
    assert!(portrait_width.as_u64().unwrap() > 0, "the portrait loads");
    screenshot(&browser, "first-week-author.png").await;
    browser
        .goto(&format!("{site}/pages/about-us"))
        .await
        .unwrap();
    assert_eq!(text(&browser, "h1").await, "About us");
    // The background work behind it: the due check waiting for its next slot.
    browser.goto(&format!("{site}/admin/jobs")).await.unwrap();
    assert!(text(&browser, "table").await.contains("Due check"));
    screenshot(&browser, "first-week-jobs.png").await;
    browser
        .goto(&format!("{site}/admin/webhooks"))
        .await
        .unwrap();
    assert_eq!(text(&browser, "h1").await, "Webhooks");
    screenshot(&browser, "first-week-webhooks.png").await;
    browser.close().await.unwrap();
    server.terminate();
}

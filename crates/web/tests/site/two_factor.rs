//! Two-factor sign-in, as a careful editor sets it up and uses it.

use kolokol_core::Role;

use crate::common::{Authenticator, TestApp, select, text_of};

#[tokio::test]
async fn an_editor_turns_on_two_factor_and_signs_in_with_it() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Editor, "Careful Editor").await;
    let setup = editor.get("/admin/two-factor").await.text().await.unwrap();
    let html = scraper::Html::parse_document(&setup);
    let secret = text_of(&html, "code.secret");
    assert_eq!(secret.len(), 32);
    // Each code works once: the test takes them from consecutive steps.
    let app_codes = Authenticator::new(&secret).await;
    assert!(
        select(&html, "img.qr")[0]
            .value()
            .attr("src")
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );
    assert_eq!(
        editor
            .get("/admin/two-factor")
            .await
            .text()
            .await
            .unwrap()
            .matches(&secret)
            .count(),
        1,
        "the pending secret is kept until confirmed"
    );

    let wrong = editor
        .post("/admin/two-factor/enable", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status(), 422);
    let enabled = editor
        .post("/admin/two-factor/enable", &[("code", &app_codes.code(-1))])
        .await;
    assert_eq!(enabled.status(), 200);
    let html = scraper::Html::parse_document(&enabled.text().await.unwrap());
    let codes: Vec<String> = select(&html, ".recovery-codes code")
        .iter()
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(codes.len(), 10);

    // Signing in now takes the code.
    let email = editor.user.email.as_str();
    let (browser, location) = app.password_step(email).await;
    assert_eq!(location, "/admin/login/two-factor?next=%2Fadmin");
    assert_eq!(
        browser
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/admin/login/two-factor",
        "nothing opens before the code"
    );
    let refused = app.second_step(&browser, "123456").await;
    assert_eq!(refused.status(), 401);
    let accepted = app.second_step(&browser, &app_codes.code(0)).await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(
        browser
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // A recovery code works once.
    let (browser, _) = app.password_step(email).await;
    assert_eq!(
        app.second_step(&browser, &codes[3].to_uppercase())
            .await
            .status(),
        303
    );
    let (browser, _) = app.password_step(email).await;
    assert_eq!(
        app.second_step(&browser, &codes[3]).await.status(),
        401,
        "used up"
    );

    // Turning it off needs a current code.
    assert_eq!(
        editor
            .post("/admin/two-factor/disable", &[("code", "000000")])
            .await
            .status(),
        422
    );
    assert_eq!(
        editor
            .post("/admin/two-factor/disable", &[("code", &app_codes.code(1))])
            .await
            .status(),
        303
    );
    let (_, location) = app.password_step(email).await;
    assert_eq!(location, "/admin");
    let actions: Vec<String> = app
        .store
        .audit_log(50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for expected in [
        "two_factor.enable",
        "login.two_factor_failed",
        "two_factor.disable",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected}");
    }
}

#[tokio::test]
async fn wrong_codes_are_throttled() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Author, "Guessed Author").await;
    let app_codes = app.enable_two_factor(&editor).await;
    let (browser, _) = app.password_step(editor.user.email.as_str()).await;
    for _ in 0..5 {
        assert_eq!(app.second_step(&browser, "999999").await.status(), 401);
    }
    let throttled = app.second_step(&browser, &app_codes.code(0)).await;
    assert_eq!(throttled.status(), 429, "even the right code waits");
}

#[tokio::test]
async fn a_newsroom_can_require_two_factor_for_everyone() {
    let app = TestApp::empty().await;
    let admin = app.sign_in(Role::Admin, "Security Admin").await;
    let reporter = app.sign_in(Role::Author, "Relaxed Reporter").await;
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
                ("require_two_factor", "on"),
                ("banner_text", ""),
                ("banner_button", ""),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);

    let blocked = reporter.get("/admin").await;
    assert_eq!(blocked.status(), 303);
    assert_eq!(
        blocked.headers()["location"],
        "/admin/two-factor?required=1"
    );
    let setup = reporter
        .get("/admin/two-factor?required=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(setup.contains("The newsroom requires two-factor sign-in"));
    let secret = text_of(&scraper::Html::parse_document(&setup), "code.secret");
    let app_codes = Authenticator::new(&secret).await;
    assert_eq!(
        reporter
            .post("/admin/two-factor/enable", &[("code", &app_codes.code(-1))])
            .await
            .status(),
        200
    );
    assert_eq!(
        reporter.get("/admin").await.status(),
        200,
        "set up, the newsroom opens"
    );
    let refused = reporter
        .post("/admin/two-factor/disable", &[("code", &app_codes.code(0))])
        .await;
    assert_eq!(
        refused.status(),
        403,
        "it cannot be turned off while required"
    );
}

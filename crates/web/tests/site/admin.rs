//! The newsroom admin, as reporters and editors use it over HTTP.

use kolokol_core::{ArticleStatus, Role, Slug};
use kolokol_testkit::fixtures::Fixtures;

use crate::common::{STAFF_PASSWORD, StaffSession, TestApp, hidden_value, select, text_of};

async fn newsroom() -> (TestApp, i64) {
    let app = TestApp::empty().await;
    let section = app.add_news_section().await;
    (app, section.id)
}

/// Creates an article through the editor form; returns its admin path.
pub(crate) async fn write(
    staff: &StaffSession,
    section: i64,
    headline: &str,
    body: &str,
) -> String {
    let author = staff.user.author_id.unwrap().to_string();
    let response = staff
        .post(
            "/admin/articles",
            &[
                ("headline", headline),
                ("body", body),
                ("section", &section.to_string()),
                ("authors", &author),
                ("tags", "Rail, Exile"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    location.split('?').next().unwrap().to_owned()
}

#[tokio::test]
async fn staff_sign_in_and_out() {
    let (app, _) = newsroom().await;
    let anonymous = app.get("/admin").await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        anonymous.headers()["location"],
        "/admin/login?next=%2Fadmin"
    );

    let staff = app.sign_in(Role::Editor, "Ilya Marchenko").await;
    let dashboard = staff.get("/admin").await;
    assert_eq!(dashboard.status(), 200);
    assert_eq!(dashboard.headers()["cache-control"], "no-store");
    let html = scraper::Html::parse_document(&dashboard.text().await.unwrap());
    assert!(text_of(&html, ".signout").contains("Ilya Marchenko (editor)"));

    let logout = staff.post("/admin/logout", &[]).await;
    assert_eq!(logout.status(), 303);
    assert_eq!(
        staff.get("/admin").await.status(),
        303,
        "the session is gone after signing out"
    );
}

#[tokio::test]
async fn session_cookies_are_locked_down() {
    let (app, _) = newsroom().await;
    let email = "anna@bell.example";
    let hash = kolokol_web::admin::password::hash(STAFF_PASSWORD).unwrap();
    app.store
        .create_user(
            &kolokol_core::Email::parse(email).unwrap(),
            "Anna",
            Role::Admin,
            &hash,
            &kolokol_core::Audit::new(None, "test", ""),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(app.url("/admin/login")).send().await.unwrap();
    let login_cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Strict"),
        "{login_cookie}"
    );
    let csrf = hidden_value(&page.text().await.unwrap(), "csrf");
    let cookie = login_cookie.split(';').next().unwrap().to_owned();

    let without_cookie = client
        .post(app.url("/admin/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        without_cookie.status(),
        403,
        "the sign-in form carries its own CSRF token"
    );

    let signed_in = client
        .post(app.url("/admin/login"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "ANNA@bell.example "),
            ("password", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let session = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("kolokol_session="))
        .unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(session.contains(part), "{session}");
    }
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_then_throttled() {
    let (app, _) = newsroom().await;
    let staff = app.sign_in(Role::Author, "Sofia Lind").await;
    let email = staff.user.email.as_str().to_owned();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let attempt = |password: &'static str| {
        let client = client.clone();
        let app_url = app.url("/admin/login");
        let email = email.clone();
        async move {
            let page = client
                .get(&app_url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let csrf = hidden_value(&page, "csrf");
            client
                .post(&app_url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", email.as_str()),
                    ("password", password),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..5 {
        let refused = attempt("not the password").await;
        assert_eq!(refused.status(), 401);
        assert!(refused.text().await.unwrap().contains("do not match"));
    }
    let throttled = attempt(STAFF_PASSWORD).await;
    assert_eq!(
        throttled.status(),
        429,
        "even the right password waits after five failures"
    );
    assert!(throttled.text().await.unwrap().contains("Wait 15 minutes"));
    let unknown = attempt("whatever").await;
    assert_eq!(unknown.status(), 429);
    let log = app.store.audit_log(20).await.unwrap();
    assert!(log.iter().filter(|e| e.action == "login.failed").count() >= 5);
    assert!(log.iter().any(|e| e.action == "login.throttled"));
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused() {
    let (app, section) = newsroom().await;
    let staff = app.sign_in(Role::Editor, "Timur Aliev").await;
    let forged = staff
        .client
        .post(app.url("/admin/articles"))
        .form(&[
            ("csrf", "forged"),
            ("headline", "Forged"),
            ("section", &section.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(
        app.store.all_articles().await.unwrap().is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn bad_fields_come_back_with_messages_and_nothing_is_saved() {
    let (app, _) = newsroom().await;
    let staff = app.sign_in(Role::Author, "Katya Orlova").await;
    let response = staff
        .post(
            "/admin/articles",
            &[
                ("headline", ""),
                ("body", "Some text"),
                ("section", ""),
                ("slug", "Bad Slug"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert!(text_of(&html, "#headline-error").contains("needs a headline"));
    assert!(text_of(&html, "#section-error").contains("Choose a section"));
    assert!(text_of(&html, "#authors-error").contains("at least one author"));
    assert_eq!(select(&html, "#headline[aria-invalid=true]").len(), 1);
    assert_eq!(
        text_of(&html, "#body"),
        "Some text",
        "what was typed is kept"
    );
    assert!(app.store.all_articles().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_editor_writes_publishes_renames_corrects_and_restores() {
    let (app, section) = newsroom().await;
    let staff = app.sign_in(Role::Editor, "Anna Vetrova").await;
    let edit = write(
        &staff,
        section,
        "Night ferry cancelled",
        "The ferry will not run tonight.",
    )
    .await;
    assert!(
        app.get("/articles/night-ferry-cancelled").await.status() == 404,
        "drafts are not public"
    );

    let preview = staff.get(&format!("{edit}/preview")).await;
    assert_eq!(preview.status(), 200);
    let preview = scraper::Html::parse_document(&preview.text().await.unwrap());
    assert_eq!(text_of(&preview, "h1"), "Night ferry cancelled");
    assert!(text_of(&preview, ".preview-banner").contains("Readers cannot see it"));

    let published = staff
        .post(&format!("{edit}/publication"), &[("action", "publish")])
        .await;
    assert_eq!(published.status(), 303);
    let public = app.html("/articles/night-ferry-cancelled").await;
    assert_eq!(
        text_of(&public, "h1"),
        "Night ferry cancelled",
        "published and visible at once on this node"
    );
    assert!(app.text("/").await.contains("Night ferry cancelled"));

    // Rename: the old address answers 301 with the new one.
    let form_page = staff.get(&edit).await.text().await.unwrap();
    assert!(form_page.contains("Night ferry cancelled"));
    let author = staff.user.author_id.unwrap().to_string();
    let renamed = staff
        .post(
            &edit,
            &[
                ("headline", "Night ferry cancelled again"),
                ("body", "Second night without a ferry."),
                ("section", &section.to_string()),
                ("authors", &author),
                ("slug", "night-ferry-cancelled-again"),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    let old = app.get("/articles/night-ferry-cancelled").await;
    assert_eq!(old.status(), 301, "a permanent redirect");
    let location = old.headers()["location"].to_str().unwrap();
    assert_eq!(
        crate::common::resolve("/articles/night-ferry-cancelled", location),
        "/articles/night-ferry-cancelled-again",
        "relative, so it also works behind a path prefix"
    );
    assert!(
        app.text("/articles/night-ferry-cancelled-again")
            .await
            .contains("Second night")
    );

    // Mark as updated and correct.
    assert_eq!(
        staff
            .post(&format!("{edit}/publication"), &[("action", "updated")])
            .await
            .status(),
        303
    );
    let empty = staff
        .post(&format!("{edit}/corrections"), &[("correction", "  ")])
        .await;
    assert_eq!(empty.status(), 422);
    let html = scraper::Html::parse_document(&empty.text().await.unwrap());
    assert!(text_of(&html, "#correction-error").contains("Write the correction"));
    assert_eq!(
        staff
            .post(
                &format!("{edit}/corrections"),
                &[("correction", "We gave the wrong pier.")]
            )
            .await
            .status(),
        303
    );
    let public = app.html("/articles/night-ferry-cancelled-again").await;
    assert!(text_of(&public, ".times").contains("Updated"));
    assert!(text_of(&public, ".corrections").contains("We gave the wrong pier."));

    // Revisions: two saves, a diff, and a restore of the first.
    let revisions = app
        .store
        .revisions(kolokol_core::ArticleId(
            edit.rsplit('/').next().unwrap().parse().unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(revisions.len(), 2);
    let page = staff
        .get(&format!("{edit}/revisions"))
        .await
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&page);
    let lines = |class: &str| {
        select(&html, class)
            .iter()
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        lines(".diff-added").contains("+ Second night without a ferry."),
        "{}",
        lines(".diff-added")
    );
    assert!(lines(".diff-removed").contains("- The ferry will not run tonight."));
    let first = revisions.last().unwrap().id;
    let restored = staff
        .post(&format!("{edit}/revisions/{first}/restore"), &[])
        .await;
    assert_eq!(restored.status(), 303);
    assert!(
        app.text("/articles/night-ferry-cancelled")
            .await
            .contains("The ferry will not run tonight."),
        "restored, slug included"
    );
    assert_eq!(
        app.get("/articles/night-ferry-cancelled-again")
            .await
            .status(),
        301
    );

    // Withdraw.
    assert_eq!(
        staff
            .post(&format!("{edit}/publication"), &[("action", "unpublish")])
            .await
            .status(),
        303
    );
    assert_eq!(
        app.get("/articles/night-ferry-cancelled").await.status(),
        404
    );

    let actions: Vec<String> = app
        .store
        .audit_log(50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for expected in [
        "login",
        "article.create",
        "article.publish",
        "article.save",
        "article.updated",
        "article.correct",
        "article.restore",
        "article.unpublish",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn scheduled_articles_appear_when_due() {
    let (app, section) = newsroom().await;
    let staff = app.sign_in(Role::Author, "Pavel Grin").await;
    let edit = write(
        &staff,
        section,
        "Election results at nine",
        "Counting continues.",
    )
    .await;
    let past = staff
        .post(
            &format!("{edit}/publication"),
            &[("action", "schedule"), ("at", "2001-01-01T09:00")],
        )
        .await;
    assert_eq!(past.status(), 422);
    let html = scraper::Html::parse_document(&past.text().await.unwrap());
    assert!(
        text_of(&html, "#at-error").contains("That time has passed"),
        "the message stands next to the field"
    );

    let soon = (chrono::Utc::now() + chrono::Duration::hours(1))
        .with_timezone(&"Europe/Riga".parse::<chrono_tz::Tz>().unwrap());
    let at = soon.format("%Y-%m-%dT%H:%M").to_string();
    assert_eq!(
        staff
            .post(
                &format!("{edit}/publication"),
                &[("action", "schedule"), ("at", &at)]
            )
            .await
            .status(),
        303
    );
    let listing = staff.get("/admin").await.text().await.unwrap();
    assert!(listing.contains("state-scheduled"));
    assert_eq!(
        app.get("/articles/election-results-at-nine").await.status(),
        404,
        "not before its time"
    );

    // The scheduler's view an hour later: the article is due and the cache moves on.
    let id = kolokol_core::ArticleId(edit.rsplit('/').next().unwrap().parse().unwrap());
    let article = app.store.editable_article(id).await.unwrap().unwrap();
    assert_eq!(article.status, ArticleStatus::Published);
    let due = article.published_at.unwrap();
    assert!(
        app.store
            .published_article(&Slug::parse("election-results-at-nine").unwrap(), due)
            .await
            .unwrap()
            .is_some()
    );
    app.store.publish_due(chrono::Utc::now()).await.unwrap();
    assert!(
        app.store
            .publish_due(due + chrono::Duration::seconds(1))
            .await
            .unwrap()
            .changed,
        "the scheduler notices it came due"
    );
}

/// (method, path, form fields, expected status for [contributor, author, editor, admin])
type RouteCase<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, [u16; 4]);

/// Every admin route, walked as every role, against an article that is not theirs.
#[tokio::test]
async fn every_admin_route_as_every_role() {
    let (app, section) = newsroom().await;
    let owner = app.sign_in(Role::Admin, "Owner Admin").await;
    let edit = write(&owner, section, "Owned by the admin", "Body.").await;
    assert_eq!(
        owner
            .post(&format!("{edit}/publication"), &[("action", "publish")])
            .await
            .status(),
        303
    );
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    let revision = app
        .store
        .revisions(kolokol_core::ArticleId(id))
        .await
        .unwrap()[0]
        .id
        .to_string();
    let section = section.to_string();
    let owner_author = owner.user.author_id.unwrap().to_string();

    let routes: Vec<RouteCase> = vec![
        ("GET", "/admin".into(), vec![], [200, 200, 200, 200]),
        (
            "GET",
            "/admin/articles/new".into(),
            vec![],
            [200, 200, 200, 200],
        ),
        ("GET", edit.clone(), vec![], [403, 403, 200, 200]),
        (
            "POST",
            edit.clone(),
            vec![
                ("headline", "Owned by the admin"),
                ("body", "Edited."),
                ("section", &section),
                ("authors", &owner_author),
            ],
            [403, 403, 303, 303],
        ),
        (
            "GET",
            format!("{edit}/preview"),
            vec![],
            [403, 403, 200, 200],
        ),
        (
            "POST",
            format!("{edit}/publication"),
            vec![("action", "updated")],
            [403, 403, 303, 303],
        ),
        (
            "POST",
            format!("{edit}/corrections"),
            vec![("correction", "A fix.")],
            [403, 403, 303, 303],
        ),
        (
            "GET",
            format!("{edit}/revisions"),
            vec![],
            [403, 403, 200, 200],
        ),
        (
            "POST",
            format!("{edit}/revisions/{revision}/restore"),
            vec![],
            [403, 403, 303, 303],
        ),
        ("GET", "/admin/audit".into(), vec![], [403, 403, 403, 200]),
        ("GET", "/admin/jobs".into(), vec![], [403, 403, 403, 200]),
        (
            "GET",
            "/admin/webhooks".into(),
            vec![],
            [403, 403, 403, 200],
        ),
        (
            "POST",
            "/admin/webhooks/999999/delete".into(),
            vec![],
            [403, 403, 403, 404],
        ),
        (
            "GET",
            "/admin/integrations".into(),
            vec![],
            [403, 403, 403, 200],
        ),
        ("GET", "/admin/import".into(), vec![], [403, 403, 403, 200]),
        (
            "GET",
            "/admin/settings".into(),
            vec![],
            [403, 403, 403, 200],
        ),
        (
            "POST",
            "/admin/settings".into(),
            vec![
                ("title", "Walked"),
                ("newsletter_name", "The Weekly"),
                ("newsletter_day", "friday"),
                ("newsletter_time", "09:00"),
                ("policy_version", "1"),
                ("policy_url", "/privacy"),
                ("language", "en"),
                ("banner_text", ""),
                ("banner_button", ""),
            ],
            [403, 403, 403, 303],
        ),
        ("GET", "/admin/media".into(), vec![], [200, 200, 200, 200]),
        (
            "GET",
            "/admin/newsletter".into(),
            vec![],
            [403, 403, 200, 200],
        ),
        (
            "GET",
            "/admin/newsletter/new".into(),
            vec![],
            [403, 403, 200, 200],
        ),
        (
            "POST",
            "/admin/newsletter".into(),
            vec![("subject", "Walked issue")],
            [403, 403, 303, 303],
        ),
        (
            "GET",
            "/admin/subscribers".into(),
            vec![],
            [403, 403, 403, 200],
        ),
        (
            "GET",
            "/admin/subscribers.csv".into(),
            vec![],
            [403, 403, 403, 200],
        ),
        (
            "POST",
            "/admin/subscribers/suppress".into(),
            vec![("email", "nobody@reader.example")],
            [403, 403, 403, 422],
        ),
        ("GET", "/admin/staff".into(), vec![], [403, 403, 403, 200]),
        (
            "GET",
            "/admin/sections".into(),
            vec![],
            [403, 403, 200, 200],
        ),
        (
            "GET",
            format!("/admin/sections/{section}"),
            vec![],
            [403, 403, 200, 200],
        ),
        (
            "POST",
            "/admin/sections".into(),
            vec![("name", "")],
            [403, 403, 422, 422],
        ),
        (
            "POST",
            format!("/admin/sections/{section}"),
            vec![("name", "")],
            [403, 403, 422, 422],
        ),
        (
            "POST",
            "/admin/sections/999999/delete".into(),
            vec![],
            [403, 403, 404, 404],
        ),
        ("GET", "/admin/tags".into(), vec![], [403, 403, 200, 200]),
        ("GET", "/admin/authors".into(), vec![], [403, 403, 200, 200]),
        ("GET", "/admin/pages".into(), vec![], [403, 403, 200, 200]),
        (
            "POST",
            "/admin/articles/999999/front".into(),
            vec![("slot", "lead")],
            [403, 403, 404, 404],
        ),
        (
            "GET",
            "/admin/pages/new".into(),
            vec![],
            [403, 403, 200, 200],
        ),
        (
            "POST",
            "/admin/pages".into(),
            vec![("title", "")],
            [403, 403, 422, 422],
        ),
        (
            "POST",
            "/admin/pages/999999/publication".into(),
            vec![("action", "publish")],
            [403, 403, 404, 404],
        ),
        (
            "POST",
            "/admin/authors".into(),
            vec![("name", "")],
            [403, 403, 422, 422],
        ),
        (
            "POST",
            "/admin/authors/999999".into(),
            vec![("name", "Nobody")],
            [403, 403, 404, 404],
        ),
        (
            "POST",
            "/admin/tags/999999".into(),
            vec![("action", "delete")],
            [403, 403, 404, 404],
        ),
        (
            "POST",
            "/admin/staff/invite".into(),
            vec![
                ("email", "x@walk.example"),
                ("name", "X"),
                ("role", "author"),
            ],
            [403, 403, 403, 200],
        ),
        (
            "POST",
            "/admin/articles".into(),
            vec![("headline", "HEADLINE"), ("section", &section)],
            [303, 303, 303, 303],
        ),
    ];
    let roles = [Role::Contributor, Role::Author, Role::Editor, Role::Admin];
    for (n, role) in roles.into_iter().enumerate() {
        let staff = app.sign_in(role, &format!("Walker {role}")).await;
        let mine = staff.user.author_id.unwrap().to_string();
        for (method, path, fields, expected) in &routes {
            let mut fields = fields.clone();
            let headline = format!("A {role} article");
            if *path == "/admin/articles" {
                fields = vec![
                    ("headline", headline.as_str()),
                    ("section", &section),
                    ("authors", &mine),
                ];
            }
            let response = if *method == "GET" {
                staff.get(path).await
            } else {
                staff.post(path, &fields).await
            };
            assert_eq!(
                response.status().as_u16(),
                expected[n],
                "{method} {path} as {role}"
            );
        }
        let preview = staff
            .client
            .post(app.url("/admin/preview"))
            .header("x-csrf-token", &staff.csrf)
            .body("**bold** <script>alert(1)</script>")
            .send()
            .await
            .unwrap();
        assert_eq!(preview.status(), 200, "live preview as {role}");
        assert_eq!(
            preview.text().await.unwrap().trim(),
            "<p><strong>bold</strong> </p>"
        );
    }

    // Unauthenticated: every route sends the visitor to sign in, and changes nothing.
    let before = app.store.audit_log(1000).await.unwrap().len();
    for (method, path, fields, _) in &routes {
        let request = if *method == "GET" {
            app.client().get(app.url(path))
        } else {
            app.client().post(app.url(path)).form(fields)
        };
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 303, "{method} {path} without a session");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/admin/login")
        );
    }
    assert_eq!(app.store.audit_log(1000).await.unwrap().len(), before);
}

#[tokio::test]
async fn contributors_write_drafts_and_authors_publish_their_own() {
    let (app, section) = newsroom().await;
    let contributor = app.sign_in(Role::Contributor, "Junior Reporter").await;
    let draft = write(&contributor, section, "A first draft", "Words.").await;
    assert_eq!(
        contributor.get(&draft).await.status(),
        200,
        "their own draft"
    );
    assert_eq!(
        contributor
            .post(&format!("{draft}/publication"), &[("action", "publish")])
            .await
            .status(),
        403
    );
    assert_eq!(app.get("/articles/a-first-draft").await.status(), 404);

    // An editor schedules it: from then on only those who may publish can change it.
    let editor = app.sign_in(Role::Editor, "Desk Editor").await;
    let at = (chrono::Utc::now() + chrono::Duration::days(2))
        .with_timezone(&chrono_tz::Europe::Riga)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    assert_eq!(
        editor
            .post(
                &format!("{draft}/publication"),
                &[("action", "schedule"), ("at", &at)]
            )
            .await
            .status(),
        303
    );
    assert_eq!(contributor.get(&draft).await.status(), 403);
    let rewrite = contributor
        .post(
            &draft,
            &[
                ("headline", "A first draft"),
                ("body", "Rewritten after scheduling."),
                ("section", &section.to_string()),
            ],
        )
        .await;
    assert_eq!(rewrite.status(), 403, "a scheduled article is not a draft");

    let author = app.sign_in(Role::Author, "Senior Reporter").await;
    let own = write(&author, section, "An author's story", "Words.").await;
    assert_eq!(
        author
            .post(&format!("{own}/publication"), &[("action", "publish")])
            .await
            .status(),
        303
    );
    assert_eq!(app.get("/articles/an-author-s-story").await.status(), 200);
    assert_eq!(
        author.get(&draft).await.status(),
        403,
        "not someone else's draft"
    );
    let listing = author.get("/admin").await.text().await.unwrap();
    assert!(listing.contains("An author&#39;s story") || listing.contains("An author's story"));
    assert!(
        !listing.contains("A first draft"),
        "authors see their own articles only"
    );
}

#[tokio::test]
async fn an_admin_changes_the_sites_settings() {
    let (app, _) = newsroom().await;
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    let page = admin.get("/admin/settings").await.text().await.unwrap();
    assert!(
        page.contains("The Northern Bell"),
        "the form shows the current settings"
    );
    assert!(
        page.contains(r#"<option value="friday" selected>"#),
        "the saved day is the one marked, so saving does not move the newsletter"
    );

    let refused = admin
        .post(
            "/admin/settings",
            &[
                ("title", ""),
                ("language", "english"),
                ("navigation", "About /about"),
                ("notice_enabled", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    for field in ["title", "language", "navigation", "notice_text"] {
        assert!(
            !text_of(&html, &format!("#{field}-error")).is_empty(),
            "{field}"
        );
    }
    assert!(
        app.text("/").await.contains("The Northern Bell"),
        "nothing was saved"
    );

    let saved = admin
        .post(
            "/admin/settings",
            &[
                ("title", "Riga Evening Bell"),
                ("tagline", "News at dusk"),
                ("newsletter_name", "The Weekly"),
                ("newsletter_day", "friday"),
                ("newsletter_time", "09:00"),
                ("policy_version", "1"),
                ("policy_url", "/privacy"),
                ("language", "ru"),
                ("languages", "en"),
                (
                    "navigation",
                    "About us | /about\nMirrors | https://mirror.example/",
                ),
                ("banner_enabled", "on"),
                ("banner_text", "Help us pay for the printing press."),
                ("banner_button", "Give"),
                ("banner_link", "/support"),
                ("notice_enabled", "on"),
                ("notice_text", "Blocked in Veldoria since March."),
                ("notice_link_text", "Mirrors"),
                ("notice_link", "https://mirror.example/"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let front = app.html("/").await;
    assert_eq!(text_of(&front, "title"), "Riga Evening Bell");
    assert_eq!(select(&front, "html[lang=ru]").len(), 1);
    assert!(text_of(&front, ".support-banner").contains("Help us pay for the printing press."));
    assert!(text_of(&front, ".banned-notice").contains("Blocked in Veldoria since March."));
    let menu: Vec<String> = select(&front, "nav.sections a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(
        menu.ends_with(&[
            "Архив".to_owned(),
            "Поиск".to_owned(),
            "About us".to_owned(),
            "Mirrors".to_owned()
        ]),
        "{menu:?}"
    );
    assert!(
        app.text("/feed.xml")
            .await
            .contains("<title>Riga Evening Bell</title>")
    );
    assert!(
        app.store
            .audit_log(10)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "settings.save")
    );
}

#[tokio::test]
async fn an_admin_invites_a_reporter_by_email_and_they_join() {
    let (app, sink) = TestApp::with_mail().await;
    let admin = app.sign_in(Role::Admin, "Inviting Admin").await;
    assert_eq!(admin.get("/admin/staff").await.status(), 200);

    let refused = admin
        .post(
            "/admin/staff/invite",
            &[("email", "not an address"), ("name", ""), ("role", "owner")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    for field in ["email", "name", "role"] {
        assert!(
            !text_of(&html, &format!("#{field}-error")).is_empty(),
            "{field}"
        );
    }
    let taken = admin
        .post(
            "/admin/staff/invite",
            &[
                ("email", admin.user.email.as_str()),
                ("name", "Again"),
                ("role", "author"),
            ],
        )
        .await;
    assert_eq!(taken.status(), 422);

    let invited = admin
        .post(
            "/admin/staff/invite",
            &[
                ("email", "new.reporter@bell.example"),
                ("name", "New Reporter"),
                ("role", "author"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 200);
    assert!(
        invited
            .text()
            .await
            .unwrap()
            .contains("Invitation sent to new.reporter@bell.example")
    );
    let mails = sink.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, ["new.reporter@bell.example"]);
    // Long lines travel quoted-printable: undo the soft line breaks.
    let body = mails[0].data.replace("=\n", "").replace("=3D", "=");
    let link = body
        .lines()
        .find(|l| l.contains("/admin/invite/"))
        .unwrap()
        .trim()
        .to_owned();
    let path = link.strip_prefix(&app.base).unwrap().to_owned();

    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("You are invited as author")
    );
    let client = app.client();
    let short = client
        .post(app.url(&path))
        .form(&[
            ("name", "New Reporter"),
            ("password", "short"),
            ("password_again", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("at least 12 characters")
    );
    let joined = client
        .post(app.url(&path))
        .form(&[
            ("name", "New Reporter"),
            ("password", STAFF_PASSWORD),
            ("password_again", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), 303);
    let welcome = client
        .get(app.url(joined.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        welcome.contains("Welcome to the newsroom"),
        "the sign-in page greets the new colleague"
    );
    let (user, _) = app
        .store
        .user_for_login(&kolokol_core::Email::parse("new.reporter@bell.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (user.name.as_str(), user.role),
        ("New Reporter", Role::Author)
    );
    let again = client
        .post(app.url(&path))
        .form(&[
            ("name", "Someone"),
            ("password", STAFF_PASSWORD),
            ("password_again", STAFF_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404, "an invitation works once");
    assert_eq!(app.get("/admin/invite/0000").await.status(), 404);
}

#[tokio::test]
async fn without_a_mail_server_the_admin_gets_the_link_to_pass_on() {
    let (app, _) = newsroom().await;
    let admin = app.sign_in(Role::Admin, "Offline Admin").await;
    let invited = admin
        .post(
            "/admin/staff/invite",
            &[
                ("email", "helper@bell.example"),
                ("name", "Helper"),
                ("role", "contributor"),
            ],
        )
        .await;
    let html = scraper::Html::parse_document(&invited.text().await.unwrap());
    let link = text_of(&html, "code.invite-link");
    assert!(
        link.starts_with(&format!("{}/admin/invite/", app.base)),
        "{link}"
    );
    assert_eq!(
        app.get(link.strip_prefix(&app.base).unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_admin_changes_roles_and_disables_accounts_but_never_their_own() {
    let (app, _) = newsroom().await;
    let admin = app.sign_in(Role::Admin, "Chief Admin").await;
    let reporter = app.sign_in(Role::Author, "Moving Reporter").await;
    let id = reporter.user.id.0;

    assert_eq!(
        admin
            .post(
                &format!("/admin/staff/{id}"),
                &[("action", "role"), ("role", "editor")]
            )
            .await
            .status(),
        303
    );
    assert_eq!(
        reporter.get("/admin/audit").await.status(),
        403,
        "editors still cannot read the audit log"
    );
    let (user, _) = app
        .store
        .user_for_login(&reporter.user.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, Role::Editor);

    assert_eq!(
        admin
            .post(&format!("/admin/staff/{id}"), &[("action", "disable")])
            .await
            .status(),
        303
    );
    assert_eq!(
        reporter.get("/admin").await.status(),
        303,
        "a disabled account's sessions end at once"
    );
    assert!(
        app.store
            .user_for_login(&reporter.user.email)
            .await
            .unwrap()
            .is_none(),
        "and it cannot sign in"
    );
    assert!(
        admin
            .get("/admin/staff")
            .await
            .text()
            .await
            .unwrap()
            .contains("Re-enable")
    );
    assert_eq!(
        admin
            .post(&format!("/admin/staff/{id}"), &[("action", "enable")])
            .await
            .status(),
        303
    );
    assert!(
        app.store
            .user_for_login(&reporter.user.email)
            .await
            .unwrap()
            .is_some()
    );

    let own = admin
        .post(
            &format!("/admin/staff/{}", admin.user.id.0),
            &[("action", "role"), ("role", "contributor")],
        )
        .await;
    assert_eq!(own.status(), 400);
    assert_eq!(
        admin
            .post("/admin/staff/999999", &[("action", "disable")])
            .await
            .status(),
        404
    );
    assert_eq!(
        reporter
            .post(
                &format!("/admin/staff/{}", admin.user.id.0),
                &[("action", "disable")]
            )
            .await
            .status(),
        303,
        "a signed-out session goes to sign in"
    );
    let actions: Vec<String> = app
        .store
        .audit_log(20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for expected in ["staff.role", "staff.disable", "staff.enable"] {
        assert!(actions.iter().any(|a| a == expected), "{expected}");
    }
}

#[tokio::test]
async fn saving_without_touching_the_tags_records_no_change_to_them() {
    let (app, section) = newsroom().await;
    let staff = app.sign_in(Role::Editor, "Tag Keeper").await;
    let edit = write(&staff, section, "Rail line closes", "First words.").await;
    // Save again as the editor shows the form, with only the body changed.
    let form = staff.get(&edit).await.text().await.unwrap();
    let shown_tags = hidden_value(&form, "tags");
    assert_eq!(shown_tags, "Exile, Rail");
    let author = staff.user.author_id.unwrap().to_string();
    let saved = staff
        .post(
            &edit,
            &[
                ("headline", "Rail line closes"),
                ("body", "Second words."),
                ("section", &section.to_string()),
                ("authors", &author),
                ("tags", &shown_tags),
                ("slug", "rail-line-closes"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let page = staff
        .get(&format!("{edit}/revisions"))
        .await
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&page);
    let changed: Vec<String> = select(&html, ".diff-added, .diff-removed")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert!(!changed.is_empty());
    assert!(
        changed.iter().all(|line| !line.contains("Tags:")),
        "{changed:?}"
    );
}

#[tokio::test]
async fn the_article_list_pages_through_an_archive_and_finds_by_headline() {
    let app = TestApp::empty().await;
    for n in 1..=52 {
        app.publish(&format!("Council meeting number {n}"), "Minutes.")
            .await;
    }
    app.publish("Забастовка в порту", "Порт стоит.").await;
    let editor = app.sign_in(Role::Editor, "Archive Editor").await;
    let rows = |html: &scraper::Html| select(html, "table.listing tbody tr").len();

    let first = scraper::Html::parse_document(&editor.get("/admin").await.text().await.unwrap());
    assert_eq!(rows(&first), 50);
    assert!(text_of(&first, ".count").contains("53 articles, page 1 of 2"));
    let next = select(&first, "a[rel=next]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(next, "/admin?page=2");
    let second = scraper::Html::parse_document(&editor.get(&next).await.text().await.unwrap());
    assert_eq!(rows(&second), 3);
    assert_eq!(editor.get("/admin?page=3").await.status(), 404);
    assert_eq!(editor.get("/admin?page=zero").await.status(), 400);

    // Search by headline, in any case and script; filters stay in the paging links.
    let found = scraper::Html::parse_document(
        &editor
            .get("/admin?q=%D0%97%D0%90%D0%91%D0%90%D0%A1%D0%A2%D0%9E%D0%92%D0%9A%D0%90")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(rows(&found), 1);
    assert!(text_of(&found, "table.listing").contains("Забастовка в порту"));
    let council = scraper::Html::parse_document(
        &editor
            .get("/admin?q=council&state=published")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(rows(&council), 50);
    assert_eq!(
        select(&council, "a[rel=next]")[0].value().attr("href"),
        Some("/admin?q=council&state=published&page=2")
    );
    let drafts = scraper::Html::parse_document(
        &editor.get("/admin?state=draft").await.text().await.unwrap(),
    );
    assert_eq!(rows(&drafts), 0);
    assert!(text_of(&drafts, "main").contains("No article matches"));
    assert_eq!(editor.get("/admin?state=lost").await.status(), 400);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_a_mailed_link_that_works_once() {
    let (app, sink) = TestApp::with_mail().await;
    let staff = app.sign_in(Role::Author, "Forgetful Reporter").await;
    let email = staff.user.email.to_string();
    let login = app.html("/admin/login").await;
    assert_eq!(
        select(&login, "a[href='/admin/password/forgot']").len(),
        1,
        "the sign-in page offers a way back in"
    );

    // An unknown address gets the same answer and no mail.
    let client = crate::common::browser_at("127.0.0.1");
    let unknown = client
        .post(app.url("/admin/password/forgot"))
        .form(&[("email", "nobody@bell.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 200);
    let unknown_text = unknown.text().await.unwrap();
    assert!(unknown_text.contains("If an account uses nobody@bell.example"));
    let bad = client
        .post(app.url("/admin/password/forgot"))
        .form(&[("email", "not an address")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let known = client
        .post(app.url("/admin/password/forgot"))
        .form(&[("email", email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(known.status(), 200);
    app.state.outbox.settled().await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 1, "only the known address is mailed");
    assert_eq!(mails[0].recipients, std::slice::from_ref(&email));
    let text = mails[0].decoded();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/admin/password/reset/"))
        .unwrap()
        .to_owned();
    let path = link
        .split_once("/admin/")
        .map(|(_, p)| format!("/admin/{p}"))
        .unwrap();

    let form = client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains(&email));
    let differ = client
        .post(app.url(&path))
        .form(&[
            ("password", "a brand new password"),
            ("password_again", "another one entirely"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(differ.status(), 422);
    let short = client
        .post(app.url(&path))
        .form(&[("password", "short"), ("password_again", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    let done = client
        .post(app.url(&path))
        .form(&[
            ("password", "a brand new password"),
            ("password_again", "a brand new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/admin/login?reset=1");

    // Signed out everywhere; the new password works, the old one not; the link is spent.
    assert_eq!(staff.get("/admin").await.status(), 303);
    let fresh = crate::common::browser_at("127.0.0.1");
    let old = app
        .submit_sign_in(
            &fresh,
            "/admin/login",
            &[("email", &email), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert_ne!(old.status(), 303, "the old password no longer works");
    let new = app
        .submit_sign_in(
            &fresh,
            "/admin/login",
            &[("email", &email), ("password", "a brand new password")],
        )
        .await;
    assert_eq!(new.status(), 303);
    assert_eq!(
        client.get(app.url(&path)).send().await.unwrap().status(),
        404
    );
    let again = client
        .post(app.url(&path))
        .form(&[
            ("password", "yet another password"),
            ("password_again", "yet another password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
    let log = app.store.audit_log(10).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "staff.password-reset" && e.subject == email)
    );
}

#[tokio::test]
async fn signing_in_on_a_full_disk_says_why_and_readers_are_served() {
    let (app, _section) = newsroom().await;
    let staff = app.sign_in(Role::Editor, "Anna Vetrova").await;
    let email = staff.user.email.to_string();
    app.disk_full_for("sessions").await;
    let client = crate::common::browser_at("127.0.0.1");
    let refused = app
        .submit_sign_in(
            &client,
            "/admin/login",
            &[
                ("email", &email),
                ("password", crate::common::STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status(), 507);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    let said = text_of(&html, ".error-summary, .error, [role=alert]");
    assert!(said.contains("the server's disk is full"), "{said}");
    assert!(
        select(&html, "input[name=email]")
            .iter()
            .any(|i| i.value().attr("value") == Some(email.as_str())),
        "the address typed is kept"
    );
    assert_eq!(app.get("/").await.status(), 200, "readers are served");
    app.disk_has_room_again().await;
    let (_client, next) = app.password_step(&email).await;
    assert!(next.starts_with("/admin"), "{next}");
}

#[tokio::test]
async fn a_full_disk_keeps_the_typed_article_and_says_why() {
    let (app, section) = newsroom().await;
    let staff = app.sign_in(Role::Editor, "Anna Vetrova").await;
    app.disk_full_for("articles").await;
    let author = staff.user.author_id.unwrap().to_string();
    let section = section.to_string();
    let form = [
        ("headline", "Harbour strike enters its third week"),
        (
            "body",
            "Dockers voted again on Monday.\n\nNo ship has left since.",
        ),
        ("section", &section),
        ("authors", &author),
    ];
    let refused = staff.post("/admin/articles", &form).await;
    assert_eq!(refused.status(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    assert!(
        text_of(&html, ".error-summary").contains("the server's disk is full"),
        "{}",
        text_of(&html, ".error-summary")
    );
    let body: String = select(&html, "#body")
        .iter()
        .flat_map(|b| b.text())
        .collect();
    assert_eq!(
        body, "Dockers voted again on Monday.\n\nNo ship has left since.",
        "what was typed is all there, as typed"
    );
    assert!(
        select(&html, "#headline")
            .iter()
            .any(|h| h.value().attr("value") == Some("Harbour strike enters its third week"))
    );
    assert!(app.store.all_articles().await.unwrap().is_empty());
    // With room again, the same form saves.
    app.disk_has_room_again().await;
    assert_eq!(staff.post("/admin/articles", &form).await.status(), 303);
    assert_eq!(app.store.all_articles().await.unwrap().len(), 1);
}

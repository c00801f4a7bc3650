//! Pages are valid HTML5, checked by the Nu Html Checker (the W3C's validator) running
//! locally: `vnu.jar` from the npm package `vnu-jar`, on the machine's Java.
//! `.ci/run` installs both; `KOLOKOL_VNU_JAR` may point at another copy.

use kolokol_testkit::fixtures::Fixtures;
use std::path::PathBuf;
use std::process::Command;

use crate::common::{GOVERNOR, SUPREME_COURT, TestApp};

fn vnu_jar() -> PathBuf {
    if let Ok(path) = std::env::var("KOLOKOL_VNU_JAR") {
        return PathBuf::from(path);
    }
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/tools/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        bundled.is_file(),
        "the HTML validator is missing: run `npm install --prefix target/tools vnu-jar` (.ci/run does), \
         or set KOLOKOL_VNU_JAR"
    );
    bundled
}

#[tokio::test]
async fn every_kind_of_page_is_valid_html() {
    let app = TestApp::demo();
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        ("front", "/"),
        ("article", SUPREME_COURT),
        ("two-authors", GOVERNOR),
        ("section", "/sections/politics"),
        ("tag", "/tags/censorship"),
        ("author", "/authors/anna-vetrova"),
        ("archive", "/archive?page=2"),
        ("support", "/support"),
        ("mirrors", "/mirrors"),
        ("privacy", "/privacy"),
        ("support-thanks", "/support/thanks"),
        ("newsletter-check", "/newsletter/check-your-inbox"),
        (
            "newsletter-unsubscribe",
            "/newsletter/unsubscribe/1.AAAAAAAAAAAAAAAAAAAAAA",
        ),
        ("search-form", "/search"),
        ("search-results", "/search?q=court&order=newest"),
        ("search-nothing", "/search?q=vpm"),
        ("search-too-long", "/search?q=x&from=yesterday"),
        ("lite-search", "/lite/search?q=insulin"),
        ("ru-search", "/ru/search?q=%D1%81%D1%83%D0%B4"),
        ("ru-lite-search", "/ru/lite/search?q=%D1%81%D1%83%D0%B4"),
        ("lite-front", "/lite"),
        (
            "lite-article",
            "/lite/articles/supreme-court-upholds-closure-of-the-country-s-oldest-human-rights-group",
        ),
        ("not-found", "/articles/no-such-story"),
        ("bad-request", "/archive?page=zero"),
        // The Russian edition: every kind of reader page in the other language.
        ("ru-front", "/ru/"),
        (
            "ru-article",
            "/ru/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete",
        ),
        (
            "ru-only-article",
            "/ru/articles/v-korske-zhiteli-sami-otkryli-punkt-obogreva",
        ),
        ("ru-section", "/ru/sections/politics"),
        ("ru-tag", "/ru/tags/censorship"),
        ("ru-author", "/ru/authors/anna-vetrova"),
        ("ru-archive", "/ru/archive"),
        ("ru-support", "/ru/support"),
        ("ru-mirrors", "/ru/mirrors"),
        ("ru-privacy", "/ru/privacy"),
        ("ru-newsletter", "/ru/newsletter"),
        ("ru-newsletter-check", "/ru/newsletter/check-your-inbox"),
        ("ru-page", "/ru/pages/o-nas"),
        ("ru-lite-front", "/ru/lite"),
        (
            "ru-lite-article",
            "/ru/lite/articles/parlament-za-odin-den-prinyal-zakon-o-suverennom-internete",
        ),
        ("ru-not-found", "/ru/articles/no-such-story"),
    ];
    let mut files = Vec::new();
    for (name, path) in pages {
        let body = app.get(path).await.text().await.unwrap();
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, body).unwrap();
        files.push(file);
    }
    // The newsroom's pages, as an editor sees them.
    let staff = app
        .sign_in(kolokol_core::Role::Admin, "Validity Checker")
        .await;
    let article = app.store.all_articles().await.unwrap()[0].id.0;
    let section = app.store.section_records().await.unwrap()[0].id;
    let tag = app.store.tag_records().await.unwrap()[0].id;
    let author = app.store.author_records().await.unwrap()[0].author.id;
    let standing = app.store.page_records().await.unwrap()[0].id;
    let (draft_issue, _) = app.newsletter_issue(staff.user.id, false).await;
    let (sent_issue, number) = app.newsletter_issue(staff.user.id, true).await;
    let number = number.unwrap();
    let token = app
        .state
        .newsletter
        .signer
        .token(kolokol_newsletter::Purpose::Subscription, 424_242);
    for (name, path) in [
        ("newsletter", "/newsletter".to_owned()),
        ("newsletter-issue", format!("/newsletter/{number}")),
        (
            "newsletter-preferences",
            format!("/newsletter/preferences/{token}"),
        ),
        (
            "newsletter-unsubscribe-form",
            format!("/newsletter/unsubscribe/{token}"),
        ),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, response.text().await.unwrap()).unwrap();
        files.push(file);
    }
    let refused_signup = app
        .client()
        .post(app.url("/newsletter"))
        .form(&[("email", "someone@reader.example")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(dir.path().join("newsletter-errors.html"), refused_signup).unwrap();
    files.push(dir.path().join("newsletter-errors.html"));
    let failed_form = staff
        .post("/admin/articles", &[("headline", ""), ("slug", "Bad Slug")])
        .await
        .text()
        .await
        .unwrap();
    std::fs::write(dir.path().join("admin-form-errors.html"), failed_form).unwrap();
    files.push(dir.path().join("admin-form-errors.html"));
    // A new site's newsroom home, with its list of what to set up.
    let fresh = TestApp::empty().await;
    let first_admin = fresh
        .sign_in(kolokol_core::Role::Admin, "First Admin")
        .await;
    let setup = first_admin.get("/admin").await.text().await.unwrap();
    assert!(setup.contains("setup-steps"));
    std::fs::write(dir.path().join("admin-setup.html"), setup).unwrap();
    files.push(dir.path().join("admin-setup.html"));
    for (name, path) in [
        ("admin-login", "/admin/login".to_owned()),
        ("admin-forgot", "/admin/password/forgot".to_owned()),
        ("admin-articles", "/admin".to_owned()),
        ("admin-new", "/admin/articles/new".to_owned()),
        ("admin-edit", format!("/admin/articles/{article}")),
        (
            "admin-preview",
            format!("/admin/articles/{article}/preview"),
        ),
        (
            "admin-revisions",
            format!("/admin/articles/{article}/revisions"),
        ),
        ("admin-audit", "/admin/audit".to_owned()),
        ("admin-jobs", "/admin/jobs".to_owned()),
        ("admin-webhooks", "/admin/webhooks".to_owned()),
        ("admin-integrations", "/admin/integrations".to_owned()),
        ("admin-import", "/admin/import".to_owned()),
        ("admin-staff", "/admin/staff".to_owned()),
        ("admin-sections", "/admin/sections".to_owned()),
        ("admin-section", format!("/admin/sections/{section}")),
        ("admin-tags", "/admin/tags".to_owned()),
        ("admin-authors", "/admin/authors".to_owned()),
        ("admin-pages", "/admin/pages".to_owned()),
        ("admin-page-new", "/admin/pages/new".to_owned()),
        ("admin-page", format!("/admin/pages/{standing}")),
        (
            "admin-page-revisions",
            format!("/admin/pages/{standing}/revisions"),
        ),
        ("page", "/pages/about-us".to_owned()),
        ("admin-author", format!("/admin/authors/{author}")),
        ("author-page", "/authors/anna-vetrova".to_owned()),
        ("admin-tag", format!("/admin/tags/{tag}")),
        ("admin-settings", "/admin/settings".to_owned()),
        ("admin-media", "/admin/media".to_owned()),
        ("admin-two-factor", "/admin/two-factor".to_owned()),
        ("admin-newsletter", "/admin/newsletter".to_owned()),
        ("admin-newsletter-new", "/admin/newsletter/new".to_owned()),
        (
            "admin-newsletter-draft",
            format!("/admin/newsletter/{draft_issue}"),
        ),
        (
            "admin-newsletter-sent",
            format!("/admin/newsletter/{sent_issue}"),
        ),
        (
            "admin-newsletter-preview",
            format!("/admin/newsletter/{draft_issue}/preview"),
        ),
        ("admin-subscribers", "/admin/subscribers".to_owned()),
        ("admin-revenue", "/admin/revenue".to_owned()),
    ] {
        let response = staff.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, response.text().await.unwrap()).unwrap();
        files.push(file);
    }
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "gnu"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run java ({e}): install a Java runtime (.ci/run does)"));
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && report.trim().is_empty(),
        "the validator found errors:\n{report}"
    );
}

//! Moving in from the newsroom: an admin uploads an export, a job imports it, and
//! its page shows the progress and then the report.

use kolokol_core::Role;

use crate::common::{TestApp, eventually};

fn ghost_export() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kolokol/tests/fixtures/ghost.json"),
    )
    .unwrap()
    .replace("__OLD__", "http://127.0.0.1:9")
}

#[tokio::test]
async fn an_admin_imports_a_ghost_export_from_the_newsroom() {
    let app = TestApp::empty().await;
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    let send = |dry_run: bool, body: String, name: &'static str| {
        let mut form = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .text("no_fetch", "on")
            .part(
                "file",
                reqwest::multipart::Part::bytes(body.into_bytes()).file_name(name),
            );
        if dry_run {
            form = form.text("dry_run", "on");
        }
        admin
            .client
            .post(format!("{}/admin/import", app.base))
            .multipart(form)
            .send()
    };

    // Not an export: said at once, nothing queued.
    let refused = send(false, "name,email\nx,y\n".into(), "list.csv")
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("neither a WordPress export")
    );

    // A dry run reports and writes nothing.
    let dry = send(true, ghost_export(), "gazette.json").await.unwrap();
    assert_eq!(dry.status(), 303);
    let page = dry.headers()["location"].to_str().unwrap().to_owned();
    let report = eventually(100, "the dry run to finish", || {
        let (admin, page) = (&admin, page.clone());
        async move {
            let text = admin.get(&page).await.text().await.unwrap();
            text.contains("Finished").then_some(text)
        }
    })
    .await;
    assert!(report.contains("would be created"), "{report}");
    assert!(!app.store.has_articles().await.unwrap());

    let done = send(false, ghost_export(), "gazette.json").await.unwrap();
    let page = done.headers()["location"].to_str().unwrap().to_owned();
    let report = eventually(100, "the import to finish", || {
        let (admin, page) = (&admin, page.clone());
        async move {
            let text = admin.get(&page).await.text().await.unwrap();
            text.contains("Finished").then_some(text)
        }
    })
    .await;
    assert!(
        report.contains("skipped: its status &quot;archived&quot;"),
        "{report}"
    );
    assert!(
        report.contains("5 of 5"),
        "progress counted every entry: {report}"
    );
    let id = app
        .store
        .text_by_slug(kolokol_store::Texts::Articles, "night-buses-return")
        .await
        .unwrap();
    assert!(id.is_some());
    let audit = app.store.audit_log(100).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "article.import" && e.user_name.as_deref() == Some("Site Admin")),
        "the audit log names who imported"
    );
    let listing = admin.get("/admin/import").await.text().await.unwrap();
    assert!(listing.contains("gazette.json") && listing.contains(&page));
    // Editors may not import.
    let editor = app.sign_in(Role::Editor, "Desk Editor").await;
    assert_eq!(editor.get("/admin/import").await.status(), 403);
}

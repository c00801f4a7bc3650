//! Outgoing webhooks, as an admin registers them and a receiver gets them: a real
//! HTTP receiver on loopback, deliveries made by the server's jobs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use kolokol_core::Role;
use parking_lot::Mutex;

use crate::admin::write;
use crate::common::{TestApp, eventually};

/// What a receiver got: the signature header and the body.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A webhook receiver on a free loopback port, answering `status`; its address.
async fn receiver(status: Arc<AtomicU16>) -> (String, Received) {
    let received: Received = Arc::default();
    let kept = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let kept = Arc::clone(&kept);
            let status = Arc::clone(&status);
            async move {
                let signature = headers
                    .get("x-ghost-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                kept.lock()
                    .push((signature, String::from_utf8_lossy(&body).into_owned()));
                StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, received)
}

/// Waits until `check` holds for what arrived (the server's runner delivers within a
/// second of the event), and returns it then.
async fn arrived(
    received: &Received,
    check: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    eventually(400, "the webhook arriving", || async {
        let now = received.lock().clone();
        check(&now).then_some(now)
    })
    .await
}

/// Registers `url` for `event` as `admin`; the secret shown once.
async fn register(admin: &crate::common::StaffSession, event: &str, url: &str) -> String {
    let page = admin
        .post("/admin/webhooks", &[("event", event), ("url", url)])
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let start = html.find("shown only now: <code>").unwrap() + "shown only now: <code>".len();
    html[start..start + 64].to_owned()
}

/// A server that may deliver to this machine, with a section to write in and a
/// receiver answering 200.
async fn newsroom_with_receiver() -> (TestApp, kolokol_core::Section, String, Received) {
    let app = TestApp::with_local_webhooks().await;
    let section = app.add_news_section().await;
    let (url, received) = receiver(Arc::new(AtomicU16::new(200))).await;
    (app, section, url, received)
}

#[tokio::test]
async fn a_published_article_is_told_to_its_webhook_signed_like_ghost() {
    let (app, section, url, received) = newsroom_with_receiver().await;
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    let secret = register(&admin, "post.published", &url).await;
    let editor = app.sign_in(Role::Editor, "Desk Editor").await;
    let edit = write(
        &editor,
        section.id,
        "Bridges reopen",
        "Both bridges are open.",
    )
    .await;
    assert!(received.lock().is_empty(), "a draft is nobody's business");
    let published = editor
        .post(&format!("{edit}/publication"), &[("action", "publish")])
        .await;
    assert_eq!(published.status(), 303);
    let got = arrived(&received, |r| !r.is_empty()).await;
    let (signature, body) = &got[0];
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["post"]["current"]["slug"], "bridges-reopen");
    assert_eq!(json["post"]["current"]["title"], "Bridges reopen");
    // Ghost's scheme: sha256 of the body followed by the millisecond timestamp.
    let sent_at: i64 = signature.rsplit("t=").next().unwrap().parse().unwrap();
    assert_eq!(
        signature,
        &kolokol_operations::webhooks::signature(&secret, body, sent_at)
    );
    // The delivery is logged for the admins; editors may not look.
    let page = admin.get("/admin/webhooks").await.text().await.unwrap();
    assert!(page.contains("post.published") && page.contains(&url));
    assert!(page.contains("<td>200</td>"), "{page}");
    assert_eq!(editor.get("/admin/webhooks").await.status(), 403);
    // Withdrawing tells nobody who did not ask for post.unpublished.
    let withdrawn = editor
        .post(&format!("{edit}/publication"), &[("action", "unpublish")])
        .await;
    assert_eq!(withdrawn.status(), 303);
    assert_eq!(received.lock().len(), 1);
}

#[tokio::test]
async fn a_receiver_that_answers_410_removes_its_webhook() {
    let app = TestApp::with_local_webhooks().await;
    let (url, received) = receiver(Arc::new(AtomicU16::new(410))).await;
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    register(&admin, "site.changed", &url).await;
    assert_eq!(app.store.webhooks(None).await.unwrap().len(), 1);
    kolokol_operations::webhooks::announce(
        &app.store,
        kolokol_core::WebhookEvent::SiteChanged,
        &serde_json::json!({ "site": { "title": "Test" } }),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    arrived(&received, |r| r.len() == 1).await;
    eventually(400, "the webhook's removal after a 410", || async {
        app.store
            .webhooks(None)
            .await
            .unwrap()
            .is_empty()
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn webhooks_to_private_addresses_are_refused_unless_allowed() {
    let app = TestApp::empty().await;
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    for (url, expected) in [
        ("http://127.0.0.1:9/hook", "private address"),
        ("http://10.0.0.7/hook", "private address"),
        ("ftp://hooks.example/x", "http and https"),
        ("hooks", "full address"),
    ] {
        let refused = admin
            .post(
                "/admin/webhooks",
                &[("event", "post.published"), ("url", url)],
            )
            .await;
        assert_eq!(refused.status(), 422, "{url}");
        let html = refused.text().await.unwrap();
        assert!(html.contains(expected), "{url}: {html}");
    }
    let unknown = admin
        .post(
            "/admin/webhooks",
            &[("event", "post.exploded"), ("url", "http://127.0.0.1:9/")],
        )
        .await;
    assert_eq!(unknown.status(), 422);
    assert!(app.store.webhooks(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn scheduled_articles_coming_due_and_standing_pages_are_told_too() {
    let (app, section, url, received) = newsroom_with_receiver().await;
    let admin = app.sign_in(Role::Admin, "Hook Admin").await;
    register(&admin, "post.published", &url).await;
    for event in [
        "page.published",
        "page.published.edited",
        "page.unpublished",
    ] {
        register(&admin, event, &url).await;
    }
    // Scheduled ahead: told once, when it comes due.
    let edit = write(&admin, section.id, "Ferry timetable", "New times.").await;
    let at = (chrono::Utc::now() + chrono::Duration::minutes(2))
        .with_timezone(&chrono_tz::Europe::Riga)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    // Scheduling tells nobody; the check for due work a little later does.
    let scheduled = admin
        .post(
            &format!("{edit}/publication"),
            &[("action", "schedule"), ("at", at.as_str())],
        )
        .await;
    assert_eq!(scheduled.status(), 303);
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    assert!(received.lock().is_empty());
    // Brought a second from due.
    let soon = chrono::Utc::now() + chrono::Duration::seconds(1);
    let audit = kolokol_core::Audit::new(None, "test.reschedule", "Ferry timetable");
    app.store
        .set_publication(
            kolokol_core::ArticleId(id),
            kolokol_core::ArticleStatus::Published,
            Some(soon),
            &audit,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    // The check for due work (the server runs it every 15 s; here, once it is due,
    // twice: the second finds nothing new to tell).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for _ in 0..2 {
        kolokol_operations::jobs::check_due(&app.store, false, chrono::Utc::now())
            .await
            .unwrap();
    }
    let got = arrived(&received, |r| !r.is_empty()).await;
    let json: serde_json::Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(json["post"]["current"]["id"], id.to_string());
    assert_eq!(json["post"]["current"]["language"], "en");

    // A standing page: published, edited while live, withdrawn.
    let created = admin
        .post(
            "/admin/pages",
            &[
                ("title", "Contacts"),
                ("body", "Write to us."),
                ("placement", "footer"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let page = crate::common::location_path(&created);
    for (fields, event) in [
        (vec![("action", "publish")], "page.published"),
        (vec![], "page.published.edited"),
        (vec![("action", "withdraw")], "page.unpublished"),
    ] {
        let response = if fields.is_empty() {
            admin
                .post(
                    &page,
                    &[
                        ("title", "Contacts"),
                        ("body", "Write to us at the desk."),
                        ("placement", "footer"),
                    ],
                )
                .await
        } else {
            admin.post(&format!("{page}/publication"), &fields).await
        };
        assert_eq!(response.status(), 303, "{event}");
    }
    let got = arrived(&received, |r| r.len() >= 4).await;
    let pages: Vec<serde_json::Value> = got[1..]
        .iter()
        .map(|(_, body)| serde_json::from_str(body).unwrap())
        .collect();
    assert!(
        pages
            .iter()
            .all(|p| p["page"]["current"]["slug"] == "contacts")
    );
    assert_eq!(got.len(), 4, "the scheduled article was told once: {got:?}");
}

//! The newsletter as readers and editors meet it: sign-up with consent and double
//! opt-in over real SMTP, one-click unsubscribe, the preferences page, composing,
//! testing and sending an issue, the archive, and the subscriber list.

use kolokol_core::{Role, SubscriberStatus};
use kolokol_newsletter::Purpose;

use crate::common::{TestApp, eventually, select, text_of};

/// The first URL in a mail's text that starts with `prefix`.
fn link_in(mail: &str, prefix: &str) -> String {
    let start = mail
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in\n{mail}"));
    mail[start..]
        .split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .next()
        .unwrap()
        .to_owned()
}

async fn sign_up(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.client()
        .post(app.url("/newsletter"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn readers_sign_up_with_consent_and_confirm_by_mail() {
    let (app, sink) = TestApp::with_mail().await;
    let page = app.html("/newsletter").await;
    assert_eq!(
        select(&page, "form.signup-form input[name=consent][type=checkbox]").len(),
        1
    );
    let policy = select(&page, "form.signup-form label.check a");
    assert!(
        policy[0].value().attr("href").unwrap().ends_with("privacy"),
        "the consent names the privacy policy"
    );
    // Every page carries the form, with its own address as the form's origin.
    let front = app.html("/").await;
    assert_eq!(select(&front, "footer form.footer-signup").len(), 1);

    // No consent, no subscription; the message is next to the box.
    let refused = sign_up(&app, &[("email", "lena@reader.example")]).await;
    assert_eq!(refused.status(), 422);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    assert!(text_of(&html, "#signup-consent-error").contains("privacy policy"));
    let bad = sign_up(&app, &[("email", "not an address"), ("consent", "yes")]).await;
    assert_eq!(bad.status(), 422);
    assert!(
        app.store.subscribers(0, 10).await.unwrap().is_empty(),
        "nothing stored"
    );

    let done = sign_up(
        &app,
        &[
            ("email", "Lena@Reader.example"),
            ("consent", "yes"),
            ("form", &app.url("/articles/x")),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/newsletter/check-your-inbox");
    app.state.outbox.settled().await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, ["lena@reader.example"]);
    assert_eq!(
        mails[0].from, "newsroom@bell.example",
        "transactional sender"
    );
    assert!(
        !mails[0].data.contains("Support"),
        "the confirmation carries no promotion"
    );
    let link = link_in(&mails[0].decoded(), &app.url("/newsletter/confirm/"));
    let path = link.strip_prefix(&app.base).unwrap();

    // Signing up again, or someone else typing the address: the same answer, no mail.
    let again = sign_up(
        &app,
        &[("email", "lena@reader.example"), ("consent", "yes")],
    )
    .await;
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"], "/newsletter/check-your-inbox");
    app.state.outbox.settled().await;
    assert_eq!(sink.messages().len(), 1);

    // Opening the link asks; a scanner's GET confirms nothing.
    let ask = app.get(path).await;
    assert_eq!(ask.status(), 200);
    let subscriber = &app.store.subscribers(0, 10).await.unwrap()[0];
    assert_eq!(subscriber.status, SubscriberStatus::Pending);
    let confirmed = app.client().post(app.url(path)).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(
        confirmed
            .text()
            .await
            .unwrap()
            .contains("You are subscribed")
    );
    let subscriber = &app.store.subscribers(0, 10).await.unwrap()[0];
    assert_eq!(subscriber.status, SubscriberStatus::Active);
    assert_eq!(subscriber.policy_version, "1");
    assert_eq!(subscriber.form, "/articles/x");
    assert!(subscriber.confirmed_at.is_some());
    assert_eq!(
        subscriber.address_hash, "",
        "nothing made from the network address is kept with the consent"
    );
    // A used link does nothing more.
    let reused = app.client().post(app.url(path)).send().await.unwrap();
    assert_eq!(reused.status(), 400);

    // A bot fills in the hidden field: the same answer, nothing stored or sent.
    let bot = sign_up(
        &app,
        &[
            ("email", "bot@spam.example"),
            ("consent", "yes"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    assert_eq!(bot.status(), 303);
    assert_eq!(app.store.subscribers(0, 10).await.unwrap().len(), 1);
    app.state.outbox.settled().await;
    assert_eq!(sink.messages().len(), 1);

    // A flood from one connection is stopped.
    let mut last = 0;
    for n in 0..6 {
        let email = format!("flood{n}@reader.example");
        last = sign_up(&app, &[("email", email.as_str()), ("consent", "yes")])
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn one_click_unsubscribe_follows_rfc_8058() {
    let (app, _sink) = TestApp::with_mail().await;
    app.store
        .import_subscribers(
            &[kolokol_core::ImportedSubscriber {
                email: kolokol_core::Email::parse("olga@reader.example").unwrap(),
                signed_up_at: chrono::Utc::now(),
                confirmed_at: chrono::Utc::now(),
                name: String::new(),
                status: kolokol_core::SubscriberStatus::Active,
                left_at: None,
                policy_version: "1".into(),
                form: "import".into(),
                language: "en".into(),
                stripe_customer: None,
            }],
            &kolokol_core::Audit::new(None, "test", ""),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let olga = app.store.subscribers(0, 1).await.unwrap()[0].id;
    let token = app
        .state
        .newsletter
        .signer
        .token(Purpose::Subscription, olga);
    let path = format!("/newsletter/unsubscribe/{token}");

    // GET changes nothing.
    assert_eq!(app.get(&path).await.status(), 200);
    assert_eq!(
        app.store.subscriber(olga).await.unwrap().unwrap().status,
        SubscriberStatus::Active
    );
    // A forged token is refused.
    let forged = format!("/newsletter/unsubscribe/{}.AAAAAAAAAAAAAAAAAAAAAA", olga);
    let refused = app
        .client()
        .post(app.url(&forged))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(
        app.store.subscriber(olga).await.unwrap().unwrap().status,
        SubscriberStatus::Active
    );

    // The mail client's POST: no cookie, the one-click body, 200 and no redirect.
    let response = app
        .client()
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("set-cookie").is_none());
    assert_eq!(
        app.store.subscriber(olga).await.unwrap().unwrap().status,
        SubscriberStatus::Unsubscribed
    );

    // The preferences page shows it and lets the reader come back.
    let preferences = format!("/newsletter/preferences/{token}");
    assert!(app.text(&preferences).await.contains("unsubscribed"));
    let back = app
        .client()
        .post(app.url(&preferences))
        .form(&[("action", "subscribe")])
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 200);
    assert_eq!(
        app.store.subscriber(olga).await.unwrap().unwrap().status,
        SubscriberStatus::Active
    );
    let nonsense = app
        .client()
        .post(app.url(&preferences))
        .form(&[("action", "explode")])
        .send()
        .await
        .unwrap();
    assert_eq!(nonsense.status(), 400);
}

#[tokio::test]
async fn editors_compose_test_and_send_an_issue_that_lands_in_the_archive() {
    let (app, sink) = TestApp::with_mail().await;
    let first = app
        .publish(
            "Ferry crossings resume on the Dauva",
            "The first ferry in two winters crossed at dawn.",
        )
        .await;
    let second = app
        .publish(
            "Budget hearing closed to the press",
            "Reporters were kept outside.",
        )
        .await;
    let id_of = |slug: kolokol_core::Slug| {
        let store = app.store.clone();
        async move {
            store
                .published_article(&slug, chrono::Utc::now())
                .await
                .unwrap()
                .unwrap()
                .summary
                .id
                .0
        }
    };
    let (first_id, second_id) = (id_of(first).await, id_of(second).await);
    let admin = app.sign_in(Role::Admin, "Chief Editor").await;
    let author = app.sign_in(Role::Author, "Field Reporter").await;
    assert_eq!(author.get("/admin/newsletter").await.status(), 403);
    assert_eq!(author.get("/admin/subscribers").await.status(), 403);

    // Readers on the list: imported from the old provider, with their consent records.
    let csv = "email,signed_up_at,confirmed_at,policy_version,form\n\
               a@inbox.example,2026-01-05T10:00:00Z,2026-01-05T10:02:00Z,old-1,/old-site\n\
               b@inbox.example,,,,\n\
               bounce@inbox.example,,,,\n";
    let bad_csv = "email\nfine@inbox.example\nnot-an-address\n";
    let upload = |body: &'static str| admin.upload("/admin/subscribers/import", "list.csv", body);
    let refused = upload(bad_csv).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Row 3"));
    assert!(
        app.store.subscribers(0, 10).await.unwrap().is_empty(),
        "one bad row imports nothing"
    );
    let imported = upload(csv).await;
    assert_eq!(imported.status(), 303);
    assert_eq!(app.store.subscribers(0, 10).await.unwrap().len(), 3);

    // Compose: two stories, second first.
    let order_first = format!("order_{first_id}");
    let order_second = format!("order_{second_id}");
    let bad = admin
        .post(
            "/admin/newsletter",
            &[("subject", ""), (order_first.as_str(), "first")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let created = admin
        .post(
            "/admin/newsletter",
            &[
                ("subject", "The Weekly: ferries and closed doors"),
                ("intro", "Dear readers, *two* stories this week."),
                (order_first.as_str(), "2"),
                (order_second.as_str(), "1"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let edit = crate::common::location_path(&created);
    let issue_id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();

    let preview = admin.get(&format!("{edit}/preview")).await;
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    let (a, b) = (
        preview.find("Budget hearing closed").unwrap(),
        preview.find("Ferry crossings resume").unwrap(),
    );
    assert!(a < b, "the editors' order");
    assert!(preview.contains("<em>two</em>"));

    // A test to oneself.
    assert_eq!(admin.post(&format!("{edit}/test"), &[]).await.status(), 303);
    let test = sink.messages();
    assert_eq!(test.len(), 1);
    assert_eq!(test[0].recipients, ["chief-editor@bell.example"]);
    assert!(test[0].data.contains("Subject: [Test] The Weekly"));
    assert_eq!(
        test[0].from, "weekly@bell.example",
        "the newsletter's own sender"
    );

    // Send now: every active subscriber once; the bounce is suppressed.
    assert_eq!(
        admin
            .post(&format!("{edit}/send"), &[("action", "now")])
            .await
            .status(),
        303
    );
    let mut progress = serde_json::Value::Null;
    for _ in 0..100 {
        progress = serde_json::from_str(
            &admin
                .get(&format!("{edit}/progress"))
                .await
                .text()
                .await
                .unwrap(),
        )
        .unwrap();
        if progress["status"] == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(progress["status"], "sent", "{progress}");
    assert_eq!(
        (progress["sent"].as_i64(), progress["failed"].as_i64()),
        (Some(2), Some(1))
    );
    let sent: Vec<_> = sink.messages().into_iter().skip(1).collect();
    let mut to: Vec<String> = sent.iter().flat_map(|m| m.recipients.clone()).collect();
    to.sort();
    assert_eq!(to, ["a@inbox.example", "b@inbox.example"]);
    for mail in &sent {
        assert!(
            mail.data
                .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        );
        assert!(mail.data.contains(&format!(
            "List-Unsubscribe: <{}/newsletter/unsubscribe/",
            app.base
        )));
    }
    // It can no longer change, or go out twice.
    assert_eq!(
        admin
            .post(&format!("{edit}/send"), &[("action", "now")])
            .await
            .status(),
        400
    );
    let locked = admin.post(&edit, &[("subject", "Changed")]).await;
    assert_eq!(locked.status(), 409);

    // The archive shows it as mailed, with readers' own links taken out.
    app.state.content_changed().await;
    let archive = app.html("/newsletter").await;
    assert!(
        text_of(&archive, ".plain-list").contains("No. 1: The Weekly: ferries and closed doors")
    );
    // Its own policy, rendered and kept alike.
    for _ in 0..2 {
        let page = app.get("/newsletter/1").await;
        assert_eq!(page.status(), 200);
        let policy = page.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("style-src 'unsafe-inline'") && !policy.contains("script-src"));
    }
    let page = app.get("/newsletter/1").await;
    let body = page.text().await.unwrap();
    assert!(body.contains("Budget hearing closed"));
    assert!(!body.contains("unsubscribe/") && !body.contains("%%KOLOKOL"));
    assert!(
        !body.contains(&app.base),
        "links are relative, so mirrors serve the archive too"
    );
    assert_eq!(app.get("/newsletter/2").await.status(), 404);
    assert_eq!(app.get("/newsletter/two").await.status(), 404);

    // The subscriber list: counts, export with consent records, suppression.
    let list = admin.get("/admin/subscribers").await.text().await.unwrap();
    assert!(list.contains("bounce@inbox.example"));
    let export = admin.get("/admin/subscribers.csv").await;
    assert_eq!(export.headers()["content-type"], "text/csv; charset=utf-8");
    let export = export.text().await.unwrap();
    assert!(
        export.starts_with("email,status,signed_up_at,confirmed_at,left_at,policy_version,form")
    );
    assert!(export.contains("a@inbox.example,active,2026-01-05T10:00:00+00:00,2026-01-05T10:02:00+00:00,,old-1,/old-site"));
    assert!(export.contains("bounce@inbox.example,suppressed"));
    let suppressed = admin
        .post(
            "/admin/subscribers/suppress",
            &[("email", "b@inbox.example"), ("reason", "complaint")],
        )
        .await;
    assert_eq!(suppressed.status(), 303);
    let b = app
        .store
        .subscribers(0, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.email.as_str() == "b@inbox.example")
        .unwrap();
    assert_eq!(
        (b.status, b.reason.as_str()),
        (SubscriberStatus::Suppressed, "complaint")
    );
    let _ = issue_id;
}

/// Waits until `check` holds for job `id` (each server's runner takes due jobs
/// within a second), and returns the job then.
async fn job_when(
    app: &TestApp,
    id: i64,
    check: impl Fn(&kolokol_core::Job) -> bool,
) -> kolokol_core::Job {
    eventually(600, &format!("job {id} getting there"), || async {
        let job = app.store.job(id).await.unwrap().unwrap();
        check(&job).then_some(job)
    })
    .await
}

/// Waits until job `id` has ended.
async fn job_ended(app: &TestApp, id: i64) -> kolokol_core::Job {
    use kolokol_core::JobState::{Done, Failed};
    job_when(app, id, |job| matches!(job.state, Done | Failed)).await
}

/// Has the due check run now (not merely at its next slot) and waits for it.
async fn due_check_runs(app: &TestApp) {
    let asked = chrono::Utc::now();
    let due = kolokol_core::NewJob::new("site.due", "site.due", asked);
    let id = app.store.enqueue_job(&due, asked).await.unwrap();
    // Done, it is queued again for 15 seconds after it ended.
    let next = asked + chrono::Duration::seconds(14);
    job_when(app, id, |job| {
        job.state == kolokol_core::JobState::Queued && job.run_at >= next
    })
    .await;
}

/// Moves issue `id`'s slot into the past, has `app`'s due check run until it has
/// queued the send, and returns the send job once it has ended, as `other` (another
/// node, or the same) reads it.
async fn comes_due_and_is_sent(app: &TestApp, other: &TestApp, id: i64) -> kolokol_core::Job {
    app.store
        .schedule_issue(
            id,
            Some(chrono::Utc::now() - chrono::Duration::seconds(1)),
            &kolokol_core::Audit::new(None, "newsletter.test", "issue"),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    // (A due check already running when the time moved may not have seen it.)
    for _ in 0..3 {
        due_check_runs(app).await;
        if let Some(send) = sends(other).await.pop() {
            return job_ended(other, send.id).await;
        }
    }
    panic!("the due check never queued the send of issue {id}");
}

/// The newsletter sends queued or run so far.
async fn sends(app: &TestApp) -> Vec<kolokol_core::Job> {
    let jobs = app.store.recent_jobs("", 100).await.unwrap();
    jobs.into_iter()
        .filter(|job| job.kind == "newsletter.send")
        .collect()
}

#[tokio::test]
async fn an_issue_scheduled_for_the_weekly_slot_goes_out_by_itself() {
    let (app, sink) = TestApp::with_mail().await;
    let slug = app
        .publish("Night trains return", "Sleeper cars are back.")
        .await;
    let article = app
        .store
        .published_article(&slug, chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    app.store
        .import_subscribers(
            &[kolokol_core::ImportedSubscriber {
                email: kolokol_core::Email::parse("reader@inbox.example").unwrap(),
                signed_up_at: chrono::Utc::now(),
                confirmed_at: chrono::Utc::now(),
                name: String::new(),
                status: kolokol_core::SubscriberStatus::Active,
                left_at: None,
                policy_version: "1".into(),
                form: "import".into(),
                language: "en".into(),
                stripe_customer: None,
            }],
            &kolokol_core::Audit::new(None, "test", ""),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let editor = app.sign_in(Role::Editor, "Desk Editor").await;
    let order = format!("order_{}", article.summary.id.0);
    let created = editor
        .post(
            "/admin/newsletter",
            &[("subject", "Trains"), (order.as_str(), "1")],
        )
        .await;
    let edit = crate::common::location_path(&created);
    let scheduled = editor
        .post(&format!("{edit}/send"), &[("action", "schedule")])
        .await;
    assert_eq!(scheduled.status(), 303);
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    let issue = app.store.newsletter_issue(id).await.unwrap().unwrap();
    let slot = issue.scheduled_for.unwrap();
    // The next Friday at 09:00 in the newsroom's zone.
    let local = slot.with_timezone(&app.state.site().tz());
    assert_eq!(local.format("%A %H:%M").to_string(), "Friday 09:00");
    assert!(slot > chrono::Utc::now());
    // Nothing goes out before the slot: the due check runs, and queues no send.
    due_check_runs(&app).await;
    assert!(sends(&app).await.is_empty());
    assert!(sink.messages().is_empty());
    // When the slot comes (moved into the past here), the due check starts the issue
    // and queues its send, which runs once.
    let send = comes_due_and_is_sent(&app, &app, id).await;
    assert_eq!(
        (send.state, send.attempts, send.payload),
        (kolokol_core::JobState::Done, 1, id.to_string())
    );
    let mails = sink.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, ["reader@inbox.example"]);
}

/// Two servers on one PostgreSQL database, as two nodes behind a load balancer: an
/// issue whose time has come is sent once, by one of them, to every reader once.
#[tokio::test]
async fn two_nodes_on_one_postgres_send_a_due_issue_exactly_once() {
    let database = kolokol_testkit::postgres_database("two_nodes").await;
    let sink = kolokol_testkit::SmtpSink::start();
    let one = TestApp::node_of(&database, &sink).await;
    let two = TestApp::node_of(&database, &sink).await;
    let slug = one
        .publish("Bridges reopen", "Both bridges are open.")
        .await;
    let article = two
        .store
        .published_article(&slug, chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    let readers: Vec<String> = (0..6).map(|n| format!("reader{n}@inbox.example")).collect();
    let imported: Vec<kolokol_core::ImportedSubscriber> = readers
        .iter()
        .map(|email| kolokol_core::ImportedSubscriber {
            email: kolokol_core::Email::parse(email).unwrap(),
            signed_up_at: chrono::Utc::now(),
            confirmed_at: chrono::Utc::now(),
            name: String::new(),
            status: kolokol_core::SubscriberStatus::Active,
            left_at: None,
            policy_version: "1".into(),
            form: "import".into(),
            language: "en".into(),
            stripe_customer: None,
        })
        .collect();
    one.store
        .import_subscribers(
            &imported,
            &kolokol_core::Audit::new(None, "test", ""),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let editor = two.sign_in(Role::Editor, "Night Editor").await;
    let order = format!("order_{}", article.summary.id.0);
    let created = editor
        .post(
            "/admin/newsletter",
            &[("subject", "Bridges"), (order.as_str(), "1")],
        )
        .await;
    let id: i64 = created.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Both nodes' runners look for due work; whichever takes the due check starts the
    // issue, and one of them sends it.
    let send = comes_due_and_is_sent(&one, &two, id).await;
    assert_eq!(
        (send.state, send.attempts),
        (kolokol_core::JobState::Done, 1)
    );
    assert_eq!(sends(&one).await.len(), 1, "one send job for the issue");
    let issue = one.store.newsletter_issue(id).await.unwrap().unwrap();
    assert_eq!(issue.status, kolokol_core::IssueStatus::Sent);
    let mut to: Vec<String> = sink
        .messages()
        .iter()
        .flat_map(|m| m.recipients.clone())
        .collect();
    to.sort();
    assert_eq!(to, readers, "every reader once, nobody twice");
}

/// A send that cannot work (no mail server here) fails, waits to be tried again,
/// and the admins see why on the background-work page; others may not look.
#[tokio::test]
async fn a_failing_job_is_retried_later_and_shown_to_admins() {
    let app = TestApp::empty().await;
    let send =
        kolokol_core::NewJob::new("newsletter.send", "newsletter.send:7", chrono::Utc::now())
            .with_payload("7");
    let asked = chrono::Utc::now();
    let id = app.store.enqueue_job(&send, asked).await.unwrap();
    let failed = job_when(&app, id, |job| {
        job.attempts == 1 && job.state == kolokol_core::JobState::Queued
    })
    .await;
    assert_eq!(
        failed.last_error,
        "no mail server is configured for the newsletter"
    );
    let wait = (failed.run_at - asked).num_seconds();
    assert!(
        (29..=31).contains(&wait),
        "retried after 30 s, not {wait} s"
    );
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    let page = admin.get("/admin/jobs").await.text().await.unwrap();
    assert!(page.contains("Newsletter send (issue id)"), "{page}");
    assert!(page.contains("no mail server is configured for the newsletter"));
    assert!(page.contains("1 of 5"));
    let editor = app.sign_in(Role::Editor, "Desk Editor").await;
    assert_eq!(editor.get("/admin/jobs").await.status(), 403);
}

#[tokio::test]
async fn a_ghost_members_export_comes_in_as_it_was_there() {
    let (app, _sink) = TestApp::with_mail().await;
    let admin = app.sign_in(Role::Admin, "Moving Desk").await;
    let upload =
        |body: &'static str| admin.upload("/admin/subscribers/import", "members.csv", body);
    // Ghost's columns, its "YYYY-MM-DD HH:MM:SS" times, a reader who opted out there.
    let members = "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers\n\
        6401,vera@reader.example,Вера Смирнова,,true,false,,2023-02-11 10:00:00,,,\n\
        6402,lev@reader.example,Lev Adler,,false,false,,2023-03-01T08:30:00.000Z,,,\n";
    let imported = upload(members).await;
    assert_eq!(imported.status(), 303);
    let location = imported.headers()["location"].to_str().unwrap().to_owned();
    let page = admin.get(&location).await.text().await.unwrap();
    assert!(page.contains("1 of them had left"), "the notice says so");
    let all = app.store.subscribers(0, 10).await.unwrap();
    let vera = all
        .iter()
        .find(|s| s.email.as_str() == "vera@reader.example")
        .unwrap();
    assert_eq!(vera.status, kolokol_core::SubscriberStatus::Active);
    assert_eq!(vera.name, "Вера Смирнова");
    assert_eq!(vera.signed_up_at.to_rfc3339(), "2023-02-11T10:00:00+00:00");
    assert_eq!(vera.form, "imported from Ghost");
    let lev = all
        .iter()
        .find(|s| s.email.as_str() == "lev@reader.example")
        .unwrap();
    assert_eq!(
        lev.status,
        kolokol_core::SubscriberStatus::Unsubscribed,
        "subscribed_to_emails=false is never an active subscriber"
    );
    // The export carries names and languages, and reads back in.
    let export = admin
        .get("/admin/subscribers.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(export.contains("Вера Смирнова,en"), "{export}");
    // A bad time names its row and column; nothing is written.
    let refused = upload("email,created_at\nnew@reader.example,last Tuesday\n").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Row 2") && page.contains("last Tuesday"),
        "{page}"
    );
    assert_eq!(app.store.subscribers(0, 10).await.unwrap().len(), 2);
}

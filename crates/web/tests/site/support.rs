//! Reader revenue over HTTP: the support form, checkout through the demo provider and
//! through Stripe's API (a local server that speaks it), signed webhooks, the meter.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::HeaderMap;
use kolokol_core::RevenueConfig;

use crate::common::{TestApp, select, text_of};

async fn checkout(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.client()
        .post(app.url("/support/checkout"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn meter(app: &TestApp) -> serde_json::Value {
    serde_json::from_str(&app.text("/support/meter.json").await).unwrap()
}

#[tokio::test]
async fn a_reader_gives_monthly_through_the_demo_checkout() {
    let app = TestApp::with_revenue(RevenueConfig {
        provider: kolokol_core::config::PaymentProviderKind::Demo,
        bank_transfer: "IBAN LV00 TEST 0000\nReference: NB".into(),
        crypto: vec!["Bitcoin | bc1qtestaddress".into()],
        links: vec!["Elsewhere | https://platform.example/bell".into()],
        monthly_goal: 10_000,
        ..RevenueConfig::default()
    })
    .await;
    let page = app.html("/support").await;
    assert!(text_of(&page, ".preformatted").contains("IBAN LV00 TEST 0000"));
    let qr = select(&page, ".crypto img");
    assert!(
        qr[0]
            .value()
            .attr("src")
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );
    assert_eq!(
        select(&page, "a[href='https://platform.example/bell']").len(),
        1
    );
    assert_eq!(
        select(&page, "form.support-form input[name=frequency]").len(),
        3
    );
    assert_eq!(
        select(&page, "form.support-form input[name=amount]").len(),
        4
    );
    assert!(text_of(&page, ".funding").contains("$0 of $10,000"));

    // Bad choices come back with a message and start nothing.
    for (fields, message) in [
        (
            vec![
                ("frequency", "weekly"),
                ("currency", "USD"),
                ("amount", "10"),
            ],
            "once, monthly or annual",
        ),
        (
            vec![("frequency", "once"), ("currency", "RUB"), ("amount", "10")],
            "currencies offered",
        ),
        (
            vec![
                ("frequency", "once"),
                ("currency", "USD"),
                ("custom", "ten"),
            ],
            "not an amount",
        ),
        (
            vec![("frequency", "once"), ("currency", "USD"), ("custom", "0")],
            "more than zero",
        ),
    ] {
        let response = checkout(&app, &fields).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }

    let started = checkout(
        &app,
        &[
            ("frequency", "monthly"),
            ("currency", "USD"),
            ("amount", "10"),
        ],
    )
    .await;
    assert_eq!(started.status(), 303);
    let location = started.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/support/demo-checkout/"),
        "{location}"
    );
    let demo = app.html(&location).await;
    let shown = text_of(&demo, "main");
    assert!(
        shown.contains("$10") && shown.contains("monthly"),
        "{shown}"
    );
    let paid = app
        .client()
        .post(app.url(&location))
        .form(&[("email", "monthly@reader.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 303);
    let thanks = paid.headers()["location"].to_str().unwrap().to_owned();
    assert!(thanks.contains("/support/thanks?session_id="), "{thanks}");
    assert_eq!(
        app.client().get(&thanks).send().await.unwrap().status(),
        200
    );
    // Paying the same demo checkout twice is not possible.
    let again = app.client().post(app.url(&location)).send().await.unwrap();
    assert_eq!(again.status(), 404);

    let one_off = checkout(
        &app,
        &[
            ("frequency", "once"),
            ("currency", "USD"),
            ("amount", "5"),
            ("custom", "7.50"),
        ],
    )
    .await;
    let location = one_off.headers()["location"].to_str().unwrap().to_owned();
    app.client()
        .post(app.url(&location))
        .form(&[("email", "")])
        .send()
        .await
        .unwrap();

    let meter = meter(&app).await;
    assert_eq!(meter["raised"], "$17.50", "{meter}");
    assert_eq!(meter["recurring"], "$10");
    assert_eq!(
        meter["once"], "$7.50",
        "the typed amount wins over the preset"
    );
    assert_eq!(meter["supporters"], 1);

    // The newsroom's view: the dashboard and every payment as CSV, for admins only.
    let admin = app.sign_in(kolokol_core::Role::Admin, "Money Admin").await;
    let editor = app.sign_in(kolokol_core::Role::Editor, "Desk Editor").await;
    assert_eq!(editor.get("/admin/revenue").await.status(), 403);
    let dashboard =
        scraper::Html::parse_document(&admin.get("/admin/revenue").await.text().await.unwrap());
    assert!(text_of(&dashboard, ".stat-list").contains("$10 monthly recurring revenue"));
    let rows = text_of(&dashboard, "table.growth tbody");
    assert!(rows.contains("$7.50"), "{rows}");
    let csv = admin.get("/admin/revenue.csv").await.text().await.unwrap();
    assert!(csv.starts_with("paid_at,email,kind,amount,currency,status,payment,subscription"));
    assert!(
        csv.contains(",monthly@reader.example,recurring,10.00,USD,paid,"),
        "{csv}"
    );
    assert!(csv.contains(",once,7.50,USD,paid,"), "{csv}");
}

/// A local stand-in for Stripe's API: it checks what Kolokol sends and answers as
/// Stripe documents.
/// One request as the fake received it: headers and form fields.
type Received = (HeaderMap, Vec<(String, String)>);

#[derive(Clone, Default)]
struct FakeStripe {
    requests: Arc<Mutex<Vec<Received>>>,
}

async fn fake_sessions(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> (axum::http::StatusCode, String) {
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let auth_ok = headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some("Bearer sk_test_kolokol");
    if headers.get("stripe-version").and_then(|v| v.to_str().ok())
        != Some(kolokol_payments::stripe::API_VERSION)
    {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            r#"{"error":{"message":"every request names the pinned API version"}}"#.into(),
        );
    }
    fake.requests.lock().unwrap().push((headers, form));
    if !auth_ok {
        return (
            axum::http::StatusCode::UNAUTHORIZED,
            r#"{"error":{"message":"Invalid API Key provided"}}"#.into(),
        );
    }
    let n = fake.requests.lock().unwrap().len();
    (
        axum::http::StatusCode::OK,
        format!(
            r#"{{"id":"cs_test_{n}","object":"checkout.session","url":"https://checkout.stripe.test/c/pay/cs_test_{n}"}}"#
        ),
    )
}

async fn start_fake_stripe() -> (String, FakeStripe) {
    let fake = FakeStripe::default();
    let router = axum::Router::new()
        .route("/v1/checkout/sessions", axum::routing::post(fake_sessions))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, fake)
}

const WEBHOOK_SECRET: &str = "whsec_kolokol_test";

/// Card gifts through Stripe's API at `base` (a local server that speaks it).
fn stripe_config(base: String) -> RevenueConfig {
    RevenueConfig {
        provider: kolokol_core::config::PaymentProviderKind::Stripe,
        stripe_secret_key: "sk_test_kolokol".into(),
        stripe_webhook_secret: WEBHOOK_SECRET.into(),
        stripe_api_base: base,
        ..RevenueConfig::default()
    }
}

async fn deliver(app: &TestApp, body: &serde_json::Value, secret: &str, at: i64) -> (u16, String) {
    let body = serde_json::to_vec(body).unwrap();
    let header = kolokol_payments::webhook::signature_header(secret, at, &body);
    let response = app
        .client()
        .post(app.url("/payments/stripe/webhook"))
        .header("stripe-signature", header)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn event(id: &str, kind: &str, created: i64, object: serde_json::Value) -> serde_json::Value {
    serde_json::json!({ "id": id, "object": "event", "created": created, "type": kind, "data": { "object": object } })
}

#[tokio::test]
async fn stripe_checkout_sessions_and_signed_webhooks() {
    let (base, fake) = start_fake_stripe().await;
    let app = TestApp::with_revenue(RevenueConfig {
        statement_descriptor: "NB MEDIA".into(),
        ..stripe_config(base)
    })
    .await;

    // Monthly: a subscription-mode session with a monthly price.
    let monthly = checkout(
        &app,
        &[
            ("frequency", "monthly"),
            ("currency", "EUR"),
            ("amount", "25"),
        ],
    )
    .await;
    assert_eq!(monthly.status(), 303);
    assert_eq!(
        monthly.headers()["location"],
        "https://checkout.stripe.test/c/pay/cs_test_1"
    );
    let once = checkout(
        &app,
        &[("frequency", "once"), ("currency", "USD"), ("amount", "5")],
    )
    .await;
    assert_eq!(once.status(), 303);
    // A forged Host cannot send the reader elsewhere after paying.
    let forged = app
        .client()
        .post(app.url("/support/checkout"))
        .header("host", "evil.example")
        .form(&[("frequency", "once"), ("currency", "USD"), ("amount", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 303);
    let requests = fake.requests.lock().unwrap().clone();
    let forged_success = requests[2]
        .1
        .iter()
        .find(|(k, _)| k == "success_url")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(forged_success.starts_with(&app.base), "{forged_success}");
    let field = |n: usize, name: &str| {
        requests[n]
            .1
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(field(0, "mode"), "subscription");
    assert_eq!(
        field(0, "line_items[0][price_data][recurring][interval]"),
        "month"
    );
    assert_eq!(field(0, "line_items[0][price_data][unit_amount]"), "2500");
    assert_eq!(field(0, "line_items[0][price_data][currency]"), "eur");
    assert!(field(0, "success_url").ends_with("/support/thanks?session_id={CHECKOUT_SESSION_ID}"));
    assert_eq!(field(1, "mode"), "payment");
    assert_eq!(field(1, "submit_type"), "donate");
    assert_eq!(
        field(1, "payment_intent_data[statement_descriptor_suffix]"),
        "NB MEDIA"
    );
    let keys: Vec<_> = requests
        .iter()
        .map(|(h, _)| h["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert!(
        !keys[0].is_empty() && keys[0] != keys[1],
        "each checkout has its own idempotency key"
    );

    // Webhooks: signed right, applied once.
    let now = chrono::Utc::now().timestamp();
    let paid = event(
        "evt_1",
        "checkout.session.completed",
        now,
        serde_json::json!({"mode": "payment", "payment_intent": "pi_1", "amount_total": 500, "currency": "usd",
            "payment_status": "paid", "customer_details": {"email": "once@reader.example"}}),
    );
    assert_eq!(
        deliver(&app, &paid, WEBHOOK_SECRET, now).await,
        (200, "recorded".into())
    );
    assert_eq!(
        deliver(&app, &paid, WEBHOOK_SECRET, now).await,
        (200, "already recorded".into())
    );
    assert_eq!(meter(&app).await["once"], "$5");
    // Wrong secret, stale timestamp, tampered body: refused, nothing recorded.
    let other = event(
        "evt_2",
        "checkout.session.completed",
        now,
        serde_json::json!({"mode": "payment", "payment_intent": "pi_2", "amount_total": 90000, "currency": "usd", "payment_status": "paid"}),
    );
    assert_eq!(deliver(&app, &other, "whsec_wrong", now).await.0, 400);
    assert_eq!(
        deliver(&app, &other, WEBHOOK_SECRET, now - 3600).await.0,
        400
    );
    let body = serde_json::to_vec(&other).unwrap();
    let header = kolokol_payments::webhook::signature_header(WEBHOOK_SECRET, now, &body);
    let tampered = String::from_utf8(body).unwrap().replace("90000", "90001");
    let response = app
        .client()
        .post(app.url("/payments/stripe/webhook"))
        .header("stripe-signature", header)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let unsigned = app
        .client()
        .post(app.url("/payments/stripe/webhook"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);
    assert_eq!(meter(&app).await["once"], "$5");

    // A subscription whose events come out of order, then a refund of the one-off.
    let invoice = event(
        "evt_3",
        "invoice.paid",
        now,
        serde_json::json!({"id": "in_3", "payment_intent": "pi_3", "subscription": "sub_1", "amount_paid": 1000, "currency": "usd",
            "customer_email": "monthly@reader.example"}),
    );
    let started = event(
        "evt_4",
        "checkout.session.completed",
        now,
        serde_json::json!({"mode": "subscription", "subscription": "sub_1", "amount_total": 1000, "currency": "usd",
            "metadata": {"frequency": "monthly"}, "customer_details": {"email": "monthly@reader.example"}}),
    );
    assert_eq!(deliver(&app, &invoice, WEBHOOK_SECRET, now).await.0, 200);
    assert_eq!(deliver(&app, &started, WEBHOOK_SECRET, now).await.0, 200);
    assert_eq!(meter(&app).await["recurring"], "$10");
    let refund = event(
        "evt_5",
        "charge.refunded",
        now,
        serde_json::json!({"payment_intent": "pi_1"}),
    );
    assert_eq!(deliver(&app, &refund, WEBHOOK_SECRET, now).await.0, 200);
    let cancelled = event(
        "evt_6",
        "customer.subscription.deleted",
        now + 1,
        serde_json::json!({"id": "sub_1"}),
    );
    assert_eq!(deliver(&app, &cancelled, WEBHOOK_SECRET, now).await.0, 200);
    let meter = meter(&app).await;
    assert_eq!(
        (meter["once"].as_str(), meter["recurring"].as_str()),
        (Some("$0"), Some("$0")),
        "{meter}"
    );
    // A correctly signed event this version cannot read: kept with the reason and
    // acknowledged (a retry would not make it readable), never dropped.
    let (status, text) = deliver(
        &app,
        &serde_json::json!({"id": "evt_7", "type": "invoice.paid", "api_version": "2099-01-01.future",
            "data": {"object": {}}}),
        WEBHOOK_SECRET,
        now,
    )
    .await;
    assert_eq!((status, text.as_str()), (200, "kept unread"));
    let unread = app.store.unread_payment_events(false).await.unwrap();
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].event_id, "evt_7");
    assert_eq!(unread[0].api_version, "2099-01-01.future");
    assert!(unread[0].reason.contains("without"), "{}", unread[0].reason);
    assert!(unread[0].body.contains("evt_7"));
    let admin = app
        .sign_in(kolokol_core::Role::Admin, "Revenue Admin")
        .await;
    let page = admin.get("/admin/revenue").await.text().await.unwrap();
    assert!(
        page.contains("evt_7") && page.contains("kolokol revenue replay"),
        "admins see what was kept and what to do"
    );
}

#[tokio::test]
async fn supporters_get_receipts_sign_in_by_link_and_stop_their_gift() {
    let (app, sink) = TestApp::with_mail_and_revenue(Some(RevenueConfig {
        provider: kolokol_core::config::PaymentProviderKind::Demo,
        ..RevenueConfig::default()
    }))
    .await;
    let started = checkout(
        &app,
        &[
            ("frequency", "monthly"),
            ("currency", "USD"),
            ("amount", "10"),
        ],
    )
    .await;
    let location = started.headers()["location"].to_str().unwrap().to_owned();
    app.client()
        .post(app.url(&location))
        .form(&[("email", "Mira@Reader.example")])
        .send()
        .await
        .unwrap();
    // A receipt, from the transactional sender.
    app.state.outbox.settled().await;
    let receipts = sink.messages();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].recipients, ["mira@reader.example"]);
    assert_eq!(receipts[0].from, "newsroom@bell.example");
    let receipt = receipts[0].decoded();
    assert!(
        receipt.contains("receipt for your recurring gift of $10"),
        "{receipt}"
    );
    assert_eq!(meter(&app).await["recurring"], "$10");

    // Asking for a link: the same answer for strangers, a mail only for supporters.
    let stranger = app
        .client()
        .post(app.url("/supporters"))
        .form(&[("email", "nobody@reader.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 200);
    let stranger = stranger.text().await.unwrap();
    app.state.outbox.settled().await;
    assert_eq!(sink.messages().len(), 1);
    let asked = app
        .client()
        .post(app.url("/supporters"))
        .form(&[("email", "mira@reader.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        asked.text().await.unwrap(),
        stranger,
        "the page does not tell who gives"
    );
    app.state.outbox.settled().await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 2);
    let text = mails[1].decoded();
    let start = text.find(&app.url("/supporters/login/")).unwrap();
    let link: String = text[start..].split_whitespace().next().unwrap().to_owned();
    let path = link.strip_prefix(&app.base).unwrap().to_owned();

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(
        browser.get(app.url(&path)).send().await.unwrap().status(),
        200
    );
    let signed_in = browser.post(app.url(&path)).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/supporters"),
        "{cookie}"
    );
    assert_eq!(
        browser.post(app.url(&path)).send().await.unwrap().status(),
        400,
        "a link works once"
    );

    let account = browser
        .get(app.url("/supporters/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&account);
    assert!(text_of(&html, ".gifts").contains("$10 monthly"));
    assert!(text_of(&html, ".plain-table").contains("recurring"));
    let form_action = |css: &str| {
        let action = select(&html, css)[0]
            .value()
            .attr("action")
            .unwrap()
            .to_owned();
        kolokol_render::links::resolve("/supporters/account", &action)
    };
    let action = form_action(".gifts form.stop");
    let change = form_action(".gifts form.change-amount");
    let csrf = crate::common::hidden_value(&account, "csrf");
    // A new amount from the next payment on.
    let bad = browser
        .post(app.url(&change))
        .form(&[("csrf", csrf.as_str()), ("amount", "lots")])
        .send()
        .await
        .unwrap();
    assert!(bad.text().await.unwrap().contains("not an amount"));
    let raised = browser
        .post(app.url(&change))
        .form(&[("csrf", csrf.as_str()), ("amount", "15")])
        .send()
        .await
        .unwrap();
    assert!(
        raised
            .text()
            .await
            .unwrap()
            .contains("From the next payment on, you give $15")
    );
    assert_eq!(meter(&app).await["recurring"], "$15");
    assert_eq!(
        browser
            .post(app.url(&action))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "no CSRF token"
    );
    // Someone else's session cannot touch it.
    assert_eq!(
        app.client()
            .post(app.url(&action))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let stopped = browser
        .post(app.url(&action))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status(), 200);
    let stopped = stopped.text().await.unwrap();
    assert!(
        stopped.contains("Your recurring gift is stopped"),
        "{stopped}"
    );
    let meter = meter(&app).await;
    assert_eq!(meter["recurring"], "$0");
    let signed_out = browser
        .post(app.url("/supporters/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);
    assert_eq!(
        browser
            .get(app.url("/supporters/account"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
}

#[tokio::test]
async fn a_stripe_payment_is_receipted_once() {
    let (app, sink) =
        TestApp::with_mail_and_revenue(Some(stripe_config("http://127.0.0.1:9".into()))).await;
    let now = chrono::Utc::now().timestamp();
    let paid = event(
        "evt_r1",
        "invoice.paid",
        now,
        serde_json::json!({"id": "in_r1", "payment_intent": "pi_r1", "subscription": "sub_r", "amount_paid": 2000,
            "currency": "eur", "customer_email": "receipt@reader.example"}),
    );
    assert_eq!(deliver(&app, &paid, WEBHOOK_SECRET, now).await.0, 200);
    assert_eq!(deliver(&app, &paid, WEBHOOK_SECRET, now).await.0, 200);
    app.state.outbox.settled().await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 1, "one receipt, however often Stripe delivers");
    assert_eq!(mails[0].recipients, ["receipt@reader.example"]);
    assert!(mails[0].decoded().contains("recurring gift of €20"));

    // A bank debit: nothing to thank for while it is pending; a receipt once it
    // settles, days later, to the address the session carries.
    let session = |paid: &str| {
        serde_json::json!({"id": "cs_sepa", "object": "checkout.session", "mode": "payment",
            "payment_intent": "pi_sepa", "payment_status": paid, "amount_total": 4000, "currency": "eur",
            "customer_details": {"email": "debit@reader.example"}})
    };
    let pending = event(
        "evt_s1",
        "checkout.session.completed",
        now,
        session("unpaid"),
    );
    assert_eq!(deliver(&app, &pending, WEBHOOK_SECRET, now).await.0, 200);
    app.state.outbox.settled().await;
    assert_eq!(sink.messages().len(), 1, "no receipt while pending");
    let settled = event(
        "evt_s2",
        "checkout.session.async_payment_succeeded",
        now + 1,
        session("paid"),
    );
    assert_eq!(deliver(&app, &settled, WEBHOOK_SECRET, now).await.0, 200);
    app.state.outbox.settled().await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].recipients, ["debit@reader.example"]);
    assert!(mails[1].decoded().contains("gift of €40"));
}

#[tokio::test]
async fn a_burst_of_checkouts_from_one_address_stops_at_the_limit() {
    let (base, fake) = start_fake_stripe().await;
    let app = TestApp::with_revenue(stripe_config(base)).await;
    // Below the smallest charge, and the field only bots fill in: nothing reaches
    // Stripe, and neither counts against the reader.
    let tiny = checkout(
        &app,
        &[
            ("frequency", "once"),
            ("currency", "USD"),
            ("custom", "0.20"),
        ],
    )
    .await;
    assert_eq!(tiny.status(), 422);
    assert!(
        tiny.text()
            .await
            .unwrap()
            .contains("smallest gift we can take by card is $0.50")
    );
    let bot = checkout(
        &app,
        &[
            ("frequency", "once"),
            ("currency", "USD"),
            ("amount", "5"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    assert_eq!(bot.status(), 303);
    assert_eq!(bot.headers()["location"], "/support");
    assert!(fake.requests.lock().unwrap().is_empty());
    let mut statuses = Vec::new();
    for _ in 0..15 {
        let answer = checkout(
            &app,
            &[("frequency", "once"), ("currency", "USD"), ("amount", "5")],
        )
        .await;
        statuses.push(answer.status().as_u16());
    }
    let started = 10; // CHECKOUTS_PER_HOUR, as the README states it
    assert_eq!(
        statuses,
        [vec![303; started], vec![429; 15 - started]].concat(),
        "card testers get the limit and nothing more"
    );
    assert_eq!(
        fake.requests.lock().unwrap().len(),
        started,
        "nothing past the limit reaches Stripe"
    );
    let refused = checkout(
        &app,
        &[("frequency", "once"), ("currency", "USD"), ("amount", "5")],
    )
    .await;
    assert!(refused.text().await.unwrap().contains("Too many payments"));
    let audit = app.store.audit_log(50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "checkout.refused"));
}

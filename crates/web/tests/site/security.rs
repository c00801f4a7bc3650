//! What a security review found, each as the attack it tried: bursts of passwords,
//! locked-out owners, replayed codes, slow and idle clients, logs and timing that
//! tell on readers, spreadsheet formulas, redirects off the site, and text from the
//! address reflected into pages.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use kolokol_core::Role;
use kolokol_core::config::ServerConfig;

use crate::common::{STAFF_PASSWORD, TestApp, browser_at};

async fn sign_in_form(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.submit_sign_in(client, "/admin/login", fields).await
}

fn browser(local: &str) -> reqwest::Client {
    browser_at(local)
}

/// The sign-in page's CSRF token, as `client` gets it.
async fn login_page(app: &TestApp, client: &reqwest::Client) -> String {
    app.form_token(client, "/admin/login").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_passwords_gets_only_the_limit_evaluated() {
    let app = TestApp::empty().await;
    let target = app.sign_in(Role::Editor, "Targeted Editor").await;
    let email = target.user.email.as_str().to_owned();
    let csrf = login_page(&app, &browser("127.0.0.1")).await;
    // Every request carries the form's own cookie: each refusal sets a new one, and
    // a shared cookie jar would send that with a request still holding the old form.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address("127.0.0.1".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let mut burst = Vec::new();
    for n in 0..60 {
        let client = client.clone();
        let url = app.url("/admin/login");
        let (csrf, email) = (csrf.clone(), email.clone());
        burst.push(tokio::spawn(async move {
            let password = format!("wrong password {n}");
            client
                .post(url)
                .header("cookie", format!("kolokol_login={csrf}"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut evaluated = 0;
    let mut throttled = 0;
    for answer in burst {
        match answer.await.unwrap() {
            401 => evaluated += 1,
            429 => throttled += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(evaluated, 5, "the account's limit, and not one more");
    assert_eq!(throttled, 55);
}

#[tokio::test]
async fn a_locked_out_editor_gets_in_with_password_and_code_and_no_code_works_twice() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Editor, "Locked Out Editor").await;
    let authenticator = app.enable_two_factor(&editor).await;
    let email = editor.user.email.as_str();

    // Someone elsewhere fills the account's count of failures.
    let attacker = browser("127.0.0.2");
    for _ in 0..5 {
        let refused = sign_in_form(
            &app,
            &attacker,
            &[("email", email), ("password", "a guess")],
        )
        .await;
        assert_eq!(refused.status(), 401);
    }
    let owner = browser("127.0.0.1");
    let locked = sign_in_form(
        &app,
        &owner,
        &[("email", email), ("password", STAFF_PASSWORD)],
    )
    .await;
    assert_eq!(locked.status(), 429);
    let page = locked.text().await.unwrap();
    assert!(
        page.contains("name=\"code\""),
        "the locked page asks for a code along with the password"
    );

    // The attacker with a guessed code gets nothing, and learns nothing.
    let guessed = sign_in_form(
        &app,
        &attacker,
        &[
            ("email", email),
            ("password", "a guess"),
            ("code", "123456"),
        ],
    )
    .await;
    assert_eq!(guessed.status(), 401);
    let wrong_code = sign_in_form(
        &app,
        &owner,
        &[
            ("email", email),
            ("password", STAFF_PASSWORD),
            ("code", "000000"),
        ],
    )
    .await;
    assert_eq!(wrong_code.status(), 401, "the password alone does not pass");

    // The owner: password and a current code, straight in.
    let code = authenticator.code(0);
    let through = sign_in_form(
        &app,
        &owner,
        &[
            ("email", email),
            ("password", STAFF_PASSWORD),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(through.status(), 303);
    assert_eq!(through.headers()["location"], "/admin");
    assert_eq!(
        owner.get(app.url("/admin")).send().await.unwrap().status(),
        200,
        "the session is open, second factor and all"
    );

    // The same code again, from another browser: refused, it was used.
    let replay = browser("127.0.0.3");
    let again = sign_in_form(
        &app,
        &replay,
        &[
            ("email", email),
            ("password", STAFF_PASSWORD),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(again.status(), 401, "a code works once");
}

#[tokio::test]
async fn a_code_from_the_app_works_once_in_the_second_step() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Author, "Careful Author").await;
    let authenticator = app.enable_two_factor(&editor).await;
    let email = editor.user.email.as_str();
    let code = authenticator.code(0);
    for (n, expected) in [(0, 303), (1, 401)] {
        let (client, _) = app.password_step(email).await;
        let answer = app.second_step(&client, &code).await;
        assert_eq!(answer.status(), expected, "use {n} of one code");
    }
    // An older step after a newer one is refused too.
    let (client, _) = app.password_step(email).await;
    let older = app.second_step(&client, &authenticator.code(-1)).await;
    assert_eq!(older.status(), 401);
}

/// Whether the server has closed `stream`, waiting for it at most `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buffer = [0_u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            // A 408 or similar before closing: keep reading to the end.
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_are_cut_off_and_others_are_still_served() {
    let app = TestApp::with_limits(ServerConfig {
        header_timeout_secs: 2,
        body_timeout_secs: 2,
        max_connections: 1_000,
        max_connections_per_address: 20,
        ..ServerConfig::default()
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();
    // 60 requests whose headers never end, from one address.
    let mut held = Vec::new();
    for _ in 0..60 {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: bell.example\r\nX-Slow: ")
            .unwrap();
        held.push(stream);
    }
    // Someone else is served meanwhile.
    let reader = browser("127.0.0.2");
    let health = reader.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // Past the cap for one address, connections are closed at once; the rest when
    // their headers run out of time. Every one of them ends.
    let closed = tokio::task::spawn_blocking(move || {
        held.iter_mut()
            .map(|stream| closed_within(stream, Duration::from_secs(10)))
            .filter(|closed| *closed)
            .count()
    })
    .await
    .unwrap();
    assert_eq!(closed, 60, "no half-sent request stays open");

    // A kept-alive connection that goes quiet after its answer is closed too.
    let mut idle = TcpStream::connect(&address).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: bell.example\r\n\r\n")
        .unwrap();
    let mut first = [0_u8; 64];
    let read = idle.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..read]).starts_with("HTTP/1.1 200"));
    assert!(
        tokio::task::spawn_blocking(move || closed_within(&mut idle, Duration::from_secs(10)))
            .await
            .unwrap(),
        "an idle keep-alive connection is not kept forever"
    );

    // A body that never arrives in full gets an answer, not a hanging socket.
    let mut slow_body = TcpStream::connect(&address).unwrap();
    slow_body
        .write_all(
            b"POST /newsletter HTTP/1.1\r\nHost: bell.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a",
        )
        .unwrap();
    let answer = tokio::task::spawn_blocking(move || {
        slow_body
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut text = Vec::new();
        let _ = slow_body.read_to_end(&mut text);
        String::from_utf8_lossy(&text).into_owned()
    })
    .await
    .unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 4") || answer.is_empty(),
        "the slow body is refused: {answer:.80}"
    );
    let again = reader.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(again.status(), 200);
}

/// Collects what the server logs, at every level, while a test runs on this thread.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn without_a_mail_server_no_link_or_address_reaches_the_log() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = TestApp::empty().await;
    app.store
        .apply_payment_event(
            "demo",
            &kolokol_core::revenue::PaymentEvent {
                id: "evt_log_1".into(),
                created: chrono::Utc::now().timestamp(),
                api_version: String::new(),
                kind: kolokol_core::revenue::EventKind::OneTimePaid {
                    payment: "pi_log_1".into(),
                    email: Some("giver@reader.example".into()),
                    amount: kolokol_core::Money::new(
                        2500,
                        kolokol_core::revenue::Currency::parse("EUR").unwrap(),
                    ),
                    paid: true,
                },
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let signed_up = app
        .client()
        .post(app.url("/newsletter"))
        .form(&[("email", "quiet@reader.example"), ("consent", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 303);
    let asked = app
        .client()
        .post(app.url("/supporters"))
        .form(&[("email", "giver@reader.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    app.state.outbox.settled().await;
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("no mail server is configured"), "{logged}");
    for secret in [
        "quiet@reader.example",
        "giver@reader.example",
        "/newsletter/confirm/",
        "/supporters/login/",
    ] {
        assert!(!logged.contains(secret), "{secret} was logged:\n{logged}");
    }
}

#[tokio::test]
async fn the_answer_does_not_wait_for_the_mail() {
    // A mail server that accepts connections and never says a word: mail sent
    // before answering would hold the answer until SMTP gave up.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mailer = kolokol_mail::SmtpMailer::new(
        &format!("smtp://{}", silent.local_addr().unwrap()),
        "The Northern Bell <newsroom@bell.example>",
    )
    .unwrap();
    let app = TestApp::with_mailer(std::sync::Arc::new(mailer)).await;
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        app.client()
            .post(app.url("/newsletter"))
            .form(&[("email", "someone@reader.example"), ("consent", "yes")])
            .send(),
    )
    .await
    .expect("the sign-up was answered before its mail went")
    .unwrap();
    assert_eq!(answer.status(), 303);
    drop(silent);
}

#[tokio::test]
async fn consent_records_keep_nothing_made_from_the_network_address() {
    let app = TestApp::empty().await;
    let signed_up = app
        .client()
        .post(app.url("/newsletter"))
        .form(&[("email", "kept@reader.example"), ("consent", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 303);
    let subscribers = app.store.subscribers(0, 10).await.unwrap();
    assert_eq!(subscribers.len(), 1);
    assert_eq!(subscribers[0].address_hash, "", "no address hash is kept");
    let privacy = app.text("/privacy").await;
    assert!(
        privacy.contains("changes every day"),
        "the policy says what is kept"
    );
}

#[tokio::test]
async fn downloads_never_carry_a_live_formula() {
    let app = TestApp::empty().await;
    let formula = "=1+2@reader.example";
    let signed_up = app
        .client()
        .post(app.url("/newsletter"))
        .form(&[("email", formula), ("consent", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 303, "an odd but valid address");
    let refused = app
        .client()
        .post(app.url("/newsletter"))
        .form(&[
            (
                "email",
                "=HYPERLINK(\"https://evil.example\",\"x\")@reader.example",
            ),
            ("consent", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422, "not an address mail servers take");
    let admin = app.sign_in(Role::Admin, "Careful Admin").await;
    let csv = admin
        .get("/admin/subscribers.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("'=1+2@reader.example"), "{csv}");
    assert!(!csv.lines().any(|line| line.starts_with('=')));
}

#[tokio::test]
async fn media_are_served_without_redirects() {
    let app = TestApp::empty().await;
    std::fs::create_dir_all(app.data.join("media/demo")).unwrap();
    std::fs::write(app.data.join("media/demo/a.txt"), "a").unwrap();
    for path in ["/media///demo", "/media/demo", "/media/uploads", "/media/"] {
        let answer = app.get(path).await;
        assert_eq!(answer.status(), 404, "{path}");
        assert!(answer.headers().get("location").is_none(), "{path}");
    }
    assert_eq!(app.get("/media/demo/a.txt").await.status(), 200);
}

#[tokio::test]
async fn links_from_mail_must_look_like_ours() {
    let app = TestApp::empty().await;
    for path in [
        "/newsletter/confirm/javascript:alert(document.domain)",
        "/supporters/login/javascript:alert(1)",
        "/admin/invite/javascript:alert(1)",
        "/newsletter/confirm/ABC",
    ] {
        let answer = app.get(path).await;
        assert_eq!(answer.status(), 404, "{path}");
        let page = answer.text().await.unwrap();
        assert!(
            !page.contains("javascript:"),
            "{path} reflected: {page:.200}"
        );
    }
}

#[tokio::test]
async fn addresses_with_a_trailing_slash_move_to_the_canonical_one_on_this_site() {
    let app = TestApp::empty().await;
    app.publish("Lite story", "Words.").await;
    for (asked, location) in [
        ("/lite/", "/lite"),
        ("/archive/?page=1", "/archive?page=1"),
        ("/sections///", "/sections"),
    ] {
        let answer = app.get(asked).await;
        assert_eq!(answer.status(), 301, "{asked}");
        assert_eq!(answer.headers()["location"], location, "{asked}");
    }
    for stays in ["//evil.example/", "/\\evil.example/"] {
        let answer = app.get(stays).await;
        assert_ne!(answer.status(), 301, "{stays}");
        assert!(answer.headers().get("location").is_none(), "{stays}");
    }
    // The text-only edition's own links lead to its front page, not to `/lite/`.
    let page = app.text("/lite/articles/lite-story").await;
    let html = scraper::Html::parse_document(&page);
    let latest = crate::common::select(&html, "footer a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(
        crate::common::resolve("/lite/articles/lite-story", &latest),
        "/lite"
    );
    assert_eq!(app.get("/lite").await.status(), 200);
}

#[tokio::test]
async fn a_control_character_in_next_is_not_a_500() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Editor, "Next Editor").await;
    let client = browser("127.0.0.1");
    let answer = app
        .submit_sign_in(
            &client,
            "/admin/login?next=%2Fadmin%0D%0ASet-Cookie:x",
            &[
                ("email", editor.user.email.as_str()),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.headers()["location"], "/admin");
}

#[tokio::test]
async fn an_https_site_sends_hsts() {
    let app = TestApp::with_base("https://bell.example").await;
    let answer = app.get("/healthz").await;
    assert_eq!(
        answer.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let plain = TestApp::empty().await;
    assert!(
        plain
            .get("/healthz")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

#[tokio::test]
async fn sitemap_parts_past_the_end_are_404() {
    let app = TestApp::empty().await;
    app.publish("One story", "Words.").await;
    assert_eq!(app.get("/sitemap.xml").await.status(), 200);
    for part in ["/sitemaps/0.xml", "/sitemaps/1.xml", "/sitemaps/99999.xml"] {
        assert_eq!(app.get(part).await.status(), 404, "{part}");
    }
}

#[tokio::test]
async fn a_steered_link_in_an_article_stays_a_link_on_the_site() {
    let app = TestApp::empty().await;
    let slug = app
        .publish(
            "Steered links",
            "[Read](/articles/steered-links/javascript:alert(document.domain)/1.1)\n\n\
             ![pixel](/articles/steered-links/\\\\host/p.gif)",
        )
        .await;
    let path = format!("/articles/{slug}");
    let page = app.text(&path).await;
    let html = scraper::Html::parse_document(&page);
    let base = url::Url::parse(&app.url(&path)).unwrap();
    for element in html.select(&scraper::Selector::parse("article [href], article [src]").unwrap())
    {
        for value in [element.value().attr("href"), element.value().attr("src")]
            .into_iter()
            .flatten()
        {
            let resolved = base.join(value).unwrap();
            assert_eq!(resolved.origin(), base.origin(), "{value} → {resolved}");
        }
    }
    assert!(!page.contains("href=\"javascript:"));
}

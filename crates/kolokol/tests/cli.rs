//! The `kolokol` command as an operator uses it: the real binary, real processes,
//! real signals.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions may unwrap: a failure is a test failure"
)]

use kolokol_testkit::fixtures::Fixtures;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use process::{KOLOKOL, Running, free_port, succeeded, with_line_on_stdin};

mod moving_in;
mod process;

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn demo_runs_with_one_command_and_stops_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut demo = Running::start(
        Command::new(KOLOKOL)
            .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data.path()),
    );
    demo.wait_for("Loaded the demo newsroom: 67 articles");
    demo.wait_for("/admin: sign in as editor@northern-bell.example");
    let serving = demo.wait_for("Kolokol is serving");
    assert!(
        serving.contains(&format!("http://127.0.0.1:{port}/")),
        "{serving}"
    );
    let (status, front) = get(&format!("http://127.0.0.1:{port}/")).await;
    assert_eq!(status, 200);
    assert!(front.contains("The Northern Bell"));
    let printed = demo.terminate();
    assert!(
        printed.iter().any(|l| l.contains("Stopped.")),
        "{printed:#?}"
    );
    assert!(data.path().join("kolokol.db").is_file());
    assert!(data.path().join("media/demo").is_dir());

    // The second start reuses the data folder instead of loading the demo again.
    let mut again = Running::start(
        Command::new(KOLOKOL)
            .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data.path()),
    );
    again.wait_for("Kolokol is serving");
    let (_, archive) = get(&format!("http://127.0.0.1:{port}/archive?page=4")).await;
    assert!(archive.contains("page 4 of 4"), "still 42 articles, not 84");
    let printed = again.terminate();
    assert!(
        !printed.iter().any(|l| l.contains("Loaded the demo")),
        "{printed:#?}"
    );

    // Others' reach needs --public, and then the published password no longer works.
    let refused = Command::new(KOLOKOL)
        .args(["demo", "--listen", &format!("0.0.0.0:{port}"), "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--public"), "{said}");
    let mut public = Running::start(
        Command::new(KOLOKOL)
            .args([
                "demo",
                "--public",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data",
            ])
            .arg(data.path()),
    );
    let told = public.wait_for("/admin: sign in as editor@northern-bell.example");
    assert!(!told.contains(kolokol_demo::DEMO_EDITOR_PASSWORD), "{told}");
    public.wait_for("Kolokol is serving");
    public.terminate();
}

/// A configuration file in `dir` for a site on `port`, its data in `dir/data`.
fn write_config(dir: &Path, port: u16, database_url: &str) -> std::path::PathBuf {
    let file = dir.join("kolokol.toml");
    std::fs::write(
        &file,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\ndatabase_url = \"{database_url}\"\n\n[site]\ntitle = \"Riga Evening Post\"\nbase_url = \"https://post.example\"\ntimezone = \"Europe/Riga\"\n",
            dir.join("data").display()
        ),
    )
    .unwrap();
    file
}

#[tokio::test]
async fn serve_reads_the_config_file_and_environment_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = write_config(dir.path(), port, "");
    let migrate = Command::new(KOLOKOL)
        .arg("migrate")
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    succeeded(&migrate);
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("up to date"));

    let mut server = Running::start(
        Command::new(KOLOKOL)
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .env("KOLOKOL_SITE__TAGLINE", "Set from the environment"),
    );
    server.wait_for("Kolokol is serving Riga Evening Post");
    // A site without an admin says how to make one, naming this configuration file.
    server.wait_for("No admin account yet");
    let advice = server.wait_for("kolokol user add");
    assert!(
        advice.contains(&format!("--config {}", config.display()))
            && advice.contains("--role admin"),
        "{advice}"
    );
    // The advice works as printed: run it (the password on standard input).
    let command = advice
        .trim()
        .strip_prefix("kolokol ")
        .unwrap_or_else(|| panic!("not a kolokol command: {advice}"));
    let added = with_line_on_stdin(
        Command::new("sh")
            .arg("-c")
            .arg(format!("{KOLOKOL} {command}")),
        "a first admin's long password",
    );
    succeeded(&added);
    let (status, front) = get(&format!("http://127.0.0.1:{port}/")).await;
    assert_eq!(status, 200);
    assert!(front.contains("Riga Evening Post") && front.contains("Set from the environment"));
    assert!(front.contains("Nothing has been published yet."));
    let (_, robots) = get(&format!("http://127.0.0.1:{port}/robots.txt")).await;
    assert!(
        robots.contains("https://post.example/sitemap.xml"),
        "canonical links use the configured address"
    );
    server.terminate();
}

#[tokio::test]
async fn serve_on_postgresql_chosen_by_the_url() {
    let url = kolokol_testkit::postgres_database("cli").await;
    // The test cluster trusts loopback, so any password works: this one must never be printed.
    let url = url.replacen("postgres://postgres@", "postgres://postgres:s3cret-pw@", 1);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = write_config(dir.path(), port, &url);
    let mut server = Running::start(
        Command::new(KOLOKOL)
            .arg("serve")
            .arg("--config")
            .arg(&config),
    );
    let starting = server.wait_for("starting");
    assert!(starting.contains("postgres:***@"), "{starting}");
    server.wait_for("Kolokol is serving");
    assert_eq!(
        get(&format!("http://127.0.0.1:{port}/readyz")).await,
        (200, "ready".into())
    );
    assert_eq!(get(&format!("http://127.0.0.1:{port}/")).await.0, 200);
    let printed = server.terminate();
    assert!(
        printed.iter().all(|line| !line.contains("s3cret-pw")),
        "{printed:#?}"
    );
}

#[test]
fn bad_configuration_is_refused_with_a_message_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kolokol.toml");
    for (text, expected) in [
        ("[site]\ntitel = \"typo\"\n", "titel"),
        ("listen = \"not an address\"\n", "listen"),
        ("[site]\nbase_url = \"post.example\"\n", "site.base_url"),
        (
            "database_url = \"mysql://db/kolokol\"\n",
            "sqlite:// or postgres://",
        ),
        (
            "[server]\ndatabase_connections = 100000\n",
            "server.database_connections must be at most 256",
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        let output = Command::new(KOLOKOL)
            .arg("migrate")
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{text}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let missing = Command::new(KOLOKOL)
        .args(["serve", "--config", "/no/such/file.toml"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
}

/// `kolokol migrate` against `database_url`: its exit code, what it said, and how
/// long it took to say it.
fn migrate_against(database_url: &str) -> (Option<i32>, String, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), free_port(), database_url);
    let started = std::time::Instant::now();
    let output = Command::new(KOLOKOL)
        .args(["migrate", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), said, started.elapsed())
}

#[test]
fn an_unreachable_postgresql_is_named_within_seconds() {
    // Nothing listens on the port: refused at once, and said so.
    let port = free_port();
    let (code, said, took) =
        migrate_against(&format!("postgres://kolokol@127.0.0.1:{port}/kolokol"));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.to_lowercase().contains("refused"), "{said}");
    assert!(took < Duration::from_secs(5), "{took:?}: {said}");
    // Something accepts the connection and never answers: named after five seconds.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let (code, said, took) =
        migrate_against(&format!("postgres://kolokol@127.0.0.1:{port}/kolokol"));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("did not answer within 5 seconds"), "{said}");
    assert!(took < Duration::from_secs(10), "{took:?}: {said}");
    assert!(!said.contains("pool timed out"), "{said}");
    drop(silent);
}

#[test]
fn theme_export_writes_an_editable_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("my-theme");
    let output = Command::new(KOLOKOL)
        .args(["theme", "export"])
        .arg(&target)
        .output()
        .unwrap();
    succeeded(&output);
    assert!(target.join("templates/article.html").is_file());
    assert!(target.join("assets/site.css").is_file());
    let again = Command::new(KOLOKOL)
        .args(["theme", "export"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

#[test]
fn operator_creates_the_first_admin_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), free_port(), "");
    let add = |email: &str, role: &str, password: &str| {
        with_line_on_stdin(
            Command::new(KOLOKOL)
                .args([
                    "user",
                    "add",
                    "--email",
                    email,
                    "--role",
                    role,
                    "--name",
                    "Anna Vetrova",
                    "--config",
                ])
                .arg(&config),
            password,
        )
    };
    let created = add("anna@post.example", "admin", "correct horse battery staple");
    succeeded(&created);
    assert!(
        String::from_utf8_lossy(&created.stdout)
            .contains("Created Anna Vetrova <anna@post.example> as admin")
    );

    for (email, role, password, expected) in [
        (
            "anna@post.example",
            "admin",
            "correct horse battery staple",
            "already exists",
        ),
        (
            "not-an-address",
            "admin",
            "correct horse battery staple",
            "--email",
        ),
        (
            "boris@post.example",
            "owner",
            "correct horse battery staple",
            "--role",
        ),
        (
            "boris@post.example",
            "editor",
            "short",
            "at least 12 characters",
        ),
    ] {
        let refused = add(email, role, password);
        assert_eq!(refused.status.code(), Some(1), "{email} {role}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(expected), "{email} {role}: {stderr}");
    }

    // A forgotten password, when the site cannot mail a link: the operator sets one.
    let reset = |email: &str, password: &str| {
        with_line_on_stdin(
            Command::new(KOLOKOL)
                .args(["user", "reset-password", "--email", email, "--config"])
                .arg(&config),
            password,
        )
    };
    let done = succeeded(&reset("anna@post.example", "a second long password"));
    assert!(
        done.contains("has a new password and is signed out everywhere"),
        "{done}"
    );
    for (email, password, expected) in [
        (
            "nobody@post.example",
            "a second long password",
            "no enabled staff account uses",
        ),
        ("anna@post.example", "short", "at least 12 characters"),
        ("not-an-address", "a second long password", "--email"),
    ] {
        let refused = reset(email, password);
        assert_eq!(refused.status.code(), Some(1), "{email}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(expected), "{email}: {stderr}");
    }
}

#[test]
fn export_site_writes_a_folder_and_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), free_port(), "");
    let out = dir.path().join("mirror");
    let archive = dir.path().join("mirror.tar.zst");
    let run = Command::new(KOLOKOL)
        .arg("export-site")
        .arg(&out)
        .arg("--archive")
        .arg(&archive)
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    succeeded(&run);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("Exported") && stdout.contains("Packed it into"),
        "{stdout}"
    );
    assert!(out.join("index.html").is_file() && out.join("feed.xml").is_file());
    assert!(archive.metadata().unwrap().len() > 0);
    let again = Command::new(KOLOKOL)
        .arg("export-site")
        .arg(&out)
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains(" 0 written"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

/// A newsroom with one article, `readers` confirmed subscribers and one drafted issue;
/// returns the issue's id.
async fn newsletter_newsroom(database: &Path, readers: usize) -> i64 {
    use kolokol_core::{
        ArticleStatus, Email, ImportedSubscriber, IssueDraft, NewArticle, Role, Slug,
    };
    let store = kolokol_store::connect(&format!("sqlite://{}", database.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let now = chrono::Utc::now();
    let section = store
        .add_section(&Slug::parse("news").unwrap(), "News", "", 1)
        .await
        .unwrap();
    let article = store
        .add_article(
            &NewArticle {
                slug: Slug::parse("harbour-strike-ends").unwrap(),
                headline: "The harbour strike ends after nine days".into(),
                dek: "Dockers won a raise and a safety committee.".into(),
                body_markdown: "The cranes moved again on Tuesday morning.".into(),
                dateline: "STAVRIN".into(),
                section_id: section.id,
                author_ids: vec![],
                tag_ids: vec![],
                status: ArticleStatus::Published,
                published_at: Some(now - chrono::Duration::hours(1)),
                updated_at: None,
                hero_image_id: None,
                hero_alt: String::new(),
                hero_caption: String::new(),
                hero_credit: String::new(),
                seo_title: String::new(),
                seo_description: String::new(),
                corrections: vec![],
                language: "en".into(),
                translation_of: None,
            },
            now,
        )
        .await
        .unwrap();
    let rows: Vec<ImportedSubscriber> = (0..readers)
        .map(|n| ImportedSubscriber {
            email: Email::parse(&format!("reader{n:04}@inbox.example")).unwrap(),
            signed_up_at: now,
            confirmed_at: now,
            name: String::new(),
            status: kolokol_core::SubscriberStatus::Active,
            left_at: None,
            policy_version: "1".into(),
            form: "import".into(),
            language: "en".into(),
            stripe_customer: None,
        })
        .collect();
    store
        .import_subscribers(&rows, &kolokol_core::Audit::new(None, "test", ""), now)
        .await
        .unwrap();
    let editor = store
        .create_user(
            &Email::parse("desk@post.example").unwrap(),
            "Desk",
            Role::Editor,
            "x",
            &kolokol_core::Audit::new(None, "test", ""),
            now,
        )
        .await
        .unwrap();
    store
        .create_issue(
            &IssueDraft {
                subject: "The week the cranes stopped".into(),
                intro_md: "Hello.".into(),
                full_text: false,
                article_ids: vec![article],
                language: "en".into(),
            },
            editor.id,
            &kolokol_core::Audit::new(None, "newsletter.test", "issue"),
            now,
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_send_killed_mid_way_resumes_and_each_reader_gets_the_issue_once() {
    let dir = tempfile::tempdir().unwrap();
    let sink = kolokol_testkit::SmtpSink::start();
    let config = write_config(dir.path(), free_port(), "");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[newsletter]\nsmtp_url = \"smtp://{}\"\nfrom = \"The Weekly <weekly@post.example>\"\nconnections = 2\nrate_per_second = 150\n",
        sink.address()
    ));
    std::fs::write(&config, text).unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let readers = 450;
    let issue = newsletter_newsroom(&dir.path().join("data/kolokol.db"), readers).await;

    let mut first = Command::new(KOLOKOL)
        .args(["newsletter", "send", &issue.to_string(), "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill -9 somewhere in the middle of the send.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while sink.messages().len() < 120 {
        assert!(
            std::time::Instant::now() < deadline,
            "the send did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let at_kill = sink.messages().len();
    assert!(at_kill < readers, "killed before the end ({at_kill})");

    // Running it again waits out the dead sender's claim and finishes the rest.
    let second = Command::new(KOLOKOL)
        .args(["newsletter", "send", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&second.stdout).into_owned()
        + &String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{printed}");
    assert!(
        printed.contains(&format!("{readers} sent, 0 failed")),
        "{printed}"
    );

    let mut by_reader: std::collections::HashMap<String, Vec<String>> = Default::default();
    for mail in sink.messages() {
        let id = mail
            .data
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap()
            .to_owned();
        by_reader
            .entry(mail.recipients[0].clone())
            .or_default()
            .push(id);
    }
    assert_eq!(by_reader.len(), readers, "every reader got the issue");
    let copies: usize = by_reader.values().map(|ids| ids.len() - 1).sum();
    // SMTP cannot make "accepted" and "recorded" one step: only a message whose 250
    // arrived in the instant before the kill can go out again, at most one per
    // connection, and then with the same Message-ID for mailbox providers to drop.
    assert!(copies <= 2, "{copies} repeated messages");
    for ids in by_reader.values() {
        assert!(ids.iter().all(|id| id == &ids[0]));
    }
    let status = Command::new(KOLOKOL)
        .args(["newsletter", "status", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        status.contains("sent") && status.contains(&format!("{readers} sent")),
        "{status}"
    );
}

#[tokio::test]
async fn a_bounce_report_piped_in_suppresses_its_address() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), free_port(), "");
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let database = dir.path().join("data/kolokol.db");
    newsletter_newsroom(&database, 3).await;
    let report = "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n\
        --b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.inbox.example\n\n\
        Final-Recipient: rfc822; reader0001@inbox.example\nAction: failed\nStatus: 5.1.1\n\n--b--\n";
    let mut child = Command::new(KOLOKOL)
        .args(["newsletter", "suppress", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(report.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("Suppressed reader0001@inbox.example (bounced: 5.1.1)"),
        "{printed}"
    );
    let store = kolokol_store::connect(&format!("sqlite://{}", database.display()))
        .await
        .unwrap();
    let statuses: Vec<_> = store
        .subscribers(0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.email.to_string(), s.status))
        .collect();
    assert_eq!(
        statuses[1],
        (
            "reader0001@inbox.example".into(),
            kolokol_core::SubscriberStatus::Suppressed
        )
    );
    assert_eq!(statuses[0].1, kolokol_core::SubscriberStatus::Active);
    // An out-of-office reply changes nothing.
    let mut child = Command::new(KOLOKOL)
        .args(["newsletter", "suppress", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Subject: Away\n\nBack on Monday.\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("nothing changed"));
}

/// A local server that lists events as Stripe's `GET /v1/events` does: newest first,
/// a page at a time (`limit`, `starting_after`), filtered by `created[gte]`, and only
/// for requests that name the pinned API version and the secret key. It lists
/// `subscriptions` by customer as `GET /v1/subscriptions?customer=…` does.
async fn fake_stripe_events(
    events: Vec<serde_json::Value>,
    subscriptions: Vec<serde_json::Value>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::{HeaderMap, StatusCode};
    let pages = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&pages);
    let events = std::sync::Arc::new(events);
    let router = axum::Router::new().route(
        "/v1/events",
        axum::routing::get(
            move |headers: HeaderMap, axum::extract::RawQuery(query): axum::extract::RawQuery| {
                let events = std::sync::Arc::clone(&events);
                let counted = std::sync::Arc::clone(&counted);
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned()
                    };
                    if header("stripe-version") != kolokol_payments::stripe::API_VERSION {
                        return (StatusCode::BAD_REQUEST, r#"{"error":{"message":"unpinned version"}}"#.to_owned());
                    }
                    if header("authorization") != "Bearer sk_test_reconcile" {
                        return (StatusCode::UNAUTHORIZED, r#"{"error":{"message":"Invalid API Key"}}"#.to_owned());
                    }
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let query: Vec<(String, String)> =
                        form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                            .into_owned()
                            .collect();
                    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                    let since: i64 = get("created[gte]").and_then(|v| v.parse().ok()).unwrap_or(0);
                    // Smaller pages than asked for, so the client must follow them.
                    let limit = get("limit").and_then(|v| v.parse::<usize>().ok()).unwrap_or(10).min(7);
                    let listed: Vec<&serde_json::Value> = events
                        .iter()
                        .filter(|e| e["created"].as_i64().unwrap_or(0) >= since)
                        .collect();
                    let start = match get("starting_after") {
                        Some(after) => listed.iter().position(|e| e["id"] == after.as_str()).map_or(listed.len(), |i| i + 1),
                        None => 0,
                    };
                    let page: Vec<_> = listed.iter().skip(start).take(limit).collect();
                    let more = start + page.len() < listed.len();
                    (
                        StatusCode::OK,
                        serde_json::json!({"object": "list", "url": "/v1/events", "has_more": more, "data": page}).to_string(),
                    )
                }
            },
        ),
    );
    let subscriptions = std::sync::Arc::new(subscriptions);
    let router = router.route(
        "/v1/subscriptions",
        axum::routing::get(
            move |headers: HeaderMap, axum::extract::RawQuery(query): axum::extract::RawQuery| {
                let subscriptions = std::sync::Arc::clone(&subscriptions);
                async move {
                    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer sk_test_reconcile") {
                        return (StatusCode::UNAUTHORIZED, r#"{"error":{"message":"Invalid API Key"}}"#.to_owned());
                    }
                    let customer = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                        .find(|(k, _)| k == "customer")
                        .map(|(_, v)| v.into_owned());
                    let Some(customer) = customer else {
                        return (StatusCode::BAD_REQUEST, r#"{"error":{"message":"customer is required here"}}"#.to_owned());
                    };
                    let data: Vec<_> = subscriptions.iter().filter(|s| s["customer"] == customer.as_str()).collect();
                    (
                        StatusCode::OK,
                        serde_json::json!({"object": "list", "url": "/v1/subscriptions", "has_more": false, "data": data}).to_string(),
                    )
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, pages)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revenue_reconcile_applies_what_the_ledger_missed_once() {
    let mut events: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../payments/tests/fixtures/basil.json")).unwrap();
    events.sort_by_key(|e| std::cmp::Reverse(e["created"].as_i64().unwrap()));
    let total = events.len();
    let (base, pages) = fake_stripe_events(events, Vec::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), free_port(), "");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[revenue]\nprovider = \"stripe\"\ncurrency = \"EUR\"\ncurrencies = [\"EUR\"]\nstripe_secret_key = \"sk_test_reconcile\"\nstripe_webhook_secret = \"whsec_x\"\nstripe_api_base = \"{base}\"\n"
    ));
    std::fs::write(&config, text).unwrap();
    let run = move || {
        let output = Command::new(KOLOKOL)
            .args(["revenue", "reconcile", "--since", "2026-01-01", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        succeeded(&output)
    };
    let first = tokio::task::spawn_blocking(run.clone()).await.unwrap();
    assert!(
        first.contains(&format!(
            "Read {total} events from Stripe since 2026-01-01: {total} added to the ledger, 0 already there, 0 kept unread."
        )),
        "{first}"
    );
    assert!(
        pages.load(std::sync::atomic::Ordering::SeqCst) >= total.div_ceil(7),
        "every page was followed"
    );
    let again = tokio::task::spawn_blocking(run).await.unwrap();
    assert!(
        again.contains(&format!("0 added to the ledger, {total} already there")),
        "idempotent: {again}"
    );
    let store = kolokol_store::connect(&format!(
        "sqlite://{}",
        dir.path().join("data/kolokol.db").display()
    ))
    .await
    .unwrap();
    let month = chrono::DateTime::from_timestamp(1_789_000_000, 0).unwrap();
    let funding = store.funding("EUR", month).await.unwrap();
    assert_eq!(
        (funding.recurring_minor, funding.once_this_month_minor),
        (3000, 6500),
        "the same ledger the webhooks would have made"
    );

    // An event an older version kept unread is applied by `revenue replay`.
    let body = serde_json::json!({"id": "evt_later_1", "object": "event", "type": "checkout.session.completed",
        "api_version": "2025-12-15.clover", "created": 1_790_000_100,
        "data": {"object": {"id": "cs_later", "mode": "payment", "payment_intent": "pi_later",
            "payment_status": "paid", "amount_total": 1500, "currency": "eur"}}});
    store
        .keep_unread_payment_event(&kolokol_core::revenue::UnreadPaymentEvent {
            provider: "stripe".into(),
            event_id: "evt_later_1".into(),
            kind: "checkout.session.completed".into(),
            api_version: "2025-12-15.clover".into(),
            body: body.to_string(),
            reason: "read by an older Kolokol".into(),
            received_at: 1_790_000_200,
            applied_at: None,
        })
        .await
        .unwrap();
    let replayed = Command::new(KOLOKOL)
        .args(["revenue", "replay", "--config"])
        .arg(dir.path().join("kolokol.toml"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&replayed.stdout);
    assert!(said.contains("1 kept events: 1 applied now"), "{said}");
    assert!(store.unread_payment_events(false).await.unwrap().is_empty());
    assert_eq!(
        store
            .funding("EUR", month)
            .await
            .unwrap()
            .once_this_month_minor,
        8000
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_ghost_members_bring_their_stripe_subscriptions_into_the_meter() {
    let subscription = |id: &str, customer: &str, status: &str, amount: i64, interval: &str| {
        serde_json::json!({"id": id, "object": "subscription", "customer": customer, "status": status,
            "created": 1_700_000_000,
            "items": {"object": "list", "data": [{"id": format!("si_{id}"), "price": {"id": "price_x",
                "unit_amount": amount, "currency": "eur", "recurring": {"interval": interval}}}]}})
    };
    let (base, _) = fake_stripe_events(
        Vec::new(),
        vec![
            subscription("sub_vera", "cus_vera", "active", 1500, "month"),
            subscription("sub_vera_old", "cus_vera", "canceled", 500, "month"),
            subscription("sub_oleg", "cus_oleg", "active", 12000, "year"),
        ],
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), free_port(), "");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[revenue]\nprovider = \"stripe\"\ncurrency = \"EUR\"\ncurrencies = [\"EUR\"]\nstripe_secret_key = \"sk_test_reconcile\"\nstripe_webhook_secret = \"whsec_x\"\nstripe_api_base = \"{base}\"\n"
    ));
    std::fs::write(&config, text).unwrap();
    let members = dir.path().join("members.csv");
    std::fs::write(
        &members,
        "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers\n\
         1,vera@reader.example,Vera Lind,,true,false,cus_vera,2023-02-11 10:00:00,,,Supporter\n\
         2,oleg@reader.example,Oleg Brant,,false,false,cus_oleg,2023-03-01 09:00:00,,,Supporter\n\
         3,free@reader.example,,,true,false,,2023-04-01 09:00:00,,,\n",
    )
    .unwrap();
    let config_for = config.clone();
    let imported = tokio::task::spawn_blocking(move || {
        succeeded(
            &Command::new(KOLOKOL)
                .args(["newsletter", "import"])
                .arg(&members)
                .arg("--config")
                .arg(&config_for)
                .output()
                .unwrap(),
        )
    })
    .await
    .unwrap();
    assert!(
        imported.contains("2 paying members were kept as supporters"),
        "{imported}"
    );
    let store = kolokol_store::connect(&format!(
        "sqlite://{}",
        dir.path().join("data/kolokol.db").display()
    ))
    .await
    .unwrap();
    let month = chrono::Utc::now();
    assert_eq!(
        store
            .funding("EUR", month)
            .await
            .unwrap()
            .recurring_supporters,
        0
    );
    let run = move || {
        succeeded(
            &Command::new(KOLOKOL)
                .args(["revenue", "reconcile", "--config"])
                .arg(&config)
                .output()
                .unwrap(),
        )
    };
    let first = tokio::task::spawn_blocking(run.clone()).await.unwrap();
    assert!(
        first.contains(
            "Read the subscriptions of 2 imported paying members from Stripe: 3 now in the ledger."
        ),
        "{first}"
    );
    let funding = store.funding("EUR", month).await.unwrap();
    assert_eq!(
        funding.recurring_supporters, 2,
        "the two active subscriptions count; the canceled one does not"
    );
    assert_eq!(funding.recurring_minor, 1500 + 12000 / 12);
    // Each is credited to its supporter (their account page lists it).
    let credited: Vec<(String, Option<String>)> = store
        .subscriptions()
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.provider_id, s.email))
        .collect();
    for (subscription, email) in [
        ("sub_vera", "vera@reader.example"),
        ("sub_vera_old", "vera@reader.example"),
        ("sub_oleg", "oleg@reader.example"),
    ] {
        assert!(
            credited.contains(&(subscription.to_owned(), Some(email.to_owned()))),
            "{subscription} is {email}'s: {credited:?}"
        );
    }
    // Read once: a second run has no one left to read.
    let again = tokio::task::spawn_blocking(run).await.unwrap();
    assert!(!again.contains("imported paying members"), "{again}");
    assert_eq!(
        store
            .funding("EUR", month)
            .await
            .unwrap()
            .recurring_supporters,
        2
    );
}

/// Every table's rows but the site's own counters, which a restore moves on.
async fn content_of(store: &kolokol_store::DynStore) -> Vec<kolokol_store::TableDump> {
    let mut tables = store.dump().await.unwrap();
    tables.retain(|t| t.name != "site_state");
    tables
}

/// The demo newsroom on SQLite in `dir`: its configuration file, data folder and store.
async fn demo_newsroom(dir: &Path) -> (PathBuf, PathBuf, kolokol_store::DynStore) {
    let source = write_config(dir, free_port(), "");
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("media")).unwrap();
    let store = kolokol_store::connect(&format!("sqlite://{}", data.join("kolokol.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let media = kolokol_media::MediaStore::folder(data.join("media"));
    kolokol_demo::seed(&store, &media, chrono::Utc::now())
        .await
        .unwrap();
    (source, data, store)
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_sqlite_and_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let (source, data, store) = demo_newsroom(dir.path()).await;
    let archive = dir.path().join("bell.tar.zst");
    let output = Command::new(KOLOKOL)
        .args(["backup", archive.to_str().unwrap(), "--config"])
        .arg(&source)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("media files"));
    let expected = content_of(&store).await;

    // Into a new SQLite data folder, and into PostgreSQL.
    let postgres = kolokol_testkit::postgres_database("restore").await;
    for (name, url) in [("sqlite", String::new()), ("postgres", postgres)] {
        let target = tempfile::tempdir().unwrap();
        let config = write_config(target.path(), free_port(), &url);
        let output = Command::new(KOLOKOL)
            .args(["restore", archive.to_str().unwrap(), "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let url = if url.is_empty() {
            format!(
                "sqlite://{}",
                target.path().join("data/kolokol.db").display()
            )
        } else {
            url
        };
        let restored = kolokol_store::connect(&url).await.unwrap();
        assert_eq!(
            content_of(&restored).await,
            expected,
            "{name}: the same rows"
        );
        // And the newsroom goes on writing: ids continue after the restored ones.
        restored
            .add_section(
                &kolokol_core::Slug::parse("after-restore").unwrap(),
                "After",
                "",
                9,
            )
            .await
            .unwrap();
        let media = |root: &Path| {
            let mut files: Vec<_> = walk(&root.join("media"));
            files.sort();
            files
        };
        assert_eq!(
            media(&target.path().join("data")),
            media(&data),
            "{name}: the same pictures"
        );
        // A second restore into what now holds content is refused.
        let again = Command::new(KOLOKOL)
            .args(["restore", archive.to_str().unwrap(), "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    }

    // A damaged archive restores nothing.
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let damaged = dir.path().join("damaged.tar.zst");
    std::fs::write(&damaged, bytes).unwrap();
    let target = tempfile::tempdir().unwrap();
    let config = write_config(target.path(), free_port(), "");
    let output = Command::new(KOLOKOL)
        .args(["restore", damaged.to_str().unwrap(), "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    assert!(
        !target.path().join("data/media").exists()
            || walk(&target.path().join("data/media")).is_empty()
    );
}

// The bucket's server runs on the test's runtime while the commands run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_backup_and_export_work_with_media_in_a_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let (source, data, _store) = demo_newsroom(dir.path()).await;
    let mut pictures = walk(&data.join("media"));
    pictures.sort();
    assert!(!pictures.is_empty());
    let archive = dir.path().join("bell.tar.zst");
    let run = |args: &[&str], config: &Path| {
        let output = Command::new(KOLOKOL)
            .args(args)
            .arg("--config")
            .arg(config)
            .output()
            .unwrap();
        succeeded(&output);
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    run(&["backup", archive.to_str().unwrap()], &source);

    // Restored into a site whose pictures live in a bucket: every picture becomes
    // an object under the prefix, none lands in the data folder.
    let bucket = kolokol_testkit::s3::S3Server::start("bell").await;
    let target = tempfile::tempdir().unwrap();
    let config = write_config(target.path(), free_port(), "");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&bucket.config_toml("site"));
    std::fs::write(&config, text).unwrap();
    let said = run(&["restore", archive.to_str().unwrap()], &config);
    assert!(
        said.contains(&format!("{} media files", pictures.len())),
        "{said}"
    );
    let expected: Vec<String> = pictures.iter().map(|(p, _)| format!("site/{p}")).collect();
    assert_eq!(bucket.keys(), expected);
    assert!(walk(&target.path().join("data/media")).is_empty());

    // A backup of that site takes its pictures from the bucket …
    let second = target.path().join("again.tar.zst");
    let said = run(&["backup", second.to_str().unwrap()], &config);
    assert!(
        said.contains(&format!("{} media files", pictures.len())),
        "{said}"
    );
    let back = tempfile::tempdir().unwrap();
    let folder_config = write_config(back.path(), free_port(), "");
    run(&["restore", second.to_str().unwrap()], &folder_config);
    let mut restored = walk(&back.path().join("data/media"));
    restored.sort();
    assert_eq!(restored, pictures, "the same pictures, byte for byte");

    // … and so does the static mirror.
    let out = target.path().join("mirror");
    run(&["export-site", out.to_str().unwrap()], &config);
    let mut mirrored = walk(&out.join("media"));
    mirrored.sort();
    assert_eq!(mirrored, pictures);

    // A bucket that refuses the key is named at once, before anything is done.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text = text.replace(kolokol_testkit::s3::SECRET_KEY, "wrong-secret");
    std::fs::write(&config, text).unwrap();
    let refused = Command::new(KOLOKOL)
        .args([
            "backup",
            target.path().join("x.tar.zst").to_str().unwrap(),
            "--config",
        ])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("cannot use the media store s3://bell/site"),
        "{stderr}"
    );
    assert!(!target.path().join("x.tar.zst").exists());
}

/// Files under `root` with their bytes, by path relative to it.
fn walk(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

#[tokio::test]
async fn a_backup_taken_during_writes_is_one_consistent_moment() {
    let dir = tempfile::tempdir().unwrap();
    let (source, _, store) = demo_newsroom(dir.path()).await;
    // A writer adding tags, one after another, while the backup reads.
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (store, writing) = (store.clone(), std::sync::Arc::clone(&writing));
        tokio::spawn(async move {
            let mut n = 0;
            while writing.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let slug = kolokol_core::Slug::parse(&format!("busy-{n}")).unwrap();
                store.create_tag(&slug, &format!("Busy {n}")).await.unwrap();
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let archive = dir.path().join("busy.tar.zst");
    let output = tokio::process::Command::new(KOLOKOL)
        .args(["backup", archive.to_str().unwrap(), "--config"])
        .arg(&source)
        .output()
        .await
        .unwrap();
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let target = tempfile::tempdir().unwrap();
    let config = write_config(target.path(), free_port(), "");
    let output = Command::new(KOLOKOL)
        .args(["restore", archive.to_str().unwrap(), "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let restored = kolokol_store::connect(&format!(
        "sqlite://{}",
        target.path().join("data/kolokol.db").display()
    ))
    .await
    .unwrap();
    // The tags written before the snapshot, and none after: busy-1 … busy-k, no gap.
    let busy: Vec<i64> = restored
        .tags()
        .await
        .unwrap()
        .iter()
        .filter_map(|t| {
            t.slug
                .as_str()
                .strip_prefix("busy-")
                .map(|n| n.parse().unwrap())
        })
        .collect();
    let k = busy.len() as i64;
    assert!(
        0 < k && k < written,
        "written before and after the snapshot: {k} of {written}"
    );
    let mut sorted = busy.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=k).collect::<Vec<_>>(), "one moment, no gaps");
}

//! HTTP behaviour: security headers, compression, conditional requests, the page
//! cache and its invalidation, theme overrides, bad requests.

use std::io::Read;

use crate::common::{SUPREME_COURT, TestApp, select, text_of};

#[tokio::test]
async fn every_response_carries_a_strict_policy_and_security_headers() {
    let app = TestApp::demo();
    for path in [
        "/",
        SUPREME_COURT,
        "/feed.xml",
        "/assets/site.css",
        "/no-such-page",
        "/archive?page=0",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.starts_with("default-src 'none'; script-src 'self'; style-src 'self'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("http"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn pages_make_no_request_to_any_other_host() {
    let app = TestApp::demo();
    for path in [
        "/",
        SUPREME_COURT,
        "/archive",
        "/sections/politics",
        "/no-such-page",
    ] {
        let html = scraper::Html::parse_document(&app.get(path).await.text().await.unwrap());
        for element in select(&html, "[src], link[href], [srcset], [poster], [data]") {
            for attribute in ["src", "srcset", "poster", "data"] {
                if let Some(value) = element.value().attr(attribute) {
                    for url in value.split(", ") {
                        assert!(
                            !url.contains("://") && !url.starts_with("//"),
                            "{path}: {attribute}={value}"
                        );
                    }
                }
            }
            // The canonical address and the other languages' versions are named for
            // search engines, never fetched.
            let metadata = element.value().attr("rel") == Some("canonical")
                || element.value().attr("hreflang").is_some();
            if element.value().name() == "link" && !metadata {
                let href = element.value().attr("href").unwrap();
                assert!(
                    !href.contains("://") && !href.starts_with("//"),
                    "{path}: link {href}"
                );
            }
        }
        let css = app.text("/assets/site.css").await;
        assert!(
            !css.contains("url(") && !css.contains("@import"),
            "the stylesheet loads nothing"
        );
    }
}

#[tokio::test]
async fn pages_are_compressed_with_brotli_or_gzip() {
    let app = TestApp::demo();
    let plain = app.get(SUPREME_COURT).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "Accept-Encoding");
    let plain = plain.bytes().await.unwrap();

    let br = app
        .client()
        .get(app.url(SUPREME_COURT))
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    let compressed = br.bytes().await.unwrap();
    assert!(
        compressed.len() * 3 < plain.len(),
        "{} vs {}",
        compressed.len(),
        plain.len()
    );
    let mut decoded = Vec::new();
    brotli_decompress(&compressed, &mut decoded);
    assert_eq!(decoded, plain);

    let gz = app
        .client()
        .get(app.url(SUPREME_COURT))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gz.bytes().await.unwrap()[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
}

fn brotli_decompress(input: &[u8], out: &mut Vec<u8>) {
    brotli::BrotliDecompress(&mut &input[..], out).unwrap();
}

#[tokio::test]
async fn unchanged_pages_answer_304() {
    let app = TestApp::demo();
    for path in [
        "/",
        SUPREME_COURT,
        "/feed.xml",
        "/sitemap.xml",
        "/assets/site.css",
    ] {
        let first = app.get(path).await;
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let again = app
            .client()
            .get(app.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
        assert!(again.bytes().await.unwrap().is_empty());
        let stale = app
            .client()
            .get(app.url(path))
            .header("if-none-match", "\"something-else\"")
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 200, "{path}");
    }
    let article = app.get(SUPREME_COURT).await;
    let last_modified = article.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let again = app
        .client()
        .get(app.url(SUPREME_COURT))
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let old = app
        .client()
        .get(app.url(SUPREME_COURT))
        .header("if-modified-since", "Sat, 01 Jan 2000 00:00:00 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 200);

    let image = app.get("/media/demo/a-free-press-is-missing.jpg").await;
    assert_eq!(image.status(), 404);
    let html = app.html(SUPREME_COURT).await;
    let src = select(&html, "figure.hero img")[0]
        .value()
        .attr("src")
        .unwrap()
        .to_owned();
    let src = crate::common::resolve(SUPREME_COURT, &src);
    let image = app.get(&src).await;
    let modified = image.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        image.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let again = app
        .client()
        .get(app.url(&src))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        304,
        "media supports conditional requests too"
    );
}

#[tokio::test]
async fn cached_pages_follow_content_changes() {
    let app = TestApp::empty().await;
    let before = app.html("/").await;
    assert_eq!(
        text_of(&before, ".empty"),
        "Nothing has been published yet."
    );
    assert_eq!(
        app.get("/").await.headers()["etag"],
        app.get("/").await.headers()["etag"],
        "served from the cache"
    );

    let before_change = app.get("/").await.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let slug = app
        .publish(
            "Night train to the border",
            "The last train leaves at midnight.",
        )
        .await;
    // Another node (or the CLI) changed the database; the watcher notices on its next tick.
    app.state.refresh(&mut app.state.theme.fingerprint()).await;
    let after = app.html("/").await;
    assert_eq!(
        text_of(&after, ".lead-headline"),
        "Night train to the border"
    );
    assert_eq!(app.get(&format!("/articles/{slug}")).await.status(), 200);
    let revalidated = app
        .client()
        .get(app.url("/"))
        .header("if-modified-since", &before_change)
        .send()
        .await
        .unwrap();
    assert_eq!(
        revalidated.status(),
        200,
        "a copy from before the change is stale"
    );
    assert_ne!(
        revalidated.headers()["last-modified"].to_str().unwrap(),
        before_change
    );
    let feed = app.text("/feed.xml").await;
    assert!(feed.contains("Night train to the border"));
}

#[tokio::test]
async fn a_theme_folder_restyles_the_site_without_recompiling() {
    let theme = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(theme.path().join("assets")).unwrap();
    std::fs::create_dir_all(theme.path().join("templates")).unwrap();
    std::fs::write(
        theme.path().join("assets/site.css"),
        "body { color: rebeccapurple; }",
    )
    .unwrap();
    let app = TestApp::with_theme(theme.path().to_path_buf()).await;
    app.publish("Harbour lights", "Boats came home.").await;
    app.state.refresh(&mut 0).await;

    assert_eq!(
        app.text("/assets/site.css").await,
        "body { color: rebeccapurple; }"
    );
    assert_eq!(
        app.get("/assets/site.js").await.status(),
        200,
        "files the folder lacks come from the built-in theme"
    );
    let before = app.html("/").await;
    assert_eq!(text_of(&before, ".lead-headline"), "Harbour lights");

    // An editor changes the front page template; the watcher picks the change up.
    let mut fingerprint = app.state.theme.fingerprint();
    std::fs::write(
        theme.path().join("templates/front.html"),
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">Our own front page: {{ lead.headline }}</h1>{% endblock %}",
    )
    .unwrap();
    app.state.refresh(&mut fingerprint).await;
    let after = app.html("/").await;
    assert_eq!(
        text_of(&after, "h1.custom"),
        "Our own front page: Harbour lights"
    );
}

#[tokio::test]
async fn absurd_requests_get_clear_errors_not_panics() {
    let app = TestApp::demo();
    let long_query = format!("/archive?q={}", "x".repeat(10_000));
    let response = app.get(&long_query).await;
    assert_eq!(response.status(), 414);
    assert!(response.text().await.unwrap().contains("too long"));
    let long_path = format!("/articles/{}", "a".repeat(5_000));
    assert_eq!(app.get(&long_path).await.status(), 414);
    assert_eq!(
        app.get(&format!("/articles/{}", "a".repeat(200)))
            .await
            .status(),
        404
    );
    let undecodable = app.get("/articles/%ff%fe").await;
    assert_eq!(undecodable.status(), 400);
    assert!(
        undecodable
            .text()
            .await
            .unwrap()
            .contains("That address does not work"),
        "a themed page, not the framework's text"
    );
    assert_eq!(app.get("/archive?page=%ff").await.status(), 400);
    let post = app
        .client()
        .post(app.url("/"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    assert_eq!(app.get("/").await.status(), 200, "the server is still up");
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::demo();
    assert_eq!(app.text("/healthz").await, "ok");
    assert_eq!(app.text("/readyz").await, "ready");
}

#[tokio::test]
async fn readiness_reports_a_disk_with_too_little_room() {
    // More free space wanted than any test machine's disk has.
    let app = TestApp::with_limits(kolokol_core::config::ServerConfig {
        min_free_disk_mb: u64::MAX,
        ..kolokol_core::config::ServerConfig::default()
    })
    .await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let said = response.text().await.unwrap();
    assert!(said.starts_with("not ready: "), "{said}");
    assert!(
        said.contains("MB free on the disk of") && said.contains("min_free_disk_mb"),
        "{said}"
    );
    assert_eq!(app.text("/healthz").await, "ok", "the process itself is up");
    assert_eq!(app.get("/").await.status(), 200, "readers are still served");
}

#[tokio::test]
async fn one_address_gets_only_so_many_pages_rendered_and_cached_pages_stay_open() {
    let app = TestApp::with_limits(kolokol_core::config::ServerConfig {
        renders_per_minute: 3,
        ..kolokol_core::config::ServerConfig::default()
    })
    .await;
    for path in ["/", "/archive", "/privacy"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    let refused = app.get("/feed.xml").await;
    assert_eq!(refused.status(), 429);
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap_or("")),
        Some("60")
    );
    let said = refused.text().await.unwrap();
    assert!(said.contains("a great many pages"), "{said}");
    // Pages already rendered cost nothing and are served as before; a cache in
    // front may keep serving them while this server fails.
    let front = app.get("/").await;
    assert_eq!(front.status(), 200);
    assert_eq!(
        front
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or("")),
        Some("public, no-cache, stale-if-error=86400")
    );
    assert_eq!(app.get("/archive").await.status(), 200);
    assert_eq!(
        app.text("/readyz").await,
        "ready",
        "one busy reader is no overload"
    );
}

#[tokio::test]
async fn metrics_count_requests_and_the_cache_for_this_machine_only() {
    let app = TestApp::with_limits(kolokol_core::config::ServerConfig::default()).await;
    // The check for due work runs as a job at start: waited for until it has run
    // and is queued for its next time, so that the count of running jobs read
    // below is the idle one.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !app
        .store
        .recent_jobs("", 20)
        .await
        .unwrap()
        .iter()
        .any(|job| {
            job.kind == kolokol_operations::jobs::DUE_CHECK
                && job.state == kolokol_core::JobState::Queued
                && job.run_at > chrono::Utc::now()
        })
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the start-up check for due work never ended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    for _ in 0..3 {
        assert_eq!(app.get("/").await.status(), 200);
    }
    assert_eq!(app.get("/no/such/page").await.status(), 404);
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200, "loopback may read them");
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/openmetrics-text"))
    );
    let body = response.text().await.unwrap();
    let value = |line_start: &str| -> f64 {
        body.lines()
            .find(|l| l.starts_with(line_start))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {line_start} in\n{body}"))
    };
    assert_eq!(
        value(r#"kolokol_http_requests_total{class="page",status="200"}"#),
        3.0
    );
    assert_eq!(
        value(r#"kolokol_http_requests_total{class="other",status="404"}"#),
        1.0
    );
    assert!(value("kolokol_page_cache_hits_total") >= 2.0);
    assert!(value("kolokol_page_cache_bytes") > 0.0);
    assert!(value("kolokol_db_pool_connections") >= 1.0);
    assert_eq!(value("kolokol_jobs_running"), 0.0);
    assert_eq!(
        value(r#"kolokol_http_request_duration_seconds_count{class="page"}"#),
        3.0
    );

    // With a token, only its holder reads them, wherever from.
    let guarded = TestApp::with_limits(kolokol_core::config::ServerConfig {
        metrics_token: kolokol_core::config::Secret("a-long-random-token".into()),
        ..kolokol_core::config::ServerConfig::default()
    })
    .await;
    assert_eq!(guarded.get("/metrics").await.status(), 404);
    let with_token = guarded
        .client()
        .get(guarded.url("/metrics"))
        .bearer_auth("a-long-random-token")
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);
}

/// Every header of an answer but its date, by name, with the body.
async fn answer_of(response: reqwest::Response) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let status = response.status().as_u16();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_kept_page_is_answered_at_the_door_as_the_router_answered_it() {
    let app = TestApp::with_base("https://bell.example").await;
    let slug = app
        .publish("Ferry timetable cut in half", "Two crossings a day now.")
        .await;
    // The cache moves to the new content now, not at the watcher's next tick
    // between two requests below.
    app.state.content_changed().await;
    let article = format!("/articles/{slug}");
    let lite = format!("/lite/articles/{slug}");
    for path in [
        "/",
        article.as_str(),
        lite.as_str(),
        "/archive",
        "/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/newsletter",
    ] {
        for encoding in ["identity", "gzip, br"] {
            let ask = || {
                app.client()
                    .get(app.url(path))
                    .header("accept-encoding", encoding)
                    .send()
            };
            // The first is rendered through the router and kept; the second is
            // answered from the cache at the door.
            let rendered = answer_of(ask().await.unwrap()).await;
            let kept = answer_of(ask().await.unwrap()).await;
            assert_eq!(rendered.0, 200, "{path}");
            assert_eq!(kept, rendered, "{path} ({encoding})");
            assert!(
                kept.1
                    .iter()
                    .any(|(name, _)| name == "strict-transport-security"),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn the_door_answers_kept_pages_without_the_router_and_passes_the_rest_on() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::response::IntoResponse;
    use hyper::service::Service as _;

    let app = TestApp::demo();
    assert_eq!(app.get(SUPREME_COURT).await.status(), 200);
    assert_eq!(app.get(SUPREME_COURT).await.status(), 200);
    let routed = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&routed);
    let router = tower::service_fn(move |_: axum::extract::Request| {
        counted.fetch_add(1, Ordering::SeqCst);
        async {
            Ok::<_, std::convert::Infallible>(axum::http::StatusCode::IM_A_TEAPOT.into_response())
        }
    });
    // As `server::run` serves it: one door per connection, called by reference.
    let door = kolokol_web::front::FrontDoor::new(app.state.clone(), None, router)
        .for_peer(([127, 0, 0, 1], 40_000).into());
    let ask = |method: &str, path: &str| {
        axum::http::Request::builder()
            .method(method)
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let kept = door.call(ask("GET", SUPREME_COURT)).await.unwrap();
    assert_eq!(kept.status(), 200);
    assert_eq!(kept.headers()["x-frame-options"], "DENY");
    assert_eq!(
        routed.load(Ordering::SeqCst),
        0,
        "a kept page needs no router"
    );
    for (method, path) in [
        ("GET", format!("{SUPREME_COURT}?from=mail")),
        ("HEAD", SUPREME_COURT.to_owned()),
        ("POST", SUPREME_COURT.to_owned()),
        ("GET", "/articles/never-written".to_owned()),
    ] {
        let answer = door.call(ask(method, &path)).await.unwrap();
        assert_eq!(answer.status(), 418, "{method} {path} goes to the router");
        assert_eq!(
            answer.headers()["x-frame-options"],
            "DENY",
            "and gets the headers every answer carries"
        );
    }
    assert_eq!(routed.load(Ordering::SeqCst), 4);
}

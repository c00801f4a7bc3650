//! The Ghost-compatible Content API, over HTTP as apps call it, and with Ghost's own
//! npm client (`@tryghost/content-api`, installed by `.ci/run` into target/tools).

use std::path::PathBuf;
use std::process::Command;

use crate::common::TestApp;

/// A new integration of the shared demo newsroom; its Content API key.
async fn content_key(app: &TestApp, name: &str) -> String {
    kolokol_operations::integrations::add(
        &app.store,
        kolokol_operations::Actor::Operator,
        name,
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .into_iter()
    .find(|k| k.kind == "content")
    .unwrap()
    .id
}

async fn get(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let response = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or_default();
    (status, headers, body)
}

/// How many live articles the demo has, from the store.
async fn live_articles(app: &TestApp) -> u64 {
    app.store
        .published_articles(
            &kolokol_core::ArticleFilter::default(),
            kolokol_core::PageRequest::new(kolokol_core::PageNumber::FIRST, 1),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn the_content_api_answers_as_ghost_does() {
    let app = TestApp::demo();
    let key = content_key(app, "HTTP test").await;
    let total = live_articles(app).await;

    let (status, headers, body) = get(app, "/ghost/api/content/posts/").await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["type"], "UnauthorizedError");
    assert_eq!(headers["access-control-allow-origin"], "*");
    let (status, _, body) = get(
        app,
        "/ghost/api/content/posts/?key=00000000000000000000000000",
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["context"].as_str()),
        (401, Some("Unknown Content API Key"))
    );

    let (status, headers, body) = get(
        app,
        &format!("/ghost/api/content/posts/?key={key}&limit=4&page=2&include=authors,tags"),
    )
    .await;
    assert_eq!(status, 200);
    let pagination = &body["meta"]["pagination"];
    assert_eq!(pagination["total"], total);
    assert_eq!(
        (pagination["page"].as_u64(), pagination["limit"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(
        (pagination["prev"].as_u64(), pagination["next"].as_u64()),
        (Some(1), Some(3))
    );
    let posts = body["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 4);
    assert!(posts[0]["html"].as_str().unwrap().contains("<p>"));
    assert!(posts[0]["primary_author"]["name"].is_string());
    assert!(posts[0]["url"].as_str().unwrap().starts_with(&app.base));
    // The same answer again: an ETag, and 304 for a client that has it.
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let again = reqwest::Client::new()
        .get(format!(
            "{}/ghost/api/content/posts/?key={key}&limit=4&page=2&include=authors,tags",
            app.base
        ))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);

    // Filters, fields and formats.
    let tag = posts[0]["primary_tag"]["slug"].as_str().unwrap().to_owned();
    let (_, _, body) = get(app, &format!("/ghost/api/content/posts/?key={key}&limit=all&filter=tag:{tag}%2Bpublished_at:>'2000-01-01'&fields=slug,title")).await;
    let tagged = body["posts"].as_array().unwrap();
    assert!(!tagged.is_empty() && (tagged.len() as u64) < total);
    assert_eq!(
        tagged[0].as_object().unwrap().len(),
        2,
        "only the fields asked for"
    );
    assert_eq!(body["meta"]["pagination"]["limit"], "all");
    let (_, _, body) = get(
        app,
        &format!("/ghost/api/content/posts/?key={key}&limit=1&formats=plaintext"),
    )
    .await;
    assert!(body["posts"][0]["plaintext"].is_string() && body["posts"][0]["html"].is_null());
    let (status, _, body) = get(
        app,
        &format!("/ghost/api/content/posts/?key={key}&filter=tag:[a,b"),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["type"].as_str()),
        (400, Some("BadRequestError"))
    );

    // Reading one, by slug and by id; a missing one is Ghost's 404.
    let slug = tagged[0]["slug"].as_str().unwrap();
    let (status, _, body) = get(
        app,
        &format!("/ghost/api/content/posts/slug/{slug}/?key={key}"),
    )
    .await;
    assert_eq!(status, 200);
    let id = body["posts"][0]["id"].as_str().unwrap().to_owned();
    let (_, _, body) = get(app, &format!("/ghost/api/content/posts/{id}/?key={key}")).await;
    assert_eq!(body["posts"][0]["slug"], slug);
    let (status, _, body) = get(
        app,
        &format!("/ghost/api/content/posts/slug/nothing-here/?key={key}"),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["type"].as_str()),
        (404, Some("NotFoundError"))
    );
    let (_, _, body) = get(app, &format!("/ghost/api/content/settings/?key={key}")).await;
    assert_eq!(
        body["settings"]["title"],
        app.state.site_all().title.as_str()
    );

    // Browsers ask first.
    let preflight = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/ghost/api/content/posts/", app.base),
        )
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "accept-version")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 204);
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("Accept-Version")
    );

    // A revoked integration's key stops working at once.
    kolokol_operations::integrations::remove(
        &app.store,
        kolokol_operations::Actor::Operator,
        "HTTP test",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let (status, _, _) = get(app, &format!("/ghost/api/content/posts/?key={key}")).await;
    assert_eq!(status, 401);
}

/// Runs `tests/clients/SCRIPT` on Node with Ghost's npm client `package` (from
/// target/tools, where .ci/run installs it) and `args`; what it printed, as JSON.
async fn run_client(script: &str, package: &str, args: Vec<String>) -> serde_json::Value {
    let modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/tools/node_modules");
    assert!(
        modules.join(package).is_dir(),
        "Ghost's client is missing: run `npm install --prefix target/tools {package}` (.ci/run does)"
    );
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(script);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .args(args)
            .env("NODE_PATH", modules)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn ghosts_own_content_api_client_works_unchanged() {
    let app = TestApp::demo();
    let key = content_key(app, "Ghost client test").await;
    let total = live_articles(app).await;
    let newest = app
        .store
        .published_articles_whole(None, 1, chrono::Utc::now())
        .await
        .unwrap()
        .remove(0);
    let args = vec![app.base.clone(), key, newest.summary.slug.to_string()];
    let got = run_client("content-api.cjs", "@tryghost/content-api", args).await;
    assert_eq!(got["first"]["count"], 5);
    assert_eq!(got["first"]["pagination"]["total"], total);
    assert_eq!(got["first"]["has_html"], true);
    assert!(got["first"]["author"].is_string());
    assert_eq!(got["all"]["count"], total);
    assert_eq!(
        got["all"]["keys"],
        serde_json::json!(["id", "slug", "title"])
    );
    let first: Vec<&serde_json::Value> = got["first_slugs"].as_array().unwrap().iter().collect();
    let second: Vec<&serde_json::Value> = got["second"].as_array().unwrap().iter().collect();
    assert_eq!(second.len(), 5);
    assert!(
        second.iter().all(|s| !first.contains(s)),
        "page 2 follows page 1"
    );
    assert_eq!(got["one"]["title"], newest.summary.headline.as_str());
    assert_eq!(got["one"]["authors"], newest.summary.authors.len());
    assert!(got["one"]["plaintext"].as_str().unwrap().len() > 10);
    assert_eq!(got["by_id"], newest.summary.slug.as_str());
    assert!(got["tagged"]["count"].as_u64().unwrap() >= 1);
    assert_eq!(
        got["authors"]["count"],
        app.store.authors().await.unwrap().len()
    );
    assert!(
        got["authors"]["posts"].as_u64().unwrap() >= total,
        "every article has an author"
    );
    assert!(got["pages"].as_array().unwrap().len() >= 3);
    assert_eq!(
        got["settings"]["title"],
        app.state.site_all().title.as_str()
    );
    assert_eq!(got["missing"]["name"], "NotFoundError");
    assert_eq!(got["refused"]["name"], "UnauthorizedError");
}

/// An Admin API token as Ghost's client makes one, with `claims` changed as given.
fn token(key: &str, claims: serde_json::Value) -> String {
    use base64::Engine;
    use hmac::Mac;
    let (id, secret) = key.split_once(':').unwrap();
    let b64 = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let head = b64(&serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": id}));
    let body = b64(&claims);
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(&hex::decode(secret).unwrap()).unwrap();
    mac.update(format!("{head}.{body}").as_bytes());
    let signature =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{head}.{body}.{signature}")
}

#[tokio::test]
async fn the_admin_api_takes_ghosts_tokens_and_ghosts_client() {
    let app = TestApp::empty().await;
    let now = chrono::Utc::now();
    let operator = kolokol_operations::Actor::Operator;
    let keys = kolokol_operations::integrations::add(&app.store, operator, "Publishing bot", now)
        .await
        .unwrap();
    let key = keys.iter().find(|k| k.kind == "admin").unwrap().shown();
    let client = reqwest::Client::new();
    let posts = format!("{}/ghost/api/admin/posts/", app.base);
    let call = |token: String| {
        client
            .get(&posts)
            .header("Authorization", format!("Ghost {token}"))
            .send()
    };

    // Tokens: signed by the key, for /admin/, living at most five minutes.
    let iat = now.timestamp();
    let good = serde_json::json!({"iat": iat, "exp": iat + 300, "aud": "/admin/"});
    assert_eq!(
        call(token(&key, good.clone()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    for bad in [
        serde_json::json!({"iat": iat, "exp": iat + 3600, "aud": "/admin/"}),
        serde_json::json!({"iat": iat - 900, "exp": iat - 600, "aud": "/admin/"}),
        serde_json::json!({"iat": iat, "exp": iat + 300, "aud": "/content/"}),
    ] {
        let response = call(token(&key, bad.clone())).await.unwrap();
        assert_eq!(response.status().as_u16(), 401, "{bad}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["type"], "UnauthorizedError");
    }
    let forged = format!("{}:{}", key.split(':').next().unwrap(), "ab".repeat(32));
    assert_eq!(
        call(token(&forged, good.clone()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let content_key = &keys.iter().find(|k| k.kind == "content").unwrap().id;
    assert_eq!(
        client
            .get(&posts)
            .header("Authorization", format!("Ghost {content_key}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );

    // A fresh install has no section yet: the API says so instead of guessing.
    let response = client
        .post(format!("{posts}?source=html"))
        .header(
            "Authorization",
            format!("Ghost {}", token(&key, good.clone())),
        )
        .json(&serde_json::json!({"posts": [{"title": "Too early", "html": "<p>x</p>"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["errors"][0]["context"]
            .as_str()
            .unwrap()
            .contains("no section"),
        "{body}"
    );

    let section = kolokol_operations::sections::create(
        &app.store,
        operator,
        &kolokol_core::SectionForm {
            name: "River".into(),
            in_menu: "on".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    kolokol_operations::authors::create(
        &app.store,
        operator,
        &kolokol_core::AuthorForm {
            name: "Desk".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("ferry.png");
    image::RgbImage::from_pixel(80, 60, image::Rgb([20, 120, 200]))
        .save(&picture)
        .unwrap();
    let args = vec![
        app.base.clone(),
        key.clone(),
        picture.to_str().unwrap().to_owned(),
        "River".to_owned(),
    ];
    let got = run_client("admin-api.cjs", "@tryghost/admin-api", args).await;
    assert_eq!(got["site"], app.state.site_all().title.as_str());
    assert!(
        got["image"]
            .as_str()
            .unwrap()
            .contains("/media/uploads/ferry-"),
        "{got}"
    );
    assert_eq!(got["added"]["status"], "published");
    assert_eq!(got["added"]["primary_tag"], "River");
    assert_eq!(got["added"]["tags"], serde_json::json!(["River", "Boats"]));
    assert!(
        got["read_html"]
            .as_str()
            .unwrap()
            .contains("<h2>Times</h2>")
    );
    assert_eq!(got["edited"], "The ferry runs again, daily");
    assert_eq!(got["collision"], "UpdateCollisionError");
    assert_eq!(got["draft_status"], "draft");
    assert_eq!(got["all"].as_array().unwrap().len(), 2);
    assert_eq!(
        got["page"],
        serde_json::json!({"slug": "corrections", "status": "published"})
    );
    assert_eq!(got["tag"], "ferries");
    assert_eq!(got["gone"], "NotFoundError");
    assert_eq!(got["refused"], "UnauthorizedError");

    // What the client wrote is on the site, went through the operations (revisions,
    // audit naming the integration), and its picture is the article's.
    let id = app
        .store
        .text_by_slug(
            kolokol_store::Texts::Articles,
            got["added"]["slug"].as_str().unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let article = app
        .store
        .editable_article(kolokol_core::ArticleId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(article.draft.section_id, section.id);
    assert!(article.draft.hero_image_id.is_some());
    assert_eq!(
        article.draft.body_markdown,
        "The ferry **runs** from Monday.\n\n## Times\n\n- 08:00\n- 18:00"
    );
    assert_eq!(
        app.store
            .revisions(kolokol_core::ArticleId(id))
            .await
            .unwrap()
            .len(),
        2
    );
    let audit = app.store.audit_log(50).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "article.publish"
                && e.detail.contains("integration: Publishing bot"))
    );
    assert!(audit.iter().any(|e| e.action == "article.delete"));
    let page = reqwest::get(format!("{}/articles/{}", app.base, article.draft.slug))
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("The ferry runs again, daily")
    );
}

#[tokio::test]
async fn admins_add_and_revoke_integrations_in_the_newsroom() {
    use kolokol_core::Role;
    let app = TestApp::empty().await;
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    let added = admin
        .post("/admin/integrations", &[("name", "Newsletter app")])
        .await;
    assert_eq!(added.status(), 303);
    let page = admin.get("/admin/integrations").await.text().await.unwrap();
    let keys = app.store.api_keys().await.unwrap();
    assert_eq!(keys.len(), 2);
    for key in &keys {
        assert!(page.contains(&key.shown()), "{} is shown", key.kind);
    }
    assert!(page.contains("Newsletter app"));
    let twice = admin
        .post("/admin/integrations", &[("name", "Newsletter app")])
        .await;
    assert_eq!(twice.status(), 422);
    assert!(
        twice
            .text()
            .await
            .unwrap()
            .contains("An integration of that name exists")
    );
    let editor = app.sign_in(Role::Editor, "Desk Editor").await;
    assert_eq!(editor.get("/admin/integrations").await.status(), 403);
    let revoked = admin
        .post("/admin/integrations/delete", &[("name", "Newsletter app")])
        .await;
    assert_eq!(revoked.status(), 303);
    assert!(app.store.api_keys().await.unwrap().is_empty());
}

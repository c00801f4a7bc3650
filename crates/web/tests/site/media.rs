//! The media library: uploads checked by content, renditions on the public pages.

use std::io::Cursor;

use kolokol_core::Role;

use crate::common::{StaffSession, TestApp, select, text_of};

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload(
    staff: &StaffSession,
    app: &TestApp,
    name: &str,
    bytes: Vec<u8>,
    csrf: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("application/octet-stream")
                .unwrap(),
        );
    staff
        .client
        .post(app.url("/admin/media"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Writes an article with the newsroom's form and publishes it.
async fn publish_article(staff: &StaffSession, fields: &[(&str, &str)]) {
    let created = staff.post("/admin/articles", fields).await;
    assert_eq!(created.status(), 303);
    let edit = crate::common::location_path(&created);
    let published = staff
        .post(&format!("{edit}/publication"), &[("action", "publish")])
        .await;
    assert_eq!(published.status(), 303);
}

#[tokio::test]
async fn a_reporter_uploads_a_picture_and_it_appears_responsive_on_the_site() {
    let app = TestApp::empty().await;
    let section = app.add_news_section().await;
    let reporter = app.sign_in(Role::Author, "Photo Reporter").await;

    // Named .txt, but a PNG by content: accepted, because the content decides.
    let uploaded = upload(
        &reporter,
        &app,
        "harbour at dawn.txt",
        png(1600, 900),
        &reporter.csrf,
    )
    .await;
    assert_eq!(uploaded.status(), 303);
    let library = app.store.images(10).await.unwrap();
    assert_eq!(library.len(), 1);
    let image = &library[0];
    assert_eq!(
        (image.width, image.height, image.mime.as_str()),
        (1600, 900, "image/png")
    );
    assert_eq!(
        image.variants.len(),
        6,
        "480, 960 and 1440 wide, each in JPEG and WebP"
    );
    let page = reporter
        .get(&format!("/admin/media?uploaded={}", image.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("Uploaded as image #{}", image.id)));

    // Choose it as the hero image and publish.
    let author = reporter.user.author_id.unwrap().to_string();
    let id = image.id.to_string();
    let created = reporter
        .post(
            "/admin/articles",
            &[
                ("headline", "Harbour at dawn"),
                ("body", "Boats."),
                ("section", &section.id.to_string()),
                ("authors", &author),
                ("hero_image", &id),
                ("hero_alt", ""),
            ],
        )
        .await;
    assert_eq!(created.status(), 422, "a hero image needs alt text");
    publish_article(
        &reporter,
        &[
            ("headline", "Harbour at dawn"),
            ("body", "Boats."),
            ("section", &section.id.to_string()),
            ("authors", &author),
            ("hero_image", &id),
            ("hero_alt", "Fishing boats at a quay at sunrise"),
            ("hero_credit", "Photo: P. Reporter"),
        ],
    )
    .await;

    let html = app.html("/articles/harbour-at-dawn").await;
    let webp = select(&html, "figure.hero picture source[type='image/webp']");
    assert_eq!(webp.len(), 1);
    let webp_srcset = webp[0].value().attr("srcset").unwrap();
    assert_eq!(webp_srcset.matches(".webp ").count(), 3, "{webp_srcset}");
    let img = select(&html, "figure.hero picture img")[0].value();
    assert_eq!(img.attr("alt"), Some("Fishing boats at a quay at sunrise"));
    assert_eq!(
        (img.attr("width"), img.attr("height")),
        (Some("1600"), Some("900"))
    );
    assert!(text_of(&html, ".credit").contains("Photo: P. Reporter"));
    for source in webp_srcset
        .split(", ")
        .chain(img.attr("srcset").unwrap().split(", "))
    {
        let path = crate::common::resolve(
            "/articles/harbour-at-dawn",
            source.split(' ').next().unwrap(),
        );
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let expected = if path.ends_with(".webp") {
            "image/webp"
        } else {
            "image/jpeg"
        };
        assert_eq!(response.headers()["content-type"], expected, "{path}");
    }
}

#[tokio::test]
async fn bad_uploads_are_refused_with_a_clear_message_and_nothing_is_kept() {
    let app = TestApp::empty().await;
    let staff = app.sign_in(Role::Contributor, "Careful Contributor").await;
    let mut truncated = png(300, 300);
    truncated.truncate(truncated.len() / 2);
    for (name, bytes, expected) in [
        (
            "report.pdf",
            b"%PDF-1.7 a document".to_vec(),
            "not a JPEG, PNG, WebP or GIF",
        ),
        (
            "photo.jpg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
            "not a JPEG, PNG, WebP or GIF",
        ),
        ("broken.png", truncated, "cannot be read"),
        ("empty.png", Vec::new(), "Choose an image file"),
    ] {
        let response = upload(&staff, &app, name, bytes, &staff.csrf).await;
        assert_eq!(response.status(), 422, "{name}");
        let html = scraper::Html::parse_document(&response.text().await.unwrap());
        assert!(
            text_of(&html, ".error-summary").contains(expected),
            "{name}: {}",
            text_of(&html, ".error-summary")
        );
    }
    let huge = upload(
        &staff,
        &app,
        "huge.png",
        vec![0_u8; kolokol_media::MAX_UPLOAD_BYTES + 200_000],
        &staff.csrf,
    )
    .await;
    assert_eq!(huge.status(), 413);
    assert!(huge.text().await.unwrap().contains("larger than 20 MB"));
    let forged = upload(&staff, &app, "fine.png", png(10, 10), "forged").await;
    assert_eq!(forged.status(), 403);
    assert!(
        app.store.images(10).await.unwrap().is_empty(),
        "nothing was stored"
    );
    let uploads = app.data.join("media/uploads");
    assert!(
        !uploads.exists() || std::fs::read_dir(&uploads).unwrap().next().is_none(),
        "no stray files"
    );
}

#[tokio::test]
async fn an_upload_whose_record_cannot_be_written_leaves_no_files_and_says_why() {
    let app = TestApp::empty().await;
    let reporter = app.sign_in(Role::Author, "Photo Reporter").await;
    app.disk_full_for("images").await;
    let refused = upload(&reporter, &app, "quay.png", png(1200, 800), &reporter.csrf).await;
    assert_eq!(refused.status(), 503);
    let html = scraper::Html::parse_document(&refused.text().await.unwrap());
    let said = text_of(&html, ".error-summary");
    assert!(
        said.contains("quay.png") && said.contains("disk is full"),
        "{said}"
    );
    assert!(app.store.images(10).await.unwrap().is_empty());
    let uploads = app.state.media_dir.join("uploads");
    let left: Vec<_> = std::fs::read_dir(&uploads)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[tokio::test]
async fn a_picture_uploaded_through_one_node_is_served_by_the_other() {
    let bucket = kolokol_testkit::s3::S3Server::start("newsroom").await;
    let media = kolokol_core::MediaConfig {
        store: kolokol_core::MediaStoreKind::S3,
        bucket: bucket.bucket.clone(),
        endpoint: bucket.endpoint.clone(),
        access_key_id: kolokol_testkit::s3::ACCESS_KEY.into(),
        secret_access_key: kolokol_core::config::Secret(kolokol_testkit::s3::SECRET_KEY.into()),
        prefix: "bell".into(),
        ..kolokol_core::MediaConfig::default()
    };
    let database = kolokol_testkit::postgres_database("media_nodes").await;
    let one = TestApp::node_with_media(&database, media.clone()).await;
    let two = TestApp::node_with_media(&database, media).await;
    let section = one.add_news_section().await;

    let reporter = one.sign_in(Role::Author, "Photo Reporter").await;
    let uploaded = upload(&reporter, &one, "quay.png", png(1000, 600), &reporter.csrf).await;
    assert_eq!(uploaded.status(), 303);
    let image = one.store.images(10).await.unwrap().remove(0);
    // Every file went to the bucket, none to either node's folder.
    assert_eq!(
        bucket.keys().len(),
        1 + image.variants.len(),
        "{:?}",
        bucket.keys()
    );
    assert!(bucket.keys().iter().all(|k| k.starts_with("bell/uploads/")));
    for node in [&one, &two] {
        assert!(!node.data.join("media").join("uploads").exists());
    }

    // Both nodes serve the original and each rendition, byte for byte.
    for node in [&two, &one] {
        let original = node.get(&format!("/media/{}", image.path)).await;
        assert_eq!(original.status(), 200);
        assert_eq!(original.headers()["content-type"], "image/png");
        assert!(
            original.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age")
        );
        assert_eq!(
            original.bytes().await.unwrap().as_ref(),
            png(1000, 600).as_slice()
        );
        for variant in &image.variants {
            let response = node.get(&format!("/media/{}", variant.path)).await;
            assert_eq!(response.status(), 200, "{}", variant.path);
            assert_eq!(response.headers()["content-type"], variant.mime.as_str());
        }
        for missing in [
            "/media/uploads/none.jpg",
            "/media/../../etc/passwd",
            "/media/",
        ] {
            assert_eq!(node.get(missing).await.status(), 404, "{missing}");
        }
    }

    // A reader who has the picture already gets 304 and no bytes, from either node.
    let address = format!("/media/{}", image.path);
    let first = one.get(&address).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag}");
    for node in [&two, &one] {
        let again = node
            .client()
            .get(node.url(&address))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
        assert!(again.bytes().await.unwrap().is_empty());
        let other = node
            .client()
            .get(node.url(&address))
            .header("if-none-match", "\"another-version\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 200);
    }

    // An article with it as its hero, published through node one, read on node two:
    // the text-only page names the small picture's weight, read from the bucket.
    let author = reporter.user.author_id.unwrap().to_string();
    publish_article(
        &reporter,
        &[
            ("headline", "Quay at noon"),
            ("body", "Nets drying."),
            ("section", &section.id.to_string()),
            ("authors", &author),
            ("hero_image", &image.id.to_string()),
            ("hero_alt", "Nets drying on a quay"),
        ],
    )
    .await;
    let smallest = image
        .variants
        .iter()
        .filter(|v| v.mime == "image/jpeg")
        .min_by_key(|v| v.width)
        .unwrap();
    let bytes = two
        .get(&format!("/media/{}", smallest.path))
        .await
        .bytes()
        .await
        .unwrap();
    let lite = crate::common::eventually(50, "the article on node two", || async {
        let response = two.get("/lite/articles/quay-at-noon").await;
        (response.status() == 200).then_some(response)
    })
    .await
    .text()
    .await
    .unwrap();
    let weight = format!("{} KB", bytes.len().div_ceil(1024));
    assert!(lite.contains(&weight), "{weight} not in {lite}");
}

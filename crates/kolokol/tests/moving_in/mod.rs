//! Moving in (part of the `cli` tests): `kolokol import wordpress|ghost` into a fresh install, as an operator
//! runs it — the real binary, the fixtures in `tests/fixtures` (written for these
//! tests), and the site served afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::process::{KOLOKOL, Running, free_port, succeeded};
use crate::write_config;
use kolokol_store::{DynStore, Texts};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn kolokol(args: &[&str], config: &Path) -> Output {
    Command::new(KOLOKOL)
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap()
}

fn refused(output: &Output, reason: &str) {
    assert!(!output.status.success(), "it was not refused");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains(reason), "{said}");
}

/// A fresh install in `dir`: its configuration (site on `port`) and its store.
async fn fresh(dir: &Path, port: u16) -> (PathBuf, DynStore) {
    std::fs::create_dir_all(dir).unwrap();
    let config = write_config(dir, port, "");
    succeeded(&kolokol(&["migrate"], &config));
    let url = format!("sqlite://{}", dir.join("data/kolokol.db").display());
    let store = kolokol_store::connect(&url).await.unwrap();
    (config, store)
}

fn png(path: &Path, shade: u8) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(64, 48, image::Rgb([shade, 90, 120]))
        .save(path)
        .unwrap();
}

/// Where `path` redirects to, past the site's own redirect to the address without a
/// trailing slash.
async fn location(client: &reqwest::Client, port: u16, path: &str) -> (u16, String) {
    let first = redirect(client, port, path).await;
    if first.0 == 301 && path.len() > 1 && first.1 == path.trim_end_matches('/') {
        return redirect(client, port, &first.1).await;
    }
    first
}

async fn redirect(client: &reqwest::Client, port: u16, path: &str) -> (u16, String) {
    let response = client
        .get(format!("http://127.0.0.1:{port}{path}"))
        .send()
        .await
        .unwrap();
    let to = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), to)
}

#[tokio::test]
async fn a_wordpress_archive_moves_into_a_fresh_install_with_its_old_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (config, store) = fresh(dir.path(), port).await;
    let uploads = dir.path().join("uploads");
    png(&uploads.join("2024/05/meter.png"), 40);
    let export = fixture("wordpress.xml");
    let export = export.to_str().unwrap();
    let uploads = uploads.to_str().unwrap();

    // Broken files are refused with the reason, and nothing is written.
    let whole = std::fs::read_to_string(export).unwrap();
    let cut = dir.path().join("cut.xml");
    std::fs::write(&cut, &whole[..whole.len() * 2 / 3]).unwrap();
    refused(
        &kolokol(&["import", "wordpress", cut.to_str().unwrap()], &config),
        "cut short",
    );
    let bomb = dir.path().join("bomb.xml");
    std::fs::write(
        &bomb,
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\
         <rss><channel><link>https://x.example</link><title>&b;</title></channel></rss>",
    )
    .unwrap();
    refused(
        &kolokol(&["import", "wordpress", bomb.to_str().unwrap()], &config),
        "declares XML entities",
    );
    let huge = dir.path().join("huge.xml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    refused(
        &kolokol(&["import", "wordpress", huge.to_str().unwrap()], &config),
        "the file is 200 MB; exports of at most 160 MB are read",
    );
    let ghost_file = fixture("ghost.json");
    refused(
        &kolokol(
            &["import", "wordpress", ghost_file.to_str().unwrap()],
            &config,
        ),
        "not a WordPress export",
    );
    assert!(!store.has_articles().await.unwrap());

    // A dry run reports and writes nothing.
    let dry = kolokol(
        &[
            "import",
            "wordpress",
            export,
            "--media",
            uploads,
            "--no-fetch",
            "--dry-run",
        ],
        &config,
    );
    let report = succeeded(&dry);
    assert!(report.contains("Nothing was written"), "{report}");
    assert!(report.contains("would be created"), "{report}");
    assert!(!store.has_articles().await.unwrap());
    assert!(store.sections().await.unwrap().is_empty());

    let first = succeeded(&kolokol(
        &[
            "import",
            "wordpress",
            export,
            "--media",
            uploads,
            "--no-fetch",
        ],
        &config,
    ));
    for said in [
        "post 105 \"An old test post\": skipped: it is in WordPress's trash",
        "post 106 \"Auto Draft\": skipped: it is an auto-draft",
        "revision 108 \"Water meters arrive\": skipped: revisions are not imported",
        "nav_menu_item 109 \"Home\": skipped",
        "address \"выборы\" became \"vybory\"",
        "picture not found in the uploads copy, kept as a link: https://old-courier.example/wp-content/uploads/2024/05/ballot.png",
        "the [gallery] shortcode is drawn by a WordPress plugin",
        "the WordPress block \"latest-posts\" is drawn by WordPress itself",
        "10 created, 0 updated, 0 unchanged, 4 skipped",
    ] {
        assert!(first.contains(said), "{said:?} is not in:\n{first}");
    }
    // Running it again (as after an interruption) changes nothing and adds nothing.
    let again = succeeded(&kolokol(
        &[
            "import",
            "wordpress",
            export,
            "--media",
            uploads,
            "--no-fetch",
        ],
        &config,
    ));
    assert!(
        again.contains("0 created, 0 updated, 5 unchanged, 4 skipped"),
        "{again}"
    );

    let id = store
        .text_by_slug(Texts::Articles, "water-meters-arrive")
        .await
        .unwrap()
        .unwrap();
    let article = store
        .editable_article(kolokol_core::ArticleId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        article.draft.dek,
        "The first metered bills are lower for most flats."
    );
    assert_eq!(
        article.draft.seo_description,
        "Metered water bills in the upper Vetluga district"
    );
    assert_eq!(article.draft.tags, ["Utilities"]);
    assert_eq!(
        article.draft.author_ids.len(),
        2,
        "the co-author came along"
    );
    assert!(article.draft.hero_image_id.is_some());
    assert_eq!(
        article.draft.hero_caption,
        "A meter fitted in a flat on Lesnaya Street"
    );
    assert_eq!(
        article.published_at.unwrap().to_rfc3339(),
        "2024-05-14T07:30:00+00:00"
    );

    let mut server = Running::start(
        Command::new(KOLOKOL)
            .arg("serve")
            .arg("--config")
            .arg(&config),
    );
    server.wait_for("Kolokol is serving");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!(
            "http://127.0.0.1:{port}/articles/water-meters-arrive"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for shown in [
        "<figcaption>A meter fitted in a flat on Lesnaya Street</figcaption>",
        "<h2>What changed</h2>",
        "<blockquote>",
        "<td>640</td>",
        "https://video.example/watch/meter-day",
        "Irina Volkova",
        "Anna Sedova",
        ".png\" alt=\"A new meter under a sink\"",
    ] {
        assert!(
            page.contains(shown),
            "{shown:?} is not on the page: {}",
            &page[page.find("<figure").unwrap_or(0)..][..600]
        );
    }
    for (old, new) in [
        ("/?p=101", "/articles/water-meters-arrive"),
        (
            "/2024/05/14/water-meters-arrive/",
            "/articles/water-meters-arrive",
        ),
        (
            "/2024/05/16/%d0%b2%d1%8b%d0%b1%d0%be%d1%80%d1%8b/",
            "/articles/vybory",
        ),
        ("/category/economy/", "/sections/economy"),
        (
            "/category/%d0%bf%d0%be%d0%bb%d0%b8%d1%82%d0%b8%d0%ba%d0%b0/",
            "/sections/politika",
        ),
        ("/tag/utilities/", "/tags/utilities"),
        ("/author/irina-volkova/", "/authors/irina-volkova"),
        ("/about/", "/pages/about"),
        ("/?page_id=107", "/pages/about"),
    ] {
        assert_eq!(
            location(&client, port, old).await,
            (301, new.to_owned()),
            "{old}"
        );
    }
    let (status, to) = location(&client, port, "/wp-content/uploads/2024/05/meter.png").await;
    assert_eq!(status, 301);
    assert!(to.starts_with("/media/uploads/"), "{to}");
    // The draft and the scheduled post are not public; an unknown old address is a 404.
    for hidden in [
        "/articles/notes-for-the-ferry-story",
        "/articles/the-new-bridge-opens",
        "/2020/01/01/nothing/",
    ] {
        assert_eq!(location(&client, port, hidden).await.0, 404, "{hidden}");
    }
    server.terminate();
}

/// The old Ghost site: serves the pictures its export points at.
async fn old_ghost_site(root: PathBuf) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let root = root.clone();
        async move {
            match std::fs::read(root.join(uri.path().trim_start_matches('/'))) {
                Ok(bytes) => (axum::http::StatusCode::OK, bytes),
                Err(_) => (axum::http::StatusCode::NOT_FOUND, Vec::new()),
            }
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

// Several threads: the old site answers while the test waits for the command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ghost_export_moves_in_and_kolokols_own_export_comes_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old-site");
    png(&old.join("content/images/2024/06/bus.png"), 200);
    let old_port = old_ghost_site(old).await;
    let (config, store) = fresh(&dir.path().join("first"), free_port()).await;
    let export = dir.path().join("ghost.json");
    std::fs::write(
        &export,
        std::fs::read_to_string(fixture("ghost.json"))
            .unwrap()
            .replace("__OLD__", &format!("http://127.0.0.1:{old_port}")),
    )
    .unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"db\": [{\"data\": {\"posts\": [").unwrap();
    refused(
        &kolokol(&["import", "ghost", broken.to_str().unwrap()], &config),
        "not valid JSON",
    );
    std::fs::write(&broken, "{\"db\": [{\"meta\": {}}]}").unwrap();
    refused(
        &kolokol(&["import", "ghost", broken.to_str().unwrap()], &config),
        "has no \"data\" object",
    );

    let report = succeeded(&kolokol(
        &["import", "ghost", export.to_str().unwrap()],
        &config,
    ));
    assert!(
        report.contains("skipped: its status \"archived\" is not one Kolokol imports"),
        "{report}"
    );
    let article = |store: DynStore, slug: &'static str| async move {
        let id = store
            .text_by_slug(Texts::Articles, slug)
            .await
            .unwrap()
            .unwrap();
        store
            .editable_article(kolokol_core::ArticleId(id))
            .await
            .unwrap()
            .unwrap()
    };
    let buses = article(store.clone(), "night-buses-return").await;
    let city = store
        .section_by_slug(&kolokol_core::Slug::parse("city").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        buses.draft.section_id, city.id,
        "the primary tag is the section"
    );
    assert_eq!(buses.draft.tags, ["Transport"], "internal tags stay behind");
    assert_eq!(buses.draft.author_ids.len(), 2);
    assert!(
        buses.draft.hero_image_id.is_some(),
        "the picture was fetched"
    );
    assert_eq!(buses.draft.hero_caption, "The depot on Zarechnaya Street");
    assert!(
        buses
            .draft
            .body_markdown
            .contains("<figcaption>The depot on Zarechnaya Street</figcaption>")
            && buses.draft.body_markdown.contains("](/media/uploads/"),
        "{}",
        buses.draft.body_markdown
    );
    let library = article(store.clone(), "library-sunday-hours").await;
    assert_eq!(
        library.draft.body_markdown,
        "After the petition, the council **kept** the Sunday hours.\n\n> Sunday is when families come."
    );
    let audit = article(store.clone(), "school-canteen-audit").await;
    assert_eq!(audit.status, kolokol_core::ArticleStatus::Draft);
    assert_eq!(
        audit.draft.body_markdown,
        "The audit found **three** violations."
    );
    assert_eq!(
        store
            .old_address("/night-buses-return")
            .await
            .unwrap()
            .unwrap()
            .kind,
        "article"
    );

    // Leaving and coming back: Kolokol's Ghost export, imported into another fresh
    // install, gives the same articles.
    let out = dir.path().join("out.json");
    succeeded(&kolokol(
        &["export", "ghost", out.to_str().unwrap()],
        &config,
    ));
    let (second_config, second) = fresh(&dir.path().join("second"), free_port()).await;
    succeeded(&kolokol(
        &["import", "ghost", out.to_str().unwrap(), "--no-fetch"],
        &second_config,
    ));
    for slug in [
        "night-buses-return",
        "library-sunday-hours",
        "school-canteen-audit",
    ] {
        let (before, after) = (
            article(store.clone(), slug).await,
            article(second.clone(), slug).await,
        );
        assert_eq!(after.draft.headline, before.draft.headline);
        assert_eq!(after.draft.dek, before.draft.dek);
        assert_eq!(
            after.draft.body_markdown, before.draft.body_markdown,
            "{slug}"
        );
        assert_eq!(after.draft.tags, before.draft.tags);
        assert_eq!(after.draft.language, before.draft.language);
        assert_eq!(
            (after.status, after.published_at),
            (before.status, before.published_at)
        );
        let names = |store: DynStore, ids: Vec<i64>| async move {
            let all = store.authors().await.unwrap();
            ids.iter()
                .map(|id| all.iter().find(|a| a.id == *id).unwrap().name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(second.clone(), after.draft.author_ids.clone()).await,
            names(store.clone(), before.draft.author_ids.clone()).await
        );
        let section = |store: DynStore, id: i64| async move {
            store
                .sections()
                .await
                .unwrap()
                .into_iter()
                .find(|s| s.id == id)
                .unwrap()
                .slug
        };
        assert_eq!(
            section(second.clone(), after.draft.section_id).await,
            section(store.clone(), before.draft.section_id).await
        );
    }
    let contact = second.text_by_slug(Texts::Pages, "contact").await.unwrap();
    assert!(contact.is_some(), "pages come back too");
}

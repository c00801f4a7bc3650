//! Leaving for Ghost: the demo newsroom as a Ghost import file, whole and consistent.

use std::collections::BTreeSet;

use chrono::Utc;
use kolokol_testkit::fixtures::Fixtures;

mod common;

#[tokio::test]
async fn the_ghost_file_holds_every_text_with_its_authors_sections_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _media) = common::demo_newsroom(dir.path()).await;
    let site = kolokol_demo::site_config("https://bell.example").unwrap();
    let json = kolokol_export::ghost::ghost_json(&store, &site, Utc::now())
        .await
        .unwrap();
    let data = &json["db"][0]["data"];
    let list = |key: &str| data[key].as_array().unwrap().clone();
    let (posts, tags, users) = (list("posts"), list("tags"), list("users"));
    let articles = store.all_articles().await.unwrap().len();
    let pages = store.page_records().await.unwrap().len();
    assert_eq!(posts.len(), articles + pages, "every article and page");
    assert_eq!(posts.iter().filter(|p| p["type"] == "page").count(), pages);
    // Every link between them points at something in the file.
    let post_ids: BTreeSet<&str> = posts.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let tag_ids: BTreeSet<&str> = tags.iter().map(|t| t["id"].as_str().unwrap()).collect();
    let user_ids: BTreeSet<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    for link in list("posts_tags") {
        assert!(post_ids.contains(link["post_id"].as_str().unwrap()));
        assert!(tag_ids.contains(link["tag_id"].as_str().unwrap()));
    }
    for link in list("posts_authors") {
        assert!(post_ids.contains(link["post_id"].as_str().unwrap()));
        assert!(user_ids.contains(link["author_id"].as_str().unwrap()));
    }
    // An article: its body as HTML with absolute links, its picture, its section as
    // the primary tag, its language kept as an internal tag.
    let article = posts
        .iter()
        .find(|p| p["slug"] == "parliament-passes-sovereign-internet-law-in-a-single-afternoon")
        .unwrap();
    assert_eq!(article["status"], "published");
    assert!(article["html"].as_str().unwrap().starts_with("<p>"));
    assert!(
        article["feature_image"]
            .as_str()
            .unwrap()
            .starts_with("https://bell.example/media/")
    );
    let id = article["id"].as_str().unwrap();
    let mut own: Vec<(i64, String)> = list("posts_tags")
        .iter()
        .filter(|l| l["post_id"] == id)
        .map(|l| {
            let tag = tags.iter().find(|t| t["id"] == l["tag_id"]).unwrap();
            (
                l["sort_order"].as_i64().unwrap(),
                tag["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    own.sort();
    assert_eq!(
        own.first().unwrap().1,
        "Politics",
        "the section is the primary tag"
    );
    assert!(own.iter().any(|(_, name)| name == "#lang-en"));
    let russian = posts
        .iter()
        .filter(|p| p["title"].as_str().unwrap().contains("Парламент"))
        .count();
    assert_eq!(russian, 1, "the Russian edition is in the file too");
    assert!(
        tags.iter()
            .any(|t| t["name"] == "#lang-ru" && t["visibility"] == "internal")
    );
}

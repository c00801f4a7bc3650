//! Sections and tags as the newsroom reshapes them, and the newsroom's article list
//! as it searches and filters, told to both backends.

#![expect(
    clippy::unwrap_used,
    reason = "the story is test code: a failed unwrap is a failed test"
)]

use chrono::{DateTime, TimeZone, Utc};
use kolokol_core::{
    ArticleStatus, Audit, NewArticle, PageNumber, PageRequest, SectionInput, Slug, UserId,
};
use kolokol_store::{
    ArticleFilter, DynStore, ListingQuery, ListingState, SectionRemoval, StoreError,
};
use kolokol_testkit::fixtures::Fixtures;

/// A fresh SQLite store, in a folder that lives as long as the first value.
async fn sqlite() -> (tempfile::TempDir, DynStore) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("story.db").display());
    (dir, kolokol_store::connect(&url).await.unwrap())
}

/// A fresh PostgreSQL database of its own.
async fn postgres(name: &str) -> DynStore {
    let url = kolokol_testkit::postgres_database(name).await;
    kolokol_store::connect(&url).await.unwrap()
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap()
}

fn input(slug_text: &str, name: &str, position: i64, in_menu: bool) -> SectionInput {
    SectionInput {
        slug: slug(slug_text),
        name: name.into(),
        description: format!("All about {name}"),
        position,
        in_menu,
        translations: [(
            "ru".to_owned(),
            [("name".to_owned(), format!("{name} по-русски"))]
                .into_iter()
                .collect(),
        )]
        .into_iter()
        .collect(),
    }
}

fn article(slug_text: &str, section_id: i64, tag_ids: Vec<i64>) -> NewArticle {
    NewArticle {
        slug: slug(slug_text),
        headline: format!("Headline of {slug_text}"),
        dek: String::new(),
        body_markdown: "Some words.".into(),
        dateline: String::new(),
        section_id,
        author_ids: vec![],
        tag_ids,
        status: ArticleStatus::Published,
        published_at: Some(at(1)),
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
    }
}

async fn count(store: &DynStore, filter: ArticleFilter) -> u64 {
    store
        .published_articles(&filter, PageRequest::new(PageNumber::FIRST, 10), at(20))
        .await
        .unwrap()
        .total
}

async fn taxonomy_story(store: DynStore) {
    store.migrate().await.unwrap();
    let email = kolokol_core::Email::parse("editor@newsroom.example").unwrap();
    let editor: UserId = store
        .create_user(
            &email,
            "Editor",
            kolokol_core::Role::Editor,
            "hash",
            &kolokol_core::Audit::new(None, "test", ""),
            at(1),
        )
        .await
        .unwrap()
        .id;
    let audit = |action: &'static str, subject: &str| Audit::new(Some(editor), action, subject);
    let audits = |store: DynStore| async move { store.audit_log(100).await.unwrap() };

    // Sections are made, listed in menu order, and one can stay out of the menu.
    let news = store
        .insert_section(
            &input("news", "News", 2, true),
            &audit("section.create", "News"),
            at(1),
        )
        .await
        .unwrap();
    let opinion = store
        .insert_section(
            &input("opinion", "Opinion", 1, false),
            &audit("section.create", "Opinion"),
            at(1),
        )
        .await
        .unwrap();
    assert!(!opinion.in_menu);
    let records = store.section_records().await.unwrap();
    let names: Vec<_> = records.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Opinion", "News"]);
    assert!(!store.sections().await.unwrap()[0].in_menu);
    // The change and its audit entry are one: both are there.
    let log = audits(store.clone()).await;
    assert_eq!(log[0].action, "section.create");
    assert_eq!(log[0].subject, "Opinion");
    // A taken address is a conflict, and nothing is written (no audit entry either).
    let taken = store
        .insert_section(
            &input("news", "Again", 3, true),
            &audit("section.create", "Again"),
            at(1),
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(audits(store.clone()).await.len(), log.len());
    assert_eq!(store.section_records().await.unwrap().len(), 2);

    let freedom = store.create_tag(&slug("freedom"), "Freedom").await.unwrap();
    let liberty = store.create_tag(&slug("liberty"), "Liberty").await.unwrap();
    let courts = store.create_tag(&slug("courts"), "Courts").await.unwrap();
    store
        .add_article(
            &article("one", news.id, vec![freedom.id, liberty.id]),
            at(1),
        )
        .await
        .unwrap();
    store
        .add_article(&article("two", news.id, vec![liberty.id, courts.id]), at(1))
        .await
        .unwrap();
    store
        .add_article(&article("three", opinion.id, vec![]), at(1))
        .await
        .unwrap();

    // Renaming a section moves its address and leaves the old one redirecting.
    let version = store.content_version().await.unwrap();
    store
        .update_section(
            news.id,
            &input("world", "World", 2, true),
            &audit("section.update", "World"),
            at(2),
        )
        .await
        .unwrap();
    assert!(store.content_version().await.unwrap() > version);
    assert!(
        store
            .section_by_slug(&slug("news"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.section_redirect(&slug("news")).await.unwrap(),
        Some(slug("world"))
    );
    // Renamed again, both old addresses lead to the newest.
    store
        .update_section(
            news.id,
            &input("world-news", "World news", 2, true),
            &audit("section.update", "World news"),
            at(2),
        )
        .await
        .unwrap();
    for old in ["news", "world"] {
        assert_eq!(
            store.section_redirect(&slug(old)).await.unwrap(),
            Some(slug("world-news")),
            "{old}"
        );
    }
    // Taking an old address for another section ends its redirect.
    store
        .update_section(
            opinion.id,
            &input("news", "Opinion", 1, false),
            &audit("section.update", "Opinion"),
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(store.section_redirect(&slug("news")).await.unwrap(), None);
    // Renaming onto a live section's address is a conflict.
    let clash = store
        .update_section(
            opinion.id,
            &input("world-news", "Opinion", 1, false),
            &audit("section.update", "Opinion"),
            at(2),
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");

    // A section with articles is deleted only by moving them; its addresses follow.
    let removal = store
        .delete_section(news.id, None, &audit("section.delete", "World news"), at(3))
        .await
        .unwrap();
    assert_eq!(removal, SectionRemoval::HasArticles(2));
    assert_eq!(store.section_records().await.unwrap().len(), 2);
    let removal = store
        .delete_section(
            news.id,
            Some(opinion.id),
            &audit("section.delete", "World news"),
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(removal, SectionRemoval::Deleted);
    let records = store.section_records().await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].articles, 3);
    for old in ["world", "world-news"] {
        assert_eq!(
            store.section_redirect(&slug(old)).await.unwrap(),
            Some(slug("news")),
            "{old}"
        );
    }
    // Moving to a section that does not exist changes nothing.
    let missing = store
        .delete_section(opinion.id, Some(9999), &audit("section.delete", "x"), at(3))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    assert_eq!(store.section_records().await.unwrap().len(), 1);
    // An empty section goes at once.
    let empty = store
        .insert_section(
            &input("empty", "Empty", 5, true),
            &audit("section.create", "Empty"),
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .delete_section(empty.id, None, &audit("section.delete", "Empty"), at(3))
            .await
            .unwrap(),
        SectionRemoval::Deleted
    );

    // Tags list with their counts; renaming leaves a redirect.
    let tags = store.tag_records().await.unwrap();
    let counts: Vec<_> = tags.iter().map(|t| (t.name.as_str(), t.articles)).collect();
    assert_eq!(counts, [("Courts", 1), ("Freedom", 1), ("Liberty", 2)]);
    store
        .rename_tag(
            freedom.id,
            "Press freedom",
            &slug("press-freedom"),
            &[(
                "ru".to_owned(),
                [("name".to_owned(), "Свобода прессы".to_owned())]
                    .into_iter()
                    .collect(),
            )]
            .into_iter()
            .collect(),
            &audit("tag.rename", "Press freedom"),
            at(4),
        )
        .await
        .unwrap();
    let mut renamed = store
        .tag_by_slug(&slug("press-freedom"))
        .await
        .unwrap()
        .unwrap();
    renamed.localize("ru");
    assert_eq!(renamed.name, "Свобода прессы", "its Russian name is kept");
    assert_eq!(
        store.tag_redirect(&slug("freedom")).await.unwrap(),
        Some(slug("press-freedom"))
    );
    let clash = store
        .rename_tag(
            freedom.id,
            "Courts",
            &slug("courts"),
            &kolokol_core::Translations::new(),
            &audit("tag.rename", "Courts"),
            at(4),
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");

    // Merging moves the articles (once each) and the addresses, and removes the tag.
    store
        .merge_tags(
            liberty.id,
            freedom.id,
            &audit("tag.merge", "Press freedom"),
            at(5),
        )
        .await
        .unwrap();
    let tags = store.tag_records().await.unwrap();
    let counts: Vec<_> = tags.iter().map(|t| (t.name.as_str(), t.articles)).collect();
    assert_eq!(counts, [("Courts", 1), ("Press freedom", 2)]);
    let freedom_filter = ArticleFilter {
        tag_id: Some(freedom.id),
        ..Default::default()
    };
    assert_eq!(count(&store, freedom_filter).await, 2);
    for old in ["liberty", "freedom"] {
        assert_eq!(
            store.tag_redirect(&slug(old)).await.unwrap(),
            Some(slug("press-freedom")),
            "{old}"
        );
    }
    // Merging a tag into itself changes nothing.
    store
        .merge_tags(freedom.id, freedom.id, &audit("tag.merge", "x"), at(5))
        .await
        .unwrap();
    assert_eq!(store.tag_records().await.unwrap().len(), 2);

    // Deleting takes the tag off its articles; the articles stay.
    store
        .delete_tag(courts.id, &audit("tag.delete", "Courts"), at(6))
        .await
        .unwrap();
    assert_eq!(store.tag_records().await.unwrap().len(), 1);
    assert_eq!(count(&store, ArticleFilter::default()).await, 3);
    assert!(matches!(
        store
            .delete_tag(courts.id, &audit("tag.delete", "Courts"), at(6))
            .await,
        Err(StoreError::NotFound)
    ));

    let actions: Vec<_> = audits(store.clone())
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("section.")).count(),
        8,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("tag.")).count(),
        3,
        "{actions:?}"
    );
}

#[tokio::test]
async fn sqlite_tells_the_taxonomy_story() {
    let (_dir, store) = sqlite().await;
    taxonomy_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_taxonomy_story() {
    taxonomy_story(postgres("taxonomy").await).await;
}

async fn listing_story(store: DynStore) {
    store.migrate().await.unwrap();
    let audit = |subject: &str| Audit::new(None, "section.create", subject);
    let news = store
        .insert_section(&input("news", "News", 1, true), &audit("News"), at(1))
        .await
        .unwrap();
    let culture = store
        .insert_section(
            &input("culture", "Culture", 2, true),
            &audit("Culture"),
            at(1),
        )
        .await
        .unwrap();
    let mut headlines = Vec::new();
    for (n, (headline, section, status, day)) in [
        ("Политика в Риге", news.id, ArticleStatus::Published, 1),
        ("Harbour contracts", news.id, ArticleStatus::Published, 2),
        ("Harbour_50% off", culture.id, ArticleStatus::Published, 3),
        (
            "A draft about the harbour",
            news.id,
            ArticleStatus::Draft,
            4,
        ),
        (
            "Scheduled for later",
            culture.id,
            ArticleStatus::Published,
            30,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = article(&format!("article-{n}"), section, vec![]);
        new.headline = headline.into();
        new.status = status;
        new.published_at = (status == ArticleStatus::Published).then(|| at(day));
        store.add_article(&new, at(day.min(5))).await.unwrap();
        headlines.push(headline);
    }
    let find = |query: ListingQuery| {
        let store = store.clone();
        async move {
            store
                .article_listing(&query, PageRequest::new(PageNumber::FIRST, 10))
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|a| a.headline)
                .collect::<Vec<_>>()
        }
    };
    let all = ListingQuery::all(at(20));
    assert_eq!(find(all.clone()).await.len(), 5);
    let search = |text: &str| ListingQuery {
        search: text.into(),
        ..all.clone()
    };
    // Case does not matter, in any script; wildcards are taken literally.
    assert_eq!(find(search("ПОЛИТИКА")).await, ["Политика в Риге"]);
    assert_eq!(find(search("harbour")).await.len(), 3);
    assert_eq!(find(search("_")).await, ["Harbour_50% off"]);
    assert_eq!(find(search("%")).await, ["Harbour_50% off"]);
    assert!(find(search("nothing like it")).await.is_empty());
    let state = |state: ListingState| ListingQuery {
        state: Some(state),
        ..all.clone()
    };
    assert_eq!(
        find(state(ListingState::Draft)).await,
        ["A draft about the harbour"]
    );
    assert_eq!(
        find(state(ListingState::Scheduled)).await,
        ["Scheduled for later"]
    );
    assert_eq!(find(state(ListingState::Published)).await.len(), 3);
    let in_culture = ListingQuery {
        section_id: Some(culture.id),
        search: "harbour".into(),
        ..all.clone()
    };
    assert_eq!(find(in_culture).await, ["Harbour_50% off"]);
    // Pages: two at a time, the count of all.
    let second = store
        .article_listing(&all, PageRequest::new(PageNumber::parse("2").unwrap(), 2))
        .await
        .unwrap();
    assert_eq!(
        (second.total, second.total_pages, second.items.len()),
        (5, 3, 2)
    );
}

#[tokio::test]
async fn sqlite_tells_the_listing_story() {
    let (_dir, store) = sqlite().await;
    listing_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_listing_story() {
    listing_story(postgres("listing").await).await;
}

async fn byline_story(store: DynStore) {
    store.migrate().await.unwrap();
    let email = kolokol_core::Email::parse("reporter@newsroom.example").unwrap();
    let reporter = store
        .create_user(
            &email,
            "Reporter",
            kolokol_core::Role::Author,
            "hash",
            &kolokol_core::Audit::new(None, "test", ""),
            at(1),
        )
        .await
        .unwrap();
    let own_profile = reporter.author_id.unwrap();
    let guest = kolokol_core::AuthorInput {
        slug: slug("irina-volkova"),
        name: "Irina Volkova".into(),
        title: "Guest columnist".into(),
        bio: "Writes about *courts*.".into(),
        photo_image_id: None,
        links: kolokol_core::byline::parse_links("Website | https://volkova.example").unwrap(),
        account: None,
        translations: kolokol_core::Translations::new(),
    };
    let audit = |action: &'static str| Audit::new(None, action, "Irina Volkova");
    let created = store
        .insert_author(&guest, &audit("author.create"), at(1))
        .await
        .unwrap();
    let record = store.author_record(created.id).await.unwrap().unwrap();
    assert_eq!(record.account, None);
    assert_eq!(record.author.links[0].url, "https://volkova.example");
    let taken = store
        .insert_author(&guest, &audit("author.create"), at(1))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");

    // Tying the guest's profile to the reporter's account moves their byline there.
    let tied = kolokol_core::AuthorInput {
        account: Some(reporter.id),
        ..guest.clone()
    };
    store
        .update_author(created.id, &tied, &audit("author.update"), at(2))
        .await
        .unwrap();
    let record = store.author_record(created.id).await.unwrap().unwrap();
    assert_eq!(record.account, Some((reporter.id.0, "Reporter".into())));
    let own = store.author_record(own_profile).await.unwrap().unwrap();
    assert_eq!(own.account, None, "the account has one profile at a time");
    let (user, _) = store.user_for_login(&email).await.unwrap().unwrap();
    assert_eq!(user.author_id, Some(created.id));
    // Untied again, and the profiles are all listed by name.
    store
        .update_author(created.id, &guest, &audit("author.update"), at(3))
        .await
        .unwrap();
    assert_eq!(
        store
            .author_record(created.id)
            .await
            .unwrap()
            .unwrap()
            .account,
        None
    );
    let names: Vec<_> = store
        .author_records()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.author.name)
        .collect();
    assert_eq!(names, ["Irina Volkova", "Reporter"]);
    assert!(matches!(
        store
            .update_author(9999, &guest, &audit("author.update"), at(3))
            .await,
        Err(StoreError::NotFound)
    ));
    let log = store.audit_log(10).await.unwrap();
    assert_eq!(
        log.iter()
            .filter(|e| e.action.starts_with("author."))
            .count(),
        3
    );
}

#[tokio::test]
async fn sqlite_tells_the_byline_story() {
    let (_dir, store) = sqlite().await;
    byline_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_byline_story() {
    byline_story(postgres("bylines").await).await;
}

async fn page_story(store: DynStore) {
    store.migrate().await.unwrap();
    let audit = |action: &'static str| Audit::new(None, action, "About");
    let about = kolokol_core::PageDraft {
        title: "About".into(),
        slug: slug("about"),
        body_markdown: "We report.".into(),
        placement: kolokol_core::Placement::Footer,
        position: 2,
        language: "en".into(),
    };
    let id = store
        .save_page(None, &about, None, &audit("page.create"), at(1))
        .await
        .unwrap();
    // A draft is not on the site.
    assert!(
        store
            .published_page(&slug("about"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.page_links().await.unwrap().is_empty());
    let version = store.content_version().await.unwrap();
    store
        .set_page_published(id, true, &audit("page.publish"), at(2))
        .await
        .unwrap();
    assert!(store.content_version().await.unwrap() > version);
    let live = store.published_page(&slug("about")).await.unwrap().unwrap();
    assert_eq!(live.published_at, Some(at(2)));
    // A second save keeps a second revision; republishing keeps the first date.
    let edited = kolokol_core::PageDraft {
        body_markdown: "We report, from exile.".into(),
        placement: kolokol_core::Placement::Menu,
        ..about.clone()
    };
    store
        .save_page(Some(id), &edited, None, &audit("page.save"), at(3))
        .await
        .unwrap();
    store
        .set_page_published(id, true, &audit("page.publish"), at(4))
        .await
        .unwrap();
    let record = store.page_record(id).await.unwrap().unwrap();
    assert_eq!(record.published_at, Some(at(2)));
    let revisions = store.page_revisions(id).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0].draft, edited);
    assert_eq!(revisions[1].draft, about);
    let links = store.page_links().await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].placement, kolokol_core::Placement::Menu);
    // Another page cannot take the address; nothing is written.
    let taken = store
        .save_page(None, &about, None, &audit("page.create"), at(5))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(store.page_records().await.unwrap().len(), 1);
    // Withdrawn, it leaves the site and its links.
    store
        .set_page_published(id, false, &audit("page.withdraw"), at(6))
        .await
        .unwrap();
    assert!(
        store
            .published_page(&slug("about"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.page_links().await.unwrap().is_empty());
    assert!(matches!(
        store
            .set_page_published(999, true, &audit("page.publish"), at(6))
            .await,
        Err(StoreError::NotFound)
    ));
    let log = store.audit_log(20).await.unwrap();
    assert_eq!(
        log.iter().filter(|e| e.action.starts_with("page.")).count(),
        5
    );
}

#[tokio::test]
async fn sqlite_tells_the_page_story() {
    let (_dir, store) = sqlite().await;
    page_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_page_story() {
    page_story(postgres("pages").await).await;
}

async fn front_page_story(store: DynStore) {
    store.migrate().await.unwrap();
    let audit = |action: &'static str| Audit::new(None, action, "front");
    let news = store
        .insert_section(
            &input("news", "News", 1, true),
            &audit("section.create"),
            at(1),
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            store
                .add_article(&article(&format!("story-{n}"), news.id, vec![]), at(1))
                .await
                .unwrap(),
        );
    }
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    use kolokol_core::PinSlot::{Featured, Lead};
    store
        .pin_article(a, Some(Lead), None, &audit("front.pin"), at(2))
        .await
        .unwrap();
    store
        .pin_article(b, Some(Featured), Some(at(10)), &audit("front.pin"), at(2))
        .await
        .unwrap();
    store
        .pin_article(c, Some(Featured), None, &audit("front.pin"), at(2))
        .await
        .unwrap();
    let picks = store.front_page_picks(at(3)).await.unwrap();
    let order: Vec<_> = picks.iter().map(|p| (p.article_id, p.slot)).collect();
    assert_eq!(order, [(a, Lead), (b, Featured), (c, Featured)]);
    // A new lead replaces the old one; the old lead leaves the front page's pins.
    store
        .pin_article(c, Some(Lead), None, &audit("front.pin"), at(3))
        .await
        .unwrap();
    let order: Vec<_> = store
        .front_page_picks(at(3))
        .await
        .unwrap()
        .iter()
        .map(|p| (p.article_id, p.slot))
        .collect();
    assert_eq!(order, [(c, Lead), (b, Featured)]);
    // A pin that runs out disappears, and the next due check bumps the content
    // version so every node's cached front page changes with it.
    store.publish_due(at(5)).await.unwrap();
    assert!(!store.publish_due(at(9)).await.unwrap().changed);
    assert!(store.publish_due(at(11)).await.unwrap().changed);
    let order: Vec<_> = store
        .front_page_picks(at(11))
        .await
        .unwrap()
        .iter()
        .map(|p| p.article_id)
        .collect();
    assert_eq!(order, [c]);
    store
        .pin_article(c, None, None, &audit("front.unpin"), at(12))
        .await
        .unwrap();
    assert!(store.front_page_picks(at(12)).await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_tells_the_front_page_story() {
    let (_dir, store) = sqlite().await;
    front_page_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_front_page_story() {
    front_page_story(postgres("front").await).await;
}

/// Migrates `store` and adds the section "News" to it.
async fn migrated_with_news(store: &DynStore) -> kolokol_core::Section {
    store.migrate().await.unwrap();
    store
        .insert_section(
            &input("news", "News", 1, true),
            &Audit::new(None, "section.create", "News"),
            at(1),
        )
        .await
        .unwrap()
}

/// A tag's list and "related articles" are found from the tag's own entries, which
/// follow their article however it changes: unpublished, scheduled, moved to
/// another language, published again, tagged after publication.
async fn tag_listing_story(store: DynStore) {
    let news = migrated_with_news(&store).await;
    let courts = store.create_tag(&slug("courts"), "Courts").await.unwrap();
    let tagged = |store: DynStore, language: &'static str| async move {
        let filter = ArticleFilter {
            tag_id: Some(courts.id),
            language: Some(language.into()),
            ..Default::default()
        };
        let list = store
            .published_articles(&filter, PageRequest::new(PageNumber::FIRST, 10), at(20))
            .await
            .unwrap();
        let slugs: Vec<String> = list.items.iter().map(|a| a.slug.to_string()).collect();
        assert_eq!(
            list.total,
            slugs.len() as u64,
            "the count agrees with the list"
        );
        // Every tag's totals, read at once, agree with the count; a page read with
        // the total known is the same page.
        let total = store
            .tag_totals(at(20))
            .await
            .unwrap()
            .into_iter()
            .find(|(tag, lang, _)| *tag == courts.id && lang == language)
            .map_or(0, |(_, _, total)| total);
        assert_eq!(total, list.total, "the tag's total agrees with its count");
        let known = store
            .published_articles_of(
                &filter,
                PageRequest::new(PageNumber::FIRST, 10),
                total,
                at(20),
            )
            .await
            .unwrap();
        let known: Vec<String> = known.items.iter().map(|a| a.slug.to_string()).collect();
        assert_eq!(known, slugs);
        slugs
    };
    let mut ids = Vec::new();
    for (n, day) in [(0, 1), (1, 2), (2, 3)] {
        let mut new = article(&format!("tagged-{n}"), news.id, vec![courts.id]);
        new.published_at = Some(at(day));
        ids.push(store.add_article(&new, at(day)).await.unwrap());
    }
    assert_eq!(
        tagged(store.clone(), "en").await,
        ["tagged-2", "tagged-1", "tagged-0"]
    );
    let audit = Audit::new(None, "article.publish", "");
    // Back to a draft: gone from the tag; scheduled past "now": not yet there.
    store
        .set_publication(ids[2], ArticleStatus::Draft, None, &audit, at(5))
        .await
        .unwrap();
    store
        .set_publication(
            ids[1],
            ArticleStatus::Published,
            Some(at(25)),
            &audit,
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(tagged(store.clone(), "en").await, ["tagged-0"]);
    // Published again, now the newest.
    store
        .set_publication(ids[2], ArticleStatus::Published, Some(at(6)), &audit, at(6))
        .await
        .unwrap();
    assert_eq!(tagged(store.clone(), "en").await, ["tagged-2", "tagged-0"]);
    // An article tagged after it was published is on the tag's list at once.
    let mut late = article("tagged-late", news.id, vec![]);
    late.published_at = Some(at(7));
    store.add_article(&late, at(7)).await.unwrap();
    let late_full = store
        .published_article(&slug("tagged-late"), at(20))
        .await
        .unwrap()
        .unwrap();
    assert!(late_full.tags.is_empty());
    let mut draft = store
        .editable_article(late_full.summary.id)
        .await
        .unwrap()
        .unwrap()
        .draft;
    draft.tags = vec!["Courts".into()];
    store
        .save_article(Some(late_full.summary.id), &draft, None, &audit, at(8))
        .await
        .unwrap();
    assert_eq!(
        tagged(store.clone(), "en").await,
        ["tagged-late", "tagged-2", "tagged-0"]
    );
    // Related articles share the tag, newest first, never the article itself.
    let full = store
        .published_article(&slug("tagged-0"), at(20))
        .await
        .unwrap()
        .unwrap();
    let related = store.related_articles(&full, 5, at(20)).await.unwrap();
    assert_eq!(
        related
            .iter()
            .map(|a| a.slug.to_string())
            .collect::<Vec<_>>(),
        ["tagged-late", "tagged-2"]
    );
    // The candidates the pages keep per list: the tag's newest published, each
    // with its section and tags; the section's the same, in the section's order.
    let newest = [late_full.summary.id.0, ids[2].0, ids[0].0];
    for list in [
        kolokol_store::related::CandidateList::Tag(courts.id),
        kolokol_store::related::CandidateList::Section(news.id),
    ] {
        let candidates = store
            .related_candidates(list, "en", 31, at(20))
            .await
            .unwrap();
        let found: Vec<i64> = candidates.iter().map(|k| k.id).collect();
        assert_eq!(found, newest, "{list:?}");
        assert!(
            candidates
                .iter()
                .all(|k| k.tag_ids == [courts.id] && k.section_id == news.id),
            "{list:?}"
        );
        let fewer = store
            .related_candidates(list, "en", 2, at(20))
            .await
            .unwrap();
        assert_eq!(fewer.len(), 2, "{list:?}");
        let russian = store
            .related_candidates(list, "ru", 31, at(20))
            .await
            .unwrap();
        assert!(russian.is_empty(), "{list:?}");
    }
    assert!(tagged(store.clone(), "ru").await.is_empty());
}

#[tokio::test]
async fn sqlite_tells_the_tag_listing_story() {
    let (_dir, store) = sqlite().await;
    tag_listing_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_tag_listing_story() {
    tag_listing_story(postgres("tag_listing_story").await).await;
}

/// A deep page read from where the page before ends is the page counted to.
async fn page_marks_story(store: DynStore) {
    let news = migrated_with_news(&store).await;
    // 30 articles, many at the same minute, and one draft that never counts.
    for n in 0..31_u32 {
        let mut new = article(&format!("report-{n:02}"), news.id, vec![]);
        new.published_at = Some(at(1) + chrono::Duration::minutes(i64::from(n / 4)));
        if n == 30 {
            new.status = ArticleStatus::Draft;
        }
        store.add_article(&new, at(1)).await.unwrap();
    }
    let now = at(20);
    for filter in [
        ArticleFilter::default(),
        ArticleFilter {
            section_id: Some(news.id),
            language: Some("en".into()),
            ..ArticleFilter::default()
        },
    ] {
        let marks = store.page_marks(&filter, 7, now).await.unwrap();
        assert_eq!(marks.total, 30);
        assert_eq!(marks.ends.len(), 4, "pages 1 to 4 are full, page 5 has two");
        let page = |n: &str| PageNumber::parse(n).unwrap();
        assert_eq!(marks.before(page("1")), None);
        assert_eq!(marks.before(page("6")), None, "past the end");
        for n in ["2", "3", "4", "5"] {
            let counted = store
                .published_articles(&filter, PageRequest::new(page(n), 7), now)
                .await
                .unwrap()
                .items;
            let after = store
                .published_articles_after(&filter, marks.before(page(n)), 7, now)
                .await
                .unwrap();
            let ids = |list: &[kolokol_core::ArticleSummary]| -> Vec<i64> {
                list.iter().map(|a| a.id.0).collect()
            };
            assert_eq!(ids(&after), ids(&counted), "page {n}");
        }
        // A list that fills its last page exactly, and one with nothing in it.
        let even = store.page_marks(&filter, 5, now).await.unwrap();
        assert_eq!((even.total, even.ends.len()), (30, 6));
        assert_eq!(even.before(PageNumber::parse("7").unwrap()), None);
    }
    let nothing = ArticleFilter {
        language: Some("ru".into()),
        ..ArticleFilter::default()
    };
    let empty = store.page_marks(&nothing, 7, now).await.unwrap();
    assert_eq!((empty.total, empty.ends.len()), (0, 0));
    assert_eq!(empty.before(PageNumber::parse("2").unwrap()), None);
}

#[tokio::test]
async fn sqlite_tells_the_page_marks_story() {
    let (_dir, store) = sqlite().await;
    page_marks_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_page_marks_story() {
    page_marks_story(postgres("page_marks").await).await;
}

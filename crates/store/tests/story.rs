//! One storage story, told to both backends: whatever SQLite does, PostgreSQL must do too.

#![expect(
    clippy::unwrap_used,
    reason = "the story is test code: a failed unwrap is a failed test"
)]

use chrono::{DateTime, TimeZone, Utc};
use kolokol_core::{
    ArticleStatus, Correction, ImageVariant, NewArticle, NewImage, PageNumber, PageRequest, Slug,
};
use kolokol_store::{ArticleFilter, AttemptDecision, Backend, DynStore, ListingQuery, StoreError};
use kolokol_testkit::fixtures::Fixtures;

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap()
}

fn article(
    slug_text: &str,
    section_id: i64,
    author_ids: Vec<i64>,
    tag_ids: Vec<i64>,
) -> NewArticle {
    NewArticle {
        slug: slug(slug_text),
        headline: format!("Headline of {slug_text}"),
        dek: "A dek".into(),
        body_markdown: "word ".repeat(500),
        dateline: "STAVRIN".into(),
        section_id,
        author_ids,
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

fn first_page(per_page: u32) -> PageRequest {
    PageRequest::new(PageNumber::FIRST, per_page)
}

async fn newsroom_story(store: DynStore) {
    store.migrate().await.unwrap();
    // Migrating twice is harmless.
    store.migrate().await.unwrap();
    assert!(!store.has_articles().await.unwrap());
    let version_before = store.content_version().await.unwrap();

    let politics = store
        .add_section(&slug("politics"), "Politics", "Power", 1)
        .await
        .unwrap();
    let culture = store
        .add_section(&slug("culture"), "Culture", "Arts", 2)
        .await
        .unwrap();
    let duplicate = store.add_section(&slug("politics"), "Again", "", 3).await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict(_))),
        "{duplicate:?}"
    );
    let sections = store.sections().await.unwrap();
    assert_eq!(
        sections.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["Politics", "Culture"]
    );

    let anna = store
        .add_author(&slug("anna"), "Anna", "Editor", "Bio")
        .await
        .unwrap();
    let boris = store
        .add_author(&slug("boris"), "Boris", "Reporter", "")
        .await
        .unwrap();
    let courts = store.create_tag(&slug("courts"), "Courts").await.unwrap();
    let exile = store.create_tag(&slug("exile"), "Exile").await.unwrap();

    let image = NewImage {
        path: "hero.jpg".into(),
        width: 1600,
        height: 900,
        mime: "image/jpeg".into(),
        variants: vec![
            ImageVariant {
                width: 960,
                height: 540,
                path: "hero-960.jpg".into(),
                mime: "image/jpeg".into(),
            },
            ImageVariant {
                width: 480,
                height: 270,
                path: "hero-480.jpg".into(),
                mime: "image/jpeg".into(),
            },
        ],
    };
    let image_id = store.add_image(&image, at(1)).await.unwrap();
    let library = store.images(10).await.unwrap();
    assert_eq!(library.len(), 1);
    assert_eq!(
        library[0]
            .variants
            .iter()
            .map(|v| v.width)
            .collect::<Vec<_>>(),
        [480, 960]
    );
    assert_eq!(
        store.image(image_id).await.unwrap().map(|i| i.path),
        Some("hero.jpg".to_owned())
    );
    assert_eq!(store.image(image_id + 1000).await.unwrap(), None);

    let mut lead = article(
        "the-lead",
        politics.id,
        vec![boris.id, anna.id],
        vec![courts.id, exile.id],
    );
    lead.hero_image_id = Some(image_id);
    lead.hero_caption = "A caption".into();
    lead.published_at = Some(at(3));
    lead.corrections = vec![
        Correction {
            created_at: at(5),
            body: "We had the date wrong.".into(),
        },
        Correction {
            created_at: at(4),
            body: "We misspelled a name.".into(),
        },
    ];
    store.add_article(&lead, at(3)).await.unwrap();

    let mut same_tags = article(
        "same-tags",
        culture.id,
        vec![anna.id],
        vec![courts.id, exile.id],
    );
    same_tags.published_at = Some(at(2));
    store.add_article(&same_tags, at(2)).await.unwrap();
    store
        .add_article(
            &article("same-section", politics.id, vec![anna.id], vec![]),
            at(1),
        )
        .await
        .unwrap();
    let mut draft = article("a-draft", politics.id, vec![anna.id], vec![courts.id]);
    draft.status = ArticleStatus::Draft;
    store.add_article(&draft, at(1)).await.unwrap();
    let mut scheduled = article("scheduled", politics.id, vec![anna.id], vec![]);
    scheduled.published_at = Some(at(20));
    store.add_article(&scheduled, at(1)).await.unwrap();

    // A failed article creation leaves nothing behind: the slug is still free afterwards.
    let broken = article("half-written", politics.id, vec![anna.id, 999_999], vec![]);
    assert!(store.add_article(&broken, at(1)).await.is_err());
    store
        .add_article(
            &article("half-written", politics.id, vec![anna.id], vec![]),
            at(1),
        )
        .await
        .unwrap();

    assert!(store.has_articles().await.unwrap());
    assert!(store.content_version().await.unwrap() > version_before);

    let now = at(10);
    let all = store
        .published_articles(&ArticleFilter::default(), first_page(10), now)
        .await
        .unwrap();
    let slugs: Vec<_> = all.items.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["the-lead", "same-tags", "half-written", "same-section"],
        "newest first; drafts and future articles stay hidden"
    );
    assert_eq!(all.total, 4);

    let lead_summary = &all.items[0];
    assert_eq!(
        lead_summary
            .authors
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["Boris", "Anna"],
        "byline order is kept"
    );
    let hero = lead_summary.hero.as_ref().unwrap();
    assert_eq!(
        (hero.width, hero.height, hero.caption.as_str()),
        (1600, 900, "A caption")
    );
    assert_eq!(
        hero.variants.iter().map(|v| v.width).collect::<Vec<_>>(),
        [480, 960]
    );
    assert_eq!(lead_summary.reading_minutes, 3);

    let page_two = store
        .published_articles(
            &ArticleFilter::default(),
            PageRequest::new(PageNumber::parse("2").unwrap(), 3),
            now,
        )
        .await
        .unwrap();
    assert_eq!(page_two.items.len(), 1);
    assert_eq!(page_two.total_pages, 2);

    let by_section = ArticleFilter {
        section_id: Some(culture.id),
        ..Default::default()
    };
    assert_eq!(
        store
            .published_articles(&by_section, first_page(10), now)
            .await
            .unwrap()
            .total,
        1
    );
    let by_tag = ArticleFilter {
        tag_id: Some(courts.id),
        ..Default::default()
    };
    assert_eq!(
        store
            .published_articles(&by_tag, first_page(10), now)
            .await
            .unwrap()
            .total,
        2
    );
    let by_author = ArticleFilter {
        author_id: Some(boris.id),
        ..Default::default()
    };
    assert_eq!(
        store
            .published_articles(&by_author, first_page(10), now)
            .await
            .unwrap()
            .total,
        1
    );
    let recent = ArticleFilter {
        published_since: Some(at(2)),
        ..Default::default()
    };
    assert_eq!(
        store
            .published_articles(&recent, first_page(10), now)
            .await
            .unwrap()
            .total,
        2
    );

    let full = store
        .published_article(&slug("the-lead"), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(full.dateline, "STAVRIN");
    assert_eq!(
        full.tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Courts", "Exile"]
    );
    assert_eq!(
        full.corrections
            .iter()
            .map(|c| c.body.as_str())
            .collect::<Vec<_>>(),
        ["We misspelled a name.", "We had the date wrong."],
        "oldest first"
    );
    // The article page reads its authors and picture in its own statement, the
    // lists and "Read more" theirs with the summaries: the same summary each way.
    assert_eq!(full.summary, all.items[0]);
    let ids: Vec<_> = all.items.iter().map(|a| a.id).collect();
    let mut read_by_id = store.published_summaries(&ids, now).await.unwrap();
    read_by_id.sort_by_key(|a| a.id.0);
    let mut listed = all.items.clone();
    listed.sort_by_key(|a| a.id.0);
    assert_eq!(read_by_id, listed);
    // With the article on its connection: the summaries `pick` names, in its order.
    let (again, unpicked) = store
        .published_article_with(&slug("the-lead"), now, &|_| None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, full);
    assert!(unpicked.is_none());
    let (_, picked) = store
        .published_article_with(&slug("the-lead"), now, &|article| {
            Some(vec![listed[2].id, article.summary.id, listed[3].id])
        })
        .await
        .unwrap()
        .unwrap();
    let picked: Vec<_> = picked.unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(picked, [listed[2].id, full.summary.id, listed[3].id]);
    assert!(
        store
            .published_article(&slug("a-draft"), now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .published_article(&slug("scheduled"), now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .published_article(&slug("scheduled"), at(21))
            .await
            .unwrap()
            .is_some(),
        "due articles appear"
    );

    let related = store.related_articles(&full, 2, now).await.unwrap();
    assert_eq!(
        related.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(),
        ["same-tags", "half-written"],
        "shared tags beat a shared section; ties go to the newest"
    );

    let sitemap = store.sitemap_entries(now).await.unwrap();
    assert_eq!(sitemap.len(), 4);
    assert_eq!(sitemap[0].slug.as_str(), "the-lead");
    // A sitemap file reads its own run of that list, and each run's latest change.
    let run = store.sitemap_slice(now, 1, 2).await.unwrap();
    assert_eq!(run, sitemap[1..3]);
    assert_eq!(store.sitemap_slice(now, 4, 2).await.unwrap(), []);
    let parts = store.sitemap_parts(now, 3, 2).await.unwrap();
    let latest = |run: &[kolokol_store::SitemapEntry]| run.iter().map(|e| e.modified_at).max();
    assert_eq!(
        parts
            .iter()
            .map(|p| (p.number, p.articles, Some(p.latest)))
            .collect::<Vec<_>>(),
        [
            (1, 1, latest(&sitemap[..1])),
            (2, 2, latest(&sitemap[1..3])),
            (3, 1, latest(&sitemap[3..])),
        ],
        "three places taken before the articles: the first part has none of them"
    );
    assert_eq!(store.translation_members(&[], now).await.unwrap(), []);

    assert_eq!(
        store.section_by_slug(&slug("culture")).await.unwrap(),
        Some(culture)
    );
    assert_eq!(
        store.tag_by_slug(&slug("exile")).await.unwrap(),
        Some(exile)
    );
    assert_eq!(
        store.author_by_slug(&slug("anna")).await.unwrap(),
        Some(anna)
    );
    assert_eq!(store.author_by_slug(&slug("nobody")).await.unwrap(), None);
}

#[tokio::test]
async fn sqlite_tells_the_newsroom_story() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("story.db").display());
    let store = kolokol_store::connect(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    newsroom_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_newsroom_story() {
    let url = kolokol_testkit::postgres_database("story").await;
    let store = kolokol_store::connect(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    newsroom_story(store).await;
}

#[tokio::test]
async fn unknown_database_urls_are_refused_clearly() {
    let result = kolokol_store::connect("mysql://localhost/kolokol").await;
    assert!(matches!(result, Err(StoreError::UnsupportedUrl)));
}

fn draft(
    headline: &str,
    section_id: i64,
    author_ids: Vec<i64>,
    tags: &[&str],
) -> kolokol_core::ArticleDraft {
    kolokol_core::ArticleDraft {
        headline: headline.into(),
        dek: String::new(),
        body_markdown: "First version.".into(),
        dateline: String::new(),
        slug: Slug::from_title(headline).unwrap(),
        section_id,
        author_ids,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        hero_image_id: None,
        hero_alt: String::new(),
        hero_caption: String::new(),
        hero_credit: String::new(),
        seo_title: String::new(),
        seo_description: String::new(),
        language: "en".into(),
    }
}

async fn staff_story(store: DynStore) {
    use kolokol_core::{ArticleId, Email, Role};
    store.migrate().await.unwrap();
    // Each editorial change carries its audit entry into its own transaction.
    let edit = || kolokol_core::Audit::new(None, "story.edit", "story");
    let section = store
        .add_section(&slug("news"), "News", "", 1)
        .await
        .unwrap();

    let email = Email::parse("anna@bell.example").unwrap();
    let anna = store
        .create_user(
            &email,
            "Anna Vetrova",
            Role::Editor,
            "hash-a",
            &kolokol_core::Audit::new(None, "test", ""),
            at(1),
        )
        .await
        .unwrap();
    let duplicate = store
        .create_user(
            &email,
            "Someone Else",
            Role::Author,
            "hash-b",
            &kolokol_core::Audit::new(None, "test", ""),
            at(1),
        )
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict(_))),
        "{duplicate:?}"
    );
    let namesake = store
        .create_user(
            &Email::parse("anna2@bell.example").unwrap(),
            "Anna Vetrova",
            Role::Contributor,
            "h",
            &kolokol_core::Audit::new(None, "test", ""),
            at(1),
        )
        .await
        .unwrap();
    assert_ne!(
        anna.author_id, namesake.author_id,
        "namesakes get their own author profiles"
    );
    let (found, hash) = store.user_for_login(&email).await.unwrap().unwrap();
    assert_eq!(
        (found.id, found.role, hash.as_str()),
        (anna.id, Role::Editor, "hash-a")
    );
    assert_eq!(store.users().await.unwrap().len(), 2);
    assert_eq!(store.authors().await.unwrap().len(), 2);

    store
        .create_session("token-hash", anna.id, "csrf", at(1), at(2), false)
        .await
        .unwrap();
    let session = store.session("token-hash", at(1)).await.unwrap().unwrap();
    assert_eq!(
        (
            session.user.id,
            session.csrf_token.as_str(),
            session.verified
        ),
        (anna.id, "csrf", false)
    );
    store.verify_session("token-hash").await.unwrap();
    assert!(
        store
            .session("token-hash", at(1))
            .await
            .unwrap()
            .unwrap()
            .verified
    );

    // Two-factor: a pending secret, enabled with recovery codes that work once.
    store.set_pending_totp(anna.id, "SECRET").await.unwrap();
    assert_eq!(
        store.totp_secret(anna.id).await.unwrap().as_deref(),
        Some("SECRET")
    );
    assert!(
        !store
            .user_for_login(&email)
            .await
            .unwrap()
            .unwrap()
            .0
            .two_factor,
        "pending is not on"
    );
    store
        .enable_totp(anna.id, &["h1".into(), "h2".into()], &edit(), at(2))
        .await
        .unwrap();
    assert!(
        store
            .user_for_login(&email)
            .await
            .unwrap()
            .unwrap()
            .0
            .two_factor
    );
    store.set_pending_totp(anna.id, "OTHER").await.unwrap();
    assert_eq!(
        store.totp_secret(anna.id).await.unwrap().as_deref(),
        Some("SECRET"),
        "an enabled secret is not replaced"
    );
    assert!(store.use_recovery_code(anna.id, "h1", at(1)).await.unwrap());
    assert!(
        !store.use_recovery_code(anna.id, "h1", at(1)).await.unwrap(),
        "once only"
    );
    assert!(
        !store
            .use_recovery_code(namesake.id, "h2", at(1))
            .await
            .unwrap(),
        "not someone else's"
    );
    store.disable_totp(anna.id, &edit(), at(2)).await.unwrap();
    assert!(
        !store
            .user_for_login(&email)
            .await
            .unwrap()
            .unwrap()
            .0
            .two_factor
    );
    assert_eq!(store.totp_secret(anna.id).await.unwrap(), None);
    assert!(
        !store.use_recovery_code(anna.id, "h2", at(1)).await.unwrap(),
        "codes go with it"
    );
    assert!(
        store.session("token-hash", at(3)).await.unwrap().is_none(),
        "expired sessions are gone"
    );
    store.delete_session("token-hash").await.unwrap();
    assert!(store.session("token-hash", at(1)).await.unwrap().is_none());

    // Sign-in attempts: counted as failures until forgotten, refused at the limits,
    // and a refusal records nothing.
    let attempt = |account: &'static str, address: &'static str| kolokol_store::SignInAttempt {
        account,
        address,
        recorded_address: address,
        since: at(1),
        account_limit: Some(3),
        address_limit: 4,
    };
    let mut ids = Vec::new();
    for _ in 0..3 {
        match store
            .begin_sign_in_attempt(&attempt("anna@bell.example", "10.0.0.1"), at(2))
            .await
            .unwrap()
        {
            AttemptDecision::Allowed(id) => ids.push(id),
            other => panic!("refused too early: {other:?}"),
        }
    }
    assert_eq!(
        store
            .begin_sign_in_attempt(&attempt("anna@bell.example", "10.0.0.2"), at(2))
            .await
            .unwrap(),
        AttemptDecision::AccountLocked
    );
    let mut without_account_limit = attempt("anna@bell.example", "10.0.0.2");
    without_account_limit.account_limit = None;
    assert!(matches!(
        store
            .begin_sign_in_attempt(&without_account_limit, at(2))
            .await
            .unwrap(),
        AttemptDecision::Allowed(_)
    ));
    assert!(matches!(
        store
            .begin_sign_in_attempt(&attempt("boris@bell.example", "10.0.0.1"), at(2))
            .await
            .unwrap(),
        AttemptDecision::Allowed(_)
    ));
    assert_eq!(
        store
            .begin_sign_in_attempt(&attempt("vera@bell.example", "10.0.0.1"), at(2))
            .await
            .unwrap(),
        AttemptDecision::AddressLocked,
        "four failures from one address"
    );
    store.forget_sign_in_attempt(ids[0]).await.unwrap();
    assert!(matches!(
        store
            .begin_sign_in_attempt(&attempt("vera@bell.example", "10.0.0.1"), at(2))
            .await
            .unwrap(),
        AttemptDecision::Allowed(_)
    ));
    let mut later = attempt("anna@bell.example", "10.0.0.3");
    later.since = at(3);
    assert!(
        matches!(
            store.begin_sign_in_attempt(&later, at(3)).await.unwrap(),
            AttemptDecision::Allowed(_)
        ),
        "old failures fall out of the window"
    );
    // An authenticator's step works once, and never after a later one.
    assert!(store.use_totp_step(anna.id, 100).await.unwrap());
    assert!(!store.use_totp_step(anna.id, 100).await.unwrap());
    assert!(!store.use_totp_step(anna.id, 99).await.unwrap());
    assert!(store.use_totp_step(anna.id, 101).await.unwrap());

    // The editor: create, revise, publish, rename, schedule.
    let author = anna.author_id.unwrap();
    let first = draft(
        "Ferry timetable changes",
        section.id,
        vec![author],
        &["Transport", "transport", "Regions"],
    );
    let id = store
        .save_article(None, &first, Some(anna.id), &edit(), at(1))
        .await
        .unwrap();
    let saved = store.editable_article(id).await.unwrap().unwrap();
    assert_eq!(
        saved.draft.tags,
        ["Regions", "Transport"],
        "tags that make the same slug are one tag"
    );
    assert_eq!(saved.status, ArticleStatus::Draft);
    assert!(saved.is_own(anna.id, None));
    let mut second = first.clone();
    second.body_markdown = "Second version.".into();
    store
        .save_article(Some(id), &second, Some(anna.id), &edit(), at(2))
        .await
        .unwrap();
    let revisions = store.revisions(id).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(
        revisions[0].draft.body_markdown, "Second version.",
        "newest first"
    );
    assert_eq!(revisions[1].draft.body_markdown, "First version.");
    assert_eq!(revisions[0].user_name.as_deref(), Some("Anna Vetrova"));

    let version = store.content_version().await.unwrap();
    store
        .set_publication(id, ArticleStatus::Published, Some(at(3)), &edit(), at(3))
        .await
        .unwrap();
    assert!(store.content_version().await.unwrap() > version);
    assert!(
        store
            .published_article(&slug("ferry-timetable-changes"), at(4))
            .await
            .unwrap()
            .is_some()
    );

    let mut renamed = second.clone();
    renamed.slug = slug("new-ferry-timetable");
    store
        .save_article(Some(id), &renamed, Some(anna.id), &edit(), at(4))
        .await
        .unwrap();
    assert_eq!(
        store
            .redirect_for(&slug("ferry-timetable-changes"))
            .await
            .unwrap(),
        Some(slug("new-ferry-timetable"))
    );
    // Renaming back removes the redirect that would now point at itself.
    store
        .save_article(Some(id), &second, Some(anna.id), &edit(), at(5))
        .await
        .unwrap();
    assert_eq!(
        store
            .redirect_for(&slug("ferry-timetable-changes"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .redirect_for(&slug("new-ferry-timetable"))
            .await
            .unwrap(),
        Some(slug("ferry-timetable-changes"))
    );

    let other = store
        .save_article(
            None,
            &draft("Another story", section.id, vec![author], &[]),
            Some(anna.id),
            &edit(),
            at(5),
        )
        .await
        .unwrap();
    let mut clash = second.clone();
    clash.slug = slug("another-story");
    let result = store
        .save_article(Some(id), &clash, Some(anna.id), &edit(), at(6))
        .await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(
        store.revisions(id).await.unwrap().len(),
        4,
        "a refused save leaves no revision"
    );

    store.mark_updated(id, &edit(), at(6)).await.unwrap();
    store
        .add_correction(id, "We misnamed the ferry.", &edit(), at(6))
        .await
        .unwrap();
    let corrected = store.editable_article(id).await.unwrap().unwrap();
    assert_eq!(corrected.updated_at, Some(at(6)));
    assert_eq!(corrected.corrections.len(), 1);

    // Scheduling: due articles bump the content version once they come due.
    store
        .set_publication(
            other,
            ArticleStatus::Published,
            Some(at(10)),
            &edit(),
            at(6),
        )
        .await
        .unwrap();
    store.publish_due(at(6)).await.unwrap(); // the first check also sees what came due before it
    assert!(!store.publish_due(at(7)).await.unwrap().changed);
    let before = store.content_version().await.unwrap();
    let due = store.publish_due(at(11)).await.unwrap();
    assert!(due.changed);
    assert_eq!(due.published.len(), 1, "the scheduled article, to announce");
    assert!(store.content_version().await.unwrap() > before);
    assert!(
        !store.publish_due(at(12)).await.unwrap().changed,
        "only once"
    );

    let everything = store.all_articles().await.unwrap();
    assert_eq!(everything.len(), 2);
    assert_eq!(everything[0].authors, ["Anna Vetrova"]);
    let namesakes = store
        .article_listing(
            &ListingQuery {
                own: Some((namesake.id, namesake.author_id)),
                ..ListingQuery::all(at(12))
            },
            first_page(10),
        )
        .await
        .unwrap();
    assert!(namesakes.items.is_empty());
    assert_eq!(namesakes.total, 0);
    assert!(
        store
            .editable_article(ArticleId(999_999))
            .await
            .unwrap()
            .is_none()
    );

    store
        .record_audit(
            Some(anna.id),
            "article.publish",
            "Ferry timetable changes",
            "",
            at(3),
        )
        .await
        .unwrap();
    store
        .record_audit(
            None,
            "login.failed",
            "boris@bell.example",
            "10.0.0.1",
            at(4),
        )
        .await
        .unwrap();
    let log = store.audit_log(100).await.unwrap();
    assert_eq!(log[0].action, "login.failed");
    assert_eq!(log[1].user_name.as_deref(), Some("Anna Vetrova"));
    // The section the story began with was logged as it was made, and so was every
    // editorial change that succeeded (the refused slug clash left nothing).
    assert_eq!(log.last().unwrap().action, "section.create");
    // (and the two-factor changes).
    assert_eq!(log.iter().filter(|e| e.action == "story.edit").count(), 11);
}

#[tokio::test]
async fn sqlite_tells_the_staff_story() {
    let dir = tempfile::tempdir().unwrap();
    let store = kolokol_store::connect(&format!(
        "sqlite://{}",
        dir.path().join("staff.db").display()
    ))
    .await
    .unwrap();
    staff_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_staff_story() {
    let store = kolokol_store::connect(&kolokol_testkit::postgres_database("staff").await)
        .await
        .unwrap();
    staff_story(store).await;
}

fn issue_audit() -> kolokol_core::Audit {
    kolokol_core::Audit::new(None, "newsletter.save", "issue")
}

async fn newsletter_story(store: DynStore) {
    use kolokol_core::{
        DeliveryOutcome, Email, ImportedSubscriber, IssueDraft, IssueStatus, Role, Signup,
        SignupOutcome, SubscriberStatus,
    };
    store.migrate().await.unwrap();
    // Secrets are made once and then shared.
    assert_eq!(store.secret("mail", "first").await.unwrap(), "first");
    assert_eq!(store.secret("mail", "second").await.unwrap(), "first");

    // Rate counting per address within a window.
    for n in 1..=3 {
        let count = store
            .record_signup_attempt("addr-a", at(1), at(2))
            .await
            .unwrap();
        assert_eq!(count, n);
    }
    assert_eq!(
        store
            .record_signup_attempt("addr-a", at(3), at(3))
            .await
            .unwrap(),
        1,
        "attempts before the window do not count"
    );

    let signup = |email: &str, token: &str| Signup {
        email: Email::parse(email).unwrap(),
        policy_version: "2026-01".into(),
        form: "/articles/x".into(),
        address_hash: "addr-a".into(),
        token_hash: token.into(),
        language: "en".into(),
    };
    let when = at(5);
    assert_eq!(
        store
            .subscribe(&signup("lena@reader.example", "t1"), when)
            .await
            .unwrap(),
        SignupOutcome::Confirm
    );
    // A second sign-up minutes later sends nothing more.
    assert_eq!(
        store
            .subscribe(
                &signup("lena@reader.example", "t2"),
                when + chrono::Duration::minutes(2)
            )
            .await
            .unwrap(),
        SignupOutcome::Quiet
    );
    // The first token still works; a made-up one does not.
    assert!(
        store
            .confirm_subscription("nope", when)
            .await
            .unwrap()
            .is_none()
    );
    let lena = store
        .confirm_subscription("t1", when)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lena.status, SubscriberStatus::Active);
    assert_eq!(lena.policy_version, "2026-01");
    assert_eq!(lena.form, "/articles/x");
    assert!(
        store
            .confirm_subscription("t1", when)
            .await
            .unwrap()
            .is_none(),
        "used once"
    );
    // Signing up again while active changes nothing.
    assert_eq!(
        store
            .subscribe(&signup("lena@reader.example", "t3"), at(6))
            .await
            .unwrap(),
        SignupOutcome::Quiet
    );
    // Confirmation links expire after a week.
    store
        .subscribe(&signup("late@reader.example", "t4"), at(1))
        .await
        .unwrap();
    assert!(
        store
            .confirm_subscription("t4", at(9))
            .await
            .unwrap()
            .is_none()
    );

    // An import adds confirmed readers all at once and skips known addresses.
    let imported = |email: &str| ImportedSubscriber {
        email: Email::parse(email).unwrap(),
        signed_up_at: at(1),
        confirmed_at: at(1),
        name: String::new(),
        status: kolokol_core::SubscriberStatus::Active,
        left_at: None,
        policy_version: "old-list".into(),
        form: "import".into(),
        language: "en".into(),
        stripe_customer: None,
    };
    let report = store
        .import_subscribers(
            &[
                imported("a@reader.example"),
                imported("lena@reader.example"),
                imported("b@reader.example"),
            ],
            &kolokol_core::Audit::new(None, "test", ""),
            at(6),
        )
        .await
        .unwrap();
    assert_eq!((report.added, report.skipped), (2, 1));
    let stats = store.subscriber_stats(4, at(7)).await.unwrap();
    assert_eq!((stats.active, stats.pending), (3, 1));
    assert_eq!(stats.weeks.len(), 4);
    assert_eq!(stats.weeks.iter().map(|w| w.joined).sum::<i64>(), 3);

    // An issue: drafted, edited, scheduled, sent.
    let editor = store
        .create_user(
            &Email::parse("ed@bell.example").unwrap(),
            "Ed Itor",
            Role::Editor,
            "h",
            &kolokol_core::Audit::new(None, "test", ""),
            at(1),
        )
        .await
        .unwrap();
    let section = store
        .add_section(&slug("news"), "News", "", 1)
        .await
        .unwrap();
    let first = store
        .add_article(&article("one", section.id, vec![], vec![]), at(1))
        .await
        .unwrap();
    let second = store
        .add_article(&article("two", section.id, vec![], vec![]), at(1))
        .await
        .unwrap();
    // A reader of the Russian edition gets the Russian issues, not this one.
    let russian = ImportedSubscriber {
        email: Email::parse("vera@reader.example").unwrap(),
        signed_up_at: at(5),
        confirmed_at: at(5),
        name: String::new(),
        status: kolokol_core::SubscriberStatus::Active,
        left_at: None,
        policy_version: "1".into(),
        form: "/ru/newsletter".into(),
        language: "ru".into(),
        stripe_customer: None,
    };
    store
        .import_subscribers(&[russian], &issue_audit(), at(5))
        .await
        .unwrap();
    let mut draft = IssueDraft {
        subject: "The week".into(),
        intro_md: "Hello".into(),
        full_text: false,
        article_ids: vec![second, first],
        language: "en".into(),
    };
    let id = store
        .create_issue(&draft, editor.id, &issue_audit(), at(6))
        .await
        .unwrap();
    draft.full_text = true;
    assert!(
        store
            .update_issue(id, &draft, &issue_audit(), at(6))
            .await
            .unwrap()
    );
    let issue = store.newsletter_issue(id).await.unwrap().unwrap();
    assert_eq!(issue.article_ids, [second, first], "the editors' order");
    assert!(issue.full_text);
    assert_eq!(issue.status, IssueStatus::Draft);
    assert!(
        store
            .schedule_issue(id, Some(at(8)), &issue_audit(), at(6))
            .await
            .unwrap()
    );
    assert!(store.issues_to_send(at(7)).await.unwrap().is_empty());
    assert_eq!(store.issues_to_send(at(8)).await.unwrap(), [id]);

    let version = store.content_version().await.unwrap();
    assert!(
        store
            .start_send(id, "<p>html</p>", "text", at(8))
            .await
            .unwrap()
    );
    assert!(
        !store
            .start_send(id, "<p>again</p>", "again", at(8))
            .await
            .unwrap(),
        "once"
    );
    assert!(
        store.content_version().await.unwrap() > version,
        "the archive changed"
    );
    assert!(
        !store
            .update_issue(id, &draft, &issue_audit(), at(8))
            .await
            .unwrap(),
        "frozen"
    );
    let frozen = store.frozen_issue(id).await.unwrap().unwrap();
    assert_eq!(
        (frozen.html.as_str(), frozen.issue.number),
        ("<p>html</p>", Some(1))
    );
    assert_eq!(store.delivery_progress(id).await.unwrap().pending, 3);

    // Only one process sends at a time; the lease passes on when it runs out.
    assert!(
        store
            .take_send_lease(id, "node-a", at(9), at(8))
            .await
            .unwrap()
    );
    assert!(
        !store
            .take_send_lease(id, "node-b", at(9), at(8))
            .await
            .unwrap()
    );
    assert!(
        store
            .take_send_lease(id, "node-a", at(10), at(8))
            .await
            .unwrap()
    );
    assert!(
        store
            .take_send_lease(id, "node-b", at(12), at(11))
            .await
            .unwrap()
    );

    let batch = store.pending_deliveries(id, 0, 2).await.unwrap();
    assert_eq!(batch.len(), 2);
    let rest = store
        .pending_deliveries(id, batch[1].subscriber_id, 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    store
        .record_deliveries(
            id,
            &[
                (batch[0].subscriber_id, DeliveryOutcome::Sent),
                (
                    batch[1].subscriber_id,
                    DeliveryOutcome::Rejected("550 no such user".into()),
                ),
                (
                    rest[0].subscriber_id,
                    DeliveryOutcome::Deferred("421 busy".into()),
                ),
            ],
            at(11),
        )
        .await
        .unwrap();
    let progress = store.delivery_progress(id).await.unwrap();
    assert_eq!(
        (progress.sent, progress.failed, progress.pending),
        (1, 1, 1)
    );
    let bounced = store
        .subscriber(batch[1].subscriber_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bounced.status, SubscriberStatus::Suppressed);
    assert!(bounced.reason.contains("550"));
    assert!(
        !store.finish_send(id, at(11)).await.unwrap(),
        "one is still to go"
    );
    // Deferred twice more: given up.
    for _ in 0..2 {
        store
            .record_deliveries(
                id,
                &[(
                    rest[0].subscriber_id,
                    DeliveryOutcome::Deferred("421".into()),
                )],
                at(11),
            )
            .await
            .unwrap();
    }
    assert!(store.finish_send(id, at(11)).await.unwrap());
    let sent = store.newsletter_issue(id).await.unwrap().unwrap();
    assert_eq!(sent.status, IssueStatus::Sent);
    assert_eq!(store.archive().await.unwrap().len(), 1);
    assert_eq!(store.archived_issue(1).await.unwrap().unwrap().text, "text");
    assert!(store.archived_issue(2).await.unwrap().is_none());

    // Unsubscribing and coming back through one's own link; suppression is final.
    let left = store
        .set_subscribed(batch[0].subscriber_id, false, "one-click", at(12))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(left.status, SubscriberStatus::Unsubscribed);
    let back = store
        .set_subscribed(batch[0].subscriber_id, true, "", at(12))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.status, SubscriberStatus::Active);
    let again = store
        .set_subscribed(batch[1].subscriber_id, true, "", at(12))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.status, SubscriberStatus::Suppressed);
    assert!(
        store
            .suppress(
                &back.email,
                "complaint",
                &kolokol_core::Audit::new(None, "test", ""),
                at(12)
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .suppress(
                &back.email,
                "complaint",
                &kolokol_core::Audit::new(None, "test", ""),
                at(12)
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .subscribe(&signup(back.email.as_str(), "t9"), at(13))
            .await
            .unwrap(),
        SignupOutcome::Quiet,
        "a suppressed address is never mailed again"
    );
    let all = store.subscribers(0, 100).await.unwrap();
    assert_eq!(all.len(), 5, "the Russian reader too");
    assert_eq!(store.subscribers(all[1].id, 100).await.unwrap().len(), 3);
    let latest = store.latest_subscribers(2).await.unwrap();
    assert_eq!(latest.len(), 2);
    assert!(latest[0].id > latest[1].id, "newest first");

    // Signing up again a day later, unconfirmed, mails a new link under the consent
    // given now; the first link, not a week old, no longer works.
    let first = signup("again@reader.example", "t10");
    assert_eq!(
        store.subscribe(&first, at(13)).await.unwrap(),
        SignupOutcome::Confirm
    );
    let renewed = Signup {
        policy_version: "2026-02".into(),
        language: "ru".into(),
        ..signup("again@reader.example", "t11")
    };
    assert_eq!(
        store.subscribe(&renewed, at(14)).await.unwrap(),
        SignupOutcome::Confirm
    );
    assert!(
        store
            .confirm_subscription("t10", at(14))
            .await
            .unwrap()
            .is_none()
    );
    let reader = store
        .confirm_subscription("t11", at(14))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            reader.status,
            reader.policy_version.as_str(),
            reader.language.as_str()
        ),
        (SubscriberStatus::Active, "2026-02", "ru")
    );
    // One who left and signs up again is pending until they confirm anew.
    store
        .set_subscribed(reader.id, false, "too many mails", at(15))
        .await
        .unwrap();
    assert_eq!(
        store
            .subscribe(&signup("again@reader.example", "t12"), at(16))
            .await
            .unwrap(),
        SignupOutcome::Confirm
    );
    let pending = store.subscriber(reader.id).await.unwrap().unwrap();
    assert_eq!(
        (pending.status, pending.confirmed_at),
        (SubscriberStatus::Pending, None)
    );
    let back = store
        .confirm_subscription("t12", at(16))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (back.id, back.status),
        (reader.id, SubscriberStatus::Active)
    );
}

#[tokio::test]
async fn sqlite_tells_the_newsletter_story() {
    let dir = tempfile::tempdir().unwrap();
    let store = kolokol_store::connect(&format!(
        "sqlite://{}",
        dir.path().join("newsletter.db").display()
    ))
    .await
    .unwrap();
    newsletter_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_newsletter_story() {
    let store = kolokol_store::connect(&kolokol_testkit::postgres_database("newsletter").await)
        .await
        .unwrap();
    newsletter_story(store).await;
}

async fn revenue_story(store: DynStore) {
    use kolokol_core::revenue::{EventKind, PaymentEvent};
    use kolokol_core::{Currency, Frequency, Money};
    store.migrate().await.unwrap();
    let usd = Currency::parse("USD").unwrap();
    let eur = Currency::parse("EUR").unwrap();
    let month = at(1);
    let event = |id: &str, created: DateTime<Utc>, kind: EventKind| PaymentEvent {
        id: id.into(),
        created: created.timestamp(),
        api_version: "2024-09-30.acacia".into(),
        kind,
    };
    let apply = |e: PaymentEvent| {
        let store = store.clone();
        async move {
            store
                .apply_payment_event("stripe", &e, at(20))
                .await
                .unwrap()
        }
    };
    // A one-time gift, delivered twice: counted once.
    let gift = event(
        "evt_gift",
        at(3),
        EventKind::OneTimePaid {
            payment: "pi_gift".into(),
            email: Some("Donor@Reader.example".into()),
            amount: Money::new(2500, usd),
            paid: true,
        },
    );
    assert!(apply(gift.clone()).await);
    assert!(!apply(gift).await, "a duplicate changes nothing");
    // A gift in another currency is not in the dollar meter.
    apply(event(
        "evt_eur",
        at(3),
        EventKind::OneTimePaid {
            payment: "pi_eur".into(),
            email: None,
            amount: Money::new(9900, eur),
            paid: true,
        },
    ))
    .await;
    // A bank debit still pending, then failed: never counted.
    apply(event(
        "evt_sepa",
        at(4),
        EventKind::OneTimePaid {
            payment: "pi_sepa".into(),
            email: None,
            amount: Money::new(7000, usd),
            paid: false,
        },
    ))
    .await;
    apply(event(
        "evt_sepa_failed",
        at(5),
        EventKind::AsyncPayment {
            payment: "pi_sepa".into(),
            succeeded: false,
            email: None,
            amount: None,
        },
    ))
    .await;
    let funding = store.funding("USD", month).await.unwrap();
    assert_eq!(
        (funding.once_this_month_minor, funding.recurring_minor),
        (2500, 0)
    );

    // A monthly gift whose events arrive out of order: the invoice first, then the
    // checkout, then an older "updated" that must not undo a newer state.
    apply(event(
        "evt_inv1",
        at(6),
        EventKind::InvoicePaid {
            payment: "pi_inv1".into(),
            payment_intent: None,
            subscription: "sub_m".into(),
            email: Some("monthly@reader.example".into()),
            amount: Money::new(1000, usd),
        },
    ))
    .await;
    apply(event(
        "evt_start",
        at(6),
        EventKind::SubscriptionStarted {
            subscription: "sub_m".into(),
            email: Some("monthly@reader.example".into()),
            amount: Money::new(1000, usd),
            frequency: Frequency::Monthly,
        },
    ))
    .await;
    // An annual gift counts a twelfth.
    apply(event(
        "evt_year",
        at(7),
        EventKind::SubscriptionStarted {
            subscription: "sub_y".into(),
            email: Some("yearly@reader.example".into()),
            amount: Money::new(12_000, usd),
            frequency: Frequency::Annual,
        },
    ))
    .await;
    let funding = store.funding("USD", month).await.unwrap();
    assert_eq!(
        (funding.recurring_minor, funding.recurring_supporters),
        (2000, 2)
    );
    assert_eq!(
        funding.total_minor(),
        4500,
        "recurring payments are not one-time gifts"
    );

    // The monthly gift is raised to $15; an older "past due" arrives late and is ignored.
    apply(event(
        "evt_raise",
        at(9),
        EventKind::SubscriptionUpdated {
            subscription: "sub_m".into(),
            status: "active".into(),
            amount: Some(Money::new(1500, usd)),
            frequency: Some(Frequency::Monthly),
        },
    ))
    .await;
    apply(event(
        "evt_late",
        at(8),
        EventKind::InvoiceFailed {
            subscription: "sub_m".into(),
        },
    ))
    .await;
    assert_eq!(
        store.funding("USD", month).await.unwrap().recurring_minor,
        2500
    );
    // A failed renewal stops counting until it is paid again.
    apply(event(
        "evt_fail",
        at(10),
        EventKind::InvoiceFailed {
            subscription: "sub_y".into(),
        },
    ))
    .await;
    assert_eq!(
        store.funding("USD", month).await.unwrap().recurring_minor,
        1500
    );
    // Cancelled, then a stale "active" update: it stays cancelled.
    apply(event(
        "evt_end",
        at(11),
        EventKind::SubscriptionEnded {
            subscription: "sub_m".into(),
        },
    ))
    .await;
    apply(event(
        "evt_stale",
        at(12),
        EventKind::SubscriptionUpdated {
            subscription: "sub_m".into(),
            status: "active".into(),
            amount: None,
            frequency: None,
        },
    ))
    .await;
    assert_eq!(
        store.funding("USD", month).await.unwrap().recurring_minor,
        0
    );

    // A refund that arrives before its payment: once the payment arrives it stays refunded.
    apply(event(
        "evt_refund",
        at(13),
        EventKind::Refunded {
            payment: "pi_later".into(),
            invoice: None,
        },
    ))
    .await;
    apply(event(
        "evt_later",
        at(12),
        EventKind::OneTimePaid {
            payment: "pi_later".into(),
            email: None,
            amount: Money::new(5000, usd),
            paid: true,
        },
    ))
    .await;
    apply(event(
        "evt_refund_gift",
        at(14),
        EventKind::Refunded {
            payment: "pi_gift".into(),
            invoice: None,
        },
    ))
    .await;
    assert_eq!(
        store
            .funding("USD", month)
            .await
            .unwrap()
            .once_this_month_minor,
        0
    );
    // A dispute takes a gift out of the meter too.
    apply(event(
        "evt_gift2",
        at(15),
        EventKind::OneTimePaid {
            payment: "pi_gift2".into(),
            email: None,
            amount: Money::new(1200, usd),
            paid: true,
        },
    ))
    .await;
    assert_eq!(
        store
            .funding("USD", month)
            .await
            .unwrap()
            .once_this_month_minor,
        1200
    );
    apply(event(
        "evt_dispute",
        at(16),
        EventKind::Disputed {
            payment: "pi_gift2".into(),
            invoice: None,
        },
    ))
    .await;
    assert_eq!(
        store
            .funding("USD", month)
            .await
            .unwrap()
            .once_this_month_minor,
        0
    );
    let payments = store.payments_since(at(1)).await.unwrap();
    assert!(
        payments
            .iter()
            .any(|p| p.provider_id == "pi_gift2" && p.status == "disputed")
    );
    assert_eq!(store.subscriptions().await.unwrap().len(), 2);
    // Unknown kinds are recorded and otherwise ignored.
    assert!(
        apply(event(
            "evt_x",
            at(15),
            EventKind::Ignored {
                kind: "customer.created".into()
            }
        ))
        .await
    );
}

#[tokio::test]
async fn sqlite_tells_the_revenue_story() {
    let dir = tempfile::tempdir().unwrap();
    let store = kolokol_store::connect(&format!(
        "sqlite://{}",
        dir.path().join("revenue.db").display()
    ))
    .await
    .unwrap();
    revenue_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_revenue_story() {
    let store = kolokol_store::connect(&kolokol_testkit::postgres_database("revenue").await)
        .await
        .unwrap();
    revenue_story(store).await;
}

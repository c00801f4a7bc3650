//! The site's shape made in the newsroom (sections, tags, author profiles), as a
//! new site's editor does it from an empty database.

use kolokol_core::Role;

use kolokol_testkit::fixtures::Fixtures;

use crate::common::{StaffSession, TestApp, select, text_of};

fn page(html: &str) -> scraper::Html {
    scraper::Html::parse_document(html)
}

/// Creates a section through the form; returns its id from the list.
async fn create(staff: &StaffSession, fields: &[(&str, &str)]) -> i64 {
    let response = staff.post("/admin/sections", fields).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    assert_eq!(
        response.headers()["location"],
        "/admin/sections?done=created"
    );
    let name = fields.iter().find(|(k, _)| *k == "name").unwrap().1;
    let list = page(&staff.get("/admin/sections").await.text().await.unwrap());
    let link = select(&list, "table.listing a[href^='/admin/sections/']")
        .into_iter()
        .find(|a| a.text().collect::<String>() == name)
        .unwrap_or_else(|| panic!("{name} is not listed"));
    let href = link.value().attr("href").unwrap();
    href.rsplit('/').next().unwrap().parse().unwrap()
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[tokio::test]
async fn an_editor_sets_up_sections_on_an_empty_site_and_old_addresses_keep_working() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Editor, "Vera Editor").await;

    // An empty site says what sections are for, and the editor has nothing to choose.
    let empty = page(&editor.get("/admin/sections").await.text().await.unwrap());
    assert!(text_of(&empty, "main").contains("no sections yet"));
    let editor_page = editor
        .get("/admin/articles/new")
        .await
        .text()
        .await
        .unwrap();
    assert!(select(&page(&editor_page), "select#section option[value='1']").is_empty());

    // A bad form comes back with a message beside each field, and nothing is made.
    let refused = editor
        .post(
            "/admin/sections",
            &[("name", ""), ("slug", "Not Good"), ("position", "first")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let refused = page(&refused.text().await.unwrap());
    for field in ["name", "slug", "position"] {
        assert!(
            !text_of(&refused, &format!("#{field}-error")).is_empty(),
            "{field}"
        );
    }
    assert!(app.store.section_records().await.unwrap().is_empty());

    // Sections made from names alone (Cyrillic transliterated), in menu order.
    let politics = create(
        &editor,
        &[("name", "Политика"), ("position", "2"), ("in_menu", "on")],
    )
    .await;
    let world = create(
        &editor,
        &[
            ("name", "World"),
            ("slug", "world"),
            ("position", "1"),
            ("description", "News from everywhere else"),
            ("in_menu", "on"),
        ],
    )
    .await;
    let archive = create(&editor, &[("name", "Archive notes"), ("position", "3")]).await;
    let taken = editor
        .post(
            "/admin/sections",
            &[("name", "World again"), ("slug", "world")],
        )
        .await;
    assert_eq!(taken.status(), 422);
    assert!(
        text_of(&page(&taken.text().await.unwrap()), "#slug-error")
            .contains("Another section already uses this address")
    );

    // The site's menu lists those in the menu, in order; the hidden one still has its page.
    let home = page(&app.get("/").await.text().await.unwrap());
    let menu: Vec<String> = select(&home, "nav.sections a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    // (The archive of everything and the search close the menu.)
    assert_eq!(menu, ["World", "Политика", "Archive", "Search"]);
    assert_eq!(app.get("/sections/politika").await.status(), 200);
    assert_eq!(app.get("/sections/archive-notes").await.status(), 200);

    // An article goes into a section the newsroom made, and is published.
    let author = editor.user.author_id.unwrap().to_string();
    let saved = editor
        .post(
            "/admin/articles",
            &[
                ("headline", "Border crossings reopen"),
                ("body", "The crossings opened at dawn."),
                ("section", &world.to_string()),
                ("authors", &author),
                ("tags", "Borders, Travel"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let article_path = location(&saved).split('?').next().unwrap().to_owned();
    let published = editor
        .post(
            &format!("{article_path}/publication"),
            &[("action", "publish")],
        )
        .await;
    assert_eq!(published.status(), 303);

    // Renaming the section moves it; the old address (and its feed) answer 301.
    let renamed = editor
        .post(
            &format!("/admin/sections/{world}"),
            &[
                ("name", "The world"),
                ("slug", "the-world"),
                ("position", "1"),
                ("in_menu", "on"),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    let old = app.get("/sections/world").await;
    assert_eq!(old.status(), 301);
    assert_eq!(location(&old), "the-world");
    let old_feed = app.get("/sections/world/feed.xml").await;
    assert_eq!(old_feed.status(), 301);
    assert_eq!(location(&old_feed), "../the-world/feed.xml");
    let list = page(&app.get("/sections/the-world").await.text().await.unwrap());
    assert!(text_of(&list, "main").contains("Border crossings reopen"));
    assert_eq!(app.get("/sections/never-was").await.status(), 404);

    // A section with articles is not deleted until they have somewhere to go.
    let refused = editor
        .post(&format!("/admin/sections/{world}/delete"), &[])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        text_of(&page(&refused.text().await.unwrap()), ".error-summary")
            .contains("still holds 1 article")
    );
    let moved = editor
        .post(
            &format!("/admin/sections/{world}/delete"),
            &[("move_to", &politics.to_string())],
        )
        .await;
    assert_eq!(moved.status(), 303);
    let gone = app.get("/sections/the-world").await;
    assert_eq!(gone.status(), 301);
    assert_eq!(location(&gone), "politika");
    let list = page(&app.get("/sections/politika").await.text().await.unwrap());
    assert!(text_of(&list, "main").contains("Border crossings reopen"));
    // An empty one goes at once.
    let deleted = editor
        .post(&format!("/admin/sections/{archive}/delete"), &[])
        .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(app.get("/sections/archive-notes").await.status(), 404);

    // Tags: listed with counts, renamed (old address redirects), merged, deleted.
    let tags = page(&editor.get("/admin/tags").await.text().await.unwrap());
    let rows: Vec<String> = select(&tags, "table.listing tbody tr")
        .iter()
        .map(|r| {
            r.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(rows, ["Borders /tags/borders 1", "Travel /tags/travel 1"]);
    let records = app.store.tag_records().await.unwrap();
    let (borders, travel) = (records[0].id, records[1].id);
    let renamed = editor
        .post(
            &format!("/admin/tags/{borders}"),
            &[
                ("action", "rename"),
                ("name", "Border crossings"),
                ("slug", ""),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    let old = app.get("/tags/borders").await;
    assert_eq!(old.status(), 301);
    assert_eq!(location(&old), "border-crossings");
    let merged = editor
        .post(
            &format!("/admin/tags/{travel}"),
            &[("action", "merge"), ("into", &borders.to_string())],
        )
        .await;
    assert_eq!(merged.status(), 303);
    assert_eq!(location(&app.get("/tags/travel").await), "border-crossings");
    let deleted = editor
        .post(&format!("/admin/tags/{borders}"), &[("action", "delete")])
        .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(app.get("/tags/border-crossings").await.status(), 404);
    assert!(app.store.tag_records().await.unwrap().is_empty());

    // Every change is in the audit log, by name.
    let admin = app.sign_in(Role::Admin, "Site Admin").await;
    let audit = page(&admin.get("/admin/audit").await.text().await.unwrap());
    let log = text_of(&audit, "main");
    for action in [
        "section.create",
        "section.update",
        "section.delete",
        "tag.rename",
        "tag.merge",
        "tag.delete",
    ] {
        assert!(log.contains(action), "{action} missing from the audit log");
    }
    assert!(log.contains("Vera Editor"));
}

#[tokio::test]
async fn authors_and_contributors_cannot_reshape_the_site() {
    let app = TestApp::empty().await;
    for role in [Role::Contributor, Role::Author] {
        let staff = app.sign_in(role, &format!("A {role}")).await;
        assert_eq!(staff.get("/admin/sections").await.status(), 403);
        assert_eq!(staff.get("/admin/tags").await.status(), 403);
        let refused = staff
            .post("/admin/sections", &[("name", "Mine"), ("in_menu", "on")])
            .await;
        assert_eq!(refused.status(), 403);
        let nav = page(&staff.get("/admin").await.text().await.unwrap());
        assert!(select(&nav, "a[href='/admin/sections']").is_empty());
    }
    assert!(app.store.section_records().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_new_sites_admin_is_shown_what_to_set_up_until_the_first_article() {
    let app = TestApp::empty().await;
    let admin = app.sign_in(Role::Admin, "First Admin").await;
    let steps = |html: &str| -> Vec<(String, String)> {
        let home = page(html);
        select(&home, ".setup-steps li")
            .iter()
            .map(|li| {
                let text: String = li.text().collect();
                let state = li.value().attr("class").unwrap().to_owned();
                (text.split_whitespace().collect::<Vec<_>>().join(" "), state)
            })
            .collect()
    };
    let first = steps(&admin.get("/admin").await.text().await.unwrap());
    let find = |steps: &[(String, String)], title: &str| {
        steps
            .iter()
            .find(|(text, _)| text.starts_with(title))
            .unwrap_or_else(|| panic!("{title} not listed in {steps:?}"))
            .clone()
    };
    assert_eq!(find(&first, "Create the first sections").1, "to-do");
    assert_eq!(find(&first, "Monthly goal and currency").1, "to-do");
    assert!(
        find(&first, "Monthly goal and currency")
            .0
            .contains("revenue.monthly_goal")
    );
    assert_eq!(find(&first, "Outgoing mail").1, "to-do");
    let home = page(&admin.get("/admin").await.text().await.unwrap());
    assert_eq!(
        select(&home, ".setup-steps a[href='/admin/sections']").len(),
        1
    );

    let section = create(&admin, &[("name", "News"), ("in_menu", "on")]).await;
    let later = steps(&admin.get("/admin").await.text().await.unwrap());
    assert_eq!(find(&later, "Create the first sections").1, "done");

    // Editors are not shown the admin's list; once something is written it is gone.
    let editor = app.sign_in(Role::Editor, "An Editor").await;
    assert!(steps(&editor.get("/admin").await.text().await.unwrap()).is_empty());
    let author = admin.user.author_id.unwrap().to_string();
    let saved = admin
        .post(
            "/admin/articles",
            &[
                ("headline", "First"),
                ("section", &section.to_string()),
                ("authors", &author),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert!(steps(&admin.get("/admin").await.text().await.unwrap()).is_empty());
}

#[tokio::test]
async fn an_editor_makes_a_guest_profile_with_a_photo_and_credits_it() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Editor, "Profile Editor").await;
    let photo = app
        .store
        .add_image(
            &kolokol_core::NewImage {
                path: "2026/11/volkova.jpg".into(),
                width: 800,
                height: 800,
                mime: "image/jpeg".into(),
                variants: vec![],
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let refused = editor
        .post(
            "/admin/authors",
            &[
                ("name", "Irina Volkova"),
                ("links", "Feed | javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(text_of(&page(&refused.text().await.unwrap()), "#links-error").contains("https://"));
    let created = editor
        .post(
            "/admin/authors",
            &[
                ("name", "Irina Volkova"),
                ("title", "Guest columnist"),
                ("bio", "Writes about *courts* and prisons."),
                ("photo", &photo.to_string()),
                ("links", "Website | https://volkova.example"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let records = app.store.author_records().await.unwrap();
    let guest = records
        .iter()
        .find(|r| r.author.name == "Irina Volkova")
        .unwrap();
    assert_eq!(guest.account, None);

    // Credited on an article, the guest's page shows the photo, the biography and links.
    let section = create(&editor, &[("name", "Opinion"), ("in_menu", "on")]).await;
    let saved = editor
        .post(
            "/admin/articles",
            &[
                ("headline", "Why the courts matter"),
                ("body", "Because they decide."),
                ("section", &section.to_string()),
                ("authors", &guest.author.id.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let article = location(&saved).split('?').next().unwrap().to_owned();
    let published = editor
        .post(&format!("{article}/publication"), &[("action", "publish")])
        .await;
    assert_eq!(published.status(), 303);
    let profile = page(
        &app.get("/authors/irina-volkova")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(text_of(&profile, ".profile .bio em"), "courts");
    let src = select(&profile, ".profile-photo")[0]
        .value()
        .attr("src")
        .unwrap()
        .to_owned();
    assert_eq!(
        crate::common::resolve("/authors/irina-volkova", &src),
        "/media/2026/11/volkova.jpg"
    );
    assert_eq!(
        select(&profile, ".profile-links a")[0].value().attr("href"),
        Some("https://volkova.example")
    );
    assert!(text_of(&profile, "main").contains("Why the courts matter"));
    let article_page = page(
        &app.get("/articles/why-the-courts-matter")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(text_of(&article_page, ".byline").contains("Irina Volkova"));

    // Tied to a staff account later, edited with a new title.
    let columnist = app.sign_in(Role::Author, "Irina Staff").await;
    let saved = editor
        .post(
            &format!("/admin/authors/{}", guest.author.id),
            &[
                ("name", "Irina Volkova"),
                ("slug", "irina-volkova"),
                ("title", "Columnist"),
                ("bio", "Writes about *courts*."),
                ("photo", &photo.to_string()),
                ("account", &columnist.user.id.0.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let record = app
        .store
        .author_record(guest.author.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.account.map(|(id, _)| id), Some(columnist.user.id.0));
    assert_eq!(record.author.title, "Columnist");
    let list = page(&editor.get("/admin/authors").await.text().await.unwrap());
    assert!(text_of(&list, "table.listing").contains("Irina Staff"));
    // Authors and contributors may not edit profiles.
    assert_eq!(columnist.get("/admin/authors").await.status(), 403);
}

#[tokio::test]
async fn an_editor_writes_an_about_page_placed_in_the_footer() {
    let app = TestApp::empty().await;
    let editor = app.sign_in(Role::Editor, "Page Editor").await;
    assert_eq!(app.get("/pages/o-redaktsii").await.status(), 404);
    let refused = editor
        .post("/admin/pages", &[("title", ""), ("placement", "side")])
        .await;
    assert_eq!(refused.status(), 422);
    let created = editor
        .post(
            "/admin/pages",
            &[
                ("title", "О редакции"),
                ("body", "Мы — *независимая* редакция."),
                ("placement", "footer"),
                ("position", "1"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let edit = location(&created).split('?').next().unwrap().to_owned();
    // A draft: previewable by staff, not on the site.
    assert_eq!(app.get("/pages/o-redaktsii").await.status(), 404);
    let preview = editor.get(&format!("{edit}/preview")).await;
    assert_eq!(preview.status(), 200);
    assert_eq!(preview.headers()["x-robots-tag"], "noindex");
    let published = editor
        .post(&format!("{edit}/publication"), &[("action", "publish")])
        .await;
    assert_eq!(published.status(), 303);
    let public = page(&app.get("/pages/o-redaktsii").await.text().await.unwrap());
    assert_eq!(text_of(&public, "h1"), "О редакции");
    assert_eq!(text_of(&public, ".standing-page .body em"), "независимая");
    let home = page(&app.get("/").await.text().await.unwrap());
    let footer: Vec<String> = select(&home, "footer a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(footer.contains(&"О редакции".to_owned()), "{footer:?}");
    // Moved to the menu by a second save, which the revisions compare.
    let saved = editor
        .post(
            &edit,
            &[
                ("title", "О редакции"),
                ("slug", "o-redaktsii"),
                ("body", "Мы — независимая редакция в изгнании."),
                ("placement", "menu"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let home = page(&app.get("/").await.text().await.unwrap());
    let menu: Vec<String> = select(&home, "nav.sections a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(menu.contains(&"О редакции".to_owned()), "{menu:?}");
    let revisions = page(
        &editor
            .get(&format!("{edit}/revisions"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let added: Vec<String> = select(&revisions, ".diff-added")
        .iter()
        .map(|l| l.text().collect())
        .collect();
    assert!(added.iter().any(|l| l.contains("в изгнании")), "{added:?}");
    assert!(
        added.iter().any(|l| l.contains("Linked from: the menu")),
        "{added:?}"
    );
    // Not in the feeds or the sitemap: pages are not news.
    assert!(!app.text("/feed.xml").await.contains("/pages/"));
    // Withdrawn, it answers 404 again and leaves the menu.
    let withdrawn = editor
        .post(&format!("{edit}/publication"), &[("action", "withdraw")])
        .await;
    assert_eq!(withdrawn.status(), 303);
    assert_eq!(app.get("/pages/o-redaktsii").await.status(), 404);
    let author = app.sign_in(Role::Author, "Page Author").await;
    assert_eq!(author.get("/admin/pages").await.status(), 403);
    assert_eq!(
        author
            .post("/admin/pages", &[("title", "Mine")])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn an_editor_pins_the_lead_and_featured_stories_until_a_time() {
    let app = TestApp::empty().await;
    app.publish("An older investigation", "Months of work.")
        .await;
    app.publish("A quieter story", "Also worth reading.").await;
    app.publish("The newest brief", "Just in.").await;
    let editor = app.sign_in(Role::Editor, "Front Editor").await;
    let id_of = |headline: &'static str| {
        let app = &app;
        async move {
            app.store
                .all_articles()
                .await
                .unwrap()
                .into_iter()
                .find(|a| a.headline == headline)
                .unwrap()
                .id
                .0
        }
    };
    let lead_of = |html: &str| text_of(&page(html), ".lead-headline");
    assert_eq!(lead_of(&app.text("/").await), "The newest brief");

    let older = id_of("An older investigation").await;
    let quieter = id_of("A quieter story").await;
    let pinned = editor
        .post(
            &format!("/admin/articles/{older}/front"),
            &[("slot", "lead"), ("until", "")],
        )
        .await;
    assert_eq!(pinned.status(), 303);
    let featured = editor
        .post(
            &format!("/admin/articles/{quieter}/front"),
            &[("slot", "featured"), ("until", "2099-01-01T09:00")],
        )
        .await;
    assert_eq!(featured.status(), 303);
    let front = app.text("/").await;
    assert_eq!(lead_of(&front), "An older investigation");
    let html = page(&front);
    assert!(text_of(&html, ".featured").contains("A quieter story"));
    let latest = text_of(&html, ".latest");
    assert!(latest.contains("The newest brief"));
    assert!(!latest.contains("A quieter story") && !latest.contains("An older investigation"));
    // The editor shows the pin as it is.
    let form = page(
        &editor
            .get(&format!("/admin/articles/{quieter}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        select(&form, "#slot option[selected]")[0]
            .value()
            .attr("value"),
        Some("featured")
    );
    assert_eq!(
        select(&form, "#until")[0].value().attr("value"),
        Some("2099-01-01T09:00")
    );
    // An end in the past is refused beside its field; nothing changes.
    let past = editor
        .post(
            &format!("/admin/articles/{older}/front"),
            &[("slot", "lead"), ("until", "2001-01-01T09:00")],
        )
        .await;
    assert_eq!(past.status(), 422);
    assert!(text_of(&page(&past.text().await.unwrap()), "#until-error").contains("passed"));
    // Unpinned, the newest leads again.
    let unpinned = editor
        .post(
            &format!("/admin/articles/{older}/front"),
            &[("slot", ""), ("until", "")],
        )
        .await;
    assert_eq!(unpinned.status(), 303);
    assert_eq!(lead_of(&app.text("/").await), "The newest brief");
    let author = app.sign_in(Role::Author, "Front Author").await;
    let refused = author
        .post(
            &format!("/admin/articles/{older}/front"),
            &[("slot", "lead")],
        )
        .await;
    assert_eq!(refused.status(), 403);
}

//! Leaving: the whole newsroom's content as a file Ghost imports (Settings → Labs →
//! Import content): every article and standing page in every state, with its
//! authors, section and tags, so nothing is locked in. Sections become each post's
//! first (primary) tag; a text's language becomes an internal tag (`#lang-ru`), since
//! Ghost keeps one language per site; bodies are HTML with absolute links.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kolokol_core::{ArticleStatus, SiteConfig};
use kolokol_render::{feeds, markdown, urls};
use kolokol_store::{DynStore, StoreError};
use serde_json::{Value, json};

/// The Ghost version whose import format this writes.
const GHOST_VERSION: &str = "5.0.0";

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The Markdown as Ghost's Lexical document of one Markdown card: Ghost shows it
/// as written, and a Kolokol import takes it back unchanged.
fn markdown_card(markdown: &str) -> String {
    json!({"root": {
        "children": [{"type": "markdown", "version": 1, "markdown": markdown}],
        "direction": null, "format": "", "indent": 0, "type": "root", "version": 1
    }})
    .to_string()
}

/// Tags by slug, numbered as they are first met.
#[derive(Default)]
struct Tags {
    by_slug: BTreeMap<String, (usize, Value)>,
}

impl Tags {
    /// The id of the tag at `slug`, made with `name` and `description` if new.
    fn id(&mut self, slug: &str, name: &str, description: &str) -> String {
        let next = self.by_slug.len() + 1;
        let (number, _) = self.by_slug.entry(slug.to_owned()).or_insert_with(|| {
            let tag = json!({
                "id": format!("tag-{next}"),
                "name": name,
                "slug": slug,
                "description": if description.is_empty() { Value::Null } else { description.into() },
                "visibility": if name.starts_with('#') { "internal" } else { "public" },
            });
            (next, tag)
        });
        format!("tag-{number}")
    }

    fn into_values(self) -> Vec<Value> {
        let mut tags: Vec<(usize, Value)> = self.by_slug.into_values().collect();
        tags.sort_by_key(|(number, _)| *number);
        tags.into_iter().map(|(_, tag)| tag).collect()
    }
}

/// The Ghost import file for everything the store holds; `site` gives the
/// addresses that links and pictures are made absolute against.
pub async fn ghost_json(
    store: &DynStore,
    site: &SiteConfig,
    now: DateTime<Utc>,
) -> Result<Value, StoreError> {
    let base = site.base();
    let mut tags = Tags::default();
    let mut posts = Vec::new();
    let mut posts_meta = Vec::new();
    let mut posts_tags = Vec::new();
    let mut posts_authors = Vec::new();

    let mut users = Vec::new();
    for record in store.author_records().await? {
        let author = record.author;
        let photo = match author.photo_image_id {
            Some(id) => store
                .image(id)
                .await?
                .map(|i| urls::absolute(base, &urls::media(&i.path))),
            None => None,
        };
        users.push(json!({
                "id": format!("author-{}", author.id),
                "name": author.name,
                "slug": author.slug.as_str(),
                // Ghost needs an address; a guest byline has none of its own.
                "email": format!("{}@authors.invalid", author.slug.as_str()),
                "bio": if author.bio.is_empty() { Value::Null } else { author.bio.into() },
                "website": author.links.first().map(|l| l.url.clone()),
                "profile_image": photo,
                "status": "active",
        }));
    }
    let sections = store.sections().await?;

    // Every article, drafts included.
    let ids = store.article_ids().await?;
    for id in ids {
        let Some(article) = store.editable_article(id).await? else {
            continue;
        };
        let draft = &article.draft;
        let post_id = format!("post-{}", id.0);
        let status = match (article.status, article.published_at) {
            (ArticleStatus::Published, Some(at)) if at > now => "scheduled",
            (ArticleStatus::Published, _) => "published",
            (ArticleStatus::Draft, _) => "draft",
        };
        let image = match draft.hero_image_id {
            Some(image) => store
                .image(image)
                .await?
                .map(|i| urls::absolute(base, &urls::media(&i.path))),
            None => None,
        };
        let html = feeds::absolutize(&markdown::to_html(&draft.body_markdown), base);
        posts.push(json!({
            "id": post_id,
            "title": draft.headline,
            "slug": draft.slug.as_str(),
            "html": html,
            "lexical": markdown_card(&draft.body_markdown),
            "feature_image": image,
            "featured": 0,
            "type": "post",
            "status": status,
            "visibility": "public",
            "created_at": time(article.modified_at),
            "updated_at": time(article.modified_at),
            "published_at": article.published_at.map(time),
            "custom_excerpt": if draft.dek.is_empty() { Value::Null } else { draft.dek.clone().into() },
        }));
        posts_meta.push(json!({
            "post_id": post_id,
            "meta_title": if draft.seo_title.is_empty() { Value::Null } else { draft.seo_title.clone().into() },
            "meta_description": if draft.seo_description.is_empty() { Value::Null } else { draft.seo_description.clone().into() },
            "feature_image_alt": if draft.hero_alt.is_empty() { Value::Null } else { draft.hero_alt.clone().into() },
            "feature_image_caption": if draft.hero_caption.is_empty() { Value::Null } else { draft.hero_caption.clone().into() },
        }));
        // The section first: Ghost's primary tag.
        let mut tag_ids = Vec::new();
        if let Some(section) = sections.iter().find(|s| s.id == draft.section_id) {
            tag_ids.push(tags.id(section.slug.as_str(), &section.name, &section.description));
        }
        for name in &draft.tags {
            if let Ok(slug) = kolokol_core::Slug::from_title(name) {
                tag_ids.push(tags.id(slug.as_str(), name, ""));
            }
        }
        let language = format!("#lang-{}", draft.language.to_lowercase());
        tag_ids.push(tags.id(
            &format!("hash-lang-{}", draft.language.to_lowercase()),
            &language,
            "",
        ));
        tag_ids.dedup();
        for (order, tag_id) in tag_ids.into_iter().enumerate() {
            posts_tags.push(json!({ "post_id": post_id, "tag_id": tag_id, "sort_order": order }));
        }
        for (order, author) in draft.author_ids.iter().enumerate() {
            posts_authors.push(json!({
                "post_id": post_id,
                "author_id": format!("author-{author}"),
                "sort_order": order,
            }));
        }
    }

    // Standing pages are Ghost's pages.
    for page in store.page_records().await? {
        let post_id = format!("page-{}", page.id);
        posts.push(json!({
            "id": post_id,
            "title": page.draft.title,
            "slug": page.draft.slug.as_str(),
            "html": feeds::absolutize(&markdown::to_html(&page.draft.body_markdown), base),
            "lexical": markdown_card(&page.draft.body_markdown),
            "feature_image": Value::Null,
            "featured": 0,
            "type": "page",
            "status": if page.published { "published" } else { "draft" },
            "visibility": "public",
            "created_at": time(page.modified_at),
            "updated_at": time(page.modified_at),
            "published_at": page.published_at.map(time),
            "custom_excerpt": Value::Null,
        }));
        let language = format!("#lang-{}", page.draft.language.to_lowercase());
        let tag_id = tags.id(
            &format!("hash-lang-{}", page.draft.language.to_lowercase()),
            &language,
            "",
        );
        posts_tags.push(json!({ "post_id": post_id, "tag_id": tag_id, "sort_order": 0 }));
    }

    Ok(json!({
        "db": [{
            "meta": {
                "exported_on": now.timestamp_millis(),
                "version": GHOST_VERSION,
            },
            "data": {
                "posts": posts,
                "posts_meta": posts_meta,
                "tags": tags.into_values(),
                "posts_tags": posts_tags,
                "users": users,
                "posts_authors": posts_authors,
                "settings": [
                    { "key": "title", "value": site.title },
                    { "key": "description", "value": site.tagline },
                    { "key": "locale", "value": site.language },
                    { "key": "timezone", "value": site.timezone },
                ],
            },
        }],
    }))
}

//! Posts, pages, authors and tags as the Content API shows them, and the
//! field values its filters read.

use super::*;

/// A post or page as the API shows it, and as filters read it.
pub(super) struct Entry {
    id: String,
    title: String,
    slug: String,
    markdown: String,
    dek: String,
    published_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    authors: Vec<Author>,
    /// (id, slug, name, url path): the section first, as Ghost's primary tag.
    tags: Vec<(String, String, String, String)>,
    hero: Option<(String, String, String)>,
    featured: bool,
    seo_title: String,
    seo_description: String,
    path: String,
    reading_minutes: u32,
    page: bool,
}

impl Fields for Entry {
    fn values(&self, field: &str) -> Vec<String> {
        match field {
            "id" => vec![self.id.clone()],
            "slug" => vec![self.slug.clone()],
            "title" => vec![self.title.clone()],
            "tag" | "tags" | "tags.slug" => self.tags.iter().map(|t| t.1.clone()).collect(),
            "primary_tag" | "primary_tag.slug" => {
                self.tags.first().map(|t| t.1.clone()).into_iter().collect()
            }
            "author" | "authors" | "authors.slug" => {
                self.authors.iter().map(|a| a.slug.to_string()).collect()
            }
            "primary_author" | "primary_author.slug" => self
                .authors
                .first()
                .map(|a| a.slug.to_string())
                .into_iter()
                .collect(),
            "featured" => vec![self.featured.to_string()],
            "published_at" => vec![time(self.published_at)],
            "updated_at" => vec![time(self.updated_at)],
            "visibility" => vec!["public".into()],
            "status" => vec!["published".into()],
            "type" => vec![if self.page { "page" } else { "post" }.into()],
            _ => Vec::new(),
        }
    }
}

impl Entry {
    fn of_article(article: &Article, featured: bool, prefix: &str) -> Self {
        let summary = &article.summary;
        let mut tags = vec![(
            format!("section-{}", summary.section.id),
            summary.section.slug.to_string(),
            summary.section.name.clone(),
            urls::section(summary.section.slug.as_str()),
        )];
        tags.extend(article.tags.iter().map(|t| {
            (
                format!("tag-{}", t.id),
                t.slug.to_string(),
                t.name.clone(),
                urls::tag(t.slug.as_str()),
            )
        }));
        Self {
            id: summary.id.0.to_string(),
            title: summary.headline.clone(),
            slug: summary.slug.to_string(),
            markdown: article.body_markdown.clone(),
            dek: summary.dek.clone(),
            published_at: summary.published_at,
            updated_at: summary.modified_at,
            authors: summary.authors.clone(),
            tags,
            hero: summary
                .hero
                .as_ref()
                .map(|h| (urls::media(&h.path), h.alt.clone(), h.caption.clone())),
            featured,
            seo_title: article.seo_title.clone(),
            seo_description: article.seo_description.clone(),
            path: format!("{prefix}{}", urls::article(summary.slug.as_str())),
            reading_minutes: summary.reading_minutes,
            page: false,
        }
    }

    pub(super) fn json(&self, ask: &Ask, base: &str) -> Value {
        let html = feeds::absolutize(&markdown::to_html(&self.markdown), base);
        let plain = markdown::to_plain_text(&self.markdown);
        let excerpt = if self.dek.is_empty() {
            plain.chars().take(500).collect()
        } else {
            self.dek.clone()
        };
        let mut post = json!({
            "id": self.id,
            "uuid": format!("00000000-0000-4000-8000-{:012x}", self.id.parse::<u64>().unwrap_or_default() + if self.page { 1 << 40 } else { 0 }),
            "title": self.title,
            "slug": self.slug,
            "comment_id": self.id,
            "feature_image": self.hero.as_ref().map(|h| urls::absolute(base, &h.0)),
            "feature_image_alt": self.hero.as_ref().map(|h| or_null(&h.1)),
            "feature_image_caption": self.hero.as_ref().map(|h| or_null(&h.2)),
            "featured": self.featured,
            "visibility": "public",
            "created_at": time(self.published_at),
            "updated_at": time(self.updated_at),
            "published_at": time(self.published_at),
            "custom_excerpt": or_null(&self.dek),
            "excerpt": excerpt,
            "codeinjection_head": Value::Null,
            "codeinjection_foot": Value::Null,
            "custom_template": Value::Null,
            "canonical_url": Value::Null,
            "url": urls::absolute(base, &self.path),
            "reading_time": self.reading_minutes,
            "access": true,
            "comments": false,
            "og_image": Value::Null,
            "og_title": Value::Null,
            "og_description": Value::Null,
            "twitter_image": Value::Null,
            "twitter_title": Value::Null,
            "twitter_description": Value::Null,
            "meta_title": or_null(&self.seo_title),
            "meta_description": or_null(&self.seo_description),
            "email_subject": Value::Null,
            "frontmatter": Value::Null,
        });
        if let Some(map) = post.as_object_mut() {
            if ask.formats.iter().any(|f| f == "html") {
                map.insert("html".into(), html.into());
            }
            if ask.formats.iter().any(|f| f == "plaintext") {
                map.insert("plaintext".into(), plain.into());
            }
            if ask.includes("authors") {
                let authors: Vec<Value> = self
                    .authors
                    .iter()
                    .map(|a| author_json(a, base, None))
                    .collect();
                map.insert(
                    "primary_author".into(),
                    authors.first().cloned().unwrap_or(Value::Null),
                );
                map.insert("authors".into(), authors.into());
            }
            if ask.includes("tags") {
                let tags: Vec<Value> = self
                    .tags
                    .iter()
                    .map(|t| tag_json(t, "", base, None))
                    .collect();
                map.insert(
                    "primary_tag".into(),
                    tags.first().cloned().unwrap_or(Value::Null),
                );
                map.insert("tags".into(), tags.into());
            }
        }
        only_fields(post, &ask.fields)
    }
}

pub(super) fn only_fields(value: Value, fields: &[String]) -> Value {
    match value {
        Value::Object(map) if !fields.is_empty() => Value::Object(
            map.into_iter()
                .filter(|(k, _)| fields.iter().any(|f| f == k))
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

pub(super) fn author_json(author: &Author, base: &str, posts: Option<u64>) -> Value {
    let mut value = json!({
        "id": author.id.to_string(),
        "name": author.name,
        "slug": author.slug.as_str(),
        "profile_image": Value::Null,
        "cover_image": Value::Null,
        "bio": or_null(&markdown::to_plain_text(&author.bio)),
        "website": author.links.first().map(|l| l.url.clone()),
        "location": Value::Null,
        "facebook": Value::Null,
        "twitter": Value::Null,
        "meta_title": Value::Null,
        "meta_description": Value::Null,
        "url": urls::absolute(base, &urls::author(author.slug.as_str())),
    });
    if let (Some(posts), Some(map)) = (posts, value.as_object_mut()) {
        map.insert("count".into(), json!({ "posts": posts }));
    }
    value
}

pub(super) fn tag_json(
    tag: &(String, String, String, String),
    description: &str,
    base: &str,
    posts: Option<u64>,
) -> Value {
    let mut value = json!({
        "id": tag.0,
        "name": tag.2,
        "slug": tag.1,
        "description": or_null(description),
        "feature_image": Value::Null,
        "visibility": "public",
        "og_image": Value::Null,
        "og_title": Value::Null,
        "og_description": Value::Null,
        "twitter_image": Value::Null,
        "twitter_title": Value::Null,
        "twitter_description": Value::Null,
        "meta_title": Value::Null,
        "meta_description": Value::Null,
        "codeinjection_head": Value::Null,
        "codeinjection_foot": Value::Null,
        "canonical_url": Value::Null,
        "accent_color": Value::Null,
        "url": urls::absolute(base, &tag.3),
    });
    if let (Some(posts), Some(map)) = (posts, value.as_object_mut()) {
        map.insert("count".into(), json!({ "posts": posts }));
    }
    value
}

/// Every live post (all languages), newest first, each with whether it is featured
/// (pinned on the front page).
pub(super) async fn all_posts(state: &AppState) -> Result<Vec<Entry>, Refusal> {
    let now = Utc::now();
    let site = state.site_all();
    let featured: Vec<i64> = state
        .store
        .front_page_picks(now)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| p.article_id.0)
        .collect();
    let mut entries = Vec::new();
    let mut after = None;
    loop {
        let batch = state
            .store
            .published_articles_whole(after, 500, now)
            .await
            .map_err(internal)?;
        let Some(last) = batch.last() else {
            break;
        };
        after = Some((last.summary.published_at, last.summary.id));
        let full = batch.len() == 500;
        entries.extend(batch.iter().map(|a| {
            Entry::of_article(
                a,
                featured.contains(&a.summary.id.0),
                &site.prefix(&a.summary.language),
            )
        }));
        if !full {
            break;
        }
    }
    Ok(entries)
}

pub(super) async fn all_pages(state: &AppState) -> Result<Vec<Entry>, Refusal> {
    let site = state.site_all();
    let mut entries = Vec::new();
    for page in state.store.page_records().await.map_err(internal)? {
        let Some(published_at) = page.published_at.filter(|_| page.published) else {
            continue;
        };
        let draft = &page.draft;
        entries.push(Entry {
            id: page.id.to_string(),
            title: draft.title.clone(),
            slug: draft.slug.to_string(),
            markdown: draft.body_markdown.clone(),
            dek: String::new(),
            published_at,
            updated_at: page.modified_at,
            authors: Vec::new(),
            tags: Vec::new(),
            hero: None,
            featured: false,
            seo_title: String::new(),
            seo_description: String::new(),
            path: format!(
                "{}{}",
                site.prefix(&draft.language),
                urls::page(draft.slug.as_str())
            ),
            reading_minutes: kolokol_core::article::reading_minutes(&draft.body_markdown),
            page: true,
        });
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.published_at));
    Ok(entries)
}

pub(super) fn sort(entries: &mut [Entry], (field, descending): &(String, bool)) {
    entries.sort_by(|a, b| {
        let order = match field.as_str() {
            "title" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "slug" => a.slug.cmp(&b.slug),
            _ => a.published_at.cmp(&b.published_at),
        };
        if *descending { order.reverse() } else { order }
    });
}

pub(super) async fn texts(state: &AppState, resource: &str) -> Result<Vec<Entry>, Refusal> {
    match resource {
        "posts" => all_posts(state).await,
        _ => all_pages(state).await,
    }
}

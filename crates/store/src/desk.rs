//! The newsroom's articles: drafts, revisions, publication and corrections.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{
    ArticleDraft, ArticleId, ArticleListing, ArticleStatus, Audit, EditableArticle, NewArticle,
    PageRequest, Paginated, Revision, Slug, Tag, UserId,
};
use sqlx::Row;

use crate::sql::SqlStore;

/// Credits `author_ids`, in their order, on article `article_id` (inside `tx`).
async fn insert_bylines(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    article_id: i64,
    author_ids: &[i64],
) -> Result<(), StoreError> {
    for (position, author_id) in (0_i64..).zip(author_ids) {
        sqlx::query(
            "INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)",
        )
        .bind(article_id)
        .bind(author_id)
        .bind(position)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes a finished article — its row, byline and tags — as new (`id` None) or over
/// article `id` (inside `tx`); its id.
pub(crate) async fn write_finished(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: Option<i64>,
    article: &NewArticle,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let words = i64::try_from(kolokol_core::article::word_count(&article.body_markdown))
        .unwrap_or(i64::MAX);
    let sql = match id {
        None => {
            "INSERT INTO articles (slug, headline, dek, body_md, word_count, dateline, \
             section_id, status, published_at, updated_at, created_at, modified_at, \
             hero_image_id, hero_alt, hero_caption, hero_credit, seo_title, seo_description, language) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16, $17, $18) \
             RETURNING id"
        }
        Some(_) => {
            "UPDATE articles SET slug = $1, headline = $2, dek = $3, body_md = $4, word_count = $5, \
             dateline = $6, section_id = $7, status = $8, published_at = $9, updated_at = $10, \
             modified_at = $11, hero_image_id = $12, hero_alt = $13, hero_caption = $14, \
             hero_credit = $15, seo_title = $16, seo_description = $17, language = $18 \
             WHERE id = $19 RETURNING id"
        }
    };
    let query = sqlx::query_scalar(sql)
        .bind(article.slug.as_str())
        .bind(&article.headline)
        .bind(&article.dek)
        .bind(&article.body_markdown)
        .bind(words)
        .bind(&article.dateline)
        .bind(article.section_id)
        .bind(article.status.as_str())
        .bind(article.published_at.map(|t| t.timestamp()))
        .bind(article.updated_at.map(|t| t.timestamp()))
        .bind(now.timestamp())
        .bind(article.hero_image_id)
        .bind(&article.hero_alt)
        .bind(&article.hero_caption)
        .bind(&article.hero_credit)
        .bind(&article.seo_title)
        .bind(&article.seo_description)
        .bind(&article.language);
    let id: i64 = match id {
        Some(id) => query.bind(id),
        None => query,
    }
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE articles SET headline_folded = $1 WHERE id = $2")
        .bind(article.headline.to_lowercase())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for table in ["article_authors", "article_tags"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE article_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    insert_bylines(tx, id, &article.author_ids).await?;
    for tag_id in &article.tag_ids {
        sqlx::query("INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)")
            .bind(id)
            .bind(tag_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Binds an editor's draft as `$1`…`$15` (slug, headline, dek, body, words, dateline,
/// section, modified at, hero image, alt, caption, credit, SEO title and
/// description, language), the same for a new article and a saved one.
fn bind_draft<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    draft: &'q kolokol_core::ArticleDraft,
    words: i64,
    now: DateTime<Utc>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(draft.slug.as_str())
        .bind(&draft.headline)
        .bind(&draft.dek)
        .bind(&draft.body_markdown)
        .bind(words)
        .bind(&draft.dateline)
        .bind(draft.section_id)
        .bind(now.timestamp())
        .bind(draft.hero_image_id)
        .bind(&draft.hero_alt)
        .bind(&draft.hero_caption)
        .bind(&draft.hero_credit)
        .bind(&draft.seo_title)
        .bind(&draft.seo_description)
        .bind(&draft.language)
}
use crate::{ListingQuery, StoreError};

/// The newsroom's articles: drafts, revisions, publication and corrections.
#[async_trait]
pub trait DeskStore: Send + Sync {
    async fn create_tag(&self, slug: &Slug, name: &str) -> Result<Tag, StoreError>;
    /// Creates an article with its authors, tags and corrections, all or nothing.
    async fn create_article(
        &self,
        article: &NewArticle,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<ArticleId, StoreError>;
    /// Creates (`id` = None) or updates an article from the editor, recording a
    /// revision; a changed slug of a published article leaves a redirect. All or nothing.
    async fn save_article(
        &self,
        id: Option<ArticleId>,
        draft: &ArticleDraft,
        by: Option<UserId>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<ArticleId, StoreError>;
    async fn editable_article(&self, id: ArticleId) -> Result<Option<EditableArticle>, StoreError>;
    /// Every article's id, drafts included, newest change first (the newsroom list's order).
    async fn article_ids(&self) -> Result<Vec<ArticleId>, StoreError>;
    /// A page of the newsroom's article list, newest change first, as the query
    /// narrows it.
    async fn article_listing(
        &self,
        query: &ListingQuery,
        page: PageRequest,
    ) -> Result<Paginated<ArticleListing>, StoreError>;
    /// Publishes (now or at a later time) or withdraws an article.
    async fn set_publication(
        &self,
        id: ArticleId,
        status: ArticleStatus,
        published_at: Option<DateTime<Utc>>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn mark_updated(
        &self,
        id: ArticleId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn add_correction(
        &self,
        id: ArticleId,
        body: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Revisions of an article, newest first.
    async fn revisions(&self, id: ArticleId) -> Result<Vec<Revision>, StoreError>;
    /// Deletes an article with its revisions, byline, tags, corrections and old
    /// addresses, with `audit`; `Conflict` when a newsletter issue carries it (the
    /// archive of what was sent stays whole), `NotFound` when it is gone.
    async fn delete_article(
        &self,
        id: ArticleId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Bumps the content version when a scheduled article has come due (or a
    /// front-page pin ran out) since the last check, so every node's cache shows
    /// it. Returns whether one had.
    async fn publish_due(&self, now: DateTime<Utc>) -> Result<crate::Due, StoreError>;
}

#[async_trait]
impl DeskStore for SqlStore {
    async fn create_tag(
        &self,
        slug: &kolokol_core::Slug,
        name: &str,
    ) -> Result<kolokol_core::Tag, StoreError> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id")
                .bind(slug.as_str())
                .bind(name)
                .fetch_one(&self.pool)
                .await?;
        Ok(kolokol_core::Tag {
            id,
            slug: slug.clone(),
            name: name.to_owned(),
            translations: kolokol_core::Translations::new(),
        })
    }

    async fn create_article(
        &self,
        article: &kolokol_core::NewArticle,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::ArticleId, StoreError> {
        let mut tx = self.begin().await?;
        let id = write_finished(&mut tx, None, article, now).await?;
        if let Some(original) = article.translation_of {
            Self::join_group(&mut tx, crate::Texts::Articles, id, original.0).await?;
        }
        for correction in &article.corrections {
            sqlx::query(
                "INSERT INTO corrections (article_id, created_at, body) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(correction.created_at.timestamp())
            .bind(&correction.body)
            .execute(&mut *tx)
            .await?;
        }
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(kolokol_core::ArticleId(id))
    }

    async fn delete_article(
        &self,
        id: kolokol_core::ArticleId,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let in_issue: Option<i64> = sqlx::query_scalar(
            "SELECT issue_id FROM newsletter_issue_articles WHERE article_id = $1 LIMIT 1",
        )
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(issue) = in_issue {
            return Err(StoreError::Conflict(format!(
                "article {} is in newsletter issue {issue}",
                id.0
            )));
        }
        sqlx::query("DELETE FROM old_addresses WHERE kind = 'article' AND target_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM articles WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        crate::sql::commit_change(tx, audit, now).await
    }

    async fn save_article(
        &self,
        id: Option<kolokol_core::ArticleId>,
        draft: &kolokol_core::ArticleDraft,
        by: Option<kolokol_core::UserId>,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::ArticleId, StoreError> {
        let words = i64::try_from(kolokol_core::article::word_count(&draft.body_markdown))
            .unwrap_or(i64::MAX);
        let snapshot =
            serde_json::to_string(draft).map_err(|e| StoreError::Corrupt(format!("draft: {e}")))?;
        let mut tx = self.begin().await?;
        let (article_id, published) = match id {
            None => {
                let insert = sqlx::query(
                    "INSERT INTO articles (slug, headline, dek, body_md, word_count, dateline, \
                     section_id, modified_at, hero_image_id, hero_alt, hero_caption, hero_credit, \
                     seo_title, seo_description, language, status, created_at, created_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'draft', $8, $16) \
                     RETURNING id",
                );
                let new_id: i64 = bind_draft(insert, draft, words, now)
                    .bind(by.map(|u| u.0))
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("id")?;
                (new_id, false)
            }
            Some(kolokol_core::ArticleId(existing)) => {
                let (old_slug, status): (String, String) =
                    sqlx::query_as("SELECT slug, status FROM articles WHERE id = $1")
                        .bind(existing)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| {
                            StoreError::Corrupt(format!("article {existing} is gone"))
                        })?;
                let published = status == "published";
                let update = sqlx::query(
                    "UPDATE articles SET slug = $1, headline = $2, dek = $3, body_md = $4, \
                     word_count = $5, dateline = $6, section_id = $7, modified_at = $8, \
                     hero_image_id = $9, hero_alt = $10, hero_caption = $11, hero_credit = $12, \
                     seo_title = $13, seo_description = $14, language = $15 WHERE id = $16",
                );
                bind_draft(update, draft, words, now)
                    .bind(existing)
                    .execute(&mut *tx)
                    .await?;
                if published && old_slug != draft.slug.as_str() {
                    // Readers and links that knew the old address keep working.
                    let leave = crate::sql::ARTICLE_REDIRECTS.leave;
                    Self::redirect_step(&mut tx, leave, &old_slug, Some(existing)).await?;
                }
                (existing, published)
            }
        };
        sqlx::query("UPDATE articles SET headline_folded = $1 WHERE id = $2")
            .bind(draft.headline.to_lowercase())
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        let free = crate::sql::ARTICLE_REDIRECTS.free;
        Self::redirect_step(&mut tx, free, draft.slug.as_str(), None).await?;
        sqlx::query("DELETE FROM article_authors WHERE article_id = $1")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        insert_bylines(&mut tx, article_id, &draft.author_ids).await?;
        sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
            .bind(article_id)
            .execute(&mut *tx)
            .await?;
        let mut tag_ids = Vec::new();
        for name in &draft.tags {
            let tag_slug = kolokol_core::Slug::from_title(name)
                .map_err(|e| StoreError::Corrupt(format!("tag {name:?}: {e}")))?;
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM tags WHERE slug = $1")
                .bind(tag_slug.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let tag_id = match existing {
                Some(tag_id) => tag_id,
                None => {
                    sqlx::query_scalar("INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id")
                        .bind(tag_slug.as_str())
                        .bind(name)
                        .fetch_one(&mut *tx)
                        .await?
                }
            };
            if !tag_ids.contains(&tag_id) {
                tag_ids.push(tag_id);
                sqlx::query("INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)")
                    .bind(article_id)
                    .bind(tag_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query(
            "INSERT INTO article_revisions (article_id, user_id, created_at, snapshot) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(article_id)
        .bind(by.map(|u| u.0))
        .bind(now.timestamp())
        .bind(&snapshot)
        .execute(&mut *tx)
        .await?;
        if published {
            sqlx::query(crate::sql::BUMP_CONTENT_VERSION)
                .execute(&mut *tx)
                .await?;
        }
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(kolokol_core::ArticleId(article_id))
    }

    async fn article_ids(&self) -> Result<Vec<kolokol_core::ArticleId>, StoreError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM articles ORDER BY modified_at DESC, id DESC")
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(kolokol_core::ArticleId).collect())
    }

    async fn editable_article(
        &self,
        id: kolokol_core::ArticleId,
    ) -> Result<Option<kolokol_core::EditableArticle>, StoreError> {
        let Some(row) = sqlx::query_as::<_, crate::rows::EditableRow>(
            "SELECT id, headline, dek, body_md, dateline, slug, section_id, status, published_at, \
             updated_at, created_by, modified_at, hero_image_id, hero_alt, hero_caption, \
             hero_credit, seo_title, seo_description, language FROM articles WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let author_ids: Vec<i64> = sqlx::query_scalar(
            "SELECT author_id FROM article_authors WHERE article_id = $1 ORDER BY position",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let tags: Vec<String> = sqlx::query_scalar(
            "SELECT g.name FROM article_tags t JOIN tags g ON g.id = t.tag_id \
             WHERE t.article_id = $1 ORDER BY g.name",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let corrections =
            sqlx::query_as::<_, crate::rows::CorrectionRow>(crate::sql::ARTICLE_CORRECTIONS)
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(crate::rows::CorrectionRow::into_correction)
                .collect::<Result<Vec<_>, _>>()?;
        row.into_editable(author_ids, tags, corrections).map(Some)
    }

    async fn article_listing(
        &self,
        query: &crate::ListingQuery,
        page: kolokol_core::PageRequest,
    ) -> Result<kolokol_core::Paginated<kolokol_core::ArticleListing>, StoreError> {
        let (user, author) = query
            .own
            .map_or((0, 0), |(user, author)| (user.0, author.unwrap_or(-1)));
        let words = crate::sql::word_patterns(&query.search);
        let state = query.state.map_or("", crate::ListingState::as_str);
        let mut count = format!(
            "SELECT COUNT(*) FROM articles a {}",
            crate::sql::LISTING_FILTER
        );
        count.push_str(&crate::sql::words_condition(9, words.len()));
        let mut counting = sqlx::query_scalar(&count)
            .bind(user)
            .bind(author)
            .bind("")
            .bind(state)
            .bind(query.section_id.unwrap_or(0))
            .bind(query.author_id.unwrap_or(0))
            .bind(query.now.timestamp())
            .bind(query.language.as_deref().unwrap_or(""));
        for pattern in words.iter().flatten() {
            counting = counting.bind(pattern);
        }
        let total: i64 = counting.fetch_one(&self.pool).await?;
        let sql = format!(
            "SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.modified_at, a.language \
             FROM articles a {}{} ORDER BY a.modified_at DESC, a.id DESC LIMIT $9 OFFSET $10",
            crate::sql::LISTING_FILTER,
            crate::sql::words_condition(11, words.len())
        );
        let mut listing = sqlx::query_as::<_, crate::rows::ListingRow>(&sql)
            .bind(user)
            .bind(author)
            .bind("")
            .bind(state)
            .bind(query.section_id.unwrap_or(0))
            .bind(query.author_id.unwrap_or(0))
            .bind(query.now.timestamp())
            .bind(query.language.as_deref().unwrap_or(""))
            .bind(page.limit())
            .bind(page.offset());
        for pattern in words.iter().flatten() {
            listing = listing.bind(pattern);
        }
        let mut conn = self.pool.acquire().await?;
        let rows = listing.fetch_all(&mut *conn).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut names: std::collections::HashMap<i64, Vec<String>> =
            std::collections::HashMap::new();
        for row in Self::authors_of(&mut conn, &ids).await? {
            names
                .entry(row.article_id)
                .or_default()
                .push(row.author.into_author()?.name);
        }
        let items = rows
            .into_iter()
            .map(|row| {
                let authors = names.remove(&row.id).unwrap_or_default();
                row.into_listing(authors)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(kolokol_core::Paginated::new(
            items,
            page,
            u64::try_from(total).unwrap_or(0),
        ))
    }

    async fn set_publication(
        &self,
        id: kolokol_core::ArticleId,
        status: kolokol_core::ArticleStatus,
        published_at: Option<chrono::DateTime<chrono::Utc>>,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE articles SET status = $1, published_at = $2, modified_at = $3 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(published_at.map(|t| t.timestamp()))
        .bind(now.timestamp())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn mark_updated(
        &self,
        id: kolokol_core::ArticleId,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE articles SET updated_at = $1, modified_at = $1 WHERE id = $2")
            .bind(now.timestamp())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn add_correction(
        &self,
        id: kolokol_core::ArticleId,
        body: &str,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO corrections (article_id, created_at, body) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(now.timestamp())
            .bind(body)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE articles SET modified_at = $1 WHERE id = $2")
            .bind(now.timestamp())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn revisions(
        &self,
        id: kolokol_core::ArticleId,
    ) -> Result<Vec<kolokol_core::Revision>, StoreError> {
        sqlx::query_as::<_, crate::rows::RevisionRow>(
            "SELECT r.id, r.article_id, r.created_at, u.name AS user_name, r.snapshot \
             FROM article_revisions r LEFT JOIN users u ON u.id = r.user_id \
             WHERE r.article_id = $1 ORDER BY r.id DESC",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::rows::RevisionRow::into_revision)
        .collect()
    }

    async fn publish_due(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::Due, StoreError> {
        let mut tx = self.begin().await?;
        let checked: i64 = sqlx::query_scalar("SELECT due_checked_at FROM site_state WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        if now.timestamp() <= checked {
            // Checked up to a later time already (another node's clock): nothing new.
            return Ok(crate::Due::default());
        }
        // The scheduled articles that came public in this window, to announce.
        let published: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE status = 'published' \
             AND published_at > $1 AND published_at <= $2 ORDER BY published_at, id",
        )
        .bind(checked)
        .bind(now.timestamp())
        .fetch_all(&mut *tx)
        .await?;
        // Articles that came due, and front-page pins that ran out, both change pages.
        let due: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM articles WHERE status = 'published' \
             AND published_at > $1 AND published_at <= $2) \
             + (SELECT COUNT(*) FROM front_page_picks WHERE until > $1 AND until <= $2)",
        )
        .bind(checked)
        .bind(now.timestamp())
        .fetch_one(&mut *tx)
        .await?;
        // The window is claimed by whichever node moves the mark first: another
        // node that read the same mark finds it moved and announces nothing.
        let claimed = sqlx::query(
            "UPDATE site_state SET due_checked_at = $1 WHERE id = 1 AND due_checked_at = $2",
        )
        .bind(now.timestamp())
        .bind(checked)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(crate::Due::default());
        }
        if due > 0 {
            sqlx::query(crate::sql::BUMP_CONTENT_VERSION)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(crate::Due {
            changed: due > 0,
            published: published.into_iter().map(kolokol_core::ArticleId).collect(),
        })
    }
}

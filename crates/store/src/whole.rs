//! Articles and summaries read whole on a connection the caller holds: their
//! authors, pictures, tags and corrections. A page's statements share one pooled
//! connection: for SQLite each trip to the pool and back is more hand-offs to the
//! connection's thread (and sqlx pings it at each return).

use crate::StoreError;
use crate::sql::SqlStore;

/// The rows `sql` selects for `ids`: its `{ids}` becomes one placeholder per id,
/// from `$1`, bound in order. No statement runs without ids (`IN ()` is not SQL).
pub(crate) async fn rows_in<R>(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    ids: &[i64],
) -> Result<Vec<R>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sql.replace("{ids}", &crate::rows::placeholders(1, ids.len()));
    let mut query = sqlx::query_as::<_, R>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(conn).await?)
}

impl SqlStore {
    /// The credited authors of these articles, in byline order.
    pub(crate) async fn authors_of(
        conn: &mut sqlx::AnyConnection,
        article_ids: &[i64],
    ) -> Result<Vec<crate::rows::ArticleAuthorRow>, StoreError> {
        rows_in(
            conn,
            "SELECT aa.article_id, au.id, au.slug, au.name, au.title, au.bio, au.photo_image_id, au.links \
             FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
             WHERE aa.article_id IN ({ids}) ORDER BY aa.article_id, aa.position",
            article_ids,
        )
        .await
    }

    /// Authors and image renditions for a page of summary rows, in two queries on
    /// `conn`. A page's statements share one connection: each trip to the pool and
    /// back is, for SQLite, two more hand-offs to the connection's thread.
    pub(crate) async fn complete_summaries(
        conn: &mut sqlx::AnyConnection,
        rows: Vec<crate::rows::SummaryRow>,
    ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let article_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let authors = Self::authors_of(conn, &article_ids).await?;
        Self::summaries_with(conn, rows, authors).await
    }

    /// [`crate::reading::ReadingStore::published_article`] on `conn`.
    pub(crate) async fn article_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        slug: &kolokol_core::Slug,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::Article>, StoreError> {
        let Some(row) = sqlx::query_as::<_, crate::rows::ArticlePageRow>(
            crate::sql::article_by_slug(self.backend),
        )
        .bind(now.timestamp())
        .bind(slug.as_str())
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let crate::rows::ArticleParts {
            whole:
                crate::rows::WholeRow {
                    summary: row,
                    extra,
                },
            tags,
            corrections,
            authors,
        } = row.into_parts()?;
        let Some(summary) = Self::summaries_with(conn, vec![row], authors).await?.pop() else {
            return Ok(None);
        };
        Ok(Some(extra.into_article(summary, tags, corrections)))
    }

    /// [`crate::reading::ReadingStore::published_summaries`] on `conn`.
    pub(crate) async fn summaries_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        ids: &[kolokol_core::ArticleId],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = crate::sql::published_summaries_with_authors(self.backend, ids.len());
        let mut query =
            sqlx::query_as::<_, crate::rows::SummaryAuthorsRow>(&sql).bind(now.timestamp());
        for id in ids {
            query = query.bind(id.0);
        }
        let mut rows = Vec::with_capacity(ids.len());
        let mut authors = Vec::new();
        for row in query.fetch_all(&mut *conn).await? {
            let (row, its_authors) = row.into_parts()?;
            rows.push(row);
            authors.extend(its_authors);
        }
        let mut found = Self::summaries_with(conn, rows, authors).await?;
        found.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
        Ok(found)
    }

    /// Summaries of `rows`, whose `authors` were read with them: only their image
    /// renditions are read (none for articles without a picture).
    pub(crate) async fn summaries_with(
        conn: &mut sqlx::AnyConnection,
        rows: Vec<crate::rows::SummaryRow>,
        authors: Vec<crate::rows::ArticleAuthorRow>,
    ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
        let image_ids: Vec<i64> = rows.iter().filter_map(|r| r.hero_image_id).collect();
        let variants = Self::variants_of(conn, &image_ids).await?;
        crate::rows::assemble_summaries(rows, authors, variants)
    }

    /// The articles of `rows`, with bodies, tags and corrections, in the rows' order.
    pub(crate) async fn whole_articles(
        conn: &mut sqlx::AnyConnection,
        rows: Vec<crate::rows::SummaryRow>,
    ) -> Result<Vec<kolokol_core::Article>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut extras: std::collections::HashMap<i64, crate::rows::ArticleExtraRow> =
            std::collections::HashMap::new();
        let bodies: Vec<(i64, String, String, String, String)> = rows_in(
            conn,
            "SELECT id, body_md, dateline, seo_title, seo_description FROM articles WHERE id IN ({ids})",
            &ids,
        )
        .await?;
        for (id, body_md, dateline, seo_title, seo_description) in bodies {
            extras.insert(
                id,
                crate::rows::ArticleExtraRow {
                    body_md,
                    dateline,
                    seo_title,
                    seo_description,
                },
            );
        }
        let mut tags: std::collections::HashMap<i64, Vec<kolokol_core::Tag>> =
            std::collections::HashMap::new();
        let tagged: Vec<(i64, i64, String, String, String)> = rows_in(
            conn,
            "SELECT t.article_id, g.id, g.slug, g.name, g.translations FROM article_tags t \
             JOIN tags g ON g.id = t.tag_id \
             WHERE t.article_id IN ({ids}) ORDER BY t.article_id, g.name",
            &ids,
        )
        .await?;
        for (article, id, slug, name, translations) in tagged {
            tags.entry(article).or_default().push(kolokol_core::Tag {
                id,
                slug: crate::rows::slug(slug)?,
                name,
                translations: crate::rows::translations(&translations)?,
            });
        }
        let mut corrections: std::collections::HashMap<i64, Vec<kolokol_core::Correction>> =
            std::collections::HashMap::new();
        let corrected: Vec<(i64, i64, String)> = rows_in(
            conn,
            "SELECT article_id, created_at, body FROM corrections WHERE article_id IN ({ids}) \
             ORDER BY article_id, created_at, id",
            &ids,
        )
        .await?;
        for (article, created_at, body) in corrected {
            corrections
                .entry(article)
                .or_default()
                .push(kolokol_core::Correction {
                    created_at: crate::rows::time(created_at)?,
                    body,
                });
        }
        let summaries = Self::complete_summaries(conn, rows).await?;
        summaries
            .into_iter()
            .map(|summary| {
                let id = summary.id.0;
                let extra = extras
                    .remove(&id)
                    .ok_or_else(|| StoreError::Corrupt(format!("article {id} has no body")))?;
                Ok(extra.into_article(
                    summary,
                    tags.remove(&id).unwrap_or_default(),
                    corrections.remove(&id).unwrap_or_default(),
                ))
            })
            .collect()
    }
}

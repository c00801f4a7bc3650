//! What imports from another platform keep: the old site's addresses, and finished
//! articles written over when an import runs again.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{ArticleId, Audit, NewArticle};

use crate::StoreError;
use crate::sql::SqlStore;

/// What an old address now names: its kind, and the slug (an image's path) and
/// language of what it points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldAddress {
    pub kind: String,
    pub slug: String,
    pub language: String,
}

#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Writes an imported article over article `id`: its fields, status, dates,
    /// byline and tags, all or nothing (its corrections and translations stay).
    async fn replace_article(
        &self,
        id: ArticleId,
        article: &NewArticle,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Keeps `address` of the old site as naming `kind` `target` (again: the latest wins).
    async fn remember_address(
        &self,
        address: &str,
        kind: &str,
        target: i64,
    ) -> Result<(), StoreError>;
    /// What an old address names, if it still exists.
    async fn old_address(&self, address: &str) -> Result<Option<OldAddress>, StoreError>;
    /// The library image an old address of a picture became.
    async fn imported_image(&self, address: &str) -> Result<Option<i64>, StoreError>;
}

#[async_trait]
impl ImportStore for SqlStore {
    async fn replace_article(
        &self,
        id: ArticleId,
        article: &NewArticle,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        crate::desk::write_finished(&mut tx, Some(id.0), article, now).await?;
        crate::sql::commit_change(tx, audit, now).await
    }

    async fn remember_address(
        &self,
        address: &str,
        kind: &str,
        target: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO old_addresses (address, kind, target_id) VALUES ($1, $2, $3) \
             ON CONFLICT (address) DO UPDATE SET kind = excluded.kind, target_id = excluded.target_id",
        )
        .bind(address)
        .bind(kind)
        .bind(target)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn old_address(&self, address: &str) -> Result<Option<OldAddress>, StoreError> {
        let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT o.kind, COALESCE(a.slug, p.slug, s.slug, t.slug, u.slug, i.path), \
             COALESCE(a.language, p.language, '') \
             FROM old_addresses o \
             LEFT JOIN articles a ON o.kind = 'article' AND a.id = o.target_id \
             LEFT JOIN pages p ON o.kind = 'page' AND p.id = o.target_id \
             LEFT JOIN sections s ON o.kind = 'section' AND s.id = o.target_id \
             LEFT JOIN tags t ON o.kind = 'tag' AND t.id = o.target_id \
             LEFT JOIN authors u ON o.kind = 'author' AND u.id = o.target_id \
             LEFT JOIN images i ON o.kind = 'image' AND i.id = o.target_id \
             WHERE o.address = $1",
        )
        .bind(address)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(kind, slug, language)| {
            Some(OldAddress {
                kind,
                slug: slug?,
                language: language.unwrap_or_default(),
            })
        }))
    }

    async fn imported_image(&self, address: &str) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT o.target_id FROM old_addresses o JOIN images i ON i.id = o.target_id \
             WHERE o.address = $1 AND o.kind = 'image'",
        )
        .bind(address)
        .fetch_optional(&self.pool)
        .await?)
    }
}

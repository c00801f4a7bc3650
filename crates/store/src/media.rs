//! The picture library.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, LibraryImage, NewImage};

use crate::StoreError;
use crate::sql::SqlStore;

/// The picture library.
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Adds an image (and its renditions) to the library.
    async fn create_image(
        &self,
        image: &NewImage,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// The newest images first.
    async fn images(&self, limit: u32) -> Result<Vec<LibraryImage>, StoreError>;
    async fn image(&self, id: i64) -> Result<Option<LibraryImage>, StoreError>;
    /// Every file path an image or a rendition names (for the sweep of orphans).
    async fn media_paths(&self) -> Result<Vec<String>, StoreError>;
}

#[async_trait]
impl MediaStore for SqlStore {
    async fn create_image(
        &self,
        image: &kolokol_core::NewImage,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO images (path, width, height, mime, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&image.path)
        .bind(i64::from(image.width))
        .bind(i64::from(image.height))
        .bind(&image.mime)
        .bind(now.timestamp())
        .fetch_one(&mut *tx)
        .await?;
        for variant in &image.variants {
            sqlx::query(
                "INSERT INTO image_variants (image_id, width, height, path, mime) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i64::from(variant.width))
            .bind(i64::from(variant.height))
            .bind(&variant.path)
            .bind(&variant.mime)
            .execute(&mut *tx)
            .await?;
        }
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(id)
    }

    async fn media_paths(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT path FROM images UNION SELECT path FROM image_variants")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn images(&self, limit: u32) -> Result<Vec<kolokol_core::LibraryImage>, StoreError> {
        let rows = sqlx::query_as::<_, crate::rows::ImageRow>(
            "SELECT id, path, width, height, mime, created_at FROM images ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        self.with_variants(rows).await
    }

    async fn image(&self, id: i64) -> Result<Option<kolokol_core::LibraryImage>, StoreError> {
        let rows = sqlx::query_as::<_, crate::rows::ImageRow>(
            "SELECT id, path, width, height, mime, created_at FROM images WHERE id = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(self.with_variants(rows).await?.pop())
    }
}

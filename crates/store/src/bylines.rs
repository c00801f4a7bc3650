//! Author profiles as the newsroom edits them, guests included, each change with its
//! audit entry in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, Author, AuthorInput, AuthorRecord};

use crate::StoreError;

#[async_trait]
pub trait BylineStore: Send + Sync + 'static {
    /// Every profile by name, with its staff account and article count.
    async fn author_records(&self) -> Result<Vec<AuthorRecord>, StoreError>;
    async fn author_record(&self, id: i64) -> Result<Option<AuthorRecord>, StoreError>;
    /// Creates a profile; `Conflict` when its slug is taken.
    async fn insert_author(
        &self,
        author: &AuthorInput,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<Author, StoreError>;
    async fn update_author(
        &self,
        id: i64,
        author: &AuthorInput,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

pub(crate) const AUTHOR_RECORDS: &str = "SELECT au.id, au.slug, au.name, au.title, au.bio, \
     au.photo_image_id, au.links, au.translations, \
     (SELECT u.id FROM users u WHERE u.author_id = au.id ORDER BY u.id LIMIT 1) AS account_id, \
     (SELECT u.name FROM users u WHERE u.author_id = au.id ORDER BY u.id LIMIT 1) AS account_name, \
     (SELECT COUNT(*) FROM article_authors w WHERE w.author_id = au.id) AS articles \
     FROM authors au ";

#[derive(sqlx::FromRow)]
pub(crate) struct AuthorRecordRow {
    #[sqlx(flatten)]
    author: crate::rows::AuthorRow,
    account_id: Option<i64>,
    account_name: Option<String>,
    articles: i64,
}

impl AuthorRecordRow {
    pub(crate) fn into_record(self) -> Result<AuthorRecord, StoreError> {
        Ok(AuthorRecord {
            author: self.author.into_author()?,
            account: self.account_id.zip(self.account_name),
            articles: self.articles,
        })
    }
}

impl crate::sql::SqlStore {
    /// Ties the profile to `account` (untying whoever had it), or to nobody.
    async fn tie_account(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        author: i64,
        account: Option<kolokol_core::UserId>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET author_id = NULL WHERE author_id = $1 AND id <> $2")
            .bind(author)
            .bind(account.map_or(0, |a| a.0))
            .execute(&mut **tx)
            .await?;
        if let Some(account) = account {
            let tied = sqlx::query("UPDATE users SET author_id = $1 WHERE id = $2")
                .bind(author)
                .bind(account.0)
                .execute(&mut **tx)
                .await?;
            if tied.rows_affected() != 1 {
                return Err(StoreError::NotFound);
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::bylines::BylineStore for crate::sql::SqlStore {
    async fn author_records(&self) -> Result<Vec<kolokol_core::AuthorRecord>, StoreError> {
        self.records(
            &format!("{}ORDER BY au.name, au.id", crate::bylines::AUTHOR_RECORDS),
            None,
            crate::bylines::AuthorRecordRow::into_record,
        )
        .await
    }

    async fn author_record(
        &self,
        id: i64,
    ) -> Result<Option<kolokol_core::AuthorRecord>, StoreError> {
        self.record(
            &format!("{}WHERE au.id = $1", crate::bylines::AUTHOR_RECORDS),
            id,
            crate::bylines::AuthorRecordRow::into_record,
        )
        .await
    }

    async fn insert_author(
        &self,
        author: &kolokol_core::AuthorInput,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::Author, StoreError> {
        let links = kolokol_core::byline::links_text(&author.links);
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO authors (slug, name, title, bio, photo_image_id, links, translations) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(author.slug.as_str())
        .bind(&author.name)
        .bind(&author.title)
        .bind(&author.bio)
        .bind(author.photo_image_id)
        .bind(&links)
        .bind(crate::rows::translations_json(&author.translations))
        .fetch_one(&mut *tx)
        .await?;
        if author.account.is_some() {
            Self::tie_account(&mut tx, id, author.account).await?;
        }
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(kolokol_core::Author {
            id,
            slug: author.slug.clone(),
            name: author.name.clone(),
            title: author.title.clone(),
            bio: author.bio.clone(),
            photo_image_id: author.photo_image_id,
            links: author.links.clone(),
            translations: author.translations.clone(),
        })
    }

    async fn update_author(
        &self,
        id: i64,
        author: &kolokol_core::AuthorInput,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let links = kolokol_core::byline::links_text(&author.links);
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE authors SET slug = $1, name = $2, title = $3, bio = $4, \
             photo_image_id = $5, links = $6, translations = $8 WHERE id = $7",
        )
        .bind(author.slug.as_str())
        .bind(&author.name)
        .bind(&author.title)
        .bind(&author.bio)
        .bind(author.photo_image_id)
        .bind(&links)
        .bind(id)
        .bind(crate::rows::translations_json(&author.translations))
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        Self::tie_account(&mut tx, id, author.account).await?;
        // Bylines appear on every article by them.
        sqlx::query(
            "UPDATE articles SET modified_at = $1 \
             WHERE id IN (SELECT article_id FROM article_authors WHERE author_id = $2)",
        )
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }
}

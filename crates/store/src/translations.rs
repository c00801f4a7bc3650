//! Translation groups: articles (and standing pages) that are versions of one text
//! in different languages. A group is named by the id of the member it started
//! from; a text in no group has no translations.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, Translation};

use crate::StoreError;
use crate::sql::SqlStore;

/// Which texts: articles or standing pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    Articles,
    Pages,
}

impl Texts {
    fn table(self) -> &'static str {
        match self {
            Self::Articles => "articles",
            Self::Pages => "pages",
        }
    }

    /// The columns of a [`Translation`], `$2` being now.
    fn select(self) -> &'static str {
        match self {
            Self::Articles => {
                "SELECT id, language, slug, headline AS title, \
                 CASE WHEN status = 'published' AND published_at <= $2 THEN 1 ELSE 0 END AS live \
                 FROM articles"
            }
            Self::Pages => {
                "SELECT id, language, slug, title, \
                 CASE WHEN published <> 0 AND $2 = $2 THEN 1 ELSE 0 END AS live FROM pages"
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct TranslationRow {
    id: i64,
    language: String,
    slug: String,
    title: String,
    live: i64,
}

#[async_trait]
pub trait TranslationStore: Send + Sync {
    /// Every version in `id`'s group, itself included, by language; just itself
    /// when it has no translations. Empty when there is no such text.
    async fn translations(
        &self,
        texts: Texts,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<Translation>, StoreError>;
    /// The id of the text at `slug`, whatever its state.
    async fn text_by_slug(&self, texts: Texts, slug: &str) -> Result<Option<i64>, StoreError>;
    /// Makes `id` a translation of `other` (joining `other`'s group), or with None
    /// takes it out of its group. `Conflict` when the group already has a text in
    /// `id`'s language; `NotFound` when either text is missing.
    async fn link_translation(
        &self,
        texts: Texts,
        id: i64,
        other: Option<i64>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

impl SqlStore {
    /// Puts `id` into the group of `other` (inside `tx`), starting the group at
    /// `other` when it had none.
    pub(crate) async fn join_group(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        texts: Texts,
        id: i64,
        other: i64,
    ) -> Result<(), StoreError> {
        let table = texts.table();
        let found: Option<(Option<i64>, String)> = sqlx::query_as(&format!(
            "SELECT translation_group, language FROM {table} WHERE id = $1"
        ))
        .bind(other)
        .fetch_optional(&mut **tx)
        .await?;
        let (group, other_language) = found.ok_or(StoreError::NotFound)?;
        let language: String =
            sqlx::query_scalar(&format!("SELECT language FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::NotFound)?;
        let group = group.unwrap_or(other);
        let taken: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE (translation_group = $1 OR id = $1) \
             AND language = $2 AND id <> $3"
        ))
        .bind(group)
        .bind(&language)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        if id == other || taken > 0 || other_language == language {
            return Err(StoreError::Conflict(format!(
                "the translation group already has a text in {language}"
            )));
        }
        Self::leave_group(tx, texts, id).await?;
        sqlx::query(&format!(
            "UPDATE {table} SET translation_group = $1 WHERE id IN ($1, $2)"
        ))
        .bind(group)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Takes `id` out of its group; a group left with one member is no group.
    async fn leave_group(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        texts: Texts,
        id: i64,
    ) -> Result<(), StoreError> {
        let table = texts.table();
        let group: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT translation_group FROM {table} WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .flatten();
        let Some(group) = group else {
            return Ok(());
        };
        sqlx::query(&format!(
            "UPDATE {table} SET translation_group = NULL WHERE id = $1"
        ))
        .bind(id)
        .execute(&mut **tx)
        .await?;
        let left: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM {table} WHERE translation_group = $1"
        ))
        .bind(group)
        .fetch_all(&mut **tx)
        .await?;
        if let [alone] = left.as_slice() {
            sqlx::query(&format!(
                "UPDATE {table} SET translation_group = NULL WHERE id = $1"
            ))
            .bind(alone)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl TranslationStore for SqlStore {
    async fn translations(
        &self,
        texts: Texts,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<Translation>, StoreError> {
        let select = texts.select();
        let table = texts.table();
        let rows: Vec<TranslationRow> = sqlx::query_as(&format!(
            "{select} WHERE id = $1 OR (translation_group IS NOT NULL AND translation_group = \
             (SELECT translation_group FROM {table} WHERE id = $1)) ORDER BY language, id"
        ))
        .bind(id)
        .bind(now.timestamp())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(Translation {
                    id: row.id,
                    language: row.language,
                    slug: crate::rows::slug(row.slug)?,
                    title: row.title,
                    live: row.live != 0,
                })
            })
            .collect()
    }

    async fn text_by_slug(&self, texts: Texts, slug: &str) -> Result<Option<i64>, StoreError> {
        let table = texts.table();
        Ok(
            sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE slug = $1"))
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn link_translation(
        &self,
        texts: Texts,
        id: i64,
        other: Option<i64>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let table = texts.table();
        // Every member's page changes its alternates: all are modified now.
        let touch = format!(
            "UPDATE {table} SET modified_at = $1 WHERE id = $2 OR (translation_group IS NOT NULL \
             AND translation_group = (SELECT translation_group FROM {table} WHERE id = $2))"
        );
        sqlx::query(&touch)
            .bind(now.timestamp())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        match other {
            Some(other) => Self::join_group(&mut tx, texts, id, other).await?,
            None => Self::leave_group(&mut tx, texts, id).await?,
        }
        sqlx::query(&touch)
            .bind(now.timestamp())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        crate::sql::commit_change(tx, audit, now).await
    }
}

//! Sections and tags as the newsroom manages them: create, rename (the old address
//! keeps answering), reorder, merge and delete. Every change writes its audit entry
//! in the same transaction, and bumps the content version (menus and lists change).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, Section, SectionInput, SectionRecord, Slug, TagRecord};

use crate::StoreError;

/// What happened to a section the newsroom asked to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionRemoval {
    Deleted,
    /// It still has this many articles and no section to move them to was named.
    HasArticles(i64),
}

#[async_trait]
pub trait TaxonomyStore: Send + Sync + 'static {
    /// Every section in menu order, with its article count.
    async fn section_records(&self) -> Result<Vec<SectionRecord>, StoreError>;
    async fn section_record(&self, id: i64) -> Result<Option<SectionRecord>, StoreError>;
    /// Creates a section; `Conflict` when its slug is taken.
    async fn insert_section(
        &self,
        section: &SectionInput,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<Section, StoreError>;
    /// Changes a section; a new slug leaves the old one redirecting to it.
    async fn update_section(
        &self,
        id: i64,
        section: &SectionInput,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Deletes a section, first moving its articles (and old addresses) to `move_to`
    /// when one is named; refuses while articles would be left without a section.
    async fn delete_section(
        &self,
        id: i64,
        move_to: Option<i64>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<SectionRemoval, StoreError>;
    /// The current slug of the section that used to live at `old`.
    async fn section_redirect(&self, old: &Slug) -> Result<Option<Slug>, StoreError>;

    /// Every tag by name, with its article count.
    async fn tag_records(&self) -> Result<Vec<TagRecord>, StoreError>;
    async fn tag_record(&self, id: i64) -> Result<Option<TagRecord>, StoreError>;
    /// Renames a tag; a new slug leaves the old one redirecting to it.
    async fn rename_tag(
        &self,
        id: i64,
        name: &str,
        slug: &Slug,
        translations: &kolokol_core::Translations,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Moves every article of `from` to `into` and deletes `from`, whose address
    /// (and its old ones) then redirect to `into`.
    async fn merge_tags(
        &self,
        from: i64,
        into: i64,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Takes the tag off every article and deletes it.
    async fn delete_tag(
        &self,
        id: i64,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The current slug of the tag that used to live at `old`.
    async fn tag_redirect(&self, old: &Slug) -> Result<Option<Slug>, StoreError>;
}

pub(crate) const SECTION_RECORDS: &str = "SELECT s.id, s.slug, s.name, s.description, s.position, s.in_menu, s.translations, \
     (SELECT COUNT(*) FROM articles a WHERE a.section_id = s.id) AS articles FROM sections s ";

pub(crate) const TAG_RECORDS: &str = "SELECT g.id, g.slug, g.name, g.translations, \
     (SELECT COUNT(*) FROM article_tags t WHERE t.tag_id = g.id) AS articles FROM tags g ";

#[derive(sqlx::FromRow)]
pub(crate) struct SectionRecordRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
    position: i64,
    in_menu: i64,
    articles: i64,
    translations: String,
}

impl SectionRecordRow {
    pub(crate) fn into_record(self) -> Result<SectionRecord, StoreError> {
        Ok(SectionRecord {
            id: self.id,
            slug: crate::rows::slug(self.slug)?,
            name: self.name,
            description: self.description,
            position: self.position,
            in_menu: self.in_menu != 0,
            articles: self.articles,
            translations: crate::rows::translations(&self.translations)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TagRecordRow {
    id: i64,
    slug: String,
    name: String,
    articles: i64,
    translations: String,
}

impl TagRecordRow {
    pub(crate) fn into_record(self) -> Result<TagRecord, StoreError> {
        Ok(TagRecord {
            id: self.id,
            slug: crate::rows::slug(self.slug)?,
            name: self.name,
            articles: self.articles,
            translations: crate::rows::translations(&self.translations)?,
        })
    }
}

#[async_trait::async_trait]
impl crate::taxonomy::TaxonomyStore for crate::sql::SqlStore {
    async fn section_records(&self) -> Result<Vec<kolokol_core::SectionRecord>, StoreError> {
        self.records(
            &format!(
                "{}ORDER BY s.position, s.name",
                crate::taxonomy::SECTION_RECORDS
            ),
            None,
            crate::taxonomy::SectionRecordRow::into_record,
        )
        .await
    }

    async fn section_record(
        &self,
        id: i64,
    ) -> Result<Option<kolokol_core::SectionRecord>, StoreError> {
        self.record(
            &format!("{}WHERE s.id = $1", crate::taxonomy::SECTION_RECORDS),
            id,
            crate::taxonomy::SectionRecordRow::into_record,
        )
        .await
    }

    async fn insert_section(
        &self,
        section: &kolokol_core::SectionInput,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::Section, StoreError> {
        let mut tx = self.begin().await?;
        // A new section takes its address back from an old one that redirected.
        Self::redirect_step(
            &mut tx,
            crate::sql::SECTION_REDIRECTS.free,
            section.slug.as_str(),
            None,
        )
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sections (slug, name, description, position, in_menu, translations) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(section.slug.as_str())
        .bind(&section.name)
        .bind(&section.description)
        .bind(section.position)
        .bind(i64::from(section.in_menu))
        .bind(crate::rows::translations_json(&section.translations))
        .fetch_one(&mut *tx)
        .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(kolokol_core::Section {
            id,
            slug: section.slug.clone(),
            name: section.name.clone(),
            description: section.description.clone(),
            in_menu: section.in_menu,
            translations: section.translations.clone(),
        })
    }

    async fn update_section(
        &self,
        id: i64,
        section: &kolokol_core::SectionInput,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let old: String = sqlx::query_scalar("SELECT slug FROM sections WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE sections SET slug = $1, name = $2, description = $3, position = $4, \
             in_menu = $5, translations = $7 WHERE id = $6",
        )
        .bind(section.slug.as_str())
        .bind(&section.name)
        .bind(&section.description)
        .bind(section.position)
        .bind(i64::from(section.in_menu))
        .bind(id)
        .bind(crate::rows::translations_json(&section.translations))
        .execute(&mut *tx)
        .await?;
        let redirects = &crate::sql::SECTION_REDIRECTS;
        Self::moved(&mut tx, redirects, &old, section.slug.as_str(), id).await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn delete_section(
        &self,
        id: i64,
        move_to: Option<i64>,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::taxonomy::SectionRemoval, StoreError> {
        let mut tx = self.begin().await?;
        let slug: String = sqlx::query_scalar("SELECT slug FROM sections WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let articles: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM articles WHERE section_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        match move_to {
            Some(target) => {
                // The target must exist; fetch_one answers NotFound otherwise.
                let _: i64 = sqlx::query_scalar("SELECT id FROM sections WHERE id = $1")
                    .bind(target)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE articles SET section_id = $1, modified_at = $2 WHERE section_id = $3",
                )
                .bind(target)
                .bind(now.timestamp())
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(crate::sql::SECTION_REDIRECTS.retarget)
                    .bind(target)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::redirect_step(
                    &mut tx,
                    crate::sql::SECTION_REDIRECTS.leave,
                    &slug,
                    Some(target),
                )
                .await?;
            }
            None if articles > 0 => {
                return Ok(crate::taxonomy::SectionRemoval::HasArticles(articles));
            }
            None => {}
        }
        sqlx::query("DELETE FROM sections WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(crate::taxonomy::SectionRemoval::Deleted)
    }

    async fn section_redirect(
        &self,
        old: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::Slug>, StoreError> {
        self.redirect_of(&crate::sql::SECTION_REDIRECTS, old).await
    }

    async fn tag_records(&self) -> Result<Vec<kolokol_core::TagRecord>, StoreError> {
        self.records(
            &format!("{}ORDER BY g.name, g.id", crate::taxonomy::TAG_RECORDS),
            None,
            crate::taxonomy::TagRecordRow::into_record,
        )
        .await
    }

    async fn tag_record(&self, id: i64) -> Result<Option<kolokol_core::TagRecord>, StoreError> {
        self.record(
            &format!("{}WHERE g.id = $1", crate::taxonomy::TAG_RECORDS),
            id,
            crate::taxonomy::TagRecordRow::into_record,
        )
        .await
    }

    async fn rename_tag(
        &self,
        id: i64,
        name: &str,
        slug: &kolokol_core::Slug,
        translations: &kolokol_core::Translations,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let old: String = sqlx::query_scalar("SELECT slug FROM tags WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE tags SET slug = $1, name = $2, translations = $4 WHERE id = $3")
            .bind(slug.as_str())
            .bind(name)
            .bind(id)
            .bind(crate::rows::translations_json(translations))
            .execute(&mut *tx)
            .await?;
        Self::moved(&mut tx, &crate::sql::TAG_REDIRECTS, &old, slug.as_str(), id).await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn merge_tags(
        &self,
        from: i64,
        into: i64,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        if from == into {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let old: String = sqlx::query_scalar("SELECT slug FROM tags WHERE id = $1")
            .bind(from)
            .fetch_one(&mut *tx)
            .await?;
        let _: i64 = sqlx::query_scalar("SELECT id FROM tags WHERE id = $1")
            .bind(into)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO article_tags (article_id, tag_id) \
             SELECT article_id, $1 FROM article_tags WHERE tag_id = $2 \
             ON CONFLICT (article_id, tag_id) DO NOTHING",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE articles SET modified_at = $1 \
             WHERE id IN (SELECT article_id FROM article_tags WHERE tag_id = $2)",
        )
        .bind(now.timestamp())
        .bind(from)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM article_tags WHERE tag_id = $1")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query(crate::sql::TAG_REDIRECTS.retarget)
            .bind(into)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tags WHERE id = $1")
            .bind(from)
            .execute(&mut *tx)
            .await?;
        Self::redirect_step(&mut tx, crate::sql::TAG_REDIRECTS.leave, &old, Some(into)).await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn delete_tag(
        &self,
        id: i64,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE articles SET modified_at = $1 \
             WHERE id IN (SELECT article_id FROM article_tags WHERE tag_id = $2)",
        )
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM article_tags WHERE tag_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM tags WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn tag_redirect(
        &self,
        old: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::Slug>, StoreError> {
        self.redirect_of(&crate::sql::TAG_REDIRECTS, old).await
    }
}

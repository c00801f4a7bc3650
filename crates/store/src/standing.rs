//! Standing pages and their revisions: each save keeps a revision, and every change
//! writes its audit entry in the same transaction and bumps the content version.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{
    ArticleId, Audit, FrontPick, PageDraft, PageLink, PageRecord, PageRevision, PinSlot, Slug,
    UserId,
};

use crate::StoreError;

#[async_trait]
pub trait PageStore: Send + Sync + 'static {
    /// Every page, by place and title.
    async fn page_records(&self) -> Result<Vec<PageRecord>, StoreError>;
    async fn page_record(&self, id: i64) -> Result<Option<PageRecord>, StoreError>;
    /// A published page by its slug.
    async fn published_page(&self, slug: &Slug) -> Result<Option<PageRecord>, StoreError>;
    /// Published pages placed in the menu or footer, in order.
    async fn page_links(&self) -> Result<Vec<PageLink>, StoreError>;
    /// Creates (`id` = None) or updates a page and keeps a revision; `Conflict` when
    /// the slug is taken.
    async fn save_page(
        &self,
        id: Option<i64>,
        draft: &PageDraft,
        by: Option<UserId>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Publishes (keeping a first publication's date) or withdraws a page.
    async fn set_page_published(
        &self,
        id: i64,
        published: bool,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// A page's revisions, newest first.
    async fn page_revisions(&self, id: i64) -> Result<Vec<PageRevision>, StoreError>;
    /// Deletes a page with its revisions and old addresses, with `audit`;
    /// `NotFound` when it is gone.
    async fn delete_page(
        &self,
        id: i64,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The front page's pins still in force at `now`: the lead first, then the
    /// featured stories in the order they were pinned.
    async fn front_page_picks(&self, now: DateTime<Utc>) -> Result<Vec<FrontPick>, StoreError>;
    /// Pins an article (a new lead replaces the old one) until `until`, or unpins it
    /// (`slot` = None).
    async fn pin_article(
        &self,
        article: ArticleId,
        slot: Option<PinSlot>,
        until: Option<DateTime<Utc>>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

pub(crate) const PAGE_RECORDS: &str = "SELECT id, slug, title, body_md, placement, position, \
     published, published_at, modified_at, language FROM pages ";

#[derive(sqlx::FromRow)]
pub(crate) struct PageRow {
    id: i64,
    slug: String,
    title: String,
    body_md: String,
    placement: String,
    position: i64,
    published: i64,
    published_at: Option<i64>,
    modified_at: i64,
    language: String,
}

fn placement(value: &str) -> Result<kolokol_core::Placement, StoreError> {
    kolokol_core::Placement::parse(value)
        .ok_or_else(|| StoreError::Corrupt(format!("page placement {value:?}")))
}

impl PageRow {
    pub(crate) fn into_record(self) -> Result<PageRecord, StoreError> {
        Ok(PageRecord {
            id: self.id,
            draft: PageDraft {
                title: self.title,
                slug: crate::rows::slug(self.slug)?,
                body_markdown: self.body_md,
                placement: placement(&self.placement)?,
                position: self.position,
                language: self.language,
            },
            published: self.published != 0,
            published_at: self.published_at.map(crate::rows::time).transpose()?,
            modified_at: crate::rows::time(self.modified_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PageRevisionRow {
    id: i64,
    created_at: i64,
    user_name: Option<String>,
    snapshot: String,
}

impl PageRevisionRow {
    pub(crate) fn into_revision(self) -> Result<PageRevision, StoreError> {
        Ok(PageRevision {
            id: self.id,
            created_at: crate::rows::time(self.created_at)?,
            user_name: self.user_name,
            draft: serde_json::from_str(&self.snapshot)
                .map_err(|e| StoreError::Corrupt(format!("page revision {}: {e}", self.id)))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PageLinkRow {
    title: String,
    slug: String,
    placement: String,
    language: String,
}

impl PageLinkRow {
    pub(crate) fn into_link(self) -> Result<PageLink, StoreError> {
        Ok(PageLink {
            title: self.title,
            slug: crate::rows::slug(self.slug)?,
            placement: placement(&self.placement)?,
            language: self.language,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PickRow {
    article_id: i64,
    slot: String,
    until: Option<i64>,
}

impl PickRow {
    pub(crate) fn into_pick(self) -> Result<FrontPick, StoreError> {
        Ok(FrontPick {
            article_id: ArticleId(self.article_id),
            slot: PinSlot::parse(&self.slot)
                .ok_or_else(|| StoreError::Corrupt(format!("pin slot {:?}", self.slot)))?,
            until: self.until.map(crate::rows::time).transpose()?,
        })
    }
}

#[async_trait::async_trait]
impl crate::standing::PageStore for crate::sql::SqlStore {
    async fn page_records(&self) -> Result<Vec<kolokol_core::PageRecord>, StoreError> {
        self.records(
            &format!(
                "{}ORDER BY placement, position, title, id",
                crate::standing::PAGE_RECORDS
            ),
            None,
            crate::standing::PageRow::into_record,
        )
        .await
    }

    async fn page_record(&self, id: i64) -> Result<Option<kolokol_core::PageRecord>, StoreError> {
        self.record(
            &format!("{}WHERE id = $1", crate::standing::PAGE_RECORDS),
            id,
            crate::standing::PageRow::into_record,
        )
        .await
    }

    async fn published_page(
        &self,
        slug: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::PageRecord>, StoreError> {
        sqlx::query_as::<_, crate::standing::PageRow>(&format!(
            "{}WHERE slug = $1 AND published = 1",
            crate::standing::PAGE_RECORDS
        ))
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await?
        .map(crate::standing::PageRow::into_record)
        .transpose()
    }

    async fn page_links(&self) -> Result<Vec<kolokol_core::PageLink>, StoreError> {
        sqlx::query_as::<_, crate::standing::PageLinkRow>(
            "SELECT title, slug, placement, language FROM pages \
             WHERE published = 1 AND placement <> 'none' ORDER BY position, title, id",
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::standing::PageLinkRow::into_link)
        .collect()
    }

    async fn save_page(
        &self,
        id: Option<i64>,
        draft: &kolokol_core::PageDraft,
        by: Option<kolokol_core::UserId>,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, StoreError> {
        let snapshot = serde_json::to_string(draft)
            .map_err(|e| StoreError::Corrupt(format!("page draft: {e}")))?;
        let mut tx = self.begin().await?;
        let page_id: i64 = match id {
            None => {
                sqlx::query_scalar(
                    "INSERT INTO pages (slug, title, body_md, placement, position, \
                     created_at, modified_at, language) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) \
                     RETURNING id",
                )
                .bind(draft.slug.as_str())
                .bind(&draft.title)
                .bind(&draft.body_markdown)
                .bind(draft.placement.as_str())
                .bind(draft.position)
                .bind(now.timestamp())
                .bind(&draft.language)
                .fetch_one(&mut *tx)
                .await?
            }
            Some(existing) => {
                let changed = sqlx::query(
                    "UPDATE pages SET slug = $1, title = $2, body_md = $3, placement = $4, \
                     position = $5, modified_at = $6, language = $8 WHERE id = $7",
                )
                .bind(draft.slug.as_str())
                .bind(&draft.title)
                .bind(&draft.body_markdown)
                .bind(draft.placement.as_str())
                .bind(draft.position)
                .bind(now.timestamp())
                .bind(existing)
                .bind(&draft.language)
                .execute(&mut *tx)
                .await?;
                if changed.rows_affected() != 1 {
                    return Err(StoreError::NotFound);
                }
                existing
            }
        };
        sqlx::query(
            "INSERT INTO page_revisions (page_id, created_at, user_id, snapshot) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(page_id)
        .bind(now.timestamp())
        .bind(by.map(|u| u.0))
        .bind(&snapshot)
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(page_id)
    }

    async fn set_page_published(
        &self,
        id: i64,
        published: bool,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE pages SET published = $1, modified_at = $2, \
             published_at = CASE WHEN $1 = 1 THEN COALESCE(published_at, $2) ELSE published_at END \
             WHERE id = $3",
        )
        .bind(i64::from(published))
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }

    async fn delete_page(
        &self,
        id: i64,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM old_addresses WHERE kind = 'page' AND target_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM pages WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        crate::sql::commit_change(tx, audit, now).await
    }

    async fn page_revisions(&self, id: i64) -> Result<Vec<kolokol_core::PageRevision>, StoreError> {
        sqlx::query_as::<_, crate::standing::PageRevisionRow>(
            "SELECT r.id, r.created_at, u.name AS user_name, r.snapshot \
             FROM page_revisions r LEFT JOIN users u ON u.id = r.user_id \
             WHERE r.page_id = $1 ORDER BY r.id DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::standing::PageRevisionRow::into_revision)
        .collect()
    }

    async fn front_page_picks(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::FrontPick>, StoreError> {
        sqlx::query_as::<_, crate::standing::PickRow>(
            "SELECT article_id, slot, until FROM front_page_picks \
             WHERE until IS NULL OR until > $1 \
             ORDER BY CASE slot WHEN 'lead' THEN 0 ELSE 1 END, position",
        )
        .bind(now.timestamp())
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::standing::PickRow::into_pick)
        .collect()
    }

    async fn pin_article(
        &self,
        article: kolokol_core::ArticleId,
        slot: Option<kolokol_core::PinSlot>,
        until: Option<chrono::DateTime<chrono::Utc>>,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM front_page_picks WHERE article_id = $1")
            .bind(article.0)
            .execute(&mut *tx)
            .await?;
        if let Some(slot) = slot {
            if slot == kolokol_core::PinSlot::Lead {
                sqlx::query("DELETE FROM front_page_picks WHERE slot = 'lead'")
                    .execute(&mut *tx)
                    .await?;
            }
            let position: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM front_page_picks")
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO front_page_picks (article_id, slot, position, until) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(article.0)
            .bind(slot.as_str())
            .bind(position)
            .bind(until.map(|t| t.timestamp()))
            .execute(&mut *tx)
            .await?;
        }
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
    }
}

//! What the reading site, the feeds and the export read: published articles, their
//! sections, tags and authors, and the addresses they moved from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{
    Article, ArticleId, ArticleSummary, Author, PageRequest, Paginated, Section, Slug, Tag,
};

use crate::sql::SqlStore;
use crate::{ArticleFilter, SitemapEntry, StoreError, related};

/// What the reading site, the feeds and the export read: published articles, their sections,
/// tags and authors, and the addresses they moved from.
#[async_trait]
pub trait ReadingStore: Send + Sync {
    /// Whether any article exists at all (used to seed the demo only once).
    async fn has_articles(&self) -> Result<bool, StoreError>;
    /// Sections in navigation order.
    async fn sections(&self) -> Result<Vec<Section>, StoreError>;
    async fn section_by_slug(&self, slug: &Slug) -> Result<Option<Section>, StoreError>;
    async fn tag_by_slug(&self, slug: &Slug) -> Result<Option<Tag>, StoreError>;
    /// Every tag, by name.
    async fn tags(&self) -> Result<Vec<Tag>, StoreError>;
    async fn author_by_slug(&self, slug: &Slug) -> Result<Option<Author>, StoreError>;
    async fn authors(&self) -> Result<Vec<Author>, StoreError>;
    /// Published articles, newest first.
    async fn published_articles(
        &self,
        filter: &ArticleFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Paginated<ArticleSummary>, StoreError>;
    /// A published article by its slug.
    async fn published_article(
        &self,
        slug: &Slug,
        now: DateTime<Utc>,
    ) -> Result<Option<Article>, StoreError>;
    /// [`ReadingStore::published_articles`] for a list whose `total` is known (kept
    /// by the caller for the content version): the page without counting the list.
    async fn published_articles_of(
        &self,
        filter: &ArticleFilter,
        page: PageRequest,
        total: u64,
        now: DateTime<Utc>,
    ) -> Result<Paginated<ArticleSummary>, StoreError>;
    /// How many published articles each tag lists in each language, as `(tag,
    /// language, total)`: every tag's page count in one statement.
    async fn tag_totals(&self, now: DateTime<Utc>) -> Result<Vec<(i64, String, u64)>, StoreError>;
    /// A published article by its slug and, read on the same connection, the
    /// summaries of the articles `pick` names for it (as
    /// [`ReadingStore::published_summaries`] reads them); `None` for those when
    /// `pick` cannot name them. An article page then takes one connection from the
    /// pool instead of two: for SQLite, each connection's return is one more trip to
    /// its thread (sqlx pings it then).
    async fn published_article_with(
        &self,
        slug: &Slug,
        now: DateTime<Utc>,
        pick: &(dyn for<'a> Fn(&'a Article) -> Option<Vec<ArticleId>> + Send + Sync),
    ) -> Result<Option<(Article, Option<Vec<ArticleSummary>>)>, StoreError>;
    /// Other published articles that share the section or tags, best match first.
    async fn related_articles(
        &self,
        article: &Article,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ArticleSummary>, StoreError>;
    /// Every published article's slug and modification time, newest first.
    async fn sitemap_entries(&self, now: DateTime<Utc>) -> Result<Vec<SitemapEntry>, StoreError> {
        self.sitemap_slice(now, 0, u64::MAX).await
    }
    /// A run of [`ReadingStore::sitemap_entries`]: `skip` passed over, at most `limit`.
    async fn sitemap_slice(
        &self,
        now: DateTime<Utc>,
        skip: u64,
        limit: u64,
    ) -> Result<Vec<SitemapEntry>, StoreError>;
    /// The published articles cut into runs of `per_part` after `lead` places taken
    /// by other URLs (a sitemap's parts): for each run from the first that has an
    /// article, its number (from 0), how many articles it has and their latest change.
    async fn sitemap_parts(
        &self,
        now: DateTime<Utc>,
        lead: u64,
        per_part: u64,
    ) -> Result<Vec<crate::SitemapPart>, StoreError>;
    /// The published articles of these translation groups, as `(group, language,
    /// slug)`.
    async fn translation_members(
        &self,
        groups: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, String, Slug)>, StoreError>;
    /// Whole published articles, newest first, after `after` (time and id of the last
    /// one of the previous batch): the static export reads the site this way, a batch
    /// at a time, in a handful of queries per batch.
    async fn published_articles_whole(
        &self,
        after: Option<(DateTime<Utc>, ArticleId)>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<Article>, StoreError>;
    /// Whole published articles by id, in no particular order (the ones not
    /// published, or not due, are left out).
    async fn published_articles_by_ids(
        &self,
        ids: &[ArticleId],
        now: DateTime<Utc>,
    ) -> Result<Vec<Article>, StoreError>;
    /// Every published article's id and time of last change, for keeping a search
    /// index in step.
    async fn published_stamps(&self, now: DateTime<Utc>) -> Result<Vec<(i64, i64)>, StoreError>;
    /// A run of a list, newest first, after the (time, id) of the last one seen: the
    /// same articles as [`ReadingStore::published_articles`] pages through, in one pass.
    async fn published_articles_after(
        &self,
        filter: &ArticleFilter,
        after: Option<(DateTime<Utc>, ArticleId)>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ArticleSummary>, StoreError>;
    /// Where each page of `per_page` entries of a list ends, and how many it has:
    /// with [`ReadingStore::published_articles_after`], any page of it is then read
    /// without counting past the ones before.
    async fn page_marks(
        &self,
        filter: &ArticleFilter,
        per_page: u32,
        now: DateTime<Utc>,
    ) -> Result<kolokol_core::PageMarks, StoreError>;
    /// Published articles' summaries by id, in the order of `ids` (the ones not
    /// published, or not due, are left out).
    async fn published_summaries(
        &self,
        ids: &[ArticleId],
        now: DateTime<Utc>,
    ) -> Result<Vec<ArticleSummary>, StoreError>;
    /// Every published article's section, time and tags, for computing "related"
    /// for a whole site at once (the same rule as [`ReadingStore::related_articles`]).
    async fn related_index(&self, now: DateTime<Utc>) -> Result<related::RelatedIndex, StoreError>;
    /// The newest `limit` published articles in `language` of a section or with a
    /// tag, newest first, as the rule of [`ReadingStore::related_articles`] sees them:
    /// the candidates it draws from that list, for keeping them in memory.
    async fn related_candidates(
        &self,
        list: related::CandidateList,
        language: &str,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<related::RelatedKey>, StoreError>;
    /// The current slug of the article that used to live at `old`, if any.
    async fn redirect_for(&self, old: &Slug) -> Result<Option<Slug>, StoreError>;
}

/// `query` with the six parameters of `sql::list_filter` bound: `$1` now, `$2`
/// section, `$3` tag, `$4` author (0 = any), `$5` earliest publication time, `$6`
/// language (empty = any).
fn list_filter<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    filter: &'q crate::ArticleFilter,
    now: DateTime<Utc>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    query
        .bind(now.timestamp())
        .bind(filter.section_id.unwrap_or(0))
        .bind(filter.tag_id.unwrap_or(0))
        .bind(filter.author_id.unwrap_or(0))
        .bind(filter.published_since.map_or(i64::MIN, |t| t.timestamp()))
        .bind(filter.language.as_deref().unwrap_or(""))
}

impl SqlStore {
    /// A page of a published list, counted unless its `total` is known.
    async fn published_page_of(
        &self,
        filter: &crate::ArticleFilter,
        page: kolokol_core::PageRequest,
        total: Option<u64>,
        now: DateTime<Utc>,
    ) -> Result<kolokol_core::Paginated<kolokol_core::ArticleSummary>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let (count, list) = match filter.tag_id {
            Some(_) => (crate::sql::COUNT_TAGGED, crate::sql::LIST_TAGGED),
            None => (crate::sql::COUNT_ARTICLES, crate::sql::LIST_ARTICLES),
        };
        let total = match total {
            Some(total) => total,
            None => {
                let (total,): (i64,) = list_filter(sqlx::query_as(count), filter, now)
                    .fetch_one(&mut *conn)
                    .await?;
                u64::try_from(total).unwrap_or(0)
            }
        };
        let rows = list_filter(
            sqlx::query_as::<_, crate::rows::SummaryRow>(list),
            filter,
            now,
        )
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&mut *conn)
        .await?;
        let items = Self::complete_summaries(&mut conn, rows).await?;
        Ok(kolokol_core::Paginated::new(items, page, total))
    }

    /// Every row `sql` selects, each made into a `T` by `convert`.
    pub(crate) async fn all_rows<R, T>(
        &self,
        sql: &str,
        convert: fn(R) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        sqlx::query_as::<_, R>(sql)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(convert)
            .collect()
    }

    /// The row `sql` selects for the slug `$1`, made into a `T` by `convert`.
    pub(crate) async fn row_by_slug<R, T>(
        &self,
        sql: &str,
        slug: &kolokol_core::Slug,
        convert: fn(R) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        sqlx::query_as::<_, R>(sql)
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await?
            .map(convert)
            .transpose()
    }

    /// Library images with their renditions, in the rows' order.
    pub(crate) async fn with_variants(
        &self,
        rows: Vec<crate::rows::ImageRow>,
    ) -> Result<Vec<kolokol_core::LibraryImage>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let variants = Self::variants_of(&mut *self.pool.acquire().await?, &ids).await?;
        let mut by_image: std::collections::HashMap<i64, Vec<crate::rows::VariantRow>> =
            std::collections::HashMap::new();
        for variant in variants {
            by_image.entry(variant.image_id).or_default().push(variant);
        }
        rows.into_iter()
            .map(|row| {
                let variants = by_image.remove(&row.id).unwrap_or_default();
                row.into_image(variants)
            })
            .collect()
    }

    /// Renditions of these images, narrowest first.
    pub(crate) async fn variants_of(
        conn: &mut sqlx::AnyConnection,
        image_ids: &[i64],
    ) -> Result<Vec<crate::rows::VariantRow>, StoreError> {
        crate::whole::rows_in(
            conn,
            "SELECT image_id, width, height, path, mime FROM image_variants \
             WHERE image_id IN ({ids}) ORDER BY image_id, width, mime",
            image_ids,
        )
        .await
    }
}

#[async_trait]
impl ReadingStore for SqlStore {
    async fn has_articles(&self) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM articles LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    async fn sections(&self) -> Result<Vec<kolokol_core::Section>, StoreError> {
        self.all_rows(
            "SELECT id, slug, name, description, in_menu, translations FROM sections \
             ORDER BY position, name",
            crate::rows::SectionRow::into_section,
        )
        .await
    }

    async fn section_by_slug(
        &self,
        slug: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::Section>, StoreError> {
        self.row_by_slug(
            "SELECT id, slug, name, description, in_menu, translations FROM sections WHERE slug = $1",
            slug,
            crate::rows::SectionRow::into_section,
        )
        .await
    }

    async fn tag_by_slug(
        &self,
        slug: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::Tag>, StoreError> {
        self.row_by_slug(
            "SELECT id, slug, name, translations FROM tags WHERE slug = $1",
            slug,
            crate::rows::TagRow::into_tag,
        )
        .await
    }

    async fn tags(&self) -> Result<Vec<kolokol_core::Tag>, StoreError> {
        self.all_rows(
            "SELECT id, slug, name, translations FROM tags ORDER BY name, id",
            crate::rows::TagRow::into_tag,
        )
        .await
    }

    async fn author_by_slug(
        &self,
        slug: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::Author>, StoreError> {
        self.row_by_slug(
            "SELECT id, slug, name, title, bio, photo_image_id, links, translations FROM authors \
             WHERE slug = $1",
            slug,
            crate::rows::AuthorRow::into_author,
        )
        .await
    }

    async fn authors(&self) -> Result<Vec<kolokol_core::Author>, StoreError> {
        self.all_rows(
            "SELECT id, slug, name, title, bio, photo_image_id, links, translations FROM authors \
             ORDER BY name, id",
            crate::rows::AuthorRow::into_author,
        )
        .await
    }

    async fn published_articles(
        &self,
        filter: &crate::ArticleFilter,
        page: kolokol_core::PageRequest,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::Paginated<kolokol_core::ArticleSummary>, StoreError> {
        self.published_page_of(filter, page, None, now).await
    }

    async fn published_articles_of(
        &self,
        filter: &crate::ArticleFilter,
        page: kolokol_core::PageRequest,
        total: u64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::Paginated<kolokol_core::ArticleSummary>, StoreError> {
        self.published_page_of(filter, page, Some(total), now).await
    }

    async fn tag_totals(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(i64, String, u64)>, StoreError> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(crate::sql::TAG_TOTALS)
            .bind(now.timestamp())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(tag, language, total)| (tag, language, u64::try_from(total).unwrap_or(0)))
            .collect())
    }

    async fn published_article(
        &self,
        slug: &kolokol_core::Slug,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::Article>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        self.article_on(&mut conn, slug, now).await
    }

    async fn published_article_with(
        &self,
        slug: &kolokol_core::Slug,
        now: chrono::DateTime<chrono::Utc>,
        pick: &(
             dyn for<'a> Fn(&'a kolokol_core::Article) -> Option<Vec<kolokol_core::ArticleId>>
                 + Send
                 + Sync
         ),
    ) -> Result<
        Option<(
            kolokol_core::Article,
            Option<Vec<kolokol_core::ArticleSummary>>,
        )>,
        StoreError,
    > {
        let mut conn = self.pool.acquire().await?;
        let Some(article) = self.article_on(&mut conn, slug, now).await? else {
            return Ok(None);
        };
        let picked = match pick(&article) {
            Some(ids) => Some(self.summaries_on(&mut conn, &ids, now).await?),
            None => None,
        };
        Ok(Some((article, picked)))
    }

    async fn related_articles(
        &self,
        article: &kolokol_core::Article,
        limit: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = crate::sql::related_articles(article.tags.len());
        let mut query = sqlx::query_as::<_, crate::rows::SummaryRow>(&sql)
            .bind(now.timestamp())
            .bind(article.summary.section.id)
            .bind(article.summary.id.0)
            .bind(i64::from(limit))
            .bind(&article.summary.language);
        for tag in &article.tags {
            query = query.bind(tag.id);
        }
        let rows = query.fetch_all(&mut *conn).await?;
        Self::complete_summaries(&mut conn, rows).await
    }

    async fn sitemap_slice(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        skip: u64,
        limit: u64,
    ) -> Result<Vec<crate::SitemapEntry>, StoreError> {
        sqlx::query_as::<_, crate::rows::SitemapRow>(crate::sql::SITEMAP)
            .bind(now.timestamp())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(skip).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(crate::rows::SitemapRow::into_entry)
            .collect()
    }

    async fn sitemap_parts(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        lead: u64,
        per_part: u64,
    ) -> Result<Vec<crate::SitemapPart>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(crate::sql::SITEMAP_PARTS)
            .bind(now.timestamp())
            .bind(i64::try_from(lead).unwrap_or(i64::MAX))
            .bind(i64::try_from(per_part.max(1)).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|(number, articles, latest)| {
                Ok(crate::SitemapPart {
                    number: u64::try_from(number).unwrap_or(0),
                    articles: u64::try_from(articles).unwrap_or(0),
                    latest: crate::rows::time(latest)?,
                })
            })
            .collect()
    }

    async fn translation_members(
        &self,
        groups: &[i64],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(i64, String, Slug)>, StoreError> {
        let mut members = Vec::new();
        // Bounded lists of placeholders, whatever the number asked for.
        for chunk in groups.chunks(500) {
            let sql = format!(
                "{}AND a.translation_group IN ({})",
                crate::sql::TRANSLATION_MEMBERS,
                crate::rows::placeholders(2, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, String, String)>(&sql).bind(now.timestamp());
            for group in chunk {
                query = query.bind(*group);
            }
            for (group, language, slug) in query.fetch_all(&self.pool).await? {
                members.push((group, language, crate::rows::slug(slug)?));
            }
        }
        Ok(members)
    }

    async fn published_articles_whole(
        &self,
        after: Option<(chrono::DateTime<chrono::Utc>, kolokol_core::ArticleId)>,
        limit: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::Article>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let (after_time, after_id) =
            after.map_or((i64::MAX, i64::MAX), |(t, id)| (t.timestamp(), id.0));
        let rows = sqlx::query_as::<_, crate::rows::SummaryRow>(crate::sql::WHOLE_BATCH)
            .bind(now.timestamp())
            .bind(after_time)
            .bind(after_id)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await?;
        Self::whole_articles(&mut conn, rows).await
    }

    async fn published_articles_after(
        &self,
        filter: &crate::ArticleFilter,
        after: Option<(chrono::DateTime<chrono::Utc>, kolokol_core::ArticleId)>,
        limit: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let (after_time, after_id) =
            after.map_or((i64::MAX, i64::MAX), |(t, id)| (t.timestamp(), id.0));
        let query = sqlx::query_as::<_, crate::rows::SummaryRow>(crate::sql::LIST_ARTICLES_AFTER);
        let rows = list_filter(query, filter, now)
            .bind(after_time)
            .bind(after_id)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await?;
        Self::complete_summaries(&mut conn, rows).await
    }

    async fn page_marks(
        &self,
        filter: &crate::ArticleFilter,
        per_page: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::PageMarks, StoreError> {
        let mut marks = kolokol_core::PageMarks {
            per_page: per_page.max(1),
            ..kolokol_core::PageMarks::default()
        };
        let per_page = i64::from(marks.per_page);
        let rows: Vec<(i64, i64, i64)> =
            list_filter(sqlx::query_as(crate::sql::LIST_MARKS), filter, now)
                .bind(per_page)
                .fetch_all(&self.pool)
                .await?;
        for (at, id, place) in rows {
            // Rows come in order and the last is the list's last entry.
            marks.total = u64::try_from(place).unwrap_or(0);
            if place % per_page == 0 {
                let at = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
                marks.ends.push((at, kolokol_core::ArticleId(id)));
            }
        }
        Ok(marks)
    }

    async fn published_summaries(
        &self,
        ids: &[kolokol_core::ArticleId],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.pool.acquire().await?;
        self.summaries_on(&mut conn, ids, now).await
    }

    async fn related_candidates(
        &self,
        list: related::CandidateList,
        language: &str,
        limit: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<related::RelatedKey>, StoreError> {
        self.candidates(list, language, limit, now).await
    }

    async fn related_index(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::related::RelatedIndex, StoreError> {
        let articles: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(crate::sql::RELATED_INDEX_ARTICLES)
                .bind(now.timestamp())
                .fetch_all(&self.pool)
                .await?;
        let tagged: Vec<(i64, i64)> = sqlx::query_as(crate::sql::RELATED_INDEX_TAGS)
            .bind(now.timestamp())
            .fetch_all(&self.pool)
            .await?;
        Ok(crate::related::RelatedIndex::new(crate::related::keys(
            articles, tagged,
        )))
    }

    async fn published_articles_by_ids(
        &self,
        ids: &[kolokol_core::ArticleId],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::Article>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut articles = Vec::with_capacity(ids.len());
        // Bounded lists of placeholders, whatever the number asked for.
        for chunk in ids.chunks(500) {
            let sql = format!(
                "{}AND a.id IN ({})",
                crate::sql::PUBLISHED_SUMMARIES,
                crate::rows::placeholders(2, chunk.len())
            );
            let mut query =
                sqlx::query_as::<_, crate::rows::SummaryRow>(&sql).bind(now.timestamp());
            for id in chunk {
                query = query.bind(id.0);
            }
            let rows = query.fetch_all(&mut *conn).await?;
            articles.extend(Self::whole_articles(&mut conn, rows).await?);
        }
        Ok(articles)
    }

    async fn published_stamps(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(crate::sql::PUBLISHED_STAMPS)
            .bind(now.timestamp())
            .fetch_all(&self.pool)
            .await?)
    }

    async fn redirect_for(
        &self,
        old: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::Slug>, StoreError> {
        self.redirect_of(&crate::sql::ARTICLE_REDIRECTS, old).await
    }
}

//! The queries, written once in SQL that SQLite and PostgreSQL both understand
//! (`$n` placeholders, `RETURNING`, BIGINT times), and the one implementation of
//! [`crate::Store`] that both backends share through [`impl_store!`].

/// The columns of an article summary; see `rows::SummaryRow`.
macro_rules! summary_select {
    () => {
        "SELECT a.id, a.slug, a.headline, a.dek, a.word_count, a.section_id, \
         s.slug AS section_slug, s.name AS section_name, s.description AS section_description, \
         a.published_at, a.updated_at, a.modified_at, a.hero_image_id, a.hero_alt, \
         a.hero_caption, a.hero_credit, i.width AS image_width, i.height AS image_height, \
         i.path AS image_path \
         FROM articles a JOIN sections s ON s.id = a.section_id \
         LEFT JOIN images i ON i.id = a.hero_image_id "
    };
}

/// Published and due: `$1` is "now" in Unix seconds.
macro_rules! published {
    () => {
        " a.status = 'published' AND a.published_at <= $1 "
    };
}

/// The optional filters of an article list: `$2` section, `$3` tag, `$4` author
/// (0 = any), `$5` earliest publication time.
macro_rules! list_filter {
    () => {
        concat!(
            "WHERE",
            published!(),
            "AND ($2 = 0 OR a.section_id = $2) \
             AND ($3 = 0 OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag_id = $3)) \
             AND ($4 = 0 OR EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_id = $4)) \
             AND a.published_at >= $5 "
        )
    };
}

pub(crate) const LIST_ARTICLES: &str = concat!(
    summary_select!(),
    list_filter!(),
    "ORDER BY a.published_at DESC, a.id DESC LIMIT $6 OFFSET $7"
);

pub(crate) const COUNT_ARTICLES: &str = concat!("SELECT COUNT(*) FROM articles a ", list_filter!());

pub(crate) const ARTICLE_BY_SLUG: &str =
    concat!(summary_select!(), "WHERE", published!(), "AND a.slug = $2");

pub(crate) const ARTICLE_EXTRA: &str =
    "SELECT body_md, dateline, seo_title, seo_description FROM articles WHERE id = $1";

/// Same section scores 1, each shared tag 2; `$2` section, `$3` the article itself.
pub(crate) const RELATED_ARTICLES: &str = concat!(
    summary_select!(),
    "WHERE",
    published!(),
    "AND a.id <> $3 ORDER BY \
     (CASE WHEN a.section_id = $2 THEN 1 ELSE 0 END) \
     + 2 * (SELECT COUNT(*) FROM article_tags t WHERE t.article_id = a.id \
            AND t.tag_id IN (SELECT o.tag_id FROM article_tags o WHERE o.article_id = $3)) DESC, \
     a.published_at DESC, a.id DESC LIMIT $4"
);

pub(crate) const SITEMAP: &str = concat!(
    "SELECT a.slug, a.modified_at FROM articles a WHERE",
    published!(),
    "ORDER BY a.published_at DESC, a.id DESC"
);

pub(crate) const ARTICLE_TAGS: &str = "SELECT g.id, g.slug, g.name FROM article_tags t \
     JOIN tags g ON g.id = t.tag_id WHERE t.article_id = $1 ORDER BY g.name";

pub(crate) const ARTICLE_CORRECTIONS: &str =
    "SELECT created_at, body FROM corrections WHERE article_id = $1 ORDER BY created_at, id";

pub(crate) const BUMP_CONTENT_VERSION: &str =
    "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1";

/// Implements [`crate::Store`] for a backend struct with a `pool` field.
///
/// The body is the same for both backends; the migrations differ.
macro_rules! impl_store {
    ($store:ty, $backend:expr, $migrator:expr) => {
        impl $store {
            /// Authors and image renditions for a page of summary rows, in two queries.
            async fn complete_summaries(
                &self,
                rows: Vec<$crate::rows::SummaryRow>,
            ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let article_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let sql = format!(
                    "SELECT aa.article_id, au.id, au.slug, au.name, au.title, au.bio \
                     FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
                     WHERE aa.article_id IN ({}) ORDER BY aa.article_id, aa.position",
                    $crate::rows::placeholders(1, article_ids.len())
                );
                let mut query = sqlx::query_as::<_, $crate::rows::ArticleAuthorRow>(&sql);
                for id in &article_ids {
                    query = query.bind(id);
                }
                let authors = query.fetch_all(&self.pool).await?;

                let image_ids: Vec<i64> = rows.iter().filter_map(|r| r.hero_image_id).collect();
                let variants = if image_ids.is_empty() {
                    Vec::new()
                } else {
                    let sql = format!(
                        "SELECT image_id, width, height, path, mime FROM image_variants \
                         WHERE image_id IN ({}) ORDER BY image_id, width, mime",
                        $crate::rows::placeholders(1, image_ids.len())
                    );
                    let mut query = sqlx::query_as::<_, $crate::rows::VariantRow>(&sql);
                    for id in &image_ids {
                        query = query.bind(id);
                    }
                    query.fetch_all(&self.pool).await?
                };
                $crate::rows::assemble_summaries(rows, authors, variants)
            }
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn migrate(&self) -> Result<(), StoreError> {
                $migrator.run(&self.pool).await?;
                Ok(())
            }

            async fn content_version(&self) -> Result<i64, StoreError> {
                let version: i64 =
                    sqlx::query_scalar("SELECT content_version FROM site_state WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await?;
                Ok(version)
            }

            async fn has_articles(&self) -> Result<bool, StoreError> {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM articles LIMIT 1")
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(found.is_some())
            }

            async fn create_section(
                &self,
                slug: &kolokol_core::Slug,
                name: &str,
                description: &str,
                position: i64,
            ) -> Result<kolokol_core::Section, StoreError> {
                let mut tx = self.pool.begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO sections (slug, name, description, position) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(slug.as_str())
                .bind(name)
                .bind(description)
                .bind(position)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(kolokol_core::Section {
                    id,
                    slug: slug.clone(),
                    name: name.to_owned(),
                    description: description.to_owned(),
                })
            }

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
                Ok(kolokol_core::Tag { id, slug: slug.clone(), name: name.to_owned() })
            }

            async fn create_author(
                &self,
                slug: &kolokol_core::Slug,
                name: &str,
                title: &str,
                bio: &str,
            ) -> Result<kolokol_core::Author, StoreError> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO authors (slug, name, title, bio) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(slug.as_str())
                .bind(name)
                .bind(title)
                .bind(bio)
                .fetch_one(&self.pool)
                .await?;
                Ok(kolokol_core::Author {
                    id,
                    slug: slug.clone(),
                    name: name.to_owned(),
                    title: title.to_owned(),
                    bio: bio.to_owned(),
                })
            }

            async fn create_image(
                &self,
                image: &kolokol_core::NewImage,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin().await?;
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
                tx.commit().await?;
                Ok(id)
            }

            async fn create_article(
                &self,
                article: &kolokol_core::NewArticle,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<kolokol_core::ArticleId, StoreError> {
                let words = i64::try_from(kolokol_core::article::word_count(&article.body_markdown))
                    .unwrap_or(i64::MAX);
                let mut tx = self.pool.begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO articles (slug, headline, dek, body_md, word_count, dateline, \
                     section_id, status, published_at, updated_at, created_at, modified_at, \
                     hero_image_id, hero_alt, hero_caption, hero_credit, seo_title, seo_description) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16, $17) \
                     RETURNING id",
                )
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
                .fetch_one(&mut *tx)
                .await?;
                for (position, author_id) in (0_i64..).zip(&article.author_ids) {
                    sqlx::query(
                        "INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(author_id)
                    .bind(position)
                    .execute(&mut *tx)
                    .await?;
                }
                for tag_id in &article.tag_ids {
                    sqlx::query("INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)")
                        .bind(id)
                        .bind(tag_id)
                        .execute(&mut *tx)
                        .await?;
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
                sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(kolokol_core::ArticleId(id))
            }

            async fn sections(&self) -> Result<Vec<kolokol_core::Section>, StoreError> {
                sqlx::query_as::<_, $crate::rows::SectionRow>(
                    "SELECT id, slug, name, description FROM sections ORDER BY position, name",
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map($crate::rows::SectionRow::into_section)
                .collect()
            }

            async fn section_by_slug(
                &self,
                slug: &kolokol_core::Slug,
            ) -> Result<Option<kolokol_core::Section>, StoreError> {
                sqlx::query_as::<_, $crate::rows::SectionRow>(
                    "SELECT id, slug, name, description FROM sections WHERE slug = $1",
                )
                .bind(slug.as_str())
                .fetch_optional(&self.pool)
                .await?
                .map($crate::rows::SectionRow::into_section)
                .transpose()
            }

            async fn tag_by_slug(
                &self,
                slug: &kolokol_core::Slug,
            ) -> Result<Option<kolokol_core::Tag>, StoreError> {
                sqlx::query_as::<_, $crate::rows::TagRow>("SELECT id, slug, name FROM tags WHERE slug = $1")
                    .bind(slug.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                    .map($crate::rows::TagRow::into_tag)
                    .transpose()
            }

            async fn author_by_slug(
                &self,
                slug: &kolokol_core::Slug,
            ) -> Result<Option<kolokol_core::Author>, StoreError> {
                sqlx::query_as::<_, $crate::rows::AuthorRow>(
                    "SELECT id, slug, name, title, bio FROM authors WHERE slug = $1",
                )
                .bind(slug.as_str())
                .fetch_optional(&self.pool)
                .await?
                .map($crate::rows::AuthorRow::into_author)
                .transpose()
            }

            async fn published_articles(
                &self,
                filter: &$crate::ArticleFilter,
                page: kolokol_core::PageRequest,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<kolokol_core::Paginated<kolokol_core::ArticleSummary>, StoreError> {
                let since = filter.published_since.map_or(i64::MIN, |t| t.timestamp());
                let total: i64 = sqlx::query_scalar($crate::sql::COUNT_ARTICLES)
                    .bind(now.timestamp())
                    .bind(filter.section_id.unwrap_or(0))
                    .bind(filter.tag_id.unwrap_or(0))
                    .bind(filter.author_id.unwrap_or(0))
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?;
                let rows = sqlx::query_as::<_, $crate::rows::SummaryRow>($crate::sql::LIST_ARTICLES)
                    .bind(now.timestamp())
                    .bind(filter.section_id.unwrap_or(0))
                    .bind(filter.tag_id.unwrap_or(0))
                    .bind(filter.author_id.unwrap_or(0))
                    .bind(since)
                    .bind(page.limit())
                    .bind(page.offset())
                    .fetch_all(&self.pool)
                    .await?;
                let items = self.complete_summaries(rows).await?;
                Ok(kolokol_core::Paginated::new(items, page, u64::try_from(total).unwrap_or(0)))
            }

            async fn published_article(
                &self,
                slug: &kolokol_core::Slug,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<kolokol_core::Article>, StoreError> {
                let Some(row) = sqlx::query_as::<_, $crate::rows::SummaryRow>($crate::sql::ARTICLE_BY_SLUG)
                    .bind(now.timestamp())
                    .bind(slug.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let id = row.id;
                let extra = sqlx::query_as::<_, $crate::rows::ArticleExtraRow>($crate::sql::ARTICLE_EXTRA)
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                let tags = sqlx::query_as::<_, $crate::rows::TagRow>($crate::sql::ARTICLE_TAGS)
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::rows::TagRow::into_tag)
                    .collect::<Result<Vec<_>, _>>()?;
                let corrections =
                    sqlx::query_as::<_, $crate::rows::CorrectionRow>($crate::sql::ARTICLE_CORRECTIONS)
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?
                        .into_iter()
                        .map($crate::rows::CorrectionRow::into_correction)
                        .collect::<Result<Vec<_>, _>>()?;
                let Some(summary) = self.complete_summaries(vec![row]).await?.pop() else {
                    return Ok(None);
                };
                Ok(Some(kolokol_core::Article {
                    summary,
                    body_markdown: extra.body_md,
                    dateline: extra.dateline,
                    seo_title: extra.seo_title,
                    seo_description: extra.seo_description,
                    tags,
                    corrections,
                }))
            }

            async fn related_articles(
                &self,
                article: &kolokol_core::Article,
                limit: u32,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
                let rows = sqlx::query_as::<_, $crate::rows::SummaryRow>($crate::sql::RELATED_ARTICLES)
                    .bind(now.timestamp())
                    .bind(article.summary.section.id)
                    .bind(article.summary.id.0)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                self.complete_summaries(rows).await
            }

            async fn sitemap_entries(
                &self,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<$crate::SitemapEntry>, StoreError> {
                sqlx::query_as::<_, $crate::rows::SitemapRow>($crate::sql::SITEMAP)
                    .bind(now.timestamp())
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::rows::SitemapRow::into_entry)
                    .collect()
            }
        }
    };
}

pub(crate) use impl_store;

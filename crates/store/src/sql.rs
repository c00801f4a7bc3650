//! The queries, written once in SQL that SQLite and PostgreSQL both understand
//! (`$n` placeholders, `RETURNING`, BIGINT times), and the one implementation of
//! [`crate::Store`] that both backends share through [`impl_store!`].

/// The columns of an article summary; see `rows::SummaryRow`.
macro_rules! summary_select {
    () => {
        "SELECT a.id, a.slug, a.headline, a.dek, a.word_count, a.section_id, \
         s.slug AS section_slug, s.name AS section_name, s.description AS section_description, s.in_menu AS section_in_menu, \
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

/// A page of a list. The page's ids are found first from the `articles_listing`
/// index alone, so skipping to page 400 steps over index entries, not over whole
/// article rows (which carry their bodies); only the 20 shown are then read.
pub(crate) const LIST_ARTICLES: &str = concat!(
    summary_select!(),
    "WHERE a.id IN (SELECT a.id FROM articles a ",
    list_filter!(),
    "ORDER BY a.published_at DESC, a.id DESC LIMIT $6 OFFSET $7) \
     ORDER BY a.published_at DESC, a.id DESC"
);

/// A run of a list after (`$6` time, `$7` id), newest first: the export walks whole
/// lists this way in one pass instead of paging with OFFSET.
pub(crate) const LIST_ARTICLES_AFTER: &str = concat!(
    summary_select!(),
    list_filter!(),
    "AND (a.published_at < $6 OR (a.published_at = $6 AND a.id < $7)) \
     ORDER BY a.published_at DESC, a.id DESC LIMIT $8"
);

pub(crate) const COUNT_ARTICLES: &str = concat!("SELECT COUNT(*) FROM articles a ", list_filter!());

pub(crate) const ARTICLE_BY_SLUG: &str =
    concat!(summary_select!(), "WHERE", published!(), "AND a.slug = $2");

pub(crate) const ARTICLE_EXTRA: &str =
    "SELECT body_md, dateline, seo_title, seo_description FROM articles WHERE id = $1";

/// Same section scores 1, each shared tag 2; `$2` section, `$3` the article itself.
/// Only the newest 100 candidates of each kind are scored, so the cost stays flat
/// however large the archive grows. Every ordering ends on the id, so the result is
/// fully determined; `related::RelatedIndex` computes the same in memory.
pub(crate) const RELATED_ARTICLES: &str = concat!(
    summary_select!(),
    "WHERE a.id IN ( \
       SELECT id FROM (SELECT c.id FROM articles c WHERE c.status = 'published' AND c.published_at <= $1 \
         AND c.id <> $3 AND c.section_id = $2 ORDER BY c.published_at DESC, c.id DESC LIMIT 100) AS same_section \
       UNION \
       SELECT id FROM (SELECT c.id FROM articles c JOIN article_tags t ON t.article_id = c.id \
         WHERE c.status = 'published' AND c.published_at <= $1 AND c.id <> $3 \
         AND t.tag_id IN (SELECT o.tag_id FROM article_tags o WHERE o.article_id = $3) \
         GROUP BY c.id, c.published_at ORDER BY c.published_at DESC, c.id DESC LIMIT 100) AS same_tags) \
     ORDER BY (CASE WHEN a.section_id = $2 THEN 1 ELSE 0 END) \
     + 2 * (SELECT COUNT(*) FROM article_tags t WHERE t.article_id = a.id \
            AND t.tag_id IN (SELECT o.tag_id FROM article_tags o WHERE o.article_id = $3)) DESC, \
     a.published_at DESC, a.id DESC LIMIT $4"
);

/// A batch of whole articles for the export, after (`$2` time, `$3` id), newest first.
pub(crate) const WHOLE_BATCH: &str = concat!(
    summary_select!(),
    "WHERE",
    published!(),
    "AND (a.published_at < $2 OR (a.published_at = $2 AND a.id < $3)) \
     ORDER BY a.published_at DESC, a.id DESC LIMIT $4"
);

/// Published summaries; the caller adds `AND a.id IN (…)` from `$2` on.
pub(crate) const PUBLISHED_SUMMARIES: &str = concat!(summary_select!(), "WHERE", published!());

pub(crate) const RELATED_INDEX_ARTICLES: &str = concat!(
    "SELECT a.id, a.section_id, a.published_at FROM articles a WHERE",
    published!()
);

pub(crate) const RELATED_INDEX_TAGS: &str = concat!(
    "SELECT t.article_id, t.tag_id FROM article_tags t JOIN articles a ON a.id = t.article_id WHERE",
    published!()
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

/// The newsroom list's conditions: `$1` the user whose own articles are shown (0:
/// all), `$2` their author profile, `$3` a LIKE pattern on the folded headline
/// (empty: any), `$4` the state (`draft`, `scheduled`, `published` or empty), `$5`
/// section and `$6` author (0: any), `$7` now.
pub(crate) const LISTING_FILTER: &str = "WHERE ($1 = 0 OR a.created_by = $1 OR EXISTS \
     (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_id = $2)) \
     AND ($3 = '' OR a.headline_folded LIKE $3 ESCAPE '\\') \
     AND ($4 = '' OR ($4 = 'draft' AND a.status = 'draft') \
       OR ($4 = 'scheduled' AND a.status = 'published' AND a.published_at > $7) \
       OR ($4 = 'published' AND a.status = 'published' AND a.published_at <= $7)) \
     AND ($5 = 0 OR a.section_id = $5) \
     AND ($6 = 0 OR EXISTS (SELECT 1 FROM article_authors v WHERE v.article_id = a.id AND v.author_id = $6))";

/// `text` with LIKE's wildcards and escape character escaped (by `\`).
pub(crate) fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The queries of one kind of address that keeps answering after it moves: a
/// table of old slugs, each pointing at the row (article, section, tag) that now
/// lives elsewhere.
pub(crate) struct Redirects {
    /// Frees a slug taken (back) by a live row: `$1` the slug.
    pub free: &'static str,
    /// Points `$1`, an old slug, at row `$2` (again, if it pointed elsewhere).
    pub leave: &'static str,
    /// Points every old slug of row `$2` at row `$1` (a merge, a move).
    pub retarget: &'static str,
    /// The current slug of the row `$1` used to be.
    pub lookup: &'static str,
}

/// [`Redirects`] for the redirect table `$table`, whose column `$key` names a row
/// of `$owner`.
macro_rules! redirects {
    ($table:literal, $key:literal, $owner:literal) => {
        Redirects {
            free: concat!("DELETE FROM ", $table, " WHERE old_slug = $1"),
            leave: concat!(
                "INSERT INTO ",
                $table,
                " (old_slug, ",
                $key,
                ") VALUES ($1, $2) \
                 ON CONFLICT (old_slug) DO UPDATE SET ",
                $key,
                " = excluded.",
                $key
            ),
            retarget: concat!(
                "UPDATE ",
                $table,
                " SET ",
                $key,
                " = $1 WHERE ",
                $key,
                " = $2"
            ),
            lookup: concat!(
                "SELECT o.slug FROM ",
                $table,
                " r JOIN ",
                $owner,
                " o ON o.id = r.",
                $key,
                " WHERE r.old_slug = $1"
            ),
        }
    };
}

pub(crate) const ARTICLE_REDIRECTS: Redirects =
    redirects!("slug_redirects", "article_id", "articles");
pub(crate) const SECTION_REDIRECTS: Redirects =
    redirects!("section_redirects", "section_id", "sections");
pub(crate) const TAG_REDIRECTS: Redirects = redirects!("tag_redirects", "tag_id", "tags");

/// Ties a backend struct to its sqlx database type.
pub(crate) trait HasDatabase {
    type Db: sqlx::Database;
}

/// Implements [`crate::Store`] for a backend struct with a `pool` field.
///
/// The body is the same for both backends; the migrations differ, and so does how a
/// writing transaction begins (`$begin`): SQLite's must take the write lock at once
/// (`BEGIN IMMEDIATE`), or a transaction that read first fails with
/// SQLITE_BUSY_SNAPSHOT when another connection wrote in between.
macro_rules! impl_store {
    ($store:ty, $backend:expr, $migrator:expr, $begin:expr) => {
        impl $store {
            /// Runs one of a [`Redirects`]' statements inside `tx` with `slug` (and `id`).
            pub(crate) async fn redirect_step(
                tx: &mut sqlx::Transaction<'_, <$store as $crate::sql::HasDatabase>::Db>,
                sql: &'static str,
                slug: &str,
                id: Option<i64>,
            ) -> Result<(), StoreError> {
                let mut query = sqlx::query(sql).bind(slug);
                if let Some(id) = id {
                    query = query.bind(id);
                }
                query.execute(&mut **tx).await?;
                Ok(())
            }

            /// After row `id` moved from `old` to `new` (in `tx`): `new` is nobody's old
            /// address any more, and `old` leads to the row.
            pub(crate) async fn moved(
                tx: &mut sqlx::Transaction<'_, <$store as $crate::sql::HasDatabase>::Db>,
                redirects: &$crate::sql::Redirects,
                old: &str,
                new: &str,
                id: i64,
            ) -> Result<(), StoreError> {
                if old != new {
                    Self::redirect_step(tx, redirects.free, new, None).await?;
                    Self::redirect_step(tx, redirects.leave, old, Some(id)).await?;
                }
                Ok(())
            }

            /// The current slug of what used to live at `old`, by `redirects`.
            pub(crate) async fn redirect_of(
                &self,
                redirects: &$crate::sql::Redirects,
                old: &kolokol_core::Slug,
            ) -> Result<Option<kolokol_core::Slug>, StoreError> {
                let current: Option<String> = sqlx::query_scalar(redirects.lookup)
                    .bind(old.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                current.map($crate::rows::slug).transpose()
            }

            /// Rows of `sql` (with `id` bound as `$1` when given), each made into a
            /// record by `into`: the one shape of the newsroom's lists and lookups.
            pub(crate) async fn records<R, T>(
                &self,
                sql: &str,
                id: Option<i64>,
                into: fn(R) -> Result<T, StoreError>,
            ) -> Result<Vec<T>, StoreError>
            where
                R: for<'r> sqlx::FromRow<'r, <<$store as $crate::sql::HasDatabase>::Db as sqlx::Database>::Row>
                    + Send
                    + Unpin,
            {
                let mut query = sqlx::query_as::<_, R>(sql);
                if let Some(id) = id {
                    query = query.bind(id);
                }
                query.fetch_all(&self.pool).await?.into_iter().map(into).collect()
            }

            /// Creates an account and its author profile inside `tx`.
            async fn insert_user(
                tx: &mut sqlx::Transaction<'_, <$store as $crate::sql::HasDatabase>::Db>,
                email: &kolokol_core::Email,
                name: &str,
                role: kolokol_core::Role,
                password_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<kolokol_core::User, StoreError> {
                let base = kolokol_core::Slug::from_title(name)
                    .map_err(|e| StoreError::Corrupt(format!("name {name:?}: {e}")))?;
                let mut author_slug = base.to_string();
                for n in 2.. {
                    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM authors WHERE slug = $1")
                        .bind(&author_slug)
                        .fetch_one(&mut **tx)
                        .await?;
                    if taken == 0 {
                        break;
                    }
                    author_slug = format!("{base}-{n}");
                }
                let author_id: i64 = sqlx::query_scalar(
                    "INSERT INTO authors (slug, name, title, bio) VALUES ($1, $2, '', '') RETURNING id",
                )
                .bind(&author_slug)
                .bind(name)
                .fetch_one(&mut **tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (email, name, role, password_hash, author_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(email.as_str())
                .bind(name)
                .bind(role.as_str())
                .bind(password_hash)
                .bind(author_id)
                .bind(now.timestamp())
                .fetch_one(&mut **tx)
                .await?;
                Ok(kolokol_core::User {
                    id: kolokol_core::UserId(id),
                    email: email.clone(),
                    name: name.to_owned(),
                    role,
                    author_id: Some(author_id),
                    two_factor: false,
                })
            }


            /// Library images with their renditions, in the rows' order.
            async fn with_variants(
                &self,
                rows: Vec<$crate::rows::ImageRow>,
            ) -> Result<Vec<kolokol_core::LibraryImage>, StoreError> {
                let variants = self.variants_of(&rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
                let mut by_image: std::collections::HashMap<i64, Vec<$crate::rows::VariantRow>> =
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
            async fn variants_of(&self, image_ids: &[i64]) -> Result<Vec<$crate::rows::VariantRow>, StoreError> {
                if image_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT image_id, width, height, path, mime FROM image_variants \
                     WHERE image_id IN ({}) ORDER BY image_id, width, mime",
                    $crate::rows::placeholders(1, image_ids.len())
                );
                let mut query = sqlx::query_as::<_, $crate::rows::VariantRow>(&sql);
                for id in image_ids {
                    query = query.bind(id);
                }
                Ok(query.fetch_all(&self.pool).await?)
            }

            /// The credited authors of these articles, in byline order.
            async fn authors_of(
                &self,
                article_ids: &[i64],
            ) -> Result<Vec<$crate::rows::ArticleAuthorRow>, StoreError> {
                if article_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT aa.article_id, au.id, au.slug, au.name, au.title, au.bio, au.photo_image_id, au.links \
                     FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
                     WHERE aa.article_id IN ({}) ORDER BY aa.article_id, aa.position",
                    $crate::rows::placeholders(1, article_ids.len())
                );
                let mut query = sqlx::query_as::<_, $crate::rows::ArticleAuthorRow>(&sql);
                for id in article_ids {
                    query = query.bind(id);
                }
                Ok(query.fetch_all(&self.pool).await?)
            }

            /// Authors and image renditions for a page of summary rows, in two queries.
            async fn complete_summaries(
                &self,
                rows: Vec<$crate::rows::SummaryRow>,
            ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let article_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let authors = self.authors_of(&article_ids).await?;

                let image_ids: Vec<i64> = rows.iter().filter_map(|r| r.hero_image_id).collect();
                let variants = self.variants_of(&image_ids).await?;
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
                // Headlines saved before the search column existed (done once).
                let unfolded: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT id, headline FROM articles WHERE headline_folded = '' AND headline <> ''",
                )
                .fetch_all(&self.pool)
                .await?;
                if !unfolded.is_empty() {
                    let mut tx = self.pool.begin_with($begin).await?;
                    for (id, headline) in unfolded {
                        sqlx::query("UPDATE articles SET headline_folded = $1 WHERE id = $2")
                            .bind(headline.to_lowercase())
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                }
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

            async fn create_image(
                &self,
                image: &kolokol_core::NewImage,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<i64, StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
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
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(id)
            }

            async fn create_article(
                &self,
                article: &kolokol_core::NewArticle,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<kolokol_core::ArticleId, StoreError> {
                let words = i64::try_from(kolokol_core::article::word_count(&article.body_markdown))
                    .unwrap_or(i64::MAX);
                let mut tx = self.pool.begin_with($begin).await?;
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
                sqlx::query("UPDATE articles SET headline_folded = $1 WHERE id = $2")
                    .bind(article.headline.to_lowercase())
                    .bind(id)
                    .execute(&mut *tx)
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
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(kolokol_core::ArticleId(id))
            }

            async fn sections(&self) -> Result<Vec<kolokol_core::Section>, StoreError> {
                sqlx::query_as::<_, $crate::rows::SectionRow>(
                    "SELECT id, slug, name, description, in_menu FROM sections ORDER BY position, name",
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
                    "SELECT id, slug, name, description, in_menu FROM sections WHERE slug = $1",
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
                    "SELECT id, slug, name, title, bio, photo_image_id, links FROM authors WHERE slug = $1",
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

            async fn published_articles_whole(
                &self,
                after: Option<(chrono::DateTime<chrono::Utc>, kolokol_core::ArticleId)>,
                limit: u32,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<kolokol_core::Article>, StoreError> {
                let (after_time, after_id) =
                    after.map_or((i64::MAX, i64::MAX), |(t, id)| (t.timestamp(), id.0));
                let rows = sqlx::query_as::<_, $crate::rows::SummaryRow>($crate::sql::WHOLE_BATCH)
                .bind(now.timestamp())
                .bind(after_time)
                .bind(after_id)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let list = $crate::rows::placeholders(1, ids.len());
                let mut extras: std::collections::HashMap<i64, $crate::rows::ArticleExtraRow> =
                    std::collections::HashMap::new();
                let sql = format!(
                    "SELECT id, body_md, dateline, seo_title, seo_description FROM articles WHERE id IN ({list})"
                );
                let mut query = sqlx::query(&sql);
                for id in &ids {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(&self.pool).await? {
                    use sqlx::Row;
                    extras.insert(
                        row.try_get("id")?,
                        $crate::rows::ArticleExtraRow {
                            body_md: row.try_get("body_md")?,
                            dateline: row.try_get("dateline")?,
                            seo_title: row.try_get("seo_title")?,
                            seo_description: row.try_get("seo_description")?,
                        },
                    );
                }
                let mut tags: std::collections::HashMap<i64, Vec<kolokol_core::Tag>> =
                    std::collections::HashMap::new();
                let sql = format!(
                    "SELECT t.article_id, g.id, g.slug, g.name FROM article_tags t JOIN tags g ON g.id = t.tag_id \
                     WHERE t.article_id IN ({list}) ORDER BY t.article_id, g.name"
                );
                let mut query = sqlx::query(&sql);
                for id in &ids {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(&self.pool).await? {
                    use sqlx::Row;
                    let slug: String = row.try_get("slug")?;
                    tags.entry(row.try_get("article_id")?).or_default().push(kolokol_core::Tag {
                        id: row.try_get("id")?,
                        slug: $crate::rows::slug(slug)?,
                        name: row.try_get("name")?,
                    });
                }
                let mut corrections: std::collections::HashMap<i64, Vec<kolokol_core::Correction>> =
                    std::collections::HashMap::new();
                let sql = format!(
                    "SELECT article_id, created_at, body FROM corrections WHERE article_id IN ({list}) \
                     ORDER BY article_id, created_at, id"
                );
                let mut query = sqlx::query(&sql);
                for id in &ids {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(&self.pool).await? {
                    use sqlx::Row;
                    corrections.entry(row.try_get("article_id")?).or_default().push(kolokol_core::Correction {
                        created_at: $crate::rows::time(row.try_get("created_at")?)?,
                        body: row.try_get("body")?,
                    });
                }
                let summaries = self.complete_summaries(rows).await?;
                summaries
                    .into_iter()
                    .map(|summary| {
                        let id = summary.id.0;
                        let extra = extras
                            .remove(&id)
                            .ok_or_else(|| StoreError::Corrupt(format!("article {id} has no body")))?;
                        Ok(kolokol_core::Article {
                            summary,
                            body_markdown: extra.body_md,
                            dateline: extra.dateline,
                            seo_title: extra.seo_title,
                            seo_description: extra.seo_description,
                            tags: tags.remove(&id).unwrap_or_default(),
                            corrections: corrections.remove(&id).unwrap_or_default(),
                        })
                    })
                    .collect()
            }

            async fn published_articles_after(
                &self,
                filter: &$crate::ArticleFilter,
                after: Option<(chrono::DateTime<chrono::Utc>, kolokol_core::ArticleId)>,
                limit: u32,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
                let (after_time, after_id) =
                    after.map_or((i64::MAX, i64::MAX), |(t, id)| (t.timestamp(), id.0));
                let rows = sqlx::query_as::<_, $crate::rows::SummaryRow>($crate::sql::LIST_ARTICLES_AFTER)
                    .bind(now.timestamp())
                    .bind(filter.section_id.unwrap_or(0))
                    .bind(filter.tag_id.unwrap_or(0))
                    .bind(filter.author_id.unwrap_or(0))
                    .bind(filter.published_since.map_or(i64::MIN, |t| t.timestamp()))
                    .bind(after_time)
                    .bind(after_id)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                self.complete_summaries(rows).await
            }

            async fn published_summaries(
                &self,
                ids: &[kolokol_core::ArticleId],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<kolokol_core::ArticleSummary>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "{}AND a.id IN ({})",
                    $crate::sql::PUBLISHED_SUMMARIES,
                    $crate::rows::placeholders(2, ids.len())
                );
                let mut query = sqlx::query_as::<_, $crate::rows::SummaryRow>(&sql).bind(now.timestamp());
                for id in ids {
                    query = query.bind(id.0);
                }
                let rows = query.fetch_all(&self.pool).await?;
                self.complete_summaries(rows).await
            }

            async fn related_index(
                &self,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<$crate::related::RelatedIndex, StoreError> {
                let articles: Vec<(i64, i64, i64)> = sqlx::query_as($crate::sql::RELATED_INDEX_ARTICLES)
                .bind(now.timestamp())
                .fetch_all(&self.pool)
                .await?;
                let tagged: Vec<(i64, i64)> = sqlx::query_as($crate::sql::RELATED_INDEX_TAGS)
                .bind(now.timestamp())
                .fetch_all(&self.pool)
                .await?;
                let mut tags: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
                for (article, tag) in tagged {
                    tags.entry(article).or_default().push(tag);
                }
                Ok($crate::related::RelatedIndex::new(
                    articles
                        .into_iter()
                        .map(|(id, section_id, published_at)| $crate::related::RelatedKey {
                            id,
                            section_id,
                            published_at,
                            tag_ids: tags.remove(&id).unwrap_or_default(),
                        })
                        .collect(),
                ))
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

            async fn redirect_for(
                &self,
                old: &kolokol_core::Slug,
            ) -> Result<Option<kolokol_core::Slug>, StoreError> {
                self.redirect_of(&$crate::sql::ARTICLE_REDIRECTS, old).await
            }

            async fn publish_due(&self, now: chrono::DateTime<chrono::Utc>) -> Result<bool, StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                let checked: i64 = sqlx::query_scalar("SELECT due_checked_at FROM site_state WHERE id = 1")
                    .fetch_one(&mut *tx)
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
                sqlx::query("UPDATE site_state SET due_checked_at = $1 WHERE id = 1")
                    .bind(now.timestamp())
                    .execute(&mut *tx)
                    .await?;
                if due > 0 {
                    sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(due > 0)
            }

            async fn create_user(
                &self,
                email: &kolokol_core::Email,
                name: &str,
                role: kolokol_core::Role,
                password_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<kolokol_core::User, StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                let user = Self::insert_user(&mut tx, email, name, role, password_hash, now).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn create_invitation(
                &self,
                token_hash: &str,
                invitation: &kolokol_core::Invitation,
                invited_by: kolokol_core::UserId,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query(
                    "INSERT INTO invitations (token_hash, email, name, role, invited_by, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(token_hash)
                .bind(invitation.email.as_str())
                .bind(&invitation.name)
                .bind(invitation.role.as_str())
                .bind(invited_by.0)
                .bind(now.timestamp())
                .bind(invitation.expires_at.timestamp())
                .execute(&mut *tx)
                .await?;
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn invitation(
                &self,
                token_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<kolokol_core::Invitation>, StoreError> {
                sqlx::query_as::<_, $crate::rows::InvitationRow>(
                    "SELECT email, name, role, expires_at FROM invitations \
                     WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
                )
                .bind(token_hash)
                .bind(now.timestamp())
                .fetch_optional(&self.pool)
                .await?
                .map($crate::rows::InvitationRow::into_invitation)
                .transpose()
            }

            async fn accept_invitation(
                &self,
                token_hash: &str,
                name: &str,
                password_hash: &str,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<kolokol_core::User>, StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                let Some(invitation) = sqlx::query_as::<_, $crate::rows::InvitationRow>(
                    "SELECT email, name, role, expires_at FROM invitations \
                     WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
                )
                .bind(token_hash)
                .bind(now.timestamp())
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Ok(None);
                };
                let invitation = invitation.into_invitation()?;
                sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE token_hash = $2")
                    .bind(now.timestamp())
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?;
                let user =
                    Self::insert_user(&mut tx, &invitation.email, name, invitation.role, password_hash, now).await?;
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(Some(user))
            }

            async fn user_for_login(
                &self,
                email: &kolokol_core::Email,
            ) -> Result<Option<(kolokol_core::User, String)>, StoreError> {
                sqlx::query_as::<_, $crate::rows::UserWithSecretRow>(
                    "SELECT id, email, name, role, author_id, totp_enabled, password_hash AS secret FROM users \
                     WHERE email = $1 AND disabled = 0",
                )
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await?
                .map(|row| Ok((row.user.into_user()?, row.secret)))
                .transpose()
            }

            async fn users(&self) -> Result<Vec<kolokol_core::User>, StoreError> {
                sqlx::query_as::<_, $crate::rows::UserRow>(
                    "SELECT id, email, name, role, author_id, totp_enabled FROM users ORDER BY name, id",
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map($crate::rows::UserRow::into_user)
                .collect()
            }

            async fn authors(&self) -> Result<Vec<kolokol_core::Author>, StoreError> {
                sqlx::query_as::<_, $crate::rows::AuthorRow>(
                    "SELECT id, slug, name, title, bio, photo_image_id, links FROM authors ORDER BY name, id",
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map($crate::rows::AuthorRow::into_author)
                .collect()
            }

            async fn create_session(
                &self,
                token_hash: &str,
                user: kolokol_core::UserId,
                csrf_token: &str,
                now: chrono::DateTime<chrono::Utc>,
                expires_at: chrono::DateTime<chrono::Utc>,
                verified: bool,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, verified) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token_hash)
                .bind(user.0)
                .bind(csrf_token)
                .bind(now.timestamp())
                .bind(expires_at.timestamp())
                .bind(i64::from(verified))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(
                &self,
                token_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<$crate::Session>, StoreError> {
                sqlx::query_as::<_, $crate::rows::SessionRow>(
                    "SELECT u.id, u.email, u.name, u.role, u.author_id, u.totp_enabled, s.csrf_token, s.verified \
                     FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                )
                .bind(token_hash)
                .bind(now.timestamp())
                .fetch_optional(&self.pool)
                .await?
                .map(|row| {
                    Ok($crate::Session {
                        user: row.user.into_user()?,
                        csrf_token: row.csrf_token,
                        verified: row.verified != 0,
                    })
                })
                .transpose()
            }

            async fn verify_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE sessions SET verified = 1 WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn totp_secret(&self, user: kolokol_core::UserId) -> Result<Option<String>, StoreError> {
                let secret: Option<Option<String>> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
                    .bind(user.0)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(secret.flatten())
            }

            async fn set_pending_totp(&self, user: kolokol_core::UserId, secret: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_enabled = 0")
                    .bind(secret)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn enable_totp(
                &self,
                user: kolokol_core::UserId,
                recovery_code_hashes: &[String],
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE users SET totp_enabled = 1 WHERE id = $1 AND totp_secret IS NOT NULL")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
                for hash in recovery_code_hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(user.0)
                        .bind(hash)
                        .execute(&mut *tx)
                        .await?;
                }
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn disable_totp(
                &self,
                user: kolokol_core::UserId,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE users SET totp_enabled = 0, totp_secret = NULL WHERE id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn use_recovery_code(
                &self,
                user: kolokol_core::UserId,
                code_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, StoreError> {
                let result = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(now.timestamp())
                .bind(user.0)
                .bind(code_hash)
                .execute(&self.pool)
                .await?;
                Ok(result.rows_affected() == 1)
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn begin_sign_in_attempt(
                &self,
                attempt: &crate::SignInAttempt<'_>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<crate::AttemptDecision, StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                // The lock rows serialize attempts on one account (and one address)
                // across connections and nodes: PostgreSQL holds the upserted row's
                // lock to the end of the transaction; SQLite's write lock does the same.
                let mut keys = vec![format!("account:{}", attempt.account)];
                if !attempt.address.is_empty() {
                    keys.push(format!("address:{}", attempt.address));
                }
                for key in &keys {
                    sqlx::query(
                        "INSERT INTO sign_in_locks (key, at) VALUES ($1, $2) \
                         ON CONFLICT (key) DO UPDATE SET at = excluded.at",
                    )
                    .bind(key)
                    .bind(now.timestamp())
                    .execute(&mut *tx)
                    .await?;
                }
                let by_account: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at >= $2",
                )
                .bind(attempt.account)
                .bind(attempt.since.timestamp())
                .fetch_one(&mut *tx)
                .await?;
                let by_address: i64 = if attempt.address.is_empty() {
                    0
                } else {
                    sqlx::query_scalar(
                        "SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at >= $2",
                    )
                    .bind(attempt.address)
                    .bind(attempt.since.timestamp())
                    .fetch_one(&mut *tx)
                    .await?
                };
                if by_address >= i64::from(attempt.address_limit) {
                    tx.rollback().await?;
                    return Ok(crate::AttemptDecision::AddressLocked);
                }
                if attempt
                    .account_limit
                    .is_some_and(|limit| by_account >= i64::from(limit))
                {
                    tx.rollback().await?;
                    return Ok(crate::AttemptDecision::AccountLocked);
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO login_failures (account, address, at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(attempt.account)
                .bind(attempt.recorded_address)
                .bind(now.timestamp())
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(crate::AttemptDecision::Allowed(id))
            }

            async fn forget_sign_in_attempt(&self, id: i64) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM login_failures WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn use_totp_step(
                &self,
                user: kolokol_core::UserId,
                step: i64,
            ) -> Result<bool, StoreError> {
                let result = sqlx::query(
                    "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
                )
                .bind(step)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
                Ok(result.rows_affected() == 1)
            }

            async fn save_article(
                &self,
                id: Option<kolokol_core::ArticleId>,
                draft: &kolokol_core::ArticleDraft,
                by: kolokol_core::UserId,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<kolokol_core::ArticleId, StoreError> {
                let words = i64::try_from(kolokol_core::article::word_count(&draft.body_markdown))
                    .unwrap_or(i64::MAX);
                let snapshot = serde_json::to_string(draft)
                    .map_err(|e| StoreError::Corrupt(format!("draft: {e}")))?;
                let mut tx = self.pool.begin_with($begin).await?;
                let (article_id, published) = match id {
                    None => {
                        let new_id: i64 = sqlx::query_scalar(
                            "INSERT INTO articles (slug, headline, dek, body_md, word_count, dateline, \
                             section_id, status, created_at, modified_at, hero_image_id, hero_alt, \
                             hero_caption, hero_credit, seo_title, seo_description, created_by) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $8, $9, $10, $11, $12, $13, $14, $15) \
                             RETURNING id",
                        )
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
                        .bind(by.0)
                        .fetch_one(&mut *tx)
                        .await?;
                        (new_id, false)
                    }
                    Some(kolokol_core::ArticleId(existing)) => {
                        let (old_slug, status): (String, String) =
                            sqlx::query_as("SELECT slug, status FROM articles WHERE id = $1")
                                .bind(existing)
                                .fetch_optional(&mut *tx)
                                .await?
                                .ok_or_else(|| StoreError::Corrupt(format!("article {existing} is gone")))?;
                        let published = status == "published";
                        sqlx::query(
                            "UPDATE articles SET slug = $1, headline = $2, dek = $3, body_md = $4, \
                             word_count = $5, dateline = $6, section_id = $7, modified_at = $8, \
                             hero_image_id = $9, hero_alt = $10, hero_caption = $11, hero_credit = $12, \
                             seo_title = $13, seo_description = $14 WHERE id = $15",
                        )
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
                        .bind(existing)
                        .execute(&mut *tx)
                        .await?;
                        if published && old_slug != draft.slug.as_str() {
                            // Readers and links that knew the old address keep working.
                            let leave = $crate::sql::ARTICLE_REDIRECTS.leave;
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
                let free = $crate::sql::ARTICLE_REDIRECTS.free;
                Self::redirect_step(&mut tx, free, draft.slug.as_str(), None).await?;
                sqlx::query("DELETE FROM article_authors WHERE article_id = $1")
                    .bind(article_id)
                    .execute(&mut *tx)
                    .await?;
                for (position, author_id) in (0_i64..).zip(&draft.author_ids) {
                    sqlx::query(
                        "INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)",
                    )
                    .bind(article_id)
                    .bind(author_id)
                    .bind(position)
                    .execute(&mut *tx)
                    .await?;
                }
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
                .bind(by.0)
                .bind(now.timestamp())
                .bind(&snapshot)
                .execute(&mut *tx)
                .await?;
                if published {
                    sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                }
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(kolokol_core::ArticleId(article_id))
            }

            async fn editable_article(
                &self,
                id: kolokol_core::ArticleId,
            ) -> Result<Option<kolokol_core::EditableArticle>, StoreError> {
                let Some(row) = sqlx::query_as::<_, $crate::rows::EditableRow>(
                    "SELECT id, headline, dek, body_md, dateline, slug, section_id, status, published_at, \
                     updated_at, created_by, modified_at, hero_image_id, hero_alt, hero_caption, \
                     hero_credit, seo_title, seo_description FROM articles WHERE id = $1",
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
                let corrections = sqlx::query_as::<_, $crate::rows::CorrectionRow>($crate::sql::ARTICLE_CORRECTIONS)
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::rows::CorrectionRow::into_correction)
                    .collect::<Result<Vec<_>, _>>()?;
                row.into_editable(author_ids, tags, corrections).map(Some)
            }

            async fn article_listing(
                &self,
                query: &$crate::ListingQuery,
                page: kolokol_core::PageRequest,
            ) -> Result<kolokol_core::Paginated<kolokol_core::ArticleListing>, StoreError> {
                let (user, author) = query
                    .own
                    .map_or((0, 0), |(user, author)| (user.0, author.unwrap_or(-1)));
                let search = query.search.trim().to_lowercase();
                let pattern = if search.is_empty() {
                    String::new()
                } else {
                    format!("%{}%", $crate::sql::like_escaped(&search))
                };
                let state = query.state.map_or("", $crate::ListingState::as_str);
                let total: i64 = sqlx::query_scalar(&format!(
                    "SELECT COUNT(*) FROM articles a {}",
                    $crate::sql::LISTING_FILTER
                ))
                .bind(user)
                .bind(author)
                .bind(&pattern)
                .bind(state)
                .bind(query.section_id.unwrap_or(0))
                .bind(query.author_id.unwrap_or(0))
                .bind(query.now.timestamp())
                .fetch_one(&self.pool)
                .await?;
                let rows = sqlx::query_as::<_, $crate::rows::ListingRow>(&format!(
                    "SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.modified_at \
                     FROM articles a {} ORDER BY a.modified_at DESC, a.id DESC LIMIT $8 OFFSET $9",
                    $crate::sql::LISTING_FILTER
                ))
                .bind(user)
                .bind(author)
                .bind(&pattern)
                .bind(state)
                .bind(query.section_id.unwrap_or(0))
                .bind(query.author_id.unwrap_or(0))
                .bind(query.now.timestamp())
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let mut names: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
                for row in self.authors_of(&ids).await? {
                    names.entry(row.article_id).or_default().push(row.author.into_author()?.name);
                }
                let items = rows
                    .into_iter()
                    .map(|row| {
                        let authors = names.remove(&row.id).unwrap_or_default();
                        row.into_listing(authors)
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(kolokol_core::Paginated::new(items, page, u64::try_from(total).unwrap_or(0)))
            }

            async fn set_publication(
                &self,
                id: kolokol_core::ArticleId,
                status: kolokol_core::ArticleStatus,
                published_at: Option<chrono::DateTime<chrono::Utc>>,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE articles SET status = $1, published_at = $2, modified_at = $3 WHERE id = $4")
                    .bind(status.as_str())
                    .bind(published_at.map(|t| t.timestamp()))
                    .bind(now.timestamp())
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn mark_updated(
                &self,
                id: kolokol_core::ArticleId,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("UPDATE articles SET updated_at = $1, modified_at = $1 WHERE id = $2")
                    .bind(now.timestamp())
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn add_correction(
                &self,
                id: kolokol_core::ArticleId,
                body: &str,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
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
                sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn revisions(
                &self,
                id: kolokol_core::ArticleId,
            ) -> Result<Vec<kolokol_core::Revision>, StoreError> {
                sqlx::query_as::<_, $crate::rows::RevisionRow>(
                    "SELECT r.id, r.article_id, r.created_at, u.name AS user_name, r.snapshot \
                     FROM article_revisions r LEFT JOIN users u ON u.id = r.user_id \
                     WHERE r.article_id = $1 ORDER BY r.id DESC",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map($crate::rows::RevisionRow::into_revision)
                .collect()
            }

            async fn record_audit(
                &self,
                user: Option<kolokol_core::UserId>,
                action: &str,
                subject: &str,
                detail: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(now.timestamp())
                .bind(user.map(|u| u.0))
                .bind(action)
                .bind(subject)
                .bind(detail)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn audit_log(&self, limit: u32) -> Result<Vec<kolokol_core::AuditEntry>, StoreError> {
                sqlx::query_as::<_, $crate::rows::AuditRow>(
                    "SELECT l.at, u.name AS user_name, l.action, l.subject, l.detail \
                     FROM audit_log l LEFT JOIN users u ON u.id = l.user_id \
                     ORDER BY l.id DESC LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map($crate::rows::AuditRow::into_entry)
                .collect()
            }

            async fn images(&self, limit: u32) -> Result<Vec<kolokol_core::LibraryImage>, StoreError> {
                let rows = sqlx::query_as::<_, $crate::rows::ImageRow>(
                    "SELECT id, path, width, height, mime, created_at FROM images ORDER BY id DESC LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                self.with_variants(rows).await
            }

            async fn image(&self, id: i64) -> Result<Option<kolokol_core::LibraryImage>, StoreError> {
                let rows = sqlx::query_as::<_, $crate::rows::ImageRow>(
                    "SELECT id, path, width, height, mime, created_at FROM images WHERE id = $1",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                Ok(self.with_variants(rows).await?.pop())
            }

            async fn site_settings(&self) -> Result<Option<String>, StoreError> {
                Ok(sqlx::query_scalar("SELECT settings FROM site_settings WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn save_site_settings(
                &self,
                json: &str,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query(
                    "INSERT INTO site_settings (id, settings, updated_at) VALUES (1, $1, $2) \
                     ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
                )
                .bind(json)
                .bind(now.timestamp())
                .execute(&mut *tx)
                .await?;
                sqlx::query($crate::sql::BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn disabled_users(&self) -> Result<Vec<kolokol_core::UserId>, StoreError> {
                let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE disabled <> 0 ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(ids.into_iter().map(kolokol_core::UserId).collect())
            }

            async fn set_user_role(
                &self,
                user: kolokol_core::UserId,
                role: kolokol_core::Role,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                let changed = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                    .bind(role.as_str())
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                if changed.rows_affected() != 1 {
                    return Err(StoreError::NotFound);
                }
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn set_user_disabled(
                &self,
                user: kolokol_core::UserId,
                disabled: bool,
                audit: &kolokol_core::Audit,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin_with($begin).await?;
                let changed = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                    .bind(i64::from(disabled))
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                if changed.rows_affected() != 1 {
                    return Err(StoreError::NotFound);
                }
                if disabled {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
                }
                $crate::taxonomy::write_audit!(tx, audit, now);
                tx.commit().await?;
                Ok(())
            }

            async fn tags(&self) -> Result<Vec<kolokol_core::Tag>, StoreError> {
                sqlx::query_as::<_, $crate::rows::TagRow>("SELECT id, slug, name FROM tags ORDER BY name, id")
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::rows::TagRow::into_tag)
                    .collect()
            }
        }
    };
}

pub(crate) use impl_store;

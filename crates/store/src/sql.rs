//! The queries, written once in SQL that SQLite and PostgreSQL both understand
//! (`$n` placeholders, `RETURNING`, BIGINT times), and [`SqlStore`], the one
//! implementation of the store traits for both backends.

use crate::StoreError;

/// The columns of an article summary; see `rows::SummaryRow`.
macro_rules! summary_select {
    () => {
        "SELECT a.id, a.slug, a.headline, a.dek, a.word_count, a.section_id, \
         s.slug AS section_slug, s.name AS section_name, s.description AS section_description, s.in_menu AS section_in_menu, \
         a.published_at, a.updated_at, a.modified_at, a.hero_image_id, a.hero_alt, \
         a.hero_caption, a.hero_credit, i.width AS image_width, i.height AS image_height, \
         i.path AS image_path, a.language, a.translation_group \
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
/// (0 = any), `$5` earliest publication time, `$6` language (empty = any).
macro_rules! list_filter {
    () => {
        concat!(
            "WHERE",
            published!(),
            "AND ($2 = 0 OR a.section_id = $2) \
             AND ($3 = 0 OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag_id = $3)) \
             AND ($4 = 0 OR EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_id = $4)) \
             AND a.published_at >= $5 AND ($6 = '' OR a.language = $6) "
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
    "ORDER BY a.published_at DESC, a.id DESC LIMIT $7 OFFSET $8) \
     ORDER BY a.published_at DESC, a.id DESC"
);

/// The ids of a tag's list (`$3`), with the other filters of [`list_filter`]: found
/// from the tag's own `article_tags_listing` entries (a tagging's `listed_at` is
/// set only while its article is published), so a rare tag's page does not walk
/// every published article to find its few.
macro_rules! tagged_ids {
    () => {
        "FROM article_tags t WHERE t.tag_id = $3 AND t.listed_at <= $1 AND t.listed_at >= $5 \
         AND ($6 = '' OR t.language = $6) \
         AND ($2 = 0 OR EXISTS (SELECT 1 FROM articles s WHERE s.id = t.article_id AND s.section_id = $2)) \
         AND ($4 = 0 OR EXISTS (SELECT 1 FROM article_authors w WHERE w.article_id = t.article_id AND w.author_id = $4)) "
    };
}

/// A page of a tag's list: [`LIST_ARTICLES`] with the ids found by [`tagged_ids`].
pub(crate) const LIST_TAGGED: &str = concat!(
    summary_select!(),
    "WHERE a.id IN (SELECT t.article_id ",
    tagged_ids!(),
    "ORDER BY t.listed_at DESC, t.article_id DESC LIMIT $7 OFFSET $8) \
     ORDER BY a.published_at DESC, a.id DESC"
);

pub(crate) const COUNT_TAGGED: &str = concat!("SELECT COUNT(*) ", tagged_ids!());

/// Every tag's published articles per language (see [`tagged_ids`]: `listed_at` is
/// set only while an article is published), read from `article_tags` alone.
pub(crate) const TAG_TOTALS: &str = "SELECT t.tag_id, t.language, COUNT(*) FROM article_tags t \
     WHERE t.listed_at <= $1 GROUP BY t.tag_id, t.language";

/// A run of a list after (`$7` time, `$8` id), newest first: the export walks whole
/// lists this way in one pass instead of paging with OFFSET, and deep pages start
/// from where the page before ends. As in [`LIST_ARTICLES`], the ids come from the
/// listing index alone, then only those rows are read.
pub(crate) const LIST_ARTICLES_AFTER: &str = concat!(
    summary_select!(),
    "WHERE a.id IN (SELECT a.id FROM articles a ",
    list_filter!(),
    "AND (a.published_at < $7 OR (a.published_at = $7 AND a.id < $8)) \
     ORDER BY a.published_at DESC, a.id DESC LIMIT $9) \
     ORDER BY a.published_at DESC, a.id DESC"
);

pub(crate) const COUNT_ARTICLES: &str = concat!("SELECT COUNT(*) FROM articles a ", list_filter!());

/// Where the pages of a list of `$7` entries a page end, from the listing index
/// alone: the (publication time, id) of every `$7`th entry, newest first, and its
/// place; the last entry comes too, so the last row's place is the list's length
/// (an empty list is no rows). Numbered in the database, so only one row a page
/// crosses to the program; counted apart, as a window function over the whole list
/// would sort it again.
pub(crate) const LIST_MARKS: &str = concat!(
    "SELECT published_at, id, n FROM (SELECT a.published_at, a.id, \
     ROW_NUMBER() OVER (ORDER BY a.published_at DESC, a.id DESC) AS n FROM articles a ",
    list_filter!(),
    ") AS k WHERE n % $7 = 0 OR n = (SELECT COUNT(*) FROM articles a ",
    list_filter!(),
    ") ORDER BY n"
);

/// A published article by its slug, with its body: `summary_select!` and the
/// columns of `rows::ArticleExtraRow`, then its tags, corrections and authors as
/// [`json_rows`] (`rows::ArticlePageRow`), in one statement.
const ARTICLE_BY_SLUG: &str = concat!(
    "SELECT q.*, x.body_md, x.dateline, x.seo_title, x.seo_description, {tags} AS tags_json, \
     {corrections} AS corrections_json, {authors} AS authors_json FROM (",
    summary_select!(),
    "WHERE",
    published!(),
    "AND a.slug = $2) AS q JOIN articles x ON x.id = q.id"
);

/// A JSON array (as text) of one array of `columns` for each row of `from`, in
/// `order`; `[]` when there is none. Spelled for each backend, as neither has the
/// other's JSON functions. Each statement of a page is a trip to SQLite's thread
/// and back (about 60 µs of CPU), so an article page reads the short lists it needs
/// inside the article's own statement rather than one statement each.
fn json_rows(backend: crate::Backend, columns: &str, from: &str, order: &str) -> String {
    match backend {
        crate::Backend::Sqlite => {
            format!("(SELECT json_group_array(json_array({columns}) ORDER BY {order}) {from})")
        }
        crate::Backend::Postgres => format!(
            "(SELECT COALESCE(json_agg(json_build_array({columns}) ORDER BY {order}), '[]')::text {from})"
        ),
    }
}

/// The credited authors of the article `article` (an SQL expression), in byline
/// order, as [`json_rows`] of `rows::AuthorRow`'s columns but its translations.
fn authors_json(backend: crate::Backend, article: &str) -> String {
    json_rows(
        backend,
        "au.id, au.slug, au.name, au.title, au.bio, au.photo_image_id, au.links",
        &format!(
            "FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = {article}"
        ),
        "aa.position",
    )
}

/// [`ARTICLE_BY_SLUG`] for `backend` (made once for each).
pub(crate) fn article_by_slug(backend: crate::Backend) -> &'static str {
    fn make(backend: crate::Backend) -> String {
        ARTICLE_BY_SLUG
            .replace(
                "{tags}",
                &json_rows(
                    backend,
                    "g.id, g.slug, g.name, g.translations",
                    "FROM article_tags t JOIN tags g ON g.id = t.tag_id WHERE t.article_id = q.id",
                    "g.name",
                ),
            )
            .replace(
                "{corrections}",
                &json_rows(
                    backend,
                    "c.created_at, c.body",
                    "FROM corrections c WHERE c.article_id = q.id",
                    "c.created_at, c.id",
                ),
            )
            .replace("{authors}", &authors_json(backend, "q.id"))
    }
    static SQLITE: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| make(crate::Backend::Sqlite));
    static POSTGRES: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| make(crate::Backend::Postgres));
    match backend {
        crate::Backend::Sqlite => &SQLITE,
        crate::Backend::Postgres => &POSTGRES,
    }
}

/// Published summaries of `ids` articles (`$2`…; `$1` now) with their authors as
/// [`json_rows`] (`rows::SummaryAuthorsRow`), in one statement.
pub(crate) fn published_summaries_with_authors(backend: crate::Backend, ids: usize) -> String {
    format!(
        "SELECT q.*, {} AS authors_json FROM ({PUBLISHED_SUMMARIES}AND a.id IN ({})) AS q",
        authors_json(backend, "q.id"),
        crate::rows::placeholders(2, ids)
    )
}

/// Same section scores 1, each shared tag 2; `$2` section, `$3` the article itself,
/// `$4` how many, `$5` its language (only articles in it are related), `$6`… its
/// `tags` tag ids. Only the newest [`crate::related::CANDIDATES`] candidates of each
/// kind are scored: the same section's from the `articles_language` index, each
/// tag's from its own `article_tags_listing` entries, so the cost stays flat however
/// large the archive and however common or rare the tags. The candidates are scored
/// in one pass (their shared tags joined and counted, not a subquery per candidate)
/// and only the winners' summaries are read. Every ordering ends on the id, so the
/// result is fully determined; `related::RelatedIndex` computes the same in memory.
pub(crate) fn related_articles(tags: usize) -> String {
    let n = crate::related::CANDIDATES;
    let mut candidates = format!(
        "SELECT id FROM (SELECT c.id FROM articles c WHERE c.status = 'published' AND c.published_at <= $1 \
           AND c.id <> $3 AND c.section_id = $2 AND c.language = $5 \
           ORDER BY c.published_at DESC, c.id DESC LIMIT {n}) AS same_section "
    );
    let shared = if tags > 0 {
        let each: Vec<String> = (0..tags)
            .map(|i| {
                format!(
                    "SELECT * FROM (SELECT t.article_id, t.listed_at FROM article_tags t \
                     WHERE t.tag_id = ${} AND t.listed_at <= $1 AND t.language = $5 AND t.article_id <> $3 \
                     ORDER BY t.listed_at DESC, t.article_id DESC LIMIT {n}) AS tag_{i}",
                    6 + i
                )
            })
            .collect();
        candidates.push_str(&format!(
            "UNION SELECT id FROM (SELECT article_id AS id, MAX(listed_at) AS newest FROM ({}) AS tagged \
             GROUP BY article_id ORDER BY newest DESC, id DESC LIMIT {n}) AS same_tags ",
            each.join(" UNION ALL ")
        ));
        let ids: Vec<String> = (0..tags).map(|i| format!("${}", 6 + i)).collect();
        format!(
            "LEFT JOIN article_tags t ON t.article_id = r.id AND t.tag_id IN ({}) ",
            ids.join(", ")
        )
    } else {
        String::new()
    };
    let tagged = if tags > 0 { "2 * COUNT(t.tag_id)" } else { "0" };
    format!(
        "WITH best AS (SELECT r.id, (CASE WHEN r.section_id = $2 THEN 1 ELSE 0 END) + {tagged} AS score, \
           r.published_at AS at FROM articles r {shared}WHERE r.id IN ({candidates}) \
           GROUP BY r.id, r.section_id, r.published_at ORDER BY score DESC, at DESC, r.id DESC LIMIT $4) \
         {}JOIN best b ON b.id = a.id ORDER BY b.score DESC, b.at DESC, a.id DESC",
        summary_select!()
    )
}

/// A batch of whole articles for the export, after (`$2` time, `$3` id), newest first.
pub(crate) const WHOLE_BATCH: &str = concat!(
    summary_select!(),
    "WHERE",
    published!(),
    "AND (a.published_at < $2 OR (a.published_at = $2 AND a.id < $3)) \
     ORDER BY a.published_at DESC, a.id DESC LIMIT $4"
);

/// Summaries of given articles if published and due; callers append `AND a.id IN
/// (…)` from `$2` on. The published check is an expression no index serves, on purpose: SQLite,
/// without statistics, would otherwise walk the listing index over every published
/// article (tens of milliseconds in a large archive) instead of looking up the few
/// ids by primary key.
pub(crate) const PUBLISHED_SUMMARIES: &str = concat!(
    summary_select!(),
    "WHERE (CASE WHEN a.status = 'published' AND a.published_at <= $1 THEN 1 ELSE 0 END) = 1 "
);

pub(crate) const PUBLISHED_STAMPS: &str = concat!(
    "SELECT a.id, a.modified_at FROM articles a WHERE",
    published!()
);

pub(crate) const RELATED_INDEX_ARTICLES: &str = concat!(
    "SELECT a.id, a.section_id, a.published_at, a.language FROM articles a WHERE",
    published!()
);

pub(crate) const RELATED_INDEX_TAGS: &str = concat!(
    "SELECT t.article_id, t.tag_id FROM article_tags t JOIN articles a ON a.id = t.article_id WHERE",
    published!()
);

pub(crate) const SITEMAP: &str = concat!(
    "SELECT a.slug, a.modified_at, a.language, a.translation_group FROM articles a WHERE",
    published!(),
    "ORDER BY a.published_at DESC, a.id DESC LIMIT $2 OFFSET $3"
);

/// The sitemap's articles in runs of `$3` after `$2` other URLs: each run's number,
/// size and latest change, from the sitemap index alone.
pub(crate) const SITEMAP_PARTS: &str = concat!(
    "SELECT (n - 1 + $2) / $3 AS part, COUNT(*), MAX(modified_at) FROM (SELECT a.modified_at, \
     ROW_NUMBER() OVER (ORDER BY a.published_at DESC, a.id DESC) AS n FROM articles a WHERE",
    published!(),
    ") AS k GROUP BY part ORDER BY part"
);

/// Published articles of some translation groups (the `IN` list is added).
pub(crate) const TRANSLATION_MEMBERS: &str = concat!(
    "SELECT a.translation_group, a.language, a.slug FROM articles a WHERE",
    published!()
);

pub(crate) const ARTICLE_CORRECTIONS: &str =
    "SELECT created_at, body FROM corrections WHERE article_id = $1 ORDER BY created_at, id";

pub(crate) const BUMP_CONTENT_VERSION: &str =
    "UPDATE site_state SET content_version = content_version + 1 WHERE id = 1";

/// The newsroom list's conditions: `$1` the user whose own articles are shown (0:
/// all), `$2` their author profile, `$3` a LIKE pattern on the folded headline
/// (empty: any), `$4` the state (`draft`, `scheduled`, `published` or empty), `$5`
/// section and `$6` author (0: any), `$7` now, `$8` language (empty: any).
pub(crate) const LISTING_FILTER: &str = "WHERE ($1 = 0 OR a.created_by = $1 OR EXISTS \
     (SELECT 1 FROM article_authors w WHERE w.article_id = a.id AND w.author_id = $2)) \
     AND ($3 = '' OR a.headline_folded LIKE $3 ESCAPE '\\') \
     AND ($4 = '' OR ($4 = 'draft' AND a.status = 'draft') \
       OR ($4 = 'scheduled' AND a.status = 'published' AND a.published_at > $7) \
       OR ($4 = 'published' AND a.status = 'published' AND a.published_at <= $7)) \
     AND ($5 = 0 OR a.section_id = $5) \
     AND ($6 = 0 OR EXISTS (SELECT 1 FROM article_authors v WHERE v.article_id = a.id AND v.author_id = $6)) \
     AND ($8 = '' OR a.language = $8)";

/// The LIKE patterns of each word of a newsroom search: the word lowercased and
/// with a capital first letter (bodies are stored as written, and SQLite folds only
/// ASCII), each found anywhere in the text.
pub(crate) fn word_patterns(search: &str) -> Vec<[String; 2]> {
    search
        .split_whitespace()
        .take(10)
        .map(|word| {
            let lower = word.to_lowercase();
            let mut chars = lower.chars();
            let capital: String = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            [lower, capital].map(|w| format!("%{}%", like_escaped(&w)))
        })
        .collect()
}

/// `AND` one condition per word of [`word_patterns`]: its lowercase pattern in the
/// folded headline, or either pattern in the dek or the body; placeholders from
/// `$first` on, two per word.
pub(crate) fn words_condition(first: usize, words: usize) -> String {
    (0..words)
        .map(|i| {
            let lower = first + 2 * i;
            let capital = lower + 1;
            format!(
                " AND (a.headline_folded LIKE ${lower} ESCAPE '\\' \
                 OR a.dek LIKE ${lower} ESCAPE '\\' OR a.dek LIKE ${capital} ESCAPE '\\' \
                 OR a.body_md LIKE ${lower} ESCAPE '\\' OR a.body_md LIKE ${capital} ESCAPE '\\')"
            )
        })
        .collect()
}

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

/// Writes `audit` on the connection of a transaction, at `now`: the entry lands
/// or is lost with the change it records.
pub(crate) async fn write_audit(
    connection: &mut sqlx::AnyConnection,
    audit: &kolokol_core::Audit,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now.timestamp())
    .bind(audit.user.map(|u| u.0))
    .bind(audit.action)
    .bind(&audit.subject)
    .bind(&audit.detail)
    .execute(connection)
    .await?;
    Ok(())
}

/// Ends a transaction that changed what readers see: the content version moves on
/// (every node's page cache follows), `audit` is written, and it all commits.
pub(crate) async fn commit_change(
    mut tx: sqlx::Transaction<'_, sqlx::Any>,
    audit: &kolokol_core::Audit,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
    commit_audited(tx, audit, now).await
}

/// Ends a transaction that touched `changed` rows: committed with `audit` when it
/// changed something, otherwise rolled back with nothing written. Whether it did.
pub(crate) async fn commit_audited_if(
    tx: sqlx::Transaction<'_, sqlx::Any>,
    changed: u64,
    audit: &kolokol_core::Audit,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    if changed == 0 {
        return Ok(false);
    }
    commit_audited(tx, audit, now).await?;
    Ok(true)
}

/// Ends a transaction with `audit` written in it.
pub(crate) async fn commit_audited(
    mut tx: sqlx::Transaction<'_, sqlx::Any>,
    audit: &kolokol_core::Audit,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    write_audit(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Kolokol's data in SQLite or PostgreSQL: one implementation of every store trait
/// for both, through sqlx's `Any` driver. The queries are written once in SQL both
/// understand; what differs is kept here, in [`Backend`] — the migrations, the
/// connection's settings, and how a writing transaction begins.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) pool: sqlx::AnyPool,
    pub(crate) backend: crate::Backend,
}

impl SqlStore {
    /// Opens the database `url` names (`sqlite:` or `postgres:`).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, 0).await
    }

    /// Opens the database `url` names with a pool of at most `connections` (0: the
    /// backend's own number).
    pub async fn connect_with(url: &str, connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = crate::Backend::of_url(url).ok_or(StoreError::UnsupportedUrl)?;
        let or = |default: u32| {
            if connections == 0 {
                default
            } else {
                connections
            }
        };
        let pool = match backend {
            crate::Backend::Sqlite => {
                crate::sqlite::pool(url, or(crate::SQLITE_CONNECTIONS)).await?
            }
            crate::Backend::Postgres => {
                crate::postgres::pool(url, or(crate::POSTGRES_CONNECTIONS)).await?
            }
        };
        Ok(Self { pool, backend })
    }

    /// A writing transaction. SQLite's must take the write lock at once
    /// (`BEGIN IMMEDIATE`), or a transaction that read first fails with
    /// SQLITE_BUSY_SNAPSHOT when another connection wrote in between.
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            crate::Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            crate::Backend::Postgres => self.pool.begin().await,
        }
    }
}

impl SqlStore {
    /// Runs one of a [`Redirects`]' statements inside `tx` with `slug` (and `id`).
    pub(crate) async fn redirect_step(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
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
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        redirects: &crate::sql::Redirects,
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
        redirects: &crate::sql::Redirects,
        old: &kolokol_core::Slug,
    ) -> Result<Option<kolokol_core::Slug>, StoreError> {
        let current: Option<String> = sqlx::query_scalar(redirects.lookup)
            .bind(old.as_str())
            .fetch_optional(&self.pool)
            .await?;
        current.map(crate::rows::slug).transpose()
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
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, R>(sql);
        if let Some(id) = id {
            query = query.bind(id);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(into)
            .collect()
    }

    /// The one row of `sql` (with `id` bound as `$1`), made into a record by `into`.
    pub(crate) async fn record<R, T>(
        &self,
        sql: &str,
        id: i64,
        into: fn(R) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        Ok(self.records(sql, Some(id), into).await?.pop())
    }
}

#[async_trait::async_trait]
impl crate::Store for SqlStore {
    fn backend(&self) -> crate::Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            crate::Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            crate::Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        // Headlines saved before the search column existed (done once).
        let unfolded: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, headline FROM articles WHERE headline_folded = '' AND headline <> ''",
        )
        .fetch_all(&self.pool)
        .await?;
        if !unfolded.is_empty() {
            let mut tx = self.begin().await?;
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

    async fn vitals(&self) -> Result<crate::Vitals, StoreError> {
        let mut vitals = crate::Vitals {
            pool_size: self.pool.size(),
            pool_idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            ..Default::default()
        };
        let jobs: Vec<(String, i64)> = sqlx::query_as(
            "SELECT state, COUNT(*) FROM jobs WHERE state IN ('queued', 'running') GROUP BY state",
        )
        .fetch_all(&self.pool)
        .await?;
        for (state, count) in jobs {
            match state.as_str() {
                "queued" => vitals.jobs_queued = count,
                _ => vitals.jobs_running = count,
            }
        }
        let deliveries: Vec<(String, i64)> = sqlx::query_as(
            "SELECT d.status, COUNT(*) FROM deliveries d JOIN newsletter_issues i ON i.id = d.issue_id \
             WHERE i.status = 'sending' GROUP BY d.status",
        )
        .fetch_all(&self.pool)
        .await?;
        vitals.deliveries = crate::newsletter::tally(deliveries);
        Ok(vitals)
    }

    async fn site_settings(&self) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT settings FROM site_settings WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn save_site_settings(
        &self,
        json: &str,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO site_settings (id, settings, updated_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
        )
        .bind(json)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_change(tx, audit, now).await?;
        Ok(())
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
        sqlx::query_as::<_, crate::rows::AuditRow>(
            "SELECT l.at, u.name AS user_name, l.action, l.subject, l.detail \
             FROM audit_log l LEFT JOIN users u ON u.id = l.user_id \
             ORDER BY l.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::rows::AuditRow::into_entry)
        .collect()
    }

    async fn adopt_language(&self, main: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let mut changed = 0;
        for table in ["articles", "pages", "subscribers", "newsletter_issues"] {
            changed += sqlx::query(&format!(
                "UPDATE {table} SET language = $1 WHERE language = ''"
            ))
            .bind(main)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if changed > 0 {
            sqlx::query(BUMP_CONTENT_VERSION).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::SqlStore;
    use crate::Store;

    #[tokio::test]
    async fn the_pool_keeps_the_connections_it_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("pool.db").display());
        let most = |store: &SqlStore| store.pool.options().get_max_connections();
        let default = SqlStore::connect(&url).await.unwrap();
        assert_eq!(most(&default), crate::SQLITE_CONNECTIONS);
        let told = SqlStore::connect_with(&url, 2).await.unwrap();
        assert_eq!(most(&told), 2);
        // Both still answer.
        told.migrate().await.unwrap();
        default.pool.close().await;
        told.pool.close().await;
    }
}

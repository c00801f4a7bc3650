//! Searching the published archive, and keeping each node's index in step with the
//! database: [`sync`] after every content change (this node's or another's),
//! [`rebuild`] from the command line.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, NaiveDate, Utc};
use kolokol_core::{Article, ArticleId, ArticleSummary, Author, HeroImage, Section, Slug};
use kolokol_search::{Document, Filters, Order, Request, SearchIndex};
use kolokol_store::DynStore;

use crate::Error;

/// Longest query accepted, in characters.
pub const LONGEST_QUERY: usize = 500;
/// How many articles are read from the database and indexed at a time.
const BATCH: usize = 500;

/// What the index keeps of an article for its result: the summary, with the
/// section and the authors by id only (their names are the database's own, read
/// once per content version, when the result is shown).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Card {
    slug: Slug,
    headline: String,
    dek: String,
    section: i64,
    authors: Vec<i64>,
    hero: Option<HeroImage>,
    published: DateTime<Utc>,
    updated: Option<DateTime<Utc>>,
    modified: DateTime<Utc>,
    minutes: u32,
    language: String,
    translation_group: Option<i64>,
}

impl Card {
    fn of(summary: &ArticleSummary) -> Self {
        Self {
            slug: summary.slug.clone(),
            headline: summary.headline.clone(),
            dek: summary.dek.clone(),
            section: summary.section.id,
            authors: summary.authors.iter().map(|a| a.id).collect(),
            hero: summary.hero.clone(),
            published: summary.published_at,
            updated: summary.updated_at,
            modified: summary.modified_at,
            minutes: summary.reading_minutes,
            language: summary.language.clone(),
            translation_group: summary.translation_group,
        }
    }

    /// The summary of article `id` with `names`' section and authors; `None` when
    /// the card cannot be read or names one they do not have.
    fn summary(text: &str, id: i64, names: &Names<'_>) -> Option<ArticleSummary> {
        let card: Card = serde_json::from_str(text).ok()?;
        let section = names
            .sections
            .iter()
            .find(|s| s.id == card.section)?
            .clone();
        let authors = card
            .authors
            .iter()
            .map(|id| names.authors.iter().find(|a| a.id == *id).cloned())
            .collect::<Option<Vec<Author>>>()?;
        Some(ArticleSummary {
            id: ArticleId(id),
            slug: card.slug,
            headline: card.headline,
            dek: card.dek,
            section,
            authors,
            hero: card.hero,
            published_at: card.published,
            updated_at: card.updated,
            modified_at: card.modified,
            reading_minutes: card.minutes,
            language: card.language,
            translation_group: card.translation_group,
        })
    }
}

/// The sections and authors as stored, for results shown from the index's cards.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    pub sections: &'a [Section],
    pub authors: &'a [Author],
}

/// What the index keeps of `article`.
pub fn document(article: &Article) -> Document {
    let summary = &article.summary;
    let mut names: Vec<&str> = vec![&summary.section.name];
    names.extend(summary.authors.iter().map(|a| a.name.as_str()));
    names.extend(article.tags.iter().map(|t| t.name.as_str()));
    Document {
        id: summary.id.0,
        modified: summary.modified_at.timestamp(),
        published: summary.published_at.timestamp(),
        language: summary.language.clone(),
        section_id: summary.section.id,
        author_ids: summary.authors.iter().map(|a| a.id).collect(),
        tag_ids: article.tags.iter().map(|t| t.id).collect(),
        headline: summary.headline.clone(),
        dek: summary.dek.clone(),
        names: names.join(" \u{2029} "),
        body: kolokol_render::markdown::to_plain_text(&article.body_markdown),
        card: serde_json::to_string(&Card::of(summary)).unwrap_or_default(),
    }
}

/// The stems of the words of `text`, space-separated: what the newsroom's article
/// list (and the database while the index is built) looks for, so that any form of
/// a word finds the others (`рублём` finds `рубля`).
pub fn stems_of(text: &str) -> String {
    let stems = kolokol_search::analysis::Stems::default();
    kolokol_search::analysis::words(text)
        .iter()
        .filter(|w| !kolokol_search::analysis::is_stop_word(&w.folded))
        .map(|w| {
            // The part of the stem the word begins with (English stems may end
            // in a letter the word does not have: "policy" → "polici").
            let stem = stems.stem(&w.folded);
            w.folded
                .chars()
                .zip(stem.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect::<String>()
        })
        .filter(|prefix| !prefix.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a [`sync`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Synced {
    pub indexed: usize,
    pub removed: usize,
}

/// Brings the index in step with what readers may see at `now`: articles published,
/// edited or come due since are (re)indexed, withdrawn or deleted ones removed.
/// `progress` hears (done, to do) after each batch.
pub async fn sync(
    store: &DynStore,
    index: &Arc<SearchIndex>,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<Synced, Error> {
    let live = store.published_stamps(now).await?;
    let held = index.stamps();
    let live_ids: HashSet<i64> = live.iter().map(|(id, _)| *id).collect();
    let removed: Vec<i64> = held
        .keys()
        .filter(|id| !live_ids.contains(id))
        .copied()
        .collect();
    let stale: Vec<ArticleId> = live
        .iter()
        .filter(|(id, modified)| held.get(id) != Some(modified))
        .map(|(id, _)| ArticleId(*id))
        .collect();
    let bulk = stale.len() > BATCH;
    if bulk {
        index.begin_bulk();
    }
    let written = write(store, index, &removed, &stale, now, progress).await;
    if bulk {
        // The build left many small segments; searches are faster over one. Done
        // even when it stopped part way, so that background merging comes back on.
        on_index(index, |index| index.compact()).await?;
    }
    written?;
    Ok(Synced {
        indexed: stale.len(),
        removed: removed.len(),
    })
}

/// Removes `removed` from the index and (re)indexes `stale` a batch at a time.
async fn write(
    store: &DynStore,
    index: &Arc<SearchIndex>,
    removed: &[i64],
    stale: &[ArticleId],
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<(), Error> {
    let mut done = 0;
    progress(done, stale.len());
    if !removed.is_empty() {
        let removed = removed.to_vec();
        on_index(index, move |index| index.apply(&[], &removed)).await?;
    }
    for batch in stale.chunks(BATCH) {
        let articles = store.published_articles_by_ids(batch, now).await?;
        let documents: Vec<Document> = articles.iter().map(document).collect();
        on_index(index, move |index| index.apply(&documents, &[])).await?;
        done += batch.len();
        progress(done, stale.len());
    }
    Ok(())
}

/// Empties the index and builds it again from the database.
pub async fn rebuild(
    store: &DynStore,
    index: &Arc<SearchIndex>,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<Synced, Error> {
    on_index(index, |index| index.clear()).await?;
    let synced = sync(store, index, now, progress).await?;
    index.set_ready(true);
    Ok(synced)
}

/// Runs `work` on the index on a blocking thread (tantivy's calls block).
async fn on_index<T: Send + 'static>(
    index: &Arc<SearchIndex>,
    work: impl FnOnce(&SearchIndex) -> Result<T, kolokol_search::SearchError> + Send + 'static,
) -> Result<T, Error> {
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || work(&index))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(e.to_string()))
}

/// The threads searches run on: one a core, taking the searches in the order they
/// came and running each to its end before the next. On tokio's blocking threads,
/// the searches that had a turn shared the cores by time slices and a search's
/// wait depended on which others it was sliced with: with 16 clients on 2 cores
/// (bench/search.sh) the slowest tenth took 12–13 ms, against 9.5–11 ms here for
/// as many searches a second. `None` where the threads cannot be made: searches
/// then run on the blocking threads.
fn searchers() -> Option<&'static rayon::ThreadPool> {
    static SEARCHERS: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(2, NonZeroUsize::get))
            .thread_name(|n| format!("search-{n}"))
            // A search that panics fails alone (its caller is told), as on tokio's
            // threads; rayon would otherwise end the process.
            .panic_handler(|_| tracing::error!("a search panicked"))
            .build()
            .inspect_err(|e| tracing::warn!(error = %e, "no search threads"))
            .ok()
    });
    SEARCHERS.as_ref()
}

/// Runs a search on [`searchers`].
async fn on_searchers<T: Send + 'static>(
    index: &Arc<SearchIndex>,
    work: impl FnOnce(&SearchIndex) -> Result<T, kolokol_search::SearchError> + Send + 'static,
) -> Result<T, Error> {
    let Some(pool) = searchers() else {
        return on_index(index, work).await;
    };
    let index = Arc::clone(index);
    let (answer, answered) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        // The caller may have gone (a closed connection): nothing to tell.
        let _ = answer.send(work(&index));
    });
    answered
        .await
        .map_err(|_| Error::Internal("the search stopped before its end".into()))?
        .map_err(|e| Error::Internal(e.to_string()))
}

/// A reader's search, as typed into the form or asked of `/search.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub text: String,
    pub section: Option<Slug>,
    pub author: Option<Slug>,
    pub tag: Option<Slug>,
    pub language: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub order: Order,
    /// From 1.
    pub page: usize,
    /// The language of the page searched from.
    pub page_language: Option<String>,
}

impl Query {
    /// Checks what the reader typed: the query's length and the dates' order.
    pub fn validate(&self) -> Result<(), Error> {
        if self.text.chars().count() > LONGEST_QUERY {
            return Err(Error::field(
                "q",
                kolokol_core::Message::new("search-too-long").with("limit", LONGEST_QUERY),
            ));
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(Error::field(
                "to",
                kolokol_core::Message::new("search-dates-reversed"),
            ));
        }
        Ok(())
    }
}

/// One article found.
#[derive(Debug, Clone)]
pub struct Found {
    pub article: ArticleSummary,
    /// HTML: the matching passage, escaped, matches in `<mark>`.
    pub snippet: String,
    /// Found by allowing for a typo.
    pub typo: bool,
}

/// A page of results.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub found: Vec<Found>,
    pub suggestion: Option<String>,
    /// Answered from the database (headlines only) while the index is being built.
    pub partial: bool,
}

/// Runs a reader's search: the index when it is ready, the database's headlines
/// while it is being built. Only articles readers may see at `now` are returned.
///
/// `current` is given when the index holds what the database held at the content
/// version readers are being shown (no publication, edit or withdrawal since its
/// last pass): the results are then shown from the index's own cards, with those
/// names, and the database is not read at all. Otherwise (or when a card cannot be
/// used) the found articles are read from the database, which also leaves out one
/// withdrawn a moment ago.
pub async fn search(
    store: &DynStore,
    index: &Arc<SearchIndex>,
    query: &Query,
    per_page: usize,
    now: DateTime<Utc>,
    current: Option<Names<'_>>,
) -> Result<Results, Error> {
    query.validate()?;
    let page = query.page.max(1);
    let Some(filters) = filters(store, query).await? else {
        return Ok(Results {
            page,
            ..Results::default()
        });
    };
    if !index.is_ready() {
        return from_database(store, query, &filters, per_page, now).await;
    }
    let request = Request {
        text: query.text.clone(),
        filters,
        order: query.order,
        offset: (page - 1).saturating_mul(per_page),
        limit: per_page,
        language_hint: query.page_language.clone(),
    };
    let results = on_searchers(index, move |index| index.search(&request)).await?;
    let from_cards: Option<Vec<ArticleSummary>> = current.and_then(|names| {
        results
            .hits
            .iter()
            .map(|hit| Card::summary(&hit.card, hit.id, &names))
            .collect()
    });
    let mut summaries: std::collections::HashMap<i64, ArticleSummary> = match from_cards {
        Some(summaries) => summaries,
        None => {
            let ids: Vec<ArticleId> = results.hits.iter().map(|h| ArticleId(h.id)).collect();
            store.published_summaries(&ids, now).await?
        }
    }
    .into_iter()
    .map(|s| (s.id.0, s))
    .collect();
    // An article withdrawn a moment ago may still be in the index: left out.
    let found = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            Some(Found {
                article: summaries.remove(&hit.id)?,
                snippet: hit.snippet,
                typo: hit.typo,
            })
        })
        .collect();
    Ok(Results {
        total: results.total,
        page,
        pages: results.total.div_ceil(per_page.max(1)),
        found,
        suggestion: results.suggestion,
        partial: false,
    })
}

/// The query's filters as ids; `None` when one names nothing that exists (so
/// nothing can match).
async fn filters(store: &DynStore, query: &Query) -> Result<Option<Filters>, Error> {
    let mut filters = Filters {
        language: query.language.clone(),
        from: query
            .from
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp()),
        to: query
            .to
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .map(|t| t.and_utc().timestamp()),
        ..Filters::default()
    };
    if let Some(slug) = &query.section {
        let Some(section) = store.section_by_slug(slug).await? else {
            return Ok(None);
        };
        filters.section = Some(section.id);
    }
    if let Some(slug) = &query.author {
        let Some(author) = store.author_by_slug(slug).await? else {
            return Ok(None);
        };
        filters.author = Some(author.id);
    }
    if let Some(slug) = &query.tag {
        let Some(tag) = store.tag_by_slug(slug).await? else {
            return Ok(None);
        };
        filters.tag = Some(tag.id);
    }
    Ok(Some(filters))
}

/// While the index is built: published articles whose headline has the query's
/// words, newest first.
async fn from_database(
    store: &DynStore,
    query: &Query,
    filters: &Filters,
    per_page: usize,
    now: DateTime<Utc>,
) -> Result<Results, Error> {
    let listing = kolokol_store::ListingQuery {
        search: stems_of(&query.text),
        state: Some(kolokol_store::ListingState::Published),
        section_id: filters.section,
        author_id: filters.author,
        language: filters.language.clone(),
        ..kolokol_store::ListingQuery::all(now)
    };
    let page = query.page.max(1);
    let request = kolokol_core::PageRequest::new(
        kolokol_core::PageNumber::parse(&page.to_string())
            .unwrap_or(kolokol_core::PageNumber::FIRST),
        u32::try_from(per_page).unwrap_or(20),
    );
    let listed = store.article_listing(&listing, request).await?;
    let ids: Vec<ArticleId> = listed.items.iter().map(|a| a.id).collect();
    let found = in_order(store.published_summaries(&ids, now).await?, &ids)
        .into_iter()
        .map(|article| Found {
            snippet: String::new(),
            article,
            typo: false,
        })
        .collect();
    let total = usize::try_from(listed.total).unwrap_or(0);
    Ok(Results {
        total,
        page,
        pages: total.div_ceil(per_page.max(1)),
        found,
        suggestion: None,
        partial: true,
    })
}

/// `summaries` in the order of `ids`.
fn in_order(summaries: Vec<ArticleSummary>, ids: &[ArticleId]) -> Vec<ArticleSummary> {
    let mut by_id: std::collections::HashMap<i64, ArticleSummary> =
        summaries.into_iter().map(|s| (s.id.0, s)).collect();
    ids.iter().filter_map(|id| by_id.remove(&id.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn searches_run_on_their_own_threads() {
        let index = Arc::new(SearchIndex::open(None).expect("index"));
        let name = on_searchers(&index, |_| {
            Ok(std::thread::current().name().map(str::to_owned))
        })
        .await
        .expect("ran");
        assert!(name.is_some_and(|n| n.starts_with("search-")));
    }

    #[tokio::test]
    async fn a_search_that_panics_fails_alone() {
        let index = Arc::new(SearchIndex::open(None).expect("index"));
        let failed = on_searchers(&index, |_| -> Result<(), _> { panic!("a bug") }).await;
        assert!(matches!(failed, Err(Error::Internal(_))));
        let after = on_searchers(&index, |index| Ok(index.len())).await;
        assert_eq!(after.ok(), Some(0));
    }
}

//! "Related articles" on an article page: the candidates each section and tag
//! offers, kept in memory for a content version, ranked by the store's own rule
//! (`kolokol_store::related::rank`). A page then reads only its winners' summaries; the
//! rule's query scored some sixty candidates for every page, most of an uncached
//! article's database time.

use std::collections::HashMap;
use std::sync::Arc;

use kolokol_core::{Article, ArticleId, ArticleSummary};
use kolokol_store::related::{self, CANDIDATES, CandidateList, RelatedKey};

use crate::error::AppError;
use crate::state::{AppState, PerVersionMap};

/// Lists whose candidates are kept at once; more empty the set and start again. At
/// 100,000 articles with 400 tags every list of both languages fits, in about 2 MB.
pub(crate) const KEPT_LISTS: usize = 1024;

/// The candidates of the lists asked for, for one content version.
pub(crate) type KeptCandidates = PerVersionMap<(String, CandidateList), Arc<[Candidate]>>;

/// Summaries kept for "Read more": the winners of random articles come from the
/// newest few of each section and popular tag, so a small set saves most pages
/// their second statement (measured: at 100,000 articles, a page costs about a
/// quarter less CPU with it than without). About 1 KB each.
pub(crate) const KEPT_SUMMARIES: usize = 1024;

/// Summaries by article, each with the content version it was read for (an entry of
/// another version is not used).
pub(crate) type KeptSummaries = quick_cache::sync::Cache<ArticleId, (i64, Arc<ArticleSummary>)>;

/// "Read more" of one article page, chosen from the kept lists while the article is
/// read (see [`ReadMore::pick`]), then completed with the summaries read for it.
#[derive(Default)]
pub(crate) struct ReadMore(std::sync::OnceLock<Chosen>);

/// The winners in order, each with its summary when one was kept.
struct Chosen {
    version: i64,
    winners: Vec<(ArticleId, Option<Arc<ArticleSummary>>)>,
}

impl ReadMore {
    /// For `ReadingStore::published_article_with`: the winners for `article` whose
    /// summaries are not kept (to be read on the article's connection; none to read
    /// when all are kept), or `None` when the lists they are drawn from are not kept.
    pub(crate) fn pick(
        &self,
        state: &AppState,
        article: &Article,
        limit: u32,
    ) -> Option<Vec<ArticleId>> {
        Some(self.choose(state, state.kept_related(article, limit)?))
    }

    /// Takes `ids` as the winners; gives those whose summaries are not kept.
    fn choose(&self, state: &AppState, ids: Vec<ArticleId>) -> Vec<ArticleId> {
        let version = state.cache.version();
        let winners: Vec<(ArticleId, Option<Arc<ArticleSummary>>)> = ids
            .into_iter()
            .map(|id| (id, state.kept_summary(id, version)))
            .collect();
        let missing = winners
            .iter()
            .filter(|(_, kept)| kept.is_none())
            .map(|(id, _)| *id)
            .collect();
        // A page chooses once; a second call keeps the first choice.
        let _ = self.0.set(Chosen { version, winners });
        missing
    }

    /// The winners in order: the kept summaries and those in `read` (kept from now
    /// on, if the content version has not moved); a winner no longer published is
    /// left out, as the store leaves it out.
    pub(crate) fn complete(
        self,
        state: &AppState,
        read: Vec<ArticleSummary>,
    ) -> Vec<ArticleSummary> {
        let Some(chosen) = self.0.into_inner() else {
            return read;
        };
        let mut read: HashMap<ArticleId, ArticleSummary> =
            read.into_iter().map(|s| (s.id, s)).collect();
        let current = state.cache.version() == chosen.version;
        chosen
            .winners
            .into_iter()
            .filter_map(|(id, kept)| match kept {
                Some(summary) => Some(ArticleSummary::clone(&summary)),
                None => {
                    let summary = read.remove(&id)?;
                    if current {
                        let kept = Arc::new(summary.clone());
                        state.summaries.insert(id, (chosen.version, kept));
                    }
                    Some(summary)
                }
            })
            .collect()
    }
}

/// One candidate as the rule sees it (its language is its list's).
pub(crate) struct Candidate {
    id: i64,
    section_id: i64,
    published_at: i64,
    tag_ids: Box<[i64]>,
}

/// The rule's view of `article` itself.
fn itself(article: &Article) -> RelatedKey {
    let summary = &article.summary;
    RelatedKey {
        id: summary.id.0,
        section_id: summary.section.id,
        published_at: summary.published_at.timestamp(),
        tag_ids: article.tags.iter().map(|t| t.id).collect(),
        language: summary.language.clone(),
    }
}

/// The `limit` best of the candidates of `itself`'s section and of each of its tags
/// (in the order of its tags), by `related::rank`.
fn rank(
    itself: &RelatedKey,
    section: &[Candidate],
    tags: &[Arc<[Candidate]>],
    limit: u32,
) -> Vec<ArticleId> {
    let ids = |list: &[Candidate]| list.iter().map(|c| c.id).collect::<Vec<i64>>();
    let section_ids = ids(section);
    let tag_ids: Vec<Vec<i64>> = tags.iter().map(|list| ids(list)).collect();
    let tag_lists: Vec<&[i64]> = tag_ids.iter().map(Vec::as_slice).collect();
    let facts: HashMap<i64, &Candidate> = section
        .iter()
        .chain(tags.iter().flat_map(|list| list.iter()))
        .map(|c| (c.id, c))
        .collect();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    related::rank(
        itself,
        &section_ids,
        &tag_lists,
        |id| {
            facts
                .get(&id)
                .map(|c| (c.section_id, c.published_at, &*c.tag_ids))
        },
        limit,
    )
    .into_iter()
    .map(ArticleId)
    .collect()
}

impl AppState {
    /// At most `limit` published articles related to `article`, best first: the
    /// same as `ReadingStore::related_articles` answers.
    pub async fn related_articles(
        &self,
        article: &Article,
        limit: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ArticleSummary>, AppError> {
        let itself = itself(article);
        let language = &itself.language;
        let section = self
            .candidates(CandidateList::Section(itself.section_id), language, now)
            .await?;
        let mut tags = Vec::with_capacity(itself.tag_ids.len());
        for tag in &itself.tag_ids {
            tags.push(
                self.candidates(CandidateList::Tag(*tag), language, now)
                    .await?,
            );
        }
        let read_more = ReadMore::default();
        let missing = read_more.choose(self, rank(&itself, &section, &tags, limit));
        let read = self.store.published_summaries(&missing, now).await?;
        Ok(read_more.complete(self, read))
    }

    /// Whether the summary of `id` is kept for "Read more" for the content version
    /// in force (for tests).
    #[doc(hidden)]
    pub fn summary_kept(&self, id: ArticleId) -> bool {
        self.kept_summary(id, self.cache.version()).is_some()
    }

    /// The summary of `id` kept for "Read more", if it was read for `version`.
    fn kept_summary(&self, id: ArticleId, version: i64) -> Option<Arc<ArticleSummary>> {
        let (at, summary) = self.summaries.get(&id)?;
        (at == version).then_some(summary)
    }

    /// The ids of [`AppState::related_articles`] when every list they are drawn
    /// from is kept for the content version in force; `None` when one is not (the
    /// page then reads it and asks `related_articles`). An article page passes this
    /// to `ReadingStore::published_article_with`, which reads the winners on the
    /// article's own connection.
    pub fn kept_related(&self, article: &Article, limit: u32) -> Option<Vec<ArticleId>> {
        let itself = itself(article);
        let version = self.cache.version();
        let kept = |list| self.related.get(version, &(itself.language.clone(), list));
        let section = kept(CandidateList::Section(itself.section_id))?;
        let tags = itself
            .tag_ids
            .iter()
            .map(|tag| kept(CandidateList::Tag(*tag)))
            .collect::<Option<Vec<_>>>()?;
        Some(rank(&itself, &section, &tags, limit))
    }

    /// The newest candidates of `list` in `language` (one more than the rule scores:
    /// the article itself may be among them), kept for the content version.
    async fn candidates(
        &self,
        list: CandidateList,
        language: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Arc<[Candidate]>, AppError> {
        let version = self.cache.version();
        let key = (language.to_owned(), list);
        if let Some(candidates) = self.related.get(version, &key) {
            return Ok(candidates);
        }
        let limit = u32::try_from(CANDIDATES + 1).unwrap_or(u32::MAX);
        let read: Arc<[Candidate]> = self
            .store
            .related_candidates(list, language, limit, now)
            .await?
            .into_iter()
            .map(|key| Candidate {
                id: key.id,
                section_id: key.section_id,
                published_at: key.published_at,
                tag_ids: key.tag_ids.into(),
            })
            .collect();
        self.related
            .keep(version, self.cache.version(), key, Arc::clone(&read));
        Ok(read)
    }
}

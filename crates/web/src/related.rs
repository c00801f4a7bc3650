//! "Related articles" on an article page: the candidates each section and tag
//! offers, kept in memory for a content version, ranked by the store's own rule
//! (`kolokol_store::related`). A page then reads only its winners' summaries; the
//! rule's query scored some sixty candidates for every page, most of an uncached
//! article's database time.

use std::collections::HashMap;
use std::sync::Arc;

use kolokol_core::{Article, ArticleId, ArticleSummary};
use kolokol_store::related::{CANDIDATES, CandidateList, RelatedIndex, RelatedKey};

use crate::error::AppError;
use crate::state::AppState;

/// Lists whose candidates are kept at once; more empty the set and start again. At
/// 100,000 articles with 400 tags every list of both languages fits, in about 2 MB.
const KEPT_LISTS: usize = 1024;

/// The candidates of the lists asked for, for one content version.
#[derive(Default)]
pub(crate) struct KeptCandidates {
    version: i64,
    lists: HashMap<(String, CandidateList), Arc<[Candidate]>>,
}

/// One candidate as the rule sees it (its language is its list's).
pub(crate) struct Candidate {
    id: i64,
    section_id: i64,
    published_at: i64,
    tag_ids: Box<[i64]>,
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
        let summary = &article.summary;
        let language = &summary.language;
        let tag_ids: Vec<i64> = article.tags.iter().map(|t| t.id).collect();
        let mut keys: HashMap<i64, RelatedKey> = HashMap::new();
        let itself = RelatedKey {
            id: summary.id.0,
            section_id: summary.section.id,
            published_at: summary.published_at.timestamp(),
            tag_ids: tag_ids.clone(),
            language: language.clone(),
        };
        keys.insert(itself.id, itself);
        let lists = std::iter::once(CandidateList::Section(summary.section.id))
            .chain(tag_ids.iter().map(|tag| CandidateList::Tag(*tag)));
        for list in lists {
            for candidate in self.candidates(list, language, now).await?.iter() {
                keys.entry(candidate.id).or_insert_with(|| RelatedKey {
                    id: candidate.id,
                    section_id: candidate.section_id,
                    published_at: candidate.published_at,
                    tag_ids: candidate.tag_ids.to_vec(),
                    language: language.clone(),
                });
            }
        }
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let ids: Vec<ArticleId> = RelatedIndex::new(keys.into_values().collect())
            .related(summary.id.0, limit)
            .into_iter()
            .map(ArticleId)
            .collect();
        let mut found = self.store.published_summaries(&ids, now).await?;
        found.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
        Ok(found)
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
        {
            let kept = self.related.lock();
            if kept.version == version
                && let Some(candidates) = kept.lists.get(&key)
            {
                return Ok(Arc::clone(candidates));
            }
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
        // Read for a version that has moved on since: used once, not kept.
        if self.cache.version() == version {
            let mut kept = self.related.lock();
            if kept.version != version || kept.lists.len() >= KEPT_LISTS {
                kept.lists.clear();
                kept.version = version;
            }
            kept.lists.insert(key, Arc::clone(&read));
        }
        Ok(read)
    }
}

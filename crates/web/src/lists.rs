//! Lists' pages at any depth: where each page of a list ends (its page marks), read
//! once per content version, kept, and read again ahead of readers after a change.

use std::sync::Arc;

use crate::error::AppError;
use crate::state::{AppState, PerVersionMap};

/// Lists' page marks of one content version, by list (filter and page size).
pub(crate) type ListMarks = PerVersionMap<String, Arc<KeptMarks>>;

/// How many published articles each tag lists, by tag and language.
pub(crate) type TagTotals = std::collections::HashMap<(i64, String), u64>;

/// One list's marks, with what names the list (to read them again for the next
/// content version).
pub(crate) struct KeptMarks {
    filter: kolokol_core::ArticleFilter,
    per_page: u32,
    marks: Arc<kolokol_core::PageMarks>,
}

/// Which list's marks these are.
fn marks_key(filter: &kolokol_core::ArticleFilter, per_page: u32) -> String {
    format!("{per_page} {filter:?}")
}

/// Pages of a list read by counting past the ones before (cheap this near the
/// top); deeper ones are read from the list's page marks.
const SHALLOW_PAGES: u32 = 10;

/// Lists whose marks are kept at once (a crawler walking every section, tag and
/// author deep); more empty the set and start again.
pub(crate) const MARKED_LISTS: usize = 256;

impl AppState {
    /// A page of a published list. A deep page is read from where the page before
    /// it ends (the list's marks); a tag's list pages through its own index instead
    /// (see `store::sql::LIST_TAGGED`), which stays cheap however deep.
    pub(crate) async fn published_page(
        &self,
        filter: &kolokol_core::ArticleFilter,
        request: kolokol_core::PageRequest,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::Paginated<kolokol_core::ArticleSummary>, AppError> {
        if let Some(tag) = filter.tag_id {
            return Ok(match self.kept_tag_total(tag, filter) {
                Some(total) => {
                    self.store
                        .published_articles_of(filter, request, total, now)
                        .await?
                }
                None => self.store.published_articles(filter, request, now).await?,
            });
        }
        // Near the top, the marks are used when a deeper page had them read
        // already (no count then); otherwise counting is cheap enough.
        let marks = match self.kept_marks(filter, request.per_page) {
            Some(marks) => marks,
            None if request.number.get() <= SHALLOW_PAGES => {
                return Ok(self.store.published_articles(filter, request, now).await?);
            }
            None => self.read_marks(filter, request.per_page, now).await?,
        };
        // The first page starts at the top; a later one without a mark is past the end.
        let after = marks.before(request.number);
        let items = if after.is_some() || request.number == kolokol_core::PageNumber::FIRST {
            self.store
                .published_articles_after(filter, after, request.per_page, now)
                .await?
        } else {
            Vec::new()
        };
        Ok(kolokol_core::Paginated::new(items, request, marks.total))
    }

    /// How many articles the tag list `filter` holds, when every tag's totals are
    /// kept for the content version and nothing but the language narrows the list.
    fn kept_tag_total(&self, tag: i64, filter: &kolokol_core::ArticleFilter) -> Option<u64> {
        if filter.section_id.is_some()
            || filter.author_id.is_some()
            || filter.published_since.is_some()
        {
            return None;
        }
        let totals = self.tag_totals.kept(self.cache.version())?;
        // A tag absent from the totals lists nothing (in that language).
        Some(match &filter.language {
            Some(language) => totals.get(&(tag, language.clone())).copied().unwrap_or(0),
            None => totals
                .iter()
                .filter(|((id, _), _)| *id == tag)
                .map(|(_, total)| total)
                .sum(),
        })
    }

    /// How many articles the tag `tag` lists in `language`, if every tag's totals
    /// are kept for the content version in force (for tests).
    #[doc(hidden)]
    pub fn tag_total_kept(&self, tag: i64, language: &str) -> Option<u64> {
        let filter = kolokol_core::ArticleFilter {
            tag_id: Some(tag),
            language: Some(language.to_owned()),
            ..Default::default()
        };
        self.kept_tag_total(tag, &filter)
    }

    /// Every tag's totals for the content version in force, read once and kept.
    async fn read_tag_totals(&self) -> Result<(), AppError> {
        self.kept_for_version(&self.tag_totals, || async {
            let totals = self.store.tag_totals(chrono::Utc::now()).await?;
            Ok(totals
                .into_iter()
                .map(|(tag, language, total)| ((tag, language), total))
                .collect())
        })
        .await?;
        Ok(())
    }

    /// Where each page of the list `filter` ends (see [`kolokol_core::PageMarks`]),
    /// read from the database and kept for the content version (the caller found
    /// none kept): a crawler walking a list to page 4,000 then costs one walk of
    /// its index, not 4,000.
    async fn read_marks(
        &self,
        filter: &kolokol_core::ArticleFilter,
        per_page: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Arc<kolokol_core::PageMarks>, AppError> {
        let version = self.cache.version();
        let marks = Arc::new(self.store.page_marks(filter, per_page, now).await?);
        let list = KeptMarks {
            filter: filter.clone(),
            per_page,
            marks: Arc::clone(&marks),
        };
        let key = marks_key(filter, per_page);
        self.marks
            .keep(version, self.cache.version(), key, Arc::new(list));
        Ok(marks)
    }

    /// The lists whose marks are worth reading before anyone asks for a deep page
    /// of them: each edition's archive, and every list marked for the version in
    /// force (a crawler deep in a list goes on after a change). Every section's
    /// are added when they are read (see [`AppState::spawn_marking`]).
    pub(crate) fn lists_to_mark(&self) -> Vec<(kolokol_core::ArticleFilter, u32)> {
        let mut lists: Vec<(kolokol_core::ArticleFilter, u32)> = Vec::new();
        for language in self.languages() {
            let per_page = self.site_in(&language).articles_per_page;
            let archive = kolokol_core::ArticleFilter {
                language: Some(language),
                ..Default::default()
            };
            lists.push((archive, per_page));
        }
        for list in self.marks.values() {
            let named = (list.filter.clone(), list.per_page);
            if !lists.contains(&named) {
                lists.push(named);
            }
        }
        lists
    }

    /// Reads every tag's totals, then the marks of `lists` and of every section in
    /// each edition, for the content version in force, one after another in the
    /// background, so that the first deep page of a list after a change (or after
    /// start) does not wait for a walk of the list (at 100,000 articles, tens of
    /// milliseconds). A site has a handful of sections, and their lists together
    /// are one walk of the archive; its tags may be thousands, and each pages
    /// through its own index without marks, so only their totals are read ahead (in
    /// one statement: counting the most used tag's list took most of its page's
    /// 4 ms). Gives up when the version moves on: the change that moved it starts
    /// another round.
    pub(crate) fn spawn_marking(&self, mut lists: Vec<(kolokol_core::ArticleFilter, u32)>) {
        let state = self.clone();
        let version = self.cache.version();
        tokio::spawn(async move {
            if let Err(e) = state.read_tag_totals().await {
                tracing::warn!(error = %e, "cannot count the tags' lists");
            }
            match state.stored_names().await {
                Ok(names) => {
                    for language in state.languages() {
                        let per_page = state.site_in(&language).articles_per_page;
                        for section in &names.sections {
                            let list = kolokol_core::ArticleFilter {
                                section_id: Some(section.id),
                                language: Some(language.clone()),
                                ..Default::default()
                            };
                            let named = (list, per_page);
                            if !lists.contains(&named) {
                                lists.push(named);
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the sections to mark"),
            }
            for (filter, per_page) in lists {
                if state.cache.version() != version {
                    return;
                }
                if state.kept_marks(&filter, per_page).is_some() {
                    continue;
                }
                if let Err(e) = state
                    .read_marks(&filter, per_page, chrono::Utc::now())
                    .await
                {
                    tracing::warn!(error = %e, "cannot read where a list's pages end");
                    return;
                }
            }
        });
    }

    /// Reads the marks of each edition's archive and sections in the background
    /// (at start).
    pub(crate) fn mark_lists(&self) {
        self.spawn_marking(self.lists_to_mark());
    }

    /// Whether the marks of `filter`'s list, `per_page` a page, are kept for the
    /// content version in force (for tests).
    #[doc(hidden)]
    pub fn marks_kept(&self, filter: &kolokol_core::ArticleFilter, per_page: u32) -> bool {
        self.kept_marks(filter, per_page).is_some()
    }

    /// The marks of the list `filter` if they are kept for the current version.
    fn kept_marks(
        &self,
        filter: &kolokol_core::ArticleFilter,
        per_page: u32,
    ) -> Option<Arc<kolokol_core::PageMarks>> {
        let key = marks_key(filter, per_page);
        self.marks
            .get(self.cache.version(), &key)
            .map(|list| Arc::clone(&list.marks))
    }
}

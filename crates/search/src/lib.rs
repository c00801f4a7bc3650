//! Full-text search of the published archive, in Russian and English.
//!
//! An index per node ([`SearchIndex`], tantivy on disk beside the data, or in memory
//! for tests) holds only what readers may see; the operations layer keeps it in step
//! with the database. Queries are parsed by [`query`], words analysed by
//! [`analysis`] (stems by script, transliteration skeletons, typo allowances) and
//! results come with [`snippet`]s.

pub mod analysis;
mod index;
pub mod query;
pub mod snippet;

use std::path::Path;

pub use index::SearchIndex;

/// What the index keeps of one published article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub id: i64,
    /// Unix seconds of the article's last change: what tells a stale copy.
    pub modified: i64,
    /// Unix seconds of publication.
    pub published: i64,
    pub language: String,
    pub section_id: i64,
    pub author_ids: Vec<i64>,
    pub tag_ids: Vec<i64>,
    pub headline: String,
    pub dek: String,
    /// The section's, the authors' and the tags' names.
    pub names: String,
    /// The body as plain text.
    pub body: String,
    /// What a result shows of the article, kept as it is given and handed back
    /// with each hit ([`Hit::card`]) so that a page of results can be shown
    /// without reading the articles again.
    pub card: String,
}

/// The order of results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    Relevance,
    Newest,
}

impl Order {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "" | "relevance" => Some(Self::Relevance),
            "newest" => Some(Self::Newest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Newest => "newest",
        }
    }
}

/// Narrowing a search: ids as in the database, times in Unix seconds (inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub section: Option<i64>,
    pub author: Option<i64>,
    pub tag: Option<i64>,
    pub language: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// One search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub text: String,
    pub filters: Filters,
    pub order: Order,
    pub offset: usize,
    pub limit: usize,
    /// The language of the page the query came from, used when the query's own
    /// letters do not tell.
    pub language_hint: Option<String>,
}

/// One found article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: i64,
    /// HTML: escaped text with the matched words in `<mark>`.
    pub snippet: String,
    /// Found only by allowing typos.
    pub typo: bool,
    /// The document's [`Document::card`].
    pub card: String,
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    /// How many articles match in all.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// "Did you mean": a corrected query, when nothing matched.
    pub suggestion: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index at {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("search index: {0}")]
    Read(#[from] std::io::Error),
    #[error("search index: {0}")]
    Open(#[from] tantivy::directory::error::OpenDirectoryError),
}

impl SearchError {
    /// Whether another process holds the index (a running server).
    pub fn is_locked(&self) -> bool {
        matches!(self, Self::Index(tantivy::TantivyError::LockFailure(..)))
    }

    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i64, language: &str, headline: &str, body: &str) -> Document {
        Document {
            id,
            modified: 1,
            published: 1_700_000_000 + id,
            language: language.into(),
            section_id: id % 2 + 1,
            author_ids: vec![10 + id % 3],
            tag_ids: vec![],
            headline: headline.into(),
            dek: String::new(),
            names: String::new(),
            body: body.into(),
            card: format!("card of {id}"),
        }
    }

    fn index() -> SearchIndex {
        let index = SearchIndex::open(None).expect("index");
        index
            .apply(
                &[
                    doc(
                        1,
                        "ru",
                        "Курс рубля",
                        "Рубль снова упал после решения банка.",
                    ),
                    doc(
                        2,
                        "ru",
                        "Выборы в регионах",
                        "Наблюдатели рассказали о выборах.",
                    ),
                    doc(
                        3,
                        "en",
                        "Local elections",
                        "Observers watched the election closely.",
                    ),
                    doc(
                        4,
                        "ru",
                        "Дело Навального",
                        "Суд над Навальным продолжается.",
                    ),
                    doc(5, "en", "Navalny's case", "The court heard Navalny again."),
                    doc(
                        6,
                        "en",
                        "War and peace",
                        "A book about war and peace and censorship.",
                    ),
                    doc(
                        7,
                        "en",
                        "Censorship report",
                        "Our censorship report for the year.",
                    ),
                ],
                &[],
            )
            .expect("apply");
        index
    }

    fn ids(index: &SearchIndex, text: &str) -> Vec<i64> {
        let request = Request {
            text: text.into(),
            limit: 10,
            ..Request::default()
        };
        let mut ids: Vec<i64> = index
            .search(&request)
            .expect("search")
            .hits
            .iter()
            .map(|h| h.id)
            .collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn inflections_in_both_languages() {
        let index = index();
        assert_eq!(ids(&index, "рублём"), [1]);
        assert_eq!(ids(&index, "выборов"), [2]);
        assert_eq!(ids(&index, "elections"), [3]);
    }

    #[test]
    fn names_across_scripts() {
        let index = index();
        assert_eq!(ids(&index, "navalny"), [4, 5]);
        assert_eq!(ids(&index, "Навальный"), [4, 5]);
    }

    #[test]
    fn phrases_exclusions_and_or() {
        let index = index();
        assert_eq!(ids(&index, "\"war and peace\""), [6]);
        assert_eq!(ids(&index, "\"peace and war\""), Vec::<i64>::new());
        assert_eq!(ids(&index, "censorship -book"), [7]);
        assert_eq!(ids(&index, "рубль OR elections"), [1, 3]);
    }

    #[test]
    fn typos_never_outrank_exact_matches() {
        let index = index();
        assert_eq!(ids(&index, "cenzorship"), [6, 7]);
        let results = index
            .search(&Request {
                text: "report censorsip".into(),
                limit: 10,
                ..Request::default()
            })
            .expect("search");
        assert_eq!(results.hits.len(), 1);
        assert!(results.hits[0].typo);
        // Short words get no allowance.
        assert_eq!(ids(&index, "bouk"), Vec::<i64>::new());
    }

    #[test]
    fn did_you_mean() {
        let index = index();
        let results = index
            .search(&Request {
                text: "bouk".into(),
                limit: 10,
                ..Request::default()
            })
            .expect("search");
        assert_eq!(results.total, 0);
        assert_eq!(results.suggestion.as_deref(), Some("book"));
    }

    #[test]
    fn filters_order_and_removal() {
        let index = index();
        let mut request = Request {
            text: "navalny".into(),
            limit: 10,
            order: Order::Newest,
            ..Request::default()
        };
        let found = index.search(&request).expect("search");
        assert_eq!(found.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [5, 4]);
        // Each hit comes with its document's card.
        assert_eq!(found.hits[0].card, "card of 5");
        request.filters.language = Some("ru".into());
        assert_eq!(index.search(&request).expect("search").hits[0].id, 4);
        request.filters = Filters {
            from: Some(1_700_000_005),
            ..Filters::default()
        };
        assert_eq!(index.search(&request).expect("search").total, 1);
        index.apply(&[], &[5]).expect("remove");
        request.filters = Filters::default();
        assert_eq!(index.search(&request).expect("search").total, 1);
        assert_eq!(index.len(), 6);
    }

    /// The first page of `text` and its total, as searches run it and with every
    /// match scored.
    fn both_ways(index: &SearchIndex, text: &str) -> [(Vec<i64>, usize); 2] {
        let request = Request {
            text: text.into(),
            limit: 10,
            ..Request::default()
        };
        [false, true].map(|exhaustive| {
            index.score_every_match(exhaustive);
            let results = index.search(&request).expect("search");
            index.score_every_match(false);
            (results.hits.iter().map(|h| h.id).collect(), results.total)
        })
    }

    #[test]
    fn pruned_searches_rank_and_count_as_if_every_match_were_scored() {
        let index = index();
        // Many matches, the words in headlines, deks and bodies of lengths that
        // differ: pruning skips blocks of them.
        let filler = ["grain", "river", "market", "winter", "harbour", "ledger"];
        let docs: Vec<Document> = (100..1_100)
            .map(|id| {
                let n = usize::try_from(id).expect("id");
                let mut body: Vec<&str> = (0..20 + n % 37).map(|i| filler[(n + i) % 6]).collect();
                body.extend(std::iter::repeat_n("budget", 1 + n % 5));
                // A word too short for typos: its total comes from the count alone.
                body.extend(std::iter::repeat_n("tax", 1 + n % 4));
                let headline = if n % 50 == 0 {
                    "Budget"
                } else {
                    "Harbour news"
                };
                let mut doc = doc(id, "en", headline, &body.join(" "));
                doc.dek = if n % 7 == 0 {
                    "A budget".into()
                } else {
                    String::new()
                };
                doc
            })
            .collect();
        index.apply(&docs, &[]).expect("apply");
        for text in ["budget", "tax", "censorship", "navalny", "рубля"] {
            let [pruned, every] = both_ways(&index, text);
            assert_eq!(pruned, every, "{text}");
        }
        for text in ["budget", "tax"] {
            let [pruned, _] = both_ways(&index, text);
            assert_eq!((pruned.0.len(), pruned.1), (10, 1_000), "{text}");
        }
    }

    #[test]
    fn reopens_from_disk_with_its_stamps() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("search");
        {
            let index = SearchIndex::open(Some(&path)).expect("open");
            index
                .apply(&[doc(9, "en", "Kept", "kept on disk")], &[])
                .expect("apply");
        }
        let index = SearchIndex::open(Some(&path)).expect("reopen");
        assert_eq!(index.stamps().get(&9), Some(&1));
        assert_eq!(ids(&index, "kept"), [9]);
        // Stored documents in blocks of about one article (a result decompresses
        // its whole block).
        let meta: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(path.join("meta.json")).expect("meta.json"),
        )
        .expect("json");
        assert_eq!(meta["index_settings"]["docstore_blocksize"], 4096);
    }
}

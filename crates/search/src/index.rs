//! The index of published articles (tantivy), kept on each node beside its data.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, Analyzer, Stems};
use crate::query::{Item, Parsed};
use crate::snippet::{Matcher, snippet};
use crate::{Document, Filters, Hit, Order, Request, Results, SearchError};

/// Bumped whenever the schema, the analysis or the index's settings change: an
/// index of another version is thrown away and built again.
const SCHEMA_VERSION: &str = "7";
const VERSION_FILE: &str = "kolokol-search-version";
/// Typo-tolerant matches are looked for when exact ones are fewer than this.
const FUZZY_BELOW: usize = 20;
/// The indexing thread's memory budget.
const WRITER_HEAP: usize = 32 * 1024 * 1024;
/// The stored documents are compressed in blocks of this many bytes, and a result
/// decompresses its whole block: about one article's body and card (tantivy's
/// 16 KiB held four or five, each decompressed for one).
const STORED_BLOCK: usize = 4 * 1024;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    modified: Field,
    published: Field,
    language: Field,
    section: Field,
    authors: Field,
    tags: Field,
    headline: Field,
    dek: Field,
    names: Field,
    body: Field,
    /// Skeletons of the Latin words, then of the Cyrillic ones.
    translit: [Field; 2],
    /// Skeletons of the headline, the dek and the names only, by script: a name
    /// there weighs more, as in the stemmed fields.
    translit_title: [Field; 2],
    /// Words as written (folded), for typos and "did you mean".
    plain: Field,
    card: Field,
}

impl Fields {
    fn schema() -> (Schema, Self) {
        let mut builder = Schema::builder();
        let stemmed = |stored: bool| {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analysis::STEMMED)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let unstemmed = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let fields = Self {
            id: builder.add_u64_field("id", INDEXED | FAST | STORED),
            modified: builder.add_i64_field("modified", FAST),
            published: builder.add_i64_field("published", INDEXED | FAST),
            language: builder.add_text_field("language", STRING | FAST),
            section: builder.add_u64_field("section", INDEXED),
            authors: builder.add_u64_field("authors", INDEXED),
            tags: builder.add_u64_field("tags", INDEXED),
            headline: builder.add_text_field("headline", stemmed(false)),
            dek: builder.add_text_field("dek", stemmed(false)),
            names: builder.add_text_field("names", stemmed(false)),
            body: builder.add_text_field("body", stemmed(true)),
            translit: [
                builder.add_text_field("translit_latin", unstemmed(analysis::SKELETON_LATIN)),
                builder.add_text_field("translit_cyrillic", unstemmed(analysis::SKELETON_CYRILLIC)),
            ],
            translit_title: [
                builder.add_text_field("translit_title_latin", unstemmed(analysis::SKELETON_LATIN)),
                builder.add_text_field(
                    "translit_title_cyrillic",
                    unstemmed(analysis::SKELETON_CYRILLIC),
                ),
            ],
            plain: builder.add_text_field("plain", unstemmed(analysis::PLAIN)),
            card: builder.add_text_field("card", STORED),
        };
        (builder.build(), fields)
    }

    /// The text fields a word is looked for in, with their weights.
    fn weighted(&self) -> [(Field, f32); 4] {
        [
            (self.headline, 3.0),
            (self.names, 2.0),
            (self.dek, 1.5),
            (self.body, 1.0),
        ]
    }
}

/// The search index of one node.
pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    stems: Stems,
    /// Article id → modification time of what the index holds.
    stamps: Mutex<HashMap<i64, i64>>,
    /// Whether the index holds the whole archive (false while a first build runs).
    ready: AtomicBool,
    /// Moves on every change searches can see: what tells a remembered answer stale.
    generation: AtomicU64,
    /// Whether every match is scored, without pruning (for measuring it).
    exhaustive: AtomicBool,
    dir: Option<PathBuf>,
}

fn unsigned(id: i64) -> u64 {
    u64::try_from(id).unwrap_or(0)
}

impl SearchIndex {
    /// Opens the index kept in `dir` (made if missing or of an older version), or one
    /// in memory when `dir` is `None`.
    pub fn open(dir: Option<&Path>) -> Result<Self, SearchError> {
        let (schema, fields) = Fields::schema();
        let builder = Index::builder()
            .schema(schema)
            .settings(tantivy::IndexSettings {
                docstore_blocksize: STORED_BLOCK,
                ..tantivy::IndexSettings::default()
            });
        let index = match dir {
            None => builder.create_in_ram()?,
            Some(dir) => {
                let version = dir.join(VERSION_FILE);
                let current = std::fs::read_to_string(&version).unwrap_or_default();
                if current.trim() != SCHEMA_VERSION && dir.exists() {
                    std::fs::remove_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
                }
                std::fs::create_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
                let directory = tantivy::directory::MmapDirectory::open(dir)?;
                let index = builder.open_or_create(directory)?;
                std::fs::write(&version, SCHEMA_VERSION).map_err(|e| SearchError::io(dir, e))?;
                index
            }
        };
        index
            .tokenizers()
            .register(analysis::STEMMED, Analyzer::stemmed());
        index.tokenizers().register(
            analysis::SKELETON_LATIN,
            Analyzer::Skeleton { cyrillic: false },
        );
        index.tokenizers().register(
            analysis::SKELETON_CYRILLIC,
            Analyzer::Skeleton { cyrillic: true },
        );
        index
            .tokenizers()
            .register(analysis::PLAIN, Analyzer::Plain);
        let writer = index.writer_with_num_threads(1, WRITER_HEAP)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = Self {
            reader,
            writer: Mutex::new(writer),
            fields,
            stems: Stems::default(),
            stamps: Mutex::new(HashMap::new()),
            ready: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            exhaustive: AtomicBool::new(false),
            dir: dir.map(Path::to_path_buf),
        };
        let stamps = this.read_stamps()?;
        *this.stamps.lock() = stamps;
        Ok(this)
    }

    /// Where the index lives, if on disk.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn read_stamps(&self) -> Result<HashMap<i64, i64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut stamps = HashMap::new();
        for segment in searcher.segment_readers() {
            let ids = segment.fast_fields().u64("id")?;
            let modified = segment.fast_fields().i64("modified")?;
            for doc in segment.doc_ids_alive() {
                if let (Some(id), Some(at)) = (ids.first(doc), modified.first(doc)) {
                    stamps.insert(i64::try_from(id).unwrap_or(0), at);
                }
            }
        }
        Ok(stamps)
    }

    /// Article id → modification time of every article the index holds.
    pub fn stamps(&self) -> HashMap<i64, i64> {
        self.stamps.lock().clone()
    }

    /// How many articles the index holds.
    pub fn len(&self) -> usize {
        self.stamps.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Release);
        self.changed();
    }

    /// Scores every match of every search, without pruning: for measuring what
    /// pruning saves and changes (crates/search/examples/timing.rs).
    #[doc(hidden)]
    pub fn score_every_match(&self, exhaustive: bool) {
        self.exhaustive.store(exhaustive, Ordering::Relaxed);
    }

    /// A number that moves whenever what searches find may have changed.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Adds or replaces `upserts` and removes `removed`, visible to searches once this
    /// returns.
    pub fn apply(&self, upserts: &[Document], removed: &[i64]) -> Result<(), SearchError> {
        if upserts.is_empty() && removed.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer.lock();
        let f = self.fields;
        for id in removed.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_u64(f.id, unsigned(*id)));
        }
        for doc in upserts {
            let mut document = TantivyDocument::default();
            document.add_u64(f.id, unsigned(doc.id));
            document.add_i64(f.modified, doc.modified);
            document.add_i64(f.published, doc.published);
            document.add_text(f.language, &doc.language);
            document.add_u64(f.section, unsigned(doc.section_id));
            for author in &doc.author_ids {
                document.add_u64(f.authors, unsigned(*author));
            }
            for tag in &doc.tag_ids {
                document.add_u64(f.tags, unsigned(*tag));
            }
            document.add_text(f.headline, &doc.headline);
            document.add_text(f.dek, &doc.dek);
            document.add_text(f.names, &doc.names);
            document.add_text(f.body, &doc.body);
            document.add_text(f.card, &doc.card);
            for text in [&doc.headline, &doc.dek, &doc.names, &doc.body] {
                for field in f.translit {
                    document.add_text(field, text);
                }
                document.add_text(f.plain, text);
            }
            for text in [&doc.headline, &doc.dek, &doc.names] {
                for field in f.translit_title {
                    document.add_text(field, text);
                }
            }
            writer.add_document(document)?;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        self.changed();
        let mut stamps = self.stamps.lock();
        for id in removed {
            stamps.remove(id);
        }
        for doc in upserts {
            stamps.insert(doc.id, doc.modified);
        }
        Ok(())
    }

    /// Stops merging segments in the background until [`compact`](Self::compact):
    /// for a build, which then merges once at the end instead of over and over.
    pub fn begin_bulk(&self) {
        self.writer
            .lock()
            .set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    }

    /// Merges the index's segments into one, waiting for it, and merges in the
    /// background again from then on: after a build, searches open one posting list
    /// per term instead of one per segment.
    pub fn compact(&self) -> Result<(), SearchError> {
        let mut writer = self.writer.lock();
        let segments = writer.index().searchable_segment_ids()?;
        let merged = if segments.len() > 1 {
            writer.merge(&segments).wait().map(drop)
        } else {
            Ok(())
        };
        writer.set_merge_policy(Box::new(tantivy::indexer::LogMergePolicy::default()));
        merged?;
        drop(writer);
        self.reader.reload()?;
        self.changed();
        Ok(())
    }

    /// Empties the index.
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.writer.lock();
        writer.delete_all_documents()?;
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        self.changed();
        self.stamps.lock().clear();
        Ok(())
    }

    /// Runs a search.
    pub fn search(&self, request: &Request) -> Result<Results, SearchError> {
        let parsed = Parsed::parse(&request.text);
        if parsed.is_empty() {
            return Ok(Results::default());
        }
        let searcher = self.reader.searcher();
        let exact = self.query(&parsed, request, false);
        let wanted = request.offset + request.limit;
        let preferred = self.preferred_language(request);
        let prunable = !self.exhaustive.load(Ordering::Relaxed)
            && matches!(lone_item(&parsed, &request.filters), Some(Item::Word(_)));
        let (mut addresses, exact_total) = self.top(
            &searcher,
            &*exact,
            request.order,
            wanted,
            preferred,
            prunable,
        )?;
        let mut typo_from = addresses.len();
        let mut total = exact_total;
        if exact_total < FUZZY_BELOW
            && parsed
                .wanted_words()
                .any(|w| analysis::typo_allowance(w) > 0)
        {
            let fuzzy = self.query(&parsed, request, true);
            let (more, fuzzy_total) = self.top(
                &searcher,
                &*fuzzy,
                request.order,
                wanted + exact_total,
                preferred,
                false,
            )?;
            let seen: std::collections::HashSet<DocAddress> = addresses.iter().copied().collect();
            typo_from = addresses.len();
            addresses.extend(more.into_iter().filter(|a| !seen.contains(a)));
            total = fuzzy_total.max(exact_total);
        }
        let words: Vec<String> = parsed.wanted_words().cloned().collect();
        let exact_matcher = Matcher::new(&words, false);
        let typo_matcher = Matcher::new(&words, true);
        let mut hits = Vec::new();
        for (place, address) in addresses
            .into_iter()
            .enumerate()
            .skip(request.offset)
            .take(request.limit)
        {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_u64())
                .and_then(|id| i64::try_from(id).ok())
                .unwrap_or(0);
            let body = doc
                .get_first(self.fields.body)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let typo = place >= typo_from;
            let matcher = if typo { &typo_matcher } else { &exact_matcher };
            let card = doc
                .get_first(self.fields.card)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned();
            hits.push(Hit {
                id,
                snippet: snippet(body, matcher),
                typo,
                card,
            });
        }
        let suggestion = if total == 0 {
            self.suggest(&searcher, &parsed)?
        } else {
            None
        };
        Ok(Results {
            total,
            hits,
            suggestion,
        })
    }

    /// The language whose articles rank a little higher: the query's own (told by
    /// its script), else the page's; none when the search is filtered by language.
    fn preferred_language<'a>(&self, request: &'a Request) -> Option<&'a str> {
        if request.filters.language.is_some() {
            return None;
        }
        analysis::detect_language(&request.text).or(request.language_hint.as_deref())
    }

    /// The best `limit` documents for `query` in `order`, and how many match.
    ///
    /// By relevance, the best are found by score alone, which lets tantivy skip the
    /// blocks of documents that cannot reach the top (block-WAND), and a pool a
    /// little larger than asked is then ranked again with a bonus for articles in
    /// the `preferred` language (as much as a match of the language as one more
    /// term would add, at half weight), equal scores by article id.
    fn top(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        order: Order,
        limit: usize,
        preferred: Option<&str>,
        prunable: bool,
    ) -> Result<(Vec<DocAddress>, usize), SearchError> {
        let limit = limit.max(1);
        let (top, count) = match order {
            Order::Relevance => {
                let pool = limit * 2 + 40;
                let best = TopDocs::with_limit(pool).order_by_score();
                // Pruning pays only for a plain union of terms, and only when the
                // count is made apart; other queries score every match anyway, so
                // count in the same pass.
                let (mut top, count) = if prunable {
                    (searcher.search(query, &best)?, query.count(searcher)?)
                } else {
                    searcher.search(query, &(best, Count))?
                };
                let mut columns = Columns::new(searcher);
                if let Some(language) = preferred {
                    let bonus = self.language_bonus(searcher, language)?;
                    for (score, address) in &mut top {
                        if columns.language(*address)?.as_deref() == Some(language) {
                            *score += bonus;
                        }
                    }
                }
                // Equal scores go by article id, later made first, whatever order
                // the index was built in, so that every node answers alike.
                let mut ranked = Vec::with_capacity(top.len());
                for (score, address) in top {
                    ranked.push((score, columns.id(address)?, address));
                }
                ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
                ranked.truncate(limit);
                (ranked.into_iter().map(|(_, _, a)| a).collect(), count)
            }
            Order::Newest => {
                let (top, count) = searcher.search(
                    query,
                    &(
                        TopDocs::with_limit(limit)
                            .order_by_fast_field::<i64>("published", tantivy::Order::Desc),
                        Count,
                    ),
                )?;
                (top.into_iter().map(|(_, a)| a).collect(), count)
            }
        };
        Ok((top, count))
    }

    /// What a match of `language` adds to a score: half the language term's
    /// inverse document frequency, as BM25 scores a one-word field.
    fn language_bonus(
        &self,
        searcher: &tantivy::Searcher,
        language: &str,
    ) -> Result<f32, SearchError> {
        let with = searcher.doc_freq(&Term::from_field_text(self.fields.language, language))?;
        let all = searcher.num_docs();
        let (with, all) = (with as f32, all as f32);
        Ok(0.5 * (1.0 + (all - with + 0.5) / (with + 0.5)).ln())
    }

    fn query(&self, parsed: &Parsed, request: &Request, fuzzy: bool) -> Box<dyn Query> {
        if let Some(item) = lone_item(parsed, &request.filters) {
            return self.item(item, fuzzy);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.groups {
            let required: Box<dyn Query> = match group.as_slice() {
                [item] => self.item(item, fuzzy),
                items => Box::new(BooleanQuery::new(
                    items
                        .iter()
                        .map(|item| (Occur::Should, self.item(item, fuzzy)))
                        .collect(),
                )),
            };
            clauses.push((Occur::Must, required));
        }
        for item in &parsed.excluded {
            clauses.push((Occur::MustNot, self.item(item, false)));
        }
        self.filter_clauses(&request.filters, &mut clauses);
        Box::new(BooleanQuery::new(clauses))
    }

    fn filter_clauses(&self, filters: &Filters, clauses: &mut Vec<(Occur, Box<dyn Query>)>) {
        let f = self.fields;
        let mut exact = |term: Term| {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        };
        if let Some(section) = filters.section {
            exact(Term::from_field_u64(f.section, unsigned(section)));
        }
        if let Some(author) = filters.author {
            exact(Term::from_field_u64(f.authors, unsigned(author)));
        }
        if let Some(tag) = filters.tag {
            exact(Term::from_field_u64(f.tags, unsigned(tag)));
        }
        if let Some(language) = &filters.language {
            exact(Term::from_field_text(f.language, language));
        }
        if filters.from.is_some() || filters.to.is_some() {
            let bound = |at: Option<i64>| match at {
                Some(at) => Bound::Included(Term::from_field_i64(f.published, at)),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(filters.from), bound(filters.to))),
            ));
        }
    }

    /// A word or a phrase, in any of the weighted fields; a word also by its
    /// transliteration and, when `fuzzy`, within its typo allowance.
    fn item(&self, item: &Item, fuzzy: bool) -> Box<dyn Query> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match item {
            Item::Word(word) => {
                let stem = self.stems.stem(word);
                let allowance = if fuzzy {
                    analysis::typo_allowance(word)
                } else {
                    0
                };
                for (field, weight) in self.fields.weighted() {
                    let term = Term::from_field_text(field, &stem);
                    alternatives.push((
                        Occur::Should,
                        boosted(TermQuery::new(term, IndexRecordOption::WithFreqs), weight),
                    ));
                }
                if allowance > 0 {
                    // Typos are measured against words as written, not stems.
                    let term = Term::from_field_text(self.fields.plain, word);
                    alternatives.push((
                        Occur::Should,
                        boosted(FuzzyTermQuery::new(term, allowance, true), 0.2),
                    ));
                }
                let skeleton = analysis::skeleton(word);
                // By skeleton in the other script only: in its own, the stem finds it.
                let other = usize::from(!analysis::is_cyrillic(word));
                for (field, weight) in [
                    (self.fields.translit[other], 1.0),
                    (self.fields.translit_title[other], 2.0),
                ] {
                    let term = Term::from_field_text(field, &skeleton);
                    alternatives.push((
                        Occur::Should,
                        boosted(TermQuery::new(term, IndexRecordOption::WithFreqs), weight),
                    ));
                }
            }
            Item::Phrase(words) => {
                for (field, weight) in self.fields.weighted() {
                    let terms = words
                        .iter()
                        .map(|w| Term::from_field_text(field, &self.stems.stem(w)))
                        .collect();
                    alternatives.push((Occur::Should, boosted(PhraseQuery::new(terms), weight)));
                }
            }
        }
        Box::new(BooleanQuery::new(alternatives))
    }

    /// "Did you mean": the query with each word the archive does not have replaced
    /// by the closest one it has, when any is close enough.
    fn suggest(
        &self,
        searcher: &tantivy::Searcher,
        parsed: &Parsed,
    ) -> Result<Option<String>, SearchError> {
        let mut changed = false;
        let mut words = Vec::new();
        for group in &parsed.groups {
            for item in group {
                for word in item.words() {
                    match self.closest(searcher, word)? {
                        Some(better) => {
                            changed = true;
                            words.push(better);
                        }
                        None => words.push(word.clone()),
                    }
                }
            }
        }
        Ok(changed.then(|| words.join(" ")))
    }

    /// The word of the archive closest to `word` (which it does not have), if within
    /// one edit (two from six letters); `None` when the archive has `word`, or any
    /// form of it, or nothing near it.
    fn closest(
        &self,
        searcher: &tantivy::Searcher,
        word: &str,
    ) -> Result<Option<String>, SearchError> {
        let stem = self.stems.stem(word);
        if searcher.doc_freq(&Term::from_field_text(self.fields.body, &stem))? > 0
            || searcher.doc_freq(&Term::from_field_text(self.fields.plain, word))? > 0
        {
            return Ok(None);
        }
        let Some(first) = word.chars().next() else {
            return Ok(None);
        };
        let limit = if word.chars().count() < 6 { 1 } else { 2 };
        let low = first.to_string();
        let high = char::from_u32(u32::from(first) + 1)
            .map(|c| c.to_string())
            .unwrap_or_default();
        // (distance, fewer documents last, word)
        let mut best: Option<(usize, i64, String)> = None;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.plain)?;
            let mut stream = inverted.terms().range().ge(&low).lt(&high).into_stream()?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if candidate.chars().count().abs_diff(word.chars().count()) > limit {
                    continue;
                }
                let distance = analysis::edit_distance(word, candidate);
                if distance == 0 || distance > limit {
                    continue;
                }
                let key = (
                    distance,
                    -i64::from(stream.value().doc_freq),
                    candidate.to_owned(),
                );
                if best.as_ref().is_none_or(|b| key < *b) {
                    best = Some(key);
                }
            }
        }
        Ok(best.map(|(_, _, word)| word))
    }
}

/// The fast columns of a searcher's segments, opened once each.
struct Columns<'a> {
    searcher: &'a tantivy::Searcher,
    opened: HashMap<u32, (Column<u64>, Option<StrColumn>)>,
}

impl<'a> Columns<'a> {
    fn new(searcher: &'a tantivy::Searcher) -> Self {
        Self {
            searcher,
            opened: HashMap::new(),
        }
    }

    fn of(&mut self, segment: u32) -> Result<&(Column<u64>, Option<StrColumn>), SearchError> {
        Ok(match self.opened.entry(segment) {
            Entry::Occupied(opened) => opened.into_mut(),
            Entry::Vacant(vacant) => {
                let fast = self.searcher.segment_reader(segment).fast_fields();
                vacant.insert((fast.u64("id")?, fast.str("language")?))
            }
        })
    }

    fn id(&mut self, address: DocAddress) -> Result<u64, SearchError> {
        Ok(self
            .of(address.segment_ord)?
            .0
            .first(address.doc_id)
            .unwrap_or(0))
    }

    fn language(&mut self, address: DocAddress) -> Result<Option<String>, SearchError> {
        let Some(column) = &self.of(address.segment_ord)?.1 else {
            return Ok(None);
        };
        let Some(ordinal) = column.term_ords(address.doc_id).next() else {
            return Ok(None);
        };
        let mut language = String::new();
        column.ord_to_str(ordinal, &mut language)?;
        Ok(Some(language))
    }
}

/// The one word or phrase a query looks for, when it has nothing else (no
/// alternatives, exclusions or filters): its own query is then the whole query, a
/// union of its fields' terms, which block-WAND can prune.
fn lone_item<'a>(parsed: &'a Parsed, filters: &Filters) -> Option<&'a Item> {
    match (parsed.groups.as_slice(), parsed.excluded.is_empty()) {
        ([group], true) if *filters == Filters::default() => match group.as_slice() {
            [item] => Some(item),
            _ => None,
        },
        _ => None,
    }
}

fn boosted(query: impl Query, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(query), weight))
}

//! "Related articles" computed in memory for a whole site at once (the static
//! export), by exactly the rule of `sql::related_articles`: candidates are the newest
//! `CANDIDATES` other articles in the same section and the newest `CANDIDATES` sharing a tag; each
//! scores 1 for the same section and 2 per shared tag; best score first, then newest,
//! then highest id. Only articles in the same language are related.

use std::collections::HashMap;

/// One published article as the rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedKey {
    pub id: i64,
    pub section_id: i64,
    pub published_at: i64,
    pub tag_ids: Vec<i64>,
    pub language: String,
}

/// Every published article's section, time and tags, sorted for the rule.
#[derive(Debug, Default)]
pub struct RelatedIndex {
    keys: HashMap<i64, RelatedKey>,
    /// Per language and section, and per language and tag: article ids, newest
    /// first (ties: highest id first).
    by_section: HashMap<(String, i64), Vec<i64>>,
    by_tag: HashMap<(String, i64), Vec<i64>>,
}

/// How many candidates of each kind are scored: enough for three good suggestions,
/// few enough that a page render reads only a few dozen rows for them.
pub const CANDIDATES: usize = 30;

/// A list the rule draws candidates from: a section's or a tag's articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CandidateList {
    Section(i64),
    Tag(i64),
}

/// The newest `$4` published (`$1` now) articles in `$3` of section `$2`.
const SECTION_CANDIDATES: &str = "SELECT c.id, c.section_id, c.published_at FROM articles c \
     WHERE c.status = 'published' AND c.published_at <= $1 AND c.section_id = $2 AND c.language = $3 \
     ORDER BY c.published_at DESC, c.id DESC LIMIT $4";

/// The newest `$4` published (`$1` now) articles in `$3` with tag `$2`, from the
/// tag's own listing entries.
const TAG_CANDIDATES: &str = "SELECT a.id, a.section_id, a.published_at FROM articles a \
     WHERE a.id IN (SELECT t.article_id FROM article_tags t \
     WHERE t.tag_id = $2 AND t.listed_at <= $1 AND t.language = $3 \
     ORDER BY t.listed_at DESC, t.article_id DESC LIMIT $4) \
     ORDER BY a.published_at DESC, a.id DESC";

impl crate::sql::SqlStore {
    /// See [`crate::ReadingStore::related_candidates`]: two statements on one
    /// connection, the list and its articles' tags.
    pub(crate) async fn candidates(
        &self,
        list: CandidateList,
        language: &str,
        limit: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<RelatedKey>, crate::StoreError> {
        let (sql, id) = match list {
            CandidateList::Section(id) => (SECTION_CANDIDATES, id),
            CandidateList::Tag(id) => (TAG_CANDIDATES, id),
        };
        let mut conn = self.pool.acquire().await?;
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(sql)
            .bind(now.timestamp())
            .bind(id)
            .bind(language)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|(id, _, _)| *id).collect();
        let tagged = crate::whole::rows_in(
            &mut conn,
            "SELECT article_id, tag_id FROM article_tags WHERE article_id IN ({ids})",
            &ids,
        )
        .await?;
        let articles = rows
            .into_iter()
            .map(|(id, section, at)| (id, section, at, language.to_owned()));
        Ok(keys(articles, tagged))
    }
}

/// Articles' keys from their `(id, section, time, language)` rows and their
/// `(article, tag)` pairs.
pub(crate) fn keys(
    articles: impl IntoIterator<Item = (i64, i64, i64, String)>,
    tagged: Vec<(i64, i64)>,
) -> Vec<RelatedKey> {
    let mut tags: HashMap<i64, Vec<i64>> = HashMap::new();
    for (article, tag) in tagged {
        tags.entry(article).or_default().push(tag);
    }
    articles
        .into_iter()
        .map(|(id, section_id, published_at, language)| RelatedKey {
            id,
            section_id,
            published_at,
            tag_ids: tags.remove(&id).unwrap_or_default(),
            language,
        })
        .collect()
}

impl RelatedIndex {
    pub fn new(keys: Vec<RelatedKey>) -> Self {
        let mut index = Self::default();
        let mut sorted: Vec<&RelatedKey> = keys.iter().collect();
        sorted.sort_by_key(|k| std::cmp::Reverse((k.published_at, k.id)));
        for key in &sorted {
            index
                .by_section
                .entry((key.language.clone(), key.section_id))
                .or_default()
                .push(key.id);
            for tag in &key.tag_ids {
                index
                    .by_tag
                    .entry((key.language.clone(), *tag))
                    .or_default()
                    .push(key.id);
            }
        }
        for list in index.by_tag.values_mut() {
            list.dedup();
        }
        index.keys = keys.into_iter().map(|k| (k.id, k)).collect();
        index
    }

    /// Ids of the articles related to `id`, best first, at most `limit`.
    pub fn related(&self, id: i64, limit: usize) -> Vec<i64> {
        let Some(article) = self.keys.get(&id) else {
            return Vec::new();
        };
        let none: &[i64] = &[];
        let section = self
            .by_section
            .get(&(article.language.clone(), article.section_id))
            .map_or(none, Vec::as_slice);
        let tags: Vec<&[i64]> = article
            .tag_ids
            .iter()
            .map(|tag| {
                self.by_tag
                    .get(&(article.language.clone(), *tag))
                    .map_or(none, Vec::as_slice)
            })
            .collect();
        let facts = |c: i64| {
            self.keys
                .get(&c)
                .map(|k| (k.section_id, k.published_at, k.tag_ids.as_slice()))
        };
        rank(article, section, &tags, facts, limit)
    }
}

/// The rule, over lists already newest first (ties: highest id first): `section`
/// the article's section's, `tags` each of its tags' (in the article's language);
/// `facts` gives a listed article's section, time and tags. The whole-site index and
/// the lists the pages keep both rank through it.
pub fn rank<'a>(
    article: &RelatedKey,
    section: &[i64],
    tags: &[&[i64]],
    facts: impl Fn(i64) -> Option<(i64, i64, &'a [i64])>,
    limit: usize,
) -> Vec<i64> {
    let id = article.id;
    // Each candidate's facts are looked up once: sorting then compares plain
    // (time, id) and (score, time, id) tuples, newest and best first.
    let time = |c: i64| facts(c).map_or(0, |(_, at, _)| at);
    let mut candidates: Vec<i64> = section
        .iter()
        .copied()
        .filter(|c| *c != id)
        .take(CANDIDATES)
        .collect();
    // The newest CANDIDATES distinct articles sharing any tag: the top CANDIDATES + 1
    // of each tag's list hold them all.
    let mut sharing: Vec<(i64, i64)> = tags
        .iter()
        .flat_map(|list| list.iter().take(CANDIDATES + 1).copied())
        .filter(|c| *c != id)
        .map(|c| (time(c), c))
        .collect();
    sharing.sort_unstable_by(|a, b| b.cmp(a));
    sharing.dedup();
    candidates.extend(sharing.into_iter().take(CANDIDATES).map(|(_, c)| c));
    candidates.sort_unstable();
    candidates.dedup();
    let mut scored: Vec<(i64, i64, i64)> = candidates
        .into_iter()
        .map(|c| match facts(c) {
            Some((section_id, at, tag_ids)) => {
                let shared = tag_ids
                    .iter()
                    .filter(|t| article.tag_ids.contains(t))
                    .count();
                let score = i64::from(section_id == article.section_id) + 2 * shared as i64;
                (score, at, c)
            }
            None => (0, 0, c),
        })
        .collect();
    scored.sort_unstable_by(|a, b| b.cmp(a));
    scored.into_iter().take(limit).map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: i64, section_id: i64, published_at: i64, tag_ids: &[i64]) -> RelatedKey {
        RelatedKey {
            id,
            section_id,
            published_at,
            tag_ids: tag_ids.to_vec(),
            language: "en".into(),
        }
    }

    #[test]
    fn only_articles_in_the_same_language_are_related() {
        let russian = RelatedKey {
            language: "ru".into(),
            ..key(3, 1, 300, &[7])
        };
        let index = RelatedIndex::new(vec![key(1, 1, 100, &[7]), key(2, 1, 200, &[]), russian]);
        assert_eq!(index.related(1, 5), vec![2]);
        assert!(index.related(3, 5).is_empty());
    }

    #[test]
    fn shared_tags_outweigh_the_section_and_ties_go_to_the_newest() {
        let index = RelatedIndex::new(vec![
            key(1, 1, 100, &[7, 8]),
            key(2, 1, 200, &[]),     // same section: 1
            key(3, 2, 150, &[7]),    // one tag: 2
            key(4, 2, 120, &[7, 8]), // two tags: 4
            key(5, 1, 300, &[8]),    // section and a tag: 3
            key(6, 2, 300, &[]),     // nothing in common
            key(7, 1, 200, &[]),     // same as 2, higher id wins the tie
        ]);
        assert_eq!(index.related(1, 10), [4, 5, 3, 7, 2]);
        assert_eq!(index.related(1, 2), [4, 5]);
        assert!(index.related(99, 3).is_empty());
    }

    #[test]
    fn only_the_newest_of_each_kind_are_candidates() {
        // Article 1 shares its section with 150 newer articles and a tag with one old one.
        let mut keys = vec![key(1, 1, 1000, &[5]), key(2, 2, 1, &[5])];
        keys.extend((10..160).map(|id| key(id, 1, 2000 + id, &[])));
        let index = RelatedIndex::new(keys);
        let related = index.related(1, 200);
        assert_eq!(related[0], 2, "the tag outweighs the section");
        assert_eq!(related.len(), CANDIDATES + 1);
        assert_eq!(related[1], 159, "then the newest of the section");
    }
}

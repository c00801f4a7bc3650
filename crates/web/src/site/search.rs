//! `/search` (in every edition, and `/lite/search` in the text-only one): a plain
//! form that needs no script, results with the matched words marked, filters,
//! order, pages and "did you mean"; `/search.json` answers apps with the same
//! parameters. Queries are never logged, and limited per address in memory only.

use std::num::NonZeroU32;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use kolokol_core::Slug;
use kolokol_operations::search::{Query, Results};
use kolokol_render::urls;
use kolokol_render::views::{Card, Meta};
use kolokol_search::Order;
use minijinja::context;
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

/// Results per page.
const PER_PAGE: usize = 10;
/// Searches an address may make: `per_minute`, all at once at most.
pub(crate) fn quota(per_minute: u32) -> governor::Quota {
    governor::Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
}

/// What the query string asked for, or what was wrong with it (a catalogue key).
fn parse(raw: Option<&str>, state: &AppState) -> (Query, Option<&'static str>) {
    let mut query = Query {
        page: 1,
        page_language: Some(state.language()),
        ..Query::default()
    };
    let mut problem = None;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.trim();
        if value.is_empty() && key != "q" {
            continue;
        }
        match key.as_ref() {
            "q" => query.text = value.to_owned(),
            "section" | "author" | "tag" => {
                let Ok(slug) = Slug::parse(value) else {
                    problem = Some("search-bad-filter");
                    continue;
                };
                match key.as_ref() {
                    "section" => query.section = Some(slug),
                    "author" => query.author = Some(slug),
                    _ => query.tag = Some(slug),
                }
            }
            "lang" => {
                if value.len() <= 35 && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    query.language = Some(value.to_owned());
                } else {
                    problem = Some("search-bad-filter");
                }
            }
            "from" | "to" => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(date) if key == "from" => query.from = Some(date),
                Ok(date) => query.to = Some(date),
                Err(_) => problem = Some("search-bad-date"),
            },
            "order" => match Order::parse(value) {
                Some(order) => query.order = order,
                None => problem = Some("search-bad-order"),
            },
            "page" => match value.parse::<usize>() {
                Ok(page) if (1..=1000).contains(&page) => query.page = page,
                _ => problem = Some("search-bad-page"),
            },
            _ => {}
        }
    }
    (query, problem)
}

/// The query string of `query` at `page` (for pager and suggestion links).
fn query_string(query: &Query, text: &str, page: usize) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("q", text);
    for (key, value) in [
        ("section", query.section.as_ref().map(Slug::as_str)),
        ("author", query.author.as_ref().map(Slug::as_str)),
        ("tag", query.tag.as_ref().map(Slug::as_str)),
        ("lang", query.language.as_deref()),
    ] {
        if let Some(value) = value {
            out.append_pair(key, value);
        }
    }
    let from = query.from.map(|d| d.to_string());
    let to = query.to.map(|d| d.to_string());
    for (key, value) in [("from", &from), ("to", &to)] {
        if let Some(value) = value {
            out.append_pair(key, value);
        }
    }
    if query.order != Order::Relevance {
        out.append_pair("order", query.order.as_str());
    }
    if page > 1 {
        out.append_pair("page", &page.to_string());
    }
    out.finish()
}

/// Answers to recent searches, each kept under the content version and index
/// generation it was made for and given only while both are still current: any
/// publication, edit or withdrawal (on any node, seen within a second) or change of
/// the index makes them all stale. At most `capacity` are kept; when full, the one
/// to go is chosen as the page cache chooses (S3-FIFO): a flood of one-off queries
/// passes through without pushing out the searches readers keep making.
pub(crate) struct Answers {
    capacity: usize,
    kept: parking_lot::Mutex<(Stamp, Option<quick_cache::unsync::Cache<String, Results>>)>,
}

/// (content version, index generation)
type Stamp = (i64, u64);

impl Answers {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            kept: parking_lot::Mutex::default(),
        }
    }

    fn get(&self, key: &str, stamp: Stamp) -> Option<Results> {
        let kept = self.kept.lock();
        if kept.0 != stamp {
            return None;
        }
        kept.1.as_ref()?.get(key).cloned()
    }

    fn insert(&self, key: String, stamp: Stamp, results: &Results) {
        if self.capacity == 0 {
            return;
        }
        let mut kept = self.kept.lock();
        if stamp != kept.0 {
            // An answer made before the latest change is not kept.
            if stamp < kept.0 {
                return;
            }
            *kept = (stamp, None);
        }
        kept.1
            .get_or_insert_with(|| quick_cache::unsync::Cache::new(self.capacity))
            .insert(key, results.clone());
    }
}

/// How many searches are let in at once: two per core. The search threads run one
/// a core (`kolokol_operations::search`), so a turn is either running there or
/// next in their queue, and no core waits while another search's answer is being
/// written out or read from the database (measured on two cores, searches then on
/// tokio's blocking threads: one turn per core lost a fifth of the searches a
/// second, four per core gained a little and lengthened the tail; on the search
/// threads, 8 and 16 turns on the two cores gave the same as 4).
pub(crate) fn at_once() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * SEARCHES_PER_CORE)
}

const SEARCHES_PER_CORE: usize = 2;

/// `Retry-After` for a refused search: later for one address's excess than for a
/// moment when everyone is searching.
fn retry_after(status: StatusCode) -> Option<header::HeaderValue> {
    match status {
        StatusCode::TOO_MANY_REQUESTS => Some(header::HeaderValue::from_static("10")),
        StatusCode::SERVICE_UNAVAILABLE => Some(header::HeaderValue::from_static("2")),
        _ => None,
    }
}

/// Runs the search, or says why it cannot: (status, results, message).
async fn run(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
    raw: Option<&str>,
) -> (StatusCode, Query, Results, Option<String>) {
    let (query, problem) = parse(raw, state);
    let words = state.words();
    if let Some(key) = problem {
        return (
            StatusCode::BAD_REQUEST,
            query,
            Results::default(),
            Some(words.t(key)),
        );
    }
    if query.text.trim().is_empty() {
        return (StatusCode::OK, query, Results::default(), None);
    }
    // Without an address the request comes from this program itself (the static
    // export), which is not limited.
    if let Some(peer) = peer
        && state.search_limiter.check_key(&peer).is_err()
    {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            query,
            Results::default(),
            Some(words.t("search-too-many")),
        );
    }
    // Taken before searching: an answer is kept under what it may be older than.
    let stamp = (state.cache.version(), state.search.generation());
    let key = format!(
        "{}?{}",
        state.language(),
        query_string(&query, &query.text, query.page)
    );
    if let Some(results) = state.search_answers.get(&key, stamp) {
        return (StatusCode::OK, query, results, None);
    }
    // Searches take turns: more at once than the cores can run only share them out
    // (each waits on the others and all finish later); one that cannot start within
    // the wait a page render is given is answered 503 instead of queueing on.
    let Ok(_turn) = state.search_gate.enter().await else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            query,
            Results::default(),
            Some(words.t("search-busy")),
        );
    };
    // While nothing has changed since the index's last pass, results are shown
    // from its cards with the names kept for this version: no database read.
    let stored = if state.search_holds(stamp.0) {
        match state.stored_names().await {
            Ok(stored) => Some(stored),
            Err(_) => return unavailable(query, &words),
        }
    } else {
        None
    };
    let current = stored
        .as_deref()
        .map(|stored| kolokol_operations::search::Names {
            sections: &stored.sections,
            authors: &stored.authors,
        });
    match kolokol_operations::search::search(
        &state.store,
        &state.search,
        &query,
        PER_PAGE,
        Utc::now(),
        current,
    )
    .await
    {
        Ok(mut results) => {
            let names = match super::Names::for_articles(state).await {
                Ok(names) => names,
                Err(_) => return unavailable(query, &words),
            };
            names.apply(results.found.iter_mut().map(|f| &mut f.article));
            if !results.partial {
                state.search_answers.insert(key, stamp, &results);
            }
            (StatusCode::OK, query, results, None)
        }
        Err(kolokol_operations::Error::Invalid(errors)) => {
            let message = errors.into_values().next().map(|m| words.say(&m));
            (StatusCode::BAD_REQUEST, query, Results::default(), message)
        }
        Err(e) => {
            // The error, never the query: what readers look for is not logged.
            tracing::warn!(error = %e, "search failed");
            unavailable(query, &words)
        }
    }
}

fn unavailable(
    query: Query,
    words: &kolokol_render::i18n::Words,
) -> (StatusCode, Query, Results, Option<String>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        query,
        Results::default(),
        Some(words.t("search-unavailable")),
    )
}

/// One result as pages and apps show it.
#[derive(Serialize)]
struct ResultView {
    #[serde(flatten)]
    card: Card,
    /// HTML: escaped text, matches in `<mark>`.
    snippet: String,
    typo: bool,
    language: String,
}

/// The page's view of the results.
#[derive(Serialize)]
struct View {
    query: String,
    total: usize,
    page: usize,
    pages: usize,
    results: Vec<ResultView>,
    suggestion: Option<String>,
    suggestion_url: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    partial: bool,
    order: &'static str,
    section: Option<String>,
    author: Option<String>,
    tag: Option<String>,
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn view(path: &str, query: &Query, results: Results) -> View {
    let link = |text: &str, page: usize| format!("{path}?{}", query_string(query, text, page));
    View {
        query: query.text.clone(),
        total: results.total,
        page: results.page.max(1),
        pages: results.pages,
        prev: (results.page > 1).then(|| link(&query.text, results.page - 1)),
        next: (results.page < results.pages).then(|| link(&query.text, results.page + 1)),
        suggestion_url: results.suggestion.as_deref().map(|s| link(s, 1)),
        suggestion: results.suggestion,
        partial: results.partial,
        results: results
            .found
            .into_iter()
            .map(|found| ResultView {
                card: Card::new(&found.article),
                language: found.article.language,
                snippet: found.snippet,
                typo: found.typo,
            })
            .collect(),
        order: query.order.as_str(),
        section: query.section.as_ref().map(|s| s.as_str().to_owned()),
        author: query.author.as_ref().map(|s| s.as_str().to_owned()),
        tag: query.tag.as_ref().map(|s| s.as_str().to_owned()),
        lang: query.language.clone(),
        from: query.from.map(|d| d.to_string()),
        to: query.to.map(|d| d.to_string()),
    }
}

/// `/search`: the form, and the results when there is a query; `/lite/search`
/// (`LITE`): the same in the text-only edition.
pub async fn page<const LITE: bool>(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (path, template) = if LITE {
        ("/lite/search", "lite/search.html")
    } else {
        ("/search", "search.html")
    };
    html(
        &state,
        crate::gate::client(),
        raw.as_deref(),
        path,
        template,
    )
    .await
}

async fn html(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
    raw: Option<&str>,
    path: &str,
    template: &str,
) -> Result<Response, AppError> {
    let (status, query, results, message) = run(state, peer, raw).await;
    let view = view(path, &query, results);
    let config = state.site();
    let words = state.words();
    let title = if view.query.is_empty() {
        words.t("search-title")
    } else {
        words.t_with(
            "search-title-for",
            [(
                "query",
                view.query.chars().take(80).collect::<String>().into(),
            )],
        )
    };
    let meta = Meta {
        title,
        canonical: urls::absolute(config.base(), path),
        og_type: "website",
        ..Meta::default()
    };
    let sections = super::sections(state).await?;
    // The choices of the form, kept per content version like the results' names.
    let stored = state.stored_names().await?;
    let language = state.language();
    let mut authors = stored.authors.clone();
    authors.iter_mut().for_each(|a| a.localize(&language));
    let kept_tags = state
        .kept_for_version(&state.search_tags, || async {
            Ok(state.store.tags().await?)
        })
        .await?;
    let mut tags = kept_tags.to_vec();
    tags.iter_mut().for_each(|t| t.localize(&language));
    let mut languages: Vec<String> = config.languages.clone();
    if !languages.contains(&config.language) {
        languages.insert(0, config.language.clone());
    }
    let catalogues = state.theme.catalogues();
    let languages: Vec<(String, String)> = languages
        .into_iter()
        .map(|code| {
            let name = catalogues.text(&code, "language-name", None);
            (code, name)
        })
        .collect();
    let filters = context! {
        sections => sections.iter().map(|s| (s.slug.as_str().to_owned(), s.name.clone())).collect::<Vec<_>>(),
        authors => authors.iter().map(|a| (a.slug.as_str().to_owned(), a.name.clone())).collect::<Vec<_>>(),
        tags => tags.iter().map(|t| (t.slug.as_str().to_owned(), t.name.clone())).collect::<Vec<_>>(),
        languages,
    };
    let mut response = super::pages::uncached_page(
        state,
        status,
        path,
        template,
        meta,
        context! { search => view, filters, message, full_url => "/search", noindex => true },
        "no-store",
    )
    .await?;
    if let Some(after) = retry_after(status) {
        response.headers_mut().insert(header::RETRY_AFTER, after);
    }
    Ok(response)
}

/// What `/search.json` answers (documented in the README).
#[derive(Serialize)]
struct JsonAnswer {
    query: String,
    total: usize,
    page: usize,
    pages: usize,
    suggestion: Option<String>,
    partial: bool,
    results: Vec<JsonResult>,
}

#[derive(Serialize)]
struct JsonResult {
    url: String,
    headline: String,
    dek: String,
    section: String,
    authors: Vec<String>,
    published: String,
    language: String,
    snippet: String,
    typo: bool,
}

#[derive(Serialize)]
struct JsonError {
    error: String,
}

/// `/search.json`: the same search for apps.
pub async fn json(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let (status, query, results, message) =
        run(&state, crate::gate::client(), raw.as_deref()).await;
    let headers = [
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_TYPE, "application/json"),
    ];
    if let Some(error) = message {
        let mut response = (status, headers, to_json(&JsonError { error })).into_response();
        if let Some(after) = retry_after(status) {
            response.headers_mut().insert(header::RETRY_AFTER, after);
        }
        return response;
    }
    let base = state.site().base().to_owned();
    let answer = JsonAnswer {
        query: query.text.clone(),
        total: results.total,
        page: results.page.max(1),
        pages: results.pages,
        suggestion: results.suggestion,
        partial: results.partial,
        results: results
            .found
            .into_iter()
            .map(|found| {
                let article = found.article;
                JsonResult {
                    url: urls::absolute(&base, &urls::article(article.slug.as_str())),
                    headline: article.headline,
                    dek: article.dek,
                    section: article.section.name,
                    authors: article.authors.into_iter().map(|a| a.name).collect(),
                    published: article.published_at.to_rfc3339(),
                    language: article.language,
                    snippet: found.snippet,
                    typo: found.typo,
                }
            })
            .collect(),
    };
    (status, headers, to_json(&answer)).into_response()
}

/// A plain struct as JSON text (serializing these cannot fail).
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(total: usize) -> Results {
        Results {
            total,
            ..Results::default()
        }
    }

    #[test]
    fn answers_last_until_the_content_or_the_index_moves() {
        let answers = Answers::new(10);
        answers.insert("en?q=a".into(), (1, 1), &results(3));
        assert_eq!(answers.get("en?q=a", (1, 1)).map(|r| r.total), Some(3));
        assert!(answers.get("en?q=b", (1, 1)).is_none());
        assert!(answers.get("en?q=a", (2, 1)).is_none(), "content changed");
        assert!(answers.get("en?q=a", (1, 2)).is_none(), "index changed");
        // An answer made for an older state is not kept once a newer one is.
        answers.insert("en?q=b".into(), (1, 2), &results(5));
        answers.insert("en?q=c".into(), (1, 1), &results(7));
        assert!(answers.get("en?q=c", (1, 1)).is_none());
        assert_eq!(answers.get("en?q=b", (1, 2)).map(|r| r.total), Some(5));
    }

    #[test]
    fn answers_are_bounded_keep_what_is_asked_again_and_can_be_off() {
        let answers = Answers::new(20);
        answers.insert("often".into(), (1, 1), &results(1));
        for i in 0..200 {
            assert!(
                answers.get("often", (1, 1)).is_some(),
                "after {i} one-off searches"
            );
            answers.insert(format!("once {i}"), (1, 1), &results(i));
        }
        let kept = (0..200)
            .filter(|i| answers.get(&format!("once {i}"), (1, 1)).is_some())
            .count();
        assert!(kept <= 20, "{kept} kept");
        let off = Answers::new(0);
        off.insert("a".into(), (1, 1), &results(1));
        assert!(off.get("a", (1, 1)).is_none());
    }
}

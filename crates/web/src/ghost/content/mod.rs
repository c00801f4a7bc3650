//! The Content API at `/ghost/api/content/`: posts, pages, authors, tags and
//! settings as Ghost 5/6 answers them (`meta.pagination`, `include`, `fields`,
//! `formats`, `filter`, `limit`, `page`, `order`), read with a Content API key,
//! with CORS for browsers, ETags and a rate limit per key.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use kolokol_core::{Article, ArticleFilter, Author, PageNumber, PageRequest};
use kolokol_render::{feeds, markdown, urls};
use parking_lot::Mutex;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::nql::{Fields, Filter};
use super::{Refusal, cors, internal, page_of, pagination};
use crate::state::AppState;

mod entries;
use entries::*;

/// Requests one key may make in a minute.
pub const RATE_LIMIT: u32 = 600;
/// The most items one page holds, unless `limit=all`.
const MAX_LIMIT: u32 = 100;
const DEFAULT_LIMIT: u32 = 15;

pub fn routes() -> Router<AppState> {
    let browse = get(browse).options(preflight);
    let read = get(read).options(preflight);
    let by_slug = get(read_slug).options(preflight);
    Router::new()
        .route("/ghost/api/content/{resource}/", browse.clone())
        .route("/ghost/api/content/{resource}", browse)
        .route(
            "/ghost/api/content/{resource}/slug/{slug}/",
            by_slug.clone(),
        )
        .route("/ghost/api/content/{resource}/slug/{slug}", by_slug)
        .route("/ghost/api/content/{resource}/{id}/", read.clone())
        .route("/ghost/api/content/{resource}/{id}", read)
}

async fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    cors(headers);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Accept-Version, Content-Type, User-Agent"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

/// What a request asked for.
struct Ask {
    include: Vec<String>,
    fields: Vec<String>,
    formats: Vec<String>,
    filter: Option<Filter>,
    /// None: all.
    limit: Option<u32>,
    page: u32,
    order: (String, bool),
}

type Params = Query<HashMap<String, String>>;

fn list(params: &HashMap<String, String>, key: &str) -> Vec<String> {
    params
        .get(key)
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn bad_request(message: &str, context: &str) -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        "BadRequestError",
        message,
        Some(context),
    )
}

impl Ask {
    fn read(params: &HashMap<String, String>) -> Result<Self, Refusal> {
        let filter = match params.get("filter").map(|f| f.trim()) {
            None | Some("") => None,
            Some(text) => {
                Some(Filter::parse(text).map_err(|why| bad_request("Error parsing filter", &why))?)
            }
        };
        let limit = match params.get("limit").map(String::as_str) {
            None | Some("") => Some(DEFAULT_LIMIT),
            Some("all") => None,
            Some(n) => match n.parse::<u32>() {
                Ok(n) if n > 0 => Some(n.min(MAX_LIMIT)),
                _ => {
                    return Err(bad_request(
                        "Validation error",
                        "limit must be a positive number or \"all\"",
                    ));
                }
            },
        };
        let page = match params.get("page").map(String::as_str) {
            None | Some("") => 1,
            Some(n) => match n.parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(bad_request(
                        "Validation error",
                        "page must be a positive number",
                    ));
                }
            },
        };
        let order = match params.get("order").map(|o| o.trim()) {
            None | Some("") => ("published_at".to_owned(), true),
            Some(order) => {
                let mut words = order.split_whitespace();
                let field = words.next().unwrap_or("published_at").to_lowercase();
                let descending = match words.next().map(str::to_lowercase).as_deref() {
                    None | Some("desc") => true,
                    Some("asc") => false,
                    Some(_) => {
                        return Err(bad_request(
                            "Validation error",
                            "order is a field and asc or desc",
                        ));
                    }
                };
                (field, descending)
            }
        };
        let mut formats = list(params, "formats");
        if formats.is_empty() {
            formats.push("html".into());
        }
        Ok(Self {
            include: list(params, "include"),
            fields: list(params, "fields"),
            formats,
            filter,
            limit,
            page,
            order,
        })
    }

    /// The page asked for and its size, as the shared paging counts them.
    fn paging(&self) -> (usize, Option<usize>) {
        (self.page as usize, self.limit.map(|l| l as usize))
    }

    fn includes(&self, what: &str) -> bool {
        self.include.iter().any(|i| i == what)
    }
}

/// Per key: the minute's start and the requests in it.
fn over_limit(key: &str) -> bool {
    static WINDOWS: std::sync::OnceLock<Mutex<HashMap<String, (Instant, u32)>>> =
        std::sync::OnceLock::new();
    let mut windows = WINDOWS.get_or_init(|| Mutex::new(HashMap::new())).lock();
    let now = Instant::now();
    if windows.len() > 10_000 {
        windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
    }
    let window = windows.entry(key.to_owned()).or_insert((now, 0));
    if now.duration_since(window.0) >= Duration::from_secs(60) {
        *window = (now, 0);
    }
    window.1 += 1;
    window.1 > RATE_LIMIT
}

/// Checks the key; the error answer when it is missing, unknown or over its limit.
async fn authorised(state: &AppState, params: &HashMap<String, String>) -> Result<(), Refusal> {
    let unauthorised = |context: &str| {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedError",
            "Authorization failed",
            Some(context),
        )
    };
    let Some(key) = params.get("key").filter(|k| !k.is_empty()) else {
        return Err(unauthorised("Missing Content API Key"));
    };
    match kolokol_operations::integrations::content_key(&state.store, key).await {
        Ok(Some(_)) => {}
        Ok(None) => return Err(unauthorised("Unknown Content API Key")),
        Err(e) => {
            tracing::error!(error = %e, "content API keys could not be read");
            return Err(Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "InternalServerError",
                "The database could not be read",
                None,
            ));
        }
    }
    if over_limit(key) {
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsError",
            "Too many requests",
            Some(&format!(
                "at most {RATE_LIMIT} requests a minute for one key"
            )),
        ));
    }
    Ok(())
}

/// The answer as JSON, with an ETag, and a 304 when the client has it already.
fn answer(request: &HeaderMap, body: &Value) -> Response {
    let bytes = body.to_string().into_bytes();
    let etag = format!("W/\"{}\"", hex::encode(&Sha256::digest(&bytes)[..12]));
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            )],
            bytes,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    cors(headers);
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=0"),
    );
    response
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn or_null(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        Value::String(text.to_owned())
    }
}

fn not_found(resource: &str) -> Refusal {
    super::not_found(resource.trim_end_matches('s'))
}

async fn browse(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = authorised(&state, &params).await {
        return refused.into_response();
    }
    let ask = match Ask::read(&params) {
        Ok(ask) => ask,
        Err(refused) => return refused.into_response(),
    };
    let base = state.site_all().base_url.clone();
    let (page, limit) = ask.paging();
    let body = match resource.as_str() {
        "posts" | "pages" => {
            let mut entries = match texts(&state, &resource).await {
                Ok(entries) => entries,
                Err(e) => return e.into_response(),
            };
            if let Some(filter) = &ask.filter {
                entries.retain(|e| filter.matches(e));
            }
            sort(&mut entries, &ask.order);
            let total = entries.len();
            let items: Vec<Value> = page_of(entries, page, limit)
                .iter()
                .map(|e| e.json(&ask, &base))
                .collect();
            json!({ resource.as_str(): items, "meta": pagination(page, limit, total) })
        }
        "authors" => match authors(&state, &ask, &base).await {
            Ok(items) => {
                let total = items.len();
                json!({ "authors": page_of(items, page, limit), "meta": pagination(page, limit, total) })
            }
            Err(e) => return e.into_response(),
        },
        "tags" => match tags(&state, &ask, &base).await {
            Ok(items) => {
                let total = items.len();
                json!({ "tags": page_of(items, page, limit), "meta": pagination(page, limit, total) })
            }
            Err(e) => return e.into_response(),
        },
        "settings" => json!({ "settings": settings(&state), "meta": {} }),
        "tiers" | "newsletters" => {
            json!({ resource.as_str(): [], "meta": pagination(1, limit, 0) })
        }
        _ => return not_found(&resource).into_response(),
    };
    answer(&headers, &body)
}

async fn read(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    one(&state, &resource, &params, &headers, |value: &Value| {
        value["id"] == id.as_str()
    })
    .await
}

async fn read_slug(
    State(state): State<AppState>,
    Path((resource, slug)): Path<(String, String)>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    one(&state, &resource, &params, &headers, |value: &Value| {
        value["slug"] == slug.as_str()
    })
    .await
}

async fn one(
    state: &AppState,
    resource: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    wanted: impl Fn(&Value) -> bool,
) -> Response {
    if let Err(refused) = authorised(state, params).await {
        return refused.into_response();
    }
    let mut ask = match Ask::read(params) {
        Ok(ask) => ask,
        Err(refused) => return refused.into_response(),
    };
    // Found by id and slug before the fields are narrowed.
    let fields = std::mem::take(&mut ask.fields);
    ask.limit = None;
    let base = state.site_all().base_url.clone();
    let found = match resource {
        "posts" | "pages" => match texts(state, resource).await {
            Ok(entries) => entries
                .iter()
                .map(|e| e.json(&ask, &base))
                .find(|v| wanted(v)),
            Err(e) => return e.into_response(),
        },
        "authors" => match authors(state, &ask, &base).await {
            Ok(items) => items.into_iter().find(|v| wanted(v)),
            Err(e) => return e.into_response(),
        },
        "tags" => match tags(state, &ask, &base).await {
            Ok(items) => items.into_iter().find(|v| wanted(v)),
            Err(e) => return e.into_response(),
        },
        _ => None,
    };
    match found {
        Some(item) => answer(headers, &json!({ resource: [only_fields(item, &fields)] })),
        None => not_found(resource).into_response(),
    }
}

/// How many live posts `filter` lets through, when `counting` (`include=count.posts`).
async fn counted(
    state: &AppState,
    counting: bool,
    filter: ArticleFilter,
) -> Result<Option<u64>, Refusal> {
    if !counting {
        return Ok(None);
    }
    let first = PageRequest::new(PageNumber::FIRST, 1);
    Ok(Some(
        state
            .store
            .published_articles(&filter, first, Utc::now())
            .await
            .map_err(internal)?
            .total,
    ))
}

async fn authors(state: &AppState, ask: &Ask, base: &str) -> Result<Vec<Value>, Refusal> {
    let counting = ask.includes("count.posts");
    let mut items = Vec::new();
    for author in state.store.authors().await.map_err(internal)? {
        let posts = counted(
            state,
            counting,
            ArticleFilter {
                author_id: Some(author.id),
                ..ArticleFilter::default()
            },
        )
        .await?;
        let record = Record(vec![
            ("slug", author.slug.to_string()),
            ("id", author.id.to_string()),
            ("name", author.name.clone()),
        ]);
        if ask.filter.as_ref().is_none_or(|f| f.matches(&record)) {
            items.push(only_fields(author_json(&author, base, posts), &ask.fields));
        }
    }
    Ok(items)
}

async fn tags(state: &AppState, ask: &Ask, base: &str) -> Result<Vec<Value>, Refusal> {
    let counting = ask.includes("count.posts");
    let mut items = Vec::new();
    for section in state.store.sections().await.map_err(internal)? {
        let tag = (
            format!("section-{}", section.id),
            section.slug.to_string(),
            section.name.clone(),
            urls::section(section.slug.as_str()),
        );
        let posts = counted(
            state,
            counting,
            ArticleFilter {
                section_id: Some(section.id),
                ..ArticleFilter::default()
            },
        )
        .await?;
        items.push((tag, section.description.clone(), posts));
    }
    for found in state.store.tags().await.map_err(internal)? {
        let tag = (
            format!("tag-{}", found.id),
            found.slug.to_string(),
            found.name.clone(),
            urls::tag(found.slug.as_str()),
        );
        let posts = counted(
            state,
            counting,
            ArticleFilter {
                tag_id: Some(found.id),
                ..ArticleFilter::default()
            },
        )
        .await?;
        items.push((tag, String::new(), posts));
    }
    Ok(items
        .into_iter()
        .filter(|(tag, _, _)| {
            let record = Record(vec![
                ("slug", tag.1.clone()),
                ("id", tag.0.clone()),
                ("name", tag.2.clone()),
                ("visibility", "public".into()),
            ]);
            ask.filter.as_ref().is_none_or(|f| f.matches(&record))
        })
        .map(|(tag, description, posts)| {
            only_fields(tag_json(&tag, &description, base, posts), &ask.fields)
        })
        .collect())
}

/// A few named values, for filtering authors and tags.
struct Record(Vec<(&'static str, String)>);

impl Fields for Record {
    fn values(&self, field: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn settings(state: &AppState) -> Value {
    let site = state.site_all();
    let navigation: Vec<Value> = site
        .navigation
        .iter()
        .map(|link| json!({ "label": link.label, "url": link.url }))
        .collect();
    json!({
        "title": site.title,
        "description": site.tagline,
        "logo": Value::Null,
        "icon": Value::Null,
        "accent_color": Value::Null,
        "cover_image": Value::Null,
        "facebook": Value::Null,
        "twitter": Value::Null,
        "lang": site.language,
        "locale": site.language,
        "timezone": site.timezone,
        "codeinjection_head": Value::Null,
        "codeinjection_foot": Value::Null,
        "navigation": navigation,
        "secondary_navigation": [],
        "meta_title": Value::Null,
        "meta_description": Value::Null,
        "og_image": Value::Null,
        "og_title": Value::Null,
        "og_description": Value::Null,
        "twitter_image": Value::Null,
        "twitter_title": Value::Null,
        "twitter_description": Value::Null,
        "members_support_address": Value::Null,
        "url": format!("{}/", site.base_url.trim_end_matches('/')),
    })
}

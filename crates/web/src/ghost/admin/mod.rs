//! The Admin API at `/ghost/api/admin/`, with Ghost's token scheme: an integration
//! signs a short-lived JWT (HS256, `kid` = its Admin API key's id, `aud` "/admin/",
//! at most five minutes) with the key's secret and sends `Authorization: Ghost
//! <token>`. Posts and pages (browse, read, add, edit with `updated_at` collision
//! checks, delete; `?source=html`), tags, image uploads and the site. Every write
//! goes through the operations layer as the integration (an admin's powers, its
//! name in the audit log), so roles, audit, revisions and webhooks apply.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use kolokol_core::{
    ArticleForm, ArticleId, ArticleStatus, EditableArticle, PageForm, PageRecord, Slug,
};
use kolokol_operations::{Actor, Error as OpError};
use kolokol_render::{markdown, urls};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;

use super::{Refusal, internal, not_found, page_of, pagination};
use crate::state::AppState;

mod write;
use write::{add, edit, remove, upload};

/// The longest a token may live, in seconds (Ghost's five minutes).
const MAX_TOKEN_AGE: i64 = 300;
/// Clock difference tolerated between the integration and us, in seconds.
const SKEW: i64 = 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ghost/api/admin/site/", get(site))
        .route("/ghost/api/admin/{resource}/", get(browse).post(add))
        .route("/ghost/api/admin/{resource}/slug/{slug}/", get(read_slug))
        .route(
            "/ghost/api/admin/{resource}/{id}/",
            get(read).put(edit).delete(remove),
        )
        .route("/ghost/api/admin/images/upload/", post(upload))
        .layer(DefaultBodyLimit::max(
            kolokol_media::MAX_UPLOAD_BYTES + 64 * 1024,
        ))
}

type Params = Query<HashMap<String, String>>;

fn refusal(
    status: StatusCode,
    kind: &'static str,
    message: &str,
    context: Option<&str>,
) -> Refusal {
    Refusal::new(status, kind, message, context)
}

fn unauthorised(context: &str) -> Refusal {
    refusal(
        StatusCode::UNAUTHORIZED,
        "UnauthorizedError",
        "Authorization failed",
        Some(context),
    )
}

fn invalid(context: &str) -> Refusal {
    refusal(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ValidationError",
        "Validation error, cannot save.",
        Some(context),
    )
}

/// An operation's refusal, in Ghost's words; field problems in the staff
/// member's words of the site's main language.
fn refused(state: &AppState, error: OpError) -> Refusal {
    let words = state.words();
    match error {
        OpError::NotFound => not_found("resource"),
        OpError::Forbidden(what) => refusal(
            StatusCode::FORBIDDEN,
            "NoPermissionError",
            "You do not have permission to perform this action",
            Some(&words.say(&kolokol_core::Message::new(what))),
        ),
        OpError::Invalid(errors) => {
            let said: Vec<String> = errors
                .iter()
                .map(|(field, message)| format!("{field}: {}", words.say(message)))
                .collect();
            invalid(&said.join("; "))
        }
        OpError::Refused(message) => invalid(&words.say(&message)),
        other => internal(other),
    }
}

/// Checks `Authorization: Ghost <token>`; the integration's name.
pub(crate) async fn integration(state: &AppState, headers: &HeaderMap) -> Result<String, Refusal> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Ghost "))
        .ok_or_else(|| {
            unauthorised("Authorization header format is \"Authorization: Ghost [token]\"")
        })?;
    let claims = verify(state, token.trim(), Utc::now()).await?;
    Ok(claims)
}

/// Verifies a token: its signature by the key its `kid` names, its audience and its
/// lifetime. The integration's name.
async fn verify(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<String, Refusal> {
    let parts: Vec<&str> = token.split('.').collect();
    let [head, body, signature] = parts.as_slice() else {
        return Err(unauthorised("Invalid JWT: it has not three parts"));
    };
    let decode = |part: &str| -> Result<Value, Refusal> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| unauthorised("Invalid JWT: not base64url"))?;
        serde_json::from_slice(&bytes).map_err(|_| unauthorised("Invalid JWT: not JSON"))
    };
    let header = decode(head)?;
    if header["alg"] != "HS256" {
        return Err(unauthorised("Invalid JWT: only HS256 is accepted"));
    }
    let kid = header["kid"]
        .as_str()
        .ok_or_else(|| unauthorised("Invalid JWT: no kid"))?;
    let key = state
        .store
        .api_key(kid)
        .await
        .map_err(internal)?
        .filter(|k| k.kind == "admin")
        .ok_or_else(|| unauthorised("Unknown Admin API Key"))?;
    let secret = hex::decode(&key.secret).map_err(internal)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret).map_err(internal)?;
    mac.update(format!("{head}.{body}").as_bytes());
    let given = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| unauthorised("Invalid JWT: not base64url"))?;
    mac.verify_slice(&given)
        .map_err(|_| unauthorised("Invalid token: invalid signature"))?;
    let claims = decode(body)?;
    let audiences: Vec<&str> = match &claims["aud"] {
        Value::String(aud) => vec![aud.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.iter().any(|aud| aud.ends_with("/admin/")) {
        return Err(unauthorised("Invalid token: the audience is not /admin/"));
    }
    let (Some(iat), Some(exp)) = (claims["iat"].as_i64(), claims["exp"].as_i64()) else {
        return Err(unauthorised("Invalid token: iat and exp are required"));
    };
    let now = now.timestamp();
    if exp - iat > MAX_TOKEN_AGE {
        return Err(unauthorised("Invalid token: it may live at most 5 minutes"));
    }
    if now > exp + SKEW || iat > now + SKEW {
        return Err(unauthorised(
            "Invalid token: it has expired or is not valid yet",
        ));
    }
    Ok(key.integration)
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn json_answer(status: StatusCode, body: &Value) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn answer(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn site(State(state): State<AppState>) -> Response {
    let site = state.site_all();
    json_answer(
        StatusCode::OK,
        &json!({"site": {
            "title": site.title,
            "description": site.tagline,
            "logo": Value::Null,
            "icon": Value::Null,
            "accent_color": Value::Null,
            "locale": site.language,
            "url": format!("{}/", site.base_url.trim_end_matches('/')),
            "version": "5.0",
        }}),
    )
}

/// A post as the Admin API shows it (drafts and scheduled ones included).
async fn post_json(
    state: &AppState,
    article: &EditableArticle,
    formats: &[String],
) -> Result<Value, Refusal> {
    let site = state.site_all();
    let base = site.base_url.trim_end_matches('/');
    let draft = &article.draft;
    let now = Utc::now();
    let status = match (article.status, article.published_at) {
        (ArticleStatus::Published, Some(at)) if at > now => "scheduled",
        (ArticleStatus::Published, _) => "published",
        (ArticleStatus::Draft, _) => "draft",
    };
    let authors = state.store.authors().await.map_err(internal)?;
    let credited: Vec<Value> = draft
        .author_ids
        .iter()
        .filter_map(|id| authors.iter().find(|a| a.id == *id))
        .map(|a| json!({"id": a.id.to_string(), "name": a.name, "slug": a.slug.as_str(), "url": urls::absolute(base, &urls::author(a.slug.as_str()))}))
        .collect();
    let sections = state.store.sections().await.map_err(internal)?;
    let mut tags: Vec<Value> = sections
        .iter()
        .filter(|s| s.id == draft.section_id)
        .map(
            |s| json!({"id": format!("section-{}", s.id), "name": s.name, "slug": s.slug.as_str()}),
        )
        .collect();
    for name in &draft.tags {
        let slug = Slug::from_title(name)
            .map(|s| s.to_string())
            .unwrap_or_default();
        tags.push(json!({"name": name, "slug": slug}));
    }
    let feature_image = match draft.hero_image_id {
        Some(id) => state
            .store
            .image(id)
            .await
            .map_err(internal)?
            .map(|i| urls::absolute(base, &urls::media(&i.path))),
        None => None,
    };
    let or_null = |text: &str| {
        if text.is_empty() {
            Value::Null
        } else {
            Value::from(text)
        }
    };
    let mut post = json!({
        "id": article.id.0.to_string(),
        "uuid": format!("00000000-0000-4000-8000-{:012x}", article.id.0),
        "title": draft.headline,
        "slug": draft.slug.as_str(),
        "lexical": json!({"root": {"children": [{"type": "markdown", "version": 1, "markdown": draft.body_markdown}], "direction": null, "format": "", "indent": 0, "type": "root", "version": 1}}).to_string(),
        "status": status,
        "visibility": "public",
        "featured": false,
        "created_at": time(article.published_at.unwrap_or(article.modified_at).min(article.modified_at)),
        "updated_at": time(article.modified_at),
        "published_at": article.published_at.map(time),
        "custom_excerpt": or_null(&draft.dek),
        "feature_image": feature_image,
        "feature_image_alt": or_null(&draft.hero_alt),
        "feature_image_caption": or_null(&draft.hero_caption),
        "meta_title": or_null(&draft.seo_title),
        "meta_description": or_null(&draft.seo_description),
        "url": urls::absolute(base, &format!("{}{}", site.prefix(&draft.language), urls::article(draft.slug.as_str()))),
        "primary_author": credited.first().cloned(),
        "authors": credited,
        "primary_tag": tags.first().cloned(),
        "tags": tags,
    });
    if let Some(map) = post.as_object_mut() {
        if formats.iter().any(|f| f == "html") {
            map.insert(
                "html".into(),
                markdown::to_html(&draft.body_markdown).into(),
            );
        }
        if formats.iter().any(|f| f == "plaintext") {
            map.insert(
                "plaintext".into(),
                markdown::to_plain_text(&draft.body_markdown).into(),
            );
        }
    }
    Ok(post)
}

fn page_json(state: &AppState, page: &PageRecord, formats: &[String]) -> Value {
    let site = state.site_all();
    let base = site.base_url.trim_end_matches('/');
    let draft = &page.draft;
    let mut value = json!({
        "id": page.id.to_string(),
        "uuid": format!("00000000-0000-4000-8000-{:012x}", page.id + (1 << 40)),
        "title": draft.title,
        "slug": draft.slug.as_str(),
        "lexical": json!({"root": {"children": [{"type": "markdown", "version": 1, "markdown": draft.body_markdown}], "direction": null, "format": "", "indent": 0, "type": "root", "version": 1}}).to_string(),
        "status": if page.published { "published" } else { "draft" },
        "visibility": "public",
        "created_at": time(page.published_at.unwrap_or(page.modified_at).min(page.modified_at)),
        "updated_at": time(page.modified_at),
        "published_at": page.published_at.map(time),
        "url": urls::absolute(base, &format!("{}{}", site.prefix(&draft.language), urls::page(draft.slug.as_str()))),
        "tags": [],
        "authors": [],
    });
    if let Some(map) = value.as_object_mut()
        && formats.iter().any(|f| f == "html")
    {
        map.insert(
            "html".into(),
            markdown::to_html(&draft.body_markdown).into(),
        );
    }
    value
}

fn formats(params: &HashMap<String, String>) -> Vec<String> {
    params
        .get("formats")
        .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default()
}

fn page_size(params: &HashMap<String, String>) -> Result<(Option<usize>, usize), Refusal> {
    let limit = match params.get("limit").map(String::as_str) {
        None | Some("") => Some(15),
        Some("all") => None,
        Some(n) => Some(
            n.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| invalid("limit must be a positive number or \"all\""))?,
        ),
    };
    let page = match params.get("page").map(String::as_str) {
        None | Some("") => 1,
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid("page must be a positive number"))?,
    };
    Ok((limit, page))
}

async fn browse(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            integration(&state, &headers).await?;
            let (limit, page) = page_size(&params)?;
            let formats = formats(&params);
            // Only the page asked for is read whole and shown.
            let (items, total) = match resource.as_str() {
                "posts" => {
                    let ids = state.store.article_ids().await.map_err(internal)?;
                    let total = ids.len();
                    let mut items = Vec::new();
                    for id in page_of(ids, page, limit) {
                        if let Some(article) =
                            state.store.editable_article(id).await.map_err(internal)?
                        {
                            items.push(post_json(&state, &article, &formats).await?);
                        }
                    }
                    (items, total)
                }
                "pages" => {
                    let pages = state.store.page_records().await.map_err(internal)?;
                    let total = pages.len();
                    let shown = page_of(pages, page, limit);
                    (
                        shown
                            .iter()
                            .map(|p| page_json(&state, p, &formats))
                            .collect(),
                        total,
                    )
                }
                "tags" => {
                    let tags = state.store.tags().await.map_err(internal)?;
                    let total = tags.len();
                    (
                        page_of(tags, page, limit).iter().map(tag_value).collect(),
                        total,
                    )
                }
                _ => return Err(not_found(&resource)),
            };
            let body = json!({ resource.as_str(): items, "meta": pagination(page, limit, total) });
            Ok(json_answer(StatusCode::OK, &body))
        }
        .await,
    )
}

/// A tag as the Admin API shows it.
fn tag_value(tag: &kolokol_core::Tag) -> Value {
    json!({"id": tag.id.to_string(), "name": tag.name, "slug": tag.slug.as_str(), "visibility": "public"})
}

/// The article or page `id` names, or else the one `slug` names.
async fn text_id(
    state: &AppState,
    texts: kolokol_store::Texts,
    id: Option<i64>,
    slug: Option<&str>,
) -> Result<Option<i64>, Refusal> {
    match (id, slug) {
        (Some(id), _) => Ok(Some(id)),
        (None, Some(slug)) => state
            .store
            .text_by_slug(texts, slug)
            .await
            .map_err(internal),
        _ => Ok(None),
    }
}

async fn one(
    state: &AppState,
    resource: &str,
    id: Option<i64>,
    slug: Option<&str>,
    formats: &[String],
) -> Result<Value, Refusal> {
    let found = match resource {
        "posts" => match text_id(state, kolokol_store::Texts::Articles, id, slug).await? {
            Some(id) => match state
                .store
                .editable_article(ArticleId(id))
                .await
                .map_err(internal)?
            {
                Some(article) => Some(post_json(state, &article, formats).await?),
                None => None,
            },
            None => None,
        },
        "pages" => match text_id(state, kolokol_store::Texts::Pages, id, slug).await? {
            Some(id) => state
                .store
                .page_record(id)
                .await
                .map_err(internal)?
                .map(|p| page_json(state, &p, formats)),
            None => None,
        },
        "tags" => state
            .store
            .tags()
            .await
            .map_err(internal)?
            .into_iter()
            .find(|t| Some(t.id) == id || Some(t.slug.as_str()) == slug)
            .map(|t| tag_value(&t)),
        _ => None,
    };
    found.ok_or_else(|| not_found(resource.trim_end_matches('s')))
}

fn id_of(text: &str) -> Result<i64, Refusal> {
    text.parse::<i64>().map_err(|_| not_found("resource"))
}

async fn read(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    reply_one(&state, &resource, Some(&id), None, &params, &headers).await
}

async fn read_slug(
    State(state): State<AppState>,
    Path((resource, slug)): Path<(String, String)>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    reply_one(&state, &resource, None, Some(&slug), &params, &headers).await
}

/// Answers a read by id or by slug.
async fn reply_one(
    state: &AppState,
    resource: &str,
    id: Option<&str>,
    slug: Option<&str>,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Response {
    answer(
        async {
            integration(state, headers).await?;
            let id = id.map(id_of).transpose()?;
            let found = one(state, resource, id, slug, &formats(params)).await?;
            Ok(json_answer(StatusCode::OK, &json!({ resource: [found] })))
        }
        .await,
    )
}

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

/// The one object of `{"posts": [{…}]}`.
fn sent_object<'a>(
    body: &'a Value,
    resource: &str,
) -> Result<&'a serde_json::Map<String, Value>, Refusal> {
    body.get(resource)
        .and_then(|list| list.get(0))
        .and_then(Value::as_object)
        .ok_or_else(|| invalid(&format!("the body must be {{\"{resource}\": [{{…}}]}}")))
}

fn text<'a>(object: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// A library address (`…/media/uploads/x.jpg` on this site) as the path our
/// Markdown uses; other addresses stay as they are.
fn local_media(state: &AppState, url: &str) -> Option<String> {
    let base = state.site_all().base_url.trim_end_matches('/').to_owned();
    let path = url.strip_prefix(&base).unwrap_or(url);
    path.starts_with("/media/").then(|| path.to_owned())
}

/// Fills `form` from a post the API sent: title, body (per `source`), excerpt,
/// tags (the first that names a section is the section), authors, picture, SEO.
async fn fill_article(
    state: &AppState,
    form: &mut ArticleForm,
    sent: &serde_json::Map<String, Value>,
    source_html: bool,
) -> Result<(), Refusal> {
    common_fields(
        state,
        sent,
        source_html,
        [&mut form.headline, &mut form.slug, &mut form.body],
    )?;
    if let Some(excerpt) = sent.get("custom_excerpt") {
        form.dek = excerpt.as_str().unwrap_or_default().to_owned();
    }
    for (key, field) in [
        ("meta_title", &mut form.seo_title),
        ("meta_description", &mut form.seo_description),
        ("feature_image_alt", &mut form.hero_alt),
        ("feature_image_caption", &mut form.hero_caption),
    ] {
        if let Some(value) = sent.get(key) {
            *field = value.as_str().unwrap_or_default().to_owned();
        }
    }
    if let Some(tags) = sent.get("tags").and_then(Value::as_array) {
        let sections = state.store.sections().await.map_err(internal)?;
        let mut names = Vec::new();
        let mut section = None;
        for tag in tags {
            let (name, slug) = match tag {
                Value::String(name) => (name.clone(), String::new()),
                other => (
                    text(other.as_object().unwrap_or(&serde_json::Map::new()), "name")
                        .unwrap_or_default()
                        .to_owned(),
                    other
                        .get("slug")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                ),
            };
            let named = sections.iter().find(|s| {
                (!slug.is_empty() && s.slug.as_str() == slug)
                    || (!name.is_empty() && s.name.eq_ignore_ascii_case(&name))
            });
            match named {
                Some(found) if section.is_none() => section = Some(found.id),
                _ if !name.is_empty() => names.push(name),
                _ => {}
            }
        }
        if let Some(section) = section {
            form.section = section.to_string();
        }
        form.tags = names.join(", ");
    }
    if form.section.is_empty() {
        let first = state.store.sections().await.map_err(internal)?;
        let first = first
            .first()
            .ok_or_else(|| invalid("the site has no section yet: create one in the newsroom"))?;
        form.section = first.id.to_string();
    }
    if let Some(authors) = sent.get("authors").and_then(Value::as_array) {
        let known = state.store.authors().await.map_err(internal)?;
        let mut ids = Vec::new();
        for author in authors {
            let wanted = |key: &str| author.get(key).and_then(Value::as_str).map(str::to_owned);
            let found = known.iter().find(|a| {
                wanted("id").as_deref() == Some(a.id.to_string().as_str())
                    || wanted("slug").as_deref() == Some(a.slug.as_str())
                    || author.as_str() == Some(a.slug.as_str())
            });
            match found {
                Some(a) => ids.push(a.id.to_string()),
                None => return Err(invalid(&format!("unknown author {author}"))),
            }
        }
        form.authors = ids.join(",");
    }
    if form.authors.is_empty() {
        let known = state.store.authors().await.map_err(internal)?;
        let first = known.first().ok_or_else(|| {
            invalid("the site has no author profile yet: create one in the newsroom")
        })?;
        form.authors = first.id.to_string();
    }
    if let Some(image) = sent.get("feature_image") {
        form.hero_image = match image.as_str().and_then(|url| local_media(state, url)) {
            Some(path) => {
                let path = path.trim_start_matches("/media/");
                let images = state.store.images(10_000).await.map_err(internal)?;
                images
                    .iter()
                    .find(|i| i.path == path)
                    .map(|i| i.id.to_string())
                    .ok_or_else(|| {
                        invalid("feature_image: upload the picture first (images/upload)")
                    })?
            }
            None if image.is_null() => String::new(),
            None => {
                return Err(invalid(
                    "feature_image: only pictures uploaded here can be used",
                ));
            }
        };
    }
    // Ghost lets a picture go without a description; our pages do not, so the
    // caption (or the headline) describes it until an editor writes one.
    if !form.hero_image.is_empty() && form.hero_alt.trim().is_empty() {
        form.hero_alt = if form.hero_caption.trim().is_empty() {
            form.headline.clone()
        } else {
            form.hero_caption.clone()
        };
    }
    Ok(())
}

/// Publishes, schedules or withdraws as the sent `status` asks.
async fn apply_status(
    state: &AppState,
    actor: Actor<'_>,
    id: ArticleId,
    sent: &serde_json::Map<String, Value>,
    was: Option<&EditableArticle>,
) -> Result<(), Refusal> {
    let now = Utc::now();
    let live = was.is_some_and(|a| a.status == ArticleStatus::Published);
    let result = match text(sent, "status") {
        Some("published") => {
            kolokol_operations::articles::publish(&state.store, actor, id, now).await
        }
        Some("scheduled") => {
            let at = text(sent, "published_at")
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            kolokol_operations::articles::schedule(&state.store, actor, id, at, now).await
        }
        Some("draft") if live => {
            kolokol_operations::articles::withdraw(&state.store, actor, id, now).await
        }
        Some("draft") | None => Ok(()),
        Some(other) => {
            return Err(invalid(&format!(
                "status \"{other}\" is not draft, published or scheduled"
            )));
        }
    };
    result.map_err(|e| refused(state, e))
}

async fn add(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let body: Value = serde_json::from_slice(&body)
                .map_err(|e| invalid(&format!("the body is not JSON ({e})")))?;
            let sent = sent_object(&body, &resource)?;
            let source_html = params.get("source").map(String::as_str) == Some("html");
            let languages = state.languages();
            let now = Utc::now();
            let created = match resource.as_str() {
                "posts" => {
                    let mut form = ArticleForm::default();
                    fill_article(&state, &mut form, sent, source_html).await?;
                    let saved = kolokol_operations::articles::save(
                        &state.store,
                        actor,
                        None,
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    apply_status(&state, actor, saved.id(), sent, None).await?;
                    state.content_changed().await;
                    one(&state, "posts", Some(saved.id().0), None, &formats(&params)).await?
                }
                "pages" => {
                    let mut form = PageForm {
                        placement: "none".into(),
                        ..PageForm::default()
                    };
                    fill_page(&state, &mut form, sent, source_html)?;
                    let id = kolokol_operations::pages::save(
                        &state.store,
                        actor,
                        None,
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    if text(sent, "status") == Some("published") {
                        kolokol_operations::pages::set_published(
                            &state.store,
                            actor,
                            id,
                            true,
                            now,
                        )
                        .await
                        .map_err(|e| refused(&state, e))?;
                    }
                    state.content_changed().await;
                    one(&state, "pages", Some(id), None, &formats(&params)).await?
                }
                "tags" => {
                    let tag_name = text(sent, "name").unwrap_or_default().trim().to_owned();
                    let slug = match text(sent, "slug") {
                        Some(slug) => Slug::parse(slug),
                        None => Slug::from_title(&tag_name),
                    }
                    .map_err(|e| invalid(&e.to_string()))?;
                    if tag_name.is_empty() {
                        return Err(invalid("name is required"));
                    }
                    let tag =
                        kolokol_operations::archive::add_tag(&state.store, actor, &slug, &tag_name)
                            .await
                            .map_err(|e| refused(&state, e))?;
                    tag_value(&tag)
                }
                _ => return Err(not_found(&resource)),
            };
            Ok(json_answer(
                StatusCode::CREATED,
                &json!({ resource.as_str(): [created] }),
            ))
        }
        .await,
    )
}

fn fill_page(
    state: &AppState,
    form: &mut PageForm,
    sent: &serde_json::Map<String, Value>,
    source_html: bool,
) -> Result<(), Refusal> {
    common_fields(
        state,
        sent,
        source_html,
        [&mut form.title, &mut form.slug, &mut form.body],
    )
}

/// What posts and pages share: the title, the slug and the body (HTML with
/// `?source=html`, else Lexical or Mobiledoc), each only when sent.
fn common_fields(
    state: &AppState,
    sent: &serde_json::Map<String, Value>,
    source_html: bool,
    [title, slug, body]: [&mut String; 3],
) -> Result<(), Refusal> {
    if let Some(sent_title) = text(sent, "title") {
        *title = sent_title.to_owned();
    }
    if let Some(sent_slug) = text(sent, "slug") {
        *slug = sent_slug.to_owned();
    }
    let html = if source_html {
        text(sent, "html")
    } else {
        None
    };
    let converted = kolokol_import::ghost::body_markdown(
        html,
        text(sent, "lexical"),
        text(sent, "mobiledoc"),
        &|src: &str| local_media(state, src),
    )
    .map_err(|why| invalid(&why))?;
    if let Some(converted) = converted {
        *body = converted.markdown;
    }
    Ok(())
}

/// Refuses an edit made against an older state than the one saved (Ghost's
/// `updated_at` check), so two editors never overwrite each other unknowingly.
fn collision(
    sent: &serde_json::Map<String, Value>,
    modified_at: DateTime<Utc>,
) -> Result<(), Refusal> {
    let given = text(sent, "updated_at")
        .ok_or_else(|| invalid("updated_at is required when editing (the value you read)"))?;
    let given =
        DateTime::parse_from_rfc3339(given).map_err(|_| invalid("updated_at is not a time"))?;
    if given.timestamp() != modified_at.timestamp() {
        return Err(refusal(
            StatusCode::CONFLICT,
            "UpdateCollisionError",
            "Saving failed! Someone else is editing this post.",
            None,
        ));
    }
    Ok(())
}

async fn edit(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    Query(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let id = id_of(&id)?;
            let body: Value = serde_json::from_slice(&body)
                .map_err(|e| invalid(&format!("the body is not JSON ({e})")))?;
            let sent = sent_object(&body, &resource)?;
            let source_html = params.get("source").map(String::as_str) == Some("html");
            let languages = state.languages();
            let now = Utc::now();
            let edited = match resource.as_str() {
                "posts" => {
                    let article =
                        kolokol_operations::articles::editable(&state.store, actor, ArticleId(id))
                            .await
                            .map_err(|e| refused(&state, e))?;
                    collision(sent, article.modified_at)?;
                    let mut form = ArticleForm::from_draft(&article.draft);
                    fill_article(&state, &mut form, sent, source_html).await?;
                    kolokol_operations::articles::save(
                        &state.store,
                        actor,
                        Some(ArticleId(id)),
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    apply_status(&state, actor, ArticleId(id), sent, Some(&article)).await?;
                    state.content_changed().await;
                    one(&state, "posts", Some(id), None, &formats(&params)).await?
                }
                "pages" => {
                    let page = kolokol_operations::pages::existing(&state.store, id)
                        .await
                        .map_err(|e| refused(&state, e))?;
                    collision(sent, page.modified_at)?;
                    let mut form = PageForm::from_draft(&page.draft);
                    fill_page(&state, &mut form, sent, source_html)?;
                    kolokol_operations::pages::save(
                        &state.store,
                        actor,
                        Some(id),
                        &form,
                        &languages,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    if let Some(status) = text(sent, "status") {
                        kolokol_operations::pages::set_published(
                            &state.store,
                            actor,
                            id,
                            status == "published",
                            now,
                        )
                        .await
                        .map_err(|e| refused(&state, e))?;
                    }
                    state.content_changed().await;
                    one(&state, "pages", Some(id), None, &formats(&params)).await?
                }
                "tags" => {
                    let tag = state
                        .store
                        .tag_record(id)
                        .await
                        .map_err(internal)?
                        .ok_or_else(|| not_found("tag"))?;
                    let tag_name = text(sent, "name").unwrap_or(&tag.name).to_owned();
                    let slug = text(sent, "slug").unwrap_or(tag.slug.as_str()).to_owned();
                    kolokol_operations::tags::rename(
                        &state.store,
                        actor,
                        id,
                        &tag_name,
                        &slug,
                        &tag.translations,
                        now,
                    )
                    .await
                    .map_err(|e| refused(&state, e))?;
                    state.content_changed().await;
                    one(&state, "tags", Some(id), None, &[]).await?
                }
                _ => return Err(not_found(&resource)),
            };
            Ok(json_answer(
                StatusCode::OK,
                &json!({ resource.as_str(): [edited] }),
            ))
        }
        .await,
    )
}

async fn remove(
    State(state): State<AppState>,
    Path((resource, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let id = id_of(&id)?;
            let now = Utc::now();
            let result = match resource.as_str() {
                "posts" => {
                    kolokol_operations::articles::delete(&state.store, actor, ArticleId(id), now)
                        .await
                }
                "pages" => kolokol_operations::pages::delete(&state.store, actor, id, now).await,
                "tags" => kolokol_operations::tags::delete(&state.store, actor, id, now)
                    .await
                    .map(|_| ()),
                _ => return Err(not_found(&resource)),
            };
            result.map_err(|e| refused(&state, e))?;
            state.content_changed().await;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    answer(
        async {
            let name = integration(&state, &headers).await?;
            let actor = Actor::Integration(&name);
            let (mut file, mut reference) = (None, None);
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| invalid(&format!("the upload did not arrive whole ({e})")))?
            {
                match field.name() {
                    Some("file") => {
                        let file_name = field.file_name().unwrap_or("upload").to_owned();
                        let bytes = field.bytes().await.map_err(|e| {
                            invalid(&format!("the upload did not arrive whole ({e})"))
                        })?;
                        file = Some((file_name, bytes));
                    }
                    Some("ref") => reference = field.text().await.ok(),
                    _ => {}
                }
            }
            let (file_name, bytes) =
                file.ok_or_else(|| invalid("send the picture as the field \"file\""))?;
            let media_dir = state.media_dir.clone();
            let stored_name = file_name.clone();
            let _turn = state.uploads.acquire().await.map_err(internal)?;
            let processed = tokio::task::spawn_blocking(move || {
                kolokol_media::store_upload(&media_dir, &bytes, &stored_name)
            })
            .await
            .map_err(internal)?;
            let image = match processed {
                Ok(image) => image,
                Err(kolokol_media::MediaError::Write(why)) => return Err(internal(why)),
                Err(refused_upload) => return Err(invalid(&refused_upload.to_string())),
            };
            kolokol_operations::media::add(&state.store, actor, &image, &file_name, Utc::now())
                .await
                .map_err(|e| refused(&state, e))?;
            let base = state.site_all().base_url.trim_end_matches('/').to_owned();
            let url = urls::absolute(&base, &urls::media(&image.path));
            Ok(json_answer(
                StatusCode::CREATED,
                &json!({"images": [{"url": url, "ref": reference}]}),
            ))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_against_an_older_state_collides() {
        let saved = DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let sent = |at: &str| json!({"updated_at": at}).as_object().unwrap().clone();
        assert!(collision(&sent("2026-05-01T10:00:00.000Z"), saved).is_ok());
        let refused = collision(&sent("2026-05-01T09:59:00.000Z"), saved).unwrap_err();
        assert_eq!(
            (refused.status, refused.kind),
            (StatusCode::CONFLICT, "UpdateCollisionError")
        );
        assert_eq!(
            collision(&json!({}).as_object().unwrap().clone(), saved)
                .unwrap_err()
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}

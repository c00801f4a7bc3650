//! Ghost-compatible APIs, so the apps, themes and scripts written for Ghost work
//! against Kolokol: the Content API (public reading, with a Content API key) and
//! the Admin API (writing, with an integration's signed tokens).

mod admin;
mod content;
mod nql;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::state::AppState;

/// The Ghost API routes.
pub fn routes() -> Router<AppState> {
    content::routes().merge(admin::routes())
}

/// An error as Ghost writes it: `{"errors": [{message, context, type, …}]}`.
pub(crate) fn error(
    status: StatusCode,
    kind: &str,
    message: &str,
    context: Option<&str>,
) -> Response {
    let body = json!({"errors": [{
        "message": message,
        "context": context,
        "type": kind,
        "details": Value::Null,
        "property": Value::Null,
        "help": Value::Null,
        "code": Value::Null,
        "id": format!("{:x}", status.as_u16()),
    }]});
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body.to_string(),
    )
        .into_response();
    cors(response.headers_mut());
    response
}

/// Why an API request is refused, answered as [`error`] writes it.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    pub context: Option<String>,
}

impl Refusal {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        message: &str,
        context: Option<&str>,
    ) -> Self {
        Self {
            status,
            kind,
            message: message.to_owned(),
            context: context.map(str::to_owned),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(
            self.status,
            self.kind,
            &self.message,
            self.context.as_deref(),
        )
    }
}

/// Ghost's 404 for `what` ("post", "tag").
pub(crate) fn not_found(what: &str) -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        "NotFoundError",
        &format!("Resource not found error, cannot read {what}."),
        None,
    )
}

/// A failure of ours: logged with its cause, answered without it.
pub(crate) fn internal(e: impl std::fmt::Display) -> Refusal {
    tracing::error!(error = %e, "Ghost API request failed");
    Refusal::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalServerError",
        "The request could not be answered",
        None,
    )
}

/// Page `page` (from 1) of `items`, `limit` to a page (None: all of them).
pub(crate) fn page_of<T>(items: Vec<T>, page: usize, limit: Option<usize>) -> Vec<T> {
    match limit {
        None => items,
        Some(limit) => items
            .into_iter()
            .skip((page - 1) * limit)
            .take(limit)
            .collect(),
    }
}

/// Ghost's `meta.pagination` for page `page` of `total` items.
pub(crate) fn pagination(page: usize, limit: Option<usize>, total: usize) -> Value {
    let pages = limit.map_or(1, |limit| total.div_ceil(limit).max(1));
    json!({"pagination": {
        "page": page,
        "limit": limit.map_or(Value::from("all"), Value::from),
        "pages": pages,
        "total": total,
        "next": if page < pages { Value::from(page + 1) } else { Value::Null },
        "prev": if page > 1 { Value::from(page - 1) } else { Value::Null },
    }})
}

/// Lets any site's scripts read the answer (the Content API is public by design).
pub(crate) fn cors(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Version, Accept-Encoding"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_follows_ghost() {
        assert_eq!(
            pagination(2, Some(15), 40),
            json!({"pagination": {"page": 2, "limit": 15, "pages": 3, "total": 40, "next": 3, "prev": 1}})
        );
        assert_eq!(
            pagination(1, None, 7),
            json!({"pagination": {"page": 1, "limit": "all", "pages": 1, "total": 7, "next": null, "prev": null}})
        );
        assert_eq!(
            page_of((1..=40).collect(), 3, Some(15)),
            (31..=40).collect::<Vec<_>>()
        );
    }
}

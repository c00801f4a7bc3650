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

//! Headers every response carries: a strict Content-Security-Policy (nothing from any
//! other host, no inline script) and the usual hardening, plus the guard against
//! absurdly long addresses.

use axum::extract::Request;
use axum::http::header::{self, HeaderName};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Addresses longer than this are refused with 414 before any routing.
pub const MAX_URI_LENGTH: usize = 2048;
/// A search's address may be longer: 500 characters of Cyrillic take 6,000 bytes
/// percent-encoded, and the search itself answers an over-long query with 400.
pub const MAX_SEARCH_URI_LENGTH: usize = 8192;

use kolokol_render::policy::CONTENT_SECURITY_POLICY;

/// The security headers every response carries.
static SECURITY_HEADERS: [(HeaderName, HeaderValue); 7] = [
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    ),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    // Readers' clicks must not tell other sites that they came from a banned outlet.
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ),
    (
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=()",
        ),
    ),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    ),
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    ),
];

/// Adds the security headers every response carries, keeping any a response set
/// for itself (an archived newsletter's own policy).
pub fn add_security_headers(headers: &mut HeaderMap) {
    for (name, value) in &SECURITY_HEADERS {
        headers.entry(name).or_insert_with(|| value.clone());
    }
}

/// Checks the address before any routing, in one pass: over-long addresses are
/// refused (414), and an address with a trailing slash answers 301 to the one
/// without (`/lite/` → `/lite`, keeping the query), so every page has one address.
/// Never to another host: an address that would become `//…` or holds a backslash is
/// left to 404; media are files, served only as named. A language edition's front
/// page keeps its slash (`/en/`): its links are relative to it.
pub async fn check_address(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let length = request.uri().path().len() + request.uri().query().map_or(0, str::len);
    let path = request.uri().path();
    let limit = if path.len() < 64 && (path.ends_with("/search") || path.ends_with("/search.json"))
    {
        MAX_SEARCH_URI_LENGTH
    } else {
        MAX_URI_LENGTH
    };
    if length > limit {
        return AppError::UriTooLong.into_response();
    }
    let path = request.uri().path();
    let is_read =
        request.method() == axum::http::Method::GET || request.method() == axum::http::Method::HEAD;
    let edition_front = || {
        state
            .edition_prefixes()
            .iter()
            .any(|(_, prefix)| path.strip_suffix('/') == Some(prefix.as_str()))
    };
    if is_read
        && path.len() > 1
        && path.ends_with('/')
        && !path.starts_with("/media/")
        // Ghost's APIs end their addresses with a slash, as its clients expect.
        && !path.starts_with("/ghost/")
        && !edition_front()
    {
        let trimmed = path.trim_end_matches('/');
        let safe = !trimmed.is_empty()
            && !trimmed.starts_with("//")
            && !trimmed.contains('\\')
            && trimmed.starts_with('/');
        if safe {
            let location = match request.uri().query() {
                Some(query) => format!("{trimmed}?{query}"),
                None => trimmed.to_owned(),
            };
            if let Ok(value) = HeaderValue::from_str(&location) {
                return (
                    axum::http::StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, value)],
                )
                    .into_response();
            }
        }
    }
    next.run(request).await
}

//! The one error type of the web layer and how each case reaches the reader.
//!
//! Policy: readers get a status code and a short, helpful page in the site's theme;
//! logs get the cause. Internal error text is never shown. Handlers return
//! `AppError`; its response carries an [`ErrorPage`] marker that the
//! `render_errors` middleware turns into the themed page (it has the state needed to
//! show navigation and the latest articles).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kolokol_render::ThemeError;
use kolokol_store::StoreError;

/// Why a request could not be answered with the page it asked for.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// An operation's refusal, said from the catalogue on the error page.
    #[error("refused: {0}")]
    Refused(kolokol_core::Message),
    /// Not allowed (a role, a stale form), said from the catalogue: 403.
    #[error("denied: {0}")]
    Denied(kolokol_core::Message),
    #[error("the address is too long")]
    UriTooLong,
    /// Signed in, but this role may not do this (or the form's CSRF token is stale).
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("too many attempts: {0}")]
    TooManyRequests(String),
    /// The change collides with what is there (a slug or address already taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached just now: 503 with `Retry-After`.
    #[error("unavailable")]
    Unavailable(#[source] StoreError),
    /// Too many pages are being rendered at once: 503 with a short `Retry-After`.
    #[error("busy")]
    Busy,
    /// One address asked for too many pages to be rendered this minute: 429.
    #[error("too many renders")]
    TooManyRenders,
    /// Storage failed in a way the reader cannot mend; the cause chain goes to the log.
    #[error("storage failed")]
    Store(#[source] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
    /// The page lives at another address (an article in another language's
    /// edition): a permanent redirect there.
    #[error("moved to {0}")]
    Moved(String),
}

impl AppError {
    /// A 400 said from the catalogue by `key`.
    pub fn refused(key: &'static str) -> Self {
        Self::Refused(kolokol_core::Message::new(key))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) | Self::Refused(_) => StatusCode::BAD_REQUEST,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::Forbidden(_) | Self::Denied(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unavailable(_) | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyRenders => StatusCode::TOO_MANY_REQUESTS,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Moved(_) => StatusCode::MOVED_PERMANENTLY,
        }
    }

    /// The catalogue's message for the themed page, which says it in the reader's
    /// language: the refusal itself, or one for the errors that carry no text of
    /// their own.
    pub fn said(&self) -> Option<kolokol_core::Message> {
        let key = match self {
            Self::Refused(message) | Self::Denied(message) => return Some(message.clone()),
            Self::NotFound => "error-not-found",
            Self::UriTooLong => "error-too-long",
            Self::Unavailable(_) => "error-unavailable",
            Self::Busy => "error-busy",
            Self::TooManyRenders => "error-too-many",
            Self::Store(_) | Self::Internal(_) => "error-ours",
            _ => return None,
        };
        Some(kolokol_core::Message::new(key))
    }

    /// What the reader is told (in English; the themed page says [`AppError::said`]).
    pub fn public_message(&self) -> String {
        match self {
            Self::NotFound => {
                "We could not find that page. It may have moved, or the address may be mistyped."
                    .into()
            }
            Self::BadRequest(message)
            | Self::Forbidden(message)
            | Self::TooManyRequests(message)
            | Self::Conflict(message) => message.clone(),
            Self::UriTooLong => "That address is far too long for any page of this site.".into(),
            Self::Refused(message) | Self::Denied(message) => message.to_string(),
            Self::Unavailable(_) => {
                "We cannot reach our database just now. Please try again in a minute.".into()
            }
            Self::Busy => {
                "Very many readers are here at once. Please try again in a few seconds.".into()
            }
            Self::TooManyRenders => "You have opened a great many pages in the last minute. \
                 Please wait a minute and try again."
                .into(),
            Self::Store(_) | Self::Internal(_) => {
                "Something went wrong on our side. Please try again in a minute.".into()
            }
            Self::Moved(to) => format!("Moved to {to}"),
        }
    }
}

/// Each storage failure mapped on purpose: a taken value is the reader's to change
/// (409), a missing row is a 404, an unreachable database is worth a retry (503),
/// and anything else is ours (500), its cause kept for the log.
impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(what) => Self::Conflict(format!(
                "That is already taken ({what}); choose another and save again."
            )),
            StoreError::NotFound => Self::NotFound,
            StoreError::Unavailable(_) => Self::Unavailable(error),
            other => Self::Store(other),
        }
    }
}

/// An error and every cause under it, for the log: `storage failed: database error:
/// error returned from database: …`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        // Some causes already repeat theirs in their own message.
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

/// An operation's refusal: a role that may not is a 403, a missing subject a 404, a
/// form's problems (when the handler did not show them beside the fields) a 400.
impl From<kolokol_operations::Error> for AppError {
    fn from(error: kolokol_operations::Error) -> Self {
        match error {
            kolokol_operations::Error::Forbidden(what) => Self::Denied(
                kolokol_core::Message::new("error-forbidden")
                    .with("what", kolokol_core::Arg::Said(what)),
            ),
            kolokol_operations::Error::NotFound => Self::NotFound,
            kolokol_operations::Error::Refused(message) => Self::Refused(message),
            kolokol_operations::Error::Invalid(errors) => errors
                .into_values()
                .next()
                .map_or_else(|| Self::BadRequest(String::new()), Self::Refused),
            kolokol_operations::Error::Store(error) => error.into(),
            kolokol_operations::Error::Internal(message) => Self::Internal(message),
        }
    }
}

impl From<ThemeError> for AppError {
    fn from(error: ThemeError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// Marks a response as an error to be rendered as a themed page.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: String,
    /// The catalogue's message to show instead of `message`, when there is one.
    pub said: Option<kolokol_core::Message>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Moved(to) = &self {
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(axum::http::header::LOCATION, to.clone())],
            )
                .into_response();
        }
        match &self {
            Self::Internal(_) | Self::Store(_) => {
                tracing::error!(error.cause = %chain(&self), "request failed");
            }
            Self::Unavailable(_) => {
                tracing::warn!(error.cause = %chain(&self), "database unavailable");
            }
            _ => {}
        }
        let status = self.status();
        let message = self.public_message();
        let mut response = (status, message.clone()).into_response();
        let retry_after = match &self {
            Self::Busy => Some("2"),
            Self::Unavailable(_) => Some("30"),
            Self::TooManyRenders => Some("60"),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(seconds),
            );
        }
        response.extensions_mut().insert(ErrorPage {
            status,
            message,
            said: self.said(),
        });
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failures_are_mapped_on_purpose_with_their_cause() {
        let conflict = AppError::from(StoreError::Conflict("articles.slug".into()));
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
        assert!(conflict.public_message().contains("already taken"));
        assert_eq!(
            AppError::from(StoreError::NotFound).status(),
            StatusCode::NOT_FOUND
        );
        let unavailable = AppError::from(StoreError::from(sqlx::Error::PoolTimedOut));
        assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            unavailable.into_response().headers()[axum::http::header::RETRY_AFTER],
            "30"
        );
        let broken = AppError::from(StoreError::from(sqlx::Error::Protocol("bad frame".into())));
        assert_eq!(broken.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            chain(&broken).contains("bad frame"),
            "the cause reaches the log: {}",
            chain(&broken)
        );
        assert!(
            !broken.public_message().contains("bad frame"),
            "but not the reader"
        );
    }
}

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
    #[error("the address is too long")]
    UriTooLong,
    /// Signed in, but this role may not do this (or the form's CSRF token is stale).
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("too many attempts: {0}")]
    TooManyRequests(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the reader is told.
    pub fn public_message(&self) -> String {
        match self {
            Self::NotFound => {
                "We could not find that page. It may have moved, or the address may be mistyped."
                    .into()
            }
            Self::BadRequest(message)
            | Self::Forbidden(message)
            | Self::TooManyRequests(message) => message.clone(),
            Self::UriTooLong => "That address is far too long for any page of this site.".into(),
            Self::Internal(_) => {
                "Something went wrong on our side. Please try again in a minute.".into()
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        Self::Internal(error.to_string())
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
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(error.cause = %cause, "request failed");
        }
        let status = self.status();
        let mut response = (status, self.public_message()).into_response();
        response.extensions_mut().insert(ErrorPage {
            status,
            message: self.public_message(),
        });
        response
    }
}

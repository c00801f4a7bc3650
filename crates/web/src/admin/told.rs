//! What a newsroom form page says of what was sent, and the status it answers with.

use axum::http::StatusCode;
use kolokol_core::FieldErrors;

/// What a form page says of what was sent: nothing yet (200), the problems found
/// in it (422, the form sent back as typed), a conflict with the state of things
/// (409), or that what it is about is gone (404).
pub(super) struct Told {
    pub(super) status: StatusCode,
    pub(super) errors: FieldErrors,
}

impl Told {
    pub(super) fn nothing() -> Self {
        Self::with(StatusCode::OK)
    }

    pub(super) fn problems(errors: FieldErrors) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        }
    }

    /// Problems with the state of things rather than with what was typed (409).
    pub(super) fn conflict(errors: FieldErrors) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            errors,
        }
    }

    pub(super) fn gone() -> Self {
        Self::with(StatusCode::NOT_FOUND)
    }

    fn with(status: StatusCode) -> Self {
        Self {
            status,
            errors: FieldErrors::new(),
        }
    }
}

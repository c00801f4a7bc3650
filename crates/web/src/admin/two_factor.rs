//! Two-factor sign-in with an authenticator app (TOTP, RFC 6238): setting it up with
//! a QR code, one-time recovery codes, the second step of signing in, and turning it
//! off. Codes are checked with one step of clock skew either way.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use kolokol_operations::signin::{self, SecondStep, THROTTLE_MINUTES};
use kolokol_operations::{Error as OpError, two_factor};
use minijinja::context;

use super::auth::next_from;
use super::{AnyStaff, StaffForm};
use super::{FormData, PendingStaff, Staff, admin_page, password, see_other};
use crate::error::AppError;
use crate::state::AppState;

/// The second step of signing in.
pub async fn challenge_form(
    State(state): State<AppState>,
    pending: PendingStaff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    challenge_page(
        &state,
        &pending,
        StatusCode::OK,
        None,
        &next_from(query.as_deref()),
    )
}

fn challenge_page(
    state: &AppState,
    pending: &PendingStaff,
    status: StatusCode,
    error: Option<&str>,
    next: &str,
) -> Result<Response, AppError> {
    admin_page(
        state,
        None,
        status,
        "admin/two-factor-challenge.html",
        context! { challenge_csrf => pending.csrf, error, next, email => pending.user.email.as_str() },
    )
}

pub async fn challenge(
    State(state): State<AppState>,
    pending: PendingStaff,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let next = next_from(query.as_deref());
    if !password::same_secret(form.get("csrf"), &pending.csrf) {
        return Err(AppError::Denied(kolokol_core::Message::new(
            "admin-challenge-expired",
        )));
    }
    let issuer = state.site().title.clone();
    let outcome = signin::second_step(
        &state.store,
        &issuer,
        &pending.user,
        &pending.token_hash,
        form.get("code"),
        Utc::now(),
    )
    .await?;
    match outcome {
        SecondStep::Verified => Ok(see_other(&next)),
        SecondStep::Throttled => {
            let message = state.words().t_with(
                "admin-codes-throttled",
                [("minutes", THROTTLE_MINUTES.into())],
            );
            challenge_page(
                &state,
                &pending,
                StatusCode::TOO_MANY_REQUESTS,
                Some(&message),
                &next,
            )
        }
        SecondStep::Refused => challenge_page(
            &state,
            &pending,
            StatusCode::UNAUTHORIZED,
            Some(&state.words().t("admin-code-wrong")),
            &next,
        ),
    }
}

/// Setting up two-factor sign-in, or seeing that it is on.
pub async fn setup(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    setup_page(
        &state,
        &staff,
        StatusCode::OK,
        None,
        query.as_deref() == Some("required=1"),
    )
    .await
}

async fn setup_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    error: Option<&str>,
    required: bool,
) -> Result<Response, AppError> {
    if staff.user.two_factor {
        return admin_page(
            state,
            Some(staff),
            status,
            "admin/two-factor.html",
            context! { enabled => true, error, required_by_site => state.site().require_two_factor },
        );
    }
    let secret = two_factor::pending_secret(&state.store, &staff.user).await?;
    let totp = two_factor::authenticator(&secret, &state.site().title, staff.user.email.as_str())?;
    let qr = kolokol_render::qr::data_uri(&totp.get_url()).map_err(AppError::Internal)?;
    admin_page(
        state,
        Some(staff),
        status,
        "admin/two-factor.html",
        context! { enabled => false, secret, qr, error, required },
    )
}

pub async fn enable(
    State(state): State<AppState>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    if staff.user.two_factor {
        return Ok(see_other("/admin/two-factor"));
    }
    let issuer = state.site().title.clone();
    let code = form.get("code");
    match two_factor::enable(&state.store, &staff.user, &issuer, code, Utc::now()).await {
        Ok(codes) => admin_page(
            &state,
            Some(&staff),
            StatusCode::OK,
            "admin/two-factor.html",
            context! { enabled => true, codes },
        ),
        Err(error) => refused(&state, &staff, error).await,
    }
}

pub async fn disable(
    State(state): State<AppState>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    if state.site().require_two_factor {
        return Err(AppError::Denied(kolokol_core::Message::new(
            "admin-two-factor-required",
        )));
    }
    let issuer = state.site().title.clone();
    let code = form.get("code");
    match two_factor::disable(&state.store, &staff.user, &issuer, code, Utc::now()).await {
        Ok(()) => Ok(see_other("/admin/two-factor")),
        Err(error) => refused(&state, &staff, error).await,
    }
}

/// The two-factor page again, saying why the code was refused; any other error is
/// an error page.
async fn refused(state: &AppState, staff: &Staff, error: OpError) -> Result<Response, AppError> {
    match error {
        OpError::Refused(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let message = staff.words(state).say(&message);
            setup_page(state, staff, status, Some(&message), false).await
        }
        other => Err(other.into()),
    }
}

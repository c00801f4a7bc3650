//! Two-factor sign-in with an authenticator app (TOTP, RFC 6238): setting it up with
//! a QR code, one-time recovery codes, the second step of signing in, and turning it
//! off. Codes are checked with one step of clock skew either way.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use chrono::{Duration, Utc};
use minijinja::context;
use rand::RngCore;
use rand::rngs::OsRng;
use totp_rs::{Algorithm, Secret, TOTP};

use super::auth::{MAX_FAILURES_PER_ACCOUNT, THROTTLE_MINUTES, next_from};
use super::{FormData, PendingStaff, Staff, admin_page, password, see_other};
use crate::error::AppError;
use crate::state::AppState;

/// How many recovery codes a person gets.
pub const RECOVERY_CODES: usize = 10;

fn totp(secret: &str, issuer: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| AppError::Internal(format!("stored TOTP secret: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(issuer.replace(':', " ")),
        account.to_owned(),
    )
    .map_err(|e| AppError::Internal(format!("TOTP: {e}")))
}

/// A new 160-bit secret, base32.
fn new_secret() -> String {
    let mut bytes = [0_u8; 20];
    OsRng.fill_bytes(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => String::new(),
    }
}

/// Recovery codes as people type them: `abcde-12345`; stored only as hashes.
fn recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0_u8; 5];
            OsRng.fill_bytes(&mut bytes);
            let hex = hex::encode(bytes);
            format!("{}-{}", &hex[..5], &hex[5..])
        })
        .collect()
}

/// A recovery code as typed (any case, with or without the dash and spaces), hashed.
fn recovery_hash(typed: &str) -> String {
    let normalised: String = typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    password::token_hash(&normalised)
}

/// Whether `code` is the current TOTP code.
fn code_matches(totp: &TOTP, code: &str) -> bool {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    digits.len() == 6 && totp.check_current(&digits).unwrap_or(false)
}

/// Whether `code` is the current code of `user`'s secret (pending or enabled).
async fn current_code_ok(
    state: &AppState,
    user: &kolokol_core::User,
    code: &str,
) -> Result<bool, AppError> {
    match state.store.totp_secret(user.id).await? {
        Some(secret) if !secret.is_empty() => Ok(code_matches(
            &totp(&secret, &state.site().title, user.email.as_str())?,
            code,
        )),
        _ => Ok(false),
    }
}

/// A QR code of `url` (an `otpauth://` address, a crypto-currency address), as a data
/// URI (the CSP allows data: images).
pub(crate) fn qr_data_uri(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

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
        return Err(AppError::Forbidden(
            "This form has expired. Sign in again.".into(),
        ));
    }
    let now = Utc::now();
    let account = pending.user.email.as_str();
    let (failures, _) = state
        .store
        .login_failures(account, "", now - Duration::minutes(THROTTLE_MINUTES))
        .await?;
    if failures >= MAX_FAILURES_PER_ACCOUNT {
        let message =
            format!("Too many wrong codes. Wait {THROTTLE_MINUTES} minutes and try again.");
        return challenge_page(
            &state,
            &pending,
            StatusCode::TOO_MANY_REQUESTS,
            Some(&message),
            &next,
        );
    }
    let code = form.get("code").trim();
    let by_app = current_code_ok(&state, &pending.user, code).await?;
    let by_recovery = !by_app
        && code.len() >= 10
        && state
            .store
            .use_recovery_code(pending.user.id, &recovery_hash(code), now)
            .await?;
    if !(by_app || by_recovery) {
        state
            .store
            .record_login_failure(account, "two-factor", now)
            .await?;
        state
            .store
            .record_audit(
                Some(pending.user.id),
                "login.two_factor_failed",
                account,
                "",
                now,
            )
            .await?;
        return challenge_page(
            &state,
            &pending,
            StatusCode::UNAUTHORIZED,
            Some("That code is not right. Use the current code from your app, or a recovery code."),
            &next,
        );
    }
    state.store.verify_session(&pending.token_hash).await?;
    let how = if by_recovery {
        "recovery code"
    } else {
        "authenticator app"
    };
    state
        .store
        .record_audit(Some(pending.user.id), "login", account, how, now)
        .await?;
    Ok(see_other(&next))
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
    let secret = match state.store.totp_secret(staff.user.id).await? {
        Some(secret) => secret,
        None => {
            let secret = new_secret();
            state.store.set_pending_totp(staff.user.id, &secret).await?;
            secret
        }
    };
    let totp = totp(&secret, &state.site().title, staff.user.email.as_str())?;
    let qr = qr_data_uri(&totp.get_url())?;
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
    staff: Staff,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    staff.check_csrf(&form)?;
    if staff.user.two_factor {
        return Ok(see_other("/admin/two-factor"));
    }
    if !current_code_ok(&state, &staff.user, form.get("code")).await? {
        return setup_page(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, Some("That code does not match. Check the time on your phone and enter the current code."), false).await;
    }
    let codes = recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
    state.store.enable_totp(staff.user.id, &hashes).await?;
    state
        .store
        .record_audit(
            Some(staff.user.id),
            "two_factor.enable",
            staff.user.email.as_str(),
            "",
            Utc::now(),
        )
        .await?;
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/two-factor.html",
        context! { enabled => true, codes },
    )
}

pub async fn disable(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    staff.check_csrf(&form)?;
    if state.site().require_two_factor {
        return Err(AppError::Forbidden(
            "The newsroom requires two-factor sign-in, so it cannot be turned off.".into(),
        ));
    }
    if !current_code_ok(&state, &staff.user, form.get("code")).await? {
        return setup_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Enter the current code from your app to turn two-factor sign-in off."),
            false,
        )
        .await;
    }
    state.store.disable_totp(staff.user.id).await?;
    state
        .store
        .record_audit(
            Some(staff.user.id),
            "two_factor.disable",
            staff.user.email.as_str(),
            "",
            Utc::now(),
        )
        .await?;
    Ok(see_other("/admin/two-factor"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_codes_and_recovery_codes() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let totp = totp(&secret, "The: Bell", "anna@bell.example").unwrap();
        let current = totp.generate_current().unwrap();
        assert!(code_matches(&totp, &current));
        assert!(
            code_matches(&totp, &format!("{} {}", &current[..3], &current[3..])),
            "spaces are forgiven"
        );
        assert!(!code_matches(&totp, "12345"));
        assert!(totp.get_url().starts_with("otpauth://totp/"));
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), 11);
        assert_eq!(
            recovery_hash(&codes[0]),
            recovery_hash(&codes[0].to_uppercase().replace('-', " "))
        );
        assert!(
            qr_data_uri(&totp.get_url())
                .unwrap()
                .starts_with("data:image/svg+xml;base64,")
        );
    }
}

//! Two-factor sign-in with an authenticator app (TOTP, RFC 6238): setting it up with
//! a QR code, one-time recovery codes, the second step of signing in, and turning it
//! off. Codes are checked with one step of clock skew either way.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, Utc};
use minijinja::context;
use rand::RngCore;
use rand::rngs::OsRng;
use totp_rs::{Algorithm, Secret, TOTP};

use kolokol_store::{AttemptDecision, SignInAttempt};

use super::auth::{
    MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, THROTTLE_MINUTES, next_from,
};
use super::{AnyStaff, StaffForm};
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

/// The time step whose code `code` is, within one step of clock skew either way.
fn matching_step(totp: &TOTP, code: &str, now: i64) -> Option<i64> {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 6 {
        return None;
    }
    let step = now.div_euclid(30);
    // Every candidate is compared, in constant time, whichever matches.
    let mut found = None;
    for candidate in [step - 1, step, step + 1] {
        let at = u64::try_from(candidate * 30).unwrap_or(0);
        if password::same_secret(&totp.generate(at), &digits) && found.is_none() {
            found = Some(candidate);
        }
    }
    found
}

/// Whether `code` is `user`'s current code (pending or enabled secret), and it was not
/// used before: each step's code works once, and never after a later one.
async fn current_code_ok(
    state: &AppState,
    user: &kolokol_core::User,
    code: &str,
) -> Result<bool, AppError> {
    let Some(secret) = state.store.totp_secret(user.id).await? else {
        return Ok(false);
    };
    if secret.is_empty() {
        return Ok(false);
    }
    let totp = totp(&secret, &state.site().title, user.email.as_str())?;
    match matching_step(&totp, code, Utc::now().timestamp()) {
        Some(step) => Ok(state.store.use_totp_step(user.id, step).await?),
        None => Ok(false),
    }
}

/// How a second factor was given, or `None` when `code` is neither the current code
/// from the app nor an unused recovery code of `user`.
pub(super) async fn second_factor(
    state: &AppState,
    user: &kolokol_core::User,
    code: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Option<&'static str>, AppError> {
    let code = code.trim();
    if current_code_ok(state, user, code).await? {
        return Ok(Some("authenticator app"));
    }
    if code.len() >= 10
        && state
            .store
            .use_recovery_code(user.id, &recovery_hash(code), now)
            .await?
    {
        return Ok(Some("recovery code"));
    }
    Ok(None)
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
    let attempt = SignInAttempt {
        account,
        address: "",
        recorded_address: "two-factor",
        since: now - Duration::minutes(THROTTLE_MINUTES),
        account_limit: Some(MAX_FAILURES_PER_ACCOUNT),
        address_limit: MAX_FAILURES_PER_ADDRESS,
    };
    let AttemptDecision::Allowed(attempt) =
        state.store.begin_sign_in_attempt(&attempt, now).await?
    else {
        let message =
            format!("Too many wrong codes. Wait {THROTTLE_MINUTES} minutes and try again.");
        return challenge_page(
            &state,
            &pending,
            StatusCode::TOO_MANY_REQUESTS,
            Some(&message),
            &next,
        );
    };
    let Some(how) = second_factor(&state, &pending.user, form.get("code"), now).await? else {
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
    };
    state.store.forget_sign_in_attempt(attempt).await?;
    state.store.verify_session(&pending.token_hash).await?;
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
    if !current_code_ok(&state, &staff.user, form.get("code")).await? {
        return setup_page(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, Some("That code does not match. Check the time on your phone and enter the current code."), false).await;
    }
    let codes = recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
    let audit = kolokol_operations::Actor::Staff(&staff.user)
        .audit("two_factor.enable", staff.user.email.as_str());
    state
        .store
        .enable_totp(staff.user.id, &hashes, &audit, Utc::now())
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
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
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
    let audit = kolokol_operations::Actor::Staff(&staff.user)
        .audit("two_factor.disable", staff.user.email.as_str());
    state
        .store
        .disable_totp(staff.user.id, &audit, Utc::now())
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
        let now = 1_790_000_000_i64;
        let current = totp.generate(now as u64);
        assert_eq!(matching_step(&totp, &current, now), Some(now / 30));
        assert_eq!(
            matching_step(&totp, &format!("{} {}", &current[..3], &current[3..]), now),
            Some(now / 30),
            "spaces are forgiven"
        );
        assert_eq!(
            matching_step(&totp, &totp.generate(now as u64 - 30), now),
            Some(now / 30 - 1),
            "one step of skew"
        );
        assert_eq!(
            matching_step(&totp, &totp.generate(now as u64 - 90), now),
            None
        );
        assert_eq!(matching_step(&totp, "12345", now), None);
        assert!(totp.get_url().starts_with("otpauth://totp/"));
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), 11);
        assert_eq!(
            recovery_hash(&codes[0]),
            recovery_hash(&codes[0].to_uppercase().replace('-', " "))
        );
        assert!(
            kolokol_render::qr::data_uri(&totp.get_url())
                .unwrap()
                .starts_with("data:image/svg+xml;base64,")
        );
    }
}

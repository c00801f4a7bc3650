//! Two-factor sign-in with an authenticator app (TOTP, RFC 6238): secrets, one-time
//! recovery codes, checking a code (once per time step, one step of clock skew either
//! way), and turning it on and off.

use chrono::{DateTime, Utc};
use kolokol_core::User;
use kolokol_store::DynStore;
use rand::RngCore;
use rand::rngs::OsRng;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::{Actor, Error, secrets};

/// How many recovery codes a person gets.
pub const RECOVERY_CODES: usize = 10;

/// The authenticator for `secret`, named `issuer: account` in the app.
pub fn authenticator(secret: &str, issuer: &str, account: &str) -> Result<TOTP, Error> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| Error::Internal(format!("stored TOTP secret: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(issuer.replace(':', " ")),
        account.to_owned(),
    )
    .map_err(|e| Error::Internal(format!("TOTP: {e}")))
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
    secrets::token_hash(&normalised)
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
        if secrets::same_secret(&totp.generate(at), &digits) && found.is_none() {
            found = Some(candidate);
        }
    }
    found
}

/// Whether `code` is `user`'s current code (pending or enabled secret), and it was
/// not used before: each step's code works once, and never after a later one.
pub async fn current_code_ok(
    store: &DynStore,
    issuer: &str,
    user: &User,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let Some(secret) = store.totp_secret(user.id).await? else {
        return Ok(false);
    };
    if secret.is_empty() {
        return Ok(false);
    }
    let totp = authenticator(&secret, issuer, user.email.as_str())?;
    match matching_step(&totp, code, now.timestamp()) {
        Some(step) => Ok(store.use_totp_step(user.id, step).await?),
        None => Ok(false),
    }
}

/// How a second factor was given, or `None` when `code` is neither the current code
/// from the app nor an unused recovery code of `user` (which it then uses up).
pub async fn second_factor(
    store: &DynStore,
    issuer: &str,
    user: &User,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<&'static str>, Error> {
    let code = code.trim();
    if current_code_ok(store, issuer, user, code, now).await? {
        return Ok(Some("authenticator app"));
    }
    if code.len() >= 10
        && store
            .use_recovery_code(user.id, &recovery_hash(code), now)
            .await?
    {
        return Ok(Some("recovery code"));
    }
    Ok(None)
}

/// The secret `user` is setting up (made and kept as pending the first time), for the
/// QR code and the typed key.
pub async fn pending_secret(store: &DynStore, user: &User) -> Result<String, Error> {
    if let Some(secret) = store.totp_secret(user.id).await? {
        return Ok(secret);
    }
    let secret = new_secret();
    store.set_pending_totp(user.id, &secret).await?;
    Ok(secret)
}

/// Refuses with `refusal` unless `code` is `user`'s current code from the app.
async fn require_current_code(
    store: &DynStore,
    issuer: &str,
    user: &User,
    code: &str,
    refusal: &'static str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if current_code_ok(store, issuer, user, code, now).await? {
        Ok(())
    } else {
        Err(Error::refused(refusal))
    }
}

/// Turns two-factor sign-in on for `user`, who proves the app works with its current
/// `code`; returns the recovery codes, shown once.
pub async fn enable(
    store: &DynStore,
    user: &User,
    issuer: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, Error> {
    let refusal = "error-code-mismatch";
    require_current_code(store, issuer, user, code, refusal, now).await?;
    let codes = recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
    let audit = Actor::Staff(user).audit("two_factor.enable", user.email.as_str());
    store.enable_totp(user.id, &hashes, &audit, now).await?;
    Ok(codes)
}

/// Turns two-factor sign-in off for `user`, with the current `code` from the app.
pub async fn disable(
    store: &DynStore,
    user: &User,
    issuer: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let refusal = "error-code-to-disable";
    require_current_code(store, issuer, user, code, refusal, now).await?;
    let audit = Actor::Staff(user).audit("two_factor.disable", user.email.as_str());
    store.disable_totp(user.id, &audit, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_codes_and_recovery_codes() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let totp = authenticator(&secret, "The: Bell", "anna@bell.example").unwrap();
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
    }
}

//! Staff signing in and out: the password step (throttled per account and per
//! network address, decided atomically in the store), the second step for accounts
//! with two-factor sign-in, and signing out. Each outcome is audited.

use chrono::{DateTime, Duration, Utc};
use kolokol_core::{Email, User};
use kolokol_store::{AttemptDecision, DynStore, SignInAttempt};

use crate::{Error, secrets, two_factor};

/// Failed sign-ins allowed in the window, per account and per address.
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;
pub const THROTTLE_MINUTES: i64 = 15;
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 14;

/// What a person typed into the sign-in form, and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// A code from the app or a recovery code, typed with the password when the
    /// account is locked (empty otherwise).
    pub code: &'a str,
    /// The network address, for throttling and the audit log.
    pub address: &'a str,
}

/// A new session: the cookie's token (only its hash is stored) and its CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    /// False while the session waits for the second factor.
    pub verified: bool,
}

/// How the password step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// Too many failures; `account_locked` when it was the account's count (the
    /// owner may then type a code with the password).
    Throttled {
        account_locked: bool,
    },
    /// The e-mail, password (and code, when one was needed) do not match.
    Refused {
        with_code: bool,
    },
    Opened(NewSession),
}

/// The password step. `issuer` names the site in the authenticator app.
pub async fn sign_in(
    store: &DynStore,
    issuer: &str,
    typed: Credentials<'_>,
    now: DateTime<Utc>,
) -> Result<SignIn, Error> {
    let account = typed.email.trim().to_lowercase();
    let code = typed.code.trim();
    let mut attempt = SignInAttempt {
        account: &account,
        address: typed.address,
        recorded_address: typed.address,
        since: now - Duration::minutes(THROTTLE_MINUTES),
        account_limit: Some(MAX_FAILURES_PER_ACCOUNT),
        address_limit: MAX_FAILURES_PER_ADDRESS,
    };
    let mut decision = store.begin_sign_in_attempt(&attempt, now).await?;
    // Anyone can keep an account's count full; its owner still gets in by typing a
    // code from the authenticator app (or a recovery code) along with the password.
    // Those tries count against the network address, and succeed only with both.
    let with_code = decision == AttemptDecision::AccountLocked && !code.is_empty();
    if with_code {
        attempt.account_limit = None;
        decision = store.begin_sign_in_attempt(&attempt, now).await?;
    }
    let AttemptDecision::Allowed(attempt_id) = decision else {
        store
            .record_audit(None, "login.throttled", &account, typed.address, now)
            .await?;
        return Ok(SignIn::Throttled {
            account_locked: decision == AttemptDecision::AccountLocked,
        });
    };
    let found = match Email::parse(&account) {
        Ok(email) => store.user_for_login(&email).await?,
        Err(_) => None,
    };
    let mut second_factor = None;
    let user = match found {
        Some((user, hash)) if secrets::verify(typed.password, &hash) => {
            if with_code && user.two_factor {
                second_factor = two_factor::second_factor(store, issuer, &user, code, now).await?;
            }
            (!with_code || second_factor.is_some()).then_some(user)
        }
        other => {
            if other.is_none() {
                secrets::verify_nothing(typed.password);
            }
            None
        }
    };
    let Some(user) = user else {
        store
            .record_audit(None, "login.failed", &account, typed.address, now)
            .await?;
        return Ok(SignIn::Refused { with_code });
    };
    store.forget_sign_in_attempt(attempt_id).await?;
    // With two-factor on, the session waits for the code before it opens anything
    // (unless the code came with the password).
    let verified = !user.two_factor || second_factor.is_some();
    let session = NewSession {
        token: secrets::random_token(),
        csrf: secrets::random_token(),
        verified,
    };
    store
        .create_session(
            &secrets::token_hash(&session.token),
            user.id,
            &session.csrf,
            now,
            now + Duration::days(SESSION_DAYS),
            verified,
        )
        .await?;
    if verified {
        let how = second_factor.unwrap_or(typed.address);
        store
            .record_audit(Some(user.id), "login", user.email.as_str(), how, now)
            .await?;
    }
    Ok(SignIn::Opened(session))
}

/// How the second step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondStep {
    Throttled,
    Refused,
    Verified,
}

/// The second step for the session `session_hash` of `user`, who passed the
/// password: a code from the app or an unused recovery code opens the session.
pub async fn second_step(
    store: &DynStore,
    issuer: &str,
    user: &User,
    session_hash: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<SecondStep, Error> {
    let account = user.email.as_str();
    let attempt = SignInAttempt {
        account,
        address: "",
        recorded_address: "two-factor",
        since: now - Duration::minutes(THROTTLE_MINUTES),
        account_limit: Some(MAX_FAILURES_PER_ACCOUNT),
        address_limit: MAX_FAILURES_PER_ADDRESS,
    };
    let AttemptDecision::Allowed(attempt) = store.begin_sign_in_attempt(&attempt, now).await?
    else {
        return Ok(SecondStep::Throttled);
    };
    let Some(how) = two_factor::second_factor(store, issuer, user, code, now).await? else {
        store
            .record_audit(Some(user.id), "login.two_factor_failed", account, "", now)
            .await?;
        return Ok(SecondStep::Refused);
    };
    store.forget_sign_in_attempt(attempt).await?;
    store.verify_session(session_hash).await?;
    store
        .record_audit(Some(user.id), "login", account, how, now)
        .await?;
    Ok(SecondStep::Verified)
}

/// Ends the session `session_hash` of `user`.
pub async fn sign_out(
    store: &DynStore,
    user: &User,
    session_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    store.delete_session(session_hash).await?;
    store
        .record_audit(Some(user.id), "logout", user.email.as_str(), "", now)
        .await?;
    Ok(())
}

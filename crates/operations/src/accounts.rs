//! Staff accounts made by the operator (the first admin, the demo's editor), and
//! their passwords: a reset by e-mailed link, and a new password set at the command
//! line. A new password ends every session of the account.

use chrono::{DateTime, Duration, Utc};
use kolokol_core::staff::check_new_password;
use kolokol_core::{Email, Role, User};
use kolokol_store::DynStore;

use crate::{Actor, Error, secrets, unless_taken};

/// Makes a staff account with its own password, at the command line: the operator
/// only (the newsroom invites people instead). The name needs letters or digits.
pub async fn create(
    store: &DynStore,
    actor: Actor<'_>,
    email: &Email,
    name: &str,
    role: Role,
    password: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    if !matches!(actor, Actor::Operator) {
        return Err(Error::Forbidden("action-make-accounts-directly"));
    }
    let name = name.trim();
    if name.is_empty() || kolokol_core::Slug::from_title(name).is_err() {
        return Err(Error::field(
            "name",
            kolokol_core::Message::new("error-name-letters"),
        ));
    }
    check_new_password(password).map_err(|e| Error::field("password", e))?;
    let hash = secrets::hash(password).map_err(Error::Internal)?;
    let mut audit = actor.audit("user.add", email.as_str());
    audit.detail = role.as_str().to_owned();
    let created = store
        .create_user(email, name, role, &hash, &audit, now)
        .await;
    unless_taken(created, || {
        Error::Refused(
            kolokol_core::Message::new("error-account-exists").with("email", email.as_str()),
        )
    })
}

/// How long a reset link works.
pub const RESET_HOURS: i64 = 2;

/// A reset link to mail: whose it is, and the secret that goes in the address.
#[derive(Debug)]
pub struct ResetLink {
    pub user: User,
    pub token: String,
}

/// Starts a reset for the account with this address. None when there is no such
/// enabled account: the caller says the same either way, so the form cannot be used
/// to find out who works in the newsroom.
pub async fn request_password_reset(
    store: &DynStore,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<ResetLink>, Error> {
    let email = Email::parse(email)
        .map_err(|_| Error::field("email", kolokol_core::Message::new("error-sign-in-email")))?;
    let Some((user, _)) = store.user_for_login(&email).await? else {
        return Ok(None);
    };
    let token = secrets::random_token();
    let expires_at = now + Duration::hours(RESET_HOURS);
    store
        .create_password_reset(user.id, &secrets::token_hash(&token), expires_at, now)
        .await?;
    Ok(Some(ResetLink { user, token }))
}

/// Whose reset link this is, while it still works.
pub async fn reset_link_user(
    store: &DynStore,
    token: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    store
        .password_reset_user(&secrets::token_hash(token), now)
        .await?
        .ok_or(Error::NotFound)
}

/// Sets the new password chosen through a reset link, using the link up.
pub async fn reset_password(
    store: &DynStore,
    token: &str,
    password: &str,
    again: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    let user = reset_link_user(store, token, now).await?;
    let hash = checked_hash(password, again)?;
    let audit = Actor::Staff(&user)
        .audit("staff.password-reset", user.email.as_str())
        .detail("by e-mailed link");
    let token_hash = secrets::token_hash(token);
    if store
        .change_password(user.id, &hash, Some(&token_hash), &audit, now)
        .await?
    {
        Ok(user)
    } else {
        Err(Error::NotFound)
    }
}

/// The operator gives an account a new password (`kolokol user reset-password`).
pub async fn set_password(
    store: &DynStore,
    actor: Actor<'_>,
    email: &Email,
    password: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    actor.require(|role| role.is_admin(), "action-set-other-peoples-passwords")?;
    let (user, _) = store.user_for_login(email).await?.ok_or(Error::NotFound)?;
    let hash = checked_hash(password, password)?;
    let audit = actor
        .audit("staff.password-set", user.email.as_str())
        .detail("sessions ended");
    store
        .change_password(user.id, &hash, None, &audit, now)
        .await?;
    Ok(user)
}

/// The password's argon2 hash once it is long enough and typed the same twice.
fn checked_hash(password: &str, again: &str) -> Result<String, Error> {
    if let Err(message) = check_new_password(password) {
        return Err(Error::field("password", message));
    }
    if password != again {
        return Err(Error::field(
            "password_again",
            kolokol_core::Message::new("error-passwords-differ"),
        ));
    }
    secrets::hash(password).map_err(Error::Internal)
}

//! Reader revenue: payment events from the provider into the ledger, events this
//! version cannot read kept for later, refused checkouts noted, and supporters'
//! sign-in by mailed link.

use chrono::{DateTime, Duration, Utc};
use kolokol_core::revenue::{PaymentEvent, UnreadPaymentEvent};
use kolokol_store::DynStore;

use crate::{Error, secrets};

/// Applies a provider's event to the ledger; true the first time it is recorded.
pub async fn apply_event(
    store: &DynStore,
    provider: &str,
    event: &PaymentEvent,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    Ok(store.apply_payment_event(provider, event, now).await?)
}

/// Keeps a signed event this version cannot read, with the reason, to apply later.
pub async fn keep_unread(store: &DynStore, event: &UnreadPaymentEvent) -> Result<(), Error> {
    Ok(store.keep_unread_payment_event(event).await?)
}

/// Notes a checkout refused before the provider was asked, and `why`.
pub async fn checkout_refused(
    store: &DynStore,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    store
        .record_audit(None, "checkout.refused", why, "", now)
        .await?;
    Ok(())
}

/// A sign-in link's token for the supporter with `email`, good for `minutes`; None
/// when nobody gave with that address (and nothing is written).
pub async fn supporter_link(
    store: &DynStore,
    email: &str,
    minutes: i64,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    let token = secrets::random_token();
    let known = store
        .supporter_login_token(
            email,
            &secrets::token_hash(&token),
            now + Duration::minutes(minutes),
        )
        .await?;
    Ok(known.map(|_| token))
}

/// A supporter's session: the cookie's token (stored only hashed) and its CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterSession {
    pub token: String,
    pub csrf: String,
}

/// Uses up the mailed link's `token` and opens a session for `days`; None when the
/// link has expired or was used.
pub async fn supporter_sign_in(
    store: &DynStore,
    token: &str,
    days: i64,
    now: DateTime<Utc>,
) -> Result<Option<SupporterSession>, Error> {
    let session = SupporterSession {
        token: secrets::random_token(),
        csrf: secrets::random_token(),
    };
    let opened = store
        .supporter_sign_in(
            &secrets::token_hash(token),
            &secrets::token_hash(&session.token),
            &session.csrf,
            now,
            now + Duration::days(days),
        )
        .await?;
    Ok(opened.map(|_| session))
}

/// Ends the supporter's session `session_hash`.
pub async fn supporter_sign_out(store: &DynStore, session_hash: &str) -> Result<(), Error> {
    Ok(store.end_supporter_session(session_hash).await?)
}

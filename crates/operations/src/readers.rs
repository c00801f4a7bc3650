//! The newsletter's readers, and what the newsroom does to its list: signing up,
//! confirming, leaving and coming back; importing, suppressing and exporting (admins
//! only, audited with the change).

use chrono::{DateTime, Duration, Utc};
use kolokol_core::{
    Email, ImportedSubscriber, Role, Signup, SignupOutcome, Subscriber, WebhookEvent,
};
use kolokol_store::{DynStore, ImportReport};

use crate::{Actor, Error, secrets, webhooks};

/// Counts a request from the network address behind `code` (sign-ups, sign-in
/// links, checkouts) and says how many came in the last hour, this one included.
pub async fn count_request(store: &DynStore, code: &str, now: DateTime<Utc>) -> Result<i64, Error> {
    Ok(store
        .record_signup_attempt(code, now - Duration::hours(1), now)
        .await?)
}

/// Records a reader's sign-up with their consent; whether a confirmation is to be
/// mailed.
pub async fn sign_up(
    store: &DynStore,
    signup: &Signup,
    now: DateTime<Utc>,
) -> Result<SignupOutcome, Error> {
    Ok(store.subscribe(signup, now).await?)
}

/// Confirms the subscription the mailed `token` belongs to; None when the link is
/// unknown, used or too old.
pub async fn confirm(
    store: &DynStore,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Subscriber>, Error> {
    let confirmed = store
        .confirm_subscription(&secrets::token_hash(token), now)
        .await?;
    if let Some(reader) = &confirmed {
        let body = serde_json::json!({
            "member": { "current": {
                "id": reader.id.to_string(),
                "email": reader.email.as_str(),
                "status": "free",
            } }
        });
        webhooks::tell(store, WebhookEvent::MemberAdded, &body, now).await;
    }
    Ok(confirmed)
}

/// A reader leaves (`subscribe` false, with `reason`) or comes back, from their own
/// signed link; suppressed and pending addresses do not change.
pub async fn set_subscribed(
    store: &DynStore,
    id: i64,
    subscribe: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<Subscriber>, Error> {
    Ok(store.set_subscribed(id, subscribe, reason, now).await?)
}

/// Adds confirmed readers from another service's export, all or nothing; those
/// already on the list are left as they are. Rows that name no language get the
/// issues of `main`, the site's main language.
pub async fn import(
    store: &DynStore,
    actor: Actor<'_>,
    rows: &[ImportedSubscriber],
    main: &str,
    now: DateTime<Utc>,
) -> Result<ImportReport, Error> {
    actor.require(Role::is_admin, "action-import-subscribers")?;
    let audit = actor.audit("subscribers.import", format!("{} rows", rows.len()));
    let rows: Vec<ImportedSubscriber> = rows
        .iter()
        .map(|row| ImportedSubscriber {
            language: if row.language.is_empty() {
                main.to_owned()
            } else {
                row.language.clone()
            },
            ..row.clone()
        })
        .collect();
    Ok(store.import_subscribers(&rows, &audit, now).await?)
}

/// Never mails `email` again; false when it is not on the list or is suppressed.
pub async fn suppress(
    store: &DynStore,
    actor: Actor<'_>,
    email: &Email,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    actor.require(Role::is_admin, "action-suppress-addresses")?;
    let mut audit = actor.audit("subscribers.suppress", email.as_str());
    audit.detail = reason.to_owned();
    Ok(store.suppress(email, reason, &audit, now).await?)
}

/// Notes in the audit log that the actor downloaded the list.
pub async fn exported(store: &DynStore, actor: Actor<'_>, now: DateTime<Utc>) -> Result<(), Error> {
    actor.require(Role::is_admin, "action-export-subscribers")?;
    store
        .record_audit(actor.user_id(), "subscribers.export", "", "", now)
        .await?;
    Ok(())
}

//! The newsletter's issues as editors prepare them: written, saved, scheduled for
//! the weekly slot or taken back to draft. (Sending itself is the sender's work.)

use chrono::{DateTime, Utc};
use kolokol_core::{IssueDraft, Role, User};
use kolokol_store::DynStore;

use crate::{Actor, Error};

const WHAT: &str = "action-prepare-the-newsletter";

fn started() -> Error {
    Error::refused("error-issue-sending")
}

/// Creates an issue from a checked draft; its id.
pub async fn create(
    store: &DynStore,
    editor: &User,
    draft: &IssueDraft,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let actor = Actor::Staff(editor);
    actor.require(Role::sees_all_articles, WHAT)?;
    let audit = actor.audit("newsletter.create", &draft.subject);
    Ok(store.create_issue(draft, editor.id, &audit, now).await?)
}

/// Saves a draft or scheduled issue; refused once it has started sending.
pub async fn save(
    store: &DynStore,
    editor: &User,
    id: i64,
    draft: &IssueDraft,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let actor = Actor::Staff(editor);
    actor.require(Role::sees_all_articles, WHAT)?;
    let audit = actor.audit("newsletter.save", &draft.subject);
    if store.update_issue(id, draft, &audit, now).await? {
        Ok(())
    } else {
        Err(started())
    }
}

/// Schedules the issue for `at` (the next weekly slot), or takes it back to draft
/// (`at` = None); refused once it has started sending.
pub async fn schedule(
    store: &DynStore,
    editor: &User,
    id: i64,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let actor = Actor::Staff(editor);
    actor.require(Role::sees_all_articles, WHAT)?;
    let issue = store.newsletter_issue(id).await?.ok_or(Error::NotFound)?;
    let audit = match at {
        Some(at) => actor
            .audit("newsletter.schedule", &issue.subject)
            .detail(at.to_rfc3339()),
        None => actor.audit("newsletter.unschedule", &issue.subject),
    };
    if store.schedule_issue(id, at, &audit, now).await? {
        Ok(())
    } else {
        Err(started())
    }
}

/// Notes in the audit log that the actor started sending the issue `subject`.
pub async fn send_started(
    store: &DynStore,
    actor: Actor<'_>,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(Role::sees_all_articles, "action-send-newsletter-issues")?;
    store
        .record_audit(actor.user_id(), "newsletter.send", subject, "", now)
        .await?;
    Ok(())
}

/// The secret that signs readers' links, the same on every node: made by whichever
/// node asks first.
pub async fn link_secret(store: &DynStore) -> Result<String, Error> {
    Ok(store
        .secret("newsletter", &crate::secrets::random_token())
        .await?)
}

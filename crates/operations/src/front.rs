//! The front page as the editors arrange it: a pinned lead and featured stories,
//! each until an optional end time; without pins, the newest story leads.

use chrono::{DateTime, Utc};
use kolokol_core::{ArticleId, PinSlot};
use kolokol_store::DynStore;

use crate::{Actor, Error};

/// Pins the article as the lead or a featured story until `until` (None: until
/// unpinned), or unpins it (`slot` = None).
pub async fn pin(
    store: &DynStore,
    actor: Actor<'_>,
    article: ArticleId,
    slot: Option<PinSlot>,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(
        |role| role.organises_the_site(),
        "action-arrange-the-front-page",
    )?;
    let editable = store
        .editable_article(article)
        .await?
        .ok_or(Error::NotFound)?;
    if let Some(until) = until
        && until <= now
    {
        return Err(Error::field(
            "until",
            kolokol_core::Message::new("error-pin-past"),
        ));
    }
    let (action, detail) = match (slot, until) {
        (None, _) => ("front.unpin", String::new()),
        (Some(slot), None) => ("front.pin", slot.as_str().to_owned()),
        (Some(slot), Some(until)) => (
            "front.pin",
            format!("{} until {}", slot.as_str(), until.to_rfc3339()),
        ),
    };
    let audit = actor.audit(action, &editable.draft.headline).detail(detail);
    Ok(store.pin_article(article, slot, until, &audit, now).await?)
}

//! Standing pages (About, Contacts, policies): written, revised, published and
//! withdrawn by editors and admins.

use chrono::{DateTime, Utc};
use kolokol_core::{PageForm, PageRecord};
use kolokol_store::{DynStore, StoreError};

use crate::{Actor, Error};

const WHAT: &str = "action-write-the-sites-standing-pages";

/// Saves a new page (`id` = None) or a new revision of one; returns its id.
/// `languages` are the site's (main first): the page is written in one of them.
pub async fn save(
    store: &DynStore,
    actor: Actor<'_>,
    id: Option<i64>,
    form: &PageForm,
    languages: &[String],
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    if let Some(id) = id {
        existing(store, id).await?;
    }
    let draft = form.validate(languages).map_err(Error::Invalid)?;
    let action = if id.is_some() {
        "page.save"
    } else {
        "page.create"
    };
    let audit = actor
        .audit(action, &draft.title)
        .detail(draft.slug.as_str());
    match store
        .save_page(id, &draft, actor.user_id(), &audit, now)
        .await
    {
        Err(StoreError::Conflict(_)) => Err(Error::field(
            "slug",
            kolokol_core::Message::new("error-slug-taken-page"),
        )),
        other => Ok(other?),
    }
}

/// Puts the page on the site, or takes it off.
pub async fn set_published(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    published: bool,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let page = existing(store, id).await?;
    let action = if published {
        "page.publish"
    } else {
        "page.withdraw"
    };
    let audit = actor.audit(action, &page.draft.title);
    Ok(store.set_page_published(id, published, &audit, now).await?)
}

/// The page, or `NotFound`.
pub async fn existing(store: &DynStore, id: i64) -> Result<PageRecord, Error> {
    store.page_record(id).await?.ok_or(Error::NotFound)
}

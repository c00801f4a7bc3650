//! Standing pages (About, Contacts, policies): written, revised, published and
//! withdrawn by editors and admins.

use chrono::{DateTime, Utc};
use kolokol_core::{PageForm, PageRecord, WebhookEvent};
use kolokol_store::DynStore;

use crate::{Actor, Error, unless_taken};

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
    let before = match id {
        Some(id) => Some(existing(store, id).await?),
        None => None,
    };
    let draft = form.validate(languages).map_err(Error::Invalid)?;
    let action = if id.is_some() {
        "page.save"
    } else {
        "page.create"
    };
    let audit = actor
        .audit(action, &draft.title)
        .detail(draft.slug.as_str());
    let saved = store
        .save_page(id, &draft, actor.user_id(), &audit, now)
        .await;
    let saved = unless_taken(saved, || Error::slug_taken("error-slug-taken-page"))?;
    if let Some(page) = before.filter(|page| page.published) {
        let edited = PageRecord { draft, ..page };
        crate::webhooks::tell_page(store, WebhookEvent::PagePublishedEdited, &edited, now).await;
    }
    Ok(saved)
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
    store.set_page_published(id, published, &audit, now).await?;
    if published != page.published {
        let (event, published_at) = if published {
            (
                WebhookEvent::PagePublished,
                Some(page.published_at.unwrap_or(now)),
            )
        } else {
            (WebhookEvent::PageUnpublished, page.published_at)
        };
        let changed = PageRecord {
            published,
            published_at,
            ..page
        };
        crate::webhooks::tell_page(store, event, &changed, now).await;
    }
    Ok(())
}

/// Deletes a page for good.
pub async fn delete(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let page = existing(store, id).await?;
    let audit = actor
        .audit("page.delete", &page.draft.title)
        .detail(page.draft.slug.as_str());
    store.delete_page(id, &audit, now).await?;
    crate::webhooks::tell_page(store, WebhookEvent::PageDeleted, &page, now).await;
    Ok(())
}

/// The page, or `NotFound`.
pub async fn existing(store: &DynStore, id: i64) -> Result<PageRecord, Error> {
    store.page_record(id).await?.ok_or(Error::NotFound)
}

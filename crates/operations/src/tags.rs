//! Tags: renamed, merged and deleted in the newsroom (articles create them as they
//! are saved).

use chrono::{DateTime, Utc};
use kolokol_core::TagRecord;
use kolokol_core::taxonomy::tag_input;
use kolokol_store::DynStore;

use crate::{Actor, Error, unless_taken};

const WHAT: &str = "action-change-the-sites-tags";

/// Gives a tag a new name (and its names in other languages) and, optionally, a
/// new address (the old one redirects).
pub async fn rename(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    name: &str,
    slug: &str,
    translations: &kolokol_core::Translations,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let old = existing(store, id).await?;
    let (name, slug, translations) = tag_input(name, slug, translations).map_err(Error::Invalid)?;
    let audit = actor
        .audit("tag.rename", &name)
        .detail(format!("{} ({}) → {name} ({slug})", old.name, old.slug));
    let renamed = store
        .rename_tag(id, &name, &slug, &translations, &audit, now)
        .await;
    unless_taken(renamed, || Error::slug_taken("error-slug-taken-tag"))
}

/// Moves every article of `from` to `into` and removes `from`; its address
/// redirects to `into`'s.
pub async fn merge(
    store: &DynStore,
    actor: Actor<'_>,
    from: i64,
    into: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let source = existing(store, from).await?;
    if from == into {
        return Err(Error::field(
            "into",
            kolokol_core::Message::new("error-merge-into-itself"),
        ));
    }
    let target = store
        .tag_record(into)
        .await?
        .ok_or_else(|| Error::field("into", kolokol_core::Message::new("error-tag-gone")))?;
    let audit = actor.audit("tag.merge", &target.name).detail(format!(
        "{} ({} articles) merged in",
        source.name, source.articles
    ));
    Ok(store.merge_tags(from, into, &audit, now).await?)
}

/// Takes the tag off every article and deletes it.
pub async fn delete(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let tag = existing(store, id).await?;
    let audit = actor
        .audit("tag.delete", &tag.name)
        .detail(format!("taken off {} articles", tag.articles));
    Ok(store.delete_tag(id, &audit, now).await?)
}

/// The tag, or `NotFound`.
pub async fn existing(store: &DynStore, id: i64) -> Result<TagRecord, Error> {
    store.tag_record(id).await?.ok_or(Error::NotFound)
}

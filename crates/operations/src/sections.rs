//! Sections: the site's menu and the address of each list.

use chrono::{DateTime, Utc};
use kolokol_core::{Section, SectionForm, SectionRecord};
use kolokol_store::{DynStore, SectionRemoval};

use crate::{Actor, Error, unless_taken};

const WHAT: &str = "action-change-the-sites-sections";

fn slug_taken() -> Error {
    Error::slug_taken("error-slug-taken-section")
}

/// Creates a section.
pub async fn create(
    store: &DynStore,
    actor: Actor<'_>,
    form: &SectionForm,
    now: DateTime<Utc>,
) -> Result<Section, Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let input = form.validate().map_err(Error::Invalid)?;
    let audit = actor
        .audit("section.create", &input.name)
        .detail(input.slug.as_str());
    unless_taken(store.insert_section(&input, &audit, now).await, slug_taken)
}

/// Changes a section's name, address, description, place or menu entry; a new
/// address leaves the old one redirecting.
pub async fn update(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    form: &SectionForm,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let old = existing(store, id).await?;
    let input = form.validate().map_err(Error::Invalid)?;
    let detail = if old.slug == input.slug {
        String::new()
    } else {
        format!("{} → {}", old.slug, input.slug)
    };
    let audit = actor.audit("section.update", &input.name).detail(detail);
    unless_taken(
        store.update_section(id, &input, &audit, now).await,
        slug_taken,
    )
}

/// Deletes a section: at once when it is empty, otherwise only by moving its
/// articles to `move_to`, whose address the old one then redirects to.
pub async fn delete(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    move_to: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let section = existing(store, id).await?;
    let target = match move_to {
        Some(target) if target == id => {
            return Err(Error::field(
                "move_to",
                kolokol_core::Message::new("error-move-into-itself"),
            ));
        }
        Some(target) => Some(store.section_record(target).await?.ok_or_else(|| {
            Error::field("move_to", kolokol_core::Message::new("error-section-gone"))
        })?),
        None => None,
    };
    let audit = actor.audit("section.delete", &section.name).detail(
        target.as_ref().map_or(String::new(), |t| {
            format!("{} articles moved to {}", section.articles, t.name)
        }),
    );
    match store
        .delete_section(id, target.map(|t| t.id), &audit, now)
        .await?
    {
        SectionRemoval::Deleted => Ok(()),
        SectionRemoval::HasArticles(count) => Err(Error::field(
            "move_to",
            kolokol_core::Message::new("error-section-not-empty").with("n", count),
        )),
    }
}

/// The section, or `NotFound`.
pub async fn existing(store: &DynStore, id: i64) -> Result<SectionRecord, Error> {
    store.section_record(id).await?.ok_or(Error::NotFound)
}

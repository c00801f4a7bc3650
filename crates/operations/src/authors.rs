//! Author profiles: bylines for staff and for guests who never sign in.

use chrono::{DateTime, Utc};
use kolokol_core::{Author, AuthorForm, AuthorInput, AuthorRecord};
use kolokol_store::DynStore;

use crate::{Actor, Error, unless_taken};

const WHAT: &str = "action-edit-author-profiles";

/// Creates a profile (a guest's, or tied to a staff account).
pub async fn create(
    store: &DynStore,
    actor: Actor<'_>,
    form: &AuthorForm,
    now: DateTime<Utc>,
) -> Result<Author, Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    let input = checked(store, form).await?;
    let audit = actor
        .audit("author.create", &input.name)
        .detail(input.slug.as_str());
    unless_taken(store.insert_author(&input, &audit, now).await, slug_taken)
}

/// Changes a profile.
pub async fn update(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    form: &AuthorForm,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(|role| role.organises_the_site(), WHAT)?;
    existing(store, id).await?;
    let input = checked(store, form).await?;
    let audit = actor.audit("author.update", &input.name);
    unless_taken(
        store.update_author(id, &input, &audit, now).await,
        slug_taken,
    )
}

/// The profile, or `NotFound`.
pub async fn existing(store: &DynStore, id: i64) -> Result<AuthorRecord, Error> {
    store.author_record(id).await?.ok_or(Error::NotFound)
}

fn slug_taken() -> Error {
    Error::slug_taken("error-slug-taken-author")
}

/// The form's fields, with the photo and the account checked against what exists.
async fn checked(store: &DynStore, form: &AuthorForm) -> Result<AuthorInput, Error> {
    let input = form.validate().map_err(Error::Invalid)?;
    if let Some(photo) = input.photo_image_id
        && store.image(photo).await?.is_none()
    {
        return Err(Error::field(
            "photo",
            kolokol_core::Message::new("error-image-gone"),
        ));
    }
    if let Some(account) = input.account
        && !store.users().await?.iter().any(|u| u.id == account)
    {
        return Err(Error::field(
            "account",
            kolokol_core::Message::new("error-account-gone"),
        ));
    }
    Ok(input)
}

//! The media library.

use chrono::{DateTime, Utc};
use kolokol_core::NewImage;
use kolokol_store::DynStore;

use crate::{Actor, Error};

/// Adds a picture (its files already written to the media folder) to the library;
/// `name` is what the uploader called it.
pub async fn add(
    store: &DynStore,
    actor: Actor<'_>,
    image: &NewImage,
    name: &str,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let audit = actor.audit("media.upload", name).detail(&image.path);
    Ok(store.create_image(image, &audit, now).await?)
}

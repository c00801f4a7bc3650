//! Translations: an article or a standing page joined to the version of it in
//! another language, from either side.

use chrono::{DateTime, Utc};
use kolokol_core::{ArticleId, Message, Translation};
use kolokol_store::{DynStore, Texts};

use crate::{Actor, Error, unless_taken};

/// Who may link `texts`' `id`: whoever may edit the article; for pages, whoever
/// organises the site. The text's title, for the audit log.
async fn linkable(
    store: &DynStore,
    actor: Actor<'_>,
    texts: Texts,
    id: i64,
) -> Result<String, Error> {
    match (texts, actor) {
        (Texts::Articles, _) => Ok(crate::articles::editable(store, actor, ArticleId(id))
            .await?
            .draft
            .headline),
        (Texts::Pages, _) => {
            actor.require(
                |role| role.organises_the_site(),
                "action-write-the-sites-standing-pages",
            )?;
            Ok(crate::pages::existing(store, id).await?.draft.title)
        }
    }
}

/// Makes `id` the translation of the text at `other` (its address); an empty
/// address takes it out of its translations.
pub async fn link(
    store: &DynStore,
    actor: Actor<'_>,
    texts: Texts,
    id: i64,
    other: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let title = linkable(store, actor, texts, id).await?;
    let other = other.trim().trim_matches('/');
    // An address pasted whole (`/ru/articles/x`) names its last part.
    let other = other.rsplit('/').next().unwrap_or_default();
    let target = if other.is_empty() {
        None
    } else {
        let found = store.text_by_slug(texts, other).await?;
        let found = found.ok_or_else(|| {
            Error::field(
                "translation",
                Message::new("error-translation-unknown").with("slug", other),
            )
        })?;
        Some(found)
    };
    let action = if target.is_some() {
        "translation.link"
    } else {
        "translation.unlink"
    };
    let audit = actor.audit(action, &title).detail(other);
    unless_taken(
        store.link_translation(texts, id, target, &audit, now).await,
        || {
            Error::field(
                "translation",
                Message::new("error-translation-language-taken"),
            )
        },
    )
}

/// Every version of `id` (itself included), by language.
pub async fn of(
    store: &DynStore,
    texts: Texts,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Translation>, Error> {
    Ok(store.translations(texts, id, now).await?)
}

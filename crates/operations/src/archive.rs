//! What arrives finished rather than written in the editor: articles with their
//! dates, authors and pictures, as the demo loader (and importers) bring them.

use chrono::{DateTime, Utc};
use kolokol_core::{ArticleId, NewArticle, Slug, Tag};
use kolokol_store::DynStore;

use crate::{Actor, Error, unless_taken};

/// Adds a finished article (published or not, with its own dates).
pub async fn add_article(
    store: &DynStore,
    actor: Actor<'_>,
    article: &NewArticle,
    now: DateTime<Utc>,
) -> Result<ArticleId, Error> {
    actor.require(
        |role| role.organises_the_site(),
        "action-add-finished-articles",
    )?;
    if kolokol_core::config::language_tag(&article.language).as_deref()
        != Ok(article.language.as_str())
    {
        return Err(Error::field(
            "language",
            kolokol_core::Message::new("error-language-offered")
                .with("languages", article.language.as_str()),
        ));
    }
    let audit = actor
        .audit("article.import", &article.headline)
        .detail(article.slug.as_str());
    unless_taken(store.create_article(article, &audit, now).await, || {
        Error::field(
            "slug",
            kolokol_core::Message::new("error-slug-taken-article")
                .with("slug", article.slug.as_str()),
        )
    })
}

/// Adds a tag (the editor creates them by name as articles are saved).
pub async fn add_tag(
    store: &DynStore,
    actor: Actor<'_>,
    slug: &Slug,
    name: &str,
) -> Result<Tag, Error> {
    actor.require(|role| role.organises_the_site(), "action-add-tags")?;
    Ok(store.create_tag(slug, name).await?)
}

//! The article desk: saving drafts and revisions, publishing, scheduling,
//! withdrawing, marking as updated, correcting and restoring a revision. Each checks
//! the staff member's role for this article (their own or anyone's) and writes the
//! change with its audit entry in one transaction.

use chrono::{DateTime, Utc};
use kolokol_core::{
    ArticleDraft, ArticleForm, ArticleId, ArticleStatus, EditableArticle, WebhookEvent,
};
use kolokol_store::DynStore;

use crate::{Actor, Error, unless_taken, webhooks};

/// Longest correction note, in characters.
pub const MAX_CORRECTION: usize = 2_000;

/// What a save came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// The form was the article as it stands: nothing written.
    Unchanged(ArticleId),
    /// A new article or a new revision.
    Written(ArticleId),
}

impl Saved {
    pub fn id(self) -> ArticleId {
        match self {
            Self::Unchanged(id) | Self::Written(id) => id,
        }
    }
}

/// The article, if `actor` may edit it. Scheduled counts as published: once an
/// editor has scheduled it, only someone allowed to publish may change what goes out.
pub async fn editable(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
) -> Result<EditableArticle, Error> {
    let article = store.editable_article(id).await?.ok_or(Error::NotFound)?;
    let own = actor.owns(&article);
    let published = article.status == ArticleStatus::Published;
    actor.require(
        |role| role.can_edit(own, published),
        "action-edit-this-article",
    )?;
    Ok(article)
}

/// The article, if `actor` may publish, withdraw or correct it.
pub async fn publishable(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
) -> Result<EditableArticle, Error> {
    let article = store.editable_article(id).await?.ok_or(Error::NotFound)?;
    let own = actor.owns(&article);
    actor.require(
        |role| role.can_publish(own),
        "action-publish-withdraw-or-correct-this-article",
    )?;
    Ok(article)
}

/// The form's draft, with the hero image checked against the library.
async fn checked_draft(
    store: &DynStore,
    form: &ArticleForm,
    languages: &[String],
) -> Result<ArticleDraft, Error> {
    let draft = form.validate(languages).map_err(Error::Invalid)?;
    if let Some(image) = draft.hero_image_id
        && store.image(image).await?.is_none()
    {
        return Err(Error::field(
            "hero_image",
            kolokol_core::Message::new("error-image-gone"),
        ));
    }
    Ok(draft)
}

/// Saves the editor's form as a new article (`id` = None) or a new revision.
/// `languages` are the site's (main first): the article is written in one of them.
pub async fn save(
    store: &DynStore,
    actor: Actor<'_>,
    id: Option<ArticleId>,
    form: &ArticleForm,
    languages: &[String],
    now: DateTime<Utc>,
) -> Result<Saved, Error> {
    let existing = match id {
        Some(id) => Some(editable(store, actor, id).await?),
        None => None,
    };
    let draft = checked_draft(store, form, languages).await?;
    if let Some(article) = &existing
        && draft == article.draft
    {
        return Ok(Saved::Unchanged(article.id));
    }
    let action = if existing.is_some() {
        "article.save"
    } else {
        "article.create"
    };
    let audit = actor.audit(action, &draft.headline);
    let written = write(store, id, &draft, &audit, now).await?;
    if let Some(article) = existing.filter(|article| article.is_live(now)) {
        let edited = EditableArticle { draft, ..article };
        webhooks::tell_post(store, WebhookEvent::PostPublishedEdited, &edited, now).await;
    }
    Ok(Saved::Written(written))
}

/// Writes a draft as a revision; a taken slug is the slug field's problem.
async fn write(
    store: &DynStore,
    id: Option<ArticleId>,
    draft: &ArticleDraft,
    audit: &kolokol_core::Audit,
    now: DateTime<Utc>,
) -> Result<ArticleId, Error> {
    unless_taken(
        store.save_article(id, draft, audit.user, audit, now).await,
        || Error::slug_taken("error-slug-taken-article-edit"),
    )
}

/// Puts an earlier revision back, as a new revision.
pub async fn restore(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
    revision: i64,
    now: DateTime<Utc>,
) -> Result<EditableArticle, Error> {
    let article = editable(store, actor, id).await?;
    let revisions = store.revisions(id).await?;
    let chosen = revisions
        .iter()
        .find(|r| r.id == revision)
        .ok_or(Error::NotFound)?;
    let audit = actor
        .audit("article.restore", &chosen.draft.headline)
        .detail(format!("revision {revision}"));
    write(store, Some(id), &chosen.draft, &audit, now).await?;
    Ok(article)
}

/// Publishes now; republishing keeps the first publication's date.
pub async fn publish(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let article = publishable(store, actor, id).await?;
    let at = article.published_at.filter(|t| *t <= now).unwrap_or(now);
    let audit = actor.audit("article.publish", &article.draft.headline);
    store
        .set_publication(id, ArticleStatus::Published, Some(at), &audit, now)
        .await?;
    let published = EditableArticle {
        published_at: Some(at),
        ..article
    };
    webhooks::tell_post(store, WebhookEvent::PostPublished, &published, now).await;
    Ok(())
}

/// Schedules publication for `at` (None: the time could not be read).
pub async fn schedule(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let article = publishable(store, actor, id).await?;
    let at = match at {
        None => {
            return Err(Error::field(
                "at",
                kolokol_core::Message::new("error-publish-time"),
            ));
        }
        Some(at) if at <= now => {
            return Err(Error::field(
                "at",
                kolokol_core::Message::new("error-publish-past"),
            ));
        }
        Some(at) => at,
    };
    let audit = actor
        .audit("article.schedule", &article.draft.headline)
        .detail(at.to_rfc3339());
    Ok(store
        .set_publication(id, ArticleStatus::Published, Some(at), &audit, now)
        .await?)
}

/// Takes the article off the site (its date is kept for a later republication).
pub async fn withdraw(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let article = publishable(store, actor, id).await?;
    let audit = actor.audit("article.unpublish", &article.draft.headline);
    store
        .set_publication(id, ArticleStatus::Draft, article.published_at, &audit, now)
        .await?;
    if article.is_live(now) {
        webhooks::tell_post(store, WebhookEvent::PostUnpublished, &article, now).await;
    }
    Ok(())
}

/// Deletes an article for good (editors and admins; others withdraw). One that
/// went out in a newsletter stays, for the archive of what was sent.
pub async fn delete(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let article = store.editable_article(id).await?.ok_or(Error::NotFound)?;
    actor.require(|role| role.organises_the_site(), "action-delete-articles")?;
    let audit = actor
        .audit("article.delete", &article.draft.headline)
        .detail(article.draft.slug.as_str());
    unless_taken(store.delete_article(id, &audit, now).await, || {
        Error::refused("error-article-in-newsletter")
    })?;
    webhooks::tell_post(store, WebhookEvent::PostDeleted, &article, now).await;
    Ok(())
}

/// Marks a live article as updated now.
pub async fn mark_updated(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let article = publishable(store, actor, id).await?;
    if !article.is_live(now) {
        return Err(Error::refused("error-update-unpublished"));
    }
    let audit = actor.audit("article.updated", &article.draft.headline);
    Ok(store.mark_updated(id, &audit, now).await?)
}

/// Adds a dated correction note at the foot of the article.
pub async fn correct(
    store: &DynStore,
    actor: Actor<'_>,
    id: ArticleId,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let article = publishable(store, actor, id).await?;
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_CORRECTION {
        return Err(Error::field(
            "correction",
            kolokol_core::Message::new("error-correction").with("max", 2000_u32),
        ));
    }
    let audit = actor
        .audit("article.correct", &article.draft.headline)
        .detail(text);
    Ok(store.add_correction(id, text, &audit, now).await?)
}

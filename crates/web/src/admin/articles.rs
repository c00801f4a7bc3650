//! The article desk: the editor, preview, publication, front-page pins,
//! corrections, revisions and the audit log.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use kolokol_core::{
    Article, ArticleForm, ArticleId, ArticleStatus, ArticleSummary, EditableArticle, FieldErrors,
    Revision,
};
use kolokol_render::markdown;
use minijinja::context;
use serde::Serialize;

use kolokol_operations as operations;
use kolokol_store::Texts;

use super::{AnyStaff, StaffForm};
use super::{FormData, Staff, admin_page, password, see_other};
use crate::error::AppError;
use crate::state::AppState;
use kolokol_render::views::{self, ArticleView, SiteView};

/// Where an article is, in the newsroom's words.
pub(super) fn state_label(
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> &'static str {
    match (status, published_at) {
        (ArticleStatus::Published, Some(at)) if at > now => "scheduled",
        (ArticleStatus::Published, _) => "published",
        (ArticleStatus::Draft, _) => "draft",
    }
}

/// The editor page, for a new article (`article` = None) or an existing one.
/// (Answered 422 when the form comes back with problems.)
async fn editor(
    state: &AppState,
    staff: &Staff,
    article: Option<&EditableArticle>,
    form: &ArticleForm,
    errors: &FieldErrors,
    notice: Option<&str>,
    original: Option<&EditableArticle>,
) -> Result<Response, AppError> {
    let translation_of = original.map(
        |o| context! { id => o.id.0, headline => o.draft.headline, language => o.draft.language },
    );
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    let images: Vec<_> = state
        .store
        .images(100)
        .await?
        .into_iter()
        .map(|image| {
            let label = format!(
                "#{} — {}×{} — {}",
                image.id,
                image.width,
                image.height,
                image.path.rsplit('/').next().unwrap_or("")
            );
            let thumbnail = image
                .variants
                .first()
                .map(|v| kolokol_render::urls::media(&v.path));
            context! { id => image.id.to_string(), label, thumbnail }
        })
        .collect();
    let credited: Vec<&str> = form.authors.split(',').map(str::trim).collect();
    let authors: Vec<_> = authors
        .iter()
        .map(|a| context! { id => a.id, name => a.name, checked => credited.contains(&a.id.to_string().as_str()) })
        .collect();
    let now = Utc::now();
    let tz = state.site().tz();
    let (own, live) = article.map_or((true, false), |a| {
        (
            a.is_own(staff.user.id, staff.user.author_id),
            a.is_live(now),
        )
    });
    let translations = match article {
        Some(a) => operations::translations::of(&state.store, Texts::Articles, a.id.0, now)
            .await?
            .into_iter()
            .filter(|t| t.id != a.id.0)
            .map(|t| {
                let url = t.live.then(|| {
                    format!(
                        "{}{}",
                        state.site_all().prefix(&t.language),
                        kolokol_render::urls::article(t.slug.as_str())
                    )
                });
                context! { id => t.id, language => t.language, title => t.title, url }
            })
            .collect::<Vec<_>>(),
        None => Vec::new(),
    };
    let info = article.map(|a| {
        context! {
            id => a.id.0,
            state => state_label(a.status, a.published_at, now),
            published_at => a.published_at.map(|t| t.to_rfc3339()),
            schedule_value => a.published_at.filter(|t| *t > now).map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()),
            updated_at => a.updated_at.map(|t| t.to_rfc3339()),
            public_url => format!("{}{}", state.site_all().prefix(&a.draft.language), kolokol_render::urls::article(a.draft.slug.as_str())),
            live,
            corrections => a.corrections.iter().map(|c| context! { at => c.created_at.to_rfc3339(), body => c.body }).collect::<Vec<_>>(),
        }
    });
    let pin = match article {
        Some(a) => state
            .store
            .front_page_picks(now)
            .await?
            .into_iter()
            .find(|p| p.article_id == a.id)
            .map(|p| {
                context! {
                    slot => p.slot.as_str(),
                    until_value => p.until.map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()),
                }
            }),
        None => None,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    admin_page(
        state,
        Some(staff),
        status,
        "admin/edit.html",
        context! {
            article => info, form, errors, sections, authors, notice, images, pin,
            translations, translation_of,
            can_publish => staff.user.role.can_publish(own),
            can_arrange => staff.user.role.organises_the_site(),
            timezone => state.site().timezone,
        },
    )
}

/// The editor's fields from a submitted form (author checkboxes joined).
fn article_form(form: &FormData) -> ArticleForm {
    ArticleForm {
        headline: form.get("headline").into(),
        dek: form.get("dek").into(),
        body: form.get("body").into(),
        dateline: form.get("dateline").into(),
        slug: form.get("slug").into(),
        section: form.get("section").into(),
        authors: form.all("authors").join(","),
        tags: form.get("tags").into(),
        hero_image: form.get("hero_image").into(),
        hero_alt: form.get("hero_alt").into(),
        hero_caption: form.get("hero_caption").into(),
        hero_credit: form.get("hero_credit").into(),
        seo_title: form.get("seo_title").into(),
        seo_description: form.get("seo_description").into(),
        language: form.get("language").into(),
    }
}

/// `?language=ru&translation_of=12`: a new article in Russian, to be linked as the
/// translation of article 12 when it is first saved.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewArticleQuery {
    language: String,
    translation_of: Option<i64>,
}

pub async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Query(query): axum::extract::Query<NewArticleQuery>,
) -> Result<Response, AppError> {
    let form = ArticleForm {
        authors: staff
            .user
            .author_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        language: query.language,
        ..ArticleForm::default()
    };
    let original = match query.translation_of {
        Some(id) => Some(editable(&state, &staff, id).await?),
        None => None,
    };
    editor(
        &state,
        &staff,
        None,
        &form,
        &FieldErrors::new(),
        None,
        original.as_ref(),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let original = match submitted.get("translation_of").trim() {
        "" => None,
        id => {
            let id = id
                .parse()
                .map_err(|_| AppError::refused("error-not-understood"))?;
            Some(editable(&state, &staff, id).await?)
        }
    };
    save_from_form(
        &state,
        &staff,
        None,
        &article_form(&submitted),
        original.as_ref(),
    )
    .await
}

/// Saves the editor's form as a new article or a new revision of `article`; on any
/// problem the editor comes back with the messages and nothing is written.
async fn save_from_form(
    state: &AppState,
    staff: &Staff,
    article: Option<&EditableArticle>,
    form: &ArticleForm,
    original: Option<&EditableArticle>,
) -> Result<Response, AppError> {
    let id = article.map(|a| a.id);
    let languages = super::language_tags(state);
    let now = Utc::now();
    let mut result = operations::articles::save(
        &state.store,
        operations::Actor::Staff(&staff.user),
        id,
        form,
        &languages,
        now,
    )
    .await;
    // A new translation joins its original's group as it is first saved.
    if let (Ok(saved), Some(original)) = (&result, original) {
        let slug = original.draft.slug.as_str();
        let texts = Texts::Articles;
        if let Err(e) = operations::translations::link(
            &state.store,
            operations::Actor::Staff(&staff.user),
            texts,
            saved.id().0,
            slug,
            now,
        )
        .await
        {
            result = Err(e);
        }
    }
    let next =
        |saved: operations::articles::Saved| format!("/admin/articles/{}?saved=1", saved.id().0);
    super::finish(state, result, next, |errors| async move {
        editor(state, staff, article, form, &errors, None, original).await
    })
    .await
}

/// `POST /admin/articles/{id}/translation`: links the article to its translation
/// at the address given (either side may do it), or with an empty address
/// unlinks it.
pub async fn link_translation(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let page = format!("/admin/articles/{id}");
    let (result, next) =
        super::link_translation(&state, &staff, &submitted, Texts::Articles, id, &page).await;
    let next = |()| next;
    let (state, staff) = (&state, &staff);
    super::finish(state, result, next, |errors| async move {
        let article = editable(state, staff, id).await?;
        editor_with_errors(state, staff, &article, errors).await
    })
    .await
}

/// Loads an article the staff member may edit.
async fn editable(state: &AppState, staff: &Staff, id: i64) -> Result<EditableArticle, AppError> {
    Ok(operations::articles::editable(
        &state.store,
        operations::Actor::Staff(&staff.user),
        ArticleId(id),
    )
    .await?)
}

pub async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let article = editable(&state, &staff, id).await?;
    let notice = super::done_notice(&state, Some(&staff), "article", query.as_deref());
    let form = ArticleForm::from_draft(&article.draft);
    editor(
        &state,
        &staff,
        Some(&article),
        &form,
        &FieldErrors::new(),
        notice.as_deref(),
        None,
    )
    .await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let article = editable(&state, &staff, id).await?;
    save_from_form(
        &state,
        &staff,
        Some(&article),
        &article_form(&submitted),
        None,
    )
    .await
}

/// The article as readers will see it, from the saved draft.
pub async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let editable = editable(&state, &staff, id).await?;
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    let section = sections
        .iter()
        .find(|s| s.id == editable.draft.section_id)
        .cloned()
        .ok_or_else(|| AppError::Internal(format!("article {id} has no section")))?;
    let draft = &editable.draft;
    let now = Utc::now();
    let hero = match draft.hero_image_id {
        Some(id) => state
            .store
            .image(id)
            .await?
            .map(|image| kolokol_core::HeroImage {
                image_id: image.id,
                width: image.width,
                height: image.height,
                path: image.path,
                alt: draft.hero_alt.clone(),
                caption: draft.hero_caption.clone(),
                credit: draft.hero_credit.clone(),
                variants: image.variants,
            }),
        None => None,
    };
    let article = Article {
        summary: ArticleSummary {
            id: editable.id,
            slug: draft.slug.clone(),
            headline: draft.headline.clone(),
            dek: draft.dek.clone(),
            section,
            authors: draft
                .author_ids
                .iter()
                .filter_map(|id| authors.iter().find(|a| a.id == *id).cloned())
                .collect(),
            hero,
            published_at: editable.published_at.unwrap_or(now),
            updated_at: editable.updated_at,
            modified_at: editable.modified_at,
            reading_minutes: kolokol_core::article::reading_minutes(&draft.body_markdown),
            language: draft.language.clone(),
            translation_group: None,
        },
        body_markdown: draft.body_markdown.clone(),
        dateline: draft.dateline.clone(),
        seo_title: draft.seo_title.clone(),
        seo_description: draft.seo_description.clone(),
        tags: Vec::new(),
        corrections: editable.corrections.clone(),
    };
    let view = ArticleView::new(&article);
    let meta = views::article_meta(&state.site(), &article, &view);
    let config = state.site();
    let site = SiteView::new(&config, &sections);
    let body = state.theme.render(
        "article.html",
        context! { site, meta, article => view, related => Vec::<()>::new(), preview => true },
    )?;
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
        .headers_mut()
        .insert("x-robots-tag", header::HeaderValue::from_static("noindex"));
    Ok(response)
}

/// A `datetime-local` value, read in the newsroom's time zone.
fn parse_local_time(value: &str, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The editor again, with a message next to a publication field.
async fn editor_with_errors(
    state: &AppState,
    staff: &Staff,
    article: &EditableArticle,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let form = ArticleForm::from_draft(&article.draft);
    editor(state, staff, Some(article), &form, &errors, None, None).await
}

/// Publish now, schedule, withdraw, or mark as updated.
pub async fn publication(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let (store, user, article, now) = (
        &state.store,
        operations::Actor::Staff(&staff.user),
        ArticleId(id),
        Utc::now(),
    );
    let (result, notice) = match form.get("action") {
        "publish" => (
            operations::articles::publish(store, user, article, now).await,
            "published",
        ),
        "schedule" => {
            let at = parse_local_time(form.get("at"), state.site().tz());
            (
                operations::articles::schedule(store, user, article, at, now).await,
                "scheduled",
            )
        }
        "unpublish" => (
            operations::articles::withdraw(store, user, article, now).await,
            "unpublished",
        ),
        "updated" => (
            operations::articles::mark_updated(store, user, article, now).await,
            "updated",
        ),
        _ => return Err(AppError::refused("error-unknown-action")),
    };
    let next = |()| format!("/admin/articles/{id}?{notice}=1");
    let (state, staff) = (&state, &staff);
    super::finish(state, result, next, |errors| async move {
        let article = editable(state, staff, id).await?;
        editor_with_errors(state, staff, &article, errors).await
    })
    .await
}

/// Pins the article to the front page (as the lead or featured, until a time) or
/// puts it back in the flow of newest stories.
pub async fn front(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: super::StaffForm<super::Editors>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let slot = match form.get("slot") {
        "" => None,
        value => Some(
            kolokol_core::PinSlot::parse(value)
                .ok_or_else(|| AppError::refused("error-front-slot"))?,
        ),
    };
    let until = match form.get("until").trim() {
        "" => None,
        value => Some(
            parse_local_time(value, state.site().tz())
                .ok_or_else(|| AppError::refused("error-pin-end"))?,
        ),
    };
    let actor = kolokol_operations::Actor::Staff(&staff.user);
    let article = kolokol_core::ArticleId(id);
    let result =
        kolokol_operations::front::pin(&state.store, actor, article, slot, until, Utc::now()).await;
    let notice = if slot.is_some() { "pinned" } else { "unpinned" };
    let next = |()| format!("/admin/articles/{id}?{notice}=1");
    let (state, staff) = (&state, &staff);
    super::finish(state, result, next, |errors| async move {
        let article = editable(state, staff, id).await?;
        editor_with_errors(state, staff, &article, errors).await
    })
    .await
}

pub async fn correct(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let text = form.get("correction");
    let result = operations::articles::correct(
        &state.store,
        operations::Actor::Staff(&staff.user),
        ArticleId(id),
        text,
        Utc::now(),
    )
    .await;
    let next = |()| format!("/admin/articles/{id}?corrected=1");
    let (state, staff) = (&state, &staff);
    super::finish(state, result, next, |errors| async move {
        let article = editable(state, staff, id).await?;
        editor_with_errors(state, staff, &article, errors).await
    })
    .await
}

/// A revision as text, for comparing two of them line by line; the fields named
/// in the staff member's language.
fn revision_text(words: &kolokol_render::i18n::Words, revision: &Revision) -> String {
    let d = &revision.draft;
    // Revisions saved before tags had one order compare by their names alone.
    let mut tags = d.tags.clone();
    kolokol_core::editor::sort_tags(&mut tags);
    format!(
        "{}: {}\n{}: {}\n{}: {}\n{}: {}\n{}: {}\n\n{}\n",
        words.t("admin-headline"),
        d.headline,
        words.t("admin-dek"),
        d.dek,
        words.t("admin-slug"),
        d.slug,
        words.t("admin-dateline"),
        d.dateline,
        words.t("admin-tags"),
        tags.join(", "),
        d.body_markdown
    )
}

#[derive(Debug, Serialize)]
pub(super) struct DiffLine {
    kind: &'static str,
    text: String,
}

/// Two texts compared line by line, for the revisions pages.
pub(super) fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                similar::ChangeTag::Delete => "removed",
                similar::ChangeTag::Insert => "added",
                similar::ChangeTag::Equal => "same",
            },
            text: change.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

/// The revisions of an article, and a comparison of one (`?compare=ID`, by default
/// the newest) with the one before it.
pub async fn revisions(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let article = editable(&state, &staff, id).await?;
    let revisions = state.store.revisions(article.id).await?;
    let wanted: Option<i64> = query
        .as_deref()
        .and_then(|q| q.strip_prefix("compare="))
        .and_then(|v| v.parse().ok());
    let index = match wanted {
        Some(rev) => revisions
            .iter()
            .position(|r| r.id == rev)
            .ok_or(AppError::NotFound)?,
        None => 0,
    };
    let words = staff.words(&state);
    let comparison = revisions.get(index).map(|newer| {
        let older = revisions.get(index + 1);
        let lines = diff(
            &older.map(|r| revision_text(&words, r)).unwrap_or_default(),
            &revision_text(&words, newer),
        );
        context! { id => newer.id, older_id => older.map(|r| r.id), lines }
    });
    let list: Vec<_> = revisions
        .iter()
        .map(|r| context! { id => r.id, at => r.created_at.to_rfc3339(), by => r.user_name, headline => r.draft.headline })
        .collect();
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/revisions.html",
        context! { article_id => id, headline => article.draft.headline, revisions => list, comparison },
    )
}

pub async fn restore(
    State(state): State<AppState>,
    Path((id, revision)): Path<(i64, i64)>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, _form) = sent.into_parts();
    let result = operations::articles::restore(
        &state.store,
        operations::Actor::Staff(&staff.user),
        ArticleId(id),
        revision,
        Utc::now(),
    )
    .await;
    match result {
        Ok(_) => {
            state.content_changed().await;
            Ok(see_other(&format!("/admin/articles/{id}?restored=1")))
        }
        Err(operations::Error::Invalid(_)) => Err(AppError::refused("error-restore-slug-taken")),
        Err(other) => Err(other.into()),
    }
}

/// The editor's live preview: Markdown in, sanitised HTML out.
pub async fn live_preview(
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !password::same_secret(token, &staff.csrf) {
        return Err(AppError::Denied(kolokol_core::Message::new(
            "error-preview-expired",
        )));
    }
    let markdown_text =
        std::str::from_utf8(&body).map_err(|_| AppError::refused("error-not-utf8"))?;
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markdown::to_html(markdown_text),
    )
        .into_response())
}

pub async fn audit(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.is_admin(), "action-read-the-audit-log")?;
    let entries: Vec<_> = state
        .store
        .audit_log(500)
        .await?
        .into_iter()
        .map(|e| context! { at => e.at.to_rfc3339(), by => e.user_name, action => e.action, subject => e.subject, detail => e.detail })
        .collect();
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/audit.html",
        context! { entries },
    )
}

/// Background and due work: what is queued, running, done or failed, and why.
pub async fn jobs(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.is_admin(), "action-see-the-background-work")?;
    let jobs: Vec<_> = state
        .store
        .recent_jobs(kolokol_operations::jobs::DUE_CHECK, 200)
        .await?
        .into_iter()
        .map(|j| {
            context! {
                id => j.id,
                kind => crate::jobs::describe(&j.kind),
                subject => j.payload,
                state => j.state.as_str(),
                attempts => j.attempts,
                max_attempts => j.max_attempts,
                run_at => j.run_at.to_rfc3339(),
                created_at => j.created_at.to_rfc3339(),
                finished_at => j.finished_at.map(|at| at.to_rfc3339()),
                error => j.last_error,
            }
        })
        .collect();
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/jobs.html",
        context! { jobs },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_times_are_read_in_the_newsroom_zone() {
        let riga: chrono_tz::Tz = "Europe/Riga".parse().unwrap();
        let at = parse_local_time("2026-12-04T09:00", riga).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-04T07:00:00+00:00");
        assert!(parse_local_time("tomorrow", riga).is_none());
    }

    #[test]
    fn diffs_mark_added_and_removed_lines() {
        let lines = diff("a\nb\n", "a\nc\n");
        let kinds: Vec<_> = lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(kinds, [("same", "a"), ("removed", "b"), ("added", "c")]);
    }
}

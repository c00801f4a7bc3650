//! Standing pages in the newsroom: the list, the editor (with the same live preview
//! as articles), publication, the preview and revisions.

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kolokol_core::{PageForm, PageRecord};
use kolokol_operations::{self as operations, Actor};
use kolokol_store::Texts;
use minijinja::context;

use super::{Editors, FormData, Staff, StaffForm, Told, admin_page, see_other};
use crate::error::AppError;
use crate::state::AppState;
use kolokol_render::views::{Meta, SiteView};

const WHAT: &str = "action-write-the-sites-standing-pages";

fn page_form(form: &FormData) -> PageForm {
    PageForm {
        title: form.get("title").into(),
        slug: form.get("slug").into(),
        body: form.get("body").into(),
        placement: form.get("placement").into(),
        position: form.get("position").into(),
        language: form.get("language").into(),
    }
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    let pages = state.store.page_records().await?;
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/pages.html",
        context! { pages },
    )
}

async fn editor(
    state: &AppState,
    staff: &Staff,
    page: Option<&PageRecord>,
    form: &PageForm,
    told: Told,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let translations = match page {
        Some(p) => {
            let versions =
                operations::translations::of(&state.store, Texts::Pages, p.id, Utc::now());
            versions
                .await?
                .into_iter()
                .filter(|t| t.id != p.id)
                .map(|t| context! { id => t.id, language => t.language, title => t.title })
                .collect::<Vec<_>>()
        }
        None => Vec::new(),
    };
    let page = page.map(|p| {
        context! {
            id => p.id, published => p.published,
            public_url => format!("{}{}", state.site_all().prefix(&p.draft.language), kolokol_render::urls::page(p.draft.slug.as_str())),
        }
    });
    admin_page(
        state,
        Some(staff),
        status,
        "admin/page-edit.html",
        context! { page, form, errors, notice, translations },
    )
}

pub async fn new_form(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    let form = PageForm {
        placement: "footer".into(),
        ..PageForm::default()
    };
    editor(&state, &staff, None, &form, Told::nothing(), None).await
}

pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    let page = operations::pages::existing(&state.store, id).await?;
    let notice = super::done_notice(&state, Some(&staff), "page", query.as_deref());
    let form = PageForm::from_draft(&page.draft);
    editor(
        &state,
        &staff,
        Some(&page),
        &form,
        Told::nothing(),
        notice.as_deref(),
    )
    .await
}

/// Creates (`id` = None) or saves a page from the editor.
async fn save_from(
    state: &AppState,
    staff: &Staff,
    id: Option<i64>,
    submitted: &FormData,
) -> Result<Response, AppError> {
    let form = page_form(submitted);
    let actor = Actor::Staff(&staff.user);
    let languages = super::language_tags(state);
    let result =
        operations::pages::save(&state.store, actor, id, &form, &languages, Utc::now()).await;
    let next = |saved| format!("/admin/pages/{saved}?saved=1");
    super::finish(state, result, next, |errors| async move {
        let page = match id {
            Some(id) => Some(operations::pages::existing(&state.store, id).await?),
            None => None,
        };
        editor(
            state,
            staff,
            page.as_ref(),
            &form,
            Told::problems(errors),
            None,
        )
        .await
    })
    .await
}

pub async fn create(
    State(state): State<AppState>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    save_from(&state, &staff, None, &submitted).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    save_from(&state, &staff, Some(id), &submitted).await
}

pub async fn publication(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let (published, notice) = match form.get("action") {
        "publish" => (true, "published"),
        "withdraw" => (false, "withdrawn"),
        _ => return Err(AppError::refused("error-unknown-action")),
    };
    let actor = Actor::Staff(&staff.user);
    operations::pages::set_published(&state.store, actor, id, published, Utc::now()).await?;
    state.content_changed().await;
    Ok(see_other(&format!("/admin/pages/{id}?{notice}=1")))
}

/// `POST /admin/pages/{id}/translation`: links the page to its translation at the
/// address given, or with an empty address unlinks it.
pub async fn link_translation(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let page = format!("/admin/pages/{id}");
    let (result, next) =
        super::link_translation(&state, &staff, &submitted, Texts::Pages, id, &page).await;
    let next = |()| next;
    let (state, staff) = (&state, &staff);
    super::finish(state, result, next, |errors| async move {
        let page = operations::pages::existing(&state.store, id).await?;
        let form = PageForm::from_draft(&page.draft);
        editor(
            state,
            staff,
            Some(&page),
            &form,
            Told::problems(errors),
            None,
        )
        .await
    })
    .await
}

/// The page as readers will see it, from the saved draft.
pub async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    let page = operations::pages::existing(&state.store, id).await?;
    let sections = state.store.sections().await?;
    let config = state.site();
    let site = SiteView::new(&config, &sections);
    let meta = Meta {
        title: page.draft.title.clone(),
        og_type: "website",
        ..Meta::default()
    };
    let body = state.theme.render(
        "page.html",
        context! { site, meta, preview => true, ..kolokol_render::views::standing_page(&page) },
    )?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        body,
    )
        .into_response())
}

/// A revision as text, for comparing two of them line by line; the fields named
/// in the staff member's language.
fn revision_text(words: &kolokol_render::i18n::Words, draft: &kolokol_core::PageDraft) -> String {
    let placement = words.t_with(
        "admin-placement",
        [("place", draft.placement.as_str().into())],
    );
    format!(
        "{}: {}\n{}: {}\n{}: {placement} ({})\n\n{}\n",
        words.t("admin-title"),
        draft.title,
        words.t("admin-address"),
        draft.slug,
        words.t("admin-linked-from"),
        draft.position,
        draft.body_markdown
    )
}

pub async fn revisions(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    let page = operations::pages::existing(&state.store, id).await?;
    let revisions = state.store.page_revisions(id).await?;
    let words = staff.words(&state);
    let lines = revisions.first().map(|newest| {
        let older = revisions.get(1).map(|r| revision_text(&words, &r.draft));
        super::articles::diff(
            &older.unwrap_or_default(),
            &revision_text(&words, &newest.draft),
        )
    });
    let list: Vec<_> = revisions
        .iter()
        .map(|r| context! { id => r.id, at => r.created_at.to_rfc3339(), by => r.user_name, title => r.draft.title })
        .collect();
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/page-revisions.html",
        context! { page_id => id, title => page.draft.title, revisions => list, lines },
    )
}

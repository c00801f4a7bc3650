//! Sections and tags in the newsroom: extract the form, call the operation, show
//! the page again with its messages or go on to the next one.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use kolokol_core::SectionForm;
use kolokol_operations::{self as operations, Actor};
use minijinja::context;

use super::{Editors, Staff, StaffForm, Told, admin_page, finish};
use crate::error::AppError;
use crate::state::AppState;

const WHAT: &str = "action-change-the-sites-sections-and-tags";

fn section_form(state: &AppState, form: &super::FormData) -> SectionForm {
    SectionForm {
        translations: super::translations_from(state, form, &["name", "description"]),
        name: form.get("name").into(),
        slug: form.get("slug").into(),
        description: form.get("description").into(),
        position: form.get("position").into(),
        in_menu: form.get("in_menu").into(),
    }
}

/// The sections page: every section, and the form for a new one.
async fn sections_page(
    state: &AppState,
    staff: &Staff,
    form: &SectionForm,
    told: Told,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let sections = state.store.section_records().await?;
    admin_page(
        state,
        Some(staff),
        status,
        "admin/sections.html",
        context! { sections, form, errors, notice },
    )
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    // A new section goes to the end of the menu unless placed otherwise.
    let last = state
        .store
        .section_records()
        .await?
        .iter()
        .map(|s| s.position)
        .max();
    let form = SectionForm {
        in_menu: "on".into(),
        position: last.map_or(1, |p| p + 1).to_string(),
        ..SectionForm::default()
    };
    let notice = super::done_notice(&state, Some(&staff), "section", query.as_deref());
    sections_page(&state, &staff, &form, Told::nothing(), notice.as_deref()).await
}

pub async fn create(
    State(state): State<AppState>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let form = section_form(&state, &submitted);
    let actor = Actor::Staff(&staff.user);
    let (state, staff, form) = (&state, &staff, &form);
    let result = operations::sections::create(&state.store, actor, form, Utc::now()).await;
    finish(
        state,
        result,
        |_| "/admin/sections?done=created".into(),
        |errors| sections_page(state, staff, form, Told::problems(errors), None),
    )
    .await
}

/// One section's page: its form, and deleting it.
async fn section_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    form: Option<&SectionForm>,
    told: Told,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let section = operations::sections::existing(&state.store, id).await?;
    let others: Vec<_> = state
        .store
        .section_records()
        .await?
        .into_iter()
        .filter(|s| s.id != id)
        .collect();
    let form = form
        .cloned()
        .unwrap_or_else(|| SectionForm::from_record(&section));
    admin_page(
        state,
        Some(staff),
        status,
        "admin/section.html",
        context! {
            section, form, errors, others,
            public_url => kolokol_render::urls::section(section.slug.as_str()),
        },
    )
}

pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    section_page(&state, &staff, id, None, Told::nothing()).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let form = section_form(&state, &submitted);
    let actor = Actor::Staff(&staff.user);
    let (state, staff, form) = (&state, &staff, &form);
    let result = operations::sections::update(&state.store, actor, id, form, Utc::now()).await;
    finish(
        state,
        result,
        |()| "/admin/sections?done=saved".into(),
        |errors| section_page(state, staff, id, Some(form), Told::problems(errors)),
    )
    .await
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let move_to = match submitted.get("move_to") {
        "" => None,
        value => Some(
            value
                .parse::<i64>()
                .map_err(|_| AppError::refused("error-move-to-list"))?,
        ),
    };
    let actor = Actor::Staff(&staff.user);
    let (state, staff) = (&state, &staff);
    let result = operations::sections::delete(&state.store, actor, id, move_to, Utc::now()).await;
    finish(
        state,
        result,
        |()| "/admin/sections?done=deleted".into(),
        |errors| section_page(state, staff, id, None, Told::problems(errors)),
    )
    .await
}

/// Every tag with its count; each links to its own page.
pub async fn tags(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    let tags = state.store.tag_records().await?;
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/tags.html",
        context! { tags, notice => super::done_notice(&state, Some(&staff), "tag", query.as_deref()) },
    )
}

/// One tag's page: rename, merge into another, delete.
async fn tag_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    sent: Option<(&str, &str)>,
    told: Told,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let tag = operations::tags::existing(&state.store, id).await?;
    let others: Vec<_> = state
        .store
        .tag_records()
        .await?
        .into_iter()
        .filter(|t| t.id != id)
        .collect();
    let (name, slug) = sent.unwrap_or((&tag.name, tag.slug.as_str()));
    admin_page(
        state,
        Some(staff),
        status,
        "admin/tag.html",
        context! {
            form => context! { name, slug, translations => tag.translations.clone() }, errors, others,
            public_url => kolokol_render::urls::tag(tag.slug.as_str()), tag,
        },
    )
}

pub async fn tag(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    tag_page(&state, &staff, id, None, Told::nothing()).await
}

/// Renames, merges or deletes a tag, as the pressed button says.
pub async fn change_tag(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let actor = Actor::Staff(&staff.user);
    let now = Utc::now();
    let store = &state.store;
    let (result, done) = match form.get("action") {
        "rename" => {
            let names = super::translations_from(&state, &form, &["name"]);
            let (name, slug) = (form.get("name"), form.get("slug"));
            (
                operations::tags::rename(store, actor, id, name, slug, &names, now).await,
                "renamed",
            )
        }
        "merge" => {
            let into = form
                .get("into")
                .parse::<i64>()
                .map_err(|_| AppError::refused("error-merge-into-list"))?;
            (
                operations::tags::merge(store, actor, id, into, now).await,
                "merged",
            )
        }
        "delete" => (
            operations::tags::delete(store, actor, id, now).await,
            "tag-deleted",
        ),
        _ => return Err(AppError::refused("error-unknown-action")),
    };
    let (state, staff, form) = (&state, &staff, &form);
    finish(
        state,
        result,
        |()| format!("/admin/tags?done={done}"),
        |errors| async move {
            let sent = Some((form.get("name"), form.get("slug")));
            tag_page(state, staff, id, sent, Told::problems(errors)).await
        },
    )
    .await
}

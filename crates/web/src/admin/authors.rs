//! Author profiles in the newsroom: extract the form, call the operation, show the
//! page again with its messages or go on.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use chrono::Utc;
use kolokol_core::AuthorForm;
use kolokol_operations::{self as operations, Actor};
use minijinja::context;

use super::{Editors, FormData, Staff, StaffForm, Told, admin_page, finish};
use crate::error::AppError;
use crate::state::AppState;

const WHAT: &str = "action-edit-author-profiles";

fn author_form(state: &AppState, form: &FormData) -> AuthorForm {
    AuthorForm {
        translations: super::translations_from(state, form, &["name", "title", "bio"]),
        name: form.get("name").into(),
        slug: form.get("slug").into(),
        title: form.get("title").into(),
        bio: form.get("bio").into(),
        photo: form.get("photo").into(),
        links: form.get("links").into(),
        account: form.get("account").into(),
    }
}

/// The library's pictures and the staff accounts, for the form's menus.
async fn choices(state: &AppState) -> Result<minijinja::Value, AppError> {
    let images: Vec<_> = state
        .store
        .images(200)
        .await?
        .into_iter()
        .map(|image| {
            let file = image.path.rsplit('/').next().unwrap_or("").to_owned();
            context! { id => image.id.to_string(), label => format!("#{} — {file}", image.id) }
        })
        .collect();
    let accounts: Vec<_> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(
            |u| context! { id => u.id.0.to_string(), label => format!("{} <{}>", u.name, u.email) },
        )
        .collect();
    Ok(context! { images, accounts })
}

async fn authors_page(
    state: &AppState,
    staff: &Staff,
    form: &AuthorForm,
    told: Told,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let authors = state.store.author_records().await?;
    let choices = choices(state).await?;
    admin_page(
        state,
        Some(staff),
        status,
        "admin/authors.html",
        context! { authors, form, errors, notice, choices },
    )
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    let notice = super::done_notice(&state, Some(&staff), "author", query.as_deref());
    let form = AuthorForm::default();
    authors_page(&state, &staff, &form, Told::nothing(), notice.as_deref()).await
}

pub async fn create(
    State(state): State<AppState>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let form = author_form(&state, &submitted);
    let actor = Actor::Staff(&staff.user);
    let (state, staff, form) = (&state, &staff, &form);
    let result = operations::authors::create(&state.store, actor, form, Utc::now()).await;
    finish(
        state,
        result,
        |_| "/admin/authors?done=created".into(),
        |errors| authors_page(state, staff, form, Told::problems(errors), None),
    )
    .await
}

async fn author_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    form: Option<&AuthorForm>,
    told: Told,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let record = operations::authors::existing(&state.store, id).await?;
    let form = form
        .cloned()
        .unwrap_or_else(|| AuthorForm::from_record(&record));
    let choices = choices(state).await?;
    admin_page(
        state,
        Some(staff),
        status,
        "admin/author.html",
        context! {
            public_url => kolokol_render::urls::author(record.author.slug.as_str()),
            author => record, form, errors, choices,
        },
    )
}

pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.organises_the_site(), WHAT)?;
    author_page(&state, &staff, id, None, Told::nothing()).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let form = author_form(&state, &submitted);
    let actor = Actor::Staff(&staff.user);
    let (state, staff, form) = (&state, &staff, &form);
    let result = operations::authors::update(&state.store, actor, id, form, Utc::now()).await;
    finish(
        state,
        result,
        |()| "/admin/authors?done=saved".into(),
        |errors| author_page(state, staff, id, Some(form), Told::problems(errors)),
    )
    .await
}

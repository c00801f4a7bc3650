//! Integrations in the newsroom (admins): apps let in through the Ghost-compatible
//! APIs, each with a Content API key and an Admin API key; revoking one stops both.

use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use kolokol_operations::{Actor, Error as OpError, integrations};
use minijinja::context;

use super::{Admins, Staff, StaffForm, Told, admin_page, see_other};
use crate::error::AppError;
use crate::state::AppState;

const WHAT: &str = "action-manage-integrations";

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.is_admin(), WHAT)?;
    page(&state, &staff, Told::nothing(), "").await
}

/// The page: every integration with its keys, and the form to add one.
async fn page(
    state: &AppState,
    staff: &Staff,
    told: Told,
    name: &str,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let keys = state.store.api_keys().await?;
    let mut names: Vec<&str> = keys.iter().map(|k| k.integration.as_str()).collect();
    names.dedup();
    let integrations: Vec<_> = names
        .iter()
        .map(|name| {
            let of = |kind: &str| {
                keys.iter()
                    .find(|k| k.integration == *name && k.kind == kind)
                    .map(kolokol_core::ApiKey::shown)
            };
            let since = keys
                .iter()
                .find(|k| k.integration == *name)
                .map(|k| k.created_at.to_rfc3339());
            context! { name, content => of("content"), admin => of("admin"), since }
        })
        .collect();
    let api_url = state.site_all().base_url.trim_end_matches('/').to_owned();
    admin_page(
        state,
        Some(staff),
        status,
        "admin/integrations.html",
        context! { integrations, errors, name, api_url },
    )
}

pub async fn add(
    State(state): State<AppState>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let name = form.get("name");
    let actor = Actor::Staff(&staff.user);
    match integrations::add(&state.store, actor, name, Utc::now()).await {
        Ok(_) => Ok(see_other("/admin/integrations")),
        Err(OpError::Invalid(errors)) => page(&state, &staff, Told::problems(errors), name).await,
        Err(other) => Err(other.into()),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let actor = Actor::Staff(&staff.user);
    integrations::remove(&state.store, actor, form.get("name"), Utc::now()).await?;
    Ok(see_other("/admin/integrations"))
}

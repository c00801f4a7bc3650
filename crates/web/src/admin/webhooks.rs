//! Outgoing webhooks in the newsroom (admins): register a URL for an event, see
//! what each delivery got back, remove a webhook.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use kolokol_core::WebhookEvent;
use kolokol_operations::{Actor, Error as OpError, webhooks};
use minijinja::context;

use super::{Admins, Staff, StaffForm, Told, admin_page, see_other};
use crate::error::AppError;
use crate::state::AppState;

const WHAT: &str = "action-manage-webhooks";

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.is_admin(), WHAT)?;
    page(&state, &staff, None, Told::nothing(), ("", "")).await
}

/// The page: webhooks, the form to add one (as typed, with its problems), the latest
/// deliveries, and the secret of a webhook just added (shown once).
async fn page(
    state: &AppState,
    staff: &Staff,
    secret: Option<&str>,
    told: Told,
    typed: (&str, &str),
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let hooks: Vec<_> = state
        .store
        .webhooks(None)
        .await?
        .into_iter()
        .map(|h| context! { id => h.id, event => h.event, url => h.target_url, since => h.created_at.to_rfc3339() })
        .collect();
    let deliveries: Vec<_> = state
        .store
        .deliveries(50)
        .await?
        .into_iter()
        .map(|d| context! { url => d.target_url, event => d.event, status => d.status, error => d.error, at => d.delivered_at.to_rfc3339() })
        .collect();
    let events: Vec<&str> = WebhookEvent::ALL.iter().map(|e| e.as_str()).collect();
    let (event, url) = typed;
    admin_page(
        state,
        Some(staff),
        status,
        "admin/webhooks.html",
        context! { hooks, deliveries, events, secret, errors, event, url },
    )
}

pub async fn add(
    State(state): State<AppState>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let (event, url) = (form.get("event"), form.get("url"));
    let private = state.webhooks_to_private;
    let actor = Actor::Staff(&staff.user);
    match webhooks::register(&state.store, actor, event, url, private, Utc::now()).await {
        Ok((_, secret)) => page(&state, &staff, Some(&secret), Told::nothing(), ("", "")).await,
        Err(OpError::Invalid(errors)) => {
            page(&state, &staff, None, Told::problems(errors), (event, url)).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, _) = sent.into_parts();
    webhooks::remove(&state.store, Actor::Staff(&staff.user), id, Utc::now()).await?;
    Ok(see_other("/admin/webhooks"))
}

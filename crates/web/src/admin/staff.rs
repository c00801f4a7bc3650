//! Staff (admins): who works here, and invitations by e-mail link.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use kolokol_core::{Invitation, Role};
use kolokol_mail::OutgoingMail;
use minijinja::context;

use kolokol_operations::staff::AccountChange;
use kolokol_operations::{self as operations};

use super::{Admins, StaffForm, Told};
use super::{FormData, Staff, admin_page, see_other};
use crate::error::AppError;
use crate::extract::SecretToken;
use crate::state::AppState;

async fn page(
    state: &AppState,
    staff: &Staff,
    form: minijinja::Value,
    told: Told,
    invited: Option<minijinja::Value>,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let disabled = state.store.disabled_users().await?;
    let people: Vec<_> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            context! {
                id => u.id.0, name => u.name, email => u.email.as_str(), role => u.role.as_str(),
                two_factor => u.two_factor, disabled => disabled.contains(&u.id), me => u.id == staff.user.id,
            }
        })
        .collect();
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    admin_page(
        state,
        Some(staff),
        status,
        "admin/staff.html",
        context! { people, roles, form, errors, invited, mail_configured => state.mailer.is_some() },
    )
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.is_admin(), "action-manage-the-staff")?;
    let form = context! { email => "", name => "", role => "author" };
    page(&state, &staff, form, Told::nothing(), None).await
}

pub async fn invite(
    State(state): State<AppState>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let (email, name, role) = (
        submitted.get("email"),
        submitted.get("name"),
        submitted.get("role"),
    );
    let invited =
        match operations::staff::invite(&state.store, &staff.user, email, name, role, Utc::now())
            .await
        {
            Ok(invited) => invited,
            Err(operations::Error::Invalid(errors)) => {
                let form = context! { email, name, role };
                return page(&state, &staff, form, Told::problems(errors), None).await;
            }
            Err(other) => return Err(other.into()),
        };
    let invitation = &invited.invitation;
    let link = format!("{}/admin/invite/{}", state.site().base(), invited.token);
    let sent = match &state.mailer {
        Some(mailer) => {
            // In the site's language: the newcomer has chosen none yet.
            let words = state.words();
            let site = state.site();
            let role = words.t_with("admin-role", [("role", invitation.role.as_str().into())]);
            let mail = OutgoingMail {
                to: invitation.email.to_string(),
                subject: words.t_with(
                    "mail-invite-subject",
                    [("site", site.title.as_str().into())],
                ),
                text: words.t_with(
                    "mail-invite-body",
                    [
                        ("name", invitation.name.as_str().into()),
                        ("inviter", staff.user.name.as_str().into()),
                        ("site", site.title.as_str().into()),
                        ("role", role.into()),
                        ("days", operations::staff::INVITATION_DAYS.into()),
                        ("link", link.clone().into()),
                    ],
                ) + "\n",
            };
            match mailer.send(&mail).await {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "invitation e-mail not sent");
                    false
                }
            }
        }
        None => false,
    };
    let invited = context! { email => invitation.email.as_str(), link, sent };
    let form = context! { email => "", name => "", role => "author" };
    page(&state, &staff, form, Told::nothing(), Some(invited)).await
}

/// Changes a colleague's role, or disables or re-enables their account.
pub async fn change(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let change = match form.get("action") {
        "role" => AccountChange::Role(
            Role::parse(form.get("role")).ok_or_else(|| AppError::refused("error-role"))?,
        ),
        "disable" => AccountChange::Disable,
        "enable" => AccountChange::Enable,
        _ => return Err(AppError::refused("error-unknown-action")),
    };
    let target = kolokol_core::UserId(id);
    kolokol_operations::staff::change_account(
        &state.store,
        &staff.user,
        target,
        change,
        Utc::now(),
    )
    .await?;
    Ok(see_other("/admin/staff"))
}

async fn accept_page(
    state: &AppState,
    invitation: Option<&Invitation>,
    told: Told,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let invitation = invitation
        .map(|i| context! { email => i.email.as_str(), name => i.name, role => i.role.as_str() });
    admin_page(
        state,
        None,
        status,
        "admin/accept.html",
        context! { invitation, errors },
    )
}

/// The invited person's page: choose a password.
pub async fn accept_form(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
) -> Result<Response, AppError> {
    match operations::staff::invitation(&state.store, &token, Utc::now()).await {
        Ok(invitation) => accept_page(&state, Some(&invitation), Told::nothing()).await,
        Err(operations::Error::NotFound) => accept_page(&state, None, Told::gone()).await,
        Err(other) => Err(other.into()),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let (name, password, again) = (
        form.get("name"),
        form.get("password"),
        form.get("password_again"),
    );
    let now = Utc::now();
    match operations::staff::join(&state.store, &token, name, password, again, now).await {
        Ok(_) => Ok(see_other("/admin/login?joined=1")),
        Err(operations::Error::Invalid(errors)) => {
            let invitation = operations::staff::invitation(&state.store, &token, now).await?;
            accept_page(&state, Some(&invitation), Told::problems(errors)).await
        }
        Err(operations::Error::NotFound) => accept_page(&state, None, Told::gone()).await,
        Err(other) => Err(other.into()),
    }
}

//! Staff (admins): who works here, and invitations by e-mail link.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, Utc};
use kolokol_core::staff::check_new_password;
use kolokol_core::{Email, FieldErrors, Invitation, Role};
use kolokol_mail::OutgoingMail;
use minijinja::context;

use kolokol_operations::staff::AccountChange;

use super::password::SecretToken;
use super::{Admins, StaffForm};
use super::{FormData, Staff, admin_page, password, see_other};
use crate::error::AppError;
use crate::state::AppState;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

async fn page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    form: minijinja::Value,
    errors: &FieldErrors,
    invited: Option<minijinja::Value>,
) -> Result<Response, AppError> {
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
    staff.require(staff.user.role.is_admin(), "manage the staff")?;
    let form = context! { email => "", name => "", role => "author" };
    page(
        &state,
        &staff,
        StatusCode::OK,
        form,
        &FieldErrors::new(),
        None,
    )
    .await
}

pub async fn invite(
    State(state): State<AppState>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let (email_text, name, role_text) = (
        submitted.get("email"),
        submitted.get("name").trim(),
        submitted.get("role"),
    );
    let form = context! { email => email_text, name, role => role_text };
    let mut errors = FieldErrors::new();
    let email = Email::parse(email_text)
        .map_err(|e| errors.insert("email", format!("{}.", capitalised(&e.to_string()))))
        .ok();
    if name.is_empty()
        || name.chars().count() > 100
        || kolokol_core::Slug::from_title(name).is_err()
    {
        errors.insert(
            "name",
            "Give the name their byline will show (up to 100 characters).".into(),
        );
    }
    let role = Role::parse(role_text);
    if role.is_none() {
        errors.insert("role", "Choose a role.".into());
    }
    if let Some(email) = &email
        && state.store.user_for_login(email).await?.is_some()
    {
        errors.insert(
            "email",
            "Someone on the staff already uses this address.".into(),
        );
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            &errors,
            None,
        )
        .await;
    };
    let now = Utc::now();
    let token = password::random_token();
    let invitation = Invitation {
        email: email.clone(),
        name: name.to_owned(),
        role,
        expires_at: now + Duration::days(INVITATION_DAYS),
    };
    state
        .store
        .create_invitation(
            &password::token_hash(&token),
            &invitation,
            staff.user.id,
            now,
        )
        .await?;
    let link = format!("{}/admin/invite/{token}", state.site().base());
    let sent = match &state.mailer {
        Some(mailer) => {
            let mail = OutgoingMail {
                to: email.to_string(),
                subject: format!("You are invited to the {} newsroom", state.site().title),
                text: format!(
                    "Hello {name},\n\n{} invites you to join the {} newsroom as {role}.\n\nChoose your password here (the link works once, for {INVITATION_DAYS} days):\n{link}\n\nIf you did not expect this, ignore this message.\n",
                    staff.user.name,
                    state.site().title,
                ),
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
    state
        .store
        .record_audit(
            Some(staff.user.id),
            "staff.invite",
            email.as_str(),
            role.as_str(),
            now,
        )
        .await?;
    let invited = context! { email => email.as_str(), link, sent };
    let form = context! { email => "", name => "", role => "author" };
    page(
        &state,
        &staff,
        StatusCode::OK,
        form,
        &FieldErrors::new(),
        Some(invited),
    )
    .await
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
            Role::parse(form.get("role"))
                .ok_or_else(|| AppError::BadRequest("Choose a role.".into()))?,
        ),
        "disable" => AccountChange::Disable,
        "enable" => AccountChange::Enable,
        _ => return Err(AppError::BadRequest("Unknown staff action.".into())),
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

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn accept_page(
    state: &AppState,
    status: StatusCode,
    invitation: Option<&Invitation>,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
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
    let invitation = state
        .store
        .invitation(&password::token_hash(&token), Utc::now())
        .await?;
    let status = if invitation.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    accept_page(&state, status, invitation.as_ref(), &FieldErrors::new()).await
}

pub async fn accept(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let now = Utc::now();
    let token_hash = password::token_hash(&token);
    let Some(invitation) = state.store.invitation(&token_hash, now).await? else {
        return accept_page(&state, StatusCode::NOT_FOUND, None, &FieldErrors::new()).await;
    };
    let mut errors = FieldErrors::new();
    let name = form.get("name").trim();
    if name.is_empty()
        || name.chars().count() > 100
        || kolokol_core::Slug::from_title(name).is_err()
    {
        errors.insert("name", "Give the name your byline will show.".into());
    }
    if let Err(message) = check_new_password(form.get("password")) {
        errors.insert("password", format!("{}.", capitalised(&message)));
    } else if form.get("password") != form.get("password_again") {
        errors.insert("password_again", "The two passwords differ.".into());
    }
    if !errors.is_empty() {
        return accept_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&invitation),
            &errors,
        )
        .await;
    }
    let hash = password::hash(form.get("password")).map_err(AppError::Internal)?;
    match state
        .store
        .accept_invitation(&token_hash, name, &hash, now)
        .await
    {
        Ok(Some(user)) => {
            state
                .store
                .record_audit(
                    Some(user.id),
                    "staff.join",
                    user.email.as_str(),
                    user.role.as_str(),
                    now,
                )
                .await?;
            Ok(see_other("/admin/login?joined=1"))
        }
        Ok(None) => accept_page(&state, StatusCode::NOT_FOUND, None, &FieldErrors::new()).await,
        Err(kolokol_store::StoreError::Conflict(_)) => Err(AppError::BadRequest(
            "An account for this address already exists; sign in instead.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

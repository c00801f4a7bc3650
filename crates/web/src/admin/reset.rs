//! "Forgot your password?": a reset link by e-mail, and the page it opens.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use chrono::Utc;
use kolokol_mail::OutgoingMail;
use kolokol_operations::{self as operations, accounts};
use minijinja::context;

use super::{FormData, Told, admin_page, see_other};
use crate::error::AppError;
use crate::extract::SecretToken;
use crate::state::AppState;

/// Reset links asked for from one connection in an hour before it is refused.
const REQUESTS_PER_HOUR: i64 = 5;

async fn forgot_page(
    state: &AppState,
    email: &str,
    told: Told,
    sent: bool,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    admin_page(
        state,
        None,
        status,
        "admin/forgot.html",
        context! {
            email, errors, sent, hours => accounts::RESET_HOURS,
            mail_configured => state.mailer.is_some(),
        },
    )
}

pub async fn forgot_form(State(state): State<AppState>) -> Result<Response, AppError> {
    forgot_page(&state, "", Told::nothing(), false).await
}

/// Mails a reset link when the address has an account, and answers the same
/// either way.
pub async fn forgot(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let email = form.get("email").trim();
    if state
        .count_from_address("password-reset", peer.ip())
        .await?
        > REQUESTS_PER_HOUR
    {
        return Err(AppError::TooManyRequests(
            state.words().t("admin-reset-too-many"),
        ));
    }
    let link = match accounts::request_password_reset(&state.store, email, Utc::now()).await {
        Ok(link) => link,
        Err(operations::Error::Invalid(errors)) => {
            return forgot_page(&state, email, Told::problems(errors), false).await;
        }
        Err(other) => return Err(other.into()),
    };
    if let Some(link) = link {
        let site = state.site();
        let address = format!("{}/admin/password/reset/{}", site.base(), link.token);
        // In the language they read the newsroom in.
        let language = if link.user.language.is_empty() {
            site.language.as_str()
        } else {
            link.user.language.as_str()
        };
        let words = state.words_in(language);
        let mail = OutgoingMail {
            to: link.user.email.to_string(),
            subject: words.t_with("mail-reset-subject", [("site", site.title.as_str().into())]),
            text: words.t_with(
                "mail-reset-body",
                [
                    ("name", link.user.name.as_str().into()),
                    ("site", site.title.as_str().into()),
                    ("hours", accounts::RESET_HOURS.into()),
                    ("link", address.into()),
                ],
            ) + "\n",
        };
        state.mail_later(mail, "password-reset");
    }
    forgot_page(&state, email, Told::nothing(), true).await
}

async fn reset_page(
    state: &AppState,
    person: Option<&str>,
    told: Told,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    admin_page(
        state,
        None,
        status,
        "admin/reset.html",
        context! { person, errors },
    )
}

pub async fn reset_form(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
) -> Result<Response, AppError> {
    match accounts::reset_link_user(&state.store, &token, Utc::now()).await {
        Ok(user) => {
            let email = user.email.to_string();
            reset_page(&state, Some(&email), Told::nothing()).await
        }
        Err(operations::Error::NotFound) => reset_page(&state, None, Told::gone()).await,
        Err(other) => Err(other.into()),
    }
}

pub async fn reset(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let (password, again) = (form.get("password"), form.get("password_again"));
    match accounts::reset_password(&state.store, &token, password, again, Utc::now()).await {
        Ok(_) => Ok(see_other("/admin/login?reset=1")),
        Err(operations::Error::Invalid(errors)) => {
            let user = accounts::reset_link_user(&state.store, &token, Utc::now()).await?;
            let email = user.email.to_string();
            reset_page(&state, Some(&email), Told::problems(errors)).await
        }
        Err(operations::Error::NotFound) => reset_page(&state, None, Told::gone()).await,
        Err(other) => Err(other.into()),
    }
}

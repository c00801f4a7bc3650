//! The newsletter for readers: sign-up with consent and double opt-in, one-click
//! unsubscribe (RFC 8058), the preferences page, and the archive of past issues.
//!
//! Nothing here sets a cookie or needs a session: a reader's links carry a token
//! signed with the site's secret, and that alone says who they are.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use kolokol_core::{Email, Signup, SignupOutcome, SubscriberStatus};
use kolokol_mail::OutgoingMail;
use kolokol_newsletter::Purpose;
use kolokol_newsletter::compose::{PREFERENCES_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER};
use kolokol_render::urls;
use minijinja::context;
use serde::Serialize;

use super::pages::{HTML, uncached_page};
use crate::error::AppError;
use crate::extract::{FormData, SecretToken};
use crate::state::AppState;
use kolokol_operations::readers;
use kolokol_operations::secrets as password;
use kolokol_render::views::{Meta, SiteView};

/// Sign-ups accepted from one network address per hour.
pub const SIGNUPS_PER_HOUR: i64 = 5;

/// What the sign-up form sends back when something is missing.
#[derive(Debug, Default, Serialize)]
struct SignupForm {
    email: String,
    consent: bool,
}

fn meta(state: &AppState, title: &str, path: &str) -> Meta {
    let config = state.site();
    Meta {
        title: title.to_owned(),
        description: format!(
            "{}: {}, {}.",
            config.newsletter.name,
            config.title,
            state.words().schedule(&config.newsletter.schedule)
        ),
        canonical: urls::absolute(config.base(), path),
        og_type: "website",
        ..Meta::default()
    }
}

/// A page that is never cached (it answers a form or carries a reader's token).
async fn private_page(
    state: &AppState,
    status: StatusCode,
    path: &str,
    template: &str,
    context: minijinja::Value,
) -> Result<Response, AppError> {
    let meta = meta(state, &state.site().newsletter.name, path);
    uncached_page(state, status, path, template, meta, context, "no-store").await
}

/// A short message, with an optional one-button form.
async fn message(
    state: &AppState,
    status: StatusCode,
    path: &str,
    title: &str,
    text: &str,
    button: Option<(&str, &str)>,
) -> Result<Response, AppError> {
    let (action, label) = button.unwrap_or_default();
    private_page(
        state,
        status,
        path,
        "newsletter/message.html",
        context! { title, text, action, label, name => state.site().newsletter.name.clone() },
    )
    .await
}

/// `/newsletter`: what it is, the sign-up form, the preview and past issues.
pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    state
        .page("/newsletter".into(), &headers, || async {
            let body = signup_page(&state, &SignupForm::default(), None).await?;
            Ok(super::pages::cached_html(body))
        })
        .await
}

async fn signup_page(
    state: &AppState,
    form: &SignupForm,
    error: Option<(&str, &str)>,
) -> Result<String, AppError> {
    let config = state.site();
    let sections = super::sections(state).await?;
    let site = SiteView::new(&config, &sections);
    let meta = meta(state, &config.newsletter.name, "/newsletter");
    let language = state.language();
    let mut issues = state.store.archive().await?;
    issues.retain(|issue| issue.language == language);
    let (error_field, error_text) = error.unwrap_or_default();
    Ok(state.theme.render(
        "newsletter/signup.html",
        context! {
            site, meta, form, issues,
            error_field, error_text,
            schedule => state.words().schedule(&config.newsletter.schedule),
            policy_url => config.newsletter.policy_url.clone(),
        },
    )?)
}

/// The sign-up form's answer. The same page follows whether the address was new,
/// known or suppressed, so the form cannot be used to find out who subscribes.
pub async fn signup(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response, AppError> {
    let submitted = FormData::parse(&body);
    let form = SignupForm {
        email: submitted.get("email").trim().to_owned(),
        consent: submitted.get("consent") == "yes",
    };
    let words = state.words();
    let refuse = |field: &'static str, text: String| {
        let state = state.clone();
        let form = &form;
        async move {
            let body = signup_page(&state, form, Some((field, &text))).await?;
            let body = kolokol_render::links::relativize_for_page(&body, "/newsletter");
            Ok::<Response, AppError>(
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    [
                        (header::CONTENT_TYPE, HTML),
                        (header::CACHE_CONTROL, "no-store"),
                    ],
                    body,
                )
                    .into_response(),
            )
        }
    };
    let Ok(email) = Email::parse(&form.email) else {
        return refuse("email", words.t("signup-email-refused")).await;
    };
    if !form.consent {
        return refuse("consent", words.t("signup-consent-refused")).await;
    }
    // Bots fill in every field, people never see this one.
    if !submitted.get("website").is_empty() {
        return Ok(Redirect::to("/newsletter/check-your-inbox").into_response());
    }
    let now = Utc::now();
    if state.count_from_address("signup", peer.ip()).await? > SIGNUPS_PER_HOUR {
        return Err(AppError::TooManyRequests(words.t("signup-too-many")));
    }
    let config = state.site();
    let token = password::random_token();
    let page = submitted.get("form");
    let form_path = page
        .strip_prefix(config.base())
        .unwrap_or(page)
        .chars()
        .take(300)
        .collect::<String>();
    let signup = Signup {
        email: email.clone(),
        policy_version: config.newsletter.policy_version.clone(),
        form: if form_path.starts_with('/') {
            form_path
        } else {
            "/newsletter".into()
        },
        // Nothing made from the network address is kept with the consent record.
        address_hash: String::new(),
        token_hash: password::token_hash(&token),
        language: state.language(),
    };
    if readers::sign_up(&state.store, &signup, now).await? == SignupOutcome::Confirm {
        let link = urls::absolute(config.base(), &format!("/newsletter/confirm/{token}"));
        let name = || config.newsletter.name.as_str().into();
        let mail = OutgoingMail {
            to: email.to_string(),
            subject: words.t_with("mail-confirm-subject", [("name", name())]),
            text: format!(
                "{}\n\n{}\n{}\n",
                words.t_with(
                    "mail-confirm-body",
                    [
                        ("name", name()),
                        ("site", config.title.as_str().into()),
                        ("link", link.into()),
                    ]
                ),
                config.title,
                config.base(),
            ),
        };
        state.mail_later(mail, "newsletter.confirmation");
    }
    Ok(Redirect::to("/newsletter/check-your-inbox").into_response())
}

pub async fn check_inbox(State(state): State<AppState>) -> Result<Response, AppError> {
    let words = state.words();
    message(
        &state,
        StatusCode::OK,
        "/newsletter/check-your-inbox",
        &words.t("check-inbox"),
        &words.t("check-inbox-text"),
        None,
    )
    .await
}

/// The confirmation link asks before it acts: mail scanners open links too.
pub async fn confirm_form(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
) -> Result<Response, AppError> {
    let path = format!("/newsletter/confirm/{token}");
    let words = state.words();
    message(
        &state,
        StatusCode::OK,
        &path,
        &words.t("confirm-subscription"),
        &words.t("confirm-subscription-text"),
        Some((&path, &words.t("confirm-subscription-button"))),
    )
    .await
}

pub async fn confirm(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
) -> Result<Response, AppError> {
    let path = format!("/newsletter/confirm/{token}");
    let config = state.site();
    let words = state.words();
    match readers::confirm(&state.store, &token, Utc::now()).await? {
        Some(_) => {
            let text = words.t_with(
                "subscribed-text",
                [
                    ("name", config.newsletter.name.as_str().into()),
                    (
                        "schedule",
                        words.schedule(&config.newsletter.schedule).into(),
                    ),
                ],
            );
            let title = words.t("welcome");
            message(&state, StatusCode::OK, &path, &title, &text, None).await
        }
        None => {
            message(
                &state,
                StatusCode::BAD_REQUEST,
                &path,
                &words.t("link-expired"),
                &words.t("confirm-link-expired-text"),
                None,
            )
            .await
        }
    }
}

fn subscriber_from(state: &AppState, token: &str) -> Result<i64, AppError> {
    state
        .newsletter
        .signer
        .verify(Purpose::Subscription, token)
        .ok_or_else(|| AppError::BadRequest(state.words().t("link-broken")))
}

/// GET only asks; it changes nothing (link scanners and prefetchers follow GETs).
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    subscriber_from(&state, &token)?;
    let path = format!("/newsletter/unsubscribe/{token}");
    let words = state.words();
    let unsubscribe = words.t("unsubscribe");
    message(
        &state,
        StatusCode::OK,
        &path,
        &unsubscribe,
        &words.t("unsubscribe-text"),
        Some((&path, &unsubscribe)),
    )
    .await
}

/// RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` with no
/// cookie; the answer is 200, never a redirect.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let id = subscriber_from(&state, &token)?;
    readers::set_subscribed(&state.store, id, false, "unsubscribed by link", Utc::now()).await?;
    let path = format!("/newsletter/unsubscribe/{token}");
    let preferences = format!("/newsletter/preferences/{token}");
    let words = state.words();
    message(
        &state,
        StatusCode::OK,
        &path,
        &words.t("unsubscribed"),
        &words.t("unsubscribed-text"),
        Some((&preferences, &words.t("open-preferences"))),
    )
    .await
}

async fn preferences_page(
    state: &AppState,
    token: &str,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let id = subscriber_from(state, token)?;
    let subscriber = state.store.subscriber(id).await?;
    let path = format!("/newsletter/preferences/{token}");
    private_page(
        state,
        StatusCode::OK,
        &path,
        "newsletter/preferences.html",
        context! {
            action => path.clone(),
            email => subscriber.as_ref().map(|s| s.email.to_string()),
            status => subscriber.as_ref().map(|s| s.status.as_str()),
            subscribed => subscriber.as_ref().is_some_and(|s| s.status == SubscriberStatus::Active),
            schedule => state.words().schedule(&state.site().newsletter.schedule),
            name => state.site().newsletter.name.clone(),
            notice,
        },
    )
    .await
}

pub async fn preferences(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    preferences_page(&state, &token, None).await
}

pub async fn change_preferences(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = subscriber_from(&state, &token)?;
    let form = FormData::parse(&body);
    let subscribe = match form.get("action") {
        "subscribe" => true,
        "unsubscribe" => false,
        _ => {
            return Err(AppError::BadRequest(state.words().t("choose-subscribe")));
        }
    };
    let reason = if subscribe {
        ""
    } else {
        "unsubscribed on the preferences page"
    };
    let after = readers::set_subscribed(&state.store, id, subscribe, reason, Utc::now()).await?;
    let notice = state.words().t(match after.map(|s| s.status) {
        Some(SubscriberStatus::Active) => "now-subscribed",
        Some(SubscriberStatus::Unsubscribed) => "now-unsubscribed",
        _ => "cannot-receive",
    });
    preferences_page(&state, &token, Some(&notice)).await
}

/// A past issue exactly as it was mailed, readers' own links replaced by the
/// newsletter page.
pub async fn archived(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let number: i64 = number
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)?;
    let key = format!("/newsletter/{number}");
    state
        .page(key, &headers, || async {
            let frozen = state
                .store
                .archived_issue(number)
                .await?
                .ok_or(AppError::NotFound)?;
            super::in_this_edition(
                &state,
                &frozen.issue.language,
                &format!("/newsletter/{number}"),
            )?;
            // The mail's links name the main address; here they are made relative
            // (by the cache) so the archive works on every mirror and in the export.
            let base = state.site().base().to_owned();
            let html = frozen
                .html
                .replace(UNSUBSCRIBE_PLACEHOLDER, "/newsletter")
                .replace(PREFERENCES_PLACEHOLDER, "/newsletter")
                .replace(&format!("\"{base}/"), "\"/");
            // Mail needs inline styles; this page has no script and loads images
            // only from the site itself.
            Ok(super::pages::cached_html(html).with_policy(
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
                 form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ))
        })
        .await
}

//! Supporters' own pages: sign in with a link sent by e-mail (no password), see what
//! they give and have given, and stop a recurring gift (through the provider).

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use kolokol_core::revenue::{EventKind, Supporter};
use kolokol_core::{Currency, Money};
use kolokol_mail::OutgoingMail;
use kolokol_render::urls;
use minijinja::context;
use serde::Serialize;

use super::pages::uncached_page;
use crate::error::AppError;
use crate::extract::{FormData, SecretToken, cookie};
use crate::state::AppState;
use kolokol_operations::revenue;
use kolokol_operations::secrets as password;
use kolokol_render::views::Meta;

const COOKIE: &str = "kolokol_supporter";
/// A sign-in link works this long, once.
const LINK_MINUTES: i64 = 30;
const SESSION_DAYS: i64 = 30;

async fn page(
    state: &AppState,
    status: StatusCode,
    path: &str,
    template: &str,
    context: minijinja::Value,
) -> Result<Response, AppError> {
    let meta = Meta {
        title: state.words().t("your-support"),
        canonical: urls::absolute(state.site().base(), "/supporters"),
        ..Meta::default()
    };
    uncached_page(state, status, path, template, meta, context, "no-store").await
}

/// `/supporters`: the sign-in form.
pub async fn sign_in_form(State(state): State<AppState>) -> Result<Response, AppError> {
    page(
        &state,
        StatusCode::OK,
        "/supporters",
        "supporters/sign-in.html",
        context! {},
    )
    .await
}

/// Sends a sign-in link if the address has given; the same answer either way.
pub async fn send_link(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let Ok(email) = kolokol_core::Email::parse(form.get("email")) else {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/supporters",
            "supporters/sign-in.html",
            context! { error => state.words().t("supporter-email-refused") },
        )
        .await;
    };
    let now = Utc::now();
    if state.count_from_address("supporters", peer.ip()).await? > 10 {
        return Err(AppError::TooManyRequests(
            state.words().t("supporter-too-many"),
        ));
    }
    let link = revenue::supporter_link(&state.store, email.as_str(), LINK_MINUTES, now).await?;
    if let Some(token) = link {
        let config = state.site();
        let link = urls::absolute(config.base(), &format!("/supporters/login/{token}"));
        let words = state.words();
        let site = || config.title.as_str().into();
        let mail = OutgoingMail {
            to: email.to_string(),
            subject: words.t_with("mail-supporter-link-subject", [("site", site())]),
            text: format!(
                "{}\n\n{}\n",
                words.t_with(
                    "mail-supporter-link-body",
                    [("minutes", LINK_MINUTES.into()), ("link", link.into())]
                ),
                config.title
            ),
        };
        state.mail_later(mail, "supporters.sign_in_link");
    }
    page(
        &state,
        StatusCode::OK,
        "/supporters",
        "supporters/sign-in.html",
        context! { sent => true },
    )
    .await
}

/// The link asks before it signs in (mail scanners open links too).
pub async fn link_form(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
) -> Result<Response, AppError> {
    let path = format!("/supporters/login/{token}");
    page(
        &state,
        StatusCode::OK,
        &path,
        "supporters/link.html",
        context! { action => path.clone() },
    )
    .await
}

pub async fn link(
    State(state): State<AppState>,
    SecretToken(token): SecretToken,
) -> Result<Response, AppError> {
    let signed_in =
        revenue::supporter_sign_in(&state.store, &token, SESSION_DAYS, Utc::now()).await?;
    let Some(session) = signed_in else {
        return Err(AppError::BadRequest(
            state.words().t("supporter-link-expired"),
        ));
    };
    let secure = if state.site().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let session = session.token;
    let value = format!(
        "{COOKIE}={session}; Path=/supporters; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        SESSION_DAYS * 86_400
    );
    let mut response = Redirect::to("/supporters/account").into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The signed-in supporter: id, address, CSRF token, session hash.
async fn supporter(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Supporter, String)>, AppError> {
    let Some(token) = cookie(headers, COOKIE) else {
        return Ok(None);
    };
    let hash = password::token_hash(token);
    Ok(state
        .store
        .supporter_session(&hash, Utc::now())
        .await?
        .map(|supporter| (supporter, hash)))
}

#[derive(Debug, Serialize)]
struct GiftView {
    id: String,
    amount: String,
    frequency: String,
    status: String,
    since: Option<DateTime<Utc>>,
    ended: Option<DateTime<Utc>>,
    active: bool,
}

#[derive(Debug, Serialize)]
struct PaymentView {
    at: Option<DateTime<Utc>>,
    amount: String,
    kind: String,
    status: String,
}

fn shown(words: &kolokol_render::i18n::Words, minor: i64, currency: &str) -> String {
    Currency::parse(currency).map_or_else(
        |_| format!("{minor} {currency}"),
        |c| words.money(&Money::new(minor, c)),
    )
}

/// `/supporters/account`
pub async fn account(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some((supporter, _)) = supporter(&state, &headers).await? else {
        return Ok(Redirect::to("/supporters").into_response());
    };
    account_page(&state, &supporter, None).await
}

async fn account_page(
    state: &AppState,
    supporter: &Supporter,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let (subscriptions, payments) = state.store.supporter_giving(supporter.id).await?;
    let words = state.words();
    let gifts: Vec<GiftView> = subscriptions
        .iter()
        .map(|s| GiftView {
            id: s.provider_id.clone(),
            amount: shown(&words, s.amount_minor, &s.currency),
            frequency: s.frequency.clone(),
            status: s.status.clone(),
            since: DateTime::from_timestamp(s.started_at, 0),
            ended: s.ended_at.and_then(|t| DateTime::from_timestamp(t, 0)),
            active: s.status != "canceled",
        })
        .collect();
    let payments: Vec<PaymentView> = payments
        .iter()
        .map(|p| PaymentView {
            at: DateTime::from_timestamp(p.paid_at, 0),
            amount: shown(&words, p.amount_minor, &p.currency),
            kind: p.kind.clone(),
            status: p.status.clone(),
        })
        .collect();
    page(
        state,
        StatusCode::OK,
        "/supporters/account",
        "supporters/account.html",
        context! { email => supporter.email, csrf => supporter.csrf, gifts, payments, notice },
    )
    .await
}

/// A signed-in supporter acting on one of their own recurring gifts, with a valid
/// CSRF token; `Err(response)` sends them to sign in.
struct GiftAction {
    supporter: Supporter,
    form: FormData,
    gift: kolokol_core::revenue::SubscriptionRecord,
    provider: kolokol_payments::DynProvider,
}

async fn gift_action(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    subscription: &str,
) -> Result<Result<GiftAction, Response>, AppError> {
    let Some((supporter, _)) = supporter(state, headers).await? else {
        return Ok(Err(Redirect::to("/supporters").into_response()));
    };
    let form = FormData::parse(body);
    if !password::same_secret(form.get("csrf"), &supporter.csrf) {
        return Err(AppError::Forbidden(state.words().t("form-expired")));
    }
    let (subscriptions, _) = state.store.supporter_giving(supporter.id).await?;
    let gift = subscriptions
        .into_iter()
        .find(|s| s.provider_id == subscription && s.status != "canceled")
        .ok_or(AppError::NotFound)?;
    let provider = state
        .revenue()
        .provider
        .clone()
        .ok_or_else(|| AppError::BadRequest(state.words().t("supporter-no-payments")))?;
    Ok(Ok(GiftAction {
        supporter,
        form,
        gift,
        provider,
    }))
}

/// What a provider failure tells the supporter.
fn provider_failure(state: &AppState, e: &kolokol_payments::PaymentError) -> AppError {
    tracing::warn!(error = %e, "the payment provider refused a change");
    AppError::BadRequest(state.words().t("supporter-provider-failed"))
}

/// Changes a recurring gift's amount through the provider.
pub async fn change_amount(
    State(state): State<AppState>,
    Path(subscription): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let action = match gift_action(&state, &headers, &body, &subscription).await? {
        Ok(action) => action,
        Err(sign_in) => return Ok(sign_in),
    };
    let currency = Currency::parse(&action.gift.currency)
        .map_err(|_| AppError::BadRequest(state.words().t("supporter-unknown-currency")))?;
    let amount = match Money::parse(action.form.get("amount"), currency) {
        Ok(amount) => amount,
        Err(error) => {
            let message = state.words().say(&error.message());
            return account_page(&state, &action.supporter, Some(&message)).await;
        }
    };
    action
        .provider
        .change_subscription_amount(&subscription, amount)
        .await
        .map_err(|e| provider_failure(&state, &e))?;
    if let Some(demo) = &state.revenue().demo {
        let kind = EventKind::SubscriptionUpdated {
            subscription,
            status: "active".into(),
            amount: Some(amount),
            frequency: None,
        };
        state.record_demo_event(demo, kind).await?;
    }
    let words = state.words();
    let notice = words.t_with(
        "supporter-amount-changed",
        [("amount", words.money(&amount).into())],
    );
    account_page(&state, &action.supporter, Some(&notice)).await
}

/// Stops a recurring gift through the provider.
pub async fn cancel(
    State(state): State<AppState>,
    Path(subscription): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let action = match gift_action(&state, &headers, &body, &subscription).await? {
        Ok(action) => action,
        Err(sign_in) => return Ok(sign_in),
    };
    action
        .provider
        .cancel_subscription(&subscription)
        .await
        .map_err(|e| provider_failure(&state, &e))?;
    let notice = if let Some(demo) = &state.revenue().demo {
        // The demo provider has no webhooks: record what Stripe's would say.
        state
            .record_demo_event(demo, EventKind::SubscriptionEnded { subscription })
            .await?;
        "supporter-gift-stopped"
    } else {
        "supporter-gift-stops"
    };
    let notice = state.words().t(notice);
    account_page(&state, &action.supporter, Some(&notice)).await
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    if let Some((supporter, hash)) = supporter(&state, &headers).await? {
        if !password::same_secret(FormData::parse(&body).get("csrf"), &supporter.csrf) {
            return Err(AppError::Forbidden(state.words().t("form-expired")));
        }
        revenue::supporter_sign_out(&state.store, &hash).await?;
    }
    let mut response = Redirect::to("/supporters").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "kolokol_supporter=; Path=/supporters; Max-Age=0; HttpOnly; SameSite=Lax",
        ),
    );
    Ok(response)
}

//! Supporting the newsroom: the support page and form (Once / Monthly / Annual, preset
//! or own amount, currency), the checkout it starts, the thank-you page, the funding
//! meter, the demo provider's checkout page, and Stripe's webhook.
//!
//! Money is recorded only from the provider's signed webhooks (or, for the demo
//! provider, its own checkout page), never from the thank-you page.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use kolokol_core::revenue::EventKind;
use kolokol_core::{Currency, Frequency, Money};
use kolokol_payments::CheckoutRequest;
use kolokol_render::urls;
use minijinja::context;
use serde::Serialize;

use super::pages::{HTML, uncached_page};
use crate::error::AppError;
use crate::extract::FormData;
use crate::state::AppState;
use kolokol_operations::revenue;
use kolokol_operations::secrets as password;
use kolokol_render::views::{Meta, SiteView};

/// What the support form offers, for the templates.
#[derive(Debug, Serialize)]
struct Offer {
    currencies: Vec<CurrencyOffer>,
    presets: Vec<u32>,
    card: bool,
    snooze_days: u32,
    bank_transfer: String,
    /// Name, address and the address as a QR code (a data URI).
    crypto: Vec<(String, String, String)>,
    links: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
struct CurrencyOffer {
    code: String,
    /// `€25` for each preset.
    labels: Vec<String>,
}

/// The form as the reader left it, to show it again with a message.
#[derive(Debug, Default, Serialize)]
struct Choice {
    frequency: String,
    currency: String,
    amount: String,
    custom: String,
}

impl Choice {
    /// What the form offers before the reader touches it: monthly, the newsroom's
    /// currency, the second preset (the first when there is only one).
    fn preselected(state: &AppState) -> Self {
        let presets = &state.revenue().config.presets;
        Self {
            frequency: "monthly".into(),
            currency: state.revenue().currency().code().to_owned(),
            amount: presets
                .get(1)
                .or(presets.first())
                .map(ToString::to_string)
                .unwrap_or_default(),
            custom: String::new(),
        }
    }
}

fn split_pairs(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter_map(|l| l.split_once('|'))
        .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
        .collect()
}

fn offer(state: &AppState) -> Offer {
    let revenue = state.revenue();
    let words = state.words();
    let presets = revenue.config.presets.clone();
    Offer {
        currencies: revenue
            .currencies()
            .into_iter()
            .map(|c| CurrencyOffer {
                code: c.code().to_owned(),
                labels: presets
                    .iter()
                    .map(|p| {
                        words.money(&Money::new(
                            i64::from(*p) * 10_i64.pow(u32::from(c.digits())),
                            c,
                        ))
                    })
                    .collect(),
            })
            .collect(),
        presets,
        card: revenue.provider.is_some(),
        snooze_days: revenue.config.snooze_days,
        bank_transfer: revenue.config.bank_transfer.clone(),
        crypto: split_pairs(&revenue.config.crypto)
            .into_iter()
            .map(|(name, address)| {
                let qr = kolokol_render::qr::data_uri(&address).unwrap_or_default();
                (name, address, qr)
            })
            .collect(),
        links: split_pairs(&revenue.config.links),
    }
}

async fn support_page(
    state: &AppState,
    status: StatusCode,
    choice: &Choice,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let config = state.site();
    let meta = Meta {
        title: state
            .words()
            .t_with("support-title", [("site", config.title.as_str().into())]),
        description: config.banner.text.clone(),
        canonical: urls::absolute(config.base(), "/support"),
        og_type: "website",
        ..Meta::default()
    };
    let (_, funding) = state.funding().await?;
    // Not cached: the meter moves with every gift.
    uncached_page(
        state,
        status,
        "/support",
        "support.html",
        meta,
        context! { offer => offer(state), choice, error, funding },
        "no-cache",
    )
    .await
}

/// `/support`
pub async fn page(State(state): State<AppState>) -> Result<Response, AppError> {
    support_page(&state, StatusCode::OK, &Choice::preselected(&state), None).await
}

/// `/support/form`: the form alone, which the banner's dialog loads.
pub async fn form(State(state): State<AppState>) -> Result<Response, AppError> {
    let body = state.theme.render(
        "partials/support-form.html",
        context! {
            offer => offer(&state),
            choice => Choice::preselected(&state),
            lang => state.site().language.clone(),
        },
    )?;
    Ok((
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}

/// `/support/meter.json`: the banner's meter.
pub async fn meter(State(state): State<AppState>) -> Result<Response, AppError> {
    let body = state.meter_json().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}

/// Checkouts started from one network address in an hour: enough for any reader who
/// changes their mind, too few for someone testing stolen cards.
pub const CHECKOUTS_PER_HOUR: u32 = 10;

/// The support form's answer: off to the provider's checkout.
pub async fn checkout(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let choice = Choice {
        frequency: form.get("frequency").to_owned(),
        currency: form.get("currency").to_owned(),
        amount: form.get("amount").to_owned(),
        custom: form.get("custom").trim().to_owned(),
    };
    let refuse = |message: String| {
        let state = state.clone();
        let choice = &choice;
        async move {
            support_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                choice,
                Some(&message),
            )
            .await
        }
    };
    let revenue = state.revenue();
    let words = state.words();
    let Some(provider) = revenue.provider.clone() else {
        return refuse(words.t("checkout-no-cards")).await;
    };
    let Some(frequency) = Frequency::parse(&choice.frequency) else {
        return refuse(words.t("checkout-choose-frequency")).await;
    };
    let currency = match Currency::parse(&choice.currency) {
        Ok(c) if revenue.currencies().contains(&c) => c,
        _ => return refuse(words.t("checkout-choose-currency")).await,
    };
    let typed = if choice.custom.is_empty() {
        &choice.amount
    } else {
        &choice.custom
    };
    let amount = match Money::parse(typed, currency) {
        Ok(amount) => amount,
        Err(error) => return refuse(words.say(&error.message())).await,
    };
    let minimum = kolokol_core::revenue::minimum_gift(currency, &revenue.config.minimums);
    if amount.minor < minimum.minor {
        let smallest = words.money(&minimum);
        return refuse(words.t_with("checkout-minimum", [("amount", smallest.into())])).await;
    }
    // Bots fill in every field, people never see this one: no checkout, and the
    // refusal is in the audit log.
    if !form.get("website").is_empty() {
        revenue::checkout_refused(
            &state.store,
            "a field only bots fill in",
            chrono::Utc::now(),
        )
        .await?;
        return Ok(Redirect::to("/support").into_response());
    }
    // Counted only once the form is valid, just before the provider is asked: each
    // checkout is a call to the payment service.
    if state.count_from_address("checkout", peer.ip()).await? > i64::from(CHECKOUTS_PER_HOUR) {
        revenue::checkout_refused(
            &state.store,
            "too many from one address",
            chrono::Utc::now(),
        )
        .await?;
        return Err(AppError::TooManyRequests(words.t("checkout-too-many")));
    }
    let base = absolute_base(&state, &headers);
    let description = words.t_with(
        "checkout-description",
        [("kind", frequency.as_str().into())],
    );
    let request = CheckoutRequest {
        amount,
        frequency,
        success_url: format!("{base}/support/thanks?session_id={{CHECKOUT_SESSION_ID}}"),
        cancel_url: format!("{base}/support"),
        idempotency_key: password::random_token(),
        description,
        statement_descriptor: revenue.config.statement_descriptor.clone(),
    };
    match provider.create_checkout(&request).await {
        Ok(session) => Ok(Redirect::to(&session.url).into_response()),
        Err(e) => {
            tracing::warn!(error = %e, "cannot start a checkout");
            refuse(words.t("checkout-no-answer")).await
        }
    }
}

/// The main address, or the mirror or onion address the reader came through (so they
/// come back where they were). Any other `Host` gets the main address: a forged header
/// must not send a reader to someone else's site after paying.
fn absolute_base(state: &AppState, headers: &HeaderMap) -> String {
    let site = state.site();
    let host_of = |url: &str| urls::authority(url).to_ascii_lowercase();
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
    else {
        return site.base().to_owned();
    };
    if !site.onion.is_empty() && host_of(&site.onion) == host {
        return site.onion.trim_end_matches('/').to_owned();
    }
    site.mirrors
        .iter()
        .find(|m| host_of(m) == host)
        .map_or_else(
            || site.base().to_owned(),
            |m| m.trim_end_matches('/').to_owned(),
        )
}

/// `/support/thanks`: shown after the provider's checkout. Records nothing.
pub async fn thanks(State(state): State<AppState>) -> Result<Response, AppError> {
    let meta = Meta {
        title: state.words().t("thank-you"),
        canonical: urls::absolute(state.site().base(), "/support/thanks"),
        ..Meta::default()
    };
    uncached_page(
        &state,
        StatusCode::OK,
        "/support/thanks",
        "support-thanks.html",
        meta,
        context! {},
        "no-store",
    )
    .await
}

/// The demo provider's checkout page.
pub async fn demo_checkout(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let demo = state.revenue().demo.as_ref().ok_or(AppError::NotFound)?;
    let request = demo.peek(&id).ok_or(AppError::NotFound)?;
    let config = state.site();
    let site = SiteView::new(&config, &[]);
    let words = state.words();
    let meta = Meta {
        title: words.t("demo-checkout"),
        ..Meta::default()
    };
    let path = format!("/support/demo-checkout/{id}");
    let body = state.theme.render(
        "support-demo-checkout.html",
        context! {
            site, meta, action => path.clone(),
            amount => words.money(&request.amount),
            frequency => words.t_with("frequency-adverb", [("kind", request.frequency.as_str().into())]),
        },
    )?;
    let body = kolokol_render::links::relativize_for_page(&body, &path);
    Ok((
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

/// "Pays" a demo checkout: records what Stripe's webhooks would, then goes to the
/// thank-you page.
pub async fn demo_pay(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let demo = state.revenue().demo.as_ref().ok_or(AppError::NotFound)?;
    let form = FormData::parse(&body);
    let email = form.get("email").trim().to_lowercase();
    let email = kolokol_core::Email::parse(&email)
        .ok()
        .map(|e| e.to_string());
    let request = demo.take(&id).ok_or(AppError::NotFound)?;
    let mut events = Vec::new();
    match request.frequency {
        Frequency::Once => events.push(EventKind::OneTimePaid {
            payment: demo.id("pi"),
            email,
            amount: request.amount,
            paid: true,
        }),
        frequency => {
            let subscription = demo.id("sub");
            events.push(EventKind::SubscriptionStarted {
                subscription: subscription.clone(),
                email: email.clone(),
                amount: request.amount,
                frequency,
            });
            events.push(EventKind::InvoicePaid {
                payment: demo.id("in"),
                payment_intent: Some(demo.id("pi")),
                subscription,
                email,
                amount: request.amount,
            });
        }
    }
    for kind in events {
        state.record_demo_event(demo, kind).await?;
    }
    let success = request.success_url.replace("{CHECKOUT_SESSION_ID}", &id);
    Ok(Redirect::to(&success).into_response())
}

/// `POST /payments/stripe/webhook`: verified, then applied once.
pub async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let revenue = state.revenue();
    if revenue.config.provider != kolokol_core::config::PaymentProviderKind::Stripe {
        return (StatusCode::NOT_FOUND, "no Stripe account is configured").into_response();
    }
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) = kolokol_payments::verify_signature(
        signature,
        &body,
        &revenue.config.stripe_webhook_secret,
        Utc::now().timestamp(),
    ) {
        tracing::warn!(error = %e, "refused a webhook");
        return (StatusCode::BAD_REQUEST, format!("signature refused: {e}")).into_response();
    }
    let recorded = match kolokol_payments::parse_event(&body) {
        Ok(event) => state
            .record_payment_event("stripe", &event)
            .await
            .map(|new| if new { "recorded" } else { "already recorded" }),
        // Signed by Stripe but not readable by this version of Kolokol: a retry would
        // not help, so it is kept as it came, with the reason, for the Revenue page
        // and `kolokol revenue replay`, and Stripe is told it arrived.
        Err(e) => {
            tracing::warn!(error = %e, "kept a Stripe event that cannot be read");
            state
                .keep_unread_event("stripe", &body, &e.to_string())
                .await
                .map(|()| "kept unread")
        }
    };
    match recorded {
        Ok(what) => (StatusCode::OK, what).into_response(),
        // The database is not there: Stripe retries on anything but 2xx, so nothing
        // is lost.
        Err(e) => {
            tracing::warn!(error = %e, "cannot record a webhook");
            let mut response = (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            response
        }
    }
}

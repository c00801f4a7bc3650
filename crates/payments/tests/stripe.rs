//! The Stripe client against a local server that answers as Stripe's API does.

#![expect(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use kolokol_core::{Currency, Frequency, Money};
use kolokol_payments::stripe::StripeProvider;
use kolokol_payments::{CheckoutRequest, PaymentError, PaymentProvider};

type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

async fn start() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let router = axum::Router::new()
        .route(
            "/v1/subscriptions/{id}",
            axum::routing::get(|Path(id): Path<String>| async move {
                if id != "sub_1" {
                    return (StatusCode::NOT_FOUND, r#"{"error":{"message":"No such subscription"}}"#.to_owned());
                }
                (StatusCode::OK, r#"{"id":"sub_1","items":{"data":[{"id":"si_9","price":{"product":"prod_5","unit_amount":1000,"currency":"usd","recurring":{"interval":"year"}}}]}}"#.to_owned())
            })
            .post(|State(seen): State<Seen>, Path(id): Path<String>, headers: axum::http::HeaderMap, body: axum::body::Bytes| async move {
                if headers.get("stripe-version").and_then(|v| v.to_str().ok()) != Some(kolokol_payments::stripe::API_VERSION) {
                    return (StatusCode::BAD_REQUEST, r#"{"error":{"message":"no pinned version"}}"#.to_owned());
                }
                let form = form_urlencoded_pairs(&body);
                seen.lock().unwrap().push((id, form));
                (StatusCode::OK, r#"{"id":"sub_1"}"#.to_owned())
            }),
        )
        .route(
            "/v1/checkout/sessions",
            axum::routing::post(|| async {
                (StatusCode::PAYMENT_REQUIRED, r#"{"error":{"message":"Your account cannot currently make live charges."}}"#)
            }),
        )
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, seen)
}

fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

#[tokio::test]
async fn amounts_change_through_the_subscription_item_and_cancels_wait_for_the_period() {
    let (base, seen) = start().await;
    let stripe = StripeProvider::new(&base, "sk_test_x").unwrap();
    let usd = Currency::parse("USD").unwrap();
    stripe
        .change_subscription_amount("sub_1", Money::new(2400, usd))
        .await
        .unwrap();
    stripe.cancel_subscription("sub_1").await.unwrap();
    let seen = seen.lock().unwrap().clone();
    let field = |n: usize, name: &str| {
        seen[n]
            .1
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(field(0, "items[0][id]").as_deref(), Some("si_9"));
    assert_eq!(
        field(0, "items[0][price_data][product]").as_deref(),
        Some("prod_5")
    );
    assert_eq!(
        field(0, "items[0][price_data][unit_amount]").as_deref(),
        Some("2400")
    );
    assert_eq!(
        field(0, "items[0][price_data][recurring][interval]").as_deref(),
        Some("year")
    );
    assert_eq!(field(0, "proration_behavior").as_deref(), Some("none"));
    assert_eq!(field(1, "cancel_at_period_end").as_deref(), Some("true"));

    // Stripe's refusals come back with its message; an unknown subscription too.
    let refused = stripe
        .create_checkout(&CheckoutRequest {
            amount: Money::new(500, usd),
            frequency: Frequency::Once,
            success_url: "https://bell.example/support/thanks".into(),
            cancel_url: "https://bell.example/support".into(),
            idempotency_key: "k1".into(),
            description: "One-time support".into(),
            statement_descriptor: String::new(),
        })
        .await;
    assert!(
        matches!(refused, Err(PaymentError::Refused(m)) if m.contains("cannot currently make live charges"))
    );
    assert!(matches!(
        stripe.change_subscription_amount("sub_404", Money::new(1, usd)).await,
        Err(PaymentError::Refused(m)) if m.contains("No such subscription")
    ));
    // Nobody listening: unreachable, not a hang.
    let nowhere = StripeProvider::new("http://127.0.0.1:9", "sk_test_x").unwrap();
    assert!(matches!(
        nowhere.cancel_subscription("sub_1").await,
        Err(PaymentError::Unreachable(_))
    ));
}

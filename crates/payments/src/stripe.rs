//! Stripe through its documented HTTP API: form-encoded requests with the secret key
//! as a bearer token, a pinned `Stripe-Version` and an `Idempotency-Key`, JSON
//! answers. The API address is configurable so tests run against a local server that
//! speaks the same API.

use std::time::Duration;

use async_trait::async_trait;
use kolokol_core::Frequency;
use serde_json::Value;

use crate::{CheckoutRequest, CheckoutSession, PaymentError, PaymentProvider};

/// The API version every request names, so answers have the shapes this code reads
/// whatever the account's default. The webhook endpoint should be created with the
/// same version (events are read in both the 2024 and the 2025+ shapes anyway).
pub const API_VERSION: &str = "2025-12-15.clover";

pub struct StripeProvider {
    base: String,
    secret_key: String,
    http: reqwest::Client,
}

impl StripeProvider {
    pub fn new(base: &str, secret_key: &str) -> Result<Self, PaymentError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| PaymentError::Unreachable(e.to_string()))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            secret_key: secret_key.to_owned(),
            http,
        })
    }

    /// The form fields of a Checkout Session for this request.
    pub fn checkout_form(request: &CheckoutRequest) -> Vec<(String, String)> {
        let mut form: Vec<(&str, String)> = vec![
            ("success_url", request.success_url.clone()),
            ("cancel_url", request.cancel_url.clone()),
            ("line_items[0][quantity]", "1".into()),
            (
                "line_items[0][price_data][currency]",
                request.amount.currency.lower(),
            ),
            (
                "line_items[0][price_data][unit_amount]",
                request.amount.minor.to_string(),
            ),
            (
                "line_items[0][price_data][product_data][name]",
                request.description.clone(),
            ),
            ("metadata[frequency]", request.frequency.as_str().into()),
        ];
        match request.frequency {
            Frequency::Once => {
                form.push(("mode", "payment".into()));
                form.push(("submit_type", "donate".into()));
                if !request.statement_descriptor.is_empty() {
                    form.push((
                        "payment_intent_data[statement_descriptor_suffix]",
                        request.statement_descriptor.clone(),
                    ));
                }
            }
            Frequency::Monthly | Frequency::Annual => {
                form.push(("mode", "subscription".into()));
                let interval = if request.frequency == Frequency::Monthly {
                    "month"
                } else {
                    "year"
                };
                form.push((
                    "line_items[0][price_data][recurring][interval]",
                    interval.into(),
                ));
                form.push((
                    "subscription_data[metadata][frequency]",
                    request.frequency.as_str().into(),
                ));
            }
        }
        form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    async fn get(&self, path: &str) -> Result<Value, PaymentError> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.secret_key)
            .header("Stripe-Version", API_VERSION)
            .send()
            .await;
        Self::answer(response).await
    }

    /// One page of the account's events (newest first, as Stripe lists them), created
    /// at or after `since` and after `starting_after` in the list: the events and
    /// whether more follow. Stripe keeps events for 30 days.
    pub async fn events_page(
        &self,
        since: Option<i64>,
        starting_after: Option<&str>,
    ) -> Result<(Vec<Value>, bool), PaymentError> {
        let mut query = vec![("limit".to_owned(), "100".to_owned())];
        if let Some(since) = since {
            query.push(("created[gte]".to_owned(), since.to_string()));
        }
        if let Some(after) = starting_after {
            query.push(("starting_after".to_owned(), after.to_owned()));
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&query)
            .finish();
        let page = self.get(&format!("/v1/events?{query}")).await?;
        let events = page
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| PaymentError::Refused("the event list has no data".into()))?;
        let more = page
            .get("has_more")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Ok((events, more))
    }

    /// Every subscription of `customer` (in any state), as Stripe's objects.
    pub async fn customer_subscriptions(&self, customer: &str) -> Result<Vec<Value>, PaymentError> {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("customer", customer), ("status", "all"), ("limit", "100")])
            .finish();
        let page = self.get(&format!("/v1/subscriptions?{query}")).await?;
        page.get("data")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| PaymentError::Refused("the subscription list has no data".into()))
    }

    /// Stripe's JSON answer, or its error message.
    async fn answer(
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<Value, PaymentError> {
        let response = response.map_err(|e| PaymentError::Unreachable(e.to_string()))?;
        let status = response.status();
        let json: Value = response
            .json()
            .await
            .map_err(|e| PaymentError::Unreachable(format!("unreadable answer: {e}")))?;
        if !status.is_success() {
            let message = json
                .pointer("/error/message")
                .and_then(Value::as_str)
                .unwrap_or("no message");
            return Err(PaymentError::Refused(format!("{status}: {message}")));
        }
        Ok(json)
    }

    async fn post(
        &self,
        path: &str,
        form: &[(String, String)],
        idempotency_key: Option<&str>,
    ) -> Result<Value, PaymentError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.secret_key)
            .header("Stripe-Version", API_VERSION)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        Self::answer(request.send().await).await
    }
}

#[async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError> {
        let json = self
            .post(
                "/v1/checkout/sessions",
                &Self::checkout_form(request),
                Some(&request.idempotency_key),
            )
            .await?;
        let field = |name: &str| {
            json.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| PaymentError::Refused(format!("the session has no {name}")))
        };
        Ok(CheckoutSession {
            id: field("id")?,
            url: field("url")?,
        })
    }

    async fn cancel_subscription(&self, subscription_id: &str) -> Result<(), PaymentError> {
        self.post(
            &format!("/v1/subscriptions/{subscription_id}"),
            &[("cancel_at_period_end".into(), "true".into())],
            None,
        )
        .await
        .map(|_| ())
    }

    /// Stripe changes a subscription's price through its item: the item's id, product
    /// and interval come from the subscription as it is.
    async fn change_subscription_amount(
        &self,
        subscription_id: &str,
        amount: kolokol_core::Money,
    ) -> Result<(), PaymentError> {
        let subscription = self
            .get(&format!("/v1/subscriptions/{subscription_id}"))
            .await?;
        let item = subscription
            .pointer("/items/data/0")
            .ok_or_else(|| PaymentError::Refused("the subscription has no item".into()))?;
        let text = |pointer: &str| {
            item.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    PaymentError::Refused(format!("the subscription item has no {pointer}"))
                })
        };
        let form = vec![
            ("items[0][id]".to_owned(), text("/id")?),
            (
                "items[0][price_data][currency]".to_owned(),
                amount.currency.lower(),
            ),
            (
                "items[0][price_data][product]".to_owned(),
                text("/price/product")?,
            ),
            (
                "items[0][price_data][unit_amount]".to_owned(),
                amount.minor.to_string(),
            ),
            (
                "items[0][price_data][recurring][interval]".to_owned(),
                text("/price/recurring/interval")?,
            ),
            ("proration_behavior".to_owned(), "none".to_owned()),
        ];
        self.post(&format!("/v1/subscriptions/{subscription_id}"), &form, None)
            .await
            .map(|_| ())
    }
}

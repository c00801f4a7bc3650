//! Stripe webhooks: the `Stripe-Signature` check and the events Kolokol acts on.
//!
//! The header is `t=<unix time>,v1=<hex HMAC-SHA256>[,v1=…]`; the MAC is over
//! `"{t}.{raw body}"` with the endpoint's secret. Any `v1` may match (secrets are
//! rotated with a grace period), comparison is constant-time, and a timestamp more than
//! the tolerance away from now is refused (replays).

use hmac::{Hmac, Mac};
use kolokol_core::revenue::{EventKind, PaymentEvent};
use kolokol_core::{Currency, Frequency, Money};
use serde_json::Value;
use sha2::Sha256;

/// Stripe's default tolerance.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header, or one without t= and v1=")]
    Malformed,
    #[error("the signature's time is more than {TOLERANCE_SECS} s from now")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// Checks a webhook's signature against the endpoint secret.
pub fn verify_signature(
    header: &str,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let mut timestamp: Option<i64> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse().ok(),
            Some(("v1", value)) => {
                if let Ok(bytes) = hex::decode(value) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(SignatureError::Malformed);
    };
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let expected = sign(secret, timestamp, body);
    let matches = signatures.iter().any(|given| {
        bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_slice(),
            expected.as_slice(),
        ))
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The MAC Stripe sends as `v1` (used by the tests' fake Stripe too).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return Vec::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// A `Stripe-Signature` header for `body` at `timestamp`.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(sign(secret, timestamp, body))
    )
}

/// Why an event body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event is not one Kolokol can read: {0}")]
pub struct EventError(pub String);

fn text(value: &Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    current.as_str().map(str::to_owned)
}

fn number(value: &Value, path: &[&str]) -> Option<i64> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    current.as_i64()
}

fn money(object: &Value, amount_key: &str) -> Result<Money, EventError> {
    let minor =
        number(object, &[amount_key]).ok_or_else(|| EventError(format!("no {amount_key}")))?;
    let currency = text(object, &["currency"]).ok_or_else(|| EventError("no currency".into()))?;
    let currency = Currency::parse(&currency).map_err(EventError)?;
    Ok(Money::new(minor, currency))
}

/// The recurring interval of a subscription object's first item.
fn subscription_terms(object: &Value) -> (Option<Money>, Option<Frequency>) {
    let Some(item) = object.pointer("/items/data/0") else {
        return (None, None);
    };
    let price = item.get("price").unwrap_or(&Value::Null);
    let amount = money(price, "unit_amount").ok();
    let frequency = match text(price, &["recurring", "interval"]).as_deref() {
        Some("month") => Some(Frequency::Monthly),
        Some("year") => Some(Frequency::Annual),
        _ => None,
    };
    (amount, frequency)
}

/// An id where Stripe may send either the id or the expanded object.
fn id_at(object: &Value, pointer: &str) -> Option<String> {
    let value = object.pointer(pointer)?;
    value
        .as_str()
        .or_else(|| value.get("id").and_then(Value::as_str))
        .map(str::to_owned)
}

/// The subscription an invoice was made for: `subscription` up to the 2024 versions,
/// `parent.subscription_details.subscription` from 2025-03-31.basil on.
fn invoice_subscription(invoice: &Value) -> Option<String> {
    id_at(invoice, "/subscription")
        .or_else(|| id_at(invoice, "/parent/subscription_details/subscription"))
}

/// The payment intent behind an invoice, when the invoice names it: `payment_intent`
/// up to the 2024 versions; from basil on only through its `payments` list (when
/// expanded), otherwise through a later `invoice_payment.paid`.
fn invoice_payment_intent(invoice: &Value) -> Option<String> {
    id_at(invoice, "/payment_intent").or_else(|| {
        invoice
            .pointer("/payments/data")
            .and_then(Value::as_array)
            .and_then(|payments| {
                payments
                    .iter()
                    .find_map(|p| id_at(p, "/payment/payment_intent"))
            })
    })
}

/// Reads a webhook body (already verified), in the shapes of the 2024 (acacia) and
/// the 2025+ (basil, clover) API versions alike.
pub fn parse_event(body: &[u8]) -> Result<PaymentEvent, EventError> {
    let event: Value =
        serde_json::from_slice(body).map_err(|e| EventError(format!("not JSON: {e}")))?;
    let id = text(&event, &["id"]).ok_or_else(|| EventError("no id".into()))?;
    let created = number(&event, &["created"]).unwrap_or(0);
    let api_version = text(&event, &["api_version"]).unwrap_or_default();
    let kind_name = text(&event, &["type"]).ok_or_else(|| EventError("no type".into()))?;
    let object = event
        .pointer("/data/object")
        .ok_or_else(|| EventError("no data.object".into()))?;
    let missing = |name: &str| EventError(format!("{kind_name} without {name}"));
    let field = |name: &str| id_at(object, &format!("/{name}")).ok_or_else(|| missing(name));
    let email =
        text(object, &["customer_details", "email"]).or_else(|| text(object, &["customer_email"]));
    let kind = match kind_name.as_str() {
        "checkout.session.completed" => match text(object, &["mode"]).as_deref() {
            Some("subscription") => {
                let frequency = match text(object, &["metadata", "frequency"]).as_deref() {
                    Some("annual") => Frequency::Annual,
                    _ => Frequency::Monthly,
                };
                EventKind::SubscriptionStarted {
                    subscription: field("subscription")?,
                    email,
                    amount: money(object, "amount_total")?,
                    frequency,
                }
            }
            _ => EventKind::OneTimePaid {
                payment: field("payment_intent")?,
                email,
                amount: money(object, "amount_total")?,
                paid: text(object, &["payment_status"]).as_deref() == Some("paid"),
            },
        },
        "checkout.session.async_payment_succeeded" | "checkout.session.async_payment_failed" => {
            EventKind::AsyncPayment {
                payment: field("payment_intent")?,
                succeeded: kind_name.ends_with("succeeded"),
                email,
                amount: money(object, "amount_total").ok(),
            }
        }
        "invoice.paid" => EventKind::InvoicePaid {
            payment: field("id")?,
            payment_intent: invoice_payment_intent(object),
            subscription: invoice_subscription(object).ok_or_else(|| missing("a subscription"))?,
            email,
            amount: money(object, "amount_paid")?,
        },
        "invoice_payment.paid" => match id_at(object, "/payment/payment_intent") {
            Some(payment_intent) => EventKind::InvoicePaymentPaid {
                invoice: field("invoice")?,
                payment_intent,
            },
            // Paid outside Stripe or by a bare charge: nothing to link refunds by.
            None => EventKind::Ignored { kind: kind_name },
        },
        "invoice.payment_failed" => EventKind::InvoiceFailed {
            subscription: invoice_subscription(object).ok_or_else(|| missing("a subscription"))?,
        },
        "customer.subscription.updated" => {
            let (amount, frequency) = subscription_terms(object);
            EventKind::SubscriptionUpdated {
                subscription: field("id")?,
                status: field("status")?,
                amount,
                frequency,
            }
        }
        "customer.subscription.deleted" => EventKind::SubscriptionEnded {
            subscription: field("id")?,
        },
        // A charge names its payment intent in every version; up to 2024 also its
        // invoice (removed in basil: the intent is then matched to the invoice through
        // `invoice_payment.paid`).
        "charge.refunded" => EventKind::Refunded {
            payment: field("payment_intent")?,
            invoice: id_at(object, "/invoice"),
        },
        "charge.dispute.created" => EventKind::Disputed {
            payment: field("payment_intent")?,
            invoice: None,
        },
        other => EventKind::Ignored {
            kind: other.to_owned(),
        },
    };
    Ok(PaymentEvent {
        id,
        created,
        api_version,
        kind,
    })
}

/// The event's id, type and API version, read from a body that may be unreadable
/// otherwise (to store it with the reason).
pub fn event_identity(body: &[u8]) -> (String, String, String) {
    let event: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let get = |name: &str| text(&event, &[name]).unwrap_or_default();
    (get("id"), get("type"), get("api_version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn signatures_are_checked_with_a_tolerance_and_rotation() {
        let body = br#"{"id":"evt_1"}"#;
        let now = 1_800_000_000;
        let good = signature_header(SECRET, now, body);
        assert_eq!(verify_signature(&good, body, SECRET, now + 10), Ok(()));
        // During rotation Stripe signs with both secrets; either may match.
        let rotated = format!("{good},v1={}", hex::encode(sign("whsec_old", now, body)));
        assert_eq!(verify_signature(&rotated, body, "whsec_old", now), Ok(()));
        assert_eq!(
            verify_signature(&good, body, "whsec_wrong", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(&good, body, SECRET, now + TOLERANCE_SECS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_signature(&good, br#"{"id":"evt_2"}"#, SECRET, now),
            Err(SignatureError::Mismatch),
            "a tampered body"
        );
        for bad in ["", "t=1", "v1=abcd", "nonsense"] {
            assert_eq!(
                verify_signature(bad, body, SECRET, now),
                Err(SignatureError::Malformed)
            );
        }
    }

    #[test]
    fn events_are_read_into_kolokols_terms() {
        let event = |kind: &str, object: Value| {
            serde_json::to_vec(&serde_json::json!({
                "id": "evt_1", "created": 1_800_000_000, "type": kind, "data": { "object": object }
            }))
            .unwrap_or_default()
        };
        let once = parse_event(&event(
            "checkout.session.completed",
            serde_json::json!({"mode": "payment", "payment_intent": "pi_1", "amount_total": 2500,
                "currency": "eur", "payment_status": "paid", "customer_details": {"email": "a@b.example"}}),
        ));
        assert!(matches!(
            once.map(|e| e.kind),
            Ok(EventKind::OneTimePaid {
                paid: true,
                amount: Money { minor: 2500, .. },
                ..
            })
        ));
        let monthly = parse_event(&event(
            "customer.subscription.updated",
            serde_json::json!({"id": "sub_1", "status": "active", "items": {"data": [
                {"price": {"unit_amount": 1500, "currency": "usd", "recurring": {"interval": "year"}}}]}}),
        ))
        .map(|e| e.kind);
        assert!(matches!(
            monthly,
            Ok(EventKind::SubscriptionUpdated {
                frequency: Some(Frequency::Annual),
                amount: Some(Money { minor: 1500, .. }),
                ..
            })
        ));
        assert!(matches!(
            parse_event(&event("customer.created", serde_json::json!({}))).map(|e| e.kind),
            Ok(EventKind::Ignored { .. })
        ));
        // Every other type Kolokol acts on.
        let cases = [
            (
                "checkout.session.completed",
                serde_json::json!({"mode": "subscription", "subscription": "sub_1",
                "amount_total": 1000, "currency": "usd", "metadata": {"frequency": "annual"}}),
                "SubscriptionStarted",
            ),
            (
                "checkout.session.async_payment_succeeded",
                serde_json::json!({"payment_intent": "pi_1"}),
                "AsyncPayment",
            ),
            (
                "checkout.session.async_payment_failed",
                serde_json::json!({"payment_intent": "pi_1"}),
                "AsyncPayment",
            ),
            ("checkout.session.expired", serde_json::json!({}), "Ignored"),
            (
                "invoice.paid",
                serde_json::json!({"id": "in_1", "payment_intent": "pi_2", "subscription": "sub_1", "amount_paid": 1000, "currency": "usd"}),
                "InvoicePaid",
            ),
            (
                "invoice.payment_failed",
                serde_json::json!({"subscription": "sub_1"}),
                "InvoiceFailed",
            ),
            (
                "customer.subscription.deleted",
                serde_json::json!({"id": "sub_1"}),
                "SubscriptionEnded",
            ),
            (
                "charge.refunded",
                serde_json::json!({"payment_intent": "pi_2"}),
                "Refunded",
            ),
            (
                "charge.dispute.created",
                serde_json::json!({"payment_intent": "pi_2"}),
                "Disputed",
            ),
        ];
        for (kind, object, expected) in cases {
            let parsed =
                parse_event(&event(kind, object)).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert!(
                format!("{:?}", parsed.kind).starts_with(expected),
                "{kind}: {:?}",
                parsed.kind
            );
        }
        let failed = parse_event(&event(
            "checkout.session.async_payment_failed",
            serde_json::json!({"payment_intent": "pi_1"}),
        ));
        assert!(matches!(
            failed.map(|e| e.kind),
            Ok(EventKind::AsyncPayment {
                succeeded: false,
                ..
            })
        ));
        assert!(parse_event(b"not json").is_err());
        assert!(
            parse_event(&event(
                "invoice.paid",
                serde_json::json!({"amount_paid": 1})
            ))
            .is_err()
        );
    }
}

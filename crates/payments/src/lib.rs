//! Taking money: one [`PaymentProvider`] trait with Stripe behind it (Checkout
//! Sessions created through Stripe's documented HTTP API, webhooks verified and read
//! into [`PaymentEvent`]s), and a demo provider for `kolokol demo` and tests.

pub mod demo;
pub mod stripe;
pub mod webhook;

use async_trait::async_trait;
use kolokol_core::{Frequency, Money};

pub use kolokol_core::revenue::{EventKind, PaymentEvent};
pub use webhook::{SignatureError, parse_event, verify_signature};

/// What a reader chose on the support form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    pub amount: Money,
    pub frequency: Frequency,
    /// Where the provider sends the reader after paying (`{CHECKOUT_SESSION_ID}` is
    /// filled in by Stripe) and after giving up.
    pub success_url: String,
    pub cancel_url: String,
    /// The same key for the same form submission: a retried request creates one session.
    pub idempotency_key: String,
    /// The product line readers see at checkout, e.g. "Monthly support".
    pub description: String,
    pub statement_descriptor: String,
}

/// A checkout page to send the reader to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
}

/// Why a provider call failed.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("the payment service refused: {0}")]
    Refused(String),
    #[error("the payment service could not be reached: {0}")]
    Unreachable(String),
}

/// A payment service.
#[async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError>;
    /// Stops a recurring gift at the end of the period already paid.
    async fn cancel_subscription(&self, subscription_id: &str) -> Result<(), PaymentError>;
    /// Changes a recurring gift's amount from the next payment on (no proration).
    async fn change_subscription_amount(
        &self,
        subscription_id: &str,
        amount: Money,
    ) -> Result<(), PaymentError>;
}

pub type DynProvider = std::sync::Arc<dyn PaymentProvider>;

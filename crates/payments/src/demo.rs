//! The demo provider: a checkout page on the site itself where nothing is charged,
//! so a newcomer can click through the whole flow with no account anywhere. It is
//! refused by the configuration outside `kolokol demo` (and used by tests).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use parking_lot::Mutex;

use crate::{CheckoutRequest, CheckoutSession, PaymentError, PaymentProvider};

/// Unpaid demo checkouts kept at most (the oldest goes first), and for how long.
pub const MAX_SESSIONS: usize = 1_000;
pub const SESSION_LIFETIME: Duration = Duration::from_secs(3_600);

#[derive(Default)]
pub struct DemoProvider {
    sessions: Mutex<HashMap<String, (Instant, CheckoutRequest)>>,
    counter: Mutex<u64>,
}

impl DemoProvider {
    /// The checkout a reader started, once (paying twice is not possible).
    pub fn take(&self, id: &str) -> Option<CheckoutRequest> {
        let (started, request) = self.sessions.lock().remove(id)?;
        (started.elapsed() < SESSION_LIFETIME).then_some(request)
    }

    /// The checkout without consuming it (to show the demo checkout page).
    pub fn peek(&self, id: &str) -> Option<CheckoutRequest> {
        self.sessions
            .lock()
            .get(id)
            .filter(|(started, _)| started.elapsed() < SESSION_LIFETIME)
            .map(|(_, request)| request.clone())
    }

    /// Unpaid checkouts held now.
    pub fn open_sessions(&self) -> usize {
        self.sessions.lock().len()
    }

    /// Keeps a new checkout: expired ones go, and at the bound the oldest goes.
    fn keep(&self, id: String, request: CheckoutRequest) {
        let mut sessions = self.sessions.lock();
        sessions.retain(|_, (started, _)| started.elapsed() < SESSION_LIFETIME);
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, (started, _))| *started)
                .map(|(id, _)| id.clone())
        {
            sessions.remove(&oldest);
        }
        sessions.insert(id, (Instant::now(), request));
    }

    fn next_id(&self, prefix: &str) -> String {
        let mut counter = self.counter.lock();
        *counter += 1;
        format!("{prefix}_demo_{}_{}", std::process::id(), *counter)
    }

    /// A fresh id for a demo payment or subscription.
    pub fn id(&self, prefix: &str) -> String {
        self.next_id(prefix)
    }
}

#[async_trait]
impl PaymentProvider for DemoProvider {
    fn name(&self) -> &'static str {
        "demo"
    }

    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError> {
        let id = self.next_id("cs");
        self.keep(id.clone(), request.clone());
        Ok(CheckoutSession {
            url: format!("/support/demo-checkout/{id}"),
            id,
        })
    }

    async fn cancel_subscription(&self, _subscription_id: &str) -> Result<(), PaymentError> {
        Ok(())
    }

    async fn change_subscription_amount(
        &self,
        _subscription_id: &str,
        _amount: kolokol_core::Money,
    ) -> Result<(), PaymentError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CheckoutRequest {
        CheckoutRequest {
            amount: kolokol_core::Money::new(
                500,
                kolokol_core::revenue::Currency::parse("USD").unwrap_or_else(|e| panic!("{e}")),
            ),
            frequency: kolokol_core::revenue::Frequency::Once,
            success_url: String::new(),
            cancel_url: String::new(),
            idempotency_key: String::new(),
            description: String::new(),
            statement_descriptor: String::new(),
        }
    }

    #[tokio::test]
    async fn unpaid_checkouts_are_bounded() {
        let provider = DemoProvider::default();
        let first = provider
            .create_checkout(&request())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..MAX_SESSIONS + 50 {
            provider
                .create_checkout(&request())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(provider.open_sessions(), MAX_SESSIONS);
        assert!(provider.peek(&first.id).is_none(), "the oldest went first");
    }
}

//! The demo provider: a checkout page on the site itself where nothing is charged,
//! so a newcomer can click through the whole flow with no account anywhere. It is
//! refused by the configuration outside `kolokol demo` (and used by tests).

use std::collections::HashMap;

use async_trait::async_trait;
use parking_lot::Mutex;

use crate::{CheckoutRequest, CheckoutSession, PaymentError, PaymentProvider};

#[derive(Default)]
pub struct DemoProvider {
    sessions: Mutex<HashMap<String, CheckoutRequest>>,
    counter: Mutex<u64>,
}

impl DemoProvider {
    /// The checkout a reader started, once (paying twice is not possible).
    pub fn take(&self, id: &str) -> Option<CheckoutRequest> {
        self.sessions.lock().remove(id)
    }

    /// The checkout without consuming it (to show the demo checkout page).
    pub fn peek(&self, id: &str) -> Option<CheckoutRequest> {
        self.sessions.lock().get(id).cloned()
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
        self.sessions.lock().insert(id.clone(), request.clone());
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

//! Reader revenue inside the server: the configuration, the payment provider when one
//! is set, and the funding meter.

use chrono::{Datelike, TimeZone, Utc};
use kolokol_core::Money;
use kolokol_core::revenue::Funding;
use kolokol_payments::demo::DemoProvider;
use serde::Serialize;

use crate::error::AppError;
pub use crate::services::{Revenue, RevenueState};
use crate::state::AppState;

/// How long the banner's meter may be this old: every page view asks for it.
const METER_SECONDS: u64 = 5;

/// The meter as templates and the banner's script show it.
#[derive(Debug, Serialize)]
pub struct FundingView {
    pub raised: String,
    /// None until the newsroom sets a monthly goal.
    pub goal: Option<String>,
    pub percent: u32,
    pub recurring: String,
    pub once: String,
    pub supporters: i64,
    /// "€1,200 of €10,000 this month (12%)", in the site's language, for the banner.
    pub sentence: Option<String>,
    /// How long "Remind me later" hides the prompt.
    pub snooze_days: u32,
}

impl AppState {
    /// How the newsroom takes money.
    pub fn revenue(&self) -> &Revenue {
        &self.revenue.revenue
    }

    /// The meter as JSON for the banner, at most a few seconds old.
    pub async fn meter_json(&self) -> Result<String, AppError> {
        if let Some((at, json)) = self.revenue.meter.lock().as_ref()
            && at.elapsed().as_secs() < METER_SECONDS
        {
            return Ok(json.clone());
        }
        let (_, view) = self.funding().await?;
        let json = serde_json::to_string(&view).map_err(|e| AppError::Internal(e.to_string()))?;
        *self.revenue.meter.lock() = Some((std::time::Instant::now(), json.clone()));
        Ok(json)
    }

    /// Forgets the meter's copy (after this node recorded money).
    pub fn meter_changed(&self) {
        *self.revenue.meter.lock() = None;
    }

    /// Where this month stands against the goal.
    pub async fn funding(&self) -> Result<(Funding, FundingView), AppError> {
        let revenue = self.revenue();
        let currency = revenue.currency();
        let tz = self.site().tz();
        let local = Utc::now().with_timezone(&tz);
        let month_start = tz
            .with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0)
            .earliest()
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
        let funding = self.store.funding(currency.code(), month_start).await?;
        let goal =
            i64::from(revenue.config.monthly_goal) * 10_i64.pow(u32::from(currency.digits()));
        let percent = if goal > 0 {
            u32::try_from((funding.total_minor() * 100 / goal).clamp(0, 100)).unwrap_or(0)
        } else {
            0
        };
        let words = self.words();
        let raised = words.money(&Money::new(funding.total_minor(), currency));
        let goal_text = (goal > 0).then(|| words.money(&Money::new(goal, currency)));
        let sentence = goal_text.as_ref().map(|goal| {
            words.t_with(
                "meter-sentence",
                [
                    ("raised", raised.clone().into()),
                    ("goal", goal.clone().into()),
                    ("percent", percent.into()),
                ],
            )
        });
        let view = FundingView {
            raised,
            goal: goal_text,
            sentence,
            percent,
            recurring: words.money(&Money::new(funding.recurring_minor, currency)),
            once: words.money(&Money::new(funding.once_this_month_minor, currency)),
            supporters: funding.recurring_supporters,
            snooze_days: revenue.config.snooze_days,
        };
        Ok((funding, view))
    }
}

impl AppState {
    /// Applies a provider event to the ledger and, the first time a payment is
    /// recorded, mails the supporter a receipt (from the transactional sender).
    pub async fn record_payment_event(
        &self,
        provider: &str,
        event: &kolokol_core::revenue::PaymentEvent,
    ) -> Result<bool, AppError> {
        let new =
            kolokol_operations::revenue::apply_event(&self.store, provider, event, Utc::now())
                .await?;
        if new {
            self.meter_changed();
            self.send_receipt(event);
        }
        Ok(new)
    }

    /// Keeps a signed event this version cannot read, with the reason.
    pub async fn keep_unread_event(
        &self,
        provider: &str,
        body: &[u8],
        reason: &str,
    ) -> Result<(), AppError> {
        let (event_id, kind, api_version) = kolokol_payments::webhook::event_identity(body);
        let event = kolokol_core::revenue::UnreadPaymentEvent {
            provider: provider.to_owned(),
            event_id: if event_id.is_empty() {
                format!("unidentified-{}", crate::admin::password::random_token())
            } else {
                event_id
            },
            kind,
            api_version,
            body: String::from_utf8_lossy(body).into_owned(),
            reason: reason.to_owned(),
            received_at: Utc::now().timestamp(),
            applied_at: None,
        };
        Ok(kolokol_operations::revenue::keep_unread(&self.store, &event).await?)
    }

    /// Records what the demo provider's (absent) webhooks would report, now.
    pub async fn record_demo_event(
        &self,
        demo: &DemoProvider,
        kind: kolokol_core::revenue::EventKind,
    ) -> Result<bool, AppError> {
        let event = kolokol_core::revenue::PaymentEvent {
            id: demo.id("evt"),
            created: Utc::now().timestamp(),
            api_version: String::new(),
            kind,
        };
        self.record_payment_event("demo", &event).await
    }

    fn send_receipt(&self, event: &kolokol_core::revenue::PaymentEvent) {
        use kolokol_core::revenue::EventKind;
        let (email, amount, payment, kind) = match &event.kind {
            EventKind::OneTimePaid {
                email: Some(email),
                amount,
                payment,
                paid: true,
            } => (email, amount, payment, "once"),
            EventKind::InvoicePaid {
                email: Some(email),
                amount,
                payment,
                ..
            } => (email, amount, payment, "recurring"),
            // A bank debit that settled days after the checkout: the session comes
            // with the event, address and amount included.
            EventKind::AsyncPayment {
                payment,
                succeeded: true,
                email: Some(email),
                amount: Some(amount),
            } => (email, amount, payment, "once"),
            _ => return,
        };
        let config = self.site();
        let words = self.words();
        let date = chrono::DateTime::from_timestamp(event.created, 0)
            .unwrap_or_else(Utc::now)
            .with_timezone(&config.tz());
        let site = || config.title.as_str().into();
        let mail = kolokol_mail::OutgoingMail {
            to: email.clone(),
            subject: words.t_with("mail-receipt-subject", [("site", site())]),
            text: format!(
                "{}\n\n{}\n",
                words.t_with(
                    "mail-receipt-body",
                    [
                        ("kind", kind.into()),
                        ("amount", words.money(amount).into()),
                        ("site", site()),
                        ("date", words.long_date(&date).into()),
                        ("payment", payment.as_str().into()),
                        (
                            "link",
                            kolokol_render::urls::absolute(config.base(), "/supporters").into()
                        ),
                    ]
                ),
                config.title,
            ),
        };
        // After the answer: a webhook is not kept waiting on the mail server.
        self.mail_later(mail, "revenue.receipt");
    }
}

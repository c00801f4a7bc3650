//! The reader-revenue ledger: provider events applied exactly once, in any order.
//!
//! Every event is recorded by its id in the same transaction as its effects, so a
//! retried or duplicated delivery changes nothing twice. Effects are upserts that
//! converge whatever the order: a payment's status only moves forward (pending → paid
//! → failed/refunded/disputed), a subscription's state is taken from the newest event
//! (by the provider's timestamp), and an ended subscription stays ended.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::revenue::{Funding, PaymentEvent};

use crate::StoreError;

#[async_trait]
pub trait RevenueStore: Send + Sync + 'static {
    /// Applies a provider event; false when it had been applied before.
    async fn apply_payment_event(
        &self,
        provider: &str,
        event: &PaymentEvent,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Every recurring gift, newest first.
    async fn subscriptions(
        &self,
    ) -> Result<Vec<kolokol_core::revenue::SubscriptionRecord>, StoreError>;
    /// Payments made at or after `since`, newest first.
    async fn payments_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<kolokol_core::revenue::PaymentRecord>, StoreError>;
    /// Keeps a signed event that could not be read, with the reason (again: the
    /// reason and body are updated).
    async fn keep_unread_payment_event(
        &self,
        event: &kolokol_core::revenue::UnreadPaymentEvent,
    ) -> Result<(), StoreError>;
    /// Unread events, oldest first; with `applied`, also those applied since.
    async fn unread_payment_events(
        &self,
        applied: bool,
    ) -> Result<Vec<kolokol_core::revenue::UnreadPaymentEvent>, StoreError>;
    /// Marks an unread event as read and applied.
    async fn mark_payment_event_read(
        &self,
        provider: &str,
        event_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The meter: recurring revenue and this month's one-time gifts in `currency`.
    async fn funding(
        &self,
        currency: &str,
        month_start: DateTime<Utc>,
    ) -> Result<Funding, StoreError>;
    /// Supporters an import brought with a Stripe customer and no subscription yet:
    /// (supporter, customer), for reading their subscriptions from Stripe.
    async fn customers_to_read(&self) -> Result<Vec<(i64, String)>, StoreError>;
    /// Credits a subscription nobody is credited with to `supporter`.
    async fn tie_subscription(&self, subscription: &str, supporter: i64) -> Result<(), StoreError>;
}

/// How far along a payment's status is; it never moves back.
pub(crate) fn status_rank(status: &str) -> i64 {
    match status {
        "pending" => 0,
        "paid" => 1,
        _ => 2,
    }
}

/// A payment as recorded, before it is recorded again under another id.
#[derive(sqlx::FromRow)]
struct RecordedPayment {
    supporter_id: Option<i64>,
    subscription_id: Option<String>,
    amount_minor: i64,
    currency: String,
    status: String,
}

/// A subscription's columns (table alias `s`); the supporter's `email` is added by
/// each query, from a join or as NULL.
pub(crate) const SUBSCRIPTION_COLUMNS: &str = "s.provider_id, s.amount_minor, s.currency, \
     s.frequency, s.status, s.started_at, s.ended_at";

/// A payment's columns (table alias `y`); `email` as for subscriptions.
pub(crate) const PAYMENT_COLUMNS: &str = "y.provider_id, y.subscription_id, y.amount_minor, \
     y.currency, y.kind, y.status, y.paid_at";

#[derive(sqlx::FromRow)]
pub(crate) struct SubscriptionRow {
    provider_id: String,
    email: Option<String>,
    amount_minor: i64,
    currency: String,
    frequency: String,
    status: String,
    started_at: i64,
    ended_at: Option<i64>,
}

impl From<SubscriptionRow> for kolokol_core::revenue::SubscriptionRecord {
    fn from(row: SubscriptionRow) -> Self {
        Self {
            provider_id: row.provider_id,
            email: row.email,
            amount_minor: row.amount_minor,
            currency: row.currency,
            frequency: row.frequency,
            status: row.status,
            started_at: row.started_at,
            ended_at: row.ended_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PaymentRow {
    provider_id: String,
    email: Option<String>,
    subscription_id: Option<String>,
    amount_minor: i64,
    currency: String,
    kind: String,
    status: String,
    paid_at: i64,
}

impl From<PaymentRow> for kolokol_core::revenue::PaymentRecord {
    fn from(row: PaymentRow) -> Self {
        Self {
            provider_id: row.provider_id,
            email: row.email,
            subscription_id: row.subscription_id,
            amount_minor: row.amount_minor,
            currency: row.currency,
            kind: row.kind,
            status: row.status,
            paid_at: row.paid_at,
        }
    }
}

pub(crate) const RANK: &str = "(CASE status WHEN 'pending' THEN 0 WHEN 'paid' THEN 1 ELSE 2 END)";

impl crate::sql::SqlStore {
    async fn supporter_id(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        email: Option<&str>,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let Some(email) = email
            .map(|e| e.trim().to_lowercase())
            .filter(|e| e.contains('@'))
        else {
            return Ok(None);
        };
        sqlx::query("INSERT INTO supporters (email, created_at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING")
            .bind(&email)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        Ok(Some(
            sqlx::query_scalar("SELECT id FROM supporters WHERE email = $1")
                .bind(&email)
                .fetch_one(&mut **tx)
                .await?,
        ))
    }

    /// Records or completes a payment, then moves its status forward.
    #[expect(
        clippy::too_many_arguments,
        reason = "one upsert with every column an event may carry"
    )]
    async fn upsert_payment(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        payment: &str,
        supporter: Option<i64>,
        subscription: Option<&str>,
        amount: Option<&kolokol_core::Money>,
        kind: &str,
        status: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO payments (provider_id, supporter_id, subscription_id, amount_minor, currency, kind, status, paid_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) \
             ON CONFLICT (provider_id) DO UPDATE SET \
               supporter_id = COALESCE(payments.supporter_id, excluded.supporter_id), \
               subscription_id = COALESCE(payments.subscription_id, excluded.subscription_id), \
               amount_minor = CASE WHEN excluded.amount_minor > 0 THEN excluded.amount_minor ELSE payments.amount_minor END, \
               currency = CASE WHEN excluded.currency <> '' THEN excluded.currency ELSE payments.currency END, \
               kind = CASE WHEN excluded.amount_minor > 0 THEN excluded.kind ELSE payments.kind END",
        )
        .bind(payment)
        .bind(supporter)
        .bind(subscription)
        .bind(amount.map_or(0, |m| m.minor))
        .bind(amount.map_or(String::new(), |m| m.currency.code().to_owned()))
        .bind(kind)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        sqlx::query(&format!(
            "UPDATE payments SET status = $2 WHERE provider_id = $1 AND {} < $3",
            crate::revenue::RANK
        ))
        .bind(payment)
        .bind(status)
        .bind(crate::revenue::status_rank(status))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The payment a provider id stands for: an invoice's payment intent is an
    /// alias of the invoice once the two are known to belong together.
    async fn canonical_payment(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        payment: &str,
    ) -> Result<String, StoreError> {
        let alias: Option<String> =
            sqlx::query_scalar("SELECT payment_id FROM payment_aliases WHERE provider_id = $1")
                .bind(payment)
                .fetch_optional(&mut **tx)
                .await?;
        Ok(alias.unwrap_or_else(|| payment.to_owned()))
    }

    /// Records that `payment_intent` paid `invoice`. Whatever was recorded
    /// under the intent before (a refund or dispute that came first) moves to
    /// the invoice's payment, so the order events arrive in does not matter.
    async fn link_payment(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        payment_intent: &str,
        invoice: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        if payment_intent == invoice {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO payment_aliases (provider_id, payment_id) VALUES ($1, $2) \
             ON CONFLICT (provider_id) DO NOTHING",
        )
        .bind(payment_intent)
        .bind(invoice)
        .execute(&mut **tx)
        .await?;
        // (A payment recorded under its intent before 2025 keeps its amount.)
        let earlier: Option<RecordedPayment> = sqlx::query_as(
            "SELECT supporter_id, subscription_id, amount_minor, currency, status FROM payments WHERE provider_id = $1",
        )
        .bind(payment_intent)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(RecordedPayment {
            supporter_id: supporter,
            subscription_id: subscription,
            amount_minor: minor,
            currency,
            status,
        }) = earlier
        {
            sqlx::query("DELETE FROM payments WHERE provider_id = $1")
                .bind(payment_intent)
                .execute(&mut **tx)
                .await?;
            let amount = kolokol_core::Currency::parse(&currency)
                .ok()
                .filter(|_| minor > 0)
                .map(|c| kolokol_core::Money::new(minor, c));
            Self::upsert_payment(
                tx,
                invoice,
                supporter,
                subscription.as_deref(),
                amount.as_ref(),
                "recurring",
                &status,
                at,
            )
            .await?;
        }
        Ok(())
    }

    /// Records or updates a subscription with the state an event of time `at`
    /// reports; older news does not overwrite newer, and an end is final.
    async fn upsert_subscription(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        subscription: &str,
        supporter: Option<i64>,
        amount: Option<&kolokol_core::Money>,
        frequency: Option<kolokol_core::Frequency>,
        status: Option<&str>,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO subscriptions (provider_id, supporter_id, amount_minor, currency, frequency, status, started_at, ended_at, state_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $6 = 'canceled' THEN $7 END, $8) \
             ON CONFLICT (provider_id) DO UPDATE SET \
               supporter_id = COALESCE(subscriptions.supporter_id, excluded.supporter_id), \
               amount_minor = CASE WHEN excluded.amount_minor > 0 AND (subscriptions.amount_minor = 0 OR subscriptions.state_at <= excluded.state_at) \
                 THEN excluded.amount_minor ELSE subscriptions.amount_minor END, \
               currency = CASE WHEN excluded.currency <> '' AND (subscriptions.currency = '' OR subscriptions.state_at <= excluded.state_at) \
                 THEN excluded.currency ELSE subscriptions.currency END, \
               frequency = CASE WHEN $9 AND subscriptions.state_at <= excluded.state_at THEN excluded.frequency ELSE subscriptions.frequency END, \
               status = CASE WHEN subscriptions.status = 'canceled' THEN 'canceled' \
                 WHEN excluded.status = 'canceled' THEN 'canceled' \
                 WHEN $10 AND subscriptions.state_at <= excluded.state_at THEN excluded.status \
                 ELSE subscriptions.status END, \
               ended_at = COALESCE(subscriptions.ended_at, excluded.ended_at), \
               state_at = CASE WHEN subscriptions.state_at > excluded.state_at THEN subscriptions.state_at ELSE excluded.state_at END",
        )
        .bind(subscription)
        .bind(supporter)
        .bind(amount.map_or(0, |m| m.minor))
        .bind(amount.map_or(String::new(), |m| m.currency.code().to_owned()))
        .bind(match frequency {
            Some(kolokol_core::Frequency::Annual) => "annual",
            _ => "monthly",
        })
        .bind(status.unwrap_or("active"))
        .bind(at)
        .bind(at)
        .bind(frequency.is_some())
        .bind(status.is_some())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::revenue::RevenueStore for crate::sql::SqlStore {
    async fn apply_payment_event(
        &self,
        provider: &str,
        event: &kolokol_core::revenue::PaymentEvent,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        use kolokol_core::revenue::EventKind;
        let mut tx = self.begin().await?;
        let kind = match &event.kind {
            EventKind::OneTimePaid { .. } => "one_time_paid",
            EventKind::SubscriptionStarted { .. } => "subscription_started",
            EventKind::AsyncPayment { .. } => "async_payment",
            EventKind::InvoicePaid { .. } => "invoice_paid",
            EventKind::InvoicePaymentPaid { .. } => "invoice_payment_paid",
            EventKind::InvoiceFailed { .. } => "invoice_failed",
            EventKind::SubscriptionUpdated { .. } => "subscription_updated",
            EventKind::SubscriptionEnded { .. } => "subscription_ended",
            EventKind::Refunded { .. } => "refunded",
            EventKind::Disputed { .. } => "disputed",
            EventKind::Ignored { .. } => "ignored",
        };
        let new = sqlx::query(
            "INSERT INTO payment_events (provider, event_id, kind, received_at, api_version) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (provider, event_id) DO NOTHING",
        )
        .bind(provider)
        .bind(&event.id)
        .bind(kind)
        .bind(now.timestamp())
        .bind(&event.api_version)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if !new {
            return Ok(false);
        }
        let at = if event.created > 0 {
            event.created
        } else {
            now.timestamp()
        };
        match &event.kind {
            EventKind::OneTimePaid {
                payment,
                email,
                amount,
                paid,
            } => {
                let supporter = Self::supporter_id(&mut tx, email.as_deref(), at).await?;
                let status = if *paid { "paid" } else { "pending" };
                Self::upsert_payment(
                    &mut tx,
                    payment,
                    supporter,
                    None,
                    Some(amount),
                    "once",
                    status,
                    at,
                )
                .await?;
            }
            EventKind::SubscriptionStarted {
                subscription,
                email,
                amount,
                frequency,
            } => {
                let supporter = Self::supporter_id(&mut tx, email.as_deref(), at).await?;
                Self::upsert_subscription(
                    &mut tx,
                    subscription,
                    supporter,
                    Some(amount),
                    Some(*frequency),
                    None,
                    at,
                )
                .await?;
            }
            EventKind::AsyncPayment {
                payment,
                succeeded,
                email,
                ..
            } => {
                let supporter = Self::supporter_id(&mut tx, email.as_deref(), at).await?;
                let status = if *succeeded { "paid" } else { "failed" };
                Self::upsert_payment(&mut tx, payment, supporter, None, None, "once", status, at)
                    .await?;
            }
            EventKind::InvoicePaid {
                payment,
                payment_intent,
                subscription,
                email,
                amount,
            } => {
                let supporter = Self::supporter_id(&mut tx, email.as_deref(), at).await?;
                Self::upsert_payment(
                    &mut tx,
                    payment,
                    supporter,
                    Some(subscription),
                    Some(amount),
                    "recurring",
                    "paid",
                    at,
                )
                .await?;
                if let Some(intent) = payment_intent {
                    Self::link_payment(&mut tx, intent, payment, at).await?;
                }
                Self::upsert_subscription(
                    &mut tx,
                    subscription,
                    supporter,
                    Some(amount),
                    None,
                    None,
                    at,
                )
                .await?;
            }
            EventKind::InvoicePaymentPaid {
                invoice,
                payment_intent,
            } => {
                Self::upsert_payment(&mut tx, invoice, None, None, None, "recurring", "paid", at)
                    .await?;
                Self::link_payment(&mut tx, payment_intent, invoice, at).await?;
            }
            EventKind::InvoiceFailed { subscription } => {
                Self::upsert_subscription(
                    &mut tx,
                    subscription,
                    None,
                    None,
                    None,
                    Some("past_due"),
                    at,
                )
                .await?;
            }
            EventKind::SubscriptionUpdated {
                subscription,
                status,
                amount,
                frequency,
            } => {
                Self::upsert_subscription(
                    &mut tx,
                    subscription,
                    None,
                    amount.as_ref(),
                    *frequency,
                    Some(status),
                    at,
                )
                .await?;
            }
            EventKind::SubscriptionEnded { subscription } => {
                Self::upsert_subscription(
                    &mut tx,
                    subscription,
                    None,
                    None,
                    None,
                    Some("canceled"),
                    at,
                )
                .await?;
            }
            EventKind::Refunded { payment, invoice } | EventKind::Disputed { payment, invoice } => {
                let status = if matches!(event.kind, EventKind::Refunded { .. }) {
                    "refunded"
                } else {
                    "disputed"
                };
                let target = match invoice {
                    Some(invoice) => {
                        Self::link_payment(&mut tx, payment, invoice, at).await?;
                        invoice.clone()
                    }
                    None => Self::canonical_payment(&mut tx, payment).await?,
                };
                Self::upsert_payment(&mut tx, &target, None, None, None, "once", status, at)
                    .await?;
            }
            EventKind::Ignored { .. } => {}
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn keep_unread_payment_event(
        &self,
        event: &kolokol_core::revenue::UnreadPaymentEvent,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO unread_payment_events (provider, event_id, kind, api_version, body, reason, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (provider, event_id) DO UPDATE SET reason = excluded.reason, body = excluded.body",
        )
        .bind(&event.provider)
        .bind(&event.event_id)
        .bind(&event.kind)
        .bind(&event.api_version)
        .bind(&event.body)
        .bind(&event.reason)
        .bind(event.received_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn unread_payment_events(
        &self,
        applied: bool,
    ) -> Result<Vec<kolokol_core::revenue::UnreadPaymentEvent>, StoreError> {
        let rows: Vec<(String, String, String, String, String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT provider, event_id, kind, api_version, body, reason, received_at, applied_at \
             FROM unread_payment_events WHERE $1 OR applied_at IS NULL ORDER BY received_at, event_id",
        )
        .bind(applied)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(provider, event_id, kind, api_version, body, reason, received_at, applied_at)| {
                    kolokol_core::revenue::UnreadPaymentEvent {
                        provider,
                        event_id,
                        kind,
                        api_version,
                        body,
                        reason,
                        received_at,
                        applied_at,
                    }
                },
            )
            .collect())
    }

    async fn mark_payment_event_read(
        &self,
        provider: &str,
        event_id: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE unread_payment_events SET applied_at = $3 WHERE provider = $1 AND event_id = $2",
        )
        .bind(provider)
        .bind(event_id)
        .bind(now.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn subscriptions(
        &self,
    ) -> Result<Vec<kolokol_core::revenue::SubscriptionRecord>, StoreError> {
        let rows: Vec<SubscriptionRow> = sqlx::query_as(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS}, p.email FROM subscriptions s \
             LEFT JOIN supporters p ON p.id = s.supporter_id ORDER BY s.started_at DESC, s.provider_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn payments_since(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<kolokol_core::revenue::PaymentRecord>, StoreError> {
        let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
            "SELECT {PAYMENT_COLUMNS}, p.email FROM payments y \
             LEFT JOIN supporters p ON p.id = y.supporter_id WHERE y.paid_at >= $1 \
             ORDER BY y.paid_at DESC, y.provider_id"
        ))
        .bind(since.timestamp())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn customers_to_read(&self) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.id, p.stripe_customer FROM supporters p \
             WHERE p.stripe_customer IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.supporter_id = p.id) \
             ORDER BY p.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn tie_subscription(&self, subscription: &str, supporter: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE subscriptions SET supporter_id = $2 WHERE provider_id = $1 AND supporter_id IS NULL",
        )
        .bind(subscription)
        .bind(supporter)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn funding(
        &self,
        currency: &str,
        month_start: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::revenue::Funding, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT frequency, CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT), COUNT(*) FROM subscriptions \
             WHERE status IN ('active', 'trialing') AND currency = $1 GROUP BY frequency",
        )
        .bind(currency)
        .fetch_all(&self.pool)
        .await?;
        let mut funding = kolokol_core::revenue::Funding {
            recurring_minor: 0,
            once_this_month_minor: 0,
            recurring_supporters: 0,
        };
        for (frequency, sum, count) in rows {
            funding.recurring_minor += if frequency == "annual" { sum / 12 } else { sum };
            funding.recurring_supporters += count;
        }
        funding.once_this_month_minor = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments \
             WHERE kind = 'once' AND status = 'paid' AND currency = $1 AND paid_at >= $2",
        )
        .bind(currency)
        .bind(month_start.timestamp())
        .fetch_one(&self.pool)
        .await?;
        Ok(funding)
    }
}

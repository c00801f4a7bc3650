//! The newsletter's readers: sign-ups and consent, confirmation, leaving and suppression, the list
//! and its imports.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{
    Audit, Email, ImportedSubscriber, Signup, SignupOutcome, Subscriber, SubscriberStats,
};

use crate::StoreError;

/// A confirmation mail is sent again for the same address at most this often.
pub const CONFIRMATION_RESEND_SECS: i64 = 600;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    /// Of those added, how many had left the other list (unsubscribed or bounced):
    /// on our list as having left, never mailed.
    pub left: usize,
    /// Already on the list (in any state, suppressed included): left as they were.
    pub skipped: usize,
    /// Paying members with a Stripe customer, kept as supporters (new or known).
    pub supporters: usize,
}

pub(crate) const SUBSCRIBER_COLUMNS: &str = "SELECT id, email, status, signed_up_at, confirmed_at, left_at, \
     policy_version, form, address_hash, reason, language, name FROM subscribers ";

#[derive(sqlx::FromRow)]
pub(crate) struct SubscriberRow {
    id: i64,
    email: String,
    status: String,
    signed_up_at: i64,
    confirmed_at: Option<i64>,
    left_at: Option<i64>,
    policy_version: String,
    form: String,
    address_hash: String,
    reason: String,
    language: String,
    name: String,
}

impl SubscriberRow {
    pub(crate) fn into_subscriber(self) -> Result<Subscriber, StoreError> {
        use crate::rows::time;
        Ok(Subscriber {
            id: self.id,
            email: Email::parse(&self.email)
                .map_err(|_| StoreError::Corrupt(format!("subscriber e-mail {:?}", self.email)))?,
            status: kolokol_core::SubscriberStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Corrupt(format!("subscriber status {}", self.status)))?,
            signed_up_at: time(self.signed_up_at)?,
            confirmed_at: self.confirmed_at.map(time).transpose()?,
            left_at: self.left_at.map(time).transpose()?,
            policy_version: self.policy_version,
            form: self.form,
            address_hash: self.address_hash,
            reason: self.reason,
            language: self.language,
            name: self.name,
        })
    }
}

/// The newsletter's readers: sign-ups and consent, confirmation, leaving and suppression, the list
/// and its imports.
#[async_trait]
pub trait SubscriberStore: Send + Sync {
    /// Notes a sign-up attempt from an address and tells how many came from it since
    /// `since` (this one included).
    async fn record_signup_attempt(
        &self,
        address_hash: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Records a sign-up with its consent, or leaves things as they are.
    async fn subscribe(
        &self,
        signup: &Signup,
        now: DateTime<Utc>,
    ) -> Result<SignupOutcome, StoreError>;
    /// Activates the pending subscription behind a confirmation token.
    async fn confirm_subscription(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Subscriber>, StoreError>;
    async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>, StoreError>;
    /// Unsubscribes, or re-subscribes an unsubscribed reader (from their own link).
    /// Suppressed and pending addresses do not change.
    async fn set_subscribed(
        &self,
        id: i64,
        subscribed: bool,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Subscriber>, StoreError>;
    /// Never mails this address again (bounce, complaint, request), writing `audit`
    /// with it; false (and nothing written) when the address is not on the list or
    /// is suppressed already.
    async fn suppress(
        &self,
        email: &Email,
        reason: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn subscriber_stats(
        &self,
        weeks: u32,
        now: DateTime<Utc>,
    ) -> Result<SubscriberStats, StoreError>;
    /// Subscribers by id, after `after_id`: for pages and exports of any size.
    async fn subscribers(&self, after_id: i64, limit: u32) -> Result<Vec<Subscriber>, StoreError>;
    /// The newest subscribers first.
    async fn latest_subscribers(&self, limit: u32) -> Result<Vec<Subscriber>, StoreError>;
    /// Adds confirmed subscribers, all or nothing, with `audit` (whose detail is set
    /// to the counts) in the same transaction.
    async fn import_subscribers(
        &self,
        rows: &[ImportedSubscriber],
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError>;
}

#[async_trait]
impl SubscriberStore for crate::sql::SqlStore {
    async fn record_signup_attempt(
        &self,
        address_hash: &str,
        since: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        // Old attempts are of no use to anyone: forget them as we go.
        sqlx::query("DELETE FROM signup_attempts WHERE at < $1")
            .bind(since.timestamp())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO signup_attempts (address_hash, at) VALUES ($1, $2)")
            .bind(address_hash)
            .bind(now.timestamp())
            .execute(&mut *tx)
            .await?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM signup_attempts WHERE address_hash = $1 AND at >= $2",
        )
        .bind(address_hash)
        .bind(since.timestamp())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(count)
    }

    async fn subscribe(
        &self,
        signup: &kolokol_core::Signup,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::SignupOutcome, StoreError> {
        use kolokol_core::SignupOutcome;
        let mut tx = self.begin().await?;
        let existing: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT status, confirm_sent_at FROM subscribers WHERE email = $1")
                .bind(signup.email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let outcome = match existing.as_ref().map(|(s, at)| (s.as_str(), *at)) {
            None => SignupOutcome::Confirm,
            Some(("pending", Some(sent))) if now.timestamp() - sent < CONFIRMATION_RESEND_SECS => {
                SignupOutcome::Quiet
            }
            // A new consent replaces the old one; it counts once confirmed.
            Some(("pending" | "unsubscribed", _)) => SignupOutcome::Confirm,
            Some(_) => SignupOutcome::Quiet,
        };
        if outcome == SignupOutcome::Confirm {
            sqlx::query(
                "INSERT INTO subscribers (email, status, confirm_token_hash, confirm_sent_at, \
                 signed_up_at, policy_version, form, address_hash, language) \
                 VALUES ($1, 'pending', $2, $3, $3, $4, $5, $6, $7) \
                 ON CONFLICT (email) DO UPDATE SET status = 'pending', \
                 confirm_token_hash = excluded.confirm_token_hash, \
                 confirm_sent_at = excluded.confirm_sent_at, signed_up_at = excluded.signed_up_at, \
                 confirmed_at = NULL, policy_version = excluded.policy_version, \
                 form = excluded.form, address_hash = excluded.address_hash, \
                 language = excluded.language",
            )
            .bind(signup.email.as_str())
            .bind(&signup.token_hash)
            .bind(now.timestamp())
            .bind(&signup.policy_version)
            .bind(&signup.form)
            .bind(&signup.address_hash)
            .bind(&signup.language)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    async fn confirm_subscription(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::Subscriber>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE subscribers SET status = 'active', confirmed_at = $2, \
             confirm_token_hash = NULL, left_at = NULL, reason = '' \
             WHERE confirm_token_hash = $1 AND status = 'pending' AND confirm_sent_at >= $3 \
             RETURNING id",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .bind(now.timestamp() - 7 * 86_400)
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.subscriber(id).await,
            None => Ok(None),
        }
    }

    async fn subscriber(&self, id: i64) -> Result<Option<kolokol_core::Subscriber>, StoreError> {
        sqlx::query_as::<_, crate::subscribers::SubscriberRow>(&format!(
            "{}WHERE id = $1",
            crate::subscribers::SUBSCRIBER_COLUMNS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .map(crate::subscribers::SubscriberRow::into_subscriber)
        .transpose()
    }

    async fn set_subscribed(
        &self,
        id: i64,
        subscribed: bool,
        reason: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::Subscriber>, StoreError> {
        let query = if subscribed {
            "UPDATE subscribers SET status = 'active', left_at = NULL, reason = '', \
             confirmed_at = COALESCE(confirmed_at, $3) WHERE id = $1 AND status = 'unsubscribed' AND $2 = $2"
        } else {
            "UPDATE subscribers SET status = 'unsubscribed', left_at = $3, reason = $2 \
             WHERE id = $1 AND status = 'active'"
        };
        sqlx::query(query)
            .bind(id)
            .bind(reason)
            .bind(now.timestamp())
            .execute(&self.pool)
            .await?;
        self.subscriber(id).await
    }

    async fn suppress(
        &self,
        email: &kolokol_core::Email,
        reason: &str,
        audit: &Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE subscribers SET status = 'suppressed', reason = $2, left_at = $3, \
             confirm_token_hash = NULL WHERE email = $1 AND status <> 'suppressed'",
        )
        .bind(email.as_str())
        .bind(reason)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_audited_if(tx, done.rows_affected(), audit, now).await
    }

    async fn subscriber_stats(
        &self,
        weeks: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::SubscriberStats, StoreError> {
        let counts: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM subscribers GROUP BY status")
                .fetch_all(&self.pool)
                .await?;
        let mut stats = kolokol_core::SubscriberStats::default();
        for (status, count) in counts {
            match status.as_str() {
                "active" => stats.active = count,
                "pending" => stats.pending = count,
                "unsubscribed" => stats.unsubscribed = count,
                _ => stats.suppressed += count,
            }
        }
        let week = 7 * 86_400;
        let first = now.timestamp() - i64::from(weeks) * week;
        let joined: Vec<i64> =
            sqlx::query_scalar("SELECT confirmed_at FROM subscribers WHERE confirmed_at >= $1")
                .bind(first)
                .fetch_all(&self.pool)
                .await?;
        let left: Vec<i64> = sqlx::query_scalar(
            "SELECT left_at FROM subscribers WHERE left_at >= $1 AND status IN ('unsubscribed', 'suppressed')",
        )
        .bind(first)
        .fetch_all(&self.pool)
        .await?;
        for n in 0..i64::from(weeks) {
            let start = first + n * week;
            let within = |t: &&i64| (start..start + week).contains(*t);
            stats.weeks.push(kolokol_core::WeekGrowth {
                week_start: crate::rows::time(start)?,
                joined: i64::try_from(joined.iter().filter(within).count()).unwrap_or(0),
                left: i64::try_from(left.iter().filter(within).count()).unwrap_or(0),
            });
        }
        Ok(stats)
    }

    async fn subscribers(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<kolokol_core::Subscriber>, StoreError> {
        sqlx::query_as::<_, crate::subscribers::SubscriberRow>(&format!(
            "{}WHERE id > $1 ORDER BY id LIMIT $2",
            crate::subscribers::SUBSCRIBER_COLUMNS
        ))
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::subscribers::SubscriberRow::into_subscriber)
        .collect()
    }

    async fn latest_subscribers(
        &self,
        limit: u32,
    ) -> Result<Vec<kolokol_core::Subscriber>, StoreError> {
        sqlx::query_as::<_, crate::subscribers::SubscriberRow>(&format!(
            "{}ORDER BY id DESC LIMIT $1",
            crate::subscribers::SUBSCRIBER_COLUMNS
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::subscribers::SubscriberRow::into_subscriber)
        .collect()
    }

    async fn import_subscribers(
        &self,
        rows: &[kolokol_core::ImportedSubscriber],
        audit: &Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport::default();
        let mut tx = self.begin().await?;
        for row in rows {
            let done = sqlx::query(
                "INSERT INTO subscribers (email, status, signed_up_at, confirmed_at, \
                 policy_version, form, address_hash, language, name, left_at, reason) \
                 VALUES ($1, $7, $2, $3, $4, $5, '', $6, $8, $9, $10) \
                 ON CONFLICT (email) DO NOTHING",
            )
            .bind(row.email.as_str())
            .bind(row.signed_up_at.timestamp())
            .bind(row.confirmed_at.timestamp())
            .bind(&row.policy_version)
            .bind(&row.form)
            .bind(&row.language)
            .bind(row.status.as_str())
            .bind(&row.name)
            .bind(row.left_at.map(|t| t.timestamp()))
            .bind(match row.status {
                kolokol_core::SubscriberStatus::Active
                | kolokol_core::SubscriberStatus::Pending => "",
                kolokol_core::SubscriberStatus::Unsubscribed => "left before the import",
                kolokol_core::SubscriberStatus::Suppressed => "suppressed before the import",
            })
            .execute(&mut *tx)
            .await?;
            if let Some(customer) = &row.stripe_customer {
                // A paying member: a supporter, known to Stripe by this customer.
                sqlx::query(
                    "INSERT INTO supporters (email, created_at, stripe_customer) VALUES ($1, $2, $3) \
                     ON CONFLICT (email) DO UPDATE SET \
                     stripe_customer = COALESCE(supporters.stripe_customer, excluded.stripe_customer)",
                )
                .bind(row.email.as_str().to_lowercase())
                .bind(row.signed_up_at.timestamp())
                .bind(customer)
                .execute(&mut *tx)
                .await?;
                report.supporters += 1;
            }
            if done.rows_affected() > 0 {
                report.added += 1;
                if row.status != kolokol_core::SubscriberStatus::Active {
                    report.left += 1;
                }
            } else {
                report.skipped += 1;
            }
        }
        let audit = Audit {
            detail: format!(
                "{} added ({} as having left), {} already known",
                report.added, report.left, report.skipped
            ),
            ..audit.clone()
        };
        crate::sql::commit_audited(tx, &audit, now).await?;
        Ok(report)
    }
}

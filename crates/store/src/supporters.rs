//! Supporters' own pages: sign-in by mailed link, their sessions, and what they have given.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreError;

/// Supporters' own pages: sign-in by mailed link, their sessions, and what they have given.
#[async_trait]
pub trait SupporterStore: Send + Sync {
    /// A sign-in link's token (hashed) for the supporter with this address; None when
    /// the address has never given (the caller says the same either way).
    async fn supporter_login_token(
        &self,
        email: &str,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;
    /// Uses up a sign-in token and opens a session; the supporter's id.
    async fn supporter_sign_in(
        &self,
        token_hash: &str,
        session_hash: &str,
        csrf: &str,
        now: DateTime<Utc>,
        session_expires: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;
    /// The supporter behind a session: id, e-mail and the session's CSRF token.
    async fn supporter_session(
        &self,
        session_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<kolokol_core::revenue::Supporter>, StoreError>;
    async fn end_supporter_session(&self, session_hash: &str) -> Result<(), StoreError>;
    /// A supporter's recurring gifts and payments, newest first.
    async fn supporter_giving(
        &self,
        supporter: i64,
    ) -> Result<
        (
            Vec<kolokol_core::revenue::SubscriptionRecord>,
            Vec<kolokol_core::revenue::PaymentRecord>,
        ),
        StoreError,
    >;
}

#[async_trait]
impl SupporterStore for crate::sql::SqlStore {
    async fn supporter_login_token(
        &self,
        email: &str,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM supporters WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        if let Some(id) = id {
            sqlx::query("INSERT INTO supporter_tokens (token_hash, supporter_id, expires_at) VALUES ($1, $2, $3)")
                .bind(token_hash)
                .bind(id)
                .bind(expires_at.timestamp())
                .execute(&self.pool)
                .await?;
        }
        Ok(id)
    }

    async fn supporter_sign_in(
        &self,
        token_hash: &str,
        session_hash: &str,
        csrf: &str,
        now: chrono::DateTime<chrono::Utc>,
        session_expires: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "DELETE FROM supporter_tokens WHERE token_hash = $1 AND expires_at >= $2 RETURNING supporter_id",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            sqlx::query("INSERT INTO supporter_sessions (token_hash, supporter_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(session_hash)
                .bind(id)
                .bind(csrf)
                .bind(session_expires.timestamp())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn supporter_session(
        &self,
        session_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::revenue::Supporter>, StoreError> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT s.supporter_id, p.email, s.csrf_token FROM supporter_sessions s \
             JOIN supporters p ON p.id = s.supporter_id WHERE s.token_hash = $1 AND s.expires_at >= $2",
        )
        .bind(session_hash)
        .bind(now.timestamp())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, email, csrf)| kolokol_core::revenue::Supporter { id, email, csrf }))
    }

    async fn end_supporter_session(&self, session_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM supporter_sessions WHERE token_hash = $1")
            .bind(session_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn supporter_giving(
        &self,
        supporter: i64,
    ) -> Result<
        (
            Vec<kolokol_core::revenue::SubscriptionRecord>,
            Vec<kolokol_core::revenue::PaymentRecord>,
        ),
        StoreError,
    > {
        let subscriptions: Vec<crate::revenue::SubscriptionRow> = sqlx::query_as(&format!(
            "SELECT {}, CAST(NULL AS TEXT) AS email FROM subscriptions s \
             WHERE s.supporter_id = $1 ORDER BY s.started_at DESC, s.provider_id",
            crate::revenue::SUBSCRIPTION_COLUMNS
        ))
        .bind(supporter)
        .fetch_all(&self.pool)
        .await?;
        let payments: Vec<crate::revenue::PaymentRow> = sqlx::query_as(&format!(
            "SELECT {}, CAST(NULL AS TEXT) AS email FROM payments y \
             WHERE y.supporter_id = $1 ORDER BY y.paid_at DESC, y.provider_id",
            crate::revenue::PAYMENT_COLUMNS
        ))
        .bind(supporter)
        .fetch_all(&self.pool)
        .await?;
        Ok((
            subscriptions.into_iter().map(Into::into).collect(),
            payments.into_iter().map(Into::into).collect(),
        ))
    }
}

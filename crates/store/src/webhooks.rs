//! Outgoing webhooks: registrations and the log of deliveries.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, Webhook, WebhookDelivery};

use crate::StoreError;
use crate::rows::time;
use crate::sql::SqlStore;

/// Registered webhooks and what became of each delivery.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Registers `target_url` for `event`, with `audit`; its id.
    async fn add_webhook(
        &self,
        event: &str,
        target_url: &str,
        secret: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Removes a webhook (and its log), with `audit`; false when it was gone already.
    async fn delete_webhook(
        &self,
        id: i64,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn webhook(&self, id: i64) -> Result<Option<Webhook>, StoreError>;
    /// Every webhook, or those of one event.
    async fn webhooks(&self, event: Option<&str>) -> Result<Vec<Webhook>, StoreError>;
    async fn record_delivery(&self, delivery: &WebhookDelivery) -> Result<(), StoreError>;
    /// The newest deliveries first.
    async fn deliveries(&self, limit: u32) -> Result<Vec<WebhookDelivery>, StoreError>;
}

#[derive(sqlx::FromRow)]
struct WebhookRow {
    id: i64,
    event: String,
    target_url: String,
    secret: String,
    created_at: i64,
}

impl WebhookRow {
    fn into_webhook(self) -> Result<Webhook, StoreError> {
        Ok(Webhook {
            id: self.id,
            event: self.event,
            target_url: self.target_url,
            secret: self.secret,
            created_at: time(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    webhook_id: i64,
    target_url: String,
    event: String,
    status: i64,
    error: String,
    delivered_at: i64,
}

const WEBHOOKS: &str = "SELECT id, event, target_url, secret, created_at FROM webhooks ";

#[async_trait]
impl WebhookStore for SqlStore {
    async fn add_webhook(
        &self,
        event: &str,
        target_url: &str,
        secret: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (event, target_url, secret, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(event)
        .bind(target_url)
        .bind(secret)
        .bind(now.timestamp())
        .fetch_one(&mut *tx)
        .await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(id)
    }

    async fn delete_webhook(
        &self,
        id: i64,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        crate::sql::commit_audited_if(tx, done.rows_affected(), audit, now).await
    }

    async fn webhook(&self, id: i64) -> Result<Option<Webhook>, StoreError> {
        self.record(
            &format!("{WEBHOOKS}WHERE id = $1"),
            id,
            WebhookRow::into_webhook,
        )
        .await
    }

    async fn webhooks(&self, event: Option<&str>) -> Result<Vec<Webhook>, StoreError> {
        let rows: Vec<WebhookRow> = sqlx::query_as(&format!(
            "{WEBHOOKS}WHERE ($1 = '' OR event = $1) ORDER BY id"
        ))
        .bind(event.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(WebhookRow::into_webhook).collect()
    }

    async fn record_delivery(&self, delivery: &WebhookDelivery) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event, status, error, delivered_at) \
             SELECT id, $2, $3, $4, $5 FROM webhooks WHERE id = $1",
        )
        .bind(delivery.webhook_id)
        .bind(&delivery.event)
        .bind(delivery.status)
        .bind(&delivery.error)
        .bind(delivery.delivered_at.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn deliveries(&self, limit: u32) -> Result<Vec<WebhookDelivery>, StoreError> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT d.webhook_id, w.target_url, d.event, d.status, d.error, d.delivered_at \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             ORDER BY d.delivered_at DESC, d.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(WebhookDelivery {
                    webhook_id: row.webhook_id,
                    target_url: row.target_url,
                    event: row.event,
                    status: row.status,
                    error: row.error,
                    delivered_at: time(row.delivered_at)?,
                })
            })
            .collect()
    }
}

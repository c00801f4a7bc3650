//! The keys integrations use for the Ghost-compatible APIs.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{ApiKey, Audit};

use crate::StoreError;
use crate::rows::time;
use crate::sql::SqlStore;

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Adds an integration's keys (all or none), with `audit`.
    async fn add_api_keys(
        &self,
        keys: &[ApiKey],
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Every key, oldest integration first.
    async fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError>;
    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, StoreError>;
    /// Removes an integration's keys, with `audit`; false when there were none.
    async fn remove_integration(
        &self,
        integration: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    kind: String,
    integration: String,
    secret: String,
    created_at: i64,
}

impl KeyRow {
    fn into_key(self) -> Result<ApiKey, StoreError> {
        Ok(ApiKey {
            id: self.id,
            kind: self.kind,
            integration: self.integration,
            secret: self.secret,
            created_at: time(self.created_at)?,
        })
    }
}

const COLUMNS: &str = "SELECT id, kind, integration, secret, created_at FROM api_keys";

#[async_trait]
impl ApiKeyStore for SqlStore {
    async fn add_api_keys(
        &self,
        keys: &[ApiKey],
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for key in keys {
            sqlx::query(
                "INSERT INTO api_keys (id, kind, integration, secret, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&key.id)
            .bind(&key.kind)
            .bind(&key.integration)
            .bind(&key.secret)
            .bind(key.created_at.timestamp())
            .execute(&mut *tx)
            .await?;
        }
        crate::sql::commit_audited(tx, audit, now).await
    }

    async fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        sqlx::query_as::<_, KeyRow>(&format!("{COLUMNS} ORDER BY created_at, integration, kind"))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(KeyRow::into_key)
            .collect()
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, StoreError> {
        sqlx::query_as::<_, KeyRow>(&format!("{COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(KeyRow::into_key)
            .transpose()
    }

    async fn remove_integration(
        &self,
        integration: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let removed = sqlx::query("DELETE FROM api_keys WHERE integration = $1")
            .bind(integration)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        crate::sql::commit_audited_if(tx, removed, audit, now).await
    }
}

//! Staff accounts' passwords: reset links and new passwords, each change written
//! with its audit entry and every session of the account ended.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, User, UserId};

use crate::StoreError;

#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Records a reset link's token (hashed) for `user`, valid until `expires_at`.
    async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The enabled account an unused, unexpired reset link belongs to.
    async fn password_reset_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError>;
    /// Gives `user` a new password, ends its sessions and writes `audit`, all in one
    /// transaction. With a reset link's token, the link is used up first; false (and
    /// nothing changed) when it was used, expired or belongs to someone else.
    async fn change_password(
        &self,
        user: UserId,
        password_hash: &str,
        reset_token_hash: Option<&str>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

#[async_trait::async_trait]
impl crate::accounts::AccountStore for crate::sql::SqlStore {
    async fn create_password_reset(
        &self,
        user: kolokol_core::UserId,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now.timestamp())
        .bind(expires_at.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn password_reset_user(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::User>, StoreError> {
        sqlx::query_as::<_, crate::rows::UserRow>(
            "SELECT u.id, u.email, u.name, u.role, u.author_id, u.totp_enabled, u.language \
             FROM password_resets r JOIN users u ON u.id = r.user_id \
             WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 \
             AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&self.pool)
        .await?
        .map(crate::rows::UserRow::into_user)
        .transpose()
    }

    async fn change_password(
        &self,
        user: kolokol_core::UserId,
        password_hash: &str,
        reset_token_hash: Option<&str>,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if let Some(token_hash) = reset_token_hash {
            let used = sqlx::query(
                "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 \
                 AND user_id = $3 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(now.timestamp())
            .bind(token_hash)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            if used.rows_affected() != 1 {
                return Ok(false);
            }
        }
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        // Any other links out for the account are void once it has a new password.
        sqlx::query(
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(now.timestamp())
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(true)
    }
}

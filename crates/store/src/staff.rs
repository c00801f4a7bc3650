//! Staff accounts, their sessions, two-factor secrets, invitations and sign-in
//! attempts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, Email, Invitation, Role, User, UserId};

use crate::sql::SqlStore;
use crate::{AttemptDecision, Session, SignInAttempt, StoreError};

/// Staff accounts, their sessions, two-factor secrets, invitations and sign-in attempts.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Creates a staff account with a public author profile of the same name.
    async fn create_user(
        &self,
        email: &Email,
        name: &str,
        role: Role,
        password_hash: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError>;
    /// The account and its password hash, for signing in.
    async fn user_for_login(&self, email: &Email) -> Result<Option<(User, String)>, StoreError>;
    /// Every account, disabled ones included (see `disabled_users`).
    async fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Ids of disabled accounts.
    async fn disabled_users(&self) -> Result<Vec<UserId>, StoreError>;
    async fn set_user_role(
        &self,
        user: UserId,
        role: Role,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Disables (ending every session) or re-enables an account.
    async fn set_user_disabled(
        &self,
        user: UserId,
        disabled: bool,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Opens a session; `verified` is false while it waits for the second factor.
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        verified: bool,
    ) -> Result<(), StoreError>;
    /// The session behind a token, if it is still valid.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError>;
    /// Marks a session as having passed the second factor.
    async fn verify_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// The account's TOTP secret (base32), pending or enabled.
    async fn totp_secret(&self, user: UserId) -> Result<Option<String>, StoreError>;
    /// Stores a new secret awaiting confirmation (not while two-factor is on).
    async fn set_pending_totp(&self, user: UserId, secret: &str) -> Result<(), StoreError>;
    /// Turns two-factor on with these (hashed) recovery codes, replacing older ones.
    async fn enable_totp(
        &self,
        user: UserId,
        recovery_code_hashes: &[String],
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn disable_totp(
        &self,
        user: UserId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The language a staff member reads the newsroom in (empty: the site's).
    async fn set_user_language(
        &self,
        user: UserId,
        language: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Uses up a recovery code; false when it is unknown or already used.
    async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Records an invitation (the token hashed) valid until `expires_at`.
    async fn create_invitation(
        &self,
        token_hash: &str,
        invitation: &Invitation,
        invited_by: UserId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// An unused, unexpired invitation.
    async fn invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError>;
    /// Uses the invitation up and creates the account, all or nothing. None when the
    /// invitation is used, expired or unknown.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        name: &str,
        password_hash: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError>;
    /// Counts a sign-in attempt and decides on it in one transaction, under a lock on
    /// the account's and the address's rows, so a burst of parallel tries gets at
    /// most the limit evaluated. The attempt is recorded as a failure at once (and
    /// returned as `Allowed(id)`); [`StaffStore::forget_sign_in_attempt`] takes it back
    /// when it succeeds. A refused attempt records nothing, so refusals never prolong
    /// the wait. `account_limit: None` skips the account's count (a second factor is
    /// typed along with the password), an empty `address` skips the address's.
    async fn begin_sign_in_attempt(
        &self,
        attempt: &SignInAttempt<'_>,
        now: DateTime<Utc>,
    ) -> Result<AttemptDecision, StoreError>;
    /// Takes back an attempt that succeeded.
    async fn forget_sign_in_attempt(&self, id: i64) -> Result<(), StoreError>;
    /// Marks the authenticator's time step `step` used by `user`; false when that
    /// step or a later one was used already (a code works once).
    async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError>;
}

impl SqlStore {
    /// Creates an account and its author profile inside `tx`.
    pub(crate) async fn insert_user(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        email: &kolokol_core::Email,
        name: &str,
        role: kolokol_core::Role,
        password_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::User, StoreError> {
        let base = kolokol_core::Slug::from_title(name)
            .map_err(|e| StoreError::Corrupt(format!("name {name:?}: {e}")))?;
        let mut author_slug = base.to_string();
        for n in 2.. {
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM authors WHERE slug = $1")
                .bind(&author_slug)
                .fetch_one(&mut **tx)
                .await?;
            if taken == 0 {
                break;
            }
            author_slug = format!("{base}-{n}");
        }
        let author_id: i64 = sqlx::query_scalar(
            "INSERT INTO authors (slug, name, title, bio) VALUES ($1, $2, '', '') RETURNING id",
        )
        .bind(&author_slug)
        .bind(name)
        .fetch_one(&mut **tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, password_hash, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(email.as_str())
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(author_id)
        .bind(now.timestamp())
        .fetch_one(&mut **tx)
        .await?;
        Ok(kolokol_core::User {
            id: kolokol_core::UserId(id),
            email: email.clone(),
            name: name.to_owned(),
            role,
            author_id: Some(author_id),
            two_factor: false,
            language: String::new(),
        })
    }
}

#[async_trait]
impl StaffStore for SqlStore {
    async fn create_user(
        &self,
        email: &kolokol_core::Email,
        name: &str,
        role: kolokol_core::Role,
        password_hash: &str,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<kolokol_core::User, StoreError> {
        let mut tx = self.begin().await?;
        let user = Self::insert_user(&mut tx, email, name, role, password_hash, now).await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(user)
    }

    async fn user_for_login(
        &self,
        email: &kolokol_core::Email,
    ) -> Result<Option<(kolokol_core::User, String)>, StoreError> {
        sqlx::query_as::<_, crate::rows::UserWithSecretRow>(
            "SELECT id, email, name, role, author_id, totp_enabled, language, password_hash AS secret FROM users \
             WHERE email = $1 AND disabled = 0",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| Ok((row.user.into_user()?, row.secret)))
        .transpose()
    }

    async fn users(&self) -> Result<Vec<kolokol_core::User>, StoreError> {
        sqlx::query_as::<_, crate::rows::UserRow>(
            "SELECT id, email, name, role, author_id, totp_enabled, language FROM users ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(crate::rows::UserRow::into_user)
        .collect()
    }

    async fn disabled_users(&self) -> Result<Vec<kolokol_core::UserId>, StoreError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE disabled <> 0 ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(kolokol_core::UserId).collect())
    }

    async fn set_user_role(
        &self,
        user: kolokol_core::UserId,
        role: kolokol_core::Role,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(())
    }

    async fn set_user_disabled(
        &self,
        user: kolokol_core::UserId,
        disabled: bool,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user: kolokol_core::UserId,
        csrf_token: &str,
        now: chrono::DateTime<chrono::Utc>,
        expires_at: chrono::DateTime<chrono::Utc>,
        verified: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, verified) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(csrf_token)
        .bind(now.timestamp())
        .bind(expires_at.timestamp())
        .bind(i64::from(verified))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<crate::Session>, StoreError> {
        sqlx::query_as::<_, crate::rows::SessionRow>(
            "SELECT u.id, u.email, u.name, u.role, u.author_id, u.totp_enabled, u.language, s.csrf_token, s.verified \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&self.pool)
        .await?
        .map(|row| {
            Ok(crate::Session {
                user: row.user.into_user()?,
                csrf_token: row.csrf_token,
                verified: row.verified != 0,
            })
        })
        .transpose()
    }

    async fn verify_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET verified = 1 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn totp_secret(&self, user: kolokol_core::UserId) -> Result<Option<String>, StoreError> {
        let secret: Option<Option<String>> =
            sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(secret.flatten())
    }

    async fn set_pending_totp(
        &self,
        user: kolokol_core::UserId,
        secret: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_enabled = 0")
            .bind(secret)
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn enable_totp(
        &self,
        user: kolokol_core::UserId,
        recovery_code_hashes: &[String],
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET totp_enabled = 1 WHERE id = $1 AND totp_secret IS NOT NULL")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        for hash in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user.0)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(())
    }

    async fn set_user_language(
        &self,
        user: kolokol_core::UserId,
        language: &str,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let rows = sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(language)
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if crate::sql::commit_audited_if(tx, rows, audit, now).await? {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    async fn disable_totp(
        &self,
        user: kolokol_core::UserId,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET totp_enabled = 0, totp_secret = NULL WHERE id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(())
    }

    async fn use_recovery_code(
        &self,
        user: kolokol_core::UserId,
        code_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now.timestamp())
        .bind(user.0)
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_invitation(
        &self,
        token_hash: &str,
        invitation: &kolokol_core::Invitation,
        invited_by: kolokol_core::UserId,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO invitations (token_hash, email, name, role, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash)
        .bind(invitation.email.as_str())
        .bind(&invitation.name)
        .bind(invitation.role.as_str())
        .bind(invited_by.0)
        .bind(now.timestamp())
        .bind(invitation.expires_at.timestamp())
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(())
    }

    async fn invitation(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::Invitation>, StoreError> {
        sqlx::query_as::<_, crate::rows::InvitationRow>(
            "SELECT email, name, role, expires_at FROM invitations \
             WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&self.pool)
        .await?
        .map(crate::rows::InvitationRow::into_invitation)
        .transpose()
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        name: &str,
        password_hash: &str,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<kolokol_core::User>, StoreError> {
        let mut tx = self.begin().await?;
        let Some(invitation) = sqlx::query_as::<_, crate::rows::InvitationRow>(
            "SELECT email, name, role, expires_at FROM invitations \
             WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let invitation = invitation.into_invitation()?;
        sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE token_hash = $2")
            .bind(now.timestamp())
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        let user = Self::insert_user(
            &mut tx,
            &invitation.email,
            name,
            invitation.role,
            password_hash,
            now,
        )
        .await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(Some(user))
    }

    async fn begin_sign_in_attempt(
        &self,
        attempt: &crate::SignInAttempt<'_>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::AttemptDecision, StoreError> {
        let mut tx = self.begin().await?;
        // The lock rows serialize attempts on one account (and one address)
        // across connections and nodes: PostgreSQL holds the upserted row's
        // lock to the end of the transaction; SQLite's write lock does the same.
        let mut keys = vec![format!("account:{}", attempt.account)];
        if !attempt.address.is_empty() {
            keys.push(format!("address:{}", attempt.address));
        }
        for key in &keys {
            sqlx::query(
                "INSERT INTO sign_in_locks (key, at) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET at = excluded.at",
            )
            .bind(key)
            .bind(now.timestamp())
            .execute(&mut *tx)
            .await?;
        }
        let by_account: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at >= $2",
        )
        .bind(attempt.account)
        .bind(attempt.since.timestamp())
        .fetch_one(&mut *tx)
        .await?;
        let by_address: i64 = if attempt.address.is_empty() {
            0
        } else {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at >= $2",
            )
            .bind(attempt.address)
            .bind(attempt.since.timestamp())
            .fetch_one(&mut *tx)
            .await?
        };
        if by_address >= i64::from(attempt.address_limit) {
            tx.rollback().await?;
            return Ok(crate::AttemptDecision::AddressLocked);
        }
        if attempt
            .account_limit
            .is_some_and(|limit| by_account >= i64::from(limit))
        {
            tx.rollback().await?;
            return Ok(crate::AttemptDecision::AccountLocked);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_failures (account, address, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(attempt.account)
        .bind(attempt.recorded_address)
        .bind(now.timestamp())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(crate::AttemptDecision::Allowed(id))
    }

    async fn forget_sign_in_attempt(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn use_totp_step(
        &self,
        user: kolokol_core::UserId,
        step: i64,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(user.0)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}

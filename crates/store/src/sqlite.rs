//! The embedded SQLite backend: one file in the data folder, WAL journal.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Backend, StoreError};

/// Kolokol's data in an SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL is durable against application crashes (kill -9);
            // only a power loss can drop the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }
}

impl crate::sql::HasDatabase for SqliteStore {
    type Db = sqlx::Sqlite;
}

crate::sql::impl_store!(
    SqliteStore,
    Backend::Sqlite,
    sqlx::migrate!("./migrations/sqlite"),
    "BEGIN IMMEDIATE"
);

crate::newsletter::impl_newsletter_store!(SqliteStore, "BEGIN IMMEDIATE");

crate::revenue::impl_revenue_store!(SqliteStore, "BEGIN IMMEDIATE");

crate::taxonomy::impl_taxonomy_store!(SqliteStore, "BEGIN IMMEDIATE");

crate::accounts::impl_account_store!(SqliteStore, "BEGIN IMMEDIATE");

crate::bylines::impl_byline_store!(SqliteStore, "BEGIN IMMEDIATE");

crate::standing::impl_page_store!(SqliteStore, "BEGIN IMMEDIATE");

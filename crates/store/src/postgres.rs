//! The PostgreSQL backend, for several app nodes sharing one database.

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::{Backend, StoreError};

/// Kolokol's data in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        Ok(Self { pool })
    }
}

impl crate::sql::HasDatabase for PostgresStore {
    type Db = sqlx::Postgres;
}

crate::sql::impl_store!(
    PostgresStore,
    Backend::Postgres,
    sqlx::migrate!("./migrations/postgres"),
    "BEGIN"
);

crate::newsletter::impl_newsletter_store!(PostgresStore, "BEGIN");

crate::revenue::impl_revenue_store!(PostgresStore, "BEGIN");

crate::taxonomy::impl_taxonomy_store!(PostgresStore, "BEGIN");

crate::accounts::impl_account_store!(PostgresStore, "BEGIN");

crate::bylines::impl_byline_store!(PostgresStore, "BEGIN");

crate::standing::impl_page_store!(PostgresStore, "BEGIN");

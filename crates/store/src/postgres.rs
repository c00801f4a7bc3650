//! The PostgreSQL backend, for several app nodes sharing one database.

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use crate::StoreError;

/// A pool for the PostgreSQL database `url` names.
pub(crate) async fn pool(url: &str) -> Result<AnyPool, StoreError> {
    Ok(AnyPoolOptions::new()
        .max_connections(16)
        .connect(url)
        .await?)
}

//! The PostgreSQL backend, for several app nodes sharing one database.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Connection};

use crate::StoreError;

/// How long the first connection may take before the server is called silent.
const FIRST_ANSWER: Duration = Duration::from_secs(5);
/// How long a request waits for a connection of the pool once running.
const ACQUIRE: Duration = Duration::from_secs(10);

/// A pool for the PostgreSQL database `url` names. One connection is made first, on
/// its own: a server that refuses, rejects the password or does not answer is named
/// as such within seconds, where a pool would retry in silence and then report
/// only that it timed out. At most `connections` are kept open.
pub(crate) async fn pool(url: &str, connections: u32) -> Result<AnyPool, StoreError> {
    match tokio::time::timeout(FIRST_ANSWER, AnyConnection::connect(url)).await {
        Ok(first) => first?.close().await?,
        Err(_) => {
            return Err(StoreError::Unavailable(sqlx::Error::Io(
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "PostgreSQL did not answer within {} seconds (is the address right, \
                         and is the server up and reachable from here?)",
                        FIRST_ANSWER.as_secs()
                    ),
                ),
            )));
        }
    }
    Ok(AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(ACQUIRE)
        .connect(url)
        .await?)
}

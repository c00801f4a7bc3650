//! The embedded SQLite backend: one file in the data folder, WAL journal.

use std::str::FromStr;

use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

use crate::StoreError;

/// Each connection's settings. With WAL, `synchronous = NORMAL` is durable against
/// application crashes (kill -9); only a power loss can drop the last transactions.
/// Each connection keeps 1 MiB of the file's pages (SQLite's default is 2 MiB):
/// reads of a large archive are random, so a bigger cache mostly holds pages
/// never asked for again, while the operating system's file cache serves misses.
const CONNECTION_SETTINGS: &str = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
     PRAGMA busy_timeout = 10000; PRAGMA cache_size = -1024;";

/// A pool for the SQLite file `url` names, made (with its WAL journal) if missing.
/// At most `connections` are kept open.
pub(crate) async fn pool(url: &str, connections: u32) -> Result<AnyPool, StoreError> {
    // The file and its journal mode are set once through the SQLite driver itself:
    // `Any` connects from the URL alone, which cannot ask for either.
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    options.connect().await?.close().await?;
    // Four by default (`SQLITE_CONNECTIONS`): SQLite's reads run on the machine's
    // cores, so more mostly wait; each is a thread with its page cache and heap
    // (with eight, a 100,000-article site on two cores walked ~8 % faster and grew
    // 14 MB more; `bench/scale.sh`).
    // No ping before each acquire: the connection is a thread of this process, not
    // a socket that can drop, and the ping is a round trip to that thread (sqlx
    // pings again when a connection goes back, which cannot be turned off).
    let pool = AnyPoolOptions::new()
        .max_connections(connections)
        .test_before_acquire(false)
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection.execute(CONNECTION_SETTINGS).await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

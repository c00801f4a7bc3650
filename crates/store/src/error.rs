//! Storage errors: what went wrong, in terms the web layer can map to a status code.

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value (slug, path) is already taken.
    #[error("{0} is already taken")]
    Conflict(String),
    /// The database holds a value this version of Kolokol cannot read.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("the database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    /// The database cannot be reached just now (pool timed out, connection refused
    /// or lost): worth trying again.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A row the caller named does not exist.
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(db) = error.as_database_error()
            && db.is_unique_violation()
        {
            return Self::Conflict(db.constraint().unwrap_or("a unique value").to_owned());
        }
        match error {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => Self::Unavailable(error),
            other => Self::Database(other),
        }
    }
}

impl StoreError {
    /// Whether the database could not write for want of room: SQLite's
    /// `SQLITE_FULL` ("database or disk is full"), PostgreSQL's `disk_full`, or the
    /// operating system's "no space left on device" under either.
    pub fn is_disk_full(&self) -> bool {
        let error = match self {
            Self::Database(e) | Self::Unavailable(e) => e,
            _ => return false,
        };
        if let Some(db) = error.as_database_error() {
            let code = db.code().unwrap_or_default();
            return code == "13" || code == "53100" || db.message().contains("disk is full");
        }
        matches!(error, sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::StorageFull)
    }
}

//! The jobs table: enqueueing, claiming a due job under a lease (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL, SQLite's write lock otherwise), and ending an attempt.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Job, JobEnd, JobState, NewJob};

use crate::StoreError;
use crate::rows::time;
use crate::sql::SqlStore;

/// Background and due work, run once across every node sharing the database.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Queues `job`; when a job with its key is open already, a queued one takes the
    /// new time and payload and a running one is left alone. Returns the job's id.
    async fn enqueue_job(&self, job: &NewJob, now: DateTime<Utc>) -> Result<i64, StoreError>;
    /// Takes the oldest due job (queued and due, or running with a lease run out) for
    /// `owner` until `lease_until`, counting an attempt. At most one node gets a job.
    async fn claim_job(
        &self,
        owner: &str,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<Job>, StoreError>;
    /// Keeps `owner`'s lease on a long job; false when the lease is no longer theirs.
    async fn extend_job_lease(
        &self,
        id: i64,
        owner: &str,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Ends `owner`'s attempt as `end` says; recurring work (`Again`) is queued again
    /// with its attempts counted from zero. False when the lease was lost meanwhile.
    async fn end_job(
        &self,
        id: i64,
        owner: &str,
        end: JobEnd<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn job(&self, id: i64) -> Result<Option<Job>, StoreError>;
    /// The newest jobs first, leaving out the finished ones of the kind `quiet`
    /// (routine work that would crowd the list).
    async fn recent_jobs(&self, quiet: &str, limit: u32) -> Result<Vec<Job>, StoreError>;
    /// Forgets finished jobs that ended before `before` (recurring work stays).
    async fn prune_jobs(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

const JOB_COLUMNS: &str = "id, kind, key, payload, state, run_at, attempts, max_attempts, \
     lease_owner, lease_until, last_error, created_at, finished_at";

/// The next due job, oldest first. On PostgreSQL the row is locked, and rows other
/// transactions have locked are skipped, so two nodes never take the same job.
const DUE_JOB: &str = "SELECT id FROM jobs \
     WHERE (state = 'queued' AND run_at <= $1) OR (state = 'running' AND lease_until < $1) \
     ORDER BY run_at, id LIMIT 1";

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    key: String,
    payload: String,
    state: String,
    run_at: i64,
    attempts: i64,
    max_attempts: i64,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    last_error: String,
    created_at: i64,
    finished_at: Option<i64>,
}

impl JobRow {
    fn into_job(self) -> Result<Job, StoreError> {
        Ok(Job {
            id: self.id,
            state: JobState::parse(&self.state)
                .ok_or_else(|| StoreError::Corrupt(format!("job state {}", self.state)))?,
            kind: self.kind,
            key: self.key,
            payload: self.payload,
            run_at: time(self.run_at)?,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            lease_owner: self.lease_owner,
            lease_until: self.lease_until.map(time).transpose()?,
            last_error: self.last_error,
            created_at: time(self.created_at)?,
            finished_at: self.finished_at.map(time).transpose()?,
        })
    }
}

#[async_trait]
impl JobStore for SqlStore {
    async fn enqueue_job(&self, job: &NewJob, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let open: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, state FROM jobs WHERE key = $1 AND state IN ('queued', 'running')",
        )
        .bind(&job.key)
        .fetch_optional(&mut *tx)
        .await?;
        let id = match open {
            Some((id, state)) => {
                if state == "queued" {
                    sqlx::query("UPDATE jobs SET run_at = $1, payload = $2 WHERE id = $3")
                        .bind(job.run_at.timestamp())
                        .bind(&job.payload)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                id
            }
            None => sqlx::query_scalar(
                "INSERT INTO jobs (kind, key, payload, state, run_at, max_attempts, created_at) \
                     VALUES ($1, $2, $3, 'queued', $4, $5, $6) RETURNING id",
            )
            .bind(&job.kind)
            .bind(&job.key)
            .bind(&job.payload)
            .bind(job.run_at.timestamp())
            .bind(job.max_attempts.max(1))
            .bind(now.timestamp())
            .fetch_one(&mut *tx)
            .await?,
        };
        tx.commit().await?;
        Ok(id)
    }

    async fn claim_job(
        &self,
        owner: &str,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<Job>, StoreError> {
        let due = match self.backend {
            crate::Backend::Postgres => format!("{DUE_JOB} FOR UPDATE SKIP LOCKED"),
            crate::Backend::Sqlite => DUE_JOB.to_owned(),
        };
        let mut tx = self.begin().await?;
        let Some(id): Option<i64> = sqlx::query_scalar(&due)
            .bind(now.timestamp())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let row: JobRow = sqlx::query_as(&format!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1 WHERE id = $3 RETURNING {JOB_COLUMNS}"
        ))
        .bind(owner)
        .bind(lease_until.timestamp())
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        row.into_job().map(Some)
    }

    async fn extend_job_lease(
        &self,
        id: i64,
        owner: &str,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_until = $1 \
             WHERE id = $2 AND state = 'running' AND lease_owner = $3",
        )
        .bind(lease_until.timestamp())
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn end_job(
        &self,
        id: i64,
        owner: &str,
        end: JobEnd<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp();
        // state, last error, next run, finished at, attempts kept
        let (state, error, run_at, finished, keep) = match end {
            JobEnd::Done => ("done", "", None, Some(now), 1),
            JobEnd::Again(at) => ("queued", "", Some(at.timestamp()), Some(now), 0),
            JobEnd::Retry { error, at } => ("queued", error, Some(at.timestamp()), None, 1),
            JobEnd::Failed(error) => ("failed", error, None, Some(now), 1),
        };
        let done = sqlx::query(
            "UPDATE jobs SET state = $1, last_error = $2, run_at = COALESCE($3, run_at), \
             finished_at = $4, attempts = attempts * $5, lease_owner = NULL, lease_until = NULL \
             WHERE id = $6 AND state = 'running' AND lease_owner = $7",
        )
        .bind(state)
        .bind(error)
        .bind(run_at)
        .bind(finished)
        .bind(keep)
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let row: Option<JobRow> =
            sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(JobRow::into_job).transpose()
    }

    async fn recent_jobs(&self, quiet: &str, limit: u32) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = sqlx::query_as(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE NOT (state = 'done' AND kind = $1) \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(quiet)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(JobRow::into_job).collect()
    }

    async fn prune_jobs(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < $1")
                .bind(before.timestamp())
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }
}

//! Background and due work as rows: what a job is, the states it passes through, and
//! how long a failed attempt waits before the next.

use chrono::{DateTime, Duration, Utc};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for its time (`run_at`), first or after a failed attempt.
    Queued,
    /// A node holds its lease and is working on it.
    Running,
    Done,
    /// Every attempt failed; `last_error` says why.
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// How an attempt at a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEnd<'a> {
    Done,
    /// Done, and due again at this time (recurring work keeps one row).
    Again(DateTime<Utc>),
    /// Failed; tried again at this time.
    Retry {
        error: &'a str,
        at: DateTime<Utc>,
    },
    /// Failed for good.
    Failed(&'a str),
}

/// A job to enqueue. Jobs with the same `key` are one job while open: enqueueing it
/// again moves the queued job's time instead of adding a second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    pub key: String,
    pub payload: String,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i64,
}

impl NewJob {
    /// A job of `kind`, known by `key`, due at `run_at`, tried up to five times.
    pub fn new(kind: &str, key: impl Into<String>, run_at: DateTime<Utc>) -> Self {
        Self {
            kind: kind.to_owned(),
            key: key.into(),
            payload: String::new(),
            run_at,
            max_attempts: 5,
        }
    }

    pub fn with_payload(mut self, payload: impl Into<String>) -> Self {
        self.payload = payload.into();
        self
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    pub state: JobState,
    pub run_at: DateTime<Utc>,
    /// Attempts begun so far (the running one included).
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Job {
    /// When the next attempt may start after attempt number `attempts` failed, or
    /// None when that was the last: 30 s, 2 min, 8 min, … at most an hour.
    pub fn retry_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.attempts >= self.max_attempts {
            return None;
        }
        let exponent = u32::try_from(self.attempts.clamp(1, 10) - 1).unwrap_or(0);
        let wait = (30_i64 * 4_i64.pow(exponent)).min(3600);
        Some(now + Duration::seconds(wait))
    }
}

impl Job {
    /// The end of an attempt that failed with `error`: another try after the backoff,
    /// or the end when the attempts are used up.
    pub fn failure<'a>(&self, error: &'a str, now: DateTime<Utc>) -> JobEnd<'a> {
        match self.retry_at(now) {
            Some(at) => JobEnd::Retry { error, at },
            None => JobEnd::Failed(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(attempts: i64) -> Job {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        Job {
            id: 1,
            kind: "k".into(),
            key: "k".into(),
            payload: String::new(),
            state: JobState::Running,
            run_at: now,
            attempts,
            max_attempts: 5,
            lease_owner: None,
            lease_until: None,
            last_error: String::new(),
            created_at: now,
            finished_at: None,
        }
    }

    #[test]
    fn failed_attempts_wait_longer_each_time_and_stop_at_the_limit() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let waits: Vec<Option<i64>> = (1..=5)
            .map(|n| job(n).retry_at(now).map(|at| (at - now).num_seconds()))
            .collect();
        assert_eq!(waits, [Some(30), Some(120), Some(480), Some(1920), None]);
        assert_eq!(
            (job(9).retry_at(now), JobState::parse("failed")),
            (None, Some(JobState::Failed))
        );
    }
}

//! Background and due work as jobs (see `kolokol_store::JobStore`): queueing,
//! claiming under a lease, renewing it, ending an attempt (with the backoff of a
//! failed one), and the recurring due check. The runner that does each kind's work
//! lives with the server, which knows how to send mail and refresh its caches.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use kolokol_core::{Job, JobEnd, NewJob};
use kolokol_store::DynStore;

use crate::Error;

/// The recurring due check: one row, done every [`DUE_EVERY`].
pub const DUE_CHECK: &str = "site.due";
/// Sending one newsletter issue; the payload is its id.
pub const SEND_ISSUE: &str = "newsletter.send";

/// How often the due check runs: well within the promised minute.
pub const DUE_EVERY: Duration = Duration::seconds(15);
/// A node's hold on a job; renewed every third of it while the job runs, so a node
/// that dies gives its jobs up after at most this long.
pub const LEASE: StdDuration = StdDuration::from_secs(90);
/// Finished jobs are forgotten after this long.
const KEEP_FINISHED: Duration = Duration::days(30);

fn lease_from(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::from_std(LEASE).unwrap_or(Duration::seconds(90))
}

/// The job that sends issue `id`, due now.
pub fn send_issue(id: i64, now: DateTime<Utc>) -> NewJob {
    NewJob::new(SEND_ISSUE, format!("{SEND_ISSUE}:{id}"), now).with_payload(id.to_string())
}

/// The due check, due now (its row is made once and then recurs).
pub fn due_check(now: DateTime<Utc>) -> NewJob {
    NewJob::new(DUE_CHECK, DUE_CHECK, now)
}

/// Queues `job` (or moves the open job with its key); its id.
pub async fn queue(store: &DynStore, job: &NewJob, now: DateTime<Utc>) -> Result<i64, Error> {
    Ok(store.enqueue_job(job, now).await?)
}

/// Takes the next due job for `owner`, if any.
pub async fn claim(
    store: &DynStore,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Option<Job>, Error> {
    Ok(store.claim_job(owner, lease_from(now), now).await?)
}

/// Keeps `owner`'s lease on job `id`; false once it is no longer theirs.
pub async fn renew(
    store: &DynStore,
    id: i64,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    Ok(store.extend_job_lease(id, owner, lease_from(now)).await?)
}

/// Records how `owner`'s attempt at `job` ended: as the work said, or, when it
/// failed, another try after the backoff (failed for good once the attempts are
/// used up). The due check never ends for good: a failed one (a newsletter issue
/// that could not start) is tried again at its next slot, its error kept for the
/// admins, so scheduled articles keep appearing whatever else goes wrong. False when
/// the lease was lost meanwhile and nothing was recorded.
pub async fn end(
    store: &DynStore,
    job: &Job,
    owner: &str,
    outcome: &Result<JobEnd<'_>, String>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let end = match outcome {
        Ok(end) => *end,
        Err(error) if job.kind == DUE_CHECK => JobEnd::Retry {
            error,
            at: now + DUE_EVERY,
        },
        Err(error) => job.failure(error, now),
    };
    Ok(store.end_job(job.id, owner, end, now).await?)
}

/// What the due check found to do besides its own writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueWork {
    /// Something came due: readers' pages are to be rendered anew.
    pub content_changed: bool,
    /// Newsletter issues to start or resume sending.
    pub issues: Vec<i64>,
}

/// Publishes what has come due (scheduled articles, expired pins), finds the
/// newsletter issues whose time has come or whose send a stopped node left (when
/// `sending` — a mail server is configured), and forgets old finished jobs.
pub async fn check_due(
    store: &DynStore,
    sending: bool,
    now: DateTime<Utc>,
) -> Result<DueWork, Error> {
    let due = store.publish_due(now).await?;
    // A scheduled article coming public is a publication like any other, told to
    // the webhooks that listen for one. Without any, nothing is read: the first
    // check of an archive imported before the first start sees every article of
    // it come due (100,000 articles read one by one took half a minute of the
    // database at that start). When the webhooks cannot be read, each article is
    // still tried and `tell` says why it failed, as it did before this look:
    // failing here would lose the window `publish_due` has just claimed.
    let event = kolokol_core::WebhookEvent::PostPublished;
    let listening = !due.published.is_empty()
        && store
            .webhooks(Some(event.as_str()))
            .await
            .map_or(true, |hooks| !hooks.is_empty());
    if listening {
        for id in &due.published {
            if let Some(article) = store.editable_article(*id).await? {
                crate::webhooks::tell_post(store, event, &article, now).await;
            }
        }
    }
    let content_changed = due.changed;
    let issues = if sending {
        store.issues_to_send(now).await?
    } else {
        Vec::new()
    };
    store.prune_jobs(now - KEEP_FINISHED).await?;
    Ok(DueWork {
        content_changed,
        issues,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use kolokol_core::JobState;

    use super::*;

    async fn store() -> (std::path::PathBuf, DynStore) {
        let dir = std::env::temp_dir().join(format!(
            "kolokol-jobs-{}-{}",
            std::process::id(),
            crate::secrets::random_token()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("jobs.db").display());
        let store = kolokol_store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn the_due_check_never_fails_for_good_and_other_work_backs_off() {
        let (dir, store) = store().await;
        let at = |second| Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, second).unwrap();
        queue(&store, &due_check(at(0)), at(0)).await.unwrap();
        let mut send = send_issue(7, at(0));
        send.max_attempts = 1;
        queue(&store, &send, at(0)).await.unwrap();
        for round in 0..3 {
            let now = at(0) + DUE_EVERY * round;
            while let Some(job) = claim(&store, "node", now).await.unwrap() {
                let failed: Result<JobEnd<'_>, String> = Err("mail server away".into());
                assert!(end(&store, &job, "node", &failed, now).await.unwrap());
            }
        }
        let jobs = store.recent_jobs("", 10).await.unwrap();
        let due = jobs.iter().find(|j| j.kind == DUE_CHECK).unwrap();
        let sent = jobs.iter().find(|j| j.kind == SEND_ISSUE).unwrap();
        assert_eq!(
            (due.state, due.attempts, due.last_error.as_str()),
            (JobState::Queued, 3, "mail server away")
        );
        assert_eq!(due.run_at, at(0) + DUE_EVERY * 3);
        assert_eq!((sent.state, sent.attempts), (JobState::Failed, 1));
        std::fs::remove_dir_all(dir).unwrap();
    }
}

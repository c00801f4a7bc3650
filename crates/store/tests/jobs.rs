//! The jobs table told to both backends: one open job per key, leases that lapse,
//! retries that wait, and — on PostgreSQL, with two pools as two nodes — every job
//! claimed exactly once.

#![expect(
    clippy::unwrap_used,
    reason = "the story is test code: a failed unwrap is a failed test"
)]

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kolokol_core::{JobEnd, JobState, NewJob};
use kolokol_store::DynStore;

async fn sqlite() -> (tempfile::TempDir, DynStore) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    let store = kolokol_store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (dir, store)
}

async fn postgres_url() -> String {
    kolokol_testkit::postgres_database("jobs").await
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 9, minute, 0).unwrap()
}

async fn jobs_story(store: DynStore) {
    // Nothing is due before its time; the same key is one job.
    let first = store
        .enqueue_job(
            &NewJob::new("send", "send:1", at(10)).with_payload("1"),
            at(0),
        )
        .await
        .unwrap();
    let again = store
        .enqueue_job(
            &NewJob::new("send", "send:1", at(5)).with_payload("1"),
            at(1),
        )
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(store.job(first).await.unwrap().unwrap().run_at, at(5));
    assert!(store.claim_job("a", at(7), at(4)).await.unwrap().is_none());

    // Claimed once: a second node finds nothing while the lease holds.
    let job = store.claim_job("a", at(7), at(5)).await.unwrap().unwrap();
    assert_eq!(
        (job.id, job.attempts, job.state),
        (first, 1, JobState::Running)
    );
    assert!(store.claim_job("b", at(8), at(6)).await.unwrap().is_none());
    // A running job keeps its time when enqueued again.
    store
        .enqueue_job(&NewJob::new("send", "send:1", at(30)), at(6))
        .await
        .unwrap();
    assert_eq!(store.job(first).await.unwrap().unwrap().run_at, at(5));

    // The lease runs out (the node died): another node takes the job over, and the
    // first one can no longer end or extend it.
    let taken = store.claim_job("b", at(12), at(8)).await.unwrap().unwrap();
    assert_eq!((taken.id, taken.attempts), (first, 2));
    assert!(!store.extend_job_lease(first, "a", at(20)).await.unwrap());
    assert!(
        !store
            .end_job(first, "a", JobEnd::Done, at(9))
            .await
            .unwrap()
    );
    assert!(store.extend_job_lease(first, "b", at(20)).await.unwrap());

    // A failed attempt waits for its retry time, then runs again.
    let retry = taken.retry_at(at(9)).unwrap();
    assert!(
        store
            .end_job(first, "b", taken.failure("mail server away", at(9)), at(9))
            .await
            .unwrap()
    );
    let waiting = store.job(first).await.unwrap().unwrap();
    assert_eq!(
        (waiting.state, waiting.last_error.as_str(), waiting.run_at),
        (JobState::Queued, "mail server away", retry)
    );
    assert!(
        store
            .claim_job("a", at(11), at(10))
            .await
            .unwrap()
            .is_none()
    );
    let third = store
        .claim_job("a", retry + Duration::minutes(5), retry)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.attempts, 3);
    assert!(
        store
            .end_job(first, "a", JobEnd::Done, retry)
            .await
            .unwrap()
    );
    let done = store.job(first).await.unwrap().unwrap();
    assert_eq!(
        (done.state, done.finished_at),
        (JobState::Done, Some(retry))
    );

    // With the job done, the key is free for a new one; a job out of attempts fails.
    let second = store
        .enqueue_job(&NewJob::new("send", "send:1", at(40)), at(40))
        .await
        .unwrap();
    assert_ne!(second, first);
    let mut last = NewJob::new("check", "check", at(40));
    last.max_attempts = 1;
    let check = store.enqueue_job(&last, at(40)).await.unwrap();
    let claimed = store.claim_job("a", at(45), at(41)).await.unwrap().unwrap();
    assert_eq!(claimed.id, second, "the older due job comes first");
    let claimed = store.claim_job("a", at(45), at(41)).await.unwrap().unwrap();
    assert_eq!(claimed.id, check);
    assert_eq!(claimed.failure("gone", at(41)), JobEnd::Failed("gone"));
    store
        .end_job(check, "a", claimed.failure("gone", at(42)), at(42))
        .await
        .unwrap();
    assert_eq!(
        store.job(check).await.unwrap().unwrap().state,
        JobState::Failed
    );

    // Recurring work keeps one row, queued again with its attempts from zero.
    let check_due = store
        .enqueue_job(&NewJob::new("due", "due", at(42)), at(42))
        .await
        .unwrap();
    let due = store.claim_job("a", at(45), at(42)).await.unwrap().unwrap();
    assert!(
        store
            .end_job(check_due, "a", JobEnd::Again(at(43)), at(42))
            .await
            .unwrap()
    );
    let again = store.job(check_due).await.unwrap().unwrap();
    assert_eq!(
        (due.attempts, again.state, again.attempts, again.run_at),
        (1, JobState::Queued, 0, at(43))
    );

    // The list leaves out finished routine work; old finished jobs are pruned.
    let listed: Vec<i64> = store
        .recent_jobs("send", 10)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(
        listed,
        [check_due, check, second],
        "the done send is left out"
    );
    assert_eq!(store.prune_jobs(at(41)).await.unwrap(), 1);
    assert!(store.job(first).await.unwrap().is_none());
    assert!(store.job(check).await.unwrap().is_some());
}

#[tokio::test]
async fn sqlite_tells_the_jobs_story() {
    let (_dir, store) = sqlite().await;
    jobs_story(store).await;
}

#[tokio::test]
async fn postgres_tells_the_jobs_story() {
    let store = kolokol_store::connect(&postgres_url().await).await.unwrap();
    store.migrate().await.unwrap();
    jobs_story(store).await;
}

/// Two nodes (two pools on one PostgreSQL database) claim from the same 60 jobs as
/// fast as they can: every job is run, and none twice.
#[tokio::test]
async fn two_nodes_on_one_postgres_claim_every_job_exactly_once() {
    let url = postgres_url().await;
    let one = kolokol_store::connect(&url).await.unwrap();
    one.migrate().await.unwrap();
    let two = kolokol_store::connect(&url).await.unwrap();
    let now = Utc::now();
    for n in 0..60 {
        one.enqueue_job(&NewJob::new("work", format!("work:{n}"), now), now)
            .await
            .unwrap();
    }
    let mut workers = Vec::new();
    for (node, store) in [("one", one.clone()), ("two", two.clone())] {
        for worker in 0..4 {
            let store = store.clone();
            let owner = format!("{node}-{worker}");
            workers.push(tokio::spawn(async move {
                let mut ran = Vec::new();
                let lease = now + Duration::minutes(5);
                while let Some(job) = store.claim_job(&owner, lease, now).await.unwrap() {
                    assert!(
                        store
                            .end_job(job.id, &owner, JobEnd::Done, now)
                            .await
                            .unwrap()
                    );
                    ran.push(job.id);
                }
                ran
            }));
        }
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for worker in workers {
        for id in worker.await.unwrap() {
            total += 1;
            assert!(seen.insert(id), "job {id} ran twice");
        }
    }
    assert_eq!((total, seen.len()), (60, 60));
    for id in seen {
        let job = two.job(id).await.unwrap().unwrap();
        assert_eq!((job.state, job.attempts), (JobState::Done, 1));
    }
}

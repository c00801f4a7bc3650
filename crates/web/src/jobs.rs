//! The server's background and due work, run through the jobs table: every node runs
//! a runner, and the table's leases make each job run on one node at a time.
//!
//! Two kinds today: the recurring due check (scheduled articles, expired front-page
//! pins, newsletter issues whose time has come, sends a stopped node left) and the
//! sending of one newsletter issue.

use std::time::Duration;

use chrono::Utc;
use kolokol_core::{Job, JobEnd, NewJob};
use kolokol_newsletter::SendEnd;
use kolokol_operations::jobs::{self, DUE_CHECK, DUE_EVERY, LEASE, SEND_ISSUE};
use kolokol_operations::webhooks;
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinSet;

pub use crate::services::{JobRunner, describe};
use crate::state::AppState;

/// How long a webhook's receiver has to answer.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How often an idle runner looks for due jobs (it is also woken when this node
/// queues one).
const POLL: Duration = Duration::from_secs(1);

impl AppState {
    /// Queues `job` and wakes this node's runner.
    pub async fn queue_job(&self, job: &NewJob) -> Result<i64, kolokol_operations::Error> {
        let id = jobs::queue(&self.store, job, Utc::now()).await?;
        self.jobs.wake.notify_one();
        Ok(id)
    }

    /// Runs due jobs in the background until the process ends, each on a free slot.
    pub fn spawn_job_runner(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let now = Utc::now();
            if let Err(e) = jobs::queue(&state.store, &jobs::due_check(now), now).await {
                tracing::warn!(error = %e, "cannot queue the due check");
            }
            let mut running = JoinSet::new();
            loop {
                while let Ok(slot) = state.jobs.slots.clone().try_acquire_owned() {
                    if !state.start_next_job(slot, &mut running).await {
                        break;
                    }
                }
                while running.try_join_next().is_some() {}
                tokio::select! {
                    () = state.jobs.wake.notified() => {}
                    () = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }

    /// Claims the next due job and starts it on `slot`; false when none is due.
    async fn start_next_job(&self, slot: OwnedSemaphorePermit, running: &mut JoinSet<()>) -> bool {
        match jobs::claim(&self.store, &self.jobs.owner, Utc::now()).await {
            Ok(Some(job)) => {
                let state = self.clone();
                running.spawn(async move {
                    state.run_claimed(&job).await;
                    drop(slot);
                });
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for due jobs");
                false
            }
        }
    }

    /// Runs a claimed job while renewing its lease, and records how it ended.
    async fn run_claimed(&self, job: &Job) {
        let renewing = {
            let store = self.store.clone();
            let (id, owner) = (job.id, self.jobs.owner.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(LEASE / 3).await;
                    match jobs::renew(&store, id, &owner, Utc::now()).await {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => tracing::warn!(job = id, error = %e, "cannot renew a lease"),
                    }
                }
            })
        };
        let outcome = self.work(job).await;
        renewing.abort();
        if let Err(error) = &outcome {
            tracing::warn!(job = job.id, kind = %job.kind, error = %error, "job failed");
        }
        match jobs::end(&self.store, job, &self.jobs.owner, &outcome, Utc::now()).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(job = job.id, "a job's lease was lost while it ran"),
            Err(e) => tracing::warn!(job = job.id, error = %e, "cannot record a job's end"),
        }
    }

    /// Does the work of one job.
    async fn work(&self, job: &Job) -> Result<JobEnd<'static>, String> {
        match job.kind.as_str() {
            DUE_CHECK => {
                self.due_check().await?;
                Ok(JobEnd::Again(Utc::now() + DUE_EVERY))
            }
            SEND_ISSUE => {
                let id: i64 = job
                    .payload
                    .parse()
                    .map_err(|_| format!("not an issue number: {:?}", job.payload))?;
                self.send_issue(id).await.map(|()| JobEnd::Done)
            }
            webhooks::DELIVER => self.deliver_webhook(job).await.map(|()| JobEnd::Done),
            crate::admin::import::IMPORT_CONTENT => {
                self.import_content(job).await.map(|()| JobEnd::Done)
            }
            other => Err(format!("unknown kind of job: {other}")),
        }
    }

    /// Imports an upload from the newsroom, keeping its state (how many entries read
    /// of how many, then the report) beside it for its page. A file that cannot be
    /// read ends the job with the reason, nothing written; a crash midway leaves each
    /// article whole, and the job's next attempt finishes what is missing.
    async fn import_content(&self, job: &Job) -> Result<(), String> {
        use crate::admin::import::{Request, folder, load_status, save_status};
        use std::sync::atomic::Ordering;
        let request: Request =
            serde_json::from_str(&job.payload).map_err(|e| format!("unreadable job: {e}"))?;
        let Some(mut status) = load_status(self, &request.id) else {
            return Ok(());
        };
        let path = folder(self).join(format!("{}.upload", request.id));
        let user = self
            .store
            .users()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|u| u.id.0 == request.user);
        let Some(user) = user else {
            status.state = "failed".into();
            status.report = "the staff member who started it no longer exists".into();
            return save_status(self, &request.id, &status).map_err(|e| e.to_string());
        };
        let site = self.site_all();
        let options = kolokol_import::Options {
            dry_run: request.dry_run,
            media: None,
            fetch: request.fetch,
            sections: Vec::new(),
            language: site.language.clone(),
            languages: self.languages(),
            media_store: self.media.clone(),
            by: Some(user),
        };
        let origin = kolokol_import::origin_of(&path).map_err(|e| e.to_string())?;
        let progress = std::sync::Arc::new(kolokol_import::Progress::default());
        status.state = "running".into();
        save_status(self, &request.id, &status).map_err(|e| e.to_string())?;
        let ticking = {
            let (state, progress, mut status) = (self.clone(), progress.clone(), status.clone());
            let id = request.id.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    status.read = progress.read.load(Ordering::Relaxed);
                    status.total = progress.total.load(Ordering::Relaxed);
                    if let Err(e) = save_status(&state, &id, &status) {
                        tracing::warn!(error = %e, "cannot keep an import's progress");
                    }
                }
            })
        };
        let done = kolokol_import::run(
            &self.store,
            origin,
            path,
            &options,
            progress.clone(),
            Utc::now(),
        )
        .await;
        ticking.abort();
        status.read = progress.read.load(Ordering::Relaxed);
        status.total = progress.total.load(Ordering::Relaxed);
        match done {
            Ok(report) => {
                status.state = if report.stopped.is_some() {
                    "failed"
                } else {
                    "done"
                }
                .into();
                status.report = report.render(request.dry_run);
            }
            Err(refused) => {
                status.state = "failed".into();
                status.report = refused.to_string();
            }
        }
        save_status(self, &request.id, &status).map_err(|e| e.to_string())?;
        self.content_changed().await;
        Ok(())
    }

    /// Publishes what is due, moves the caches on, and starts due newsletter issues
    /// and sends a stopped node left unfinished.
    async fn due_check(&self) -> Result<(), String> {
        let sending = self.newsletter.delivery().is_some();
        let due = jobs::check_due(&self.store, sending, Utc::now())
            .await
            .map_err(|e| e.to_string())?;
        if due.content_changed {
            self.content_changed().await;
        }
        for id in due.issues {
            self.send_issue_now(id)
                .await
                .map_err(|e| format!("issue {id}: {e}"))?;
        }
        Ok(())
    }

    /// Posts one event to one webhook, signed, and logs the answer. A 2xx ends the
    /// job; a 410 removes the webhook (its receiver is gone for good); anything else
    /// is tried again with the jobs' backoff. A webhook removed meanwhile ends it.
    async fn deliver_webhook(&self, job: &Job) -> Result<(), String> {
        let delivery: webhooks::Delivery =
            serde_json::from_str(&job.payload).map_err(|e| format!("unreadable job: {e}"))?;
        let Some(hook) = self
            .store
            .webhook(delivery.webhook)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(());
        };
        let sent = self.post_webhook(&hook, &delivery).await;
        let (status, error) = match &sent {
            Ok(status) => (i64::from(*status), String::new()),
            Err(error) => (0, error.clone()),
        };
        let logged = kolokol_core::WebhookDelivery {
            webhook_id: hook.id,
            target_url: hook.target_url.clone(),
            event: delivery.event.clone(),
            status,
            error: error.clone(),
            delivered_at: Utc::now(),
        };
        webhooks::log_delivery(&self.store, &logged)
            .await
            .map_err(|e| e.to_string())?;
        match sent {
            Ok(status) if (200..300).contains(&status) => Ok(()),
            Ok(410) => {
                let operator = kolokol_operations::Actor::Operator;
                webhooks::remove(&self.store, operator, hook.id, Utc::now())
                    .await
                    .map_err(|e| e.to_string())
            }
            Ok(status) => Err(format!("{} answered {status}", hook.target_url)),
            Err(error) => Err(error),
        }
    }

    /// The POST itself; the receiver's status, or why there was none.
    async fn post_webhook(
        &self,
        hook: &kolokol_core::Webhook,
        delivery: &webhooks::Delivery,
    ) -> Result<u16, String> {
        let (host, addresses) = webhooks::reachable(&hook.target_url, self.webhooks_to_private)
            .await
            .map_err(|message| self.words().say(&message))?;
        let sent_at = Utc::now().timestamp_millis();
        let signature = webhooks::signature(&hook.secret, &delivery.body, sent_at);
        let client = reqwest::Client::builder()
            .resolve_to_addrs(&host, &addresses)
            .timeout(WEBHOOK_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let answer = client
            .post(&hook.target_url)
            .header("content-type", "application/json")
            .header("x-ghost-signature", signature)
            .header("user-agent", "Kolokol webhooks")
            .body(delivery.body.clone())
            .send()
            .await
            .map_err(|e| format!("no answer from {}: {e}", hook.target_url))?;
        Ok(answer.status().as_u16())
    }

    /// Sends (or resumes) issue `id`; an error leaves the job to be tried again.
    async fn send_issue(&self, id: i64) -> Result<(), String> {
        let settings = self
            .newsletter
            .delivery()
            .ok_or("no mail server is configured for the newsletter")?;
        match kolokol_newsletter::run(&self.store, settings, id, self.jobs.owner()).await {
            Ok(SendEnd::Finished) => {
                tracing::info!(issue = id, "newsletter sent");
                Ok(())
            }
            Ok(SendEnd::Busy) => Err("another process is sending this issue".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}

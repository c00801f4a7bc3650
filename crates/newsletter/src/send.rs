//! Sending an issue to every active subscriber, crash-safe.
//!
//! When sending starts, one `pending` delivery row per active subscriber is written in
//! the same transaction that freezes the mail. The sender then works through the
//! pending rows over a pool of SMTP connections, at a set rate, and records each
//! server's answer as soon as it comes (answers that arrive together are committed
//! together). Killed at any point and started again, it carries on with the rows still
//! pending: a reader whose message was accepted and recorded is never mailed again.
//! The one moment SMTP cannot make safe is between the server's "250 OK" and our
//! commit, a fraction of a millisecond for at most one message per connection; those
//! are sent again with the same Message-ID, which mailbox providers use to drop copies.
//!
//! Only one process sends an issue at a time: it holds a lease in the database, renews
//! it while it works, and another process takes over once the lease has run out.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kolokol_core::{DeliveryOutcome, FrozenIssue};
use kolokol_mail::bulk::{BulkSender, PersonalMail};
use kolokol_store::{DynStore, MAX_DELIVERY_ATTEMPTS};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::time::Instant;

use crate::NewsletterError;
use crate::compose::Composed;
use crate::tokens::{Purpose, Signer};

/// How long a sender's claim on an issue lasts without renewal.
pub const LEASE: Duration = Duration::from_secs(10);
/// Rows read from the database at a time.
const BATCH: u32 = 500;

/// What the sender needs besides the store.
#[derive(Clone)]
pub struct SendSettings {
    pub sender: Arc<BulkSender>,
    pub signer: Signer,
    /// The site's public address, for readers' links.
    pub base_url: String,
    /// `The Weekly <weekly.bell.example>`
    pub list_id: String,
    /// The domain in Message-IDs.
    pub message_domain: String,
    pub connections: u32,
    pub rate_per_second: u32,
    /// Pause before retrying messages a server deferred.
    pub retry_after: Duration,
}

impl std::fmt::Debug for SendSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendSettings")
            .field("list_id", &self.list_id)
            .field("connections", &self.connections)
            .field("rate_per_second", &self.rate_per_second)
            .finish_non_exhaustive()
    }
}

impl SendSettings {
    /// A reader's one-click unsubscribe address and preferences page: one signed
    /// token serves both.
    pub fn reader_links(&self, subscriber: i64) -> ReaderLinks {
        let base = self.base_url.trim_end_matches('/');
        let token = self.signer.token(Purpose::Subscription, subscriber);
        ReaderLinks {
            unsubscribe: format!("{base}/newsletter/unsubscribe/{token}"),
            preferences: format!("{base}/newsletter/preferences/{token}"),
        }
    }
}

/// A reader's own links in a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderLinks {
    pub unsubscribe: String,
    pub preferences: String,
}

/// How a send ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendEnd {
    /// Every delivery is made or given up.
    Finished,
    /// Another process holds the lease.
    Busy,
}

/// Sends (or resumes sending) an issue whose sending has started. Returns when
/// nothing is left to deliver, or at once when another process is sending it.
pub async fn run(
    store: &DynStore,
    settings: &SendSettings,
    issue_id: i64,
    holder: &str,
) -> Result<SendEnd, NewsletterError> {
    if !store
        .take_send_lease(issue_id, holder, lease_until(), Utc::now())
        .await?
    {
        return Ok(SendEnd::Busy);
    }
    let Some(frozen) = store.frozen_issue(issue_id).await? else {
        return Err(NewsletterError::NotStarted(issue_id));
    };
    let renewer = {
        let store = Arc::clone(store);
        let holder = holder.to_owned();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(LEASE / 3).await;
                match store
                    .take_send_lease(issue_id, &holder, lease_until(), Utc::now())
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => tracing::warn!(error = %e, "cannot renew the send lease"),
                }
            }
        })
    };
    let result = deliver_all(store, settings, &frozen).await;
    renewer.abort();
    result?;
    store.finish_send(issue_id, Utc::now()).await?;
    Ok(SendEnd::Finished)
}

fn lease_until() -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(LEASE).unwrap_or_else(|_| chrono::Duration::seconds(10))
}

async fn deliver_all(
    store: &DynStore,
    settings: &SendSettings,
    frozen: &FrozenIssue,
) -> Result<(), NewsletterError> {
    let issue_id = frozen.issue.id;
    let composed = Arc::new(Composed {
        html: frozen.html.clone(),
        text: frozen.text.clone(),
    });
    let connections = settings.connections.max(1) as usize;
    // Answers go to one recorder that commits them in groups; bounded, so that senders
    // wait rather than run ahead of what is recorded.
    let (outcomes, receiver) = mpsc::channel::<Record>(connections * 64);
    let recorder = tokio::spawn(record(Arc::clone(store), issue_id, receiver));
    let permits = Arc::new(Semaphore::new(connections));
    let interval = Duration::from_secs(1) / settings.rate_per_second.max(1);
    let mut next_slot = Instant::now();
    let subject: Arc<str> = Arc::from(frozen.issue.subject.as_str());
    // Shared by every message's task rather than copied into each.
    let shared = Arc::new(settings.clone());
    for pass in 0..MAX_DELIVERY_ATTEMPTS {
        if pass > 0 {
            // Wait for this pass's answers, then give deferring servers a moment.
            drop(permits.acquire_many(connections as u32).await);
            let (done, recorded) = oneshot::channel();
            outcomes
                .send(Record::Flush(done))
                .await
                .map_err(|_| NewsletterError::Stopped)?;
            recorded.await.map_err(|_| NewsletterError::Stopped)?;
            if store.delivery_progress(issue_id).await?.pending == 0 {
                break;
            }
            tokio::time::sleep(settings.retry_after).await;
        }
        let mut after = 0;
        loop {
            let batch = store.pending_deliveries(issue_id, after, BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.subscriber_id;
            for recipient in batch {
                // The rate limit: one message per interval, catching up after a stall
                // but never bursting more than a second's worth.
                let now = Instant::now();
                if next_slot < now - Duration::from_secs(1) {
                    next_slot = now;
                }
                tokio::time::sleep_until(next_slot).await;
                next_slot += interval;
                let permit = Arc::clone(&permits)
                    .acquire_owned()
                    .await
                    .map_err(|_| NewsletterError::Stopped)?;
                let settings = Arc::clone(&shared);
                let composed = Arc::clone(&composed);
                let outcomes = outcomes.clone();
                let subject = Arc::clone(&subject);
                tokio::spawn(async move {
                    let id = recipient.subscriber_id;
                    let links = settings.reader_links(id);
                    let (html, text) = composed.personal(&links.unsubscribe, &links.preferences);
                    let mail = PersonalMail {
                        to: &recipient.email,
                        subject: &subject,
                        html,
                        text,
                        message_id: format!("kolokol.{issue_id}.{id}@{}", settings.message_domain),
                        list_id: &settings.list_id,
                        unsubscribe_url: links.unsubscribe,
                    };
                    let outcome = match settings.sender.send(&mail).await {
                        Ok(()) => DeliveryOutcome::Sent,
                        Err(e) if e.permanent => DeliveryOutcome::Rejected(e.message),
                        Err(e) => DeliveryOutcome::Deferred(e.message),
                    };
                    let _ = outcomes.send(Record::Outcome(id, outcome)).await;
                    drop(permit);
                });
            }
        }
    }
    drop(permits.acquire_many(connections as u32).await);
    drop(outcomes);
    recorder.await.map_err(|_| NewsletterError::Stopped)?;
    Ok(())
}

enum Record {
    Outcome(i64, DeliveryOutcome),
    /// Answered once everything before it is committed.
    Flush(oneshot::Sender<()>),
}

/// Commits answers as they come, those that arrive together in one transaction.
async fn record(store: DynStore, issue_id: i64, mut receiver: mpsc::Receiver<Record>) {
    let mut group = Vec::with_capacity(256);
    let mut waiting = Vec::new();
    while let Some(first) = receiver.recv().await {
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Record::Outcome(id, outcome) => group.push((id, outcome)),
                Record::Flush(done) => waiting.push(done),
            }
            if group.len() < 256 {
                next = receiver.try_recv().ok();
            }
        }
        // A database hiccup must not lose what was sent: keep trying.
        while !group.is_empty() {
            match store.record_deliveries(issue_id, &group, Utc::now()).await {
                Ok(()) => group.clear(),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot record deliveries; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Freezes an issue's mail and starts sending it (numbering it in the archive).
/// False when it had already started.
pub async fn start(
    store: &DynStore,
    issue_id: i64,
    composed: &Composed,
) -> Result<bool, NewsletterError> {
    Ok(store
        .start_send(issue_id, &composed.html, &composed.text, Utc::now())
        .await?)
}

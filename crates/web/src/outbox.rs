//! Mail to readers that is sent after the answer: the answer to "send me a link" or
//! "sign me up" takes the same path and the same time whether or not the address is
//! known, so its timing tells nobody who gives or subscribes. Nothing here logs an
//! address or a link: a sign-in or confirmation link works like a password.

use std::sync::atomic::{AtomicUsize, Ordering};

use kolokol_mail::{DynMailer, OutgoingMail};
use tokio::sync::Notify;

/// Mail handed over and not yet sent, counted so that tests and shutdown can wait
/// for it.
#[derive(Default)]
pub struct Outbox {
    pending: AtomicUsize,
    settled: Notify,
}

impl Outbox {
    /// Sends `mail` through `mailer` in the background. `kind` names it in logs.
    pub fn send_later(
        self: &std::sync::Arc<Self>,
        mailer: Option<&DynMailer>,
        mail: OutgoingMail,
        kind: &'static str,
    ) {
        let Some(mailer) = mailer.cloned() else {
            tracing::info!(
                mail.kind = kind,
                "no mail server is configured; a reader's mail was not sent"
            );
            return;
        };
        self.pending.fetch_add(1, Ordering::SeqCst);
        let outbox = std::sync::Arc::clone(self);
        tokio::spawn(async move {
            if let Err(e) = mailer.send(&mail).await {
                tracing::warn!(mail.kind = kind, error = %e, "cannot send a reader's mail");
            }
            if outbox.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
                outbox.settled.notify_waiters();
            }
        });
    }

    /// Waits until every mail handed over so far has been sent or has failed.
    pub async fn settled(&self) {
        loop {
            let notified = self.settled.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.pending.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

//! The newsletter inside the server: reader links signed with the site's secret, the
//! delivery settings when a mail server is configured, and starting a send (the send
//! itself is a job, see [`crate::jobs`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kolokol_mail::bulk::BulkSender;
use kolokol_newsletter::{Composed, SendSettings, Signer};

use crate::error::AppError;
use crate::state::AppState;

/// How newsletters leave the building, from the `[newsletter]` configuration.
pub struct Delivery {
    pub sender: Arc<BulkSender>,
    pub connections: u32,
    pub rate_per_second: u32,
}

/// The newsletter's share of the application state.
pub struct NewsletterState {
    pub signer: Signer,
    delivery: Option<SendSettings>,
}

impl NewsletterState {
    /// The signer made from the shared secret, and the send settings when
    /// `delivery` is given (the list's identity from `site`).
    pub fn new(secret: &str, delivery: Option<Delivery>, site: &kolokol_core::SiteConfig) -> Self {
        let signer = Signer::new(secret);
        let delivery = delivery.map(|delivery| {
            let host = host_of(&site.base_url);
            SendSettings {
                sender: delivery.sender,
                signer: signer.clone(),
                base_url: site.base().to_owned(),
                list_id: list_id(&site.newsletter.name, &host),
                message_domain: host,
                connections: delivery.connections,
                rate_per_second: delivery.rate_per_second,
                retry_after: Duration::from_secs(60),
            }
        });
        Self { signer, delivery }
    }

    /// The delivery settings, when a mail server is configured.
    pub fn delivery(&self) -> Option<&SendSettings> {
        self.delivery.as_ref()
    }
}

/// The list's identity in mail headers: `The Weekly <weekly.bell.example>`.
pub fn list_id(name: &str, host: &str) -> String {
    let label: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let label = if label.is_empty() {
        "newsletter".into()
    } else {
        label
    };
    format!("{name} <{label}.{host}>")
}

/// The host part of the site's base URL.
pub fn host_of(base_url: &str) -> String {
    let authority = kolokol_render::urls::authority(base_url);
    authority.split(':').next().unwrap_or(authority).to_owned()
}

impl AppState {
    /// Composes an issue as it would be mailed now.
    pub async fn compose_issue(
        &self,
        issue: &kolokol_core::NewsletterIssue,
    ) -> Result<Composed, AppError> {
        kolokol_newsletter::compose(&self.store, &self.theme, &self.site(), issue, Utc::now())
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Starts sending an issue now (freezing its mail) and queues its sending.
    pub async fn send_issue_now(&self, id: i64) -> Result<bool, AppError> {
        let issue = self
            .store
            .newsletter_issue(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let composed = self.compose_issue(&issue).await?;
        let started = kolokol_newsletter::start(&self.store, id, &composed)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if started {
            self.content_changed().await;
        }
        self.queue_job(&kolokol_operations::jobs::send_issue(id, Utc::now()))
            .await?;
        Ok(started)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_ids_name_the_list_and_host() {
        assert_eq!(
            list_id("The Weekly", &host_of("https://bell.example:8443/x")),
            "The Weekly <theweekly.bell.example>"
        );
        assert_eq!(
            list_id("Неделя", "bell.example"),
            "Неделя <newsletter.bell.example>"
        );
    }
}

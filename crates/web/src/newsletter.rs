//! The newsletter inside the server: reader links signed with the site's secret, the
//! delivery settings when a mail server is configured, and starting a send (the send
//! itself is a job, see [`crate::jobs`]).

use chrono::Utc;
use kolokol_newsletter::Composed;

use crate::error::AppError;
pub use crate::services::{Delivery, NewsletterState, host_of, list_id};
use crate::state::AppState;

impl AppState {
    /// Composes an issue as it would be mailed now.
    pub async fn compose_issue(
        &self,
        issue: &kolokol_core::NewsletterIssue,
    ) -> Result<Composed, AppError> {
        // In the issue's language, with addresses in its edition.
        let site = self.site_in(&issue.language);
        kolokol_newsletter::compose(&self.store, &self.theme, &site, issue, Utc::now())
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Starts sending an issue now (freezing its mail) unless it has started, and
    /// queues its sending.
    pub async fn send_issue_now(&self, id: i64) -> Result<bool, AppError> {
        let issue = self
            .store
            .newsletter_issue(id)
            .await?
            .ok_or(AppError::NotFound)?;
        // An issue already sending (the due check resumes those) keeps the mail frozen
        // when it started: composing it again would be thrown away.
        let started = if issue.status.editable() {
            let composed = self.compose_issue(&issue).await?;
            kolokol_newsletter::start(&self.store, id, &composed)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
        } else {
            false
        };
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

//! The newsletter's issues and the delivery rows that make a send resumable (its
//! readers are in [`crate::subscribers`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{
    DeliveryOutcome, DeliveryProgress, FrozenIssue, IssueDraft, NewsletterIssue, Recipient, UserId,
};

use crate::StoreError;

/// A delivery deferred this many times is given up.
pub const MAX_DELIVERY_ATTEMPTS: i64 = 3;

#[async_trait]
pub trait NewsletterStore: Send + Sync + 'static {
    /// A named secret, created from `fresh` the first time it is asked for; every node
    /// then gets the same value.
    async fn secret(&self, name: &str, fresh: &str) -> Result<String, StoreError>;

    async fn create_issue(
        &self,
        draft: &IssueDraft,
        by: UserId,
        audit: &kolokol_core::Audit,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Saves a draft or scheduled issue; false when it has started sending.
    async fn update_issue(
        &self,
        id: i64,
        draft: &IssueDraft,
        audit: &kolokol_core::Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn newsletter_issue(&self, id: i64) -> Result<Option<NewsletterIssue>, StoreError>;
    /// Newest first.
    async fn newsletter_issues(&self, limit: u32) -> Result<Vec<NewsletterIssue>, StoreError>;
    /// Schedules a draft (or moves it back to draft with `None`); false when sending began.
    async fn schedule_issue(
        &self,
        id: i64,
        at: Option<DateTime<Utc>>,
        audit: &kolokol_core::Audit,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Starts sending: freezes the mail (with the issue's number in place of
    /// [`kolokol_core::newsletter::ISSUE_NUMBER_PLACEHOLDER`]), numbers the issue and writes one
    /// pending
    /// delivery for every active subscriber, in one transaction. False when it had
    /// already started.
    async fn start_send(
        &self,
        id: i64,
        html: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Issues that are due (scheduled in the past) or were sending when a node stopped.
    async fn issues_to_send(&self, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError>;
    /// An issue with its frozen mail, once sending has started.
    async fn frozen_issue(&self, id: i64) -> Result<Option<FrozenIssue>, StoreError>;
    async fn archived_issue(&self, number: i64) -> Result<Option<FrozenIssue>, StoreError>;
    /// Issues that went out, newest first.
    async fn archive(&self) -> Result<Vec<NewsletterIssue>, StoreError>;
    /// Takes or renews the right to send an issue until `until`; false when another
    /// process holds it.
    async fn take_send_lease(
        &self,
        id: i64,
        holder: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Deliveries still to make, to active subscribers, by subscriber id after `after`.
    async fn pending_deliveries(
        &self,
        id: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Recipient>, StoreError>;
    /// Records what became of messages, in one transaction.
    async fn record_deliveries(
        &self,
        id: i64,
        outcomes: &[(i64, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn delivery_progress(&self, id: i64) -> Result<DeliveryProgress, StoreError>;
    /// Marks the issue sent when nothing is left to deliver (deliveries to readers
    /// who left meanwhile are dropped); true when it is sent.
    async fn finish_send(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError>;
}

pub(crate) const ISSUE_COLUMNS: &str = "SELECT id, number, subject, intro_md, full_text, status, \
     scheduled_for, started_at, sent_at, created_at, updated_at, language FROM newsletter_issues ";

#[derive(sqlx::FromRow)]
pub(crate) struct IssueRow {
    pub(crate) id: i64,
    number: Option<i64>,
    subject: String,
    intro_md: String,
    full_text: i64,
    status: String,
    scheduled_for: Option<i64>,
    started_at: Option<i64>,
    sent_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    language: String,
}

impl IssueRow {
    pub(crate) fn into_issue(
        self,
        article_ids: Vec<kolokol_core::ArticleId>,
    ) -> Result<NewsletterIssue, StoreError> {
        use crate::rows::time;
        Ok(NewsletterIssue {
            id: self.id,
            number: self.number,
            subject: self.subject,
            intro_md: self.intro_md,
            full_text: self.full_text != 0,
            status: kolokol_core::IssueStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Corrupt(format!("issue status {}", self.status)))?,
            scheduled_for: self.scheduled_for.map(time).transpose()?,
            started_at: self.started_at.map(time).transpose()?,
            sent_at: self.sent_at.map(time).transpose()?,
            article_ids,
            created_at: time(self.created_at)?,
            updated_at: time(self.updated_at)?,
            language: self.language,
        })
    }
}

impl crate::sql::SqlStore {
    async fn issues_where(
        &self,
        condition: &str,
        bind: i64,
    ) -> Result<Vec<kolokol_core::NewsletterIssue>, StoreError> {
        let rows = sqlx::query_as::<_, crate::newsletter::IssueRow>(&format!(
            "{}{condition}",
            crate::newsletter::ISSUE_COLUMNS
        ))
        .bind(bind)
        .fetch_all(&self.pool)
        .await?;
        // Every listed issue's articles in one query, in the editors' order.
        let mut articles: std::collections::HashMap<i64, Vec<kolokol_core::ArticleId>> =
            std::collections::HashMap::new();
        if !rows.is_empty() {
            let sql = format!(
                "SELECT issue_id, article_id FROM newsletter_issue_articles \
                 WHERE issue_id IN ({}) ORDER BY issue_id, position",
                crate::rows::placeholders(1, rows.len())
            );
            let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
            for row in &rows {
                query = query.bind(row.id);
            }
            for (issue, article) in query.fetch_all(&self.pool).await? {
                articles
                    .entry(issue)
                    .or_default()
                    .push(kolokol_core::ArticleId(article));
            }
        }
        let issues = rows
            .into_iter()
            .map(|row| {
                let ids = articles.remove(&row.id).unwrap_or_default();
                row.into_issue(ids)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(issues)
    }

    async fn frozen_where(
        &self,
        condition: &str,
        bind: i64,
    ) -> Result<Option<kolokol_core::FrozenIssue>, StoreError> {
        let Some(issue) = self.issues_where(condition, bind).await?.into_iter().next() else {
            return Ok(None);
        };
        let mail: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT mail_html, mail_text FROM newsletter_issues WHERE id = $1")
                .bind(issue.id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match mail {
            Some((Some(html), Some(text))) => Some(kolokol_core::FrozenIssue { issue, html, text }),
            _ => None,
        })
    }

    async fn write_issue_articles(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: i64,
        articles: &[kolokol_core::ArticleId],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM newsletter_issue_articles WHERE issue_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for (position, article) in articles.iter().enumerate() {
            sqlx::query(
                "INSERT INTO newsletter_issue_articles (issue_id, article_id, position) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(article.0)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::newsletter::NewsletterStore for crate::sql::SqlStore {
    async fn secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM secrets WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn create_issue(
        &self,
        draft: &kolokol_core::IssueDraft,
        by: kolokol_core::UserId,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO newsletter_issues (subject, intro_md, full_text, status, created_by, \
             created_at, updated_at, language) VALUES ($1, $2, $3, 'draft', $4, $5, $5, $6) RETURNING id",
        )
        .bind(&draft.subject)
        .bind(&draft.intro_md)
        .bind(i64::from(draft.full_text))
        .bind(by.0)
        .bind(now.timestamp())
        .bind(&draft.language)
        .fetch_one(&mut *tx)
        .await?;
        Self::write_issue_articles(&mut tx, id, &draft.article_ids).await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(id)
    }

    async fn update_issue(
        &self,
        id: i64,
        draft: &kolokol_core::IssueDraft,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE newsletter_issues SET subject = $2, intro_md = $3, full_text = $4, updated_at = $5, \
             language = $6 WHERE id = $1 AND status IN ('draft', 'scheduled')",
        )
        .bind(id)
        .bind(&draft.subject)
        .bind(&draft.intro_md)
        .bind(i64::from(draft.full_text))
        .bind(now.timestamp())
        .bind(&draft.language)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        Self::write_issue_articles(&mut tx, id, &draft.article_ids).await?;
        crate::sql::commit_audited(tx, audit, now).await?;
        Ok(true)
    }

    async fn newsletter_issue(
        &self,
        id: i64,
    ) -> Result<Option<kolokol_core::NewsletterIssue>, StoreError> {
        Ok(self
            .issues_where("WHERE id = $1", id)
            .await?
            .into_iter()
            .next())
    }

    async fn newsletter_issues(
        &self,
        limit: u32,
    ) -> Result<Vec<kolokol_core::NewsletterIssue>, StoreError> {
        self.issues_where("ORDER BY id DESC LIMIT $1", i64::from(limit))
            .await
    }

    async fn schedule_issue(
        &self,
        id: i64,
        at: Option<chrono::DateTime<chrono::Utc>>,
        audit: &kolokol_core::Audit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE newsletter_issues SET status = $2, scheduled_for = $3, updated_at = $4 \
             WHERE id = $1 AND status IN ('draft', 'scheduled')",
        )
        .bind(id)
        .bind(if at.is_some() { "scheduled" } else { "draft" })
        .bind(at.map(|t| t.timestamp()))
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        crate::sql::commit_audited_if(tx, done.rows_affected(), audit, now).await
    }

    async fn start_send(
        &self,
        id: i64,
        html: &str,
        text: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let number: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM newsletter_issues")
                .fetch_one(&mut *tx)
                .await?;
        let done = sqlx::query(
            "UPDATE newsletter_issues SET status = 'sending', number = $2, mail_html = $3, \
             mail_text = $4, started_at = $5, updated_at = $5 \
             WHERE id = $1 AND status IN ('draft', 'scheduled')",
        )
        .bind(id)
        .bind(number)
        .bind(html.replace(
            kolokol_core::newsletter::ISSUE_NUMBER_PLACEHOLDER,
            &number.to_string(),
        ))
        .bind(text.replace(
            kolokol_core::newsletter::ISSUE_NUMBER_PLACEHOLDER,
            &number.to_string(),
        ))
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO deliveries (issue_id, subscriber_id, status, updated_at) \
             SELECT $1, s.id, 'pending', $2 FROM subscribers s WHERE s.status = 'active' \
             AND s.language = (SELECT i.language FROM newsletter_issues i WHERE i.id = $1)",
        )
        .bind(id)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        sqlx::query(crate::sql::BUMP_CONTENT_VERSION)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn issues_to_send(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM newsletter_issues WHERE status = 'sending' \
             OR (status = 'scheduled' AND scheduled_for <= $1) ORDER BY id",
        )
        .bind(now.timestamp())
        .fetch_all(&self.pool)
        .await?)
    }

    async fn frozen_issue(&self, id: i64) -> Result<Option<kolokol_core::FrozenIssue>, StoreError> {
        self.frozen_where("WHERE id = $1", id).await
    }

    async fn archived_issue(
        &self,
        number: i64,
    ) -> Result<Option<kolokol_core::FrozenIssue>, StoreError> {
        self.frozen_where("WHERE number = $1", number).await
    }

    async fn archive(&self) -> Result<Vec<kolokol_core::NewsletterIssue>, StoreError> {
        self.issues_where(
            "WHERE number IS NOT NULL AND number > $1 ORDER BY number DESC",
            0,
        )
        .await
    }

    async fn take_send_lease(
        &self,
        id: i64,
        holder: &str,
        until: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE newsletter_issues SET lease_holder = $2, lease_until = $3 \
             WHERE id = $1 AND status = 'sending' AND (lease_until < $4 OR lease_holder = $2)",
        )
        .bind(id)
        .bind(holder)
        .bind(until.timestamp())
        .bind(now.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn pending_deliveries(
        &self,
        id: i64,
        after: i64,
        limit: u32,
    ) -> Result<Vec<kolokol_core::Recipient>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT d.subscriber_id, s.email FROM deliveries d \
             JOIN subscribers s ON s.id = d.subscriber_id \
             WHERE d.issue_id = $1 AND d.status = 'pending' AND d.subscriber_id > $2 \
             AND s.status = 'active' ORDER BY d.subscriber_id LIMIT $3",
        )
        .bind(id)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(subscriber_id, email)| kolokol_core::Recipient {
                subscriber_id,
                email,
            })
            .collect())
    }

    async fn record_deliveries(
        &self,
        id: i64,
        outcomes: &[(i64, kolokol_core::DeliveryOutcome)],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        use kolokol_core::DeliveryOutcome;
        let mut tx = self.begin().await?;
        for (subscriber, outcome) in outcomes {
            match outcome {
                DeliveryOutcome::Sent => {
                    sqlx::query(
                        "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, updated_at = $3 \
                         WHERE issue_id = $1 AND subscriber_id = $2",
                    )
                    .bind(id)
                    .bind(subscriber)
                    .bind(now.timestamp())
                    .execute(&mut *tx)
                    .await?;
                }
                DeliveryOutcome::Rejected(error) => {
                    sqlx::query(
                        "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, error = $3, \
                         updated_at = $4 WHERE issue_id = $1 AND subscriber_id = $2",
                    )
                    .bind(id)
                    .bind(subscriber)
                    .bind(error)
                    .bind(now.timestamp())
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE subscribers SET status = 'suppressed', reason = $2, left_at = $3 \
                         WHERE id = $1 AND status <> 'suppressed'",
                    )
                    .bind(subscriber)
                    .bind(format!("bounced: {error}"))
                    .bind(now.timestamp())
                    .execute(&mut *tx)
                    .await?;
                }
                DeliveryOutcome::Deferred(error) => {
                    sqlx::query(
                        "UPDATE deliveries SET attempts = attempts + 1, error = $3, updated_at = $4, \
                         status = CASE WHEN attempts + 1 >= $5 THEN 'failed' ELSE 'pending' END \
                         WHERE issue_id = $1 AND subscriber_id = $2",
                    )
                    .bind(id)
                    .bind(subscriber)
                    .bind(error)
                    .bind(now.timestamp())
                    .bind(crate::newsletter::MAX_DELIVERY_ATTEMPTS)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delivery_progress(
        &self,
        id: i64,
    ) -> Result<kolokol_core::DeliveryProgress, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, COUNT(*) FROM deliveries WHERE issue_id = $1 GROUP BY status",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(tally(rows))
    }

    async fn finish_send(
        &self,
        id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE deliveries SET status = 'failed', error = 'left the list before delivery', updated_at = $2 \
             WHERE issue_id = $1 AND status = 'pending' AND subscriber_id IN \
             (SELECT id FROM subscribers WHERE status <> 'active')",
        )
        .bind(id)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliveries WHERE issue_id = $1 AND status = 'pending'",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            tx.commit().await?;
            return Ok(false);
        }
        sqlx::query(
            "UPDATE newsletter_issues SET status = 'sent', sent_at = COALESCE(sent_at, $2), \
             lease_holder = NULL, lease_until = 0 WHERE id = $1 AND status IN ('sending', 'sent')",
        )
        .bind(id)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Deliveries counted by status (`SELECT status, COUNT(*) … GROUP BY status`) as progress.
pub(crate) fn tally(rows: Vec<(String, i64)>) -> kolokol_core::DeliveryProgress {
    let mut progress = kolokol_core::DeliveryProgress::default();
    for (status, count) in rows {
        match status.as_str() {
            "sent" => progress.sent = count,
            "failed" => progress.failed = count,
            _ => progress.pending = count,
        }
    }
    progress
}

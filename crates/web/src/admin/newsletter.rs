//! The newsletter in the newsroom: editors compose issues (hand-picked articles in
//! their order, an introduction), preview them as mailed, send a test to themselves,
//! then send now or at the weekly slot; admins see the subscribers, their growth and
//! suppressions, and import or export them as CSV with their consent records.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kolokol_core::{Email, FieldErrors, IssueForm, IssueStatus, NewsletterIssue};
use kolokol_mail::bulk::PersonalMail;
use kolokol_operations::{Actor, readers};
use minijinja::context;
use serde::Serialize;

use super::{Admins, Editors, StaffForm, StaffUpload, Told, Upload};
use super::{CsvFile, FormData, Staff, admin_page, csv_download, see_other};
use crate::error::AppError;
use crate::state::AppState;

/// Largest subscriber file accepted (about 200,000 rows).
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

fn require_editor(staff: &Staff) -> Result<(), AppError> {
    staff.require(
        staff.user.role.sees_all_articles(),
        "action-compose-or-send-the-newsletter",
    )
}

fn require_admin(staff: &Staff) -> Result<(), AppError> {
    staff.require(
        staff.user.role.is_admin(),
        "action-see-or-change-the-list-of-subscribers",
    )
}

async fn issue_or_404(state: &AppState, id: i64) -> Result<NewsletterIssue, AppError> {
    state
        .store
        .newsletter_issue(id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct IssueRow {
    id: i64,
    number: Option<i64>,
    subject: String,
    status: &'static str,
    scheduled_for: Option<DateTime<Utc>>,
    sent_at: Option<DateTime<Utc>>,
    articles: usize,
    progress: Option<kolokol_core::DeliveryProgress>,
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    require_editor(&staff)?;
    let mut issues = Vec::new();
    for issue in state.store.newsletter_issues(100).await? {
        let progress = if matches!(issue.status, IssueStatus::Sending | IssueStatus::Sent) {
            Some(state.store.delivery_progress(issue.id).await?)
        } else {
            None
        };
        issues.push(IssueRow {
            id: issue.id,
            number: issue.number,
            subject: issue.subject,
            status: issue.status.as_str(),
            scheduled_for: issue.scheduled_for,
            sent_at: issue.sent_at,
            articles: issue.article_ids.len(),
            progress,
        });
    }
    let stats = state.store.subscriber_stats(0, Utc::now()).await?;
    let site = state.site();
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/newsletter.html",
        context! {
            issues, stats,
            name => site.newsletter.name.clone(),
            schedule => staff.words(&state).schedule(&site.newsletter.schedule),
            delivery => state.newsletter.delivery().is_some(),
        },
    )
}

#[derive(Serialize)]
struct Candidate {
    id: i64,
    headline: String,
    published_at: Option<DateTime<Utc>>,
    order: String,
    language: String,
}

/// The editor page for a new (`issue` = None) or existing issue.
async fn editor(
    state: &AppState,
    staff: &Staff,
    issue: Option<&NewsletterIssue>,
    form: &IssueForm,
    told: Told,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    let picked: Vec<i64> = form
        .articles
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter_map(|p| p.parse().ok())
        .collect();
    let now = Utc::now();
    // The newest published articles to pick from.
    let query = kolokol_store::ListingQuery {
        state: Some(kolokol_store::ListingState::Published),
        ..kolokol_store::ListingQuery::all(now)
    };
    let newest = kolokol_core::PageRequest::new(kolokol_core::PageNumber::FIRST, 200);
    let mut candidates: Vec<Candidate> = state
        .store
        .article_listing(&query, newest)
        .await?
        .items
        .into_iter()
        .map(|a| Candidate {
            id: a.id.0,
            order: picked
                .iter()
                .position(|p| *p == a.id.0)
                .map(|i| (i + 1).to_string())
                .unwrap_or_default(),
            headline: a.headline,
            published_at: a.published_at,
            language: a.language,
        })
        .collect();
    // Picked articles first, in their order; then the newest of the rest.
    candidates.sort_by_key(|c| {
        (
            c.order.parse::<usize>().unwrap_or(usize::MAX),
            std::cmp::Reverse(c.published_at),
        )
    });
    candidates.truncate(60.max(picked.len()));
    let progress = match issue {
        Some(issue) if !issue.status.editable() => {
            Some(state.store.delivery_progress(issue.id).await?)
        }
        _ => None,
    };
    let site = state.site();
    let next_slot = site.newsletter.schedule.next_after(now, &site.tz());
    // The archive of an issue's language lives in its edition.
    let issue_prefix = issue.map(|i| state.site_all().prefix(&i.language));
    admin_page(
        state,
        Some(staff),
        status,
        "admin/newsletter-edit.html",
        context! {
            issue, form, errors, notice, candidates, progress,
            next_slot, issue_prefix,
            schedule => staff.words(state).schedule(&site.newsletter.schedule),
            delivery => state.newsletter.delivery().is_some(),
        },
    )
}

pub async fn new_form(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    require_editor(&staff)?;
    let name = state.site().newsletter.name.clone();
    let form = IssueForm {
        subject: format!("{name}: "),
        ..IssueForm::default()
    };
    editor(&state, &staff, None, &form, Told::nothing(), None).await
}

/// Reads and checks the form: the order fields (`order_{article}` = position) become
/// the article list. The form comes back as typed, with the draft or every message.
fn read_form(
    state: &AppState,
    submitted: &FormData,
) -> (IssueForm, Result<kolokol_core::IssueDraft, FieldErrors>) {
    let mut errors = FieldErrors::new();
    let mut picks: Vec<(u32, usize, i64)> = Vec::new();
    for (index, (key, value)) in submitted.fields().enumerate() {
        let Some(id) = key
            .strip_prefix("order_")
            .and_then(|id| id.parse::<i64>().ok())
        else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match value.parse::<u32>() {
            Ok(position) if position > 0 => picks.push((position, index, id)),
            _ => {
                errors.insert(
                    "articles",
                    kolokol_core::Message::new("error-story-position").with("text", value),
                );
            }
        }
    }
    picks.sort();
    let form = IssueForm {
        subject: submitted.get("subject").into(),
        intro: submitted.get("intro").into(),
        full_text: (submitted.get("full_text") == "on").then(|| "on".to_owned()),
        articles: picks
            .iter()
            .map(|(_, _, id)| id.to_string())
            .collect::<Vec<_>>()
            .join(","),
        language: submitted.get("language").into(),
    };
    let checked = match form.validate(&state.languages()) {
        Ok(draft) if errors.is_empty() => Ok(draft),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    };
    (form, checked)
}

pub async fn create(
    State(state): State<AppState>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let (form, checked) = read_form(&state, &submitted);
    let draft = match checked {
        Ok(draft) => draft,
        Err(errors) => {
            return editor(&state, &staff, None, &form, Told::problems(errors), None).await;
        }
    };
    let id = kolokol_operations::newsletter::create(&state.store, &staff.user, &draft, Utc::now())
        .await?;
    Ok(see_other(&format!("/admin/newsletter/{id}?saved=1")))
}

pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    require_editor(&staff)?;
    let issue = issue_or_404(&state, id).await?;
    let notice = super::done_notice(&state, Some(&staff), "issue", query.as_deref());
    editor(
        &state,
        &staff,
        Some(&issue),
        &IssueForm::from_issue(&issue),
        Told::nothing(),
        notice.as_deref(),
    )
    .await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let issue = issue_or_404(&state, id).await?;
    let (form, checked) = read_form(&state, &submitted);
    let draft = match checked {
        Ok(draft) => draft,
        Err(errors) => {
            return editor(
                &state,
                &staff,
                Some(&issue),
                &form,
                Told::problems(errors),
                None,
            )
            .await;
        }
    };
    let saved =
        kolokol_operations::newsletter::save(&state.store, &staff.user, id, &draft, Utc::now())
            .await;
    match saved {
        Ok(()) => Ok(see_other(&format!("/admin/newsletter/{id}?saved=1"))),
        Err(kolokol_operations::Error::Refused(message)) => {
            let errors = FieldErrors::from([("subject", message)]);
            let told = Told::conflict(errors);
            editor(&state, &staff, Some(&issue), &form, told, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// An issue that has no number yet (a preview, a test): its web link goes to the
/// newsletter page, and "No." shows a dash.
fn unnumbered(mail: &str, newsletter: &str) -> String {
    let placeholder = kolokol_core::newsletter::ISSUE_NUMBER_PLACEHOLDER;
    mail.replace(&format!("{newsletter}/{placeholder}"), newsletter)
        .replace(placeholder, "—")
}

/// The issue exactly as a reader's mail client would show it.
pub async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require_editor(&staff)?;
    let issue = issue_or_404(&state, id).await?;
    let html = match state.store.frozen_issue(id).await? {
        Some(frozen) => frozen.html,
        None => state.compose_issue(&issue).await?.html,
    };
    let newsletter = kolokol_render::urls::absolute(state.site().base(), "/newsletter");
    let html = unnumbered(&html, &newsletter)
        .replace(
            kolokol_newsletter::compose::UNSUBSCRIBE_PLACEHOLDER,
            &newsletter,
        )
        .replace(
            kolokol_newsletter::compose::PREFERENCES_PLACEHOLDER,
            &newsletter,
        );
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: http:; base-uri 'none'; frame-ancestors 'self'",
        ),
    );
    Ok(response)
}

/// Sends the issue, as it would go out now, to the signed-in editor.
pub async fn test(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, _form) = sent.into_parts();
    let issue = issue_or_404(&state, id).await?;
    let Some(delivery) = state.newsletter.delivery() else {
        return Err(AppError::refused("error-no-newsletter-mail"));
    };
    let composed = state.compose_issue(&issue).await?;
    let newsletter = kolokol_render::urls::absolute(state.site().base(), "/newsletter");
    let (html, text) = composed.personal(&newsletter, &newsletter);
    let subject = staff.words(&state).t_with(
        "admin-test-subject",
        [("subject", issue.subject.as_str().into())],
    );
    let mail = PersonalMail {
        to: staff.user.email.as_str(),
        subject: &subject,
        html: unnumbered(&html, &newsletter),
        text: unnumbered(&text, &newsletter),
        message_id: format!(
            "kolokol.test.{id}.{}@{}",
            crate::admin::password::random_token()
                .chars()
                .take(12)
                .collect::<String>(),
            delivery.message_domain
        ),
        list_id: &delivery.list_id,
        unsubscribe_url: newsletter.clone(),
    };
    delivery.sender.send(&mail).await.map_err(|e| {
        AppError::Refused(
            kolokol_core::Message::new("error-test-refused").with("why", e.to_string()),
        )
    })?;
    Ok(see_other(&format!("/admin/newsletter/{id}?tested=1")))
}

/// Send now, schedule for the next weekly slot, or take back to draft.
pub async fn delivery(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    sent: StaffForm<Editors>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let issue = issue_or_404(&state, id).await?;
    let now = Utc::now();
    let too_late = || AppError::refused("error-issue-sending");
    let (store, user) = (&state.store, &staff.user);
    let done = match submitted.get("action") {
        "now" => {
            if state.newsletter.delivery().is_none() {
                return Err(AppError::refused("error-no-newsletter-mail"));
            }
            if !issue.status.editable() {
                return Err(too_late());
            }
            state.send_issue_now(id).await?;
            kolokol_operations::newsletter::send_started(
                &state.store,
                Actor::Staff(user),
                &issue.subject,
                now,
            )
            .await?;
            "sending=1"
        }
        "schedule" => {
            let site = state.site();
            let at = site.newsletter.schedule.next_after(now, &site.tz());
            kolokol_operations::newsletter::schedule(store, user, id, Some(at), now).await?;
            "scheduled=1"
        }
        "unschedule" => {
            kolokol_operations::newsletter::schedule(store, user, id, None, now).await?;
            "unscheduled=1"
        }
        _ => {
            return Err(AppError::refused("error-unknown-action"));
        }
    };
    Ok(see_other(&format!("/admin/newsletter/{id}?{done}")))
}

/// Live progress of a send, for the page's script.
pub async fn progress(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require_editor(&staff)?;
    let issue = issue_or_404(&state, id).await?;
    let progress = state.store.delivery_progress(id).await?;
    let body = serde_json::json!({
        "status": issue.status.as_str(),
        "sent": progress.sent,
        "failed": progress.failed,
        "pending": progress.pending,
        "total": progress.total(),
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response())
}

#[derive(Serialize)]
struct SubscriberRow {
    email: String,
    status: &'static str,
    signed_up_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
    form: String,
    reason: String,
}

async fn subscribers_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    error: Option<&str>,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let stats = state.store.subscriber_stats(12, Utc::now()).await?;
    let peak = stats
        .weeks
        .iter()
        .map(|w| w.joined.max(w.left))
        .max()
        .unwrap_or(0)
        .max(1);
    let latest = state.store.latest_subscribers(100).await?;
    let rows: Vec<SubscriberRow> = latest
        .into_iter()
        .map(|s| SubscriberRow {
            email: s.email.to_string(),
            status: s.status.as_str(),
            signed_up_at: s.signed_up_at,
            confirmed_at: s.confirmed_at,
            form: s.form,
            reason: s.reason,
        })
        .collect();
    admin_page(
        state,
        Some(staff),
        status,
        "admin/subscribers.html",
        context! { stats, peak, rows, error, notice },
    )
}

pub async fn subscribers(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    require_admin(&staff)?;
    let notice = query.as_deref().and_then(|q| {
        if let Some(counts) = q.strip_prefix("imported=") {
            let mut counts = counts.split('-');
            let mut number = || {
                kolokol_render::i18n::Arg::Number(counts.next().unwrap_or("0").parse().unwrap_or(0))
            };
            let (added, skipped, left) = (number(), number(), number());
            Some(staff.words(&state).t_with(
                "admin-imported",
                [("added", added), ("skipped", skipped), ("left", left)],
            ))
        } else {
            super::done_notice(&state, Some(&staff), "subscribers", Some(q))
        }
    });
    subscribers_page(&state, &staff, StatusCode::OK, None, notice.as_deref()).await
}

/// Every subscriber with the record of their consent, as CSV.
pub async fn export(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    require_admin(&staff)?;
    let mut file = CsvFile::new();
    let header = [
        "email",
        "status",
        "signed_up_at",
        "confirmed_at",
        "left_at",
        "policy_version",
        "form",
        "reason",
        "name",
        "language",
    ];
    file.row(header)?;
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let mut after = 0;
    loop {
        let page = state.store.subscribers(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for s in &page {
            file.row([
                s.email.as_str(),
                s.status.as_str(),
                &s.signed_up_at.to_rfc3339(),
                &time(s.confirmed_at),
                &time(s.left_at),
                &s.policy_version,
                &s.form,
                &s.reason,
                &s.name,
                &s.language,
            ])?;
        }
    }
    readers::exported(&state.store, Actor::Staff(&staff.user), Utc::now()).await?;
    csv_download("subscribers.csv", file)
}

pub async fn import(
    State(state): State<AppState>,
    StaffUpload { staff, file, .. }: StaffUpload<Admins>,
) -> Result<Response, AppError> {
    let file = match file {
        Ok(file) => file,
        Err(failed) => {
            let message = staff.words(&state).t_with(
                "admin-upload-failed",
                [
                    ("why", failed.detail.clone().into()),
                    ("mb", (MAX_IMPORT_BYTES / 1024 / 1024).into()),
                ],
            );
            return subscribers_page(&state, &staff, failed.status, Some(&message), None).await;
        }
    };
    let Some(Upload { bytes, .. }) = file else {
        return subscribers_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&staff.words(&state).t("admin-choose-csv")),
            None,
        )
        .await;
    };
    let now = Utc::now();
    let rows = match kolokol_newsletter::import::parse(&bytes, now) {
        Ok(rows) => rows,
        Err(problems) => {
            let words = staff.words(&state);
            let shown = problems
                .iter()
                .take(10)
                .map(|problem| words.say(problem))
                .collect::<Vec<_>>()
                .join(" ");
            let more = problems.len().saturating_sub(10);
            let message = staff.words(&state).t_with(
                "admin-nothing-imported",
                [("problems", shown.into()), ("more", more.into())],
            );
            return subscribers_page(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&message),
                None,
            )
            .await;
        }
    };
    let main = state.site_all().language.clone();
    let actor = Actor::Staff(&staff.user);
    let report = readers::import(&state.store, actor, &rows, &main, now).await?;
    Ok(see_other(&format!(
        "/admin/subscribers?imported={}-{}-{}",
        report.added, report.skipped, report.left
    )))
}

/// Suppresses an address by hand: a complaint forwarded by a mailbox provider, a
/// bounce report, or a reader's request by other means.
pub async fn suppress(
    State(state): State<AppState>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let Ok(email) = Email::parse(submitted.get("email")) else {
        return subscribers_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&staff.words(&state).t("admin-suppress-email")),
            None,
        )
        .await;
    };
    let reason = match submitted.get("reason").trim() {
        "" => "suppressed by the newsroom".to_owned(),
        r => r.chars().take(200).collect(),
    };
    let now = Utc::now();
    if !readers::suppress(
        &state.store,
        Actor::Staff(&staff.user),
        &email,
        &reason,
        now,
    )
    .await?
    {
        return subscribers_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&format!(
                "{email} is not on the list, or is suppressed already."
            )),
            None,
        )
        .await;
    }
    Ok(see_other("/admin/subscribers?suppressed=1"))
}

//! The revenue dashboard (admins): monthly recurring revenue over the last twelve
//! months, one-time gifts, supporters gained and lost, and every payment as CSV.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, Months, TimeZone, Utc};
use kolokol_core::{Currency, Money};
use minijinja::context;
use serde::Serialize;

use super::{CsvFile, Staff, admin_page, csv_download};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Serialize)]
struct MonthRow {
    label: String,
    recurring: String,
    once: String,
    joined: i64,
    left: i64,
    /// 0–20, for the bar.
    recurring_bar: i64,
    once_bar: i64,
}

/// The first instant of each of the last `count` months in `tz`, oldest first, and
/// the start of the next month after the newest.
fn month_starts(now: DateTime<Utc>, tz: chrono_tz::Tz, count: u32) -> Vec<DateTime<Utc>> {
    let local = now.with_timezone(&tz);
    let first = tz
        .with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0)
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc));
    (0..=count)
        .rev()
        .filter_map(|back| {
            let date = first.with_timezone(&tz).date_naive();
            let shifted = if back == 0 {
                date.checked_add_months(Months::new(1))
            } else {
                date.checked_sub_months(Months::new(back - 1))
            }?;
            tz.from_local_datetime(&shifted.and_hms_opt(0, 0, 0)?)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        })
        .collect()
}

pub async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(
        staff.user.role.is_admin(),
        "action-see-the-newsrooms-revenue",
    )?;
    let now = Utc::now();
    let tz = state.site().tz();
    let currency = state.revenue().currency();
    let starts = month_starts(now, tz, 12);
    let subscriptions = state.store.subscriptions().await?;
    let since = starts.first().copied().unwrap_or(now);
    let payments = state.store.payments_since(since).await?;
    let code = currency.code();
    let mut rows = Vec::new();
    for window in starts.windows(2) {
        let (start, end) = (window[0].timestamp(), window[1].timestamp());
        // As the meter counts it: monthly gifts, plus annual ones summed then divided by 12.
        let active = |frequency: &str| -> i64 {
            subscriptions
                .iter()
                .filter(|s| {
                    s.frequency == frequency
                        && s.currency == code
                        && s.started_at < end
                        && s.ended_at.is_none_or(|e| e >= end)
                })
                .map(|s| s.amount_minor)
                .sum()
        };
        let recurring = active("monthly") + active("annual") / 12;
        let once: i64 = payments
            .iter()
            .filter(|p| {
                p.kind == "once"
                    && p.status == "paid"
                    && p.currency == code
                    && (start..end).contains(&p.paid_at)
            })
            .map(|p| p.amount_minor)
            .sum();
        let joined = subscriptions
            .iter()
            .filter(|s| (start..end).contains(&s.started_at))
            .count();
        let left = subscriptions
            .iter()
            .filter(|s| s.ended_at.is_some_and(|e| (start..end).contains(&e)))
            .count();
        rows.push((window[0], recurring, once, joined, left));
    }
    let peak = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(0).max(1);
    let words = staff.words(&state);
    let months: Vec<MonthRow> = rows
        .into_iter()
        .map(|(start, recurring, once, joined, left)| MonthRow {
            label: words.month_year(&start.with_timezone(&tz)),
            recurring: words.money(&Money::new(recurring, currency)),
            once: words.money(&Money::new(once, currency)),
            joined: i64::try_from(joined).unwrap_or(0),
            left: i64::try_from(left).unwrap_or(0),
            recurring_bar: recurring * 20 / peak,
            once_bar: once * 20 / peak,
        })
        .collect();
    let (_, funding) = state.funding().await?;
    let active = subscriptions
        .iter()
        .filter(|s| s.status == "active" || s.status == "trialing")
        .count();
    let unread: Vec<_> = state
        .store
        .unread_payment_events(false)
        .await?
        .into_iter()
        .map(|e| {
            context! {
                event_id => e.event_id,
                kind => e.kind,
                api_version => e.api_version,
                reason => e.reason,
                received => DateTime::from_timestamp(e.received_at, 0)
                    .map(|t| t.to_rfc3339()),
            }
        })
        .collect();
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/revenue.html",
        context! {
            months, funding, active, unread,
            currency => code,
            provider => state.revenue().config.provider.as_str(),
            api_version => kolokol_payments::stripe::API_VERSION,
        },
    )
}

/// Every payment, as CSV.
pub async fn export(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(
        staff.user.role.is_admin(),
        "action-export-the-newsrooms-revenue",
    )?;
    let payments = state
        .store
        .payments_since(DateTime::<Utc>::UNIX_EPOCH)
        .await?;
    let mut file = CsvFile::new();
    file.row([
        "paid_at",
        "email",
        "kind",
        "amount",
        "currency",
        "status",
        "payment",
        "subscription",
    ])?;
    for p in &payments {
        let amount = Currency::parse(&p.currency).map_or_else(
            |_| p.amount_minor.to_string(),
            |c| Money::new(p.amount_minor, c).decimal(),
        );
        let paid_at = DateTime::from_timestamp(p.paid_at, 0)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default();
        file.row([
            paid_at.as_str(),
            p.email.as_deref().unwrap_or(""),
            &p.kind,
            &amount,
            &p.currency,
            &p.status,
            &p.provider_id,
            p.subscription_id.as_deref().unwrap_or(""),
        ])?;
    }
    csv_download("payments.csv", file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_and_the_next_start_in_the_newsrooms_zone() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 15, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let starts = month_starts(now, chrono_tz::Europe::Riga, 12);
        assert_eq!(starts.len(), 13);
        // 1 April 2025 00:00 in Riga (summer time) is 31 March 21:00 UTC.
        assert_eq!(
            starts[0],
            Utc.with_ymd_and_hms(2025, 3, 31, 21, 0, 0)
                .single()
                .unwrap_or_default()
        );
        // The current month, March 2026 (winter time, UTC+2), then April.
        assert_eq!(
            starts[11],
            Utc.with_ymd_and_hms(2026, 2, 28, 22, 0, 0)
                .single()
                .unwrap_or_default()
        );
        assert_eq!(
            starts[12],
            Utc.with_ymd_and_hms(2026, 3, 31, 21, 0, 0)
                .single()
                .unwrap_or_default()
        );
    }
}

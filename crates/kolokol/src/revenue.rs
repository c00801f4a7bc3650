//! `kolokol revenue …`: bringing the ledger up to date with Stripe after downtime
//! longer than Stripe's retries (`reconcile`), and applying events that an older
//! Kolokol kept unread (`replay`).

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use kolokol_core::config::Config;
use kolokol_web::AppState;

/// What a pass over events did to the ledger.
#[derive(Debug, Default)]
struct Tally {
    read: u64,
    added: u64,
    known: u64,
    unread: u64,
}

impl Tally {
    /// Applies one event's body, or keeps it unread; whether it could be read.
    async fn take(&mut self, state: &AppState, body: &[u8]) -> anyhow::Result<bool> {
        self.read += 1;
        match kolokol_payments::parse_event(body) {
            Ok(event) => {
                if state.record_payment_event("stripe", &event).await? {
                    self.added += 1;
                } else {
                    self.known += 1;
                }
                Ok(true)
            }
            Err(e) => {
                state
                    .keep_unread_event("stripe", body, &e.to_string())
                    .await?;
                self.unread += 1;
                Ok(false)
            }
        }
    }
}

/// Reads Stripe's event list (`GET /v1/events`, page by page) since `since` (default:
/// 30 days ago, as far back as Stripe keeps them) and applies what the ledger lacks.
/// Safe to run any number of times: an event already recorded changes nothing.
pub async fn reconcile(config: Config, since: Option<NaiveDate>) -> anyhow::Result<()> {
    if config.revenue.provider != kolokol_core::config::PaymentProviderKind::Stripe {
        anyhow::bail!("revenue.provider is not \"stripe\": there is nothing to reconcile with");
    }
    let stripe = kolokol_payments::stripe::StripeProvider::new(
        &config.revenue.stripe_api_base,
        &config.revenue.stripe_secret_key,
    )?;
    let since = match since {
        Some(day) => day
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp())
            .context("--since: not a day")?,
        None => (Utc::now() - chrono::Duration::days(30)).timestamp(),
    };
    let state = crate::offline_state(&config).await?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} events read from Stripe {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let mut tally = Tally::default();
    let mut after: Option<String> = None;
    loop {
        let (events, more) = stripe
            .events_page(Some(since), after.as_deref())
            .await
            .context("reading Stripe's event list")?;
        for event in &events {
            tally.take(&state, &serde_json::to_vec(event)?).await?;
            bar.inc(1);
        }
        after = events
            .last()
            .and_then(|e| e.get("id"))
            .and_then(|id| id.as_str())
            .map(str::to_owned);
        if !more || after.is_none() {
            break;
        }
    }
    bar.finish_and_clear();
    let day = chrono::DateTime::from_timestamp(since, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string());
    println!(
        "Read {} events from Stripe since {day}: {} added to the ledger, {} already there, {} kept unread{}.",
        tally.read,
        tally.added,
        tally.known,
        tally.unread,
        if tally.unread > 0 {
            " (see the Revenue page)"
        } else {
            ""
        }
    );
    let (customers, subscriptions) = read_customers(&state, &stripe).await?;
    if customers > 0 {
        println!(
            "Read the subscriptions of {customers} imported paying members from Stripe: {subscriptions} now in the ledger."
        );
    }
    Ok(())
}

/// The subscriptions of supporters an import brought with a Stripe customer (Ghost's
/// paying members), read from Stripe and applied as Stripe's
/// `customer.subscription.updated` applies them, then credited to the supporter:
/// their gifts count in the meter from now on, not from their next renewal. Returns
/// how many customers were read and subscriptions recorded.
async fn read_customers(
    state: &AppState,
    stripe: &kolokol_payments::stripe::StripeProvider,
) -> anyhow::Result<(usize, usize)> {
    let customers = state.store.customers_to_read().await?;
    let mut recorded = 0;
    for (supporter, customer) in &customers {
        let subscriptions = stripe
            .customer_subscriptions(customer)
            .await
            .with_context(|| format!("reading the subscriptions of {customer} from Stripe"))?;
        for subscription in subscriptions {
            let Some(id) = subscription
                .get("id")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
            else {
                continue;
            };
            let created = subscription
                .get("created")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0);
            let event = serde_json::json!({
                "id": format!("read:{id}:{}", Utc::now().timestamp()),
                "type": "customer.subscription.updated",
                "created": created,
                "api_version": kolokol_payments::stripe::API_VERSION,
                "data": {"object": subscription},
            });
            let body = serde_json::to_vec(&event)?;
            let event = kolokol_payments::parse_event(&body)
                .map_err(|e| anyhow::anyhow!("Stripe's subscription {id} cannot be read: {e}"))?;
            state.record_payment_event("stripe", &event).await?;
            state.store.tie_subscription(&id, *supporter).await?;
            recorded += 1;
        }
    }
    Ok((customers.len(), recorded))
}

/// Applies the events kept unread, with this version's reading of them.
pub async fn replay(config: Config) -> anyhow::Result<()> {
    let state = crate::offline_state(&config).await?;
    let kept = state.store.unread_payment_events(false).await?;
    let mut tally = Tally::default();
    for event in &kept {
        if tally.take(&state, event.body.as_bytes()).await? {
            state
                .store
                .mark_payment_event_read(&event.provider, &event.event_id, Utc::now())
                .await?;
        }
    }
    println!(
        "{} kept events: {} applied now, {} were already in the ledger, {} still unreadable.",
        tally.read, tally.added, tally.known, tally.unread
    );
    Ok(())
}

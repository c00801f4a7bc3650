//! Stripe's events in the shapes of three API versions (2024-09-30.acacia,
//! 2025-03-31.basil, 2025-12-15.clover), for every type Kolokol acts on: each set is
//! delivered three times over, in reverse order, and the ledger must come out the
//! same — one story, whatever the version and whatever the order. The fixtures in
//! `payments/tests/fixtures/` are written for this project from Stripe's documented
//! object shapes.

#![expect(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use chrono::{DateTime, TimeZone, Utc};
use kolokol_store::DynStore;

const SETS: [(&str, &str); 3] = [
    (
        "acacia",
        include_str!("../../payments/tests/fixtures/acacia.json"),
    ),
    (
        "basil",
        include_str!("../../payments/tests/fixtures/basil.json"),
    ),
    (
        "clover",
        include_str!("../../payments/tests/fixtures/clover.json"),
    ),
];

/// What the ledger holds, in a form that compares across stores.
async fn ledger(store: &DynStore) -> (String, Vec<String>, Vec<String>) {
    let month = Utc.timestamp_opt(1_789_000_000, 0).unwrap();
    let funding = store.funding("EUR", month).await.unwrap();
    let mut payments: Vec<String> = store
        .payments_since(DateTime::<Utc>::UNIX_EPOCH)
        .await
        .unwrap()
        .into_iter()
        .map(|p| {
            format!(
                "{} {} {} {} {} {}",
                p.provider_id,
                p.kind,
                p.amount_minor,
                p.currency,
                p.status,
                p.subscription_id.unwrap_or_default()
            )
        })
        .collect();
    payments.sort();
    let mut subscriptions: Vec<String> = store
        .subscriptions()
        .await
        .unwrap()
        .into_iter()
        .map(|s| format!("{s:?}"))
        .collect();
    subscriptions.sort();
    (format!("{funding:?}"), payments, subscriptions)
}

async fn replay(store: DynStore, name: &str, json: &str) -> (String, Vec<String>, Vec<String>) {
    store.migrate().await.unwrap();
    let events: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    let now = Utc.timestamp_opt(1_793_000_000, 0).unwrap();
    for round in 0..3 {
        for event in events.iter().rev() {
            let body = serde_json::to_vec(event).unwrap();
            let parsed = kolokol_payments::parse_event(&body)
                .unwrap_or_else(|e| panic!("{name}: {event}: {e}"));
            assert!(!parsed.api_version.is_empty());
            let new = store
                .apply_payment_event("stripe", &parsed, now)
                .await
                .unwrap();
            assert_eq!(new, round == 0, "{name}: {} applied once", parsed.id);
        }
    }
    ledger(&store).await
}

async fn every_version_tells_the_same_story(open: impl AsyncFn(&str) -> DynStore) {
    let mut told = Vec::new();
    for (name, json) in SETS {
        told.push((name, replay(open(name).await, name, json).await));
    }
    let (_, first) = &told[0];
    let (funding, payments, subscriptions) = first;
    // What the story means, checked once: a card gift (€25) and a settled bank debit
    // (€40) this month; the monthly gift's second payment refunded, the annual one's
    // disputed; €10 monthly plus €240 a year (€20 a month) recurring; one gift ended.
    assert!(funding.contains("recurring_minor: 3000"), "{funding}");
    assert!(funding.contains("once_this_month_minor: 6500"), "{funding}");
    assert!(
        payments.contains(&"in_month_2 recurring 1000 EUR refunded sub_month_1".to_owned()),
        "{payments:#?}"
    );
    assert!(
        payments.contains(&"in_year_1 recurring 12000 EUR disputed sub_year_1".to_owned()),
        "{payments:#?}"
    );
    assert!(
        payments.contains(&"pi_once_2 once 4000 EUR paid ".to_owned()),
        "{payments:#?}"
    );
    assert_eq!(payments.len(), 5, "{payments:#?}");
    assert_eq!(subscriptions.len(), 3);
    for (name, other) in &told[1..] {
        assert_eq!(other, first, "{name} tells the story as acacia does");
    }
}

#[tokio::test]
async fn sqlite_reads_every_stripe_version_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    every_version_tells_the_same_story(async |name: &str| {
        kolokol_store::connect(&format!(
            "sqlite://{}",
            path.join(format!("{name}.db")).display()
        ))
        .await
        .unwrap()
    })
    .await;
}

#[tokio::test]
async fn postgres_reads_every_stripe_version_alike() {
    every_version_tells_the_same_story(async |name: &str| {
        kolokol_store::connect(&kolokol_testkit::postgres_database(&format!("stripe_{name}")).await)
            .await
            .unwrap()
    })
    .await;
}

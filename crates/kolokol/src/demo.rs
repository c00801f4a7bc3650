//! `kolokol demo`: the demo newsroom, built and served with one command.

use std::net::SocketAddr;
use std::path::PathBuf;

use kolokol_core::config::Config;

use crate::serve::serve_with;
use crate::{offline_state, open_store};

pub(crate) async fn demo(
    listen: SocketAddr,
    public: bool,
    data: PathBuf,
    theme: Option<PathBuf>,
) -> anyhow::Result<()> {
    if !listen.ip().is_loopback() && !public {
        anyhow::bail!(
            "the demo's editor password is published, so the demo listens only on this \
             machine (127.0.0.1) unless told otherwise: add --public to listen on {listen}; \
             the editor then gets a random password, printed at start"
        );
    }
    // Public: a password nobody has read anywhere, new at every start.
    let password = if public {
        kolokol_operations::secrets::random_token()[..20].to_owned()
    } else {
        kolokol_demo::DEMO_EDITOR_PASSWORD.to_owned()
    };
    let site = kolokol_demo::site_config(&format!("http://{listen}"))?;
    let config = Config {
        listen: listen.into(),
        data_dir: data,
        theme_dir: theme,
        site,
        // The demo's payment provider: a checkout page of its own where nothing is
        // charged. A configuration file cannot choose it.
        revenue: kolokol_core::RevenueConfig {
            provider: kolokol_core::config::PaymentProviderKind::Demo,
            statement_descriptor: "NB MEDIA".into(),
            monthly_goal: kolokol_demo::DEMO_MONTHLY_GOAL,
            bank_transfer: "Northern Bell Media Foundation\nIBAN: LV00 DEMO 0000 0000 0000 0 (demo)\nReference: your initials and \"NB\"".into(),
            crypto: vec!["Bitcoin | bc1qdemo0000000000000000000000000000000000".into()],
            ..kolokol_core::RevenueConfig::default()
        },
        ..Config::default()
    };
    config.revenue.validate(true).map_err(anyhow::Error::msg)?;
    let store = open_store(&config).await?;
    let media = crate::media_store(&config).await?;
    let created = kolokol_demo::seed(&store, &media, chrono::Utc::now()).await?;
    if created > 0 {
        println!(
            "Loaded the demo newsroom: {created} articles in {}.",
            config.data_dir.display()
        );
    }
    let email = kolokol_core::Email::parse(kolokol_demo::DEMO_EDITOR_EMAIL)?;
    let operator = kolokol_operations::Actor::Operator;
    let now = chrono::Utc::now();
    let accounts = kolokol_operations::accounts::create(
        &store,
        operator,
        &email,
        "Demo Editor",
        kolokol_core::Role::Admin,
        &password,
        now,
    );
    match accounts.await {
        Ok(_) => {}
        // A reused data folder gets this start's password (and loses old sessions).
        Err(kolokol_operations::Error::Refused(_)) => {
            kolokol_operations::accounts::set_password(&store, operator, &email, &password, now)
                .await?;
        }
        Err(e) => return Err(e.into()),
    }
    seed_demo_newsletter(&config).await?;
    seed_demo_revenue(&store).await?;
    let key = demo_content_key(&store).await?;
    println!(
        "Try the Ghost-compatible Content API with the demo key: \
         http://{listen}/ghost/api/content/posts/?key={key}&include=authors,tags"
    );
    println!(
        "The newsroom is at http://{listen}/admin: sign in as {} with the password {password} (demo only).",
        kolokol_demo::DEMO_EDITOR_EMAIL,
    );
    serve_with(config, store, None).await
}

/// The Content API key of the demo's integration, added (through the newsroom's
/// operation) the first time the demo runs.
async fn demo_content_key(store: &kolokol_store::DynStore) -> anyhow::Result<String> {
    const NAME: &str = "Demo app";
    let existing = store
        .api_keys()
        .await?
        .into_iter()
        .find(|k| k.integration == NAME && k.kind == "content");
    let key = match existing {
        Some(key) => key,
        None => kolokol_operations::integrations::add(
            store,
            kolokol_operations::Actor::Operator,
            NAME,
            chrono::Utc::now(),
        )
        .await?
        .into_iter()
        .find(|k| k.kind == "content")
        .ok_or_else(|| anyhow::anyhow!("the demo integration has no Content API key"))?,
    };
    Ok(key.id)
}

/// Gives the demo a past issue of the newsletter, so its archive and "Preview" link
/// have something to show. It had no subscribers: nobody was mailed.
pub(crate) async fn seed_demo_newsletter(config: &Config) -> anyhow::Result<()> {
    let state = offline_state(config).await?;
    let store = &state.store;
    if !store.newsletter_issues(1).await?.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let editor = store
        .user_for_login(&kolokol_core::Email::parse(
            kolokol_demo::DEMO_EDITOR_EMAIL,
        )?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo editor is missing"))?
        .0;
    // One sent issue in each language, to its own subscribers and archive.
    let issues = [
        (
            "en",
            "The Weekly: a law passed in an afternoon, and what prices really do",
            "Good morning. Parliament needed a single afternoon to wall off the internet; \
             our own price basket shows inflation at twice the official figure; and the \
             ministers' daughters own more of the coast than anyone admitted. Here are the \
             stories our editors picked this week.",
        ),
        (
            "ru",
            "Неделя: закон за один день и настоящие цены",
            "Доброе утро. Парламенту хватило одного дня, чтобы отгородить страну от \
             интернета; наша потребительская корзина показывает инфляцию вдвое выше \
             официальной; а жители Корска сами открыли пункт обогрева. Вот материалы, \
             которые редакция выбрала на этой неделе.",
        ),
    ];
    for (language, subject, intro) in issues {
        let filter = kolokol_store::ArticleFilter {
            language: Some(language.into()),
            ..Default::default()
        };
        let first = kolokol_core::PageRequest::new(kolokol_core::PageNumber::FIRST, 5);
        let latest = store.published_articles(&filter, first, now).await?;
        let draft = kolokol_core::IssueDraft {
            subject: subject.into(),
            intro_md: intro.into(),
            full_text: false,
            article_ids: latest.items.iter().map(|a| a.id).collect(),
            language: language.into(),
        };
        let id = kolokol_operations::newsletter::create(store, &editor, &draft, now).await?;
        let issue = store
            .newsletter_issue(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo issue vanished"))?;
        let composed = state.compose_issue(&issue).await?;
        kolokol_newsletter::start(store, id, &composed).await?;
        store.finish_send(id, now).await?;
    }
    Ok(())
}

/// Gives the demo a year of (pretend) reader revenue, so the meter, the supporters'
/// pages and the revenue dashboard have something to show. Recorded through the
/// same ledger as real payments, under the demo provider.
pub(crate) async fn seed_demo_revenue(store: &kolokol_store::DynStore) -> anyhow::Result<()> {
    use kolokol_core::revenue::{EventKind, PaymentEvent};
    use kolokol_core::{Currency, Frequency, Money};
    if !store.subscriptions().await?.is_empty() {
        return Ok(());
    }
    let usd = Currency::USD;
    let now = chrono::Utc::now();
    let day = 86_400;
    let mut events = Vec::new();
    // Recurring supporters who joined over the past year, a few of whom left.
    for n in 0..64_i64 {
        let started = now.timestamp() - (n * 5 + 2) * day;
        let annual = n % 7 == 0;
        let amount = Money::new(
            [500, 1000, 1500, 2500, 5000][(n % 5) as usize] * if annual { 10 } else { 1 },
            usd,
        );
        let subscription = format!("sub_demo_seed_{n}");
        let email = Some(format!("supporter{n}@demo.example"));
        events.push((
            started,
            EventKind::SubscriptionStarted {
                subscription: subscription.clone(),
                email: email.clone(),
                amount,
                frequency: if annual {
                    Frequency::Annual
                } else {
                    Frequency::Monthly
                },
            },
        ));
        events.push((
            started,
            EventKind::InvoicePaid {
                payment: format!("in_demo_seed_first_{n}"),
                payment_intent: Some(format!("pi_demo_seed_first_{n}")),
                subscription: subscription.clone(),
                email,
                amount,
            },
        ));
        if n % 9 == 4 {
            events.push((
                started + 40 * day,
                EventKind::SubscriptionEnded { subscription },
            ));
        }
    }
    // One-time gifts, one every few days.
    for n in 0..90_i64 {
        events.push((
            now.timestamp() - (n * 4 + 1) * day,
            EventKind::OneTimePaid {
                payment: format!("pi_demo_seed_once_{n}"),
                email: None,
                amount: Money::new([1000, 2000, 3500, 10_000][(n % 4) as usize], usd),
                paid: true,
            },
        ));
    }
    for (n, (created, kind)) in events.into_iter().enumerate() {
        let event = PaymentEvent {
            id: format!("evt_demo_seed_{n}"),
            created: created.min(now.timestamp()),
            api_version: String::new(),
            kind,
        };
        kolokol_operations::revenue::apply_event(store, "demo", &event, now).await?;
    }
    Ok(())
}

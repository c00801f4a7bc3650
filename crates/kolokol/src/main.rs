//! The `kolokol` command: serve a site, run the demo, migrate, export the theme.
//! Only wiring lives here; everything else is in the library crates.

mod config;
mod revenue;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use kolokol_core::config::Config;
use kolokol_render::Theme;
use kolokol_web::AppState;
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(
    name = "kolokol",
    version,
    about = "Publishing for reader-funded newsrooms that governments block"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a site from a configuration file.
    Serve {
        /// TOML configuration file; KOLOKOL_* environment variables override it.
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Run the demo newsroom: creates the data folder, loads demo content, serves it.
    Demo {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Listen on an address others can reach. The demo editor then gets a random
        /// password, printed at start, instead of the one in the README.
        #[arg(long)]
        public: bool,
        /// Data folder (created if missing; reused if it already holds the demo).
        #[arg(long, default_value = "kolokol-demo")]
        data: PathBuf,
        /// A theme folder overriding the built-in templates and assets.
        #[arg(long)]
        theme: Option<PathBuf>,
    },
    /// Write the whole public site as static files with relative links, for mirrors,
    /// object storage or a USB stick. Only files that changed are rewritten.
    ExportSite {
        /// The folder to write (created if missing).
        out: PathBuf,
        /// Also pack the folder into this `.tar.zst` archive.
        #[arg(long)]
        archive: Option<PathBuf>,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Manage themes.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Send the newsletter, or see how sends are going.
    Newsletter {
        #[command(subcommand)]
        command: NewsletterCommand,
    },
    /// Keep the reader-revenue ledger complete.
    Revenue {
        #[command(subcommand)]
        command: RevenueCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RevenueCommand {
    /// Read Stripe's event list and apply what the ledger lacks (after downtime
    /// longer than Stripe's retries). Safe to run again.
    Reconcile {
        /// The first day to read (YYYY-MM-DD); default: 30 days ago, as far back as
        /// Stripe keeps events.
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Apply the events an older version kept unread (after an upgrade).
    Replay {
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum NewsletterCommand {
    /// Send an issue now (its number in the admin's address, /admin/newsletter/ID), or
    /// without an ID every issue that is due or was interrupted. Safe to run again
    /// after a crash: whoever already received the issue is not mailed twice.
    Send {
        /// The issue to send; default: all due or unfinished issues.
        issue: Option<i64>,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Add confirmed subscribers from a CSV file (another service's export): a header
    /// row naming `email`, and optionally `signed_up_at`, `confirmed_at`,
    /// `policy_version`, `form`, `status`. One bad row imports nothing.
    Import {
        file: PathBuf,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Never mail these addresses again: a bounce or complaint report (DSN or ARF
    /// message) on standard input, e.g. piped from the bounce mailbox, or addresses
    /// given with --email.
    Suppress {
        /// Addresses to suppress; without any, a report is read from standard input.
        #[arg(long)]
        email: Vec<String>,
        #[arg(long, default_value = "suppressed by the operator")]
        reason: String,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// List the issues and their delivery progress.
    Status {
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a staff account. The password is asked for, or read from standard input
    /// (one line) when that is not a terminal.
    Add {
        #[arg(long)]
        email: String,
        /// contributor, author, editor or admin.
        #[arg(long, default_value = "admin")]
        role: String,
        /// The name shown in bylines; defaults to the part of the address before the @.
        #[arg(long)]
        name: Option<String>,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ThemeCommand {
    /// Copy the built-in theme into a folder to edit; point `theme_dir` at it.
    Export {
        /// Folder to write (must not exist yet, or be empty).
        dir: PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KOLOKOL_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_target(false)
        // Colour codes only for a person at a terminal, never in a journal or file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { config } => {
            let config = config::load(config.as_deref())?;
            serve(config).await
        }
        Command::Demo {
            listen,
            public,
            data,
            theme,
        } => demo(listen, public, data, theme).await,
        Command::Migrate { config } => {
            let config = config::load(config.as_deref())?;
            open_store(&config).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Theme {
            command: ThemeCommand::Export { dir },
        } => export_theme(&dir),
        Command::ExportSite {
            out,
            archive,
            config,
        } => {
            let config = config::load(config.as_deref())?;
            export_site(config, &out).await?;
            if let Some(archive) = archive {
                let size = kolokol_export::write_archive(&out, &archive)?;
                println!(
                    "Packed it into {} ({:.1} MB).",
                    archive.display(),
                    size as f64 / 1_000_000.0
                );
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    name,
                    config,
                },
        } => {
            let config = config::load(config.as_deref())?;
            add_user(&config, &email, &role, name.as_deref()).await
        }
        Command::Newsletter {
            command: NewsletterCommand::Send { issue, config },
        } => {
            let config = config::load(config.as_deref())?;
            send_newsletter(config, issue).await
        }
        Command::Newsletter {
            command: NewsletterCommand::Import { file, config },
        } => {
            let config = config::load(config.as_deref())?;
            import_subscribers(config, &file).await
        }
        Command::Newsletter {
            command:
                NewsletterCommand::Suppress {
                    email,
                    reason,
                    config,
                },
        } => {
            let config = config::load(config.as_deref())?;
            suppress(config, email, &reason).await
        }
        Command::Newsletter {
            command: NewsletterCommand::Status { config },
        } => {
            let config = config::load(config.as_deref())?;
            newsletter_status(config).await
        }
        Command::Revenue {
            command: RevenueCommand::Reconcile { since, config },
        } => revenue::reconcile(config::load(config.as_deref())?, since).await,
        Command::Revenue {
            command: RevenueCommand::Replay { config },
        } => revenue::replay(config::load(config.as_deref())?).await,
    }
}

/// The newsletter's sender from the configuration, when a relay is set.
fn newsletter_delivery(
    config: &Config,
) -> anyhow::Result<Option<kolokol_web::newsletter::Delivery>> {
    let settings = &config.newsletter;
    let url = settings.smtp_url(&config.mail);
    if url.is_empty() {
        return Ok(None);
    }
    let dkim = match &settings.dkim_key_file {
        Some(path) => Some(kolokol_mail::bulk::DkimKey {
            domain: settings.dkim_domain.trim().to_owned(),
            selector: settings.dkim_selector.trim().to_owned(),
            algorithm: if settings.dkim_algorithm == "ed25519" {
                kolokol_mail::bulk::DkimAlgorithm::Ed25519
            } else {
                kolokol_mail::bulk::DkimAlgorithm::Rsa
            },
            private_key: std::fs::read_to_string(path).with_context(|| {
                format!("newsletter.dkim_key_file: cannot read {}", path.display())
            })?,
        }),
        None => None,
    };
    let sender = kolokol_mail::bulk::BulkSender::new(
        url,
        &settings.from,
        settings.connections,
        dkim.as_ref(),
    )?;
    Ok(Some(kolokol_web::newsletter::Delivery {
        sender: std::sync::Arc::new(sender),
        connections: settings.connections,
        rate_per_second: settings.rate_per_second,
    }))
}

/// The application state for a command that renders but does not serve.
async fn offline_state(config: &Config) -> anyhow::Result<AppState> {
    let store = open_store(config).await?;
    let theme = Theme::new(config.theme_dir.clone(), config.site.tz())?;
    AppState::new(store, theme, config.site.clone(), config.media_dir(), None)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the database: {e}"))
}

async fn send_newsletter(config: Config, only: Option<i64>) -> anyhow::Result<()> {
    use kolokol_core::IssueStatus;
    let state = offline_state(&config).await?;
    let delivery = newsletter_delivery(&config)?.ok_or_else(|| {
        anyhow::anyhow!("no mail server is configured: set newsletter.smtp_url or mail.smtp_url")
    })?;
    state.enable_newsletter_delivery(delivery);
    let Some(settings) = state.newsletter.delivery().cloned() else {
        anyhow::bail!("the newsletter sender could not be set up");
    };
    let store = &state.store;
    let ids = match only {
        Some(id) => {
            let issue = store
                .newsletter_issue(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("there is no newsletter issue {id}"))?;
            if issue.status.editable() {
                let composed = state.compose_issue(&issue).await?;
                kolokol_newsletter::start(store, id, &composed).await?;
            } else if issue.status == IssueStatus::Sent {
                println!("Issue {id} ({}) was sent already.", issue.subject);
                return Ok(());
            }
            vec![id]
        }
        None => {
            let mut ids = Vec::new();
            for id in store.issues_to_send(chrono::Utc::now()).await? {
                if let Some(issue) = store.newsletter_issue(id).await?
                    && issue.status.editable()
                {
                    let composed = state.compose_issue(&issue).await?;
                    kolokol_newsletter::start(store, id, &composed).await?;
                }
                ids.push(id);
            }
            ids
        }
    };
    if ids.is_empty() {
        println!("No newsletter issue is due.");
        return Ok(());
    }
    let holder = format!("cli-{}", std::process::id());
    for id in ids {
        let started = std::time::Instant::now();
        let before = store.delivery_progress(id).await?;
        let bar = indicatif::ProgressBar::new(u64::try_from(before.total()).unwrap_or(0));
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} messages, {per_sec}, {eta} left ({msg})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let watcher = {
            let store = std::sync::Arc::clone(store);
            let bar = bar.clone();
            tokio::spawn(async move {
                loop {
                    if let Ok(p) = store.delivery_progress(id).await {
                        bar.set_position(u64::try_from(p.sent + p.failed).unwrap_or(0));
                        bar.set_message(format!("{} failed", p.failed));
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
            })
        };
        // Another process holds the send (or held it when it was killed): wait until
        // it finishes or its lease runs out, then carry on where it stopped.
        let mut told = false;
        let end = loop {
            match kolokol_newsletter::run(store, &settings, id, &holder).await {
                Ok(kolokol_newsletter::SendEnd::Busy) => {
                    if store
                        .newsletter_issue(id)
                        .await?
                        .is_some_and(|i| i.status == IssueStatus::Sent)
                    {
                        break Ok(kolokol_newsletter::SendEnd::Finished);
                    }
                    if !told {
                        bar.println(format!(
                            "Issue {id} is held by another sender; waiting for it to finish or for its claim to lapse ({} s)…",
                            kolokol_newsletter::send::LEASE.as_secs()
                        ));
                        told = true;
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
                other => break other,
            }
        };
        watcher.abort();
        bar.finish_and_clear();
        match end? {
            kolokol_newsletter::SendEnd::Busy => {}
            kolokol_newsletter::SendEnd::Finished => {
                let after = store.delivery_progress(id).await?;
                let done = (after.sent + after.failed) - (before.sent + before.failed);
                let seconds = started.elapsed().as_secs_f64();
                println!(
                    "Issue {id}: {} sent, {} failed, {} messages in this run in {seconds:.1} s ({:.0} per second).",
                    after.sent,
                    after.failed,
                    done,
                    done as f64 / seconds.max(0.001)
                );
            }
        }
    }
    Ok(())
}

async fn import_subscribers(config: Config, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let now = chrono::Utc::now();
    let rows = match kolokol_newsletter::import::parse(&bytes, now) {
        Ok(rows) => rows,
        Err(problems) => {
            for problem in problems.iter().take(20) {
                eprintln!("{problem}");
            }
            anyhow::bail!(
                "{} problems in {}; nothing was imported",
                problems.len(),
                file.display()
            );
        }
    };
    let store = open_store(&config).await?;
    let report = store.import_subscribers(&rows, now).await?;
    store
        .record_audit(
            None,
            "subscribers.import",
            &format!("{} added", report.added),
            &format!("{} already known", report.skipped),
            now,
        )
        .await?;
    println!(
        "Imported {} subscribers; {} were already on the list and were left as they were.",
        report.added, report.skipped
    );
    Ok(())
}

async fn suppress(config: Config, emails: Vec<String>, reason: &str) -> anyhow::Result<()> {
    let targets: Vec<(String, String)> = if emails.is_empty() {
        let mut report = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut report)
            .context("cannot read the report from standard input")?;
        kolokol_newsletter::feedback::parse(&report)
            .into_iter()
            .map(|f| (f.email, f.reason))
            .collect()
    } else {
        emails.into_iter().map(|e| (e, reason.to_owned())).collect()
    };
    if targets.is_empty() {
        println!("The message is neither a permanent bounce nor a complaint; nothing changed.");
        return Ok(());
    }
    let store = open_store(&config).await?;
    let now = chrono::Utc::now();
    for (email, reason) in targets {
        let Ok(address) = kolokol_core::Email::parse(&email) else {
            eprintln!("{email:?} is not an e-mail address; skipped");
            continue;
        };
        if store.suppress(&address, &reason, now).await? {
            store
                .record_audit(None, "subscribers.suppress", address.as_str(), &reason, now)
                .await?;
            println!("Suppressed {address} ({reason}).");
        } else {
            println!("{address} is not on the list, or was suppressed already.");
        }
    }
    Ok(())
}

async fn newsletter_status(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let issues = store.newsletter_issues(50).await?;
    if issues.is_empty() {
        println!("No newsletter issues yet.");
    }
    for issue in issues {
        let progress = store.delivery_progress(issue.id).await?;
        println!(
            "{:>4}  {:<9}  {:>6} sent {:>5} failed {:>6} to go  {}",
            issue.id,
            issue.status.as_str(),
            progress.sent,
            progress.failed,
            progress.pending,
            issue.subject
        );
    }
    Ok(())
}

async fn open_store(config: &Config) -> anyhow::Result<kolokol_store::DynStore> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        )
    })?;
    let url = config.database_url();
    let store = kolokol_store::connect(&url).await.with_context(|| {
        format!(
            "cannot open the database {}",
            kolokol_core::config::redact_url(&url)
        )
    })?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    Ok(store)
}

async fn demo(
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
        kolokol_web::admin::password::random_token()[..20].to_owned()
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
            provider: "demo".into(),
            statement_descriptor: "NB MEDIA".into(),
            bank_transfer: "Northern Bell Media Foundation\nIBAN: LV00 DEMO 0000 0000 0000 0 (demo)\nReference: your initials and \"NB\"".into(),
            crypto: vec!["Bitcoin | bc1qdemo0000000000000000000000000000000000".into()],
            ..kolokol_core::RevenueConfig::default()
        },
        ..Config::default()
    };
    config.revenue.validate(true).map_err(anyhow::Error::msg)?;
    let store = open_store(&config).await?;
    let created = kolokol_demo::seed(&store, &config.media_dir(), chrono::Utc::now()).await?;
    if created > 0 {
        println!(
            "Loaded the demo newsroom: {created} articles in {}.",
            config.data_dir.display()
        );
    }
    let email = kolokol_core::Email::parse(kolokol_demo::DEMO_EDITOR_EMAIL)?;
    let hash = kolokol_web::admin::password::hash(&password).map_err(anyhow::Error::msg)?;
    match store.user_for_login(&email).await? {
        None => {
            store
                .create_user(
                    &email,
                    "Demo Editor",
                    kolokol_core::Role::Admin,
                    &hash,
                    chrono::Utc::now(),
                )
                .await?;
        }
        // A reused data folder gets this start's password (and loses old sessions).
        Some((editor, _)) => store.set_password(editor.id, &hash).await?,
    }
    seed_demo_newsletter(&config).await?;
    seed_demo_revenue(&store).await?;
    println!(
        "The newsroom is at http://{listen}/admin: sign in as {} with the password {password} (demo only).",
        kolokol_demo::DEMO_EDITOR_EMAIL,
    );
    serve_with(config, store).await
}

/// Gives the demo a past issue of the newsletter, so its archive and "Preview" link
/// have something to show. It had no subscribers: nobody was mailed.
async fn seed_demo_newsletter(config: &Config) -> anyhow::Result<()> {
    let state = offline_state(config).await?;
    let store = &state.store;
    if !store.newsletter_issues(1).await?.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let latest = store
        .published_articles(
            &kolokol_store::ArticleFilter::default(),
            kolokol_core::PageRequest::new(kolokol_core::PageNumber::FIRST, 5),
            now,
        )
        .await?;
    let editor = store
        .user_for_login(&kolokol_core::Email::parse(
            kolokol_demo::DEMO_EDITOR_EMAIL,
        )?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo editor is missing"))?
        .0;
    let draft = kolokol_core::IssueDraft {
        subject: "The Weekly: a law passed in an afternoon, and what prices really do".into(),
        intro_md: "Good morning. Parliament needed a single afternoon to wall off the internet; \
                   our own price basket shows inflation at twice the official figure; and the \
                   ministers' daughters own more of the coast than anyone admitted. Here are the \
                   stories our editors picked this week."
            .into(),
        full_text: false,
        article_ids: latest.items.iter().map(|a| a.id).collect(),
    };
    let id = store.create_issue(&draft, editor.id, now).await?;
    let issue = store
        .newsletter_issue(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo issue vanished"))?;
    let composed = state.compose_issue(&issue).await?;
    kolokol_newsletter::start(store, id, &composed).await?;
    store.finish_send(id, now).await?;
    Ok(())
}

/// Gives the demo a year of (pretend) reader revenue, so the meter, the supporters'
/// pages and the revenue dashboard have something to show. Recorded through the
/// same ledger as real payments, under the demo provider.
async fn seed_demo_revenue(store: &kolokol_store::DynStore) -> anyhow::Result<()> {
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
        store.apply_payment_event("demo", &event, now).await?;
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    serve_with(config, store).await
}

async fn serve_with(config: Config, store: kolokol_store::DynStore) -> anyhow::Result<()> {
    tracing::info!(config = ?config, "starting");
    let theme = Theme::new(config.theme_dir.clone(), config.site.tz())?;
    std::fs::create_dir_all(config.media_dir()).with_context(|| {
        format!(
            "cannot create the media folder {}",
            config.media_dir().display()
        )
    })?;
    let mailer: Option<kolokol_mail::DynMailer> = if config.mail.smtp_url.trim().is_empty() {
        None
    } else {
        Some(std::sync::Arc::new(kolokol_mail::SmtpMailer::new(
            &config.mail.smtp_url,
            &config.mail.from,
        )?))
    };
    let state = AppState::new(
        store,
        theme,
        config.site.clone(),
        config.media_dir(),
        mailer,
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot read the database: {e}"))?;
    if let Some(delivery) = newsletter_delivery(&config)? {
        state.enable_newsletter_delivery(delivery);
    }
    state.enable_revenue(
        kolokol_web::revenue::Revenue::from_config(config.revenue.clone())
            .map_err(|e| anyhow::anyhow!("revenue: {e}"))?,
    );
    let listener = TcpListener::bind((config.listen.host(), config.listen.port()))
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    let shutdown = shutdown_signal();
    println!(
        "Kolokol is serving {} at http://{address}/ (Ctrl-C to stop)",
        config.site.title
    );
    kolokol_web::serve(listener, state, &config.server, shutdown).await?;
    println!("Stopped.");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
/// Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled, so a stop sent the moment the server says it is serving is
/// never missed (and never kills the process uncleanly).
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (mut terminate, mut interrupt) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let terminate = async {
                match terminate.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let interrupt = async {
                match interrupt.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = terminate => {}
                () = interrupt => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }
}

async fn add_user(
    config: &Config,
    email: &str,
    role: &str,
    name: Option<&str>,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let email = kolokol_core::Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = kolokol_core::Role::parse(role)
        .ok_or_else(|| anyhow::anyhow!("--role must be contributor, author, editor or admin"))?;
    let name = name.map_or_else(
        || {
            email
                .as_str()
                .split('@')
                .next()
                .unwrap_or("staff")
                .to_owned()
        },
        str::to_owned,
    );
    if name.trim().is_empty() || kolokol_core::Slug::from_title(&name).is_err() {
        anyhow::bail!("--name needs letters or digits");
    }
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ; nothing was created");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    kolokol_core::staff::check_new_password(&password)
        .map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let hash = kolokol_web::admin::password::hash(&password).map_err(anyhow::Error::msg)?;
    let store = open_store(config).await?;
    let now = chrono::Utc::now();
    let user = match store
        .create_user(&email, name.trim(), role, &hash, now)
        .await
    {
        Err(kolokol_store::StoreError::Conflict(_)) => {
            anyhow::bail!("an account for {email} already exists")
        }
        other => other?,
    };
    store
        .record_audit(None, "user.add", email.as_str(), role.as_str(), now)
        .await?;
    println!(
        "Created {} <{}> as {}. Sign in at /admin.",
        user.name, user.email, user.role
    );
    Ok(())
}

async fn export_site(config: Config, out: &Path) -> anyhow::Result<()> {
    let state = offline_state(&config).await?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let report = kolokol_export::export_site(&state, out, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await?;
    bar.finish_and_clear();
    println!(
        "Exported {} files ({:.1} MB) to {} in {:.1} s; {} written, {} unchanged.",
        report.files,
        report.bytes as f64 / 1_000_000.0,
        out.display(),
        started.elapsed().as_secs_f64(),
        report.written,
        report.files - report.written
    );
    Ok(())
}

fn export_theme(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!(
            "{} is not empty; choose a new folder so nothing is overwritten",
            dir.display()
        );
    }
    let mut count = 0;
    for (name, bytes) in Theme::default_files() {
        let target = dir.join(&name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
        count += 1;
    }
    println!(
        "Wrote {count} theme files to {}. Set theme_dir = \"{}\" in your configuration.",
        dir.display(),
        dir.display()
    );
    Ok(())
}

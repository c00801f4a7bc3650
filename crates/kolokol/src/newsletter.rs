//! `kolokol newsletter …`: sending issues from the command line (the same send the
//! server runs), importing and suppressing subscribers, and the delivery status.

use kolokol_operations::{Actor, readers};
use std::path::Path;

use anyhow::Context;
use kolokol_core::config::Config;

use crate::open_store;

/// The newsletter's sender from the configuration, when a relay is set.
pub(crate) fn newsletter_delivery(
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
            algorithm: match settings.dkim_algorithm {
                kolokol_core::config::DkimAlgorithm::Ed25519 => {
                    kolokol_mail::bulk::DkimAlgorithm::Ed25519
                }
                kolokol_core::config::DkimAlgorithm::Rsa => kolokol_mail::bulk::DkimAlgorithm::Rsa,
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

pub(crate) async fn send_newsletter(config: Config, only: Option<i64>) -> anyhow::Result<()> {
    use kolokol_core::IssueStatus;
    let delivery = newsletter_delivery(&config)?.ok_or_else(|| {
        anyhow::anyhow!("no mail server is configured: set newsletter.smtp_url or mail.smtp_url")
    })?;
    let state = crate::offline_state_with(&config, Some(delivery)).await?;
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

pub(crate) async fn import_subscribers(config: Config, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let now = chrono::Utc::now();
    let rows = match kolokol_newsletter::import::parse(&bytes, now) {
        Ok(rows) => rows,
        Err(problems) => {
            // Said in English from the theme's catalogue, like the newsroom's messages.
            let theme = crate::load_theme(&config)?;
            let words = kolokol_render::i18n::Words::new(theme.catalogues(), "en");
            for problem in problems.iter().take(20) {
                eprintln!("{}", words.say(problem));
            }
            anyhow::bail!(
                "{} problems in {}; nothing was imported",
                problems.len(),
                file.display()
            );
        }
    };
    let store = open_store(&config).await?;
    let main = &config.site.language;
    let report = readers::import(&store, Actor::Operator, &rows, main, now).await?;
    println!(
        "Imported {} subscribers ({} of them had left the other list and will not be mailed); \
         {} were already on the list and were left as they were.",
        report.added, report.left, report.skipped
    );
    if report.supporters > 0 {
        println!(
            "{} paying members were kept as supporters with their Stripe customers: run \
             `kolokol revenue reconcile` to read their subscriptions from Stripe, so the \
             meter counts them now rather than from their next renewal.",
            report.supporters
        );
    }
    Ok(())
}

pub(crate) async fn suppress(
    config: Config,
    emails: Vec<String>,
    reason: &str,
) -> anyhow::Result<()> {
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
        if readers::suppress(&store, Actor::Operator, &address, &reason, now).await? {
            println!("Suppressed {address} ({reason}).");
        } else {
            println!("{address} is not on the list, or was suppressed already.");
        }
    }
    Ok(())
}

pub(crate) async fn newsletter_status(config: Config) -> anyhow::Result<()> {
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

//! `kolokol serve`: the server, until Ctrl-C or SIGTERM.

use anyhow::Context;
use kolokol_core::config::Config;
use kolokol_web::AppState;
use tokio::net::TcpListener;

use crate::newsletter::newsletter_delivery;
use crate::open_store;

/// Serves the site configured in `file` (or by the environment alone).
pub(crate) async fn serve(config: Config, file: Option<&std::path::Path>) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    serve_with(config, store, file).await
}

pub(crate) async fn serve_with(
    config: Config,
    store: kolokol_store::DynStore,
    file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    tracing::info!(config = ?config, "starting");
    let theme = crate::load_theme(&config)?;
    std::fs::create_dir_all(config.media_dir()).with_context(|| {
        format!(
            "cannot create the media folder {}",
            config.media_dir().display()
        )
    })?;
    let media = crate::media_store(&config).await?;
    sweep_media(&store, &media).await;
    let mailer: Option<kolokol_mail::DynMailer> = if config.mail.smtp_url.trim().is_empty() {
        None
    } else {
        Some(std::sync::Arc::new(kolokol_mail::SmtpMailer::new(
            &config.mail.smtp_url,
            &config.mail.from,
        )?))
    };
    let revenue = kolokol_web::revenue::Revenue::from_config(config.revenue.clone())
        .map_err(|e| anyhow::anyhow!("revenue: {e}"))?;
    let state = AppState::build(kolokol_web::AppParts {
        mailer,
        revenue,
        newsletter_delivery: newsletter_delivery(&config)?,
        search_dir: Some(config.search_dir()),
        server: config.server.clone(),
        media,
        ..kolokol_web::AppParts::new(store, theme, config.site.clone(), config.media_dir())
    })
    .await
    .map_err(|e| anyhow::anyhow!("cannot read the database: {e}"))?;
    crate::backup::schedule(&config, state.store.clone(), state.media.clone());
    let listener = TcpListener::bind((config.listen.host(), config.listen.port()))
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    let shutdown = shutdown_signal();
    println!(
        "Kolokol is serving {} at http://{address}/ (Ctrl-C to stop)",
        config.site.title
    );
    if let Some(advice) = first_run_advice(&state.store, file).await? {
        println!("{advice}");
    }
    kolokol_web::serve(listener, state, &config.server, shutdown).await?;
    println!("Stopped.");
    Ok(())
}

/// What to do first on a site without an admin: how to make one. None once an
/// enabled admin account exists.
async fn first_run_advice(
    store: &kolokol_store::DynStore,
    config_file: Option<&std::path::Path>,
) -> anyhow::Result<Option<String>> {
    let disabled = store.disabled_users().await?;
    let has_admin = store
        .users()
        .await?
        .iter()
        .any(|u| u.role.is_admin() && !disabled.contains(&u.id));
    if has_admin {
        return Ok(None);
    }
    let config = config_file.map_or(String::new(), |f| format!(" --config {}", f.display()));
    Ok(Some(format!(
        "No admin account yet. Create the first one (the password is asked for), then sign in at /admin:\n  \
         kolokol user add{config} --role admin --email you@your-newsroom.example --name \"Your Name\""
    )))
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled, so a stop sent the moment the server says it is serving is
/// never missed (and never kills the process uncleanly).
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
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

/// Files no image names any more (an upload cut short by a crash or a full disk)
/// are removed at start, once they are an hour old; a failure only warns.
async fn sweep_media(store: &kolokol_store::DynStore, media: &kolokol_media::MediaStore) {
    let known = match store.media_paths().await {
        Ok(paths) => paths.into_iter().collect(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot list the media files the database names; no sweep");
            return;
        }
    };
    let hour = std::time::Duration::from_secs(3600);
    match media.sweep_orphans(&known, hour).await {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "removed media files no image names"),
        Err(e) => tracing::warn!(error = %e, "cannot sweep the media store"),
    }
}

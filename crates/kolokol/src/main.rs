//! The `kolokol` command: serve a site, run the demo, migrate, export the theme.
//! Only wiring lives here; everything else is in the library crates.

mod backup;
mod config;
mod demo;
mod export;
mod import;
mod newsletter;
mod revenue;
mod search;
mod serve;
mod user;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kolokol_core::config::Config;
use kolokol_render::Theme;
use kolokol_web::AppState;

/// jemalloc rather than the C library's allocator (for SQLite's and zstd's memory
/// too): under a server's mixed load (many threads, bursts of connections, pages
/// and searches of every size) glibc's per-thread arenas kept freed memory, and
/// `bench/soak.sh` grew 16.6 % after its warm-up; with jemalloc, which gives back
/// what it no longer uses, 0.6 % with the settings built in from
/// `.cargo/config.toml` (README, "Memory").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
    /// Write the content in another platform's format, to move elsewhere.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Bring an archive over from another platform: posts, pages, authors,
    /// categories, tags and pictures, with the old addresses redirecting. Running it
    /// again updates what it brought instead of adding it twice.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Save the database and the media in one `.tar.zst`, while the site serves.
    Backup {
        /// The archive to write.
        out: PathBuf,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Restore a backup into an empty data folder and database.
    Restore {
        /// The archive `kolokol backup` wrote.
        archive: PathBuf,
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
    /// Look after this node's search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Build the search index again from the database (with the server stopped; a
    /// server builds a missing index by itself at start).
    Reindex {
        #[arg(long, short)]
        config: Option<PathBuf>,
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
    /// Give a staff account a new password and sign it out everywhere (for when
    /// the site cannot mail a reset link). Asked for, or read from standard input.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// A WordPress export (Tools → Export → All content: a WXR .xml file).
    Wordpress(import::ImportArgs),
    /// A Ghost export (Settings → Labs → Export your content: a .json file).
    Ghost(import::ImportArgs),
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Every article and page, with authors, sections and tags, as a file Ghost
    /// imports (Settings → Labs → Import content).
    Ghost {
        /// The JSON file to write.
        out: PathBuf,
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
            eprintln!("error: {}", error_line(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { config } => {
            let file = config;
            serve::serve(config::load(file.as_deref())?, file.as_deref()).await
        }
        Command::Demo {
            listen,
            public,
            data,
            theme,
        } => demo::demo(listen, public, data, theme).await,
        Command::Migrate { config } => {
            let config = config::load(config.as_deref())?;
            open_store(&config).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Theme {
            command: ThemeCommand::Export { dir },
        } => export::export_theme(&dir),
        Command::Search {
            command: SearchCommand::Reindex { config },
        } => {
            let config = config::load(config.as_deref())?;
            search::reindex(&config).await
        }
        Command::Backup { out, config } => {
            let config = config::load(config.as_deref())?;
            backup::backup(&config, &out).await
        }
        Command::Restore { archive, config } => {
            let config = config::load(config.as_deref())?;
            backup::restore(&config, &archive).await
        }
        Command::Import { command } => {
            let (origin, args) = match &command {
                ImportCommand::Wordpress(args) => (kolokol_import::Origin::WordPress, args),
                ImportCommand::Ghost(args) => (kolokol_import::Origin::Ghost, args),
            };
            let config = config::load(args.config.as_deref())?;
            import::import_content(&config, origin, args).await
        }
        Command::Export {
            command: ExportCommand::Ghost { out, config },
        } => {
            let config = config::load(config.as_deref())?;
            export::export_ghost(&config, &out).await
        }
        Command::ExportSite {
            out,
            archive,
            config,
        } => {
            let config = config::load(config.as_deref())?;
            export::export_site(config, &out).await?;
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
            user::add_user(&config, &email, &role, name.as_deref()).await
        }
        Command::User {
            command: UserCommand::ResetPassword { email, config },
        } => {
            let config = config::load(config.as_deref())?;
            user::reset_password(&config, &email).await
        }
        Command::Newsletter {
            command: NewsletterCommand::Send { issue, config },
        } => {
            let config = config::load(config.as_deref())?;
            newsletter::send_newsletter(config, issue).await
        }
        Command::Newsletter {
            command: NewsletterCommand::Import { file, config },
        } => {
            let config = config::load(config.as_deref())?;
            newsletter::import_subscribers(config, &file).await
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
            newsletter::suppress(config, email, &reason).await
        }
        Command::Newsletter {
            command: NewsletterCommand::Status { config },
        } => {
            let config = config::load(config.as_deref())?;
            newsletter::newsletter_status(config).await
        }
        Command::Revenue {
            command: RevenueCommand::Reconcile { since, config },
        } => revenue::reconcile(config::load(config.as_deref())?, since).await,
        Command::Revenue {
            command: RevenueCommand::Replay { config },
        } => revenue::replay(config::load(config.as_deref())?).await,
    }
}

/// The application state for a command that renders but does not serve.
pub(crate) async fn offline_state(config: &Config) -> anyhow::Result<AppState> {
    offline_state_with(config, None).await
}

/// The same, able to send newsletters through `delivery`.
pub(crate) async fn offline_state_with(
    config: &Config,
    delivery: Option<kolokol_web::newsletter::Delivery>,
) -> anyhow::Result<AppState> {
    let store = open_store(config).await?;
    let theme = load_theme(config)?;
    AppState::build(kolokol_web::AppParts {
        newsletter_delivery: delivery,
        media: media_store(config).await?,
        ..kolokol_web::AppParts::new(store, theme, config.site.clone(), config.media_dir())
    })
    .await
    .map_err(|e| anyhow::anyhow!("cannot read the database: {e}"))
}

/// The theme, refused when it cannot speak the site's language.
pub(crate) fn load_theme(config: &Config) -> anyhow::Result<Theme> {
    let theme = Theme::new(config.theme_dir.clone(), config.site.tz())?;
    let catalogues = theme.catalogues();
    if !catalogues.speaks(&config.site.language) {
        anyhow::bail!(
            "site.language = {:?}: the theme has no catalogue for it (locales/{}/*.ftl); it has {}",
            config.site.language,
            config.site.language,
            catalogues.languages().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(theme)
}

/// Writes and removes a small file in the data folder, so that a folder the server
/// cannot write to is named at start with the reason (SQLite would say only "unable
/// to open database file").
fn writable(dir: &std::path::Path) -> anyhow::Result<()> {
    let probe = dir.join(".kolokol-write-check");
    let written = std::fs::write(&probe, b"kolokol");
    // Removing the probe can only fail where writing it did.
    let _ = std::fs::remove_file(&probe);
    written.map_err(|e| {
        anyhow::anyhow!(
            "the data folder {} cannot be written to: {} ({e})",
            dir.display(),
            unwritable_reason(e.kind())
        )
    })
}

/// Why a folder cannot be written to, in the operator's terms.
fn unwritable_reason(kind: std::io::ErrorKind) -> &'static str {
    match kind {
        std::io::ErrorKind::ReadOnlyFilesystem => "it is on a read-only file system",
        std::io::ErrorKind::PermissionDenied => {
            "this user may not write there (check the folder's owner and permissions)"
        }
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => "the disk is full",
        _ => "writing a file there failed",
    }
}

/// An error and its causes on one line, each said once: a cause whose words the
/// line already holds is not repeated.
fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// The media store the configuration names, checked: a bucket that cannot be
/// reached, or a folder that cannot be made, is named before anything is done.
pub(crate) async fn media_store(config: &Config) -> anyhow::Result<kolokol_media::MediaStore> {
    let media = kolokol_media::MediaStore::from_config(&config.media, config.media_dir())
        .context("cannot use the media store")?;
    media
        .check()
        .await
        .with_context(|| format!("cannot use the media store {}", media.describe()))?;
    Ok(media)
}

pub(crate) async fn open_store(config: &Config) -> anyhow::Result<kolokol_store::DynStore> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        )
    })?;
    writable(&config.data_dir)?;
    let url = config.database_url();
    let store = kolokol_store::connect_with(&url, config.server.database_connections)
        .await
        .with_context(|| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_line_says_each_cause_once() {
        let inner = anyhow::anyhow!("unable to open database file");
        let middle = inner.context("database error: unable to open database file");
        let outer = middle.context("cannot open the database sqlite:///srv/kolokol.db");
        assert_eq!(
            error_line(&outer),
            "cannot open the database sqlite:///srv/kolokol.db: database error: unable to open database file"
        );
    }

    #[test]
    fn an_unwritable_folder_is_explained() {
        use std::io::ErrorKind;
        assert!(unwritable_reason(ErrorKind::ReadOnlyFilesystem).contains("read-only"));
        assert!(unwritable_reason(ErrorKind::PermissionDenied).contains("permissions"));
        assert!(unwritable_reason(ErrorKind::StorageFull).contains("full"));
        let dir = tempfile::tempdir().expect("a temporary folder");
        assert!(writable(dir.path()).is_ok());
        assert_eq!(std::fs::read_dir(dir.path()).expect("listed").count(), 0);
        let missing = dir.path().join("not-there");
        let refused = writable(&missing).expect_err("a missing folder is refused");
        assert!(refused.to_string().contains("not-there"), "{refused}");
    }
}

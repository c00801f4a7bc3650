//! `kolokol import wordpress|ghost FILE`: an archive from another platform, with a
//! report of everything skipped or changed and why.

use std::path::{Path, PathBuf};

use anyhow::Context;
use kolokol_core::config::Config;
use kolokol_import::{Entry, Options, Origin, ReadError};
use tokio::sync::mpsc;

/// What `kolokol import` was told.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The export file.
    pub file: PathBuf,
    /// Print the report without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// A copy of the old site's uploads folder (WordPress's wp-content/uploads,
    /// Ghost's content/images), read before anything is fetched.
    #[arg(long)]
    pub media: Option<PathBuf>,
    /// Do not fetch pictures from the old site; those not in --media stay links.
    #[arg(long)]
    pub no_fetch: bool,
    /// Put posts of a category (Ghost: of a primary tag) in a section:
    /// CATEGORY=SECTION, by their slugs; repeatable. Otherwise each post goes to
    /// the section named like its first category, made when missing.
    #[arg(long, value_name = "CATEGORY=SECTION")]
    pub section: Vec<String>,
    /// The language the archive is written in (default: the site's main language).
    #[arg(long)]
    pub language: Option<String>,
    #[arg(long, short)]
    pub config: Option<PathBuf>,
}

pub(crate) async fn import_content(
    config: &Config,
    origin: Origin,
    args: &ImportArgs,
) -> anyhow::Result<()> {
    let sections = args
        .section
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                Ok((from.trim().to_owned(), to.trim().to_owned()))
            }
            _ => anyhow::bail!("--section {pair:?}: write it as CATEGORY=SECTION"),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let languages: Vec<String> = std::iter::once(config.site.language.clone())
        .chain(config.site.other_languages().map(str::to_owned))
        .collect();
    let language = args
        .language
        .clone()
        .unwrap_or_else(|| config.site.language.clone());
    if !languages.contains(&language) {
        anyhow::bail!(
            "--language {language}: the site is written in {}",
            languages.join(", ")
        );
    }
    if let Some(media) = &args.media
        && !media.is_dir()
    {
        anyhow::bail!("--media {}: there is no such folder", media.display());
    }
    let store = crate::open_store(config).await?;
    let file = args.file.clone();
    // The whole file is read and checked before anything is written.
    let (head, total, entries) = tokio::task::spawn_blocking(move || read(origin, &file))
        .await
        .context("reading the export stopped")??;
    let options = Options {
        dry_run: args.dry_run,
        media: args.media.clone(),
        fetch: !args.no_fetch,
        sections,
        language,
        languages,
        media_dir: config.media_dir(),
    };
    std::fs::create_dir_all(&options.media_dir)
        .with_context(|| format!("cannot create {}", options.media_dir.display()))?;
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} posts and pages {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let (send, mut receive) = mpsc::channel(16);
    let file = args.file.clone();
    let progress = bar.clone();
    let reading = tokio::task::spawn_blocking(move || {
        let mut take = |entry: Entry| {
            progress.inc(1);
            send.blocking_send(entry).is_ok()
        };
        match entries {
            Source::Ghost(entries) => {
                for entry in entries {
                    if !take(entry) {
                        break;
                    }
                }
                Ok(())
            }
            Source::WordPress(wxr) => kolokol_import::wordpress::entries(&file, &wxr, &mut take),
        }
    });
    let report =
        kolokol_import::apply(&store, &head, &mut receive, &options, chrono::Utc::now()).await;
    drop(receive);
    let read = reading.await.context("reading the export stopped")?;
    bar.finish_and_clear();
    print!("{}", report.render(args.dry_run));
    if let Err(e) = read {
        anyhow::bail!("the export could not be read to its end: {e}");
    }
    if report.stopped.is_some() {
        anyhow::bail!("the import stopped before the end");
    }
    if args.dry_run {
        println!("Nothing was written (--dry-run).");
    }
    Ok(())
}

enum Source {
    WordPress(kolokol_import::wordpress::Wxr),
    Ghost(Vec<Entry>),
}

fn read(origin: Origin, file: &Path) -> Result<(kolokol_import::Head, usize, Source), ReadError> {
    match origin {
        Origin::WordPress => {
            let wxr = kolokol_import::wordpress::head(file)?;
            Ok((wxr.head.clone(), wxr.items, Source::WordPress(wxr)))
        }
        Origin::Ghost => {
            let (head, entries) = kolokol_import::ghost::read(file)?;
            Ok((head, entries.len(), Source::Ghost(entries)))
        }
    }
}

//! `kolokol import wordpress|ghost FILE`: an archive from another platform, with a
//! report of everything skipped or changed and why.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use kolokol_core::config::Config;
use kolokol_import::{Options, Origin, Progress};

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
    let options = Options {
        dry_run: args.dry_run,
        media: args.media.clone(),
        fetch: !args.no_fetch,
        sections,
        language,
        languages,
        media_store: crate::media_store(config).await?,
        by: None,
    };
    let progress = Arc::new(Progress::default());
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} posts and pages {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let ticking = {
        let (bar, progress) = (bar.clone(), Arc::clone(&progress));
        tokio::spawn(async move {
            loop {
                bar.set_length(progress.total.load(Ordering::Relaxed) as u64);
                bar.set_position(progress.read.load(Ordering::Relaxed) as u64);
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        })
    };
    let done = kolokol_import::run(
        &store,
        origin,
        args.file.clone(),
        &options,
        progress,
        chrono::Utc::now(),
    )
    .await;
    ticking.abort();
    bar.finish_and_clear();
    let report = done?;
    print!("{}", report.render(args.dry_run));
    if report.stopped.is_some() {
        anyhow::bail!("the import stopped before the end");
    }
    if args.dry_run {
        println!("Nothing was written (--dry-run).");
    }
    Ok(())
}

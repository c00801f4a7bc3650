//! The static mirror: `kolokol export-site` writes the whole public site as files
//! whose links are relative, so the folder works unchanged under any domain or path
//! and from `file://`. Pages come from the running application itself (its own answer
//! for each address, in process, through the [`Site`] trait, and the same page
//! functions of `kolokol_render::pages` for articles and lists), so the mirror is
//! exactly what the site serves. The export knows the site only through [`Site`]. A file is
//! written only when its bytes changed, so a second run after one edit rewrites only
//! what that edit touched.

mod files;
pub mod ghost;

pub use files::{page_for_mirror, page_for_mirror_in, write_archive};

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use futures_util::StreamExt;
use kolokol_core::{ArticleFilter, PageNumber, PageRequest, Paginated, SiteConfig};
use kolokol_render::pages::{ListSpec, RELATED};
use kolokol_render::views::Versions;
use kolokol_render::{Theme, links, urls};
use kolokol_store::DynStore;

/// The running site as the export sees it: its data, its look, its settings, and its
/// own answer for any address. The server's state is one (`kolokol_web::mirror`).
pub trait Site: Clone + Send + Sync + 'static {
    fn store(&self) -> &DynStore;
    fn theme(&self) -> &Theme;
    /// The settings in force (the configuration with the newsroom's changes).
    fn config(&self) -> Arc<SiteConfig>;
    /// Where the site's pictures are kept.
    fn media(&self) -> &kolokol_media::MediaStore;
    /// Turns the site's page cache on or off (an export passes once; a cache would
    /// only grow).
    fn set_caching(&self, on: bool);
    /// The languages the site is read in, the main one first.
    fn languages(&self) -> Vec<String>;
    /// The site as the readers of `language` see it: its edition.
    fn in_language(&self, language: &str) -> Self;
    /// Where this edition lives: `/en`, or empty for the main language's.
    fn prefix(&self) -> String;
    /// The sections, named in this edition's language.
    fn sections(&self) -> impl Future<Output = Result<Vec<kolokol_core::Section>, String>> + Send;
    /// Articles with their sections and authors named in this edition's language.
    fn localize(
        &self,
        summaries: Vec<kolokol_core::ArticleSummary>,
    ) -> impl Future<Output = Result<Vec<kolokol_core::ArticleSummary>, String>> + Send;
    /// A page's versions in the site's languages (see `kolokol_web::site::versions`):
    /// `path` is without the prefix, `found` each language it exists in.
    fn versions(&self, path: &str, found: &[(String, String)]) -> Versions;
    /// The versions of page `page` of the list at `path`.
    fn list_versions(&self, path: &str, page: u32) -> Versions;
    /// Every list with pages of its own in this edition: the archive, then every
    /// section, tag and author.
    fn lists(&self) -> impl Future<Output = Result<Vec<ListSpec>, String>> + Send;
    /// The site's answer for `path`, as a browser would get it: status and body.
    fn answer(&self, path: &str) -> impl Future<Output = Result<(u16, Vec<u8>), String>> + Send;
}

/// How many pages are rendered at once.
const RENDER_CONCURRENCY: usize = 8;

/// Why the export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read the site: {0}")]
    Site(String),
    #[error("{path} answered {status}")]
    Page { path: String, status: u16 },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What an export did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Files in the export.
    pub files: usize,
    /// Files written because they were new or changed.
    pub written: usize,
    /// Bytes in the export.
    pub bytes: u64,
}

/// Every public address of one edition of the site (without its prefix), pages
/// first; the files crawlers and mirrors read, and the theme's assets, only in the
/// main language's.
pub async fn site_paths(state: &impl Site) -> Result<Vec<String>, ExportError> {
    let store = state.store();
    let site_error = |e: kolokol_store::StoreError| ExportError::Site(e.to_string());
    let now = Utc::now();
    let main = state.prefix().is_empty();
    let language = state.config().language.clone();
    let in_language = ArticleFilter {
        language: Some(language.clone()),
        ..Default::default()
    };
    let mut paths: Vec<String> = [
        "/",
        "/support",
        "/privacy",
        "/newsletter",
        // The form alone: a static copy cannot search, but its menu links here.
        "/search",
        "/lite/search",
        "/mirrors",
        "/mirrors.json",
        "/feed.xml",
        "/atom.xml",
        "/feed.json",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    if main {
        paths.extend(["/sitemap.xml", "/news-sitemap.xml", "/robots.txt"].map(str::to_owned));
    }
    paths.extend(
        store
            .archive()
            .await
            .map_err(site_error)?
            .into_iter()
            .filter(|issue| issue.language == language)
            .filter_map(|issue| issue.number)
            .map(|n| format!("/newsletter/{n}")),
    );
    // Standing pages (About, policies) that are on the site.
    paths.extend(
        store
            .page_records()
            .await
            .map_err(site_error)?
            .into_iter()
            .filter(|page| page.published && page.draft.language == language)
            .map(|page| urls::page(page.draft.slug.as_str())),
    );
    let per_page = state.config().articles_per_page;
    let list = |base: String, filter: ArticleFilter, feeds: bool| {
        let base_for_feeds = base.clone();
        async move {
            let first = store
                .published_articles(&filter, PageRequest::new(PageNumber::FIRST, per_page), now)
                .await?;
            let mut out = vec![base.clone()];
            out.extend((2..=first.total_pages).map(|n| urls::paged(&base, n)));
            if feeds {
                out.extend(
                    ["feed.xml", "atom.xml", "feed.json"].map(|f| format!("{base_for_feeds}/{f}")),
                );
            }
            Ok::<_, kolokol_store::StoreError>(out)
        }
    };
    paths.extend(
        list("/archive".into(), in_language.clone(), false)
            .await
            .map_err(site_error)?,
    );
    for section in store.sections().await.map_err(site_error)? {
        let filter = ArticleFilter {
            section_id: Some(section.id),
            ..in_language.clone()
        };
        paths.extend(
            list(urls::section(section.slug.as_str()), filter, true)
                .await
                .map_err(site_error)?,
        );
    }
    for tag in store.tags().await.map_err(site_error)? {
        let filter = ArticleFilter {
            tag_id: Some(tag.id),
            ..in_language.clone()
        };
        paths.extend(
            list(urls::tag(tag.slug.as_str()), filter, true)
                .await
                .map_err(site_error)?,
        );
    }
    for author in store.authors().await.map_err(site_error)? {
        let filter = ArticleFilter {
            author_id: Some(author.id),
            ..in_language.clone()
        };
        paths.extend(
            list(urls::author(author.slug.as_str()), filter, true)
                .await
                .map_err(site_error)?,
        );
    }
    let lite = store
        .published_articles(&in_language, PageRequest::new(PageNumber::FIRST, 30), now)
        .await
        .map_err(site_error)?;
    paths.push("/lite".into());
    paths.extend((2..=lite.total_pages).map(|n| urls::paged("/lite", n)));
    for entry in store.sitemap_entries(now).await.map_err(site_error)? {
        if entry.language == language {
            paths.push(urls::article(entry.slug.as_str()));
            paths.push(format!("/lite{}", urls::article(entry.slug.as_str())));
        }
    }
    if main {
        for (name, _) in kolokol_render::Theme::default_files() {
            if let Some(asset) = name.strip_prefix("assets/") {
                paths.push(format!("/assets/{asset}"));
            }
        }
    }
    Ok(paths)
}

/// Articles read and rendered together.
const BATCH: u32 = 128;

/// Writes the whole public site into `out`; `progress(done, total)` is called as it goes.
///
/// Article pages (full and text-only, two thirds of a site's files) take a bulk path:
/// whole articles are read a batch at a time in a few queries, "related" comes from an
/// in-memory index built by the same rule as the site's query, each article's Markdown
/// is rendered once for both editions, and the pages are rendered by the same functions
/// the site's handlers use and written on blocking threads. Everything else is asked
/// of the application's router. The page cache is switched off: an export passes once.
pub async fn export_site(
    state: &impl Site,
    out: &Path,
    mut progress: impl FnMut(usize, usize),
) -> Result<ExportReport, ExportError> {
    state.set_caching(false);
    let result = export_all(state, out, &mut progress).await;
    state.set_caching(true);
    result
}

async fn export_all<S: Site>(
    state: &S,
    out: &Path,
    progress: &mut impl FnMut(usize, usize),
) -> Result<ExportReport, ExportError> {
    // Each language's edition, the main one (at the root) first.
    let editions: Vec<S> = state
        .languages()
        .iter()
        .map(|language| state.in_language(language))
        .collect();
    let mut edition_paths = Vec::with_capacity(editions.len());
    for edition in &editions {
        edition_paths.push(site_paths(edition).await?);
    }
    let media = state
        .media()
        .list()
        .await
        .map_err(|e| ExportError::Site(e.to_string()))?;
    let mut run = Run {
        out: Arc::from(out),
        onion: Arc::from(state.config().onion.as_str()),
        now: Utc::now(),
        report: ExportReport::default(),
        done: 0,
        total: edition_paths.iter().map(Vec::len).sum::<usize>() + media.len() + 1,
        groups: Arc::new(HashMap::new()),
        media_sizes: media.iter().map(|f| (f.path.clone(), f.size)).collect(),
    };
    // Translations of each article, by their group, for the pages' alternates.
    let site_error = |e: kolokol_store::StoreError| ExportError::Site(e.to_string());
    let mut groups: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for entry in state
        .store()
        .sitemap_entries(run.now)
        .await
        .map_err(site_error)?
    {
        if let Some(group) = entry.translation_group {
            groups
                .entry(group)
                .or_default()
                .push((entry.language, urls::article(entry.slug.as_str())));
        }
    }
    run.groups = Arc::new(groups);
    for (edition, paths) in editions.iter().zip(&edition_paths) {
        export_edition(edition, paths, &mut run, progress).await?;
    }

    // The page for addresses that do not exist, for hosts that serve a 404 page.
    let missing = fetch(state, "/this-page-does-not-exist", 404).await?;
    write_if_changed(
        &run.out,
        "404.html",
        &page_for_mirror(&missing, "404.html", "/404", &run.onion),
        &mut run.report,
    )?;
    run.step(progress, 1);
    for listed in media.iter() {
        let relative = &listed.path;
        let read = state.media().read(relative).await;
        let Some(bytes) = read.map_err(|e| ExportError::Site(e.to_string()))? else {
            // Removed since it was listed.
            continue;
        };
        write_if_changed(
            &run.out,
            &format!("media/{relative}"),
            &bytes,
            &mut run.report,
        )?;
        run.step(progress, 1);
    }
    Ok(run.report)
}

/// What an export is writing, and how far it has come.
struct Run {
    out: Arc<Path>,
    onion: Arc<str>,
    now: chrono::DateTime<Utc>,
    report: ExportReport,
    done: usize,
    total: usize,
    /// Published articles by translation group: (language, address).
    groups: Arc<HashMap<i64, Vec<(String, String)>>>,
    /// Every media file's size, by path.
    media_sizes: HashMap<String, u64>,
}

impl Run {
    fn step(&mut self, progress: &mut impl FnMut(usize, usize), files: usize) {
        for _ in 0..files {
            self.done += 1;
            progress(self.done, self.total);
        }
    }
}

/// Writes one language's edition: its pages through the router, its lists and
/// its articles in bulk, all under its prefix.
async fn export_edition<S: Site>(
    state: &S,
    paths: &[String],
    run: &mut Run,
    progress: &mut impl FnMut(usize, usize),
) -> Result<(), ExportError> {
    let prefix: Arc<str> = Arc::from(state.prefix().as_str());
    let language = state.config().language.clone();
    let now = run.now;
    // Lists (archive, sections, tags, authors) in one pass each.
    let lists = state.lists().await.map_err(ExportError::Site)?;
    let list_pages: std::collections::HashSet<String> = paths
        .iter()
        .filter(|p| {
            let base = p.split('?').next().unwrap_or(p);
            lists.iter().any(|l| l.path == base)
        })
        .cloned()
        .collect();
    let routed: Vec<&String> = paths
        .iter()
        .filter(|p| {
            !p.starts_with("/articles/")
                && !p.starts_with("/lite/articles/")
                && !list_pages.contains(*p)
        })
        .collect();

    // Everything but articles, through the router, a few at a time; each page is
    // made relative and written on a blocking thread.
    let (run_onion, run_out) = (Arc::clone(&run.onion), Arc::clone(&run.out));
    let mut rendered = futures_util::stream::iter(routed.iter())
        .map(|path| {
            let state = state.clone();
            let onion = Arc::clone(&run_onion);
            let out = Arc::clone(&run_out);
            let prefix = Arc::clone(&prefix);
            let whole = format!("{prefix}{path}");
            async move {
                let bytes = fetch(&state, &whole, 200).await?;
                blocking(move || {
                    let mut report = ExportReport::default();
                    let file = links::file_for(&whole);
                    let bytes = if file.ends_with(".html") {
                        page_for_mirror_in(&bytes, &file, &whole, &onion, &prefix)
                    } else {
                        bytes
                    };
                    write_if_changed(&out, &file, &bytes, &mut report)?;
                    Ok(report)
                })
                .await
            }
        })
        .buffered(RENDER_CONCURRENCY);
    while let Some(result) = rendered.next().await {
        run.report.add(result?);
        run.step(progress, 1);
    }
    drop(rendered);

    let store = state.store();
    let site_error = |e: kolokol_store::StoreError| ExportError::Site(e.to_string());
    let sections = Arc::new(state.sections().await.map_err(ExportError::Site)?);

    // Lists: every page of each, from one walk down the list.
    let per_page = state.config().articles_per_page;
    for spec in lists {
        let first = store
            .published_articles(
                &spec.filter,
                PageRequest::new(PageNumber::FIRST, per_page),
                now,
            )
            .await
            .map_err(site_error)?;
        let total_items = first.total;
        let mut after = None;
        let mut buffer: Vec<kolokol_core::ArticleSummary> = Vec::new();
        let mut number = 1_u32;
        let spec = Arc::new(spec);
        loop {
            let run_of = store
                .published_articles_after(&spec.filter, after, per_page * 25, now)
                .await
                .map_err(site_error)?;
            let finished = (run_of.len() as u64) < u64::from(per_page * 25);
            if let Some(last) = run_of.last() {
                after = Some((last.published_at, last.id));
            }
            buffer.extend(state.localize(run_of).await.map_err(ExportError::Site)?);
            let mut pages = Vec::new();
            while buffer.len() >= per_page as usize
                || (finished && (!buffer.is_empty() || number == 1))
            {
                let take = buffer.len().min(per_page as usize);
                let items: Vec<_> = buffer.drain(..take).collect();
                let page = PageNumber::parse(&number.to_string())
                    .map_err(|e| ExportError::Site(e.to_string()))?;
                pages.push((
                    page,
                    Paginated::new(items, PageRequest::new(page, per_page), total_items),
                ));
                number += 1;
                if finished && buffer.is_empty() {
                    break;
                }
            }
            let job = ListPages {
                state: state.clone(),
                spec: Arc::clone(&spec),
                pages,
                sections: Arc::clone(&sections),
                out: Arc::clone(&run.out),
                onion: Arc::clone(&run.onion),
                prefix: Arc::clone(&prefix),
            };
            let (files, batch_report) = blocking(move || job.write()).await?;
            run.report.add(batch_report);
            run.step(progress, files);
            if finished {
                break;
            }
        }
    }

    // Articles in bulk: this edition's own.
    let index = store.related_index(now).await.map_err(site_error)?;
    let mut after = None;
    let mut writing = std::collections::VecDeque::new();
    loop {
        let batch = store
            .published_articles_whole(after, BATCH, now)
            .await
            .map_err(site_error)?;
        let Some(last) = batch.last() else { break };
        after = Some((last.summary.published_at, last.summary.id));
        let mut batch: Vec<kolokol_core::Article> = batch
            .into_iter()
            .filter(|a| a.summary.language == language)
            .collect();
        let own = state
            .localize(batch.iter().map(|a| a.summary.clone()).collect())
            .await
            .map_err(ExportError::Site)?;
        for (article, summary) in batch.iter_mut().zip(own) {
            article.summary = summary;
        }
        let related: Vec<Vec<i64>> = batch
            .iter()
            .map(|a| index.related(a.summary.id.0, RELATED as usize))
            .collect();
        let mut wanted: Vec<kolokol_core::ArticleId> = related
            .iter()
            .flatten()
            .map(|id| kolokol_core::ArticleId(*id))
            .collect();
        wanted.sort_unstable_by_key(|id| id.0);
        wanted.dedup();
        let found = store
            .published_summaries(&wanted, now)
            .await
            .map_err(site_error)?;
        let summaries: HashMap<i64, kolokol_core::ArticleSummary> = state
            .localize(found)
            .await
            .map_err(ExportError::Site)?
            .into_iter()
            .map(|s| (s.id.0, s))
            .collect();
        // The text-only pages name their picture's weight, from the store's listing
        // (one request for a bucket, not one per article).
        let picture_bytes = batch
            .iter()
            .map(|article| {
                kolokol_render::pages::lite_picture(article)
                    .and_then(|picture| run.media_sizes.get(&picture.path).copied())
                    .unwrap_or(0)
            })
            .collect();
        let job = ArticleBatch {
            state: state.clone(),
            articles: batch,
            picture_bytes,
            related: related
                .into_iter()
                .map(|ids| {
                    ids.iter()
                        .filter_map(|id| summaries.get(id).cloned())
                        .collect()
                })
                .collect(),
            sections: Arc::clone(&sections),
            out: Arc::clone(&run.out),
            onion: Arc::clone(&run.onion),
            prefix: Arc::clone(&prefix),
            groups: Arc::clone(&run.groups),
        };
        writing.push_back(tokio::task::spawn_blocking(move || job.write()));
        // Two batches render while the next one is read.
        while writing.len() > 2 {
            if let Some(handle) = writing.pop_front() {
                let (files, batch_report) = joined(handle).await?;
                run.report.add(batch_report);
                run.step(progress, files);
            }
        }
    }
    while let Some(handle) = writing.pop_front() {
        let (files, batch_report) = joined(handle).await?;
        run.report.add(batch_report);
        run.step(progress, files);
    }
    Ok(())
}

/// Runs file work on a blocking thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ExportError> + Send + 'static,
) -> Result<T, ExportError> {
    joined(tokio::task::spawn_blocking(work)).await
}

async fn joined<T>(
    handle: tokio::task::JoinHandle<Result<T, ExportError>>,
) -> Result<T, ExportError> {
    handle
        .await
        .map_err(|e| ExportError::Site(format!("an export thread failed: {e}")))?
}

/// A batch of articles to render and write, both editions.
struct ArticleBatch<S> {
    state: S,
    articles: Vec<kolokol_core::Article>,
    /// The size of each article's [`kolokol_render::pages::lite_picture`].
    picture_bytes: Vec<u64>,
    related: Vec<Vec<kolokol_core::ArticleSummary>>,
    sections: Arc<Vec<kolokol_core::Section>>,
    out: Arc<Path>,
    onion: Arc<str>,
    prefix: Arc<str>,
    groups: Arc<HashMap<i64, Vec<(String, String)>>>,
}

impl<S: Site> ArticleBatch<S> {
    /// Renders and writes; returns the number of files and what was written.
    fn write(mut self) -> Result<(usize, ExportReport), ExportError> {
        let mut report = ExportReport::default();
        let mut files = 0;
        let page_error = |e: kolokol_render::ThemeError| ExportError::Site(e.to_string());
        let config = self.state.config();
        let theme = self.state.theme();
        let related = self.related.iter().zip(&self.picture_bytes);
        for (article, (related, &picture_bytes)) in self.articles.iter_mut().zip(related) {
            article
                .tags
                .iter_mut()
                .for_each(|t| t.localize(&config.language));
            let article = &*article;
            let view = kolokol_render::views::ArticleView::new(article);
            let full = urls::article(article.summary.slug.as_str());
            let lite = format!("/lite{full}");
            let found = article
                .summary
                .translation_group
                .and_then(|group| self.groups.get(&group))
                .cloned()
                .unwrap_or_else(|| vec![(article.summary.language.clone(), full.clone())]);
            let versions = self.state.versions(&full, &found);
            let pages = [
                (
                    &full,
                    kolokol_render::pages::article_page(
                        theme,
                        &config,
                        article,
                        &view,
                        related,
                        &self.sections,
                        versions,
                    )
                    .map_err(page_error)?,
                ),
                (
                    &lite,
                    kolokol_render::pages::lite_article_page(
                        theme,
                        &config,
                        picture_bytes,
                        article,
                        &view,
                    )
                    .map_err(page_error)?,
                ),
            ];
            for (path, html) in pages {
                write_page(
                    &html,
                    path,
                    &self.prefix,
                    &self.out,
                    &self.onion,
                    &mut report,
                )?;
                files += 1;
            }
        }
        Ok((files, report))
    }
}

/// Pages of one list to render and write.
struct ListPages<S> {
    state: S,
    spec: Arc<ListSpec>,
    pages: Vec<(PageNumber, Paginated<kolokol_core::ArticleSummary>)>,
    sections: Arc<Vec<kolokol_core::Section>>,
    out: Arc<Path>,
    onion: Arc<str>,
    prefix: Arc<str>,
}

impl<S: Site> ListPages<S> {
    fn write(self) -> Result<(usize, ExportReport), ExportError> {
        let mut report = ExportReport::default();
        for (page, list) in &self.pages {
            let path = urls::paged(&self.spec.path, page.get());
            let html = kolokol_render::pages::list_page(
                self.state.theme(),
                &self.state.config(),
                &self.spec,
                *page,
                list,
                &self.sections,
                self.state.list_versions(&self.spec.path, page.get()),
            )
            .map_err(|e| ExportError::Site(e.to_string()))?;
            write_page(
                &html,
                &path,
                &self.prefix,
                &self.out,
                &self.onion,
                &mut report,
            )?;
        }
        Ok((self.pages.len(), report))
    }
}

/// A rendered page (root-relative links) made exactly what the site serves, then
/// relative to its file, and written.
/// `path` is the page's address within the edition under `prefix`.
fn write_page(
    html: &str,
    path: &str,
    prefix: &str,
    out: &Path,
    onion: &str,
    report: &mut ExportReport,
) -> Result<(), ExportError> {
    let served = links::relativize_for_page(html, path);
    let whole = format!("{prefix}{path}");
    let file = links::file_for(&whole);
    let bytes = page_for_mirror_in(served.as_bytes(), &file, &whole, onion, prefix);
    write_if_changed(out, &file, &bytes, report)
}

impl ExportReport {
    fn add(&mut self, other: ExportReport) {
        self.files += other.files;
        self.written += other.written;
        self.bytes += other.bytes;
    }
}

/// The site's answer for `path`, which must have the status `expected`.
async fn fetch(state: &impl Site, path: &str, expected: u16) -> Result<Vec<u8>, ExportError> {
    let (status, body) = state.answer(path).await.map_err(ExportError::Site)?;
    if status != expected {
        return Err(ExportError::Page {
            path: path.to_owned(),
            status,
        });
    }
    Ok(body)
}

/// Writes `bytes` to `out/relative` unless the file already holds exactly them; a
/// file that changes is replaced through a temporary file and a rename, so a reader
/// of a live mirror never sees half a page.
fn write_if_changed(
    out: &Path,
    relative: &str,
    bytes: &[u8],
    report: &mut ExportReport,
) -> Result<(), ExportError> {
    let target = out.join(relative);
    report.files += 1;
    report.bytes += bytes.len() as u64;
    let existing = std::fs::read(&target).ok();
    if existing.as_deref() == Some(bytes) {
        return Ok(());
    }
    let error = |source| ExportError::Write {
        path: target.display().to_string(),
        source,
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    if existing.is_none() {
        // Nothing to replace: nobody can be reading an older version of this file.
        std::fs::write(&target, bytes).map_err(error)?;
        report.written += 1;
        return Ok(());
    }
    // The whole name plus `.partial`: `admin.css` and `admin.js` written at the same
    // time must not share a temporary file.
    let mut partial_name = target.file_name().unwrap_or_default().to_os_string();
    partial_name.push(".partial");
    let partial = target.with_file_name(partial_name);
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, &target))
        .map_err(error)?;
    report.written += 1;
    Ok(())
}

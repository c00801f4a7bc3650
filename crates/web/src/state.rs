//! What every handler shares: the store, the theme, the site's configuration and the
//! page cache, and the watcher that keeps the cache in step with the content.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use axum::response::Response;
use kolokol_core::SiteConfig;
use kolokol_render::Theme;
use kolokol_store::DynStore;
use parking_lot::RwLock;

use crate::cache::{CachedPage, PageCache};
use crate::error::AppError;

/// Shared, cheaply cloned application state, as one edition of the reading site
/// sees it: the main language's (unprefixed) or another language's (`/en/…`).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    edition: Option<Arc<Edition>>,
}

/// A language's edition of the reading site, under its prefix.
#[derive(Debug)]
pub struct Edition {
    pub language: String,
    /// `/en`: where its pages live.
    pub prefix: String,
}

/// The site as each language's readers see it.
struct Sites {
    /// Every setting, every standing page: what the newsroom works with.
    all: Arc<SiteConfig>,
    /// Per language (the main one included): [`SiteConfig::edition`], with the
    /// theme's defaults for texts left empty.
    editions: std::collections::HashMap<String, Arc<SiteConfig>>,
}

impl Sites {
    fn new(all: SiteConfig, catalogues: &kolokol_render::i18n::Catalogues) -> Self {
        let editions = all
            .languages
            .iter()
            .chain(std::iter::once(&all.language))
            .map(|language| {
                let mut edition = all.edition(language);
                kolokol_render::i18n::fill_defaults(&mut edition, catalogues);
                (language.clone(), Arc::new(edition))
            })
            .collect();
        Self {
            all: Arc::new(all),
            editions,
        }
    }
}

/// Sections and authors of one content version, in their stored languages.
pub(crate) struct StoredNames {
    pub(crate) sections: Vec<kolokol_core::Section>,
    pub(crate) authors: Vec<kolokol_core::Author>,
}

/// A value read from the database and kept for one content version (see
/// [`AppState::kept_for_version`]).
pub(crate) struct PerVersion<T>(RwLock<Option<(i64, Arc<T>)>>);

impl<T> PerVersion<T> {
    /// The value kept for `version`, without reading it.
    pub(crate) fn kept(&self, version: i64) -> Option<Arc<T>> {
        match self.0.read().as_ref() {
            Some((kept, value)) if *kept == version => Some(Arc::clone(value)),
            _ => None,
        }
    }
}

impl<T> Default for PerVersion<T> {
    fn default() -> Self {
        Self(RwLock::new(None))
    }
}

/// Values read from the database for one content version, by key (lists' page
/// marks, the candidates of related articles): at most `capacity` are kept, more
/// empty the set and start again; a value read for a version that has moved on
/// since is used once and not kept.
pub(crate) struct PerVersionMap<K, V> {
    capacity: usize,
    kept: parking_lot::Mutex<(i64, std::collections::HashMap<K, V>)>,
}

impl<K: std::hash::Hash + Eq, V: Clone> PerVersionMap<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            kept: parking_lot::Mutex::default(),
        }
    }

    /// The value kept for `key` if it was read for `version`.
    pub(crate) fn get(&self, version: i64, key: &K) -> Option<V> {
        let kept = self.kept.lock();
        (kept.0 == version)
            .then(|| kept.1.get(key).cloned())
            .flatten()
    }

    /// Keeps `value`, read for `read_for`, if that is still `current`.
    pub(crate) fn keep(&self, read_for: i64, current: i64, key: K, value: V) {
        if read_for != current {
            return;
        }
        let mut kept = self.kept.lock();
        if kept.0 != read_for || kept.1.len() >= self.capacity {
            kept.1.clear();
            kept.0 = read_for;
        }
        kept.1.insert(key, value);
    }

    /// Every value kept, whatever version it was read for.
    pub(crate) fn values(&self) -> Vec<V> {
        self.kept.lock().1.values().cloned().collect()
    }
}

pub struct Inner {
    pub store: DynStore,
    pub theme: Theme,
    /// The `[site]` section of the configuration file, before the admin's settings.
    base_site: SiteConfig,
    /// What the site runs with: `base_site` with the saved settings laid over it.
    sites: RwLock<Sites>,
    /// The data folder's `media`: whose disk's free space is watched.
    pub media_dir: PathBuf,
    /// Where pictures are kept: that folder, or a bucket every node shares.
    pub media: kolokol_media::MediaStore,
    /// Free bytes on the media folder's disk below which the node is not ready.
    pub min_free_disk: u64,
    pub cache: PageCache,
    pub gate: crate::gate::RenderGate,
    /// The sections and authors as stored, read once per content version: every
    /// page names them (the menu, bylines in another edition).
    names: PerVersion<StoredNames>,
    /// Where the sitemap's files cut the site's URLs.
    pub(crate) sitemap: PerVersion<crate::site::crawl::Layout>,
    /// The tags as stored, for the search form's choices (only that page reads
    /// them, so they are not kept with the names every page reads).
    pub(crate) search_tags: PerVersion<Vec<kolokol_core::Tag>>,
    /// How many articles each tag lists per language, read ahead with the lists'
    /// marks: a tag's pages then skip counting the list.
    pub(crate) tag_totals: PerVersion<crate::lists::TagTotals>,
    /// Where the pages of the lists asked for deep end, for one content version.
    pub(crate) marks: crate::lists::ListMarks,
    /// The candidates of "related articles" per section and tag, for one content
    /// version.
    pub(crate) related: crate::related::KeptCandidates,
    /// The summaries "Read more" shows, by article, each with the content version
    /// it was read for.
    pub(crate) summaries: crate::related::KeptSummaries,
    pub(crate) metrics: crate::metrics::Metrics,
    pub(crate) metrics_token: String,
    /// None when no mail server is configured.
    pub mailer: Option<kolokol_mail::DynMailer>,
    pub newsletter: crate::services::NewsletterState,
    /// Whether webhooks may go to private addresses (`[server]`).
    pub webhooks_to_private: bool,
    /// This node's runner of background and due work.
    pub(crate) jobs: crate::services::JobRunner,
    /// How the newsroom takes money, and the banner meter's short-lived copy.
    pub(crate) revenue: crate::services::RevenueState,
    /// Off for one-pass work like the static export, where a cache would only grow.
    caching: std::sync::atomic::AtomicBool,
    /// Image uploads decoded at once: each may take a few hundred MB while it is
    /// resized, so they wait their turn rather than run side by side.
    pub uploads: tokio::sync::Semaphore,
    /// Readers' mail sent after answering (see [`crate::outbox`]).
    pub outbox: Arc<crate::outbox::Outbox>,
    /// Codes for counting readers' network addresses (see [`crate::addresses`]).
    addresses: crate::addresses::AddressCounter,
    /// This node's search index of the published archive.
    pub search: Arc<kolokol_search::SearchIndex>,
    /// Wakes the search worker after a content change.
    search_wake: tokio::sync::Notify,
    /// The content version the search index was last brought in step with
    /// (`i64::MIN` before its first pass).
    search_synced: std::sync::atomic::AtomicI64,
    /// Searches per reader address, kept in memory only.
    pub(crate) search_limiter: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
    /// Answers to recent searches.
    pub(crate) search_answers: crate::site::search::Answers,
    /// Searches running at once (the engine is all CPU): a few per core.
    pub search_gate: crate::gate::RenderGate,
}

/// `base` with the settings saved in the admin laid over it,
/// and the standing pages' links.
async fn effective_site(
    store: &DynStore,
    base: &SiteConfig,
    catalogues: &kolokol_render::i18n::Catalogues,
) -> Result<Sites, AppError> {
    let mut site = match store.site_settings().await? {
        Some(json) => {
            let settings: kolokol_core::SiteSettings = serde_json::from_str(&json)
                .map_err(|e| AppError::Internal(format!("saved settings are unreadable: {e}")))?;
            settings.apply(base)
        }
        None => base.clone(),
    };
    site.pages = store.page_links().await?;
    kolokol_render::i18n::fill_defaults(&mut site, catalogues);
    Ok(Sites::new(site, catalogues))
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

/// Everything the state is assembled from, given once: there are no parts to fill
/// in after it is built.
pub struct AppParts {
    pub store: DynStore,
    pub theme: Theme,
    pub site: SiteConfig,
    pub media_dir: PathBuf,
    /// Where pictures are kept (by default the folder `media_dir`).
    pub media: kolokol_media::MediaStore,
    /// None when no mail server is configured.
    pub mailer: Option<kolokol_mail::DynMailer>,
    /// How the newsroom takes money (none: nothing to pay with).
    pub revenue: crate::services::Revenue,
    /// How newsletters are sent (none: issues can be written but not sent).
    pub newsletter_delivery: Option<crate::services::Delivery>,
    /// Where the search index is kept (none: in memory, built at start).
    pub search_dir: Option<PathBuf>,
    /// The `[server]` section: the limits (searches, renders, page cache, free
    /// disk), who may read `/metrics`, the access log, webhooks to private addresses.
    pub server: kolokol_core::config::ServerConfig,
}

pub(crate) const MEGABYTE: u64 = 1024 * 1024;

impl AppParts {
    /// The parts with no mail, no payments and no newsletter delivery, and
    /// `[server]` at its defaults.
    pub fn new(store: DynStore, theme: Theme, site: SiteConfig, media_dir: PathBuf) -> Self {
        Self {
            store,
            theme,
            site,
            media: kolokol_media::MediaStore::folder(media_dir.clone()),
            media_dir,
            mailer: None,
            revenue: crate::services::Revenue::none(),
            newsletter_delivery: None,
            search_dir: None,
            server: kolokol_core::config::ServerConfig::default(),
        }
    }
}

impl AppState {
    /// Builds the state with a mailer and nothing else optional.
    pub async fn new(
        store: DynStore,
        theme: Theme,
        site: SiteConfig,
        media_dir: PathBuf,
        mailer: Option<kolokol_mail::DynMailer>,
    ) -> Result<Self, AppError> {
        Self::build(AppParts {
            mailer,
            ..AppParts::new(store, theme, site, media_dir)
        })
        .await
    }

    /// Builds the state from all its parts and reads the current content version.
    pub async fn build(parts: AppParts) -> Result<Self, AppError> {
        let AppParts {
            store,
            theme,
            site,
            media_dir,
            media,
            mailer,
            revenue,
            newsletter_delivery,
            search_dir,
            server,
        } = parts;
        let search = kolokol_search::SearchIndex::open(search_dir.as_deref())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let cache = PageCache::new(server.page_cache_mb.saturating_mul(MEGABYTE));
        let gate = crate::gate::RenderGate::new(crate::gate::RenderLimits::from_server(&server));
        let search_gate = crate::gate::RenderGate::new(crate::gate::RenderLimits {
            // Addresses are limited by `search_limiter`.
            per_minute: 0,
            concurrent: crate::site::search::at_once(),
            wait: std::time::Duration::from_millis(server.render_wait_ms),
        });
        let metrics = crate::metrics::Metrics::new(
            crate::metrics::Sources {
                cache: &cache,
                gate: &gate,
                searches: &search_gate,
            },
            server.access_log,
            server.access_log_addresses,
        );
        let current = effective_site(&store, &site, &theme.catalogues()).await?;
        // One secret for every node, made by whichever starts first.
        let secret = kolokol_operations::newsletter::link_secret(&store).await?;
        let newsletter =
            crate::services::NewsletterState::new(&secret, newsletter_delivery, &current.all);
        // Texts from before the site had languages are in its main language.
        store.adopt_language(&current.all.language).await?;
        // Read after the writes above (adopting texts moves the version): the
        // watcher would otherwise see it move a second after start and empty the
        // cache readers had just filled.
        cache.set_version(store.content_version().await?);
        let state = Self {
            edition: None,
            inner: Arc::new(Inner {
                store,
                theme,
                base_site: site,
                sites: RwLock::new(current),
                media_dir,
                media,
                min_free_disk: server.min_free_disk_mb.saturating_mul(MEGABYTE),
                cache,
                metrics,
                metrics_token: server.metrics_token.0,
                gate,
                names: PerVersion::default(),
                sitemap: PerVersion::default(),
                search_tags: PerVersion::default(),
                tag_totals: PerVersion::default(),
                marks: crate::lists::ListMarks::new(crate::lists::MARKED_LISTS),
                related: crate::related::KeptCandidates::new(crate::related::KEPT_LISTS),
                summaries: crate::related::KeptSummaries::new(crate::related::KEPT_SUMMARIES),
                mailer,
                newsletter,
                jobs: crate::services::JobRunner::new(),
                webhooks_to_private: server.webhooks_to_private_addresses,
                revenue: crate::services::RevenueState::new(revenue),
                caching: std::sync::atomic::AtomicBool::new(true),
                uploads: tokio::sync::Semaphore::new(kolokol_media::CONCURRENT_UPLOADS),
                outbox: Arc::default(),
                addresses: crate::addresses::AddressCounter::new(),
                search: Arc::new(search),
                search_wake: tokio::sync::Notify::new(),
                search_synced: std::sync::atomic::AtomicI64::new(i64::MIN),
                search_limiter: governor::RateLimiter::keyed(crate::site::search::quota(
                    server.searches_per_minute,
                )),
                search_answers: crate::site::search::Answers::new(server.search_cache_entries),
                search_gate,
            }),
        };
        let prefixes = state.edition_prefixes().into_iter().map(|(_, p)| p);
        let _ = state.inner.metrics.prefixes.set(prefixes.collect());
        Ok(state)
    }

    /// The state as the edition of `language` under `prefix` (`/en`) sees it.
    pub fn edition(&self, language: &str, prefix: &str) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            edition: Some(Arc::new(Edition {
                language: language.to_owned(),
                prefix: prefix.to_owned(),
            })),
        }
    }

    /// Every language that may have an edition, with its prefix: the site's
    /// languages and the theme's.
    pub fn edition_prefixes(&self) -> Vec<(String, String)> {
        let site = self.site_all();
        let catalogues = self.theme.catalogues();
        let mut languages: Vec<String> = site
            .languages
            .iter()
            .cloned()
            .chain(catalogues.languages().map(str::to_owned))
            .chain(std::iter::once(site.language.clone()))
            .collect();
        languages.sort();
        languages.dedup();
        languages
            .into_iter()
            .map(|l| {
                let prefix = site.edition_prefix(&l);
                (l, prefix)
            })
            .collect()
    }

    /// The state that answers `path`, and the path within its edition: an
    /// edition's own when the path is under the prefix of one the site offers.
    pub fn for_path(&self, path: &str) -> (Self, String) {
        let site = self.site_all();
        for language in site.other_languages() {
            let prefix = site.edition_prefix(language);
            if let Some(rest) = path.strip_prefix(&prefix)
                && (rest.is_empty() || rest.starts_with('/'))
            {
                let rest = if rest.is_empty() { "/" } else { rest };
                return (self.edition(language, &prefix), rest.to_owned());
            }
        }
        (self.clone(), path.to_owned())
    }

    /// The edition this state serves; None for the main language's.
    pub fn current_edition(&self) -> Option<&Edition> {
        self.edition.as_deref()
    }

    /// `/en` in the English edition, empty in the main language's.
    pub fn prefix(&self) -> &str {
        self.edition.as_deref().map_or("", |e| e.prefix.as_str())
    }

    /// Every setting and standing page, whatever the language: for the newsroom.
    pub fn site_all(&self) -> Arc<SiteConfig> {
        Arc::clone(&self.sites.read().all)
    }

    /// The site's languages, the main one first.
    pub fn languages(&self) -> Vec<String> {
        let site = self.site_all();
        std::iter::once(site.language.clone())
            .chain(site.other_languages().map(str::to_owned))
            .collect()
    }

    /// The language readers of this edition read.
    pub fn language(&self) -> String {
        match &self.edition {
            Some(edition) => edition.language.clone(),
            None => self.sites.read().all.language.clone(),
        }
    }

    /// Counts a request for `purpose` (sign-ups, sign-in links, checkouts) from
    /// `address`, and says how many came from it in the last hour, this one
    /// included. The address is kept only as a code whose key never leaves memory
    /// (see [`crate::addresses`]).
    pub async fn count_from_address(
        &self,
        purpose: &str,
        address: std::net::IpAddr,
    ) -> Result<i64, AppError> {
        let now = chrono::Utc::now();
        let code = self.addresses.code(purpose, &address.to_string(), now);
        Ok(kolokol_operations::readers::count_request(&self.store, &code, now).await?)
    }

    /// Sends a reader's mail after the answer (see [`crate::outbox`]).
    pub fn mail_later(&self, mail: kolokol_mail::OutgoingMail, kind: &'static str) {
        self.outbox.send_later(self.mailer.as_ref(), mail, kind);
    }

    /// Turns the page cache on or off (pages are still rendered and answered).
    pub fn set_caching(&self, on: bool) {
        self.caching.store(on, std::sync::atomic::Ordering::Relaxed);
        if !on {
            self.cache.clear();
        }
    }

    /// The site's settings as they are now, as this edition's readers see them.
    pub fn site(&self) -> Arc<SiteConfig> {
        let sites = self.sites.read();
        let language = match &self.edition {
            Some(edition) => edition.language.as_str(),
            None => sites.all.language.as_str(),
        };
        sites
            .editions
            .get(language)
            .map_or_else(|| Arc::clone(&sites.all), Arc::clone)
    }

    /// The site as the readers of `language` see it.
    pub fn site_in(&self, language: &str) -> Arc<SiteConfig> {
        let sites = self.sites.read();
        sites
            .editions
            .get(language)
            .map_or_else(|| Arc::clone(&sites.all), Arc::clone)
    }

    /// The interface's words in this edition's language, for what readers are told.
    pub fn words(&self) -> kolokol_render::i18n::Words {
        self.words_in(&self.language())
    }

    /// The interface's words in `language`.
    pub fn words_in(&self, language: &str) -> kolokol_render::i18n::Words {
        kolokol_render::i18n::Words::new(self.theme.catalogues(), language)
    }

    /// Re-reads the saved settings (after a content version change).
    async fn reload_settings(&self) {
        match effective_site(&self.store, &self.base_site, &self.theme.catalogues()).await {
            Ok(sites) => *self.sites.write() = sites,
            Err(e) => tracing::warn!(error = %e, "cannot read the site settings"),
        }
    }

    /// Answers from the cache, or renders, caches and answers.
    pub async fn page<F, Fut>(
        &self,
        key: String,
        request: &HeaderMap,
        render: F,
    ) -> Result<Response, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedPage, AppError>>,
    {
        // Each edition's pages are its own; links stay relative to the address
        // without the prefix, so they lead on within the edition.
        let path = key.clone();
        let key = if key.starts_with('/') {
            format!("{}{key}", self.prefix())
        } else {
            // Theme assets are the same in every edition.
            key
        };
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit.respond(request));
        }
        let version = self.cache.version();
        let epoch = self.cache.epoch();
        let _slot = self.gate.enter().await.map_err(|refusal| match refusal {
            crate::gate::Refusal::TooMany => AppError::TooManyRenders,
            crate::gate::Refusal::Busy => AppError::Busy,
        })?;
        let mut page = render().await?;
        if page.content_type.starts_with("text/html") && path.starts_with('/') {
            // Links relative to the page's address: the site works under any path prefix.
            // The body was rendered from a `String`: it is UTF-8.
            if let Ok(html) = std::str::from_utf8(&page.identity) {
                let relative = kolokol_render::links::relativize_for_page(html, &path);
                page = page.with_body(relative);
            }
        }
        let page = Arc::new(page.stamped(epoch));
        let response = page.respond(request);
        if self.caching.load(std::sync::atomic::Ordering::Relaxed) {
            self.cache.insert(key, page, version);
        }
        Ok(response)
    }

    /// The sections and authors, read from the database only when the content
    /// version moved since they last were (sections and authors are content: their
    /// changes move it).
    pub(crate) async fn stored_names(&self) -> Result<Arc<StoredNames>, AppError> {
        self.kept_for_version(&self.names, || async {
            Ok(StoredNames {
                sections: self.store.sections().await?,
                authors: self.store.authors().await?,
            })
        })
        .await
    }

    /// What `slot` keeps for the current content version, or `read` of it, then
    /// kept (unless the version moved on during the read: then used once).
    pub(crate) async fn kept_for_version<T, F, Fut>(
        &self,
        slot: &PerVersion<T>,
        read: F,
    ) -> Result<Arc<T>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let version = self.cache.version();
        if let Some(value) = slot.kept(version) {
            return Ok(value);
        }
        let value = Arc::new(read().await?);
        if self.cache.version() == version {
            *slot.0.write() = Some((version, Arc::clone(&value)));
        }
        Ok(value)
    }

    /// Whether the search index holds what the database held at `version`: its
    /// last pass began at that version.
    pub(crate) fn search_holds(&self, version: i64) -> bool {
        self.search_synced
            .load(std::sync::atomic::Ordering::Acquire)
            == version
    }

    /// Moves the cache (and the settings) to the database's content version. Called
    /// after this node changed content, so its own pages follow at once; other nodes
    /// follow within [`crate::REFRESH_INTERVAL`] through the watcher.
    pub async fn content_changed(&self) {
        match self.store.content_version().await {
            Ok(version) if version != self.cache.version() => {
                let lists = self.lists_to_mark();
                self.reload_settings().await;
                self.cache.set_version(version);
                self.search_wake.notify_one();
                self.spawn_marking(lists);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the content version"),
        }
    }

    /// Checks for content changes (from any node) and theme edits.
    pub async fn refresh(&self, theme_fingerprint: &mut u64) {
        self.content_changed().await;
        let fingerprint = self.theme.fingerprint();
        if fingerprint != *theme_fingerprint {
            *theme_fingerprint = fingerprint;
            match self.theme.reload() {
                Ok(()) => tracing::info!("theme changed on disk; templates reloaded"),
                Err(e) => tracing::error!(
                    "theme changed on disk; templates reloaded, catalogues kept as they were: {e}"
                ),
            }
            self.cache.clear();
        }
    }

    /// Keeps the search index in step with the database until the process ends: a
    /// first pass at start (a whole build when the index is empty, answered from
    /// the database meanwhile), then one after every content change, and once a
    /// minute whatever happens (articles come due by the clock alone).
    pub fn spawn_search_worker(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let index = &state.search;
            if !index.is_empty() {
                index.set_ready(true);
            }
            loop {
                let started = std::time::Instant::now();
                // Read first: the pass then holds at least what this version held.
                let version = state.cache.version();
                match kolokol_operations::search::sync(
                    &state.store,
                    index,
                    chrono::Utc::now(),
                    &|_, _| {},
                )
                .await
                {
                    Ok(synced) => {
                        if !index.is_ready() {
                            tracing::info!(
                                articles = synced.indexed,
                                seconds = started.elapsed().as_secs_f32(),
                                "search index built"
                            );
                        }
                        index.set_ready(true);
                        state
                            .search_synced
                            .store(version, std::sync::atomic::Ordering::Release);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot bring the search index up to date")
                    }
                }
                state.search_limiter.retain_recent();
                state.gate.retain_recent();
                let _ = tokio::time::timeout(Duration::from_secs(60), state.search_wake.notified())
                    .await;
            }
        })
    }

    /// Runs [`AppState::refresh`] every `interval` until the process ends.
    pub fn spawn_watcher(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut fingerprint = state.theme.fingerprint();
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                state.refresh(&mut fingerprint).await;
            }
        })
    }
}

//! The page cache: a rendered page is kept with its gzip and brotli forms (made on first
//! demand) and its
//! ETag, so that repeated requests never touch the database or the templates.
//!
//! Every entry belongs to a content version (see `Store::content_version`). When the
//! version moves, because this node or another one changed content, the whole cache
//! is dropped: a news site's pages link to each other so densely (front page, lists,
//! "Read more", feeds) that finer invalidation would save little and risk stale pages.
//!
//! The cache holds at most a number of bytes. What goes when it is full is chosen by
//! `quick_cache`'s S3-FIFO policy: a page enters on probation and stays only if it is
//! asked for again, so a crawler or a flood of requests for random addresses passes
//! through the probation queue without pushing out the front page and the latest
//! articles that readers keep asking for.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Response, StatusCode};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use parking_lot::{Mutex, RwLock};
use prometheus_client::metrics::counter::Counter;
use sha2::{Digest, Sha256};

/// What a kept page is counted as beyond its own bytes: its key, headers and
/// bookkeeping.
const ENTRY_OVERHEAD: u64 = 512;
/// The pages a cache is expected to hold, per megabyte (a page is 20–60 KB).
const PAGES_PER_MEGABYTE: u64 = 32;

/// One rendered response, ready to send in any encoding.
#[derive(Debug)]
pub struct CachedPage {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub identity: Bytes,
    /// Compressed on first demand and kept: a static export or a client that takes
    /// no compression never pays for it.
    gzip: std::sync::OnceLock<Bytes>,
    brotli: std::sync::OnceLock<Bytes>,
    /// Fingerprinted on first demand: a page rendered and then rewritten (links
    /// made relative) is hashed once, as sent.
    etag: std::sync::OnceLock<HeaderValue>,
    /// The full answer's headers, security headers included, put together on first
    /// demand: every answer from the cache starts from a copy of them.
    headers: std::sync::OnceLock<HeaderMap>,
    pub last_modified: Option<HeaderValue>,
    modified_at: Option<DateTime<Utc>>,
    pub cache_control: &'static str,
    /// A Content-Security-Policy of the page's own, instead of the site's.
    pub policy: Option<&'static str>,
}

impl CachedPage {
    /// Compresses and fingerprints a freshly rendered body.
    pub fn new(
        status: StatusCode,
        content_type: &'static str,
        body: impl Into<Bytes>,
        cache_control: &'static str,
    ) -> Self {
        Self {
            status,
            content_type,
            gzip: std::sync::OnceLock::new(),
            brotli: std::sync::OnceLock::new(),
            identity: body.into(),
            etag: std::sync::OnceLock::new(),
            headers: std::sync::OnceLock::new(),
            last_modified: None,
            modified_at: None,
            cache_control,
            policy: None,
        }
    }

    /// The page with a Content-Security-Policy of its own (an archived newsletter
    /// needs the inline styles mail is made of).
    #[must_use]
    pub fn with_policy(mut self, policy: &'static str) -> Self {
        self.policy = Some(policy);
        self.headers = std::sync::OnceLock::new();
        self
    }

    /// The same page with another body, its status, type,
    /// caching and policy kept; stamped afresh.
    #[must_use]
    pub fn with_body(self, body: impl Into<Bytes>) -> Self {
        let page = Self::new(self.status, self.content_type, body, self.cache_control);
        Self {
            policy: self.policy,
            ..page
        }
    }

    /// Sets Last-Modified: the moment the cache's content epoch began (see
    /// [`PageCache::epoch`]), since a page can change whenever anything on the site does.
    pub fn stamped(mut self, at: DateTime<Utc>) -> Self {
        let system = u64::try_from(at.timestamp())
            .ok()
            .map(|secs| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        self.last_modified =
            system.and_then(|t| HeaderValue::from_str(&httpdate::fmt_http_date(t)).ok());
        self.modified_at = Some(at);
        self.headers = std::sync::OnceLock::new();
        self
    }

    /// The response for a request with these headers: 304 when the client's copy is
    /// current, otherwise the body in the best encoding the client accepts.
    pub fn respond(&self, request: &HeaderMap) -> Response<Body> {
        // A copy of headers put together once: this runs for every page answered
        // from the cache, and copying is cheaper than a dozen hashed inserts.
        let mut response = Response::new(Body::empty());
        *response.headers_mut() = self.headers().clone();
        if self.status == StatusCode::OK && self.not_modified(request) {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response.headers_mut().remove(header::CONTENT_TYPE);
            return response;
        }
        let (body, encoding) = match preferred_encoding(request) {
            Encoding::Brotli => (self.brotli().clone(), Some("br")),
            Encoding::Gzip => (self.gzip().clone(), Some("gzip")),
            Encoding::Identity => (self.identity.clone(), None),
        };
        if let Some(encoding) = encoding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        *response.status_mut() = self.status;
        *response.body_mut() = Body::from(body);
        response
    }

    /// The headers of the page's answer, apart from its encoding: its caching, its
    /// type and the security headers every answer carries (its own policy first).
    fn headers(&self) -> &HeaderMap {
        self.headers.get_or_init(|| {
            let mut headers = HeaderMap::with_capacity(16);
            headers.insert(header::ETAG, self.etag().clone());
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(self.cache_control),
            );
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            if let Some(last_modified) = &self.last_modified {
                headers.insert(header::LAST_MODIFIED, last_modified.clone());
            }
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            if let Some(policy) = self.policy {
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(policy),
                );
            }
            crate::headers::add_security_headers(&mut headers);
            headers
        })
    }

    /// The page gzip-compressed (computed once).
    pub fn gzip(&self) -> &Bytes {
        self.gzip.get_or_init(|| gzip(&self.identity))
    }

    /// The page's ETag: the first 12 bytes of its SHA-256, in hex (computed once).
    pub fn etag(&self) -> &HeaderValue {
        self.etag.get_or_init(|| {
            let digest = Sha256::digest(&self.identity);
            let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
            HeaderValue::from_str(&format!("\"{hex}\""))
                .unwrap_or(HeaderValue::from_static("\"0\""))
        })
    }

    /// The page brotli-compressed (computed once).
    pub fn brotli(&self) -> &Bytes {
        self.brotli.get_or_init(|| brotli(&self.identity))
    }

    fn not_modified(&self, request: &HeaderMap) -> bool {
        if request.contains_key(header::IF_NONE_MATCH) {
            return etag_matches(request, self.etag());
        }
        match (request.get(header::IF_MODIFIED_SINCE), self.modified_at) {
            (Some(since), Some(modified)) => since
                .to_str()
                .ok()
                .and_then(|s| httpdate::parse_http_date(s).ok())
                .and_then(|s| s.duration_since(std::time::UNIX_EPOCH).ok())
                .is_some_and(|since| {
                    i64::try_from(since.as_secs()).unwrap_or(i64::MAX) >= modified.timestamp()
                }),
            _ => false,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

fn preferred_encoding(request: &HeaderMap) -> Encoding {
    let Some(accept) = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Encoding::Identity;
    };
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut pieces = part.split(';').map(str::trim);
            let coding = pieces.next().unwrap_or("");
            let refused = pieces.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn gzip(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(6),
    );
    match encoder.write_all(bytes).and_then(|()| encoder.finish()) {
        Ok(out) => Bytes::from(out),
        Err(_) => Bytes::new(),
    }
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => Bytes::from(out),
        Err(_) => Bytes::new(),
    }
}

/// The bytes a kept page costs: the page, half as much again for the gzip and
/// brotli forms it may gain (each a quarter to a third of it), and its key.
#[derive(Debug, Clone, Copy)]
struct PageWeight;

impl quick_cache::Weighter<String, Arc<CachedPage>> for PageWeight {
    fn weight(&self, key: &String, page: &Arc<CachedPage>) -> u64 {
        let page = u64::try_from(page.identity.len()).unwrap_or(u64::MAX / 4);
        let key = u64::try_from(key.len()).unwrap_or(0);
        page + page / 2 + key + ENTRY_OVERHEAD
    }
}

/// Counts the pages the full cache drops to make room (for `/metrics`).
#[derive(Clone, Default)]
struct CountEvictions(Counter);

impl quick_cache::Lifecycle<String, Arc<CachedPage>> for CountEvictions {
    type RequestState = ();

    fn on_evict(&self, _: &mut (), _: String, _: Arc<CachedPage>) {
        self.0.inc();
    }
}

type Entries = quick_cache::sync::Cache<
    String,
    Arc<CachedPage>,
    PageWeight,
    quick_cache::DefaultHashBuilder,
    CountEvictions,
>;

/// Rendered pages by cache key, all of one content version, within a number of bytes.
pub struct PageCache {
    version: AtomicI64,
    entries: Entries,
    /// Asked-for pages found and not found, and pages dropped for room.
    pub(crate) hits: Counter,
    pub(crate) misses: Counter,
    pub(crate) evictions: Counter,
    /// Held to read while a page is put in, and to write while the version moves, so
    /// that a page of the old version can never land after the cache was emptied.
    moving: RwLock<()>,
    capacity: u64,
    epoch: Mutex<DateTime<Utc>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("version", &self.version())
            .field("pages", &self.entries.len())
            .field("bytes", &self.entries.weight())
            .field("capacity", &self.capacity)
            .finish()
    }
}

fn whole_second(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

impl PageCache {
    /// A cache that keeps at most `capacity` bytes of pages (0: none).
    pub fn new(capacity: u64) -> Self {
        let pages = (capacity / (1024 * 1024)).max(1) * PAGES_PER_MEGABYTE;
        let evictions = Counter::default();
        Self {
            version: AtomicI64::new(0),
            entries: quick_cache::sync::Cache::with(
                usize::try_from(pages).unwrap_or(usize::MAX),
                capacity.max(1),
                PageWeight,
                quick_cache::DefaultHashBuilder::default(),
                CountEvictions(evictions.clone()),
            ),
            hits: Counter::default(),
            misses: Counter::default(),
            evictions,
            moving: RwLock::new(()),
            capacity,
            epoch: Mutex::new(whole_second(Utc::now())),
        }
    }

    /// The bytes the kept pages count for, and how many they are.
    pub fn size(&self) -> (u64, usize) {
        (self.entries.weight(), self.entries.len())
    }

    /// When the pages now being rendered may last have changed: the start of this
    /// process, or the last content or theme change it saw. It only grows, a whole
    /// second at a time, so a client's `If-Modified-Since` from before a change can
    /// never match a page rendered after it.
    pub fn epoch(&self) -> DateTime<Utc> {
        *self.epoch.lock()
    }

    fn begin_epoch(&self) {
        let mut epoch = self.epoch.lock();
        *epoch = whole_second(Utc::now()).max(*epoch + chrono::Duration::seconds(1));
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let found = self.hit(key);
        if found.is_none() {
            self.misses.inc();
        }
        found
    }

    /// The page kept under `key`, counted only when there is one: the front door
    /// looks before the router, and a miss there is counted by the handler's own
    /// [`PageCache::get`].
    pub fn hit(&self, key: &str) -> Option<Arc<CachedPage>> {
        let found = self.entries.get(key);
        if found.is_some() {
            self.hits.inc();
        }
        found
    }

    /// The content version pages are rendered for right now.
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }

    /// Keeps `page` unless content changed while it was being rendered. A page
    /// larger than the whole cache is not kept.
    pub fn insert(&self, key: String, page: Arc<CachedPage>, rendered_for: i64) {
        let _steady = self.moving.read();
        if self.capacity == 0 || self.version() != rendered_for {
            return;
        }
        self.entries.insert(key, page);
    }

    /// Moves to a new content version, dropping every page of older ones.
    pub fn set_version(&self, version: i64) {
        let _moving = self.moving.write();
        if self.version.swap(version, Ordering::AcqRel) != version {
            self.begin_epoch();
            self.entries.clear();
        }
    }

    /// Drops everything (the theme changed).
    pub fn clear(&self) {
        let _moving = self.moving.write();
        self.begin_epoch();
        self.entries.clear();
    }
}

/// Whether the request's `If-None-Match` names `ours` (or any version, `*`): the
/// client has these bytes already. Weak tags compare as strong ones (the bytes are
/// the same whatever the encoding they were sent in).
pub(crate) fn etag_matches(request: &HeaderMap, ours: &HeaderValue) -> bool {
    let Some(Ok(tags)) = request.get(header::IF_NONE_MATCH).map(|v| v.to_str()) else {
        return false;
    };
    let ours = ours.as_bytes();
    tags.split(',').map(str::trim).any(|tag| {
        tag == "*"
            || tag.as_bytes() == ours
            || tag.strip_prefix("W/").map(str::as_bytes) == Some(ours)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn page() -> CachedPage {
        let modified = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        CachedPage::new(
            StatusCode::OK,
            "text/html; charset=utf-8",
            "<p>hello hello hello</p>".repeat(20),
            "public",
        )
        .stamped(modified)
    }

    #[test]
    fn picks_the_best_accepted_encoding() {
        assert_eq!(
            preferred_encoding(&headers(&[(header::ACCEPT_ENCODING, "gzip, deflate, br")])),
            Encoding::Brotli
        );
        assert_eq!(
            preferred_encoding(&headers(&[(header::ACCEPT_ENCODING, "br;q=0, gzip")])),
            Encoding::Gzip
        );
        assert_eq!(
            preferred_encoding(&headers(&[(header::ACCEPT_ENCODING, "identity")])),
            Encoding::Identity
        );
        assert_eq!(preferred_encoding(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn answers_304_to_a_current_copy() {
        let page = page();
        let etag = page.etag().to_str().unwrap().to_owned();
        assert_eq!(
            page.respond(&headers(&[(header::IF_NONE_MATCH, &etag)]))
                .status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            page.respond(&headers(&[(
                header::IF_NONE_MATCH,
                "\"other\", W/".to_owned().as_str()
            )]))
            .status(),
            StatusCode::OK
        );
        let lm = page.last_modified.clone().unwrap();
        assert_eq!(
            page.respond(&headers(&[(
                header::IF_MODIFIED_SINCE,
                lm.to_str().unwrap()
            )]))
            .status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            page.respond(&headers(&[(
                header::IF_MODIFIED_SINCE,
                "Mon, 01 Jan 2001 00:00:00 GMT"
            )]))
            .status(),
            StatusCode::OK
        );
    }

    #[test]
    fn every_answer_carries_the_pages_headers_and_the_security_headers() {
        let page = page();
        let full = page.respond(&HeaderMap::new());
        let carried = full.headers();
        assert_eq!(carried[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(carried[header::CACHE_CONTROL], "public");
        assert_eq!(carried[header::ETAG], page.etag());
        assert_eq!(carried[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(
            carried[header::CONTENT_SECURITY_POLICY],
            kolokol_render::policy::CONTENT_SECURITY_POLICY
        );
        assert!(!carried.contains_key(header::CONTENT_ENCODING));
        let brotli = page.respond(&headers(&[(header::ACCEPT_ENCODING, "br")]));
        assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(brotli.headers().len(), carried.len() + 1);
        let etag = page.etag().to_str().unwrap().to_owned();
        let unchanged = page.respond(&headers(&[(header::IF_NONE_MATCH, &etag)]));
        assert!(!unchanged.headers().contains_key(header::CONTENT_TYPE));
        assert_eq!(unchanged.headers()[header::ETAG], page.etag());
        assert_eq!(unchanged.headers()[header::X_FRAME_OPTIONS], "DENY");

        // A page's own policy replaces the site's; headers put together before a
        // change to the page are not kept past it.
        let own = CachedPage::new(StatusCode::OK, "text/html", "<p>x</p>", "public")
            .with_policy("default-src 'none'");
        assert_eq!(
            own.respond(&HeaderMap::new()).headers()[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'"
        );
        let own = own.stamped(DateTime::from_timestamp(1_795_000_000, 0).unwrap());
        assert!(
            own.respond(&HeaderMap::new())
                .headers()
                .contains_key(header::LAST_MODIFIED)
        );
    }

    #[test]
    fn compressed_forms_decompress_to_the_page() {
        let page = page();
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &page.brotli()[..], &mut out).unwrap();
        assert_eq!(out, page.identity);
        assert!(page.gzip().len() < page.identity.len());
    }

    #[test]
    fn a_new_version_drops_old_pages_and_refuses_late_ones() {
        let cache = PageCache::new(1024 * 1024);
        cache.set_version(1);
        cache.insert("/".into(), Arc::new(page()), 1);
        assert!(cache.get("/").is_some());
        cache.set_version(2);
        assert!(cache.get("/").is_none());
        cache.insert("/".into(), Arc::new(page()), 1);
        assert!(
            cache.get("/").is_none(),
            "a page rendered from old content is not kept"
        );
    }
    fn page_of(bytes: usize, fill: u8) -> Arc<CachedPage> {
        Arc::new(CachedPage::new(
            StatusCode::OK,
            "text/html; charset=utf-8",
            vec![fill; bytes],
            "public",
        ))
    }

    #[test]
    fn the_cache_stays_within_its_bytes_and_keeps_pages_asked_for_again() {
        let capacity = 2 * 1024 * 1024;
        let cache = PageCache::new(capacity);
        cache.set_version(1);
        let hot = ["/", "/articles/latest", "/sections/world"];
        // The flood is already under way, the cache full of it.
        for n in 0..200 {
            cache.insert(format!("/articles/early-{n}"), page_of(20_000, b'r'), 1);
        }
        for key in hot {
            cache.insert(key.into(), page_of(30_000, b'h'), 1);
            assert!(cache.get(key).is_some(), "{key} asked for again");
        }
        // A flood of addresses asked for once each, 20 times what fits; readers
        // ask for the hot pages again only after several cachefuls of it, so a
        // least-recently-used cache would have let them go.
        for n in 0..2_000 {
            cache.insert(format!("/articles/random-{n}"), page_of(20_000, b'r'), 1);
            if n % 250 == 249 {
                for key in hot {
                    assert!(cache.get(key).is_some(), "{key} pushed out after {n}");
                }
            }
            let (bytes, _) = cache.size();
            assert!(bytes <= capacity, "{bytes} bytes kept in {capacity}");
        }
        let (bytes, pages) = cache.size();
        assert!(
            pages > 20 && bytes > capacity / 2,
            "{pages} pages, {bytes} bytes"
        );
    }

    #[test]
    fn a_cache_of_no_bytes_keeps_nothing() {
        let cache = PageCache::new(0);
        cache.insert("/".into(), page_of(100, b'x'), 0);
        assert!(cache.get("/").is_none());
    }

    #[test]
    fn every_change_starts_a_later_epoch() {
        let cache = PageCache::new(1024 * 1024);
        let first = cache.epoch();
        cache.set_version(1);
        let second = cache.epoch();
        cache.set_version(1);
        assert_eq!(cache.epoch(), second, "no change, same epoch");
        cache.clear();
        let third = cache.epoch();
        assert!(first < second && second < third, "{first} {second} {third}");
    }
}

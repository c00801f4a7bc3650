//! `/metrics` for Prometheus, and the optional access log.
//!
//! Every request is counted by route class and status and timed into a histogram
//! per class; the page cache, the render gate, the job queue, newsletter sending and
//! the database pool are read when the metrics are asked for. The endpoint answers
//! only this machine (loopback) unless `[server] metrics_token` is set; then it
//! answers whoever sends `Authorization: Bearer <token>`, and nobody else. To anyone
//! else it does not exist (404).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use axum::extract::State;
use axum::http::Method;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::state::AppState;

/// What kind of address a request was for: few enough values to label by.
const CLASSES: [&str; 10] = [
    "page", "lite", "crawl", "search", "asset", "media", "admin", "api", "probe", "other",
];

/// Statuses counted on their own; any other is counted as "other".
const STATUSES: [u16; 22] = [
    200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 410, 413, 414, 415, 422, 429,
    500, 502, 503,
];

type RequestLabels = [(&'static str, String); 2];

/// The metrics of one node, registered once at start.
pub struct Metrics {
    registry: Registry,
    /// By class and status, made at start so counting takes no lock.
    requests: HashMap<(usize, u16), Counter>,
    latency: Vec<Histogram>,
    /// Language prefixes of the editions (`/ru`), stripped before classifying; set
    /// once the state knows them.
    pub(crate) prefixes: std::sync::OnceLock<Vec<String>>,
    cache_bytes: Gauge,
    cache_pages: Gauge,
    renders_running: Gauge,
    jobs_queued: Gauge,
    jobs_running: Gauge,
    deliveries: Family<[(&'static str, &'static str); 1], Gauge>,
    pool_size: Gauge,
    pool_idle: Gauge,
    /// Whether each request is written to the log, and with its client's address.
    access_log: bool,
    access_log_addresses: bool,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Counters that live where the counting happens (the page cache, the gate).
pub struct Sources<'a> {
    pub cache: &'a crate::cache::PageCache,
    pub gate: &'a crate::gate::RenderGate,
    /// The turns searches take.
    pub searches: &'a crate::gate::RenderGate,
}

impl Metrics {
    pub fn new(sources: Sources<'_>, access_log: bool, access_log_addresses: bool) -> Self {
        let mut registry = Registry::with_prefix("kolokol");
        let family = Family::<RequestLabels, Counter>::default();
        let mut requests = HashMap::new();
        for (class_index, class) in CLASSES.iter().enumerate() {
            for status in STATUSES.iter().copied().chain([0]) {
                let label = match status {
                    0 => "other".to_owned(),
                    code => code.to_string(),
                };
                let counter = family
                    .get_or_create(&[("class", (*class).to_owned()), ("status", label)])
                    .clone();
                requests.insert((class_index, status), counter);
            }
        }
        registry.register(
            "http_requests",
            "Requests answered, by route class and status",
            family,
        );
        let latency_family =
            Family::<[(&'static str, &'static str); 1], Histogram>::new_with_constructor(|| {
                Histogram::new([
                    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
                ])
            });
        let latency = CLASSES
            .iter()
            .map(|class| latency_family.get_or_create(&[("class", class)]).clone())
            .collect();
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer's headers, by route class",
            latency_family,
        );
        registry.register(
            "page_cache_hits",
            "Pages answered from the page cache",
            sources.cache.hits.clone(),
        );
        registry.register(
            "page_cache_misses",
            "Pages not in the page cache, rendered",
            sources.cache.misses.clone(),
        );
        registry.register(
            "page_cache_evictions",
            "Pages dropped from the full page cache to make room",
            sources.cache.evictions.clone(),
        );
        let cache_bytes = registered(
            &mut registry,
            "page_cache_bytes",
            "Bytes the kept pages count for (with an allowance for compressed forms)",
            Gauge::default(),
        );
        let cache_pages = registered(
            &mut registry,
            "page_cache_pages",
            "Pages kept",
            Gauge::default(),
        );
        let renders_running = registered(
            &mut registry,
            "renders_running",
            "Pages being rendered now",
            Gauge::default(),
        );
        registry.register(
            "renders_refused_too_many",
            "Renders refused with 429: one address asked for too many this minute",
            sources.gate.too_many.clone(),
        );
        registry.register(
            "renders_shed",
            "Renders shed with 503: no render slot came free in time",
            sources.gate.shed.clone(),
        );
        registry.register(
            "searches_shed",
            "Searches shed with 503: no turn came free in time",
            sources.searches.shed.clone(),
        );
        let jobs_queued = registered(
            &mut registry,
            "jobs_queued",
            "Background jobs waiting for their time or a node",
            Gauge::default(),
        );
        let jobs_running = registered(
            &mut registry,
            "jobs_running",
            "Background jobs a node is working on",
            Gauge::default(),
        );
        let deliveries = registered(
            &mut registry,
            "newsletter_deliveries",
            "Deliveries of the newsletter issues now being sent, by state",
            Family::default(),
        );
        let pool_size = registered(
            &mut registry,
            "db_pool_connections",
            "This node's open database connections",
            Gauge::default(),
        );
        let pool_idle = registered(
            &mut registry,
            "db_pool_idle_connections",
            "Open database connections not in use",
            Gauge::default(),
        );
        Self {
            registry,
            requests,
            latency,
            prefixes: std::sync::OnceLock::new(),
            cache_bytes,
            cache_pages,
            renders_running,
            jobs_queued,
            jobs_running,
            deliveries,
            pool_size,
            pool_idle,
            access_log,
            access_log_addresses,
        }
    }

    fn count(&self, class: usize, status: StatusCode, seconds: f64) {
        let code = status.as_u16();
        let key = if STATUSES.contains(&code) { code } else { 0 };
        if let Some(counter) = self.requests.get(&(class, key)) {
            counter.inc();
        }
        if let Some(histogram) = self.latency.get(class) {
            histogram.observe(seconds);
        }
    }

    /// The class of `path` (an index into [`CLASSES`]).
    fn classify(&self, path: &str) -> usize {
        let path = self
            .prefixes
            .get()
            .into_iter()
            .flatten()
            .find_map(|prefix| {
                path.strip_prefix(prefix.as_str())
                    .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .unwrap_or(path);
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        let feed = path.ends_with("/feed.xml")
            || path.ends_with("/atom.xml")
            || path.ends_with("/feed.json");
        let class = match first {
            _ if feed => "crawl",
            "" | "articles" | "sections" | "tags" | "authors" | "archive" | "pages" | "support"
            | "supporters" | "newsletter" | "privacy" | "mirrors" => "page",
            "lite" => "lite",
            "sitemap.xml" | "sitemaps" | "news-sitemap.xml" | "robots.txt" | "feed.xml"
            | "atom.xml" | "feed.json" => "crawl",
            "search" | "search.json" => "search",
            "assets" => "asset",
            "media" => "media",
            "admin" => "admin",
            "ghost" | "mirrors.json" => "api",
            "healthz" | "readyz" | "metrics" => "probe",
            _ => "other",
        };
        CLASSES
            .iter()
            .position(|c| *c == class)
            .unwrap_or(CLASSES.len() - 1)
    }
}

/// Registers `metric` under `name` and gives back a handle to it.
fn registered<M>(registry: &mut Registry, name: &str, help: &str, metric: M) -> M
where
    M: prometheus_client::registry::Metric + Clone,
{
    registry.register(name, help, metric.clone());
    metric
}

/// One request being counted and timed, from [`Metrics::start`] to [`Metrics::finish`].
pub(crate) struct Timing {
    started: Instant,
    class: usize,
    /// The method and path, kept only when the access log is on.
    logged: Option<(Method, String)>,
}

impl Metrics {
    /// Starts counting and timing `request`.
    pub(crate) fn start<B>(&self, request: &axum::http::Request<B>) -> Timing {
        Timing {
            started: Instant::now(),
            class: self.classify(request.uri().path()),
            logged: self
                .access_log
                .then(|| (request.method().clone(), request.uri().path().to_owned())),
        }
    }

    /// Counts and times the request answered with `status`; writes the access log
    /// line when asked to (with the client's address only when configured so).
    pub(crate) fn finish(&self, timing: Timing, status: StatusCode, peer: IpAddr) {
        let elapsed = timing.started.elapsed();
        self.count(timing.class, status, elapsed.as_secs_f64());
        if let Some((method, path)) = timing.logged {
            let millis = elapsed.as_secs_f64() * 1000.0;
            let status = status.as_u16();
            if self.access_log_addresses {
                tracing::info!(target: "access", %method, %path, status, millis, %peer, "request");
            } else {
                tracing::info!(target: "access", %method, %path, status, millis, "request");
            }
        }
    }
}

/// `/metrics`: the text format Prometheus scrapes.
pub async fn endpoint(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !allowed(&state.metrics_token, crate::gate::client(), &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let metrics = &state.metrics;
    let (bytes, pages) = state.cache.size();
    metrics
        .cache_bytes
        .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    metrics
        .cache_pages
        .set(i64::try_from(pages).unwrap_or(i64::MAX));
    metrics
        .renders_running
        .set(i64::try_from(state.gate.running()).unwrap_or(i64::MAX));
    // The database's share; when it cannot be read the rest is still worth having.
    match state.store.vitals().await {
        Ok(vitals) => {
            metrics.jobs_queued.set(vitals.jobs_queued);
            metrics.jobs_running.set(vitals.jobs_running);
            for (status, count) in [
                ("pending", vitals.deliveries.pending),
                ("sent", vitals.deliveries.sent),
                ("failed", vitals.deliveries.failed),
            ] {
                metrics
                    .deliveries
                    .get_or_create(&[("state", status)])
                    .set(count);
            }
            metrics.pool_size.set(i64::from(vitals.pool_size));
            metrics.pool_idle.set(i64::from(vitals.pool_idle));
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the database's metrics"),
    }
    let mut body = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut body, &metrics.registry) {
        return crate::error::AppError::Internal(format!("cannot write the metrics: {e}"))
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// With a token: whoever presents it. Without: this machine only.
fn allowed(token: &str, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    if token.is_empty() {
        return peer.is_some_and(|p| p.is_loopback());
    }
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    subtle::ConstantTimeEq::ct_eq(presented.as_bytes(), token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        let cache = crate::cache::PageCache::new(1024 * 1024);
        let gate = crate::gate::RenderGate::new(crate::gate::RenderLimits {
            per_minute: 0,
            concurrent: 1,
            wait: std::time::Duration::from_millis(1),
        });
        let metrics = Metrics::new(
            Sources {
                cache: &cache,
                gate: &gate,
                searches: &gate,
            },
            false,
            false,
        );
        let _ = metrics.prefixes.set(vec!["/ru".into(), "/en".into()]);
        metrics
    }

    #[test]
    fn addresses_fall_into_their_classes_in_every_edition() {
        let m = metrics();
        let class = |path: &str| CLASSES[m.classify(path)];
        assert_eq!(class("/"), "page");
        assert_eq!(class("/ru"), "page");
        assert_eq!(class("/ru/articles/x"), "page");
        assert_eq!(class("/rus/articles/x"), "other");
        assert_eq!(class("/lite/articles/x"), "lite");
        assert_eq!(class("/sections/news/feed.xml"), "crawl");
        assert_eq!(class("/sitemaps/3.xml"), "crawl");
        assert_eq!(class("/ru/search"), "search");
        assert_eq!(class("/admin/articles"), "admin");
        assert_eq!(class("/ghost/api/content/posts/"), "api");
        assert_eq!(class("/media/a.webp"), "media");
        assert_eq!(class("/healthz"), "probe");
        assert_eq!(class("/wp-login.php"), "other");
    }

    #[test]
    fn counts_show_in_the_text_format() {
        let m = metrics();
        m.count(0, StatusCode::OK, 0.003);
        m.count(0, StatusCode::IM_A_TEAPOT, 0.2);
        let mut body = String::new();
        prometheus_client::encoding::text::encode(&mut body, &m.registry).unwrap_or_default();
        assert!(
            body.contains(r#"kolokol_http_requests_total{class="page",status="200"} 1"#),
            "{body}"
        );
        assert!(
            body.contains(r#"kolokol_http_requests_total{class="page",status="other"} 1"#),
            "{body}"
        );
        assert!(
            body.contains(
                r#"kolokol_http_request_duration_seconds_bucket{le="0.005",class="page"} 1"#
            ),
            "{body}"
        );
    }

    #[test]
    fn only_this_machine_or_the_token_holder_may_read_them() {
        let here: IpAddr = [127, 0, 0, 1].into();
        let away: IpAddr = [203, 0, 113, 9].into();
        let mut with = HeaderMap::new();
        with.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(allowed("", Some(here), &HeaderMap::new()));
        assert!(!allowed("", Some(away), &HeaderMap::new()));
        assert!(!allowed("", None, &HeaderMap::new()));
        assert!(allowed("s3cret", Some(away), &with));
        assert!(!allowed("s3cret", Some(here), &HeaderMap::new()));
        assert!(!allowed("other", Some(away), &with));
    }
}

//! Kolokol over HTTP: the router, its middleware and the server loop.
//!
//! Handlers are thin: they parse the address, ask the store, and render through the
//! theme; the page cache (see [`cache`]) answers repeated requests without either.

pub mod addresses;
pub mod admin;
pub mod cache;
pub mod error;
pub mod headers;
pub mod newsletter;
pub mod revenue;
pub mod site;
pub mod state;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::get;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::AppError;
pub use state::AppState;

/// How often each node checks for content changed elsewhere and theme edits.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(1);

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let media = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=604800"),
        ))
        .service(ServeDir::new(&state.media_dir));
    Router::new()
        .merge(admin::routes())
        .merge(site::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readiness))
        .nest_service("/media", media)
        .layer(middleware::from_fn(headers::limit_uri_length))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            site::render_errors,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            site::onion_location,
        ))
        .layer(middleware::from_fn(headers::security_headers))
        .with_state(state)
}

/// Ready when the database answers.
async fn readiness(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, AppError> {
    state.store.content_version().await?;
    Ok("ready")
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = state.spawn_watcher(REFRESH_INTERVAL);
    let service = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    watcher.abort();
    result
}

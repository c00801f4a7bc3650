//! The server loop: accepts connections and serves each over HTTP/1.1 or HTTP/2, with
//! limits that keep slow and idle clients from holding the server. A client has
//! `header_timeout` to send a request's headers, and the same to start its next
//! request on a kept-alive connection; `body_timeout` to send a body; and the number
//! of open connections is capped, in all and per network address, so one address
//! holding thousands of half-sent requests cannot starve everyone else.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use kolokol_core::config::ServerConfig;
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long requests in flight may finish after a stop is asked for.
const DRAIN: Duration = Duration::from_secs(30);

/// Open connections per network address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection's place in [`PerAddress`], given back when it closes.
struct AddressSlot {
    table: Arc<PerAddress>,
    address: IpAddr,
}

impl PerAddress {
    fn take(table: &Arc<Self>, address: IpAddr, limit: usize) -> Option<AddressSlot> {
        let mut open = table.0.lock();
        let count = open.entry(address).or_insert(0);
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            table: Arc::clone(table),
            address,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.table.0.lock();
        if let Some(count) = open.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

/// Serves on `listener` until `shutdown` resolves, then lets the requests in flight
/// finish (for at most 30 seconds). `app` makes the service for one connection from
/// the client's address (which every request then knows without looking it up).
pub async fn run<F, S>(
    listener: TcpListener,
    app: F,
    limits: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    F: Fn(SocketAddr) -> S,
    S: hyper::service::Service<
            hyper::Request<Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Send
        + 'static,
    S::Future: Send + 'static,
{
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(limits.header_timeout_secs));
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Duration::from_secs(limits.header_timeout_secs))
        .keep_alive_timeout(Duration::from_secs(limits.header_timeout_secs));
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather
                    // than spin; a reset by the peer is nothing to wait for.
                    if !matches!(e.kind(), std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset) {
                        tracing::warn!(error = %e, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Over a limit, the connection is closed at once, before anything is read.
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            continue;
        };
        let Some(slot) =
            PerAddress::take(&per_address, peer.ip(), limits.max_connections_per_address)
        else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = app(peer);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still running after {}s; stopping anyway",
            DRAIN.as_secs()
        );
    }
    Ok(())
}

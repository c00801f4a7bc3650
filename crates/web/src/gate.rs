//! Uncached work under a flood. A cached page costs microseconds and is always
//! served; a page that must be rendered costs the database and the templates, so
//! each one passes this gate first:
//!
//! - one network address may start at most `[server] renders_per_minute` renders (a
//!   crawler or a flood of random addresses from one place gets 429 with
//!   `Retry-After`, other readers are untouched);
//! - at most `[server] concurrent_renders` run at once; a request that cannot start
//!   within `[server] render_wait_ms` is shed with 503 and `Retry-After` instead of
//!   queueing until every reader's latency collapses;
//! - while renders are being shed, `/readyz` says so, so a balancer can send readers
//!   to another node.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

tokio::task_local! {
    /// The address of the client whose request this task is answering.
    static PEER: IpAddr;
}

/// The address of the client this task answers, inside [`serving`] (none for
/// work the server does for itself).
pub fn client() -> Option<IpAddr> {
    PEER.try_with(|p| *p).ok()
}

/// Runs `answer` knowing its client's address, for [`RenderGate`] and the
/// metrics' loopback check (see [`crate::front`]).
pub async fn serving<F: std::future::Future>(peer: IpAddr, answer: F) -> F::Output {
    PEER.scope(peer, answer).await
}

/// The gate's settings, from `[server]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderLimits {
    /// Renders one address may start a minute (0: no limit).
    pub per_minute: u32,
    /// Renders running at once.
    pub concurrent: usize,
    /// How long a render may wait for its turn before it is shed.
    pub wait: Duration,
}

impl RenderLimits {
    pub fn from_server(server: &kolokol_core::config::ServerConfig) -> Self {
        Self {
            per_minute: server.renders_per_minute,
            concurrent: server.concurrent_renders,
            wait: Duration::from_millis(server.render_wait_ms),
        }
    }
}

/// Why a render was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This address started too many renders this minute: 429.
    TooMany,
    /// Every render slot stayed busy for the whole wait: 503.
    Busy,
}

/// How long a shed render keeps `/readyz` saying "overloaded".
const OVERLOAD_MEMORY: Duration = Duration::from_secs(2);

pub struct RenderGate {
    slots: tokio::sync::Semaphore,
    limits: RenderLimits,
    per_address: Option<governor::DefaultKeyedRateLimiter<IpAddr>>,
    started: Instant,
    /// Milliseconds after `started` of the last shed render, plus one (0: never).
    last_shed: AtomicU64,
    /// Renders refused so far, by reason (for `/metrics`).
    pub(crate) too_many: prometheus_client::metrics::counter::Counter,
    pub(crate) shed: prometheus_client::metrics::counter::Counter,
}

impl std::fmt::Debug for RenderGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderGate")
            .field("limits", &self.limits)
            .field("free", &self.slots.available_permits())
            .finish_non_exhaustive()
    }
}

impl RenderGate {
    pub fn new(limits: RenderLimits) -> Self {
        let limits = RenderLimits {
            concurrent: limits.concurrent.max(1),
            ..limits
        };
        let per_address = NonZeroU32::new(limits.per_minute)
            .map(|n| governor::RateLimiter::keyed(governor::Quota::per_minute(n)));
        Self {
            slots: tokio::sync::Semaphore::new(limits.concurrent),
            limits,
            per_address,
            started: Instant::now(),
            last_shed: AtomicU64::new(0),
            too_many: Default::default(),
            shed: Default::default(),
        }
    }

    /// Waits for a render slot for the client this task answers, or says why not.
    pub async fn enter(&self) -> Result<tokio::sync::SemaphorePermit<'_>, Refusal> {
        if let (Some(limiter), Some(peer)) = (&self.per_address, client())
            && limiter.check_key(&peer).is_err()
        {
            self.too_many.inc();
            return Err(Refusal::TooMany);
        }
        if let Ok(permit) = self.slots.try_acquire() {
            return Ok(permit);
        }
        match tokio::time::timeout(self.limits.wait, self.slots.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                self.shed.inc();
                let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
                self.last_shed
                    .store(now.saturating_add(1), Ordering::Relaxed);
                Err(Refusal::Busy)
            }
        }
    }

    /// Whether renders were shed in the last two seconds.
    pub fn overloaded(&self) -> bool {
        let last = self.last_shed.load(Ordering::Relaxed);
        last != 0
            && self
                .started
                .elapsed()
                .saturating_sub(Duration::from_millis(last - 1))
                < OVERLOAD_MEMORY
    }

    /// Renders running now.
    pub fn running(&self) -> usize {
        self.limits
            .concurrent
            .saturating_sub(self.slots.available_permits())
    }

    /// Forgets addresses not seen lately (called now and then).
    pub fn retain_recent(&self) {
        if let Some(limiter) = &self.per_address {
            limiter.retain_recent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32, concurrent: usize, wait_ms: u64) -> RenderLimits {
        RenderLimits {
            per_minute,
            concurrent,
            wait: Duration::from_millis(wait_ms),
        }
    }

    #[tokio::test]
    async fn a_busy_gate_sheds_after_the_wait_and_says_it_is_overloaded() {
        let gate = RenderGate::new(limits(0, 1, 20));
        let held = gate.enter().await.map_err(|_| "first").ok();
        assert!(held.is_some());
        assert!(!gate.overloaded());
        assert_eq!(gate.enter().await.err(), Some(Refusal::Busy));
        assert!(gate.overloaded());
        assert_eq!(gate.running(), 1);
        drop(held);
        assert!(gate.enter().await.is_ok(), "a freed slot is taken at once");
    }

    #[tokio::test]
    async fn a_waiting_render_starts_when_a_slot_frees_within_the_wait() {
        let gate = std::sync::Arc::new(RenderGate::new(limits(0, 1, 2_000)));
        let held = gate.slots.try_acquire().ok();
        let waiting = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.enter().await.is_ok() })
        };
        tokio::time::sleep(Duration::from_millis(30)).await;
        drop(held);
        assert_eq!(waiting.await.ok(), Some(true));
        assert!(!gate.overloaded());
    }

    #[tokio::test]
    async fn one_address_is_limited_and_another_is_not() {
        let gate = RenderGate::new(limits(2, 8, 10));
        let flood: IpAddr = [203, 0, 113, 7].into();
        let reader: IpAddr = [198, 51, 100, 1].into();
        let from = |ip: IpAddr| PEER.scope(ip, async { gate.enter().await.map(|_| ()) });
        assert!(from(flood).await.is_ok());
        assert!(from(flood).await.is_ok());
        assert_eq!(from(flood).await.err(), Some(Refusal::TooMany));
        assert!(from(reader).await.is_ok(), "other readers are untouched");
        // Work the server does for itself (no client) is never limited.
        assert!(gate.enter().await.is_ok());
    }
}

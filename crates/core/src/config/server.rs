//! `[server]`: how the server treats connections, its caches and its limits.

use serde::{Deserialize, Serialize};

use super::Secret;

/// More connections than this would wait on each other, not read more.
const MOST_DATABASE_CONNECTIONS: u32 = 256;

/// How the server treats connections: limits that keep slow or idle clients from
/// holding it, and HSTS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Seconds a client has to send a request's headers; also how long an idle
    /// keep-alive connection is kept waiting for its next request.
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's body.
    pub body_timeout_secs: u64,
    /// Connections open at once; more are closed as they arrive.
    pub max_connections: usize,
    /// Connections open at once from one network address.
    pub max_connections_per_address: usize,
    /// `Strict-Transport-Security` max-age in seconds, sent when `site.base_url` is
    /// https (0 sends none).
    pub hsts_max_age: u64,
    /// Whether webhooks may be delivered to private addresses (this machine, a local
    /// network). Off: a webhook could otherwise be aimed at services behind the
    /// firewall.
    pub webhooks_to_private_addresses: bool,
    /// Searches one network address may make a minute (counted in memory only).
    pub searches_per_minute: u32,
    /// Answers to recent searches kept in memory until the content or the index
    /// changes (0: none kept).
    pub search_cache_entries: usize,
    /// Megabytes of rendered pages kept in memory (a page counts with an allowance
    /// for its compressed forms); pages asked for again are kept longest (0: none).
    pub page_cache_mb: u64,
    /// Below this many megabytes free on the media folder's disk, `/readyz` answers
    /// 503 so that a balancer or an operator's check sees the disk filling up.
    pub min_free_disk_mb: u64,
    /// Pages one network address may have rendered a minute (cached pages do not
    /// count; 0: no limit). More are answered 429 with `Retry-After`.
    pub renders_per_minute: u32,
    /// Pages rendered at once; others wait their turn.
    pub concurrent_renders: usize,
    /// Milliseconds a page may wait for its turn to be rendered; past that it is
    /// answered 503 with `Retry-After` (load shedding) and `/readyz` says overloaded.
    pub render_wait_ms: u64,
    /// Who may read `/metrics`: empty, only this machine (loopback); otherwise
    /// whoever sends `Authorization: Bearer <token>`.
    pub metrics_token: Secret,
    /// Connections to the database this node keeps open at most (0: the
    /// backend's own number, 4 for SQLite and 16 for PostgreSQL). More let more
    /// pages be read at once, each at the cost of its own cache and, on
    /// PostgreSQL, a server process.
    pub database_connections: u32,
    /// Writes a line per request to the log (method, path, status, milliseconds).
    pub access_log: bool,
    /// Adds the client's network address to each access log line. Off by default:
    /// readers are not tracked.
    pub access_log_addresses: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            max_connections: 10_000,
            max_connections_per_address: 256,
            hsts_max_age: 31_536_000,
            webhooks_to_private_addresses: false,
            searches_per_minute: 120,
            search_cache_entries: 1000,
            page_cache_mb: 4,
            min_free_disk_mb: 256,
            renders_per_minute: 600,
            concurrent_renders: 16,
            render_wait_ms: 1000,
            metrics_token: Secret::default(),
            access_log: false,
            access_log_addresses: false,
            database_connections: 0,
        }
    }
}

impl ServerConfig {
    /// Checks what serde cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.searches_per_minute == 0 {
            return Err("server.searches_per_minute must be above 0".into());
        }
        if self.header_timeout_secs == 0 || self.body_timeout_secs == 0 {
            return Err(
                "server.header_timeout_secs and server.body_timeout_secs must be above 0".into(),
            );
        }
        if self.concurrent_renders == 0 {
            return Err("server.concurrent_renders must be above 0".into());
        }
        if self.max_connections == 0 || self.max_connections_per_address == 0 {
            return Err(
                "server.max_connections and server.max_connections_per_address must be above 0"
                    .into(),
            );
        }
        if self.database_connections > MOST_DATABASE_CONNECTIONS {
            return Err(format!(
                "server.database_connections must be at most {MOST_DATABASE_CONNECTIONS} \
                 (0 takes the database's own number)"
            ));
        }
        Ok(())
    }
}

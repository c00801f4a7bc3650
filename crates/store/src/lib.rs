//! Storage for Kolokol: one [`Store`] trait, two backends.
//!
//! SQLite (embedded, WAL) is the default; PostgreSQL is chosen by a `postgres://` URL
//! for deployments with several app nodes. Each backend has its own `migrations/`
//! folder. The queries themselves are portable SQL written once in [`sql`], so the two
//! backends cannot drift apart; only connecting and migrating differ.

mod accounts;
mod api_keys;
mod backup;
mod bylines;
mod desk;
mod error;
mod imports;
mod jobs;
mod media;
mod newsletter;
mod postgres;
mod reading;
pub mod related;
mod revenue;
mod rows;
mod sql;
mod sqlite;
mod staff;
mod standing;
mod subscribers;
mod supporters;
mod taxonomy;
mod translations;
mod webhooks;
mod whole;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{Audit, AuditEntry, Slug, User, UserId};

pub use accounts::AccountStore;
pub use api_keys::ApiKeyStore;
pub use backup::{BackupStore, TableDump};
pub use bylines::BylineStore;
pub use desk::DeskStore;
pub use error::StoreError;
pub use imports::{ImportStore, OldAddress};
pub use jobs::JobStore;
pub use kolokol_core::ArticleFilter;
pub use media::MediaStore;
pub use newsletter::{MAX_DELIVERY_ATTEMPTS, NewsletterStore};
pub use reading::ReadingStore;
pub use revenue::RevenueStore;
pub use sql::SqlStore;
pub use staff::StaffStore;
pub use standing::PageStore;
pub use subscribers::{CONFIRMATION_RESEND_SECS, ImportReport, SubscriberStore};
pub use supporters::SupporterStore;
pub use taxonomy::{SectionRemoval, TaxonomyStore};
pub use translations::{Texts, TranslationStore};
pub use webhooks::WebhookStore;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if it is one of ours.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else {
            None
        }
    }
}

/// Which articles the newsroom's list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingQuery {
    /// Only the articles this user created or their author profile is credited on.
    pub own: Option<(UserId, Option<i64>)>,
    /// Words the headline contains, in any case (empty: any).
    pub search: String,
    pub state: Option<ListingState>,
    pub section_id: Option<i64>,
    pub author_id: Option<i64>,
    /// Only articles written in this language (BCP 47).
    pub language: Option<String>,
    /// Scheduled and published are told apart against this time.
    pub now: DateTime<Utc>,
}

impl ListingQuery {
    /// Everything, as of `now`.
    pub fn all(now: DateTime<Utc>) -> Self {
        Self {
            own: None,
            search: String::new(),
            state: None,
            section_id: None,
            author_id: None,
            language: None,
            now,
        }
    }
}

/// Where an article is, in the newsroom's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingState {
    Draft,
    Scheduled,
    Published,
}

impl ListingState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Draft, Self::Scheduled, Self::Published]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// One sign-in attempt to count: who is tried, from where, the window and limits.
#[derive(Debug, Clone, Copy)]
pub struct SignInAttempt<'a> {
    pub account: &'a str,
    /// The network address (empty: not counted by address).
    pub address: &'a str,
    /// What the failure row records as its address (e.g. `two-factor`).
    pub recorded_address: &'a str,
    pub since: DateTime<Utc>,
    pub account_limit: Option<u32>,
    pub address_limit: u32,
}

/// What [`StaffStore::begin_sign_in_attempt`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptDecision {
    /// Go ahead and check; the attempt counts as a failure until forgotten.
    Allowed(i64),
    /// Too many failures for the account.
    AccountLocked,
    /// Too many failures from the address.
    AddressLocked,
}

/// A public URL's worth of an article for sitemaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub slug: Slug,
    pub modified_at: DateTime<Utc>,
    pub language: String,
    pub translation_group: Option<i64>,
}

/// One run of a sitemap's articles (see [`ReadingStore::sitemap_parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapPart {
    /// From 0.
    pub number: u64,
    pub articles: u64,
    pub latest: DateTime<Utc>,
}

/// What a check for due work found: whether pages changed (articles came due, pins
/// ran out), and the scheduled articles that became public, each reported by one
/// check only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Due {
    pub changed: bool,
    pub published: Vec<kolokol_core::ArticleId>,
}

/// Everything Kolokol keeps in its database.
///
/// "Now" is always passed in, never read inside a query, so that scheduled articles
/// appear at the same moment on every node and tests control the clock.
#[async_trait]
pub trait Store:
    NewsletterStore
    + SubscriberStore
    + RevenueStore
    + SupporterStore
    + TaxonomyStore
    + AccountStore
    + BylineStore
    + PageStore
    + ReadingStore
    + DeskStore
    + MediaStore
    + StaffStore
    + JobStore
    + WebhookStore
    + TranslationStore
    + BackupStore
    + ImportStore
    + ApiKeyStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    /// Applies pending schema migrations.
    async fn migrate(&self) -> Result<(), StoreError>;
    /// A number that grows on every content change; page caches compare it.
    async fn content_version(&self) -> Result<i64, StoreError>;
    /// What an operator's metrics show of the database: work waiting and the pool.
    async fn vitals(&self) -> Result<Vitals, StoreError>;
    /// The settings saved in the admin, as JSON, if any were.
    async fn site_settings(&self) -> Result<Option<String>, StoreError>;
    /// Saves the settings and bumps the content version, so every node re-renders.
    async fn save_site_settings(
        &self,
        json: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn record_audit(
        &self,
        user: Option<UserId>,
        action: &str,
        subject: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The latest audit entries, newest first.
    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;
    /// Gives texts written before the site had languages (no language recorded)
    /// the site's main language `main`; nothing once every text has one.
    async fn adopt_language(&self, main: &str) -> Result<(), StoreError>;
}

/// The database's share of `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Vitals {
    /// Background jobs waiting for their time or a node, and being worked on.
    pub jobs_queued: i64,
    pub jobs_running: i64,
    /// Newsletter deliveries of the issues now being sent, by state.
    pub deliveries: kolokol_core::DeliveryProgress,
    /// This node's database connections: open, and of those idle.
    pub pool_size: u32,
    pub pool_idle: u32,
}

/// A signed-in browser: who, the CSRF token of its forms, and whether it has passed
/// the second factor (always, for accounts without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub verified: bool,
}

/// A shared handle to whichever backend the configuration chose.
pub type DynStore = Arc<dyn Store>;

/// Connects to the database named by `url`: `sqlite://…` or `postgres://…`, with
/// the backend's own number of connections.
pub async fn connect(url: &str) -> Result<DynStore, StoreError> {
    connect_with(url, 0).await
}

/// Connects as [`connect`] does, keeping at most `connections` open (0: the
/// backend's own number, [`SQLITE_CONNECTIONS`] or [`POSTGRES_CONNECTIONS`]).
pub async fn connect_with(url: &str, connections: u32) -> Result<DynStore, StoreError> {
    Ok(Arc::new(SqlStore::connect_with(url, connections).await?))
}

/// How many connections an SQLite store keeps unless told otherwise.
pub const SQLITE_CONNECTIONS: u32 = 4;
/// How many connections a PostgreSQL store keeps unless told otherwise.
pub const POSTGRES_CONNECTIONS: u32 = 16;

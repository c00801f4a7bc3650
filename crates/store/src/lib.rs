//! Storage for Kolokol: one [`Store`] trait, two backends.
//!
//! SQLite (embedded, WAL) is the default; PostgreSQL is chosen by a `postgres://` URL
//! for deployments with several app nodes. Each backend has its own `migrations/`
//! folder. The queries themselves are portable SQL written once in [`sql`], so the two
//! backends cannot drift apart; only connecting and migrating differ.

mod accounts;
mod bylines;
mod error;
mod newsletter;
mod postgres;
pub mod related;
mod revenue;
mod rows;
mod sql;
mod sqlite;
mod standing;
mod taxonomy;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kolokol_core::{
    Article, ArticleDraft, ArticleId, ArticleListing, ArticleStatus, ArticleSummary, Audit,
    AuditEntry, Author, EditableArticle, Email, Invitation, LibraryImage, NewArticle, NewImage,
    PageRequest, Paginated, Revision, Role, Section, Slug, Tag, User, UserId,
};

pub use accounts::AccountStore;
pub use bylines::BylineStore;
pub use error::StoreError;
pub use newsletter::{
    CONFIRMATION_RESEND_SECS, ImportReport, MAX_DELIVERY_ATTEMPTS, NewsletterStore,
};
pub use postgres::PostgresStore;
pub use revenue::RevenueStore;
pub use sqlite::SqliteStore;
pub use standing::PageStore;
pub use taxonomy::{SectionRemoval, TaxonomyStore};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Which published articles a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArticleFilter {
    pub section_id: Option<i64>,
    pub tag_id: Option<i64>,
    pub author_id: Option<i64>,
    /// Only articles published at or after this time (the Google News sitemap).
    pub published_since: Option<DateTime<Utc>>,
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

/// What [`Store::begin_sign_in_attempt`] decided.
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
}

/// Everything Kolokol keeps in its database.
///
/// "Now" is always passed in, never read inside a query, so that scheduled articles
/// appear at the same moment on every node and tests control the clock.
#[async_trait]
pub trait Store:
    NewsletterStore
    + RevenueStore
    + TaxonomyStore
    + AccountStore
    + BylineStore
    + PageStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Applies pending schema migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// A number that grows on every content change; page caches compare it.
    async fn content_version(&self) -> Result<i64, StoreError>;

    /// Whether any article exists at all (used to seed the demo only once).
    async fn has_articles(&self) -> Result<bool, StoreError>;

    async fn create_tag(&self, slug: &Slug, name: &str) -> Result<Tag, StoreError>;
    /// Adds an image (and its renditions) to the library.
    async fn create_image(
        &self,
        image: &NewImage,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Creates an article with its authors, tags and corrections, all or nothing.
    async fn create_article(
        &self,
        article: &NewArticle,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<ArticleId, StoreError>;

    /// Sections in navigation order.
    async fn sections(&self) -> Result<Vec<Section>, StoreError>;
    async fn section_by_slug(&self, slug: &Slug) -> Result<Option<Section>, StoreError>;
    async fn tag_by_slug(&self, slug: &Slug) -> Result<Option<Tag>, StoreError>;
    /// Every tag, by name.
    async fn tags(&self) -> Result<Vec<Tag>, StoreError>;
    async fn author_by_slug(&self, slug: &Slug) -> Result<Option<Author>, StoreError>;

    /// Published articles, newest first.
    async fn published_articles(
        &self,
        filter: &ArticleFilter,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Paginated<ArticleSummary>, StoreError>;

    /// A published article by its slug.
    async fn published_article(
        &self,
        slug: &Slug,
        now: DateTime<Utc>,
    ) -> Result<Option<Article>, StoreError>;

    /// Other published articles that share the section or tags, best match first.
    async fn related_articles(
        &self,
        article: &Article,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ArticleSummary>, StoreError>;

    /// Every published article's slug and modification time, newest first.
    async fn sitemap_entries(&self, now: DateTime<Utc>) -> Result<Vec<SitemapEntry>, StoreError>;

    /// Whole published articles, newest first, after `after` (time and id of the last
    /// one of the previous batch): the static export reads the site this way, a batch
    /// at a time, in a handful of queries per batch.
    async fn published_articles_whole(
        &self,
        after: Option<(DateTime<Utc>, ArticleId)>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<Article>, StoreError>;
    /// A run of a list, newest first, after the (time, id) of the last one seen: the
    /// same articles as [`Store::published_articles`] pages through, in one pass.
    async fn published_articles_after(
        &self,
        filter: &ArticleFilter,
        after: Option<(DateTime<Utc>, ArticleId)>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ArticleSummary>, StoreError>;
    /// Published articles' summaries by id, in no particular order.
    async fn published_summaries(
        &self,
        ids: &[ArticleId],
        now: DateTime<Utc>,
    ) -> Result<Vec<ArticleSummary>, StoreError>;
    /// Every published article's section, time and tags, for computing "related"
    /// for a whole site at once (the same rule as [`Store::related_articles`]).
    async fn related_index(&self, now: DateTime<Utc>) -> Result<related::RelatedIndex, StoreError>;

    /// The current slug of the article that used to live at `old`, if any.
    async fn redirect_for(&self, old: &Slug) -> Result<Option<Slug>, StoreError>;

    /// Bumps the content version when a scheduled article has come due (or a
    /// front-page pin ran out) since the last check, so every node's cache shows
    /// it. Returns whether one had.
    async fn publish_due(&self, now: DateTime<Utc>) -> Result<bool, StoreError>;

    // --- Settings ---

    /// The settings saved in the admin, as JSON, if any were.
    async fn site_settings(&self) -> Result<Option<String>, StoreError>;
    /// Saves the settings and bumps the content version, so every node re-renders.
    async fn save_site_settings(
        &self,
        json: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    // --- The media library ---

    /// The newest images first.
    async fn images(&self, limit: u32) -> Result<Vec<LibraryImage>, StoreError>;
    async fn image(&self, id: i64) -> Result<Option<LibraryImage>, StoreError>;

    // --- The newsroom: staff and sessions ---

    /// Creates a staff account with a public author profile of the same name.
    async fn create_user(
        &self,
        email: &Email,
        name: &str,
        role: Role,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError>;
    /// The account and its password hash, for signing in.
    async fn user_for_login(&self, email: &Email) -> Result<Option<(User, String)>, StoreError>;
    /// Every account, disabled ones included (see `disabled_users`).
    async fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Ids of disabled accounts.
    async fn disabled_users(&self) -> Result<Vec<UserId>, StoreError>;
    async fn set_user_role(
        &self,
        user: UserId,
        role: Role,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Disables (ending every session) or re-enables an account.
    async fn set_user_disabled(
        &self,
        user: UserId,
        disabled: bool,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn authors(&self) -> Result<Vec<Author>, StoreError>;

    /// Opens a session; `verified` is false while it waits for the second factor.
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        verified: bool,
    ) -> Result<(), StoreError>;
    /// The session behind a token, if it is still valid.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError>;
    /// Marks a session as having passed the second factor.
    async fn verify_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// The account's TOTP secret (base32), pending or enabled.
    async fn totp_secret(&self, user: UserId) -> Result<Option<String>, StoreError>;
    /// Stores a new secret awaiting confirmation (not while two-factor is on).
    async fn set_pending_totp(&self, user: UserId, secret: &str) -> Result<(), StoreError>;
    /// Turns two-factor on with these (hashed) recovery codes, replacing older ones.
    async fn enable_totp(
        &self,
        user: UserId,
        recovery_code_hashes: &[String],
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn disable_totp(
        &self,
        user: UserId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Uses up a recovery code; false when it is unknown or already used.
    async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Records an invitation (the token hashed) valid until `expires_at`.
    async fn create_invitation(
        &self,
        token_hash: &str,
        invitation: &Invitation,
        invited_by: UserId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// An unused, unexpired invitation.
    async fn invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError>;
    /// Uses the invitation up and creates the account, all or nothing. None when the
    /// invitation is used, expired or unknown.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        name: &str,
        password_hash: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError>;

    /// Counts a sign-in attempt and decides on it in one transaction, under a lock on
    /// the account's and the address's rows, so a burst of parallel tries gets at
    /// most the limit evaluated. The attempt is recorded as a failure at once (and
    /// returned as `Allowed(id)`); [`Store::forget_sign_in_attempt`] takes it back
    /// when it succeeds. A refused attempt records nothing, so refusals never prolong
    /// the wait. `account_limit: None` skips the account's count (a second factor is
    /// typed along with the password), an empty `address` skips the address's.
    async fn begin_sign_in_attempt(
        &self,
        attempt: &SignInAttempt<'_>,
        now: DateTime<Utc>,
    ) -> Result<AttemptDecision, StoreError>;
    /// Takes back an attempt that succeeded.
    async fn forget_sign_in_attempt(&self, id: i64) -> Result<(), StoreError>;
    /// Marks the authenticator's time step `step` used by `user`; false when that
    /// step or a later one was used already (a code works once).
    async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError>;

    // --- The newsroom: articles, revisions, audit ---

    /// Creates (`id` = None) or updates an article from the editor, recording a
    /// revision; a changed slug of a published article leaves a redirect. All or nothing.
    async fn save_article(
        &self,
        id: Option<ArticleId>,
        draft: &ArticleDraft,
        by: UserId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<ArticleId, StoreError>;
    async fn editable_article(&self, id: ArticleId) -> Result<Option<EditableArticle>, StoreError>;
    /// A page of the newsroom's article list, newest change first, as the query
    /// narrows it.
    async fn article_listing(
        &self,
        query: &ListingQuery,
        page: PageRequest,
    ) -> Result<Paginated<ArticleListing>, StoreError>;
    /// Publishes (now or at a later time) or withdraws an article.
    async fn set_publication(
        &self,
        id: ArticleId,
        status: ArticleStatus,
        published_at: Option<DateTime<Utc>>,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn mark_updated(
        &self,
        id: ArticleId,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn add_correction(
        &self,
        id: ArticleId,
        body: &str,
        audit: &Audit,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Revisions of an article, newest first.
    async fn revisions(&self, id: ArticleId) -> Result<Vec<Revision>, StoreError>;

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

/// Connects to the database named by `url`: `sqlite://…` or `postgres://…`.
pub async fn connect(url: &str) -> Result<DynStore, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

//! Kolokol's domain: the newsroom's vocabulary as types, parsed once at the edge and
//! valid everywhere after. Nothing in this crate does I/O.

pub mod article;
pub mod byline;
pub mod config;
pub mod editor;
pub mod form;
pub mod jobs;
pub mod newsletter;
pub mod page;
pub mod revenue;
pub mod settings;
pub mod slug;
pub mod staff;
pub mod standing;
pub mod taxonomy;
pub mod webhooks;

pub use article::{
    Article, ArticleId, ArticleStatus, ArticleSummary, Author, Correction, HeroImage, ImageVariant,
    LibraryImage, NewArticle, NewImage, Section, Tag, Translation, Translations,
};
pub use byline::{AuthorForm, AuthorInput, AuthorRecord};
pub use config::{
    BannedNotice, Banner, Config, MediaConfig, MediaStoreKind, NavLink, NewsletterConfig,
    RevenueConfig, SiteConfig,
};
pub use editor::{
    ArticleDraft, ArticleForm, ArticleListing, AuditEntry, EditableArticle, FieldErrors, Revision,
};
pub use form::{Arg, Message};
pub use jobs::{Job, JobEnd, JobState, NewJob};
pub use newsletter::{
    DeliveryOutcome, DeliveryProgress, FrozenIssue, ImportedSubscriber, IssueDraft, IssueForm,
    IssueStatus, NewsletterIssue, NewsletterSettings, Recipient, Signup, SignupOutcome, Subscriber,
    SubscriberStats, SubscriberStatus, WeekGrowth, WeeklySchedule,
};
pub use page::{ArticleFilter, PageMarks, PageNumber, PageRequest, Paginated};
pub use revenue::{Currency, Frequency, Money};
pub use settings::{SettingsForm, SiteSettings};
pub use slug::{Slug, SlugError};
pub use staff::{Email, Invitation, Role, User, UserId};
pub use standing::{
    FrontPick, PageDraft, PageForm, PageLink, PageRecord, PageRevision, PinSlot, Placement,
};
pub use taxonomy::{Audit, SectionForm, SectionInput, SectionRecord, TagRecord};
pub use webhooks::{ApiKey, Webhook, WebhookDelivery, WebhookEvent};

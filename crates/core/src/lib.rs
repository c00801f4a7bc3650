//! Kolokol's domain: the newsroom's vocabulary as types, parsed once at the edge and
//! valid everywhere after. Nothing in this crate does I/O.

pub mod article;
pub mod config;
pub mod page;
pub mod slug;

pub use article::{
    Article, ArticleId, ArticleStatus, ArticleSummary, Author, Correction, HeroImage, ImageVariant,
    NewArticle, NewImage, Section, Tag,
};
pub use config::{BannedNotice, Banner, Config, SiteConfig};
pub use page::{PageNumber, PageRequest, Paginated};
pub use slug::{Slug, SlugError};

//! Everything that turns Kolokol's content into bytes for readers and machines:
//! Markdown with its sanitiser, the theme's templates and assets, feeds, sitemaps
//! and structured data. No I/O beyond reading the theme folder.

pub mod feeds;
pub mod i18n;
pub mod jsonld;
pub mod links;
pub mod markdown;
pub mod pages;
pub mod policy;
pub mod qr;
pub mod sitemap;
pub mod theme;
pub mod urls;
pub mod views;

pub use theme::{Theme, ThemeError};

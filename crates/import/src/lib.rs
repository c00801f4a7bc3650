//! Bringing a newsroom's archive over from WordPress or Ghost.
//!
//! Each reader turns an export into one shape — a [`Head`] (people, categories, tags)
//! and a stream of [`Entry`]s — checked whole before anything is written; [`apply`]
//! then writes it through the operations layer, one article at a time, each whole or
//! not at all. Running it again updates what it wrote instead of adding it twice, so
//! an interrupted import is finished by running it again.

pub mod apply;
pub mod ghost;
pub mod html;
pub mod run;
pub mod wordpress;

use chrono::{DateTime, Utc};

pub use apply::{Options, Outcome, Report, apply};
pub use run::{Progress, origin_of, run};

/// The largest export file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 160 * 1024 * 1024;

/// Where an export came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    WordPress,
    Ghost,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Self::WordPress => "WordPress",
            Self::Ghost => "Ghost",
        }
    }
}

/// A category or a tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    /// As the export has it (maybe percent-encoded).
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Where the old site showed it, as root-relative paths.
    pub addresses: Vec<String>,
}

/// A writer of the old site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// What items name them by (a WordPress login, a Ghost id).
    pub key: String,
    pub slug: String,
    pub name: String,
    pub bio: String,
    pub addresses: Vec<String>,
}

/// Everything an export says before its posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub origin: Origin,
    /// The old site's address, e.g. `https://old.example`.
    pub site_url: String,
    pub people: Vec<Person>,
    pub categories: Vec<Term>,
    pub tags: Vec<Term>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post,
    Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Published,
    Scheduled,
    Draft,
}

/// A picture by its address on the old site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picture {
    pub url: String,
    pub alt: String,
    pub caption: String,
}

/// A post or a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    /// The old site's id.
    pub id: String,
    pub title: String,
    /// As the export has it (maybe empty, maybe percent-encoded).
    pub slug: String,
    pub excerpt: String,
    /// The body, as HTML.
    pub html: String,
    /// The body in Markdown, when the export carries it as such (a Lexical document
    /// of one Markdown card, as Kolokol's own Ghost export writes): taken as it is.
    pub markdown: Option<String>,
    /// The language it is written in, when the export says (`#lang-ru` in Ghost).
    pub language: Option<String>,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// [`Person::key`]s, the main author first.
    pub authors: Vec<String>,
    /// Category slugs, as the export has them.
    pub categories: Vec<String>,
    /// Tag slugs, as the export has them.
    pub tags: Vec<String>,
    pub featured: Option<Picture>,
    pub seo_title: String,
    pub seo_description: String,
    /// Where the old site showed it, as root-relative paths (with `?p=` queries).
    pub addresses: Vec<String>,
    /// What reading it changed, for the report.
    pub notes: Vec<String>,
}

/// One thing of the export: an item to write, or one that is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Item(Box<Item>),
    Skipped { what: String, why: String },
}

/// Why an export cannot be read; nothing has been written.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is {0} MB; exports of at most {max} MB are read", max = MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge(u64),
    #[error("this is not a well-formed WordPress export: {0}")]
    Xml(String),
    #[error("this is not a WordPress export (WXR): {0}")]
    NotWxr(String),
    #[error("this is not a Ghost export: {0}")]
    NotGhost(String),
}

/// The path part of `url` when it is on the old site (`site_url`), with its query,
/// percent-decoded and without a trailing slash: how [`Item::addresses`] are kept.
pub fn old_path(site_url: &str, url: &str) -> Option<String> {
    let base = url::Url::parse(site_url).ok();
    let parsed = match &base {
        Some(base) => base.join(url).ok()?,
        None => url::Url::parse(url).ok()?,
    };
    if let Some(base) = &base
        && (parsed.host_str() != base.host_str())
    {
        return None;
    }
    let mut path = normal_path(parsed.path());
    if let Some(query) = parsed.query() {
        path.push('?');
        path.push_str(query);
    }
    Some(path)
}

/// A request path as old addresses are kept: percent-decoded, no trailing slash.
pub fn normal_path(path: &str) -> String {
    let decoded = percent_decode(path);
    let trimmed = decoded.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `%d0%bf` and the like read back into text (kept as written when that is not UTF-8).
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_owned(), std::borrow::Cow::into_owned)
}

/// Refuses a file too large to read.
pub(crate) fn check_size(path: &std::path::Path) -> Result<(), ReadError> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(size / 1024 / 1024));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_addresses_are_decoded_paths_on_the_old_site() {
        let site = "https://old.example";
        assert_eq!(
            old_path(site, "https://old.example/2024/05/01/%d0%bc%d0%b8%d1%80/").as_deref(),
            Some("/2024/05/01/мир")
        );
        assert_eq!(
            old_path(site, "https://old.example/?p=12").as_deref(),
            Some("/?p=12")
        );
        assert_eq!(old_path(site, "https://other.example/x"), None);
        assert_eq!(normal_path("/"), "/");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}

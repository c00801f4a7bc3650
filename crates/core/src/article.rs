//! Articles and what they hang on: sections, tags, authors, hero images, corrections.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::slug::Slug;

/// The database id of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ArticleId(pub i64);

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    Draft,
    Published,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "draft" => Some(Self::Draft),
            "published" => Some(Self::Published),
            _ => None,
        }
    }
}

/// A section of the site, such as Politics or Culture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    /// Whether the site's menu lists it.
    pub in_menu: bool,
    /// Its name and description in the site's other languages.
    pub translations: Translations,
}

/// Texts of a section or an author in the site's other languages: language →
/// field (`name`, `description`, `title`, `bio`) → text. A field left out is said
/// in the main language.
pub type Translations =
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

/// `field` in `language`, when the translations have it.
fn translated<'a>(translations: &'a Translations, language: &str, field: &str) -> Option<&'a str> {
    translations
        .get(language)
        .and_then(|fields| fields.get(field))
        .map(String::as_str)
        .filter(|text| !text.trim().is_empty())
}

impl Section {
    /// The section as readers of `language` see it.
    pub fn localize(&mut self, language: &str) {
        if let Some(name) = translated(&self.translations, language, "name") {
            self.name = name.to_owned();
        }
        if let Some(description) = translated(&self.translations, language, "description") {
            self.description = description.to_owned();
        }
    }
}

impl Author {
    /// The author as readers of `language` see them.
    pub fn localize(&mut self, language: &str) {
        for (field, value) in [
            ("name", &mut self.name),
            ("title", &mut self.title),
            ("bio", &mut self.bio),
        ] {
            if let Some(text) = translated(&self.translations, language, field) {
                *value = text.to_owned();
            }
        }
    }
}

impl ArticleSummary {
    /// The article's section and authors as named in `sections` and `authors`,
    /// already put in the readers' language (rows joined to articles carry no
    /// translations).
    pub fn localize(&mut self, sections: &[Section], authors: &[Author]) {
        if let Some(section) = sections.iter().find(|s| s.id == self.section.id) {
            self.section = section.clone();
        }
        for author in &mut self.authors {
            if let Some(named) = authors.iter().find(|a| a.id == author.id) {
                *author = named.clone();
            }
        }
    }
}

/// One version of a text in a translation group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Translation {
    pub id: i64,
    /// BCP 47.
    pub language: String,
    pub slug: Slug,
    pub title: String,
    /// Readers can see it (published and due).
    pub live: bool,
}

/// A tag that cuts across sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    /// Its name in the site's other languages.
    pub translations: Translations,
}

impl Tag {
    /// The tag as readers of `language` see it.
    pub fn localize(&mut self, language: &str) {
        if let Some(name) = translated(&self.translations, language, "name") {
            self.name = name.to_owned();
        }
    }
}

/// A person who writes for the newsroom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    pub title: String,
    /// Markdown.
    pub bio: String,
    /// A picture from the media library.
    pub photo_image_id: Option<i64>,
    /// Where else to find them: a website, a social profile.
    pub links: Vec<crate::config::NavLink>,
    /// Name, title and bio in the site's other languages.
    pub translations: Translations,
}

/// One resized rendition of an image, used in `srcset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ImageVariant {
    pub width: u32,
    pub height: u32,
    /// Path relative to the media folder, e.g. `2026/11/harbour-960.jpg`.
    pub path: String,
    pub mime: String,
}

/// The photo at the top of an article with its caption, credit and alt text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct HeroImage {
    pub image_id: i64,
    pub width: u32,
    pub height: u32,
    pub path: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// Renditions, narrowest first.
    pub variants: Vec<ImageVariant>,
}

/// A correction note attached to a published article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub created_at: DateTime<Utc>,
    pub body: String,
}

/// What list pages need to know about an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub slug: Slug,
    pub headline: String,
    pub dek: String,
    pub section: Section,
    pub authors: Vec<Author>,
    pub hero: Option<HeroImage>,
    pub published_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// When anything about the article last changed; drives feeds, sitemaps and caching.
    pub modified_at: DateTime<Utc>,
    pub reading_minutes: u32,
    /// BCP 47: the language it is written in.
    pub language: String,
    /// The articles that are translations of each other share this.
    pub translation_group: Option<i64>,
}

/// A whole article as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub summary: ArticleSummary,
    pub body_markdown: String,
    pub dateline: String,
    pub seo_title: String,
    pub seo_description: String,
    pub tags: Vec<Tag>,
    pub corrections: Vec<Correction>,
}

/// An image in the media library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LibraryImage {
    pub id: i64,
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub mime: String,
    pub created_at: DateTime<Utc>,
    /// Renditions, narrowest first.
    pub variants: Vec<ImageVariant>,
}

/// An image to store, with its renditions already written to the media folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImage {
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub mime: String,
    pub variants: Vec<ImageVariant>,
}

impl NewImage {
    /// The paths of its files: the original, then each rendition.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.path.as_str()).chain(self.variants.iter().map(|v| v.path.as_str()))
    }
}

/// Everything needed to create an article in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub slug: Slug,
    pub headline: String,
    pub dek: String,
    pub body_markdown: String,
    pub dateline: String,
    pub section_id: i64,
    pub author_ids: Vec<i64>,
    pub tag_ids: Vec<i64>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub hero_image_id: Option<i64>,
    pub hero_alt: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub seo_title: String,
    pub seo_description: String,
    pub corrections: Vec<Correction>,
    /// BCP 47: the language it is written in.
    pub language: String,
    /// The article this one translates (they join one translation group).
    pub translation_of: Option<ArticleId>,
}

/// How many words `text` has, as the reading time counts them.
pub fn word_count(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// Minutes a reader needs for `words` words, at 230 words a minute, never less than one.
pub fn reading_minutes_for_words(words: u64) -> u32 {
    u32::try_from(words.div_ceil(230))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// Minutes a reader needs for `text`.
pub fn reading_minutes(text: &str) -> u32 {
    reading_minutes_for_words(word_count(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_rounds_up_and_is_at_least_a_minute() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes(&"word ".repeat(230)), 1);
        assert_eq!(reading_minutes(&"word ".repeat(231)), 2);
    }

    #[test]
    fn status_round_trips() {
        for status in [ArticleStatus::Draft, ArticleStatus::Published] {
            assert_eq!(ArticleStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ArticleStatus::parse("deleted"), None);
    }
}

//! Rows as both backends return them, and their conversion into domain types.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kolokol_core::article::reading_minutes_for_words;
use kolokol_core::{
    ArticleId, ArticleSummary, Author, Correction, HeroImage, ImageVariant, Section, Slug, Tag,
};

use crate::{SitemapEntry, StoreError};

pub(crate) fn slug(value: String) -> Result<Slug, StoreError> {
    Slug::parse(&value).map_err(|e| StoreError::Corrupt(format!("slug {value:?}: {e}")))
}

/// Names in other languages as the `translations` column holds them (JSON).
pub(crate) fn translations(json: &str) -> Result<kolokol_core::Translations, StoreError> {
    if json.is_empty() {
        return Ok(kolokol_core::Translations::new());
    }
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("translations: {e}")))
}

/// The `translations` column's text.
pub(crate) fn translations_json(value: &kolokol_core::Translations) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".into())
}

pub(crate) fn time(secs: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| StoreError::Corrupt(format!("time {secs}")))
}

fn dimension(value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("image dimension {value}")))
}

#[derive(sqlx::FromRow)]
pub(crate) struct SectionRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
    in_menu: i64,
    /// Only the section lists select it; a section joined to an article row has none.
    #[sqlx(default)]
    translations: String,
}

impl SectionRow {
    pub(crate) fn into_section(self) -> Result<Section, StoreError> {
        Ok(Section {
            id: self.id,
            slug: slug(self.slug)?,
            name: self.name,
            description: self.description,
            in_menu: self.in_menu != 0,
            translations: translations(&self.translations)?,
        })
    }
}

/// Read from its statement, or from a JSON array of its columns in order
/// (`sql::json_rows`), as are [`AuthorRow`] and [`CorrectionRow`].
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct TagRow {
    id: i64,
    slug: String,
    name: String,
    translations: String,
}

impl TagRow {
    pub(crate) fn into_tag(self) -> Result<Tag, StoreError> {
        Ok(Tag {
            id: self.id,
            slug: slug(self.slug)?,
            name: self.name,
            translations: translations(&self.translations)?,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct AuthorRow {
    id: i64,
    slug: String,
    name: String,
    title: String,
    bio: String,
    photo_image_id: Option<i64>,
    links: String,
    #[sqlx(default)]
    #[serde(default)]
    translations: String,
}

impl AuthorRow {
    pub(crate) fn into_author(self) -> Result<Author, StoreError> {
        Ok(Author {
            id: self.id,
            slug: slug(self.slug)?,
            name: self.name,
            title: self.title,
            bio: self.bio,
            photo_image_id: self.photo_image_id,
            links: kolokol_core::byline::parse_links(&self.links).unwrap_or_default(),
            translations: translations(&self.translations)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ArticleAuthorRow {
    pub(crate) article_id: i64,
    #[sqlx(flatten)]
    pub(crate) author: AuthorRow,
}

#[derive(sqlx::FromRow)]
pub(crate) struct VariantRow {
    pub(crate) image_id: i64,
    width: i64,
    height: i64,
    path: String,
    mime: String,
}

impl VariantRow {
    pub(crate) fn into_variant(self) -> Result<ImageVariant, StoreError> {
        Ok(ImageVariant {
            width: dimension(self.width)?,
            height: dimension(self.height)?,
            path: self.path,
            mime: self.mime,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct CorrectionRow {
    created_at: i64,
    body: String,
}

impl CorrectionRow {
    pub(crate) fn into_correction(self) -> Result<Correction, StoreError> {
        Ok(Correction {
            created_at: time(self.created_at)?,
            body: self.body,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SitemapRow {
    slug: String,
    modified_at: i64,
    language: String,
    translation_group: Option<i64>,
}

impl SitemapRow {
    pub(crate) fn into_entry(self) -> Result<SitemapEntry, StoreError> {
        Ok(SitemapEntry {
            slug: slug(self.slug)?,
            modified_at: time(self.modified_at)?,
            language: self.language,
            translation_group: self.translation_group,
        })
    }
}

/// The columns every article list selects (see `sql::SUMMARY_SELECT`).
#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    pub(crate) id: i64,
    slug: String,
    headline: String,
    dek: String,
    word_count: i64,
    pub(crate) section_id: i64,
    section_slug: String,
    section_name: String,
    section_description: String,
    section_in_menu: i64,
    published_at: Option<i64>,
    updated_at: Option<i64>,
    modified_at: i64,
    pub(crate) hero_image_id: Option<i64>,
    hero_alt: String,
    hero_caption: String,
    hero_credit: String,
    image_width: Option<i64>,
    image_height: Option<i64>,
    image_path: Option<String>,
    language: String,
    translation_group: Option<i64>,
}

/// The body and SEO fields that only the article page needs.
#[derive(sqlx::FromRow)]
pub(crate) struct ArticleExtraRow {
    pub(crate) body_md: String,
    pub(crate) dateline: String,
    pub(crate) seo_title: String,
    pub(crate) seo_description: String,
}

impl ArticleExtraRow {
    /// The whole article: `summary` with this body, and its tags and corrections.
    pub(crate) fn into_article(
        self,
        summary: kolokol_core::ArticleSummary,
        tags: Vec<Tag>,
        corrections: Vec<Correction>,
    ) -> kolokol_core::Article {
        kolokol_core::Article {
            summary,
            body_markdown: self.body_md,
            dateline: self.dateline,
            seo_title: self.seo_title,
            seo_description: self.seo_description,
            tags,
            corrections,
        }
    }
}

/// An article page's row: its summary and the rest, read at once.
#[derive(sqlx::FromRow)]
pub(crate) struct WholeRow {
    #[sqlx(flatten)]
    pub(crate) summary: SummaryRow,
    #[sqlx(flatten)]
    pub(crate) extra: ArticleExtraRow,
}

/// An article page's row (`sql::article_by_slug`): the article, and its tags,
/// corrections and authors as JSON arrays.
#[derive(sqlx::FromRow)]
pub(crate) struct ArticlePageRow {
    #[sqlx(flatten)]
    pub(crate) whole: WholeRow,
    tags_json: String,
    corrections_json: String,
    authors_json: String,
}

/// A summary's row with its authors as a JSON array
/// (`sql::published_summaries_with_authors`).
#[derive(sqlx::FromRow)]
pub(crate) struct SummaryAuthorsRow {
    #[sqlx(flatten)]
    pub(crate) summary: SummaryRow,
    authors_json: String,
}

/// The rows of a JSON array the database made (`sql::json_rows`).
fn json_rows<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("an article's {what} cannot be read: {e}")))
}

/// The authors of article `article_id` from `sql::authors_json`'s array.
fn authors_from_json(article_id: i64, json: &str) -> Result<Vec<ArticleAuthorRow>, StoreError> {
    Ok(json_rows::<AuthorRow>(json, "authors")?
        .into_iter()
        .map(|author| ArticleAuthorRow { article_id, author })
        .collect())
}

/// An article page's row read: the article, its tags, corrections and authors.
pub(crate) struct ArticleParts {
    pub(crate) whole: WholeRow,
    pub(crate) tags: Vec<Tag>,
    pub(crate) corrections: Vec<Correction>,
    pub(crate) authors: Vec<ArticleAuthorRow>,
}

impl ArticlePageRow {
    /// The article's row, tags, corrections and authors.
    pub(crate) fn into_parts(self) -> Result<ArticleParts, StoreError> {
        let tags = json_rows::<TagRow>(&self.tags_json, "tags")?
            .into_iter()
            .map(TagRow::into_tag)
            .collect::<Result<Vec<_>, _>>()?;
        let corrections = json_rows::<CorrectionRow>(&self.corrections_json, "corrections")?
            .into_iter()
            .map(CorrectionRow::into_correction)
            .collect::<Result<Vec<_>, _>>()?;
        let authors = authors_from_json(self.whole.summary.id, &self.authors_json)?;
        Ok(ArticleParts {
            whole: self.whole,
            tags,
            corrections,
            authors,
        })
    }
}

impl SummaryAuthorsRow {
    /// The summary's row and its authors.
    pub(crate) fn into_parts(self) -> Result<(SummaryRow, Vec<ArticleAuthorRow>), StoreError> {
        let authors = authors_from_json(self.summary.id, &self.authors_json)?;
        Ok((self.summary, authors))
    }
}

/// Joins article rows with their authors and image renditions, keeping the row order.
pub(crate) fn assemble_summaries(
    rows: Vec<SummaryRow>,
    authors: Vec<ArticleAuthorRow>,
    variants: Vec<VariantRow>,
) -> Result<Vec<ArticleSummary>, StoreError> {
    let mut authors_by_article: HashMap<i64, Vec<Author>> = HashMap::new();
    for row in authors {
        authors_by_article
            .entry(row.article_id)
            .or_default()
            .push(row.author.into_author()?);
    }
    let mut variants_by_image: HashMap<i64, Vec<ImageVariant>> = HashMap::new();
    for row in variants {
        variants_by_image
            .entry(row.image_id)
            .or_default()
            .push(row.into_variant()?);
    }
    rows.into_iter()
        .map(|row| {
            let hero = match (
                row.hero_image_id,
                row.image_width,
                row.image_height,
                row.image_path,
            ) {
                (Some(image_id), Some(width), Some(height), Some(path)) => Some(HeroImage {
                    image_id,
                    width: dimension(width)?,
                    height: dimension(height)?,
                    path,
                    alt: row.hero_alt,
                    caption: row.hero_caption,
                    credit: row.hero_credit,
                    // Translations share their original's picture: one image, many rows.
                    variants: variants_by_image
                        .get(&image_id)
                        .cloned()
                        .unwrap_or_default(),
                }),
                _ => None,
            };
            let published_at = time(row.published_at.unwrap_or(row.modified_at))?;
            Ok(ArticleSummary {
                id: ArticleId(row.id),
                slug: slug(row.slug)?,
                headline: row.headline,
                dek: row.dek,
                section: Section {
                    id: row.section_id,
                    slug: slug(row.section_slug)?,
                    name: row.section_name,
                    description: row.section_description,
                    in_menu: row.section_in_menu != 0,
                    translations: kolokol_core::Translations::new(),
                },
                authors: authors_by_article.remove(&row.id).unwrap_or_default(),
                hero,
                published_at,
                updated_at: row.updated_at.map(time).transpose()?,
                modified_at: time(row.modified_at)?,
                reading_minutes: reading_minutes_for_words(
                    u64::try_from(row.word_count).unwrap_or(0),
                ),
                language: row.language,
                translation_group: row.translation_group,
            })
        })
        .collect()
}

/// `$start, $start+1, …` for an `IN (…)` list of `count` values.
pub(crate) fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_for_both_backends() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
        assert_eq!(super::placeholders(1, 0), "");
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    author_id: Option<i64>,
    totp_enabled: i64,
    language: String,
}

impl UserRow {
    pub(crate) fn into_user(self) -> Result<kolokol_core::User, StoreError> {
        Ok(kolokol_core::User {
            id: kolokol_core::UserId(self.id),
            email: kolokol_core::Email::parse(&self.email)
                .map_err(|_| StoreError::Corrupt(format!("e-mail {:?}", self.email)))?,
            name: self.name,
            role: kolokol_core::Role::parse(&self.role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {:?}", self.role)))?,
            author_id: self.author_id,
            two_factor: self.totp_enabled != 0,
            language: self.language,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    #[sqlx(flatten)]
    pub(crate) user: UserRow,
    pub(crate) csrf_token: String,
    pub(crate) verified: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserWithSecretRow {
    #[sqlx(flatten)]
    pub(crate) user: UserRow,
    pub(crate) secret: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct EditableRow {
    pub(crate) id: i64,
    headline: String,
    dek: String,
    body_md: String,
    dateline: String,
    slug: String,
    section_id: i64,
    status: String,
    published_at: Option<i64>,
    updated_at: Option<i64>,
    created_by: Option<i64>,
    modified_at: i64,
    hero_image_id: Option<i64>,
    hero_alt: String,
    hero_caption: String,
    hero_credit: String,
    seo_title: String,
    seo_description: String,
    language: String,
}

fn status(value: &str) -> Result<kolokol_core::ArticleStatus, StoreError> {
    kolokol_core::ArticleStatus::parse(value)
        .ok_or_else(|| StoreError::Corrupt(format!("status {value:?}")))
}

impl EditableRow {
    pub(crate) fn into_editable(
        self,
        author_ids: Vec<i64>,
        mut tags: Vec<String>,
        corrections: Vec<Correction>,
    ) -> Result<kolokol_core::EditableArticle, StoreError> {
        // The database's collation may order names differently from the editor.
        kolokol_core::editor::sort_tags(&mut tags);
        Ok(kolokol_core::EditableArticle {
            id: ArticleId(self.id),
            draft: kolokol_core::ArticleDraft {
                headline: self.headline,
                dek: self.dek,
                body_markdown: self.body_md,
                dateline: self.dateline,
                slug: slug(self.slug)?,
                section_id: self.section_id,
                author_ids,
                tags,
                hero_image_id: self.hero_image_id,
                hero_alt: self.hero_alt,
                hero_caption: self.hero_caption,
                hero_credit: self.hero_credit,
                seo_title: self.seo_title,
                seo_description: self.seo_description,
                language: self.language,
            },
            status: status(&self.status)?,
            published_at: self.published_at.map(time).transpose()?,
            updated_at: self.updated_at.map(time).transpose()?,
            created_by: self.created_by.map(kolokol_core::UserId),
            modified_at: time(self.modified_at)?,
            corrections,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ListingRow {
    pub(crate) id: i64,
    slug: String,
    headline: String,
    status: String,
    published_at: Option<i64>,
    modified_at: i64,
    language: String,
}

impl ListingRow {
    pub(crate) fn into_listing(
        self,
        authors: Vec<String>,
    ) -> Result<kolokol_core::ArticleListing, StoreError> {
        Ok(kolokol_core::ArticleListing {
            id: ArticleId(self.id),
            slug: slug(self.slug)?,
            headline: self.headline,
            status: status(&self.status)?,
            published_at: self.published_at.map(time).transpose()?,
            modified_at: time(self.modified_at)?,
            authors,
            language: self.language,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RevisionRow {
    id: i64,
    article_id: i64,
    created_at: i64,
    user_name: Option<String>,
    snapshot: String,
}

impl RevisionRow {
    pub(crate) fn into_revision(self) -> Result<kolokol_core::Revision, StoreError> {
        Ok(kolokol_core::Revision {
            id: self.id,
            article_id: ArticleId(self.article_id),
            created_at: time(self.created_at)?,
            user_name: self.user_name,
            draft: serde_json::from_str(&self.snapshot)
                .map_err(|e| StoreError::Corrupt(format!("revision {}: {e}", self.id)))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    at: i64,
    user_name: Option<String>,
    action: String,
    subject: String,
    detail: String,
}

impl AuditRow {
    pub(crate) fn into_entry(self) -> Result<kolokol_core::AuditEntry, StoreError> {
        Ok(kolokol_core::AuditEntry {
            at: time(self.at)?,
            user_name: self.user_name,
            action: self.action,
            subject: self.subject,
            detail: self.detail,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ImageRow {
    pub(crate) id: i64,
    path: String,
    width: i64,
    height: i64,
    mime: String,
    created_at: i64,
}

impl ImageRow {
    pub(crate) fn into_image(
        self,
        variants: Vec<VariantRow>,
    ) -> Result<kolokol_core::LibraryImage, StoreError> {
        Ok(kolokol_core::LibraryImage {
            id: self.id,
            path: self.path,
            width: dimension(self.width)?,
            height: dimension(self.height)?,
            mime: self.mime,
            created_at: time(self.created_at)?,
            variants: variants
                .into_iter()
                .map(VariantRow::into_variant)
                .collect::<Result<_, _>>()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct InvitationRow {
    email: String,
    name: String,
    role: String,
    expires_at: i64,
}

impl InvitationRow {
    pub(crate) fn into_invitation(self) -> Result<kolokol_core::Invitation, StoreError> {
        Ok(kolokol_core::Invitation {
            email: kolokol_core::Email::parse(&self.email)
                .map_err(|_| StoreError::Corrupt(format!("e-mail {:?}", self.email)))?,
            name: self.name,
            role: kolokol_core::Role::parse(&self.role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {:?}", self.role)))?,
            expires_at: time(self.expires_at)?,
        })
    }
}

//! The article editor's data: the draft a journalist edits, checked field by field,
//! and what the newsroom's lists, revisions and audit log show.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::article::{ArticleId, ArticleStatus, Correction};
use crate::slug::Slug;
use crate::staff::UserId;

/// Longest headline, dek and body we accept, in characters.
pub const MAX_HEADLINE: usize = 300;
pub const MAX_DEK: usize = 1_000;
pub const MAX_BODY: usize = 200_000;
pub const MAX_TAGS: usize = 20;

/// Every field a journalist edits; a revision stores exactly this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDraft {
    pub headline: String,
    pub dek: String,
    pub body_markdown: String,
    pub dateline: String,
    pub slug: Slug,
    pub section_id: i64,
    pub author_ids: Vec<i64>,
    /// Tag names; tags that do not exist yet are created on save.
    pub tags: Vec<String>,
    pub hero_image_id: Option<i64>,
    pub hero_alt: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub seo_title: String,
    pub seo_description: String,
    /// BCP 47: the language it is written in (revisions from before languages have
    /// none, and are in the main language).
    #[serde(default)]
    pub language: String,
}

/// The editor form as submitted: text fields, not yet trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleForm {
    pub headline: String,
    pub dek: String,
    pub body: String,
    pub dateline: String,
    pub slug: String,
    pub section: String,
    /// Author ids, comma-separated (the form's checkboxes are joined by the handler).
    pub authors: String,
    /// Tag names, comma-separated.
    pub tags: String,
    /// The library image's id, or empty for none.
    pub hero_image: String,
    pub hero_alt: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub seo_title: String,
    pub seo_description: String,
    /// BCP 47; empty for the site's main language.
    pub language: String,
}

/// Puts tag names in the one order drafts, revisions and the store agree on (by
/// name, ignoring case), so that saving an article without touching its tags never
/// reads as a change of them.
pub fn sort_tags(tags: &mut [String]) {
    tags.sort_by(|a, b| {
        a.to_lowercase()
            .cmp(&b.to_lowercase())
            .then_with(|| a.cmp(b))
    });
}

pub use crate::form::FieldErrors;
use crate::form::Message;

/// "Keep this under 100 characters."
pub(crate) fn too_long(max: usize) -> Message {
    Message::new("error-keep-under").with("max", max)
}

impl ArticleForm {
    /// Checks every field; on failure returns a message for each bad one.
    /// `languages` are the site's, its main language first.
    pub fn validate(&self, languages: &[String]) -> Result<ArticleDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let language = crate::form::checked_language(&self.language, languages, &mut errors);
        let hero_image_id = match self.hero_image.trim() {
            "" => None,
            value => match value.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.insert("hero_image", Message::new("error-hero-image"));
                    None
                }
            },
        };
        let headline = self.headline.trim().to_owned();
        if headline.is_empty() {
            errors.insert("headline", Message::new("error-headline-missing"));
        } else if headline.chars().count() > MAX_HEADLINE {
            errors.insert("headline", too_long(MAX_HEADLINE));
        }
        if self.dek.chars().count() > MAX_DEK {
            errors.insert("dek", too_long(MAX_DEK));
        }
        if self.body.chars().count() > MAX_BODY {
            errors.insert(
                "body",
                Message::new("error-body-too-long").with("max", MAX_BODY),
            );
        }
        let slug = if self.slug.trim().is_empty() {
            Slug::from_title(&headline)
        } else {
            Slug::parse(self.slug.trim())
        };
        let slug = match slug {
            Ok(slug) => Some(slug),
            Err(e) => {
                if !errors.contains_key("headline") {
                    errors.insert("slug", e.message("election-night"));
                }
                None
            }
        };
        let section_id = match self.section.trim().parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.insert("section", Message::new("error-section-missing"));
                None
            }
        };
        let author_ids: Result<Vec<i64>, _> = self
            .authors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse::<i64>)
            .collect();
        let author_ids = match author_ids {
            Ok(ids) if !ids.is_empty() => Some(dedup(ids)),
            _ => {
                errors.insert("authors", Message::new("error-authors-missing"));
                None
            }
        };
        let mut tags: Vec<String> = dedup(
            self.tags
                .split(',')
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|t| !t.is_empty())
                .collect(),
        );
        sort_tags(&mut tags);
        if tags.len() > MAX_TAGS {
            errors.insert(
                "tags",
                Message::new("error-too-many-tags").with("max", MAX_TAGS),
            );
        }
        if let Some(bad) = tags
            .iter()
            .find(|t| Slug::from_title(t).is_err() || t.chars().count() > 60)
        {
            errors.insert("tags", Message::new("error-bad-tag").with("tag", bad));
        }
        if hero_image_id.is_some() && self.hero_alt.trim().is_empty() {
            errors.insert("hero_alt", Message::new("error-alt-missing"));
        }
        for (field, value, max) in [
            ("dateline", &self.dateline, 100),
            ("hero_caption", &self.hero_caption, 1_000),
            ("hero_credit", &self.hero_credit, 200),
            ("hero_alt", &self.hero_alt, 500),
            ("seo_title", &self.seo_title, 200),
            ("seo_description", &self.seo_description, 500),
        ] {
            if value.chars().count() > max {
                errors.insert(field, too_long(max));
            }
        }
        match (slug, section_id, author_ids) {
            (Some(slug), Some(section_id), Some(author_ids)) if errors.is_empty() => {
                Ok(ArticleDraft {
                    headline,
                    dek: self.dek.trim().to_owned(),
                    body_markdown: self.body.replace("\r\n", "\n"),
                    dateline: self.dateline.trim().to_owned(),
                    slug,
                    section_id,
                    author_ids,
                    tags,
                    hero_image_id,
                    hero_alt: self.hero_alt.trim().to_owned(),
                    hero_caption: self.hero_caption.trim().to_owned(),
                    hero_credit: self.hero_credit.trim().to_owned(),
                    seo_title: self.seo_title.trim().to_owned(),
                    seo_description: self.seo_description.trim().to_owned(),
                    language,
                })
            }
            _ => Err(errors),
        }
    }

    /// The form showing a saved draft.
    pub fn from_draft(draft: &ArticleDraft) -> Self {
        Self {
            headline: draft.headline.clone(),
            dek: draft.dek.clone(),
            body: draft.body_markdown.clone(),
            dateline: draft.dateline.clone(),
            slug: draft.slug.to_string(),
            section: draft.section_id.to_string(),
            authors: draft
                .author_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            tags: draft.tags.join(", "),
            hero_image: draft
                .hero_image_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            hero_alt: draft.hero_alt.clone(),
            hero_caption: draft.hero_caption.clone(),
            hero_credit: draft.hero_credit.clone(),
            seo_title: draft.seo_title.clone(),
            seo_description: draft.seo_description.clone(),
            language: draft.language.clone(),
        }
    }
}

fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// An article as the editor opens it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditableArticle {
    pub id: ArticleId,
    pub draft: ArticleDraft,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub created_by: Option<UserId>,
    pub modified_at: DateTime<Utc>,
    pub corrections: Vec<Correction>,
}

impl EditableArticle {
    /// Whether `user` (with author profile `author_id`) counts as this article's own.
    pub fn is_own(&self, user: UserId, author_id: Option<i64>) -> bool {
        self.created_by == Some(user)
            || author_id.is_some_and(|id| self.draft.author_ids.contains(&id))
    }

    /// Published and already visible to readers (not merely scheduled).
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.status == ArticleStatus::Published && self.published_at.is_some_and(|t| t <= now)
    }
}

/// A line in the newsroom's article list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleListing {
    pub id: ArticleId,
    pub slug: Slug,
    pub headline: String,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub modified_at: DateTime<Utc>,
    pub authors: Vec<String>,
    /// BCP 47.
    pub language: String,
}

/// One saved state of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub id: i64,
    pub article_id: ArticleId,
    pub created_at: DateTime<Utc>,
    pub user_name: Option<String>,
    pub draft: ArticleDraft,
}

/// Who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user_name: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ArticleForm {
        ArticleForm {
            headline: "  Night train  ".into(),
            body: "Text\r\nmore".into(),
            section: "2".into(),
            authors: "3, 4, 3".into(),
            tags: "Exile,  rail   travel , exile, Exile".into(),
            ..ArticleForm::default()
        }
    }

    #[test]
    fn a_draft_comes_back_from_its_form() {
        let draft = form().validate(&["en".into()]).unwrap();
        assert_eq!(
            ArticleForm::from_draft(&draft)
                .validate(&["en".into()])
                .unwrap(),
            draft
        );
    }

    #[test]
    fn a_good_form_becomes_a_draft() {
        let draft = form().validate(&["en".into()]).unwrap();
        assert_eq!(draft.headline, "Night train");
        assert_eq!(
            draft.slug.as_str(),
            "night-train",
            "the slug comes from the headline"
        );
        assert_eq!(draft.author_ids, [3, 4]);
        assert_eq!(draft.tags, ["Exile", "exile", "rail travel"]);
        assert_eq!(draft.body_markdown, "Text\nmore");
        assert_eq!(
            ArticleForm::from_draft(&draft)
                .validate(&["en".into()])
                .unwrap(),
            draft,
            "round trip"
        );
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = ArticleForm {
            slug: "Not A Slug".into(),
            section: "x".into(),
            authors: "".into(),
            hero_image: "1".into(),
            ..form()
        };
        let errors = bad.validate(&["en".into()]).unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["authors", "hero_alt", "section", "slug"]
        );
        let empty = ArticleForm::default().validate(&["en".into()]).unwrap_err();
        assert!(
            ArticleForm {
                hero_image: "x".into(),
                ..form()
            }
            .validate(&["en".into()])
            .unwrap_err()
            .contains_key("hero_image")
        );
        assert_eq!(empty["headline"].key, "error-headline-missing");
        assert!(
            !empty.contains_key("slug"),
            "no second message about the slug of a missing headline"
        );
    }
}

//! Standing pages: About, Contacts, the corrections policy, privacy. Written and
//! revised like articles, but outside the news flow: no section, no byline, not in
//! feeds; each may be linked from the site's menu or footer. Also the front page's
//! arrangement: which stories the editors pinned there, and until when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::editor::{FieldErrors, MAX_BODY};
use crate::slug::Slug;

/// Where the site links to a page from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// Only reachable by its address (and links in articles).
    #[default]
    None,
    Menu,
    Footer,
}

impl Placement {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Menu => "menu",
            Self::Footer => "footer",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::None, Self::Menu, Self::Footer]
            .into_iter()
            .find(|p| p.as_str() == value)
    }
}

/// A page's fields as saved; a revision keeps exactly this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageDraft {
    pub title: String,
    pub slug: Slug,
    pub body_markdown: String,
    pub placement: Placement,
    /// Order among the links of the same placement, smallest first.
    pub position: i64,
    /// BCP 47 (revisions from before languages have none: the main language).
    #[serde(default)]
    pub language: String,
}

/// A page as the newsroom sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageRecord {
    pub id: i64,
    pub draft: PageDraft,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub modified_at: DateTime<Utc>,
}

/// One saved state of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageRevision {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub user_name: Option<String>,
    pub draft: PageDraft,
}

/// A link the site shows to a published page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLink {
    pub title: String,
    pub slug: Slug,
    pub placement: Placement,
    /// The site shows each language's readers the pages in their language.
    #[serde(default)]
    pub language: String,
}

/// The page form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageForm {
    pub title: String,
    pub slug: String,
    pub body: String,
    pub placement: String,
    pub position: String,
    /// BCP 47; empty for the site's main language.
    pub language: String,
}

impl PageForm {
    pub fn from_draft(draft: &PageDraft) -> Self {
        Self {
            title: draft.title.clone(),
            slug: draft.slug.to_string(),
            body: draft.body_markdown.clone(),
            placement: draft.placement.as_str().into(),
            position: draft.position.to_string(),
            language: draft.language.clone(),
        }
    }

    /// Checks every field; on failure a message for each bad one.
    /// `languages` are the site's, its main language first.
    pub fn validate(&self, languages: &[String]) -> Result<PageDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let language = crate::form::checked_language(&self.language, languages, &mut errors);
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            errors.insert(
                "title",
                crate::Message::new("error-page-title").with("max", 200_u32),
            );
        }
        let slug = crate::slug::checked_address(&self.slug, &title, "about", &mut errors);
        let body_markdown = self.body.trim().to_owned();
        if body_markdown.chars().count() > MAX_BODY {
            errors.insert("body", crate::editor::too_long(MAX_BODY));
        }
        let placement = match self.placement.trim() {
            "" => Some(Placement::None),
            value => Placement::parse(value),
        }
        .unwrap_or_else(|| {
            errors.insert("placement", crate::Message::new("error-placement"));
            Placement::None
        });
        let position = match self.position.trim() {
            "" => 0,
            value => value.parse().unwrap_or_else(|_| {
                errors.insert("position", crate::Message::new("error-position"));
                0
            }),
        };
        match (slug, errors.is_empty()) {
            (Some(slug), true) => Ok(PageDraft {
                title,
                slug,
                body_markdown,
                placement,
                position,
                language,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gets_its_address_from_its_title() {
        let languages = ["en".to_owned(), "ru".to_owned()];
        let draft = PageForm {
            title: "О редакции".into(),
            body: "Мы — независимая редакция.".into(),
            placement: "footer".into(),
            language: "ru".into(),
            ..PageForm::default()
        }
        .validate(&languages)
        .unwrap();
        assert_eq!(draft.slug.as_str(), "o-redaktsii");
        assert_eq!(draft.language, "ru");
        assert_eq!(draft.placement, Placement::Footer);
        let errors = PageForm {
            placement: "sidebar".into(),
            position: "top".into(),
            language: "de".into(),
            ..PageForm::default()
        }
        .validate(&languages)
        .unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["language", "placement", "position", "slug", "title"]
        );
    }
}

/// Where on the front page an article is pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PinSlot {
    /// The big story at the top (one at a time).
    Lead,
    /// The row of featured stories under it.
    Featured,
}

impl PinSlot {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Featured => "featured",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Lead, Self::Featured]
            .into_iter()
            .find(|p| p.as_str() == value)
    }
}

/// An article pinned to the front page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontPick {
    pub article_id: crate::ArticleId,
    pub slot: PinSlot,
    /// When it goes back to the flow of newest stories; None: until unpinned.
    pub until: Option<DateTime<Utc>>,
}

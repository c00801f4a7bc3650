//! Author profiles: the people on bylines, staff or not, as the newsroom edits them.

use crate::form::Message;
use serde::{Deserialize, Serialize};

use crate::config::NavLink;
use crate::form::FieldErrors;
use crate::slug::Slug;
use crate::staff::UserId;

pub const MAX_BIO: usize = 5_000;
pub const MAX_LINKS: usize = 10;

/// An author profile's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorInput {
    pub slug: Slug,
    pub name: String,
    pub title: String,
    pub bio: String,
    pub photo_image_id: Option<i64>,
    pub links: Vec<NavLink>,
    /// The staff account whose byline this is; None for a guest.
    pub account: Option<UserId>,
    /// Name, title and bio in the site's other languages.
    pub translations: crate::Translations,
}

/// A profile as the newsroom's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorRecord {
    pub author: crate::Author,
    /// The staff account tied to it, by id and name.
    pub account: Option<(i64, String)>,
    pub articles: i64,
}

/// The profile form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthorForm {
    pub name: String,
    pub slug: String,
    pub title: String,
    pub bio: String,
    /// The library image's id, or empty.
    pub photo: String,
    /// "Label | https://…", one a line.
    pub links: String,
    /// The staff account's id, or empty for a guest.
    pub account: String,
    /// Name, title and bio in the site's other languages.
    pub translations: crate::Translations,
}

impl AuthorForm {
    pub fn from_record(record: &AuthorRecord) -> Self {
        let author = &record.author;
        Self {
            name: author.name.clone(),
            slug: author.slug.to_string(),
            title: author.title.clone(),
            bio: author.bio.clone(),
            photo: author
                .photo_image_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            links: links_text(&author.links),
            account: record
                .account
                .as_ref()
                .map(|(id, _)| id.to_string())
                .unwrap_or_default(),
            translations: author.translations.clone(),
        }
    }

    /// Checks every field; on failure a message for each bad one.
    pub fn validate(&self) -> Result<AuthorInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            errors.insert(
                "name",
                Message::new("error-byline-name").with("max", 100_u32),
            );
        }
        let slug = crate::slug::checked_address(&self.slug, &name, "anna-petrova", &mut errors);
        let title = self.title.trim().to_owned();
        if title.chars().count() > 100 {
            errors.insert("title", crate::editor::too_long(100));
        }
        let bio = self.bio.trim().to_owned();
        if bio.chars().count() > MAX_BIO {
            errors.insert("bio", crate::editor::too_long(MAX_BIO));
        }
        let translations = crate::form::checked_translations(
            &self.translations,
            &[("name", 100), ("title", 100), ("bio", MAX_BIO)],
            &mut errors,
        );
        let photo_image_id = optional_id(&self.photo, "photo", "error-photo", &mut errors);
        let account =
            optional_id(&self.account, "account", "error-account", &mut errors).map(UserId);
        let links = parse_links(&self.links)
            .map_err(|message| {
                errors.insert("links", message);
            })
            .unwrap_or_default();
        match (slug, errors.is_empty()) {
            (Some(slug), true) => Ok(AuthorInput {
                slug,
                name,
                title,
                bio,
                photo_image_id,
                links,
                account,
                translations,
            }),
            _ => Err(errors),
        }
    }
}

fn optional_id(
    value: &str,
    field: &'static str,
    message: &'static str,
    errors: &mut FieldErrors,
) -> Option<i64> {
    match value.trim() {
        "" => None,
        value => match value.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.insert(field, Message::new(message));
                None
            }
        },
    }
}

/// Links as stored and typed: "Label | https://…", one a line.
pub fn links_text(links: &[NavLink]) -> String {
    links
        .iter()
        .map(|l| format!("{} | {}", l.label, l.url))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Links as typed, "Label | https://…" one a line; only http(s) addresses.
pub fn parse_links(text: &str) -> Result<Vec<NavLink>, Message> {
    let mut links = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((label, url)) = line.split_once('|') else {
            return Err(Message::new("error-link-form").with("line", line));
        };
        let (label, url) = (label.trim(), url.trim());
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if label.is_empty() || !scheme_ok || url.contains(char::is_whitespace) {
            return Err(Message::new("error-link-address").with("line", line));
        }
        links.push(NavLink {
            label: label.to_owned(),
            url: url.to_owned(),
        });
    }
    if links.len() > MAX_LINKS {
        return Err(Message::new("error-too-many-links").with("max", MAX_LINKS));
    }
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_profile_is_checked_field_by_field() {
        let input = AuthorForm {
            name: "Ирина Волкова".into(),
            title: "Guest columnist".into(),
            bio: "Writes about *courts*.".into(),
            links: "Website | https://volkova.example\n\n".into(),
            ..AuthorForm::default()
        }
        .validate()
        .unwrap();
        assert_eq!(input.slug.as_str(), "irina-volkova");
        assert_eq!(input.links.len(), 1);
        assert_eq!(input.account, None);
        let errors = AuthorForm {
            name: String::new(),
            photo: "x".into(),
            links: "javascript:alert(1)".into(),
            ..AuthorForm::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["links", "name", "photo", "slug"]
        );
        assert!(parse_links("Feed | javascript:alert(1)").is_err());
    }
}

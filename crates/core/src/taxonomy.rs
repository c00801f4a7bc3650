//! How the site is organised: sections (the menu and the URL of each list) and tags,
//! as the newsroom manages them, and the audit entry every change leaves.

use serde::{Deserialize, Serialize};

use crate::form::FieldErrors;
use crate::slug::Slug;
use crate::staff::UserId;

/// Longest section or tag name, and section description, in characters.
pub const MAX_NAME: usize = 80;
pub const MAX_DESCRIPTION: usize = 500;

/// What a change was, who made it and to what: written in the same transaction as
/// the change itself, so the log never shows a change that did not happen (or
/// misses one that did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// The staff member; None for the operator at the command line or the system.
    pub user: Option<UserId>,
    /// A dotted name: `section.create`, `tag.merge`, `article.publish`.
    pub action: &'static str,
    /// What it was done to, in words (a headline, a section's name).
    pub subject: String,
    /// Anything else worth keeping (an old slug, the section articles moved to).
    pub detail: String,
}

impl Audit {
    pub fn new(user: Option<UserId>, action: &'static str, subject: impl Into<String>) -> Self {
        Self {
            user,
            action,
            subject: subject.into(),
            detail: String::new(),
        }
    }

    #[must_use]
    /// Adds what more the entry says (after what it said, if anything).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        if self.detail.is_empty() {
            self.detail = detail;
        } else if !detail.is_empty() {
            self.detail = format!("{detail}; {}", self.detail);
        }
        self
    }
}

/// A section's fields as the newsroom sets them, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionInput {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    /// Place in the menu, smallest first.
    pub position: i64,
    /// Whether the section is listed in the site's menu (its pages exist either way).
    pub in_menu: bool,
    /// Name and description in the site's other languages.
    pub translations: crate::Translations,
}

/// A section as the newsroom's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRecord {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub position: i64,
    pub in_menu: bool,
    /// Articles in it, drafts included.
    pub articles: i64,
    pub translations: crate::Translations,
}

/// A tag and how many articles carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagRecord {
    pub id: i64,
    pub slug: Slug,
    pub name: String,
    pub articles: i64,
    /// Its name in the site's other languages.
    pub translations: crate::Translations,
}

/// The section form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SectionForm {
    pub name: String,
    /// Empty: made from the name.
    pub slug: String,
    pub description: String,
    pub position: String,
    /// "on" when the menu checkbox is ticked.
    pub in_menu: String,
    /// Name and description in the site's other languages.
    pub translations: crate::Translations,
}

impl SectionForm {
    pub fn from_record(record: &SectionRecord) -> Self {
        Self {
            name: record.name.clone(),
            slug: record.slug.to_string(),
            description: record.description.clone(),
            position: record.position.to_string(),
            in_menu: if record.in_menu {
                "on".into()
            } else {
                String::new()
            },
            translations: record.translations.clone(),
        }
    }

    /// Checks every field; on failure a message for each bad one.
    pub fn validate(&self) -> Result<SectionInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = checked_name(&self.name, "section", &mut errors);
        let slug = checked_slug(&self.slug, &name, &mut errors);
        let description = self.description.trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION {
            errors.insert("description", crate::editor::too_long(MAX_DESCRIPTION));
        }
        let translations = crate::form::checked_translations(
            &self.translations,
            &[("name", MAX_NAME), ("description", MAX_DESCRIPTION)],
            &mut errors,
        );
        let position = match self.position.trim() {
            "" => 0,
            value => value.parse::<i64>().unwrap_or_else(|_| {
                errors.insert("position", crate::Message::new("error-position"));
                0
            }),
        };
        match (slug, errors.is_empty()) {
            (Some(slug), true) => Ok(SectionInput {
                slug,
                name,
                description,
                position,
                in_menu: !self.in_menu.trim().is_empty(),
                translations,
            }),
            _ => Err(errors),
        }
    }
}

/// A tag's new name and address, checked.
pub fn tag_input(
    name: &str,
    slug: &str,
    translations: &crate::Translations,
) -> Result<(String, Slug, crate::Translations), FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = checked_name(name, "tag", &mut errors);
    let translations =
        crate::form::checked_translations(translations, &[("name", MAX_NAME)], &mut errors);
    match (checked_slug(slug, &name, &mut errors), errors.is_empty()) {
        (Some(slug), true) => Ok((name, slug, translations)),
        _ => Err(errors),
    }
}

fn checked_name(name: &str, what: &str, errors: &mut FieldErrors) -> String {
    let name = name.trim();
    if name.is_empty() {
        errors.insert(
            "name",
            crate::Message::new("error-name-missing").with("what", what),
        );
    } else if name.chars().count() > MAX_NAME {
        errors.insert("name", crate::editor::too_long(MAX_NAME));
    }
    name.to_owned()
}

/// The slug as typed, or one made from the name when the field is empty.
fn checked_slug(slug: &str, name: &str, errors: &mut FieldErrors) -> Option<Slug> {
    // Without a name, the name's message says it all.
    if slug.trim().is_empty() && name.is_empty() {
        return None;
    }
    crate::slug::checked_address(slug, name, "world-news", errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, slug: &str) -> SectionForm {
        SectionForm {
            name: name.into(),
            slug: slug.into(),
            in_menu: "on".into(),
            ..SectionForm::default()
        }
    }

    #[test]
    fn a_section_gets_its_address_from_its_name() {
        let input = form("Политика", "").validate().unwrap();
        assert_eq!(input.slug.as_str(), "politika");
        assert!(input.in_menu);
        assert_eq!(input.position, 0);
    }

    #[test]
    fn bad_fields_each_get_a_message() {
        let errors = SectionForm {
            name: " ".into(),
            slug: "Not A Slug".into(),
            position: "first".into(),
            description: "x".repeat(MAX_DESCRIPTION + 1),
            in_menu: String::new(),
            translations: [(
                "russian".to_owned(),
                [("name".to_owned(), "Политика".to_owned())]
                    .into_iter()
                    .collect(),
            )]
            .into_iter()
            .collect(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["description", "name", "position", "slug", "translations"]
        );
    }

    #[test]
    fn names_in_other_languages_are_trimmed_and_empty_ones_dropped() {
        let form = SectionForm {
            name: "Politics".into(),
            translations: [
                (
                    "ru".to_owned(),
                    [
                        ("name".to_owned(), " Политика ".to_owned()),
                        ("description".to_owned(), " ".to_owned()),
                    ]
                    .into_iter()
                    .collect(),
                ),
                ("de".to_owned(), Default::default()),
            ]
            .into_iter()
            .collect(),
            ..SectionForm::default()
        };
        let input = form.validate().unwrap();
        assert_eq!(input.translations.len(), 1);
        assert_eq!(input.translations["ru"]["name"], "Политика");
        assert!(!input.translations["ru"].contains_key("description"));
        let mut section = crate::Section {
            id: 1,
            slug: input.slug.clone(),
            name: input.name.clone(),
            description: "Power.".into(),
            in_menu: true,
            translations: input.translations.clone(),
        };
        section.localize("en");
        assert_eq!(section.name, "Politics");
        section.localize("ru");
        assert_eq!(section.name, "Политика");
        assert_eq!(section.description, "Power.", "a text left out stays");
    }

    #[test]
    fn a_tag_needs_a_name() {
        let none = crate::Translations::new();
        assert!(tag_input("", "", &none).unwrap_err().contains_key("name"));
        let (name, slug, _) = tag_input(" Press freedom ", "", &none).unwrap();
        assert_eq!(
            (name.as_str(), slug.as_str()),
            ("Press freedom", "press-freedom")
        );
    }
}

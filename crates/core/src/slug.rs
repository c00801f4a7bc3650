//! URL slugs: lowercase ASCII letters, digits and single hyphens.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest slug we accept; longer ones are refused rather than truncated.
pub const MAX_SLUG_LEN: usize = 120;

/// A URL-safe identifier such as `election-night-in-stavrin`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a string is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug can be at most {MAX_SLUG_LEN} characters long")]
    TooLong,
    #[error(
        "a slug may contain only lowercase letters a-z, digits and single hyphens between them"
    )]
    InvalidCharacters,
}

impl SlugError {
    /// The catalogue's `error-slug`, saying what is wrong, with `example` as an
    /// address that would do.
    pub fn message(&self, example: &str) -> crate::Message {
        let why = match self {
            Self::Empty => "empty",
            Self::TooLong => "too-long",
            Self::InvalidCharacters => "invalid",
        };
        crate::Message::new("error-slug")
            .with("why", why)
            .with("max", MAX_SLUG_LEN)
            .with("example", example)
    }
}

/// A form's address field: the slug as typed, or one made from `title` when the
/// field was left empty. A problem goes into `errors` under "slug", with `example`
/// as a slug that would do.
pub(crate) fn checked_address(
    typed: &str,
    title: &str,
    example: &str,
    errors: &mut crate::form::FieldErrors,
) -> Option<Slug> {
    match typed.trim() {
        "" => Slug::from_title(title),
        typed => Slug::parse(typed),
    }
    .map_err(|e| {
        errors.insert("slug", e.message(example));
    })
    .ok()
}

impl Slug {
    /// Parses an existing slug, refusing anything that is not already in canonical form.
    pub fn parse(value: &str) -> Result<Self, SlugError> {
        if value.is_empty() {
            return Err(SlugError::Empty);
        }
        if value.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        let valid_chars = value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_chars || value.starts_with('-') || value.ends_with('-') || value.contains("--") {
            return Err(SlugError::InvalidCharacters);
        }
        Ok(Self(value.to_owned()))
    }

    /// Makes a slug from a headline or name: Latin letters are kept, Cyrillic is
    /// transliterated, everything else becomes a hyphen.
    pub fn from_title(title: &str) -> Result<Self, SlugError> {
        let mut out = String::with_capacity(title.len());
        for ch in title.chars().flat_map(char::to_lowercase) {
            if ch.is_ascii_alphanumeric() {
                out.push(ch);
            } else if let Some(latin) = transliterate(ch) {
                out.push_str(latin);
            } else if !out.ends_with('-') {
                out.push('-');
            }
            if out.len() >= MAX_SLUG_LEN {
                break;
            }
        }
        let trimmed: String = out.trim_matches('-').chars().take(MAX_SLUG_LEN).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn transliterate(ch: char) -> Option<&'static str> {
    const TABLE: [(char, &str); 33] = [
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "g"),
        ('д', "d"),
        ('е', "e"),
        ('ё', "e"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "i"),
        ('й', "y"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "kh"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "shch"),
        ('ъ', ""),
        ('ы', "y"),
        ('ь', ""),
        ('э', "e"),
        ('ю', "yu"),
        ('я', "ya"),
    ];
    TABLE
        .iter()
        .find(|(c, _)| *c == ch)
        .map(|(_, latin)| *latin)
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_slugs() {
        assert_eq!(
            Slug::parse("night-shift-2026").map(String::from),
            Ok("night-shift-2026".into())
        );
    }

    #[test]
    fn refuses_non_canonical_slugs() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        for bad in [
            "Upper", "-lead", "trail-", "dou--ble", "sp ace", "../etc", "é",
        ] {
            assert_eq!(Slug::parse(bad), Err(SlugError::InvalidCharacters), "{bad}");
        }
        assert_eq!(
            Slug::parse(&"a".repeat(MAX_SLUG_LEN + 1)),
            Err(SlugError::TooLong)
        );
    }

    #[test]
    fn makes_slugs_from_titles_in_two_alphabets() {
        assert_eq!(
            Slug::from_title("  Election night: 3 lessons!  ").map(String::from),
            Ok("election-night-3-lessons".into())
        );
        assert_eq!(
            Slug::from_title("Свободная пресса").map(String::from),
            Ok("svobodnaya-pressa".into())
        );
        assert_eq!(Slug::from_title("!!!"), Err(SlugError::Empty));
        let long = Slug::from_title(&"word ".repeat(100))
            .map(String::from)
            .unwrap_or_default();
        assert!(long.len() <= MAX_SLUG_LEN && !long.ends_with('-'));
    }
}

//! What every form of the newsroom shares: its problems, each a [`Message`] that
//! the theme's catalogue says in the reader's or staff member's language.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// Messages keyed by field name, shown next to each field.
pub type FieldErrors = BTreeMap<&'static str, Message>;

/// Something to tell a person, by its catalogue key (`error-headline-missing`)
/// and the values it names. The words are the theme's, in the person's language;
/// the binary holds none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub key: &'static str,
    pub args: BTreeMap<&'static str, Arg>,
}

/// A value put into a message: text, or a number (which plural rules read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// A message of its own, by key, said first and put in (an action's name in
    /// "Your role does not allow you to …").
    Said(&'static str),
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: BTreeMap::new(),
        }
    }

    /// The message with one more value: `Message::new("error-keep-under").with("max", 100)`.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.insert(name, value.into());
        self
    }
}

/// `error-too-long(max=100)`: for logs and the operator's terminal when no
/// catalogue is at hand.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        if !self.args.is_empty() {
            let args: Vec<String> = self
                .args
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            write!(f, "({})", args.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => f.write_str(text),
            Self::Number(n) => write!(f, "{n}"),
            Self::Said(key) => f.write_str(key),
        }
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Self::Text(value.clone())
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Self::Number(value)
    }
}

impl From<u32> for Arg {
    fn from(value: u32) -> Self {
        Self::Number(i64::from(value))
    }
}

impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Self::Number(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        Self::Number(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

/// The language a text is written in: one of `languages` (the site's, main first);
/// empty means the main language.
pub fn checked_language(value: &str, languages: &[String], errors: &mut FieldErrors) -> String {
    let main = languages.first().cloned().unwrap_or_default();
    match value.trim() {
        "" => main,
        value => match crate::config::language_tag(value) {
            Ok(tag) if languages.contains(&tag) => tag,
            _ => {
                errors.insert(
                    "language",
                    Message::new("error-language-offered").with("languages", languages.join(", ")),
                );
                main
            }
        },
    }
}

/// Texts in other languages as submitted: trimmed, empty ones dropped, each field
/// held to its longest (`fields`: name and most characters). A problem is the
/// field's own: `name_ru`, `bio_en`.
pub fn checked_translations(
    translations: &crate::Translations,
    fields: &[(&'static str, usize)],
    errors: &mut FieldErrors,
) -> crate::Translations {
    let mut checked = crate::Translations::new();
    for (language, texts) in translations {
        if crate::config::language_tag(language).as_deref() != Ok(language.as_str()) {
            errors.insert(
                "translations",
                Message::new("error-language-offered").with("languages", language.as_str()),
            );
            continue;
        }
        for &(field, max) in fields {
            let text = texts.get(field).map_or("", |t| t.trim());
            if text.is_empty() {
                continue;
            }
            if text.chars().count() > max {
                errors.insert(field, crate::editor::too_long(max));
            }
            checked
                .entry(language.clone())
                .or_default()
                .insert(field.to_owned(), text.to_owned());
        }
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_their_key_and_values() {
        let message = Message::new("error-keep-under")
            .with("max", 100_u32)
            .with("field", "dek");
        assert_eq!(message.to_string(), "error-keep-under(field=dek, max=100)");
        assert_eq!(
            serde_json::to_value(&message).unwrap(),
            serde_json::json!({"key": "error-keep-under", "args": {"field": "dek", "max": 100}})
        );
    }
}

//! What readers see: the site's name, address, languages, menu, banner and notices.

use super::*;

/// `en`, `ru`, `pt-BR`, `sr-Latn`: a BCP 47 language tag, in its canonical form.
/// The language subtag must be an ISO 639 code of two or three letters: the longer
/// ones BCP 47 allows are reserved and none is registered, so `russian` is refused
/// rather than taken for a language nobody speaks.
pub fn language_tag(tag: &str) -> Result<String, String> {
    let refused = || format!("{tag:?} is not a BCP 47 language tag such as en, ru or pt-BR");
    let id: unic_langid::LanguageIdentifier = tag.trim().parse().map_err(|_| refused())?;
    let primary = id.language.as_str();
    if !(2..=3).contains(&primary.len()) || id.language.is_empty() {
        return Err(refused());
    }
    Ok(id.to_string())
}

/// What readers see: the site's name, address, language, banner and notices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub tagline: String,
    /// The main public address, used for canonical links, feeds and sitemaps.
    pub base_url: String,
    /// BCP 47 language of the interface and content, e.g. `en` or `ru`.
    pub language: String,
    /// IANA time zone the newsroom works in, e.g. `Europe/Riga`.
    pub timezone: String,
    /// Name used in the Google News sitemap and JSON-LD publisher.
    pub publisher: String,
    pub articles_per_page: u32,
    /// Languages articles may be written in (BCP 47), besides the main one; each
    /// other language has an edition of its own under its prefix. Empty: the main
    /// language only.
    pub languages: Vec<String>,
    /// Where each other language's edition lives: `en = "en"` serves English at
    /// `/en/…`. A language left out lives under its tag in lower case.
    pub prefixes: std::collections::BTreeMap<String, String>,
    /// The site's own texts in its other languages; a text left empty is the
    /// theme's default in that language.
    pub translations: std::collections::BTreeMap<String, SiteTexts>,
    /// Links shown in the menu after the sections, e.g. About or Mirrors.
    pub navigation: Vec<NavLink>,
    /// Every staff member must sign in with a second factor.
    pub require_two_factor: bool,
    /// The site's onion address (`http://….onion`), sent as `Onion-Location`.
    pub onion: String,
    /// Other addresses that serve the site, for readers where the main one is blocked.
    pub mirrors: Vec<String>,
    /// When the onion address or the mirrors last changed (for `mirrors.json`).
    pub mirrors_updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Published standing pages linked from the menu or footer; read from the
    /// database, never from the configuration file.
    #[serde(skip)]
    pub pages: Vec<crate::PageLink>,
    pub banner: Banner,
    pub banned_notice: BannedNotice,
    /// The newsletter's name, weekly slot and privacy policy.
    pub newsletter: crate::newsletter::NewsletterSettings,
}

/// A menu link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NavLink {
    pub label: String,
    pub url: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            title: "Kolokol".into(),
            // Empty texts are said from the theme's catalogue in the site's language.
            tagline: String::new(),
            base_url: "http://127.0.0.1:8080".into(),
            language: "en".into(),
            timezone: "UTC".into(),
            publisher: "Kolokol".into(),
            articles_per_page: 12,
            languages: Vec::new(),
            prefixes: std::collections::BTreeMap::new(),
            translations: std::collections::BTreeMap::new(),
            navigation: Vec::new(),
            require_two_factor: false,
            onion: String::new(),
            mirrors: Vec::new(),
            mirrors_updated_at: None,
            pages: Vec::new(),
            banner: Banner::default(),
            banned_notice: BannedNotice::default(),
            newsletter: crate::newsletter::NewsletterSettings::default(),
        }
    }
}

impl SiteConfig {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(format!(
                "site.base_url must start with http:// or https:// (got {:?})",
                self.base_url
            ));
        }
        let language = language_tag(&self.language).map_err(|e| format!("site.language: {e}"))?;
        if language != self.language {
            return Err(format!(
                "site.language: write {:?} as {language:?}",
                self.language
            ));
        }
        for tag in &self.languages {
            language_tag(tag).map_err(|e| format!("site.languages: {e}"))?;
        }
        for (tag, prefix) in &self.prefixes {
            if !self.languages.contains(tag) {
                return Err(format!(
                    "site.prefixes: {tag:?} is not one of site.languages ({})",
                    self.languages.join(", ")
                ));
            }
            let plain = !prefix.is_empty()
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !plain || RESERVED_PATHS.contains(&prefix.as_str()) {
                return Err(format!(
                    "site.prefixes.{tag}: {prefix:?} must be lower-case letters, digits and hyphens, and not one of the site's own paths ({})",
                    RESERVED_PATHS.join(", ")
                ));
            }
        }
        for tag in self.translations.keys() {
            if !self.languages.contains(tag) {
                return Err(format!(
                    "site.translations: {tag:?} is not one of site.languages ({})",
                    self.languages.join(", ")
                ));
            }
        }
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "site.timezone must be an IANA time zone such as Europe/Riga (got {:?})",
                self.timezone
            ));
        }
        if !(1..=100).contains(&self.articles_per_page) {
            return Err("site.articles_per_page must be between 1 and 100".into());
        }
        if self.title.trim().is_empty() {
            return Err("site.title must not be empty".into());
        }
        Ok(())
    }

    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// The languages with an edition of their own under a prefix: every language
    /// but the main one.
    pub fn other_languages(&self) -> impl Iterator<Item = &str> {
        self.languages
            .iter()
            .map(String::as_str)
            .filter(|l| *l != self.language)
    }

    /// Where `language`'s edition lives: empty for the main language, else `/en`.
    pub fn prefix(&self, language: &str) -> String {
        if language == self.language {
            return String::new();
        }
        self.edition_prefix(language)
    }

    /// The prefix `language` has whenever it is not the main language: `/en`.
    pub fn edition_prefix(&self, language: &str) -> String {
        match self.prefixes.get(language) {
            Some(prefix) => format!("/{prefix}"),
            None => format!("/{}", language.to_lowercase()),
        }
    }

    /// The site as readers of `language` see it: addresses under its prefix, its
    /// own texts (empty ones are the theme's defaults, filled later), the standing
    /// pages written in it.
    pub fn edition(&self, language: &str) -> SiteConfig {
        let mut site = self.clone();
        site.pages.retain(|p| p.language == language);
        if language == self.language {
            return site;
        }
        site.base_url = format!("{}{}", self.base(), self.prefix(language));
        site.language = language.to_owned();
        let texts = self.translations.get(language).cloned().unwrap_or_default();
        if !texts.title.trim().is_empty() {
            site.title = texts.title;
        }
        site.tagline = texts.tagline;
        site.banner.text = texts.banner_text;
        site.banner.button = texts.banner_button;
        site.banned_notice.text = texts.notice_text;
        site.banned_notice.link_text = texts.notice_link_text;
        site.newsletter.name = texts.newsletter_name;
        site
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }
}

/// First parts of the site's own addresses, which no language prefix may take.
pub const RESERVED_PATHS: [&str; 14] = [
    "admin",
    "api",
    "articles",
    "archive",
    "assets",
    "authors",
    "feed",
    "lite",
    "media",
    "newsletter",
    "pages",
    "sections",
    "support",
    "tags",
];

/// The site's texts in one of its other languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteTexts {
    pub title: String,
    pub tagline: String,
    pub banner_text: String,
    pub banner_button: String,
    pub notice_text: String,
    pub notice_link_text: String,
    pub newsletter_name: String,
}

/// The reader-revenue banner shown on every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Banner {
    pub enabled: bool,
    pub text: String,
    pub button: String,
    pub link: String,
}

impl Default for Banner {
    fn default() -> Self {
        Self {
            enabled: true,
            text: String::new(),
            button: String::new(),
            link: "/support".into(),
        }
    }
}

/// The "this site is banned in …" notice that tells readers how to keep reaching it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BannedNotice {
    pub enabled: bool,
    pub text: String,
    pub link_text: String,
    pub link: String,
}

impl Default for BannedNotice {
    fn default() -> Self {
        Self {
            enabled: false,
            text: String::new(),
            link_text: String::new(),
            link: "/mirrors".into(),
        }
    }
}

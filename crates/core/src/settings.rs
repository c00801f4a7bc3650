//! The settings editors change in the admin: the site's name, languages, menu,
//! support banner and blocked notice. They are kept as JSON in the database and laid
//! over the configuration file's `[site]` section.

use crate::form::Message;
use serde::{Deserialize, Serialize};

use crate::config::{BannedNotice, Banner, NavLink, SiteConfig, SiteTexts};
use crate::form::FieldErrors;
use crate::newsletter::{NewsletterSettings, WeeklySchedule};

/// Most menu links accepted.
pub const MAX_NAVIGATION: usize = 12;

/// What the settings page edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    pub title: String,
    pub tagline: String,
    pub language: String,
    pub languages: Vec<String>,
    pub navigation: Vec<NavLink>,
    #[serde(default)]
    pub require_two_factor: bool,
    #[serde(default)]
    pub onion: String,
    #[serde(default)]
    pub mirrors: Vec<String>,
    #[serde(default)]
    pub mirrors_updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub banner: Banner,
    pub banned_notice: BannedNotice,
    #[serde(default)]
    pub newsletter: NewsletterSettings,
    /// The site's texts in its other languages; None in settings saved before
    /// there were any (the configuration file's then stand).
    #[serde(default)]
    pub translations: Option<std::collections::BTreeMap<String, SiteTexts>>,
}

impl SiteSettings {
    /// The settings a site runs with now.
    pub fn from_site(site: &SiteConfig) -> Self {
        Self {
            title: site.title.clone(),
            tagline: site.tagline.clone(),
            language: site.language.clone(),
            // The main language first, as the form writes them.
            languages: std::iter::once(site.language.clone())
                .chain(site.other_languages().map(str::to_owned))
                .collect(),
            navigation: site.navigation.clone(),
            require_two_factor: site.require_two_factor,
            onion: site.onion.clone(),
            mirrors: site.mirrors.clone(),
            mirrors_updated_at: site.mirrors_updated_at,
            banner: site.banner.clone(),
            banned_notice: site.banned_notice.clone(),
            newsletter: site.newsletter.clone(),
            translations: Some(site.translations.clone()),
        }
    }

    /// `base` with these settings laid over it.
    pub fn apply(&self, base: &SiteConfig) -> SiteConfig {
        SiteConfig {
            title: self.title.clone(),
            tagline: self.tagline.clone(),
            language: self.language.clone(),
            languages: self.languages.clone(),
            navigation: self.navigation.clone(),
            require_two_factor: self.require_two_factor,
            onion: self.onion.clone(),
            mirrors: self.mirrors.clone(),
            mirrors_updated_at: self.mirrors_updated_at,
            banner: self.banner.clone(),
            banned_notice: self.banned_notice.clone(),
            newsletter: self.newsletter.clone(),
            translations: self
                .translations
                .clone()
                .unwrap_or_else(|| base.translations.clone()),
            ..base.clone()
        }
    }
}

/// The settings form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub title: String,
    pub tagline: String,
    pub language: String,
    /// Languages, separated by commas.
    pub languages: String,
    /// One link a line: `Label | /path` or `Label | https://…`.
    pub navigation: String,
    pub require_two_factor: bool,
    /// `http://….onion`, or empty.
    pub onion: String,
    /// One address a line.
    pub mirrors: String,
    pub banner_enabled: bool,
    pub banner_text: String,
    pub banner_button: String,
    pub banner_link: String,
    pub notice_enabled: bool,
    pub notice_text: String,
    pub notice_link_text: String,
    pub notice_link: String,
    pub newsletter_name: String,
    /// `friday`, `monday`, …
    pub newsletter_day: String,
    /// `09:00`
    pub newsletter_time: String,
    pub policy_version: String,
    pub policy_url: String,
    /// The site's texts in its other languages, by language.
    pub translations: std::collections::BTreeMap<String, SiteTexts>,
}

fn is_language_tag(tag: &str) -> bool {
    crate::config::language_tag(tag).is_ok_and(|canonical| canonical == tag)
}

/// `http://` + a v3 onion name (56 base32 characters) + `.onion`.
fn is_onion_address(url: &str) -> bool {
    let Some(host) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return false;
    };
    let Some(name) = host.strip_suffix(".onion") else {
        return false;
    };
    let name = name.rsplit('.').next().unwrap_or(name);
    name.len() == 56
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

/// A link target on this site (`/path`) or a secure page elsewhere (`https://…`).
fn is_link(url: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//"))
        || url.starts_with("https://") && url.len() > "https://".len()
}

/// The form's value for a weekday, as the "Sent every" menu offers it (`friday`).
/// (Debug gives `Fri`, which matched no option, so every save moved the newsletter
/// to the first one, Monday.)
pub fn weekday_value(day: chrono::Weekday) -> &'static str {
    match day {
        chrono::Weekday::Mon => "monday",
        chrono::Weekday::Tue => "tuesday",
        chrono::Weekday::Wed => "wednesday",
        chrono::Weekday::Thu => "thursday",
        chrono::Weekday::Fri => "friday",
        chrono::Weekday::Sat => "saturday",
        chrono::Weekday::Sun => "sunday",
    }
}

impl SettingsForm {
    pub fn from_settings(settings: &SiteSettings) -> Self {
        Self {
            title: settings.title.clone(),
            tagline: settings.tagline.clone(),
            language: settings.language.clone(),
            languages: settings.languages.join(", "),
            require_two_factor: settings.require_two_factor,
            onion: settings.onion.clone(),
            mirrors: settings.mirrors.join("\n"),
            navigation: settings
                .navigation
                .iter()
                .map(|l| format!("{} | {}", l.label, l.url))
                .collect::<Vec<_>>()
                .join("\n"),
            banner_enabled: settings.banner.enabled,
            banner_text: settings.banner.text.clone(),
            banner_button: settings.banner.button.clone(),
            banner_link: settings.banner.link.clone(),
            notice_enabled: settings.banned_notice.enabled,
            notice_text: settings.banned_notice.text.clone(),
            notice_link_text: settings.banned_notice.link_text.clone(),
            notice_link: settings.banned_notice.link.clone(),
            newsletter_name: settings.newsletter.name.clone(),
            newsletter_day: weekday_value(settings.newsletter.schedule.weekday).into(),
            newsletter_time: settings
                .newsletter
                .schedule
                .time
                .format("%H:%M")
                .to_string(),
            policy_version: settings.newsletter.policy_version.clone(),
            policy_url: settings.newsletter.policy_url.clone(),
            translations: settings.translations.clone().unwrap_or_default(),
        }
    }

    /// Checks every field; on failure, a message for each bad one.
    pub fn validate(&self) -> Result<SiteSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            errors.insert(
                "title",
                Message::new("error-site-name").with("max", 100_u32),
            );
        }
        if self.tagline.chars().count() > 200 {
            errors.insert("tagline", crate::editor::too_long(200));
        }
        let language = self.language.trim().to_owned();
        if !is_language_tag(&language) {
            errors.insert(
                "language",
                Message::new("error-language").with("tag", language.as_str()),
            );
        }
        let mut languages: Vec<String> = vec![language.clone()];
        for tag in self
            .languages
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if !is_language_tag(tag) {
                errors.insert("languages", Message::new("error-language").with("tag", tag));
            } else if !languages.iter().any(|l| l == tag) {
                languages.push(tag.to_owned());
            }
        }
        let mut navigation = Vec::new();
        for line in self
            .navigation
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match line
                .split_once('|')
                .map(|(label, url)| (label.trim(), url.trim()))
            {
                Some((label, url))
                    if !label.is_empty() && label.chars().count() <= 40 && is_link(url) =>
                {
                    navigation.push(NavLink {
                        label: label.into(),
                        url: url.into(),
                    });
                }
                _ => {
                    errors.insert(
                        "navigation",
                        Message::new("error-menu-link").with("line", line),
                    );
                }
            }
        }
        let onion = self.onion.trim().trim_end_matches('/').to_owned();
        if !onion.is_empty() && !is_onion_address(&onion) {
            errors.insert("onion", Message::new("error-onion"));
        }
        let mut mirrors: Vec<String> = Vec::new();
        for line in self
            .mirrors
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let url = line.trim_end_matches('/').to_owned();
            if !url.starts_with("https://")
                || url.len() <= "https://".len()
                || url.contains(char::is_whitespace)
            {
                errors.insert("mirrors", Message::new("error-mirror").with("line", line));
            } else if !mirrors.contains(&url) {
                mirrors.push(url);
            }
        }
        if navigation.len() > MAX_NAVIGATION {
            errors.insert(
                "navigation",
                Message::new("error-too-many-menu-links").with("max", MAX_NAVIGATION),
            );
        }
        let text_fields = [
            ("banner_text", &self.banner_text, 300),
            ("banner_button", &self.banner_button, 40),
            ("notice_text", &self.notice_text, 300),
            ("notice_link_text", &self.notice_link_text, 60),
        ];
        for (field, value, max) in text_fields {
            if value.chars().count() > max {
                errors.insert(field, crate::editor::too_long(max));
            }
        }
        if self.banner_enabled
            && (self.banner_text.trim().is_empty() || self.banner_button.trim().is_empty())
        {
            errors.insert("banner_text", Message::new("error-banner-incomplete"));
        }
        if !self.banner_link.trim().is_empty() && !is_link(self.banner_link.trim()) {
            errors.insert(
                "banner_link",
                Message::new("error-link-target").with("example", "/support"),
            );
        }
        if self.notice_enabled && self.notice_text.trim().is_empty() {
            errors.insert("notice_text", Message::new("error-notice-incomplete"));
        }
        if !self.notice_link.trim().is_empty() && !is_link(self.notice_link.trim()) {
            errors.insert(
                "notice_link",
                Message::new("error-link-target").with("example", "/mirrors"),
            );
        }
        // The texts in other languages: trimmed, each held to its field's length,
        // kept only for the languages the site offers.
        let mut translations = std::collections::BTreeMap::new();
        for (tag, texts) in &self.translations {
            if *tag == language || !languages.contains(tag) {
                continue;
            }
            let mut checked = SiteTexts::default();
            for (field, value, into, max) in [
                ("title", &texts.title, &mut checked.title, 100),
                ("tagline", &texts.tagline, &mut checked.tagline, 200),
                (
                    "banner_text",
                    &texts.banner_text,
                    &mut checked.banner_text,
                    500,
                ),
                (
                    "banner_button",
                    &texts.banner_button,
                    &mut checked.banner_button,
                    40,
                ),
                (
                    "notice_text",
                    &texts.notice_text,
                    &mut checked.notice_text,
                    500,
                ),
                (
                    "notice_link_text",
                    &texts.notice_link_text,
                    &mut checked.notice_link_text,
                    80,
                ),
                (
                    "newsletter_name",
                    &texts.newsletter_name,
                    &mut checked.newsletter_name,
                    60,
                ),
            ] {
                let value = value.trim();
                if value.chars().count() > max {
                    errors.insert(field, crate::editor::too_long(max));
                }
                *into = value.to_owned();
            }
            if checked != SiteTexts::default() {
                translations.insert(tag.clone(), checked);
            }
        }
        let newsletter = self.newsletter(&mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SiteSettings {
            title: title.into(),
            tagline: self.tagline.trim().into(),
            language,
            languages,
            navigation,
            require_two_factor: self.require_two_factor,
            onion,
            mirrors,
            mirrors_updated_at: None,
            banner: Banner {
                enabled: self.banner_enabled,
                text: self.banner_text.trim().into(),
                button: self.banner_button.trim().into(),
                link: self.banner_link.trim().into(),
            },
            banned_notice: BannedNotice {
                enabled: self.notice_enabled,
                text: self.notice_text.trim().into(),
                link_text: self.notice_link_text.trim().into(),
                link: self.notice_link.trim().into(),
            },
            newsletter,
            translations: Some(translations),
        })
    }

    fn newsletter(&self, errors: &mut FieldErrors) -> NewsletterSettings {
        let defaults = NewsletterSettings::default();
        let name = self.newsletter_name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            errors.insert(
                "newsletter_name",
                Message::new("error-newsletter-name").with("max", 60_u32),
            );
        }
        let weekday = self
            .newsletter_day
            .trim()
            .parse::<chrono::Weekday>()
            .unwrap_or_else(|_| {
                errors.insert("newsletter_day", Message::new("error-weekday"));
                defaults.schedule.weekday
            });
        let time = chrono::NaiveTime::parse_from_str(self.newsletter_time.trim(), "%H:%M")
            .unwrap_or_else(|_| {
                errors.insert("newsletter_time", Message::new("error-time-of-day"));
                defaults.schedule.time
            });
        let policy_version = self.policy_version.trim();
        if policy_version.is_empty() || policy_version.chars().count() > 40 {
            errors.insert(
                "policy_version",
                Message::new("error-policy-version").with("max", 40_u32),
            );
        }
        let policy_url = self.policy_url.trim();
        if !is_link(policy_url) {
            errors.insert(
                "policy_url",
                Message::new("error-link-target").with("example", "/privacy"),
            );
        }
        NewsletterSettings {
            name: name.into(),
            schedule: WeeklySchedule { weekday, time },
            policy_version: policy_version.into(),
            policy_url: policy_url.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site as the server holds it: the catalogue has named what nobody wrote.
    fn site() -> SiteConfig {
        let mut site = SiteConfig::default();
        site.newsletter.name = "The Weekly".into();
        site.banner.text = "Readers keep us going.".into();
        site.banner.button = "Support us".into();
        site
    }

    fn form() -> SettingsForm {
        SettingsForm::from_settings(&SiteSettings::from_site(&site()))
    }

    #[test]
    fn the_current_settings_round_trip() {
        let settings = SiteSettings::from_site(&site());
        assert_eq!(form().validate().unwrap(), settings);
        // Every weekday is shown as one of the menu's values, and read back as itself.
        for day in [
            chrono::Weekday::Mon,
            chrono::Weekday::Tue,
            chrono::Weekday::Wed,
            chrono::Weekday::Thu,
            chrono::Weekday::Fri,
            chrono::Weekday::Sat,
            chrono::Weekday::Sun,
        ] {
            let mut settings = SiteSettings::from_site(&site());
            settings.newsletter.schedule.weekday = day;
            let form = SettingsForm::from_settings(&settings);
            assert_eq!(form.newsletter_day, weekday_value(day));
            assert_eq!(form.validate().unwrap().newsletter.schedule.weekday, day);
        }
    }

    #[test]
    fn menus_and_languages_are_parsed() {
        let settings = SettingsForm {
            language: "ru".into(),
            languages: "en, ru, pt-BR".into(),
            navigation: "About | /about\n\n  Mirrors | https://mirror.example/  ".into(),
            ..form()
        }
        .validate()
        .unwrap();
        assert_eq!(settings.languages, ["ru", "en", "pt-BR"]);
        assert_eq!(
            settings.navigation[1],
            NavLink {
                label: "Mirrors".into(),
                url: "https://mirror.example/".into()
            }
        );
        let applied = settings.apply(&SiteConfig::default());
        assert_eq!(applied.language, "ru");
        assert_eq!(
            applied.base_url,
            SiteConfig::default().base_url,
            "the rest comes from the configuration"
        );
    }

    #[test]
    fn onion_and_mirror_addresses_are_checked() {
        let onion = format!("http://{}.onion", "a".repeat(56));
        let settings = SettingsForm {
            onion: format!("{onion}/"),
            mirrors: "https://mirror-one.example/\nhttps://mirror-two.example\nhttps://mirror-one.example".into(),
            ..form()
        }
        .validate()
        .unwrap();
        assert_eq!(settings.onion, onion);
        assert_eq!(
            settings.mirrors,
            ["https://mirror-one.example", "https://mirror-two.example"]
        );
        let errors = SettingsForm {
            onion: "http://short.onion".into(),
            mirrors: "http://plain.example".into(),
            ..form()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["mirrors", "onion"]
        );
    }

    #[test]
    fn bad_fields_get_messages() {
        let errors = SettingsForm {
            title: " ".into(),
            language: "english".into(),
            navigation: "About /about\nEvil | javascript:alert(1)".into(),
            banner_link: "//evil.example".into(),
            notice_enabled: true,
            notice_text: String::new(),
            ..form()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            [
                "banner_link",
                "language",
                "navigation",
                "notice_text",
                "title"
            ]
        );
    }
}

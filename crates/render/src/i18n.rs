//! The interface's languages: Fluent catalogues kept in the theme
//! (`locales/<language>/*.ftl`, a file in the theme folder replacing the built-in
//! file of the same name), with CLDR plural rules, and dates and numbers formatted
//! for the locale by ICU4X. Templates call `t("key", n=3)`; the language is the
//! page's `lang`, else the site's.

use std::collections::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Datelike, TimeZone, Timelike};
use fixed_decimal::Decimal;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{T, YM, YMD};
use icu_datetime::input::{Date, Time};
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale as IcuLocale;
use kolokol_core::revenue::Money;
use parking_lot::RwLock;
use unic_langid::LanguageIdentifier;

/// The language every other one falls back to, key by key.
pub const FALLBACK: &str = "en";

/// Why the catalogues could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: message {key:?} is defined twice for {language}")]
    Twice {
        file: String,
        language: String,
        key: String,
    },
    #[error("locales/{0}: not a BCP 47 language tag")]
    BadTag(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no locales/{FALLBACK}/ catalogue: every other language falls back to it")]
    NoFallback,
}

/// One language's messages.
struct Language {
    bundle: FluentBundle<FluentResource>,
    keys: BTreeSet<String>,
}

/// CLDR's formats for one language tag (`en-GB` writes dates unlike `en`).
struct Formats {
    date: DateTimeFormatter<YMD>,
    month: DateTimeFormatter<YM>,
    time: DateTimeFormatter<T>,
    decimal: DecimalFormatter,
}

impl Formats {
    fn new(tag: &str) -> Option<Self> {
        let locale: IcuLocale = tag.parse().ok()?;
        Some(Self {
            date: DateTimeFormatter::try_new((&locale).into(), YMD::long()).ok()?,
            month: DateTimeFormatter::try_new((&locale).into(), YM::long()).ok()?,
            time: DateTimeFormatter::try_new((&locale).into(), T::hm()).ok()?,
            decimal: DecimalFormatter::try_new((&locale).into(), Default::default()).ok()?,
        })
    }
}

/// Every language the theme has a catalogue for, and the formats asked for so far.
pub struct Catalogues {
    languages: BTreeMap<String, Language>,
    formats: RwLock<HashMap<String, Arc<Formats>>>,
    /// English's formats, for a tag ICU4X has no data for.
    english: Arc<Formats>,
}

/// Where the catalogue files come from: `(language, file name, text)`.
pub type CatalogueFile = (String, String, String);

impl Catalogues {
    /// Builds the catalogues from files, later files of the same language and name
    /// replacing earlier ones (so a theme folder's file replaces the built-in one).
    pub fn from_files(
        files: impl IntoIterator<Item = CatalogueFile>,
    ) -> Result<Self, CatalogueError> {
        let mut chosen: BTreeMap<(String, String), String> = BTreeMap::new();
        for (language, name, text) in files {
            chosen.insert((language, name), text);
        }
        let mut grouped: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for ((language, name), text) in chosen {
            grouped.entry(language).or_default().push((name, text));
        }
        let mut languages = BTreeMap::new();
        for (tag, files) in grouped {
            let id: LanguageIdentifier = tag
                .parse()
                .map_err(|_| CatalogueError::BadTag(tag.clone()))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Pages are HTML and mails text: no bidi isolation marks around values.
            bundle.set_use_isolating(false);
            let mut keys = BTreeSet::new();
            for (name, text) in files {
                let file = format!("locales/{tag}/{name}");
                let lines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
                let resource = FluentResource::try_new(text).map_err(|(_, errors)| {
                    CatalogueError::Syntax {
                        file: file.clone(),
                        message: errors
                            .iter()
                            .map(|e| {
                                let line = lines.partition_point(|&i| i < e.pos.start) + 1;
                                format!("line {line}: {e}")
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                    }
                })?;
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(message) = entry {
                        keys.insert(message.id.name.to_owned());
                    }
                }
                bundle.add_resource(resource).map_err(|errors| {
                    let key = errors
                        .iter()
                        .find_map(|e| match e {
                            fluent_bundle::FluentError::Overriding { id, .. } => Some(id.clone()),
                            _ => None,
                        })
                        .unwrap_or_default();
                    CatalogueError::Twice {
                        file,
                        language: tag.clone(),
                        key,
                    }
                })?;
            }
            if Formats::new(&tag).is_none() {
                return Err(CatalogueError::BadTag(tag));
            }
            languages.insert(tag, Language { bundle, keys });
        }
        if !languages.contains_key(FALLBACK) {
            return Err(CatalogueError::NoFallback);
        }
        let english =
            Formats::new(FALLBACK).ok_or_else(|| CatalogueError::BadTag(FALLBACK.to_owned()))?;
        Ok(Self {
            languages,
            formats: RwLock::new(HashMap::new()),
            english: Arc::new(english),
        })
    }

    /// Reads `locales/*/*.ftl` from the built-in files, then from the theme folder.
    pub fn load(
        built_in: impl IntoIterator<Item = (String, Vec<u8>)>,
        dir: Option<&Path>,
    ) -> Result<Self, CatalogueError> {
        let mut files = Vec::new();
        for (path, bytes) in built_in {
            if let Some((language, name)) = catalogue_path(&path) {
                files.push((language, name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        if let Some(dir) = dir {
            let root = dir.join("locales");
            if root.is_dir() {
                let read = |path: &Path| {
                    std::fs::read_dir(path).map_err(|source| CatalogueError::Read {
                        path: path.to_owned(),
                        source,
                    })
                };
                for language in read(&root)?.flatten() {
                    if !language.path().is_dir() {
                        continue;
                    }
                    let tag = language.file_name().to_string_lossy().into_owned();
                    for file in read(&language.path())?.flatten() {
                        let name = file.file_name().to_string_lossy().into_owned();
                        if !name.ends_with(".ftl") {
                            continue;
                        }
                        let text = std::fs::read_to_string(file.path()).map_err(|source| {
                            CatalogueError::Read {
                                path: file.path(),
                                source,
                            }
                        })?;
                        files.push((tag.clone(), name, text));
                    }
                }
            }
        }
        Self::from_files(files)
    }

    /// The languages there are catalogues for.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.languages.keys().map(String::as_str)
    }

    /// Whether the interface can be shown in `language` (itself or its base language).
    pub fn speaks(&self, language: &str) -> bool {
        self.find(language).is_some()
    }

    /// Whether the fallback language has the message `key`.
    pub fn has(&self, key: &str) -> bool {
        self.languages
            .get(FALLBACK)
            .is_some_and(|l| l.keys.contains(key))
    }

    /// The message keys of one language.
    pub fn keys(&self, language: &str) -> Option<&BTreeSet<String>> {
        self.languages.get(language).map(|l| &l.keys)
    }

    /// `pt-BR` → `pt-BR`, else `pt`; `None` when neither has a catalogue.
    fn find(&self, language: &str) -> Option<&Language> {
        self.languages.get(language).or_else(|| {
            let base = language.split('-').next()?;
            self.languages.get(base)
        })
    }

    /// The message `key` in `language` (falling back to English for a missing key,
    /// and to the key itself where English lacks it too, so a gap shows and
    /// nothing breaks).
    pub fn text(&self, language: &str, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let chain = [self.find(language), self.languages.get(FALLBACK)];
        for language in chain.into_iter().flatten() {
            let Some(pattern) = language
                .bundle
                .get_message(key)
                .and_then(|message| message.value())
            else {
                continue;
            };
            let mut errors = Vec::new();
            return language
                .bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned();
        }
        key.to_owned()
    }

    /// The formats for `language`, made once; English's for a tag ICU4X refuses.
    fn formats(&self, language: &str) -> Arc<Formats> {
        if let Some(formats) = self.formats.read().get(language) {
            return Arc::clone(formats);
        }
        let made = Formats::new(language).map_or_else(|| Arc::clone(&self.english), Arc::new);
        self.formats
            .write()
            .insert(language.to_owned(), Arc::clone(&made));
        made
    }

    /// "30 November 2026" / «30 ноября 2026 г.», in the zone given.
    pub fn long_date<Z: TimeZone>(&self, language: &str, at: &DateTime<Z>) -> String {
        let Ok(date) = Date::try_new_iso(at.year(), at.month() as u8, at.day() as u8) else {
            return String::new();
        };
        self.formats(language).date.format(&date).to_string()
    }

    /// "November 2026" / «ноябрь 2026 г.», for a month's heading.
    pub fn month_year<Z: TimeZone>(&self, language: &str, at: &DateTime<Z>) -> String {
        let Ok(date) = Date::try_new_iso(at.year(), at.month() as u8, at.day() as u8) else {
            return String::new();
        };
        self.formats(language).month.format(&date).to_string()
    }

    /// "09:00" or "9:00 AM", as the locale writes a time of day.
    pub fn time_of_day<Z: TimeZone>(&self, language: &str, at: &DateTime<Z>) -> String {
        let Ok(time) = Time::try_new(at.hour() as u8, at.minute() as u8, 0, 0) else {
            return String::new();
        };
        self.formats(language).time.format(&time).to_string()
    }

    /// "every Friday at 8:00 AM" / «каждую пятницу в 08:00»: `weekday` is the
    /// English name in lower case, as settings store it.
    pub fn schedule(&self, language: &str, weekday: &str, hour: u32, minute: u32) -> String {
        let time = Time::try_new(hour as u8, minute as u8, 0, 0)
            .map(|t| self.formats(language).time.format(&t).to_string())
            .unwrap_or_default();
        let mut args = FluentArgs::new();
        args.set("weekday", weekday.to_owned());
        args.set("time", time);
        self.text(language, "schedule", Some(&args))
    }

    /// A whole number with the locale's grouping: "12,480" / «12 480».
    pub fn number(&self, language: &str, value: i64) -> String {
        self.formats(language)
            .decimal
            .format(&Decimal::from(value))
            .to_string()
    }

    /// An amount with its currency, as the catalogue's `money` message places the
    /// symbol: "€1,438.33" / «1 438,33 €». Whole amounts drop the decimals.
    pub fn money(&self, language: &str, money: &Money) -> String {
        let digits = i16::from(money.currency.digits());
        let mut amount = Decimal::from(money.minor);
        amount.multiply_pow10(-digits);
        let scale = 10_i64.pow(u32::from(money.currency.digits()));
        if money.minor % scale == 0 {
            amount.trunc(0);
        } else {
            amount.pad_end(-digits);
        }
        let formatted = self.formats(language).decimal.format(&amount).to_string();
        let mut args = FluentArgs::new();
        args.set("amount", formatted);
        args.set("symbol", money.currency.symbol().trim().to_owned());
        args.set("code", money.currency.code().to_owned());
        self.text(language, "money", Some(&args))
    }
}

pub use kolokol_core::{Arg, Message};

/// The catalogues bound to one language: what Rust code uses to say something to
/// a reader or a staff member in their language.
#[derive(Clone)]
pub struct Words {
    catalogues: Arc<Catalogues>,
    language: String,
}

impl Words {
    pub fn new(catalogues: Arc<Catalogues>, language: &str) -> Self {
        Self {
            catalogues,
            language: language.to_owned(),
        }
    }

    /// The message `key`, without values.
    pub fn t(&self, key: &str) -> String {
        self.catalogues.text(&self.language, key, None)
    }

    /// The message `key` with its values: `words.t_with("signed-in-as", [("email", email.into())])`.
    pub fn t_with<'a>(&self, key: &str, args: impl IntoIterator<Item = (&'a str, Arg)>) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent.set(name, text),
                Arg::Number(n) => fluent.set(name, FluentValue::from(n)),
                Arg::Said(key) => fluent.set(name, self.t(key)),
            }
        }
        self.catalogues.text(&self.language, key, Some(&fluent))
    }

    /// A [`Message`] from the binary (a form's problem, a refusal), in these words.
    pub fn say(&self, message: &Message) -> String {
        self.t_with(
            message.key,
            message.args.iter().map(|(name, value)| {
                let value = match value {
                    Arg::Said(key) => Arg::Text(self.t(key)),
                    other => other.clone(),
                };
                (*name, value)
            }),
        )
    }

    pub fn money(&self, money: &Money) -> String {
        self.catalogues.money(&self.language, money)
    }

    pub fn long_date<Z: TimeZone>(&self, at: &DateTime<Z>) -> String {
        self.catalogues.long_date(&self.language, at)
    }

    pub fn month_year<Z: TimeZone>(&self, at: &DateTime<Z>) -> String {
        self.catalogues.month_year(&self.language, at)
    }

    /// The newsletter's weekly slot, said in these words.
    pub fn schedule(&self, schedule: &kolokol_core::newsletter::WeeklySchedule) -> String {
        let weekday = serde_json::to_value(schedule)
            .ok()
            .and_then(|v| v.get("weekday").and_then(|d| d.as_str().map(str::to_owned)))
            .unwrap_or_default();
        self.catalogues.schedule(
            &self.language,
            &weekday,
            schedule.time.hour(),
            schedule.time.minute(),
        )
    }
}

/// The texts a new site has before anyone writes its own (tagline, banner, the
/// notice's link, the newsletter's name), said in the site's language.
pub fn fill_defaults(site: &mut kolokol_core::SiteConfig, catalogues: &Catalogues) {
    let language = site.language.clone();
    let fill = |field: &mut String, key: &str| {
        if field.trim().is_empty() {
            *field = catalogues.text(&language, key, None);
        }
    };
    fill(&mut site.tagline, "default-tagline");
    fill(&mut site.banner.text, "default-banner-text");
    fill(&mut site.banner.button, "default-banner-button");
    fill(&mut site.banned_notice.text, "default-notice-text");
    fill(&mut site.banned_notice.link_text, "default-notice-link");
    fill(&mut site.newsletter.name, "default-newsletter-name");
}

/// `locales/ru/site.ftl` → `("ru", "site.ftl")`.
fn catalogue_path(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix("locales/")?;
    let (language, name) = rest.split_once('/')?;
    (name.ends_with(".ftl") && !name.contains('/')).then(|| (language.to_owned(), name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kolokol_core::revenue::Currency;

    /// A message with one number, e.g. `("minutes-read", "n", 3)`.
    fn count(c: &Catalogues, language: &str, key: &str, name: &str, value: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value));
        c.text(language, key, Some(&args))
    }

    fn catalogues() -> Catalogues {
        Catalogues::from_files([
            (
                "en".into(),
                "a.ftl".into(),
                "minutes-read = { $n ->\n    [one] 1 minute\n   *[other] { $n } minutes\n}\nmoney = { $symbol }{ $amount }\nonly-en = English\n".into(),
            ),
            (
                "ru".into(),
                "a.ftl".into(),
                "minutes-read = { $n ->\n    [one] { $n } минута\n    [few] { $n } минуты\n   *[many] { $n } минут\n}\nmoney = { $amount } { $symbol }\n".into(),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn russian_plurals_follow_cldr() {
        let c = catalogues();
        let said: Vec<_> = [1, 2, 5, 21, 22, 11]
            .iter()
            .map(|n| count(&c, "ru", "minutes-read", "n", *n))
            .collect();
        assert_eq!(
            said,
            [
                "1 минута",
                "2 минуты",
                "5 минут",
                "21 минута",
                "22 минуты",
                "11 минут"
            ]
        );
        assert_eq!(count(&c, "en", "minutes-read", "n", 1), "1 minute");
    }

    #[test]
    fn missing_keys_fall_back_to_english_then_show_themselves() {
        let c = catalogues();
        assert_eq!(c.text("ru", "only-en", None), "English");
        assert_eq!(c.text("ru", "nowhere", None), "nowhere");
        assert_eq!(
            c.text("ru-RU", "minutes-read", None),
            c.text("ru", "minutes-read", None)
        );
        assert!(c.speaks("ru-RU") && !c.speaks("de"));
    }

    #[test]
    fn dates_and_money_come_from_cldr() {
        let c = catalogues();
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 30, 9, 5, 0).unwrap();
        assert!(c.long_date("ru", &at).starts_with("30 ноября 2026"));
        assert_eq!(c.long_date("en", &at), "November 30, 2026");
        assert_eq!(c.long_date("en-GB", &at), "30 November 2026");
        let euro = Currency::EUR;
        let money = Money::new(143_833, euro);
        assert_eq!(c.money("ru", &money), "1\u{a0}438,33 €");
        assert_eq!(c.money("en", &money), "€1,438.33");
        assert_eq!(c.money("en", &Money::new(2_500, euro)), "€25");
        assert_eq!(c.number("ru", 12_480), "12\u{a0}480");
    }

    #[test]
    fn a_new_site_speaks_its_language_from_the_first_start() {
        let theme = crate::Theme::new(None, chrono_tz::UTC).unwrap();
        let mut site = kolokol_core::SiteConfig {
            language: "ru".into(),
            ..Default::default()
        };
        site.banner.button = "Дать денег".into();
        fill_defaults(&mut site, &theme.catalogues());
        assert_eq!(site.newsletter.name, "Еженедельник");
        assert_eq!(
            site.banner.button, "Дать денег",
            "what the newsroom wrote stays"
        );
        assert!(
            !site.banner.text.chars().any(|c| c.is_ascii_digit()),
            "no sum it was never given"
        );
        assert!(!site.tagline.is_empty());
    }

    #[test]
    fn broken_catalogues_are_refused_with_the_file_named() {
        let bad = Catalogues::from_files([("en".into(), "x.ftl".into(), "= oops".into())]);
        assert!(
            matches!(bad, Err(CatalogueError::Syntax { file, .. }) if file == "locales/en/x.ftl")
        );
        let twice =
            Catalogues::from_files([("en".into(), "x.ftl".into(), "a = 1\na = 2\n".into())]);
        assert!(matches!(twice, Err(CatalogueError::Twice { key, .. }) if key == "a"));
        let none = Catalogues::from_files([("ru".into(), "x.ftl".into(), "a = 1\n".into())]);
        assert!(matches!(none, Err(CatalogueError::NoFallback)));
    }
}

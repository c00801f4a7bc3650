//! Themes: templates and static assets. The default theme is built into the binary;
//! a theme folder on disk overrides any of its files, so a newsroom restyles the site
//! by editing files, without recompiling. Changes on disk are picked up by [`Theme::reload`].

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use fluent_bundle::{FluentArgs, FluentValue};
use minijinja::value::Kwargs;
use minijinja::{Environment, Value};
use parking_lot::RwLock;
use rust_embed::RustEmbed;
use serde::Serialize;

use crate::i18n::{CatalogueError, Catalogues, FALLBACK};

#[derive(RustEmbed)]
#[folder = "../../themes/default"]
struct DefaultTheme;

/// Why a page could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("template {name}: {source}")]
    Template {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("theme folder {0} does not exist or is not a folder")]
    MissingFolder(PathBuf),
    #[error("theme catalogues: {0}")]
    Catalogue(#[from] CatalogueError),
}

/// The active theme: the built-in default, overlaid with an optional folder.
pub struct Theme {
    dir: Option<PathBuf>,
    env: RwLock<Arc<Environment<'static>>>,
    catalogues: RwLock<Arc<Catalogues>>,
    timezone: chrono_tz::Tz,
}

impl Theme {
    /// Loads the theme; `dir` overrides the built-in files it contains.
    pub fn new(dir: Option<PathBuf>, timezone: chrono_tz::Tz) -> Result<Self, ThemeError> {
        if let Some(dir) = &dir
            && !dir.is_dir()
        {
            return Err(ThemeError::MissingFolder(dir.clone()));
        }
        let catalogues = Arc::new(load_catalogues(dir.as_deref())?);
        let env = build_environment(dir.clone(), timezone, Arc::clone(&catalogues));
        Ok(Self {
            dir,
            env: RwLock::new(Arc::new(env)),
            catalogues: RwLock::new(catalogues),
            timezone,
        })
    }

    /// Forgets every loaded template and catalogue so the next render reads the
    /// folder again. A catalogue that no longer parses is reported and the last
    /// good ones are kept.
    pub fn reload(&self) -> Result<(), ThemeError> {
        let loaded = load_catalogues(self.dir.as_deref()).map(Arc::new);
        let catalogues = match &loaded {
            Ok(fresh) => Arc::clone(fresh),
            Err(_) => self.catalogues(),
        };
        *self.env.write() = Arc::new(build_environment(
            self.dir.clone(),
            self.timezone,
            Arc::clone(&catalogues),
        ));
        *self.catalogues.write() = catalogues;
        loaded.map(|_| ()).map_err(ThemeError::from)
    }

    /// The interface's messages and formats, for text made outside templates.
    pub fn catalogues(&self) -> Arc<Catalogues> {
        Arc::clone(&self.catalogues.read())
    }

    /// Renders `name` (e.g. `article.html`) with `context`.
    pub fn render<S: Serialize>(&self, name: &str, context: S) -> Result<String, ThemeError> {
        let env = Arc::clone(&self.env.read());
        env.get_template(name)
            .and_then(|template| template.render(context))
            .map_err(|source| ThemeError::Template {
                name: name.to_owned(),
                source,
            })
    }

    /// A static asset (`assets/…` in the theme), from the folder first.
    pub fn asset(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        let relative = format!("assets/{}", safe_relative(path)?);
        if let Some(bytes) = self
            .dir
            .as_ref()
            .and_then(|dir| std::fs::read(dir.join(&relative)).ok())
        {
            return Some(Cow::Owned(bytes));
        }
        DefaultTheme::get(&relative).map(|file| file.data)
    }

    /// Changes whenever a file in the theme folder is added, removed or modified.
    pub fn fingerprint(&self) -> u64 {
        let Some(dir) = &self.dir else { return 0 };
        let mut hash = 0_u64;
        let mut stack = vec![dir.clone()];
        while let Some(folder) = stack.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let Ok(meta) = entry.metadata() else { continue };
                if meta.is_dir() {
                    stack.push(entry.path());
                    continue;
                }
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                // An order-independent mix of name, size and time.
                let name_hash = entry
                    .path()
                    .to_string_lossy()
                    .bytes()
                    .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                    });
                hash =
                    hash.wrapping_add(name_hash ^ meta.len().rotate_left(17) ^ (modified as u64));
            }
        }
        hash
    }

    /// Names of all built-in files, for `kolokol theme export`.
    pub fn default_files() -> impl Iterator<Item = (String, Cow<'static, [u8]>)> {
        DefaultTheme::iter()
            .filter_map(|name| DefaultTheme::get(&name).map(|file| (name.into_owned(), file.data)))
    }
}

/// A path inside the theme, refusing `..`, absolute paths and other escapes.
fn safe_relative(path: &str) -> Option<String> {
    let candidate = Path::new(path);
    let safe = !path.is_empty()
        && candidate
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        && !path.contains('\\');
    safe.then(|| path.to_owned())
}

fn load_catalogues(dir: Option<&Path>) -> Result<Catalogues, CatalogueError> {
    let built_in = DefaultTheme::iter().filter_map(|name| {
        DefaultTheme::get(&name).map(|file| (name.into_owned(), file.data.into_owned()))
    });
    Catalogues::load(built_in, dir)
}

/// The language a template speaks: its `lang`, else the site's, else English.
fn page_language(state: &minijinja::State<'_, '_>) -> String {
    let lang = state
        .lookup("lang")
        .filter(|v| !v.is_undefined() && !v.is_none());
    let lang = lang.or_else(|| {
        state
            .lookup("site")
            .and_then(|site| site.get_attr("language").ok())
            .filter(|v| !v.is_undefined() && !v.is_none())
    });
    lang.map_or_else(|| FALLBACK.to_owned(), |v| v.to_string())
}

/// A template value as a message's value: numbers stay numbers, for plural rules;
/// text is escaped when the message is HTML.
fn fluent_value(value: &Value, html: bool) -> FluentValue<'static> {
    if let Ok(n) = i64::try_from(value.clone()) {
        FluentValue::from(n)
    } else if let Ok(n) = f64::try_from(value.clone()) {
        FluentValue::from(n)
    } else if html {
        FluentValue::from(escape_text(&value.to_string()))
    } else {
        FluentValue::from(value.to_string())
    }
}

/// The message a template asks for, with its values: `t("key", n=3, name="…")`, or
/// `t(message)` for a [`crate::i18n::Message`] the binary made (a form's problem).
fn translate(
    catalogues: &Catalogues,
    state: &minijinja::State<'_, '_>,
    key: &Value,
    kwargs: &Kwargs,
    html: bool,
) -> Result<String, minijinja::Error> {
    let mut args = FluentArgs::new();
    let key = match key.get_attr("key") {
        Ok(inner) if !inner.is_undefined() => {
            let values = key.get_attr("args")?;
            if let Ok(names) = values.try_iter() {
                for name in names {
                    let value = values.get_item(&name)?;
                    args.set(name.to_string(), fluent_value(&value, html));
                }
            }
            inner.to_string()
        }
        _ => key.to_string(),
    };
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        args.set(name.to_owned(), fluent_value(&value, html));
    }
    Ok(catalogues.text(&page_language(state), &key, Some(&args)))
}

fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    // Writing to a String cannot fail.
    let _ = escape_into(text, &mut escaped);
    escaped
}

/// Writes `text` escaped for HTML text and attribute values: the runs between the
/// five special characters are copied whole.
fn escape_into(text: &str, out: &mut impl std::fmt::Write) -> std::fmt::Result {
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let reference = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[start..at])?;
        out.write_str(reference)?;
        start = at + 1;
    }
    out.write_str(&text[start..])
}

fn build_environment(
    dir: Option<PathBuf>,
    timezone: chrono_tz::Tz,
    catalogues: Arc<Catalogues>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_loader(move |name| {
        let Some(relative) = safe_relative(name) else {
            return Ok(None);
        };
        let relative = format!("templates/{relative}");
        if let Some(dir) = &dir {
            match std::fs::read_to_string(dir.join(&relative)) {
                Ok(source) => return Ok(Some(source)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        "cannot read template",
                    )
                    .with_source(e));
                }
            }
        }
        Ok(DefaultTheme::get(&relative)
            .map(|file| String::from_utf8_lossy(&file.data).into_owned()))
    });
    env.set_formatter(escape_html_minimally);
    let c = Arc::clone(&catalogues);
    env.add_function(
        "t",
        move |state: &minijinja::State<'_, '_>, key: Value, kwargs: Kwargs| {
            translate(&c, state, &key, &kwargs, false)
        },
    );
    let c = Arc::clone(&catalogues);
    env.add_function(
        "t_html",
        // A message that carries markup of its own (a link in a sentence): the
        // catalogue is the theme's, trusted like its templates; the values are escaped.
        move |state: &minijinja::State<'_, '_>, key: Value, kwargs: Kwargs| {
            translate(&c, state, &key, &kwargs, true).map(Value::from_safe_string)
        },
    );
    let c = Arc::clone(&catalogues);
    env.add_filter(
        "local_time",
        move |state: &minijinja::State<'_, '_>, value: String| {
            format_local(&c, &page_language(state), &value, timezone)
        },
    );
    let c = Arc::clone(&catalogues);
    env.add_filter(
        "long_date",
        move |state: &minijinja::State<'_, '_>, value: String| {
            parse_time(&value).map_or_else(String::new, |t| {
                c.long_date(&page_language(state), &t.with_timezone(&timezone))
            })
        },
    );
    let c = Arc::clone(&catalogues);
    env.add_filter(
        "schedule",
        move |state: &minijinja::State<'_, '_>, value: Value| -> Result<String, minijinja::Error> {
            let weekday = value.get_attr("weekday")?.to_string();
            let time = value.get_attr("time")?.to_string();
            let mut parts = time.split(':').map(|p| p.parse::<u32>().unwrap_or(0));
            let (hour, minute) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
            Ok(c.schedule(&page_language(state), &weekday, hour, minute))
        },
    );
    let c = Arc::clone(&catalogues);
    env.add_filter(
        "number",
        move |state: &minijinja::State<'_, '_>, value: i64| c.number(&page_language(state), value),
    );
    env.add_filter("srcset", srcset);
    env
}

/// Escapes text for HTML like minijinja does, but leaves `/` alone: escaping it
/// gains nothing inside quoted attributes and text, and makes every URL three times longer.
fn escape_html_minimally(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() == minijinja::AutoEscape::Html
        && !value.is_safe()
        && !value.is_undefined()
        && !value.is_none()
    {
        let written = match value.as_str() {
            Some(text) => escape_into(text, out),
            None => escape_into(&value.to_string(), out),
        };
        return written.map_err(|e| {
            minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed").with_source(e)
        });
    }
    minijinja::escape_formatter(out, state, value)
}

fn parse_time(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "November 29, 2026, 9:00 AM EET": the newsroom's zone, named, so nobody is misled.
fn format_local(
    catalogues: &Catalogues,
    language: &str,
    value: &str,
    timezone: chrono_tz::Tz,
) -> String {
    parse_time(value).map_or_else(String::new, |t| {
        let local = t.with_timezone(&timezone);
        let mut args = FluentArgs::new();
        args.set("date", catalogues.long_date(language, &local));
        args.set("time", catalogues.time_of_day(language, &local));
        args.set("zone", local.format("%Z").to_string());
        catalogues.text(language, "date-time-zone", Some(&args))
    })
}

/// `srcset` for an image's variants: `/media/a-480.jpg 480w, /media/a-960.jpg 960w`.
fn srcset(variants: Value) -> Result<String, minijinja::Error> {
    let mut parts = Vec::new();
    for variant in variants.try_iter()? {
        let path = variant.get_attr("path")?;
        let width = variant.get_attr("width")?;
        parts.push(format!(
            "{} {width}w",
            crate::urls::media(&path.to_string())
        ));
    }
    Ok(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_overrides_built_in_templates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/probe.html"), "Hello {{ who }}").unwrap();
        let theme = Theme::new(Some(dir.path().to_path_buf()), chrono_tz::UTC).unwrap();
        assert_eq!(
            theme
                .render("probe.html", minijinja::context! { who => "<b>/\"'&" })
                .unwrap(),
            "Hello &lt;b&gt;/&quot;&#39;&amp;"
        );

        let before = theme.fingerprint();
        std::fs::write(dir.path().join("templates/probe.html"), "Bye {{ who }}!").unwrap();
        assert_ne!(theme.fingerprint(), before);
        assert!(
            theme
                .render("probe.html", minijinja::context! { who => "x" })
                .unwrap()
                .starts_with("Hello"),
            "cached until reload"
        );
        theme.reload().unwrap();
        assert_eq!(
            theme
                .render("probe.html", minijinja::context! { who => "x" })
                .unwrap(),
            "Bye x!"
        );
    }

    #[test]
    fn assets_cannot_escape_the_theme() {
        let theme = Theme::new(None, chrono_tz::UTC).unwrap();
        assert!(theme.asset("site.css").is_some());
        for bad in ["../Cargo.toml", "/etc/passwd", "", "a/../../x", "..\\x"] {
            assert!(theme.asset(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn times_name_the_newsroom_zone() {
        let riga: chrono_tz::Tz = "Europe/Riga".parse().unwrap();
        let theme = Theme::new(None, riga).unwrap();
        let c = theme.catalogues();
        assert_eq!(
            format_local(&c, "en", "2026-11-29T07:00:00Z", riga),
            "November 29, 2026, 9:00\u{202f}AM EET"
        );
        assert_eq!(
            format_local(&c, "ru", "2026-11-29T07:00:00Z", riga),
            "29 ноября 2026\u{202f}г., 09:00 EET"
        );
        assert_eq!(format_local(&c, "en", "not a time", riga), "");
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let error = Theme::new(Some("/no/such/theme".into()), chrono_tz::UTC)
            .err()
            .unwrap();
        assert!(error.to_string().contains("/no/such/theme"));
    }
}

//! The demo newsroom: a fictional exiled outlet, "The Northern Bell", with original
//! articles in six sections, six authors, tags, corrections and generated hero
//! images, in English and Russian: most Russian articles are translations of
//! English ones, a few are Russian only. `kolokol demo` loads it into an empty
//! database.

pub mod images;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use kolokol_core::{
    ArticleStatus, AuthorForm, Correction, NewArticle, SectionForm, SiteConfig, Slug,
};
use kolokol_operations::{self as operations, Actor};
use kolokol_store::{DynStore, StoreError, Texts};
use serde::Deserialize;

const CONTENT: &str = include_str!("../content/newsroom.toml");
/// The Russian edition: section and author names, the site's texts, standing pages
/// and articles.
const RUSSIAN: &str = include_str!("../content/russian.toml");

/// The demo's languages, English (the main one) first.
pub const DEMO_LANGUAGES: [&str; 2] = ["en", "ru"];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo content is invalid: {0}")]
    Content(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the demo could not be loaded: {0}")]
    Operation(#[from] operations::Error),
    #[error(transparent)]
    Image(#[from] images::ImageError),
    #[error("image generation stopped: {0}")]
    Task(String),
    #[error("the demo's pictures could not be kept: {0}")]
    Media(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
    site: SiteText,
    section: Vec<SectionText>,
    author: Vec<AuthorText>,
    article: Vec<ArticleText>,
}

/// The Russian edition's texts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Russian {
    site: kolokol_core::config::SiteTexts,
    /// By slug: the section's name and description in Russian.
    section: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// By slug: the author's name, title and bio in Russian.
    author: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// By slug: the tag's name in Russian.
    tag: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    page: Vec<PageText>,
    article: Vec<ArticleText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageText {
    title: String,
    /// The English page's title it translates.
    translation_of: String,
    body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteText {
    title: String,
    tagline: String,
    publisher: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionText {
    slug: Slug,
    name: String,
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorText {
    slug: Slug,
    name: String,
    title: String,
    bio: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleText {
    headline: String,
    dek: String,
    section: Slug,
    authors: Vec<Slug>,
    tags: Vec<Slug>,
    dateline: String,
    hours_ago: i64,
    updated_hours_ago: Option<i64>,
    caption: String,
    correction: Option<String>,
    body: String,
    /// The English article's headline this one translates (Russian articles).
    #[serde(default)]
    translation_of: Option<String>,
}

fn content() -> Result<Content, DemoError> {
    toml::from_str(CONTENT).map_err(|e| DemoError::Content(e.to_string()))
}

fn russian() -> Result<Russian, DemoError> {
    toml::from_str(RUSSIAN).map_err(|e| DemoError::Content(format!("russian.toml: {e}")))
}

/// The demo's site settings: its name, a support banner and a "blocked" notice.
pub fn site_config(base_url: &str) -> Result<SiteConfig, DemoError> {
    let content = content()?;
    let mut site = SiteConfig {
        title: content.site.title,
        tagline: content.site.tagline,
        publisher: content.site.publisher,
        base_url: base_url.to_owned(),
        timezone: "Europe/Riga".into(),
        languages: DEMO_LANGUAGES.map(str::to_owned).to_vec(),
        ..SiteConfig::default()
    };
    site.translations.insert("ru".into(), russian()?.site);
    site.banner.text = format!(
        "We run without ads or owners. This newsroom costs ${},000 a month; readers like you fill the gap.",
        DEMO_MONTHLY_GOAL / 1000
    );
    site.banned_notice.enabled = true;
    site.banned_notice.text =
        "This site is blocked in Veldoria. Our full-text feeds keep working where the site does not.".into();
    site.banned_notice.link_text = "Subscribe to the feed".into();
    site.banned_notice.link = "/feed.xml".into();
    Ok(site)
}

/// The demo's standing pages, linked from the footer.
const STANDING_PAGES: [(&str, &str); 2] = [
    (
        "About us",
        "The Northern Bell is an independent newsroom of twelve journalists who left \
         Veldoria in 2024 and kept reporting on it from abroad.\n\n\
         We are paid for by our readers: no owner, no advertiser and no government \
         decides what we publish.\n\n\
         Write to the editors at editors@northern-bell.example.",
    ),
    (
        "Corrections policy",
        "When we get something wrong we say so. A correction is added at the foot of \
         the article, dated, saying what was wrong and what is right; we do not \
         quietly rewrite published text.\n\n\
         To report an error, write to corrections@northern-bell.example.",
    ),
];

/// What the demo newsroom says it costs a month, in dollars.
pub const DEMO_MONTHLY_GOAL: u32 = 10_000;

/// The demo's staff account; the password is public, so the demo is for trying
/// Kolokol out on your own machine, not for the internet.
pub const DEMO_EDITOR_EMAIL: &str = "editor@northern-bell.example";
pub const DEMO_EDITOR_PASSWORD: &str = "read-the-bell-demo";

/// "civil-society" → "Civil society".
fn tag_name(slug: &Slug) -> String {
    let text = slug.as_str().replace('-', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Draws every article's hero image, on as many threads as there are cores.
fn draw_all(
    plans: &[(String, u64, usize)],
) -> Result<Vec<(kolokol_core::NewImage, images::Files, String)>, DemoError> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let chunk = plans.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = plans
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(slug, seed, palette)| {
                            let design = images::Design::new(*seed, *palette);
                            images::draw_hero(slug, &design)
                                .map(|(image, files)| (image, files, design.alt))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut pictures = Vec::with_capacity(plans.len());
        for worker in workers {
            let part = worker
                .join()
                .map_err(|_| DemoError::Task("an image worker panicked".into()))??;
            pictures.extend(part);
        }
        Ok(pictures)
    })
}

/// Loads the demo newsroom unless the database already has articles. Publication times
/// are counted back from `now`, so the demo always looks current. Returns how many
/// articles were created.
pub async fn seed(
    store: &DynStore,
    media: &kolokol_media::MediaStore,
    now: DateTime<Utc>,
) -> Result<usize, DemoError> {
    if store.has_articles().await? {
        return Ok(0);
    }
    let content = content()?;
    let russian = russian()?;
    let languages = DEMO_LANGUAGES.map(str::to_owned);
    // Everything goes through the same operations as the newsroom's own work, so
    // the demo cannot show what a fresh install could not make.
    let operator = Actor::Operator;
    let in_russian = |names: Option<&std::collections::BTreeMap<String, String>>| {
        names
            .map(|names| [("ru".to_owned(), names.clone())].into_iter().collect())
            .unwrap_or_default()
    };
    let mut sections = Vec::new();
    for (position, text) in (1_i64..).zip(&content.section) {
        let form = SectionForm {
            name: text.name.clone(),
            slug: text.slug.to_string(),
            description: text.description.clone(),
            position: position.to_string(),
            in_menu: "on".into(),
            translations: in_russian(russian.section.get(text.slug.as_str())),
        };
        sections.push(operations::sections::create(store, operator, &form, now).await?);
    }
    let mut pages = Vec::new();
    for (position, (title, body)) in (1_i64..).zip(STANDING_PAGES) {
        let form = kolokol_core::PageForm {
            title: title.into(),
            body: body.into(),
            placement: "footer".into(),
            position: position.to_string(),
            language: "en".into(),
            ..kolokol_core::PageForm::default()
        };
        let id = operations::pages::save(store, operator, None, &form, &languages, now).await?;
        operations::pages::set_published(store, operator, id, true, now).await?;
        pages.push((title, id));
    }
    for (position, page) in (1_i64..).zip(&russian.page) {
        let form = kolokol_core::PageForm {
            title: page.title.clone(),
            body: page.body.clone(),
            placement: "footer".into(),
            position: position.to_string(),
            language: "ru".into(),
            ..kolokol_core::PageForm::default()
        };
        let id = operations::pages::save(store, operator, None, &form, &languages, now).await?;
        operations::pages::set_published(store, operator, id, true, now).await?;
        let original = pages
            .iter()
            .find(|(title, _)| *title == page.translation_of)
            .ok_or_else(|| DemoError::Content(format!("{}: no page to translate", page.title)))?;
        let slug = store
            .page_record(original.1)
            .await?
            .map(|p| p.draft.slug.to_string())
            .unwrap_or_default();
        operations::translations::link(store, operator, Texts::Pages, id, &slug, now).await?;
    }
    let mut authors = Vec::new();
    for text in &content.author {
        let form = AuthorForm {
            name: text.name.clone(),
            slug: text.slug.to_string(),
            title: text.title.clone(),
            bio: text.bio.clone(),
            translations: in_russian(russian.author.get(text.slug.as_str())),
            ..AuthorForm::default()
        };
        authors.push(operations::authors::create(store, operator, &form, now).await?);
    }
    let tag_slugs: BTreeSet<&Slug> = content
        .article
        .iter()
        .chain(&russian.article)
        .flat_map(|a| &a.tags)
        .collect();
    let mut tags = Vec::new();
    for slug in tag_slugs {
        let name = tag_name(slug);
        let tag = operations::archive::add_tag(store, operator, slug, &name).await?;
        // Its Russian name, set as the newsroom's tag page sets it.
        let names = in_russian(russian.tag.get(slug.as_str()));
        if !names.is_empty() {
            operations::tags::rename(store, operator, tag.id, &name, slug.as_str(), &names, now)
                .await?;
        }
        tags.push(tag);
    }

    // Drawing and encoding the pictures is the slow part; do it off the async threads.
    // Translations show their original's picture; every other article gets one.
    let plans: Vec<(String, u64, usize)> = content
        .article
        .iter()
        .chain(
            russian
                .article
                .iter()
                .filter(|a| a.translation_of.is_none()),
        )
        .enumerate()
        .map(|(n, a)| {
            let slug = Slug::from_title(&a.headline)
                .map_err(|e| DemoError::Content(format!("{}: {e}", a.headline)))?;
            let palette = content
                .section
                .iter()
                .position(|s| s.slug == a.section)
                .unwrap_or(0);
            Ok((slug.to_string(), n as u64 + 1, palette))
        })
        .collect::<Result<_, DemoError>>()?;
    let drawn = tokio::task::spawn_blocking(move || draw_all(&plans))
        .await
        .map_err(|e| DemoError::Task(e.to_string()))??;
    // Into the media store the site uses, as any upload.
    let mut pictures = Vec::with_capacity(drawn.len());
    for (image, files, alt) in drawn {
        for (path, bytes) in files {
            media
                .put(&path, bytes)
                .await
                .map_err(|e| DemoError::Media(e.to_string()))?;
        }
        pictures.push((image, alt));
    }

    let mut created = 0;
    // English articles by headline, with their picture, for their translations.
    let mut originals: Vec<(&str, kolokol_core::ArticleId, i64, String)> = Vec::new();
    let mut pictures = pictures.into_iter();
    for text in content.article.iter().chain(&russian.article) {
        let russian = content.article.len() <= created;
        let original = match &text.translation_of {
            Some(headline) => Some(
                originals
                    .iter()
                    .find(|(h, ..)| h == headline)
                    .cloned()
                    .ok_or_else(|| {
                        DemoError::Content(format!("{}: no article {headline:?}", text.headline))
                    })?,
            ),
            None => None,
        };
        let find = |slug: &Slug, what: &str| {
            DemoError::Content(format!("{}: unknown {what} {slug}", text.headline))
        };
        let section = sections
            .iter()
            .find(|s| s.slug == text.section)
            .ok_or_else(|| find(&text.section, "section"))?;
        let author_ids = text
            .authors
            .iter()
            .map(|slug| {
                authors
                    .iter()
                    .find(|a| &a.slug == slug)
                    .map(|a| a.id)
                    .ok_or_else(|| find(slug, "author"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tag_ids = text
            .tags
            .iter()
            .map(|slug| {
                tags.iter()
                    .find(|t| &t.slug == slug)
                    .map(|t| t.id)
                    .ok_or_else(|| find(slug, "tag"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let published = now - Duration::hours(text.hours_ago);
        // A translation shows its original's picture; the others draw their own.
        let (image_id, alt) = match &original {
            Some((_, _, image_id, alt)) => (*image_id, alt.clone()),
            None => {
                let (image, alt) = pictures
                    .next()
                    .ok_or_else(|| DemoError::Content("a picture is missing".into()))?;
                let added =
                    operations::media::add(store, operator, &image, &text.headline, published);
                (added.await?, alt)
            }
        };
        let article = NewArticle {
            slug: Slug::from_title(&text.headline)
                .map_err(|e| DemoError::Content(e.to_string()))?,
            headline: text.headline.clone(),
            dek: text.dek.clone(),
            body_markdown: text.body.trim().to_owned(),
            dateline: text.dateline.clone(),
            section_id: section.id,
            author_ids,
            tag_ids,
            status: ArticleStatus::Published,
            published_at: Some(published),
            updated_at: text.updated_hours_ago.map(|h| now - Duration::hours(h)),
            hero_image_id: Some(image_id),
            hero_alt: alt.clone(),
            hero_caption: text.caption.clone(),
            hero_credit: if russian {
                "Иллюстрация: «Северный колокол»".into()
            } else {
                "Illustration: The Northern Bell".into()
            },
            seo_title: String::new(),
            seo_description: String::new(),
            corrections: text
                .correction
                .iter()
                .map(|body| Correction {
                    created_at: published + Duration::hours(5),
                    body: body.clone(),
                })
                .collect(),
            language: if russian { "ru" } else { "en" }.into(),
            translation_of: original.as_ref().map(|(_, id, ..)| *id),
        };
        let id = operations::archive::add_article(store, operator, &article, published).await?;
        if !russian {
            originals.push((text.headline.as_str(), id, image_id, alt));
        }
        created += 1;
    }
    tracing::info!(articles = created, "demo newsroom loaded");
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_meets_the_demo_brief() {
        let content = content().unwrap();
        assert!(content.article.len() >= 40);
        assert!(content.section.len() >= 4);
        assert_eq!(content.author.len(), 6);
        assert!(
            content.article.iter().any(|a| a.authors.len() > 1),
            "some articles have several authors"
        );
        assert!(
            content.article.iter().any(|a| a.correction.is_some()),
            "some articles carry corrections"
        );
        let slugs: BTreeSet<String> = content
            .article
            .iter()
            .map(|a| Slug::from_title(&a.headline).unwrap().to_string())
            .collect();
        assert_eq!(
            slugs.len(),
            content.article.len(),
            "headlines make unique slugs"
        );
    }

    #[test]
    fn the_russian_edition_translates_and_adds() {
        let content = content().unwrap();
        let russian = russian().unwrap();
        let translations: Vec<&ArticleText> = russian
            .article
            .iter()
            .filter(|a| a.translation_of.is_some())
            .collect();
        assert!(translations.len() >= 20, "{}", translations.len());
        assert!(
            russian.article.len() > translations.len(),
            "some are Russian only"
        );
        for article in &translations {
            let original = article.translation_of.as_deref().unwrap();
            assert!(
                content.article.iter().any(|a| a.headline == original),
                "{original:?} is not an English headline"
            );
            assert!(
                article
                    .headline
                    .chars()
                    .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())),
                "{} is written in Russian",
                article.headline
            );
        }
        for section in &content.section {
            assert!(russian.section.contains_key(section.slug.as_str()));
        }
        for tag in content
            .article
            .iter()
            .chain(&russian.article)
            .flat_map(|a| &a.tags)
        {
            assert!(
                russian.tag.contains_key(tag.as_str()),
                "{tag} has a Russian name"
            );
        }
        for author in &content.author {
            assert!(russian.author.contains_key(author.slug.as_str()));
        }
        let slugs: BTreeSet<String> = content
            .article
            .iter()
            .chain(&russian.article)
            .map(|a| Slug::from_title(&a.headline).unwrap().to_string())
            .collect();
        assert_eq!(slugs.len(), content.article.len() + russian.article.len());
    }

    #[test]
    fn tag_names_read_naturally() {
        assert_eq!(
            tag_name(&Slug::parse("civil-society").unwrap()),
            "Civil society"
        );
    }
}

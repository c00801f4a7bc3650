//! Writing what a reader read, through the operations layer: people become author
//! profiles, categories sections, tags tags, pictures library images, posts
//! articles and pages standing pages — each whole or not at all, and found again
//! (by its address) when the import runs a second time.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDateTime, Utc};
use kolokol_core::{ArticleId, ArticleStatus, AuthorForm, NewArticle, PageForm, SectionForm, Slug};
use kolokol_operations::{Actor, Error as OpError};
use kolokol_store::{DynStore, StoreError, Texts};
use tokio::sync::mpsc;

use crate::{Entry, Head, Item, Kind, Origin, Person, Picture, Status, Term, html};

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read and report, write nothing.
    pub dry_run: bool,
    /// A copy of the old site's uploads (WordPress's `wp-content/uploads`, Ghost's
    /// `content/images`), read before anything is fetched.
    pub media: Option<PathBuf>,
    /// Fetch pictures from the old site when they are not in `media`.
    pub fetch: bool,
    /// Category (a Ghost tag) slug → section slug, before the first-category rule.
    pub sections: Vec<(String, String)>,
    /// The language the archive is written in (BCP 47).
    pub language: String,
    /// The site's languages, main first.
    pub languages: Vec<String>,
    /// Our media folder.
    pub media_dir: PathBuf,
    /// The staff member who started it from the newsroom (None: the operator, at
    /// the command line): the audit log names them, and their role must allow it.
    pub by: Option<kolokol_core::User>,
}

/// What became of one thing of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    Skipped(String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub what: String,
    pub outcome: Outcome,
    /// What was changed on the way in, and why.
    pub notes: Vec<String>,
}

/// Everything an import did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub lines: Vec<Line>,
    /// Why it stopped before the end, if it did (what was written stays whole).
    pub stopped: Option<String>,
}

impl Report {
    pub fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.lines.iter().filter(|l| wanted(&l.outcome)).count()
    }

    /// The report as the command line prints it: every line that is not plain
    /// success, then the totals.
    pub fn render(&self, dry_run: bool) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let said = match &line.outcome {
                Outcome::Skipped(why) => format!("skipped: {why}"),
                _ if line.notes.is_empty() => continue,
                Outcome::Created if dry_run => "would be created".into(),
                Outcome::Created => "created".into(),
                Outcome::Updated if dry_run => "would be updated".into(),
                Outcome::Updated => "updated".into(),
                Outcome::Unchanged => "unchanged".into(),
            };
            out.push_str(&format!("{}: {said}\n", line.what));
            for note in &line.notes {
                out.push_str(&format!("    - {note}\n"));
            }
        }
        let verb = if dry_run { "would be " } else { "" };
        out.push_str(&format!(
            "{} {verb}created, {} {verb}updated, {} unchanged, {} skipped\n",
            self.count(|o| *o == Outcome::Created),
            self.count(|o| *o == Outcome::Updated),
            self.count(|o| *o == Outcome::Unchanged),
            self.count(|o| matches!(o, Outcome::Skipped(_))),
        ));
        if let Some(why) = &self.stopped {
            out.push_str(&format!(
                "stopped before the end: {why}\nWhat was imported is whole; run the import again to finish it.\n"
            ));
        }
        out
    }
}

/// A time as exports and CSV files write it without a zone, read as UTC.
pub fn loose_time(value: &str) -> Option<DateTime<Utc>> {
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(value.trim(), f).ok())
    .map(|t| t.and_utc())
}

/// A slug as readers will see it: percent-encoding read back, Cyrillic spelt in
/// Latin letters; falls back to one made from `title`.
pub fn readable_slug(raw: &str, title: &str) -> Option<Slug> {
    let decoded = crate::percent_decode(raw.trim());
    Slug::parse(&decoded)
        .or_else(|_| Slug::from_title(&decoded))
        .or_else(|_| Slug::from_title(title))
        .ok()
}

/// A post or page ready to write: its line in the report, what it is called and
/// where, its language, its Markdown, and what changed on the way.
struct Prepared {
    what: String,
    title: String,
    slug: Slug,
    language: String,
    body: String,
    notes: Vec<String>,
}

struct Importer<'a> {
    store: &'a DynStore,
    head: &'a Head,
    options: &'a Options,
    now: DateTime<Utc>,
    authors: HashMap<String, Option<i64>>,
    sections: HashMap<String, Option<i64>>,
    tags: HashMap<String, Option<i64>>,
    images: HashMap<String, Option<(i64, String)>>,
    http: reqwest::Client,
    report: Report,
}

/// Why an import stopped: the database failed under it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Stopped(String);

impl From<StoreError> for Stopped {
    fn from(error: StoreError) -> Self {
        Self(error.to_string())
    }
}

/// Imports every entry `entries` brings, as `head` describes them.
pub async fn apply(
    store: &DynStore,
    head: &Head,
    entries: &mut mpsc::Receiver<Entry>,
    options: &Options,
    now: DateTime<Utc>,
) -> Report {
    let mut importer = Importer {
        store,
        head,
        options,
        now,
        authors: HashMap::new(),
        sections: HashMap::new(),
        tags: HashMap::new(),
        images: HashMap::new(),
        http: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .user_agent("Kolokol importer")
            .build()
            .unwrap_or_default(),
        report: Report::default(),
    };
    while let Some(entry) = entries.recv().await {
        let result = match entry {
            Entry::Skipped { what, why } => {
                importer.line(what, Outcome::Skipped(why), Vec::new());
                Ok(())
            }
            Entry::Item(item) => importer.item(&item).await,
        };
        if let Err(Stopped(why)) = result {
            importer.report.stopped = Some(why);
            break;
        }
    }
    importer.report
}

impl<'a> Importer<'a> {
    fn line(&mut self, what: String, outcome: Outcome, notes: Vec<String>) {
        self.report.lines.push(Line {
            what,
            outcome,
            notes,
        });
    }

    fn actor(&self) -> Actor<'a> {
        let options: &'a Options = self.options;
        match &options.by {
            Some(user) => Actor::Staff(user),
            None => Actor::Operator,
        }
    }

    /// An operation's refusal, in words for the report; a store failure stops the import.
    fn refusal(error: OpError) -> Result<String, Stopped> {
        match error {
            OpError::Store(e) => Err(Stopped(e.to_string())),
            OpError::Invalid(errors) => Ok(format!("{errors:?}")),
            other => Ok(other.to_string()),
        }
    }

    /// A dry run's author or section that would be made (its id is a stand-in).
    fn planned(&mut self, what: String) -> Option<i64> {
        self.line(what, Outcome::Created, Vec::new());
        Some(0)
    }

    /// Reports what making an author or section came to; its id, or None when it
    /// was refused (a store failure stops the import).
    fn made(&mut self, what: String, made: Result<i64, OpError>) -> Result<Option<i64>, Stopped> {
        match made {
            Ok(id) => {
                self.line(what, Outcome::Created, Vec::new());
                Ok(Some(id))
            }
            Err(e) => {
                let why = Self::refusal(e)?;
                self.line(what, Outcome::Skipped(why), Vec::new());
                Ok(None)
            }
        }
    }

    async fn remember(&self, addresses: &[String], kind: &str, id: i64) -> Result<(), Stopped> {
        if self.options.dry_run {
            return Ok(());
        }
        for address in addresses {
            self.store.remember_address(address, kind, id).await?;
        }
        Ok(())
    }

    async fn author(&mut self, key: &str) -> Result<Option<i64>, Stopped> {
        if let Some(known) = self.authors.get(key) {
            return Ok(*known);
        }
        let person = self
            .head
            .people
            .iter()
            .find(|p| p.key == key)
            .cloned()
            .unwrap_or_else(|| Person {
                key: key.to_owned(),
                slug: key.to_owned(),
                name: key.to_owned(),
                ..Person::default()
            });
        let id = match readable_slug(&person.slug, &person.name) {
            None => None,
            Some(slug) => match self.store.author_by_slug(&slug).await? {
                Some(author) => Some(author.id),
                None if self.options.dry_run => self.planned(format!("author \"{}\"", person.name)),
                None => {
                    let form = AuthorForm {
                        name: if person.name.is_empty() {
                            slug.to_string()
                        } else {
                            person.name.clone()
                        },
                        slug: slug.to_string(),
                        bio: person.bio.clone(),
                        ..AuthorForm::default()
                    };
                    let made = kolokol_operations::authors::create(
                        self.store,
                        self.actor(),
                        &form,
                        self.now,
                    )
                    .await
                    .map(|author| author.id);
                    self.made(format!("author \"{}\"", person.name), made)?
                }
            },
        };
        if let Some(id) = id {
            self.remember(&person.addresses, "author", id).await?;
        }
        self.authors.insert(key.to_owned(), id);
        Ok(id)
    }

    fn term(&self, slug: &str, tags: bool) -> Term {
        let list = if tags {
            &self.head.tags
        } else {
            &self.head.categories
        };
        list.iter()
            .find(|t| t.slug == slug)
            .cloned()
            .unwrap_or_else(|| Term {
                slug: slug.to_owned(),
                name: crate::percent_decode(slug),
                ..Term::default()
            })
    }

    /// The section for a category slug (a Ghost tag), made when missing.
    async fn section(&mut self, category: &str, from_tags: bool) -> Result<Option<i64>, Stopped> {
        if let Some(known) = self.sections.get(category) {
            return Ok(*known);
        }
        let term = self.term(category, from_tags);
        let mapped = self
            .options
            .sections
            .iter()
            .find(|(from, _)| {
                from == category || crate::percent_decode(from) == crate::percent_decode(category)
            })
            .map(|(_, to)| to.clone());
        let slug = readable_slug(mapped.as_deref().unwrap_or(&term.slug), &term.name);
        let id = match slug {
            None => None,
            Some(slug) => match self.store.section_by_slug(&slug).await? {
                Some(section) => Some(section.id),
                None if self.options.dry_run => self.planned(format!("section \"{}\"", term.name)),
                None => {
                    let form = SectionForm {
                        name: if term.name.is_empty() {
                            slug.to_string()
                        } else {
                            term.name.clone()
                        },
                        slug: slug.to_string(),
                        description: term.description.clone(),
                        position: String::new(),
                        in_menu: "on".into(),
                        translations: kolokol_core::Translations::new(),
                    };
                    let made = kolokol_operations::sections::create(
                        self.store,
                        self.actor(),
                        &form,
                        self.now,
                    )
                    .await
                    .map(|section| section.id);
                    self.made(format!("section \"{}\"", term.name), made)?
                }
            },
        };
        if let Some(id) = id
            && !from_tags
        {
            self.remember(&term.addresses, "section", id).await?;
        }
        self.sections.insert(category.to_owned(), id);
        Ok(id)
    }

    async fn tag(&mut self, slug: &str) -> Result<Option<i64>, Stopped> {
        if let Some(known) = self.tags.get(slug) {
            return Ok(*known);
        }
        let term = self.term(slug, true);
        let id = match readable_slug(&term.slug, &term.name) {
            None => None,
            Some(ours) => match self.store.tag_by_slug(&ours).await? {
                Some(tag) => Some(tag.id),
                None if self.options.dry_run => Some(0),
                None => {
                    let name = if term.name.is_empty() {
                        ours.to_string()
                    } else {
                        term.name.clone()
                    };
                    match kolokol_operations::archive::add_tag(
                        self.store,
                        self.actor(),
                        &ours,
                        &name,
                    )
                    .await
                    {
                        Ok(tag) => Some(tag.id),
                        Err(e) => {
                            let why = Self::refusal(e)?;
                            self.line(
                                format!("tag \"{}\"", term.name),
                                Outcome::Skipped(why),
                                vec![],
                            );
                            None
                        }
                    }
                }
            },
        };
        if let Some(id) = id {
            self.remember(&term.addresses, "tag", id).await?;
        }
        self.tags.insert(slug.to_owned(), id);
        Ok(id)
    }

    /// The old address a picture is remembered by: its path on the old site, or
    /// the whole URL when it was elsewhere.
    fn picture_address(&self, url: &str) -> String {
        let site = match self.head.origin {
            Origin::WordPress => self.head.site_url.as_str(),
            Origin::Ghost => "",
        };
        if site.is_empty() && url.starts_with('/') {
            return crate::normal_path(url);
        }
        crate::old_path(site, url).unwrap_or_else(|| url.to_owned())
    }

    /// The picture's bytes from the uploads copy, by the part of its address after
    /// the uploads folder (or its whole path).
    fn local_copy(&self, url: &str) -> Option<PathBuf> {
        let folder = self.options.media.as_ref()?;
        let path = url::Url::parse(url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| url.to_owned());
        let path = crate::percent_decode(&path);
        let relative = ["/wp-content/uploads/", "/content/images/"]
            .iter()
            .find_map(|marker| path.split_once(marker).map(|(_, rest)| rest.to_owned()))
            .unwrap_or_else(|| path.trim_start_matches('/').to_owned());
        if relative.split('/').any(|part| part == "..") {
            return None;
        }
        let candidate = folder.join(relative);
        candidate.is_file().then_some(candidate)
    }

    /// The library image (id and address) a picture of the old site became:
    /// found from an earlier import, copied from `--media`, or fetched.
    async fn picture(
        &mut self,
        url: &str,
        notes: &mut Vec<String>,
    ) -> Result<Option<(i64, String)>, Stopped> {
        if let Some(known) = self.images.get(url) {
            return Ok(known.clone());
        }
        let address = self.picture_address(url);
        let found = match self.store.imported_image(&address).await? {
            Some(id) => self
                .store
                .image(id)
                .await?
                .map(|image| (image.id, kolokol_render::urls::media(&image.path))),
            None => self.bring_picture(url, &address, notes).await?,
        };
        self.images.insert(url.to_owned(), found.clone());
        Ok(found)
    }

    async fn bring_picture(
        &mut self,
        url: &str,
        address: &str,
        notes: &mut Vec<String>,
    ) -> Result<Option<(i64, String)>, Stopped> {
        let bytes = match self.local_copy(url) {
            Some(path) => match tokio::fs::read(&path).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    notes.push(format!(
                        "{}: cannot be read ({e}); the picture is kept as a link",
                        path.display()
                    ));
                    return Ok(None);
                }
            },
            None if !self.options.fetch
                || !(url.starts_with("http://") || url.starts_with("https://")) =>
            {
                notes.push(format!(
                    "picture not found in the uploads copy, kept as a link: {url}"
                ));
                return Ok(None);
            }
            None if self.options.dry_run => {
                notes.push(format!("picture would be fetched: {url}"));
                return Ok(Some((0, url.to_owned())));
            }
            None => match self.fetch(url).await {
                Ok(bytes) => bytes,
                Err(why) => {
                    notes.push(format!(
                        "picture could not be fetched ({why}), kept as a link: {url}"
                    ));
                    return Ok(None);
                }
            },
        };
        if self.options.dry_run {
            return Ok(Some((0, url.to_owned())));
        }
        let name = address.rsplit('/').next().unwrap_or("picture").to_owned();
        let media_dir = self.options.media_dir.clone();
        let stored_name = name.clone();
        let processed = tokio::task::spawn_blocking(move || {
            kolokol_media::store_upload(&media_dir, &bytes, &stored_name)
        })
        .await
        .map_err(|e| Stopped(format!("image processing stopped: {e}")))?;
        let image = match processed {
            Ok(image) => image,
            Err(kolokol_media::MediaError::Write(why)) => return Err(Stopped(why)),
            Err(refused) => {
                notes.push(format!("{url}: {refused}; kept as a link"));
                return Ok(None);
            }
        };
        let id =
            match kolokol_operations::media::add(self.store, self.actor(), &image, &name, self.now)
                .await
            {
                Ok(id) => id,
                Err(e) => {
                    let why = Self::refusal(e)?;
                    notes.push(format!("{url}: {why}; kept as a link"));
                    return Ok(None);
                }
            };
        self.store.remember_address(address, "image", id).await?;
        Ok(Some((id, kolokol_render::urls::media(&image.path))))
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        let response = self.http.get(url).send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("the old site answered {}", response.status()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > kolokol_media::MAX_UPLOAD_BYTES as u64)
        {
            return Err("larger than the library accepts".into());
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        Ok(bytes.to_vec())
    }

    async fn item(&mut self, item: &Item) -> Result<(), Stopped> {
        let label = match item.kind {
            Kind::Post => "post",
            Kind::Page => "page",
        };
        let what = format!("{label} {} \"{}\"", item.id, item.title);
        let mut notes = item.notes.clone();
        let title = if item.title.trim().is_empty() {
            notes.push("it had no title: \"Untitled\" given".into());
            "Untitled".to_owned()
        } else {
            item.title.trim().to_owned()
        };
        let Some(slug) = readable_slug(&item.slug, &title) else {
            self.line(
                what,
                Outcome::Skipped("no address can be made from its slug or title".into()),
                notes,
            );
            return Ok(());
        };
        let original = crate::percent_decode(&item.slug);
        if !item.slug.is_empty() && original != slug.as_str() {
            notes.push(format!("address \"{original}\" became \"{slug}\""));
        }
        let language = match &item.language {
            Some(language) if self.options.languages.contains(language) => language.clone(),
            Some(language) => {
                notes.push(format!(
                    "written in \"{language}\", which the site does not offer: imported in \"{}\"",
                    self.options.language
                ));
                self.options.language.clone()
            }
            None => self.options.language.clone(),
        };
        let mut text = Prepared {
            what,
            title,
            slug,
            language,
            body: String::new(),
            notes,
        };
        if let Some(markdown) = &item.markdown {
            text.body = markdown.clone();
            return self.write(item, text).await;
        }
        // Pictures first: the body points at where they now are.
        let mut placed: HashMap<String, String> = HashMap::new();
        for source in html::image_sources(&item.html) {
            if let Some((_, local)) = self.picture(&source, &mut text.notes).await? {
                placed.insert(source, local);
            }
        }
        let converted = html::to_markdown(&item.html, &|src: &str| placed.get(src).cloned());
        text.notes.extend(
            converted
                .notes
                .into_iter()
                .filter(|n| !n.starts_with("image kept as a link")),
        );
        if converted.markdown.chars().count() > kolokol_core::editor::MAX_BODY {
            self.line(
                text.what,
                Outcome::Skipped(format!(
                    "its text is longer than the {} characters an article may have",
                    kolokol_core::editor::MAX_BODY
                )),
                text.notes,
            );
            return Ok(());
        }
        text.body = converted.markdown;
        self.write(item, text).await
    }

    async fn write(&mut self, item: &Item, text: Prepared) -> Result<(), Stopped> {
        match item.kind {
            Kind::Post => self.article(item, text).await,
            Kind::Page => self.page(item, text).await,
        }
    }

    async fn article(&mut self, item: &Item, text: Prepared) -> Result<(), Stopped> {
        let Prepared {
            what,
            title: headline,
            slug,
            language,
            body,
            mut notes,
        } = text;
        let mut author_ids = Vec::new();
        for key in &item.authors {
            if let Some(id) = self.author(key).await?
                && !author_ids.contains(&id)
            {
                author_ids.push(id);
            }
        }
        // The section: a mapped category, else the first; Ghost's primary tag.
        let (categories, from_tags) = match self.head.origin {
            Origin::WordPress => (&item.categories, false),
            Origin::Ghost => (&item.tags, true),
        };
        let chosen = categories
            .iter()
            .find(|c| self.options.sections.iter().any(|(from, _)| from == *c))
            .or_else(|| categories.first())
            .cloned();
        let section_id = match &chosen {
            Some(category) => self.section(category, from_tags).await?,
            None => None,
        };
        let section_id = match section_id {
            Some(id) => id,
            None => match self.store.sections().await?.first() {
                Some(section) => {
                    notes.push(format!(
                        "no category: put in the section \"{}\"",
                        section.name
                    ));
                    section.id
                }
                None => match self.section("news", false).await? {
                    Some(id) => id,
                    None => {
                        self.line(
                            what,
                            Outcome::Skipped("there is no section to put it in".into()),
                            notes,
                        );
                        return Ok(());
                    }
                },
            },
        };
        let mut tag_ids = Vec::new();
        // Ghost's tag that became the section is not a tag as well.
        let as_section = chosen.filter(|_| from_tags);
        for tag in item.tags.iter().filter(|t| Some(*t) != as_section.as_ref()) {
            if let Some(id) = self.tag(tag).await?
                && !tag_ids.contains(&id)
            {
                tag_ids.push(id);
            }
        }
        let (hero_image_id, hero_alt, hero_caption) = match &item.featured {
            Some(Picture { url, alt, caption }) => match self.picture(url, &mut notes).await? {
                Some((id, _)) => (Some(id), alt.clone(), plain(caption)),
                None => (None, String::new(), String::new()),
            },
            None => (None, String::new(), String::new()),
        };
        let (status, published_at) = match item.status {
            Status::Published => (
                ArticleStatus::Published,
                Some(item.published_at.unwrap_or(self.now)),
            ),
            Status::Scheduled => match item.published_at {
                Some(at) if at > self.now => (ArticleStatus::Published, Some(at)),
                at => {
                    notes.push("its scheduled time has passed: published".into());
                    (ArticleStatus::Published, Some(at.unwrap_or(self.now)))
                }
            },
            Status::Draft => (ArticleStatus::Draft, None),
        };
        let mut dek = plain(&item.excerpt);
        if dek.chars().count() > kolokol_core::editor::MAX_DEK {
            dek = dek
                .chars()
                .take(kolokol_core::editor::MAX_DEK - 1)
                .collect::<String>()
                + "…";
            notes.push("its excerpt was shortened to fit the dek".into());
        }
        let mut headline = headline;
        if headline.chars().count() > kolokol_core::editor::MAX_HEADLINE {
            headline = headline
                .chars()
                .take(kolokol_core::editor::MAX_HEADLINE - 1)
                .collect::<String>()
                + "…";
            notes.push("its title was shortened to fit the headline".into());
        }
        let article = NewArticle {
            slug: slug.clone(),
            headline,
            dek,
            body_markdown: body,
            dateline: String::new(),
            section_id,
            author_ids,
            tag_ids,
            status,
            published_at,
            updated_at: None,
            hero_image_id,
            hero_alt,
            hero_caption,
            hero_credit: String::new(),
            seo_title: item
                .seo_title
                .chars()
                .take(kolokol_core::editor::MAX_HEADLINE)
                .collect(),
            seo_description: item
                .seo_description
                .chars()
                .take(kolokol_core::editor::MAX_DEK)
                .collect(),
            corrections: Vec::new(),
            language,
            translation_of: None,
        };
        let existing = self
            .store
            .text_by_slug(Texts::Articles, slug.as_str())
            .await?;
        if self.options.dry_run {
            let outcome = if existing.is_some() {
                Outcome::Updated
            } else {
                Outcome::Created
            };
            self.line(what, outcome, notes);
            return Ok(());
        }
        let (id, outcome) = match existing {
            Some(id) => {
                if self.same_article(ArticleId(id), &article).await? {
                    (id, Outcome::Unchanged)
                } else {
                    let audit = self
                        .actor()
                        .audit("article.import", &article.headline)
                        .detail(format!(
                            "updated from {} {}",
                            self.head.origin.name(),
                            item.id
                        ));
                    self.store
                        .replace_article(ArticleId(id), &article, &audit, self.now)
                        .await?;
                    (id, Outcome::Updated)
                }
            }
            None => match kolokol_operations::archive::add_article(
                self.store,
                self.actor(),
                &article,
                self.now,
            )
            .await
            {
                Ok(id) => (id.0, Outcome::Created),
                Err(e) => {
                    let why = Self::refusal(e)?;
                    self.line(what, Outcome::Skipped(why), notes);
                    return Ok(());
                }
            },
        };
        self.remember(&item.addresses, "article", id).await?;
        self.line(what, outcome, notes);
        Ok(())
    }

    /// Whether the article already says exactly this (a second run changes nothing).
    async fn same_article(&self, id: ArticleId, article: &NewArticle) -> Result<bool, Stopped> {
        let Some(existing) = self.store.editable_article(id).await? else {
            return Ok(false);
        };
        let draft = &existing.draft;
        let mut tag_names = Vec::new();
        for tag in self.store.tags().await? {
            if article.tag_ids.contains(&tag.id) {
                tag_names.push(tag.name);
            }
        }
        kolokol_core::editor::sort_tags(&mut tag_names);
        let mut theirs = draft.tags.clone();
        kolokol_core::editor::sort_tags(&mut theirs);
        Ok(draft.headline == article.headline
            && draft.dek == article.dek
            && draft.body_markdown == article.body_markdown
            && draft.section_id == article.section_id
            && draft.author_ids == article.author_ids
            && theirs == tag_names
            && draft.hero_image_id == article.hero_image_id
            && draft.hero_alt == article.hero_alt
            && draft.hero_caption == article.hero_caption
            && draft.seo_title == article.seo_title
            && draft.seo_description == article.seo_description
            && existing.status == article.status
            && existing.published_at == article.published_at)
    }

    async fn page(&mut self, item: &Item, text: Prepared) -> Result<(), Stopped> {
        let Prepared {
            what,
            title,
            slug,
            language,
            body,
            mut notes,
        } = text;
        let existing = self.store.text_by_slug(Texts::Pages, slug.as_str()).await?;
        let published = match item.status {
            Status::Published => true,
            Status::Scheduled => {
                notes.push("pages are not scheduled in Kolokol: published now".into());
                true
            }
            Status::Draft => false,
        };
        let form = PageForm {
            title,
            slug: slug.to_string(),
            body,
            placement: "none".into(),
            position: String::new(),
            language,
        };
        if self.options.dry_run {
            let outcome = if existing.is_some() {
                Outcome::Updated
            } else {
                Outcome::Created
            };
            self.line(what, outcome, notes);
            return Ok(());
        }
        let mut outcome = if existing.is_some() {
            Outcome::Updated
        } else {
            Outcome::Created
        };
        if let Some(id) = existing
            && let Some(page) = self.store.page_record(id).await?
            && page.draft.title == form.title
            && page.draft.body_markdown == form.body
            && page.published == published
        {
            outcome = Outcome::Unchanged;
        }
        if outcome == Outcome::Unchanged {
            self.line(what, outcome, notes);
            return Ok(());
        }
        let saved = kolokol_operations::pages::save(
            self.store,
            self.actor(),
            existing,
            &form,
            &self.options.languages,
            self.now,
        )
        .await;
        let id = match saved {
            Ok(id) => id,
            Err(e) => {
                let why = Self::refusal(e)?;
                self.line(what, Outcome::Skipped(why), notes);
                return Ok(());
            }
        };
        if let Err(e) = kolokol_operations::pages::set_published(
            self.store,
            self.actor(),
            id,
            published,
            self.now,
        )
        .await
        {
            let why = Self::refusal(e)?;
            notes.push(format!("it could not be published: {why}"));
        }
        self.remember(&item.addresses, "page", id).await?;
        self.line(what, outcome, notes);
        Ok(())
    }
}

/// Text of a snippet of HTML (an excerpt, a caption), tags dropped, spaces collapsed.
fn plain(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let text: String = fragment.root_element().text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

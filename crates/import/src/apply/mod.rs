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

mod pictures;
mod texts;

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
    /// Where our pictures are kept.
    pub media_store: kolokol_media::MediaStore,
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
}

/// Text of a snippet of HTML (an excerpt, a caption), tags dropped, spaces collapsed.
fn plain(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let text: String = fragment.root_element().text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

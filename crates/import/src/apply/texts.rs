//! Posts become articles and pages standing pages, each whole or not at all; a
//! second run finds them again by address and changes only what changed.

use super::*;

impl Importer<'_> {
    pub(super) async fn item(&mut self, item: &Item) -> Result<(), Stopped> {
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

    pub(super) async fn write(&mut self, item: &Item, text: Prepared) -> Result<(), Stopped> {
        match item.kind {
            Kind::Post => self.article(item, text).await,
            Kind::Page => self.page(item, text).await,
        }
    }

    pub(super) async fn article(&mut self, item: &Item, text: Prepared) -> Result<(), Stopped> {
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
    pub(super) async fn same_article(
        &self,
        id: ArticleId,
        article: &NewArticle,
    ) -> Result<bool, Stopped> {
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

    pub(super) async fn page(&mut self, item: &Item, text: Prepared) -> Result<(), Stopped> {
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

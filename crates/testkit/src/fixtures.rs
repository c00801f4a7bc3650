//! Shorthands for tests that need content in a store before the story starts: a
//! section, an article, an image, each recorded as the operator's work.

use std::future::Future;

use chrono::{DateTime, Utc};
use kolokol_core::{
    ArticleId, ArticleListing, Audit, Author, AuthorInput, NewArticle, NewImage, PageNumber,
    PageRequest, Section, SectionInput, Slug,
};
use kolokol_store::{ListingQuery, Store, StoreError};

/// Content for tests, on any store.
pub trait Fixtures {
    /// A section in the menu at `position`.
    fn add_section(
        &self,
        slug: &Slug,
        name: &str,
        description: &str,
        position: i64,
    ) -> impl Future<Output = Result<Section, StoreError>> + Send;
    fn add_article(
        &self,
        article: &NewArticle,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<ArticleId, StoreError>> + Send;
    fn add_image(
        &self,
        image: &NewImage,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// An author profile without a photo, links or account.
    fn add_author(
        &self,
        slug: &Slug,
        name: &str,
        title: &str,
        bio: &str,
    ) -> impl Future<Output = Result<Author, StoreError>> + Send;
    /// The newsroom's list, unfiltered (the first thousand).
    fn all_articles(&self) -> impl Future<Output = Result<Vec<ArticleListing>, StoreError>> + Send;
}

impl<S: Store + ?Sized> Fixtures for S {
    async fn add_section(
        &self,
        slug: &Slug,
        name: &str,
        description: &str,
        position: i64,
    ) -> Result<Section, StoreError> {
        let input = SectionInput {
            slug: slug.clone(),
            name: name.to_owned(),
            description: description.to_owned(),
            position,
            in_menu: true,
            translations: kolokol_core::Translations::new(),
        };
        let audit = Audit::new(None, "section.create", name);
        self.insert_section(&input, &audit, Utc::now()).await
    }

    async fn add_article(
        &self,
        article: &NewArticle,
        now: DateTime<Utc>,
    ) -> Result<ArticleId, StoreError> {
        let audit = Audit::new(None, "article.import", &article.headline);
        self.create_article(article, &audit, now).await
    }

    async fn add_image(&self, image: &NewImage, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let audit = Audit::new(None, "media.upload", &image.path);
        self.create_image(image, &audit, now).await
    }

    async fn add_author(
        &self,
        slug: &Slug,
        name: &str,
        title: &str,
        bio: &str,
    ) -> Result<Author, StoreError> {
        let input = AuthorInput {
            slug: slug.clone(),
            name: name.to_owned(),
            title: title.to_owned(),
            bio: bio.to_owned(),
            photo_image_id: None,
            links: Vec::new(),
            account: None,
            translations: kolokol_core::Translations::new(),
        };
        let audit = Audit::new(None, "author.create", name);
        self.insert_author(&input, &audit, Utc::now()).await
    }

    async fn all_articles(&self) -> Result<Vec<ArticleListing>, StoreError> {
        let first = PageRequest::new(PageNumber::FIRST, 1000);
        let listing = self
            .article_listing(&ListingQuery::all(Utc::now()), first)
            .await?;
        Ok(listing.items)
    }
}

//! The public reading site: pages, feeds, sitemaps, assets and media.

pub(crate) mod crawl;
mod feeds;
mod lite;
mod newsletter;
mod old;
mod pages;
mod reach;
pub(crate) mod search;
mod support;
mod supporters;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kolokol_core::{PageNumber, Slug};
use kolokol_render::urls;
use kolokol_store::ArticleFilter;

use crate::error::AppError;
use crate::state::AppState;

pub use kolokol_render::pages::{ListSpec, Profile, RELATED};
pub use old::redirect as old_addresses;
pub use pages::render_errors;
pub use reach::onion_location;

/// The reading site's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::front))
        .route("/articles/{slug}", get(pages::article))
        .route("/{kind}/{slug}", get(pages::list))
        .route("/archive", get(pages::archive))
        .route("/support", get(support::page))
        .route("/support/form", get(support::form))
        .route("/support/meter.json", get(support::meter))
        .route("/support/checkout", axum::routing::post(support::checkout))
        .route("/support/thanks", get(support::thanks))
        .route(
            "/support/demo-checkout/{id}",
            get(support::demo_checkout).post(support::demo_pay),
        )
        .route(
            "/supporters",
            get(supporters::sign_in_form).post(supporters::send_link),
        )
        .route(
            "/supporters/login/{token}",
            get(supporters::link_form).post(supporters::link),
        )
        .route("/supporters/account", get(supporters::account))
        .route(
            "/supporters/subscriptions/{id}/cancel",
            axum::routing::post(supporters::cancel),
        )
        .route(
            "/supporters/subscriptions/{id}/amount",
            axum::routing::post(supporters::change_amount),
        )
        .route(
            "/supporters/logout",
            axum::routing::post(supporters::sign_out),
        )
        .route(
            "/payments/stripe/webhook",
            axum::routing::post(support::stripe_webhook),
        )
        .route("/privacy", get(pages::privacy))
        .route("/pages/{slug}", get(pages::standing))
        .route("/mirrors", get(reach::page))
        .route(
            "/newsletter",
            get(newsletter::page).post(newsletter::signup),
        )
        .route("/newsletter/check-your-inbox", get(newsletter::check_inbox))
        .route(
            "/newsletter/confirm/{token}",
            get(newsletter::confirm_form).post(newsletter::confirm),
        )
        .route(
            "/newsletter/unsubscribe/{token}",
            get(newsletter::unsubscribe_form).post(newsletter::unsubscribe),
        )
        .route(
            "/newsletter/preferences/{token}",
            get(newsletter::preferences).post(newsletter::change_preferences),
        )
        .route("/newsletter/{number}", get(newsletter::archived))
        .route("/search", get(search::page::<false>))
        .route("/search.json", get(search::json))
        .route("/lite/search", get(search::page::<true>))
        .route("/lite", get(lite::front))
        .route("/lite/articles/{slug}", get(lite::article))
        .route("/mirrors.json", get(reach::json_list))
        .route("/feed.xml", get(feeds::site_rss))
        .route("/atom.xml", get(feeds::site_atom))
        .route("/feed.json", get(feeds::site_json))
        .route("/{kind}/{slug}/{feed}", get(feeds::list_feed))
        .route("/sitemap.xml", get(crawl::sitemap))
        .route("/sitemaps/{file}", get(crawl::sitemap_part))
        .route("/news-sitemap.xml", get(crawl::news_sitemap))
        .route("/robots.txt", get(crawl::robots))
        .route("/assets/{*path}", get(pages::asset))
        .fallback(pages::not_found)
}

/// `language` named in itself («Русский», "English"); by its tag when the theme
/// has no catalogue for it.
pub(crate) fn language_name(state: &AppState, language: &str) -> String {
    let catalogues = state.theme.catalogues();
    if catalogues.languages().any(|l| l == language) {
        catalogues.text(language, "language-name", None)
    } else {
        language.to_owned()
    }
}

/// The versions of the page at `path` (without this edition's prefix): `found`
/// holds each language it exists in with its path there. Gives the `hreflang`
/// alternates (when there are two versions or more, with the main language's as
/// `x-default`) and the switcher, whose languages without a version lead to their
/// front page.
pub(crate) fn versions(
    state: &AppState,
    path: &str,
    found: &[(String, String)],
) -> kolokol_render::views::Versions {
    use kolokol_render::views::{Alternate, LanguageLink, Versions};
    let languages = state.languages();
    if languages.len() < 2 {
        return Versions::default();
    }
    let all = state.site_all();
    let full = |language: &str, path: &str| format!("{}{path}", all.prefix(language));
    let alternates = alternates(&all, found)
        .into_iter()
        .map(|(hreflang, url)| Alternate { hreflang, url })
        .collect();
    let current = state.language();
    let here = full(&current, path);
    let languages = languages
        .iter()
        .map(|language| {
            let target = found
                .iter()
                .find(|(l, _)| l == language)
                .map_or("/", |(_, p)| p.as_str());
            LanguageLink {
                language: language.clone(),
                name: language_name(state, language),
                url: kolokol_render::links::link_for_page(&here, &full(language, target)),
                current: *language == current,
            }
        })
        .collect();
    Versions {
        alternates,
        languages,
    }
}

/// `hreflang` alternates of a page found in each of `found` (language, path
/// without prefix): every version with its absolute address, then `x-default`,
/// the main language's version (else the first). None for a page in one language.
pub(crate) fn alternates(
    site: &kolokol_core::SiteConfig,
    found: &[(String, String)],
) -> Vec<(String, String)> {
    if found.len() < 2 {
        return Vec::new();
    }
    let absolute = |language: &str, path: &str| {
        urls::absolute(site.base(), &format!("{}{path}", site.prefix(language)))
    };
    let mut alternates: Vec<(String, String)> = found
        .iter()
        .map(|(language, path)| (language.clone(), absolute(language, path)))
        .collect();
    let default = found
        .iter()
        .find(|(language, _)| *language == site.language)
        .unwrap_or(&found[0]);
    alternates.push(("x-default".into(), absolute(&default.0, &default.1)));
    alternates
}

/// The same page in every language: the lists, the front page and the site's
/// fixed pages exist in each.
pub(crate) fn versions_everywhere(state: &AppState, path: &str) -> kolokol_render::views::Versions {
    list_versions(state, path, 1)
}

/// The versions of page `page` of the list at `path`: the same list in every
/// language. Past its first page a list's pages hold different articles in each
/// language, so they name no alternates, and the switcher leads to the first page.
pub(crate) fn list_versions(
    state: &AppState,
    path: &str,
    page: u32,
) -> kolokol_render::views::Versions {
    let found: Vec<(String, String)> = state
        .languages()
        .into_iter()
        .map(|l| (l, path.to_owned()))
        .collect();
    let mut versions = versions(state, &urls::paged(path, page), &found);
    if page > 1 {
        versions.alternates.clear();
    }
    versions
}

/// Sections with their names in this edition's language.
pub(crate) async fn sections(state: &AppState) -> Result<Vec<kolokol_core::Section>, AppError> {
    let mut sections = state.stored_names().await?.sections.clone();
    let language = state.language();
    for section in &mut sections {
        section.localize(&language);
    }
    Ok(sections)
}

/// Section and author names in this edition's language, read once for a page:
/// rows joined to articles carry no translations, so the full lists name them.
pub(crate) struct Names {
    /// In the menu's order, named in the edition's language.
    pub sections: Vec<kolokol_core::Section>,
    /// Only another language's edition renames authors: None in the main one.
    authors: Option<Vec<kolokol_core::Author>>,
}

impl Names {
    /// The names, for a page that shows the sections' menu too.
    pub(crate) async fn read(state: &AppState) -> Result<Self, AppError> {
        Self::reading(state, true).await
    }

    /// Only what renaming articles needs: nothing at all in the main edition.
    pub(crate) async fn for_articles(state: &AppState) -> Result<Self, AppError> {
        Self::reading(state, false).await
    }

    async fn reading(state: &AppState, menu: bool) -> Result<Self, AppError> {
        let sections = if menu || state.current_edition().is_some() {
            sections(state).await?
        } else {
            Vec::new()
        };
        let authors = match state.current_edition() {
            Some(edition) => {
                let mut authors = state.stored_names().await?.authors.clone();
                authors
                    .iter_mut()
                    .for_each(|a| a.localize(&edition.language));
                Some(authors)
            }
            None => None,
        };
        Ok(Self { sections, authors })
    }

    /// Articles as this edition's readers see them.
    pub(crate) fn apply<'a>(
        &self,
        summaries: impl IntoIterator<Item = &'a mut kolokol_core::ArticleSummary>,
    ) {
        if let Some(authors) = &self.authors {
            for summary in summaries {
                summary.localize(&self.sections, authors);
            }
        }
    }
}

/// The address of `path` in `language`'s edition, relative to the page being
/// answered (so a redirect works on any host).
/// Nothing when a text in `language` belongs to this edition; otherwise readers
/// are sent to `path` in the edition of its language.
pub(crate) fn in_this_edition(
    state: &AppState,
    language: &str,
    path: &str,
) -> Result<(), AppError> {
    if language == state.language() {
        return Ok(());
    }
    Err(AppError::Moved(edition_address(state, language, path)))
}

pub(crate) fn edition_address(state: &AppState, language: &str, path: &str) -> String {
    let all = state.site_all();
    let here = format!("{}{path}", state.prefix());
    kolokol_render::links::link_for_page(&here, &format!("{}{path}", all.prefix(language)))
}

/// In front of an edition's routes: the main language's edition lives without a
/// prefix (its prefixed addresses redirect there), a language the site does not
/// offer has none, and the edition's front page is `/en/`, with its slash, so
/// that relative links lead on inside it.
pub async fn edition_gate(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(edition) = state.current_edition() else {
        return next.run(request).await;
    };
    let site = state.site_all();
    let original = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().clone(), |o| o.0.clone());
    let path = original.path();
    let query = original
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let rest = path.strip_prefix(&edition.prefix).unwrap_or(path);
    let moved = |to: String| {
        (
            axum::http::StatusCode::MOVED_PERMANENTLY,
            [(axum::http::header::LOCATION, to)],
        )
            .into_response()
    };
    if edition.language == site.language {
        let to = if rest.is_empty() { "/" } else { rest };
        return moved(format!(
            "{}{query}",
            kolokol_render::links::link_for_page(path, to)
        ));
    }
    if !site.languages.contains(&edition.language) {
        return AppError::NotFound.into_response();
    }
    if rest.is_empty() {
        let front = format!("{}/", edition.prefix);
        return moved(format!(
            "{}{query}",
            kolokol_render::links::link_for_page(path, &front)
        ));
    }
    next.run(request).await
}

/// A slug from the address; anything that is not one cannot name a page.
fn slug_from_path(value: &str) -> Result<Slug, AppError> {
    Slug::parse(value).map_err(|_| AppError::NotFound)
}

/// The `page` parameter of a list address: absent means 1, garbage is a bad request.
fn page_from_query(query: Option<&str>) -> Result<PageNumber, AppError> {
    let Some(query) = query else {
        return Ok(PageNumber::FIRST);
    };
    let mut page = PageNumber::FIRST;
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("page=") {
            page = crate::extract::page_number(value)?;
        }
    }
    Ok(page)
}

/// The lists that have a page and feeds of their own: `/sections/…`, `/tags/…`, `/authors/…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Section,
    Tag,
    Author,
}

impl ListKind {
    /// From the first part of the address.
    fn from_path(value: &str) -> Result<Self, AppError> {
        match value {
            "sections" => Ok(Self::Section),
            "tags" => Ok(Self::Tag),
            "authors" => Ok(Self::Author),
            _ => Err(AppError::NotFound),
        }
    }
}

/// A permanent redirect when the section or tag at `slug` was renamed or merged:
/// `rest` follows the new slug (a feed's file name). Relative, so it also works
/// behind a path prefix.
async fn moved_list(
    state: &AppState,
    kind: ListKind,
    slug: &str,
    rest: &str,
) -> Result<Response, AppError> {
    let old = slug_from_path(slug)?;
    let current = match kind {
        ListKind::Section => state.store.section_redirect(&old).await?,
        ListKind::Tag => state.store.tag_redirect(&old).await?,
        ListKind::Author => None,
    };
    let current = current.ok_or(AppError::NotFound)?;
    let location = if rest.is_empty() {
        current.to_string()
    } else {
        format!("../{current}/{rest}")
    };
    Ok((
        axum::http::StatusCode::MOVED_PERMANENTLY,
        [(axum::http::header::LOCATION, location)],
    )
        .into_response())
}

/// The archive's list.
fn archive_spec(state: &AppState) -> ListSpec {
    ListSpec {
        path: "/archive".into(),
        kind: "archive",
        title: state.words().t("nav-archive"),
        description: state.words().t_with(
            "archive-description",
            [("site", state.site().title.as_str().into())],
        ),
        filter: ArticleFilter {
            language: Some(state.language()),
            ..Default::default()
        },
        feeds: false,
        profile: None,
    }
}

/// Every list with pages of its own: the archive, then every section, tag and author.
pub async fn all_lists(state: &AppState) -> Result<Vec<ListSpec>, AppError> {
    let store = &state.store;
    let mut lists = vec![archive_spec(state)];
    for section in store.sections().await? {
        lists.push(resolve_list(state, ListKind::Section, section.slug.as_str()).await?);
    }
    for tag in store.tags().await? {
        lists.push(resolve_list(state, ListKind::Tag, tag.slug.as_str()).await?);
    }
    for author in store.authors().await? {
        lists.push(resolve_list(state, ListKind::Author, author.slug.as_str()).await?);
    }
    Ok(lists)
}

/// Finds the section, tag or author named in the address.
async fn resolve_list(state: &AppState, kind: ListKind, slug: &str) -> Result<ListSpec, AppError> {
    let slug = slug_from_path(slug)?;
    let store = &state.store;
    let spec = match kind {
        ListKind::Section => {
            let mut section = store
                .section_by_slug(&slug)
                .await?
                .ok_or(AppError::NotFound)?;
            section.localize(&state.language());
            ListSpec {
                path: urls::section(slug.as_str()),
                kind: "section",
                title: section.name,
                description: section.description,
                filter: ArticleFilter {
                    section_id: Some(section.id),
                    language: Some(state.language()),
                    ..Default::default()
                },
                feeds: true,
                profile: None,
            }
        }
        ListKind::Tag => {
            let mut tag = store.tag_by_slug(&slug).await?.ok_or(AppError::NotFound)?;
            tag.localize(&state.language());
            ListSpec {
                path: urls::tag(slug.as_str()),
                kind: "tag",
                description: state
                    .words()
                    .t_with("tag-description", [("tag", tag.name.as_str().into())]),
                title: tag.name,
                filter: ArticleFilter {
                    tag_id: Some(tag.id),
                    language: Some(state.language()),
                    ..Default::default()
                },
                feeds: true,
                profile: None,
            }
        }
        ListKind::Author => {
            let mut author = store
                .author_by_slug(&slug)
                .await?
                .ok_or(AppError::NotFound)?;
            author.localize(&state.language());
            // A small rendition of the photo, when the library still has it.
            let photo = match author.photo_image_id {
                Some(id) => store.image(id).await?.map(|image| {
                    let small = image
                        .variants
                        .iter()
                        .filter(|v| v.mime == "image/jpeg")
                        .min_by_key(|v| v.width.abs_diff(400));
                    small.map_or((urls::media(&image.path), image.width, image.height), |v| {
                        (urls::media(&v.path), v.width, v.height)
                    })
                }),
                None => None,
            };
            let profile = Profile {
                bio_html: kolokol_render::markdown::to_html(&author.bio),
                photo,
                links: author.links.clone(),
            };
            ListSpec {
                path: urls::author(slug.as_str()),
                kind: "author",
                description: if author.title.is_empty() {
                    state.words().t_with(
                        "author-description",
                        [("name", author.name.as_str().into())],
                    )
                } else {
                    author.title
                },
                title: author.name,
                filter: ArticleFilter {
                    author_id: Some(author.id),
                    language: Some(state.language()),
                    ..Default::default()
                },
                feeds: true,
                profile: Some(profile),
            }
        }
    };
    Ok(spec)
}

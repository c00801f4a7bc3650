//! The newsroom's home at `/admin`: the article list (paged, searched, filtered)
//! and, for a new site's admin, what to set up before the first article.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use minijinja::context;
use serde::Serialize;

use super::articles::state_label;
use super::{Staff, admin_page};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    headline: String,
    state: &'static str,
    authors: String,
    published_at: Option<String>,
    modified_at: String,
    public_url: String,
    language: String,
}

/// How many articles a page of the newsroom's list shows.
const LIST_PAGE: u32 = 50;

/// The list's filters as the query string gives them: `q` (headline words),
/// `state`, `section`, `author` and `page`.
#[derive(Debug, Default, Serialize)]
struct ListFilters {
    q: String,
    state: String,
    section: String,
    author: String,
    language: String,
}

impl ListFilters {
    fn parse(query: Option<&str>) -> Result<(Self, kolokol_core::PageNumber), AppError> {
        let mut filters = Self::default();
        let mut page = kolokol_core::PageNumber::FIRST;
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "q" => filters.q = value.chars().take(200).collect(),
                "state" => filters.state = value.into_owned(),
                "section" => filters.section = value.into_owned(),
                "author" => filters.author = value.into_owned(),
                "language" => filters.language = value.chars().take(35).collect(),
                "page" => {
                    page = crate::extract::page_number(&value)?;
                }
                _ => {}
            }
        }
        Ok((filters, page))
    }

    /// The query string for page `page` with these filters.
    fn link(&self, page: u32) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("state", &self.state),
            ("section", &self.section),
            ("author", &self.author),
            ("language", &self.language),
        ] {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            "/admin".into()
        } else {
            format!("/admin?{query}")
        }
    }
}

/// An id from a filter's menu: empty is "any".
fn filter_id(value: &str) -> Result<Option<i64>, AppError> {
    match value {
        "" => Ok(None),
        value => value
            .parse()
            .map(Some)
            .map_err(|_| AppError::refused("error-choose-from-list")),
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let own =
        (!staff.user.role.sees_all_articles()).then_some((staff.user.id, staff.user.author_id));
    let now = Utc::now();
    let (filters, page) = ListFilters::parse(query.as_deref())?;
    let listing = kolokol_store::ListingQuery {
        own,
        search: kolokol_operations::search::stems_of(&filters.q),
        state: match filters.state.as_str() {
            "" => None,
            value => Some(
                kolokol_store::ListingState::parse(value)
                    .ok_or_else(|| AppError::refused("error-article-state"))?,
            ),
        },
        section_id: filter_id(&filters.section)?,
        author_id: filter_id(&filters.author)?,
        language: match filters.language.as_str() {
            "" => None,
            value => Some(
                kolokol_core::config::language_tag(value)
                    .map_err(|_| AppError::refused("error-choose-from-list"))?,
            ),
        },
        now,
    };
    let found = state
        .store
        .article_listing(&listing, kolokol_core::PageRequest::new(page, LIST_PAGE))
        .await?;
    if found.is_past_the_end() {
        return Err(AppError::NotFound);
    }
    let pages = context! {
        page => found.page, total_pages => found.total_pages, total => found.total,
        previous => (found.page > 1).then(|| filters.link(found.page - 1)),
        next => found.has_next().then(|| filters.link(found.page + 1)),
    };
    let filtering = !filters.q.is_empty()
        || !filters.state.is_empty()
        || !filters.section.is_empty()
        || !filters.author.is_empty()
        || !filters.language.is_empty();
    let rows: Vec<Row> = found
        .items
        .into_iter()
        .map(|a| Row {
            id: a.id.0,
            state: state_label(a.status, a.published_at, now),
            headline: a.headline,
            authors: a.authors.join(", "),
            published_at: a.published_at.map(|t| t.to_rfc3339()),
            modified_at: a.modified_at.to_rfc3339(),
            public_url: format!(
                "{}{}",
                state.site_all().prefix(&a.language),
                kolokol_render::urls::article(a.slug.as_str())
            ),
            language: a.language,
        })
        .collect();
    let setup = if rows.is_empty() && !filtering && staff.user.role.is_admin() {
        Some(setup_steps(&state, &staff.words(&state)).await?)
    } else {
        None
    };
    let sections = state.store.sections().await?;
    let authors = state.store.authors().await?;
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/articles.html",
        context! {
            articles => rows, setup, filters, filtering, pages, sections, authors,
        },
    )
}

/// One thing a new site needs, whether it is done, and where to do it.
#[derive(Debug, Serialize)]
struct SetupStep {
    title: String,
    done: bool,
    /// What is set now, or what to do.
    status: String,
    /// A newsroom page, or None when it is set in the configuration file.
    link: Option<&'static str>,
}

/// What a new site's admin sets up before the first article: the newsroom's home
/// lists it until something is written.
async fn setup_steps(
    state: &AppState,
    words: &kolokol_render::i18n::Words,
) -> Result<Vec<SetupStep>, AppError> {
    let site = state.site();
    let sections = state.store.sections().await?.len();
    let staff = state.store.users().await?.len();
    let revenue = &state.revenue().config;
    let named = site.title != kolokol_core::SiteConfig::default().title;
    Ok(vec![
        SetupStep {
            title: words.t("admin-setup-name"),
            done: named,
            status: words.t_with("admin-setup-now", [("what", site.title.as_str().into())]),
            link: Some("/admin/settings"),
        },
        SetupStep {
            title: words.t("admin-setup-language"),
            done: true,
            status: words.t_with(
                "admin-setup-language-now",
                [
                    ("language", site.language.as_str().into()),
                    ("zone", site.timezone.as_str().into()),
                ],
            ),
            link: Some("/admin/settings"),
        },
        SetupStep {
            title: words.t("admin-setup-sections"),
            done: sections > 0,
            status: words.t_with("admin-setup-sections-now", [("n", sections.into())]),
            link: Some("/admin/sections"),
        },
        SetupStep {
            title: words.t("admin-setup-goal"),
            done: revenue.monthly_goal > 0,
            status: if revenue.monthly_goal > 0 {
                let goal = kolokol_core::Money::new(
                    i64::from(revenue.monthly_goal)
                        * 10_i64.pow(u32::from(revenue.currency.digits())),
                    revenue.currency,
                );
                words.t_with(
                    "admin-setup-goal-now",
                    [("goal", words.money(&goal).into())],
                )
            } else {
                words.t("admin-setup-goal-unset")
            },
            link: None,
        },
        SetupStep {
            title: words.t("admin-setup-mail"),
            done: state.mailer.is_some(),
            status: words.t(if state.mailer.is_some() {
                "admin-setup-mail-done"
            } else {
                "admin-setup-mail-unset"
            }),
            link: None,
        },
        SetupStep {
            title: words.t("admin-setup-invite"),
            done: staff > 1,
            status: words.t_with("admin-setup-accounts", [("n", staff.into())]),
            link: Some("/admin/staff"),
        },
    ])
}

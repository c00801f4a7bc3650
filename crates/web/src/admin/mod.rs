//! The newsroom's admin at `/admin`: sign-in, the article list, the editor,
//! publication, revisions and the audit log. Server-rendered; it works without
//! JavaScript. Every handler takes a [`Staff`] (a valid session) and checks the
//! role for what it does, in the server.

mod articles;
mod auth;
mod authors;
mod desk;
pub(crate) mod import;
mod integrations;
mod media;
mod newsletter;
pub mod password;
mod reset;
mod revenue;
mod sections;
mod settings;
mod staff;
mod standing;
mod told;
pub(crate) mod two_factor;
mod webhooks;

use told::Told;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use kolokol_core::User;
use serde::Serialize;

use crate::error::AppError;
pub use crate::extract::{FormData, cookie};
use crate::state::AppState;
use kolokol_render::views::SiteView;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kolokol_session";

/// The admin's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/login", get(auth::login_form).post(auth::login))
        .route("/admin/logout", post(auth::logout))
        .route("/admin/language", post(choose_language))
        .route(
            "/admin/password/forgot",
            get(reset::forgot_form).post(reset::forgot),
        )
        .route(
            "/admin/password/reset/{token}",
            get(reset::reset_form).post(reset::reset),
        )
        .route(
            "/admin/login/two-factor",
            get(two_factor::challenge_form).post(two_factor::challenge),
        )
        .route("/admin/two-factor", get(two_factor::setup))
        .route("/admin/two-factor/enable", post(two_factor::enable))
        .route("/admin/two-factor/disable", post(two_factor::disable))
        .route("/admin", get(desk::list))
        .route("/admin/articles/new", get(articles::new_form))
        .route("/admin/articles", post(articles::create))
        .route(
            "/admin/articles/{id}",
            get(articles::edit_form).post(articles::save),
        )
        .route("/admin/articles/{id}/preview", get(articles::preview))
        .route(
            "/admin/articles/{id}/publication",
            post(articles::publication),
        )
        .route("/admin/articles/{id}/corrections", post(articles::correct))
        .route("/admin/articles/{id}/front", post(articles::front))
        .route(
            "/admin/articles/{id}/translation",
            post(articles::link_translation),
        )
        .route("/admin/articles/{id}/revisions", get(articles::revisions))
        .route(
            "/admin/articles/{id}/revisions/{revision}/restore",
            post(articles::restore),
        )
        .route("/admin/preview", post(articles::live_preview))
        .route("/admin/audit", get(articles::audit))
        .route("/admin/jobs", get(articles::jobs))
        .route("/admin/webhooks", get(webhooks::list).post(webhooks::add))
        .route(
            "/admin/integrations",
            get(integrations::list).post(integrations::add),
        )
        .route("/admin/integrations/delete", post(integrations::remove))
        .route(
            "/admin/import",
            get(import::page)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    kolokol_import::MAX_FILE_BYTES as usize + 64 * 1024,
                )),
        )
        .route("/admin/import/{id}", get(import::show))
        .route("/admin/webhooks/{id}/delete", post(webhooks::remove))
        .route(
            "/admin/sections",
            get(sections::list).post(sections::create),
        )
        .route(
            "/admin/sections/{id}",
            get(sections::edit).post(sections::save),
        )
        .route("/admin/sections/{id}/delete", post(sections::delete))
        .route("/admin/tags", get(sections::tags))
        .route("/admin/authors", get(authors::list).post(authors::create))
        .route("/admin/pages", get(standing::list).post(standing::create))
        .route("/admin/pages/new", get(standing::new_form))
        .route(
            "/admin/pages/{id}",
            get(standing::edit).post(standing::save),
        )
        .route("/admin/pages/{id}/publication", post(standing::publication))
        .route("/admin/pages/{id}/preview", get(standing::preview))
        .route(
            "/admin/pages/{id}/translation",
            post(standing::link_translation),
        )
        .route("/admin/pages/{id}/revisions", get(standing::revisions))
        .route(
            "/admin/authors/{id}",
            get(authors::edit).post(authors::save),
        )
        .route(
            "/admin/tags/{id}",
            get(sections::tag).post(sections::change_tag),
        )
        .route("/admin/settings", get(settings::form).post(settings::save))
        .route(
            "/admin/newsletter",
            get(newsletter::list).post(newsletter::create),
        )
        .route("/admin/newsletter/new", get(newsletter::new_form))
        .route(
            "/admin/newsletter/{id}",
            get(newsletter::edit).post(newsletter::save),
        )
        .route("/admin/newsletter/{id}/preview", get(newsletter::preview))
        .route("/admin/newsletter/{id}/test", post(newsletter::test))
        .route("/admin/newsletter/{id}/send", post(newsletter::delivery))
        .route("/admin/newsletter/{id}/progress", get(newsletter::progress))
        .route("/admin/revenue", get(revenue::dashboard))
        .route("/admin/revenue.csv", get(revenue::export))
        .route("/admin/subscribers", get(newsletter::subscribers))
        .route("/admin/subscribers.csv", get(newsletter::export))
        .route(
            "/admin/subscribers/import",
            post(newsletter::import).layer(axum::extract::DefaultBodyLimit::max(
                newsletter::MAX_IMPORT_BYTES,
            )),
        )
        .route("/admin/subscribers/suppress", post(newsletter::suppress))
        .route("/admin/staff", get(staff::list))
        .route("/admin/staff/invite", post(staff::invite))
        .route("/admin/staff/{id}", post(staff::change))
        .route(
            "/admin/invite/{token}",
            get(staff::accept_form).post(staff::accept),
        )
        .route(
            "/admin/media",
            get(media::list)
                .post(media::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    kolokol_media::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
}

/// A signed-in staff member, from the session cookie.
pub struct Staff {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some((session, token_hash)) = current_session(parts, state).await? else {
            return Err(to_login(parts));
        };
        if !session.verified {
            return Err(Redirect::to("/admin/login/two-factor").into_response());
        }
        // When the newsroom requires two-factor sign-in, staff without it may only
        // set it up (or leave).
        let path = parts.uri.path();
        if state.site().require_two_factor
            && !session.user.two_factor
            && !path.starts_with("/admin/two-factor")
            && path != "/admin/logout"
        {
            return Err(Redirect::to("/admin/two-factor?required=1").into_response());
        }
        Ok(Staff {
            user: session.user,
            csrf: session.csrf_token,
            token_hash,
        })
    }
}

/// A session that passed the password but still waits for the second factor.
pub struct PendingStaff {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for PendingStaff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match current_session(parts, state).await? {
            Some((session, token_hash)) if !session.verified => Ok(PendingStaff {
                user: session.user,
                csrf: session.csrf_token,
                token_hash,
            }),
            Some(_) => Err(Redirect::to("/admin").into_response()),
            None => Err(Redirect::to("/admin/login").into_response()),
        }
    }
}

/// The session named by the request's cookie, if it is valid.
async fn current_session(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<(kolokol_store::Session, String)>, Response> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let token_hash = password::token_hash(token);
    match state.store.session(&token_hash, Utc::now()).await {
        Ok(session) => Ok(session.map(|s| (s, token_hash))),
        Err(e) => Err(AppError::from(e).into_response()),
    }
}

impl Staff {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, form: &FormData) -> Result<(), AppError> {
        self.check_csrf_token(form.get("csrf"))
    }

    /// Refuses a CSRF token that is not this session's.
    pub fn check_csrf_token(&self, token: &str) -> Result<(), AppError> {
        if password::same_secret(token, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::Denied(kolokol_core::Message::new("form-expired")))
        }
    }

    /// Refuses unless `allowed`, with a message saying what the role lacks.
    pub fn require(&self, allowed: bool, what: &'static str) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(kolokol_operations::Error::Forbidden(what).into())
        }
    }
}

/// Who may send a form, checked by [`StaffForm`] before the handler runs.
pub trait RoleBound {
    fn allows(role: kolokol_core::Role) -> bool;
    /// Who may, for the refusal: "an editor or an admin".
    const WHO: &'static str;
}

/// Any signed-in staff member (the handler checks ownership where it matters).
pub struct AnyStaff;
/// Editors and admins.
pub struct Editors;
/// Admins only.
pub struct Admins;

impl RoleBound for AnyStaff {
    fn allows(_: kolokol_core::Role) -> bool {
        true
    }
    const WHO: &'static str = "who-staff";
}

impl RoleBound for Editors {
    fn allows(role: kolokol_core::Role) -> bool {
        role.sees_all_articles()
    }
    const WHO: &'static str = "who-editors";
}

impl RoleBound for Admins {
    fn allows(role: kolokol_core::Role) -> bool {
        role.is_admin()
    }
    const WHO: &'static str = "who-admins";
}

/// A form sent from the newsroom: a valid session, the body parsed, the session's
/// CSRF token checked and the role allowed by `R` — or the request is refused
/// before the handler runs. The one way staff forms are read.
pub struct StaffForm<R: RoleBound = AnyStaff> {
    pub staff: Staff,
    pub form: FormData,
    role: std::marker::PhantomData<R>,
}

impl<R: RoleBound> StaffForm<R> {
    pub fn into_parts(self) -> (Staff, FormData) {
        (self.staff, self.form)
    }
}

impl<R: RoleBound + Send> axum::extract::FromRequest<AppState> for StaffForm<R> {
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, Response> {
        let (staff, request) = staff_allowed::<R>(request, state).await?;
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = FormData::parse(&bytes);
        staff
            .check_csrf(&form)
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            staff,
            form,
            role: std::marker::PhantomData,
        })
    }
}

/// A file sent from a newsroom form (`multipart/form-data` with a `csrf` and a `file`
/// field).
pub struct Upload {
    /// The name the file had on the sender's computer.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an upload did not arrive whole, for the page that shows the form again.
pub struct UploadFailed {
    pub status: StatusCode,
    /// Whether it was larger than the route's limit.
    pub too_large: bool,
    pub detail: String,
}

/// An upload from the newsroom: a valid session, the role allowed by `R`, the form's
/// CSRF token checked — or the request is refused before the handler runs. A body
/// that did not arrive whole (too large, cut off) reaches the handler as
/// `Err(UploadFailed)` so it can say so on its own page; an empty file as `Ok(None)`.
pub struct StaffUpload<R: RoleBound = AnyStaff> {
    pub staff: Staff,
    pub file: Result<Option<Upload>, UploadFailed>,
    /// The form's other fields (checkboxes and the like), by name.
    pub fields: std::collections::HashMap<String, String>,
    role: std::marker::PhantomData<R>,
}

impl<R: RoleBound + Send> axum::extract::FromRequest<AppState> for StaffUpload<R> {
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, Response> {
        let (staff, request) = staff_allowed::<R>(request, state).await?;
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let read = async {
            let (mut csrf, mut file) = (String::new(), None);
            let mut fields = std::collections::HashMap::new();
            while let Some(field) = multipart.next_field().await? {
                match field.name().map(str::to_owned).as_deref() {
                    Some("csrf") => csrf = field.text().await?,
                    Some("file") => {
                        let name = field.file_name().unwrap_or("upload").to_owned();
                        let bytes = field.bytes().await?.to_vec();
                        file = Some(Upload { name, bytes });
                    }
                    Some(other) if fields.len() < 20 => {
                        let other = other.to_owned();
                        let text = field.text().await?;
                        fields.insert(other, text.chars().take(1_000).collect());
                    }
                    _ => {}
                }
            }
            Ok::<_, axum::extract::multipart::MultipartError>((csrf, file, fields))
        };
        let mut fields = std::collections::HashMap::new();
        let file = match read.await {
            Ok((csrf, file, sent)) => {
                fields = sent;
                staff
                    .check_csrf_token(&csrf)
                    .map_err(IntoResponse::into_response)?;
                Ok(file.filter(|upload| !upload.bytes.is_empty()))
            }
            Err(e) => Err(UploadFailed {
                status: e.status(),
                too_large: e.status() == StatusCode::PAYLOAD_TOO_LARGE,
                detail: e.body_text(),
            }),
        };
        Ok(Self {
            staff,
            file,
            fields,
            role: std::marker::PhantomData,
        })
    }
}

/// The signed-in staff member sending `request`, refused unless `R` allows their
/// role; the request comes back for its body to be read.
async fn staff_allowed<R: RoleBound>(
    request: axum::extract::Request,
    state: &AppState,
) -> Result<(Staff, axum::extract::Request), Response> {
    let (mut parts, body) = request.into_parts();
    let staff = Staff::from_request_parts(&mut parts, state).await?;
    if !R::allows(staff.user.role) {
        let refusal = kolokol_core::Message::new("error-role-only")
            .with("who", kolokol_core::Arg::Said(R::WHO));
        return Err(AppError::Denied(refusal).into_response());
    }
    Ok((staff, axum::extract::Request::from_parts(parts, body)))
}

/// Where an unauthenticated visitor goes: the sign-in page, then back.
fn to_login(parts: &Parts) -> Response {
    let next = parts.uri.path();
    let target = if parts.method == axum::http::Method::GET
        && next.starts_with("/admin")
        && next != "/admin/login"
    {
        format!(
            "/admin/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    } else {
        "/admin/login".into()
    };
    Redirect::to(&target).into_response()
}

/// A `Set-Cookie` value for the admin: HttpOnly, SameSite=Strict, Secure on HTTPS.
fn set_cookie(state: &AppState, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let secure = if state.site().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("invalid=1"))
}

/// What every admin page shows of the signed-in person.
#[derive(Debug, Serialize)]
struct StaffView<'a> {
    name: &'a str,
    email: &'a str,
    role: &'a str,
    is_admin: bool,
}

/// Renders an admin template; admin pages are never cached anywhere.
fn admin_page(
    state: &AppState,
    staff: Option<&Staff>,
    status: StatusCode,
    template: &str,
    context: minijinja::Value,
) -> Result<Response, AppError> {
    let config = state.site();
    let site = SiteView::new(&config, &[]);
    let me = staff.map(|s| StaffView {
        name: &s.user.name,
        email: s.user.email.as_str(),
        role: s.user.role.as_str(),
        is_admin: s.user.role.is_admin(),
    });
    let csrf = staff.map(|s| s.csrf.as_str());
    let lang = newsroom_language(state, staff);
    let catalogues = state.theme.catalogues();
    // Each language named in itself, for the switcher.
    let languages: Vec<(String, String)> = catalogues
        .languages()
        .map(|l| (l.to_owned(), catalogues.text(l, "language-name", None)))
        .collect();
    // What articles and pages may be written in, the main language first.
    let content_languages = content_languages(state);
    let body = state.theme.render(
        template,
        minijinja::context! { site, staff => me, csrf, lang, languages, content_languages, ..context },
    )?;
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The language the newsroom speaks to `staff`: their own choice, else the site's.
pub(crate) fn newsroom_language(state: &AppState, staff: Option<&Staff>) -> String {
    staff
        .map(|s| s.user.language.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| state.site().language.clone())
}

/// The notice a page's `?done=what` (or `?what=1`) query asks for, from the
/// catalogue's `admin-done-{page}-{what}` in the staff member's language; none
/// for a query that names nothing this page knows.
pub(crate) fn done_notice(
    state: &AppState,
    staff: Option<&Staff>,
    page: &str,
    query: Option<&str>,
) -> Option<String> {
    let query = query?;
    let what = query
        .strip_prefix("done=")
        .or_else(|| query.strip_suffix("=1"))?;
    if !what.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return None;
    }
    let key = format!("admin-done-{page}-{what}");
    let catalogues = state.theme.catalogues();
    catalogues
        .has(&key)
        .then(|| catalogues.text(&newsroom_language(state, staff), &key, None))
}

/// The languages content may be written in, the main one first, each named in
/// itself (a language the theme has no catalogue for by its tag).
pub(crate) fn content_languages(state: &AppState) -> Vec<(String, String)> {
    state
        .languages()
        .into_iter()
        .map(|l| {
            let name = crate::site::language_name(state, &l);
            (l, name)
        })
        .collect()
}

/// Names and texts in the site's other languages from a form: the field `name`
/// in Russian is sent as `name-ru`.
pub(crate) fn translations_from(
    state: &AppState,
    form: &FormData,
    fields: &[&str],
) -> kolokol_core::Translations {
    let mut translations = kolokol_core::Translations::new();
    for language in language_tags(state).into_iter().skip(1) {
        for field in fields {
            let text = form.get(&format!("{field}-{language}"));
            if !text.trim().is_empty() {
                translations
                    .entry(language.clone())
                    .or_default()
                    .insert((*field).to_owned(), text.to_owned());
            }
        }
    }
    translations
}

/// The translation form of an article's or a page's editor, carried out: links
/// `id` to the text at the address given, or (the "unlink" button) takes it out of
/// its translations. The operation's result, and where to go on to (`page` is the
/// editor's address).
pub(crate) async fn link_translation(
    state: &AppState,
    staff: &Staff,
    submitted: &FormData,
    texts: kolokol_store::Texts,
    id: i64,
    page: &str,
) -> (Result<(), kolokol_operations::Error>, String) {
    let other = if submitted.get("action") == "unlink" {
        ""
    } else {
        submitted.get("translation")
    };
    let actor = kolokol_operations::Actor::Staff(&staff.user);
    let now = Utc::now();
    let result =
        kolokol_operations::translations::link(&state.store, actor, texts, id, other, now).await;
    let what = if other.is_empty() {
        "unlinked"
    } else {
        "linked"
    };
    (result, format!("{page}?{what}=1"))
}

/// The site's languages, the main one first: what a text may be written in.
pub(crate) fn language_tags(state: &AppState) -> Vec<String> {
    state.languages()
}

impl Staff {
    /// The newsroom's words in this staff member's language.
    pub(crate) fn words(&self, state: &AppState) -> kolokol_render::i18n::Words {
        state.words_in(&newsroom_language(state, Some(self)))
    }
}

/// `POST /admin/language`: a staff member chooses the newsroom's language for
/// themselves; on to the newsroom's first page, in that language.
async fn choose_language(
    axum::extract::State(state): axum::extract::State<AppState>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, form) = sent.into_parts();
    let catalogues = state.theme.catalogues();
    let offered: Vec<&str> = catalogues.languages().collect();
    kolokol_operations::staff::set_language(
        &state.store,
        &staff.user,
        form.get("language"),
        &offered,
        Utc::now(),
    )
    .await?;
    Ok(see_other("/admin"))
}

/// A CSV file being written for download. Every cell goes through [`csv_cell`], so no
/// value a reader typed can become a live formula in a spreadsheet.
struct CsvFile(csv::Writer<Vec<u8>>);

impl CsvFile {
    fn new() -> Self {
        Self(csv::Writer::from_writer(Vec::new()))
    }

    fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<(), AppError> {
        self.0
            .write_record(cells.into_iter().map(|cell| csv_cell(cell).into_owned()))
            .map_err(csv_error)
    }
}

/// A cell that a spreadsheet would read as a formula (it begins with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'`, as OWASP advises; anything
/// else is written as it is.
fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A CSV file to download, from a finished writer; never cached.
fn csv_download(filename: &'static str, file: CsvFile) -> Result<Response, AppError> {
    let bytes = file
        .0
        .into_inner()
        .map_err(|e| AppError::Internal(format!("cannot write CSV: {e}")))?;
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// What a failed CSV write tells the admin.
fn csv_error(e: csv::Error) -> AppError {
    AppError::Internal(format!("cannot write CSV: {e}"))
}

/// 303 See Other to `path`, the answer to a successful form.
fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// The answer to a staff form once its operation ran: done, the page caches move on
/// and the browser goes to `next`; the form's problems bring its page back with them
/// (`again`, which answers 422); anything else is an error page.
async fn finish<T, Fut>(
    state: &AppState,
    result: Result<T, kolokol_operations::Error>,
    next: impl FnOnce(T) -> String,
    again: impl FnOnce(kolokol_core::FieldErrors) -> Fut,
) -> Result<Response, AppError>
where
    Fut: std::future::Future<Output = Result<Response, AppError>>,
{
    match result {
        Ok(value) => {
            state.content_changed().await;
            Ok(see_other(&next(value)))
        }
        Err(kolokol_operations::Error::Invalid(errors)) => again(errors).await,
        // Nothing was written; the form comes back with everything typed in it and
        // says why, instead of the readers' error page losing the text.
        Err(kolokol_operations::Error::Store(e)) => {
            tracing::error!(error = %e, "a newsroom form could not be saved");
            let key = if e.is_disk_full() {
                "admin-unsaved-disk-full"
            } else {
                "admin-unsaved-database"
            };
            let mut errors = kolokol_core::FieldErrors::new();
            errors.insert("unsaved", kolokol_core::Message::new(key));
            again(errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (value, written) in [
            (
                "=HYPERLINK(\"https://evil.example\")",
                "'=HYPERLINK(\"https://evil.example\")",
            ),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("anna@bell.example", "anna@bell.example"),
            ("25.00", "25.00"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(value), written);
        }
    }
}

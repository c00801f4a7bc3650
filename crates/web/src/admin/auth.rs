//! Signing in and out: argon2 passwords, session cookies, a CSRF token on the
//! sign-in form itself, and throttling per account and per address.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kolokol_operations::signin::{self, Credentials, SESSION_DAYS, SignIn, THROTTLE_MINUTES};
use minijinja::context;

use super::{AnyStaff, StaffForm};
use super::{FormData, SESSION_COOKIE, admin_page, cookie, password, see_other, set_cookie};
use crate::error::AppError;
use crate::state::AppState;

/// The sign-in form's own CSRF cookie (there is no session yet to hold a token).
const LOGIN_CSRF_COOKIE: &str = "kolokol_login";

/// Where to go after signing in: only back into the admin, never elsewhere.
pub(super) fn next_from(query: Option<&str>) -> String {
    let next = query
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "next")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    // Only a visible-ASCII path inside the admin: no host, no scheme, no backslash,
    // and no control character that would make the redirect's header invalid.
    let inside = next == "/admin" || next.starts_with("/admin/") || next.starts_with("/admin?");
    if inside
        && next.bytes().all(|b| b.is_ascii_graphic())
        && !next.contains("//")
        && !next.contains('\\')
    {
        next
    } else {
        "/admin".into()
    }
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
    next: &str,
    notice: Option<&str>,
    ask_code: bool,
) -> Result<Response, AppError> {
    let token = password::random_token();
    let mut response = admin_page(
        state,
        None,
        status,
        "admin/login.html",
        context! { login_csrf => token, email, error, next, notice, ask_code },
    )?;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_CSRF_COOKIE, &token, "/admin/login", 3600),
    );
    Ok(response)
}

pub async fn login_form(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let joined = super::done_notice(&state, None, "login", query.as_deref());
    login_page(
        &state,
        StatusCode::OK,
        "",
        None,
        &next_from(query.as_deref()),
        joined.as_deref(),
        false,
    )
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body);
    let next = next_from(query.as_deref());
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !password::same_secret(form.get("csrf"), expected) {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            form.get("email"),
            Some(&state.words().t("admin-sign-in-expired")),
            &next,
            None,
            false,
        );
    }
    let typed = form.get("email").trim().to_lowercase();
    let address = peer.ip().to_string();
    let credentials = Credentials {
        email: &typed,
        password: form.get("password"),
        code: form.get("code"),
        address: &address,
    };
    let site = state.site();
    let signed = match signin::sign_in(&state.store, &site.title, credentials, Utc::now()).await {
        Ok(signed) => signed,
        // Signing in writes (the attempt, the session): a full disk or a database
        // that cannot write just now is said on the form, with the address kept.
        Err(kolokol_operations::Error::Store(e)) => {
            tracing::error!(error = %e, "a sign-in could not be recorded");
            let (status, key) = if e.is_disk_full() {
                (StatusCode::INSUFFICIENT_STORAGE, "admin-sign-in-disk-full")
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, "admin-sign-in-unrecorded")
            };
            return login_page(
                &state,
                status,
                &typed,
                Some(&state.words().t(key)),
                &next,
                None,
                false,
            );
        }
        Err(e) => return Err(e.into()),
    };
    let session = match signed {
        SignIn::Opened(session) => session,
        SignIn::Throttled { account_locked } => {
            let key = if account_locked {
                "admin-sign-in-locked"
            } else {
                "admin-sign-in-throttled"
            };
            let message = state
                .words()
                .t_with(key, [("minutes", THROTTLE_MINUTES.into())]);
            return login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &typed,
                Some(&message),
                &next,
                None,
                account_locked,
            );
        }
        SignIn::Refused { with_code } => {
            let message = state.words().t(if with_code {
                "admin-sign-in-mismatch-code"
            } else {
                "admin-sign-in-mismatch"
            });
            return login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                &typed,
                Some(&message),
                &next,
                None,
                with_code,
            );
        }
    };
    let target = if session.verified {
        next
    } else {
        format!(
            "/admin/login/two-factor?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    };
    let mut response = see_other(&target);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(
            &state,
            SESSION_COOKIE,
            &session.token,
            "/admin",
            SESSION_DAYS * 86_400,
        ),
    );
    headers.append(
        header::SET_COOKIE,
        set_cookie(&state, LOGIN_CSRF_COOKIE, "", "/admin/login", 0),
    );
    Ok(response)
}

pub async fn logout(
    State(state): State<AppState>,
    sent: StaffForm<AnyStaff>,
) -> Result<Response, AppError> {
    let (staff, _form) = sent.into_parts();
    signin::sign_out(&state.store, &staff.user, &staff.token_hash, Utc::now()).await?;
    let mut response = see_other("/admin/login");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", "/admin", 0),
    );
    Ok(response.into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_inside_the_admin() {
        assert_eq!(
            super::next_from(Some("next=%2Fadmin%2Farticles%2F3")),
            "/admin/articles/3"
        );
        for evil in [
            "next=https%3A%2F%2Fevil.example",
            "next=%2F%2Fevil.example",
            "next=%2Farticles",
            "",
            "next=%2Fadmin%5C%5Cevil",
        ] {
            assert_eq!(super::next_from(Some(evil)), "/admin", "{evil}");
        }
        assert_eq!(super::next_from(None), "/admin");
    }
}

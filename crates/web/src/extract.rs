//! What the reading site and the newsroom read from requests alike: form bodies,
//! cookies, page numbers and the tokens of links we mailed.

use axum::http::{HeaderMap, header};
use kolokol_core::PageNumber;

use crate::error::AppError;

/// A submitted `application/x-www-form-urlencoded` body; repeated keys are kept.
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every field as sent, in order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The value of cookie `name` in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A page number from an address, or a 400 that says what would do.
pub fn page_number(value: &str) -> Result<PageNumber, AppError> {
    PageNumber::parse(value).map_err(|_| {
        AppError::Refused(
            kolokol_core::Message::new("error-page-number")
                .with("max", kolokol_core::page::MAX_PAGE),
        )
    })
}

/// A token from a link we mailed (an invitation, a confirmation, a sign-in link),
/// taken from the address. Anything not shaped like one of ours (64 hex digits) is
/// a 404 before any handler sees it, so no other text from the address can reach a
/// page (`/newsletter/confirm/javascript:…`).
pub struct SecretToken(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SecretToken {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(token) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| crate::error::AppError::NotFound)?;
        if kolokol_operations::secrets::is_token(&token) {
            Ok(Self(token))
        } else {
            Err(crate::error::AppError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn reads_cookies_and_forms() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; kolokol_session=abc; b=2"),
        );
        assert_eq!(cookie(&headers, "kolokol_session"), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
        let form = FormData::parse(b"authors=1&authors=2&headline=Hello+world%21&csrf=x");
        assert_eq!(form.all("authors"), ["1", "2"]);
        assert_eq!(form.get("headline"), "Hello world!");
        assert_eq!(form.get("nothing"), "");
    }
}

//! Passwords and tokens for the web side: the shapes and hashes live in
//! [`kolokol_operations::secrets`]; the extractor that reads a mailed link's token
//! from the address lives here.

pub use kolokol_operations::secrets::{
    hash, is_token, random_token, same_secret, token_hash, verify, verify_nothing,
};

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
        if is_token(&token) {
            Ok(Self(token))
        } else {
            Err(crate::error::AppError::NotFound)
        }
    }
}

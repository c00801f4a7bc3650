//! The newsletter: an issue composed as mail from the theme, readers' signed links,
//! and the crash-safe sender that the server's scheduler and `kolokol newsletter send`
//! both use.

pub mod compose;
pub mod feedback;
pub mod import;
pub mod send;
pub mod tokens;

pub use compose::{Composed, compose};
pub use send::{SendEnd, SendSettings, run, start};
pub use tokens::{Purpose, Signer};

/// Why composing or sending failed.
#[derive(Debug, thiserror::Error)]
pub enum NewsletterError {
    #[error(transparent)]
    Store(#[from] kolokol_store::StoreError),
    #[error("the newsletter templates failed: {0}")]
    Theme(#[from] kolokol_render::ThemeError),
    #[error("issue {0} has not started sending")]
    NotStarted(i64),
    #[error("the sender stopped")]
    Stopped,
}

//! Every action of the newsroom, the readers and the operator, one function each.
//!
//! An operation takes the store, the [`Actor`] and "now"; it checks the actor may do
//! it, validates the input, writes the change together with its audit entry (one
//! transaction, in the store), and answers with a typed result or an [`Error`] that
//! says what to tell the user. The admin's handlers, the command line and the demo
//! loader all call these, so whatever the demo builds a fresh install can build too.

pub mod accounts;
pub mod archive;
pub mod articles;
pub mod authors;
pub mod front;
pub mod integrations;
pub mod jobs;
pub mod media;
pub mod newsletter;
pub mod pages;
pub mod readers;
pub mod revenue;
pub mod search;
pub mod secrets;
pub mod sections;
pub mod signin;
pub mod staff;
pub mod tags;
pub mod translations;
pub mod two_factor;
pub mod webhooks;

use kolokol_core::{Audit, FieldErrors, Message, Role, User, UserId};
use kolokol_store::StoreError;

/// Who is acting.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A signed-in staff member, held to their role.
    Staff(&'a User),
    /// The person running the server, at the command line (or the demo loader they
    /// started): may do anything, and is recorded without a name.
    Operator,
    /// An app let in through the Admin API with the key of the integration of this
    /// name: acts as an admin, and the audit log names the integration.
    Integration(&'a str),
}

impl Actor<'_> {
    /// The account the audit log names.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Self::Staff(user) => Some(user.id),
            Self::Operator | Self::Integration(_) => None,
        }
    }

    /// Refuses unless the actor's role allows it; `what` completes "You may not …".
    pub fn require(
        &self,
        allowed: impl FnOnce(Role) -> bool,
        what: &'static str,
    ) -> Result<(), Error> {
        match self {
            Self::Staff(user) if !allowed(user.role) => Err(Error::Forbidden(what)),
            _ => Ok(()),
        }
    }

    /// The audit entry for `action` on `subject`, made by this actor.
    pub fn audit(&self, action: &'static str, subject: impl Into<String>) -> Audit {
        let audit = Audit::new(self.user_id(), action, subject);
        match self {
            Self::Integration(name) => audit.detail(format!("integration: {name}")),
            _ => audit,
        }
    }

    /// Whether the actor counts as one of an article's own people (its creator or
    /// credited author); the operator and integrations are not held to it.
    pub fn owns(&self, article: &kolokol_core::EditableArticle) -> bool {
        match self {
            Self::Staff(user) => article.is_own(user.id, user.author_id),
            _ => true,
        }
    }
}

/// Why an operation did not happen; nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The actor's role does not allow it: the catalogue's name of the action
    /// (`action-…`), which completes "You may not …".
    #[error("you may not: {0}")]
    Forbidden(&'static str),
    /// What it was to be done to does not exist (any more).
    #[error("not found")]
    NotFound,
    /// The input has problems, a message for each field.
    #[error("the form has problems: {0:?}")]
    Invalid(FieldErrors),
    /// The request cannot be done in the state things are in; the message says why.
    #[error("refused: {0}")]
    Refused(Message),
    #[error(transparent)]
    Store(StoreError),
    /// Something on our side that the user cannot mend (hashing failed).
    #[error("internal error: {0}")]
    Internal(String),
}

/// A store write's result, with a conflict (an address, language or account taken
/// already) told as `taken`.
pub(crate) fn unless_taken<T>(
    result: Result<T, StoreError>,
    taken: impl FnOnce() -> Error,
) -> Result<T, Error> {
    match result {
        Err(StoreError::Conflict(_)) => Err(taken()),
        other => Ok(other?),
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

impl Error {
    /// The address typed is taken by another of its kind (`key`: the catalogue's
    /// message).
    pub(crate) fn slug_taken(key: &'static str) -> Self {
        Self::field("slug", Message::new(key))
    }

    /// One field's problem.
    pub fn field(name: &'static str, message: Message) -> Self {
        Self::Invalid(FieldErrors::from([(name, message)]))
    }

    /// A refusal by its catalogue key alone.
    pub fn refused(key: &'static str) -> Self {
        Self::Refused(Message::new(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kolokol_core::{AuthorForm, Email, PageForm, SectionForm};

    /// The message a refused operation gives on `field` (or as its refusal).
    fn told(error: Error, field: &str) -> &'static str {
        match error {
            Error::Invalid(errors) => errors.get(field).map_or("(other field)", |m| m.key),
            Error::Refused(message) => message.key,
            other => panic!("not a message: {other}"),
        }
    }

    /// A second section, author, page or account at an address (or e-mail) taken
    /// already is told so, each in its own words, and the first stays alone.
    #[tokio::test]
    async fn what_is_taken_already_is_told_as_taken() {
        let dir = std::env::temp_dir().join(format!(
            "kolokol-taken-{}-{}",
            std::process::id(),
            secrets::random_token()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("taken.db").display());
        let store = kolokol_store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let now = chrono::Utc::now();
        let operator = Actor::Operator;

        let section = SectionForm {
            name: "News".into(),
            slug: "news".into(),
            ..SectionForm::default()
        };
        sections::create(&store, operator, &section, now)
            .await
            .unwrap();
        let again = sections::create(&store, operator, &section, now).await;
        assert_eq!(told(again.unwrap_err(), "slug"), "error-slug-taken-section");
        assert_eq!(store.section_records().await.unwrap().len(), 1);

        let author = AuthorForm {
            name: "Anna Belova".into(),
            slug: "anna".into(),
            ..AuthorForm::default()
        };
        let first = authors::create(&store, operator, &author, now)
            .await
            .unwrap();
        let other = AuthorForm {
            name: "Another Anna".into(),
            ..author.clone()
        };
        let again = authors::create(&store, operator, &other, now).await;
        assert_eq!(told(again.unwrap_err(), "slug"), "error-slug-taken-author");
        let second = authors::create(
            &store,
            operator,
            &AuthorForm {
                slug: "another-anna".into(),
                ..other.clone()
            },
            now,
        )
        .await
        .unwrap();
        let moved = authors::update(&store, operator, second.id, &other, now).await;
        assert_eq!(told(moved.unwrap_err(), "slug"), "error-slug-taken-author");
        assert_eq!(store.author_records().await.unwrap().len(), 2);
        assert_eq!(
            authors::existing(&store, first.id)
                .await
                .unwrap()
                .author
                .name,
            "Anna Belova"
        );

        let languages = ["en".to_owned()];
        let page = PageForm {
            title: "About us".into(),
            slug: "about".into(),
            body: "Who we are.".into(),
            placement: "footer".into(),
            ..PageForm::default()
        };
        pages::save(&store, operator, None, &page, &languages, now)
            .await
            .unwrap();
        let again = pages::save(&store, operator, None, &page, &languages, now).await;
        assert_eq!(told(again.unwrap_err(), "slug"), "error-slug-taken-page");

        let email = Email::parse("anna@bell.example").unwrap();
        let password = "a long enough password";
        accounts::create(&store, operator, &email, "Anna", Role::Admin, password, now)
            .await
            .unwrap();
        let again =
            accounts::create(&store, operator, &email, "Anna", Role::Admin, password, now).await;
        assert_eq!(told(again.unwrap_err(), ""), "error-account-exists");
        assert_eq!(store.users().await.unwrap().len(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

//! Outgoing mail. Everything that sends goes through [`Mailer`]; the real one speaks
//! SMTP to the relay named by an `smtp://` (plain, or STARTTLS with `?tls=required`)
//! or `smtps://` URL, with the credentials in the URL.

pub mod bulk;

use std::sync::Arc;

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the mail settings are not usable: {0}")]
    Config(String),
    #[error("{0} is not a usable e-mail address")]
    Address(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the mail server refused or could not be reached: {0}")]
    Transport(String),
}

/// A plain-text message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Something that delivers mail.
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

pub type DynMailer = Arc<dyn Mailer>;

/// Delivery over SMTP.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url` such as `smtp://127.0.0.1:25` or `smtps://user:password@mail.example:465`;
    /// `from` such as `The Bell <newsroom@bell.example>`. Call it inside the Tokio
    /// runtime: the connection pool starts a task.
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Config(format!("mail.smtp_url: {e}")))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailError::Config(format!("mail.from: {from:?} is not an address")))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let to = mail
            .to
            .parse::<Mailbox>()
            .map_err(|_| MailError::Address(mail.to.clone()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Transport(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn delivers_over_real_smtp() {
        let sink = kolokol_testkit::SmtpSink::start();
        let mailer = SmtpMailer::new(
            &format!("smtp://{}", sink.address()),
            "The Bell <newsroom@bell.example>",
        )
        .unwrap();
        let mail = OutgoingMail {
            to: "anna@bell.example".into(),
            subject: "Привет from the newsroom".into(),
            text: "A line.\n.\nA dot line above.".into(),
        };
        mailer.send(&mail).await.unwrap();
        let received = sink.messages();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].recipients, ["anna@bell.example"]);
        assert!(
            received[0]
                .data
                .contains("From: \"The Bell\" <newsroom@bell.example>"),
            "{}",
            received[0].data
        );
        assert_eq!(received[0].from, "newsroom@bell.example");
        assert!(received[0].data.contains("A dot line above."));
    }

    #[tokio::test]
    async fn bad_settings_are_named() {
        assert!(
            SmtpMailer::new("ftp://x", "a@b.example")
                .err()
                .unwrap()
                .to_string()
                .contains("mail.smtp_url")
        );
        assert!(
            SmtpMailer::new("smtp://127.0.0.1:25", "not an address")
                .err()
                .unwrap()
                .to_string()
                .contains("mail.from")
        );
    }

    #[tokio::test]
    async fn unreachable_servers_are_an_error_not_a_hang() {
        let mailer = SmtpMailer::new("smtp://127.0.0.1:9", "a@b.example").unwrap();
        let mail = OutgoingMail {
            to: "x@y.example".into(),
            subject: "s".into(),
            text: "t".into(),
        };
        assert!(matches!(
            mailer.send(&mail).await,
            Err(MailError::Transport(_))
        ));
    }
}

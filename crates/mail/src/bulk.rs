//! Newsletter mail: one personal message per subscriber, HTML and plain text, with
//! `List-Id`, RFC 8058 one-click unsubscribe headers and a DKIM signature that covers
//! them, sent over a pool of SMTP connections.

use std::time::Duration;

use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::MailError;

/// The headers the DKIM signature covers. `List-Unsubscribe` and
/// `List-Unsubscribe-Post` must be among them for RFC 8058 one-click to be trusted.
/// Not `Content-Type`: lettre writes a multipart message's type only when it
/// serialises, after signing, so listing it would make every signature fail at the
/// receiver (the body hash covers the content anyway).
pub const SIGNED_HEADERS: [&str; 9] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "MIME-Version",
];

/// A DKIM key and where its public half is published (`selector._domainkey.domain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimKey {
    pub domain: String,
    pub selector: String,
    pub algorithm: DkimAlgorithm,
    /// RSA: a PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`). Ed25519: the 32-byte
    /// seed in base64.
    pub private_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DkimAlgorithm {
    Rsa,
    Ed25519,
}

/// One subscriber's copy of an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalMail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub html: String,
    pub text: String,
    /// Without angle brackets; the same for a message sent again after a crash, so
    /// mailbox providers can drop the copy.
    pub message_id: String,
    /// `The Weekly <weekly.bell.example>`
    pub list_id: &'a str,
    /// The one-click URL (RFC 8058): POST unsubscribes, GET only asks.
    pub unsubscribe_url: String,
}

/// Why one message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BulkError {
    /// The server refused the address for good (5xx): do not try again.
    pub permanent: bool,
    pub message: String,
}

/// Sends newsletters over a pool of SMTP connections.
pub struct BulkSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    dkim: Option<DkimConfig>,
}

impl std::fmt::Debug for BulkSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkSender")
            .field("from", &self.from.to_string())
            .field("dkim", &self.dkim.is_some())
            .finish_non_exhaustive()
    }
}

impl BulkSender {
    /// `connections` SMTP sessions are kept open and used in parallel. Call inside the
    /// Tokio runtime.
    pub fn new(
        url: &str,
        from: &str,
        connections: u32,
        dkim: Option<&DkimKey>,
    ) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Config(format!("newsletter.smtp_url: {e}")))?
            .pool_config(
                PoolConfig::new()
                    .max_size(connections.max(1))
                    .idle_timeout(Duration::from_secs(30)),
            )
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = from.parse::<Mailbox>().map_err(|_| {
            MailError::Config(format!("newsletter.from: {from:?} is not an address"))
        })?;
        let dkim = dkim.map(dkim_config).transpose()?;
        Ok(Self {
            transport,
            from,
            dkim,
        })
    }

    /// The message exactly as it goes out, signed.
    pub fn build(&self, mail: &PersonalMail<'_>) -> Result<Message, MailError> {
        let to = mail
            .to
            .parse::<Mailbox>()
            .map_err(|_| MailError::Address(mail.to.to_owned()))?;
        let raw = |name: &'static str, value: String| {
            HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
        };
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .message_id(Some(format!("<{}>", mail.message_id)))
            .raw_header(raw("List-Id", mail.list_id.to_owned()))
            .raw_header(raw(
                "List-Unsubscribe",
                format!("<{}>", mail.unsubscribe_url),
            ))
            .raw_header(raw(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_owned(),
            ))
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }

    /// Builds and sends one message.
    pub async fn send(&self, mail: &PersonalMail<'_>) -> Result<(), BulkError> {
        let message = self.build(mail).map_err(|e| BulkError {
            permanent: matches!(e, MailError::Address(_)),
            message: e.to_string(),
        })?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| BulkError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            })
    }
}

fn dkim_config(key: &DkimKey) -> Result<DkimConfig, MailError> {
    let algorithm = match key.algorithm {
        DkimAlgorithm::Rsa => DkimSigningAlgorithm::Rsa,
        DkimAlgorithm::Ed25519 => DkimSigningAlgorithm::Ed25519,
    };
    let signing = DkimSigningKey::new(key.private_key.trim(), algorithm).map_err(|e| {
        MailError::Config(format!("newsletter.dkim_key_file: not a usable key: {e}"))
    })?;
    if key.domain.is_empty() || key.selector.is_empty() {
        return Err(MailError::Config(
            "newsletter.dkim_domain and newsletter.dkim_selector are needed with a DKIM key".into(),
        ));
    }
    Ok(DkimConfig::new(
        key.selector.clone(),
        key.domain.clone(),
        signing,
        SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}

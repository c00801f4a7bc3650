//! Newsletter mail: one personal message per subscriber, HTML and plain text, with
//! `List-Id`, RFC 8058 one-click unsubscribe headers and a DKIM signature that covers
//! them, sent over a pool of SMTP connections.

use std::time::Duration;

use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use parking_lot::Mutex;
use tokio::net::TcpStream;

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

/// Where and how to connect, from an `smtp://` or `smtps://` URL.
#[derive(Clone)]
struct Relay {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tls {
    None,
    Starttls { required: bool },
    Implicit,
}

impl Relay {
    fn parse(url: &str) -> Result<Self, MailError> {
        let bad = |why: &str| MailError::Config(format!("newsletter.smtp_url: {why}"));
        let url = url::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
        let host = url
            .host_str()
            .ok_or_else(|| bad("no host"))?
            .trim_matches(['[', ']'])
            .to_owned();
        let query = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let (tls, default_port) = match (url.scheme(), query("tls").as_deref()) {
            ("smtps", _) => (Tls::Implicit, 465),
            ("smtp", Some("required")) => (Tls::Starttls { required: true }, 587),
            ("smtp", Some("opportunistic")) => (Tls::Starttls { required: false }, 587),
            ("smtp", None) => (Tls::None, 25),
            ("smtp", Some(other)) => {
                return Err(bad(&format!("tls={other} (use required or opportunistic)")));
            }
            (other, _) => return Err(bad(&format!("{other}:// (use smtp:// or smtps://)"))),
        };
        let credentials = (!url.username().is_empty()).then(|| {
            Credentials::new(
                percent_decode(url.username()),
                percent_decode(url.password().unwrap_or("")),
            )
        });
        Ok(Self {
            host,
            port: url.port().unwrap_or(default_port),
            tls,
            credentials,
        })
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A TLS stream lettre can drive, for `smtps://`.
#[derive(Debug)]
struct TlsTcp {
    stream: tokio_native_tls::TlsStream<TcpStream>,
    peer: std::net::SocketAddr,
}

impl tokio::io::AsyncRead for TlsTcp {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for TlsTcp {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsTcp {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        Ok(self.peer)
    }
}

/// Sends newsletters over a pool of SMTP connections that stay open between
/// messages. Sockets are opened with `TCP_NODELAY`: lettre writes a message and its
/// final `.` separately, and with Nagle's algorithm on, that final write waits for
/// the server's delayed ACK (40 ms on Linux) on every single message.
pub struct BulkSender {
    relay: Relay,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
    max_idle: usize,
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
        let relay = Relay::parse(url)?;
        let from = from.parse::<Mailbox>().map_err(|_| {
            MailError::Config(format!("newsletter.from: {from:?} is not an address"))
        })?;
        let dkim = dkim.map(dkim_config).transpose()?;
        Ok(Self {
            relay,
            idle: Mutex::new(Vec::new()),
            max_idle: connections.max(1) as usize,
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

    /// Opens a new session: TCP (no Nagle), TLS as the URL says, EHLO, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, BulkError> {
        let relay = &self.relay;
        let io = |e: std::io::Error| BulkError {
            permanent: false,
            message: format!("cannot reach the mail server: {e}"),
        };
        let tcp = tokio::time::timeout(
            Duration::from_secs(30),
            TcpStream::connect((relay.host.as_str(), relay.port)),
        )
        .await
        .map_err(|_| {
            io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "connecting to the mail server timed out",
            ))
        })?
        .map_err(io)?;
        tcp.set_nodelay(true).map_err(io)?;
        let hello = ClientId::default();
        let mut connection = if relay.tls == Tls::Implicit {
            let peer = tcp.peer_addr().map_err(io)?;
            let connector =
                native_tls::TlsConnector::new().map_err(|e| io(std::io::Error::other(e)))?;
            let stream = tokio_native_tls::TlsConnector::from(connector)
                .connect(&relay.host, tcp)
                .await
                .map_err(|e| io(std::io::Error::other(e)))?;
            AsyncSmtpConnection::connect_with_transport(Box::new(TlsTcp { stream, peer }), &hello)
                .await
                .map_err(smtp_failure)?
        } else {
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello)
                .await
                .map_err(smtp_failure)?
        };
        if let Tls::Starttls { required } = relay.tls
            && (required || connection.can_starttls())
        {
            let parameters = TlsParameters::new(relay.host.clone()).map_err(smtp_failure)?;
            connection
                .starttls(parameters, &hello)
                .await
                .map_err(smtp_failure)?;
        }
        if let Some(credentials) = &relay.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(smtp_failure)?;
        }
        Ok(connection)
    }

    /// Builds and sends one message, on an open session when one is free.
    pub async fn send(&self, mail: &PersonalMail<'_>) -> Result<(), BulkError> {
        let message = self.build(mail).map_err(|e| BulkError {
            permanent: matches!(e, MailError::Address(_)),
            message: e.to_string(),
        })?;
        let bytes = message.formatted();
        let pooled = self.idle.lock().pop();
        let (connection, result) = match pooled {
            Some(mut connection) => {
                let result = connection.send(message.envelope(), &bytes).await;
                match result {
                    // The server closed an idle session: say it again on a new one.
                    Err(e) if !e.is_response() => {
                        let mut fresh = self.connect().await?;
                        let result = fresh.send(message.envelope(), &bytes).await;
                        (fresh, result)
                    }
                    other => (connection, other),
                }
            }
            None => {
                let mut connection = self.connect().await?;
                let result = connection.send(message.envelope(), &bytes).await;
                (connection, result)
            }
        };
        // A refused recipient leaves lettre's session closed; a good one goes back.
        if result.is_ok() && !connection.has_broken() {
            let mut idle = self.idle.lock();
            if idle.len() < self.max_idle {
                idle.push(connection);
            }
        }
        result.map(|_| ()).map_err(smtp_failure)
    }
}

/// A refusal from the server (5xx is for good, 4xx for now) or a broken session.
fn smtp_failure(e: lettre::transport::smtp::Error) -> BulkError {
    BulkError {
        permanent: e.is_permanent(),
        message: e.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls_are_read_like_lettre_reads_them() {
        let relay =
            Relay::parse("smtp://news%40bell.example:p%3Ass@relay.example:2525?tls=required")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((relay.host.as_str(), relay.port), ("relay.example", 2525));
        assert!(relay.tls == Tls::Starttls { required: true });
        assert!(relay.credentials.is_some());
        let plain = Relay::parse("smtp://127.0.0.1").unwrap_or_else(|e| panic!("{e}"));
        assert!(plain.tls == Tls::None && plain.port == 25 && plain.credentials.is_none());
        let implicit = Relay::parse("smtps://relay.example").unwrap_or_else(|e| panic!("{e}"));
        assert!(implicit.tls == Tls::Implicit && implicit.port == 465);
        for bad in [
            "ftp://relay.example",
            "smtp://relay.example?tls=maybe",
            "not a url",
        ] {
            assert!(
                Relay::parse(bad)
                    .err()
                    .is_some_and(|e| e.to_string().contains("newsletter.smtp_url")),
                "{bad}"
            );
        }
        assert_eq!(percent_decode("a%40b%zz"), "a@b%zz");
    }
}

//! The configuration an operator writes: what the site is called, where it lives, what
//! its banner and notices say. Loading (file plus environment) happens in the binary.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

mod server;
mod site;
pub use server::ServerConfig;
pub use site::{
    BannedNotice, Banner, NavLink, RESERVED_PATHS, SiteConfig, SiteTexts, language_tag,
};

/// The whole configuration of one Kolokol process.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on: `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`.
    pub listen: ListenAddress,
    /// The folder that holds the SQLite database, media and other state.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means `sqlite://{data_dir}/kolokol.db`.
    pub database_url: String,
    /// A theme folder whose templates and assets override the built-in theme.
    pub theme_dir: Option<PathBuf>,
    pub site: SiteConfig,
    pub mail: MailConfig,
    pub newsletter: NewsletterConfig,
    pub revenue: RevenueConfig,
    pub server: ServerConfig,
    pub backup: BackupConfig,
    pub media: MediaConfig,
}

/// Where pictures are kept: under the data folder (the default), or in an
/// S3-compatible bucket that every node of a site shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// `folder` (the data folder's `media`) or `s3`.
    pub store: MediaStoreKind,
    /// The bucket's name (`s3` only).
    pub bucket: String,
    /// The service's address, e.g. `https://s3.eu-central-1.amazonaws.com` or a
    /// MinIO/Garage/Ceph address; empty: Amazon S3 of `region`.
    pub endpoint: String,
    pub region: String,
    /// Credentials; empty: taken from the environment (`AWS_ACCESS_KEY_ID`, …).
    pub access_key_id: String,
    pub secret_access_key: Secret,
    /// Keys go under this folder of the bucket (e.g. `kolokol/`); empty: its root.
    pub prefix: String,
    /// Addresses as `endpoint/bucket/key` instead of `bucket.endpoint/key` (most
    /// self-hosted servers want this).
    pub path_style: bool,
}

/// The kinds of media store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaStoreKind {
    #[default]
    Folder,
    S3,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            store: MediaStoreKind::Folder,
            bucket: String::new(),
            endpoint: String::new(),
            region: "us-east-1".into(),
            access_key_id: String::new(),
            secret_access_key: Secret::default(),
            prefix: String::new(),
            path_style: true,
        }
    }
}

impl MediaConfig {
    /// What serde cannot check: an S3 store needs a bucket and a usable address.
    pub fn validate(&self) -> Result<(), String> {
        if self.store == MediaStoreKind::Folder {
            return Ok(());
        }
        let bucket = self.bucket.trim();
        if bucket.is_empty() {
            return Err("media.bucket is needed with media.store = \"s3\"".into());
        }
        if bucket.len() < 3
            || bucket.len() > 63
            || !bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        {
            return Err(format!(
                "media.bucket {bucket:?} is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)"
            ));
        }
        let endpoint = self.endpoint.trim();
        if !endpoint.is_empty() {
            match url::Url::parse(endpoint) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
                _ => {
                    return Err(format!(
                        "media.endpoint {endpoint:?} is not an http:// or https:// address"
                    ));
                }
            }
        }
        if self.access_key_id.trim().is_empty() != self.secret_access_key.0.trim().is_empty() {
            return Err(
                "media.access_key_id and media.secret_access_key go together: give both, or neither to take them from the environment"
                    .into(),
            );
        }
        if self.region.trim().is_empty() {
            return Err("media.region cannot be empty (any name will do for most self-hosted servers, e.g. \"us-east-1\")".into());
        }
        Ok(())
    }
}

/// Backups taken while the site serves, on a schedule, the oldest removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// Hours between backups; 0 takes none (run `kolokol backup` from cron instead).
    pub every_hours: u32,
    /// How many scheduled backups to keep; older ones are deleted.
    pub keep: u32,
    /// Where they are written; default: `backups` in the data folder.
    pub dir: Option<PathBuf>,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self {
            every_hours: 0,
            keep: 7,
            dir: None,
        }
    }
}

/// Where to listen: a host (an IP address or a name such as `localhost`, resolved when
/// the server starts) and a port. Checked when the configuration is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ListenAddress {
    host: String,
    port: u16,
}

impl ListenAddress {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(address) = text.parse::<SocketAddr>() {
            return Ok(address.into());
        }
        let problem = || {
            format!(
                "listen: {text:?} is not an address and port, like \"127.0.0.1:8080\", \"[::1]:8080\" or \"localhost:8080\""
            )
        };
        let (host, port) = text.rsplit_once(':').ok_or_else(problem)?;
        let port: u16 = port.parse().map_err(|_| problem())?;
        if !crate::staff::is_host_name(host, false) {
            return Err(problem());
        }
        Ok(Self {
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl From<SocketAddr> for ListenAddress {
    fn from(address: SocketAddr) -> Self {
        Self {
            host: address.ip().to_string(),
            port: address.port(),
        }
    }
}

impl TryFrom<String> for ListenAddress {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<ListenAddress> for String {
    fn from(value: ListenAddress) -> String {
        value.to_string()
    }
}

impl fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// A secret from the configuration: read like text, never printed (the start-up log
/// shows the configuration).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "***" })
    }
}

/// Who takes card payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentProviderKind {
    /// No card payments (the other ways to give still show).
    #[default]
    #[serde(rename = "")]
    None,
    Stripe,
    /// Nothing is charged; only `kolokol demo` may use it.
    Demo,
}

impl PaymentProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Stripe => "stripe",
            Self::Demo => "demo",
        }
    }
}

/// How newsletters are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DkimAlgorithm {
    #[default]
    Rsa,
    Ed25519,
}

/// Reader revenue: the monthly goal, currencies and amounts offered, and the ways to pay.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RevenueConfig {
    /// `stripe`, `demo` (only for `kolokol demo`), or empty: no card payments.
    pub provider: PaymentProviderKind,
    /// Stripe's secret API key (`sk_live_…`); never printed.
    pub stripe_secret_key: String,
    /// The webhook endpoint's signing secret (`whsec_…`); never printed.
    pub stripe_webhook_secret: String,
    /// Stripe's API address; tests point it at a local server.
    pub stripe_api_base: String,
    /// What appears on card statements: neutral, so a statement read inside the country
    /// does not name the outlet.
    pub statement_descriptor: String,
    /// The newsroom's currency: the goal and the meter are in it.
    pub currency: crate::revenue::Currency,
    /// What it costs a month, in major units of `currency` (e.g. 10000); 0, the
    /// default, means no goal is set: the meter then shows no "of …" line, so a new
    /// site never announces a goal nobody chose.
    pub monthly_goal: u32,
    /// Currencies readers may give in; the first is preselected.
    pub currencies: Vec<crate::revenue::Currency>,
    /// Preset amounts in major units, the same numbers in every currency.
    pub presets: Vec<u32>,
    /// Days "Remind me later" hides the prompt on that device.
    pub snooze_days: u32,
    /// Smallest card gifts, as "CODE amount" (e.g. "USD 5"); currencies not named
    /// keep Stripe's documented minimum charge (or one whole unit).
    pub minimums: Vec<crate::revenue::GiftMinimum>,
    /// Bank transfer instructions (IBAN, name, reference), shown as written.
    pub bank_transfer: String,
    /// `Name | address` lines for crypto-currency addresses.
    pub crypto: Vec<String>,
    /// `Label | https://…` lines for other platforms.
    pub links: Vec<String>,
}

impl Default for RevenueConfig {
    fn default() -> Self {
        Self {
            provider: PaymentProviderKind::None,
            stripe_secret_key: String::new(),
            stripe_webhook_secret: String::new(),
            stripe_api_base: "https://api.stripe.com".into(),
            statement_descriptor: String::new(),
            currency: crate::revenue::Currency::USD,
            monthly_goal: 0,
            currencies: vec![crate::revenue::Currency::USD, crate::revenue::Currency::EUR],
            presets: vec![5, 10, 25, 50],
            snooze_days: 14,
            minimums: Vec::new(),
            bank_transfer: String::new(),
            crypto: Vec::new(),
            links: Vec::new(),
        }
    }
}

impl fmt::Debug for RevenueConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &str| if s.is_empty() { "" } else { "***" };
        f.debug_struct("RevenueConfig")
            .field("provider", &self.provider)
            .field("stripe_secret_key", &secret(&self.stripe_secret_key))
            .field(
                "stripe_webhook_secret",
                &secret(&self.stripe_webhook_secret),
            )
            .field("stripe_api_base", &self.stripe_api_base)
            .field("currency", &self.currency)
            .field("monthly_goal", &self.monthly_goal)
            .field("currencies", &self.currencies)
            .finish_non_exhaustive()
    }
}

impl RevenueConfig {
    /// Checks what serde cannot.
    pub fn validate(&self, demo: bool) -> Result<(), String> {
        if !self.currencies.contains(&self.currency) {
            return Err("revenue.currencies must include revenue.currency".into());
        }
        if self.presets.is_empty() || self.presets.contains(&0) {
            return Err("revenue.presets needs amounts above zero".into());
        }
        match self.provider {
            PaymentProviderKind::None => {}
            PaymentProviderKind::Stripe => {
                if self.stripe_secret_key.is_empty() || self.stripe_webhook_secret.is_empty() {
                    return Err(
                        "revenue.stripe_secret_key and revenue.stripe_webhook_secret are needed with provider = \"stripe\""
                            .into(),
                    );
                }
            }
            PaymentProviderKind::Demo if demo => {}
            PaymentProviderKind::Demo => {
                return Err(
                    "revenue.provider = \"demo\" takes no real money and only runs in `kolokol demo`".into(),
                );
            }
        }
        Ok(())
    }
}

/// How the newsletter is delivered (its name and schedule are site settings).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewsletterConfig {
    /// The relay for newsletters; empty means `mail.smtp_url`. Often a different
    /// service from transactional mail.
    pub smtp_url: String,
    /// The newsletter's sender, e.g. `The Weekly <weekly@bell.example>`; it should
    /// differ from `mail.from` so readers' filters and reputations stay apart.
    pub from: String,
    /// SMTP connections used at once.
    pub connections: u32,
    /// Messages per second at most (what the relay allows).
    pub rate_per_second: u32,
    /// DKIM signing: the domain (`d=`), selector (`s=`), a key file (RSA PKCS#1 PEM,
    /// or an Ed25519 seed in base64) and `rsa` or `ed25519`. Empty: no signature
    /// (the relay may sign instead).
    pub dkim_domain: String,
    pub dkim_selector: String,
    pub dkim_key_file: Option<PathBuf>,
    pub dkim_algorithm: DkimAlgorithm,
}

impl Default for NewsletterConfig {
    fn default() -> Self {
        Self {
            smtp_url: String::new(),
            from: String::new(),
            connections: 4,
            rate_per_second: 50,
            dkim_domain: String::new(),
            dkim_selector: String::new(),
            dkim_key_file: None,
            dkim_algorithm: DkimAlgorithm::Rsa,
        }
    }
}

impl fmt::Debug for NewsletterConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewsletterConfig")
            .field("smtp_url", &redact_url(&self.smtp_url))
            .field("from", &self.from)
            .field("connections", &self.connections)
            .field("rate_per_second", &self.rate_per_second)
            .field("dkim_domain", &self.dkim_domain)
            .field("dkim_selector", &self.dkim_selector)
            .field("dkim_key_file", &self.dkim_key_file)
            .finish_non_exhaustive()
    }
}

impl NewsletterConfig {
    /// The relay to use, falling back to the transactional one.
    pub fn smtp_url<'a>(&'a self, mail: &'a MailConfig) -> &'a str {
        if self.smtp_url.trim().is_empty() {
            mail.smtp_url.trim()
        } else {
            self.smtp_url.trim()
        }
    }
}

/// Outgoing mail (staff invitations now; receipts and newsletters later).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `smtp://host:25`, `smtp://user:password@host:587?tls=required` or
    /// `smtps://user:password@host:465`; empty: no mail is sent, and the admin shows
    /// invitation links to pass on by hand.
    pub smtp_url: String,
    /// The sender of transactional mail, e.g. `The Bell <newsroom@bell.example>`.
    pub from: String,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &redact_url(&self.smtp_url))
            .field("from", &self.from)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: ListenAddress::from(SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir: PathBuf::from("kolokol-data"),
            database_url: String::new(),
            theme_dir: None,
            site: SiteConfig::default(),
            mail: MailConfig::default(),
            newsletter: NewsletterConfig::default(),
            revenue: RevenueConfig::default(),
            server: ServerConfig::default(),
            backup: BackupConfig::default(),
            media: MediaConfig::default(),
        }
    }
}

impl Config {
    /// The database URL to connect to, defaulting to an SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("kolokol.db").display())
        } else {
            self.database_url.clone()
        }
    }

    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// Where this node keeps its search index.
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    /// Where scheduled backups go.
    pub fn backup_dir(&self) -> PathBuf {
        self.backup
            .dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("backups"))
    }

    /// Checks what serde cannot: values that parse but make no sense.
    pub fn validate(&self) -> Result<(), String> {
        if !self.mail.smtp_url.trim().is_empty() && self.mail.from.trim().is_empty() {
            return Err("mail.from is needed when mail.smtp_url is set".into());
        }
        self.revenue.validate(false)?;
        self.server.validate()?;
        self.media.validate()?;
        if self.backup.keep == 0 {
            return Err("backup.keep must be at least 1".into());
        }
        let newsletter = &self.newsletter;
        if !newsletter.smtp_url(&self.mail).is_empty() && newsletter.from.trim().is_empty() {
            return Err(
                "newsletter.from is needed to send the newsletter, e.g. \"The Weekly <weekly@example.org>\""
                    .into(),
            );
        }
        if !(1..=64).contains(&newsletter.connections) {
            return Err("newsletter.connections must be between 1 and 64".into());
        }
        if !(1..=100_000).contains(&newsletter.rate_per_second) {
            return Err("newsletter.rate_per_second must be between 1 and 100000".into());
        }
        if newsletter.dkim_key_file.is_some()
            && (newsletter.dkim_domain.trim().is_empty()
                || newsletter.dkim_selector.trim().is_empty())
        {
            return Err(
                "newsletter.dkim_domain and newsletter.dkim_selector are needed with newsletter.dkim_key_file"
                    .into(),
            );
        }
        self.site.validate()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The database URL may carry a password; never print it.
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("theme_dir", &self.theme_dir)
            .field("site", &self.site)
            .field("mail", &self.mail)
            .field("newsletter", &self.newsletter)
            .field("revenue", &self.revenue)
            .field("server", &self.server)
            .field("backup", &self.backup)
            .field("media", &self.media)
            .finish()
    }
}

/// A URL with every credential it can carry masked, for logs and messages:
/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, and query
/// parameters that hold secrets (`?password=…`, `sslpassword`, `token`, `key`…) too.
/// Parsed, not cut at the first `@`: a password may itself hold `@` or `:`. Text
/// that is not a URL is masked whole when it could hold a secret.
pub fn redact_url(text: &str) -> String {
    const SECRET_KEYS: [&str; 10] = [
        "password",
        "sslpassword",
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "api_key",
        "access_token",
        "auth",
    ];
    let Ok(mut url) = url::Url::parse(text) else {
        return if text.contains('@') || text.contains('=') {
            "***".to_owned()
        } else {
            text.to_owned()
        };
    };
    if url.password().is_some() {
        // Only fails for URLs that cannot have one, which this one does.
        let _ = url.set_password(Some("***"));
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_KEYS.iter().any(|s| {
                    k.eq_ignore_ascii_case(s) || k.to_ascii_lowercase().ends_with(&format!("_{s}"))
                });
                (
                    k.into_owned(),
                    if secret {
                        "***".to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_bcp47_tags_named_by_iso_639_codes() {
        assert_eq!(language_tag("ru").unwrap(), "ru");
        assert_eq!(language_tag("pt-br").unwrap(), "pt-BR");
        assert_eq!(language_tag("sr-latn").unwrap(), "sr-Latn");
        for bad in ["russian", "", "r", "en_", "ru--RU", "12"] {
            assert!(language_tag(bad).is_err(), "{bad:?} accepted");
        }
        let site = |language: &str| SiteConfig {
            language: language.into(),
            ..SiteConfig::default()
        };
        let refused = site("russian").validate().unwrap_err();
        assert!(
            refused.contains("site.language") && refused.contains("russian"),
            "{refused}"
        );
        assert!(site("pt-br").validate().unwrap_err().contains("\"pt-BR\""));
        assert!(site("ru").validate().is_ok());
    }

    #[test]
    fn a_new_site_names_no_sum_it_was_never_given() {
        assert_eq!(RevenueConfig::default().monthly_goal, 0);
        assert_eq!(
            Banner::default().text,
            "",
            "said from the catalogue in the site's language"
        );
    }

    #[test]
    fn the_demo_payment_provider_is_only_for_the_demo() {
        let demo = RevenueConfig {
            provider: PaymentProviderKind::Demo,
            ..RevenueConfig::default()
        };
        assert!(demo.validate(true).is_ok());
        assert!(
            demo.validate(false)
                .unwrap_err()
                .contains("only runs in `kolokol demo`")
        );
        let stripe = RevenueConfig {
            provider: PaymentProviderKind::Stripe,
            ..RevenueConfig::default()
        };
        assert!(
            stripe
                .validate(false)
                .unwrap_err()
                .contains("stripe_secret_key")
        );
        let odd = RevenueConfig {
            currency: crate::revenue::Currency::parse("RUB").unwrap_or_else(|e| panic!("{e}")),
            ..RevenueConfig::default()
        };
        assert!(
            odd.validate(false)
                .unwrap_err()
                .contains("revenue.currencies must include revenue.currency")
        );
        let secret = RevenueConfig {
            stripe_secret_key: "sk_live_secret".into(),
            ..RevenueConfig::default()
        };
        assert!(!format!("{secret:?}").contains("sk_live"));
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn validation_names_the_key() {
        let mut site = SiteConfig {
            timezone: "Mars/Olympus".into(),
            ..SiteConfig::default()
        };
        assert!(site.validate().unwrap_err().contains("site.timezone"));
        site.timezone = "Europe/Riga".into();
        site.base_url = "example.org".into();
        assert!(site.validate().unwrap_err().contains("site.base_url"));
    }

    #[test]
    fn an_s3_media_store_is_checked_before_start() {
        let s3 = |bucket: &str, endpoint: &str, key: &str, secret: &str| MediaConfig {
            store: MediaStoreKind::S3,
            bucket: bucket.into(),
            endpoint: endpoint.into(),
            access_key_id: key.into(),
            secret_access_key: Secret(secret.into()),
            ..MediaConfig::default()
        };
        assert_eq!(s3("pictures", "", "", "").validate(), Ok(()));
        assert_eq!(
            s3("pictures", "http://127.0.0.1:9000", "id", "secret").validate(),
            Ok(())
        );
        for (config, key) in [
            (s3("", "", "", ""), "media.bucket is needed"),
            (s3("Pictures_2026", "", "", ""), "is not a bucket name"),
            (s3("pictures", "minio:9000", "", ""), "media.endpoint"),
            (s3("pictures", "ftp://minio", "", ""), "media.endpoint"),
            (s3("pictures", "", "id", ""), "go together"),
        ] {
            let said = config.validate().unwrap_err();
            assert!(said.contains(key), "{said}");
        }
        // A folder store needs none of it.
        assert_eq!(MediaConfig::default().validate(), Ok(()));
        // The secret is never printed.
        let printed = format!("{:?}", s3("pictures", "", "id", "hunter2"));
        assert!(!printed.contains("hunter2"), "{printed}");
    }

    #[test]
    fn listen_addresses_take_host_names() {
        for (text, shown) in [
            ("127.0.0.1:8080", "127.0.0.1:8080"),
            ("[::1]:8420", "[::1]:8420"),
            ("localhost:8420", "localhost:8420"),
            ("Kolokol.Internal:80", "kolokol.internal:80"),
        ] {
            assert_eq!(
                ListenAddress::parse(text).map(|a| a.to_string()),
                Ok(shown.into())
            );
        }
        for bad in [
            "localhost",
            "localhost:http",
            ":8080",
            "bad host:80",
            "a..b:80",
            "host:99999",
        ] {
            let error = ListenAddress::parse(bad).unwrap_err();
            assert!(error.starts_with("listen:"), "{error}");
        }
    }

    #[test]
    fn database_passwords_are_redacted() {
        let config = Config {
            database_url: "postgres://kolokol:hunter2@db/kolokol".into(),
            ..Config::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("kolokol:***@db"));
        assert_eq!(
            redact_url("postgres://db/kolokol?password=hunter2"),
            "postgres://db/kolokol?password=***"
        );
        for (url, secret) in [
            ("postgres://kolokol:p@ss:w@rd@db/kolokol", "ss:w"),
            ("postgres://db/kolokol?user=k&password=hunter2", "hunter2"),
            (
                "postgres://db/kolokol?sslmode=require&sslpassword=hunter2",
                "hunter2",
            ),
            (
                "smtps://mail%40bell.example:hunter2@smtp.example:465",
                "hunter2",
            ),
            ("smtp://smtp.example?auth_token=hunter2", "hunter2"),
            ("not a url but user:hunter2@host", "hunter2"),
        ] {
            let redacted = redact_url(url);
            assert!(!redacted.contains(secret), "{url} → {redacted}");
        }
        assert_eq!(
            redact_url("postgres://db/kolokol?sslmode=require"),
            "postgres://db/kolokol?sslmode=require"
        );
        assert_eq!(
            redact_url("sqlite:///var/lib/kolokol/kolokol.db"),
            "sqlite:///var/lib/kolokol/kolokol.db"
        );
    }
}

//! The parts an `AppState` is made of that belong to one concern each: how
//! newsletters are sent, how money is taken, and this node's job runner. They know
//! nothing of `AppState`; the modules that give it behaviour (`newsletter`,
//! `revenue`, `jobs`) use them, so no module of `web` imports one that imports it.

use std::sync::Arc;
use std::time::Duration;

use kolokol_core::config::PaymentProviderKind;
use kolokol_core::{Currency, RevenueConfig};
use kolokol_mail::bulk::BulkSender;
use kolokol_newsletter::{SendSettings, Signer};
use kolokol_operations::jobs::{DUE_CHECK, SEND_ISSUE};
use kolokol_payments::DynProvider;
use kolokol_payments::demo::DemoProvider;
use tokio::sync::{Notify, Semaphore};

/// How newsletters leave the building, from the `[newsletter]` configuration.
pub struct Delivery {
    pub sender: Arc<BulkSender>,
    pub connections: u32,
    pub rate_per_second: u32,
}

/// The newsletter's share of the application state.
pub struct NewsletterState {
    pub signer: Signer,
    delivery: Option<SendSettings>,
}

impl NewsletterState {
    /// The signer made from the shared secret, and the send settings when
    /// `delivery` is given (the list's identity from `site`).
    pub fn new(secret: &str, delivery: Option<Delivery>, site: &kolokol_core::SiteConfig) -> Self {
        let signer = Signer::new(secret);
        let delivery = delivery.map(|delivery| {
            let host = host_of(&site.base_url);
            SendSettings {
                sender: delivery.sender,
                signer: signer.clone(),
                base_url: site.base().to_owned(),
                list_id: list_id(&site.newsletter.name, &host),
                message_domain: host,
                connections: delivery.connections,
                rate_per_second: delivery.rate_per_second,
                retry_after: Duration::from_secs(60),
            }
        });
        Self { signer, delivery }
    }

    /// The delivery settings, when a mail server is configured.
    pub fn delivery(&self) -> Option<&SendSettings> {
        self.delivery.as_ref()
    }
}

/// The list's identity in mail headers: `The Weekly <weekly.bell.example>`.
pub fn list_id(name: &str, host: &str) -> String {
    let label: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let label = if label.is_empty() {
        "newsletter".into()
    } else {
        label
    };
    format!("{name} <{label}.{host}>")
}

/// The host part of the site's base URL.
pub fn host_of(base_url: &str) -> String {
    let authority = kolokol_render::urls::authority(base_url);
    authority.split(':').next().unwrap_or(authority).to_owned()
}

/// How the newsroom takes money.
pub struct Revenue {
    pub config: RevenueConfig,
    /// None: card payments are off (other ways to give still show).
    pub provider: Option<DynProvider>,
    /// The demo provider, when that is the provider (its checkout page is ours).
    pub demo: Option<Arc<DemoProvider>>,
}

impl Revenue {
    /// From the configuration: Stripe, the demo provider, or none.
    pub fn from_config(config: RevenueConfig) -> Result<Self, String> {
        let (provider, demo): (Option<DynProvider>, _) = match config.provider {
            PaymentProviderKind::Stripe => {
                let stripe = kolokol_payments::stripe::StripeProvider::new(
                    &config.stripe_api_base,
                    &config.stripe_secret_key,
                )
                .map_err(|e| e.to_string())?;
                (Some(Arc::new(stripe)), None)
            }
            PaymentProviderKind::Demo => {
                let demo = Arc::new(DemoProvider::default());
                (Some(Arc::clone(&demo) as DynProvider), Some(demo))
            }
            PaymentProviderKind::None => (None, None),
        };
        Ok(Self {
            config,
            provider,
            demo,
        })
    }

    /// The newsroom's currency.
    pub fn currency(&self) -> Currency {
        self.config.currency
    }

    /// The currencies offered, the newsroom's first.
    pub fn currencies(&self) -> Vec<Currency> {
        let mut list = vec![self.currency()];
        for currency in &self.config.currencies {
            if !list.contains(currency) {
                list.push(*currency);
            }
        }
        list
    }
}

impl Revenue {
    /// No way to take money: no provider, nothing configured.
    pub fn none() -> Self {
        Self {
            config: RevenueConfig::default(),
            provider: None,
            demo: None,
        }
    }
}

/// The state's share: how money is taken (fixed at start-up), and the meter's
/// short-lived copy.
pub struct RevenueState {
    pub(crate) revenue: Revenue,
    pub(crate) meter: parking_lot::Mutex<Option<(std::time::Instant, String)>>,
}

impl RevenueState {
    pub fn new(revenue: Revenue) -> Self {
        Self {
            revenue,
            meter: parking_lot::Mutex::new(None),
        }
    }
}

/// A kind of job as the newsroom reads it: the catalogue key of its name (an
/// unknown kind is shown as it is).
pub fn describe(kind: &str) -> &str {
    match kind {
        DUE_CHECK => "admin-job-due",
        SEND_ISSUE => "admin-job-send",
        kolokol_operations::webhooks::DELIVER => "admin-job-webhook",
        other => other,
    }
}

/// Jobs one node runs at once.
const SLOTS: usize = 4;

/// This node's runner: its name in leases, its free slots, and its wake-up call.
pub struct JobRunner {
    pub(crate) owner: String,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) wake: Notify,
}

impl JobRunner {
    pub fn new() -> Self {
        Self {
            owner: format!(
                "{}-{}",
                std::process::id(),
                kolokol_operations::secrets::random_token()
                    .chars()
                    .take(8)
                    .collect::<String>()
            ),
            slots: Arc::new(Semaphore::new(SLOTS)),
            wake: Notify::new(),
        }
    }

    /// The name this node's leases carry.
    pub fn owner(&self) -> &str {
        &self.owner
    }
}

impl Default for JobRunner {
    fn default() -> Self {
        Self::new()
    }
}

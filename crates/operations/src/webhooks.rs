//! Outgoing webhooks: admins register a URL for an event; when it happens, each
//! registration gets a delivery job (retried with backoff, logged), signed the way
//! Ghost signs its webhooks so receivers written for Ghost work unchanged.

use std::net::{IpAddr, SocketAddr};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use kolokol_core::{EditableArticle, NewJob, Role, WebhookEvent};
use kolokol_store::DynStore;
use sha2::Sha256;

use crate::{Actor, Error, secrets};

/// Delivering one event to one webhook; the payload is [`Delivery`] as JSON.
pub const DELIVER: &str = "webhook.deliver";

/// What a delivery job carries: the webhook and the body to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Delivery {
    pub webhook: i64,
    pub event: String,
    pub body: String,
}

/// Registers `url` for `event` (admins); its id and the secret that signs deliveries.
/// Addresses in private ranges (this machine, the local network) are refused unless
/// `allow_private` (the `[server]` setting `webhooks_to_private_addresses`).
pub async fn register(
    store: &DynStore,
    actor: Actor<'_>,
    event: &str,
    url: &str,
    allow_private: bool,
    now: DateTime<Utc>,
) -> Result<(i64, String), Error> {
    actor.require(Role::is_admin, "action-manage-webhooks")?;
    let event = WebhookEvent::parse(event)
        .ok_or_else(|| Error::field("event", kolokol_core::Message::new("error-webhook-event")))?;
    let url = url.trim();
    reachable(url, allow_private)
        .await
        .map_err(|message| Error::field("url", message))?;
    let secret = secrets::random_token();
    let audit = actor.audit("webhook.add", url).detail(event.as_str());
    let id = store
        .add_webhook(event.as_str(), url, &secret, &audit, now)
        .await?;
    Ok((id, secret))
}

/// Removes a webhook (admins; `Actor::Operator` when its receiver answered 410).
pub async fn remove(
    store: &DynStore,
    actor: Actor<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(Role::is_admin, "action-manage-webhooks")?;
    let hook = store.webhook(id).await?.ok_or(Error::NotFound)?;
    let audit = actor
        .audit("webhook.remove", &hook.target_url)
        .detail(&hook.event);
    store.delete_webhook(id, &audit, now).await?;
    Ok(())
}

/// Queues a delivery of `body` to every webhook registered for `event`.
pub async fn announce(
    store: &DynStore,
    event: WebhookEvent,
    body: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let hooks = store.webhooks(Some(event.as_str())).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let body = body.to_string();
    for hook in hooks {
        let delivery = Delivery {
            webhook: hook.id,
            event: event.as_str().to_owned(),
            body: body.clone(),
        };
        let payload =
            serde_json::to_string(&delivery).map_err(|e| Error::Internal(e.to_string()))?;
        let key = format!("{DELIVER}:{}:{}", hook.id, secrets::random_token());
        store
            .enqueue_job(&NewJob::new(DELIVER, key, now).with_payload(payload), now)
            .await?;
    }
    Ok(())
}

/// Logs what one delivery got back, for the admins' page.
pub async fn log_delivery(
    store: &DynStore,
    delivery: &kolokol_core::WebhookDelivery,
) -> Result<(), Error> {
    Ok(store.record_delivery(delivery).await?)
}

/// An article in Ghost's envelope (`{"post": {"current": …}}`).
fn post_body(article: &EditableArticle) -> serde_json::Value {
    serde_json::json!({
        "post": {
            "current": {
                "id": article.id.0.to_string(),
                "slug": article.draft.slug.as_str(),
                "title": article.draft.headline,
                "excerpt": article.draft.dek,
                // Within the edition of its language (`/ru/articles/…` on a site
                // whose main language is another).
                "path": format!("/articles/{}", article.draft.slug.as_str()),
                "language": article.draft.language,
                "published_at": article.published_at.map(|at| at.to_rfc3339()),
            }
        }
    })
}

/// A standing page in Ghost's envelope (`{"page": {"current": …}}`).
fn page_body(page: &kolokol_core::PageRecord) -> serde_json::Value {
    serde_json::json!({
        "page": {
            "current": {
                "id": page.id.to_string(),
                "slug": page.draft.slug.as_str(),
                "title": page.draft.title,
                // Within the edition of its language, as for posts.
                "path": format!("/pages/{}", page.draft.slug.as_str()),
                "language": page.draft.language,
                "published_at": page.published_at.map(|at| at.to_rfc3339()),
            }
        }
    })
}

/// Announces `event` after the change it reports was written; a failure to queue the
/// deliveries is logged, not returned: the change itself stands.
pub(crate) async fn tell(
    store: &DynStore,
    event: WebhookEvent,
    body: &serde_json::Value,
    now: DateTime<Utc>,
) {
    if let Err(e) = announce(store, event, body, now).await {
        tracing::warn!(event = event.as_str(), error = %e, "cannot queue webhook deliveries");
    }
}

/// [`tell`] of an article, in Ghost's envelope for posts.
pub(crate) async fn tell_post(
    store: &DynStore,
    event: WebhookEvent,
    article: &EditableArticle,
    now: DateTime<Utc>,
) {
    tell(store, event, &post_body(article), now).await;
}

/// [`tell`] of a standing page, in Ghost's envelope for pages.
pub(crate) async fn tell_page(
    store: &DynStore,
    event: WebhookEvent,
    page: &kolokol_core::PageRecord,
    now: DateTime<Utc>,
) {
    tell(store, event, &page_body(page), now).await;
}

/// The `X-Ghost-Signature` value for `body` sent at `timestamp_ms`: HMAC-SHA256 of the
/// body followed by the timestamp, keyed with the webhook's secret.
pub fn signature(secret: &str, body: &str, timestamp_ms: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body.as_bytes());
    mac.update(timestamp_ms.to_string().as_bytes());
    format!(
        "sha256={}, t={timestamp_ms}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Checks that `url` is an http(s) address whose host resolves, and only to public
/// addresses unless `allow_private`; the host and the addresses checked. Checked when
/// registering and again before each delivery, which then connects to exactly the
/// addresses checked (a name cannot be re-pointed in between).
pub async fn reachable(
    url: &str,
    allow_private: bool,
) -> Result<(String, Vec<SocketAddr>), kolokol_core::Message> {
    use kolokol_core::Message;
    let parsed = url::Url::parse(url).map_err(|_| Message::new("error-webhook-address"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Message::new("error-webhook-scheme"));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| Message::new("error-webhook-no-host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|_| Message::new("error-webhook-unknown-host").with("host", host.as_str()))?
        .collect();
    if addresses.is_empty() {
        return Err(Message::new("error-webhook-unknown-host").with("host", host.as_str()));
    }
    if !allow_private && addresses.iter().any(|address| private(address.ip())) {
        return Err(Message::new("error-webhook-private").with("host", host.as_str()));
    }
    Ok((host, addresses))
}

/// Whether `ip` is not on the public internet.
fn private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| private(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_told_from_public_ones() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "0.0.0.0",
        ] {
            assert!(private(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2001:4860:4860::8888",
            "100.128.0.1",
        ] {
            assert!(!private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn signatures_cover_the_body_and_the_time() {
        let one = signature("secret", "{\"a\":1}", 1_700_000_000_000);
        assert!(one.starts_with("sha256=") && one.ends_with(", t=1700000000000"));
        assert_ne!(one, signature("secret", "{\"a\":2}", 1_700_000_000_000));
        assert_ne!(one, signature("secret", "{\"a\":1}", 1_700_000_000_001));
        assert_ne!(one, signature("other", "{\"a\":1}", 1_700_000_000_000));
    }

    #[tokio::test]
    async fn only_web_addresses_on_the_public_internet_by_default() {
        assert!(reachable("ftp://hooks.example/x", true).await.is_err());
        assert!(reachable("not an address", true).await.is_err());
        let local = reachable("http://127.0.0.1:9/hook", false)
            .await
            .unwrap_err();
        assert_eq!(local.key, "error-webhook-private", "{local}");
        assert!(reachable("http://127.0.0.1:9/hook", true).await.is_ok());
    }
}

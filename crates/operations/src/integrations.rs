//! Integrations: the apps an admin lets in through the Ghost-compatible APIs, each
//! with a Content API key (reading what is public) and an Admin API key (writing
//! through these same operations, as the staff member's role allows an admin).

use chrono::{DateTime, Utc};
use kolokol_core::{ApiKey, Message, Role};
use kolokol_store::DynStore;
use rand::RngCore;
use rand::rngs::OsRng;

use crate::{Actor, Error};

const WHAT: &str = "action-manage-integrations";

/// Longest integration name, in characters.
pub const MAX_NAME: usize = 100;

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0_u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Adds an integration called `name` with a new Content API key (26 hex
/// characters, as Ghost's clients check) and Admin API key (`id:secret`).
pub async fn add(
    store: &DynStore,
    actor: Actor<'_>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ApiKey>, Error> {
    actor.require(Role::is_admin, WHAT)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(Error::field(
            "name",
            Message::new("error-integration-name").with("max", MAX_NAME),
        ));
    }
    if store
        .api_keys()
        .await?
        .iter()
        .any(|k| k.integration == name)
    {
        return Err(Error::field(
            "name",
            Message::new("error-integration-taken"),
        ));
    }
    let keys = vec![
        ApiKey {
            id: random_hex(13),
            kind: "content".into(),
            integration: name.to_owned(),
            secret: String::new(),
            created_at: now,
        },
        ApiKey {
            id: random_hex(12),
            kind: "admin".into(),
            integration: name.to_owned(),
            secret: random_hex(32),
            created_at: now,
        },
    ];
    let audit = actor.audit("integration.add", name);
    store.add_api_keys(&keys, &audit, now).await?;
    Ok(keys)
}

/// Revokes an integration: its keys stop working at once.
pub async fn remove(
    store: &DynStore,
    actor: Actor<'_>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    actor.require(Role::is_admin, WHAT)?;
    let audit = actor.audit("integration.remove", name);
    if store.remove_integration(name, &audit, now).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// The Content API key `key`, when it is one.
pub async fn content_key(store: &DynStore, key: &str) -> Result<Option<ApiKey>, Error> {
    if key.len() != 26 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(store.api_key(key).await?.filter(|k| k.kind == "content"))
}

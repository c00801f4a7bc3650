//! The newsroom's people and the site's settings, as admins change them: a
//! colleague's role, disabling or re-enabling an account, the saved settings.

use chrono::{DateTime, Utc};
use kolokol_core::{Role, SettingsForm, SiteConfig, SiteSettings, User, UserId};
use kolokol_store::DynStore;

use crate::{Actor, Error};

/// What an admin may do to a colleague's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Role(Role),
    Disable,
    Enable,
}

/// Changes a colleague's role or account. Never one's own: the newsroom is never
/// left without an admin by a slip of the mouse.
pub async fn change_account(
    store: &DynStore,
    admin: &User,
    target: UserId,
    change: AccountChange,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    let actor = Actor::Staff(admin);
    actor.require(Role::is_admin, "manage staff accounts")?;
    if target == admin.id {
        return Err(Error::Refused(
            "You cannot change your own role or account here, so that the newsroom is never \
             left without an admin."
                .into(),
        ));
    }
    let person = store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == target)
        .ok_or(Error::NotFound)?;
    let email = person.email.as_str();
    match change {
        AccountChange::Role(role) => {
            let audit = actor.audit("staff.role", email).detail(role.as_str());
            store.set_user_role(target, role, &audit, now).await?;
        }
        AccountChange::Disable | AccountChange::Enable => {
            let disabled = change == AccountChange::Disable;
            let action = if disabled {
                "staff.disable"
            } else {
                "staff.enable"
            };
            let audit = actor.audit(action, email);
            store
                .set_user_disabled(target, disabled, &audit, now)
                .await?;
        }
    }
    Ok(person)
}

/// Saves the settings form over the site as it runs (`current`); a change of the
/// onion address or mirrors dates the mirror list anew.
pub async fn save_settings(
    store: &DynStore,
    actor: Actor<'_>,
    form: &SettingsForm,
    current: &SiteConfig,
    now: DateTime<Utc>,
) -> Result<SiteSettings, Error> {
    actor.require(Role::is_admin, "change the site's settings")?;
    let mut settings = form.validate().map_err(Error::Invalid)?;
    settings.mirrors_updated_at =
        if settings.onion == current.onion && settings.mirrors == current.mirrors {
            current.mirrors_updated_at
        } else {
            Some(now)
        };
    let json = serde_json::to_string(&settings).map_err(|e| Error::Internal(e.to_string()))?;
    let audit = actor.audit("settings.save", &settings.title);
    store.save_site_settings(&json, &audit, now).await?;
    Ok(settings)
}

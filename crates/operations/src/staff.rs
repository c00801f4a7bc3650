//! The newsroom's people and the site's settings, as admins change them:
//! invitations and joining, a colleague's role, disabling or re-enabling an account,
//! the saved settings.

use chrono::{DateTime, Duration, Utc};
use kolokol_core::staff::check_new_password;
use kolokol_core::{
    Audit, Email, FieldErrors, Invitation, Role, SettingsForm, SiteConfig, SiteSettings, Slug,
    User, UserId, WebhookEvent,
};
use kolokol_store::DynStore;

use crate::{Actor, Error, secrets, unless_taken};

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
    actor.require(Role::is_admin, "action-manage-staff-accounts")?;
    if target == admin.id {
        return Err(Error::refused("error-change-yourself"));
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
    actor.require(Role::is_admin, "action-change-the-sites-settings")?;
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
    let body = serde_json::json!({ "site": { "title": settings.title } });
    crate::webhooks::tell(store, WebhookEvent::SiteChanged, &body, now).await;
    Ok(settings)
}

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// An invitation made: whom, and the secret that goes in the mailed link.
#[derive(Debug)]
pub struct Invited {
    pub invitation: Invitation,
    pub token: String,
}

/// A name as bylines show it: letters or digits, at most 100 characters.
fn byline_name_ok(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 100 && Slug::from_title(name).is_ok()
}

/// Invites someone to the newsroom with a role; the caller mails the link.
pub async fn invite(
    store: &DynStore,
    admin: &User,
    email: &str,
    name: &str,
    role: &str,
    now: DateTime<Utc>,
) -> Result<Invited, Error> {
    let actor = Actor::Staff(admin);
    actor.require(Role::is_admin, "action-invite-colleagues")?;
    let mut errors = FieldErrors::new();
    let email = Email::parse(email)
        .map_err(|_| errors.insert("email", kolokol_core::Message::new("error-email")))
        .ok();
    let name = name.trim();
    if !byline_name_ok(name) {
        errors.insert(
            "name",
            kolokol_core::Message::new("error-byline-name").with("max", 100_u32),
        );
    }
    let role = Role::parse(role);
    if role.is_none() {
        errors.insert("role", kolokol_core::Message::new("error-role"));
    }
    if let Some(email) = &email
        && store.user_for_login(email).await?.is_some()
    {
        errors.insert("email", kolokol_core::Message::new("error-email-staff"));
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let token = secrets::random_token();
    let invitation = Invitation {
        email,
        name: name.to_owned(),
        role,
        expires_at: now + Duration::days(INVITATION_DAYS),
    };
    let audit = actor
        .audit("staff.invite", invitation.email.as_str())
        .detail(role.as_str());
    store
        .create_invitation(
            &secrets::token_hash(&token),
            &invitation,
            admin.id,
            &audit,
            now,
        )
        .await?;
    Ok(Invited { invitation, token })
}

/// The invitation behind a link, while it works.
pub async fn invitation(
    store: &DynStore,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Invitation, Error> {
    store
        .invitation(&secrets::token_hash(token), now)
        .await?
        .ok_or(Error::NotFound)
}

/// The invited person joins: their byline name and a password; the account is made
/// and the invitation used up, together.
pub async fn join(
    store: &DynStore,
    token: &str,
    name: &str,
    password: &str,
    again: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    let invitation = invitation(store, token, now).await?;
    let mut errors = FieldErrors::new();
    let name = name.trim();
    if !byline_name_ok(name) {
        errors.insert(
            "name",
            kolokol_core::Message::new("error-byline-name").with("max", 100_u32),
        );
    }
    if let Err(message) = check_new_password(password) {
        errors.insert("password", message);
    } else if password != again {
        errors.insert(
            "password_again",
            kolokol_core::Message::new("error-passwords-differ"),
        );
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let hash = secrets::hash(password).map_err(Error::Internal)?;
    let audit =
        Audit::new(None, "staff.join", invitation.email.as_str()).detail(invitation.role.as_str());
    let joined = store
        .accept_invitation(&secrets::token_hash(token), name, &hash, &audit, now)
        .await;
    unless_taken(joined, || Error::refused("error-account-exists-sign-in"))?.ok_or(Error::NotFound)
}

/// A staff member chooses the language they read the newsroom in: a BCP 47 tag
/// among `offered` (the languages the theme has catalogues for), or empty for the
/// site's own.
pub async fn set_language(
    store: &DynStore,
    user: &User,
    language: &str,
    offered: &[&str],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let language = language.trim();
    let chosen = if language.is_empty() {
        String::new()
    } else {
        let tag = kolokol_core::config::language_tag(language).map_err(|_| {
            Error::Refused(kolokol_core::Message::new("error-language").with("tag", language))
        })?;
        if !offered.contains(&tag.as_str()) {
            return Err(Error::Refused(
                kolokol_core::Message::new("error-language-untranslated")
                    .with("tag", tag.as_str())
                    .with("offered", offered.join(", ")),
            ));
        }
        tag
    };
    let audit = Actor::Staff(user).audit("staff.language", chosen.clone());
    store
        .set_user_language(user.id, &chosen, &audit, now)
        .await?;
    Ok(())
}

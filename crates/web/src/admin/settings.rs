//! The settings page (admins): site name, languages, menu, banner and notice.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::Utc;
use kolokol_core::SiteSettings;
use kolokol_core::settings::SettingsForm;
use minijinja::context;

use super::{Admins, StaffForm, Told};
use super::{Staff, admin_page};
use crate::error::AppError;
use crate::state::AppState;

fn page(
    state: &AppState,
    staff: &Staff,
    form: &SettingsForm,
    told: Told,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let Told { status, errors } = told;
    admin_page(
        state,
        Some(staff),
        status,
        "admin/settings.html",
        context! { form, errors, notice },
    )
}

pub async fn form(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    staff.require(
        staff.user.role.is_admin(),
        "action-change-the-sites-settings",
    )?;
    let form = SettingsForm::from_settings(&SiteSettings::from_site(&state.site()));
    let notice = super::done_notice(&state, Some(&staff), "settings", query.as_deref());
    page(&state, &staff, &form, Told::nothing(), notice.as_deref())
}

pub async fn save(
    State(state): State<AppState>,
    sent: StaffForm<Admins>,
) -> Result<Response, AppError> {
    let (staff, submitted) = sent.into_parts();
    let form = SettingsForm {
        title: submitted.get("title").into(),
        tagline: submitted.get("tagline").into(),
        language: submitted.get("language").into(),
        languages: submitted.get("languages").into(),
        navigation: submitted.get("navigation").into(),
        require_two_factor: submitted.get("require_two_factor") == "on",
        onion: submitted.get("onion").into(),
        mirrors: submitted.get("mirrors").into(),
        banner_enabled: submitted.get("banner_enabled") == "on",
        banner_text: submitted.get("banner_text").into(),
        banner_button: submitted.get("banner_button").into(),
        banner_link: submitted.get("banner_link").into(),
        notice_enabled: submitted.get("notice_enabled") == "on",
        notice_text: submitted.get("notice_text").into(),
        notice_link_text: submitted.get("notice_link_text").into(),
        notice_link: submitted.get("notice_link").into(),
        newsletter_name: submitted.get("newsletter_name").into(),
        newsletter_day: submitted.get("newsletter_day").into(),
        newsletter_time: submitted.get("newsletter_time").into(),
        policy_version: submitted.get("policy_version").into(),
        policy_url: submitted.get("policy_url").into(),
        // The site's texts in each of its other languages (`tagline-ru`, …).
        translations: state
            .languages()
            .into_iter()
            .skip(1)
            .map(|tag| {
                let field = |name: &str| submitted.get(&format!("{name}-{tag}")).to_owned();
                let texts = kolokol_core::config::SiteTexts {
                    title: field("title"),
                    tagline: field("tagline"),
                    banner_text: field("banner_text"),
                    banner_button: field("banner_button"),
                    notice_text: field("notice_text"),
                    notice_link_text: field("notice_link_text"),
                    newsletter_name: field("newsletter_name"),
                };
                (tag, texts)
            })
            .collect(),
    };
    let actor = kolokol_operations::Actor::Staff(&staff.user);
    let current = state.site();
    let result =
        kolokol_operations::staff::save_settings(&state.store, actor, &form, &current, Utc::now())
            .await;
    let (state, staff, form) = (&state, &staff, &form);
    super::finish(
        state,
        result,
        |_| "/admin/settings?saved=1".into(),
        |errors| async move { page(state, staff, form, Told::problems(errors), None) },
    )
    .await
}

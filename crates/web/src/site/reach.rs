//! Reaching readers where the main address is blocked: the mirrors page, the
//! machine-readable list in Bypass Censorship's `bc2.json` shape, and the
//! `Onion-Location` header that offers Tor Browser users the onion address.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use kolokol_core::SiteConfig;
use kolokol_render::urls;
use minijinja::context;
use serde_json::json;

use super::pages::html_page;
use crate::cache::CachedPage;
use crate::error::AppError;
use crate::state::AppState;
use kolokol_render::views::{Meta, SiteView};

/// `/mirrors`: every other way to reach the site.
pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    state
        .page("/mirrors".into(), &headers, || async {
            let config = state.site();
            let sections = super::sections(&state).await?;
            let site = SiteView::new(&config, &sections);
            let words = state.words();
            let meta = Meta {
                title: words.t("mirrors-title"),
                description: words.t_with("mirrors-description", [("site", config.title.as_str().into())]),
                canonical: urls::absolute(config.base(), "/mirrors"),
                og_type: "website",
                ..Meta::default()
            };
            html_page(
                &state,
                "mirrors.html",
                context! { site, meta, onion => config.onion, mirrors => config.mirrors, main => config.base() },
            )
        })
        .await
}

/// The list in the `bc2.json` shape used by Bypass Censorship's tools.
pub fn bc2(site: &SiteConfig) -> serde_json::Value {
    let main_domain = urls::authority(site.base());
    let stamp = site.mirrors_updated_at.map(|t| t.to_rfc3339());
    let mut alternatives: Vec<serde_json::Value> = site
        .mirrors
        .iter()
        .map(|url| json!({ "type": "mirror", "proto": "https", "url": url, "created_at": stamp, "updated_at": stamp }))
        .collect();
    if !site.onion.is_empty() {
        alternatives.push(json!({ "type": "eotk", "proto": "tor", "url": site.onion, "created_at": stamp, "updated_at": stamp }));
    }
    json!({ "version": "2.0", "sites": [{ "main_domain": main_domain, "available_alternatives": alternatives }] })
}

/// `/mirrors.json`.
pub async fn json_list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state
        .page("/mirrors.json".into(), &headers, || async {
            let body = bc2(&state.site()).to_string();
            Ok(CachedPage::new(
                StatusCode::OK,
                "application/json",
                body,
                "public, max-age=300",
            ))
        })
        .await
}

/// The `Onion-Location` (same path and query) for a page asked for with these
/// headers: none on the onion address itself, or when the site has none.
pub fn onion_location(site: &SiteConfig, headers: &HeaderMap, uri: &Uri) -> Option<HeaderValue> {
    if site.onion.is_empty() {
        return None;
    }
    let on_onion = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| host.split(':').next().unwrap_or(host).ends_with(".onion"));
    if on_onion {
        return None;
    }
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    HeaderValue::from_str(&format!("{}{target}", site.onion)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bc2_lists_mirrors_and_the_onion() {
        let site = SiteConfig {
            base_url: "https://bell.example/".into(),
            mirrors: vec!["https://m1.example".into()],
            onion: "http://x.onion".into(),
            mirrors_updated_at: chrono::DateTime::from_timestamp(1_795_000_000, 0),
            ..SiteConfig::default()
        };
        let value = bc2(&site);
        assert_eq!(value["sites"][0]["main_domain"], "bell.example");
        let alternatives = value["sites"][0]["available_alternatives"]
            .as_array()
            .unwrap();
        assert_eq!(alternatives.len(), 2);
        assert_eq!(alternatives[0]["type"], "mirror");
        assert_eq!(alternatives[1]["proto"], "tor");
        assert!(
            alternatives[1]["updated_at"]
                .as_str()
                .unwrap()
                .starts_with("2026-")
        );
    }
}

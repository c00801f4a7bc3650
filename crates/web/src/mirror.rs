//! The server as the static export sees it ([`kolokol_export::Site`]): its store,
//! theme and settings, its lists, and its own router's answer for any address.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use kolokol_core::SiteConfig;
use kolokol_render::Theme;
use kolokol_render::pages::ListSpec;
use kolokol_render::views::Versions;
use kolokol_store::DynStore;
use tower::ServiceExt;

use crate::state::AppState;

/// The largest page the export takes from the router.
const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// The application with its router, built once for a whole export.
#[derive(Clone)]
pub struct Mirror {
    state: AppState,
    router: axum::Router,
}

impl Mirror {
    pub fn new(state: AppState) -> Self {
        Self {
            router: crate::router(state.clone()),
            state,
        }
    }
}

impl kolokol_export::Site for Mirror {
    fn store(&self) -> &DynStore {
        &self.state.store
    }

    fn theme(&self) -> &Theme {
        &self.state.theme
    }

    fn config(&self) -> Arc<SiteConfig> {
        self.state.site()
    }

    fn media(&self) -> &kolokol_media::MediaStore {
        &self.state.media
    }

    fn set_caching(&self, on: bool) {
        self.state.set_caching(on);
    }

    fn languages(&self) -> Vec<String> {
        self.state.languages()
    }

    fn in_language(&self, language: &str) -> Self {
        let all = self.state.site_all();
        let state = if language == all.language {
            self.state.for_path("/").0
        } else {
            self.state.edition(language, &all.edition_prefix(language))
        };
        Self {
            state,
            router: self.router.clone(),
        }
    }

    fn prefix(&self) -> String {
        self.state.prefix().to_owned()
    }

    async fn sections(&self) -> Result<Vec<kolokol_core::Section>, String> {
        crate::site::sections(&self.state)
            .await
            .map_err(|e| e.to_string())
    }

    async fn localize(
        &self,
        mut summaries: Vec<kolokol_core::ArticleSummary>,
    ) -> Result<Vec<kolokol_core::ArticleSummary>, String> {
        crate::site::Names::for_articles(&self.state)
            .await
            .map_err(|e| e.to_string())?
            .apply(&mut summaries);
        Ok(summaries)
    }

    fn versions(&self, path: &str, found: &[(String, String)]) -> Versions {
        crate::site::versions(&self.state, path, found)
    }

    fn list_versions(&self, path: &str, page: u32) -> Versions {
        crate::site::list_versions(&self.state, path, page)
    }

    async fn lists(&self) -> Result<Vec<ListSpec>, String> {
        crate::site::all_lists(&self.state)
            .await
            .map_err(|e| e.to_string())
    }

    async fn answer(&self, path: &str) -> Result<(u16, Vec<u8>), String> {
        let request = Request::get(path)
            .body(Body::empty())
            .map_err(|e| e.to_string())?;
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), MAX_PAGE_BYTES)
            .await
            .map_err(|e| e.to_string())?;
        Ok((status, body.to_vec()))
    }
}

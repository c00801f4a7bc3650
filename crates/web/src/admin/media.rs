//! The media library: every image, and the upload form.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use kolokol_render::urls;
use minijinja::context;

use super::{Staff, StaffUpload, Upload, UploadFailed, admin_page, see_other};
use crate::error::AppError;
use crate::state::AppState;

async fn library(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    error: Option<&str>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let images: Vec<_> = state
        .store
        .images(500)
        .await?
        .into_iter()
        .map(|image| {
            let thumbnail = image.variants.iter().find(|v| v.mime == "image/jpeg").map(|v| urls::media(&v.path));
            context! {
                id => image.id, width => image.width, height => image.height, mime => image.mime,
                original => urls::media(&image.path), thumbnail, uploaded => image.created_at.to_rfc3339(),
                renditions => image.variants.len(),
            }
        })
        .collect();
    admin_page(
        state,
        Some(staff),
        status,
        "admin/media.html",
        context! { images, error, notice, max_mb => kolokol_media::MAX_UPLOAD_BYTES / 1024 / 1024 },
    )
}

/// What to tell the uploader when the upload itself failed.
fn upload_failure(words: &kolokol_render::i18n::Words, failed: &UploadFailed) -> String {
    if failed.too_large {
        words.t_with(
            "admin-file-too-large",
            [("mb", (kolokol_media::MAX_UPLOAD_BYTES / 1024 / 1024).into())],
        )
    } else {
        words.t("admin-upload-interrupted")
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let notice = query
        .as_deref()
        .and_then(|q| q.strip_prefix("uploaded="))
        .and_then(|id| id.parse::<i64>().ok())
        .map(|id| {
            staff
                .words(&state)
                .t_with("admin-uploaded", [("id", id.into())])
        });
    library(&state, &staff, StatusCode::OK, None, notice).await
}

pub async fn upload(
    State(state): State<AppState>,
    StaffUpload { staff, file, .. }: StaffUpload,
) -> Result<Response, AppError> {
    let file = match file {
        Ok(file) => file,
        Err(failed) => {
            let message = upload_failure(&staff.words(&state), &failed);
            return library(&state, &staff, failed.status, Some(&message), None).await;
        }
    };
    let Some(Upload { name, bytes }) = file else {
        return library(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&staff.words(&state).t("admin-choose-image")),
            None,
        )
        .await;
    };
    let _turn = state
        .uploads
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("upload queue closed: {e}")))?;
    let processed = state.media.store_upload(bytes, name.clone()).await;
    let words = staff.words(&state);
    let not_kept = |key: &str, why: &str| {
        words.t_with(key, [("name", name.as_str().into()), ("why", why.into())])
    };
    let image = match processed {
        Ok(image) => image,
        Err(kolokol_media::MediaError::DiskFull) => {
            tracing::error!(upload = %name, "an upload found the media disk full");
            let message = not_kept("admin-upload-disk-full", "");
            return library(
                &state,
                &staff,
                StatusCode::INSUFFICIENT_STORAGE,
                Some(&message),
                None,
            )
            .await;
        }
        Err(kolokol_media::MediaError::Write(cause) | kolokol_media::MediaError::Store(cause)) => {
            tracing::error!(upload = %name, error = %cause, "an upload could not be written");
            let message = not_kept("admin-upload-not-written", &cause);
            return library(
                &state,
                &staff,
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(&message),
                None,
            )
            .await;
        }
        Err(refused) => {
            let message = format!("{name}: {}", staff.words(&state).say(&refused.message()));
            return library(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&message),
                None,
            )
            .await;
        }
    };
    let now = Utc::now();
    let actor = kolokol_operations::Actor::Staff(&staff.user);
    match kolokol_operations::media::add(&state.store, actor, &image, &name, now).await {
        Ok(id) => Ok(see_other(&format!("/admin/media?uploaded={id}"))),
        // No row names the files: they go too, so nothing is left half-kept.
        Err(e) => {
            state.media.remove_files(&image).await;
            match e {
                kolokol_operations::Error::Store(e) => {
                    tracing::error!(upload = %name, error = %e, "an upload's record could not be written");
                    let key = if e.is_disk_full() {
                        "admin-upload-disk-full"
                    } else {
                        "admin-upload-not-written"
                    };
                    let message = not_kept(key, &e.to_string());
                    library(
                        &state,
                        &staff,
                        StatusCode::SERVICE_UNAVAILABLE,
                        Some(&message),
                        None,
                    )
                    .await
                }
                other => Err(other.into()),
            }
        }
    }
}

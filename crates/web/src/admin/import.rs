//! Moving in from the newsroom (admins): upload a WordPress or Ghost export; a job
//! imports it in the background, and its page shows how far it has come and, at
//! the end, the report of everything skipped or changed.

use std::path::PathBuf;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{Admins, Staff, StaffUpload, admin_page, see_other};
use crate::error::AppError;
use crate::state::AppState;

const WHAT: &str = "action-import-content";

/// The job that imports one upload; its payload is a [`Request`] as JSON.
pub const IMPORT_CONTENT: &str = "content.import";

/// What the job is asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub id: String,
    pub dry_run: bool,
    pub fetch: bool,
    pub user: i64,
}

/// An import's state as its page shows it, kept beside the upload.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Status {
    /// queued, running, done or failed.
    pub state: String,
    pub file: String,
    pub origin: String,
    pub dry_run: bool,
    pub read: usize,
    pub total: usize,
    /// The report (or why the file was refused), when it has ended.
    pub report: String,
    pub started_by: String,
    pub at: String,
}

/// Where uploads and their states are kept: `imports` beside the media folder.
pub fn folder(state: &AppState) -> PathBuf {
    state
        .media_dir
        .parent()
        .map_or_else(|| PathBuf::from("imports"), |data| data.join("imports"))
}

fn status_path(state: &AppState, id: &str) -> PathBuf {
    folder(state).join(format!("{id}.json"))
}

/// Writes an import's state (through a temporary file, so a reader never sees half).
pub fn save_status(state: &AppState, id: &str, status: &Status) -> std::io::Result<()> {
    let path = status_path(state, id);
    let partial = path.with_extension("partial");
    std::fs::write(
        &partial,
        serde_json::to_vec(status).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(partial, path)
}

pub fn load_status(state: &AppState, id: &str) -> Option<Status> {
    let bytes = std::fs::read(status_path(state, id)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// An id names an upload only if it is one of ours (digits and a dash).
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() < 40 && id.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

pub async fn page(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(staff.user.role.is_admin(), WHAT)?;
    form(&state, &staff, StatusCode::OK, None).await
}

async fn form(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut recent: Vec<(String, Status)> = std::fs::read_dir(folder(state))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let id = name.strip_suffix(".json")?.to_owned();
                    valid_id(&id).then_some(id)
                })
                .filter_map(|id| load_status(state, &id).map(|s| (id, s)))
                .collect()
        })
        .unwrap_or_default();
    recent.sort_by(|a, b| b.0.cmp(&a.0));
    recent.truncate(20);
    let imports: Vec<_> = recent
        .iter()
        .map(|(id, s)| context! { id, file => s.file, state => s.state, at => s.at, dry_run => s.dry_run })
        .collect();
    let max_mb = kolokol_import::MAX_FILE_BYTES / 1024 / 1024;
    admin_page(
        state,
        Some(staff),
        status,
        "admin/import.html",
        context! { imports, error, max_mb },
    )
}

pub async fn upload(
    State(state): State<AppState>,
    StaffUpload {
        staff,
        file,
        fields,
        ..
    }: StaffUpload<Admins>,
) -> Result<Response, AppError> {
    let refuse = async |key: &'static str| {
        let said = staff.words(&state).say(&kolokol_core::Message::new(key));
        form(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, Some(said)).await
    };
    let upload = match file {
        Ok(Some(upload)) => upload,
        Ok(None) => return refuse("error-import-no-file").await,
        Err(failed) if failed.too_large => return refuse("error-import-too-large").await,
        Err(_) => return refuse("error-import-cut-off").await,
    };
    let dir = folder(&state);
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    let id = format!(
        "{}-{}",
        Utc::now().format("%Y%m%d%H%M%S"),
        &kolokol_operations::secrets::random_token()[..6]
            .bytes()
            .map(|b| char::from(b'0' + b % 10))
            .collect::<String>()
    );
    let path = dir.join(format!("{id}.upload"));
    std::fs::write(&path, &upload.bytes)
        .map_err(|e| AppError::Internal(format!("cannot keep the upload: {e}")))?;
    let origin = match kolokol_import::origin_of(&path) {
        Ok(origin) => origin,
        Err(_) => {
            let _ = std::fs::remove_file(&path);
            return refuse("error-import-kind").await;
        }
    };
    let checked = |name: &str| fields.get(name).is_some_and(|v| v == "on");
    let request = Request {
        id: id.clone(),
        dry_run: checked("dry_run"),
        fetch: !checked("no_fetch"),
        user: staff.user.id.0,
    };
    let status = Status {
        state: "queued".into(),
        file: upload.name.chars().take(200).collect(),
        origin: origin.name().into(),
        dry_run: request.dry_run,
        started_by: staff.user.name.clone(),
        at: Utc::now().to_rfc3339(),
        ..Status::default()
    };
    save_status(&state, &id, &status)
        .map_err(|e| AppError::Internal(format!("cannot keep the import's state: {e}")))?;
    let payload = serde_json::to_string(&request).map_err(|e| AppError::Internal(e.to_string()))?;
    let job =
        kolokol_core::NewJob::new(IMPORT_CONTENT, format!("{IMPORT_CONTENT}:{id}"), Utc::now())
            .with_payload(payload);
    state.queue_job(&job).await?;
    Ok(see_other(&format!("/admin/import/{id}")))
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    staff.require(staff.user.role.is_admin(), WHAT)?;
    if !valid_id(&id) {
        return Err(AppError::NotFound);
    }
    let status = load_status(&state, &id).ok_or(AppError::NotFound)?;
    let running = status.state == "queued" || status.state == "running";
    let percent = (status.read * 100).checked_div(status.total).unwrap_or(0);
    admin_page(
        &state,
        Some(&staff),
        StatusCode::OK,
        "admin/import-status.html",
        context! { id, status, running, percent },
    )
}

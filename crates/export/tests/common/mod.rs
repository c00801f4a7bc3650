//! The demo newsroom on SQLite in a folder, as the export's tests start from it.

use std::path::{Path, PathBuf};

/// A migrated SQLite store in `dir` with the demo loaded, and its media folder.
#[expect(
    clippy::unwrap_used,
    reason = "test set-up: a failed unwrap is a failed test"
)]
pub async fn demo_newsroom(dir: &Path) -> (kolokol_store::DynStore, PathBuf) {
    let url = format!("sqlite://{}", dir.join("kolokol.db").display());
    let store = kolokol_store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let media = dir.join("media");
    std::fs::create_dir_all(&media).unwrap();
    let pictures = kolokol_media::MediaStore::folder(&media);
    kolokol_demo::seed(&store, &pictures, chrono::Utc::now())
        .await
        .unwrap();
    (store, media)
}

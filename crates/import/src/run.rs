//! Running a whole import: the file read and checked, its entries streamed to the
//! writer, progress counted — the same for the command line and the newsroom's job.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use kolokol_store::DynStore;
use tokio::sync::mpsc;

use crate::{Entry, Head, Options, Origin, ReadError, Report};

/// How far an import has come: entries read of how many.
#[derive(Debug, Default)]
pub struct Progress {
    pub read: AtomicUsize,
    pub total: AtomicUsize,
}

/// What the file holds, once read and checked.
enum Source {
    WordPress(crate::wordpress::Wxr),
    Ghost(Vec<Entry>),
}

/// Tells a WordPress export from a Ghost one by its first characters.
pub fn origin_of(path: &Path) -> Result<Origin, ReadError> {
    use std::io::Read;
    let mut start = [0_u8; 512];
    let read = std::fs::File::open(path)?.read(&mut start)?;
    let text = String::from_utf8_lossy(&start[..read]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') {
        Ok(Origin::WordPress)
    } else if text.starts_with('{') {
        Ok(Origin::Ghost)
    } else {
        Err(ReadError::NotGhost(
            "it is neither a WordPress export (XML) nor a Ghost export (JSON)".into(),
        ))
    }
}

fn read(origin: Origin, file: &Path) -> Result<(Head, usize, Source), ReadError> {
    match origin {
        Origin::WordPress => {
            let wxr = crate::wordpress::head(file)?;
            Ok((wxr.head.clone(), wxr.items, Source::WordPress(wxr)))
        }
        Origin::Ghost => {
            let (head, entries) = crate::ghost::read(file)?;
            Ok((head, entries.len(), Source::Ghost(entries)))
        }
    }
}

/// Imports `file`: reads and checks it whole (an error here wrote nothing), then
/// writes its entries one at a time, counting them in `progress`.
pub async fn run(
    store: &DynStore,
    origin: Origin,
    file: PathBuf,
    options: &Options,
    progress: Arc<Progress>,
    now: DateTime<Utc>,
) -> Result<Report, ReadError> {
    let reading = file.clone();
    let (head, total, source) = tokio::task::spawn_blocking(move || read(origin, &reading))
        .await
        .map_err(|e| ReadError::Io(std::io::Error::other(e.to_string())))??;
    progress.total.store(total, Ordering::Relaxed);
    let (send, mut receive) = mpsc::channel(16);
    let counting = Arc::clone(&progress);
    let producer = tokio::task::spawn_blocking(move || {
        let mut take = |entry: Entry| {
            counting.read.fetch_add(1, Ordering::Relaxed);
            send.blocking_send(entry).is_ok()
        };
        match source {
            Source::Ghost(entries) => {
                for entry in entries {
                    if !take(entry) {
                        break;
                    }
                }
                Ok(())
            }
            Source::WordPress(wxr) => crate::wordpress::entries(&file, &wxr, &mut take),
        }
    });
    let mut report = crate::apply(store, &head, &mut receive, options, now).await;
    drop(receive);
    let read = producer
        .await
        .map_err(|e| ReadError::Io(std::io::Error::other(e.to_string())))?;
    if let Err(e) = read
        && report.stopped.is_none()
    {
        report.stopped = Some(format!("the export could not be read to its end: {e}"));
    }
    Ok(report)
}

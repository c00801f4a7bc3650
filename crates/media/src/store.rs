//! Where media files live: a folder of this node (the default), or an
//! S3-compatible bucket that every node of a site shares, so that a picture
//! uploaded through one node is served by all. Paths are relative and use `/`
//! (`uploads/harbour-1a2b3c4d-480.jpg`), the same in either store and in the
//! database.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::TryStreamExt;
use kolokol_core::{MediaConfig, MediaStoreKind, NewImage};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::prefix::PrefixStore;
use object_store::{ClientOptions, ObjectStore, PutPayload, RetryConfig};

use crate::MediaError;

/// A file as a store lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListedFile {
    pub path: String,
    pub modified: SystemTime,
    pub size: u64,
}

/// A file read from a media store.
#[derive(Debug, Clone)]
pub struct MediaFile {
    pub bytes: bytes::Bytes,
    /// The store's version tag of the file, as an HTTP `ETag` (quoted).
    pub etag: Option<String>,
}

/// A media store; cheap to clone.
#[derive(Clone)]
pub struct MediaStore {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Folder(PathBuf),
    Bucket {
        objects: Arc<dyn ObjectStore>,
        /// `s3://bucket/prefix` at `endpoint`, for messages.
        name: Arc<str>,
    },
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl MediaStore {
    /// Files under `dir` (created when first written to).
    pub fn folder(dir: impl Into<PathBuf>) -> Self {
        Self {
            kind: Kind::Folder(dir.into()),
        }
    }

    /// The store `config` names; `folder` is this node's media folder, used when
    /// it names none. Connects to nothing yet: [`MediaStore::check`] does.
    pub fn from_config(config: &MediaConfig, folder: PathBuf) -> Result<Self, MediaError> {
        if config.store == MediaStoreKind::Folder {
            return Ok(Self::folder(folder));
        }
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(config.bucket.trim())
            .with_region(config.region.trim())
            .with_virtual_hosted_style_request(!config.path_style)
            // An unreachable bucket is reported within seconds, not minutes.
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(10),
                ..RetryConfig::default()
            })
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(60)),
            );
        let endpoint = config.endpoint.trim().trim_end_matches('/');
        if !endpoint.is_empty() {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if !config.access_key_id.trim().is_empty() {
            builder = builder
                .with_access_key_id(config.access_key_id.trim())
                .with_secret_access_key(config.secret_access_key.0.trim());
        }
        let bucket = builder
            .build()
            .map_err(|e| MediaError::Store(format!("the S3 media store: {e}")))?;
        let prefix = config.prefix.trim().trim_matches('/');
        let name = format!(
            "s3://{}/{prefix}{}",
            config.bucket.trim(),
            if endpoint.is_empty() {
                String::new()
            } else {
                format!(" at {endpoint}")
            }
        );
        let objects: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(bucket)
        } else {
            Arc::new(PrefixStore::new(bucket, prefix))
        };
        Ok(Self {
            kind: Kind::Bucket {
                objects,
                name: name.into(),
            },
        })
    }

    /// The folder, for a store that is one (its disk's free space is watched,
    /// and it is served straight from disk).
    pub fn folder_path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Folder(dir) => Some(dir),
            Kind::Bucket { .. } => None,
        }
    }

    /// Where the files are, for the log and messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Folder(dir) => dir.display().to_string(),
            Kind::Bucket { name, .. } => name.to_string(),
        }
    }

    /// Whether the store can be reached and read: the folder can be created, the
    /// bucket listed. Said at start, so a wrong bucket or key is named at once.
    pub async fn check(&self) -> Result<(), MediaError> {
        match &self.kind {
            Kind::Folder(dir) => std::fs::create_dir_all(dir)
                .map_err(|e| MediaError::Store(format!("{}: {e}", dir.display()))),
            Kind::Bucket { objects, .. } => objects
                .list_with_delimiter(None)
                .await
                .map(|_| ())
                .map_err(|e| MediaError::Store(cause(&e))),
        }
    }

    /// Checks an upload and keeps it with its renditions (see
    /// [`crate::store_upload`]): all files or none.
    pub async fn store_upload(
        &self,
        bytes: Vec<u8>,
        original_name: String,
    ) -> Result<NewImage, MediaError> {
        match &self.kind {
            Kind::Folder(dir) => {
                let dir = dir.clone();
                blocking(move || crate::store_upload(&dir, &bytes, &original_name)).await
            }
            Kind::Bucket { .. } => {
                // The files are made in memory, then sent one by one.
                let (image, files) = blocking(move || {
                    let files = std::cell::RefCell::new(Vec::new());
                    let image = crate::prepare_upload(&bytes, &original_name, &|path, bytes| {
                        files.borrow_mut().push((path.to_owned(), bytes.to_vec()));
                        Ok(())
                    })?;
                    Ok((image, files.into_inner()))
                })
                .await?;
                let mut sent: Vec<String> = Vec::new();
                for (path, bytes) in files {
                    if let Err(e) = self.put(&path, bytes).await {
                        for path in &sent {
                            self.delete(path).await;
                        }
                        return Err(MediaError::Write(e.to_string()));
                    }
                    sent.push(path);
                }
                Ok(image)
            }
        }
    }

    /// Writes one file whole (a folder: through a temporary file and a rename).
    pub async fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), MediaError> {
        match &self.kind {
            Kind::Folder(dir) => {
                let target = dir.join(path);
                blocking(move || {
                    crate::make_folder_of(&target)?;
                    crate::write_atomically(&target, &bytes)
                })
                .await
            }
            Kind::Bucket { objects, name } => objects
                .put(&key(path)?, PutPayload::from(bytes))
                .await
                .map(|_| ())
                .map_err(|e| MediaError::Store(format!("{name}/{path}: {}", cause(&e)))),
        }
    }

    /// A file's bytes; `None` when there is no such file.
    pub async fn read(&self, path: &str) -> Result<Option<bytes::Bytes>, MediaError> {
        Ok(self.fetch(path).await?.map(|file| file.bytes))
    }

    /// A file's bytes and its version tag (a bucket's `ETag`; none for a folder,
    /// which `ServeDir` serves with its own); `None` when there is no such file.
    pub async fn fetch(&self, path: &str) -> Result<Option<MediaFile>, MediaError> {
        let untagged = |bytes: bytes::Bytes| MediaFile { bytes, etag: None };
        match &self.kind {
            Kind::Folder(dir) => {
                let Some(file) = inside(dir, path) else {
                    return Ok(None);
                };
                match tokio::fs::read(&file).await {
                    Ok(bytes) => Ok(Some(untagged(bytes.into()))),
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                        ) =>
                    {
                        Ok(None)
                    }
                    Err(e) => Err(MediaError::Store(format!("{}: {e}", file.display()))),
                }
            }
            Kind::Bucket { objects, name } => {
                let Ok(key) = key(path) else {
                    return Ok(None);
                };
                match objects.get(&key).await {
                    Ok(found) => {
                        let etag = found.meta.e_tag.as_deref().map(quoted);
                        let bytes = found.bytes().await;
                        bytes.map(|bytes| Some(MediaFile { bytes, etag }))
                    }
                    Err(object_store::Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
                .map_err(|e| MediaError::Store(format!("{name}/{path}: {}", cause(&e))))
            }
        }
    }

    /// A file's size in bytes; `None` when it cannot be told.
    pub async fn size(&self, path: &str) -> Option<u64> {
        match &self.kind {
            Kind::Folder(dir) => tokio::fs::metadata(inside(dir, path)?)
                .await
                .ok()
                .map(|m| m.len()),
            Kind::Bucket { objects, .. } => {
                objects.head(&key(path).ok()?).await.ok().map(|m| m.size)
            }
        }
    }

    /// Removes a file; one already gone is no error, and a failure is logged.
    pub async fn delete(&self, path: &str) {
        match &self.kind {
            Kind::Folder(dir) => crate::remove_file(dir, path),
            Kind::Bucket { objects, name } => {
                let Ok(key) = key(path) else { return };
                match objects.delete(&key).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => {
                        tracing::warn!(store = %name, path, error = %cause(&e), "cannot remove a media file")
                    }
                }
            }
        }
    }

    /// Removes an image's files (its database row could not be written, or it
    /// was deleted).
    pub async fn remove_files(&self, image: &NewImage) {
        for path in image.files() {
            self.delete(path).await;
        }
    }

    /// Every file with its modification time and size, sorted by path;
    /// half-written files are left out.
    pub async fn list(&self) -> Result<Vec<ListedFile>, MediaError> {
        let mut files = match &self.kind {
            Kind::Folder(dir) => {
                let dir = dir.clone();
                blocking(move || Ok(crate::folder_files(&dir))).await?
            }
            Kind::Bucket { objects, name } => objects
                .list(None)
                .map_ok(|meta| ListedFile {
                    path: meta.location.to_string(),
                    modified: SystemTime::from(meta.last_modified),
                    size: meta.size,
                })
                .try_collect::<Vec<_>>()
                .await
                .map_err(|e| MediaError::Store(format!("{name}: {}", cause(&e))))?,
        };
        files.retain(|file| !file.path.ends_with(".partial"));
        files.sort();
        Ok(files)
    }

    /// Removes files under `uploads/` that no image in the database names (`known`
    /// holds every path it does) and are older than `grace` (an upload being written
    /// right now has no row yet), with half-written ones: left by a crash or a full
    /// disk. Says how many.
    pub async fn sweep_orphans(
        &self,
        known: &HashSet<String>,
        grace: Duration,
    ) -> Result<usize, MediaError> {
        if let Kind::Folder(dir) = &self.kind {
            let (dir, known) = (dir.clone(), known.clone());
            return blocking(move || {
                crate::sweep_orphans(&dir, &known, grace)
                    .map_err(|e| MediaError::Store(format!("{}: {e}", dir.display())))
            })
            .await;
        }
        let now = SystemTime::now();
        let mut removed = 0;
        for file in self.list().await? {
            let old = now.duration_since(file.modified).unwrap_or_default() >= grace;
            if file.path.starts_with("uploads/") && !known.contains(&file.path) && old {
                self.delete(&file.path).await;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// `path` as a key; refused when it could name something outside the store.
fn key(path: &str) -> Result<Key, MediaError> {
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(MediaError::Write(format!("{path:?} is not a media path")));
    }
    Key::parse(path).map_err(|e| MediaError::Write(format!("{path:?} is not a media path: {e}")))
}

/// `dir/path`, unless `path` could lead out of `dir`.
fn inside(dir: &Path, path: &str) -> Option<PathBuf> {
    key(path).ok()?;
    Some(dir.join(path))
}

/// The innermost cause of an object store's error, which says what went wrong
/// (the outer ones repeat the request).
fn cause(error: &object_store::Error) -> String {
    let mut source: &dyn std::error::Error = error;
    while let Some(next) = source.source() {
        source = next;
    }
    if std::ptr::addr_eq(source, error as &dyn std::error::Error) {
        error.to_string()
    } else {
        format!("{error} ({source})")
    }
}

/// A version tag as an HTTP `ETag`: quoted (S3 quotes its own; not every
/// S3-compatible server does).
fn quoted(tag: &str) -> String {
    if tag.starts_with('"') || tag.starts_with("W/") {
        tag.to_owned()
    } else {
        format!("\"{tag}\"")
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, MediaError> + Send + 'static,
) -> Result<T, MediaError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| MediaError::Store(format!("the media task stopped: {e}")))?
}

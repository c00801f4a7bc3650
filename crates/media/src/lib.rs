//! The media library's image processing: an upload is identified by its content (not
//! its name), refused when it is not a JPEG, PNG, WebP or GIF, too large or broken,
//! and otherwise kept as uploaded beside renditions at responsive widths in JPEG and
//! WebP. Files are written under a fresh name and renamed into place, so a crash
//! never leaves half an image that the database points at.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use kolokol_core::{ImageVariant, NewImage};
use rand::Rng;

mod store;
pub use store::{ListedFile, MediaFile, MediaStore};

/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// Largest width or height accepted, in pixels.
pub const MAX_DIMENSION: u32 = 12_000;
/// Largest picture accepted, in pixels: 50 megapixels is more than any newsroom
/// camera gives, and bounds what a small compressed file can make us decode (a
/// 420 KB PNG can claim 144 megapixels).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Most memory one decode may take (50 MP of 16-bit RGBA stays inside it).
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// Uploads processed at once by one server (the rest wait their turn).
pub const CONCURRENT_UPLOADS: usize = 1;
/// The responsive widths; an image narrower than one is not enlarged to it.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];

/// Why an upload was refused; the message is for the person who uploaded it.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {} MB", MAX_UPLOAD_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("this is not a JPEG, PNG, WebP or GIF image{0}")]
    UnsupportedType(String),
    #[error(
        "the image is {width}×{height} pixels; at most {MAX_DIMENSION} pixels on each side and {} megapixels in all are accepted",
        MAX_PIXELS / 1_000_000
    )]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image cannot be read; it may be damaged ({0})")]
    Malformed(String),
    #[error("the image could not be saved: {0}")]
    Write(String),
    /// The disk has no room left; nothing of the upload was kept.
    #[error("the image could not be saved: no space left on the disk")]
    DiskFull,
    /// The media store could not be read or written (a bucket that does not
    /// answer or refuses the key, a folder that cannot be read).
    #[error("{0}")]
    Store(String),
}

impl MediaError {
    /// The catalogue's message for a refused upload (`Write` is ours, not the uploader's).
    pub fn message(&self) -> kolokol_core::Message {
        use kolokol_core::Message;
        match self {
            Self::Empty => Message::new("error-image-empty"),
            Self::TooLarge => {
                Message::new("admin-file-too-large").with("mb", MAX_UPLOAD_BYTES / 1024 / 1024)
            }
            Self::UnsupportedType(_) => Message::new("error-image-type"),
            Self::TooManyPixels { width, height } => Message::new("error-image-pixels")
                .with("width", *width)
                .with("height", *height)
                .with("max", MAX_DIMENSION)
                .with("megapixels", MAX_PIXELS / 1_000_000),
            Self::Malformed(why) => Message::new("error-image-damaged").with("why", why.as_str()),
            Self::Write(why) | Self::Store(why) => {
                Message::new("error-ours").with("why", why.as_str())
            }
            Self::DiskFull => Message::new("error-ours"),
        }
    }
}

/// Checks an upload and writes it, with its renditions, under `media_dir/uploads/`.
/// All or nothing: when a file cannot be written (a full disk), the files already
/// written for it are removed again.
pub fn store_upload(
    media_dir: &Path,
    bytes: &[u8],
    original_name: &str,
) -> Result<NewImage, MediaError> {
    store_upload_with(media_dir, bytes, original_name, &write_atomically)
}

/// Writes one file whole or not at all.
type WriteFile<'a> = dyn Fn(&Path, &[u8]) -> Result<(), MediaError> + 'a;

/// [`store_upload`] with the function that writes each file given.
fn store_upload_with(
    media_dir: &Path,
    bytes: &[u8],
    original_name: &str,
    write: &WriteFile<'_>,
) -> Result<NewImage, MediaError> {
    let written = std::cell::RefCell::new(Vec::new());
    let stored = prepare_upload(bytes, original_name, &|relative, bytes| {
        // The folder is made only once an upload has passed its checks.
        let target = media_dir.join(relative);
        make_folder_of(&target)?;
        written.borrow_mut().push(relative.to_owned());
        write(&target, bytes)
    });
    if stored.is_err() {
        for path in written.borrow().iter() {
            let _ = std::fs::remove_file(media_dir.join(path));
        }
    }
    stored
}

/// Hands one file of an upload (its path relative to the store, its bytes) to
/// where it is kept.
pub(crate) type KeepFile<'a> = dyn Fn(&str, &[u8]) -> Result<(), MediaError> + 'a;

/// Makes the folder `target` goes in, if it is not there yet.
pub(crate) fn make_folder_of(target: &Path) -> Result<(), MediaError> {
    match target.parent() {
        Some(folder) => std::fs::create_dir_all(folder)
            .map_err(|e| MediaError::Write(format!("{}: {e}", folder.display()))),
        None => Ok(()),
    }
}

/// Removes `media_dir/path`; a file already gone is no error.
pub(crate) fn remove_file(media_dir: &Path, path: &str) {
    if let Err(e) = std::fs::remove_file(media_dir.join(path))
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path, error = %e, "cannot remove an image file");
    }
}

/// Every file under `root`, as relative paths with `/`, with when each was changed
/// and its size.
pub(crate) fn folder_files(root: &Path) -> Vec<ListedFile> {
    let mut files = Vec::new();
    let mut stack: Vec<std::path::PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                let metadata = entry.metadata().ok();
                files.push(ListedFile {
                    path: relative.to_string_lossy().replace('\\', "/"),
                    modified: metadata
                        .as_ref()
                        .and_then(|m| m.modified().ok())
                        .unwrap_or(std::time::UNIX_EPOCH),
                    size: metadata.map_or(0, |m| m.len()),
                });
            }
        }
    }
    files
}

/// Files under `media_dir/uploads/` that no image in the database names (`known`
/// holds every path it does) and are older than `grace` (an upload being written
/// right now has no row yet), and half-written `.partial` files: left by a crash
/// or a full disk. Removes them and says how many.
pub fn sweep_orphans(
    media_dir: &Path,
    known: &std::collections::HashSet<String>,
    grace: std::time::Duration,
) -> std::io::Result<usize> {
    let folder = media_dir.join("uploads");
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let metadata = entry.metadata()?;
        if !metadata.is_file() || known.contains(&format!("uploads/{name}")) {
            continue;
        }
        let age = metadata
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .unwrap_or_default();
        if age >= grace {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Checks an upload and makes its renditions, handing each file to `keep` as it
/// is made (the original first); stops at the first that cannot be kept.
pub(crate) fn prepare_upload(
    bytes: &[u8],
    original_name: &str,
    keep: &KeepFile<'_>,
) -> Result<NewImage, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(MediaError::TooLarge);
    }
    let format =
        image::guess_format(bytes).map_err(|_| MediaError::UnsupportedType(String::new()))?;
    let (extension, mime) = match format {
        ImageFormat::Jpeg => ("jpg", "image/jpeg"),
        ImageFormat::Png => ("png", "image/png"),
        ImageFormat::WebP => ("webp", "image/webp"),
        ImageFormat::Gif => ("gif", "image/gif"),
        other => {
            return Err(MediaError::UnsupportedType(format!(
                " (it looks like {other:?})"
            )));
        }
    };
    // The header alone, read without the size limits, so an oversized picture is
    // named as such (the decode below runs within them).
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| MediaError::Malformed(e.to_string()))?;
    if width > MAX_DIMENSION
        || height > MAX_DIMENSION
        || width == 0
        || height == 0
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(MediaError::TooManyPixels { width, height });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let picture = reader
        .decode()
        .map_err(|e| MediaError::Malformed(e.to_string()))?;

    let stem = format!("{}-{}", safe_stem(original_name), random_suffix());
    let original = format!("uploads/{stem}.{extension}");
    keep(&original, bytes)?;

    let mut variants = Vec::new();
    let opaque = DynamicImage::ImageRgb8(picture.to_rgb8());
    for target in WIDTHS
        .into_iter()
        .filter(|w| *w < width)
        .chain((width <= WIDTHS[2]).then_some(width))
    {
        let resized = if target == width {
            opaque.clone()
        } else {
            let target_height =
                ((u64::from(height) * u64::from(target)) / u64::from(width)).max(1) as u32;
            opaque.resize_exact(target, target_height, image::imageops::FilterType::Lanczos3)
        };
        let rgb = resized.to_rgb8();
        let (w, h) = rgb.dimensions();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82)
            .encode_image(&rgb)
            .map_err(|e| MediaError::Write(e.to_string()))?;
        let jpeg_path = format!("uploads/{stem}-{w}.jpg");
        keep(&jpeg_path, &jpeg)?;
        variants.push(ImageVariant {
            width: w,
            height: h,
            path: jpeg_path,
            mime: "image/jpeg".into(),
        });

        let webp = webp::Encoder::from_rgb(rgb.as_raw(), w, h).encode(78.0);
        let webp_path = format!("uploads/{stem}-{w}.webp");
        keep(&webp_path, &webp)?;
        variants.push(ImageVariant {
            width: w,
            height: h,
            path: webp_path,
            mime: "image/webp".into(),
        });
    }
    Ok(NewImage {
        path: original,
        width,
        height,
        mime: mime.into(),
        variants,
    })
}

/// What a decoder may use: bounded sides and memory.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// A file name's stem, reduced to what is safe in a URL: `Harbour at Dawn (2).JPG` → `harbour-at-dawn-2`.
fn safe_stem(name: &str) -> String {
    let stem = Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("image");
    kolokol_core::Slug::from_title(stem).map_or_else(
        |_| "image".to_owned(),
        |slug| {
            slug.as_str()
                .chars()
                .take(60)
                .collect::<String>()
                .trim_end_matches('-')
                .to_owned()
        },
    )
}

fn random_suffix() -> String {
    let n: u32 = rand::thread_rng().r#gen();
    format!("{n:08x}")
}

pub(crate) fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), MediaError> {
    let partial = target.with_extension("partial");
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, target))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            if e.kind() == std::io::ErrorKind::StorageFull {
                MediaError::DiskFull
            } else {
                MediaError::Write(format!("{}: {e}", target.display()))
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let picture = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
        }));
        let mut bytes = Cursor::new(Vec::new());
        match format {
            ImageFormat::Gif | ImageFormat::WebP => {
                picture.to_rgba8().write_to(&mut bytes, format).unwrap()
            }
            _ => picture.write_to(&mut bytes, format).unwrap(),
        }
        bytes.into_inner()
    }

    /// A PNG that claims `width` × `height` pixels in its header and holds one row.
    fn png_header_only(width: u32, height: u32) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xffff_ffff_u32;
            for byte in bytes {
                crc ^= u32::from(*byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xedb8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            png.extend_from_slice(&body);
            png.extend_from_slice(&crc32(&body).to_be_bytes());
        };
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 0, 0, 0, 0]);
        chunk(b"IHDR", &header);
        chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(b"IEND", &[]);
        png
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("uploads"))
            .map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn a_disk_that_fills_up_halfway_leaves_no_file_of_the_upload() {
        let dir = tempfile::tempdir().unwrap();
        let writes = std::cell::Cell::new(0);
        // The third file finds the disk full, after two were written for real.
        let filling = |target: &Path, bytes: &[u8]| {
            writes.set(writes.get() + 1);
            if writes.get() == 3 {
                return Err(MediaError::DiskFull);
            }
            write_atomically(target, bytes)
        };
        let upload = encoded(ImageFormat::Png, 1000, 600);
        let refused = store_upload_with(dir.path(), &upload, "harbour.png", &filling);
        assert!(matches!(refused, Err(MediaError::DiskFull)), "{refused:?}");
        assert_eq!(writes.get(), 3);
        assert!(
            files_in(dir.path()).is_empty(),
            "{:?}",
            files_in(dir.path())
        );
        // With room again the same upload is kept whole.
        let kept = store_upload(dir.path(), &upload, "harbour.png").unwrap();
        assert_eq!(files_in(dir.path()).len(), 1 + kept.variants.len());
        for path in kept.files() {
            remove_file(dir.path(), path);
        }
        assert!(files_in(dir.path()).is_empty());
    }

    #[test]
    fn the_sweep_removes_what_no_image_names_once_it_is_old_enough() {
        let dir = tempfile::tempdir().unwrap();
        let kept = store_upload(dir.path(), &encoded(ImageFormat::Png, 500, 300), "a.png").unwrap();
        let orphan =
            store_upload(dir.path(), &encoded(ImageFormat::Png, 500, 300), "b.png").unwrap();
        std::fs::write(dir.path().join("uploads/c-1.partial"), b"half").unwrap();
        let known: std::collections::HashSet<String> = kept.files().map(str::to_owned).collect();
        let young =
            sweep_orphans(dir.path(), &known, std::time::Duration::from_secs(3600)).unwrap();
        assert_eq!(young, 0, "files being written now are left alone");
        let swept = sweep_orphans(dir.path(), &known, std::time::Duration::ZERO).unwrap();
        assert_eq!(swept, 1 + orphan.variants.len() + 1);
        let mut left: Vec<String> = known
            .iter()
            .map(|p| p.trim_start_matches("uploads/").to_owned())
            .collect();
        left.sort();
        assert_eq!(files_in(dir.path()), left);
        assert_eq!(
            sweep_orphans(
                &dir.path().join("nowhere"),
                &known,
                std::time::Duration::ZERO
            )
            .unwrap(),
            0
        );
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        let dir = tempfile::tempdir().unwrap();
        // The file holds one row of data: reaching the decoder would fail otherwise,
        // so `TooManyPixels` shows the header alone decided.
        for (width, height) in [(12_000, 12_000), (8_000, 7_000), (12_001, 10)] {
            let refused = store_upload(dir.path(), &png_header_only(width, height), "bomb.png");
            assert!(
                matches!(refused, Err(MediaError::TooManyPixels { .. })),
                "{width}×{height}: {refused:?}"
            );
        }
        assert!(
            std::fs::read_dir(dir.path()).map_or(true, |mut d| d.next().is_none()),
            "nothing written"
        );
        let message = store_upload(dir.path(), &png_header_only(12_000, 12_000), "b.png")
            .unwrap_err()
            .to_string();
        assert!(message.contains("50 megapixels"), "{message}");
    }

    #[test]
    fn every_accepted_format_gets_jpeg_and_webp_renditions() {
        for format in [
            ImageFormat::Jpeg,
            ImageFormat::Png,
            ImageFormat::WebP,
            ImageFormat::Gif,
        ] {
            let dir = tempfile::tempdir().unwrap();
            let image = store_upload(
                dir.path(),
                &encoded(format, 1000, 500),
                "Harbour at Dawn.bin",
            )
            .unwrap();
            assert_eq!((image.width, image.height), (1000, 500), "{format:?}");
            assert!(
                image.path.starts_with("uploads/harbour-at-dawn-"),
                "{}",
                image.path
            );
            let widths: Vec<(u32, &str)> = image
                .variants
                .iter()
                .map(|v| (v.width, v.mime.as_str()))
                .collect();
            assert_eq!(
                widths,
                [
                    (480, "image/jpeg"),
                    (480, "image/webp"),
                    (960, "image/jpeg"),
                    (960, "image/webp"),
                    (1000, "image/jpeg"),
                    (1000, "image/webp")
                ],
                "{format:?}"
            );
            for variant in &image.variants {
                let decoded = image::open(dir.path().join(&variant.path)).unwrap();
                assert_eq!(
                    (decoded.width(), decoded.height()),
                    (variant.width, variant.height)
                );
            }
            assert_eq!(
                std::fs::read(dir.path().join(&image.path)).unwrap(),
                encoded(format, 1000, 500),
                "original kept"
            );
        }
    }

    #[test]
    fn large_images_are_not_enlarged_beyond_the_widest_rendition() {
        let dir = tempfile::tempdir().unwrap();
        let image = store_upload(
            dir.path(),
            &encoded(ImageFormat::Png, 2000, 1000),
            "big.png",
        )
        .unwrap();
        assert_eq!(image.variants.iter().map(|v| v.width).max(), Some(1440));
        let small = store_upload(
            dir.path(),
            &encoded(ImageFormat::Png, 300, 200),
            "small.png",
        )
        .unwrap();
        assert_eq!(
            small.variants.iter().map(|v| v.width).collect::<Vec<_>>(),
            [300, 300]
        );
    }

    #[test]
    fn bad_uploads_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            store_upload(dir.path(), b"", "x.jpg"),
            Err(MediaError::Empty)
        ));
        assert!(matches!(
            store_upload(dir.path(), b"%PDF-1.7 not an image", "x.jpg"),
            Err(MediaError::UnsupportedType(_))
        ));
        assert!(matches!(
            store_upload(
                dir.path(),
                b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                "x.png"
            ),
            Err(MediaError::UnsupportedType(_))
        ));
        let bmp = encoded(ImageFormat::Bmp, 10, 10);
        let refused = store_upload(dir.path(), &bmp, "x.jpg").unwrap_err();
        assert!(refused.to_string().contains("Bmp"), "{refused}");
        let mut truncated = encoded(ImageFormat::Png, 200, 200);
        truncated.truncate(truncated.len() / 2);
        assert!(matches!(
            store_upload(dir.path(), &truncated, "x.png"),
            Err(MediaError::Malformed(_))
        ));
        assert!(matches!(
            store_upload(dir.path(), &vec![0xFF; MAX_UPLOAD_BYTES + 1], "x.jpg"),
            Err(MediaError::TooLarge)
        ));
        // A PNG header claiming 100,000 × 100,000 pixels: refused before decoding.
        let mut bomb = encoded(ImageFormat::Png, 1, 1);
        bomb[16..20].copy_from_slice(&100_000_u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000_u32.to_be_bytes());
        let error = store_upload(dir.path(), &bomb, "bomb.png").unwrap_err();
        assert!(
            matches!(
                error,
                MediaError::TooManyPixels { .. } | MediaError::Malformed(_)
            ),
            "{error}"
        );
        assert!(
            !dir.path().join("uploads").exists()
                || std::fs::read_dir(dir.path().join("uploads"))
                    .unwrap()
                    .next()
                    .is_none(),
            "nothing half-written"
        );
    }
}

//! What makes a page a mirror's file, and the folder one archive.

use std::path::Path;

use kolokol_render::links;

use crate::ExportError;

/// Packs an exported folder into a `.tar.zst` archive (written to a temporary name
/// and renamed, so a half-written archive is never left under the real name).
pub fn write_archive(folder: &Path, archive: &Path) -> Result<u64, ExportError> {
    let error = |source: std::io::Error| ExportError::Write {
        path: archive.display().to_string(),
        source,
    };
    let partial = archive.with_extension("partial");
    let file = std::fs::File::create(&partial).map_err(error)?;
    let encoder = zstd::Encoder::new(file, 9).map_err(error)?;
    let mut builder = tar::Builder::new(encoder);
    builder.follow_symlinks(false);
    builder.append_dir_all(".", folder).map_err(error)?;
    let encoder = builder.into_inner().map_err(error)?;
    encoder.finish().map_err(error)?;
    std::fs::rename(&partial, archive).map_err(error)?;
    std::fs::metadata(archive).map(|m| m.len()).map_err(error)
}

/// A page's HTML with relative links, and in its head what the served headers say:
/// the Content-Security-Policy and `no-referrer` as `<meta>` tags (a mirror on
/// `file://` or any static host gets no headers from us) and, when there is an
/// onion address, the `<meta http-equiv="onion-location">` that stands in for it.
pub fn page_for_mirror(bytes: &[u8], file: &str, path: &str, onion: &str) -> Vec<u8> {
    page_for_mirror_in(bytes, file, path, onion, "")
}

/// [`page_for_mirror`] for a page of the edition under `prefix` (`/en`), whose
/// media and assets are the export's one copy at the root; `path` is the page's
/// whole address, prefix included.
pub fn page_for_mirror_in(
    bytes: &[u8],
    file: &str,
    path: &str,
    onion: &str,
    prefix: &str,
) -> Vec<u8> {
    let html = String::from_utf8_lossy(bytes);
    let mut html = links::relativize_export_in(&html, path, file, prefix);
    // After the character set (which must come within the first 1,024 bytes).
    let at = html
        .find("<meta charset=\"utf-8\">")
        .map(|at| at + "<meta charset=\"utf-8\">".len())
        .or_else(|| html.find("<head>").map(|at| at + "<head>".len()));
    if let Some(at) = at {
        let mut tags = format!("\n{}", kolokol_render::policy::meta_tags());
        if !onion.is_empty() {
            tags.push_str(&format!(
                "\n<meta http-equiv=\"onion-location\" content=\"{onion}{path}\">"
            ));
        }
        html.insert_str(at, &tags);
    }
    html.into_bytes()
}

//! `kolokol backup` and `kolokol restore`: the database (as data, read in one
//! snapshot while the site serves) and the media (from the folder or the bucket) in
//! one `.tar.zst`, with a manifest of checksums; restored into an empty data folder
//! (or bucket) and database of either kind.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use kolokol_core::config::Config;
use kolokol_store::TableDump;
use serde_json::json;
use sha2::{Digest, Sha256};

use kolokol_media::MediaStore;

use crate::open_store;

const MANIFEST: &str = "manifest.json";
/// The archive's layout; a restore refuses a layout it does not know.
const FORMAT: i64 = 1;

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn append(builder: &mut tar::Builder<impl Write>, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append_data(&mut header, name, bytes)?;
    Ok(())
}

/// `kolokol backup FILE.tar.zst`.
pub(crate) async fn backup(config: &Config, out: &Path) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let media = crate::media_store(config).await?;
    let said = write_backup(&store, &media, out).await?;
    println!("{said}");
    Ok(())
}

/// Writes a backup of `store` and the media to `out` (through a temporary name,
/// so `out` is whole or absent); says what it holds.
pub(crate) async fn write_backup(
    store: &kolokol_store::DynStore,
    media: &MediaStore,
    out: &Path,
) -> anyhow::Result<String> {
    let started = std::time::Instant::now();
    let tables = store.dump().await?;
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let mut builder = tar::Builder::new(zstd::Encoder::new(file, 9)?);
    let mut checksums: BTreeMap<String, String> = BTreeMap::new();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for table in &tables {
        let name = format!("database/{}.json", table.name);
        let bytes = serde_json::to_vec(table)?;
        checksums.insert(name.clone(), sha256(&bytes));
        rows.insert(table.name.clone(), table.rows.len());
        append(&mut builder, &name, &bytes)?;
    }
    let mut files = Vec::new();
    for listed in media.list().await? {
        // A file removed since it was listed is not part of the backup.
        let Some(bytes) = media.read(&listed.path).await? else {
            continue;
        };
        let name = format!("media/{}", listed.path);
        checksums.insert(name.clone(), sha256(&bytes));
        files.push(listed.path);
        append(&mut builder, &name, &bytes)?;
    }
    let manifest = json!({
        "format": FORMAT,
        "kolokol": env!("CARGO_PKG_VERSION"),
        "created_at": chrono::Utc::now().to_rfc3339(),
        "backend": format!("{:?}", store.backend()).to_lowercase(),
        "rows": rows,
        "files": checksums,
    });
    append(
        &mut builder,
        MANIFEST,
        &serde_json::to_vec_pretty(&manifest)?,
    )?;
    builder.into_inner()?.finish()?;
    std::fs::rename(&partial, out).with_context(|| format!("cannot write {}", out.display()))?;
    let size = std::fs::metadata(out)?.len();
    Ok(format!(
        "Backed up {} tables ({} rows) and {} media files to {} ({:.1} MB) in {:.1} s.",
        tables.len(),
        rows.values().sum::<usize>(),
        files.len(),
        out.display(),
        size as f64 / 1_000_000.0,
        started.elapsed().as_secs_f64()
    ))
}

/// The name scheduled backups take: `kolokol-20261201-0300.tar.zst`, sortable by time.
fn scheduled_name(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("kolokol-{}.tar.zst", at.format("%Y%m%d-%H%M%S"))
}

/// Takes a backup into `dir` now, then deletes the oldest scheduled ones beyond `keep`.
pub(crate) async fn scheduled_backup(
    store: &kolokol_store::DynStore,
    media: &MediaStore,
    dir: &Path,
    keep: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<String> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let said = write_backup(store, media, &dir.join(scheduled_name(now))).await?;
    let mut taken: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("kolokol-") && n.ends_with(".tar.zst"))
        })
        .collect();
    taken.sort();
    let excess = taken.len().saturating_sub(keep);
    for old in &taken[..excess] {
        std::fs::remove_file(old).with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(said)
}

/// Backs up every `every` on its own, while the site serves; a failure is logged
/// and the next one tried at its time.
pub(crate) fn schedule(config: &Config, store: kolokol_store::DynStore, media: MediaStore) {
    let every_hours = config.backup.every_hours;
    if every_hours == 0 {
        return;
    }
    let dir = config.backup_dir();
    let keep = config.backup.keep as usize;
    tokio::spawn(async move {
        let every = std::time::Duration::from_secs(u64::from(every_hours) * 3600);
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticks.tick().await;
            match scheduled_backup(&store, &media, &dir, keep, chrono::Utc::now()).await {
                Ok(said) => tracing::info!("{said}"),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "the scheduled backup failed"),
            }
        }
    });
}

/// The archive's entries, each read whole: (name, bytes).
fn entries(archive: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let file = std::fs::File::open(archive)
        .with_context(|| format!("cannot read {}", archive.display()))?;
    let decoder = zstd::Decoder::new(file)
        .with_context(|| format!("{} is not a zstd archive", archive.display()))?;
    let mut reader = tar::Archive::new(decoder);
    let mut out = Vec::new();
    for entry in reader
        .entries()
        .with_context(|| format!("{} is not a backup", archive.display()))?
    {
        let mut entry = entry.with_context(|| format!("{} is damaged", archive.display()))?;
        let name = entry.path()?.to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .with_context(|| format!("{} is damaged at {name}", archive.display()))?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// `kolokol restore FILE.tar.zst`: into an empty database and media store only.
pub(crate) async fn restore(config: &Config, archive: &Path) -> anyhow::Result<()> {
    let media = crate::media_store(config).await?;
    if !media.list().await?.is_empty() {
        bail!(
            "the media store {} is not empty: restore into a new data folder (or bucket)",
            media.describe()
        );
    }
    let entries = entries(archive)?;
    let manifest = entries
        .iter()
        .find(|(name, _)| name == MANIFEST)
        .map(|(_, bytes)| serde_json::from_slice::<serde_json::Value>(bytes))
        .transpose()?
        .with_context(|| format!("{} has no {MANIFEST}: not a backup", archive.display()))?;
    if manifest["format"].as_i64() != Some(FORMAT) {
        bail!(
            "{} is a backup of a kind this version does not read",
            archive.display()
        );
    }
    // Every entry must be the one the manifest names, byte for byte, before
    // anything is written.
    let listed = manifest["files"]
        .as_object()
        .context("the manifest lists no files")?;
    for (name, bytes) in &entries {
        if name == MANIFEST {
            continue;
        }
        let expected = listed.get(name).and_then(|v| v.as_str());
        if expected != Some(sha256(bytes).as_str()) {
            bail!(
                "{name} in {} does not match its checksum: nothing restored",
                archive.display()
            );
        }
        let safe = Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            bail!("{name}: a path outside the data folder; nothing restored");
        }
    }
    if listed.len() + 1 != entries.len() {
        bail!(
            "{} misses files its manifest lists: nothing restored",
            archive.display()
        );
    }
    let store = open_store(config).await?;
    if !store.holds_nothing().await? {
        bail!("the database already holds content: restore into an empty one");
    }
    let mut tables: Vec<TableDump> = Vec::new();
    for (name, bytes) in &entries {
        if name.starts_with("database/") {
            tables.push(
                serde_json::from_slice(bytes).with_context(|| format!("{name} is unreadable"))?,
            );
        }
    }
    store.load(&tables).await?;
    let mut written = 0;
    for (name, bytes) in &entries {
        if let Some(relative) = name.strip_prefix("media/") {
            media.put(relative, bytes.clone()).await?;
            written += 1;
        }
    }
    println!(
        "Restored {} tables ({} rows) and {} media files from {}.",
        tables.len(),
        tables.iter().map(|t| t.rows.len()).sum::<usize>(),
        written,
        archive.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn scheduled_backups_keep_the_newest_and_remove_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("kolokol.db").display());
        let store = kolokol_store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let folder = dir.path().join("media");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("picture.jpg"), b"not really a picture").unwrap();
        let media = MediaStore::folder(folder);
        let backups = dir.path().join("backups");
        let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T03:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        for day in 0..4 {
            let at = start + chrono::Duration::days(day);
            scheduled_backup(&store, &media, &backups, 2, at)
                .await
                .unwrap();
        }
        let mut left: Vec<String> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "kolokol-20261203-030000.tar.zst",
                "kolokol-20261204-030000.tar.zst"
            ]
        );
        let kept = entries(&backups.join(&left[1])).unwrap();
        assert!(kept.iter().any(|(name, _)| name == "media/picture.jpg"));
        assert!(kept.iter().any(|(name, _)| name == MANIFEST));
    }
}

//! `kolokol export-site`, `kolokol export ghost` and `kolokol theme export`.

use std::path::Path;

use anyhow::Context;
use kolokol_core::config::Config;
use kolokol_render::Theme;

use crate::offline_state;

/// `kolokol export ghost OUT.json`: the content as a Ghost import file, written to a
/// temporary name and renamed, so a half-written file is never left under `out`.
pub(crate) async fn export_ghost(config: &Config, out: &Path) -> anyhow::Result<()> {
    let store = crate::open_store(config).await?;
    let json = kolokol_export::ghost::ghost_json(&store, &config.site, chrono::Utc::now()).await?;
    let data = &json["db"][0]["data"];
    let count = |key: &str| data[key].as_array().map_or(0, Vec::len);
    let partial = out.with_extension("partial");
    std::fs::write(&partial, serde_json::to_vec_pretty(&json)?)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, out).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "Wrote {} posts and pages, {} tags and {} authors to {}, for Ghost's Settings → Labs → Import content.",
        count("posts"),
        count("tags"),
        count("users"),
        out.display()
    );
    Ok(())
}

pub(crate) async fn export_site(config: Config, out: &Path) -> anyhow::Result<()> {
    let state = offline_state(&config).await?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let report = kolokol_export::export_site(
        &kolokol_web::mirror::Mirror::new(state.clone()),
        out,
        |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .await?;
    bar.finish_and_clear();
    println!(
        "Exported {} files ({:.1} MB) to {} in {:.1} s; {} written, {} unchanged.",
        report.files,
        report.bytes as f64 / 1_000_000.0,
        out.display(),
        started.elapsed().as_secs_f64(),
        report.written,
        report.files - report.written
    );
    Ok(())
}

pub(crate) fn export_theme(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!(
            "{} is not empty; choose a new folder so nothing is overwritten",
            dir.display()
        );
    }
    let mut count = 0;
    for (name, bytes) in Theme::default_files() {
        let target = dir.join(&name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
        count += 1;
    }
    println!(
        "Wrote {count} theme files to {}. Set theme_dir = \"{}\" in your configuration.",
        dir.display(),
        dir.display()
    );
    Ok(())
}

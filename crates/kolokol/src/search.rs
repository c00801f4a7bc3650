//! `kolokol search reindex`: builds this node's search index again from the
//! database, with a progress bar.

use std::sync::Arc;

use anyhow::Context;
use kolokol_core::config::Config;

pub(crate) async fn reindex(config: &Config) -> anyhow::Result<()> {
    let store = crate::open_store(config).await?;
    let dir = config.search_dir();
    let index = kolokol_search::SearchIndex::open(Some(&dir)).map_err(|e| {
        if e.is_locked() {
            anyhow::anyhow!(
                "the search index in {} is in use, most likely by a running `kolokol serve`: \
                 stop it first (a server rebuilds a missing index by itself at start)",
                dir.display()
            )
        } else {
            anyhow::anyhow!("cannot open the search index in {}: {e}", dir.display())
        }
    })?;
    let index = Arc::new(index);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} articles {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let progress = {
        let bar = bar.clone();
        move |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let synced = kolokol_operations::search::rebuild(&store, &index, chrono::Utc::now(), &progress)
        .await
        .context("cannot rebuild the search index")?;
    bar.finish_and_clear();
    println!(
        "Indexed {} published articles in {:.1} s ({}).",
        synced.indexed,
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}

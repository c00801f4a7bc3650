//! Times searches against an index on disk, a query per line of a file:
//! `cargo run --release -p kolokol-search --example timing -- DIR QUERIES [ROUNDS]`.
//! For profiling the engine alone (bench/search.sh measures the whole server).
//! Each query is timed as searches run it and with every match scored (no
//! pruning), and the two first pages are compared: how many of the ten articles
//! both show, and whether the totals agree. `LIMIT=1` asks for one result instead
//! of ten (what the results' snippets and stored documents cost is the difference).

use std::time::Instant;

use kolokol_search::{Request, Results, SearchIndex};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(queries)) = (args.next(), args.next()) else {
        return Err("usage: timing DIR QUERIES [ROUNDS]".into());
    };
    let rounds: usize = args.next().map_or(Ok(20), |r| r.parse())?;
    let index = SearchIndex::open(Some(std::path::Path::new(&dir)))?;
    index.set_ready(true);
    let queries: Vec<String> = std::fs::read_to_string(queries)?
        .lines()
        .map(str::to_owned)
        .collect();
    let limit = std::env::var("LIMIT").map_or(Ok(10), |l| l.parse())?;
    let mut all = [Vec::new(), Vec::new()];
    println!(
        "{:32} {:>10} {:>10} {:>6} total",
        "query", "as run", "every", "same"
    );
    for query in &queries {
        let request = Request {
            text: query.clone(),
            limit,
            ..Request::default()
        };
        // The two ways take turns, after a search each that is not timed: what the
        // first search reads from disk or caches is not counted against either.
        let mut times = [Vec::new(), Vec::new()];
        let mut pages: [Results; 2] = Default::default();
        for round in 0..=rounds {
            for (way, exhaustive) in [false, true].into_iter().enumerate() {
                index.score_every_match(exhaustive);
                let start = Instant::now();
                pages[way] = index.search(&request)?;
                if round > 0 {
                    times[way].push(start.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }
        let mut medians = [0.0; 2];
        for (way, mut times) in times.into_iter().enumerate() {
            times.sort_by(f64::total_cmp);
            medians[way] = times[times.len() / 2];
            all[way].extend(times);
        }
        let ids = |r: &Results| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
        let (shown, every) = (ids(&pages[0]), ids(&pages[1]));
        let same = shown.iter().filter(|id| every.contains(id)).count();
        let totals = if pages[0].total == pages[1].total {
            format!("{}", pages[0].total)
        } else {
            format!("{} vs {}", pages[0].total, pages[1].total)
        };
        println!(
            "{query:32} {:7.3} ms {:7.3} ms {same:3}/{:<2} {totals}",
            medians[0],
            medians[1],
            every.len()
        );
    }
    for (way, times) in all.iter_mut().enumerate() {
        times.sort_by(f64::total_cmp);
        println!(
            "{}: p50 {:.3} ms, p95 {:.3} ms, mean {:.3} ms",
            ["as run", "every match scored"][way],
            times[times.len() / 2],
            times[times.len() * 95 / 100],
            times.iter().sum::<f64>() / times.len() as f64
        );
    }
    Ok(())
}

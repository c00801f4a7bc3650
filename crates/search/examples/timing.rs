//! Times searches against an index on disk, a query per line of a file:
//! `cargo run --release -p kolokol-search --example timing -- DIR QUERIES [ROUNDS]`.
//! For profiling the engine alone (bench/search.sh measures the whole server).

use std::time::Instant;

use kolokol_search::{Request, SearchIndex};

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
    let mut all = Vec::new();
    for query in &queries {
        let request = Request {
            text: query.clone(),
            limit: 10,
            ..Request::default()
        };
        let mut times = Vec::new();
        for _ in 0..rounds {
            let start = Instant::now();
            let results = index.search(&request)?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(results);
        }
        times.sort_by(f64::total_cmp);
        println!("{query:32} {:7.3} ms", times[times.len() / 2]);
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all: p50 {:.3} ms, p95 {:.3} ms",
        all[all.len() / 2],
        all[all.len() * 95 / 100]
    );
    Ok(())
}

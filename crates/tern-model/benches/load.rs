//! Load+model timings for the largest real specs (a bench binary, no harness).
//!
//! `cargo bench -p tern-model --bench load [-- FILE…]` — defaults to the GitHub and Civis specs
//! in `../shared/specs`. Prints, per file: parse (tern-spec), model (tern-model) and total times
//! over repeated runs (min / median), plus the first-diagnostic position cost.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .collect();
    let files = if args.is_empty() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs");
        vec![
            base.join("corpus/github/api.github.com.json"),
            base.join("seeds/civis.json"),
            base.join("corpus/pipedrive/pipedrive.yaml"),
        ]
    } else {
        args
    };
    println!("| file | MB | parse min / med (ms) | model min / med (ms) | total min / med (ms) | positions (ms) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for file in files {
        let Ok(bytes) = std::fs::read(&file) else {
            eprintln!("skipping {}: not readable", file.display());
            continue;
        };
        let url = match std::path::absolute(&file)
            .ok()
            .and_then(|p| tern_spec::Url::from_file_path(p).ok())
        {
            Some(u) => u,
            None => continue,
        };
        let (mut parse, mut model, mut total) = (Vec::new(), Vec::new(), Vec::new());
        let mut positions = Duration::ZERO;
        for run in 0..RUNS {
            let t0 = Instant::now();
            let loaded = match tern_spec::load_bytes(url.clone(), bytes.clone()) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    break;
                }
            };
            let t1 = Instant::now();
            let (m, _diags) = tern_model::build(&loaded.spec);
            let t2 = Instant::now();
            std::hint::black_box(&m);
            parse.push(t1 - t0);
            model.push(t2 - t1);
            total.push(t2 - t0);
            if run == 0 {
                // What the first diagnostic costs on a JSON file: building its position index.
                let t = Instant::now();
                std::hint::black_box(loaded.spec.file(tern_spec::FileId::ROOT).locate("/paths"));
                positions = t.elapsed();
            }
        }
        if total.is_empty() {
            continue;
        }
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let min = |v: &Vec<Duration>| v.iter().min().copied().unwrap_or_default();
        println!(
            "| {name} | {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} |",
            bytes.len() as f64 / 1e6,
            ms(min(&parse)),
            ms(median(parse.clone())),
            ms(min(&model)),
            ms(median(model.clone())),
            ms(min(&total)),
            ms(median(total.clone())),
            ms(positions)
        );
    }
}

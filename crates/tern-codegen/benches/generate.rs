//! Generation timings (a bench binary, no harness): spec file → every file of the SDK crate,
//! as `tern generate` does it, minus writing to disk.
//!
//! `cargo bench -p tern-codegen --bench generate [-- FILE…]` — defaults to the GitHub, Civis
//! and Oxide specs in `../shared/specs`. Prints load+model, generate and total times over
//! repeated runs (min / median) and the size of the output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 9;

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
            base.join("corpus/oxide/nexus.json"),
        ]
    } else {
        args
    };
    println!("| file | load + model min / med (ms) | generate min / med (ms) | total min / med (ms) | files | MB written |");
    println!("|---|---:|---:|---:|---:|---:|");
    for file in files {
        if !file.exists() {
            eprintln!("skipping {}: not found", file.display());
            continue;
        }
        let (mut load, mut gen, mut total) = (Vec::new(), Vec::new(), Vec::new());
        let mut out = Vec::new();
        for _ in 0..RUNS {
            let t0 = Instant::now();
            let loaded = tern_spec::load_path(&file).unwrap();
            let (model, _) = tern_model::build(&loaded.spec);
            let t1 = Instant::now();
            out = tern_codegen::generate(&model, &tern_codegen::Options::new("bench-sdk"));
            let t2 = Instant::now();
            load.push(t1 - t0);
            gen.push(t2 - t1);
            total.push(t2 - t0);
        }
        let bytes: usize = out.iter().map(|f| f.contents.len()).sum();
        let (lmin, gmin, tmin) = (
            *load.iter().min().unwrap(),
            *gen.iter().min().unwrap(),
            *total.iter().min().unwrap(),
        );
        println!(
            "| {} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | {} | {:.2} |",
            file.file_name().unwrap().to_string_lossy(),
            ms(lmin),
            ms(median(load)),
            ms(gmin),
            ms(median(gen)),
            ms(tmin),
            ms(median(total)),
            out.len(),
            bytes as f64 / 1e6
        );
    }
}

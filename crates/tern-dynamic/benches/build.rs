//! Time (and, run under `/usr/bin/time -v`, peak memory) to build a ready dynamic client from a
//! spec file: load, model, name, set up the HTTP client.
//!
//! `cargo bench -p tern-dynamic --bench build [-- SPEC [RUNS]]` (default: ../shared/specs/seeds/civis.json).

use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let spec = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/specs/seeds/civis.json"
        )
        .to_owned()
    });
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(15);
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let client = rt.block_on(
            tern_dynamic::DynamicClient::builder()
                .spec_path(&spec)
                .api_key("bench")
                .cache(tern_dynamic::CacheOptions {
                    enabled: false,
                    ..Default::default()
                })
                .build(),
        );
        times.push(t.elapsed());
        match client {
            Ok(c) => {
                std::hint::black_box(c.resources().len());
            }
            Err(e) => {
                eprintln!("{e}");
                return;
            }
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "build a ready client from {spec}: min {:.1} ms, median {:.1} ms over {runs} runs",
        ms(times[0]),
        ms(times[times.len() / 2])
    );
}

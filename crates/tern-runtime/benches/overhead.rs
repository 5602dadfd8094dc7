//! Per-call overhead of tern-runtime against raw reqwest, on the same loopback server:
//! sequential latency and throughput with 64 calls in flight. Both sides decode the JSON body
//! into `serde_json::Value`. Runs alternate A/B to cancel drift; medians are reported.
//!
//! `cargo bench -p tern-runtime --bench overhead`

use futures_util::StreamExt;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BODY: &str = r#"{"id":42,"name":"workflow","state":"running","tags":["a","b","c"],"created_at":"2024-01-01T00:00:00Z"}"#;

/// A minimal keep-alive HTTP/1.1 server answering every GET with `BODY`.
async fn serve(listener: TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let response = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}", BODY.len());
            let mut buf = vec![0u8; 8192];
            let mut pending = Vec::new();
            loop {
                let Ok(n) = stream.read(&mut buf).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                pending.extend_from_slice(&buf[..n]);
                while let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    pending.drain(..i + 4);
                    if stream.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

/// Reads and decodes a raw reqwest response, as a hand-written client would.
async fn finish(response: Result<reqwest::Response, reqwest::Error>) {
    let Ok(response) = response.and_then(|r| r.error_for_status()) else {
        return;
    };
    let body = response.bytes().await.unwrap_or_default();
    std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body).ok());
}

async fn raw_call(client: &reqwest::Client, url: &str) {
    finish(client.get(url).send().await).await;
}

/// Raw reqwest doing what tern-runtime does by default: a 60 s per-request timeout and a
/// User-Agent.
async fn raw_equivalent_call(client: &reqwest::Client, url: &str) {
    let request = client
        .get(url)
        .timeout(Duration::from_secs(60))
        .header(reqwest::header::USER_AGENT, "tern-runtime/0.1.0");
    finish(request.send().await).await;
}

async fn tern_call(client: &tern_runtime::Client) {
    std::hint::black_box(
        client
            .send::<serde_json::Value>(
                tern_runtime::Request::get("/workflows/{id}").path_param("id", 42),
            )
            .await
            .ok(),
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return;
        }
    };
    rt.block_on(async {
        let Ok(listener) = TcpListener::bind("127.0.0.1:0").await else { return };
        let Ok(addr) = listener.local_addr() else { return };
        tokio::spawn(serve(listener));
        let base = format!("http://{addr}");
        let url = format!("{base}/workflows/42");
        let raw = reqwest::Client::new();
        let Ok(tern) = tern_runtime::Client::builder(&base).build() else { return };

        // `OVERHEAD_ONLY=raw|tern N`: just N sequential calls of one side (for `perf stat`).
        if let Ok(side) = std::env::var("OVERHEAD_ONLY") {
            let n: usize = std::env::var("OVERHEAD_N").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
            for _ in 0..n {
                if side == "raw" {
                    raw_call(&raw, &url).await;
                } else {
                    tern_call(&tern).await;
                }
            }
            return;
        }
        const SEQ: usize = 3000;
        const PAR: usize = 20_000;
        const ROUNDS: usize = 7;
        // Warm both pools.
        for _ in 0..200 {
            raw_call(&raw, &url).await;
            tern_call(&tern).await;
        }
        let (mut raw_lat, mut tern_lat, mut raw_tp, mut tern_tp) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut eq_lat, mut eq_tp) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let t = Instant::now();
            for _ in 0..SEQ {
                raw_call(&raw, &url).await;
            }
            raw_lat.push(t.elapsed().as_secs_f64() * 1e6 / SEQ as f64);
            let t = Instant::now();
            for _ in 0..SEQ {
                raw_equivalent_call(&raw, &url).await;
            }
            eq_lat.push(t.elapsed().as_secs_f64() * 1e6 / SEQ as f64);
            let t = Instant::now();
            for _ in 0..SEQ {
                tern_call(&tern).await;
            }
            tern_lat.push(t.elapsed().as_secs_f64() * 1e6 / SEQ as f64);

            let t = Instant::now();
            futures_util::stream::iter(0..PAR).for_each_concurrent(64, |_| raw_call(&raw, &url)).await;
            raw_tp.push(PAR as f64 / t.elapsed().as_secs_f64());
            let t = Instant::now();
            futures_util::stream::iter(0..PAR).for_each_concurrent(64, |_| raw_equivalent_call(&raw, &url)).await;
            eq_tp.push(PAR as f64 / t.elapsed().as_secs_f64());
            let t = Instant::now();
            futures_util::stream::iter(0..PAR).for_each_concurrent(64, |_| tern_call(&tern)).await;
            tern_tp.push(PAR as f64 / t.elapsed().as_secs_f64());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (rl, tl, rt_, tt) = (median(raw_lat), median(tern_lat), median(raw_tp), median(tern_tp));
        let (el, et) = (median(eq_lat), median(eq_tp));
        println!("| measure | raw reqwest | raw + timeout + UA | tern-runtime | tern / raw | tern / raw+timeout+UA |");
        println!("|---|---:|---:|---:|---:|---:|");
        println!("| sequential latency (µs/call, median of {ROUNDS}×{SEQ}) | {rl:.1} | {el:.1} | {tl:.1} | {:.3}× | {:.3}× |", tl / rl, tl / el);
        println!("| throughput, 64 in flight (calls/s, median of {ROUNDS}×{PAR}) | {rt_:.0} | {et:.0} | {tt:.0} | {:.3}× | {:.3}× |", tt / rt_, tt / et);
    });
}

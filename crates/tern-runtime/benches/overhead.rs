//! Per-call overhead of tern-runtime against raw reqwest, on the same loopback server (its own
//! thread): sequential latency on a current-thread and on a 2-worker runtime, and throughput
//! with 64 calls in flight. Both sides decode the JSON body into `serde_json::Value`. Each round
//! measures every side, starting with another side each round; ratios are taken within a round
//! and their median reported. Raw measured twice ("control") shows the benchmark's own noise.
//!
//! `cargo bench -p tern-runtime --bench overhead` (`OVERHEAD_ROUNDS=N`, default 31, ~70 s).

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

/// The contenders; `RawControl` is raw reqwest measured a second time like the others, so the
/// table shows what ratio two identical runs get (the benchmark's own noise).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Raw,
    RawControl,
    RawEquivalent,
    Tern,
}

const SIDES: [Side; 4] = [Side::Raw, Side::RawControl, Side::RawEquivalent, Side::Tern];

/// What one measurement does: `n` sequential calls (µs per call) or `n` calls 64 in flight
/// (calls per second).
#[derive(Clone, Copy)]
enum Kind {
    Latency(usize),
    Throughput(usize),
}

struct Clients {
    raw: reqwest::Client,
    tern: tern_runtime::Client,
    url: String,
}

impl Clients {
    /// Every side sends through one `reqwest::Client` (tern-runtime takes it as its HTTP
    /// client): the same connection pool, so the same connections and connection tasks, and
    /// where the scheduler placed those weighs on every side alike. It is configured as
    /// tern-runtime's built-in client is (reqwest's own retry layer off, a connect timeout), so
    /// that the comparison is of the work above reqwest alone.
    fn new(base: &str) -> Option<Clients> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .build()
            .ok()?;
        Some(Clients {
            raw: http.clone(),
            tern: tern_runtime::Client::builder(base)
                .http_client(http)
                .build()
                .ok()?,
            url: format!("{base}/workflows/42"),
        })
    }

    async fn call(&self, side: Side) {
        match side {
            Side::Raw | Side::RawControl => raw_call(&self.raw, &self.url).await,
            Side::RawEquivalent => raw_equivalent_call(&self.raw, &self.url).await,
            Side::Tern => tern_call(&self.tern).await,
        }
    }

    async fn measure(&self, side: Side, kind: Kind) -> f64 {
        let t = Instant::now();
        match kind {
            Kind::Latency(n) => {
                for _ in 0..n {
                    self.call(side).await;
                }
                t.elapsed().as_secs_f64() * 1e6 / n as f64
            }
            Kind::Throughput(n) => {
                futures_util::stream::iter(0..n)
                    .for_each_concurrent(64, |_| self.call(side))
                    .await;
                n as f64 / t.elapsed().as_secs_f64()
            }
        }
    }

    /// Warms every side's connections.
    async fn warm(&self, kind: Kind) {
        for side in SIDES {
            self.measure(side, kind).await;
        }
    }

    /// One round: every side once, starting with another side each round so that none
    /// always runs first or last.
    async fn round(&self, round: usize, kind: Kind, results: &mut Results) {
        let mut values = [0.0; 4];
        for k in 0..SIDES.len() {
            let i = (round + k) % SIDES.len();
            values[i] = self.measure(SIDES[i], kind).await;
        }
        results.push(values);
    }
}

/// Per-round values of each side; ratios are taken within a round (paired), then the median.
#[derive(Default)]
struct Results(Vec<[f64; 4]>);

impl Results {
    fn push(&mut self, values: [f64; 4]) {
        self.0.push(values);
    }
    fn median(&self, side: usize) -> f64 {
        median(self.0.iter().map(|v| v[side]).collect())
    }
    fn ratio(&self, side: usize, to: usize) -> f64 {
        median(self.0.iter().map(|v| v[side] / v[to]).collect())
    }
    fn row(&self, label: &str, digits: usize) {
        let (raw, control, eq, tern) = (0, 1, 2, 3);
        println!(
            "| {label} | {:.digits$} | {:.digits$} | {:.digits$} | {:.digits$} | {:.3}× | **{:.3}×** | {:.3}× |",
            self.median(raw),
            self.median(control),
            self.median(eq),
            self.median(tern),
            self.ratio(control, raw),
            self.ratio(tern, raw),
            self.ratio(tern, eq),
        );
    }
}

/// The server runs on a thread and runtime of its own, so that its work is not scheduled among
/// the client's tasks (a real server is elsewhere); returns its address.
fn start_server() -> Option<std::net::SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
    let addr = listener.local_addr().ok()?;
    listener.set_nonblocking(true).ok()?;
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            if let Ok(listener) = TcpListener::from_std(listener) {
                serve(listener).await;
            }
        });
    });
    Some(addr)
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let Some(addr) = start_server() else {
        eprintln!("cannot start the server");
        return;
    };
    let base = format!("http://{addr}");
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let (Ok(multi), Ok(single)) = (multi, single) else {
        eprintln!("cannot start a runtime");
        return;
    };

    // `OVERHEAD_ONLY=raw|tern`, `OVERHEAD_N=N`: just N calls of one side, sequential or (with
    // `OVERHEAD_PARALLEL=1`) 64 in flight, on the 2-worker runtime (the current-thread one with
    // `OVERHEAD_SINGLE=1`), for `perf` and callgrind.
    if let Ok(only) = std::env::var("OVERHEAD_ONLY") {
        let n = env_number("OVERHEAD_N", 20_000);
        let side = if only == "raw" { Side::Raw } else { Side::Tern };
        let kind = if std::env::var_os("OVERHEAD_PARALLEL").is_some() {
            Kind::Throughput(n)
        } else {
            Kind::Latency(n)
        };
        let rt = if std::env::var_os("OVERHEAD_SINGLE").is_some() {
            &single
        } else {
            &multi
        };
        rt.block_on(async {
            if let Some(clients) = Clients::new(&base) {
                clients.measure(side, kind).await;
            }
        });
        return;
    }

    let rounds = env_number("OVERHEAD_ROUNDS", 31);
    const SEQ: usize = 1000;
    const PAR: usize = 20_000;

    // Sequential calls on a current-thread runtime: the client's work and its connection's run
    // on one thread, so each call's latency is its CPU work plus the loopback round trip, with
    // no thread hand-offs to vary from run to run.
    let mut single_results = Results::default();
    single.block_on(async {
        let Some(clients) = Clients::new(&base) else {
            return;
        };
        clients.warm(Kind::Latency(300)).await;
        for round in 0..rounds {
            clients
                .round(round, Kind::Latency(SEQ), &mut single_results)
                .await;
        }
    });

    // Sequential calls on a 2-worker runtime (as under `#[tokio::main]`): each call crosses
    // threads, and where the scheduler puts the connection's task moves the latency by up to
    // 40% between runs; fresh clients every round sample that placement instead of fixing it.
    let mut multi_results = Results::default();
    let mut throughput = Results::default();
    multi.block_on(async {
        for round in 0..rounds {
            let Some(clients) = Clients::new(&base) else {
                return;
            };
            clients.warm(Kind::Latency(100)).await;
            clients
                .round(round, Kind::Latency(SEQ), &mut multi_results)
                .await;
        }
        // Throughput: 64 calls in flight (up to 64 connections per client), 2 workers.
        let Some(clients) = Clients::new(&base) else {
            return;
        };
        clients.warm(Kind::Throughput(2000)).await;
        for round in 0..rounds {
            clients
                .round(round, Kind::Throughput(PAR), &mut throughput)
                .await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });

    println!("| measure (median of {rounds} rounds) | raw reqwest | raw control | raw + timeout + UA | tern-runtime | control / raw | tern / raw | tern / raw+timeout+UA |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    single_results.row(
        &format!("sequential latency, current-thread runtime (µs/call, {SEQ} calls a round)"),
        1,
    );
    multi_results.row(
        &format!("sequential latency, 2-worker runtime (µs/call, {SEQ} calls a round)"),
        1,
    );
    throughput.row(
        &format!("throughput, 64 in flight, 2-worker runtime (calls/s, {PAR} calls a round)"),
        0,
    );
}

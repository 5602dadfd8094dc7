//! Fault injection: 2,000 calls against a local server that answers ~30% of requests with
//! 429, 500, 503, a connection reset, a stall or a truncated body. Every call must end in
//! success or a typed error, without panics, and no POST may be executed under two different
//! idempotency keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tern_runtime::{Error, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The fault schedule's seed (`TERN_FAULT_SEED` overrides it): the n-th connection's fault is
/// drawn from `seed + n`, so a run's faults can be replayed.
fn seed() -> u64 {
    std::env::var("TERN_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7e57_fa17)
}

/// Connections served so far.
static CONNECTIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

type Executed = Arc<Mutex<HashMap<u64, HashSet<String>>>>;

async fn read_request(
    stream: &mut TcpStream,
) -> Option<(String, HashMap<String, String>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let method = lines.next()?.split_whitespace().next()?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((method, headers, body))
}

async fn handle(mut stream: TcpStream, executed: Executed) {
    let Some((method, headers, body)) = read_request(&mut stream).await else {
        return;
    };
    let call: Option<u64> = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["call"].as_u64());
    let execute = |executed: &Executed| {
        if method == "POST" {
            if let (Some(call), Some(key)) = (call, headers.get("idempotency-key")) {
                executed
                    .lock()
                    .unwrap()
                    .entry(call)
                    .or_default()
                    .insert(key.clone());
            }
        }
    };
    let n = CONNECTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let roll = fastrand::Rng::with_seed(seed().wrapping_add(n)).u32(0..100);
    let respond = |status: &str, extra: &str, body: &str| {
        format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}", body.len())
    };
    let reply = match roll {
        0..=5 => respond("429 Too Many Requests", "retry-after: 0\r\n", "{}"),
        6..=11 => respond("500 Internal Server Error", "", "{\"message\":\"boom\"}"),
        12..=17 => respond("503 Service Unavailable", "", ""),
        18..=21 => {
            // Reset: close without answering, with SO_LINGER 0 so the peer sees RST.
            let _ = stream.set_zero_linger();
            return;
        }
        22..=25 => {
            execute(&executed);
            tokio::time::sleep(Duration::from_millis(400)).await;
            return;
        }
        26..=29 => {
            execute(&executed);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50\r\nconnection: close\r\n\r\n{\"ok\":tr").await;
            return;
        }
        _ => {
            execute(&executed);
            respond(
                "200 OK",
                "",
                &format!("{{\"ok\":true,\"call\":{}}}", call.unwrap_or(0)),
            )
        }
    };
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_calls_under_faults() {
    println!("fault seed {} (TERN_FAULT_SEED to replay)", seed());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let executed: Executed = Arc::default();
    let server_state = executed.clone();
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            tokio::spawn(handle(stream, server_state.clone()));
        }
    });

    let (b, _) = support::builder(&format!("http://{addr}"));
    let client = b
        .timeout(Duration::from_millis(150))
        .idempotency_header("Idempotency-Key")
        .retry_budget(1_000_000)
        .build()
        .unwrap();
    let outcomes: Vec<Result<serde_json::Value, Error>> = futures_util::stream::iter(0..2000u64)
        .map(|i| {
            let client = client.clone();
            async move {
                let request = if i % 2 == 0 {
                    Request::post("/calls")
                        .json(&serde_json::json!({"call": i}))
                        .unwrap()
                } else {
                    Request::get("/calls").query("call", i)
                };
                client.send::<serde_json::Value>(request).await
            }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    server.abort();

    let mut ok = 0;
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    for o in &outcomes {
        match o {
            Ok(v) => {
                assert_eq!(v["ok"], true);
                ok += 1;
            }
            Err(e) => {
                let kind = match e {
                    Error::RateLimit(_) => "rate-limit",
                    Error::InternalServer(_) => "5xx",
                    Error::Connection { .. } => "connection",
                    Error::Timeout { .. } => "timeout",
                    other => panic!("unexpected error kind: {other:?}"),
                };
                *kinds.entry(kind).or_default() += 1;
            }
        }
    }
    assert_eq!(outcomes.len(), 2000);
    // Three attempts at a 30% failure rate: about 2.7% of calls fail every attempt.
    assert!(
        ok >= 1850,
        "only {ok} of 2000 calls succeeded; failures: {kinds:?}"
    );
    let executed = executed.lock().unwrap();
    for (call, keys) in executed.iter() {
        assert_eq!(
            keys.len(),
            1,
            "POST call {call} was executed under different idempotency keys: {keys:?}"
        );
    }
    assert!(
        executed.len() > 900,
        "most POSTs executed ({})",
        executed.len()
    );
    println!(
        "2000 calls: {ok} succeeded, failures {kinds:?}; {} POSTs executed, each under one key",
        executed.len()
    );
}

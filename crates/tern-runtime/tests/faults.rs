//! Chaos at scale: 10,000 calls, 64 in flight, against a local server that answers ~30% of
//! attempts with a fault — 429, 500, 503, a connection reset, a stall, a truncated body, a body
//! that trickles slower than the timeout, a body far over the client's size bound, a head of
//! 200 KB (2,000 headers) or 512 KB, invalid JSON, a garbage status line, invalid chunking.
//!
//! Each attempt's fault is drawn from the seed, the call and the attempt number, so what every
//! call must end in — and after how many attempts — is known before it is made, whatever order
//! the calls reach the server in. The test checks each call's outcome (success or the typed
//! error of the right kind) and attempt count against that, that nothing panics, that no POST
//! reaches the server under two idempotency keys, and that memory stays flat.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};
use tern_runtime::{Error, Request, RequestOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CALLS: u64 = 10_000;
const IN_FLIGHT: usize = 64;
/// Calls completed before the first memory reading: by then connections, buffers and the
/// allocator's arenas have reached their working size.
const WARM_UP: usize = 1_000;
/// Retries after the first attempt (the default policy's).
const MAX_RETRIES: u32 = 2;
/// Each attempt's timeout: long enough that a proper answer never misses it on a loaded
/// two-core machine (they take milliseconds), short enough that stalls keep the run brief.
const TIMEOUT: Duration = Duration::from_millis(500);
/// The client's response size bound.
const MAX_BODY: usize = 64 << 10;
/// What the too-large fault sends: 16 times the bound.
const BIG_BODY: usize = 1 << 20;
/// The resident memory the 9,000 calls after the warm-up may add. The warm-up has run every
/// fault at full concurrency already, so what follows adds noise only (+0.5 to +1.6 MiB
/// measured across seeds); a second full set of in-flight buffers on top — 64 calls × (a
/// 64 KiB body + hyper's read buffer, ~400 KiB at most) ≈ 29 MiB — is not a realistic
/// outcome, and the bound is set below it to catch leaks: a leak of 2 KiB per call (17.6 MiB
/// over 9,000 calls) fails it, and one of 4 KiB per call measured +44 MiB.
const MAX_RSS_GROWTH: u64 = 16 << 20;

/// The fault schedule's seed (`TERN_FAULT_SEED` overrides it).
fn seed() -> u64 {
    std::env::var("TERN_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7e57_fa17)
}

/// What the server does to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    /// 429 with `retry-after: 0`.
    RateLimit,
    /// 500 with a JSON message.
    ServerError,
    /// 503, empty.
    Unavailable,
    /// The connection closed with RST, no answer.
    Reset,
    /// No answer until well past the timeout, then a close.
    Stall,
    /// 50 bytes announced, 8 sent, then a close.
    Truncated,
    /// 1,000 bytes announced and sent a byte at a time, slower than the timeout.
    Trickle,
    /// 1 MiB against the client's 64 KiB bound: announced by `content-length`, or (the coin's
    /// other side) sent until the connection closes.
    TooLarge,
    /// A 200 with 200 KB of headers in 2,000 lines (more than the client accepts) or, the
    /// coin's other side, 512 KB in 8 lines (more than its head buffer holds).
    HugeHead,
    /// A 200 whose complete body is not JSON.
    BadJson,
    /// A status line that is not HTTP, or (the coin's other side) a status code that is not
    /// a number.
    GarbageStatus,
    /// A 200 whose chunked body has a chunk size that is not hexadecimal.
    BadChunk,
    /// A proper 200.
    None,
}

/// Each fault's share of attempts, in percent; the other 70% are answered properly.
const MIX: [(Fault, u32); 12] = [
    (Fault::RateLimit, 4),
    (Fault::ServerError, 4),
    (Fault::Unavailable, 3),
    (Fault::Reset, 3),
    (Fault::Stall, 3),
    (Fault::Truncated, 3),
    (Fault::Trickle, 2),
    (Fault::TooLarge, 2),
    (Fault::HugeHead, 2),
    (Fault::BadJson, 2),
    (Fault::GarbageStatus, 2),
    (Fault::BadChunk, 1),
];

/// How a call ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Ok,
    RateLimit,
    InternalServer,
    Connection,
    Timeout,
    ResponseTooLarge,
    Protocol,
    Decode,
    /// Any other outcome (another error, a wrong body): always a failure of this test.
    Unexpected,
}

impl Fault {
    /// What an attempt meeting this fault ends in.
    fn kind(self) -> Kind {
        match self {
            Fault::RateLimit => Kind::RateLimit,
            Fault::ServerError | Fault::Unavailable => Kind::InternalServer,
            Fault::Reset | Fault::Truncated => Kind::Connection,
            Fault::Stall | Fault::Trickle => Kind::Timeout,
            Fault::TooLarge => Kind::ResponseTooLarge,
            Fault::HugeHead | Fault::GarbageStatus | Fault::BadChunk => Kind::Protocol,
            Fault::BadJson => Kind::Decode,
            Fault::None => Kind::Ok,
        }
    }

    /// Whether the client tries again after it (the default policy).
    fn retried(self) -> bool {
        matches!(
            self.kind(),
            Kind::RateLimit | Kind::InternalServer | Kind::Connection | Kind::Timeout
        )
    }

    /// Whether the server acted on a POST before failing it (so that a retry executes it once
    /// more: safe only under the same idempotency key).
    fn executes(self) -> bool {
        !matches!(
            self,
            Fault::RateLimit | Fault::ServerError | Fault::Unavailable | Fault::Reset
        )
    }
}

/// The fault met by a call's attempt (`attempt` counts the retries before it), and a coin for
/// the faults that come in two forms.
fn draw(call: u64, attempt: u32) -> (Fault, bool) {
    let stream = (call << 2 | u64::from(attempt)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut rng = fastrand::Rng::with_seed(seed() ^ stream);
    let mut roll = rng.u32(0..100);
    let coin = rng.bool();
    for (fault, share) in MIX {
        if roll < share {
            return (fault, coin);
        }
        roll -= share;
    }
    (Fault::None, coin)
}

/// What a call must end in, and after how many attempts.
fn expected(call: u64) -> (Kind, u32) {
    let mut attempt = 0;
    loop {
        let (fault, _) = draw(call, attempt);
        if !fault.retried() || attempt == MAX_RETRIES {
            return (fault.kind(), attempt + 1);
        }
        attempt += 1;
    }
}

/// What the server saw of one call.
#[derive(Debug, Default, Clone)]
struct Seen {
    /// Requests received, by retry count (0 = the first attempt).
    attempts: [u8; 4],
    /// The idempotency key of its first request.
    key: Option<String>,
    /// A different key a later request carried.
    other_key: Option<String>,
    /// Requests the server acted on.
    executed: u8,
}

/// The server's record, allocated in full up front (so that it does not count as growth).
struct Record {
    calls: Mutex<Vec<Seen>>,
    faults: Mutex<BTreeMap<Fault, usize>>,
}

impl Record {
    fn new() -> Self {
        Record {
            calls: Mutex::new(vec![Seen::default(); CALLS as usize]),
            faults: Mutex::new(MIX.iter().map(|&(f, _)| (f, 0)).collect()),
        }
    }

    fn note(&self, call: u64, attempt: u32, fault: Fault, request: &Received) {
        if let Some(n) = self.faults.lock().unwrap().get_mut(&fault) {
            *n += 1;
        }
        let mut calls = self.calls.lock().unwrap();
        let Some(seen) = calls.get_mut(call as usize) else {
            return;
        };
        seen.attempts[(attempt as usize).min(3)] += 1;
        if let Some(key) = request.headers.get("idempotency-key") {
            match &seen.key {
                None => seen.key = Some(key.clone()),
                Some(first) if first != key => seen.other_key = Some(key.clone()),
                Some(_) => {}
            }
        }
        if request.method == "POST" && fault.executes() {
            seen.executed += 1;
        }
    }
}

/// A request as the server read it.
struct Received {
    method: String,
    target: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Received {
    /// The call number: the `call` query parameter of a GET, the `call` field of a POST.
    fn call(&self) -> Option<u64> {
        if self.method == "POST" {
            return serde_json::from_slice::<serde_json::Value>(&self.body)
                .ok()?
                .get("call")?
                .as_u64();
        }
        let (_, query) = self.target.split_once('?')?;
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("call="))?
            .parse()
            .ok()
    }

    /// Retries before this attempt, from the `x-retry-count` header the client sends.
    fn attempt(&self) -> Option<u32> {
        self.headers.get("x-retry-count")?.parse().ok()
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Received> {
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
    let mut request_line = lines.next()?.split_whitespace();
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
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
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

fn response(status: &str, extra: &str, body: &str) -> Cow<'static, [u8]> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into()
}

/// The heads of [`Fault::HugeHead`]: 200 KB in 2,000 headers of 100 bytes, and 512 KB in 8 of
/// 64 KiB.
static HUGE_HEADS: LazyLock<[String; 2]> = LazyLock::new(|| {
    let head = |lines: usize, len: usize| {
        let mut head = String::from("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n");
        for i in 0..lines {
            head.push_str(&format!("x-filler-{i:04}: {}\r\n", "y".repeat(len - 17)));
        }
        head.push_str("content-length: 2\r\nconnection: close\r\n\r\n{}");
        head
    };
    [head(2000, 100), head(8, 64 << 10)]
});

/// The too-large body, made once.
static BIG: LazyLock<Vec<u8>> = LazyLock::new(|| vec![b' '; BIG_BODY]);

async fn handle(mut stream: TcpStream, record: Arc<Record>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let (Some(call), Some(attempt)) = (request.call(), request.attempt()) else {
        // Not a call of this test: a 400 the test reports as unexpected.
        let _ = stream.write_all(&response("400 Bad Request", "", "")).await;
        return;
    };
    let (fault, coin) = draw(call, attempt);
    record.note(call, attempt, fault, &request);
    let reply = match fault {
        Fault::RateLimit => response("429 Too Many Requests", "retry-after: 0\r\n", "{}"),
        Fault::ServerError => response("500 Internal Server Error", "", r#"{"message":"boom"}"#),
        Fault::Unavailable => response("503 Service Unavailable", "", ""),
        Fault::Reset => {
            // SO_LINGER 0: closing sends RST.
            let _ = stream.set_zero_linger();
            return;
        }
        Fault::Stall => {
            tokio::time::sleep(2 * TIMEOUT).await;
            return;
        }
        Fault::Truncated => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50\r\nconnection: close\r\n\r\n{\"ok\":tr").await;
            return;
        }
        Fault::Trickle => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n{";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            // A byte every fifth of the timeout, for three timeouts: the client gives up
            // first, and the next write or two fail.
            for _ in 0..15 {
                tokio::time::sleep(TIMEOUT / 5).await;
                if stream.write_all(b" ").await.is_err() {
                    return;
                }
            }
            return;
        }
        Fault::TooLarge => {
            let head = if coin {
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {BIG_BODY}\r\nconnection: close\r\n\r\n")
            } else {
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                    .to_owned()
            };
            // Sent until the client stops reading (the writes then fail).
            if stream.write_all(head.as_bytes()).await.is_ok() {
                let _ = stream.write_all(&BIG).await;
            }
            return;
        }
        Fault::HugeHead => Cow::Borrowed(HUGE_HEADS[usize::from(coin)].as_bytes()),
        Fault::BadJson => response("200 OK", "", &format!("{{\"ok\":true,\"call\":{call},}}")),
        Fault::GarbageStatus if coin => Cow::Borrowed(&b"220 mail.example.com ESMTP ready\r\n\r\n"[..]),
        Fault::GarbageStatus => Cow::Borrowed(
            &b"HTTP/1.1 2OO OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"[..],
        ),
        Fault::BadChunk => Cow::Borrowed(
            &b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"[..],
        ),
        Fault::None => response("200 OK", "", &format!("{{\"ok\":true,\"call\":{call}}}")),
    };
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
}

/// Even calls are POSTs (which carry an idempotency key), odd ones GETs.
fn request(call: u64) -> Request {
    if call % 2 == 0 {
        Request::post("/calls")
            .json(&serde_json::json!({"call": call}))
            .unwrap()
    } else {
        Request::get("/calls").query("call", call)
    }
}

fn kind(call: u64, outcome: &Result<serde_json::Value, Error>) -> Kind {
    match outcome {
        Ok(v) if v["ok"] == true && v["call"] == call => Kind::Ok,
        Ok(_) => Kind::Unexpected,
        Err(Error::RateLimit(_)) => Kind::RateLimit,
        Err(Error::InternalServer(_)) => Kind::InternalServer,
        Err(Error::Connection { .. }) => Kind::Connection,
        Err(Error::Timeout { .. }) => Kind::Timeout,
        Err(Error::ResponseTooLarge { limit, .. }) if *limit == MAX_BODY => Kind::ResponseTooLarge,
        Err(Error::Protocol { .. }) => Kind::Protocol,
        Err(Error::Decode(_)) => Kind::Decode,
        Err(_) => Kind::Unexpected,
    }
}

/// Resident memory in bytes (`/proc/self/statm`, Linux); `None` elsewhere.
fn rss(page_size: u64) -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size)
}

/// The page size `statm` counts in (from `/proc/self/smaps`; 4 KiB if it says nothing).
fn page_size() -> u64 {
    std::fs::read_to_string("/proc/self/smaps")
        .ok()
        .and_then(|smaps| {
            smaps.lines().find_map(|l| {
                let kb = l
                    .strip_prefix("KernelPageSize:")?
                    .trim()
                    .strip_suffix("kB")?;
                kb.trim().parse::<u64>().ok()
            })
        })
        .map_or(4096, |kb| kb * 1024)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_under_faults() {
    let started = Instant::now();
    // Panics anywhere in the process (hyper's connection tasks included) are counted.
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));
    println!("fault seed {} (TERN_FAULT_SEED to replay)", seed());

    let expected: Vec<(Kind, u32)> = (0..CALLS).map(expected).collect();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let record = Arc::new(Record::new());
    let server_record = record.clone();
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            tokio::spawn(handle(stream, server_record.clone()));
        }
    });
    LazyLock::force(&HUGE_HEADS);
    LazyLock::force(&BIG);

    let (b, _) = support::builder(&format!("http://{addr}"));
    let client = b
        .timeout(TIMEOUT)
        .idempotency_header("Idempotency-Key")
        .retry_budget(1_000_000)
        .options(RequestOptions::new().max_response_bytes(MAX_BODY))
        .build()
        .unwrap();
    let page_size = page_size();
    let client = &client;
    let mut calls = futures_util::stream::iter(0..CALLS)
        .map(|call| async move {
            let outcome = client.send::<serde_json::Value>(request(call)).await;
            let detail = match &outcome {
                Err(Error::Protocol { message, .. }) => Some(message.clone()),
                Err(e) => Some(e.to_string()),
                Ok(_) => None,
            };
            (call, kind(call, &outcome), detail)
        })
        .buffer_unordered(IN_FLIGHT);
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut done = 0;
    let mut rss_warm = None;
    let mut protocol: BTreeMap<String, usize> = BTreeMap::new();
    while let Some((call, got, detail)) = calls.next().await {
        *counts.entry(got).or_default() += 1;
        let (want, _) = expected[call as usize];
        if got != want {
            wrong.push(format!(
                "call {call}: expected {want:?}, got {got:?} ({detail:?})"
            ));
        } else if let (Kind::Protocol, Some(message)) = (got, detail) {
            *protocol.entry(message).or_default() += 1;
        }
        done += 1;
        if done == WARM_UP {
            rss_warm = rss(page_size);
        }
    }
    let rss_end = rss(page_size);
    server.abort();
    let elapsed = started.elapsed();

    // What the server saw: every attempt the schedule implies, no more; one key per POST.
    let seen = record.calls.lock().unwrap();
    let mut executed = 0;
    let mut executed_again = 0;
    for (call, seen) in seen.iter().enumerate() {
        let (_, attempts) = expected[call];
        let want: Vec<u8> = (0..4).map(|a| u8::from(a < attempts)).collect();
        if seen.attempts[..] != want[..] {
            wrong.push(format!(
                "call {call}: expected {attempts} attempts, the server saw {:?} by retry count",
                seen.attempts
            ));
        }
        if let Some(other) = &seen.other_key {
            wrong.push(format!(
                "POST call {call} reached the server under two idempotency keys: {:?} and {other}",
                seen.key
            ));
        }
        if call % 2 == 0 && seen.key.is_none() {
            wrong.push(format!("POST call {call} carried no idempotency key"));
        }
        executed += usize::from(seen.executed > 0);
        executed_again += usize::from(seen.executed > 1);
    }
    let faults = record.faults.lock().unwrap();
    let attempts: usize = seen.iter().flat_map(|s| s.attempts).map(usize::from).sum();
    let injected: usize = faults.values().sum();

    println!(
        "{CALLS} calls, {IN_FLIGHT} in flight: {attempts} attempts, {injected} faults ({:.1}%)",
        100.0 * injected as f64 / attempts as f64
    );
    for (fault, share) in MIX {
        let n = faults[&fault];
        println!(
            "  {fault:?}: {n} ({:.1}% of attempts; {share}% scheduled)",
            100.0 * n as f64 / attempts as f64
        );
    }
    println!("outcomes: {counts:?}");
    println!("protocol errors: {protocol:?}");
    println!(
        "POSTs executed: {executed}, {executed_again} of them more than once, each under one key"
    );
    match (rss_warm, rss_end) {
        (Some(warm), Some(end)) => println!(
            "RSS after {WARM_UP} calls: {:.1} MiB; after {CALLS}: {:.1} MiB ({:+.1} MiB)",
            mib(warm),
            mib(end),
            mib(end) - mib(warm)
        ),
        _ => println!("RSS: not measured (no /proc/self/statm)"),
    }
    println!("wall clock: {:.1} s", elapsed.as_secs_f64());

    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
    assert!(
        wrong.is_empty(),
        "{} departures from the schedule; the first:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
    assert_eq!(done, CALLS as usize);
    for (fault, _) in MIX {
        assert!(faults[&fault] > 0, "{fault:?} was never injected");
    }
    for kind in [
        Kind::Ok,
        Kind::RateLimit,
        Kind::InternalServer,
        Kind::Connection,
        Kind::Timeout,
        Kind::ResponseTooLarge,
        Kind::Protocol,
        Kind::Decode,
    ] {
        assert!(counts.contains_key(&kind), "no call ended in {kind:?}");
    }
    if let (Some(warm), Some(end)) = (rss_warm, rss_end) {
        assert!(
            end.saturating_sub(warm) < MAX_RSS_GROWTH,
            "resident memory grew by {:.1} MiB over {} calls",
            mib(end) - mib(warm),
            CALLS as usize - WARM_UP
        );
    }
}

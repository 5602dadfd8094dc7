//! `tern call` against a server that misbehaves (a plain TCP server on loopback, scripted per
//! path): truncated JSON, a body far over the limit, a body that trickles, deep nesting. Every
//! case ends, in bounded time and memory, with a clear message and an exit code of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Requests `/headers` received (one server per test process).
static HEADER_HITS: AtomicUsize = AtomicUsize::new(0);
/// Requests `/truncated` received with an `X-Api-Key` header (only the verbose test sends one:
/// the other tests calling `/truncated` run in parallel and must not count).
static TRUNCATED_HITS: AtomicUsize = AtomicUsize::new(0);

/// Serves the hostile paths on a free loopback port until the test process ends.
fn server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}

fn serve(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    // The rest of the request head: its length and media type are kept.
    let (mut length, mut media, mut authorization) = (0usize, String::new(), String::new());
    let mut api_key = false;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "content-type" => media = value.trim().to_owned(),
                "authorization" => authorization = value.trim().to_owned(),
                "x-api-key" => api_key = true,
                _ => {}
            }
        }
    }
    let head = |len: usize| {
        format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
    };
    match path.as_str() {
        "/truncated" => {
            if api_key {
                TRUNCATED_HITS.fetch_add(1, Ordering::SeqCst);
            }
            let body = r#"{"id": "x", "ok": tru"#;
            let _ = write!(stream, "{}{body}", head(body.len()));
        }
        "/big" => {
            // 256 MiB announced and sent until the client stops reading.
            let _ = stream.write_all(head(256 << 20).as_bytes());
            let chunk = vec![b' '; 64 << 10];
            for _ in 0..4096 {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
            }
        }
        "/stall" => {
            let _ = stream.write_all(head(1000).as_bytes());
            for _ in 0..1000 {
                if stream.write_all(b" ").is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "/headers" => {
            HEADER_HITS.fetch_add(1, Ordering::SeqCst);
            let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
            for i in 0..2000 {
                head.push_str(&format!("X-Filler-{i}: {}\r\n", "y".repeat(90)));
            }
            head.push_str("Content-Length: 2\r\nConnection: close\r\n\r\n{}");
            let _ = stream.write_all(head.as_bytes());
        }
        "/nested" => {
            let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
            let _ = write!(stream, "{}{body}", head(body.len()));
        }
        p if p.starts_with("/download") => {
            // `size` bytes of application/octet-stream: byte i is i mod 251.
            let size: usize = query(p, "size").unwrap_or(1024);
            let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n");
            let mut sent = 0;
            while sent < size {
                let chunk: Vec<u8> = (sent..size.min(sent + (64 << 10))).map(pattern).collect();
                if stream.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len();
            }
        }
        "/token" => {
            let reply = r#"{"access_token": "tok-SECRET-321", "expires_in": 3600}"#;
            let _ = write!(stream, "{}{reply}", head(reply.len()));
        }
        "/secure" => {
            let reply = format!(
                r#"{{"authorized": {}}}"#,
                authorization == "Bearer tok-SECRET-321"
            );
            let _ = write!(stream, "{}{reply}", head(reply.len()));
        }
        "/upload" => {
            // Echoes what arrived: its size, media type and first bytes.
            let mut body = vec![0u8; length];
            let _ = std::io::Read::read_exact(&mut reader, &mut body);
            let first: Vec<u8> = body.iter().take(4).copied().collect();
            let reply = format!(r#"{{"bytes": {length}, "type": "{media}", "first": {first:?}}}"#);
            let _ = write!(stream, "{}{reply}", head(reply.len()));
        }
        "/mismatch" => {
            let body = r#"{"id": "x7", "tags": ["a", 2]}"#;
            let _ = write!(stream, "{}{body}", head(body.len()));
        }
        p if p.starts_with("/endless") => {
            // Every page is full and another always follows.
            let page: u64 = query(p, "page").unwrap_or(1);
            let body = format!("[{{\"page\": {page}}}]");
            let _ = write!(stream, "{}{body}", head(body.len()));
        }
        _ => {
            let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
    }
}

/// A query parameter of a request path.
fn query<T: std::str::FromStr>(path: &str, name: &str) -> Option<T> {
    let (_, query) = path.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?
        .parse()
        .ok()
}

/// The byte at offset `i` of a `/download` body.
fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

/// `tern call --spec hostile-server.yaml ARGS…`, with no credentials from the environment.
fn tern_call(args: &[&str]) -> Command {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-server.yaml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tern"));
    command
        .args(["call", "--spec", spec.to_str().unwrap()])
        .args(args)
        .env_remove("TERN_API_KEY")
        .env_remove("TERN_BEARER_TOKEN");
    command
}

fn tern(args: &[&str]) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let out = tern_call(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn truncated_json_is_a_decode_error_and_raw_prints_it() {
    let url = server();
    let (code, out, err, _) = tern(&["--base-url", &url, "truncated", "get"]);
    assert_eq!(code, 5, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("does not decode") && err.contains("line 1") && err.contains("--raw"),
        "{err}"
    );
    let (code, out, err, _) = tern(&["--base-url", &url, "truncated", "get", "--raw"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, r#"{"id": "x", "ok": tru"#);
}

#[test]
fn a_body_over_the_limit_is_refused_with_the_limit_named() {
    let url = server();
    let (code, _, err, took) = tern(&["--base-url", &url, "big", "get", "--max-body", "1M"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("exceeds 1048576 bytes"), "{err}");
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn a_stalled_body_ends_within_the_timeouts() {
    let url = server();
    let (code, _, err, took) = tern(&["--base-url", &url, "stall", "get", "--timeout", "2"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("timed out"), "{err}");
    // Three attempts of 2 s and the backoff between them.
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[test]
fn deep_nesting_is_a_clear_error_not_a_crash() {
    let url = server();
    let (code, _, err, _) = tern(&["--base-url", &url, "nested", "list"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("recursion limit"), "{err}");
}

#[test]
fn help_without_a_spec_lists_every_option() {
    let out = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["call", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for option in [
        "--base-url",
        "--api-key",
        "TERN_API_KEY",
        "--timeout",
        "--max-retries",
        "--deadline",
        "--max-body",
        "--raw",
    ] {
        assert!(text.contains(option), "{option} missing:\n{text}");
    }
}

#[test]
fn oversized_headers_are_a_protocol_error_after_one_attempt() {
    let url = server();
    let before = HEADER_HITS.load(Ordering::SeqCst);
    let (code, _, err, _) = tern(&["--base-url", &url, "headers", "get"]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("not valid HTTP"), "{err}");
    assert!(!err.contains("connection failed"), "{err}");
    assert_eq!(
        HEADER_HITS.load(Ordering::SeqCst) - before,
        1,
        "retried: {err}"
    );
}

#[test]
fn a_refused_connection_is_named() {
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let (code, _, err, _) = tern(&["--base-url", &url, "truncated", "get", "--max-retries", "0"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.to_lowercase().contains("connection refused"), "{err}");
}

#[test]
fn verbose_shows_what_is_sent_and_never_a_credential() {
    let url = server();
    let secrets = ["bearer-SECRET-123", "key-SECRET-456", "pass-SECRET-789"];
    let basic = format!("user:{}", secrets[2]);
    let credentials = [
        "--bearer-token",
        secrets[0],
        "--api-key",
        secrets[1],
        "--basic",
        &basic,
        "--header",
        "X-Api-Key: key-SECRET-456",
    ];
    let mut args = vec![
        "--base-url",
        url.as_str(),
        "truncated",
        "get",
        "--raw",
        "--verbose",
    ];
    args.extend(credentials);
    let (code, _, err, _) = tern(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("> GET ") && err.contains("/truncated"),
        "{err}"
    );
    assert!(
        err.contains("< 200 OK") && err.contains("content-type: application/json"),
        "{err}"
    );
    assert!(err.contains("authorization: "), "{err}");
    for secret in secrets {
        assert!(!err.contains(secret), "{secret} shown:\n{err}");
    }

    // A dry run prints the request and sends nothing.
    let before = TRUNCATED_HITS.load(Ordering::SeqCst);
    assert!(before > 0, "the verbose call above is counted");
    let mut args = vec!["--base-url", url.as_str(), "truncated", "get", "--dry-run"];
    args.extend(credentials);
    let (code, out, err, _) = tern(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("> GET ") && err.contains("dry run: nothing was sent"),
        "{err}"
    );
    for secret in secrets {
        assert!(!err.contains(secret), "{secret} shown:\n{err}");
    }
    assert_eq!(
        TRUNCATED_HITS.load(Ordering::SeqCst),
        before,
        "nothing sent"
    );
}

/// A listing that never ends stops at the page cap the user sets.
#[test]
fn an_endless_listing_stops_at_max_pages() {
    let base = server();
    let (code, out, err, _) = tern(&[
        "--base-url",
        &base,
        "endless",
        "list",
        "--all-pages",
        "--max-pages",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    let pages: Vec<&str> = out.lines().collect();
    assert_eq!(
        pages,
        [r#"{"page":1}"#, r#"{"page":2}"#, r#"{"page":3}"#],
        "{err}"
    );
}

/// `RUST_LOG` shows the runtime's tracing on stderr (attempts, statuses), never on stdout.
#[test]
fn rust_log_traces_attempts_on_stderr() {
    let base = server();
    let out = tern_call(&["--base-url", &base, "endless", "list", "--page", "2"])
        .env("RUST_LOG", "tern_runtime=debug")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("tern.request") && stderr.contains("attempt answered"),
        "{stderr}"
    );
    assert!(stderr.contains("status=200"), "{stderr}");
    assert!(!stdout.contains("tern.request"), "{stdout}");
}

/// The help a spec generates also lists `tern call`'s own options, with their variables.
#[test]
fn spec_derived_help_lists_the_options() {
    let levels: [&[&str]; 3] = [
        &["--help"],
        &["endless", "--help"],
        &["endless", "list", "--help"],
    ];
    for words in levels {
        let words = [&["--base-url", "http://127.0.0.1:9"][..], words].concat();
        let (code, out, err, _) = tern(&words);
        assert_eq!(code, 0, "{err}");
        for option in [
            "--base-url",
            "--max-pages N",
            "--api-key",
            "[env: TERN_API_KEY]",
            "--retry default|patient|none",
        ] {
            assert!(
                out.contains(option),
                "{words:?}: {option} missing from\n{out}"
            );
        }
    }
}

/// A response that departs from its declared schema is printed as it came, with a warning that
/// names the first mismatch; `--quiet` hides the warning.
#[test]
fn a_response_schema_mismatch_is_a_warning() {
    let base = server();
    let (code, out, err, _) = tern(&["--base-url", &base, "mismatch", "get"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(r#""id":"x7""#), "{out}");
    assert!(err.contains("warning:") && err.contains("at /id"), "{err}");
    let (code, _, err, _) = tern(&["--base-url", &base, "mismatch", "get", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
}

/// Runs `tern call` and samples its peak resident memory (`VmHWM`) until it exits.
fn tern_peak_rss(args: &[&str]) -> (i32, String, u64) {
    let mut child = tern_call(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kib = peak_kib.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (status.code().unwrap_or(-1), err, peak_kib)
}

/// Checks a downloaded file against the server's pattern without reading it whole.
fn assert_pattern(path: &Path, size: usize) {
    let mut file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut buf = vec![0u8; 1 << 20];
    let mut offset = 0;
    loop {
        let n = std::io::Read::read(&mut file, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        for (k, b) in buf[..n].iter().enumerate() {
            assert_eq!(*b, pattern(offset + k), "byte {}", offset + k);
        }
        offset += n;
    }
    assert_eq!(offset, size);
}

/// `--output-file` streams a body of any size to disk in constant memory: 512 MiB of a binary
/// download (and 256 MiB of a JSON body far over `--max-body`) with a peak RSS far below it.
#[test]
fn output_file_streams_any_body_in_constant_memory() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("blob.bin");
    let size = 512usize << 20;
    let size_arg = size.to_string();
    let (code, err, peak_kib) = tern_peak_rss(&[
        "--base-url",
        &base,
        "download",
        "get",
        "--size",
        &size_arg,
        "--output-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("wrote {size} bytes")), "{err}");
    assert_pattern(&file, size);
    println!("512 MiB download: peak RSS {} MiB", peak_kib >> 10);
    assert!(peak_kib < 64 << 10, "peak RSS {peak_kib} KiB");
    // Nothing but the file is left in the directory (the partial file was moved into place).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // A JSON body over the buffering limit is refused when decoded, streamed when written.
    let json = dir.path().join("big.json");
    let (code, err, peak_kib) = tern_peak_rss(&[
        "--base-url",
        &base,
        "big",
        "get",
        "--max-body",
        "1M",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::metadata(&json).unwrap().len(), 256 << 20);
    assert!(peak_kib < 64 << 10, "peak RSS {peak_kib} KiB");
}

/// An existing file is never replaced unless the user says so, and nothing is sent before
/// that is checked.
#[test]
fn output_file_keeps_an_existing_file() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keep.txt");
    std::fs::write(&file, "mine").unwrap();
    let path = file.to_str().unwrap();
    let (code, _, err, _) = tern(&["--base-url", &base, "download", "get", "-o", path]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("exists") && err.contains("--overwrite"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    let (code, _, err, _) = tern(&[
        "--base-url",
        &base,
        "download",
        "get",
        "--size",
        "300",
        "-o",
        path,
        "--overwrite",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_pattern(&file, 300);
    let missing = dir.path().join("no/such/dir/x");
    let (code, _, err, _) = tern(&[
        "--base-url",
        &base,
        "download",
        "get",
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

/// A binary download streams to standard output when that is a pipe.
#[test]
fn a_download_streams_to_a_pipe() {
    let base = server();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-server.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args([
            "call",
            "--spec",
            spec.to_str().unwrap(),
            "--base-url",
            &base,
        ])
        .args(["download", "get", "--size", "3000000"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout.len(), 3_000_000);
    assert!(out.stdout.iter().enumerate().all(|(i, b)| *b == pattern(i)));
}

/// A binary upload sends the file's bytes (or standard input's) with the declared media type,
/// not a JSON string.
#[test]
fn body_file_uploads_bytes_with_the_declared_media_type() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("photo.png");
    let data: Vec<u8> = (0..70_000u32).map(|i| (i % 256) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    let (code, out, err, _) = tern(&[
        "--base-url",
        &base,
        "upload",
        "put",
        "--body-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let echo: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        echo,
        serde_json::json!({"bytes": 70_000, "type": "image/png", "first": [0, 1, 2, 3]})
    );
    // From standard input.
    let mut child = tern_call(&["--base-url", &base, "upload", "put", "--body-file", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"\x89PNG-from-stdin")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let echo: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(echo["bytes"], 15);
    assert_eq!(echo["first"], serde_json::json!([137, 80, 78, 71]));
}

/// OAuth 2 client credentials: the secret and the token fetched with it appear in no output,
/// neither `--verbose` nor the runtime's tracing.
#[test]
fn client_secrets_and_fetched_tokens_are_never_shown() {
    let base = server();
    let out = tern_call(&[
        "--base-url",
        &base,
        "secure",
        "get",
        "--client-credentials",
        "app-1:cc-SECRET-654",
        "--verbose",
    ])
    .env("RUST_LOG", "debug")
    .env("NO_COLOR", "1")
    .output()
    .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    // The token was fetched and sent: the server saw it.
    assert!(stdout.contains(r#""authorized":true"#), "{stdout}");
    assert!(stderr.contains("authorization: Bearer ****"), "{stderr}");
    for secret in ["cc-SECRET-654", "tok-SECRET-321"] {
        assert!(!stderr.contains(secret), "{secret} shown:\n{stderr}");
        assert!(!stdout.contains(secret), "{secret} shown:\n{stdout}");
    }
}

//! Loading over HTTP from a local server, with a referenced file and failures.
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

/// Serves fixed bodies by path on 127.0.0.1 for `requests` requests, then stops.
fn serve(routes: Vec<(&'static str, u16, &'static str)>, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.expect("conn");
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            reader.read_line(&mut line).expect("request line");
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).expect("header") <= 2 {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, body) = routes
                .iter()
                .find(|r| r.0 == path)
                .map(|r| (r.1, r.2))
                .unwrap_or((404, "not found"));
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn loads_a_remote_document_and_its_references() {
    let base = serve(
        vec![
            ("/api/openapi.yaml", 200, "openapi: 3.0.0\ninfo: {title: Remote, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'shared/responses.yaml#/Ok'}\n"),
            ("/api/shared/responses.yaml", 200, "Ok: {description: fine}\n"),
        ],
        2,
    );
    let loaded = tern_spec::load_url(&format!("{base}/api/openapi.yaml")).expect("loads");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.spec.files().len(), 2);
    let ok = loaded
        .spec
        .resolve(tern_spec::FileId::ROOT, "shared/responses.yaml#/Ok")
        .expect("followed");
    assert_eq!(
        ok.value
            .get("description")
            .and_then(tern_spec::Value::as_str),
        Some("fine")
    );
}

#[test]
fn http_failures_are_clean_errors() {
    let base = serve(vec![("/gone.yaml", 404, "no")], 1);
    let e = tern_spec::load_url(&format!("{base}/gone.yaml")).expect_err("fails");
    assert_eq!(e.diagnostics[0].code, "http");
    assert!(
        e.diagnostics[0].message.contains("404"),
        "{}",
        e.diagnostics[0].message
    );

    let base = serve(
        vec![(
            "/r.yaml",
            200,
            "openapi: 3.0.0\npaths: {}\ncomponents: {schemas: {A: {$ref: 'file:///etc/passwd'}}}\n",
        )],
        1,
    );
    let loaded = tern_spec::load_url(&format!("{base}/r.yaml")).expect("root loads");
    let d = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "unreadable-reference")
        .expect("refused");
    assert!(d.message.contains("may not reference"), "{}", d.message);

    let e = tern_spec::load_url("ftp://example.com/x").expect_err("fails");
    assert_eq!(e.diagnostics[0].code, "http");
}

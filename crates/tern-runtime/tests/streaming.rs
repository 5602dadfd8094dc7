//! Streaming downloads and server-sent events over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use tern_runtime::Request;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn server_sent_events() {
    let server = MockServer::start().await;
    let body = "event: progress\ndata: {\"pct\": 50}\n\n: keep-alive\n\ndata: line one\ndata: line two\nid: 2\n\nevent: done\ndata: {}\n\n";
    Mock::given(path("/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let response = client
        .execute_stream(Request::get("/events").header("accept", "text/event-stream"))
        .await
        .unwrap();
    assert_eq!(response.headers["content-type"], "text/event-stream");
    let events: Vec<_> = response.events().map(|e| e.unwrap()).collect().await;
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].event, "progress");
    assert_eq!(events[0].json::<serde_json::Value>().unwrap()["pct"], 50);
    assert_eq!(
        (
            events[1].event.as_str(),
            events[1].data.as_str(),
            events[1].id.as_deref()
        ),
        ("message", "line one\nline two", Some("2"))
    );
    assert_eq!(events[2].event, "done");
}

#[tokio::test]
async fn downloads_stream_and_errors_are_still_typed() {
    let server = MockServer::start().await;
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(path("/file"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(data.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_string("{\"message\":\"no file\"}"))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let mut got = Vec::new();
    let mut chunks = client
        .execute_stream(Request::get("/file"))
        .await
        .unwrap()
        .bytes()
        .boxed();
    while let Some(c) = chunks.next().await {
        got.extend_from_slice(&c.unwrap());
    }
    assert_eq!(got, data);
    let err = client
        .execute_stream(Request::get("/missing"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, tern_runtime::Error::NotFound(e) if e.message().as_deref() == Some("no file")),
        "{err}"
    );
}

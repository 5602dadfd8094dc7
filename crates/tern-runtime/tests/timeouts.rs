//! Timeouts vs connection errors (tiny real delays, no multi-second sleeps).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};
use tern_runtime::{Error, Request, RequestOptions};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_slow_server_is_a_timeout_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let (b, sleeper) = support::builder(&server.uri());
    let client = b.timeout(Duration::from_millis(60)).build().unwrap();
    let started = Instant::now();
    let err = client.execute(Request::get("/slow")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_timeout() && !err.is_connect() && err.is_retryable());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "timed-out attempts are retried"
    );
    assert_eq!(sleeper.waits().len(), 2);
    assert!(
        started.elapsed() < Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err.to_string(),
        format!("GET {}/slow: timed out", server.uri())
    );
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(150)))
        .mount(&server)
        .await;
    let (b, _) = support::builder(&server.uri());
    let client = b.timeout(Duration::from_millis(20)).build().unwrap();
    client
        .execute(
            Request::get("/slow").options(RequestOptions::new().timeout(Duration::from_secs(5))),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (client, sleeper) = support::client(&format!("http://127.0.0.1:{port}"));
    let err = client.execute(Request::get("/x")).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(err.is_connect() && !err.is_timeout() && err.is_retryable());
    assert_eq!(sleeper.waits().len(), 2, "connection errors are retried");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the transport error is the source"
    );
}

#[tokio::test]
async fn response_size_bound() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; 10_000]))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let err = client
        .execute(Request::get("/big").options(RequestOptions::new().max_response_bytes(1000)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
    assert_eq!(
        client
            .execute(Request::get("/big"))
            .await
            .unwrap()
            .body
            .len(),
        10_000
    );
}

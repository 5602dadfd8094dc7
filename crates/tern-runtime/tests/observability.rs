//! Tracing: a span per request (method, path template) and per attempt (attempt, status,
//! latency), a debug event per retry with its reason and wait — and no secret anywhere in
//! logs or `Debug` output. One test in this binary, under a global subscriber, because tracing
//! caches callsite interest process-wide.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tern_runtime::{ApiKeyLocation, OAuth2ClientCredentials, Request};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_events_and_no_secrets() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/v2/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "OAUTH-token-value", "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/things/7"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/things/7"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let (b, _) = support::builder(&server.uri());
    let client = b
        .oauth2_client_credentials(OAuth2ClientCredentials::new(
            "/auth/v2/token",
            "client-id",
            "client-SECRET-value",
        ))
        .bearer_token("BEARER-secret-value")
        .basic_auth("user", "BASIC-secret-value")
        .api_key(ApiKeyLocation::Header, "X-Key", "APIKEY-secret-value")
        .api_key(ApiKeyLocation::Query, "key", "QUERY-secret-value")
        .build()
        .unwrap();
    client
        .execute(Request::get("/things/{id}").path_param("id", 7))
        .await
        .unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("tern.request{method=GET path=/things/{id}}"),
        "request span: {logs}"
    );
    let attempt_closed = |n: u32, status: u16| {
        logs.lines().any(|l| {
            l.contains(&format!("tern.attempt{{attempt={n} "))
                && l.contains(&format!("status={status}"))
                && l.contains("latency_ms=")
                && l.contains("close")
        })
    };
    assert!(
        attempt_closed(1, 503) && attempt_closed(2, 200),
        "attempt spans: {logs}"
    );
    assert!(
        logs.contains("retrying") && logs.contains("returned 503") && logs.contains("wait="),
        "retry event: {logs}"
    );

    let debug = format!("{client:?}");
    for secret in [
        "client-SECRET-value",
        "BEARER-secret-value",
        "BASIC-secret-value",
        "APIKEY-secret-value",
        "QUERY-secret-value",
        "OAUTH-token-value",
    ] {
        assert!(!debug.contains(secret), "{secret} in Debug: {debug}");
        assert!(!logs.contains(secret), "{secret} in logs");
    }
    assert!(debug.contains("***"));
}

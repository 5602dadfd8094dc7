//! The extension point from outside the crate: an HMAC-signing interceptor (as APIs that sign
//! requests want it) sees every attempt, retries included, and the server verifies each
//! signature; an observing interceptor sees every response head.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tern_runtime::{AttemptRequest, AttemptResponse, Error, Interceptor, Request};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &[u8] = b"shared-secret";

/// What is signed: method, path, query, the retry count header and the body.
fn string_to_sign(method: &str, path: &str, query: &str, retry: &str, body: &[u8]) -> Vec<u8> {
    let mut s = format!("{method}\n{path}\n{query}\n{retry}\n").into_bytes();
    s.extend_from_slice(body);
    s
}

fn sign(data: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY).unwrap();
    mac.update(data);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Signer;

impl Interceptor for Signer {
    fn before_send(&self, request: &mut AttemptRequest<'_>) -> Result<(), Error> {
        let retry = request
            .headers()
            .get("x-retry-count")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("0")
            .to_owned();
        let data = string_to_sign(
            request.method().as_str(),
            request.path(),
            request.query().unwrap_or_default(),
            &retry,
            request.body().unwrap_or_default(),
        );
        let signature = sign(&data);
        request.set_header("x-signature", &signature)?;
        request.set_header("x-attempt", &request.attempt().to_string())
    }
}

#[derive(Default, Clone)]
struct Observer(Arc<Mutex<Vec<(u32, u16)>>>);

impl Interceptor for Observer {
    fn after_response(&self, response: &AttemptResponse<'_>) {
        self.0
            .lock()
            .unwrap()
            .push((response.attempt, response.status.as_u16()));
    }
}

#[tokio::test]
async fn every_attempt_is_signed_and_seen() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    Mock::given(path("/v1/orders"))
        .respond_with(move |_: &wiremock::Request| {
            // Two failures, then success: three attempts.
            if counter.fetch_add(1, Ordering::SeqCst) < 2 {
                ResponseTemplate::new(503)
            } else {
                ResponseTemplate::new(201).set_body_json(json!({"id": 7}))
            }
        })
        .mount(&server)
        .await;
    let observer = Observer::default();
    let (builder, sleeper) = support::builder(&format!("{}/v1", server.uri()));
    let client = builder
        .bearer_token("tok")
        .interceptor(Signer)
        .interceptor(observer.clone())
        .build()
        .unwrap();
    let created: serde_json::Value = client
        .send(
            Request::post("/orders")
                .query("region", "eu")
                .json(&json!({"sku": "a-1", "qty": 2}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(created["id"], 7);
    let _ = sleeper;

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3, "two retries");
    for (i, r) in received.iter().enumerate() {
        let header = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let expected = sign(&string_to_sign(
            r.method.as_str(),
            r.url.path(),
            r.url.query().unwrap_or_default(),
            &header("x-retry-count"),
            &r.body,
        ));
        assert_eq!(header("x-signature"), expected, "attempt {} signed", i + 1);
        assert_eq!(header("x-attempt"), (i + 1).to_string());
        // Credentials were applied before the interceptor saw the request.
        assert_eq!(header("authorization"), "Bearer tok");
    }
    // The retry count differs per attempt, so each signature does too.
    let signatures: std::collections::HashSet<_> = received
        .iter()
        .map(|r| r.headers.get("x-signature").unwrap().clone())
        .collect();
    assert_eq!(signatures.len(), 3);
    assert_eq!(
        *observer.0.lock().unwrap(),
        vec![(1, 503), (2, 503), (3, 201)]
    );
}

#[tokio::test]
async fn an_interceptor_error_ends_the_call_before_sending() {
    struct Refuse;
    impl Interceptor for Refuse {
        fn before_send(&self, _: &mut AttemptRequest<'_>) -> Result<(), Error> {
            Err(Error::InvalidRequest {
                message: "refused by policy".into(),
            })
        }
    }
    let server = MockServer::start().await;
    let (builder, _) = support::builder(&server.uri());
    let client = builder.interceptor(Refuse).build().unwrap();
    let err = client.execute(Request::get("/anything")).await.unwrap_err();
    assert!(err.to_string().contains("refused by policy"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

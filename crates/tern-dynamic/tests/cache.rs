//! Spec caching: TTL with a controllable clock, forced refresh, one fetch for concurrent
//! builders, and an on-disk copy revalidated with ETag.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tern_dynamic::{CacheOptions, Clock, DynamicClient};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "/api"}], "paths": {"/ping": {"get": {"responses": {"204": {"description": "ok"}}}}}}"#;

#[derive(Debug, Clone)]
struct FakeClock(Arc<Mutex<Instant>>);

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        *self.0.lock().unwrap()
    }
}

impl FakeClock {
    fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

async fn spec_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/endpoints"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(SPEC, "application/json")
                .insert_header("etag", "\"v1\""),
        )
        .mount(&server)
        .await;
    server
}

async fn fetches(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/endpoints")
        .count()
}

#[tokio::test]
async fn ttl_expiry_and_force_refresh() {
    let server = spec_server().await;
    let clock = FakeClock(Arc::new(Mutex::new(Instant::now())));
    let opts = CacheOptions {
        ttl: Some(Duration::from_secs(900)),
        clock: Arc::new(clock.clone()),
        ..Default::default()
    };
    let url = format!("{}/endpoints", server.uri());
    // A distinct key per test: the cache is process-wide.
    let build = |o: CacheOptions| {
        DynamicClient::builder()
            .spec_url(url.clone())
            .api_key("ttl-test")
            .cache(o)
            .build()
    };

    let first = build(opts.clone()).await.unwrap();
    let second = build(opts.clone()).await.unwrap();
    assert_eq!(fetches(&server).await, 1, "served from the cache");
    assert!(
        std::ptr::eq(first.api(), second.api()),
        "a cached client shares the same loaded API"
    );
    assert_eq!(
        second.runtime().base_url(),
        format!("{}/api", server.uri()),
        "relative server URL resolved against the spec URL"
    );

    clock.advance(Duration::from_secs(899));
    build(opts.clone()).await.unwrap();
    assert_eq!(fetches(&server).await, 1);
    clock.advance(Duration::from_secs(2));
    build(opts.clone()).await.unwrap();
    assert_eq!(fetches(&server).await, 2, "expired after the TTL");

    build(CacheOptions {
        force_refresh: true,
        ..opts.clone()
    })
    .await
    .unwrap();
    assert_eq!(fetches(&server).await, 3, "force_refresh fetches again");
    build(opts).await.unwrap();
    assert_eq!(fetches(&server).await, 3, "the refreshed entry is cached");

    // Other credentials are another cache entry.
    DynamicClient::builder()
        .spec_url(url.clone())
        .api_key("other-key")
        .build()
        .await
        .unwrap();
    assert_eq!(fetches(&server).await, 4);
}

#[tokio::test]
async fn concurrent_construction_fetches_once() {
    let server = MockServer::start().await;
    Mock::given(path("/endpoints"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(SPEC, "application/json")
                .set_delay(Duration::from_millis(100)),
        )
        .mount(&server)
        .await;
    let url = format!("{}/endpoints", server.uri());
    let builds: Vec<_> = (0..20)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                DynamicClient::builder()
                    .spec_url(url)
                    .api_key("concurrent-test")
                    .build()
                    .await
            })
        })
        .collect();
    for b in builds {
        b.await.unwrap().unwrap();
    }
    assert_eq!(fetches(&server).await, 1);
}

#[tokio::test]
async fn disk_cache_revalidates_with_etag() {
    let server = MockServer::start().await;
    Mock::given(path("/endpoints"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    Mock::given(path("/endpoints"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(SPEC, "application/json")
                .insert_header("etag", "\"v1\""),
        )
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("tern-disk-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let opts = CacheOptions {
        enabled: false,
        disk_dir: Some(dir.clone()),
        ..Default::default()
    };
    let url = format!("{}/endpoints", server.uri());
    let a = DynamicClient::builder()
        .spec_url(url.clone())
        .cache(opts.clone())
        .build()
        .await
        .unwrap();
    let b = DynamicClient::builder()
        .spec_url(url.clone())
        .cache(opts)
        .build()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].headers.get("if-none-match").is_none());
    assert_eq!(
        requests[1].headers["if-none-match"], "\"v1\"",
        "revalidated"
    );
    assert_eq!(a.resources(), b.resources(), "the 304 reused the disk copy");
    assert_eq!(a.api().model.operations.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

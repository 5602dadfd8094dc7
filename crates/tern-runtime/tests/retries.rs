//! Retry rules: counts, statuses, `x-should-retry`, every `Retry-After` form and the 60 s cap,
//! jitter bounds, the budget, the deadline, per-request overrides and the Civis preset.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;
use tern_runtime::{DefaultRetry, Error, PatientRetry, Request, RequestOptions};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn two_retries_by_default_with_jittered_exponential_backoff() {
    let server = MockServer::start().await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (client, sleeper) = support::client(&server.uri());
    let err = client.execute(Request::get("/flaky")).await.unwrap_err();
    assert!(matches!(err, Error::InternalServer(_)));
    assert_eq!(count(&server).await, 3);
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 2);
    assert!(
        waits[0] > Duration::from_millis(375) - Duration::from_nanos(1)
            && waits[0] <= Duration::from_millis(500),
        "{waits:?}"
    );
    assert!(
        waits[1] >= Duration::from_millis(750) && waits[1] <= Duration::from_secs(1),
        "{waits:?}"
    );
    // The retry count header counts retries so far.
    let counts: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["x-retry-count"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(counts, ["0", "1", "2"]);
}

#[tokio::test]
async fn retried_statuses_and_not_retried_ones() {
    for (code, attempts) in [
        (408u16, 3usize),
        (409, 3),
        (429, 3),
        (500, 3),
        (502, 3),
        (400, 1),
        (401, 1),
        (404, 1),
        (422, 1),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/x"))
            .respond_with(ResponseTemplate::new(code))
            .mount(&server)
            .await;
        let (client, _) = support::client(&server.uri());
        let _ = client.execute(Request::get("/x")).await.unwrap_err();
        assert_eq!(count(&server).await, attempts, "status {code}");
    }
}

#[tokio::test]
async fn success_after_failures() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"ok\":1}"))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let v: serde_json::Value = client.send(Request::get("/x")).await.unwrap();
    assert_eq!(v["ok"], 1);
    assert_eq!(count(&server).await, 3);
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    let server = MockServer::start().await;
    Mock::given(path("/no"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .mount(&server)
        .await;
    Mock::given(path("/yes"))
        .respond_with(ResponseTemplate::new(400).insert_header("x-should-retry", "true"))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let _ = client.execute(Request::get("/no")).await.unwrap_err();
    let _ = client.execute(Request::get("/yes")).await.unwrap_err();
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths.iter().filter(|p| *p == "/no").count(), 1);
    assert_eq!(paths.iter().filter(|p| *p == "/yes").count(), 3);
}

#[tokio::test]
async fn server_directed_waits_in_every_form_and_the_cap() {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(20));
    /// (header, value, expected wait range in ms; `None` = ignored, backoff applies)
    type Case = (&'static str, String, Option<(u64, u64)>);
    let cases: Vec<Case> = vec![
        ("retry-after-ms", "1500".into(), Some((1500, 1500))),
        ("retry-after", "2".into(), Some((2000, 2000))),
        ("retry-after", "0.25".into(), Some((250, 250))),
        ("retry-after", date, Some((18_000, 20_000))),
        ("retry-after", "120".into(), None),
    ];
    for (header, value, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/x"))
            .respond_with(ResponseTemplate::new(429).insert_header(header, value.as_str()))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/x"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        let (client, sleeper) = support::client(&server.uri());
        client.execute(Request::get("/x")).await.unwrap();
        let wait = sleeper.waits()[0];
        match expected {
            Some((lo, hi)) => assert!(
                wait >= Duration::from_millis(lo) && wait <= Duration::from_millis(hi),
                "{header}: {value} → {wait:?}"
            ),
            // Over 60 s: ignored, the policy's own backoff applies.
            None => assert!(
                wait <= Duration::from_millis(500),
                "{header}: {value} → {wait:?}"
            ),
        }
    }
}

#[tokio::test]
async fn the_budget_stops_retry_storms() {
    let server = MockServer::start().await;
    Mock::given(path("/down"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let (b, _) = support::builder(&server.uri());
    let client = b.retry_budget(12).build().unwrap();
    // 12 tokens pay for two retries (5 each); after that calls are not retried.
    let _ = client.execute(Request::get("/down")).await.unwrap_err();
    assert_eq!(count(&server).await, 3);
    assert_eq!(client.retry_budget(), 2);
    let _ = client.execute(Request::get("/down")).await.unwrap_err();
    assert_eq!(count(&server).await, 4);
    // Successes refill it.
    Mock::given(path("/up"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    for _ in 0..5 {
        client.execute(Request::get("/up")).await.unwrap();
    }
    assert_eq!(client.retry_budget(), 7);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let (client, sleeper) = support::client(&server.uri());
    let opts = RequestOptions::new().deadline(Duration::from_secs(10));
    let _ = client
        .execute(Request::get("/x").options(opts))
        .await
        .unwrap_err();
    assert_eq!(
        count(&server).await,
        1,
        "a 30 s wait would pass the 10 s deadline"
    );
    assert!(sleeper.waits().is_empty());

    // The deadline also cuts an attempt short.
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let opts = RequestOptions::new()
        .deadline(Duration::from_millis(100))
        .max_retries(0);
    let started = std::time::Instant::now();
    let err = client
        .execute(Request::get("/slow").options(opts))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(350));
}

#[tokio::test]
async fn per_request_and_per_client_retry_counts() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let _ = client
        .execute(Request::get("/x").options(RequestOptions::new().max_retries(5)))
        .await
        .unwrap_err();
    assert_eq!(count(&server).await, 6);
    let _ = client
        .with_options(RequestOptions::new().max_retries(0))
        .execute(Request::get("/x"))
        .await
        .unwrap_err();
    assert_eq!(count(&server).await, 7);
    let (b, _) = support::builder(&server.uri());
    let client = b
        .retry_policy(DefaultRetry::with_max_retries(1))
        .build()
        .unwrap();
    let _ = client.execute(Request::get("/x")).await.unwrap_err();
    assert_eq!(count(&server).await, 9);
}

#[tokio::test]
async fn civis_preset_over_http() {
    let server = MockServer::start().await;
    Mock::given(path("/post"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    Mock::given(path("/get"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let (b, sleeper) = support::builder(&server.uri());
    let client = b.retry_policy(PatientRetry::default()).build().unwrap();
    let _ = client.execute(Request::post("/post")).await.unwrap_err();
    let _ = client.execute(Request::get("/get")).await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.iter().filter(|r| r.url.path() == "/post").count(),
        1,
        "POST is not retried on 502"
    );
    assert_eq!(
        requests.iter().filter(|r| r.url.path() == "/get").count(),
        10,
        "GET: at most 10 attempts"
    );
    assert!(sleeper.waits().iter().all(|w| *w < Duration::from_secs(60)));
}

/// A custom policy's absurd wait is capped, not slept (or overflowed) through.
#[tokio::test]
async fn a_policys_wait_is_capped() {
    #[derive(Debug)]
    struct Forever;
    impl tern_runtime::RetryPolicy for Forever {
        fn decide(&self, ctx: &tern_runtime::RetryContext<'_>) -> tern_runtime::RetryDecision {
            if ctx.attempt < 2 {
                tern_runtime::RetryDecision::RetryAfter(Duration::MAX)
            } else {
                tern_runtime::RetryDecision::Stop
            }
        }
    }
    let server = MockServer::start().await;
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (builder, sleeper) = support::builder(&server.uri());
    let client = builder.retry_policy(Forever).build().unwrap();
    let err = client.execute(Request::get("/busy")).await.unwrap_err();
    assert!(matches!(err, Error::InternalServer(_)), "{err}");
    assert_eq!(sleeper.waits(), [tern_runtime::MAX_RETRY_WAIT]);
    assert_eq!(count(&server).await, 2);
}

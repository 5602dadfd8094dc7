//! Credentials: bearer, basic, API keys; OAuth2 client credentials (caching, expiry, 401
//! refresh, one fetch for 100 concurrent calls); secrets never in Debug or logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use tern_runtime::{ApiKeyLocation, Error, OAuth2ClientCredentials, Request};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn static_credentials() {
    let server = support::ok_server("/x").await;
    let (b, _) = support::builder(&server.uri());
    let client = b
        .bearer_token("tok-123")
        .api_key(ApiKeyLocation::Header, "X-Api-Key", "key-h")
        .api_key(ApiKeyLocation::Query, "api_key", "key-q")
        .api_key(ApiKeyLocation::Cookie, "session", "key-c")
        .build()
        .unwrap();
    client
        .execute(Request::get("/x").query("a", "1"))
        .await
        .unwrap();
    let r = &server.received_requests().await.unwrap()[0];
    assert_eq!(r.headers["authorization"], "Bearer tok-123");
    assert_eq!(r.headers["x-api-key"], "key-h");
    assert_eq!(r.url.query(), Some("a=1&api_key=key-q"));
    assert_eq!(r.headers["cookie"], "session=key-c");

    // Civis style: the API key as the basic-auth user.
    let (b, _) = support::builder(&server.uri());
    b.basic_auth("civis-key", "")
        .build()
        .unwrap()
        .execute(Request::get("/x"))
        .await
        .unwrap();
    let r = &server.received_requests().await.unwrap()[1];
    assert_eq!(r.headers["authorization"], "Basic Y2l2aXMta2V5Og==");
}

#[tokio::test]
async fn query_api_keys_stay_out_of_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let (b, _) = support::builder(&server.uri());
    let client = b
        .api_key(ApiKeyLocation::Query, "api_key", "sekrit")
        .build()
        .unwrap();
    let err = client.execute(Request::get("/x")).await.unwrap_err();
    assert!(
        !err.to_string().contains("sekrit") && !format!("{err:?}").contains("sekrit"),
        "{err}"
    );
}

#[tokio::test]
async fn missing_environment_credentials_fail_at_build() {
    let err = tern_runtime::Client::builder("http://localhost")
        .bearer_token_from_env("TERN_TEST_SURELY_UNSET_VAR")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Credentials { message, .. } if message.contains("TERN_TEST_SURELY_UNSET_VAR")),
        "{err}"
    );
}

async fn token_server(expires_in: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/v2/token"))
        .respond_with(move |req: &wiremock::Request| {
            let n = req.body.len();
            ResponseTemplate::new(200).set_body_json(json!({"access_token": format!("token-{n}-{}", fastrand::u32(..)), "expires_in": expires_in, "token_type": "bearer"}))
        })
        .mount(&server)
        .await;
    server
}

fn tokens_fetched(requests: &[wiremock::Request]) -> usize {
    requests
        .iter()
        .filter(|r| r.url.path() == "/auth/v2/token")
        .count()
}

#[tokio::test]
async fn oauth_exactly_one_token_fetch_for_100_concurrent_calls() {
    let server = token_server(3600).await;
    Mock::given(path("/v1/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let (b, _) = support::builder(&format!("{}/v1", server.uri()));
    let client = b
        .oauth2_client_credentials(
            OAuth2ClientCredentials::new("/auth/v2/token", "id-1", "secret-1").json(),
        )
        .build()
        .unwrap();
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.send::<serde_json::Value>(Request::get("/things")).await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(tokens_fetched(&requests), 1);
    let token_req = requests
        .iter()
        .find(|r| r.url.path() == "/auth/v2/token")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&token_req.body).unwrap();
    assert_eq!(
        body,
        json!({"grant_type": "client_credentials", "client_id": "id-1", "client_secret": "secret-1"})
    );
    let used: std::collections::HashSet<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/v1/things")
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(used.len(), 1, "all 100 calls used the one token");
}

#[tokio::test]
async fn oauth_form_request_and_expiry() {
    let server = token_server(0).await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let (b, _) = support::builder(&server.uri());
    let client = b
        .oauth2_client_credentials(OAuth2ClientCredentials::new(
            format!("{}/auth/v2/token", server.uri()),
            "id",
            "s e",
        ))
        .build()
        .unwrap();
    for _ in 0..3 {
        client.execute(Request::get("/x")).await.unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        tokens_fetched(&requests),
        3,
        "an expired token is fetched anew"
    );
    let form = String::from_utf8_lossy(&requests[0].body).into_owned();
    assert_eq!(
        form,
        "grant_type=client_credentials&client_id=id&client_secret=s+e"
    );
}

#[tokio::test]
async fn oauth_refreshes_once_on_401() {
    let server = token_server(3600).await;
    // The first token is rejected once; the call refreshes and succeeds.
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/always"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let (b, sleeper) = support::builder(&server.uri());
    let client = b
        .oauth2_client_credentials(OAuth2ClientCredentials::new("/auth/v2/token", "id", "s"))
        .build()
        .unwrap();
    client.execute(Request::get("/x")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(tokens_fetched(&requests), 2);
    let auths: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/x")
        .map(|r| r.headers["authorization"].clone())
        .collect();
    assert_eq!(auths.len(), 2);
    assert_ne!(auths[0], auths[1], "the retry used the fresh token");
    assert!(sleeper.waits().is_empty(), "a refresh is not a backoff");
    // A second 401 is final.
    let err = client.execute(Request::get("/always")).await.unwrap_err();
    assert!(matches!(err, Error::Authentication(_)));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.url.path() == "/always")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_failing_token_endpoint_is_a_credentials_error() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    Mock::given(path("/x"))
        .and(header("authorization", "Bearer x"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let (b, _) = support::builder(&server.uri());
    let client = b
        .oauth2_client_credentials(OAuth2ClientCredentials::new("/token", "id", "wrong-secret"))
        .build()
        .unwrap();
    let err = client.execute(Request::get("/x")).await.unwrap_err();
    let Error::Credentials { message, source } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("refused"), "{message}");
    assert!(matches!(source.as_deref(), Some(Error::BadRequest(_))));
    assert!(!format!("{err:?}").contains("wrong-secret"));
}

#[tokio::test]
async fn oauth_token_path_under_the_base_url() {
    // An API's own token endpoint (Candid's `/auth/v2/token` under `…/api`) is joined to the
    // base URL as request paths are, not resolved against the origin.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/v2/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok-under", "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/x"))
        .and(header("authorization", "Bearer tok-under"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let (b, _) = support::builder(&format!("{}/api", server.uri()));
    let client = b
        .oauth2_client_credentials(
            OAuth2ClientCredentials::new("/auth/v2/token", "id", "s")
                .json()
                .under_base_url(),
        )
        .build()
        .unwrap();
    let response = client.execute(Request::get("/x")).await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
}

/// Each request sends the credentials of the first security alternative the client can satisfy
/// entirely (plus any credential not tied to a scheme), or of the closest one when none is met;
/// with no declared security, all of them.
#[tokio::test]
async fn security_alternatives_choose_the_credentials_sent() {
    let server = support::ok_server("/x").await;
    let (b, _) = support::builder(&server.uri());
    let client = b
        .bearer_token("tok")
        .for_scheme("bearerAuth")
        .for_scheme("oauth")
        .api_key(ApiKeyLocation::Header, "X-Api-Key", "key")
        .for_scheme("apiKey")
        .api_key(ApiKeyLocation::Header, "X-Always", "yes")
        .build()
        .unwrap();
    let sent = |r: &wiremock::Request| {
        let has = |h: &str| r.headers.contains_key(h);
        (has("authorization"), has("x-api-key"), has("x-always"))
    };
    let cases = [
        (
            Request::get("/x").security_static(&[&["apiKey"]]),
            (false, true, true),
        ),
        (
            Request::get("/x").security(vec![vec!["missing".into()], vec!["bearerAuth".into()]]),
            (true, false, true),
        ),
        (
            Request::get("/x").security_static(&[&["bearerAuth", "apiKey"]]),
            (true, true, true),
        ),
        (
            Request::get("/x").security_static(&[&[]]),
            (false, false, true),
        ),
        (Request::get("/x"), (true, true, true)),
        // The bearer token satisfies a second token scheme too.
        (
            Request::get("/x").security_static(&[&["oauth"]]),
            (true, false, true),
        ),
        // No alternative is met entirely: the credentials of the closest are sent (the server
        // then says what is missing) instead of none.
        (
            Request::get("/x").security_static(&[&["missing"], &["apiKey", "partnerId"]]),
            (false, true, true),
        ),
    ];
    for (i, (request, expected)) in cases.into_iter().enumerate() {
        client.execute(request).await.unwrap();
        let r = server.received_requests().await.unwrap().pop().unwrap();
        assert_eq!(sent(&r), expected, "case {i}");
    }
}

/// Token lifetimes are the server's numbers: absurd ones (`1e400` parses as infinity, `1e19`
/// overflows an `Instant`, negative, a string) are clamped, never a panic.
#[tokio::test]
async fn absurd_token_lifetimes_do_not_panic() {
    for lifetime in [
        "1e400",
        "1e19",
        "-5",
        "\"NaN\"",
        "\"soon\"",
        "18446744073709551615",
    ] {
        let server = MockServer::start().await;
        let body = format!(r#"{{"access_token": "tok", "expires_in": {lifetime}}}"#);
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        Mock::given(path("/v1/things"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&server)
            .await;
        let (b, _) = support::builder(&format!("{}/v1", server.uri()));
        let client = b
            .oauth2_client_credentials(
                OAuth2ClientCredentials::new(format!("{}/token", server.uri()), "id", "secret")
                    .json(),
            )
            .build()
            .unwrap();
        for _ in 0..2 {
            let sent = client
                .send::<serde_json::Value>(Request::get("/things"))
                .await;
            if lifetime == "1e400" {
                let err = sent.unwrap_err();
                assert!(
                    matches!(&err, Error::Credentials { message, .. } if message.contains("does not decode")),
                    "{err}"
                );
            } else {
                let v = sent.unwrap_or_else(|e| panic!("expires_in {lifetime}: {e}"));
                assert_eq!(v["ok"], true);
            }
        }
    }
}

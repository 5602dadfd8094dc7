//! Path parameters arrive percent-encoded, exactly as sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use tern_runtime::Request;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn path_parameters_are_encoded_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let (client, _) = support::client(&format!("{}/api/v1/", server.uri()));
    for (value, wire) in [
        ("a/b", "a%2Fb"),
        ("a b", "a%20b"),
        ("q?x=1#f", "q%3Fx%3D1%23f"),
        ("ünï", "%C3%BCn%C3%AF"),
        ("50%", "50%25"),
        ("v1.2~_-", "v1.2~_-"),
    ] {
        client
            .execute(Request::get("/files/{name}/meta").path_param("name", value))
            .await
            .unwrap();
        let r = server.received_requests().await.unwrap().pop().unwrap();
        assert_eq!(
            r.url.path(),
            format!("/api/v1/files/{wire}/meta"),
            "{value}"
        );
    }
    for bad in ["..", "."] {
        let err = client
            .execute(Request::get("/files/{name}").path_param("name", bad))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("`name`"), "{err}");
    }
}

/// The URL actually requested for each way a base URL and a path can meet: base paths with
/// and without a trailing slash, a base URL with its own query, queries from the client, the
/// request and its options (in that order, form-encoded), templates carrying a query, and
/// absolute paths. The URL an error names is the one sent.
#[tokio::test]
async fn urls_are_composed_as_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let uri = server.uri();
    let cases: [(String, Request, String); 6] = [
        (
            format!("{uri}/v1"),
            Request::get("/a/{id}").path_param("id", 7),
            "/v1/a/7".into(),
        ),
        (
            format!("{uri}/v1/"),
            Request::get("a").query("q", "x y&z"),
            "/v1/a?q=x+y%26z".into(),
        ),
        (
            format!("{uri}/v1?key=k"),
            Request::get("/a").query("q", "1"),
            "/v1/a?key=k&q=1".into(),
        ),
        (
            uri.clone(),
            Request::get("/search?type=user")
                .query("q", "é")
                .options(tern_runtime::RequestOptions::new().query("extra", "1")),
            "/search?type=user&q=%C3%A9&extra=1".into(),
        ),
        (
            format!("{uri}/ignored"),
            Request::get(format!("{uri}/absolute/{{id}}")).path_param("id", "x y"),
            "/absolute/x%20y".into(),
        ),
        (uri.clone(), Request::get(""), "/".into()),
    ];
    for (base, request, expected) in cases {
        let client = tern_runtime::Client::builder(&base)
            .default_query("d", "0")
            .build()
            .unwrap();
        let err = client.execute(request).await.unwrap_err();
        let sent = server.received_requests().await.unwrap().pop().unwrap();
        let path_and_query = match sent.url.query() {
            Some(q) => format!("{}?{q}", sent.url.path()),
            None => sent.url.path().to_owned(),
        };
        // The client's default query comes first; compare it apart.
        let expected_with_default = match expected.split_once('?') {
            Some((path, q)) if q.starts_with("key=") => {
                let (key, rest) = q.split_once('&').unwrap();
                format!("{path}?{key}&d=0&{rest}")
            }
            Some((path, q)) if path == "/search" => {
                let (fixed, rest) = q.split_once('&').unwrap();
                format!("{path}?{fixed}&d=0&{rest}")
            }
            Some((path, q)) => format!("{path}?d=0&{q}"),
            None => format!("{expected}?d=0"),
        };
        assert_eq!(path_and_query, expected_with_default, "base {base}");
        let request = err.request().expect("an API error names its request");
        // (wiremock reports its host as `localhost`: compare what follows the authority.)
        let named = url::Url::parse(&request.url).unwrap();
        assert_eq!(
            (named.path(), named.query()),
            (sent.url.path(), sent.url.query()),
            "base {base}"
        );
    }
}

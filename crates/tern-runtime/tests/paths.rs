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

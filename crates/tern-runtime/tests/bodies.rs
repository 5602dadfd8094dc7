//! Retries resend JSON, form and multipart bodies intact; the idempotency key is the same on
//! every attempt; extra body fields, headers and query from options arrive.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use tern_runtime::{Part, Request, RequestOptions};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn flaky(server: &MockServer, p: &str) {
    Mock::given(path(p))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(server)
        .await;
    Mock::given(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn bodies_are_resent_intact_with_one_idempotency_key() {
    let server = MockServer::start().await;
    for p in ["/json", "/form", "/multipart"] {
        flaky(&server, p).await;
    }
    let (b, _) = support::builder(&server.uri());
    let client = b.idempotency_header("Idempotency-Key").build().unwrap();

    client
        .execute(
            Request::post("/json")
                .json(&json!({"name": "w", "tags": ["a", "b"]}))
                .unwrap(),
        )
        .await
        .unwrap();
    client
        .execute(
            Request::post("/form")
                .form(vec![("a".into(), "1 2".into()), ("b".into(), "é&".into())]),
        )
        .await
        .unwrap();
    let file = vec![0u8, 159, 146, 150, 255];
    client
        .execute(Request::patch("/multipart").multipart(vec![
            Part::text("caption", "hi"),
            Part::file("file", "x.bin", file.clone()).content_type("application/octet-stream"),
        ]))
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 9);
    for p in ["/json", "/form", "/multipart"] {
        let attempts: Vec<_> = requests.iter().filter(|r| r.url.path() == p).collect();
        assert_eq!(attempts.len(), 3, "{p}");
        let first = &attempts[0];
        assert!(!first.body.is_empty(), "{p}");
        let key = first.headers["idempotency-key"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(key.starts_with("tern-") && key.len() > 20, "{key}");
        for a in &attempts[1..] {
            assert_eq!(a.body, first.body, "{p}: body differs on a retry");
            assert_eq!(
                a.headers["idempotency-key"],
                key.as_str(),
                "{p}: key differs on a retry"
            );
        }
    }
    let json_body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(json_body, json!({"name": "w", "tags": ["a", "b"]}));
    let form = requests.iter().find(|r| r.url.path() == "/form").unwrap();
    assert_eq!(String::from_utf8_lossy(&form.body), "a=1+2&b=%C3%A9%26");
    assert_eq!(
        form.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    let mp = requests
        .iter()
        .find(|r| r.url.path() == "/multipart")
        .unwrap();
    let ct = mp.headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let body = &mp.body;
    assert!(
        body.windows(file.len()).any(|w| w == file.as_slice()),
        "file bytes intact"
    );
    assert!(String::from_utf8_lossy(body).contains("name=\"caption\"\r\n\r\nhi\r\n"));
}

#[tokio::test]
async fn gets_carry_no_idempotency_key_unless_given() {
    let server = support::ok_server("/x").await;
    let (b, _) = support::builder(&server.uri());
    let client = b.idempotency_header("Idempotency-Key").build().unwrap();
    client.execute(Request::get("/x")).await.unwrap();
    client
        .execute(Request::put("/x").options(RequestOptions::new().idempotency_key("mine")))
        .await
        .unwrap();
    let r = server.received_requests().await.unwrap();
    assert!(r[0].headers.get("idempotency-key").is_none());
    assert_eq!(r[1].headers["idempotency-key"], "mine");
}

#[tokio::test]
async fn options_add_headers_query_and_body_fields() {
    let server = support::ok_server("/x").await;
    let (b, _) = support::builder(&server.uri());
    let client = b
        .sdk("finch", "1.2.3")
        .default_header("Finch-API-Version", "2020-09-17")
        .default_query("v", "1")
        .build()
        .unwrap();
    let scoped = client.with_options(RequestOptions::new().header("X-Scope", "a"));
    scoped
        .execute(
            Request::post("/x")
                .json(&json!({"name": "n"}))
                .unwrap()
                .options(
                    RequestOptions::new()
                        .query("debug", "true")
                        .body_field("extra", json!(5))
                        .header("Finch-API-Version", "2024-01-01"),
                ),
        )
        .await
        .unwrap();
    let r = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        r.headers["finch-api-version"], "2024-01-01",
        "per-request header overrides the default"
    );
    assert_eq!(r.headers["x-scope"], "a");
    let ua = r.headers["user-agent"].to_str().unwrap();
    assert!(ua.starts_with("finch/1.2.3 tern-runtime/"), "{ua}");
    assert_eq!(r.url.query(), Some("v=1&debug=true"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap(),
        json!({"name": "n", "extra": 5})
    );
}

#[test]
fn optional_nullable_members_keep_absent_null_and_value_apart() {
    use tern_runtime::Nullable;
    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        label: Nullable<String>,
    }
    let absent: Patch = serde_json::from_str("{}").unwrap();
    let null: Patch = serde_json::from_str(r#"{"label": null}"#).unwrap();
    let value: Patch = serde_json::from_str(r#"{"label": "x"}"#).unwrap();
    assert_eq!(absent.label, Nullable::Absent);
    assert_eq!(null.label, Nullable::Null);
    assert_eq!(value.label, Nullable::Value("x".into()));
    // And back: absent stays absent, null is sent as null.
    assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
    assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"label":null}"#);
    assert_eq!(serde_json::to_string(&value).unwrap(), r#"{"label":"x"}"#);
}

//! Every status maps to its error; errors carry request, status, headers, body, JSON, request
//! id; decode errors show where; invalid requests fail before sending.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use tern_runtime::{Error, NoRetry, Request};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn every_status_maps_to_its_error() {
    let server = MockServer::start().await;
    let codes = [400u16, 401, 403, 404, 409, 422, 429, 500, 503, 418, 302];
    for code in codes {
        Mock::given(path(format!("/s/{code}")))
            .respond_with(
                ResponseTemplate::new(code)
                    .set_body_json(json!({"error": {"message": format!("boom {code}")}}))
                    .insert_header("x-request-id", "req-1"),
            )
            .mount(&server)
            .await;
    }
    let (b, _) = support::builder(&server.uri());
    let client = b.retry_policy(NoRetry).build().unwrap();
    for code in codes {
        let err = client
            .execute(Request::get(format!("/s/{code}")))
            .await
            .unwrap_err();
        let expected = match code {
            400 => matches!(err, Error::BadRequest(_)),
            401 => matches!(err, Error::Authentication(_)),
            403 => matches!(err, Error::PermissionDenied(_)),
            404 => matches!(err, Error::NotFound(_)),
            409 => matches!(err, Error::Conflict(_)),
            422 => matches!(err, Error::UnprocessableEntity(_)),
            429 => matches!(err, Error::RateLimit(_)),
            500 | 503 => matches!(err, Error::InternalServer(_)),
            _ => matches!(err, Error::Status(_)),
        };
        assert!(expected, "{code} → {err:?}");
        let api = err.api_error().unwrap();
        assert_eq!(api.status.as_u16(), code);
        assert_eq!(api.request_id.as_deref(), Some("req-1"));
        assert_eq!(
            api.json.as_ref().unwrap()["error"]["message"],
            format!("boom {code}")
        );
        assert_eq!(api.request.method, tern_runtime::Method::GET);
        assert!(api.request.url.ends_with(&format!("/s/{code}")));
        let text = err.to_string();
        assert!(
            text.contains(&format!("boom {code}"))
                && text.contains("request id req-1")
                && text.contains("GET http://"),
            "{text}"
        );
        assert_eq!(
            err.is_retryable(),
            matches!(code, 409 | 429 | 500 | 503),
            "{code}"
        );
    }
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Item {
    id: u32,
    created_at: String,
}

#[derive(Debug, serde::Deserialize)]
struct ProblemBody {
    code: String,
}

#[tokio::test]
async fn decode_errors_say_where_and_typed_error_bodies_decode() {
    let server = MockServer::start().await;
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": [{"id": 1, "created_at": "x"}, {"id": 2, "created_at": 7}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/bad"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"code": "invalid_input"})))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Envelope {
        data: Vec<Item>,
    }
    let err = client
        .send::<Envelope>(Request::get("/items"))
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path, "data[1].created_at");
    assert_eq!(d.status.as_u16(), 200);
    assert!(d.snippet.starts_with("{\"data\""), "{}", d.snippet);
    assert!(
        err.to_string()
            .contains("does not decode at `data[1].created_at`"),
        "{err}"
    );

    let err = client.execute(Request::get("/bad")).await.unwrap_err();
    let Error::BadRequest(api) = err else {
        panic!()
    };
    assert_eq!(api.decode::<ProblemBody>().unwrap().code, "invalid_input");
}

#[tokio::test]
async fn invalid_requests_fail_before_sending_and_name_the_argument() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let err = client
        .execute(Request::get("/x").header("X-Name", "a\r\nInjected: 1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { message } if message.contains("`X-Name`")),
        "{err}"
    );
    let err = client.execute(Request::get("/x/{id}")).await.unwrap_err();
    assert!(
        err.to_string().contains("missing path parameter `id`"),
        "{err}"
    );
    let err = client
        .execute(Request::get("/x").header("bad header", "v"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`bad header`"), "{err}");
    assert!(Error::InvalidRequest {
        message: String::new()
    }
    .request()
    .is_none());
}

#[tokio::test]
async fn empty_bodies_decode_as_unit_and_raw_access_keeps_headers() {
    let server = MockServer::start().await;
    Mock::given(path("/empty"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path("/rate"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "41")
                .set_body_json(json!({"ok": true})),
        )
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    client.send::<()>(Request::delete("/empty")).await.unwrap();
    let r = client
        .send_with_response::<serde_json::Value>(Request::get("/rate"))
        .await
        .unwrap();
    assert_eq!(r.value["ok"], true);
    assert_eq!(r.headers["x-ratelimit-remaining"], "41");
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(r.request_id(), None);
}

/// What generated methods return: a `Call`, awaited for the value, or asked for the response
/// (status, headers, request id) or the raw body; a request that could not be built fails
/// when awaited, before anything is sent.
#[tokio::test]
async fn a_call_gives_the_value_the_response_or_the_raw_body() {
    use tern_runtime::Call;
    let server = MockServer::start().await;
    Mock::given(path("/company"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "req-7")
                .set_body_json(json!({"name": "Acme"})),
        )
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let call = || Call::<serde_json::Value>::new(&client, Ok(Request::get("/company")));
    assert_eq!(call().await.unwrap()["name"], "Acme");
    let r = call().with_response().await.unwrap();
    assert_eq!((r.status.as_u16(), r.request_id()), (201, Some("req-7")));
    assert_eq!(r.request.url, format!("{}/company", server.uri()));
    assert_eq!(r.into_value()["name"], "Acme");
    let raw = call().raw().await.unwrap();
    assert_eq!(&raw.body[..], br#"{"name":"Acme"}"#);
    let sent = server.received_requests().await.unwrap().len();
    let bad = Call::<serde_json::Value>::new(
        &client,
        Err(tern_runtime::Error::InvalidRequest {
            message: "argument `id` is empty".into(),
        }),
    );
    let e = bad.with_response().await.unwrap_err();
    assert!(e.to_string().contains("argument `id`"), "{e}");
    assert_eq!(server.received_requests().await.unwrap().len(), sent);
}

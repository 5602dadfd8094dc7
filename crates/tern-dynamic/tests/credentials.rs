//! Credentials bound through the spec's credential plan (the one generated builders use): an
//! API-owned token endpoint is found and used, and client credentials an API cannot take are an
//! error, never dropped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use tern_dynamic::{Args, CacheOptions, DynamicClient};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An API whose token endpoint is an operation of its own (as Candid's), declared with a bearer
/// scheme and no OAuth 2 flow.
const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Claims, version: "1"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security: [{bearer: []}]
paths:
  /auth/token:
    post:
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [client_id, client_secret]
              properties:
                client_id: {type: string}
                client_secret: {type: string}
      responses:
        "200":
          description: a token
          content:
            application/json:
              schema:
                type: object
                properties:
                  access_token: {type: string}
                  expires_in: {type: integer}
  /claims:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {type: object}}}}}}
"##;

const NO_FLOW: &str = r##"
openapi: 3.0.3
info: {title: Keys, version: "1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
security: [{key: []}]
paths:
  /things:
    get:
      responses: {"200": {description: ok}}
"##;

fn no_cache() -> CacheOptions {
    CacheOptions {
        enabled: false,
        ..Default::default()
    }
}

#[tokio::test]
async fn client_credentials_use_the_apis_own_token_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(body_partial_json(
            json!({"client_id": "id-1", "client_secret": "s3cret"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok-9", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/claims"))
        .and(header("authorization", "Bearer tok-9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 1}])))
        .expect(2)
        .mount(&server)
        .await;
    let client = DynamicClient::builder()
        .spec_document("claims.yaml", SPEC)
        .base_url(server.uri())
        .oauth2_client("id-1", "s3cret")
        .cache(no_cache())
        .build()
        .await
        .unwrap();
    let claims = client.resource("claims").unwrap().method("list").unwrap();
    // One token fetch serves both calls.
    for _ in 0..2 {
        let got = claims.call(Args::new()).await.unwrap();
        assert_eq!(got.body, json!([{"id": 1}]));
    }
}

#[tokio::test]
async fn client_credentials_an_api_cannot_take_are_an_error() {
    let err = DynamicClient::builder()
        .spec_document("keys.yaml", NO_FLOW)
        .base_url("http://127.0.0.1:9")
        .oauth2_client("id", "secret")
        .cache(no_cache())
        .build()
        .await
        .expect_err("client credentials without a flow are refused");
    assert!(
        err.to_string().contains("no client-credentials flow"),
        "{err}"
    );
}

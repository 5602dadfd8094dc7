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

/// A fintech-style API: a client id, a secret and a version header, all API keys, required
/// together; and one operation that also takes a bearer token instead.
const THREE_KEYS: &str = r##"
openapi: 3.0.3
info: {title: Ledger, version: "1"}
components:
  securitySchemes:
    clientId: {type: apiKey, in: header, name: LEDGER-CLIENT-ID}
    secret: {type: apiKey, in: header, name: LEDGER-SECRET}
    ledgerVersion: {type: apiKey, in: header, name: Ledger-Version}
    bearer: {type: http, scheme: bearer}
security: [{clientId: [], secret: [], ledgerVersion: []}]
paths:
  /accounts:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array}}}}}
  /me:
    get:
      security: [{bearer: []}, {clientId: [], secret: []}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
"##;

/// Each key of a requirement that combines several schemes is given by its scheme's name (or
/// read from the variable named after it) and sent together; a missing one is named before
/// sending, and what was given is still sent.
#[tokio::test]
async fn several_api_keys_required_together_are_each_given_by_scheme() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .and(header("ledger-client-id", "id-7"))
        .and(header("ledger-secret", "s3cret"))
        .and(header("ledger-version", "2024-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "a1"}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("ledger-client-id", "id-7"))
        .and(header("ledger-secret", "s3cret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"me": true})))
        .expect(1)
        .mount(&server)
        .await;
    // The version is read from the variable the plan names for its scheme.
    std::env::set_var("TERN_LEDGER_VERSION", "2024-01");
    let client = DynamicClient::builder()
        .spec_document("ledger.yaml", THREE_KEYS)
        .base_url(server.uri())
        .credential("clientId", "id-7")
        .credential("secret", "s3cret")
        .credentials_from_env()
        .cache(no_cache())
        .build()
        .await
        .unwrap();
    let accounts = client.resource("accounts").unwrap().method("list").unwrap();
    assert_eq!(accounts.missing_credentials(), None);
    let got = accounts.call(Args::new()).await.unwrap();
    assert_eq!(got.body, json!([{"id": "a1"}]));
    // The second alternative of `/me` is met by two of the keys.
    let me = client.resource("me").unwrap().method("list").unwrap();
    assert_eq!(me.missing_credentials(), None);
    assert_eq!(
        me.call(Args::new()).await.unwrap().body,
        json!({"me": true})
    );

    // Without the secret: the missing scheme is named with the credential that satisfies it,
    // and the keys that were given are still sent (the server names what is missing).
    std::env::remove_var("TERN_LEDGER_VERSION");
    let partial = DynamicClient::builder()
        .spec_document("ledger.yaml", THREE_KEYS)
        .base_url(server.uri())
        .credential("client_id", "id-7")
        .cache(no_cache())
        .build()
        .await
        .unwrap();
    let accounts = partial
        .resource("accounts")
        .unwrap()
        .method("list")
        .unwrap();
    let missing = accounts.missing_credentials().unwrap();
    let named: Vec<(&str, Option<&str>)> = missing
        .iter()
        .map(|m| {
            (
                m.scheme.as_str(),
                m.credential.as_ref().map(|c| c.method.as_str()),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("secret", Some("secret")),
            ("ledgerVersion", Some("ledger_version"))
        ]
    );
    let env: Vec<&str> = missing
        .iter()
        .filter_map(|m| m.credential.as_ref()?.env.first().map(String::as_str))
        .collect();
    assert_eq!(env, ["TERN_SECRET", "TERN_LEDGER_VERSION"]);

    // A scheme the API does not declare is an error naming the ones it does.
    let err = DynamicClient::builder()
        .spec_document("ledger.yaml", THREE_KEYS)
        .base_url(server.uri())
        .credential("password", "x")
        .cache(no_cache())
        .build()
        .await
        .expect_err("an unknown scheme is refused");
    assert!(
        err.to_string()
            .contains("client_id, secret, ledger_version"),
        "{err}"
    );
}

//! What a caller may send, and how it is checked: a body given whole (members named like a path
//! parameter, members of one `oneOf` branch), validation relaxed where the spec contradicts
//! itself (reported with its pointer), and no validation at all when asked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use tern_dynamic::{Args, CacheOptions, DynamicClient, DynamicError};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Store, version: "1"}
paths:
  /items/{name}:
    put:
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: name, in: query, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                size: {type: integer}
      responses: {"200": {description: ok}}
  /pets:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {type: object, required: [bark], properties: {bark: {type: boolean}, name: {type: string}}, additionalProperties: false}
                - {type: object, required: [meow], properties: {meow: {type: integer}, name: {type: string}}, additionalProperties: false}
      responses: {"200": {description: ok}}
  /accounts:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Account"}
      responses: {"200": {description: ok}}
components:
  schemas:
    Account:
      type: object
      required: [Email, legacy_id]
      properties:
        email: {type: string}
        code: {$ref: "#/components/schemas/Code", maxLength: 1}
        age: {type: integer}
    Code: {type: string, maxLength: 10}
"##;

/// A server that answers every PUT and POST.
async fn answering_server() -> MockServer {
    let server = MockServer::start().await;
    for verb in ["PUT", "POST"] {
        Mock::given(method(verb))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
    }
    server
}

async fn store(server: &MockServer, validate: bool) -> DynamicClient {
    DynamicClient::builder()
        .spec_document("store.yaml", SPEC)
        .base_url(server.uri())
        .validate(validate)
        .cache(CacheOptions {
            enabled: false,
            ..Default::default()
        })
        .build()
        .await
        .unwrap()
}

async fn last_body(server: &MockServer) -> (String, serde_json::Value) {
    let r = server.received_requests().await.unwrap().pop().unwrap();
    (
        format!("{}?{}", r.url.path(), r.url.query().unwrap_or("")),
        serde_json::from_slice(&r.body).unwrap_or_default(),
    )
}

/// A body member named like a path parameter: the body given whole keeps the spec's names, the
/// path parameter takes its positional value, and the same-named query parameter is reached
/// by its own name (`name_query`).
#[tokio::test]
async fn a_body_given_whole_keeps_its_member_names() {
    let server = answering_server().await;
    let client = store(&server, true).await;
    let put = client.resource("items").unwrap().method("put").unwrap();
    put.call(
        Args::new()
            .arg("lamp")
            .body(json!({"name": "Desk lamp", "size": 3}))
            .named("name_query", "q"),
    )
    .await
    .unwrap();
    let (at, body) = last_body(&server).await;
    assert_eq!(at, "/items/lamp?name=q");
    assert_eq!(body, json!({"name": "Desk lamp", "size": 3}));
    // A member given as an argument is set on top of the body.
    put.call(
        Args::new()
            .arg("lamp")
            .body(json!({"name": "Desk lamp"}))
            .named("size", 4),
    )
    .await
    .unwrap();
    assert_eq!(
        last_body(&server).await.1,
        json!({"name": "Desk lamp", "size": 4})
    );
    assert!(put.help().contains("`_query`"), "{}", put.help());
}

/// A `oneOf` body accepts the members of either branch, and is checked against the union.
#[tokio::test]
async fn union_bodies_take_either_branch() {
    let server = answering_server().await;
    let client = store(&server, true).await;
    let post = client.resource("pets").unwrap().method("post").unwrap();
    post.call(Args::new().body(json!({"meow": 3, "name": "Tom"})))
        .await
        .unwrap();
    assert_eq!(
        last_body(&server).await.1,
        json!({"meow": 3, "name": "Tom"})
    );
    post.call(Args::new().body(json!({"bark": true})))
        .await
        .unwrap();
    let err = post
        .call(Args::new().body(json!({"purr": 1})))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DynamicError::InvalidArgument { name, .. } if name == "body"),
        "{err}"
    );
}

/// `required` names that `properties` spells in another case, or does not declare, are spec
/// defects: reported with their pointer, never a reason to refuse the call; a 3.0 `$ref`'s
/// sibling keywords do not constrain. Without validation, a wrong value is sent as given.
#[tokio::test]
async fn validation_is_never_stricter_than_the_spec_means() {
    let server = answering_server().await;
    let client = store(&server, true).await;
    let post = client.resource("accounts").unwrap().method("post").unwrap();
    post.call(Args::new().body(json!({"email": "a@b.c", "code": "ABCDEF"})))
        .await
        .unwrap();
    let defects = post.spec_defects().join("\n");
    assert!(
        defects.contains("`Email`, declared as `email`")
            && defects.contains("`legacy_id`, which `properties` does not declare")
            && defects.contains("/components/schemas/Account"),
        "{defects}"
    );
    // The declared property the case-mismatched name means is still required.
    let err = post
        .call(Args::new().body(json!({"age": 3})))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("email"), "{err}");
    // A value of the wrong type is refused before sending, unless validation is off.
    let err = post
        .call(Args::new().body(json!({"email": "a@b.c", "age": "three"})))
        .await
        .unwrap_err();
    assert!(matches!(err, DynamicError::InvalidArgument { .. }), "{err}");
    let lax = store(&server, false).await;
    let post = lax.resource("accounts").unwrap().method("post").unwrap();
    post.call(Args::new().body(json!({"email": "a@b.c", "age": "three"})))
        .await
        .unwrap();
    assert_eq!(last_body(&server).await.1["age"], "three");
}

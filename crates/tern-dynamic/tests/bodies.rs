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
    client_of(server, SPEC, validate).await
}

async fn client_of(server: &MockServer, spec: &str, validate: bool) -> DynamicClient {
    DynamicClient::builder()
        .spec_document("spec.yaml", spec)
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
            && defects.contains("not required")
            && defects.contains("`legacy_id`, which `properties` does not declare")
            && defects.contains("/components/schemas/Account"),
        "{defects}"
    );
    // Neither spelling of a name required in another case is insisted on.
    post.call(Args::new().body(json!({"age": 3})))
        .await
        .unwrap();
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

const COMPOSED: &str = r##"
openapi: 3.0.3
info: {title: Ranges, version: "1"}
paths:
  /ranges:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {type: object, required: [first], properties: {first: {type: string, format: ipv4}}}
                - {type: object, required: [first], properties: {first: {type: string, format: ipv6}}}
      responses: {"200": {description: ok}}
  /docs:
    post:
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - {type: object, properties: {title: {type: string}}}
                - {type: object, additionalProperties: false}
                - anyOf:
                    - {required: [title]}
      responses: {"200": {description: ok}}
  /notes:
    post:
      requestBody:
        content:
          text/plain:
            schema: {type: string}
      responses: {"200": {description: ok}}
"##;

/// Composition read as servers read it: branches that differ only by a format, a closed
/// `allOf` part, an optional body left out, a text body given as a string.
#[tokio::test]
async fn composed_and_text_bodies_are_read_leniently() {
    let server = answering_server().await;
    let client = client_of(&server, COMPOSED, true).await;
    let method = |r: &str| client.resource(r).unwrap().method("post").unwrap();
    method("ranges")
        .call(Args::new().body(json!({"first": "10.0.0.1"})))
        .await
        .unwrap();
    method("docs")
        .call(Args::new().body(json!({"title": "Plan"})))
        .await
        .unwrap();
    assert_eq!(last_body(&server).await.1, json!({"title": "Plan"}));
    // Optional and left out: nothing is sent, nothing checked.
    method("docs").call(Args::new()).await.unwrap();
    let r = server.received_requests().await.unwrap().pop().unwrap();
    assert!(r.body.is_empty());
    // A text body given as a JSON string is sent as its text.
    method("notes")
        .call(Args::new().named("body", "hello"))
        .await
        .unwrap();
    let r = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(r.body, b"hello");
    assert_eq!(r.headers.get("content-type").unwrap(), "text/plain");
}

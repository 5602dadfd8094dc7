//! Calls through the dynamic client against a local server: verbs, argument mapping, checks
//! before sending, responses, rate limits, pagination.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use serde_json::json;
use tern_dynamic::{Args, CacheOptions, DynamicClient, DynamicError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Flows, version: "1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    Workflow:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1}
        state: {type: string, enum: [idle, running]}
        createdAt: {type: string}
        tags: {type: array, items: {type: string}}
security: [{key: []}]
paths:
  /workflows:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
        - {name: page_num, in: query, schema: {type: integer}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}, explode: false}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Workflow"}}}}}
    post:
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Workflow"}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Workflow"}}}}
  /workflows/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Workflow"}}}}}
    delete:
      parameters: [{name: X-Reason, in: header, schema: {type: string}}]
      responses: {"204": {description: gone}}
"##;

async fn client(server: &MockServer) -> DynamicClient {
    DynamicClient::builder()
        .spec_document("flows.yaml", SPEC)
        .base_url(server.uri())
        .api_key("sekrit")
        .cache(CacheOptions {
            enabled: false,
            ..Default::default()
        })
        .build()
        .await
        .unwrap()
}

#[tokio::test]
async fn calls_across_verbs_map_arguments_to_their_places() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/workflows"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"name": "a", "createdAt": "2024"}]))
                .insert_header("X-RateLimit-Remaining", "41")
                .insert_header("X-RateLimit-Limit", "50"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/workflows"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"name": "new", "createdAt": "now"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/workflows/7"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"name": "seven", "createdAt": "then"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/workflows/7"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let wf = client.resource("workflows").unwrap();

    let listed = wf
        .method("list")
        .unwrap()
        .call(
            Args::new()
                .named("limit", 5)
                .named("tags", json!(["a", "b"])),
        )
        .await
        .unwrap();
    assert_eq!(listed.body[0]["name"], "a");
    assert_eq!(
        listed.rate_limit().map(|r| (r.limit, r.remaining)),
        Some((Some(50), Some(41)))
    );

    let created = wf
        .method("post")
        .unwrap()
        .call(Args::new().arg("new").named("tags", json!(["x"])))
        .await
        .unwrap();
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(
        created.get("created_at"),
        Some(&json!("now")),
        "snake_case access finds createdAt"
    );
    assert_eq!(created.get("createdAt"), Some(&json!("now")));

    let got: serde_json::Value = wf
        .method("get")
        .unwrap()
        .call_as(Args::new().arg(7))
        .await
        .unwrap();
    assert_eq!(got["name"], "seven");
    let deleted = wf
        .method("delete")
        .unwrap()
        .call(Args::new().arg(7).named("x_reason", "cleanup"))
        .await
        .unwrap();
    assert_eq!(deleted.body, serde_json::Value::Null);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("limit=5&tags=a%2Cb"));
    assert_eq!(
        requests[0].headers["x-api-key"], "sekrit",
        "API key placed per the security scheme"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&requests[1].body).unwrap(),
        json!({"name": "new", "tags": ["x"]})
    );
    assert_eq!(requests[3].headers["x-reason"], "cleanup");
}

#[tokio::test]
async fn bad_arguments_fail_before_sending_and_name_the_argument() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let wf = client.resource("workflows").unwrap();
    let err = |r: Result<tern_runtime::Request, DynamicError>| r.unwrap_err().to_string();

    assert_eq!(
        err(wf.method("get").unwrap().prepare(Args::new())),
        "workflows.get: missing required argument `id`"
    );
    assert!(err(wf
        .method("list")
        .unwrap()
        .prepare(Args::new().named("limt", 5)))
    .starts_with("workflows.list: unknown argument `limt`; it takes: limit, page_num, tags"));
    assert_eq!(
        err(wf.method("get").unwrap().prepare(Args::new().arg(1).arg(2))),
        "workflows.get: takes 1 positional argument(s), 2 given"
    );
    let e = err(wf.method("get").unwrap().prepare(Args::new().arg("seven")));
    assert!(
        e.starts_with("workflows.get: argument `id` is invalid") && e.contains("integer"),
        "{e}"
    );
    let e = err(wf
        .method("list")
        .unwrap()
        .prepare(Args::new().named("limit", 500)));
    assert!(e.contains("`limit`") && e.contains("100"), "{e}");
    let e = err(wf.method("post").unwrap().prepare(Args::new().arg("")));
    assert!(e.contains("`name`"), "{e}");
    let e = err(wf
        .method("post")
        .unwrap()
        .prepare(Args::new().arg("ok").named("state", "flying")));
    assert!(e.contains("`state`") && e.contains("flying"), "{e}");
    let e = err(wf
        .method("post")
        .unwrap()
        .prepare(Args::new().arg("ok").named("tags", json!([1]))));
    assert!(e.contains("`tags`"), "{e}");
    assert!(matches!(
        client.resource("nope"),
        Err(DynamicError::UnknownResource { .. })
    ));
    assert!(matches!(
        wf.method("nope"),
        Err(DynamicError::UnknownMethod { .. })
    ));
}

#[tokio::test]
async fn help_texts_come_from_the_spec() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    let help = client
        .resource("workflows")
        .unwrap()
        .method("list")
        .unwrap()
        .help();
    assert!(
        help.starts_with("workflows.list(*, limit, page_num, tags)"),
        "{help}"
    );
    assert!(help.contains("GET /workflows"), "{help}");
    assert!(help.contains("limit: integer (query, optional)"), "{help}");
    assert!(help.contains("Returns: array<Workflow> (200)"), "{help}");
    assert!(help.contains("Paginated (page)"), "{help}");
    let resource_help = client.resource("workflows").unwrap().help();
    assert!(
        resource_help.contains("workflows.post(name, *, state, created_at, tags)"),
        "{resource_help}"
    );
}

#[tokio::test]
async fn civis_style_pagination_stops_at_the_end() {
    let server = MockServer::start().await;
    Mock::given(path("/workflows"))
        .respond_with(|r: &wiremock::Request| {
            let q = |k: &str| {
                r.url
                    .query_pairs()
                    .find(|(n, _)| n == k)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
            };
            let (page, limit) = (q("page_num").unwrap_or(1), q("limit").unwrap_or(50));
            let items: Vec<_> = (0..7usize)
                .skip((page - 1) * limit)
                .take(limit)
                .map(|i| json!({"name": format!("w{i}")}))
                .collect();
            ResponseTemplate::new(200).set_body_json(items)
        })
        .mount(&server)
        .await;
    let client = client(&server).await;
    let list = client
        .resource("workflows")
        .unwrap()
        .method("list")
        .unwrap();
    let names: Vec<String> = list
        .paginate(Args::new().named("limit", 3))
        .await
        .unwrap()
        .map(|r| r.unwrap()["name"].as_str().unwrap().to_owned())
        .collect()
        .await;
    assert_eq!(names, ["w0", "w1", "w2", "w3", "w4", "w5", "w6"]);
    let pages: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        pages,
        ["limit=3", "limit=3&page_num=2", "limit=3&page_num=3"]
    );
}

#[tokio::test]
async fn http_errors_are_typed() {
    let server = MockServer::start().await;
    Mock::given(path("/workflows/9"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "no workflow 9"})))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let err = client
        .resource("workflows")
        .unwrap()
        .method("get")
        .unwrap()
        .call(Args::new().arg(9))
        .await
        .unwrap_err();
    let DynamicError::Http(tern_runtime::Error::NotFound(api)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.message().as_deref(), Some("no workflow 9"));
}

//! The dynamic client exposes every method Civis's own Python client builds from civis.json —
//! same names (deprecated `list_…` aliases included), verbs, paths and positional argument
//! order. The expected table was recorded from civis 2.10.1 by
//! `scripts/fixtures/civis_methods.py`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use tern_dynamic::{Args, CacheOptions, DynamicClient};

#[derive(serde::Deserialize)]
struct Row {
    resource: String,
    method: String,
    verb: String,
    path: String,
    positional: Vec<String>,
}

#[tokio::test]
async fn every_civis_client_method_exists_with_the_same_shape() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds/civis/civis.json");
    let rows: Vec<Row> = serde_json::from_str(include_str!("fixtures/civis_methods.json")).unwrap();
    assert_eq!(rows.len(), 885);
    let client = DynamicClient::builder()
        .spec_path(&spec)
        .api_key("k")
        .cache(CacheOptions {
            enabled: false,
            ..Default::default()
        })
        .build()
        .await
        .unwrap();
    let mut problems = Vec::new();
    for row in &rows {
        let method = match client
            .resource(&row.resource)
            .and_then(|r| r.method(&row.method))
        {
            Ok(m) => m,
            Err(e) => {
                problems.push(format!("{}.{}: {e}", row.resource, row.method));
                continue;
            }
        };
        let op = method.operation();
        // Tern escapes Rust keywords (`type` → `type_`); the dynamic client accepts both.
        let positional: Vec<&str> = op
            .arguments
            .iter()
            .filter(|a| a.positional)
            .map(|a| {
                if tern_model::naming::is_keyword(a.name.trim_end_matches('_')) {
                    a.name.trim_end_matches('_')
                } else {
                    a.name.as_str()
                }
            })
            .collect();
        if op.method.as_str() != row.verb
            || op.path.trim_end_matches('/') != row.path.trim_end_matches('/')
            || positional != row.positional
        {
            problems.push(format!(
                "{}.{}: civis {} {} {:?}, tern {} {} {:?}",
                row.resource,
                row.method,
                row.verb,
                row.path,
                row.positional,
                op.method,
                op.path,
                positional
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} differ:\n{}",
        problems.len(),
        rows.len(),
        problems.join("\n")
    );
    let post = client
        .resource("credentials")
        .unwrap()
        .method("post")
        .unwrap();
    post.prepare(
        Args::new()
            .named("type", "Custom")
            .named("username", "u")
            .named("password", "p"),
    )
    .unwrap();
    post.prepare(Args::new().arg("Custom").arg("u").arg("p"))
        .unwrap();
}

#[tokio::test]
async fn the_seed_table() {
    let spec = r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "api.example.com",
      "paths": {
        "/workflows/": {"get": {"summary": "List", "parameters": [], "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"type": "object"}}}}}},
        "/workflows/{id}": {
          "get": {"summary": "Get", "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}], "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}},
          "patch": {"summary": "Update", "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}, {"name": "body", "in": "body", "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}], "responses": {"200": {"description": "ok"}}}},
        "/workflows/{id}/executions": {
          "get": {"summary": "List executions", "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}], "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"type": "object"}}}}},
          "post": {"summary": "Run", "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}], "responses": {"201": {"description": "ok"}}}},
        "/workflows/{id}/executions/{execution_id}": {"get": {"summary": "Get execution", "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}, {"name": "execution_id", "in": "path", "required": true, "type": "integer"}], "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}}},
        "/users/me": {"get": {"summary": "Me", "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}}}
      }}"#;
    let client = DynamicClient::builder()
        .spec_document("seed.json", spec)
        .api_key("k")
        .build()
        .await
        .unwrap();
    let table = [
        ("workflows", "list", "GET", "/workflows/"),
        ("workflows", "get", "GET", "/workflows/{id}"),
        (
            "workflows",
            "list_executions",
            "GET",
            "/workflows/{id}/executions",
        ),
        ("workflows", "patch", "PATCH", "/workflows/{id}"),
        (
            "workflows",
            "post_executions",
            "POST",
            "/workflows/{id}/executions",
        ),
        (
            "workflows",
            "get_executions",
            "GET",
            "/workflows/{id}/executions/{execution_id}",
        ),
        ("users", "get_me", "GET", "/users/me"),
        ("users", "list_me", "GET", "/users/me"),
    ];
    for (resource, name, verb, path) in table {
        let m = client.resource(resource).unwrap().method(name).unwrap();
        assert_eq!(
            (m.operation().method.as_str(), m.operation().path.as_str()),
            (verb, path),
            "{resource}.{name}"
        );
    }
    // Positional: path parameters; keyword: the optional body property.
    let patch = client
        .resource("workflows")
        .unwrap()
        .method("patch")
        .unwrap();
    let req = patch
        .prepare(Args::new().arg(1).named("name", "x"))
        .unwrap();
    assert_eq!(req.path(), "/workflows/{id}");
    assert_eq!(client.resources(), ["workflows", "users"]);
    assert_eq!(client.resource("users").unwrap().methods(), ["get_me"]);
}

//! `tern inspect` as a user runs it: text, JSON shape, naming schemes, exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support {
    pub mod cli;
}

use support::cli::{repo, run as tern};

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = tern(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn method<'a>(doc: &'a serde_json::Value, resource: &str, name: &str) -> &'a serde_json::Value {
    doc["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["name"] == resource))
        .and_then(|r| r["methods"].as_array())
        .and_then(|ms| ms.iter().find(|m| m["name"] == name))
        .unwrap_or_else(|| panic!("{resource}.{name} missing"))
}

#[test]
fn json_form_of_the_bundled_spec() {
    let doc = json(&["inspect", "examples/specs/workflows.yaml", "--json"]);
    assert_eq!(doc["title"], "Workflows API");
    assert_eq!(
        doc["servers"],
        serde_json::json!(["https://api.example.com/v1"])
    );
    let cancel = method(&doc, "workflows", "post_executions_cancel");
    assert_eq!(
        cancel,
        &serde_json::json!({
            "name": "post_executions_cancel", "aliases": [], "http_method": "POST",
            "path": "/workflows/{id}/executions/{execution_id}/cancel",
            "positional": ["id", "execution_id"], "keyword": [], "pagination": null,
            "summary": "Cancel an execution", "deprecated": false
        })
    );
    assert_eq!(method(&doc, "workflows", "list")["pagination"], "page");
    assert_eq!(
        method(&doc, "workflows", "get_executions")["pagination"],
        "cursor"
    );
    assert_eq!(
        method(&doc, "users", "get_me")["aliases"],
        serde_json::json!(["list_me"])
    );
}

#[test]
fn operation_id_naming() {
    let doc = json(&[
        "inspect",
        "examples/specs/workflows.yaml",
        "--json",
        "--naming",
        "operation-id",
    ]);
    assert_eq!(
        method(&doc, "executions", "cancel_execution")["path"],
        "/workflows/{id}/executions/{execution_id}/cancel"
    );
    assert_eq!(
        method(&doc, "workflows", "list_workflows")["keyword"],
        serde_json::json!(["limit", "page_num"])
    );
}

#[test]
fn text_form_reads_like_help() {
    let (code, out, _) = tern(&["inspect", "examples/specs/workflows.yaml"]);
    assert_eq!(code, 0);
    assert!(out.contains("  workflows.post(name: string, *, tags: array<string> [body])\n      POST /workflows\n      Create a workflow\n"), "{out}");
    assert!(out.contains("also: list_me"), "{out}");
}

#[test]
fn unloadable_documents_exit_1_with_a_positioned_error() {
    let (code, out, err) = tern(&["inspect", "crates/tern/Cargo.toml"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("error[syntax]") && err.contains("crates/tern/Cargo.toml:"),
        "{err}"
    );
    let (code, _, err) = tern(&["inspect", "no/such/file.yaml"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[io]"), "{err}");
}

#[test]
fn warnings_go_to_stderr_with_the_source_line_and_exit_0() {
    let dir = std::env::temp_dir().join(format!("tern-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let spec = dir.join("odd.yaml");
    std::fs::write(&spec, "openapi: '3.0.'\ninfo: {title: Odd, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses: {'200': {description: ok}}\n").expect("write");
    let (code, out, err) = tern(&["inspect", spec.to_str().expect("utf-8"), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning[odd-version]"), "{err}");
    assert!(
        err.contains("odd.yaml:1:1 (#/openapi)") && err.contains("1 | openapi: '3.0.'"),
        "{err}"
    );
    assert!(err.contains("warning[undeclared-path-parameter]"), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        method(&doc, "a", "get")["positional"],
        serde_json::json!(["id"])
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bar: every Civis operation under `rest` naming.
#[test]
fn civis_lists_all_910_operations() {
    let civis = repo().join("examples/seeds/civis/civis.json");
    let doc = json(&[
        "inspect",
        civis.to_str().expect("utf-8"),
        "--json",
        "--max-diagnostics",
        "0",
    ]);
    let methods: Vec<&serde_json::Value> = doc["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["methods"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(methods.len(), 910);
    assert_eq!(method(&doc, "workflows", "list")["path"], "/workflows/");
    assert_eq!(
        method(&doc, "workflows", "post_executions_cancel")["positional"],
        serde_json::json!(["id", "execution_id"])
    );
    assert_eq!(
        method(&doc, "users", "get_me")["aliases"],
        serde_json::json!(["list_me"])
    );
}

//! Tool catalogues as MCP clients need them, on the bundled specs, the seeds and — when it is
//! beside the repository (always on CI) — every document of `../shared/specs`: in tools mode
//! every tool name is valid (`[A-Za-z0-9_-]`, at most 64 characters) and unique, and every
//! input schema is a valid JSON Schema 2020-12 object that compiles, with no `$ref` left.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tern-model/tests/support/corpus.rs"]
mod corpus;

use serde_json::Value as Json;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tern_dynamic::DynamicClient;
use tern_mcp::{Catalog, Mode, Options, Server};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn client(spec: &Path) -> Option<DynamicClient> {
    DynamicClient::builder()
        .spec_path(spec)
        // No request is sent: a base URL for specs that name no server.
        .base_url("http://127.0.0.1:9")
        .build()
        .await
        .ok()
}

fn has_ref(v: &Json) -> bool {
    match v {
        Json::Object(m) => m.contains_key("$ref") || m.values().any(has_ref),
        Json::Array(a) => a.iter().any(has_ref),
        _ => false,
    }
}

/// Problems of one document's tools-mode catalogue; the number of tools.
fn check(client: &DynamicClient) -> (usize, Vec<String>) {
    let mut options = Options::default();
    options.mode = Mode::Tools;
    let server = Server::new(client.clone(), &options);
    let mut problems = Vec::new();
    let mut names = HashSet::new();
    for tool in server.tools() {
        let name = tool.name.as_ref();
        let valid = !name.is_empty()
            && name.len() <= tern_mcp::MAX_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            problems.push(format!("invalid name `{name}`"));
        }
        if !names.insert(name.to_owned()) {
            problems.push(format!("duplicate name `{name}`"));
        }
        let mut schema = Json::Object(tool.input_schema.as_ref().clone());
        if has_ref(&schema) {
            problems.push(format!("{name}: `$ref` left in the input schema"));
        }
        if schema["type"] != "object" {
            problems.push(format!("{name}: the input schema is not an object schema"));
        }
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
        if let Err(e) = jsonschema::meta::validate(&schema) {
            problems.push(format!("{name}: not a valid 2020-12 schema: {e}"));
        } else if let Err(e) = jsonschema::draft202012::new(&schema) {
            problems.push(format!("{name}: does not compile: {e}"));
        }
    }
    (server.tools().len(), problems)
}

#[tokio::test]
async fn seed_catalogues_are_valid_and_civis_is_discovered() {
    let specs = [
        repo().join("examples/specs/workflows.yaml"),
        repo().join("examples/seeds/finch/finch.json"),
        repo().join("examples/seeds/candid/candid.yaml"),
        repo().join("examples/seeds/civis/civis.json"),
    ];
    for spec in &specs {
        let client = client(spec).await.expect("loads");
        let (tools, problems) = check(&client);
        assert!(problems.is_empty(), "{}: {problems:#?}", spec.display());
        assert_eq!(
            tools,
            client.api().model.operations.len(),
            "{}: a tool per operation",
            spec.display()
        );
    }

    // Civis (910 operations) in auto mode: the three discovery tools.
    let civis = client(&specs[3]).await.unwrap();
    let server = Server::new(civis.clone(), &Options::default());
    let names: Vec<&str> = server.tools().iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        ["search_operations", "describe_operation", "call_operation"]
    );
    let found = server
        .catalog()
        .search(&civis, "workflow executions", None, 10);
    assert!(!found.is_empty());
    let model = &civis.api().model;
    for e in &found[..3] {
        assert_eq!(
            model.operations[e.operation].rest_name.resource, "workflows",
            "{}",
            e.name
        );
    }
    // Filters apply in both modes.
    let mut options = Options::default();
    options.resources = vec!["workflows".into()];
    options.read_only = true;
    let catalog = Catalog::new(&civis, &options);
    assert_eq!(catalog.mode, Mode::Tools);
    assert!(!catalog.entries.is_empty());
    for e in &catalog.entries {
        let op = &model.operations[e.operation];
        assert_eq!(op.rest_name.resource, "workflows");
        assert_eq!(op.method, tern_model::HttpMethod::Get);
    }
}

#[tokio::test]
async fn every_corpus_document_gives_valid_tools() {
    let Some(dir) = corpus::dir(&repo()) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/specs not found: CI checks the corpus"
        );
        eprintln!("../shared/specs not found: corpus check skipped");
        return;
    };
    let files = corpus::documents(&dir);
    let (mut documents, mut tools, mut failures) = (0, 0, Vec::new());
    for path in &files {
        let Some(client) = client(path).await else {
            failures.push(format!("{}: does not load", path.display()));
            continue;
        };
        documents += 1;
        let (n, problems) = check(&client);
        tools += n;
        failures.extend(
            problems
                .into_iter()
                .map(|p| format!("{}: {p}", path.display())),
        );
    }
    println!("{documents} documents, {tools} tools");
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(documents, files.len());
}

//! `$ref` resolution: local pointers, escapes, percent-encoding, other files (YAML and JSON,
//! relative to the referring file), cycles across files, and failures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use tern_spec::{load_path, load_str, FileId, Severity, Value};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn references_into_other_files_are_loaded_and_followed() {
    let loaded = load_path(fixture("multi/root.yaml")).expect("loads");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let spec = &loaded.spec;
    assert_eq!(
        spec.files().len(),
        3,
        "root, common.yaml and schemas/pet.json"
    );

    // A relative file with a pointer.
    let pet = spec
        .resolve(FileId::ROOT, "schemas/pet.json#/Pet")
        .expect("pet");
    assert_eq!(pet.pointer, "/Pet");
    assert_eq!(
        pet.value.get("type").and_then(Value::as_str),
        Some("object")
    );

    // From inside pet.json, `../root.yaml` is the root again (a cycle across files), with a
    // percent-encoded pointer and with `~0`/`~1` escapes.
    let kind = spec
        .resolve(pet.file, "../root.yaml#/components/schemas/Pet%20Type")
        .expect("kind");
    assert_eq!(kind.file, FileId::ROOT);
    assert_eq!(kind.pointer, "/components/schemas/Pet Type");
    let weird = spec
        .resolve(pet.file, "../root.yaml#/components/schemas/a~1b~0c")
        .expect("escaped");
    assert_eq!(
        weird.value.get("type").and_then(Value::as_str),
        Some("integer")
    );

    // A whole-file reference with no fragment.
    let common = spec.resolve(FileId::ROOT, "common.yaml").expect("common");
    assert!(common.value.get("parameters").is_some());
}

#[test]
fn local_pointers_with_escapes() {
    let text = r##"{"openapi":"3.1.0","info":{"title":"t","version":"1"},
      "paths":{"/pets/{id}":{"get":{"responses":{"200":{"description":"ok"}}}}},
      "components":{"schemas":{"A":{"$ref":"#/paths/~1pets~1%7Bid%7D/get"}}}}"##;
    let loaded = load_str("t.json", text).expect("loads");
    let node = loaded
        .spec
        .resolve(FileId::ROOT, "#/paths/~1pets~1%7Bid%7D/get")
        .expect("resolves");
    assert_eq!(node.pointer, "/paths/~1pets~1{id}/get");
    assert!(node.value.get("responses").is_some());
    assert!(loaded.spec.resolve(FileId::ROOT, "#/nope").is_err());
    assert!(loaded.spec.resolve(FileId::ROOT, "#anchor").is_err());
}

#[test]
fn a_missing_referenced_file_is_an_error_diagnostic_with_a_position() {
    let dir = std::env::temp_dir().join(format!("tern-missing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let root = dir.join("api.yaml");
    std::fs::write(
        &root,
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: missing.yaml#/Ok\n",
    )
    .expect("write");
    let loaded = load_path(&root).expect("the root still loads");
    let d = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "unreadable-reference")
        .expect("reported");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.pointer, "/paths/~1a/get/responses/200/$ref");
    assert_eq!((d.position.line, d.position.column), (8, 11));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn example_values_are_data_not_references() {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  examples:\n    e:\n      value: {$ref: 'https://example.com/x'}\n  schemas:\n    S:\n      type: object\n      example: {$ref: other.yaml}\n";
    let loaded = load_str("t.yaml", text).expect("loads");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

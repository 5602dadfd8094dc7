//! Diagnostics carry file, line:column and JSON pointer; broken input fails cleanly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use tern_spec::{load_str, Severity, SpecVersion, Value};

#[test]
fn odd_versions_warn_at_the_version_field() {
    let yaml = load_str(
        "a.yaml",
        "info: {title: t, version: '1'}\nopenapi: '3.0.'\npaths: {}\n",
    )
    .expect("loads");
    assert_eq!(yaml.spec.version(), SpecVersion::OpenApi30);
    let d = &yaml.diagnostics[0];
    assert_eq!(
        (d.code, d.severity, d.pointer.as_str()),
        ("odd-version", Severity::Warning, "/openapi")
    );
    assert_eq!(
        (d.file.as_str(), d.position.line, d.position.column),
        ("a.yaml", 2, 1)
    );

    let json = load_str(
        "b.json",
        "{\n  \"info\": {},\n    \"openapi\": 3.1,\n  \"paths\": {}\n}",
    )
    .expect("loads");
    assert_eq!(json.spec.version(), SpecVersion::OpenApi31);
    let d = &json.diagnostics[0];
    assert_eq!(d.code, "version-not-string");
    assert_eq!((d.position.line, d.position.column), (3, 5));
    assert_eq!(d.to_string(), "b.json:3:5: warning[version-not-string]: `openapi` should be a string such as \"3.0.3\"; read `3.1` as text (at #/openapi)");
}

#[test]
fn versions_are_detected() {
    let v = |text: &str| load_str("x.yaml", text).map(|l| (l.spec.version(), l.diagnostics.len()));
    assert_eq!(
        v("swagger: '2.0'\npaths: {}").ok(),
        Some((SpecVersion::Swagger2, 0))
    );
    assert_eq!(
        v("openapi: 3.1.0\npaths: {}").ok(),
        Some((SpecVersion::OpenApi31, 0))
    );
    assert_eq!(
        v("openapi: 3.0.3\npaths: {}").ok(),
        Some((SpecVersion::OpenApi30, 0))
    );
    assert_eq!(
        v("openapi: 3.2.0\npaths: {}").ok(),
        Some((SpecVersion::OpenApi31, 1))
    );
    assert_eq!(v("paths: {}").ok(), Some((SpecVersion::OpenApi30, 1)));
    assert_eq!(
        v("swagger: '1.2'\npaths: {}").ok(),
        Some((SpecVersion::Swagger2, 1))
    );
}

#[test]
fn broken_documents_fail_with_a_positioned_error() {
    let e = load_str(
        "bad.json",
        "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {,}\n}",
    )
    .expect_err("fails");
    let d = &e.diagnostics[0];
    assert_eq!(
        (d.code, d.file.as_str(), d.position.line),
        ("syntax", "bad.json", 3)
    );

    let e = load_str("bad.yaml", "openapi: 3.0.0\npaths:\n  - a\n  b: c\n").expect_err("fails");
    assert_eq!(e.diagnostics[0].code, "syntax");
    assert!(e.diagnostics[0].position.line >= 3);

    let e = load_str("list.yaml", "- 1\n- 2\n").expect_err("fails");
    assert_eq!(e.diagnostics[0].code, "not-an-api-description");
    let e = load_str("other.json", "{\"name\": \"package\"}").expect_err("fails");
    assert_eq!(e.diagnostics[0].code, "not-an-api-description");
    let e = load_str("empty.yaml", "").expect_err("fails");
    assert_eq!(e.diagnostics[0].code, "not-an-api-description");
}

#[test]
fn yaml_duplicate_keys_warn_with_their_position() {
    let l = load_str("d.yaml", "openapi: 3.0.0\npaths:\n  /a: {}\n  /a: {}\n").expect("loads");
    let d = l
        .diagnostics
        .iter()
        .find(|d| d.code == "duplicate-key")
        .expect("warned");
    assert_eq!(d.pointer, "/paths/~1a");
    assert_eq!(d.position.line, 4);
}

#[test]
fn rendering_shows_the_source_line() {
    let l = load_str("r.yaml", "openapi: '3.0.'\npaths: {}\n").expect("loads");
    let text = l.spec.render(&l.diagnostics[0]);
    assert!(text.contains("--> r.yaml:1:1 (#/openapi)"), "{text}");
    assert!(text.contains("1 | openapi: '3.0.'"), "{text}");
}

#[test]
fn vendor_extensions_are_kept() {
    let l = load_str(
        "x.yaml",
        "openapi: 3.0.0\nx-logo: {url: 'l.png'}\npaths: {}\n",
    )
    .expect("loads");
    assert_eq!(
        l.spec.root().at(["x-logo", "url"]).and_then(Value::as_str),
        Some("l.png")
    );
}

#[test]
fn bom_and_invalid_utf8_are_handled() {
    let l = tern_spec::load_bytes(
        tern_spec::Url::parse("memory:///b.json").expect("url"),
        b"\xEF\xBB\xBF{\"openapi\":\"3.0.0\",\"paths\":{}}".to_vec(),
    )
    .expect("loads");
    assert!(l.diagnostics.is_empty());
    let l = tern_spec::load_bytes(
        tern_spec::Url::parse("memory:///u.yaml").expect("url"),
        b"openapi: 3.0.0\npaths: {}\ninfo: {title: \"\xFF\"}\n".to_vec(),
    )
    .expect("loads");
    assert_eq!(l.diagnostics[0].code, "invalid-utf8");
}

#[test]
fn in_memory_names_are_shown_as_given() {
    let l = load_str("specs/my api.yaml", "openapi: '3.0'\npaths: {}\n").expect("loads");
    assert_eq!(l.diagnostics[0].file, "specs/my api.yaml");
}

//! Schema identity: a schema node is one type however it is reached (walked, or by a `$ref`
//! in any spelling), a made-up schema is never confused with another, and loops end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use tern_model::*;

fn model(text: &str) -> (ApiModel, Vec<Diagnostic>) {
    let loaded = tern_spec::load_str("t.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    tern_model::build(&loaded.spec)
}

fn response_type(op: &Operation) -> &TypeRef {
    op.responses[0].contents[0].ty.as_ref().unwrap()
}

fn names(m: &ApiModel) -> Vec<&str> {
    m.types.iter().map(|t| t.name.as_str()).collect()
}

#[test]
fn a_walked_schema_and_refs_to_it_in_any_spelling_are_one_type() {
    let (m, diagnostics) = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {x: {type: string}}}
  /b:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/paths/~1a/get/responses/200/content/application~1json/schema'}
  /c:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/paths/%7E1a/get/responses/200/content/application%7E1json/schema'}
"##,
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(m.types.len(), 1, "{:?}", names(&m));
    let first = response_type(&m.operations[0]);
    assert!(matches!(first, TypeRef::Named(_)));
    for op in &m.operations[1..] {
        assert_eq!(response_type(op), first, "{} {}", op.method, op.path);
    }
}

#[test]
fn a_component_referenced_with_an_unescaped_tilde_is_the_component() {
    // The walk spells the key `a~b` as `a~0b`; the reference leaves `~` bare, which resolves to
    // the same node.
    let (m, diagnostics) = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    "a~b": {type: object, properties: {x: {type: string}}}
    User:
      type: object
      properties:
        p: {$ref: '#/components/schemas/a~b'}
"##,
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(m.types.len(), 2, "{:?}", names(&m));
    let component = m.types.iter().find(|t| t.name != "User").unwrap();
    assert_eq!(component.source.pointer, "/components/schemas/a~0b");
    let user = m.types.iter().find(|t| t.name == "User").unwrap();
    let TypeKind::Object(o) = &user.kind else {
        panic!("{user:?}")
    };
    assert_eq!(o.properties[0].ty, TypeRef::Named(component.id));
}

#[test]
fn form_bodies_of_a_path_item_reached_twice_are_separate_types() {
    // Both operations are read from `/paths/~1a/post`; their form bodies are made up, one per
    // operation, and must not be taken for each other.
    let (m, _) = model(
        r##"
swagger: "2.0"
info: {title: T, version: "1"}
consumes: [application/x-www-form-urlencoded]
paths:
  /a:
    post:
      parameters:
        - {name: x, in: formData, type: string}
      responses: {"200": {description: ok}}
  /b: {$ref: '#/paths/~1a'}
"##,
    );
    assert_eq!(m.operations.len(), 2);
    let body = |op: &Operation| {
        op.request_body.as_ref().unwrap().contents[0]
            .ty
            .clone()
            .unwrap()
    };
    let (a, b) = (body(&m.operations[0]), body(&m.operations[1]));
    assert!(matches!(a, TypeRef::Named(_)) && matches!(b, TypeRef::Named(_)));
    assert_ne!(a, b, "{:?}", names(&m));
    assert_eq!(names(&m), ["PostAForm", "PostBForm"]);
}

#[test]
fn a_loop_through_unnamed_schemas_ends_at_the_depth_limit() {
    let (m, diagnostics) = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    A:
      type: object
      properties:
        x: {type: array, items: {$ref: '#/components/schemas/A/properties/x'}}
"##,
    );
    assert!(
        diagnostics.iter().any(|d| d.code == "schema-too-deep"),
        "{diagnostics:?}"
    );
    assert_eq!(names(&m), ["A"]);
}

#[test]
fn allof_loops_end_and_merge_both_sides() {
    let (m, _) = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    C:
      allOf: [{$ref: '#/components/schemas/D'}]
      properties: {c: {type: string}}
    D:
      allOf: [{$ref: '#/components/schemas/C'}]
      properties: {d: {type: string}}
"##,
    );
    let c = m.types.iter().find(|t| t.name == "C").unwrap();
    let TypeKind::Object(o) = &c.kind else {
        panic!("{c:?}")
    };
    let props: Vec<&str> = o.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(props, ["d", "c"]);
}

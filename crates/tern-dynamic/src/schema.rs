//! Spec schemas → self-contained JSON Schema (2020-12) for `jsonschema`: every `$ref` reached is
//! copied under `$defs`, and the OpenAPI 3.0 / Swagger 2.0 dialects are normalised (`nullable`,
//! `x-nullable`, `type: file`, boolean `exclusiveMinimum`, parameter-only keys, keywords beside
//! a `$ref` ignored as those versions say).
//!
//! A client must never be stricter than the server: where a schema contradicts itself (a
//! `required` name its `properties` do not declare, or declare in another case), the validator
//! follows the declared properties and the defect is reported, with its JSON pointer, for the
//! caller to warn about.

use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use tern_spec::{FileId, Spec, Value};

/// Keys whose values are data, not schemas.
fn is_data_key(k: &str) -> bool {
    matches!(k, "example" | "examples" | "default" | "enum" | "const") || k.starts_with("x-")
}

/// Swagger 2.0 parameter fields that are not JSON Schema.
const PARAMETER_KEYS: &[&str] = &[
    "name",
    "in",
    "collectionFormat",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "content",
    "example",
    "examples",
    "deprecated",
];

struct Bundler<'s> {
    spec: &'s Spec,
    defs: Map<String, Json>,
    keys: HashMap<(FileId, String), String>,
    queue: Vec<(FileId, String, &'s Value, String)>,
    /// Swagger 2.0 and OpenAPI 3.0: keywords beside a `$ref` are ignored.
    legacy_ref: bool,
    /// Contradictions found, each with its pointer.
    defects: Vec<String>,
}

/// A bundled schema and the spec defects found in it.
pub(crate) struct Bundled {
    /// The self-contained schema.
    pub(crate) schema: Json,
    /// Contradictions the schema was relaxed around (`… at /components/schemas/X`).
    pub(crate) defects: Vec<String>,
}

impl<'s> Bundler<'s> {
    fn def_key(&mut self, file: FileId, pointer: &str, value: &'s Value) -> String {
        if let Some(k) = self.keys.get(&(file, pointer.to_owned())) {
            return k.clone();
        }
        let base: String = pointer
            .rsplit('/')
            .next()
            .unwrap_or("root")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut key = if base.is_empty() {
            "root".to_owned()
        } else {
            base
        };
        let mut n = 1;
        while self.defs.contains_key(&key) || self.keys.values().any(|k| *k == key) {
            n += 1;
            key = format!(
                "{}_{n}",
                key.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_')
            );
        }
        self.keys.insert((file, pointer.to_owned()), key.clone());
        self.queue
            .push((file, pointer.to_owned(), value, key.clone()));
        key
    }

    fn convert(&mut self, file: FileId, v: &'s Value, parameter: bool, at: &str) -> Json {
        let Value::Object(m) = v else {
            return serde_json::to_value(v).unwrap_or(Json::Null);
        };
        let mut out = Map::new();
        let reference = m.get("$ref").and_then(Value::as_str);
        for (k, child) in m.iter() {
            if parameter && PARAMETER_KEYS.contains(&k.as_str()) {
                continue;
            }
            if k == "$ref" {
                if let Some(node) = reference.and_then(|r| self.spec.resolve(file, r).ok()) {
                    let key = self.def_key(node.file, &node.pointer, node.value);
                    out.insert("$ref".into(), Json::String(format!("#/$defs/{key}")));
                }
                continue;
            }
            // Swagger 2.0 and OpenAPI 3.0: a `$ref` replaces its object; what is beside it
            // (often a `description`, sometimes a `type` or a bound) does not constrain.
            // `nullable` beside it only widens what is accepted, and is kept.
            if reference.is_some()
                && self.legacy_ref
                && !matches!(k.as_str(), "nullable" | "x-nullable")
            {
                continue;
            }
            if is_data_key(k) {
                out.insert(k.clone(), serde_json::to_value(child).unwrap_or(Json::Null));
                continue;
            }
            let here = tern_spec::pointer::push(at, k);
            let converted = match child {
                Value::Object(_) if has_named_schemas(k) => {
                    let mut map = Map::new();
                    for (name, s) in child.as_object().into_iter().flatten() {
                        let there = tern_spec::pointer::push(&here, name);
                        map.insert(name.clone(), self.convert(file, s, false, &there));
                    }
                    Json::Object(map)
                }
                Value::Object(_) => self.convert(file, child, false, &here),
                Value::Array(items)
                    if matches!(k.as_str(), "allOf" | "anyOf" | "oneOf" | "prefixItems") =>
                {
                    Json::Array(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, s)| {
                                let there = tern_spec::pointer::push(&here, &i.to_string());
                                self.convert(file, s, false, &there)
                            })
                            .collect(),
                    )
                }
                other => serde_json::to_value(other).unwrap_or(Json::Null),
            };
            out.insert(k.clone(), converted);
        }
        normalise(&mut out);
        self.relax_required(&mut out, at);
        relax_composition(&mut out);
        Json::Object(out)
    }

    /// `required` names the declared `properties` lack: one that differs only in case means
    /// the declared property; one not declared at all is not required here (the server that
    /// wrote the spec evidently does not insist on it). Each is a defect to report.
    fn relax_required(&mut self, out: &mut Map<String, Json>, at: &str) {
        let (Some(Json::Object(properties)), Some(Json::Array(required))) =
            (out.get("properties"), out.get("required"))
        else {
            return;
        };
        // An object whose properties come from elsewhere too (composition, or undeclared
        // members allowed and a pattern) may legitimately require a name it does not list.
        if ["allOf", "anyOf", "oneOf", "patternProperties"]
            .iter()
            .any(|k| out.contains_key(*k))
        {
            return;
        }
        let mut kept = Vec::new();
        for name in required.iter().filter_map(Json::as_str) {
            if properties.contains_key(name) {
                kept.push(Json::String(name.to_owned()));
                continue;
            }
            // Spelled in another case: which of the two the server insists on cannot be told,
            // so neither is required here.
            match properties.keys().find(|p| p.eq_ignore_ascii_case(name)) {
                Some(declared) => {
                    self.defects.push(format!(
                        "`required` names `{name}`, declared as `{declared}` (at {at}); not required"
                    ));
                }
                None => self.defects.push(format!(
                    "`required` names `{name}`, which `properties` does not declare (at {at}); not required"
                )),
            }
        }
        out.insert("required".into(), Json::Array(kept));
    }
}

/// Composition read as leniently as servers read it: `oneOf` as `anyOf` (a value that fits two
/// branches — often ones that differ only by a format, which is not checked — is not refused),
/// and `additionalProperties: false` dropped from `allOf` parts (a closed part would refuse the
/// members the other parts add, which no spec means).
fn relax_composition(out: &mut Map<String, Json>) {
    if let Some(branches) = out.remove("oneOf") {
        match out.get_mut("anyOf") {
            // Both: the `anyOf` stays, the `oneOf` joins it as one more constraint.
            Some(_) => {
                let all = out
                    .entry("allOf")
                    .or_insert_with(|| Json::Array(Vec::new()));
                if let Json::Array(parts) = all {
                    parts.push(serde_json::json!({ "anyOf": branches }));
                }
            }
            None => {
                out.insert("anyOf".into(), branches);
            }
        }
    }
    if let Some(Json::Array(parts)) = out.get_mut("allOf") {
        for part in parts.iter_mut() {
            if let Json::Object(p) = part {
                if p.get("additionalProperties") == Some(&Json::Bool(false)) {
                    p.remove("additionalProperties");
                }
            }
        }
    }
}

/// Brings one schema object from the OpenAPI 3.0 / Swagger 2.0 dialect to JSON Schema 2020-12.
fn normalise(out: &mut Map<String, Json>) {
    if out.get("type").and_then(Json::as_str) == Some("file") {
        out.insert("type".into(), Json::String("string".into()));
    }
    if !matches!(out.get("required"), None | Some(Json::Array(_))) {
        out.remove("required");
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Json::Bool(b)) = out.get(flag).cloned() {
            out.remove(flag);
            if b {
                if let Some(v) = out.remove(bound) {
                    out.insert(flag.into(), v);
                }
            }
        }
    }
    let nullable = [out.remove("nullable"), out.remove("x-nullable")]
        .into_iter()
        .flatten()
        .any(|v| v == Json::Bool(true));
    if nullable {
        match out.get_mut("type") {
            Some(Json::String(t)) => {
                let t = std::mem::take(t);
                out.insert(
                    "type".into(),
                    Json::Array(vec![Json::String(t), Json::String("null".into())]),
                );
                if let Some(Json::Array(values)) = out.get_mut("enum") {
                    if !values.contains(&Json::Null) {
                        values.push(Json::Null);
                    }
                }
            }
            Some(Json::Array(types)) => {
                if !types.contains(&Json::String("null".into())) {
                    types.push(Json::String("null".into()));
                }
            }
            _ => {
                let inner = Json::Object(std::mem::take(out));
                out.insert(
                    "anyOf".into(),
                    Json::Array(vec![inner, serde_json::json!({"type": "null"})]),
                );
            }
        }
    }
}

/// A self-contained JSON Schema for the schema at `file`/`pointer`. `parameter`: the node is a
/// Swagger 2.0 parameter (its own schema, with extra fields).
pub(crate) fn bundle(spec: &Spec, file: FileId, pointer: &str, parameter: bool) -> Option<Json> {
    bundle_checked(spec, file, pointer, parameter).map(|b| b.schema)
}

/// [`bundle`], with the spec defects the schema was relaxed around.
pub(crate) fn bundle_checked(
    spec: &Spec,
    file: FileId,
    pointer: &str,
    parameter: bool,
) -> Option<Bundled> {
    let tokens = tern_spec::pointer::split(pointer)?;
    let node = spec.file(file).value().at(&tokens)?;
    let mut b = Bundler {
        spec,
        defs: Map::new(),
        keys: HashMap::new(),
        queue: Vec::new(),
        legacy_ref: spec.version() != tern_spec::SpecVersion::OpenApi31,
        defects: Vec::new(),
    };
    let mut root = b.convert(file, node, parameter, pointer);
    while let Some((f, ptr, value, key)) = b.queue.pop() {
        let converted = b.convert(f, value, false, &ptr);
        b.defs.insert(key, converted);
    }
    if let Json::Object(m) = &mut root {
        if !b.defs.is_empty() {
            m.insert("$defs".into(), Json::Object(b.defs));
        }
    }
    Some(Bundled {
        schema: root,
        defects: b.defects,
    })
}

/// A compiled validator (formats are not enforced: specs use them loosely).
/// A bundled schema made self-contained: every `$ref` into its `$defs` replaced by the
/// definition (its sibling keywords kept), for consumers that cannot follow references (MCP
/// clients). Expansion stops at `max_depth` nested references on one path and after `budget`
/// expanded references in all; a reference cut there becomes `{}` (any value) with a
/// description saying so, so recursive and very large schemas stay finite.
pub(crate) fn inline(bundled: &Json, max_depth: usize, budget: usize) -> Json {
    let empty = Map::new();
    let defs = bundled
        .get("$defs")
        .and_then(Json::as_object)
        .unwrap_or(&empty);
    let mut left = budget;
    let mut out = expand(bundled, defs, max_depth, &mut left);
    if let Json::Object(m) = &mut out {
        m.remove("$defs");
    }
    out
}

/// Keywords whose members are named schemas (a property called `default` is a schema there).
fn has_named_schemas(k: &str) -> bool {
    matches!(
        k,
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"
    )
}

/// Expands `v`, a schema — or, when `names`, a map from names to schemas.
fn expand_in(
    v: &Json,
    defs: &Map<String, Json>,
    depth: usize,
    left: &mut usize,
    names: bool,
) -> Json {
    match v {
        Json::Object(m) if names => Json::Object(
            m.iter()
                .map(|(k, child)| (k.clone(), expand(child, defs, depth, left)))
                .collect(),
        ),
        other => expand(other, defs, depth, left),
    }
}

fn expand(v: &Json, defs: &Map<String, Json>, depth: usize, left: &mut usize) -> Json {
    match v {
        Json::Object(m) => {
            let target = m
                .get("$ref")
                .and_then(Json::as_str)
                .map(|r| r.trim_start_matches("#/$defs/"));
            let mut out = match target {
                Some(key) => match defs.get(key) {
                    Some(def) if depth > 0 && *left > 0 => {
                        *left -= 1;
                        match expand(def, defs, depth - 1, left) {
                            Json::Object(o) => o,
                            other => return other,
                        }
                    }
                    _ => {
                        let mut cut = Map::new();
                        cut.insert(
                            "description".into(),
                            Json::String(format!("`{key}` (nested too deep to describe here)")),
                        );
                        cut
                    }
                },
                None => Map::new(),
            };
            for (k, child) in m {
                if k == "$ref" || k == "$defs" {
                    continue;
                }
                let child = if is_data_key(k) {
                    child.clone()
                } else if child.is_null() {
                    // `description: null` and the like say nothing, and are no valid keyword.
                    continue;
                } else {
                    expand_in(child, defs, depth, left, has_named_schemas(k))
                };
                out.insert(k.clone(), child);
            }
            Json::Object(out)
        }
        Json::Array(items) => {
            Json::Array(items.iter().map(|i| expand(i, defs, depth, left)).collect())
        }
        other => other.clone(),
    }
}

/// The schema of an object schema's property `name`, looking through `allOf`.
pub(crate) fn property<'j>(schema: &'j Json, name: &str) -> Option<&'j Json> {
    schema
        .get("properties")
        .and_then(|p| p.get(name))
        .or_else(|| {
            schema
                .get("allOf")
                .and_then(Json::as_array)?
                .iter()
                .find_map(|s| property(s, name))
        })
}

pub(crate) fn compile(schema: &Json) -> Option<jsonschema::Validator> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(false)
        .build(schema)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_refs_and_normalises_the_dialect() {
        let loaded = tern_spec::load_str(
            "t.yaml",
            "openapi: 3.0.0\npaths: {}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      required: [name]\n      properties:\n        name: {type: string, nullable: true}\n        child: {$ref: '#/components/schemas/Node'}\n        n: {type: integer, minimum: 0, exclusiveMinimum: true}\n",
        )
        .unwrap();
        let schema = bundle(
            &loaded.spec,
            FileId::ROOT,
            "/components/schemas/Node",
            false,
        )
        .unwrap();
        assert_eq!(schema["properties"]["child"]["$ref"], "#/$defs/Node");
        assert_eq!(
            schema["properties"]["name"]["type"],
            serde_json::json!(["string", "null"])
        );
        assert_eq!(schema["properties"]["n"]["exclusiveMinimum"], 0);
        let v = compile(&schema).unwrap();
        assert!(v.is_valid(&serde_json::json!({"name": null, "child": {"name": "x"}, "n": 1})));
        assert!(!v.is_valid(&serde_json::json!({"child": {"name": 5}})));
        assert!(!v.is_valid(&serde_json::json!({"name": "a", "n": 0})));
    }

    #[test]
    fn inlined_schemas_are_finite_and_keep_named_properties() {
        let loaded = tern_spec::load_str(
            "t.yaml",
            "openapi: 3.0.0\npaths: {}\ncomponents:\n  schemas:\n    Limits:\n      type: object\n      properties:\n        cpu: {type: string}\n    Node:\n      type: object\n      description: null\n      properties:\n        default: {$ref: '#/components/schemas/Limits'}\n        child: {$ref: '#/components/schemas/Node'}\n",
        )
        .unwrap();
        let bundled = bundle(
            &loaded.spec,
            FileId::ROOT,
            "/components/schemas/Node",
            false,
        )
        .unwrap();
        let schema = inline(&bundled, 3, 100);
        let text = schema.to_string();
        assert!(!text.contains("$ref") && !text.contains("$defs"), "{text}");
        // A property named like a data keyword is still a schema.
        assert_eq!(
            schema["properties"]["default"]["properties"]["cpu"]["type"],
            "string"
        );
        // Recursion expands to the depth, then stops with a note.
        let deepest = &schema["properties"]["child"]["properties"]["child"]["properties"]["child"]
            ["properties"]["child"];
        assert!(
            deepest["description"]
                .as_str()
                .unwrap()
                .contains("nested too deep"),
            "{deepest}"
        );
        assert!(schema.get("description").is_none(), "null keywords dropped");
        assert!(compile(&schema).is_some());
    }
}

//! # tern-model — what the API is
//!
//! Normalises a loaded description ([`tern_spec::Spec`]) of any version into one plain-data
//! [`ApiModel`]: operations with parameters, bodies and responses; a graph of named types;
//! security schemes; servers; pagination hints; and resource/method names under the `rest`
//! and `operation-id` [`NamingScheme`]s.
//!
//! **Owns:** interpretation of the document and every naming decision, made deterministically.
//! **Must not:** do I/O, generate code, or panic: whatever is odd becomes a [`Diagnostic`] and
//! the model carries on with the sensible reading.
//!
//! ## Layout
//!
//! [`build`] (here) runs the passes in order: component schemas, security schemes,
//! operations and servers, the type-graph passes, then arguments, pagination and names.
//!
//! - `model/`: the plain data, re-exported at the crate root — document-level data in
//!   `mod.rs`, `operation.rs` (operations, parameters, bodies, responses, names, arguments,
//!   pagination), `type_graph.rs` ([`TypeRef`], [`TypeDef`] and their shapes), `security.rs`.
//! - `types/`: schemas → the graph of named types. `mod.rs` holds the builder (its entry
//!   points, `$ref`s, the registration of named types), `key.rs` the stable id of a schema node
//!   (its file and canonical JSON pointer), `lower.rs` the lowering of one schema (its shape,
//!   then a structural type or a named kind), `compose.rs` objects, allOf merging, unions and
//!   discriminators, `names.rs` type names, `graph.rs` the passes over the finished graph
//!   (alias cycles, recursive types).
//! - `operations/`: paths → operations (`mod.rs`), `parameters.rs`, `payloads.rs` (request
//!   bodies and responses); `security.rs`: security schemes and requirements.
//! - `pagination.rs`: paginated-list detection; [`naming`]: the naming rules.
//!
//! ```
//! let loaded = tern_spec::load_str("api.yaml", r#"
//! openapi: 3.0.3
//! info: {title: Flows, version: "1"}
//! paths:
//!   /workflows/{id}/executions:
//!     get:
//!       parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
//!       responses:
//!         "200":
//!           description: ok
//!           content: {application/json: {schema: {type: array, items: {type: object, properties: {id: {type: integer}}}}}}
//! "#)?;
//! let (model, diagnostics) = tern_model::build(&loaded.spec);
//! assert!(diagnostics.is_empty());
//! let op = &model.operations[0];
//! assert_eq!((op.rest_name.resource.as_str(), op.rest_name.method.as_str()), ("workflows", "list_executions"));
//! assert_eq!(op.arguments[0].name, "id");
//! # Ok::<(), tern_spec::LoadError>(())
//! ```

mod model;
pub mod naming;
mod operations;
mod pagination;
mod security;
mod types;

pub use model::*;
pub use tern_spec::{Diagnostic, Severity};

use naming::{rest_method, rest_resource, snake_ident, unique};
use std::collections::{HashMap, HashSet};
use tern_spec::{FileId, Spec, SpecVersion, Value};

/// Builds the model of a loaded description. Never fails: problems are returned as
/// diagnostics, sorted by file and position.
pub fn build(spec: &Spec) -> (ApiModel, Vec<Diagnostic>) {
    let mut tb = types::TypeBuilder::new(spec);
    let root = spec.root();
    let info = root.get("info");
    if info.is_none() {
        tb.warn(
            "missing-info",
            "the document has no `info`",
            FileId::ROOT,
            "",
        );
    }
    let info_text = |k: &str| info.and_then(|i| i.get(k)).and_then(Value::scalar_text);
    tb.components();
    let security_schemes = security::security_schemes(&mut tb);
    let mut reader = operations::OperationReader::new(&mut tb);
    let mut operations = reader.operations();
    let servers = if spec.version() == SpecVersion::Swagger2 {
        operations::v2_servers(root)
    } else {
        reader.servers(root.get("servers"), FileId::ROOT, "/servers")
    };
    tb.break_alias_cycles();
    tb.mark_recursive();

    for op in &mut operations {
        op.arguments = arguments(op, &tb.types);
        op.pagination = pagination::detect(op, &tb.types);
    }
    let types = std::mem::take(&mut tb.types);
    assign_names(&mut operations, &types, &mut tb);
    tb.types = types;

    let model = ApiModel {
        title: info_text("title").unwrap_or_default(),
        version: info_text("version").unwrap_or_default(),
        description: info_text("description").filter(|d| !d.trim().is_empty()),
        license: info.and_then(|i| i.get("license")).and_then(|l| {
            let text = |k: &str| {
                l.get(k)
                    .and_then(Value::scalar_text)
                    .filter(|t| !t.trim().is_empty())
            };
            Some(License {
                name: text("name")?,
                identifier: text("identifier"),
                url: text("url"),
            })
        }),
        external_docs: root
            .get("externalDocs")
            .and_then(|d| d.get("url"))
            .and_then(Value::scalar_text)
            .filter(|u| !u.trim().is_empty()),
        spec_version: spec.version(),
        servers,
        operations,
        types: tb.types,
        security_schemes,
        security: root
            .get("security")
            .map(security::security_requirements)
            .unwrap_or_default(),
        extensions: types::extensions(root),
    };
    let mut diagnostics = tb.diags;
    diagnostics.sort_by(|a, b| (&a.file, a.position, a.code).cmp(&(&b.file, b.position, b.code)));
    diagnostics.dedup();
    (model, diagnostics)
}

/// A resource and its operations under one naming scheme.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Resource {
    /// Resource name (a valid Rust identifier).
    pub name: String,
    /// Indexes into [`ApiModel::operations`], in document order.
    pub operations: Vec<usize>,
}

impl ApiModel {
    /// The resource tree under a naming scheme, resources in order of first appearance.
    pub fn resources(&self, scheme: NamingScheme) -> Vec<Resource> {
        let mut out: Vec<Resource> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, op) in self.operations.iter().enumerate() {
            let name = &op.name(scheme).resource;
            match index.get(name.as_str()) {
                Some(&r) => out[r].operations.push(i),
                None => {
                    index.insert(name, out.len());
                    out.push(Resource {
                        name: name.clone(),
                        operations: vec![i],
                    });
                }
            }
        }
        out
    }

    /// Finds an operation by resource and method name (or alias) under a scheme.
    pub fn find(&self, scheme: NamingScheme, resource: &str, method: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| {
                let n = op.name(scheme);
                n.resource == resource && n.method == method
            })
            .or_else(|| {
                self.operations.iter().find(|op| {
                    let n = op.name(scheme);
                    n.resource == resource && n.aliases.iter().any(|a| a == method)
                })
            })
    }
}

fn body_object<'t>(types: &'t [TypeDef], ty: &'t TypeRef) -> Option<&'t ObjectType> {
    ty.object(types)
}

/// Arguments: required parameters and required body properties are positional, in spec
/// order (parameters, then the body); the rest are keyword arguments. A required parameter
/// with a default is a keyword argument: clients send the default unless told otherwise.
fn arguments(op: &Operation, types: &[TypeDef]) -> Vec<Argument> {
    let mut all: Vec<Argument> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    let claim = |base: String, suffix: &str, taken: &mut HashSet<String>| {
        let name = if taken.contains(&base) {
            unique(&format!("{base}_{suffix}"), |c| taken.contains(c))
        } else {
            base
        };
        taken.insert(name.clone());
        name
    };
    for (i, p) in op.parameters.iter().enumerate() {
        all.push(Argument {
            name: claim(snake_ident(&p.name), p.location.as_str(), &mut taken),
            original: p.name.clone(),
            location: ArgumentLocation::Parameter(i),
            required: p.required,
            // A required value the spec fixes (a default) is sent for the caller, who may
            // override it: it is a keyword argument.
            positional: p.required && p.default.is_none(),
            ty: p.ty.clone(),
            description: p.description.clone(),
            default: p.default.clone(),
        });
    }
    if let Some(body) = &op.request_body {
        let preferred = body.contents.iter().find(|c| {
            matches!(
                c.kind,
                BodyKind::Json | BodyKind::Form | BodyKind::Multipart
            ) && c
                .ty
                .as_ref()
                .is_some_and(|t| body_object(types, t).is_some())
        });
        match preferred
            .and_then(|c| c.ty.as_ref())
            .and_then(|t| body_object(types, t))
        {
            Some(obj) => {
                for prop in obj.properties.iter().filter(|p| !p.read_only) {
                    all.push(Argument {
                        name: claim(snake_ident(&prop.name), "body", &mut taken),
                        original: prop.name.clone(),
                        location: ArgumentLocation::BodyProperty,
                        required: prop.required,
                        positional: prop.required,
                        ty: prop.ty.clone(),
                        description: prop.description.clone(),
                        default: prop.default.clone(),
                    });
                }
            }
            None => {
                let ty = body
                    .contents
                    .first()
                    .and_then(|c| c.ty.clone())
                    .unwrap_or(TypeRef::Any);
                all.push(Argument {
                    name: claim("body".into(), "payload", &mut taken),
                    original: "body".into(),
                    location: ArgumentLocation::Body,
                    required: body.required,
                    positional: body.required,
                    ty,
                    description: body.description.clone(),
                    default: None,
                });
            }
        }
    }
    let (mut positional, keyword): (Vec<Argument>, Vec<Argument>) =
        all.into_iter().partition(|a| a.positional);
    positional.extend(keyword);
    positional
}

/// Assigns names under both schemes; collisions are resolved in document order (the first
/// keeps the name) with a diagnostic. Primary names take precedence over aliases.
fn assign_names(ops: &mut [Operation], types: &[TypeDef], tb: &mut types::TypeBuilder<'_>) {
    // rest: names both rules agree on are claimed first (as Civis's client, where the later
    // definition of a name wins, ends up); an endpoint whose newer-rule name is taken falls back
    // to its legacy name; a true collision gets `_by_{last path parameter}`.
    let mut taken: HashSet<(String, String)> = HashSet::new();
    let candidates: Vec<(String, String, Option<String>)> = ops
        .iter()
        .map(|op| {
            let resource = rest_resource(&op.path);
            let is_array = op
                .responses
                .iter()
                .find(|r| r.status == StatusCode::Code(200))
                .or_else(|| op.success_response())
                .and_then(|r| r.contents.iter().find_map(|c| c.ty.as_ref()))
                .is_some_and(|t| t.is_array(types));
            let (method, alias) = rest_method(op.method.lower(), &op.path, is_array);
            (resource, method, alias)
        })
        .collect();
    let mut assigned: Vec<Option<(String, Vec<String>)>> = vec![None; ops.len()];
    for (i, (resource, method, alias)) in candidates.iter().enumerate() {
        if alias.is_none() && taken.insert((resource.clone(), method.clone())) {
            assigned[i] = Some((method.clone(), Vec::new()));
        }
    }
    for (i, (resource, method, alias)) in candidates.iter().enumerate() {
        if assigned[i].is_some() {
            continue;
        }
        let free = |c: &str, taken: &HashSet<(String, String)>| {
            !taken.contains(&(resource.clone(), c.to_owned()))
        };
        let (name, aliases) = if free(method, &taken) {
            let aliases = alias.iter().filter(|a| free(a, &taken)).cloned().collect();
            (method.clone(), aliases)
        } else if let Some(a) = alias.as_ref().filter(|a| free(a, &taken)) {
            (a.clone(), Vec::new())
        } else {
            let op = &ops[i];
            let by = operations::template_params(&op.path)
                .last()
                .map(|p| format!("{method}_by_{}", snake_ident(p)));
            let base = by
                .filter(|b| free(b, &taken))
                .unwrap_or_else(|| method.clone());
            let name = unique(&base, |c| !free(c, &taken));
            tb.warn(
                "name-collision",
                format!("`{} {}` would be `{resource}.{method}`, which another endpoint has; it is `{resource}.{name}`", op.method, op.path),
                op.source.file,
                &op.source.pointer,
            );
            (name, Vec::new())
        };
        taken.insert((resource.clone(), name.clone()));
        for a in &aliases {
            taken.insert((resource.clone(), a.clone()));
        }
        assigned[i] = Some((name, aliases));
    }
    for ((op, (resource, ..)), names) in ops.iter_mut().zip(candidates).zip(assigned) {
        let (method, aliases) = names.unwrap_or_default();
        op.rest_name = MethodName {
            resource,
            method,
            aliases,
        };
    }

    // operation-id
    let mut taken: HashSet<(String, String)> = HashSet::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    for (i, op) in ops.iter_mut().enumerate() {
        if let Some(id) = &op.operation_id {
            if seen_ids.insert(id.clone(), i).is_some() {
                tb.warn(
                    "duplicate-operation-id",
                    format!("operationId `{id}` is used by more than one operation"),
                    op.source.file,
                    &tern_spec::pointer::push(&op.source.pointer, "operationId"),
                );
            }
        }
        let resource = match op.tags.first() {
            Some(tag) => snake_ident(tag),
            None => op.rest_name.resource.clone(),
        };
        let method = match &op.operation_id {
            Some(id) => snake_ident(id),
            None => op.rest_name.method.clone(),
        };
        let name = unique(&method, |c| {
            taken.contains(&(resource.clone(), c.to_owned()))
        });
        if name != method {
            tb.warn(
                "name-collision",
                format!("`{} {}` would be `{resource}.{method}` under operation-id naming, which is taken; it is `{resource}.{name}`", op.method, op.path),
                op.source.file,
                &op.source.pointer,
            );
        }
        taken.insert((resource.clone(), name.clone()));
        op.operation_id_name = MethodName {
            resource,
            method: name,
            aliases: Vec::new(),
        };
    }
}

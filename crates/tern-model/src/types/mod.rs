//! Schemas → the graph of named types: the builder's state, its entry points (component
//! schemas, any schema, `$ref`s) and the registration of named types.
//!
//! Objects, enums and unions become named [`TypeDef`]s; primitives, arrays and maps stay
//! structural [`TypeRef`]s. Every component schema is named after its key; every inline one
//! after where it appears (`ListWorkflowsResponseItem`). Named types are registered, under the
//! [`SchemaKey`] of their schema node, before their children are read, so cycles through
//! named types terminate and each such node is built once, however it is reached. Whatever
//! else could recurse without end (chains of unnamed schemas, `$ref` loops, allOf loops) is cut
//! by a depth limit, never by key identity alone.
//!
//! By concern:
//! - `key`: [`SchemaKey`], the stable id of a schema node (file and canonical pointer);
//! - `lower`: one schema node → its shape → a structural [`TypeRef`] or the kind of a named type;
//! - `compose`: objects with their allOf parts merged, oneOf/anyOf unions, discriminators;
//! - `names`: names of types and union variants;
//! - `graph`: passes over the finished graph (alias cycles, recursive types).

mod compose;
mod graph;
mod key;
mod lower;
mod names;

use crate::model::*;
use key::{KeyMap, SchemaKey, Scope};
use std::collections::HashSet;
use tern_spec::{pointer, Diagnostic, FileId, Severity, Spec, Value};

/// Schemas nested deeper than this are read as `any` (with a warning).
const MAX_DEPTH: usize = 64;

/// `$ref` chains longer than this are reported as loops.
const MAX_REF_CHAIN: usize = 32;

pub(crate) struct TypeBuilder<'s> {
    pub(crate) spec: &'s Spec,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) types: Vec<TypeDef>,
    /// What is known of schema nodes: the named types built from them, and the names
    /// reserved for component schemas not built yet.
    known: KeyMap<Known>,
    /// Named types whose schema admits `null`: every reference to them is nullable, not just
    /// the first one built.
    nullable_types: HashSet<TypeId>,
    names: HashSet<String>,
    /// Inline schemas built as named types, by file and compact JSON text: an identical copy
    /// elsewhere is the same type.
    inline_copies: std::collections::HashMap<(FileId, String), TypeId>,
    /// Component schemas that repeat an earlier one byte for byte (Civis's
    /// `ShareUsersUpdateRequest2`…`37`): pointer → the first copy's pointer and schema. Each
    /// is an alias of the first's type, not a type of its own.
    component_copies: std::collections::HashMap<String, (String, &'s Value)>,
    warned_formats: HashSet<String>,
    /// Where the schema nodes being read live (the document, or a synthetic schema).
    scope: Scope,
    warned_depth: bool,
}

/// What the builder knows of a schema node.
enum Known {
    /// A component schema, with the name reserved for it; not built yet.
    Component(String),
    /// Built as this named type.
    Built(TypeId),
}

impl<'s> TypeBuilder<'s> {
    pub(crate) fn new(spec: &'s Spec) -> Self {
        TypeBuilder {
            spec,
            diags: Vec::new(),
            types: Vec::new(),
            known: KeyMap::default(),
            nullable_types: HashSet::new(),
            names: HashSet::new(),
            inline_copies: std::collections::HashMap::new(),
            component_copies: std::collections::HashMap::new(),
            warned_formats: HashSet::new(),
            scope: Scope::Document,
            warned_depth: false,
        }
    }

    fn report(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        file: FileId,
        ptr: &str,
    ) {
        let d = self.spec.diagnostic(severity, code, message, file, ptr);
        self.diags.push(d);
    }

    pub(crate) fn warn(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        file: FileId,
        ptr: &str,
    ) {
        self.report(Severity::Warning, code, message, file, ptr);
    }

    pub(crate) fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        file: FileId,
        ptr: &str,
    ) {
        self.report(Severity::Error, code, message, file, ptr);
    }

    /// Reserves names for every component schema, in document order, before anything else
    /// claims a name; then builds them.
    pub(crate) fn components(&mut self) {
        let Some((base, map)) = self.component_schemas() else {
            return;
        };
        self.reserve_component_names(base, map);
        // Copies of an object, enum or union schema (a scalar's copies say nothing new).
        let mut first: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for (key, schema) in map {
            let composite = ["properties", "enum", "oneOf", "anyOf", "allOf"]
                .iter()
                .any(|k| schema.get(k).is_some());
            if !composite {
                continue;
            }
            let ptr = pointer::push(base, key);
            match first.entry(schema.to_string()) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    self.component_copies.insert(ptr, (e.get().clone(), schema));
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(ptr);
                }
            }
        }
        for (key, schema) in map {
            let ptr = pointer::push(base, key);
            self.build(FileId::ROOT, &ptr, schema, key, 0);
        }
    }

    /// The type of the schema `v` at `file`/`ptr`; `hint` names it if it must be named.
    pub(crate) fn schema<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        hint: &str,
        depth: usize,
    ) -> TypeRef
    where
        's: 'v,
    {
        if depth > MAX_DEPTH {
            if !self.warned_depth {
                self.warned_depth = true;
                self.warn("schema-too-deep", format!("schemas nest deeper than {MAX_DEPTH} levels here; the rest is read as `any`"), file, ptr);
            }
            return TypeRef::Any;
        }
        match v {
            Value::Object(m) => {
                if m.contains_key("$ref") {
                    return self.reference(file, ptr, v, hint, depth);
                }
                self.build(file, ptr, v, hint, depth)
            }
            Value::Bool(_) => TypeRef::Any,
            other => {
                self.warn(
                    "schema-not-object",
                    format!(
                        "a schema must be an object, found {}; read as `any`",
                        other.kind()
                    ),
                    file,
                    ptr,
                );
                TypeRef::Any
            }
        }
    }

    /// Follows `$ref` chains to the schema they end at.
    pub(crate) fn deref<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
    ) -> Option<(FileId, String, &'v Value)>
    where
        's: 'v,
    {
        let (mut file, mut ptr, mut v) = (file, ptr.to_owned(), v);
        for _ in 0..MAX_REF_CHAIN {
            let Some(r) = v.get("$ref") else {
                return Some((file, ptr, v));
            };
            let Some(r) = r.as_str() else {
                self.error(
                    "bad-reference",
                    "`$ref` must be a string",
                    file,
                    &pointer::push(&ptr, "$ref"),
                );
                return None;
            };
            match self.spec.resolve(file, r) {
                Ok(node) => {
                    file = node.file;
                    ptr = node.pointer;
                    v = node.value;
                }
                Err(reason) => {
                    self.error(
                        "unresolved-reference",
                        reason,
                        file,
                        &pointer::push(&ptr, "$ref"),
                    );
                    return None;
                }
            }
        }
        self.error(
            "reference-cycle",
            "`$ref` chain does not end (a reference loop)",
            file,
            &ptr,
        );
        None
    }

    /// The type a `$ref` schema stands for. Its target lives in the document, whatever scope
    /// the reference is read in.
    fn reference<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        node: &'v Value,
        hint: &str,
        depth: usize,
    ) -> TypeRef
    where
        's: 'v,
    {
        let Some((tfile, tptr, target)) = self.deref(file, ptr, node) else {
            return TypeRef::Any;
        };
        let name_hint = names::component_key(&tptr).unwrap_or(hint).to_owned();
        let mut ty = match self.known.get(&SchemaKey::new(tfile, &tptr)) {
            Some(Known::Built(id)) => self.named(*id),
            _ => self.within(Scope::Document, |tb| {
                tb.schema(tfile, &tptr, target, &name_hint, depth + 1)
            }),
        };
        // Siblings of `$ref`: ignored by 3.0 and 2.0, but `nullable: true` beside a `$ref` is a
        // common way of saying "or null" that readers honour.
        if is_nullable_flag(node) && !matches!(ty, TypeRef::Nullable(_)) {
            ty = TypeRef::Nullable(Box::new(ty));
        }
        ty
    }

    /// A reference to a named type, nullable when its schema admits `null`.
    fn named(&self, id: TypeId) -> TypeRef {
        if self.nullable_types.contains(&id) {
            TypeRef::Nullable(Box::new(TypeRef::Named(id)))
        } else {
            TypeRef::Named(id)
        }
    }

    /// Runs `read` with the schema nodes it reads living in `scope`.
    fn within<T>(&mut self, scope: Scope, read: impl FnOnce(&mut Self) -> T) -> T {
        let outer = std::mem::replace(&mut self.scope, scope);
        let out = read(self);
        self.scope = outer;
        out
    }

    /// Registers a named type for the schema `v` (under `key` when it has one), named
    /// `component_name` when it is a component schema, else after `hint`. Its kind is filled
    /// in by the caller.
    fn new_type(
        &mut self,
        key: Option<SchemaKey<'_>>,
        component_name: Option<String>,
        v: &Value,
        hint: &str,
        file: FileId,
        ptr: &str,
    ) -> TypeId {
        let (name, component) = match component_name {
            Some(n) => (n, names::component_key(ptr).map(str::to_owned)),
            None => (self.claim_name(hint), None),
        };
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            id,
            name,
            component,
            title: v.get("title").and_then(Value::as_str).map(str::to_owned),
            description: description(v),
            deprecated: v
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            kind: TypeKind::Alias(TypeRef::Any),
            recursive: false,
            source: Source {
                file,
                pointer: ptr.to_owned(),
            },
            extensions: extensions(v),
        });
        if let Some(key) = key {
            self.known.insert(key, Known::Built(id));
        }
        id
    }

    /// Builds the object schema of a Swagger 2.0 form body from its `formData` parameters.
    /// The schema is made up, not in the document: it is read in the synthetic scope.
    pub(crate) fn synthetic_object(
        &mut self,
        schema: Value,
        file: FileId,
        ptr: &str,
        hint: &str,
    ) -> TypeRef {
        self.within(Scope::Synthetic, |tb| tb.build(file, ptr, &schema, hint, 0))
    }
}

pub(crate) fn is_nullable_flag(v: &Value) -> bool {
    v.get("nullable").and_then(Value::as_bool) == Some(true)
        || v.get("x-nullable").and_then(Value::as_bool) == Some(true)
}

pub(crate) fn description(v: &Value) -> Option<String> {
    v.get("description")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

pub(crate) fn example(v: &Value) -> Option<Value> {
    v.get("example").cloned().or_else(|| {
        v.get("examples")
            .and_then(Value::as_array)
            .and_then(|a| a.first().cloned())
    })
}

pub(crate) fn extensions(v: &Value) -> Extensions {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with("x-"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

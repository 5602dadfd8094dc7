//! Schemas → the graph of named types.
//!
//! Objects, enums and unions become named [`TypeDef`]s; primitives, arrays and maps stay
//! structural [`TypeRef`]s. Every component schema is named after its key; every inline one
//! after where it appears (`ListWorkflowsResponseItem`). Named types are registered before
//! their children are read, so cycles terminate; each schema node is read once.

use crate::model::*;
use crate::naming::{pascal_ident, unique_pascal};
use std::collections::{HashMap, HashSet};
use tern_spec::{pointer, Diagnostic, FileId, Severity, Spec, SpecVersion, Value};

/// Schemas nested deeper than this are read as `any` (with a warning).
const MAX_DEPTH: usize = 64;

/// Formats that need no warning (those not mapped to a [`StringFormat`] are plain strings).
const KNOWN_FORMATS: &[&str] = &[
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float",
    "double",
    "decimal",
    "byte",
    "binary",
    "date",
    "date-time",
    "time",
    "duration",
    "password",
    "uuid",
    "uri",
    "uri-reference",
    "uri-template",
    "url",
    "iri",
    "iri-reference",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "regex",
    "json-pointer",
    "relative-json-pointer",
    "char",
    "string",
    "number",
    "integer",
    "boolean",
    "timestamp",
    "unix-time",
    "base64",
    "html",
    "markdown",
    "phone",
    "text",
    "money",
    "currency",
];

pub(crate) struct TypeBuilder<'s> {
    pub(crate) spec: &'s Spec,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) types: Vec<TypeDef>,
    by_node: HashMap<*const Value, TypeId>,
    /// Named types whose schema admits `null`: every reference to them is nullable, not just
    /// the first one built.
    nullable_types: HashSet<TypeId>,
    names: HashSet<String>,
    component_names: HashMap<*const Value, String>,
    warned_formats: HashSet<String>,
    /// Synthetic schemas (Swagger 2.0 form bodies) live as long as the builder, so their
    /// addresses stay unique keys of `by_node` (boxed: a `Vec<Value>` would move them).
    #[allow(clippy::vec_box)]
    synthetic: Vec<Box<Value>>,
    warned_depth: bool,
}

/// What `collect_properties` gathers from an object and its allOf parts.
#[derive(Default)]
struct Collected<'v> {
    properties: Vec<(String, FileId, String, &'v Value)>,
    required: Vec<String>,
    additional: Option<(FileId, String, &'v Value)>,
    visiting: Vec<*const Value>,
}

/// What a schema node is, decided before reading its children.
enum Shape<'v> {
    Any,
    Primitive(TypeRef),
    Array(Option<&'v Value>),
    Map(Option<&'v Value>),
    Object,
    Enum(Vec<Value>, TypeRef),
    /// allOf / oneOf / anyOf with one real member: the member's type.
    Single(&'v Value, usize, &'static str),
    Merge,
    Union(UnionMode, Vec<(usize, &'v Value)>, &'static str),
    PrimitiveUnion(Vec<TypeRef>),
}

impl<'s> TypeBuilder<'s> {
    pub(crate) fn new(spec: &'s Spec) -> Self {
        TypeBuilder {
            spec,
            diags: Vec::new(),
            types: Vec::new(),
            by_node: HashMap::new(),
            nullable_types: HashSet::new(),
            names: HashSet::new(),
            component_names: HashMap::new(),
            warned_formats: HashSet::new(),
            synthetic: Vec::new(),
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
        let spec = self.spec;
        let (base, map) = match spec.version() {
            SpecVersion::Swagger2 => ("/definitions", spec.root().get("definitions")),
            _ => (
                "/components/schemas",
                spec.root().get("components").and_then(|c| c.get("schemas")),
            ),
        };
        let Some(map) = map.and_then(Value::as_object) else {
            return;
        };
        for (key, schema) in map {
            let wanted = pascal_ident(key);
            let name = unique_pascal(&wanted, |c| self.names.contains(c));
            if name != wanted {
                self.warn(
                    "name-collision",
                    format!("schema `{key}` would be named `{wanted}`, which is taken; it is named `{name}`"),
                    FileId::ROOT,
                    &pointer::push(base, key),
                );
            }
            self.names.insert(name.clone());
            self.component_names.insert(schema as *const Value, name);
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
        for _ in 0..32 {
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
        let name_hint = component_key(&tptr).unwrap_or(hint).to_owned();
        let mut ty = match self.by_node.get(&(target as *const Value)) {
            Some(id) if self.nullable_types.contains(id) => {
                TypeRef::Nullable(Box::new(TypeRef::Named(*id)))
            }
            Some(id) => TypeRef::Named(*id),
            None => self.schema(tfile, &tptr, target, &name_hint, depth + 1),
        };
        // Siblings of `$ref`: ignored by 3.0 and 2.0, but `nullable: true` beside a `$ref` is a
        // common way of saying "or null" that readers honour.
        if is_nullable_flag(node) && !matches!(ty, TypeRef::Nullable(_)) {
            ty = TypeRef::Nullable(Box::new(ty));
        }
        ty
    }

    fn claim_name(&mut self, base: &str) -> String {
        let name = unique_pascal(&pascal_ident(base), |c| self.names.contains(c));
        self.names.insert(name.clone());
        name
    }

    fn new_type(&mut self, v: &Value, hint: &str, file: FileId, ptr: &str) -> TypeId {
        let key = v as *const Value;
        let (name, component) = match self.component_names.get(&key) {
            Some(n) => (n.clone(), component_key(ptr).map(str::to_owned)),
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
        self.by_node.insert(key, id);
        id
    }

    /// Builds a schema that is not itself a `$ref`.
    fn build<'v>(
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
        if let Some(id) = self.by_node.get(&(v as *const Value)) {
            return if self.nullable_types.contains(id) {
                TypeRef::Nullable(Box::new(TypeRef::Named(*id)))
            } else {
                TypeRef::Named(*id)
            };
        }
        let is_component = self.component_names.contains_key(&(v as *const Value));
        let (shape, nullable) = self.classify(file, ptr, v);
        let named = matches!(
            shape,
            Shape::Object
                | Shape::Enum(..)
                | Shape::Merge
                | Shape::Union(..)
                | Shape::PrimitiveUnion(..)
        );
        let id = (named || is_component).then(|| self.new_type(v, hint, file, ptr));
        if let (Some(id), true) = (id, nullable) {
            self.nullable_types.insert(id);
        }
        let type_name = id
            .map(|id| self.types[id.0].name.clone())
            .unwrap_or_else(|| hint.to_owned());
        let d = depth + 1;
        let structural = match shape {
            Shape::Any => Some(TypeRef::Any),
            Shape::Primitive(t) => Some(t),
            Shape::Array(items) => Some(TypeRef::Array(Box::new(match items {
                Some(items) => self.schema(
                    file,
                    &pointer::push(ptr, "items"),
                    items,
                    &format!("{type_name} Item"),
                    d,
                ),
                None => TypeRef::Any,
            }))),
            Shape::Map(additional) => Some(TypeRef::Map(Box::new(match additional {
                Some(a) => self.schema(
                    file,
                    &pointer::push(ptr, "additionalProperties"),
                    a,
                    &format!("{type_name} Value"),
                    d,
                ),
                None => TypeRef::Any,
            }))),
            Shape::Single(member, index, key) => {
                let mptr = pointer::push(&pointer::push(ptr, key), &index.to_string());
                Some(self.schema(file, &mptr, member, &type_name, d))
            }
            Shape::Object | Shape::Merge => {
                let object = self.object(file, ptr, v, &type_name, d);
                if let Some(id) = id {
                    self.types[id.0].kind = TypeKind::Object(object);
                }
                None
            }
            Shape::Enum(values, base) => {
                if let Some(id) = id {
                    self.types[id.0].kind = TypeKind::Enum(EnumType { base, values });
                }
                None
            }
            Shape::Union(mode, members, key) => {
                let union = self.union(file, ptr, v, mode, members, key, &type_name, d);
                if let Some(id) = id {
                    self.types[id.0].kind = TypeKind::Union(union);
                }
                None
            }
            Shape::PrimitiveUnion(types) => {
                let mut variants: Vec<Variant> = Vec::new();
                for ty in types {
                    let name = unique_pascal(&variant_name(&ty, &self.types), |c| {
                        variants.iter().any(|v| v.name == c)
                    });
                    variants.push(Variant { name, ty });
                }
                if let Some(id) = id {
                    self.types[id.0].kind = TypeKind::Union(UnionType {
                        mode: UnionMode::AnyOf,
                        variants,
                        discriminator: None,
                    });
                }
                None
            }
        };
        let ty = match (structural, id) {
            (Some(t), Some(id)) => {
                self.types[id.0].kind = TypeKind::Alias(t);
                TypeRef::Named(id)
            }
            (Some(t), None) => t,
            (None, Some(id)) => TypeRef::Named(id),
            (None, None) => TypeRef::Any,
        };
        if nullable && !matches!(ty, TypeRef::Nullable(_)) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Decides the shape of a non-`$ref` schema and whether it admits `null`.
    fn classify<'v>(&mut self, file: FileId, ptr: &str, v: &'v Value) -> (Shape<'v>, bool) {
        let mut nullable = is_nullable_flag(v);
        // `type` may be a string or (3.1) an array of strings.
        let mut types: Vec<&str> = Vec::new();
        match v.get("type") {
            Some(Value::String(t)) => types.push(t),
            Some(Value::Array(list)) => {
                for t in list {
                    match t.as_str() {
                        Some(s) => types.push(s),
                        None => self.warn(
                            "bad-type",
                            "`type` entries must be strings",
                            file,
                            &pointer::push(ptr, "type"),
                        ),
                    }
                }
            }
            Some(other) => self.warn(
                "bad-type",
                format!(
                    "`type` must be a string or an array, found {}",
                    other.kind()
                ),
                file,
                &pointer::push(ptr, "type"),
            ),
            None => {}
        }
        if types.contains(&"null") {
            nullable = true;
            types.retain(|t| *t != "null");
        }

        if let Some(c) = v.get("const") {
            if c.is_null() {
                return (Shape::Primitive(TypeRef::Any), true);
            }
            return (
                Shape::Enum(vec![c.clone()], base_of(&types, std::slice::from_ref(c))),
                nullable,
            );
        }
        if let Some(values) = v.get("enum") {
            match values.as_array() {
                Some(list) if !list.is_empty() => {
                    if list.iter().any(Value::is_null) {
                        nullable = true;
                    }
                    let mut vals: Vec<Value> = Vec::new();
                    for x in list.iter().filter(|x| !x.is_null()) {
                        if !vals.contains(x) {
                            vals.push(x.clone());
                        }
                    }
                    if vals.len() < list.iter().filter(|x| !x.is_null()).count() {
                        self.warn(
                            "duplicate-enum-value",
                            "`enum` lists a value more than once",
                            file,
                            &pointer::push(ptr, "enum"),
                        );
                    }
                    if !vals.is_empty() {
                        let base = base_of(&types, &vals);
                        return (Shape::Enum(vals, base), nullable);
                    }
                }
                Some(_) => self.warn(
                    "empty-enum",
                    "`enum` is empty; the constraint is ignored",
                    file,
                    &pointer::push(ptr, "enum"),
                ),
                None => self.warn(
                    "bad-enum",
                    "`enum` must be an array; the constraint is ignored",
                    file,
                    &pointer::push(ptr, "enum"),
                ),
            }
        }
        if let Some(parts) = v.get("allOf").and_then(Value::as_array) {
            let has_own = v.get("properties").is_some();
            if parts.len() == 1 && !has_own {
                return (Shape::Single(&parts[0], 0, "allOf"), nullable);
            }
            if !parts.is_empty() {
                return (Shape::Merge, nullable);
            }
        }
        for (key, mode) in [("oneOf", UnionMode::OneOf), ("anyOf", UnionMode::AnyOf)] {
            let Some(list) = v.get(key).and_then(Value::as_array) else {
                continue;
            };
            let mut members: Vec<(usize, &Value)> = Vec::new();
            for (i, m) in list.iter().enumerate() {
                if self.is_null_schema(file, ptr, m) {
                    nullable = true;
                } else {
                    members.push((i, m));
                }
            }
            if v.get("properties").is_some() {
                self.warn(
                    "union-with-properties",
                    format!("`{key}` beside `properties`: read as an object with those properties; the alternatives are not modelled"),
                    file,
                    &pointer::push(ptr, key),
                );
                break;
            }
            match members.len() {
                0 => return (Shape::Any, nullable),
                1 => return (Shape::Single(members[0].1, members[0].0, key), nullable),
                _ => {}
            }
            // A union of constants is an enum.
            let consts: Option<Vec<Value>> = members
                .iter()
                .map(|(_, m)| {
                    m.get("const").cloned().or_else(|| {
                        match m.get("enum").and_then(Value::as_array) {
                            Some([one]) => Some(one.clone()),
                            _ => None,
                        }
                    })
                })
                .collect();
            if let Some(values) = consts {
                let base = base_of(&types, &values);
                return (Shape::Enum(values, base), nullable);
            }
            return (Shape::Union(mode, members, key), nullable);
        }

        let has_props = v
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if types.is_empty() {
            if has_props || v.get("additionalProperties").is_some() || v.get("properties").is_some()
            {
                types.push("object");
            } else if v.get("items").is_some() {
                types.push("array");
            }
        }
        match types.as_slice() {
            [] => (Shape::Any, nullable),
            [one] => (self.single_type(file, ptr, v, one, has_props), nullable),
            many => {
                let mut out = Vec::new();
                for t in many {
                    match self.single_type(file, ptr, v, t, has_props) {
                        Shape::Primitive(p) => out.push(p),
                        Shape::Array(_) => out.push(TypeRef::Array(Box::new(TypeRef::Any))),
                        Shape::Map(_) | Shape::Object => {
                            out.push(TypeRef::Map(Box::new(TypeRef::Any)))
                        }
                        _ => out.push(TypeRef::Any),
                    }
                }
                (Shape::PrimitiveUnion(out), nullable)
            }
        }
    }

    fn single_type<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        t: &str,
        has_props: bool,
    ) -> Shape<'v> {
        let format = v.get("format").and_then(Value::as_str);
        if let Some(f) = format {
            if !KNOWN_FORMATS.contains(&f) && self.warned_formats.insert(f.to_owned()) {
                self.warn("unknown-format", format!("format `{f}` is not a known format; values are read as plain {t}s (reported once)"), file, &pointer::push(ptr, "format"));
            }
        }
        match t {
            "object" => {
                if has_props {
                    return Shape::Object;
                }
                match v.get("additionalProperties") {
                    Some(Value::Bool(false)) => Shape::Object,
                    Some(Value::Object(m)) if !m.is_empty() => {
                        Shape::Map(v.get("additionalProperties"))
                    }
                    _ => Shape::Map(None),
                }
            }
            "array" => Shape::Array(v.get("items").filter(|i| !matches!(i, Value::Array(_)))),
            "string" => Shape::Primitive(TypeRef::String(match format {
                Some("date") => StringFormat::Date,
                Some("date-time") => StringFormat::DateTime,
                Some("time") => StringFormat::Time,
                Some("uuid") => StringFormat::Uuid,
                Some("uri" | "url") => StringFormat::Uri,
                Some("email") => StringFormat::Email,
                Some("byte") => StringFormat::Byte,
                Some("binary") => StringFormat::Binary,
                Some("password") => StringFormat::Password,
                _ => StringFormat::Plain,
            })),
            "integer" => Shape::Primitive(TypeRef::Integer(match format {
                Some("int32" | "int16" | "int8" | "uint8" | "uint16") => IntegerFormat::Int32,
                Some("int64" | "uint32" | "uint64") => IntegerFormat::Int64,
                _ => IntegerFormat::Unspecified,
            })),
            "number" => Shape::Primitive(TypeRef::Number(match format {
                Some("float") => NumberFormat::Float,
                Some("double") => NumberFormat::Double,
                _ => NumberFormat::Unspecified,
            })),
            "boolean" => Shape::Primitive(TypeRef::Bool),
            "file" => Shape::Primitive(TypeRef::String(StringFormat::Binary)),
            "any" => Shape::Any,
            other => {
                self.warn(
                    "unknown-type",
                    format!("`type: {other}` is not a JSON Schema type; read as `any`"),
                    file,
                    &pointer::push(ptr, "type"),
                );
                Shape::Any
            }
        }
    }

    fn is_null_schema(&mut self, file: FileId, ptr: &str, m: &Value) -> bool {
        let target = if m.get("$ref").is_some() {
            match self.deref(file, ptr, m) {
                Some((_, _, t)) => t,
                None => return false,
            }
        } else {
            m
        };
        target.get("type").and_then(Value::as_str) == Some("null")
            || target
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.len() == 1 && e[0].is_null())
            || target.get("nullable").and_then(Value::as_bool) == Some(true)
                && target.as_object().is_some_and(|o| o.len() == 1)
    }

    /// Collects the properties of `v` and, for allOf, of every part (depth-first, in order).
    fn collect_properties<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        c: &mut Collected<'v>,
    ) where
        's: 'v,
    {
        if c.visiting.contains(&(v as *const Value)) || c.visiting.len() > 32 {
            return;
        }
        c.visiting.push(v as *const Value);
        if let Some(parts) = v.get("allOf").and_then(Value::as_array) {
            for (i, part) in parts.iter().enumerate() {
                let pptr = pointer::push(&pointer::push(ptr, "allOf"), &i.to_string());
                if let Some((pf, pp, pv)) = self.deref(file, &pptr, part) {
                    self.collect_properties(pf, &pp, pv, c);
                }
            }
        }
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            let base = pointer::push(ptr, "properties");
            for (name, schema) in props {
                let entry = (name.clone(), file, pointer::push(&base, name), schema);
                match c.properties.iter_mut().find(|(n, ..)| n == name) {
                    Some(slot) => *slot = entry,
                    None => c.properties.push(entry),
                }
            }
        } else if let Some(p) = v.get("properties") {
            if !p.is_null() {
                self.warn(
                    "bad-properties",
                    "`properties` must be an object",
                    file,
                    &pointer::push(ptr, "properties"),
                );
            }
        }
        match v.get("required") {
            Some(Value::Array(list)) => {
                for r in list.iter().filter_map(Value::as_str) {
                    if !c.required.iter().any(|x| x == r) {
                        c.required.push(r.to_owned());
                    }
                }
            }
            Some(Value::Bool(_)) => self.warn("bad-required", "`required: true` on a schema has no meaning (Swagger-style); list property names instead", file, &pointer::push(ptr, "required")),
            _ => {}
        }
        if let Some(a) = v.get("additionalProperties") {
            c.additional = Some((file, pointer::push(ptr, "additionalProperties"), a));
        }
        c.visiting.pop();
    }

    fn object<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        type_name: &str,
        depth: usize,
    ) -> ObjectType
    where
        's: 'v,
    {
        let mut c = Collected::default();
        self.collect_properties(file, ptr, v, &mut c);
        let Collected {
            properties: found,
            required,
            additional: additional_node,
            ..
        } = c;
        let mut properties = Vec::with_capacity(found.len());
        for (name, pfile, pptr, schema) in &found {
            let ty = self.schema(*pfile, pptr, schema, &format!("{type_name} {name}"), depth);
            // Annotations come from the property node, falling back to what it references.
            let target = match schema.get("$ref") {
                Some(_) => self
                    .deref(*pfile, pptr, schema)
                    .map(|t| t.2)
                    .unwrap_or(schema),
                None => schema,
            };
            let flag = |key: &str| {
                schema
                    .get(key)
                    .or_else(|| target.get(key))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            properties.push(Property {
                name: name.clone(),
                ty,
                required: required.iter().any(|r| r == name),
                description: description(schema).or_else(|| description(target)),
                read_only: flag("readOnly"),
                write_only: flag("writeOnly"),
                deprecated: flag("deprecated"),
                default: schema
                    .get("default")
                    .or_else(|| target.get("default"))
                    .cloned(),
                example: example(schema).or_else(|| example(target)),
            });
        }
        for r in &required {
            if !found.iter().any(|(n, ..)| n == r) && additional_node.is_none() {
                self.warn(
                    "unknown-required",
                    format!("`{r}` is listed as required but is not a property"),
                    file,
                    &pointer::push(ptr, "required"),
                );
            }
        }
        let additional = match additional_node {
            None | Some((_, _, Value::Bool(true))) => AdditionalProperties::Unspecified,
            Some((_, _, Value::Bool(false))) => AdditionalProperties::Forbidden,
            Some((afile, aptr, a)) => {
                if a.as_object().is_some_and(|o| o.is_empty()) {
                    AdditionalProperties::Unspecified
                } else {
                    AdditionalProperties::Typed(self.schema(
                        afile,
                        &aptr,
                        a,
                        &format!("{type_name} Value"),
                        depth,
                    ))
                }
            }
        };
        ObjectType {
            properties,
            additional,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn union<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        mode: UnionMode,
        members: Vec<(usize, &'v Value)>,
        key: &str,
        type_name: &str,
        depth: usize,
    ) -> UnionType
    where
        's: 'v,
    {
        let mut variants: Vec<Variant> = Vec::new();
        let mut targets: Vec<Option<TypeId>> = Vec::new();
        for (n, (i, m)) in members.into_iter().enumerate() {
            let mptr = pointer::push(&pointer::push(ptr, key), &i.to_string());
            let ty = self.schema(
                file,
                &mptr,
                m,
                &format!("{type_name} Variant {}", n + 1),
                depth,
            );
            let name = unique_pascal(&variant_name(&ty, &self.types), |c| {
                variants.iter().any(|v| v.name == c)
            });
            targets.push(match ty.non_null() {
                TypeRef::Named(id) => Some(*id),
                _ => None,
            });
            variants.push(Variant { name, ty });
        }
        let discriminator = v.get("discriminator").and_then(|d| {
            let property = d.get("propertyName").and_then(Value::as_str)?.to_owned();
            let dptr = pointer::push(ptr, "discriminator");
            let mut mapping: Vec<(String, usize)> = Vec::new();
            if let Some(m) = d.get("mapping").and_then(Value::as_object) {
                for (tag, target) in m {
                    let Some(t) = target.as_str() else { continue };
                    // Bare names mean component schemas.
                    let reference = if t.contains('#') || t.contains('/') || t.contains('.') {
                        t.to_owned()
                    } else {
                        let base = if self.spec.version() == SpecVersion::Swagger2 { "#/definitions/" } else { "#/components/schemas/" };
                        format!("{base}{t}")
                    };
                    let id = match self.spec.resolve(file, &reference) {
                        Ok(node) => self.by_node.get(&(node.value as *const Value)).copied(),
                        Err(reason) => {
                            self.warn("bad-discriminator", reason, file, &pointer::push(&pointer::push(&dptr, "mapping"), tag));
                            None
                        }
                    };
                    match id.and_then(|id| targets.iter().position(|t| *t == Some(id))) {
                        Some(index) => mapping.push((tag.clone(), index)),
                        None => self.warn(
                            "bad-discriminator",
                            format!("discriminator value `{tag}` maps to `{t}`, which is not one of the alternatives"),
                            file,
                            &pointer::push(&pointer::push(&dptr, "mapping"), tag),
                        ),
                    }
                }
            }
            // Unmapped alternatives are tagged with their component name.
            for (index, target) in targets.iter().enumerate() {
                let Some(id) = target else { continue };
                if mapping.iter().any(|(_, i)| *i == index) {
                    continue;
                }
                if let Some(c) = self.types[id.0].component.clone() {
                    mapping.push((c, index));
                }
            }
            Some(Discriminator { property, mapping })
        });
        UnionType {
            mode,
            variants,
            discriminator,
        }
    }

    /// Builds the object schema of a Swagger 2.0 form body from its `formData` parameters.
    pub(crate) fn synthetic_object(
        &mut self,
        schema: Value,
        file: FileId,
        ptr: &str,
        hint: &str,
    ) -> TypeRef {
        let boxed = Box::new(schema);
        let ty = self.build(file, ptr, &boxed, hint, 0);
        self.synthetic.push(boxed);
        ty
    }

    /// An alias chain that leads back to itself (`A: {allOf: [{$ref: A}]}`) names no type:
    /// such aliases become `any`, with a diagnostic.
    pub(crate) fn break_alias_cycles(&mut self) {
        for start in 0..self.types.len() {
            let mut seen = vec![start];
            let mut current = start;
            while let TypeKind::Alias(ty) = &self.types[current].kind {
                let TypeRef::Named(next) = ty.non_null() else {
                    break;
                };
                let next = next.0;
                if seen.contains(&next) {
                    if next == start {
                        let t = &self.types[start];
                        let (file, ptr, name) =
                            (t.source.file, t.source.pointer.clone(), t.name.clone());
                        self.types[start].kind = TypeKind::Alias(TypeRef::Any);
                        self.warn("alias-cycle", format!("`{name}` is defined only as itself (a reference loop); read as `any`"), file, &ptr);
                    }
                    break;
                }
                seen.push(next);
                current = next;
            }
        }
    }

    /// Marks types that take part in a reference cycle.
    pub(crate) fn mark_recursive(&mut self) {
        let n = self.types.len();
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|t| {
                let mut out = Vec::new();
                kind_refs(&t.kind, &mut out);
                out
            })
            .collect();
        // Iterative Tarjan.
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut counter = 0;
        for start in 0..n {
            if index[start] != usize::MAX {
                continue;
            }
            let mut work: Vec<(usize, usize)> = vec![(start, 0)];
            while let Some(&mut (v, ref mut next)) = work.last_mut() {
                if *next == 0 && index[v] == usize::MAX {
                    index[v] = counter;
                    low[v] = counter;
                    counter += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = edges[v].get(*next) {
                    *next += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    let cyclic = component.len() > 1 || edges[v].contains(&v);
                    if cyclic {
                        for w in component {
                            self.types[w].recursive = true;
                        }
                    }
                }
            }
        }
    }
}

fn kind_refs(kind: &TypeKind, out: &mut Vec<usize>) {
    match kind {
        TypeKind::Object(o) => {
            for p in &o.properties {
                type_refs(&p.ty, out);
            }
            if let AdditionalProperties::Typed(t) = &o.additional {
                type_refs(t, out);
            }
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| type_refs(&v.ty, out)),
        TypeKind::Alias(t) => type_refs(t, out),
        TypeKind::Enum(_) => {}
    }
}

fn type_refs(t: &TypeRef, out: &mut Vec<usize>) {
    match t {
        TypeRef::Named(id) => out.push(id.0),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => type_refs(i, out),
        _ => {}
    }
}

/// The key of a component schema pointer (`/components/schemas/Pet` → `Pet`).
fn component_key(ptr: &str) -> Option<&str> {
    for prefix in ["/components/schemas/", "/definitions/", "/$defs/"] {
        if let Some(rest) = ptr.strip_prefix(prefix) {
            if !rest.contains('/') {
                return Some(rest);
            }
        }
    }
    None
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

fn base_of(types: &[&str], values: &[Value]) -> TypeRef {
    match types.first().copied() {
        Some("string") => TypeRef::String(StringFormat::Plain),
        Some("integer") => TypeRef::Integer(IntegerFormat::Unspecified),
        Some("number") => TypeRef::Number(NumberFormat::Unspecified),
        Some("boolean") => TypeRef::Bool,
        _ => {
            if values.iter().all(|v| matches!(v, Value::String(_))) {
                TypeRef::String(StringFormat::Plain)
            } else if values
                .iter()
                .all(|v| v.as_number().and_then(|n| n.as_i64()).is_some())
            {
                TypeRef::Integer(IntegerFormat::Unspecified)
            } else if values.iter().all(|v| v.as_number().is_some()) {
                TypeRef::Number(NumberFormat::Unspecified)
            } else if values.iter().all(|v| v.as_bool().is_some()) {
                TypeRef::Bool
            } else {
                TypeRef::Any
            }
        }
    }
}

fn variant_name(ty: &TypeRef, types: &[TypeDef]) -> String {
    match ty {
        TypeRef::Named(id) => types
            .get(id.0)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "Variant".into()),
        TypeRef::Any => "Value".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Number(_) => "Number".into(),
        TypeRef::String(_) => "String".into(),
        TypeRef::Array(inner) => format!("{}List", variant_name(inner, types)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner, types)),
        TypeRef::Nullable(inner) => variant_name(inner, types),
    }
}

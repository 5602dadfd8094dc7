//! Lowering one schema node: its [`Shape`] (decided from `type`, `const`, `enum`, allOf,
//! oneOf/anyOf and formats, before any child is read), then the structural [`TypeRef`] it
//! stands for or the kind of the named type it becomes.

use super::{is_nullable_flag, names, Known, TypeBuilder};
use crate::model::*;
use tern_spec::{pointer, FileId, Value};

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

/// What a schema node is, decided before reading its children.
pub(super) enum Shape<'v> {
    Any,
    Primitive(TypeRef),
    Array(Option<&'v Value>),
    Map(Option<&'v Value>),
    Object,
    Enum(Vec<Value>, TypeRef),
    /// allOf / oneOf / anyOf with one real member: the member's type.
    Single(&'v Value, usize, &'static str),
    Merge,
    Union(Alternatives<'v>),
    PrimitiveUnion(Vec<TypeRef>),
}

impl Shape<'_> {
    /// Whether a schema of this shape becomes a named type (components always do).
    fn is_named(&self) -> bool {
        matches!(
            self,
            Shape::Object
                | Shape::Enum(..)
                | Shape::Merge
                | Shape::Union(..)
                | Shape::PrimitiveUnion(..)
        )
    }
}

/// The alternatives of a oneOf/anyOf union that are not `null`.
pub(super) struct Alternatives<'v> {
    pub(super) mode: UnionMode,
    /// (index in the list, schema).
    pub(super) members: Vec<(usize, &'v Value)>,
    /// `oneOf` or `anyOf`.
    pub(super) key: &'static str,
}

/// What a schema lowers to: a structural type, or the kind of the named type it is.
enum Lowered {
    Structural(TypeRef),
    Named(TypeKind),
}

impl<'s> TypeBuilder<'s> {
    /// Builds a schema that is not itself a `$ref`.
    pub(super) fn build<'v>(
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
        let key = self.scope.key(file, ptr);
        let component_name = match key.as_ref().and_then(|k| self.known.get(k)) {
            Some(Known::Built(id)) => return self.named(*id),
            Some(Known::Component(name)) => Some(name.clone()),
            None => None,
        };
        if let (Some(_), true) = (&component_name, file == FileId::ROOT) {
            if let Some((first, schema)) = self.component_copies.get(ptr).cloned() {
                // A copy: an alias of the first copy's type.
                let first_name = names::component_key(&first).unwrap_or(hint).to_owned();
                let target = self.build(FileId::ROOT, &first, schema, &first_name, depth + 1);
                let id = self.new_type(key, component_name, v, hint, file, ptr);
                return self.alias_of(id, target);
            }
        }
        let (shape, nullable) = self.classify(file, ptr, v);
        // An inline schema written out again, byte for byte (Civis repeats one request body
        // under seven operations), is the type already built from its first copy.
        let fingerprint = (component_name.is_none() && shape.is_named() && key.is_some())
            .then(|| (file, v.to_string()));
        if let Some(id) = fingerprint.as_ref().and_then(|f| self.inline_copies.get(f)) {
            let id = *id;
            if let Some(key) = key {
                self.known.insert(key, Known::Built(id));
            }
            return self.named(id);
        }
        let id = (shape.is_named() || component_name.is_some())
            .then(|| self.new_type(key, component_name, v, hint, file, ptr));
        if let (Some(id), Some(f)) = (id, fingerprint) {
            self.inline_copies.insert(f, id);
        }
        if let (Some(id), true) = (id, nullable) {
            self.nullable_types.insert(id);
        }
        let type_name = id
            .map(|id| self.types[id.0].name.clone())
            .unwrap_or_else(|| hint.to_owned());
        let ty = match (self.lower(file, ptr, v, shape, &type_name, depth + 1), id) {
            (Lowered::Structural(t), Some(id)) => {
                self.types[id.0].kind = TypeKind::Alias(t);
                TypeRef::Named(id)
            }
            (Lowered::Structural(t), None) => t,
            (Lowered::Named(kind), Some(id)) => {
                self.types[id.0].kind = kind;
                TypeRef::Named(id)
            }
            (Lowered::Named(_), None) => TypeRef::Any,
        };
        if nullable && !matches!(ty, TypeRef::Nullable(_)) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Makes the named type `id` an alias of `target` (nullable when `target` is).
    fn alias_of(&mut self, id: TypeId, target: TypeRef) -> TypeRef {
        let target = match target {
            TypeRef::Nullable(inner) => {
                self.nullable_types.insert(id);
                *inner
            }
            other => other,
        };
        self.types[id.0].kind = TypeKind::Alias(target);
        self.named(id)
    }

    /// Reads the children of a schema of shape `shape`, at `depth`.
    fn lower<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        shape: Shape<'v>,
        type_name: &str,
        depth: usize,
    ) -> Lowered
    where
        's: 'v,
    {
        let structural = match shape {
            Shape::Any => TypeRef::Any,
            Shape::Primitive(t) => t,
            Shape::Array(items) => TypeRef::Array(Box::new(match items {
                Some(items) => self.schema(
                    file,
                    &pointer::push(ptr, "items"),
                    items,
                    &format!("{type_name} Item"),
                    depth,
                ),
                None => TypeRef::Any,
            })),
            Shape::Map(additional) => TypeRef::Map(Box::new(match additional {
                Some(a) => self.schema(
                    file,
                    &pointer::push(ptr, "additionalProperties"),
                    a,
                    &format!("{type_name} Value"),
                    depth,
                ),
                None => TypeRef::Any,
            })),
            Shape::Single(member, index, key) => {
                let mptr = pointer::push(&pointer::push(ptr, key), &index.to_string());
                self.schema(file, &mptr, member, type_name, depth)
            }
            Shape::Object | Shape::Merge => {
                return Lowered::Named(TypeKind::Object(
                    self.object(file, ptr, v, type_name, depth),
                ))
            }
            Shape::Enum(values, base) => {
                return Lowered::Named(TypeKind::Enum(EnumType { base, values }))
            }
            Shape::Union(alternatives) => {
                return Lowered::Named(TypeKind::Union(self.union(
                    file,
                    ptr,
                    v,
                    alternatives,
                    type_name,
                    depth,
                )))
            }
            Shape::PrimitiveUnion(types) => {
                return Lowered::Named(TypeKind::Union(self.primitive_union(types)))
            }
        };
        Lowered::Structural(structural)
    }

    /// Decides the shape of a non-`$ref` schema and whether it admits `null`.
    fn classify<'v>(&mut self, file: FileId, ptr: &str, v: &'v Value) -> (Shape<'v>, bool) {
        let (types, mut nullable) = self.declared_types(file, ptr, v);
        if let Some(shape) = self.enum_shape(file, ptr, v, &types, &mut nullable) {
            return (shape, nullable);
        }
        if let Some(shape) = self.composition_shape(file, ptr, v, &types, &mut nullable) {
            return (shape, nullable);
        }
        (self.typed_shape(file, ptr, v, types), nullable)
    }

    /// The `type`s a schema declares, without `null`, and whether it admits `null`
    /// (`nullable`, `x-nullable` or a `null` type).
    fn declared_types<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
    ) -> (Vec<&'v str>, bool) {
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
        let mut nullable = is_nullable_flag(v);
        if types.contains(&"null") {
            nullable = true;
            types.retain(|t| *t != "null");
        }
        (types, nullable)
    }

    /// `const` and `enum`: a closed set of values (an empty or malformed `enum` is ignored,
    /// with a warning).
    fn enum_shape<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        types: &[&str],
        nullable: &mut bool,
    ) -> Option<Shape<'v>> {
        if let Some(c) = v.get("const") {
            if c.is_null() {
                *nullable = true;
                return Some(Shape::Primitive(TypeRef::Any));
            }
            return Some(Shape::Enum(
                vec![c.clone()],
                base_of(types, std::slice::from_ref(c)),
            ));
        }
        if let Some(values) = v.get("enum") {
            match values.as_array() {
                Some(list) if !list.is_empty() => {
                    if list.iter().any(Value::is_null) {
                        *nullable = true;
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
                        let base = base_of(types, &vals);
                        return Some(Shape::Enum(vals, base));
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
        None
    }

    /// allOf (one part: that part; more: a merged object), oneOf and anyOf (no real member:
    /// any; one: that member; all constants: an enum; else a union).
    fn composition_shape<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        types: &[&str],
        nullable: &mut bool,
    ) -> Option<Shape<'v>> {
        if let Some(parts) = v.get("allOf").and_then(Value::as_array) {
            let has_own = v.get("properties").is_some();
            // Parts that only annotate (`{nullable: true}`, a description) constrain nothing:
            // `allOf: [{$ref: Status}, {nullable: true}]` is a nullable `Status`.
            let real: Vec<(usize, &Value)> = parts
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    let annotation = p.as_object().is_some_and(|m| {
                        m.keys().all(|k| {
                            k.starts_with("x-")
                                || matches!(
                                    k.as_str(),
                                    "nullable"
                                        | "description"
                                        | "title"
                                        | "example"
                                        | "examples"
                                        | "default"
                                        | "deprecated"
                                        | "readOnly"
                                        | "writeOnly"
                                )
                        })
                    });
                    if annotation && is_nullable_flag(p) {
                        *nullable = true;
                    }
                    !annotation
                })
                .collect();
            if real.len() == 1 && !has_own {
                return Some(Shape::Single(real[0].1, real[0].0, "allOf"));
            }
            if !parts.is_empty() {
                return Some(Shape::Merge);
            }
        }
        for (key, mode) in [("oneOf", UnionMode::OneOf), ("anyOf", UnionMode::AnyOf)] {
            let Some(list) = v.get(key).and_then(Value::as_array) else {
                continue;
            };
            let mut members: Vec<(usize, &Value)> = Vec::new();
            for (i, m) in list.iter().enumerate() {
                if self.is_null_schema(file, ptr, m) {
                    *nullable = true;
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
                return None;
            }
            return Some(match members.len() {
                0 => Shape::Any,
                1 => Shape::Single(members[0].1, members[0].0, key),
                _ => match constant_union(types, &members) {
                    Some(shape) => shape,
                    None => Shape::Union(Alternatives { mode, members, key }),
                },
            });
        }
        None
    }

    /// The shape from `type` (inferred from `properties`/`items` when absent); several types
    /// make a union of their structural forms.
    fn typed_shape<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        mut types: Vec<&str>,
    ) -> Shape<'v> {
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
            [] => Shape::Any,
            [one] => self.single_type(file, ptr, v, one, has_props),
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
                Shape::PrimitiveUnion(out)
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
}

/// A union whose alternatives are all constants (`const`, or a one-value `enum`) is an enum.
fn constant_union<'v>(types: &[&str], members: &[(usize, &'v Value)]) -> Option<Shape<'v>> {
    let values: Vec<Value> = members
        .iter()
        .map(|(_, m)| {
            m.get("const")
                .cloned()
                .or_else(|| match m.get("enum").and_then(Value::as_array) {
                    Some([one]) => Some(one.clone()),
                    _ => None,
                })
        })
        .collect::<Option<_>>()?;
    let base = base_of(types, &values);
    Some(Shape::Enum(values, base))
}

/// The base type of enum values: the declared type, else what all the values are.
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

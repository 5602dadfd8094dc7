//! The graph of named types: type expressions, named types and their shapes.

use super::{ApiModel, Extensions, Source};
use tern_spec::Value;

/// Index of a named type in [`ApiModel::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A type expression. Structural types are inline; objects, enums and unions are named.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TypeRef {
    /// Any JSON value.
    Any,
    /// Boolean.
    Bool,
    /// Integer.
    Integer(IntegerFormat),
    /// Number.
    Number(NumberFormat),
    /// String.
    String(StringFormat),
    /// Array of the inner type.
    Array(Box<TypeRef>),
    /// Map from string keys to the inner type.
    Map(Box<TypeRef>),
    /// A named type.
    Named(TypeId),
    /// The inner type or `null`.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The type without a `Nullable` wrapper.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner.non_null(),
            other => other,
        }
    }

    /// Follows aliases (and nullability) to the type that is not an alias. Alias cycles are
    /// broken when the model is built; the hop limit keeps this total regardless.
    pub fn resolve<'m>(&'m self, types: &'m [TypeDef]) -> &'m TypeRef {
        let mut current = self.non_null();
        for _ in 0..64 {
            match current {
                TypeRef::Named(id) => match types.get(id.0).map(|t| &t.kind) {
                    Some(TypeKind::Alias(inner)) => current = inner.non_null(),
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// The object type behind this type (through aliases), if it is one.
    pub fn object<'m>(&'m self, types: &'m [TypeDef]) -> Option<&'m ObjectType> {
        match self.resolve(types) {
            TypeRef::Named(id) => match &types.get(id.0)?.kind {
                TypeKind::Object(o) => Some(o),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether this is an array (through aliases).
    pub fn is_array(&self, types: &[TypeDef]) -> bool {
        matches!(self.resolve(types), TypeRef::Array(_))
    }

    /// A short description of the type for help texts (`string`, `array<Pet>`, …).
    pub fn describe(&self, model: &ApiModel) -> String {
        match self {
            TypeRef::Any => "any".into(),
            TypeRef::Bool => "boolean".into(),
            TypeRef::Integer(IntegerFormat::Int32) => "integer(int32)".into(),
            TypeRef::Integer(IntegerFormat::Int64) => "integer(int64)".into(),
            TypeRef::Integer(_) => "integer".into(),
            TypeRef::Number(NumberFormat::Float) => "number(float)".into(),
            TypeRef::Number(NumberFormat::Double) => "number(double)".into(),
            TypeRef::Number(_) => "number".into(),
            TypeRef::String(StringFormat::Plain) => "string".into(),
            TypeRef::String(f) => format!("string({})", f.as_str()),
            TypeRef::Array(inner) => format!("array<{}>", inner.describe(model)),
            TypeRef::Map(inner) => format!("map<string, {}>", inner.describe(model)),
            TypeRef::Named(id) => model.type_def(*id).name.clone(),
            TypeRef::Nullable(inner) => format!("{}?", inner.describe(model)),
        }
    }
}

/// Integer formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IntegerFormat {
    /// No format given.
    Unspecified,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
}

/// Number formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NumberFormat {
    /// No format given.
    Unspecified,
    /// `float`.
    Float,
    /// `double`.
    Double,
}

/// String formats that change how a value is represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StringFormat {
    /// No special format.
    Plain,
    /// `date` (RFC 3339 full-date).
    Date,
    /// `date-time`.
    DateTime,
    /// `time`.
    Time,
    /// `uuid`.
    Uuid,
    /// `uri`/`url`.
    Uri,
    /// `email`.
    Email,
    /// `byte` (base64).
    Byte,
    /// `binary` (raw bytes; also Swagger's `file`).
    Binary,
    /// `password` (a secret).
    Password,
}

impl StringFormat {
    /// The format's name in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            StringFormat::Plain => "string",
            StringFormat::Date => "date",
            StringFormat::DateTime => "date-time",
            StringFormat::Time => "time",
            StringFormat::Uuid => "uuid",
            StringFormat::Uri => "uri",
            StringFormat::Email => "email",
            StringFormat::Byte => "byte",
            StringFormat::Binary => "binary",
            StringFormat::Password => "password",
        }
    }
}

/// A named type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TypeDef {
    /// Its id.
    pub id: TypeId,
    /// PascalCase name, unique in the model.
    pub name: String,
    /// The component name when it is a component schema (`#/components/schemas/X`).
    pub component: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Whether it is deprecated.
    pub deprecated: bool,
    /// What it is.
    pub kind: TypeKind,
    /// Whether it is part of a reference cycle (needs indirection in Rust).
    pub recursive: bool,
    /// Where it is defined.
    pub source: Source,
    /// Vendor extensions.
    pub extensions: Extensions,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TypeKind {
    /// An object with properties.
    Object(ObjectType),
    /// A closed set of values.
    Enum(EnumType),
    /// One of several types.
    Union(UnionType),
    /// Another name for a structural type.
    Alias(TypeRef),
}

/// An object type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ObjectType {
    /// Properties, in schema order (allOf parts merged in order).
    pub properties: Vec<Property>,
    /// What unknown members may hold.
    pub additional: AdditionalProperties,
}

/// The `additionalProperties` of an object.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AdditionalProperties {
    /// Not said (anything may come; clients keep it).
    Unspecified,
    /// `false`.
    Forbidden,
    /// Values of this type.
    Typed(TypeRef),
}

/// A property of an object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Property {
    /// Name as on the wire.
    pub name: String,
    /// Type (wrapped in `Nullable` when `null` is allowed).
    pub ty: TypeRef,
    /// Whether it must be present.
    pub required: bool,
    /// Description.
    pub description: Option<String>,
    /// Sent by the server only.
    pub read_only: bool,
    /// Sent by the client only.
    pub write_only: bool,
    /// Deprecated.
    pub deprecated: bool,
    /// Default value.
    pub default: Option<Value>,
    /// Example value.
    pub example: Option<Value>,
}

/// An enumeration.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EnumType {
    /// The values' type (string, integer, …).
    pub base: TypeRef,
    /// The allowed values, in order, without `null`.
    pub values: Vec<Value>,
}

/// Whether a union is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnionMode {
    /// `oneOf`.
    OneOf,
    /// `anyOf` (or a 3.1 `type` array).
    AnyOf,
}

/// A union of types.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnionType {
    /// oneOf or anyOf.
    pub mode: UnionMode,
    /// The alternatives, in order.
    pub variants: Vec<Variant>,
    /// The discriminator, when declared.
    pub discriminator: Option<Discriminator>,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Variant {
    /// PascalCase name, unique in the union.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
}

/// How to tell union variants apart by a property.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Discriminator {
    /// The property holding the tag.
    pub property: String,
    /// Tag value → index into [`UnionType::variants`].
    pub mapping: Vec<(String, usize)>,
}

//! The API model: plain data, normalised from Swagger 2.0, OpenAPI 3.0 and 3.1.

use tern_spec::{FileId, SpecVersion, Value};

/// Vendor extensions (`x-…`) of a node, in document order.
pub type Extensions = Vec<(String, Value)>;

/// Where a model element came from in the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file.
    pub file: FileId,
    /// The JSON pointer within it.
    pub pointer: String,
}

/// What the API is: everything the code generator, the dynamic client and the CLI need.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiModel {
    /// `info.title`.
    pub title: String,
    /// `info.version` (the API's version, not the spec format's).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.license`.
    pub license: Option<License>,
    /// The root `externalDocs.url`: where the API's documentation lives.
    pub external_docs: Option<String>,
    /// The description format it was read from.
    pub spec_version: SpecVersion,
    /// Servers, in order of preference.
    pub servers: Vec<Server>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Every named type; [`TypeId`] indexes this.
    pub types: Vec<TypeDef>,
    /// The security schemes the API declares.
    pub security_schemes: Vec<SecurityScheme>,
    /// The default security requirement (alternatives; empty = none declared).
    pub security: Vec<SecurityRequirement>,
    /// Root-level vendor extensions.
    pub extensions: Extensions,
}

impl ApiModel {
    /// The named type behind an id.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// The license the API description states (`info.license`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct License {
    /// `name` (`Apache 2.0`).
    pub name: String,
    /// `identifier` (3.1): an SPDX expression.
    pub identifier: Option<String>,
    /// `url`.
    pub url: Option<String>,
}

impl License {
    /// The license as an SPDX identifier, when the description gives one (`identifier`) or its
    /// name is a common one written as people write it (`Apache 2.0` → `Apache-2.0`,
    /// `MIT License` → `MIT`); `None` for anything else, which a package manifest must not
    /// claim.
    pub fn spdx(&self) -> Option<String> {
        const KNOWN: &[&str] = &[
            "MIT",
            "Apache-2.0",
            "BSD-2-Clause",
            "BSD-3-Clause",
            "ISC",
            "MPL-2.0",
            "Unlicense",
            "CC0-1.0",
            "CC-BY-4.0",
            "GPL-2.0",
            "GPL-3.0",
            "LGPL-2.1",
            "LGPL-3.0",
            "AGPL-3.0",
            "0BSD",
            "Zlib",
            "BSL-1.0",
        ];
        let valid = |s: &str| {
            !s.is_empty()
                && s.split([' ', '(', ')']).filter(|w| !w.is_empty()).all(|w| {
                    w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
                })
        };
        if let Some(id) = self.identifier.as_deref().map(str::trim) {
            if valid(id) {
                return Some(id.to_owned());
            }
        }
        // Compared without case, spaces, dashes, the word "license" or a trailing ".0".
        let key = |s: &str| {
            let s = s
                .to_ascii_lowercase()
                .replace(['-', '_', ' '], "")
                .replace("licence", "")
                .replace("license", "");
            s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
        };
        let wanted = key(&self.name);
        KNOWN
            .iter()
            .find(|k| key(k) == wanted)
            .map(|k| (*k).to_owned())
    }
}

/// A server the API is reachable at.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Server {
    /// URL template, e.g. `https://{region}.example.com/v1` (may be relative).
    pub url: String,
    /// Description.
    pub description: Option<String>,
    /// Template variables.
    pub variables: Vec<ServerVariable>,
}

/// A variable in a server URL template.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ServerVariable {
    /// Name as in the template.
    pub name: String,
    /// Default value.
    pub default: String,
    /// Allowed values, if restricted.
    pub allowed: Vec<String>,
    /// Description.
    pub description: Option<String>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// Parses a lower-case path-item key.
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        Some(match key {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            "trace" => HttpMethod::Trace,
            _ => return None,
        })
    }

    /// Upper-case name (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// Lower-case name (`get`), as used in method names.
    pub fn lower(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One endpoint: a method on a path.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Operation {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template as in the spec, e.g. `/workflows/{id}`.
    pub path: String,
    /// `operationId`, if given.
    pub operation_id: Option<String>,
    /// Short summary.
    pub summary: Option<String>,
    /// Long description.
    pub description: Option<String>,
    /// Tags, in order.
    pub tags: Vec<String>,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
    /// Parameters (path-level ones first, overridden by operation-level ones).
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub request_body: Option<RequestBody>,
    /// Responses in document order.
    pub responses: Vec<Response>,
    /// Security override (`None` = the API default applies; `Some(vec![])` = no auth).
    pub security: Option<Vec<SecurityRequirement>>,
    /// Servers that override the API's for this operation.
    pub servers: Vec<Server>,
    /// How to page through results, when the operation is a paginated list.
    pub pagination: Option<Pagination>,
    /// The arguments a client method takes, positional ones first.
    pub arguments: Vec<Argument>,
    /// Names under the `rest` scheme.
    pub rest_name: MethodName,
    /// Names under the `operation-id` scheme.
    pub operation_id_name: MethodName,
    /// Vendor extensions.
    pub extensions: Extensions,
    /// Where the operation is defined.
    pub source: Source,
}

impl Operation {
    /// The names under a scheme.
    pub fn name(&self, scheme: NamingScheme) -> &MethodName {
        match scheme {
            NamingScheme::Rest => &self.rest_name,
            NamingScheme::OperationId => &self.operation_id_name,
        }
    }

    /// The first 2xx response (or the `2XX` range, or `default`): what a call returns.
    pub fn success_response(&self) -> Option<&Response> {
        let mut codes: Vec<&Response> = self
            .responses
            .iter()
            .filter(|r| matches!(r.status, StatusCode::Code(200..=299) | StatusCode::Range(2)))
            .collect();
        codes.sort_by_key(|r| match r.status {
            StatusCode::Code(c) => c,
            _ => 299,
        });
        codes.first().copied().or_else(|| {
            self.responses
                .iter()
                .find(|r| r.status == StatusCode::Default)
        })
    }
}

/// How endpoints become resource and method names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NamingScheme {
    /// Civis rules: resource = first path segment, method = verb + fixed segments.
    #[default]
    Rest,
    /// snake_cased `operationId`, grouped by first tag.
    OperationId,
}

/// An operation's place in the resource tree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MethodName {
    /// Resource (a valid Rust identifier).
    pub resource: String,
    /// Method (a valid Rust identifier), unique within the resource.
    pub method: String,
    /// Other names the method also answers to (e.g. legacy `list_…` names).
    pub aliases: Vec<String>,
}

/// One argument of a client method.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Argument {
    /// snake_case Rust identifier, unique within the method.
    pub name: String,
    /// The name in the spec (parameter name or body property).
    pub original: String,
    /// Where the value goes.
    pub location: ArgumentLocation,
    /// Whether it must be given.
    pub required: bool,
    /// Whether it is positional (required arguments are, in spec order).
    pub positional: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Description.
    pub description: Option<String>,
    /// Default value from the spec.
    pub default: Option<Value>,
}

/// Where an argument's value is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArgumentLocation {
    /// A parameter (index into [`Operation::parameters`]).
    Parameter(usize),
    /// A property of the (object) request body.
    BodyProperty,
    /// The whole request body.
    Body,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParameterLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
    /// As a cookie.
    Cookie,
}

impl ParameterLocation {
    /// The spec's name for the location.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
        }
    }
}

/// How a parameter value is serialised (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParameterStyle {
    /// `form` (query, cookie default).
    Form,
    /// `simple` (path, header default).
    Simple,
    /// `matrix`.
    Matrix,
    /// `label`.
    Label,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// A parameter of an operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Parameter {
    /// Name as sent.
    pub name: String,
    /// Location.
    pub location: ParameterLocation,
    /// Description.
    pub description: Option<String>,
    /// Whether it is required.
    pub required: bool,
    /// Whether it is deprecated.
    pub deprecated: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Serialisation style.
    pub style: ParameterStyle,
    /// Whether arrays/objects explode into several values.
    pub explode: bool,
    /// Default value.
    pub default: Option<Value>,
    /// Example value.
    pub example: Option<Value>,
    /// Where its schema is, for validation against the raw JSON Schema.
    pub schema_source: Option<Source>,
    /// Vendor extensions.
    pub extensions: Extensions,
}

/// What kind of payload a media type carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyKind {
    /// JSON (`application/json`, `*+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/*`.
    Multipart,
    /// Raw bytes (`application/octet-stream`, binary schemas).
    Binary,
    /// Text (`text/*`).
    Text,
    /// `text/event-stream`.
    EventStream,
    /// Anything else.
    Other,
}

impl BodyKind {
    /// Classifies a media type.
    pub fn of(media_type: &str) -> BodyKind {
        let mt = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if mt == "application/json"
            || mt.ends_with("+json")
            || mt == "text/json"
            || mt == "*/*"
            || mt == "application/*"
        {
            BodyKind::Json
        } else if mt == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if mt.starts_with("multipart/") {
            BodyKind::Multipart
        } else if mt == "text/event-stream" {
            BodyKind::EventStream
        } else if mt.starts_with("text/") {
            BodyKind::Text
        } else if mt == "application/octet-stream"
            || mt.starts_with("image/")
            || mt.starts_with("audio/")
            || mt.starts_with("video/")
            || mt == "application/pdf"
            || mt == "application/zip"
        {
            BodyKind::Binary
        } else {
            BodyKind::Other
        }
    }
}

/// A payload in one media type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Content {
    /// The media type as written.
    pub media_type: String,
    /// Its kind.
    pub kind: BodyKind,
    /// Its type, when a schema is given.
    pub ty: Option<TypeRef>,
    /// Where its schema is.
    pub schema_source: Option<Source>,
}

/// A request body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RequestBody {
    /// Description.
    pub description: Option<String>,
    /// Whether a body is required.
    pub required: bool,
    /// One entry per media type, in document order.
    pub contents: Vec<Content>,
}

/// A response status key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusCode {
    /// An exact code.
    Code(u16),
    /// A range such as `4XX` (holds the leading digit).
    Range(u8),
    /// `default`.
    Default,
}

impl std::fmt::Display for StatusCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusCode::Code(c) => write!(f, "{c}"),
            StatusCode::Range(d) => write!(f, "{d}XX"),
            StatusCode::Default => f.write_str("default"),
        }
    }
}

/// A response of an operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    /// Status key.
    pub status: StatusCode,
    /// Description.
    pub description: Option<String>,
    /// Declared headers.
    pub headers: Vec<ResponseHeader>,
    /// Payloads per media type.
    pub contents: Vec<Content>,
}

/// A declared response header.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseHeader {
    /// Header name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Whether it is always sent.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
}

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

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Pagination {
    /// The strategy.
    pub style: PaginationStyle,
    /// Path of object keys from the response body to the items array (empty = the body).
    pub items: Vec<String>,
}

impl Pagination {
    /// A strategy and the path to the items (for configuration that overrides detection).
    pub fn new(style: PaginationStyle, items: Vec<String>) -> Pagination {
        Pagination { style, items }
    }
}

/// Pagination strategies.
///
/// Exhaustive on purpose: every front end matches it without a catch-all, so that a new pagination style
/// is a compile error wherever it must be handled, never a silent default.
#[derive(Debug, Clone, PartialEq)]
pub enum PaginationStyle {
    /// Offset/limit query parameters.
    Offset {
        /// e.g. `offset`.
        offset_param: String,
        /// e.g. `limit`.
        limit_param: Option<String>,
        /// Path to the total number of items across pages, when the response gives it: paging
        /// stops there.
        total: Option<Vec<String>>,
    },
    /// A cursor query parameter fed from a response field.
    Cursor {
        /// e.g. `cursor`, `starting_after`.
        cursor_param: String,
        /// Path to the next cursor in the response; `None` = the last item's `id`.
        next_cursor: Option<Vec<String>>,
        /// A boolean "more pages" field, when present.
        has_more: Option<Vec<String>>,
    },
    /// A page-number query parameter.
    Page {
        /// e.g. `page`, `page_num`.
        page_param: String,
        /// e.g. `limit`, `per_page`.
        size_param: Option<String>,
    },
    /// `Link: <…>; rel="next"` headers.
    Link,
}

impl PaginationStyle {
    /// `offset`, `cursor`, `page` or `link`.
    pub fn kind(&self) -> &'static str {
        match self {
            PaginationStyle::Offset { .. } => "offset",
            PaginationStyle::Cursor { .. } => "cursor",
            PaginationStyle::Page { .. } => "page",
            PaginationStyle::Link => "link",
        }
    }
}

/// A security scheme.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SecurityScheme {
    /// The key it is declared under.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// What it is.
    pub kind: SecuritySchemeKind,
}

/// Kinds of security scheme.
///
/// Exhaustive on purpose: every front end matches it without a catch-all, so that a new kind of security scheme
/// is a compile error wherever it must be handled, never a silent default.
#[derive(Debug, Clone, PartialEq)]
pub enum SecuritySchemeKind {
    /// HTTP bearer token.
    Bearer {
        /// `bearerFormat` hint.
        format: Option<String>,
    },
    /// HTTP basic.
    Basic,
    /// Another HTTP auth scheme.
    Http {
        /// The scheme name.
        scheme: String,
    },
    /// An API key.
    ApiKey {
        /// Header, query or cookie.
        location: ParameterLocation,
        /// The header/parameter/cookie name.
        param: String,
    },
    /// OAuth 2.
    OAuth2 {
        /// Declared flows.
        flows: Vec<OAuthFlow>,
    },
    /// OpenID Connect discovery.
    OpenIdConnect {
        /// Discovery URL.
        url: String,
    },
    /// Mutual TLS.
    MutualTls,
}

/// An OAuth 2 flow.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OAuthFlow {
    /// Which grant.
    pub kind: OAuthFlowKind,
    /// Authorization URL (implicit, authorization code).
    pub authorization_url: Option<String>,
    /// Token URL (password, client credentials, authorization code).
    pub token_url: Option<String>,
    /// Refresh URL.
    pub refresh_url: Option<String>,
    /// Scopes and their descriptions.
    pub scopes: Vec<(String, String)>,
}

/// OAuth 2 grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthFlowKind {
    /// Implicit.
    Implicit,
    /// Resource owner password.
    Password,
    /// Client credentials (Swagger 2.0 `application`).
    ClientCredentials,
    /// Authorization code (Swagger 2.0 `accessCode`).
    AuthorizationCode,
}

/// One way to satisfy security: all of these schemes together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// (scheme name, scopes) pairs; empty = no authentication needed.
    pub schemes: Vec<(String, Vec<String>)>,
}

//! Operations: methods, parameters, bodies, responses, names, arguments and pagination.

use super::{Extensions, SecurityRequirement, Server, Source, TypeRef};
use tern_spec::Value;

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
            NamingScheme::Rest | NamingScheme::Resources => &self.rest_name,
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
    /// SDK style (Stainless, Fern): resources nest along the path's fixed segments (version
    /// segments are namespaces: `encounters.v4`), methods are `list`, `create`, `retrieve`,
    /// `update`, `delete`. The tree is planned by `tern-plan`; here, where names are one
    /// level deep, it reads as `Rest`.
    Resources,
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
/// Deliberately exhaustive (not `#[non_exhaustive]`): this is the vocabulary every front end
/// (code generator, dynamic client, CLI, MCP server) matches to page through results, so adding
/// a style must be a compile error wherever it has to be handled, not fall silently into a
/// catch-all arm.
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

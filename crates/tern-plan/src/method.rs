//! One operation as a client method: its names, how each argument is bound (positional, a
//! required value of the params struct, or an optional one with its setter), how the body is
//! encoded, what the response is read as, how it pages, which credentials it may send, and
//! the error bodies it declares.

use std::collections::HashSet;
use tern_model::naming::pascal_ident;
use tern_model::{
    ApiModel, Argument, ArgumentLocation, BodyKind, Operation, Pagination, ParameterLocation,
    StatusCode, StringFormat, TypeRef,
};

/// A client method.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Method {
    /// Index into [`ApiModel::operations`].
    pub operation: usize,
    /// Its name in its resource (`list_individuals`).
    pub name: String,
    /// The params struct, when the method takes optional or non-positional values.
    pub params: Option<String>,
    /// The arguments the caller gives, in the operation's order (headers the client sends by
    /// default are left to per-call options).
    pub arguments: Vec<Arg>,
    /// How the request body is put together.
    pub body: BodyPlan,
    /// What the response is read as.
    pub response: ResponsePlan,
    /// How the method pages, when it lists.
    pub pagination: Option<PagePlan>,
    /// Security alternatives, each a set of scheme names that together satisfy it; empty: the
    /// client's credentials are not narrowed.
    pub security: Vec<Vec<String>>,
    /// The error bodies it declares, with the name of their enum.
    pub errors: Option<ErrorBodies>,
    /// Headers every request of it carries: the reserved headers (`Content-Type`, `Accept`,
    /// `Authorization`) the operation declares as required parameters with a value fixed by a
    /// default or a single-value enum. Reserved headers are never arguments: the runtime
    /// sends the body's media type, `Accept` and the credentials itself.
    pub fixed_headers: Vec<(String, String)>,
}

impl Method {
    /// The name without a trailing `_` (a keyword-avoiding suffix), for derived names.
    pub fn stem(&self) -> &str {
        self.name.trim_end_matches('_')
    }

    /// The arguments bound positionally, in order.
    pub fn positional(&self) -> impl Iterator<Item = &Arg> {
        self.arguments
            .iter()
            .filter(|a| a.binding == Binding::Positional)
    }

    /// The arguments the params struct's `new` takes, in order.
    pub fn required(&self) -> impl Iterator<Item = &Arg> {
        self.arguments
            .iter()
            .filter(|a| a.binding == Binding::Required)
    }

    /// The optional arguments (fields with setters), in order.
    pub fn optional(&self) -> impl Iterator<Item = &Arg> {
        self.arguments
            .iter()
            .filter(|a| matches!(a.binding, Binding::Optional { .. }))
    }
}

/// One argument of a method.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Arg {
    /// Index into the operation's [`arguments`](tern_model::Operation::arguments).
    pub index: usize,
    /// The parameter or field name (a valid identifier).
    pub field: String,
    /// How the caller gives it.
    pub binding: Binding,
    /// A file of a multipart body (sent as an upload).
    pub upload: bool,
    /// The whole body, sent as bytes with its declared media type (`BodyPlan::Whole` with a
    /// `media`).
    pub raw: bool,
}

/// How the caller gives an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// A parameter of the method itself (path parameters).
    Positional,
    /// A required value of the params struct, taken by its `new`.
    Required,
    /// An optional field of the params struct, set through `setter`.
    Optional {
        /// The setter's name (the field's, unless that would clash with a common method).
        setter: String,
    },
}

/// How a request body is encoded, when its members are separate arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// A JSON object.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
}

/// How the request body is put together. Exhaustive, as the plan's other vocabularies: a new
/// way is a compile error in every front end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyPlan {
    /// No body.
    None,
    /// One argument is the whole body.
    Whole {
        /// Index into [`Method::arguments`].
        arg: usize,
        /// Whether the caller may leave it out.
        optional: bool,
        /// `None`: JSON. Otherwise the body is bytes (a file, an image, text), sent with this
        /// declared media type (`application/octet-stream`).
        media: Option<String>,
    },
    /// The body's members are arguments.
    Fields {
        /// How they are encoded.
        encoding: BodyEncoding,
        /// Whether any member is a file.
        uploads: bool,
        /// Whether any member is not a file.
        text: bool,
    },
}

/// What a successful response is read as (exhaustive).
#[derive(Debug, Clone, PartialEq)]
pub enum ResponsePlan {
    /// Nothing (no content declared): decoded as `()`.
    Unit,
    /// JSON of this type (`None`: any JSON value).
    Json(Option<TypeRef>),
    /// The whole response undecoded (other media types).
    Raw,
    /// A streamed body: downloads and server-sent events.
    Stream,
}

/// How a list method pages.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PagePlan {
    /// The strategy and where the items are.
    pub pagination: Pagination,
    /// The type of one item.
    pub item: TypeRef,
}

/// The error bodies a method declares (JSON schemas of non-2xx responses).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ErrorBodies {
    /// The enum's name (`ListIndividualsErrorBody`).
    pub name: String,
    /// By status, in the order the spec lists them.
    pub bodies: Vec<ErrorBody>,
}

/// One declared error body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ErrorBody {
    /// Its status key.
    pub status: StatusCode,
    /// The response's description.
    pub description: Option<String>,
    /// The body's type.
    pub ty: TypeRef,
}

/// Setter names that would clash with the constructor or a common trait method.
const TAKEN_SETTERS: &[&str] = &[
    "new", "default", "clone", "eq", "ne", "fmt", "hash", "into", "from",
];

/// Whether an argument is a parameter of the method itself.
fn in_signature(op: &Operation, a: &Argument) -> bool {
    a.positional
        && matches!(a.location, ArgumentLocation::Parameter(i) if op.parameters[i].location == ParameterLocation::Path)
}

/// Whether an argument is a header the client sends by default.
fn is_client_header(op: &Operation, a: &Argument, client_headers: &[(String, String)]) -> bool {
    match a.location {
        ArgumentLocation::Parameter(i) => {
            let p = &op.parameters[i];
            p.location == ParameterLocation::Header
                && client_headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(&p.name))
        }
        _ => false,
    }
}

/// The body's encoding when its members are arguments: the first JSON, form or multipart
/// content the operation accepts.
fn body_encoding(op: &Operation) -> BodyEncoding {
    let kind = op.request_body.as_ref().and_then(|b| {
        b.contents
            .iter()
            .map(|c| c.kind)
            .find(|k| matches!(k, BodyKind::Json | BodyKind::Form | BodyKind::Multipart))
    });
    match kind {
        Some(BodyKind::Form) => BodyEncoding::Form,
        Some(BodyKind::Multipart) => BodyEncoding::Multipart,
        _ => BodyEncoding::Json,
    }
}

/// The names a resource module has taken so far (its struct, params structs, error enums).
pub(crate) struct ModuleNames(HashSet<String>);

impl ModuleNames {
    pub(crate) fn new(struct_name: String) -> ModuleNames {
        ModuleNames(HashSet::from([struct_name]))
    }

    /// `base`, or `base_`, `base__`… if taken.
    fn claim(&mut self, base: String) -> String {
        let mut name = base;
        while !self.0.insert(name.clone()) {
            name.push('_');
        }
        name
    }
}

/// The plan of one operation, named `name` in its resource.
pub(crate) fn method(
    model: &ApiModel,
    index: usize,
    name: String,
    pagination: Option<&Pagination>,
    names: &mut ModuleNames,
    client_headers: &[(String, String)],
) -> Method {
    let op = &model.operations[index];
    let params_name = names.claim(format!("{}Params", pascal_ident(&name)));
    let encoding = body_encoding(op);
    let mut arguments = Vec::new();
    let mut body = BodyPlan::None;
    let (mut uploads, mut text) = (false, false);
    let mut fixed_headers = Vec::new();
    for (i, a) in op.arguments.iter().enumerate() {
        if is_client_header(op, a, client_headers) {
            continue;
        }
        if let Some(name) = reserved_header(op, a) {
            if let Some(value) = a.required.then(|| fixed_value(model, a)).flatten() {
                fixed_headers.push((name.to_owned(), value));
            }
            continue;
        }
        let field = tern_model::naming::snake_ident(&a.name);
        let upload = encoding == BodyEncoding::Multipart
            && a.location == ArgumentLocation::BodyProperty
            && matches!(
                a.ty.resolve(&model.types),
                TypeRef::String(StringFormat::Binary)
            );
        // Required arguments the spec gives a default are optional for the caller.
        let binding = if in_signature(op, a) {
            Binding::Positional
        } else if !a.positional {
            let setter = if TAKEN_SETTERS.contains(&field.as_str()) {
                format!("with_{field}")
            } else {
                field.clone()
            };
            Binding::Optional { setter }
        } else {
            Binding::Required
        };
        match a.location {
            ArgumentLocation::Parameter(_) => {}
            ArgumentLocation::BodyProperty => {
                uploads |= upload;
                text |= !upload;
            }
            _ => {
                body = BodyPlan::Whole {
                    arg: arguments.len(),
                    optional: !a.positional,
                    media: raw_media(op),
                }
            }
        }
        let raw = a.location == ArgumentLocation::Body && raw_media(op).is_some();
        arguments.push(Arg {
            index: i,
            field,
            binding,
            upload,
            raw,
        });
    }
    if body == BodyPlan::None && (uploads || text) {
        body = BodyPlan::Fields {
            encoding,
            uploads,
            text,
        };
    }
    let has_params = arguments.iter().any(|a| a.binding != Binding::Positional);
    let security = op
        .security
        .as_ref()
        .unwrap_or(&model.security)
        .iter()
        .map(|r| r.schemes.iter().map(|(n, _)| n.clone()).collect())
        .collect();
    let pagination = pagination.and_then(|p| {
        Some(PagePlan {
            item: page_item(model, op, p)?,
            pagination: p.clone(),
        })
    });
    let errors = error_bodies(op).map(|bodies| ErrorBodies {
        name: names.claim(format!("{}ErrorBody", pascal_ident(&name))),
        bodies,
    });
    Method {
        operation: index,
        params: has_params.then_some(params_name),
        response: response_plan(op),
        name,
        arguments,
        body,
        pagination,
        security,
        errors,
        fixed_headers,
    }
}

/// A scalar's text as a header carries it (strings unquoted); `None` for arrays and objects.
fn value_text(v: &tern_spec::Value) -> Option<String> {
    match v {
        tern_spec::Value::String(s) => Some(s.to_string()),
        tern_spec::Value::Number(_) | tern_spec::Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

/// Whether a header is one the client owns: `Content-Type`, `Accept`, `Authorization`.
fn is_reserved_header(name: &str) -> bool {
    ["content-type", "accept", "authorization"]
        .iter()
        .any(|r| name.eq_ignore_ascii_case(r))
}

/// The name of a header parameter the client owns (`Content-Type`, `Accept`,
/// `Authorization`), which a method never takes as an argument.
fn reserved_header<'o>(op: &'o Operation, a: &Argument) -> Option<&'o str> {
    let ArgumentLocation::Parameter(i) = a.location else {
        return None;
    };
    let p = &op.parameters[i];
    (p.location == ParameterLocation::Header && is_reserved_header(&p.name))
        .then_some(p.name.as_str())
}

/// The value an argument's schema fixes: its default, else its enum's only value.
fn fixed_value(model: &ApiModel, a: &Argument) -> Option<String> {
    if let Some(d) = &a.default {
        return value_text(d);
    }
    match a.ty.non_null() {
        TypeRef::Named(id) => match &model.type_def(*id).kind {
            tern_model::TypeKind::Enum(e) if e.values.len() == 1 => value_text(&e.values[0]),
            _ => None,
        },
        _ => None,
    }
}

/// The media type of a body sent as bytes: declared without a JSON, form or multipart
/// alternative (`application/octet-stream`, `image/png`, `text/csv`).
pub fn raw_media(op: &Operation) -> Option<String> {
    let rb = op.request_body.as_ref()?;
    if rb.contents.iter().any(|c| {
        matches!(
            c.kind,
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart
        )
    }) {
        return None;
    }
    rb.contents.first().map(|c| {
        if c.media_type.contains('*') {
            // `*/*` or `image/*` says nothing a server can check: bytes are bytes.
            "application/octet-stream".to_owned()
        } else {
            c.media_type.clone()
        }
    })
}

/// How an operation's success response is read: nothing, JSON (of a type), a stream (binary
/// downloads, server-sent events), or the whole body undecoded.
pub fn response_plan(op: &Operation) -> ResponsePlan {
    let Some(r) = op.success_response() else {
        return ResponsePlan::Unit;
    };
    if r.contents.is_empty() {
        return ResponsePlan::Unit;
    }
    if let Some(c) = r.contents.iter().find(|c| c.kind == BodyKind::Json) {
        return ResponsePlan::Json(c.ty.clone());
    }
    if r.contents
        .iter()
        .any(|c| matches!(c.kind, BodyKind::EventStream | BodyKind::Binary))
    {
        ResponsePlan::Stream
    } else {
        ResponsePlan::Raw
    }
}

/// The item type of a paginated operation: the success body's array, or its `items` field's.
fn page_item(model: &ApiModel, op: &Operation, p: &Pagination) -> Option<TypeRef> {
    let body = op
        .success_response()?
        .contents
        .iter()
        .find(|c| c.kind == BodyKind::Json)?
        .ty
        .clone()?;
    let mut current = body;
    for key in &p.items {
        let object = current.object(&model.types)?;
        current = object
            .properties
            .iter()
            .find(|prop| &prop.name == key)?
            .ty
            .clone();
    }
    match current.resolve(&model.types) {
        TypeRef::Array(inner) => Some((**inner).clone()),
        TypeRef::Nullable(inner) => match inner.resolve(&model.types) {
            TypeRef::Array(inner) => Some((**inner).clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The JSON bodies of the operation's error responses (4xx, 5xx, their ranges, `default`).
fn error_bodies(op: &Operation) -> Option<Vec<ErrorBody>> {
    let bodies: Vec<ErrorBody> = op
        .responses
        .iter()
        .filter(|r| match r.status {
            StatusCode::Code(c) => c >= 400,
            StatusCode::Range(d) => d >= 4,
            StatusCode::Default => true,
            _ => false,
        })
        .filter_map(|r| {
            let json = r.contents.iter().find(|c| c.kind == BodyKind::Json)?;
            Some(ErrorBody {
                status: r.status,
                description: r.description.clone(),
                ty: json.ty.clone()?,
            })
        })
        .collect();
    (!bodies.is_empty()).then_some(bodies)
}

/// Required header parameters whose value the spec fixes (a default) and which every
/// operation declaring them fixes alike (Finch's `Finch-API-Version`): the client sends them by
/// default, overridable per client and per call. Content negotiation and credential headers
/// stay per operation.
pub(crate) fn fixed_headers(model: &ApiModel) -> Vec<(String, String)> {
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    for op in &model.operations {
        for a in &op.arguments {
            let ArgumentLocation::Parameter(i) = a.location else {
                continue;
            };
            let p = &op.parameters[i];
            if p.location != ParameterLocation::Header || !a.required {
                continue;
            }
            if is_reserved_header(&p.name) {
                continue;
            }
            let value = a.default.as_ref().and_then(value_text);
            match found
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(&p.name))
            {
                Some((_, existing)) => {
                    if *existing != value {
                        *existing = None;
                    }
                }
                None => found.push((p.name.clone(), value)),
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(n, v)| Some((n, v?)))
        .collect()
}

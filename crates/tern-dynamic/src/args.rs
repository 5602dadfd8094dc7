//! Arguments: positional and named values bound to a method's parameters, validated against
//! the spec's schemas before anything is sent, and turned into a runtime `Request`.

use crate::DynamicError;
use serde_json::Value as Json;
use tern_model::{ArgumentLocation, BodyKind, Operation, ParameterLocation, ParameterStyle};
use tern_runtime::{Method, Request};

/// Values for a call: positional ones in order, then named ones (snake_case or the spec's own
/// names), and optionally the request body as a whole.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub(crate) positional: Vec<Json>,
    pub(crate) named: Vec<(String, Json)>,
    pub(crate) body: Option<Json>,
    pub(crate) bytes: Option<tern_runtime::Bytes>,
}

impl Args {
    /// No arguments.
    pub fn new() -> Args {
        Args::default()
    }
    /// Adds the next positional argument.
    pub fn arg(mut self, value: impl Into<Json>) -> Args {
        self.positional.push(value.into());
        self
    }
    /// Adds a named argument.
    pub fn named(mut self, name: impl Into<String>, value: impl Into<Json>) -> Args {
        self.named.push((name.into(), value.into()));
        self
    }
    /// The request body as a whole, under the spec's own member names: any member is sent,
    /// including those of one branch of a `oneOf` body or those named like a path parameter.
    /// Body members given as arguments are set on top of it. It is validated as a whole
    /// against the body's schema.
    pub fn body(mut self, body: impl Into<Json>) -> Args {
        self.body = Some(body.into());
        self
    }
    /// The request body as bytes (a file, an image), sent as they are with the media type the
    /// operation declares for its body, and not validated.
    pub fn bytes(mut self, data: impl Into<tern_runtime::Bytes>) -> Args {
        self.bytes = Some(data.into());
        self
    }
}

fn normalise(name: &str) -> String {
    tern_model::naming::snake_ident(name)
}

/// Binds values to the operation's arguments: `Some(value)` per argument, in `op.arguments`
/// order. A required body member present in `args.body` is given.
pub(crate) fn bind(
    op: &Operation,
    method: &str,
    args: Args,
) -> Result<Vec<Option<Json>>, DynamicError> {
    let in_body = |a: &tern_model::Argument| match (&args.body, a.location) {
        _ if args.bytes.is_some() => a.location == ArgumentLocation::Body,
        (Some(Json::Object(m)), ArgumentLocation::BodyProperty) => m.contains_key(&a.original),
        (Some(_), ArgumentLocation::Body) => true,
        _ => false,
    };
    let mut values: Vec<Option<Json>> = vec![None; op.arguments.len()];
    let positional: Vec<usize> = op
        .arguments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.positional)
        .map(|(i, _)| i)
        .collect();
    if args.positional.len() > positional.len() {
        return Err(DynamicError::TooManyArguments {
            method: method.to_owned(),
            expected: positional.len(),
            got: args.positional.len(),
        });
    }
    for (slot, v) in positional.iter().zip(args.positional) {
        values[*slot] = Some(v);
    }
    for (name, v) in args.named {
        // The argument's own name first (`id_query`), then the spec's name (`id`, which the
        // first of two same-named parameters keeps), then the snake_case form (`created-at`).
        let wanted = normalise(&name);
        let position =
            |pred: &dyn Fn(&tern_model::Argument) -> bool| op.arguments.iter().position(pred);
        let Some(i) = position(&|a| a.name == name)
            .or_else(|| position(&|a| a.original == name))
            .or_else(|| position(&|a| a.name == wanted))
        else {
            return Err(DynamicError::UnknownArgument {
                method: method.to_owned(),
                name,
                expected: op.arguments.iter().map(|a| a.name.clone()).collect(),
            });
        };
        if values[i].is_some() {
            return Err(DynamicError::DuplicateArgument {
                method: method.to_owned(),
                name: op.arguments[i].name.clone(),
            });
        }
        values[i] = Some(v);
    }
    for (a, v) in op.arguments.iter().zip(values.iter_mut()) {
        if a.required && v.is_none() && !in_body(a) {
            // A required value the spec fixes is sent for the caller.
            match &a.default {
                Some(d) => *v = serde_json::to_value(d).ok(),
                None => {
                    return Err(DynamicError::MissingArgument {
                        method: method.to_owned(),
                        name: a.name.clone(),
                    })
                }
            }
        }
    }
    Ok(values)
}

/// The request body to send: the whole-body argument, or the body given as a whole with the
/// body-member arguments set on top (`None` when the method takes no body or none was given).
pub(crate) fn assemble_body(
    op: &Operation,
    method: &str,
    values: &[Option<Json>],
    given: Option<Json>,
) -> Result<Option<Json>, DynamicError> {
    let mut whole = None;
    let mut members = Vec::new();
    for (a, v) in op.arguments.iter().zip(values) {
        match (a.location, v) {
            (ArgumentLocation::Body, Some(v)) => whole = Some((a, v.clone())),
            (ArgumentLocation::BodyProperty, Some(v)) => members.push((a, v.clone())),
            _ => {}
        }
    }
    if let Some((a, v)) = whole {
        if given.is_some() {
            return Err(DynamicError::DuplicateArgument {
                method: method.to_owned(),
                name: a.name.clone(),
            });
        }
        return Ok(Some(v));
    }
    // Nothing given: an optional body is left out (and not checked); a required one is sent
    // as `{}` (checked: its required members are then missing by name).
    let required = op.request_body.as_ref().is_some_and(|b| b.required);
    let mut body = match given {
        Some(b) => b,
        None if !members.is_empty() || required => Json::Object(serde_json::Map::new()),
        None => return Ok(None),
    };
    for (a, v) in members {
        let Json::Object(m) = &mut body else {
            return Err(DynamicError::InvalidArgument {
                method: method.to_owned(),
                name: a.name.clone(),
                message: "the body given is not a JSON object, so it has no member to set".into(),
            });
        };
        m.insert(a.original.clone(), v);
    }
    Ok(Some(body))
}

fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Builds the request for bound values and the assembled body.
pub(crate) fn request(op: &Operation, values: &[Option<Json>], body: Option<Json>) -> Request {
    let method = Method::from_bytes(op.method.as_str().as_bytes()).unwrap_or(Method::GET);
    let mut req = Request::new(method, op.path.clone());
    let mut cookies = Vec::new();
    for (a, v) in op.arguments.iter().zip(values) {
        let (Some(v), ArgumentLocation::Parameter(i)) = (v, a.location) else {
            continue;
        };
        let p = &op.parameters[i];
        match p.location {
            ParameterLocation::Path => req = req.path_param(p.name.clone(), scalar(v)),
            ParameterLocation::Header => req = req.header(p.name.clone(), scalar(v)),
            ParameterLocation::Cookie => cookies.push(format!("{}={}", p.name, scalar(v))),
            ParameterLocation::Query => req = query(req, &p.name, v, p.style, p.explode),
            _ => {}
        }
    }
    if !cookies.is_empty() {
        req = req.header("Cookie", cookies.join("; "));
    }
    let (Some(rb), Some(payload)) = (&op.request_body, body) else {
        return req;
    };
    if matches!(&payload, Json::Object(m) if m.is_empty()) && !rb.required {
        return req;
    }
    let kind = rb
        .contents
        .iter()
        .map(|c| c.kind)
        .find(|k| matches!(k, BodyKind::Json | BodyKind::Form | BodyKind::Multipart))
        .unwrap_or(BodyKind::Json);
    // A body declared as bytes or text, given as JSON: a string is sent as its text, anything
    // else as its JSON text, with the declared media type.
    if let Some(media) = tern_plan::raw_media(op) {
        let text = match payload {
            Json::String(s) => s,
            other => other.to_string(),
        };
        return req.bytes(text, media);
    }
    match (kind, payload) {
        (BodyKind::Form, Json::Object(m)) => {
            req.form(m.iter().map(|(k, v)| (k.clone(), scalar(v))).collect())
        }
        (BodyKind::Multipart, Json::Object(m)) => req.multipart(
            m.iter()
                .map(|(k, v)| tern_runtime::Part::text(k.clone(), scalar(v)))
                .collect(),
        ),
        (_, payload) => req.json_value(payload),
    }
}

fn query(mut req: Request, name: &str, v: &Json, style: ParameterStyle, explode: bool) -> Request {
    match v {
        Json::Null => req,
        Json::Array(items) => {
            if explode && style == ParameterStyle::Form {
                for item in items {
                    req = req.query(name.to_owned(), scalar(item));
                }
                req
            } else {
                let sep = match style {
                    ParameterStyle::SpaceDelimited => " ",
                    ParameterStyle::PipeDelimited => "|",
                    _ => ",",
                };
                req.query(
                    name.to_owned(),
                    items.iter().map(scalar).collect::<Vec<_>>().join(sep),
                )
            }
        }
        Json::Object(m) => {
            for (k, item) in m {
                let key = if style == ParameterStyle::DeepObject {
                    format!("{name}[{k}]")
                } else {
                    k.clone()
                };
                req = req.query(key, scalar(item));
            }
            req
        }
        other => req.query(name.to_owned(), scalar(other)),
    }
}

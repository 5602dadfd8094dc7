//! Arguments: positional and named values bound to a method's parameters, validated against
//! the spec's schemas before anything is sent, and turned into a runtime `Request`.

use crate::DynamicError;
use serde_json::Value as Json;
use tern_model::{ArgumentLocation, BodyKind, Operation, ParameterLocation, ParameterStyle};
use tern_runtime::{Method, Request};

/// Values for a call: positional ones in order, then named ones (snake_case or the spec's own
/// names).
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub(crate) positional: Vec<Json>,
    pub(crate) named: Vec<(String, Json)>,
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
}

fn normalise(name: &str) -> String {
    tern_model::naming::snake_ident(name)
}

/// Binds values to the operation's arguments: `Some(value)` per argument, in `op.arguments`
/// order.
pub(crate) fn bind(
    op: &Operation,
    method: &str,
    args: Args,
) -> Result<Vec<Option<Json>>, DynamicError> {
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
        let wanted = normalise(&name);
        let Some(i) = op
            .arguments
            .iter()
            .position(|a| a.name == name || a.original == name || a.name == wanted)
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
        if a.required && v.is_none() {
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

/// The JSON object built from body-property arguments, when the method has any given.
pub(crate) fn body_properties(op: &Operation, values: &[Option<Json>]) -> Option<Json> {
    let mut body = serde_json::Map::new();
    for (a, v) in op.arguments.iter().zip(values) {
        if let (ArgumentLocation::BodyProperty, Some(v)) = (a.location, v) {
            body.insert(a.original.clone(), v.clone());
        }
    }
    let has_body_properties = op
        .arguments
        .iter()
        .any(|a| a.location == ArgumentLocation::BodyProperty);
    has_body_properties.then_some(Json::Object(body))
}

fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Builds the request for bound values.
pub(crate) fn request(op: &Operation, values: &[Option<Json>]) -> Request {
    let method = Method::from_bytes(op.method.as_str().as_bytes()).unwrap_or(Method::GET);
    let mut req = Request::new(method, op.path.clone());
    let mut body = serde_json::Map::new();
    let mut whole_body: Option<Json> = None;
    let mut cookies = Vec::new();
    for (a, v) in op.arguments.iter().zip(values) {
        let Some(v) = v else { continue };
        match a.location {
            ArgumentLocation::Parameter(i) => {
                let p = &op.parameters[i];
                match p.location {
                    ParameterLocation::Path => req = req.path_param(p.name.clone(), scalar(v)),
                    ParameterLocation::Header => req = req.header(p.name.clone(), scalar(v)),
                    ParameterLocation::Cookie => cookies.push(format!("{}={}", p.name, scalar(v))),
                    ParameterLocation::Query => req = query(req, &p.name, v, p.style, p.explode),
                    _ => {}
                }
            }
            ArgumentLocation::BodyProperty => {
                body.insert(a.original.clone(), v.clone());
            }
            ArgumentLocation::Body | _ => whole_body = Some(v.clone()),
        }
    }
    if !cookies.is_empty() {
        req = req.header("Cookie", cookies.join("; "));
    }
    let Some(rb) = &op.request_body else {
        return req;
    };
    let payload = whole_body.unwrap_or(Json::Object(body));
    if matches!(&payload, Json::Object(m) if m.is_empty()) && !rb.required {
        return req;
    }
    let kind = rb
        .contents
        .iter()
        .map(|c| c.kind)
        .find(|k| matches!(k, BodyKind::Json | BodyKind::Form | BodyKind::Multipart))
        .unwrap_or(BodyKind::Json);
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

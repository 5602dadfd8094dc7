//! The plain request: the same argument values sent with `reqwest` directly, encoded here
//! independently of Tern (path parameters percent-encoded into the template, query parameters
//! by their style — form, arrays exploded unless the spec says otherwise —, headers, cookies,
//! a JSON, form, multipart, text or binary body by the media types the spec lists, dummy
//! credentials placed as the security schemes say). When it passes where Tern's call failed,
//! the failure is Tern's.

use crate::values::Call;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value as Json};
use tern_model::{
    ApiModel, BodyKind, Operation, Parameter, ParameterLocation, ParameterStyle, SecuritySchemeKind,
};

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `u:p` in base64, the dummy basic-auth credentials.
const BASIC: &str = "dTpw";

/// What the server answered.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// A scalar as text: strings as they are, anything else as JSON.
fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `k,v,k,v` (or `k=v,k=v` exploded), each part encoded by `e`.
fn members(m: &Map<String, Json>, explode: bool, e: impl Fn(&str) -> String) -> String {
    m.iter()
        .map(|(k, v)| {
            let sep = if explode { "=" } else { "," };
            format!("{}{sep}{}", e(k), e(&text(v)))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A path parameter's value, by its style (simple, label or matrix).
fn path_value(p: &Parameter, v: &Json) -> String {
    let items: Option<Vec<String>> = v
        .as_array()
        .map(|a| a.iter().map(|i| enc(&text(i))).collect());
    match p.style {
        ParameterStyle::Label => {
            let sep = if p.explode { "." } else { "," };
            match (&items, v) {
                (Some(items), _) => format!(".{}", items.join(sep)),
                (None, Json::Object(m)) => format!(".{}", members(m, p.explode, enc)),
                _ => format!(".{}", enc(&text(v))),
            }
        }
        ParameterStyle::Matrix => match (&items, v) {
            (Some(items), _) if p.explode => {
                items.iter().map(|i| format!(";{}={i}", p.name)).collect()
            }
            (Some(items), _) => format!(";{}={}", p.name, items.join(",")),
            (None, Json::Object(m)) => format!(";{}={}", p.name, members(m, false, enc)),
            _ => format!(";{}={}", p.name, enc(&text(v))),
        },
        _ => match (&items, v) {
            (Some(items), _) => items.join(","),
            (None, Json::Object(m)) => members(m, p.explode, enc),
            _ => enc(&text(v)),
        },
    }
}

/// A query parameter as encoded `name=value` pairs, by its style.
fn query_pairs(p: &Parameter, v: &Json) -> Vec<String> {
    let name = enc(&p.name);
    match v {
        Json::Null => Vec::new(),
        Json::Array(items) => {
            let encoded: Vec<String> = items.iter().map(|i| enc(&text(i))).collect();
            let sep = match p.style {
                ParameterStyle::SpaceDelimited => "%20",
                ParameterStyle::PipeDelimited => "|",
                _ if p.explode => {
                    return encoded.iter().map(|i| format!("{name}={i}")).collect();
                }
                _ => ",",
            };
            vec![format!("{name}={}", encoded.join(sep))]
        }
        Json::Object(m) => match p.style {
            ParameterStyle::DeepObject => m
                .iter()
                .map(|(k, v)| format!("{name}%5B{}%5D={}", enc(k), enc(&text(v))))
                .collect(),
            _ if p.explode => m
                .iter()
                .map(|(k, v)| format!("{}={}", enc(k), enc(&text(v))))
                .collect(),
            _ => vec![format!("{name}={}", members(m, false, enc))],
        },
        other => vec![format!("{name}={}", enc(&text(other)))],
    }
}

/// A header parameter's value (simple style).
fn header_value(p: &Parameter, v: &Json) -> String {
    match v {
        Json::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        Json::Object(m) => members(m, p.explode, str::to_owned),
        other => text(other),
    }
}

/// Where the request's parts go while it is built.
#[derive(Default)]
struct Parts {
    path: String,
    query: Vec<String>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
}

/// Dummy credentials for the first security alternative that can be met (none when the
/// operation asks for none).
fn credentials(model: &ApiModel, op: &Operation, parts: &mut Parts) {
    let requirements = op.security.as_ref().unwrap_or(&model.security);
    let scheme = |name: &str| model.security_schemes.iter().find(|s| s.name == name);
    let sendable =
        |name: &str| scheme(name).is_some_and(|s| !matches!(s.kind, SecuritySchemeKind::MutualTls));
    let Some(alternative) = requirements
        .iter()
        .find(|r| !r.schemes.is_empty() && r.schemes.iter().all(|(n, _)| sendable(n)))
    else {
        return;
    };
    for (name, _) in &alternative.schemes {
        let Some(s) = scheme(name) else { continue };
        match &s.kind {
            SecuritySchemeKind::ApiKey { location, param } => match location {
                ParameterLocation::Query => parts.query.push(format!("{}=k", enc(param))),
                ParameterLocation::Cookie => parts.cookies.push(format!("{param}=k")),
                _ => parts.headers.push((param.clone(), "k".into())),
            },
            SecuritySchemeKind::Basic => parts
                .headers
                .push(("Authorization".into(), format!("Basic {BASIC}"))),
            SecuritySchemeKind::Http { scheme } if scheme.eq_ignore_ascii_case("basic") => parts
                .headers
                .push(("Authorization".into(), format!("Basic {BASIC}"))),
            SecuritySchemeKind::Http { scheme } if !scheme.eq_ignore_ascii_case("bearer") => parts
                .headers
                .push(("Authorization".into(), format!("{scheme} t"))),
            SecuritySchemeKind::MutualTls => {}
            _ => parts
                .headers
                .push(("Authorization".into(), "Bearer t".into())),
        }
    }
}

/// The body to send: its content type and bytes.
fn body(op: &Operation, payload: Option<Json>) -> Option<(String, Vec<u8>)> {
    let rb = op.request_body.as_ref()?;
    let payload = payload?;
    let preference = [
        BodyKind::Json,
        BodyKind::Form,
        BodyKind::Multipart,
        BodyKind::Text,
        BodyKind::Binary,
        BodyKind::Other,
        BodyKind::EventStream,
    ];
    let content = preference
        .iter()
        .find_map(|k| rb.contents.iter().find(|c| c.kind == *k));
    let (kind, media) = match content {
        Some(c) => (c.kind, c.media_type.clone()),
        None => (BodyKind::Json, "application/json".to_owned()),
    };
    Some(match kind {
        BodyKind::Json => {
            let media = if media.contains('*') {
                "application/json".to_owned()
            } else {
                media
            };
            (media, serde_json::to_vec(&payload).unwrap_or_default())
        }
        BodyKind::Form => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in payload.as_object().into_iter().flatten() {
                match v {
                    Json::Array(items) => {
                        for i in items {
                            form.append_pair(k, &text(i));
                        }
                    }
                    other => {
                        form.append_pair(k, &text(other));
                    }
                }
            }
            (media, form.finish().into_bytes())
        }
        BodyKind::Multipart => multipart(&payload),
        BodyKind::Text => (media, text(&payload).into_bytes()),
        _ => {
            let media = if media.contains('*') {
                "application/octet-stream".to_owned()
            } else {
                media
            };
            (media, text(&payload).into_bytes())
        }
    })
}

/// A `multipart/form-data` body: one text part per member (arrays: one per item).
fn multipart(payload: &Json) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "tern-conformance-7d1c0b";
    let mut out = String::new();
    for (k, v) in payload.as_object().into_iter().flatten() {
        let items: Vec<&Json> = match v {
            Json::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for item in items {
            let (kind, value) = match item {
                Json::Object(_) => ("application/json", item.to_string()),
                other => ("text/plain", text(other)),
            };
            out.push_str(&format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\nContent-Type: {kind}\r\n\r\n{value}\r\n"
            ));
        }
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    (
        format!("multipart/form-data; boundary={BOUNDARY}"),
        out.into_bytes(),
    )
}

/// Sends the values of `call` for `op` to `base`: its parameter and body values, as the
/// description says to send them (not as Tern's arguments bind them).
pub async fn send(
    http: &reqwest::Client,
    base: &str,
    model: &ApiModel,
    op: &Operation,
    call: &Call,
) -> Result<Reply, String> {
    let mut parts = Parts {
        path: op.path.clone(),
        ..Parts::default()
    };
    for (i, v) in &call.parameters {
        let Some(p) = op.parameters.get(*i) else {
            continue;
        };
        match p.location {
            ParameterLocation::Path => {
                parts.path = parts
                    .path
                    .replace(&format!("{{{}}}", p.name), &path_value(p, v));
            }
            ParameterLocation::Query => parts.query.extend(query_pairs(p, v)),
            // OpenAPI: these header parameters "SHALL be ignored" (credentials and media types
            // are said elsewhere).
            ParameterLocation::Header
                if ["accept", "content-type", "authorization"]
                    .contains(&p.name.to_ascii_lowercase().as_str()) => {}
            ParameterLocation::Header => {
                parts.headers.push((p.name.clone(), header_value(p, v)));
            }
            ParameterLocation::Cookie => {
                parts.cookies.push(format!("{}={}", p.name, enc(&text(v))));
            }
            _ => {}
        }
    }
    credentials(model, op, &mut parts);
    let mut url = format!("{}{}", base.trim_end_matches('/'), parts.path);
    if !parts.query.is_empty() {
        url = format!("{url}?{}", parts.query.join("&"));
    }
    let method =
        reqwest::Method::from_bytes(op.method.as_str().as_bytes()).map_err(|e| e.to_string())?;
    let mut request = http.request(method, &url);
    for (n, v) in &parts.headers {
        request = request.header(n.as_str(), v.as_str());
    }
    if !parts.cookies.is_empty() {
        request = request.header("Cookie", parts.cookies.join("; "));
    }
    if let Some((content_type, bytes)) = body(op, call.body.clone()) {
        request = request.header("Content-Type", content_type).body(bytes);
    }
    let response = request.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| e.to_string())?.to_vec();
    Ok(Reply { status, body })
}

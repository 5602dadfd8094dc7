//! One error type for every failure a call can end in, easy to match and to print.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::fmt;

/// A transport error as the caller should see it: [`Error::Protocol`] when the response broke
/// HTTP, else [`Error::Connection`].
pub(crate) fn transport_error(request: RequestInfo, source: reqwest::Error) -> Error {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&source);
    let mut protocol = None;
    while let Some(e) = cause {
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            // `is_parse` covers heads that are too large (hyper's `is_parse_too_large` exists
            // only with its server feature); its message says which.
            if h.is_parse() || h.is_parse_status() {
                protocol = Some(h.to_string());
            }
        }
        // A body the HTTP (or TLS) layer cannot decode, such as invalid chunking: the bytes
        // arrived and are wrong, which a retry does not mend.
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            let invalid = matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
            );
            if invalid && protocol.is_none() {
                protocol = Some(format!("the response body is not valid HTTP: {io}"));
            }
        }
        cause = e.source();
    }
    match protocol {
        Some(message) => Error::Protocol {
            request,
            message,
            source: TransportError(source),
        },
        None => Error::Connection {
            request,
            source: TransportError(source),
        },
    }
}

/// What the HTTP stack reported when a request could not be sent or its response not read.
///
/// Opaque on purpose: its message and its [`source`](std::error::Error::source) chain tell
/// what happened (refused, reset, DNS, TLS, a broken response), while the HTTP client
/// underneath stays out of this crate's API, so upgrading it changes no public type.
#[derive(Debug)]
pub struct TransportError(reqwest::Error);

impl TransportError {
    /// Whether connecting failed (refused, DNS, TLS), as opposed to a connection that broke
    /// after it was made.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// The innermost cause of an error, which names what happened ("Connection refused", "dns
/// error", "invalid peer certificate"); reqwest's own message only says a request failed.
fn root_cause(e: &TransportError) -> String {
    let mut last: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = last.source() {
        last = next;
    }
    let root = last.to_string();
    let top = e.to_string();
    if root == top {
        top
    } else {
        format!("{root} ({top})")
    }
}

/// The request an error belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// HTTP method.
    pub method: Method,
    /// Full URL (query included).
    pub url: String,
}

impl fmt::Display for RequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

/// Decodes an already-parsed JSON value; `prefix` is the value's path in the body.
pub(crate) fn decode_value<T: serde::de::DeserializeOwned>(
    request: &RequestInfo,
    status: StatusCode,
    value: &serde_json::Value,
    prefix: &str,
) -> Result<T, Box<DecodeError>> {
    if let Ok(v) = T::deserialize(value) {
        return Ok(v);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let path = match (prefix.is_empty(), inner.as_str()) {
            (true, _) => inner.clone(),
            (false, ".") => prefix.to_owned(),
            (false, rest) if rest.starts_with('[') => format!("{prefix}{rest}"),
            (false, rest) => format!("{prefix}.{rest}"),
        };
        Box::new(DecodeError {
            request: request.clone(),
            status,
            path,
            message: e.inner().to_string(),
            snippet: snippet(&value.to_string(), 512),
        })
    })
}

/// A non-2xx response.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The request that got this response.
    pub request: RequestInfo,
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Raw body (possibly empty).
    pub body: Bytes,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<serde_json::Value>,
    /// The request id the server sent (`x-request-id`, `request-id`, …), if any.
    pub request_id: Option<String>,
}

impl ApiError {
    /// Decodes the body as the error type the operation declares for this status.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, Box<DecodeError>> {
        decode_json(&self.request, self.status, &self.body)
    }

    /// A short message from the body: `message`, `error.message`, `error`, `detail`, or the
    /// raw text (bounded).
    pub fn message(&self) -> Option<String> {
        if let Some(json) = &self.json {
            for path in [
                &["message"][..],
                &["error", "message"],
                &["error"],
                &["detail"],
                &["error_description"],
                &["title"],
            ] {
                let mut cur = json;
                let mut found = true;
                for key in path {
                    match cur.get(key) {
                        Some(v) => cur = v,
                        None => {
                            found = false;
                            break;
                        }
                    }
                }
                if found {
                    if let Some(s) = cur.as_str() {
                        return Some(s.to_owned());
                    }
                }
            }
        }
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        (!text.is_empty()).then(|| snippet(text, 200))
    }
}

/// A response body that does not match the expected type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The request.
    pub request: RequestInfo,
    /// The response status.
    pub status: StatusCode,
    /// Where in the JSON decoding failed (`data[3].created_at`; `.` is the root).
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The start of the body (at most 512 bytes).
    pub snippet: String,
}

fn snippet(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Decodes JSON, reporting the path where it failed.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    request: &RequestInfo,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Box<DecodeError>> {
    // The fast path: plain serde. Only a failure is decoded again with path tracking, which
    // costs a wrapper per value, to say where it failed.
    if let Ok(value) = crate::model::from_json(body) {
        return Ok(value);
    }
    let fail = |path: String, message: String| {
        Box::new(DecodeError {
            request: request.clone(),
            status,
            path,
            message,
            snippet: snippet(&String::from_utf8_lossy(body), 512),
        })
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
    de.end().map_err(|e| fail(".".into(), e.to_string()))?;
    Ok(value)
}

/// Everything a call can fail with.
///
/// Status errors have one variant per kind a caller typically handles differently, each with
/// the full [`ApiError`]; match on them like exception classes:
///
/// ```
/// # fn f(e: tern_runtime::Error) {
/// match e {
///     tern_runtime::Error::NotFound(e) => println!("no such thing: {:?}", e.message()),
///     tern_runtime::Error::RateLimit(_) => println!("slow down"),
///     e if e.is_retryable() => println!("transient: {e}"),
///     e => println!("failed: {e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 400.
    #[error("{} returned 400 Bad Request{}", .0.request, message_suffix(.0))]
    BadRequest(Box<ApiError>),
    /// 401.
    #[error("{} returned 401 Unauthorized{}", .0.request, message_suffix(.0))]
    Authentication(Box<ApiError>),
    /// 403.
    #[error("{} returned 403 Forbidden{}", .0.request, message_suffix(.0))]
    PermissionDenied(Box<ApiError>),
    /// 404.
    #[error("{} returned 404 Not Found{}", .0.request, message_suffix(.0))]
    NotFound(Box<ApiError>),
    /// 409.
    #[error("{} returned 409 Conflict{}", .0.request, message_suffix(.0))]
    Conflict(Box<ApiError>),
    /// 422.
    #[error("{} returned 422 Unprocessable Entity{}", .0.request, message_suffix(.0))]
    UnprocessableEntity(Box<ApiError>),
    /// 429.
    #[error("{} returned 429 Too Many Requests{}", .0.request, message_suffix(.0))]
    RateLimit(Box<ApiError>),
    /// 5xx.
    #[error("{} returned {}{}", .0.request, .0.status, message_suffix(.0))]
    InternalServer(Box<ApiError>),
    /// Any other non-2xx status.
    #[error("{} returned {}{}", .0.request, .0.status, message_suffix(.0))]
    Status(Box<ApiError>),
    /// The connection failed (refused, reset, TLS, DNS, broken body); the message names the
    /// cause.
    #[error("{request}: connection failed: {}", root_cause(.source))]
    Connection {
        /// The request.
        request: RequestInfo,
        /// What the HTTP stack reported.
        #[source]
        source: TransportError,
    },
    /// The server's response broke HTTP (headers too large, an invalid status line or
    /// header): not retried, since a server that answers so will answer so again.
    #[error("{request}: the response is not valid HTTP: {message}")]
    Protocol {
        /// The request.
        request: RequestInfo,
        /// What was wrong.
        message: String,
        /// What the HTTP stack reported.
        #[source]
        source: TransportError,
    },
    /// An attempt, or the whole call's deadline, timed out.
    #[error("{request}: timed out")]
    Timeout {
        /// The request.
        request: RequestInfo,
    },
    /// The response did not match the expected type.
    #[error("{}: response ({}) does not decode at `{}`: {} — body starts: {}", .0.request, .0.status, .0.path, .0.message, .0.snippet)]
    Decode(Box<DecodeError>),
    /// The response body exceeded the size bound the caller set.
    #[error("{request}: response body exceeds {limit} bytes")]
    ResponseTooLarge {
        /// The request.
        request: RequestInfo,
        /// The bound.
        limit: usize,
    },
    /// A paginated list does not advance: the server sent a page it had sent before (a repeated
    /// cursor, a `Link` to the same page). The items received so far were delivered.
    #[error("{request}: pagination stopped: {message}")]
    Pagination {
        /// The request whose response pointed back.
        request: RequestInfo,
        /// What repeated.
        message: String,
    },
    /// The request was invalid and was not sent (missing argument, bad header value, …).
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong; names the argument.
        message: String,
    },
    /// Credentials could not be obtained (token endpoint failed, missing environment variable).
    #[error("authentication setup failed: {message}")]
    Credentials {
        /// What went wrong.
        message: String,
        /// The underlying error, e.g. the token endpoint's response.
        #[source]
        source: Option<Box<Error>>,
    },
}

fn message_suffix(e: &ApiError) -> String {
    let mut s = String::new();
    if let Some(m) = e.message() {
        s.push_str(": ");
        s.push_str(&m);
    }
    if let Some(id) = &e.request_id {
        s.push_str(&format!(" (request id {id})"));
    }
    s
}

impl Error {
    pub(crate) fn from_status(api: ApiError) -> Error {
        let api = Box::new(api);
        match api.status.as_u16() {
            400 => Error::BadRequest(api),
            401 => Error::Authentication(api),
            403 => Error::PermissionDenied(api),
            404 => Error::NotFound(api),
            409 => Error::Conflict(api),
            422 => Error::UnprocessableEntity(api),
            429 => Error::RateLimit(api),
            500..=599 => Error::InternalServer(api),
            _ => Error::Status(api),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidRequest {
            message: message.into(),
        }
    }

    /// The response, for status errors.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::BadRequest(e)
            | Error::Authentication(e)
            | Error::PermissionDenied(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::UnprocessableEntity(e)
            | Error::RateLimit(e)
            | Error::InternalServer(e)
            | Error::Status(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, for status and decode errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Decode(d) => Some(d.status),
            other => other.api_error().map(|e| e.status),
        }
    }

    /// The request, when one was made.
    pub fn request(&self) -> Option<&RequestInfo> {
        match self {
            Error::Connection { request, .. }
            | Error::Protocol { request, .. }
            | Error::Timeout { request }
            | Error::ResponseTooLarge { request, .. }
            | Error::Pagination { request, .. } => Some(request),
            Error::Decode(d) => Some(&d.request),
            other => other.api_error().map(|e| &e.request),
        }
    }

    /// Whether this is a non-2xx response.
    pub fn is_status(&self) -> bool {
        self.api_error().is_some()
    }

    /// Whether an attempt or the deadline timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the connection failed.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Connection { .. })
    }

    /// Whether the default policy would retry this (connection errors, timeouts, 408, 409, 429,
    /// 5xx).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connection { .. } | Error::Timeout { .. } => true,
            other => other
                .status()
                .is_some_and(|s| matches!(s.as_u16(), 408 | 409 | 429 | 500..=599)),
        }
    }
}

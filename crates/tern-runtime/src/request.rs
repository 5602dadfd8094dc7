//! What a call sends: method, path template with parameters, query, headers, a replayable
//! body, and per-request options. Generated code builds these; the client executes them.

use crate::error::Error;
use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use std::borrow::Cow;
use std::time::Duration;

/// Characters escaped in a path parameter: everything but RFC 3986 unreserved characters.
const PATH_PARAM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Per-request overrides of the client's settings. Every field is optional; lists add to the
/// client's.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Deadline for the whole call, retries included.
    pub deadline: Option<Duration>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Extra query parameters.
    pub query: Vec<(String, String)>,
    /// Extra fields merged into a JSON (or form) body.
    pub body_fields: Vec<(String, serde_json::Value)>,
    /// The idempotency key to send (one is generated for POST/PATCH when the API declares an
    /// idempotency header).
    pub idempotency_key: Option<String>,
    /// Fail with [`Error::ResponseTooLarge`] when a response body is larger.
    pub max_response_bytes: Option<usize>,
}

/// No overrides, for requests that carry none.
pub(crate) static NO_OPTIONS: RequestOptions = RequestOptions {
    timeout: None,
    max_retries: None,
    deadline: None,
    headers: Vec::new(),
    query: Vec::new(),
    body_fields: Vec::new(),
    idempotency_key: None,
    max_response_bytes: None,
};

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// Sets the retry count.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }
    /// Sets a deadline across all attempts.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }
    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
    /// Adds a body field.
    pub fn body_field(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.body_fields.push((name.into(), value));
        self
    }
    /// Sets the idempotency key.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
    /// Bounds the response body size.
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = Some(n);
        self
    }

    /// `self` with `over` applied on top.
    pub(crate) fn merged(&self, over: &RequestOptions) -> RequestOptions {
        let mut out = self.clone();
        out.timeout = over.timeout.or(self.timeout);
        out.max_retries = over.max_retries.or(self.max_retries);
        out.deadline = over.deadline.or(self.deadline);
        out.headers.extend(over.headers.iter().cloned());
        out.query.extend(over.query.iter().cloned());
        out.body_fields.extend(over.body_fields.iter().cloned());
        out.idempotency_key = over
            .idempotency_key
            .clone()
            .or_else(|| self.idempotency_key.clone());
        out.max_response_bytes = over.max_response_bytes.or(self.max_response_bytes);
        out
    }
}

/// One part of a multipart body (kept as bytes, so it can be sent again on a retry).
#[derive(Debug, Clone)]
pub struct Part {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) data: Bytes,
}

impl Part {
    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Part {
        Part {
            name: name.into(),
            filename: None,
            content_type: None,
            data: Bytes::from(value.into()),
        }
    }
    /// A file.
    pub fn file(
        name: impl Into<String>,
        filename: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Part {
        Part {
            name: name.into(),
            filename: Some(filename.into()),
            content_type: None,
            data: data.into(),
        }
    }
    /// Sets the part's content type.
    pub fn content_type(mut self, mime: impl Into<String>) -> Part {
        self.content_type = Some(mime.into());
        self
    }
}

/// A file for a multipart upload: its name, bytes and, optionally, media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The file name sent with the part.
    pub filename: String,
    /// The contents.
    pub data: Bytes,
    /// The part's media type (default: none sent).
    pub content_type: Option<String>,
}

impl Upload {
    /// A file from its name and bytes.
    pub fn new(filename: impl Into<String>, data: impl Into<Bytes>) -> Upload {
        Upload {
            filename: filename.into(),
            data: data.into(),
            content_type: None,
        }
    }

    /// Sets the media type.
    pub fn content_type(mut self, mime: impl Into<String>) -> Upload {
        self.content_type = Some(mime.into());
        self
    }

    /// The multipart part for form field `name`.
    pub fn part(&self, name: impl Into<String>) -> Part {
        Part {
            name: name.into(),
            filename: Some(self.filename.clone()),
            content_type: self.content_type.clone(),
            data: self.data.clone(),
        }
    }
}

/// A request body. Every kind is replayable: retries resend it intact.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// JSON.
    Json(serde_json::Value),
    /// JSON already serialised (what [`Request::json`] makes: one pass, no value tree).
    JsonBytes(Bytes),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// `multipart/form-data`.
    Multipart(Vec<Part>),
    /// Raw bytes with a content type.
    Bytes {
        /// The bytes.
        data: Bytes,
        /// Their media type.
        content_type: String,
    },
}

/// Security alternatives of a request: each a set of scheme names.
#[derive(Debug, Clone)]
pub(crate) enum Security {
    Static(&'static [&'static [&'static str]]),
    Owned(Vec<Vec<String>>),
}

/// A request to execute.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: Cow<'static, str>,
    pub(crate) path_params: Vec<(Cow<'static, str>, String)>,
    /// Names are usually literals of generated code: borrowed, not copied, per call.
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    /// Boxed: most calls have none, and the request is moved through several calls.
    pub(crate) options: Option<Box<RequestOptions>>,
    /// Set for Link-header pagination: the next page's full URL.
    pub(crate) absolute_url: Option<String>,
    /// Security alternatives (each a set of scheme names); `None` = send every credential.
    pub(crate) security: Option<Security>,
}

impl Request {
    /// A request for `path`, a template such as `/workflows/{id}` relative to the base URL
    /// (a `&'static str` template costs no allocation).
    pub fn new(method: Method, path: impl Into<Cow<'static, str>>) -> Request {
        Request {
            method,
            path: path.into(),
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            options: None,
            absolute_url: None,
            security: None,
        }
    }
    /// A GET.
    pub fn get(path: impl Into<Cow<'static, str>>) -> Request {
        Request::new(Method::GET, path)
    }
    /// A POST.
    pub fn post(path: impl Into<Cow<'static, str>>) -> Request {
        Request::new(Method::POST, path)
    }
    /// A PUT.
    pub fn put(path: impl Into<Cow<'static, str>>) -> Request {
        Request::new(Method::PUT, path)
    }
    /// A PATCH.
    pub fn patch(path: impl Into<Cow<'static, str>>) -> Request {
        Request::new(Method::PATCH, path)
    }
    /// A DELETE.
    pub fn delete(path: impl Into<Cow<'static, str>>) -> Request {
        Request::new(Method::DELETE, path)
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// The path template.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Fills `{name}` in the path; the value is percent-encoded.
    pub fn path_param(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl ToString,
    ) -> Request {
        self.path_params.push((name.into(), value.to_string()));
        self
    }
    /// Adds a query parameter (call again with the same name for repeated values).
    pub fn query(mut self, name: impl Into<Cow<'static, str>>, value: impl ToString) -> Request {
        self.query.push((name.into(), value.to_string()));
        self
    }
    /// Adds a query parameter when the value is present.
    pub fn query_opt<V: ToString>(
        self,
        name: impl Into<Cow<'static, str>>,
        value: Option<V>,
    ) -> Request {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }
    /// Replaces every value of a query parameter.
    pub fn set_query(mut self, name: &str, value: impl ToString) -> Request {
        self.query.retain(|(k, _)| k != name);
        self.query
            .push((Cow::Owned(name.to_owned()), value.to_string()));
        self
    }
    /// The first value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// Adds a header (validated when sent).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Sets a JSON body from any serialisable value.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Request, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid(format!("the request body cannot be serialised: {e}")))?;
        self.body = Body::JsonBytes(Bytes::from(bytes));
        Ok(self)
    }
    /// Sets a JSON body.
    pub fn json_value(mut self, body: serde_json::Value) -> Request {
        self.body = Body::Json(body);
        self
    }
    /// Sets a form body.
    pub fn form(mut self, fields: Vec<(String, String)>) -> Request {
        self.body = Body::Form(fields);
        self
    }
    /// Sets a multipart body.
    pub fn multipart(mut self, parts: Vec<Part>) -> Request {
        self.body = Body::Multipart(parts);
        self
    }
    /// Sets a raw body.
    pub fn bytes(mut self, data: impl Into<Bytes>, content_type: impl Into<String>) -> Request {
        self.body = Body::Bytes {
            data: data.into(),
            content_type: content_type.into(),
        };
        self
    }
    /// Declares which credentials the endpoint accepts: alternatives, each a set of scheme
    /// names (OpenAPI `security`). The first alternative the client has every credential for
    /// is used; credentials added without a scheme name are always sent.
    pub fn security(mut self, alternatives: Vec<Vec<String>>) -> Request {
        self.security = Some(Security::Owned(alternatives));
        self
    }
    /// [`Request::security`] from constants (what generated code uses: no allocation per call).
    pub fn security_static(mut self, alternatives: &'static [&'static [&'static str]]) -> Request {
        self.security = Some(Security::Static(alternatives));
        self
    }

    /// Sets per-request options.
    pub fn options(mut self, options: RequestOptions) -> Request {
        self.options = Some(Box::new(options));
        self
    }

    /// The path with parameters filled in and encoded.
    #[cfg(test)]
    pub(crate) fn render_path(&self) -> Result<String, Error> {
        let mut out = String::with_capacity(self.path.len() + 16);
        self.render_path_into(&mut out)?;
        Ok(out)
    }

    /// Appends the path with parameters filled in and encoded to `out`.
    pub(crate) fn render_path_into(&self, out: &mut String) -> Result<(), Error> {
        let mut rest: &str = &self.path;
        // Byte searches: `{` and `}` are ASCII, so the indexes are char boundaries.
        let find = |s: &str, b: u8| s.bytes().position(|c| c == b);
        while let Some(start) = find(rest, b'{') {
            let Some(len) = find(&rest[start..], b'}') else {
                break;
            };
            let name = &rest[start + 1..start + len];
            let value = self
                .path_params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .ok_or_else(|| {
                    Error::invalid(format!("missing path parameter `{name}` for {}", self.path))
                })?;
            if value.is_empty() || value == "." || value == ".." {
                return Err(Error::invalid(format!("path parameter `{name}` may not be {value:?}: it would change which endpoint is called")));
            }
            out.push_str(&rest[..start]);
            out.extend(utf8_percent_encode(value, PATH_PARAM));
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        Ok(())
    }

    /// Whether the path template is a full URL (then no base URL is put before it).
    pub(crate) fn is_absolute(&self) -> bool {
        self.path.starts_with("http://") || self.path.starts_with("https://")
    }

    /// Appends `base` (without a trailing `/`), a `/` when the template lacks one, and the
    /// rendered path to `out`.
    pub(crate) fn join_path_into(&self, base: &str, out: &mut String) -> Result<(), Error> {
        out.push_str(base.trim_end_matches('/'));
        if !self.path.starts_with('/') {
            out.push('/');
        }
        self.render_path_into(out)
    }

    /// The URL as text, in one buffer: `base` (unless the path is already absolute), the
    /// rendered path, then `query` form-encoded.
    pub(crate) fn url_text<'a>(
        &self,
        base: &str,
        query: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<String, Error> {
        let mut url = String::with_capacity(base.len() + self.path.len() + 32);
        if self.is_absolute() {
            self.render_path_into(&mut url)?;
        } else {
            self.join_path_into(base, &mut url)?;
        }
        let mut query = query.into_iter().peekable();
        if query.peek().is_some() {
            let start = match url.find('?') {
                Some(i) => i + 1,
                None => {
                    url.push('?');
                    url.len()
                }
            };
            url = url::form_urlencoded::Serializer::for_suffix(url, start)
                .extend_pairs(query)
                .finish();
        }
        Ok(url)
    }
}

/// Encodes a `multipart/form-data` body once, so every attempt sends the same bytes.
pub(crate) fn encode_multipart(parts: &[Part], boundary: &str) -> Result<Bytes, Error> {
    // Names and file names are quoted; per the HTML standard, `"`, CR and LF are escaped.
    let quote = |s: &str| {
        s.replace('"', "%22")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.data.len() + 128).sum());
    for part in parts {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
                quote(&part.name)
            )
            .as_bytes(),
        );
        if let Some(f) = &part.filename {
            out.extend_from_slice(format!("; filename=\"{}\"", quote(f)).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = &part.content_type {
            if ct.contains(['\r', '\n']) {
                return Err(Error::invalid(format!(
                    "the content type of part `{}` contains a line break",
                    part.name
                )));
            }
            out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        } else if part.filename.is_some() {
            out.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&part.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_encoded() {
        let r = Request::get("/files/{id}/versions/{v}")
            .path_param("id", "a/b ?#é%")
            .path_param("v", "1.2~x");
        assert_eq!(
            r.render_path().unwrap(),
            "/files/a%2Fb%20%3F%23%C3%A9%25/versions/1.2~x"
        );
        for bad in ["..", ".", ""] {
            let e = Request::get("/files/{id}")
                .path_param("id", bad)
                .render_path()
                .unwrap_err();
            assert!(e.to_string().contains("`id`"), "{e}");
        }
        let e = Request::get("/files/{id}").render_path().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid request: missing path parameter `id` for /files/{id}"
        );
        assert_eq!(
            Request::get("/files/{id}")
                .path_param("id", "...")
                .render_path()
                .unwrap(),
            "/files/..."
        );
    }

    #[test]
    fn urls_join() {
        let none: [(&str, &str); 0] = [];
        let url = |base: &str, path: &'static str| Request::get(path).url_text(base, none).unwrap();
        assert_eq!(url("https://a.com/v1/", "/x"), "https://a.com/v1/x");
        assert_eq!(url("https://a.com/v1", "x"), "https://a.com/v1/x");
        assert_eq!(url("https://a.com", "https://b.com/t"), "https://b.com/t");
        let query = [("a b", "1&2"), ("c", "é")];
        assert_eq!(
            Request::get("/x").url_text("https://a.com", query).unwrap(),
            "https://a.com/x?a+b=1%262&c=%C3%A9"
        );
        assert_eq!(
            Request::get("/x?fixed=1")
                .url_text("https://a.com", query[1..].iter().copied())
                .unwrap(),
            "https://a.com/x?fixed=1&c=%C3%A9"
        );
    }
}

//! The extension point: [`Interceptor`]s see every attempt — the request just before it is sent
//! (retries included, credentials applied) and the response head as received — and may sign,
//! observe or rewrite it, without forking the engine. In the spirit of smithy-rs's interceptors.

use crate::error::Error;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// A hook on every attempt of every call of a client.
///
/// ```
/// use tern_runtime::{AttemptRequest, Client, Interceptor};
///
/// /// Adds a header naming the attempt.
/// struct Tag;
///
/// impl Interceptor for Tag {
///     fn before_send(&self, request: &mut AttemptRequest<'_>) -> Result<(), tern_runtime::Error> {
///         let value = request.attempt().to_string();
///         request.set_header("x-attempt", &value)
///     }
/// }
///
/// let client = Client::builder("https://api.example.com").interceptor(Tag).build()?;
/// # Ok::<(), tern_runtime::Error>(())
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// Called with each attempt's request right before it is sent. An error ends the call
    /// with that error (nothing is sent).
    fn before_send(&self, request: &mut AttemptRequest<'_>) -> Result<(), Error> {
        let _ = request;
        Ok(())
    }

    /// Called with each attempt's response head: status and headers as received.
    fn after_response(&self, response: &AttemptResponse<'_>) {
        let _ = response;
    }
}

/// One attempt's request, as it will be sent.
#[derive(Debug)]
pub struct AttemptRequest<'a> {
    inner: &'a mut reqwest::Request,
    attempt: u32,
}

impl<'a> AttemptRequest<'a> {
    pub(crate) fn new(inner: &'a mut reqwest::Request, attempt: u32) -> Self {
        AttemptRequest { inner, attempt }
    }

    /// 1 for the first attempt, 2 for the first retry, …
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The method.
    pub fn method(&self) -> &Method {
        self.inner.method()
    }

    /// The full URL, query included (query API keys too: do not log it as it is).
    pub fn url(&self) -> &str {
        self.inner.url().as_str()
    }

    /// The URL's path.
    pub fn path(&self) -> &str {
        self.inner.url().path()
    }

    /// The URL's query, if any.
    pub fn query(&self) -> Option<&str> {
        self.inner.url().query()
    }

    /// The headers, credentials included.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// Sets a header, replacing any of the same name.
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid(format!("`{name}` is not a valid header name")))?;
        let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
            Error::invalid(format!("the value of `{name}` is not a valid header value"))
        })?;
        self.inner.headers_mut().insert(name, value);
        Ok(())
    }

    /// Removes a header.
    pub fn remove_header(&mut self, name: &str) {
        self.inner.headers_mut().remove(name);
    }

    /// The body's bytes (`None` for no body or a streamed one).
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.body().and_then(reqwest::Body::as_bytes)
    }
}

/// One attempt's response head.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptResponse<'a> {
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: &'a HeaderMap,
}

impl<T: Interceptor + ?Sized> Interceptor for std::sync::Arc<T> {
    fn before_send(&self, request: &mut AttemptRequest<'_>) -> Result<(), Error> {
        (**self).before_send(request)
    }

    fn after_response(&self, response: &AttemptResponse<'_>) {
        (**self).after_response(response);
    }
}

//! What a call returns: the response types, and the typed error a non-2xx response becomes.

use crate::error::{decode_json, ApiError, Error, RequestInfo};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// A response read in full.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The request it answers.
    pub request: RequestInfo,
    /// Status (2xx).
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl RawResponse {
    /// Decodes the body as JSON; an empty body decodes as `null` (so `()` and `Option<T>` work).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        decode_json(&self.request, self.status, body).map_err(Error::Decode)
    }
}

/// A decoded value with the response it came in: what [`Call::with_response`] returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// Status.
    pub status: StatusCode,
    /// Headers (rate-limit headers, request ids, …).
    pub headers: HeaderMap,
    /// The request it answers (method and URL).
    pub request: RequestInfo,
}

impl<T> Response<T> {
    /// The server's id for the request, from the first of `x-request-id`, `request-id`,
    /// `x-amzn-requestid` and `x-correlation-id` it sent (quote it to the API's support).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The decoded body.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// A call a generated SDK method prepared: `.await` it for the decoded body, or ask for more
/// of the response with [`with_response`](Call::with_response) (status, headers, request id)
/// or [`raw`](Call::raw) (the undecoded body).
///
/// ```no_run
/// # async fn run(client: tern_runtime::Client) -> Result<(), tern_runtime::Error> {
/// use tern_runtime::{Call, Request};
///
/// let call: Call<'_, serde_json::Value> = Call::new(&client, Ok(Request::get("/company")));
/// let response = call.with_response().await?;
/// println!("{} {:?}: {}", response.status, response.request_id(), response.value);
/// # Ok(()) }
/// ```
#[must_use = "a call sends nothing until it is awaited"]
pub struct Call<'c, T> {
    client: &'c crate::Client,
    request: Result<crate::Request, Error>,
    output: std::marker::PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .finish()
    }
}

impl<'c, T: serde::de::DeserializeOwned> Call<'c, T> {
    /// A call of `request` (an argument error, if building it failed: it is returned when the
    /// call is awaited, before anything is sent).
    pub fn new(client: &'c crate::Client, request: Result<crate::Request, Error>) -> Self {
        Call {
            client,
            request,
            output: std::marker::PhantomData,
        }
    }

    /// Overrides the client's options for this call alone (timeout, retries, headers, …).
    pub fn options(mut self, options: crate::RequestOptions) -> Self {
        self.request = self.request.map(|request| request.options(options));
        self
    }

    /// Sends the call: the decoded body with its status, headers and request id.
    pub async fn with_response(self) -> Result<Response<T>, Error> {
        self.client.send_with_response(self.request?).await
    }

    /// Sends the call: the status, headers and body as they came, undecoded.
    pub async fn raw(self) -> Result<RawResponse, Error> {
        self.client.execute(self.request?).await
    }
}

impl<'c, T: serde::de::DeserializeOwned + Send + 'c> std::future::IntoFuture for Call<'c, T> {
    type Output = Result<T, Error>;
    type IntoFuture = crate::BoxFuture<'c, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.client.send(self.request?).await })
    }
}

/// A response whose body is read as a stream (downloads, server-sent events).
#[derive(Debug)]
pub struct StreamResponse {
    /// The request it answers.
    pub request: RequestInfo,
    /// Status (2xx).
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    pub(crate) response: reqwest::Response,
}

impl StreamResponse {
    /// The body as a stream of byte chunks.
    pub fn bytes(self) -> impl futures_util::Stream<Item = Result<Bytes, Error>> + Send {
        use futures_util::StreamExt;
        let request = self.request;
        self.response
            .bytes_stream()
            .map(move |r| r.map_err(|e| crate::error::transport_error(request.clone(), e)))
    }

    /// The body as server-sent events.
    pub fn events(
        self,
    ) -> impl futures_util::Stream<Item = Result<crate::sse::Event, Error>> + Send {
        crate::sse::events(self.bytes())
    }
}

pub(crate) fn api_error(
    request: RequestInfo,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> ApiError {
    let json = serde_json::from_slice(&body).ok();
    let request_id = request_id(&headers).map(str::to_owned);
    ApiError {
        request,
        status,
        headers,
        body,
        json,
        request_id,
    }
}

/// The server's request id among `headers`.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    [
        "x-request-id",
        "request-id",
        "x-amzn-requestid",
        "x-correlation-id",
    ]
    .iter()
    .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
}

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

/// A decoded value with the response it came in.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// Status.
    pub status: StatusCode,
    /// Headers (rate-limit headers, request ids, …).
    pub headers: HeaderMap,
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
    let request_id = [
        "x-request-id",
        "request-id",
        "x-amzn-requestid",
        "x-correlation-id",
    ]
    .iter()
    .find_map(|h| {
        headers
            .get(*h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    ApiError {
        request,
        status,
        headers,
        body,
        json,
        request_id,
    }
}

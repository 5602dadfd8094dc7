//! # tern-runtime — the HTTP engine under Tern clients
//!
//! Generated SDKs and the dynamic client *declare* what to call (a [`Request`] and, for lists,
//! a [`Paginator`]); this crate *acts*: authentication, timeouts, retries with backoff and a
//! shared budget, typed errors, decoding with error paths, pagination, streaming and
//! server-sent events. It depends on neither `tern-spec` nor `tern-model`, so generated crates
//! stay small and quick to compile.
//!
//! **Owns:** every HTTP behaviour of Tern clients, in one place.
//! **Must not:** know about API descriptions, or log secrets.
//!
//! ## Making a request
//!
//! ```no_run
//! # async fn run() -> Result<(), tern_runtime::Error> {
//! use tern_runtime::{Client, Request};
//!
//! let client = Client::builder("https://api.example.com/v1")
//!     .sdk("example-sdk", "1.0.0")
//!     .bearer_token_from_env("EXAMPLE_TOKEN")
//!     .default_header("Example-Version", "2024-01-01")
//!     .build()?;
//! let workflow: serde_json::Value = client.send(Request::get("/workflows/{id}").path_param("id", 42)).await?;
//! # Ok(()) }
//! ```
//!
//! ## Handling errors
//!
//! Every failure is an [`Error`]: one variant per status class a caller handles differently
//! (`NotFound`, `RateLimit`, …, each with status, headers, body and request id), plus
//! `Connection`, `Timeout`, `Decode` (with the JSON path that failed) and `InvalidRequest`
//! (caught before sending). [`Error::is_retryable`] says whether the default policy retries it.
//!
//! ## Retries, timeouts, budgets
//!
//! By default a call makes up to 3 attempts (connection errors, timeouts, 408, 409, 429, 5xx),
//! waiting `min(0.5 s × 2ⁿ, 8 s)` minus up to 25% jitter unless the server sends
//! `retry-after-ms` / `Retry-After` (honoured between 0 and 60 s); `x-should-retry` overrides.
//! Each attempt times out after 60 s (wall-clock time, kept by a shared watchdog thread;
//! `tokio::time::pause` does not stop it). Retries draw from a per-client token bucket
//! ([`RetryBudget`]) so a failing server does not get retry storms. Policies are values:
//! [`DefaultRetry`], [`PatientRetry`], [`NoRetry`], or your own [`RetryPolicy`]. Per call, use
//! [`RequestOptions`] (timeout, retries, deadline, extra headers/query/body fields, idempotency
//! key), or [`Client::with_options`] for a cheap copy of the client with overrides.
//!
//! ## Pagination
//!
//! ```no_run
//! # async fn run(client: tern_runtime::Client) -> Result<(), tern_runtime::Error> {
//! use tern_runtime::{Paginator, Request, StreamExt};
//!
//! let paginator = Paginator::Offset { offset_param: "offset".into(), limit_param: Some("limit".into()), total: None, items: vec!["individuals".into()] };
//! let page = client.get_page::<serde_json::Value>(Request::get("/employer/directory").query("limit", 100), paginator).await?;
//! let mut all = page.into_stream();
//! while let Some(item) = all.next().await {
//!     println!("{}", item?);
//! }
//! # Ok(()) }
//! ```

mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod body;
mod client;
mod credentials;
mod error;
mod execute;
mod intercept;
#[doc(hidden)]
pub mod model;
mod outcome;
mod pagination;
mod prepare;
mod request;
mod response;
mod retry;
#[cfg(feature = "source")]
pub mod source;
mod sse;
mod timeout;

pub use auth::{
    ApiKeyLocation, BoxFuture, Credential, OAuth2ClientCredentials, Secret, TokenProvider,
    TokenRequestFormat,
};
/// Raw bodies and uploads are [`Bytes`] (`Vec<u8>`, `&'static [u8]` and `String` convert).
pub use bytes::Bytes;
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, DecodeError, Error, RequestInfo, TransportError};
/// Page and event streams are [`Stream`]s; [`StreamExt`] gives them `next()` without a
/// dependency on `futures-util` of the caller's own.
pub use futures_util::{Stream, StreamExt};
pub use intercept::{AttemptRequest, AttemptResponse, Interceptor};
pub use model::Nullable;
pub use pagination::{next_link, Items, Page, PageInfo, PagesCall, Paginator};
pub use request::{Body, Part, Request, RequestOptions, Upload};
pub use reqwest::{header, Method, StatusCode};

/// The escape hatch to the HTTP client underneath: build your own and hand it to
/// [`ClientBuilder::http_client`] (proxies, TLS roots, a local address, connection pools).
///
/// This is the only place the `reqwest` crate shows in this crate's API, and it is outside the
/// compatibility promise of the rest: an upgrade of the HTTP client underneath changes these
/// types, and nothing else.
///
/// ```no_run
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use tern_runtime::transport;
///
/// let http = transport::Client::builder()
///     .local_address(std::net::IpAddr::from([0, 0, 0, 0]))
///     .build()?;
/// let client = tern_runtime::Client::builder("http://localhost:8080").http_client(http).build()?;
/// # Ok(()) }
/// ```
pub mod transport {
    pub use reqwest::{Client, ClientBuilder, Proxy};
}
pub use response::{Call, RawResponse, Response, StreamResponse};
pub use retry::{
    server_wait, DefaultRetry, NoRetry, Outcome, PatientRetry, RetryBudget, RetryContext,
    RetryDecision, RetryPolicy, Sleeper, TokioSleeper, MAX_RETRY_WAIT,
};
pub use sse::Event;

/// Serialises a value to JSON for a request body; for generated code.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidRequest {
        message: format!("a body value cannot be serialised: {e}"),
    })
}

/// The fuzz targets' way in (`fuzz/`, which cargo-fuzz builds with `--cfg fuzzing`): thin
/// wrappers over the crate-private readers of server input. Not part of the API, and absent
/// from every other build (and from the runtime that generated SDKs carry).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    use crate::pagination::{Next, Progress};
    use crate::{Error, Event, PageInfo, Paginator, RawResponse, Request};
    use reqwest::header::HeaderMap;
    use std::time::Duration;

    /// Feeds `chunks` in turn to one server-sent-events parser; the events they complete.
    pub fn sse_events<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<Event> {
        let mut parser = crate::sse::Parser::default();
        chunks.into_iter().flat_map(|c| parser.feed(c)).collect()
    }

    /// The longest token lifetime believed.
    pub const MAX_TOKEN_LIFETIME: Duration = crate::auth::MAX_TOKEN_LIFETIME;

    /// A token endpoint's 2xx body read as the OAuth2 provider reads it: the token, `expires_in`
    /// as given, and how long after the fetch the token is renewed.
    pub fn token_response(
        body: &[u8],
        refresh_margin: Duration,
    ) -> Option<(String, Option<f64>, Option<Duration>)> {
        let info = crate::RequestInfo {
            method: reqwest::Method::POST,
            url: "https://auth.example.com/token".into(),
        };
        let grant =
            crate::auth::read_token_response(&info, reqwest::StatusCode::OK, body, refresh_margin)
                .ok()?;
        Some((
            grant.token.expose().to_owned(),
            grant.expires_in,
            grant.renew_after,
        ))
    }

    /// What one page's response says, as [`crate::Page`] reads it.
    #[derive(Debug)]
    pub struct PageStep {
        /// The items, as JSON.
        pub items: serde_json::Value,
        /// Where the next page starts, and its request.
        pub next: Option<(PageInfo, Request)>,
        /// The URL of the next page's request, when it has one of its own (`Link` paging).
        pub next_url: Option<String>,
        /// The server pointed back to a page it had sent.
        pub stalled: bool,
        /// Pages received, this one included.
        pub pages: u64,
    }

    /// Reads a page of a listing that has received `pages` pages (starting at `seen`) under a
    /// cap of `max_pages`: the response to `request` at `url`, with `headers` and `body`.
    #[allow(clippy::too_many_arguments)]
    pub fn page_step(
        request: &Request,
        paginator: &Paginator,
        url: &str,
        headers: HeaderMap,
        body: &[u8],
        pages: u64,
        max_pages: Option<u64>,
        seen: impl IntoIterator<Item = PageInfo>,
    ) -> Result<PageStep, Error> {
        let raw = RawResponse {
            request: crate::RequestInfo {
                method: reqwest::Method::GET,
                url: url.to_owned(),
            },
            status: reqwest::StatusCode::OK,
            headers,
            body: bytes::Bytes::copy_from_slice(body),
        };
        let mut progress = Progress {
            seen: seen.into_iter().collect(),
            pages,
            max_pages,
        };
        let (items, next) = crate::pagination::read_page(request, paginator, &raw, &mut progress)?;
        let (next, stalled) = match next {
            Next::End => (None, false),
            Next::More(info, request) => (Some((info, *request)), false),
            Next::Stalled(_) => (None, true),
        };
        Ok(PageStep {
            next_url: next.as_ref().and_then(|(_, r)| r.absolute_url.clone()),
            items,
            next,
            stalled,
            pages: progress.pages,
        })
    }
}

//! Executing a request: the attempt loop with auth, timeouts, retries, the retry budget and the
//! deadline; and decoding what comes back.

use crate::auth::{ApiKeyLocation, Credential, Secret, TokenProvider};
use crate::client::Client;
use crate::error::{decode_json, ApiError, Error, RequestInfo};
use crate::request::{Body, Request, Security, NO_OPTIONS};
use crate::retry::{Outcome, RetryBudget, RetryContext, RetryDecision};
use bytes::{Bytes, BytesMut};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, COOKIE, USER_AGENT,
};
use reqwest::{Method, StatusCode};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

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

/// What a call's attempts end with: the request, status, headers, and the body read in full
/// or the response to stream.
type Exchanged = (
    RequestInfo,
    StatusCode,
    HeaderMap,
    Option<Bytes>,
    Option<Box<reqwest::Response>>,
);

enum PreparedBody {
    None,
    Bytes(Bytes, HeaderValue),
}

/// A request ready to send, kept for the whole call. Built once; each attempt then builds its
/// `reqwest::Request` from it without copying what the first attempt can take.
struct Prepared {
    /// Indexes of the credentials this request sends.
    credentials: Vec<usize>,
    /// The URL the first attempt sends (with any query API key); a retry rebuilds it.
    first_url: Option<url::Url>,
    info: RequestInfo,
    /// This request's headers beyond the client's, validated.
    headers: Vec<(HeaderName, HeaderValue)>,
    body: PreparedBody,
    timeout: Duration,
    /// The deadline of the whole call, from its start.
    deadline: Option<Duration>,
    max_bytes: Option<usize>,
    max_retries: Option<u32>,
}

/// Where a call's attempt loop is.
struct Attempts {
    started: Instant,
    deadline: Option<Instant>,
    count: u32,
    refreshed: bool,
}

/// What the attempt loop does next.
enum Next {
    Done(
        StatusCode,
        HeaderMap,
        Option<Bytes>,
        Option<Box<reqwest::Response>>,
    ),
    Fail(Error),
    Again,
    RetryAfter(Duration),
}

/// How an attempt ended.
enum Attempt {
    Done {
        status: StatusCode,
        headers: HeaderMap,
        body: Option<Bytes>,
        /// The response whose body is still to be streamed (boxed: rare, and large).
        response: Option<Box<reqwest::Response>>,
    },
    Failed(Failure),
}

/// How an attempt failed.
enum Failure {
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Connection(reqwest::Error),
    Timeout,
    TooLarge(usize),
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| Error::invalid(format!("the value of header `{name}` contains characters a header may not (CR, LF or other control characters)")))
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid(format!("`{name}` is not a valid header name")))
}

/// A secret header value: marked sensitive, so that it is never shown by `Debug`.
fn secret_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut v = header_value(name, value)?;
    v.set_sensitive(true);
    Ok(v)
}

impl Client {
    /// The URL to call, and its text for [`RequestInfo`].
    ///
    /// A path relative to the base URL is set on a copy of the base URL parsed when the client
    /// was built: host, port and scheme are not parsed again on every call (raw `reqwest` with
    /// a string URL parses all of it each time). Absolute URLs (a next-page link, a path that
    /// is a full URL) and templates carrying their own `?` or `#` are parsed in full.
    fn url(&self, req: &Request) -> Result<(url::Url, String), Error> {
        let shared = &self.shared;
        let query = || {
            shared
                .default_query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(req.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())))
                .chain(
                    self.options
                        .query
                        .iter()
                        .chain(req.options.iter().flat_map(|o| &o.query))
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                )
        };
        let relative =
            req.absolute_url.is_none() && !req.is_absolute() && !req.path.contains(['?', '#']);
        if let (true, Some(base)) = (relative, &shared.base) {
            let mut path = String::with_capacity(base.path().len() + req.path.len() + 16);
            req.join_path_into(base.path(), &mut path)?;
            let mut url = base.clone();
            url.set_path(&path);
            let mut query = query().peekable();
            if query.peek().is_some() {
                url.query_pairs_mut().extend_pairs(query);
            }
            let text = url.as_str().to_owned();
            return Ok((url, text));
        }
        let text = match &req.absolute_url {
            Some(absolute) => absolute.clone(),
            None => req.url_text(&shared.base_url, query())?,
        };
        let url = url::Url::parse(&text)
            .map_err(|e| Error::invalid(format!("the URL for {} is not valid: {e}", req.path)))?;
        // The text itself when parsing kept it as it was.
        let text = if url.as_str() == text {
            text
        } else {
            url.as_str().to_owned()
        };
        Ok((url, text))
    }

    /// Adds the query API keys of the selected credentials (kept out of `RequestInfo`).
    fn add_query_keys(&self, url: &mut url::Url, credentials: &[usize]) {
        for &i in credentials {
            if let (
                _,
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    name,
                    value,
                },
            ) = &self.shared.credentials[i]
            {
                url.query_pairs_mut().append_pair(name, value.expose());
            }
        }
    }

    fn prepare(&self, req: Request) -> Result<Prepared, Error> {
        let shared = &self.shared;
        // Client-level options first, the request's own on top (no merged copy is built).
        let over = req.options.as_deref().unwrap_or(&NO_OPTIONS);
        let base = &*self.options;
        let (mut url, text) = self.url(&req)?;
        // The URL shown in errors and logs (query API keys are added to `url` only).
        let info = RequestInfo {
            method: req.method.clone(),
            url: text,
        };
        let mut headers = Vec::new();
        for (n, v) in req.headers.iter().chain(&base.headers).chain(&over.headers) {
            headers.push((header_name(n)?, header_value(n, v)?));
        }
        let idempotency_key = over
            .idempotency_key
            .as_ref()
            .or(base.idempotency_key.as_ref());
        if let Some(h) = &shared.idempotency_header {
            let is_non_idempotent = matches!(req.method, Method::POST | Method::PATCH);
            if is_non_idempotent || idempotency_key.is_some() {
                let key = match idempotency_key {
                    Some(k) => header_value(h.as_str(), k)?,
                    None => HeaderValue::try_from(format!(
                        "tern-{:016x}{:016x}",
                        fastrand::u64(..),
                        fastrand::u64(..)
                    ))
                    .map_err(|_| Error::invalid("the idempotency key is not a header value"))?,
                };
                headers.push((h.clone(), key));
            }
        }
        let has_body_fields = !(base.body_fields.is_empty() && over.body_fields.is_empty());
        let body = match req.body {
            Body::Empty if !has_body_fields => PreparedBody::None,
            body => encode_body(body, base.body_fields.iter().chain(&over.body_fields))?,
        };
        let credentials = select_credentials(&shared.credentials, req.security.as_ref());
        self.add_query_keys(&mut url, &credentials);
        Ok(Prepared {
            credentials,
            first_url: Some(url),
            info,
            headers,
            body,
            timeout: over.timeout.or(base.timeout).unwrap_or(shared.timeout),
            deadline: over.deadline.or(base.deadline),
            max_bytes: over.max_response_bytes.or(base.max_response_bytes),
            max_retries: over.max_retries.or(base.max_retries),
        })
    }

    /// The headers of one attempt: the client's, the request's, the retry count and the body's
    /// content type, built fresh (cheaper than keeping a map to clone).
    fn attempt_headers(&self, p: &Prepared, retry_count: u32) -> HeaderMap {
        let shared = &self.shared;
        // Room for the User-Agent, the retry count, the content type and reqwest's `accept`.
        let mut headers =
            HeaderMap::with_capacity(shared.default_headers.len() + p.headers.len() + 4);
        headers.insert(USER_AGENT, shared.user_agent.clone());
        for (n, v) in shared.default_headers.iter().chain(&p.headers) {
            headers.insert(n.clone(), v.clone());
        }
        if let Some(h) = &shared.retry_count_header {
            const COUNTS: [&str; 4] = ["0", "1", "2", "3"];
            let value = match COUNTS.get(retry_count as usize) {
                Some(v) => HeaderValue::from_static(v),
                None => HeaderValue::from(retry_count),
            };
            headers.insert(h.clone(), value);
        }
        if let PreparedBody::Bytes(_, ct) = &p.body {
            // An explicit Content-Type (a header parameter, an option) wins over the body's.
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, ct.clone());
            }
        }
        headers
    }

    /// The token provider among the selected credentials, if any.
    fn token_provider(&self, selected: &[usize]) -> Option<&Arc<dyn TokenProvider>> {
        selected
            .iter()
            .find_map(|&i| match &self.shared.credentials[i].1 {
                Credential::BearerProvider(p) => Some(p),
                _ => None,
            })
    }

    /// One attempt's `reqwest::Request`: URL, headers, credentials (with `token` from a
    /// provider) and body.
    fn build_request(
        &self,
        p: &Prepared,
        url: url::Url,
        retry_count: u32,
        token: Option<&Secret>,
    ) -> Result<reqwest::Request, Error> {
        let mut request = reqwest::Request::new(p.info.method.clone(), url);
        *request.headers_mut() = self.attempt_headers(p, retry_count);
        if let PreparedBody::Bytes(b, _) = &p.body {
            *request.body_mut() = Some(b.clone().into());
        }
        if !p.credentials.is_empty() {
            request = self.authenticate(request, &p.credentials, token)?;
        }
        // Interceptors see the request as it will be sent, credentials included.
        if !self.shared.interceptors.is_empty() {
            self.intercept(&mut request, retry_count + 1)?;
        }
        Ok(request)
    }

    /// Adds the selected credentials to `request` (a provider's with `token`). Out of line, so
    /// that calls without credentials do not carry its code.
    #[inline(never)]
    fn authenticate(
        &self,
        mut request: reqwest::Request,
        selected: &[usize],
        token: Option<&Secret>,
    ) -> Result<reqwest::Request, Error> {
        let headers = request.headers_mut();
        let mut cookies = Vec::new();
        let mut basic = None;
        for (_, c) in selected.iter().map(|&i| &self.shared.credentials[i]) {
            match c {
                Credential::Bearer(t) => {
                    headers.insert(
                        AUTHORIZATION,
                        secret_value("authorization", &format!("Bearer {}", t.expose()))?,
                    );
                }
                Credential::BearerProvider(_) => {
                    if let Some(token) = token {
                        headers.insert(
                            AUTHORIZATION,
                            secret_value("authorization", &format!("Bearer {}", token.expose()))?,
                        );
                    }
                }
                Credential::Basic { username, password } => basic = Some((username, password)),
                Credential::ApiKey {
                    location: ApiKeyLocation::Header,
                    name,
                    value,
                } => {
                    headers.insert(header_name(name)?, secret_value(name, value.expose())?);
                }
                // Added to the URL in `prepare`, keeping it out of `RequestInfo`.
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    ..
                } => {}
                Credential::ApiKey {
                    location: ApiKeyLocation::Cookie,
                    name,
                    value,
                } => cookies.push(format!("{name}={}", value.expose())),
            }
        }
        if !cookies.is_empty() {
            headers.insert(COOKIE, secret_value("cookie", &cookies.join("; "))?);
        }
        if let Some((username, password)) = basic {
            // reqwest encodes (and marks sensitive) the basic credentials.
            request = reqwest::RequestBuilder::from_parts(self.shared.http.clone(), request)
                .basic_auth(username, Some(password.expose()))
                .build()
                .map_err(|e| {
                    Error::invalid(format!("the basic credentials cannot be sent: {e}"))
                })?;
        }
        Ok(request)
    }

    /// The whole call as one boxed state machine, allocated when the call is made and never
    /// moved after: the futures the public methods return stay a pointer wide, where nesting
    /// `async fn`s would copy their state through every layer. The request is prepared here, at
    /// once, so that the box holds the attempt loop alone (an `async` block would keep the
    /// `Request` it captured beside it for the whole call).
    fn run(
        &self,
        req: Request,
        stream: bool,
    ) -> Pin<Box<dyn Future<Output = Result<Exchanged, Error>> + Send + '_>> {
        let span = tracing::info_span!("tern.request", method = %req.method, path = %req.path);
        match span.in_scope(|| self.prepare(req)) {
            Ok(p) => Box::pin(self.attempts(p, stream).instrument(span)),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    /// The attempt loop. What it holds across an await is kept small on purpose (the exchange
    /// is boxed, decisions are made in [`Client::after_attempt`]): every byte of a call's state
    /// is memory written and read again on every call.
    async fn attempts(&self, mut p: Prepared, stream: bool) -> Result<Exchanged, Error> {
        let started = Instant::now();
        // The deadline counts from the first poll, not from when the future was made.
        // A deadline too far away for an `Instant` is no deadline.
        let deadline = p.deadline.and_then(|d| started.checked_add(d));
        let mut state = Attempts {
            started,
            deadline,
            count: 0,
            refreshed: false,
        };
        loop {
            state.count += 1;
            let t = if state.count == 1 {
                started
            } else {
                Instant::now()
            };
            let span = tracing::debug_span!(
                "tern.attempt",
                attempt = state.count,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty
            );
            // The first attempt takes the prepared URL; a retry parses it again.
            let url = match p.first_url.take() {
                Some(url) => url,
                None => self.retry_url(&p)?,
            };
            let token = match self.token_provider(&p.credentials) {
                Some(provider) => {
                    let token = provider.token().instrument(span.clone()).await?;
                    Some((provider.clone(), token))
                }
                None => None,
            };
            let request =
                self.build_request(&p, url, state.count - 1, token.as_ref().map(|t| &t.1))?;
            // The attempt's clock starts now: at `t`, unless a token fetch took time since.
            let start = if token.is_some() { Instant::now() } else { t };
            let at = crate::timeout::after(start, p.timeout);
            let at = state.deadline.map_or(at, |deadline| at.min(deadline));
            let exchange = Box::pin(exchange(
                self.shared.http.execute(request),
                stream,
                p.max_bytes,
            ));
            let outcome = crate::timeout::timeout_at(at, exchange)
                .instrument(span.clone())
                .await
                .unwrap_or(Attempt::Failed(Failure::Timeout));
            if !span.is_disabled() {
                span.record("latency_ms", t.elapsed().as_millis() as u64);
            }

            match self.after_attempt(&p, &mut state, outcome, token, t, &span) {
                Next::Done(status, headers, body, response) => {
                    return Ok((p.info, status, headers, body, response))
                }
                Next::Fail(error) => return Err(error),
                Next::Again => {}
                Next::RetryAfter(wait) => self.shared.sleeper.sleep(wait).await,
            }
        }
    }

    /// Runs the interceptors on an attempt's request.
    #[inline(never)]
    fn intercept(&self, request: &mut reqwest::Request, attempt: u32) -> Result<(), Error> {
        let mut view = crate::AttemptRequest::new(request, attempt);
        for i in &self.shared.interceptors {
            i.before_send(&mut view)?;
        }
        Ok(())
    }

    /// Shows the interceptors an attempt's response head.
    #[inline(never)]
    fn observe(&self, outcome: &Attempt, attempt: u32) {
        let (status, headers) = match outcome {
            Attempt::Done {
                status, headers, ..
            }
            | Attempt::Failed(Failure::Status {
                status, headers, ..
            }) => (*status, headers),
            _ => return,
        };
        let response = crate::AttemptResponse {
            attempt,
            status,
            headers,
        };
        for i in &self.shared.interceptors {
            i.after_response(&response);
        }
    }

    /// The URL of a retry (the first attempt took the prepared one).
    #[inline(never)]
    fn retry_url(&self, p: &Prepared) -> Result<url::Url, Error> {
        let mut url = url::Url::parse(&p.info.url)
            .map_err(|e| Error::invalid(format!("the URL {} is not valid: {e}", p.info.url)))?;
        self.add_query_keys(&mut url, &p.credentials);
        Ok(url)
    }

    /// What follows an attempt: success, a typed error, or another attempt (now, after a token
    /// refresh, or after a wait the retry policy chose).
    fn after_attempt(
        &self,
        p: &Prepared,
        state: &mut Attempts,
        outcome: Attempt,
        token: Option<(Arc<dyn TokenProvider>, Secret)>,
        started: Instant,
        span: &tracing::Span,
    ) -> Next {
        let attempt = state.count;
        if !self.shared.interceptors.is_empty() {
            self.observe(&outcome, attempt);
        }
        if let Attempt::Done { status, .. } | Attempt::Failed(Failure::Status { status, .. }) =
            &outcome
        {
            span.record("status", status.as_u16());
            tracing::debug!(
                attempt,
                status = status.as_u16(),
                latency_ms = started.elapsed().as_millis() as u64,
                "attempt answered"
            );
        }
        match outcome {
            Attempt::Done {
                status,
                headers,
                body,
                response,
            } => {
                self.shared.budget.refund();
                Next::Done(status, headers, body, response)
            }
            Attempt::Failed(failure) => self.after_failure(p, state, failure, token, started),
        }
    }

    /// After a failed attempt: the error, a token refresh, or a retry. Out of line, so that
    /// the success path stays short.
    #[inline(never)]
    fn after_failure(
        &self,
        p: &Prepared,
        state: &mut Attempts,
        failure: Failure,
        token: Option<(Arc<dyn TokenProvider>, Secret)>,
        started: Instant,
    ) -> Next {
        let attempt = state.count;
        let (status, headers, error) = match failure {
            Failure::TooLarge(limit) => {
                return Next::Fail(Error::ResponseTooLarge {
                    request: p.info.clone(),
                    limit,
                })
            }
            Failure::Status {
                status,
                headers,
                body,
            } => {
                // A rejected token is refreshed and the call tried once more, at once.
                if status == StatusCode::UNAUTHORIZED && !state.refreshed {
                    if let Some((provider, token)) = token {
                        state.refreshed = true;
                        provider.invalidate(&token);
                        tracing::debug!(
                            "401 with a provided token: refreshing it and trying again"
                        );
                        return Next::Again;
                    }
                }
                let err =
                    Error::from_status(api_error(p.info.clone(), status, headers.clone(), body));
                (status, headers, err)
            }
            Failure::Connection(e) => {
                tracing::debug!(attempt, latency_ms = started.elapsed().as_millis() as u64, error = %e, "attempt could not connect");
                match crate::error::transport_error(p.info.clone(), e) {
                    // A broken response is not retried: the server would answer so again.
                    err @ Error::Protocol { .. } => return Next::Fail(err),
                    err => (StatusCode::default(), HeaderMap::new(), err),
                }
            }
            Failure::Timeout => {
                tracing::debug!(
                    attempt,
                    latency_ms = started.elapsed().as_millis() as u64,
                    "attempt timed out"
                );
                let err = Error::Timeout {
                    request: p.info.clone(),
                };
                (StatusCode::default(), HeaderMap::new(), err)
            }
        };
        let outcome = match &error {
            Error::Timeout { .. } => Outcome::Timeout,
            Error::Connection { .. } => Outcome::ConnectionError,
            _ => Outcome::Response {
                status,
                headers: &headers,
            },
        };
        let retries_done = attempt - 1 - u32::from(state.refreshed);
        if p.max_retries.is_some_and(|max| retries_done >= max) {
            return Next::Fail(error);
        }
        let ctx = RetryContext {
            method: &p.info.method,
            attempt: attempt - u32::from(state.refreshed),
            elapsed: state.started.elapsed(),
            outcome,
            max_retries: p.max_retries,
        };
        let RetryDecision::RetryAfter(wait) = self.shared.retry.decide(&ctx) else {
            return Next::Fail(error);
        };
        if state
            .deadline
            .is_some_and(|at| Instant::now().checked_add(wait).is_none_or(|end| end >= at))
        {
            tracing::debug!(?wait, "not retrying: the wait would pass the deadline");
            return Next::Fail(error);
        }
        let cost = if matches!(outcome, Outcome::Timeout) {
            RetryBudget::TIMEOUT_COST
        } else {
            RetryBudget::RETRY_COST
        };
        if !self.shared.budget.try_acquire(cost) {
            tracing::debug!("not retrying: the retry budget is exhausted");
            return Next::Fail(error);
        }
        tracing::debug!(attempt, reason = %error, ?wait, "retrying");
        Next::RetryAfter(wait)
    }

    /// Executes a request and reads the whole response.
    pub fn execute(
        &self,
        req: Request,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + '_ {
        let call = self.run(req, false);
        async move {
            let (request, status, headers, body, _) = call.await?;
            Ok(RawResponse {
                request,
                status,
                headers,
                body: body.unwrap_or_default(),
            })
        }
    }

    /// Executes a request and decodes the JSON response.
    pub fn send<T: serde::de::DeserializeOwned>(
        &self,
        req: Request,
    ) -> impl Future<Output = Result<T, Error>> + Send + '_ {
        let call = self.execute(req);
        async move { call.await?.json() }
    }

    /// Executes a request and decodes the JSON response, keeping status and headers.
    pub fn send_with_response<T: serde::de::DeserializeOwned>(
        &self,
        req: Request,
    ) -> impl Future<Output = Result<Response<T>, Error>> + Send + '_ {
        let call = self.execute(req);
        async move {
            let raw = call.await?;
            Ok(Response {
                value: raw.json()?,
                status: raw.status,
                headers: raw.headers,
            })
        }
    }

    /// Executes a request and streams the response body (retries apply until a 2xx arrives).
    pub fn execute_stream(
        &self,
        req: Request,
    ) -> impl Future<Output = Result<StreamResponse, Error>> + Send + '_ {
        let call = self.run(req, true);
        async move {
            let (request, status, headers, _, response) = call.await?;
            let response = *response.ok_or_else(|| Error::invalid("no streaming response"))?;
            Ok(StreamResponse {
                request,
                status,
                headers,
                response,
            })
        }
    }
}

/// Encodes a request body once, with any extra fields from the options, so that every attempt
/// sends the same bytes. Kept out of line: a body-less call never runs it.
#[inline(never)]
fn encode_body<'a>(
    body: Body,
    extra: impl Iterator<Item = &'a (String, serde_json::Value)> + Clone,
) -> Result<PreparedBody, Error> {
    let has_extra = extra.clone().next().is_some();
    Ok(match body {
        Body::JsonBytes(bytes) if !has_extra => {
            PreparedBody::Bytes(bytes, HeaderValue::from_static("application/json"))
        }
        Body::JsonBytes(bytes) => {
            // Extra fields are merged into the value (rare: only with `body_field` options).
            let value = serde_json::from_slice(&bytes)
                .map_err(|e| Error::invalid(format!("the JSON body does not parse: {e}")))?;
            return encode_body(Body::Json(value), extra);
        }
        Body::Empty | Body::Json(_) => {
            let mut value = match body {
                Body::Json(v) => v,
                _ => serde_json::Value::Object(serde_json::Map::new()),
            };
            if has_extra {
                let serde_json::Value::Object(map) = &mut value else {
                    return Err(Error::invalid("extra body fields need a JSON object body"));
                };
                for (k, v) in extra {
                    map.insert(k.clone(), v.clone());
                }
            }
            let bytes = serde_json::to_vec(&value)
                .map_err(|e| Error::invalid(format!("the body cannot be serialised: {e}")))?;
            PreparedBody::Bytes(
                Bytes::from(bytes),
                HeaderValue::from_static("application/json"),
            )
        }
        Body::Form(mut fields) => {
            for (k, v) in extra {
                fields.push((
                    k.clone(),
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string()),
                ));
            }
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&fields)
                .finish();
            PreparedBody::Bytes(
                Bytes::from(encoded),
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
        }
        Body::Multipart(parts) => {
            let boundary = format!("tern-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
            let bytes = crate::request::encode_multipart(&parts, &boundary)?;
            PreparedBody::Bytes(
                bytes,
                header_value(
                    "content-type",
                    &format!("multipart/form-data; boundary={boundary}"),
                )?,
            )
        }
        Body::Bytes { data, content_type } => {
            PreparedBody::Bytes(data, header_value("content-type", &content_type)?)
        }
    })
}

/// Sends one request and reads its response: in full, or (for a 2xx when `stream`) up to the
/// headers.
async fn exchange(
    pending: impl Future<Output = Result<reqwest::Response, reqwest::Error>>,
    stream: bool,
    max_bytes: Option<usize>,
) -> Attempt {
    let mut resp = match pending.await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => return Attempt::Failed(Failure::Timeout),
        Err(e) => return Attempt::Failed(Failure::Connection(e)),
    };
    let status = resp.status();
    // Streams keep their headers; otherwise they are taken, not copied.
    let headers = if stream {
        resp.headers().clone()
    } else {
        std::mem::take(resp.headers_mut())
    };
    if status.is_success() && stream {
        return Attempt::Done {
            status,
            headers,
            body: None,
            response: Some(Box::new(resp)),
        };
    }
    let body = match read_body(&mut resp, max_bytes).await {
        Ok(b) => b,
        Err(BodyError::TooLarge(n)) => return Attempt::Failed(Failure::TooLarge(n)),
        Err(BodyError::Transport(e)) if e.is_timeout() => return Attempt::Failed(Failure::Timeout),
        Err(BodyError::Transport(e)) => return Attempt::Failed(Failure::Connection(e)),
    };
    if status.is_success() {
        Attempt::Done {
            status,
            headers,
            body: Some(body),
            response: None,
        }
    } else {
        Attempt::Failed(Failure::Status {
            status,
            headers,
            body,
        })
    }
}

/// The credentials a request sends: untagged ones always; of the tagged ones, those of the
/// first non-empty security alternative the client can satisfy entirely.
fn select_credentials(
    credentials: &[(Option<String>, Credential)],
    security: Option<&Security>,
) -> Vec<usize> {
    match security {
        None => (0..credentials.len()).collect(),
        Some(Security::Static(alternatives)) => choose_credentials(
            credentials,
            alternatives.iter().map(|alt| alt.iter().copied()),
        ),
        Some(Security::Owned(alternatives)) => choose_credentials(
            credentials,
            alternatives
                .iter()
                .map(|alt| alt.iter().map(String::as_str)),
        ),
    }
}

fn choose_credentials<'a, I: Iterator<Item = &'a str>>(
    credentials: &[(Option<String>, Credential)],
    alternatives: impl Iterator<Item = I>,
) -> Vec<usize> {
    let untagged = credentials
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.is_none())
        .map(|(i, _)| i);
    let has = |scheme: &str| {
        credentials
            .iter()
            .position(|(s, _)| s.as_deref() == Some(scheme))
    };
    let chosen: Vec<usize> = alternatives
        .map(|alt| alt.map(has).collect::<Option<Vec<usize>>>())
        .find_map(|alt| alt.filter(|chosen| !chosen.is_empty()))
        .unwrap_or_default();
    untagged.chain(chosen).collect()
}

enum BodyError {
    TooLarge(usize),
    Transport(reqwest::Error),
}

/// Reads a whole body (failing past `limit` bytes, when given). Chunk by chunk rather than
/// through `Response::bytes`: this future is a fraction of that one's size, and a body that
/// arrives in one chunk (most JSON responses) is kept without a copy.
async fn read_body(resp: &mut reqwest::Response, limit: Option<usize>) -> Result<Bytes, BodyError> {
    let too_large = |n: usize| limit.is_some_and(|limit| n > limit);
    if resp
        .content_length()
        .is_some_and(|n| too_large(usize::try_from(n).unwrap_or(usize::MAX)))
    {
        return Err(BodyError::TooLarge(limit.unwrap_or_default()));
    }
    let mut first = Bytes::new();
    let mut rest = BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if too_large(first.len() + rest.len() + chunk.len()) {
            return Err(BodyError::TooLarge(limit.unwrap_or_default()));
        }
        if first.is_empty() && rest.is_empty() {
            first = chunk;
        } else {
            if rest.is_empty() {
                rest.extend_from_slice(&first);
            }
            rest.extend_from_slice(&chunk);
        }
    }
    Ok(if rest.is_empty() {
        first
    } else {
        rest.freeze()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call's state is written and read on every call, so its size is a cost (see
    /// BENCHMARKS.md): the future `send` returns stays a few words, and the one allocation
    /// holding the attempt loop stays within glibc's per-thread cache (1,032 bytes).
    #[test]
    fn call_state_stays_small() -> Result<(), Error> {
        let client = Client::builder("http://localhost").build()?;
        let send = client.send::<serde_json::Value>(Request::get("/x"));
        assert!(
            std::mem::size_of_val(&send) <= 128,
            "{}",
            std::mem::size_of_val(&send)
        );
        let call = client.run(Request::get("/x"), false);
        assert!(
            std::mem::size_of_val(&*call) <= 1032,
            "{}",
            std::mem::size_of_val(&*call)
        );
        assert!(std::mem::size_of::<Attempt>() <= 160);
        Ok(())
    }
}

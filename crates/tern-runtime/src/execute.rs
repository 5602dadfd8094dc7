//! Executing a request: the attempt loop with auth, timeouts, retries, the retry budget and the
//! deadline; and decoding what comes back.

use crate::auth::{ApiKeyLocation, Credential, Secret, TokenProvider};
use crate::client::Client;
use crate::error::{decode_json, ApiError, Error, RequestInfo};
use crate::request::{join_url, Body, Request};
use crate::retry::{Outcome, RetryBudget, RetryContext, RetryDecision};
use bytes::{Bytes, BytesMut};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, COOKIE, USER_AGENT,
};
use reqwest::{Method, StatusCode};
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
        self.response.bytes_stream().map(move |r| {
            r.map_err(|e| Error::Connection {
                request: request.clone(),
                source: e,
            })
        })
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

enum PreparedBody {
    None,
    Bytes(Bytes, HeaderValue),
}

struct Prepared {
    /// Indexes of the credentials this request sends.
    credentials: Vec<usize>,
    method: Method,
    url: url::Url,
    info: RequestInfo,
    headers: HeaderMap,
    body: PreparedBody,
    timeout: Duration,
    deadline: Option<Instant>,
    max_bytes: Option<usize>,
    max_retries: Option<u32>,
}

enum Attempt {
    Done {
        status: StatusCode,
        headers: HeaderMap,
        body: Option<Bytes>,
        response: Option<reqwest::Response>,
    },
    Failed {
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

impl Client {
    fn prepare(&self, req: Request) -> Result<Prepared, Error> {
        let shared = &self.shared;
        let options = self.options.merged(&req.options);
        let mut url = match &req.absolute_url {
            Some(u) => url::Url::parse(u),
            None => url::Url::parse(&join_url(&shared.base_url, &req.render_path()?)),
        }
        .map_err(|e| Error::invalid(format!("the URL for {} is not valid: {e}", req.path)))?;
        if req.absolute_url.is_none() {
            let extra: Vec<&(String, String)> = shared
                .default_query
                .iter()
                .chain(&req.query)
                .chain(&options.query)
                .collect();
            if !extra.is_empty() {
                let mut pairs = url.query_pairs_mut();
                for (k, v) in extra {
                    pairs.append_pair(k, v);
                }
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, shared.user_agent.clone());
        for (n, v) in &shared.default_headers {
            headers.insert(n.clone(), v.clone());
        }
        for (n, v) in req.headers.iter().chain(&options.headers) {
            headers.insert(header_name(n)?, header_value(n, v)?);
        }
        let is_non_idempotent = matches!(req.method, Method::POST | Method::PATCH);
        if let Some(h) = &shared.idempotency_header {
            if is_non_idempotent || options.idempotency_key.is_some() {
                let key = options.idempotency_key.clone().unwrap_or_else(|| {
                    format!("tern-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
                });
                headers.insert(h.clone(), header_value(h.as_str(), &key)?);
            }
        }
        let body = match req.body {
            Body::Empty if options.body_fields.is_empty() => PreparedBody::None,
            Body::Empty | Body::Json(_) => {
                let mut value = match req.body {
                    Body::Json(v) => v,
                    _ => serde_json::Value::Object(serde_json::Map::new()),
                };
                if !options.body_fields.is_empty() {
                    let serde_json::Value::Object(map) = &mut value else {
                        return Err(Error::invalid("extra body fields need a JSON object body"));
                    };
                    for (k, v) in &options.body_fields {
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
                for (k, v) in &options.body_fields {
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
        };
        let credentials = select_credentials(&shared.credentials, req.security.as_deref());
        // The URL shown in errors and logs; query API keys are added only to the one sent.
        let info = RequestInfo {
            method: req.method.clone(),
            url: url.to_string(),
        };
        for &i in &credentials {
            if let (
                _,
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    name,
                    value,
                },
            ) = &shared.credentials[i]
            {
                url.query_pairs_mut().append_pair(name, value.expose());
            }
        }
        Ok(Prepared {
            credentials,
            method: req.method,
            url,
            info,
            headers,
            body,
            timeout: options.timeout.unwrap_or(shared.timeout),
            deadline: options.deadline.map(|d| Instant::now() + d),
            max_bytes: options.max_response_bytes,
            max_retries: options.max_retries,
        })
    }

    /// Adds credentials; returns the bearer token used from a provider, if any.
    async fn authenticate(
        &self,
        mut rb: reqwest::RequestBuilder,
        selected: &[usize],
    ) -> Result<
        (
            reqwest::RequestBuilder,
            Option<(Arc<dyn TokenProvider>, Secret)>,
        ),
        Error,
    > {
        let mut used = None;
        let mut cookies = Vec::new();
        for (_, c) in selected.iter().map(|&i| &self.shared.credentials[i]) {
            rb = match c {
                Credential::Bearer(t) => rb.header(
                    AUTHORIZATION,
                    header_value("authorization", &format!("Bearer {}", t.expose()))?,
                ),
                Credential::BearerProvider(p) => {
                    let token = p.token().await?;
                    let rb = rb.header(
                        AUTHORIZATION,
                        header_value("authorization", &format!("Bearer {}", token.expose()))?,
                    );
                    used = Some((p.clone(), token));
                    rb
                }
                Credential::Basic { username, password } => {
                    rb.basic_auth(username, Some(password.expose()))
                }
                Credential::ApiKey {
                    location: ApiKeyLocation::Header,
                    name,
                    value,
                } => rb.header(header_name(name)?, header_value(name, value.expose())?),
                // Added to the URL in `prepare`, keeping it out of `RequestInfo`.
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    ..
                } => rb,
                Credential::ApiKey {
                    location: ApiKeyLocation::Cookie,
                    name,
                    value,
                } => {
                    cookies.push(format!("{name}={}", value.expose()));
                    rb
                }
            };
        }
        if !cookies.is_empty() {
            rb = rb.header(COOKIE, header_value("cookie", &cookies.join("; "))?);
        }
        Ok((rb, used))
    }

    async fn attempt(
        &self,
        p: &Prepared,
        retry_count: u32,
        stream: bool,
    ) -> Result<(Attempt, Option<(Arc<dyn TokenProvider>, Secret)>), Error> {
        // The request is built directly (not through a builder merging header maps): this
        // runs once per attempt on every call.
        let mut request = reqwest::Request::new(p.method.clone(), p.url.clone());
        let headers = request.headers_mut();
        *headers = p.headers.clone();
        if let Some(h) = &self.shared.retry_count_header {
            const COUNTS: [&str; 4] = ["0", "1", "2", "3"];
            let value = match COUNTS.get(retry_count as usize) {
                Some(v) => HeaderValue::from_static(v),
                None => HeaderValue::from(retry_count),
            };
            headers.insert(h.clone(), value);
        }
        if let PreparedBody::Bytes(b, ct) = &p.body {
            // An explicit Content-Type (a header parameter, an option) wins over the body's.
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, ct.clone());
            }
            *request.body_mut() = Some(b.clone().into());
        }
        let rb = reqwest::RequestBuilder::from_parts(self.shared.http.clone(), request);
        let (rb, token) = self.authenticate(rb, &p.credentials).await?;
        let timeout = match p.deadline {
            Some(at) => p.timeout.min(at.saturating_duration_since(Instant::now())),
            None => p.timeout,
        };
        let max_bytes = p.max_bytes;
        let exchange = async move {
            let mut resp = match rb.send().await {
                Ok(r) => r,
                Err(e) if e.is_timeout() => return Attempt::Timeout,
                Err(e) => return Attempt::Connection(e),
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
                    response: Some(resp),
                };
            }
            let body = match read_body(resp, max_bytes).await {
                Ok(b) => b,
                Err(BodyError::TooLarge(n)) => return Attempt::TooLarge(n),
                Err(BodyError::Transport(e)) if e.is_timeout() => return Attempt::Timeout,
                Err(BodyError::Transport(e)) => return Attempt::Connection(e),
            };
            if status.is_success() {
                Attempt::Done {
                    status,
                    headers,
                    body: Some(body),
                    response: None,
                }
            } else {
                Attempt::Failed {
                    status,
                    headers,
                    body,
                }
            }
        };
        // Boxed so that the timer wrapper and the awaits move a pointer, not the exchange's
        // large state machine.
        let outcome = tokio::time::timeout(timeout, Box::pin(exchange))
            .await
            .unwrap_or(Attempt::Timeout);
        Ok((outcome, token))
    }

    async fn run(
        &self,
        req: Request,
        stream: bool,
    ) -> Result<
        (
            RequestInfo,
            StatusCode,
            HeaderMap,
            Option<Bytes>,
            Option<reqwest::Response>,
        ),
        Error,
    > {
        let span = tracing::info_span!("tern.request", method = %req.method, path = %req.path);
        let p = self.prepare(req)?;
        // One allocation for the whole call's state machine, which is then never moved: the
        // nested futures are kilobytes, and moving them through each layer cost more than this.
        Box::pin(async move {
            let started = Instant::now();
            let mut attempts = 0u32;
            let mut refreshed = false;
            loop {
                attempts += 1;
                let t = Instant::now();
                let attempt_span = tracing::debug_span!("tern.attempt", attempt = attempts, status = tracing::field::Empty, latency_ms = tracing::field::Empty);
                let (outcome, token) = self.attempt(&p, attempts - 1, stream).instrument(attempt_span.clone()).await?;
                let latency_ms = t.elapsed().as_millis() as u64;
                attempt_span.record("latency_ms", latency_ms);
                if let Attempt::Done { status, .. } | Attempt::Failed { status, .. } = &outcome {
                    attempt_span.record("status", status.as_u16());
                }
                let (retry_outcome, error) = match outcome {
                    Attempt::Done { status, headers, body, response } => {
                        tracing::debug!(attempt = attempts, status = status.as_u16(), latency_ms, "attempt succeeded");
                        self.shared.budget.refund();
                        return Ok((p.info, status, headers, body, response));
                    }
                    Attempt::TooLarge(limit) => return Err(Error::ResponseTooLarge { request: p.info.clone(), limit }),
                    Attempt::Failed { status, headers, body } => {
                        tracing::debug!(attempt = attempts, status = status.as_u16(), latency_ms, "attempt failed");
                        // A rejected token is refreshed and the call tried once more, at once.
                        if status == StatusCode::UNAUTHORIZED && !refreshed {
                            if let Some((provider, token)) = token {
                                refreshed = true;
                                provider.invalidate(&token);
                                tracing::debug!("401 with a provided token: refreshing it and trying again");
                                continue;
                            }
                        }
                        let err = Error::from_status(api_error(p.info.clone(), status, headers.clone(), body));
                        ((status, headers), err)
                    }
                    Attempt::Connection(e) => {
                        tracing::debug!(attempt = attempts, latency_ms, error = %e, "attempt could not connect");
                        ((StatusCode::default(), HeaderMap::new()), Error::Connection { request: p.info.clone(), source: e })
                    }
                    Attempt::Timeout => {
                        tracing::debug!(attempt = attempts, latency_ms, "attempt timed out");
                        ((StatusCode::default(), HeaderMap::new()), Error::Timeout { request: p.info.clone() })
                    }
                };
                let outcome = match &error {
                    Error::Timeout { .. } => Outcome::Timeout,
                    Error::Connection { .. } => Outcome::ConnectionError,
                    _ => Outcome::Response { status: retry_outcome.0, headers: &retry_outcome.1 },
                };
                let retries_done = attempts - 1 - u32::from(refreshed);
                if p.max_retries.is_some_and(|max| retries_done >= max) {
                    return Err(error);
                }
                let ctx = RetryContext { method: &p.method, attempt: attempts - u32::from(refreshed), elapsed: started.elapsed(), outcome, max_retries: p.max_retries };
                let decision = self.shared.retry.decide(&ctx);
                let RetryDecision::RetryAfter(wait) = decision else {
                    return Err(error);
                };
                if p.deadline.is_some_and(|at| Instant::now() + wait >= at) {
                    tracing::debug!(?wait, "not retrying: the wait would pass the deadline");
                    return Err(error);
                }
                let cost = if matches!(outcome, Outcome::Timeout) { RetryBudget::TIMEOUT_COST } else { RetryBudget::RETRY_COST };
                if !self.shared.budget.try_acquire(cost) {
                    tracing::debug!("not retrying: the retry budget is exhausted");
                    return Err(error);
                }
                tracing::debug!(attempt = attempts, reason = %error, ?wait, "retrying");
                self.shared.sleeper.sleep(wait).await;
            }
        }
        .instrument(span))
        .await
    }

    /// Executes a request and reads the whole response.
    pub async fn execute(&self, req: Request) -> Result<RawResponse, Error> {
        let (request, status, headers, body, _) = self.run(req, false).await?;
        Ok(RawResponse {
            request,
            status,
            headers,
            body: body.unwrap_or_default(),
        })
    }

    /// Executes a request and decodes the JSON response.
    pub async fn send<T: serde::de::DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        self.execute(req).await?.json()
    }

    /// Executes a request and decodes the JSON response, keeping status and headers.
    pub async fn send_with_response<T: serde::de::DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<Response<T>, Error> {
        let raw = self.execute(req).await?;
        Ok(Response {
            value: raw.json()?,
            status: raw.status,
            headers: raw.headers,
        })
    }

    /// Executes a request and streams the response body (retries apply until a 2xx arrives).
    pub async fn execute_stream(&self, req: Request) -> Result<StreamResponse, Error> {
        let (request, status, headers, _, response) = self.run(req, true).await?;
        let response = response.ok_or_else(|| Error::invalid("no streaming response"))?;
        Ok(StreamResponse {
            request,
            status,
            headers,
            response,
        })
    }
}

/// The credentials a request sends: untagged ones always; of the tagged ones, those of the
/// first non-empty security alternative the client can satisfy entirely.
fn select_credentials(
    credentials: &[(Option<String>, Credential)],
    security: Option<&[Vec<String>]>,
) -> Vec<usize> {
    let Some(alternatives) = security else {
        return (0..credentials.len()).collect();
    };
    let untagged = credentials
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.is_none())
        .map(|(i, _)| i);
    let has = |scheme: &String| {
        credentials
            .iter()
            .position(|(s, _)| s.as_ref() == Some(scheme))
    };
    let chosen: Vec<usize> = alternatives
        .iter()
        .filter(|alt| !alt.is_empty())
        .find_map(|alt| alt.iter().map(has).collect::<Option<Vec<usize>>>())
        .unwrap_or_default();
    untagged.chain(chosen).collect()
}

enum BodyError {
    TooLarge(usize),
    Transport(reqwest::Error),
}

async fn read_body(mut resp: reqwest::Response, max: Option<usize>) -> Result<Bytes, BodyError> {
    let Some(limit) = max else {
        return resp.bytes().await.map_err(BodyError::Transport);
    };
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge(limit));
    }
    let max = Some(limit);
    let mut buf = BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if let Some(limit) = max {
            if buf.len() + chunk.len() > limit {
                return Err(BodyError::TooLarge(limit));
            }
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

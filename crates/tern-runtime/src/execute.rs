//! Executing a request: the attempt loop as orchestration over the phases that live in their
//! own modules — prepare once ([`prepare`](crate::prepare)), then per attempt: credentials
//! ([`credentials`](crate::credentials)), interceptors, send within the attempt's timeout,
//! read the body ([`body`](crate::body)), and decide what follows
//! ([`outcome`](crate::outcome)).

use crate::auth::Secret;
use crate::body::{read_body, BodyError, PreparedBody};
use crate::client::Client;
use crate::error::{Error, RequestInfo};
use crate::outcome::{Attempt, Attempts, Failure, Next};
use crate::prepare::Prepared;
use crate::request::Request;
use crate::response::{RawResponse, Response, StreamResponse};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;
use tracing::Instrument;

/// What a call's attempts end with: the request, status, headers, and the body read in full
/// or the response to stream.
type Exchanged = (
    RequestInfo,
    StatusCode,
    HeaderMap,
    Option<Bytes>,
    Option<Box<reqwest::Response>>,
);

impl Client {
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
                request: raw.request,
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

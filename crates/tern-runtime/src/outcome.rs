//! After an attempt: success, a typed error, a token refresh, or a retry — the retry
//! bookkeeping around the [`RetryPolicy`](crate::RetryPolicy) (attempt counts, `max_retries`,
//! the deadline, the retry budget), and the interceptors' view of each response.

use crate::auth::{Secret, TokenProvider};
use crate::client::Client;
use crate::error::Error;
use crate::prepare::Prepared;
use crate::response::api_error;
use crate::retry::{Outcome, RetryBudget, RetryContext, RetryDecision};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where a call's attempt loop is.
pub(crate) struct Attempts {
    pub(crate) started: Instant,
    pub(crate) deadline: Option<Instant>,
    pub(crate) count: u32,
    pub(crate) refreshed: bool,
}

/// What the attempt loop does next.
pub(crate) enum Next {
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
pub(crate) enum Attempt {
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
pub(crate) enum Failure {
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Connection(reqwest::Error),
    Timeout,
    TooLarge(usize),
}

impl Client {
    /// Shows the interceptors an attempt's response head.
    #[inline(never)]
    pub(crate) fn observe(&self, outcome: &Attempt, attempt: u32) {
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

    /// What follows an attempt: success, a typed error, or another attempt (now, after a token
    /// refresh, or after a wait the retry policy chose).
    pub(crate) fn after_attempt(
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
    pub(crate) fn after_failure(
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
        // Whatever a policy (a custom one, say) asks for, a retry waits at most this long: a
        // longer wait is a hang, not a retry.
        let wait = wait.min(crate::retry::MAX_RETRY_WAIT);
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
}

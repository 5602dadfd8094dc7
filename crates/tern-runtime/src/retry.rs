//! Retry decisions as values: the default policy, the `civis` preset, `none`, or any type
//! implementing [`RetryPolicy`]; a shared retry budget; and server-directed waits.
//!
//! The decision lives in exactly one place ([`RetryPolicy::decide`]), used by generated SDKs,
//! the dynamic client and the CLI alike.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

/// What happened on one attempt.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// A response arrived.
    Response {
        /// Its status.
        status: StatusCode,
        /// Its headers.
        headers: &'a HeaderMap,
    },
    /// The connection failed.
    ConnectionError,
    /// The attempt timed out.
    Timeout,
}

/// Everything a policy may consider.
#[derive(Debug, Clone, Copy)]
pub struct RetryContext<'a> {
    /// The request method.
    pub method: &'a Method,
    /// Attempts made so far (1 after the first).
    pub attempt: u32,
    /// Time since the call started.
    pub elapsed: Duration,
    /// How the last attempt ended.
    pub outcome: Outcome<'a>,
    /// A per-request retry count that replaces the policy's own limit (the client also stops
    /// after this many retries, whatever the policy says).
    pub max_retries: Option<u32>,
}

/// A policy's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Give up and return the last outcome.
    Stop,
    /// Try again after waiting this long.
    RetryAfter(Duration),
}

/// Decides whether and when to retry.
pub trait RetryPolicy: Send + Sync + fmt::Debug {
    /// The verdict for one failed attempt.
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision;
}

impl<P: RetryPolicy + ?Sized> RetryPolicy for std::sync::Arc<P> {
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision {
        (**self).decide(ctx)
    }
}

/// The wait a server asks for: `retry-after-ms`, or `Retry-After` as (fractional) seconds or an
/// HTTP-date. Only waits between 0 and 60 s are honoured.
pub fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let wait = if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Some(ms / 1000.0)
    } else if let Some(v) = header("retry-after") {
        match v.parse::<f64>() {
            Ok(secs) => Some(secs),
            Err(_) => httpdate::parse_http_date(v).ok().map(|at| {
                match at.duration_since(SystemTime::now()) {
                    Ok(d) => d.as_secs_f64(),
                    Err(_) => 0.0,
                }
            }),
        }
    } else {
        None
    }?;
    (wait.is_finite() && (0.0..=60.0).contains(&wait)).then(|| Duration::from_secs_f64(wait))
}

/// `x-should-retry: true|false` overrides the status-based decision.
fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The default policy: up to `max_retries` retries of connection errors, timeouts, 408, 409,
/// 429 and 5xx; exponential backoff `min(initial × 2ⁿ, max)` minus up to 25% jitter, unless the
/// server says how long to wait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefaultRetry {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// First backoff (default 0.5 s).
    pub initial: Duration,
    /// Backoff cap (default 8 s).
    pub max: Duration,
    /// Fraction of the backoff removed at random, 0..=1 (default 0.25).
    pub jitter: f64,
}

impl Default for DefaultRetry {
    fn default() -> Self {
        DefaultRetry {
            max_retries: 2,
            initial: Duration::from_millis(500),
            max: Duration::from_secs(8),
            jitter: 0.25,
        }
    }
}

impl DefaultRetry {
    /// The policy with another retry count.
    pub fn with_max_retries(max_retries: u32) -> Self {
        DefaultRetry {
            max_retries,
            ..Self::default()
        }
    }

    /// Backoff before retry number `retry` (0-based), with `random` in `[0, 1)`.
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let base = self.initial.as_secs_f64() * 2f64.powi(retry.min(30) as i32);
        let capped = base.min(self.max.as_secs_f64());
        Duration::from_secs_f64(capped * (1.0 - self.jitter.clamp(0.0, 1.0) * random))
    }
}

impl RetryPolicy for DefaultRetry {
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision {
        if ctx.attempt > ctx.max_retries.unwrap_or(self.max_retries) {
            return RetryDecision::Stop;
        }
        let retry = match ctx.outcome {
            Outcome::ConnectionError | Outcome::Timeout => true,
            Outcome::Response { status, headers } => match should_retry_header(headers) {
                Some(v) => v,
                None => matches!(status.as_u16(), 408 | 409 | 429 | 500..=599),
            },
        };
        if !retry {
            return RetryDecision::Stop;
        }
        let server = match ctx.outcome {
            Outcome::Response { headers, .. } => server_wait(headers),
            _ => None,
        };
        RetryDecision::RetryAfter(
            server.unwrap_or_else(|| self.backoff(ctx.attempt - 1, fastrand::f64())),
        )
    }
}

/// The longest wait before a retry, whatever the [`RetryPolicy`] decides (15 minutes): a
/// policy's `Duration::MAX` cannot turn a call into a hang.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(15 * 60);

/// A patient policy for APIs that shed load: GET/PUT/DELETE/HEAD/OPTIONS retried on 429, 502,
/// 503, 504; POST only on 429 and 503 (the request was not processed); PATCH never; full-jitter
/// exponential wait capped at 60 s; at most 10 attempts or 600 s; `Retry-After` honoured.
/// (These are the rules of Civis's Python client.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatientRetry {
    /// Attempt limit (default 10).
    pub max_attempts: u32,
    /// Time limit across attempts (default 600 s).
    pub max_elapsed: Duration,
    /// Wait cap (default 60 s).
    pub max_wait: Duration,
}

impl Default for PatientRetry {
    fn default() -> Self {
        PatientRetry {
            max_attempts: 10,
            max_elapsed: Duration::from_secs(600),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl PatientRetry {
    /// Full jitter: uniform in `[0, min(max_wait, 2^attempt s))`.
    pub fn backoff(&self, attempt: u32, random: f64) -> Duration {
        let cap = 2f64
            .powi(attempt.min(30) as i32)
            .min(self.max_wait.as_secs_f64());
        Duration::from_secs_f64(cap * random)
    }
}

impl RetryPolicy for PatientRetry {
    fn decide(&self, ctx: &RetryContext<'_>) -> RetryDecision {
        let max_attempts = ctx
            .max_retries
            .map_or(self.max_attempts, |r| r.saturating_add(1));
        if ctx.attempt >= max_attempts || ctx.elapsed >= self.max_elapsed {
            return RetryDecision::Stop;
        }
        let Outcome::Response { status, headers } = ctx.outcome else {
            return RetryDecision::Stop;
        };
        let code = status.as_u16();
        let retry = match *ctx.method {
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS => {
                matches!(code, 429 | 502 | 503 | 504)
            }
            Method::POST => matches!(code, 429 | 503),
            _ => false,
        };
        if !retry {
            return RetryDecision::Stop;
        }
        let wait =
            server_wait(headers).unwrap_or_else(|| self.backoff(ctx.attempt, fastrand::f64()));
        RetryDecision::RetryAfter(wait)
    }
}

/// Never retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoRetry;

impl RetryPolicy for NoRetry {
    fn decide(&self, _ctx: &RetryContext<'_>) -> RetryDecision {
        RetryDecision::Stop
    }
}

/// A token bucket shared by all calls of a client, so that a failing server does not get retry
/// storms: a retry costs 5 tokens (10 after a timeout), a success returns 1, up to the capacity
/// (500 by default).
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    /// Cost of retrying after an error response or connection failure.
    pub const RETRY_COST: u32 = 5;
    /// Cost of retrying after a timeout.
    pub const TIMEOUT_COST: u32 = 10;

    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        RetryBudget {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes `cost` tokens if there are enough.
    pub fn try_acquire(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Returns one token after a success.
    pub fn refund(&self) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then_some(t + 1)
            });
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(500)
    }
}

/// Waits between attempts. The default uses Tokio's timer; tests substitute one that records
/// the requested waits and returns at once.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// Waits for `d`.
    fn sleep(&self, d: Duration) -> crate::auth::BoxFuture<'static, ()>;
}

/// Tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, d: Duration) -> crate::auth::BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_is_exponential_capped_and_jittered_within_25_percent() {
        let p = DefaultRetry::default();
        assert_eq!(p.backoff(0, 0.0), Duration::from_millis(500));
        assert_eq!(p.backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(p.backoff(10, 0.0), Duration::from_secs(8));
        assert_eq!(p.backoff(0, 1.0), Duration::from_millis(375));
        for _ in 0..1000 {
            let d = p.backoff(2, fastrand::f64());
            assert!(
                d > Duration::from_millis(1500) && d <= Duration::from_secs(2),
                "{d:?}"
            );
        }
    }

    #[test]
    fn server_waits_in_every_form_and_the_60s_cap() {
        let h = |pairs: &[(&'static str, &str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, HeaderValue::from_str(v).unwrap());
            }
            m
        };
        assert_eq!(
            server_wait(&h(&[("retry-after-ms", "250")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            server_wait(&h(&[("retry-after", "1.5")])),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(server_wait(&h(&[("retry-after", "61")])), None);
        assert_eq!(server_wait(&h(&[("retry-after", "-1")])), None);
        assert_eq!(
            server_wait(&h(&[("retry-after-ms", "100"), ("retry-after", "5")])),
            Some(Duration::from_millis(100))
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let w = server_wait(&h(&[("retry-after", &soon)])).unwrap();
        assert!(
            w > Duration::from_secs(28) && w <= Duration::from_secs(30),
            "{w:?}"
        );
        let late = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        assert_eq!(server_wait(&h(&[("retry-after", &late)])), None);
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        assert_eq!(
            server_wait(&h(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
        assert_eq!(server_wait(&h(&[("retry-after", "soon")])), None);
    }

    #[test]
    fn civis_preset_rules() {
        let p = PatientRetry::default();
        let headers = HeaderMap::new();
        let decide = |method: Method, code: u16, attempt: u32| {
            p.decide(&RetryContext {
                method: &method,
                attempt,
                elapsed: Duration::ZERO,
                max_retries: None,
                outcome: Outcome::Response {
                    status: StatusCode::from_u16(code).unwrap(),
                    headers: &headers,
                },
            })
        };
        for m in [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
        ] {
            for code in [429, 502, 503, 504] {
                assert!(
                    matches!(decide(m.clone(), code, 1), RetryDecision::RetryAfter(_)),
                    "{m} {code}"
                );
            }
            assert_eq!(decide(m.clone(), 500, 1), RetryDecision::Stop);
        }
        assert!(matches!(
            decide(Method::POST, 429, 1),
            RetryDecision::RetryAfter(_)
        ));
        assert!(matches!(
            decide(Method::POST, 503, 1),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(decide(Method::POST, 502, 1), RetryDecision::Stop);
        assert_eq!(decide(Method::PATCH, 429, 1), RetryDecision::Stop);
        assert_eq!(decide(Method::GET, 503, 10), RetryDecision::Stop);
        let late = p.decide(&RetryContext {
            method: &Method::GET,
            attempt: 1,
            elapsed: Duration::from_secs(600),
            max_retries: None,
            outcome: Outcome::Response {
                status: StatusCode::SERVICE_UNAVAILABLE,
                headers: &headers,
            },
        });
        assert_eq!(late, RetryDecision::Stop);
        for _ in 0..1000 {
            assert!(p.backoff(9, fastrand::f64()) < Duration::from_secs(60));
        }
    }

    #[test]
    fn budget_drains_and_refills() {
        let b = RetryBudget::new(12);
        assert!(b.try_acquire(RetryBudget::RETRY_COST));
        assert!(b.try_acquire(RetryBudget::RETRY_COST));
        assert!(!b.try_acquire(RetryBudget::RETRY_COST));
        assert_eq!(b.available(), 2);
        for _ in 0..20 {
            b.refund();
        }
        assert_eq!(b.available(), 12);
    }
}

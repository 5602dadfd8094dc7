//! Any header lines (`Retry-After`, `retry-after-ms`, rate-limit headers, anything) →
//! `server_wait` and the retry policies: never a panic, a server's wait is honoured only
//! between 0 and 60 s, and no policy waits longer than that or [`MAX_RETRY_WAIT`].
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::Duration;
use tern_runtime::{
    server_wait, DefaultRetry, Method, Outcome, PatientRetry, RetryContext, RetryDecision,
    RetryPolicy, StatusCode, MAX_RETRY_WAIT,
};

#[path = "support/headers.rs"]
mod support;
use support::headers;

const SERVER_CAP: Duration = Duration::from_secs(60);

fuzz_target!(|data: &[u8]| {
    let map = headers(data);
    let wait = server_wait(&map);
    assert!(
        wait.is_none_or(|w| w <= SERVER_CAP),
        "{wait:?} from {map:?}"
    );
    // Whole seconds in range are honoured exactly (when no `retry-after-ms` comes first).
    let seconds = map
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let (Some(s @ 0..=60), None) = (seconds, map.get("retry-after-ms")) {
        assert_eq!(wait, Some(Duration::from_secs(s)), "{map:?}");
    }
    for status in [429, 503] {
        let ctx = |method| RetryContext {
            method,
            attempt: 1,
            elapsed: Duration::ZERO,
            outcome: Outcome::Response {
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::TOO_MANY_REQUESTS),
                headers: &map,
            },
            max_retries: None,
        };
        let decisions = [
            DefaultRetry::default().decide(&ctx(&Method::GET)),
            PatientRetry::default().decide(&ctx(&Method::GET)),
        ];
        for d in decisions {
            if let RetryDecision::RetryAfter(w) = d {
                assert!(w <= SERVER_CAP && w <= MAX_RETRY_WAIT, "{d:?} from {map:?}");
                if let Some(server) = wait {
                    assert_eq!(w, server, "the server's wait is not the one taken");
                }
            }
        }
    }
});

//! Any body → the OAuth2 token response reader: never a panic; a token read is the body's
//! `access_token`; whatever `expires_in` says (1e19, -5, "NaN", "1e400", …) the renewal time
//! is within [0, MAX_TOKEN_LIFETIME], at least half the believed lifetime, and an `Instant`
//! can carry it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};
use tern_runtime::fuzzing::{token_response, MAX_TOKEN_LIFETIME};

/// What a token response must be.
#[derive(serde::Deserialize)]
struct Body {
    access_token: String,
}

fuzz_target!(|data: &[u8]| {
    for margin in [Duration::ZERO, Duration::from_secs(30), Duration::MAX] {
        let Some((token, expires_in, renew_after)) = token_response(data, margin) else {
            continue;
        };
        // The token read is the body's `access_token` (serde checks neither the UTF-8 nor the
        // range of numbers in members it skips, so neither does this).
        let body: Body =
            serde_json::from_slice(data).unwrap_or_else(|e| panic!("read a token from {e}"));
        assert_eq!(body.access_token, token);
        assert_eq!(expires_in.is_some(), renew_after.is_some());
        let (Some(secs), Some(after)) = (expires_in, renew_after) else {
            continue;
        };
        assert!(after <= MAX_TOKEN_LIFETIME, "{secs} s → {after:?}");
        assert!(Instant::now().checked_add(after).is_some(), "{after:?}");
        let believed = if secs.is_nan() {
            0.0
        } else {
            secs.clamp(0.0, MAX_TOKEN_LIFETIME.as_secs_f64())
        };
        let lifetime = Duration::from_secs_f64(believed);
        assert!(
            after <= lifetime && after >= lifetime / 2,
            "{secs} s, margin {margin:?} → {after:?}"
        );
        assert_eq!(after, lifetime.saturating_sub(margin.min(lifetime / 2)));
    }
});

//! Loading over HTTP(S) (feature `http`): a blocking driver for [`LoadSession`].
//!
//! The only network I/O in this crate. Async or authenticated callers (the dynamic client)
//! drive a [`LoadSession`] with their own transport instead.

use crate::{Diagnostic, LoadError, LoadSession, Loaded, Position, Severity, Url};
use std::time::Duration;

fn error(file: &str, message: String) -> LoadError {
    LoadError {
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            code: "http",
            message,
            file: file.to_owned(),
            position: Position { line: 1, column: 1 },
            pointer: String::new(),
        }],
    }
}

fn get(client: &reqwest::blocking::Client, url: &Url) -> Result<Vec<u8>, String> {
    let response = client.get(url.as_str()).send().map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    response
        .bytes()
        .map(|b| b.to_vec())
        .map_err(|e| e.to_string())
}

/// Loads a description from an `http(s)` URL, following references to other `http(s)` files
/// (the session refuses references from a remote document to local files).
///
/// Uses a blocking client: do not call it from inside an async runtime.
pub fn load_url(url: &str) -> Result<Loaded, LoadError> {
    let parsed = Url::parse(url).map_err(|e| error(url, format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(error(url, "only http and https URLs can be fetched".into()));
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("tern/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| error(url, format!("cannot build an HTTP client: {e}")))?;
    let bytes =
        get(&client, &parsed).map_err(|e| error(url, format!("cannot fetch the document: {e}")))?;
    let mut session = LoadSession::new(parsed, bytes)?;
    loop {
        let pending = session.pending();
        if pending.is_empty() {
            break;
        }
        for u in pending {
            let result = get(&client, &u);
            session.supply(&u, result);
        }
    }
    Ok(session.finish())
}

//! `--verbose` and `--dry-run`: the requests `tern call` sends (and the response heads it
//! gets), printed to stderr through a tern-runtime interceptor, with every credential
//! redacted.

use tern_runtime::{AttemptRequest, AttemptResponse, Error, Interceptor};

/// What a dry run's interceptor ends the call with; `tern call` reports it as success.
pub(crate) const DRY_RUN: &str = "dry run: nothing was sent";

/// Prints each attempt; with `dry_run`, prints the first request and ends the call unsent.
pub(crate) struct Show {
    /// The credentials given, redacted wherever they appear.
    pub(crate) secrets: Vec<String>,
    pub(crate) dry_run: bool,
}

/// Header and query names whose values are credentials.
fn sensitive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "auth",
        "key",
        "token",
        "secret",
        "cookie",
        "session",
        "signature",
        "password",
    ]
    .iter()
    .any(|s| n.contains(s))
}

impl Show {
    fn redact(&self, name: &str, value: &str) -> String {
        if sensitive(name) || self.secrets.iter().any(|s| value.contains(s.as_str())) {
            // Keep the scheme (`Bearer`, `Basic`): it tells which credential went out.
            match value.split_once(' ') {
                Some((scheme, _)) if name.eq_ignore_ascii_case("authorization") => {
                    format!("{scheme} ****")
                }
                _ => "****".to_owned(),
            }
        } else {
            value.to_owned()
        }
    }

    fn url(&self, request: &AttemptRequest<'_>) -> String {
        let full = request.url();
        let Some(query) = request.query() else {
            return full.to_owned();
        };
        let base = full.split('?').next().unwrap_or(full);
        let redacted: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => format!("{k}={}", self.redact(k, v)),
                None => pair.to_owned(),
            })
            .collect();
        format!("{base}?{}", redacted.join("&"))
    }
}

impl Interceptor for Show {
    fn before_send(&self, request: &mut AttemptRequest<'_>) -> Result<(), Error> {
        let mut out = format!(
            "> {} {} (attempt {})\n",
            request.method(),
            self.url(request),
            request.attempt()
        );
        for (name, value) in request.headers() {
            let value = String::from_utf8_lossy(value.as_bytes());
            out.push_str(&format!(
                "> {name}: {}\n",
                self.redact(name.as_str(), &value)
            ));
        }
        match request.body() {
            Some(b) => out.push_str(&format!("> ({} bytes of body)\n", b.len())),
            None => out.push_str("> (no body)\n"),
        }
        eprint!("{out}");
        if self.dry_run {
            return Err(Error::InvalidRequest {
                message: DRY_RUN.into(),
            });
        }
        Ok(())
    }

    fn after_response(&self, response: &AttemptResponse<'_>) {
        let mut out = format!("< {} (attempt {})\n", response.status, response.attempt);
        for (name, value) in response.headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            out.push_str(&format!(
                "< {name}: {}\n",
                self.redact(name.as_str(), &value)
            ));
        }
        eprint!("{out}");
    }
}

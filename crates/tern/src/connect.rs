//! The options that say which API to reach and how — shared by `tern call` and `tern mcp`.

use tern_dynamic::{DynamicClient, DynamicClientBuilder};

/// Spec, server, credentials, headers, retries and limits.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct Connection {
    /// Path or http(s) URL of the API description (required).
    #[arg(long, value_hint = clap::ValueHint::FilePath)]
    pub(crate) spec: Option<String>,
    /// Server URL (default: the spec's first server).
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// API key, placed as the spec's security scheme says.
    #[arg(long, env = "TERN_API_KEY", hide_env_values = true)]
    pub(crate) api_key: Option<String>,
    /// Bearer token.
    #[arg(long, env = "TERN_BEARER_TOKEN", hide_env_values = true)]
    pub(crate) bearer_token: Option<String>,
    /// HTTP basic credentials as USER:PASSWORD.
    #[arg(long, env = "TERN_BASIC_AUTH", hide_env_values = true)]
    pub(crate) basic: Option<String>,
    /// A credential for one security scheme, as SCHEME=VALUE (repeatable): for APIs that
    /// declare several API keys, often required together. SCHEME is the scheme's name or its
    /// snake_case form; each is also read from TERN_<SCHEME> (spec-derived help lists them).
    #[arg(long = "auth", value_name = "SCHEME=VALUE")]
    pub(crate) auth: Vec<String>,
    /// OAuth 2 client credentials as ID:SECRET, exchanged for a token at the API's token URL.
    #[arg(long, env = "TERN_CLIENT_CREDENTIALS", hide_env_values = true)]
    pub(crate) client_credentials: Option<String>,
    /// Extra header `Name: value` (repeatable).
    #[arg(long)]
    pub(crate) header: Vec<String>,
    /// Retry policy.
    #[arg(long, value_enum, default_value_t = crate::Retry::Default)]
    pub(crate) retry: crate::Retry,
    /// Retries after the first attempt (default: the policy's, 2).
    #[arg(long, value_name = "N")]
    pub(crate) max_retries: Option<u32>,
    /// Per-attempt timeout in seconds, covering the whole response (default 60).
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    pub(crate) timeout: Option<std::time::Duration>,
    /// Timeout for establishing a connection, in seconds.
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    pub(crate) connect_timeout: Option<std::time::Duration>,
    /// Deadline for the whole call, retries and waits included, in seconds.
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    pub(crate) deadline: Option<std::time::Duration>,
    /// Send arguments as given, without checking them against the spec's schemas first.
    #[arg(long)]
    pub(crate) no_validate: bool,
    /// The largest response body read into memory (bytes; K, M and G suffixes), default 100M.
    #[arg(long, value_name = "SIZE", value_parser = size, default_value = "100M")]
    pub(crate) max_body: usize,
}

/// Seconds (fractions allowed) as a duration.
pub(crate) fn seconds(text: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    std::time::Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("`{text}` is not a usable number of seconds"))
}

/// A size in bytes, with an optional K, M or G suffix (powers of 1024).
pub(crate) fn size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let shift = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => {
            return Err(format!(
                "`{text}`: expected bytes, or a number with K, M or G"
            ))
        }
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1usize << shift))
        .ok_or_else(|| format!("`{text}` is not a usable size"))
}

impl Connection {
    /// A dynamic-client builder with these options; a usage error names the bad option.
    pub(crate) fn builder(&self) -> Result<DynamicClientBuilder, String> {
        let Some(spec) = &self.spec else {
            return Err("--spec SPEC is required (a path or an http(s) URL)".into());
        };
        let mut builder = DynamicClient::builder();
        builder = if spec.starts_with("http://") || spec.starts_with("https://") {
            builder.spec_url(spec.clone())
        } else {
            builder.spec_path(spec.clone())
        };
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        let mut options = tern_runtime::RequestOptions::new().max_response_bytes(self.max_body);
        if let Some(n) = self.max_retries {
            options = options.max_retries(n);
        }
        if let Some(d) = self.deadline {
            options = options.deadline(d);
        }
        builder = builder.options(options);
        if let Some(b) = &self.base_url {
            builder = builder.base_url(b.clone());
        }
        if let Some(k) = &self.api_key {
            builder = builder.api_key(k.clone());
        }
        if let Some(t) = &self.bearer_token {
            builder = builder.bearer_token(t.clone());
        }
        for a in &self.auth {
            match a.split_once('=') {
                Some((scheme, value)) => builder = builder.credential(scheme.trim(), value),
                None => return Err(format!("`--auth {a}` must be SCHEME=VALUE")),
            }
        }
        builder = builder.credentials_from_env().validate(!self.no_validate);
        if let Some(pair) = &self.client_credentials {
            match pair.split_once(':') {
                Some((id, secret)) => builder = builder.oauth2_client(id, secret),
                None => return Err("`--client-credentials` must be ID:SECRET".into()),
            }
        }
        if let Some(basic) = &self.basic {
            let (u, p) = basic.split_once(':').unwrap_or((basic.as_str(), ""));
            builder = builder.basic_auth(u, p);
        }
        for h in &self.header {
            match h.split_once(':') {
                Some((n, v)) => builder = builder.header(n.trim(), v.trim()),
                None => return Err(format!("`--header {h}` must be `Name: value`")),
            }
        }
        Ok(match self.retry {
            crate::Retry::Default => builder,
            crate::Retry::Patient => builder.retry_policy(tern_runtime::PatientRetry::default()),
            crate::Retry::None => builder.retry_policy(tern_runtime::NoRetry),
        })
    }
}

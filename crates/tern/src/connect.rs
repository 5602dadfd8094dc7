//! The options that say which API to reach and how — shared by `tern call` and `tern mcp`.

use tern_dynamic::{DynamicClient, DynamicClientBuilder};

/// Spec, server, credentials, headers and retries.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct Connection {
    /// Path or http(s) URL of the API description.
    #[arg(long)]
    pub(crate) spec: String,
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
    /// Extra header `Name: value` (repeatable).
    #[arg(long)]
    pub(crate) header: Vec<String>,
    /// Retry policy.
    #[arg(long, value_enum, default_value_t = crate::Retry::Default)]
    pub(crate) retry: crate::Retry,
}

impl Connection {
    /// A dynamic-client builder with these options; a usage error names the bad option.
    pub(crate) fn builder(&self) -> Result<DynamicClientBuilder, String> {
        let mut builder = DynamicClient::builder();
        builder = if self.spec.starts_with("http://") || self.spec.starts_with("https://") {
            builder.spec_url(self.spec.clone())
        } else {
            builder.spec_path(self.spec.clone())
        };
        if let Some(b) = &self.base_url {
            builder = builder.base_url(b.clone());
        }
        if let Some(k) = &self.api_key {
            builder = builder.api_key(k.clone());
        }
        if let Some(t) = &self.bearer_token {
            builder = builder.bearer_token(t.clone());
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
            crate::Retry::Civis => builder.retry_policy(tern_runtime::CivisRetry::default()),
            crate::Retry::None => builder.retry_policy(tern_runtime::NoRetry),
        })
    }
}

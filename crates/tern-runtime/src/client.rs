//! The client: configuration (a builder), cheap to clone, `Send + Sync`.

use crate::auth::{Credential, OAuth2ClientCredentials, OAuth2Provider, Secret, TokenProvider};
use crate::error::Error;
use crate::request::RequestOptions;
use crate::retry::{DefaultRetry, RetryBudget, RetryPolicy, Sleeper, TokioSleeper};
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A configured API client. Clone it freely: clones share the connection pool, the token cache
/// and the retry budget.
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    pub(crate) options: Arc<RequestOptions>,
}

pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The base URL parsed once (`None` when it does not parse: calls then report it).
    pub(crate) base: Option<url::Url>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) default_headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) default_query: Vec<(String, String)>,
    /// Credentials with the security scheme they satisfy (`None` = sent with every request).
    pub(crate) credentials: Vec<(Vec<String>, Credential)>,
    pub(crate) retry: Arc<dyn RetryPolicy>,
    pub(crate) budget: RetryBudget,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) timeout: Duration,
    pub(crate) idempotency_header: Option<HeaderName>,
    pub(crate) retry_count_header: Option<HeaderName>,
    /// Hooks on every attempt, in the order they were added.
    pub(crate) interceptors: Vec<Arc<dyn crate::Interceptor>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("credentials", &self.shared.credentials)
            .field("retry", &self.shared.retry)
            .field("timeout", &self.shared.timeout)
            .field("options", &self.options)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client for `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// A cheap copy of this client with `options` applied to every call it makes.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            shared: self.shared.clone(),
            options: Arc::new(self.options.merged(&options)),
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Tokens left in the retry budget.
    pub fn retry_budget(&self) -> u32 {
        self.shared.budget.available()
    }
}

enum PendingCredential {
    Ready(Credential),
    BearerEnv(String),
    OAuth2(OAuth2ClientCredentials),
}

struct Tagged(Vec<String>, PendingCredential);

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    http: Option<reqwest::Client>,
    sdk: Option<(String, String)>,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    credentials: Vec<Tagged>,
    retry: Arc<dyn RetryPolicy>,
    budget: u32,
    sleeper: Arc<dyn Sleeper>,
    timeout: Duration,
    connect_timeout: Duration,
    options: RequestOptions,
    idempotency_header: Option<String>,
    retry_count_header: Option<String>,
    interceptors: Vec<Arc<dyn crate::Interceptor>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            http: None,
            sdk: None,
            headers: Vec::new(),
            query: Vec::new(),
            credentials: Vec::new(),
            retry: Arc::new(DefaultRetry::default()),
            budget: 500,
            sleeper: Arc::new(TokioSleeper),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            options: RequestOptions::default(),
            idempotency_header: None,
            retry_count_header: Some("x-retry-count".into()),
            interceptors: Vec::new(),
        }
    }

    /// Uses another base URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Names the SDK in the User-Agent: `<name>/<version> tern-runtime/<version>`.
    pub fn sdk(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.sdk = Some((name.into(), version.into()));
        self
    }
    /// Uses this HTTP client (proxies, local address, TLS settings) for every request, token
    /// fetches included: the escape hatch to the stack underneath (see [`crate::transport`]).
    pub fn http_client(mut self, client: crate::transport::Client) -> Self {
        self.http = Some(client);
        self
    }
    /// Sends a header with every request (e.g. an API-version pin).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Sends a query parameter with every request.
    pub fn default_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
    /// Authenticates with a bearer token.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials.push(Tagged(
            Vec::new(),
            PendingCredential::Ready(Credential::Bearer(token.into())),
        ));
        self
    }
    /// Authenticates with a bearer token read from an environment variable when building.
    pub fn bearer_token_from_env(mut self, var: impl Into<String>) -> Self {
        self.credentials
            .push(Tagged(Vec::new(), PendingCredential::BearerEnv(var.into())));
        self
    }
    /// Authenticates with tokens from a provider.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.credentials.push(Tagged(
            Vec::new(),
            PendingCredential::Ready(Credential::BearerProvider(provider)),
        ));
        self
    }
    /// Authenticates with HTTP basic.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials.push(Tagged(
            Vec::new(),
            PendingCredential::Ready(Credential::Basic {
                username: username.into(),
                password: password.into(),
            }),
        ));
        self
    }
    /// Authenticates with an API key.
    pub fn api_key(
        mut self,
        location: crate::auth::ApiKeyLocation,
        name: impl Into<String>,
        value: impl Into<Secret>,
    ) -> Self {
        self.credentials.push(Tagged(
            Vec::new(),
            PendingCredential::Ready(Credential::ApiKey {
                location,
                name: name.into(),
                value: value.into(),
            }),
        ));
        self
    }
    /// Authenticates with OAuth2 client credentials (tokens fetched, cached and refreshed).
    pub fn oauth2_client_credentials(mut self, settings: OAuth2ClientCredentials) -> Self {
        self.credentials
            .push(Tagged(Vec::new(), PendingCredential::OAuth2(settings)));
        self
    }
    /// Ties the credential added last to a security scheme name: it is then sent only to
    /// requests whose [`crate::Request::security`] selects that scheme. Called again, it ties
    /// the credential to another scheme as well (one token satisfying two token schemes).
    pub fn for_scheme(mut self, scheme: impl Into<String>) -> Self {
        if let Some(last) = self.credentials.last_mut() {
            last.0.push(scheme.into());
        }
        self
    }

    /// Adds an [`Interceptor`](crate::Interceptor): it sees every attempt's request before it
    /// is sent (and may sign or rewrite it) and every response head. Interceptors run in the
    /// order they were added.
    pub fn interceptor(mut self, interceptor: impl crate::Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Sets the retry policy ([`DefaultRetry`], [`crate::PatientRetry`], [`crate::NoRetry`], or
    /// your own).
    pub fn retry_policy(mut self, policy: impl RetryPolicy + 'static) -> Self {
        self.retry = Arc::new(policy);
        self
    }
    /// Sets the retry budget's capacity in tokens (a retry costs 5, 10 after a timeout).
    pub fn retry_budget(mut self, tokens: u32) -> Self {
        self.budget = tokens;
        self
    }
    /// Replaces the timer used between retries (for tests).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }
    /// Timeout of each attempt (default 60 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    /// Connect timeout of the built-in HTTP client (default 5 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Default per-request options (deadline, extra headers, …).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }
    /// Sends a generated idempotency key in this header on POST and PATCH requests.
    pub fn idempotency_header(mut self, name: impl Into<String>) -> Self {
        self.idempotency_header = Some(name.into());
        self
    }
    /// The header carrying the retry count (default `x-retry-count`; `None` to send none).
    pub fn retry_count_header(mut self, name: Option<String>) -> Self {
        self.retry_count_header = name;
        self
    }

    /// Builds the client; fails on invalid headers or missing credentials.
    pub fn build(self) -> Result<Client, Error> {
        let header_name = |n: &str| {
            HeaderName::from_bytes(n.as_bytes())
                .map_err(|_| Error::invalid(format!("`{n}` is not a valid header name")))
        };
        let mut default_headers = Vec::new();
        for (n, v) in &self.headers {
            let value = HeaderValue::from_str(v).map_err(|_| {
                Error::invalid(format!(
                    "the value of header `{n}` is not valid (control characters?)"
                ))
            })?;
            default_headers.push((header_name(n)?, value));
        }
        let ua = match &self.sdk {
            Some((name, version)) => format!(
                "{name}/{version} tern-runtime/{}",
                env!("CARGO_PKG_VERSION")
            ),
            None => format!("tern-runtime/{}", env!("CARGO_PKG_VERSION")),
        };
        let user_agent = HeaderValue::from_str(&ua)
            .map_err(|_| Error::invalid("the SDK name is not a valid header value"))?;
        let http = match self.http {
            Some(h) => h,
            // Retries are this crate's: reqwest's own retry layer (protocol NACKs) is off, so
            // that it neither retries behind the policy's back nor copies every request.
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .retry(reqwest::retry::never().max_retries_per_request(0))
                .build()
                .map_err(|e| Error::Credentials {
                    message: format!("cannot build the HTTP client: {e}"),
                    source: None,
                })?,
        };
        let mut credentials = Vec::new();
        for Tagged(scheme, c) in self.credentials {
            let credential = match c {
                PendingCredential::Ready(c) => c,
                PendingCredential::BearerEnv(var) => match std::env::var(&var) {
                    Ok(v) if !v.is_empty() => Credential::Bearer(Secret::new(v)),
                    _ => {
                        return Err(Error::Credentials {
                            message: format!("the environment variable `{var}` is not set"),
                            source: None,
                        })
                    }
                },
                PendingCredential::OAuth2(settings) => Credential::BearerProvider(Arc::new(
                    OAuth2Provider::new(settings, http.clone(), self.base_url.clone()),
                )),
            };
            credentials.push((scheme, credential));
        }
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base: url::Url::parse(&self.base_url)
                    .ok()
                    .filter(|u| !u.cannot_be_a_base()),
                base_url: self.base_url,
                user_agent,
                default_headers,
                default_query: self.query,
                credentials,
                retry: self.retry,
                budget: RetryBudget::new(self.budget),
                sleeper: self.sleeper,
                timeout: self.timeout,
                idempotency_header: self
                    .idempotency_header
                    .as_deref()
                    .map(header_name)
                    .transpose()?,
                retry_count_header: self
                    .retry_count_header
                    .as_deref()
                    .map(header_name)
                    .transpose()?,
                interceptors: self.interceptors,
            }),
            options: Arc::new(self.options),
        })
    }
}

//! # tern-dynamic — call any API by resource and method name
//!
//! Loads an API description at run time (a URL — fetched with the client's own auth and
//! retries —, a file, or a document in memory), names its endpoints by the `rest` scheme
//! (Civis's rules, legacy `list_…` aliases included), and calls them through `tern-runtime`.
//! Arguments are checked against the spec's schemas before anything is sent.
//!
//! **Owns:** run-time binding of arguments to operations, spec caching, help texts.
//! **Must not:** implement HTTP behaviour (that is `tern-runtime`) or interpret specs (that is
//! `tern-model`).
//!
//! ```no_run
//! # async fn run() -> Result<(), tern_dynamic::DynamicError> {
//! use tern_dynamic::{Args, DynamicClient};
//!
//! let client = DynamicClient::builder().spec_path("civis.json").api_key("…").build().await?;
//! let workflows = client.resource("workflows")?;
//! let runs = workflows.method("list_executions")?.call(Args::new().arg(42).named("limit", 10)).await?;
//! println!("{}", runs.body);
//! # Ok(()) }
//! ```

mod args;
mod cache;
mod credentials;
mod help;
mod method;
mod schema;
mod validate;

pub use args::Args;
pub use cache::{CacheOptions, Clock, SystemClock};
pub use method::{get, DynResponse, MethodRef, MissingCredential, RateLimit};

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tern_model::{ApiModel, NamingScheme};
use tern_runtime::RetryPolicy;
use tern_spec::{Diagnostic, Spec};

/// Everything that can go wrong building a client or calling a method.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DynamicError {
    /// The spec could not be loaded.
    #[error("cannot load the API description: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Spec(Vec<Diagnostic>),
    /// Fetching the spec failed.
    #[error("cannot fetch the API description: {0}")]
    Fetch(#[source] tern_runtime::Error),
    /// No resource by that name.
    #[error("no resource `{name}`; resources: {}", .available.join(", "))]
    UnknownResource {
        /// What was asked for.
        name: String,
        /// What exists.
        available: Vec<String>,
    },
    /// No method by that name.
    #[error("`{resource}` has no method `{name}`; methods: {}", .available.join(", "))]
    UnknownMethod {
        /// The resource.
        resource: String,
        /// What was asked for.
        name: String,
        /// What exists.
        available: Vec<String>,
    },
    /// A required argument is missing.
    #[error("{method}: missing required argument `{name}`")]
    MissingArgument {
        /// `resource.method`.
        method: String,
        /// The argument.
        name: String,
    },
    /// An argument the method does not take.
    #[error("{method}: unknown argument `{name}`; it takes: {}", .expected.join(", "))]
    UnknownArgument {
        /// `resource.method`.
        method: String,
        /// The argument given.
        name: String,
        /// What it takes.
        expected: Vec<String>,
    },
    /// An argument given twice (positionally and by name).
    #[error("{method}: argument `{name}` is given twice")]
    DuplicateArgument {
        /// `resource.method`.
        method: String,
        /// The argument.
        name: String,
    },
    /// More positional arguments than the method has.
    #[error("{method}: takes {expected} positional argument(s), {got} given")]
    TooManyArguments {
        /// `resource.method`.
        method: String,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// A value violates its schema (checked before sending).
    #[error("{method}: argument `{name}` is invalid: {message}")]
    InvalidArgument {
        /// `resource.method`.
        method: String,
        /// The argument.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// No server URL in the spec and none given.
    #[error("the API description names no server; give a base URL")]
    NoBaseUrl,
    /// The call failed (HTTP status, connection, timeout, decoding).
    #[error(transparent)]
    Http(#[from] tern_runtime::Error),
}

/// A loaded, modelled description, shared by every client built from it (and by the cache).
#[derive(Debug)]
pub struct LoadedApi {
    /// The document.
    pub spec: Spec,
    /// The model.
    pub model: ApiModel,
    /// Warnings found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// Where it came from (a URL or path).
    pub source: String,
    resources: Vec<(String, Vec<usize>)>,
    validators: Vec<OnceLock<validate::OpValidators>>,
    /// Per operation: the validator of its success response's JSON body, built on first use.
    response_validators: Vec<OnceLock<Option<jsonschema::Validator>>>,
}

impl LoadedApi {
    /// Models a loaded spec.
    pub fn new(spec: Spec, mut diagnostics: Vec<Diagnostic>, source: String) -> LoadedApi {
        let (model, more) = tern_model::build(&spec);
        diagnostics.extend(more);
        let resources = model
            .resources(NamingScheme::Rest)
            .into_iter()
            .map(|r| (r.name, r.operations))
            .collect();
        let validators = model.operations.iter().map(|_| OnceLock::new()).collect();
        let response_validators = model.operations.iter().map(|_| OnceLock::new()).collect();
        LoadedApi {
            spec,
            model,
            diagnostics,
            source,
            resources,
            validators,
            response_validators,
        }
    }

    fn response_validator(&self, index: usize) -> Option<&jsonschema::Validator> {
        self.response_validators[index]
            .get_or_init(|| {
                let source = self.model.operations[index]
                    .success_response()?
                    .contents
                    .iter()
                    .find(|c| c.kind == tern_model::BodyKind::Json)?
                    .schema_source
                    .clone()?;
                schema::bundle(&self.spec, source.file, &source.pointer, false)
                    .as_ref()
                    .and_then(schema::compile)
            })
            .as_ref()
    }

    fn validators(&self, index: usize) -> &validate::OpValidators {
        self.validators[index].get_or_init(|| {
            validate::OpValidators::build(&self.spec, &self.model.operations[index])
        })
    }
}

/// How to authenticate; applied according to the spec's security schemes.
#[derive(Clone, Default)]
struct Credentials {
    api_key: Option<String>,
    bearer: Option<String>,
    basic: Option<(String, String)>,
    oauth2: Option<(String, String)>,
    /// Values given by scheme: `(scheme or builder-method name, value)`.
    named: Vec<(String, String)>,
    /// Whether the variables the plan names for single-value credentials are read.
    from_env: bool,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("bearer", &self.bearer.as_ref().map(|_| "***"))
            .field(
                "named",
                &self
                    .named
                    .iter()
                    .map(|(n, _)| (n, "***"))
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// Where the spec comes from.
#[derive(Debug, Clone)]
enum SpecSource {
    Path(std::path::PathBuf),
    Url(String),
    Document(String, String),
}

/// Configures a [`DynamicClient`].
#[derive(Debug)]
pub struct DynamicClientBuilder {
    source: Option<SpecSource>,
    base_url: Option<String>,
    credentials: Credentials,
    retry: Option<Arc<dyn RetryPolicy>>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    options: Option<tern_runtime::RequestOptions>,
    interceptors: Interceptors,
    headers: Vec<(String, String)>,
    cache: CacheOptions,
    no_validate: bool,
}

/// Interceptors, shown in `Debug` by count.
#[derive(Clone, Default)]
struct Interceptors(Vec<Arc<dyn tern_runtime::Interceptor>>);

impl std::fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} interceptor(s)", self.0.len())
    }
}

impl DynamicClientBuilder {
    /// Loads the spec from a file (JSON or YAML).
    pub fn spec_path(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.source = Some(SpecSource::Path(path.into()));
        self
    }
    /// Fetches the spec from a URL with this client's auth and retries (e.g. Civis's
    /// `/endpoints`).
    pub fn spec_url(mut self, url: impl Into<String>) -> Self {
        self.source = Some(SpecSource::Url(url.into()));
        self
    }
    /// Uses a spec held in memory.
    pub fn spec_document(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.source = Some(SpecSource::Document(name.into(), text.into()));
        self
    }
    /// Overrides the server URL from the spec.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// An API key, sent as the spec's API-key scheme says (or as basic-auth user for basic
    /// schemes, as Civis does, or as a bearer token).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials.api_key = Some(key.into());
        self
    }
    /// A credential for one security scheme, named by its scheme (`clientId`), by the builder
    /// method a generated SDK has for it (`client_id`) or by its environment variable: for APIs
    /// that declare several API keys, often required together. Building fails on a name the
    /// API description does not declare.
    pub fn credential(mut self, scheme: impl Into<String>, value: impl Into<String>) -> Self {
        self.credentials.named.push((scheme.into(), value.into()));
        self
    }
    /// Reads each API key named after its scheme (where an API declares several) from the
    /// environment variable its plan names (`TERN_CLIENT_ID` for a scheme `clientId`), unless
    /// it was given.
    pub fn credentials_from_env(mut self) -> Self {
        self.credentials.from_env = true;
        self
    }
    /// Whether arguments are checked against the spec's schemas before anything is sent (the
    /// default). Off, values are bound and sent as given: for a spec that is wrong about its
    /// API in a way the relaxed checks do not cover.
    pub fn validate(mut self, on: bool) -> Self {
        self.no_validate = !on;
        self
    }
    /// A bearer token.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials.bearer = Some(token.into());
        self
    }
    /// HTTP basic credentials.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials.basic = Some((user.into(), password.into()));
        self
    }
    /// OAuth2 client credentials, for the spec's client-credentials flow.
    pub fn oauth2_client(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials.oauth2 = Some((client_id.into(), client_secret.into()));
        self
    }
    /// The retry policy (e.g. [`tern_runtime::PatientRetry`]).
    pub fn retry_policy(mut self, policy: impl RetryPolicy + 'static) -> Self {
        self.retry = Some(Arc::new(policy));
        self
    }
    /// Per-attempt timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// Timeout for establishing a connection.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }
    /// Defaults for every call: retries, total deadline, response size bound, …
    pub fn options(mut self, options: tern_runtime::RequestOptions) -> Self {
        self.options = Some(options);
        self
    }
    /// An interceptor on every attempt (see [`tern_runtime::Interceptor`]).
    pub fn interceptor(mut self, interceptor: impl tern_runtime::Interceptor) -> Self {
        self.interceptors.0.push(Arc::new(interceptor));
        self
    }
    /// A header for every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Spec caching (TTL, forced refresh, on-disk cache, clock).
    pub fn cache(mut self, cache: CacheOptions) -> Self {
        self.cache = cache;
        self
    }

    /// The runtime client, and the security schemes its credentials satisfy.
    fn runtime(
        &self,
        model: Option<&ApiModel>,
        base_url: &str,
    ) -> Result<(tern_runtime::Client, Vec<String>), DynamicError> {
        let mut b =
            tern_runtime::Client::builder(base_url).sdk("tern-dynamic", env!("CARGO_PKG_VERSION"));
        if let Some(p) = &self.retry {
            b = b.retry_policy(p.clone());
        }
        if let Some(t) = self.timeout {
            b = b.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            b = b.connect_timeout(t);
        }
        if let Some(o) = &self.options {
            b = b.options(o.clone());
        }
        for i in &self.interceptors.0 {
            b = b.interceptor(i.clone());
        }
        for (n, v) in &self.headers {
            b = b.default_header(n.clone(), v.clone());
        }
        let auth = model.map(|m| tern_plan::auth_plan(m, &tern_plan::PlanOptions::new("tern")));
        let bound = credentials::apply(b, &self.credentials, auth.as_ref())?;
        Ok((bound.builder.build()?, bound.schemes))
    }

    /// Loads (or takes from the cache) the spec and builds the client.
    pub async fn build(self) -> Result<DynamicClient, DynamicError> {
        let source = self.source.clone().ok_or_else(|| {
            DynamicError::Spec(vec![Diagnostic::about_file(
                tern_spec::Severity::Error,
                "no-spec",
                "no API description given: call spec_path, spec_url or spec_document",
                "",
            )])
        })?;
        let api = cache::load(&self, &source).await?;
        let base = match &self.base_url {
            Some(b) => b.clone(),
            None => server_url(&api).ok_or(DynamicError::NoBaseUrl)?,
        };
        let (runtime, schemes) = self.runtime(Some(&api.model), &base)?;
        Ok(DynamicClient {
            api,
            runtime,
            schemes: schemes.into(),
            validate: !self.no_validate,
        })
    }
}

/// The first server of the spec with its variables' defaults, resolved against the spec's URL.
fn server_url(api: &LoadedApi) -> Option<String> {
    let server = api.model.servers.first()?;
    let mut url = server.url.clone();
    for v in &server.variables {
        url = url.replace(&format!("{{{}}}", v.name), &v.default);
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return Some(url);
    }
    tern_spec::Url::parse(&api.source)
        .and_then(|base| base.join(&url))
        .ok()
        .map(|u| u.to_string())
}

/// A client for any API, built from its description at run time. Cheap to clone.
#[derive(Debug, Clone)]
pub struct DynamicClient {
    api: Arc<LoadedApi>,
    runtime: tern_runtime::Client,
    /// The security schemes the client's credentials satisfy.
    schemes: Arc<[String]>,
    /// Whether arguments are checked against the spec before sending.
    validate: bool,
}

impl DynamicClient {
    /// Starts configuring a client.
    pub fn builder() -> DynamicClientBuilder {
        DynamicClientBuilder {
            source: None,
            base_url: None,
            credentials: Credentials::default(),
            retry: None,
            timeout: None,
            connect_timeout: None,
            options: None,
            interceptors: Interceptors::default(),
            headers: Vec::new(),
            cache: CacheOptions::default(),
            no_validate: false,
        }
    }

    /// The loaded description and its model.
    pub fn api(&self) -> &LoadedApi {
        &self.api
    }

    /// The HTTP client underneath.
    pub fn runtime(&self) -> &tern_runtime::Client {
        &self.runtime
    }

    /// The method behind an operation (an index into the model's operations).
    pub fn operation(&self, index: usize) -> Option<MethodRef<'_>> {
        (index < self.api.model.operations.len()).then_some(MethodRef {
            client: self,
            index,
        })
    }

    /// Resource names, in spec order.
    pub fn resources(&self) -> Vec<&str> {
        self.api.resources.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// A resource by name (`-` and `_` are interchangeable).
    pub fn resource(&self, name: &str) -> Result<Resource<'_>, DynamicError> {
        let wanted = name.replace('-', "_");
        self.api
            .resources
            .iter()
            .find(|(n, _)| *n == wanted)
            .map(|(n, ops)| Resource {
                client: self,
                name: n,
                operations: ops,
            })
            .ok_or_else(|| DynamicError::UnknownResource {
                name: name.to_owned(),
                available: self.resources().iter().map(|s| s.to_string()).collect(),
            })
    }
}

/// One resource: a group of methods.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'c> {
    client: &'c DynamicClient,
    name: &'c str,
    operations: &'c [usize],
}

impl<'c> Resource<'c> {
    /// Its name.
    pub fn name(&self) -> &'c str {
        self.name
    }

    /// Method names (without aliases), in spec order.
    pub fn methods(&self) -> Vec<&'c str> {
        self.operations
            .iter()
            .map(|&i| {
                self.client.api.model.operations[i]
                    .rest_name
                    .method
                    .as_str()
            })
            .collect()
    }

    /// A method by name or alias (`-` and `_` are interchangeable).
    pub fn method(&self, name: &str) -> Result<MethodRef<'c>, DynamicError> {
        let wanted = name.replace('-', "_");
        let ops = &self.client.api.model.operations;
        let find = |alias: bool| {
            self.operations.iter().copied().find(|&i| {
                let n = &ops[i].rest_name;
                if alias {
                    n.aliases.contains(&wanted)
                } else {
                    n.method == wanted
                }
            })
        };
        find(false)
            .or_else(|| find(true))
            .map(|index| MethodRef {
                client: self.client,
                index,
            })
            .ok_or_else(|| DynamicError::UnknownMethod {
                resource: self.name.to_owned(),
                name: name.to_owned(),
                available: self
                    .operations
                    .iter()
                    .flat_map(|&i| {
                        std::iter::once(ops[i].rest_name.method.clone())
                            .chain(ops[i].rest_name.aliases.clone())
                    })
                    .collect(),
            })
    }

    /// A help text listing the methods, like Python's `help(client.workflows)`.
    pub fn help(&self) -> String {
        help::resource(&self.client.api.model, self.name, self.operations)
    }
}

/// Resource → method → operation index for every name and alias, for tests and tools.
pub fn method_table(model: &ApiModel) -> HashMap<(String, String), usize> {
    let mut out = HashMap::new();
    for (i, op) in model.operations.iter().enumerate() {
        let n = &op.rest_name;
        out.insert((n.resource.clone(), n.method.clone()), i);
        for a in &n.aliases {
            out.entry((n.resource.clone(), a.clone())).or_insert(i);
        }
    }
    out
}

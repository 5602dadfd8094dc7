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
mod schema;
mod validate;

pub use args::Args;
pub use cache::{CacheOptions, Clock, SystemClock};

use futures_util::{Stream, StreamExt};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tern_model::{ApiModel, ArgumentLocation, NamingScheme, Operation, PaginationStyle};
use tern_runtime::{header::HeaderMap, Paginator, RetryPolicy, StatusCode};
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

/// One callable method.
#[derive(Debug, Clone, Copy)]
pub struct MethodRef<'c> {
    client: &'c DynamicClient,
    index: usize,
}

/// A security scheme an operation asks for that the client has no credential for.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MissingCredential {
    /// The scheme's name in the API description.
    pub scheme: String,
    /// The credential that would satisfy it (its builder method and environment variables),
    /// when Tern can send one.
    pub credential: Option<tern_plan::CredentialPlan>,
}

/// A JSON response with its status and headers.
#[derive(Debug, Clone)]
pub struct DynResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The body as JSON (`null` when empty; a string when it is not JSON).
    pub body: Json,
}

/// Rate-limit information from response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left.
    pub remaining: Option<u64>,
    /// When the window resets (as the server wrote it: seconds or a timestamp).
    pub reset: Option<u64>,
}

impl DynResponse {
    /// A member of the JSON object body by its name or its snake_case form
    /// (`created_at` finds `createdAt`).
    pub fn get(&self, key: &str) -> Option<&Json> {
        get(&self.body, key)
    }

    /// `X-RateLimit-*` / `RateLimit-*` headers, when the server sends them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        let find = |suffix: &str| {
            ["x-ratelimit-", "ratelimit-", "x-rate-limit-"]
                .iter()
                .find_map(|p| self.headers.get(format!("{p}{suffix}")))
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let rl = RateLimit {
            limit: find("limit"),
            remaining: find("remaining"),
            reset: find("reset"),
        };
        (rl != RateLimit::default()).then_some(rl)
    }
}

/// Member access by name or snake_case name.
pub fn get<'j>(value: &'j Json, key: &str) -> Option<&'j Json> {
    let map = value.as_object()?;
    map.get(key).or_else(|| {
        let wanted = tern_model::naming::snake_ident(key);
        map.iter()
            .find(|(k, _)| tern_model::naming::snake_ident(k) == wanted)
            .map(|(_, v)| v)
    })
}

impl<'c> MethodRef<'c> {
    /// The operation behind the method.
    pub fn operation(&self) -> &'c Operation {
        &self.client.api.model.operations[self.index]
    }

    fn qualified(&self) -> String {
        let n = &self.operation().rest_name;
        format!("{}.{}", n.resource, n.method)
    }

    /// Its index in the model's operations.
    pub fn index(&self) -> usize {
        self.index
    }

    /// One self-contained JSON Schema (2020-12) object for the method's arguments, keyed by
    /// argument name as [`Args::named`] takes them: the same schemas [`MethodRef::prepare`]
    /// validates with, every `$ref` inlined (recursion cut at a bounded depth), required
    /// arguments listed, no other members allowed. For tools that describe calls to others
    /// (MCP servers, forms).
    pub fn input_schema(&self) -> Json {
        let api = &self.client.api;
        let op = self.operation();
        let v2 = api.spec.version() == tern_spec::SpecVersion::Swagger2;
        let bundle = |s: &tern_model::Source, parameter: bool| {
            schema::bundle(&api.spec, s.file, &s.pointer, parameter)
                .map(|b| schema::inline(&b, 4, 400))
        };
        let body = op
            .request_body
            .as_ref()
            .and_then(|b| b.contents.iter().find_map(|c| c.schema_source.as_ref()))
            .and_then(|s| bundle(s, false));
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        for a in &op.arguments {
            let schema = match a.location {
                ArgumentLocation::Parameter(i) => op.parameters[i]
                    .schema_source
                    .as_ref()
                    .and_then(|s| bundle(s, v2 && !s.pointer.ends_with("/schema"))),
                ArgumentLocation::Body => body.clone(),
                ArgumentLocation::BodyProperty => body
                    .as_ref()
                    .and_then(|b| schema::property(b, &a.original).cloned()),
                _ => None,
            };
            let mut schema = match schema {
                Some(Json::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            if let Some(d) = &a.description {
                schema
                    .entry("description")
                    .or_insert_with(|| Json::String(d.clone()));
            }
            properties.insert(a.name.clone(), Json::Object(schema));
            if a.required {
                required.push(Json::String(a.name.clone()));
            }
        }
        serde_json::json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }

    /// Where the schemas this method validates its arguments with contradict themselves (a
    /// `required` name not declared, or declared in another case), each with its JSON pointer.
    /// Validation follows the declared properties there, so that nothing the server would take
    /// is refused; callers warn once.
    pub fn spec_defects(&self) -> &[String] {
        &self.client.api.validators(self.index).defects
    }

    /// Help built from the spec: summary, `VERB /path`, parameters with types, response shape.
    pub fn help(&self) -> String {
        help::method(&self.client.api.model, self.operation())
    }

    /// Binds and validates arguments and builds the request, without sending it.
    pub fn prepare(&self, args: Args) -> Result<tern_runtime::Request, DynamicError> {
        let op = self.operation();
        let name = self.qualified();
        let (given, raw) = (args.body.clone(), args.bytes.clone());
        let values = args::bind(op, &name, args)?;
        let body = match raw {
            Some(_) => None,
            None => args::assemble_body(op, &name, &values, given)?,
        };
        if self.client.validate {
            self.client
                .api
                .validators(self.index)
                .check(op, &name, &values, body.as_ref())?;
        }
        let mut request = args::request(op, &values, body);
        if let Some(data) = raw {
            // The declared bytes' type; else the body's first media type (JSON sent as it is).
            let media = tern_plan::raw_media(op)
                .or_else(|| {
                    let rb = op.request_body.as_ref()?;
                    rb.contents.first().map(|c| c.media_type.clone())
                })
                .unwrap_or_else(|| "application/octet-stream".to_owned());
            request = request.bytes(data, media);
        }
        let model = &self.client.api.model;
        let security = op.security.as_ref().unwrap_or(&model.security);
        Ok(if security.is_empty() {
            request
        } else {
            request.security(
                security
                    .iter()
                    .map(|r| r.schemes.iter().map(|(name, _)| name.clone()).collect())
                    .collect(),
            )
        })
    }

    /// Calls the method. A response whose media type is JSON must parse: one that does not
    /// (truncated, not JSON at all) is a decode error naming line and column, not a string.
    /// Other media types come back as a JSON string of their text.
    pub async fn call(&self, args: Args) -> Result<DynResponse, DynamicError> {
        let raw = self.call_raw(args).await?;
        let body = if raw.body.iter().all(u8::is_ascii_whitespace) {
            Json::Null
        } else if is_json(&raw.headers) {
            raw.json::<Json>()?
        } else {
            serde_json::from_slice(&raw.body)
                .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&raw.body).into_owned()))
        };
        Ok(DynResponse {
            status: raw.status,
            headers: raw.headers,
            body,
        })
    }

    /// Calls the method and returns the response as received, body undecoded.
    pub async fn call_raw(&self, args: Args) -> Result<tern_runtime::RawResponse, DynamicError> {
        Ok(self.client.runtime.execute(self.prepare(args)?).await?)
    }

    /// How the method's success response is read (JSON, a stream, …), as generated SDKs read it.
    pub fn response_plan(&self) -> tern_plan::ResponsePlan {
        tern_plan::response_plan(self.operation())
    }

    /// Whether the success response is declared as binary data only (a download: no JSON or
    /// text alternative), which a terminal should not be sent.
    pub fn returns_binary(&self) -> bool {
        self.operation().success_response().is_some_and(|r| {
            !r.contents.is_empty()
                && r.contents
                    .iter()
                    .all(|c| c.kind == tern_model::BodyKind::Binary)
        })
    }

    /// Calls the method and streams the response body: constant memory whatever its size
    /// (downloads, event streams). Retries apply until a 2xx arrives; an error status is the
    /// same typed error [`call`](Self::call) returns.
    pub async fn call_stream(
        &self,
        args: Args,
    ) -> Result<tern_runtime::StreamResponse, DynamicError> {
        Ok(self
            .client
            .runtime
            .execute_stream(self.prepare(args)?)
            .await?)
    }

    /// The security schemes this call would lack: `None` when one of the operation's security
    /// alternatives is met by the client's credentials (or it asks for none); otherwise the
    /// schemes missing from the closest alternative, each with the credential of the API's
    /// plan that would satisfy it (`None`: no credential Tern can send for it, such as mutual
    /// TLS). Tern still sends what it has; callers warn.
    pub fn missing_credentials(&self) -> Option<Vec<MissingCredential>> {
        let model = &self.client.api.model;
        let op = self.operation();
        let security = op.security.as_ref().unwrap_or(&model.security);
        let have = |scheme: &str| self.client.schemes.iter().any(|s| s == scheme);
        let missing = security
            .iter()
            .map(|r| {
                r.schemes
                    .iter()
                    .map(|(name, _)| name)
                    .filter(|name| !have(name))
                    .collect::<Vec<_>>()
            })
            .min_by_key(Vec::len)?;
        if missing.is_empty() {
            return None;
        }
        let auth = tern_plan::auth_plan(model, &tern_plan::PlanOptions::new("tern"));
        Some(
            missing
                .into_iter()
                .map(|scheme| MissingCredential {
                    scheme: scheme.clone(),
                    credential: auth
                        .credentials
                        .iter()
                        .find(|c| c.schemes.contains(scheme))
                        .cloned(),
                })
                .collect(),
        )
    }

    /// Calls the method and decodes the body as `T`.
    pub async fn call_as<T: serde::de::DeserializeOwned>(
        &self,
        args: Args,
    ) -> Result<T, DynamicError> {
        Ok(self.client.runtime.send(self.prepare(args)?).await?)
    }

    /// Where a successful response's JSON `body` departs from the schema the spec declares for
    /// it: the first mismatch (`at /items/0/id: "x" is not of type "integer"`), or `None` when it
    /// matches or no schema is declared. A mismatch is the spec's or the server's, not an error
    /// of the call: callers warn and keep the body.
    pub fn response_mismatch(&self, body: &Json) -> Option<String> {
        let validator = self.client.api.response_validator(self.index)?;
        let error = validator.iter_errors(body).next()?;
        let path = error.instance_path().to_string();
        let at = if path.is_empty() {
            "/".to_owned()
        } else {
            path
        };
        Some(format!("at {at}: {error}"))
    }

    /// The pagination of this method, if it is a paginated list.
    pub fn paginator(&self) -> Option<Paginator> {
        let p = self.operation().pagination.as_ref()?;
        let items = p.items.clone();
        Some(match &p.style {
            PaginationStyle::Offset {
                offset_param,
                limit_param,
                total,
            } => Paginator::Offset {
                offset_param: offset_param.clone(),
                limit_param: limit_param.clone(),
                total: total.clone(),
                items,
            },
            PaginationStyle::Cursor {
                cursor_param,
                next_cursor,
                has_more,
            } => Paginator::Cursor {
                cursor_param: cursor_param.clone(),
                next_cursor: next_cursor.clone(),
                has_more: has_more.clone(),
                items,
            },
            PaginationStyle::Page {
                page_param,
                size_param,
            } => Paginator::PageNumber {
                page_param: page_param.clone(),
                size_param: size_param.clone(),
                first_page: 1,
                items,
            },
            PaginationStyle::Link => Paginator::Link { items },
        })
    }

    /// Every item of a paginated list, fetched page by page as the stream is read. Methods
    /// that are not paginated yield the items of their single response.
    pub async fn paginate(
        &self,
        args: Args,
    ) -> Result<impl Stream<Item = Result<Json, DynamicError>> + Send + Unpin + 'static, DynamicError>
    {
        self.paginate_prepared(self.prepare(args)?).await
    }

    /// As [`MethodRef::paginate`], fetching at most `max_pages` pages (the listing ends there,
    /// without an error).
    pub async fn paginate_pages(
        &self,
        args: Args,
        max_pages: u64,
    ) -> Result<impl Stream<Item = Result<Json, DynamicError>> + Send + Unpin + 'static, DynamicError>
    {
        self.pages(self.prepare(args)?, Some(max_pages)).await
    }

    /// As [`MethodRef::paginate`], for a request made by [`MethodRef::prepare`] and adjusted
    /// by the caller (a header added, say).
    pub async fn paginate_prepared(
        &self,
        request: tern_runtime::Request,
    ) -> Result<impl Stream<Item = Result<Json, DynamicError>> + Send + Unpin + 'static, DynamicError>
    {
        self.pages(request, None).await
    }

    async fn pages(
        &self,
        request: tern_runtime::Request,
        max_pages: Option<u64>,
    ) -> Result<impl Stream<Item = Result<Json, DynamicError>> + Send + Unpin + 'static, DynamicError>
    {
        let paginator = self
            .paginator()
            .unwrap_or(Paginator::Link { items: Vec::new() });
        let mut page = self
            .client
            .runtime
            .get_page::<Json>(request, paginator)
            .await?;
        if let Some(max) = max_pages {
            page = page.max_pages(max);
        }
        Ok(page.into_stream().map(|r| r.map_err(DynamicError::from)))
    }
}

/// Whether a response says its body is JSON (`application/json`, `…+json`).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(tern_runtime::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
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

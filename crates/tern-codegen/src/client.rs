//! The client, its builder (credentials named after the spec's security schemes, defaults
//! from `tern.toml`) and the blocking client.

use crate::resources::Node;
use crate::{type_ident, Options};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use tern_model::{ApiModel, BodyKind, HttpMethod};

/// A credential method of the generated builder: its name, its item, and the environment
/// variables `from_env` reads for it (`None`: not read from the environment).
fn credential_method(scheme: &tern_model::SecurityScheme) -> Option<(&'static str, TokenStream)> {
    use tern_model::SecuritySchemeKind as K;
    let tag = &scheme.name;
    let bearer = || quote!(pub fn access_token(mut self, token: impl Into<crate::runtime::Secret>) -> Self { self.inner = self.inner.bearer_token(token).for_scheme(#tag); self });
    Some(match &scheme.kind {
        K::Bearer { .. } | K::OpenIdConnect { .. } => ("access_token", bearer()),
        K::ApiKey { location, param } => {
            let loc = match location {
                tern_model::ParameterLocation::Query => {
                    quote!(crate::runtime::ApiKeyLocation::Query)
                }
                tern_model::ParameterLocation::Cookie => {
                    quote!(crate::runtime::ApiKeyLocation::Cookie)
                }
                _ => quote!(crate::runtime::ApiKeyLocation::Header),
            };
            (
                "api_key",
                quote!(pub fn api_key(mut self, key: impl Into<crate::runtime::Secret>) -> Self { self.inner = self.inner.api_key(#loc, #param, key).for_scheme(#tag); self }),
            )
        }
        K::Basic => (
            "basic_auth",
            quote!(pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<crate::runtime::Secret>) -> Self { self.inner = self.inner.basic_auth(username, password).for_scheme(#tag); self }),
        ),
        K::OAuth2 { flows } => match flows
            .iter()
            .find(|f| f.kind == tern_model::OAuthFlowKind::ClientCredentials)
            .and_then(|f| f.token_url.clone())
        {
            Some(url) => (
                "client_credentials",
                quote!(pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<crate::runtime::Secret>) -> Self {
                    self.inner = self.inner.oauth2_client_credentials(crate::runtime::OAuth2ClientCredentials::new(#url, client_id, client_secret)).for_scheme(#tag);
                    self
                }),
            ),
            None => ("access_token", bearer()),
        },
        _ => return None,
    })
}

/// An API's own token endpoint, for a client-credentials flow its security schemes do not
/// declare (Candid's `POST /auth/v2/token`): a POST without security whose JSON or form body
/// requires `client_id` and `client_secret` (and no other value but a grant type, scope or
/// audience) and whose response has an `access_token`.
fn token_endpoint(model: &ApiModel) -> Option<(String, bool)> {
    model.operations.iter().find_map(|op| {
        if op.method != HttpMethod::Post || !matches!(&op.security, Some(s) if s.is_empty()) {
            return None;
        }
        let body = op.request_body.as_ref()?;
        let content = body
            .contents
            .iter()
            .find(|c| matches!(c.kind, BodyKind::Json | BodyKind::Form))?;
        let object = content.ty.as_ref()?.object(&model.types)?;
        let requires = |name: &str| {
            object
                .properties
                .iter()
                .any(|p| p.name == name && p.required)
        };
        // Only the credentials (an authorization-code exchange also needs a `code`).
        let only_credentials = object.properties.iter().filter(|p| p.required).all(|p| {
            matches!(
                p.name.as_str(),
                "client_id" | "client_secret" | "grant_type" | "scope" | "audience"
            )
        });
        if !(requires("client_id") && requires("client_secret") && only_credentials) {
            return None;
        }
        let returns_token = op
            .success_response()?
            .contents
            .iter()
            .filter_map(|c| c.ty.as_ref()?.object(&model.types))
            .any(|o| o.properties.iter().any(|p| p.name == "access_token"));
        returns_token.then(|| (op.path.clone(), content.kind == BodyKind::Json))
    })
}

/// The environment variable for a credential: configured, or `<PREFIX>_<WHAT>`.
fn env_var(configured: &Option<String>, prefix: &str, what: &str) -> String {
    configured
        .clone()
        .unwrap_or_else(|| format!("{prefix}_{what}"))
}

/// The client's builder: credentials named after the spec's security schemes, what `from_env`
/// reads, and the defaults `tern.toml` sets.
fn builder(model: &ApiModel, opts: &Options, client: &Ident) -> (Ident, TokenStream, TokenStream) {
    let name = format_ident!("{}Builder", client);
    let env = &opts.config.env;
    let prefix = env.prefix.clone().unwrap_or_else(|| {
        heck::ToShoutySnakeCase::to_shouty_snake_case(opts.client_name.as_str())
    });
    let mut methods = Vec::new();
    let mut from_env = Vec::new();
    let mut env_vars = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for scheme in &model.security_schemes {
        let Some((method, body)) = credential_method(scheme) else {
            continue;
        };
        if !seen.insert(method) {
            continue;
        }
        let doc = format!(" Authenticates with the `{}` scheme.", scheme.name);
        let scheme_doc = doc_lines(scheme.description.as_deref());
        methods.push(quote!(#[doc = #doc] #scheme_doc #body));
        let single = match method {
            "access_token" => Some(env_var(&env.access_token, &prefix, "ACCESS_TOKEN")),
            "api_key" => Some(env_var(&env.api_key, &prefix, "API_KEY")),
            _ => None,
        };
        if let Some(var) = single {
            let m = format_ident!("{}", method);
            from_env.push(
                quote!(if let Ok(value) = std::env::var(#var) { builder = builder.#m(value); }),
            );
            env_vars.push(format!("`{var}`"));
        }
        if method == "basic_auth" {
            let (user, password) = (
                env_var(&env.username, &prefix, "USERNAME"),
                env_var(&env.password, &prefix, "PASSWORD"),
            );
            from_env.push(quote!(if let (Ok(user), Ok(password)) = (std::env::var(#user), std::env::var(#password)) { builder = builder.basic_auth(user, password); }));
            env_vars.push(format!("`{user}` and `{password}`"));
        }
    }
    // A client-credentials flow through the API's own token endpoint.
    let token = match &opts.config.auth.client_credentials {
        Some(c) => Some((c.token_url.clone(), c.format.as_deref() == Some("json"))),
        None => token_endpoint(model),
    };
    if let (Some((url, json)), false) = (token, seen.contains("client_credentials")) {
        seen.insert("client_credentials");
        let absolute = url.starts_with("http://") || url.starts_with("https://");
        let mut settings =
            quote!(crate::runtime::OAuth2ClientCredentials::new(#url, client_id, client_secret));
        if json {
            settings = quote!(#settings.json());
        }
        if !absolute {
            settings = quote!(#settings.under_base_url());
        }
        // The token it fetches is sent as the API's bearer credential.
        let scheme = model
            .security_schemes
            .iter()
            .find(|s| {
                matches!(
                    s.kind,
                    tern_model::SecuritySchemeKind::Bearer { .. }
                        | tern_model::SecuritySchemeKind::OAuth2 { .. }
                )
            })
            .map(|s| s.name.clone());
        let tagged = match scheme {
            Some(tag) => quote!(.for_scheme(#tag)),
            None => quote!(),
        };
        let doc = format!(" Authenticates with a client id and secret: a token is fetched from `{url}` when needed, cached until shortly before it expires, and renewed on a 401.");
        methods.push(quote! {
            #[doc = #doc]
            pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<crate::runtime::Secret>) -> Self {
                self.inner = self.inner.oauth2_client_credentials(#settings)#tagged;
                self
            }
        });
    }
    if seen.contains("client_credentials") {
        let (id, secret) = (
            env_var(&env.client_id, &prefix, "CLIENT_ID"),
            env_var(&env.client_secret, &prefix, "CLIENT_SECRET"),
        );
        from_env.push(quote!(if let (Ok(id), Ok(secret)) = (std::env::var(#id), std::env::var(#secret)) { builder = builder.client_credentials(id, secret); }));
        env_vars.push(format!("`{id}` and `{secret}`"));
    }
    let base_var = env_var(&env.base_url, &prefix, "BASE_URL");
    from_env.push(
        quote!(if let Ok(url) = std::env::var(#base_var) { builder = builder.base_url(url); }),
    );
    env_vars.push(format!("`{base_var}`"));
    let env_doc = format!(
        " A client configured from the environment: {}.",
        env_vars.join(", ")
    );
    let doc = format!(" Configures a [`{client}`].");
    let item = quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub struct #name {
            inner: crate::runtime::ClientBuilder,
        }

        impl #name {
            #(#methods)*

            /// Uses another server.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.inner = self.inner.base_url(url);
                self
            }

            /// Sends a header with every request (overriding a default of the same name).
            pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.inner = self.inner.default_header(name, value);
                self
            }

            /// Retries after a failed attempt (default 2).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.inner = self.inner.options(crate::runtime::RequestOptions::new().max_retries(retries));
                self
            }

            /// The timeout of each attempt (default 60 s).
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.inner = self.inner.timeout(timeout);
                self
            }

            /// Sends every request through this HTTP client (proxies, TLS, local address): `runtime::transport` is the escape hatch to the reqwest client underneath.
            pub fn http_client(mut self, client: crate::runtime::transport::Client) -> Self {
                self.inner = self.inner.http_client(client);
                self
            }

            /// Everything else (retry policy and budget, connect timeout, default query): the
            /// runtime's builder.
            pub fn configure(mut self, f: impl FnOnce(crate::runtime::ClientBuilder) -> crate::runtime::ClientBuilder) -> Self {
                self.inner = f(self.inner);
                self
            }

            /// Builds the client.
            pub fn build(self) -> Result<#client, crate::runtime::Error> {
                Ok(#client::from_runtime(self.inner.build()?))
            }
        }
    };
    let from_env_fn = quote! {
        #[doc = #env_doc]
        pub fn from_env() -> Result<Self, crate::runtime::Error> {
            let mut builder = Self::builder();
            #(#from_env)*
            builder.build()
        }
    };
    (name, item, from_env_fn)
}

fn doc_lines(text: Option<&str>) -> TokenStream {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => {
            let docs = crate::doc_attrs(Some(t));
            quote!(#[doc = ""] #docs)
        }
        None => quote!(),
    }
}

/// `client.rs`: the client and its builder; `blocking.rs`: the blocking client.
pub(crate) fn client_files(
    model: &ApiModel,
    opts: &Options,
    roots: &[Node],
    fixed_headers: &[(String, String)],
) -> (TokenStream, TokenStream) {
    let client = type_ident(&opts.client_name);
    let base_url = model
        .servers
        .first()
        .map(|s| s.url.clone())
        .unwrap_or_default();
    let sdk = &opts.crate_name;
    let mut accessors = Vec::new();
    let mut blocking_accessors = Vec::new();
    for node in roots {
        let (module, accessor, name) = (node.module(), node.accessor(), node.struct_name());
        let doc = format!(" The `{}` resource.", node.path.join("."));
        accessors.push(quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> crate::resources::#module::#name<'_> {
                crate::resources::#module::#name::new(&self.inner)
            }
        });
        blocking_accessors.push(quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> crate::resources::#module::blocking::#name<'_> {
                crate::resources::#module::blocking::#name::new(&self.inner)
            }
        });
    }
    let (builder, builder_item, from_env) = builder(model, opts, &client);
    let mut defaults = Vec::new();
    for (name, value) in fixed_headers {
        if !opts
            .config
            .client
            .headers
            .keys()
            .any(|n| n.eq_ignore_ascii_case(name))
        {
            defaults.push(quote!(.default_header(#name, #value)));
        }
    }
    for (name, value) in &opts.config.client.headers {
        defaults.push(quote!(.default_header(#name, #value)));
    }
    if let Some(n) = opts.config.client.max_retries {
        defaults.push(quote!(.options(crate::runtime::RequestOptions::new().max_retries(#n))));
    }
    if let Some(t) = opts.config.client.timeout_secs {
        let millis = (t * 1000.0).round().max(0.0) as u64;
        defaults.push(quote!(.timeout(std::time::Duration::from_millis(#millis))));
    }
    if let Some(h) = &opts.config.client.idempotency_header {
        defaults.push(quote!(.idempotency_header(#h)));
    }
    let title = format!(
        " A client for {}.",
        if model.title.is_empty() {
            "the API"
        } else {
            &model.title
        }
    );
    let client_tokens = quote! {
        //! The client.

        #[doc = #title]
        ///
        /// Cheap to clone: clones share connections, credentials and the retry budget.
        #[derive(Debug, Clone)]
        pub struct #client {
            inner: crate::runtime::Client,
        }

        impl #client {
            /// The server the API description names.
            pub const DEFAULT_BASE_URL: &'static str = #base_url;

            /// Starts configuring a client for the default server.
            pub fn builder() -> #builder {
                #builder {
                    inner: crate::runtime::Client::builder(Self::DEFAULT_BASE_URL)
                        .sdk(#sdk, env!("CARGO_PKG_VERSION"))
                        #(#defaults)*
                }
            }

            #from_env

            /// Wraps a configured runtime client.
            pub fn from_runtime(inner: crate::runtime::Client) -> Self {
                Self { inner }
            }

            /// A cheap copy whose calls use these options (timeout, retries, extra headers,
            /// query or body fields, idempotency key).
            pub fn with_options(&self, options: crate::runtime::RequestOptions) -> Self {
                Self { inner: self.inner.with_options(options) }
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &crate::runtime::Client {
                &self.inner
            }

            #(#accessors)*
        }

        #builder_item
    };
    let blocking_doc = format!(" A blocking client for {}: the same resources and methods as [`crate::{client}`], without `.await`.", if model.title.is_empty() { "the API" } else { &model.title });
    let from_env_doc =
        format!(" A client configured from the environment, as [`crate::{client}::from_env`].");
    let blocking_tokens = quote! {
        //! The blocking client (cargo feature `blocking`). Do not use it inside an async runtime.

        #[doc = #blocking_doc]
        #[derive(Debug, Clone)]
        pub struct #client {
            inner: crate::runtime::blocking::Client,
        }

        impl From<crate::#client> for #client {
            fn from(client: crate::#client) -> Self {
                Self { inner: client.runtime().clone().into() }
            }
        }

        impl #client {
            /// Starts configuring a client; finish with `build_blocking()`.
            pub fn builder() -> crate::#builder {
                crate::#client::builder()
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, crate::runtime::Error> {
                crate::#client::from_env().map(Self::from)
            }

            /// A cheap copy whose calls use these options.
            pub fn with_options(&self, options: crate::runtime::RequestOptions) -> Self {
                Self { inner: self.inner.with_options(options) }
            }

            #(#blocking_accessors)*
        }

        impl crate::#builder {
            /// Builds a blocking client.
            pub fn build_blocking(self) -> Result<#client, crate::runtime::Error> {
                self.build().map(#client::from)
            }
        }
    };
    (client_tokens, blocking_tokens)
}

//! The client, its builder (the credentials of the plan's [`AuthPlan`], defaults from
//! `tern.toml`) and the blocking client.

use crate::{ident, type_ident, Options};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use tern_model::ApiModel;
use tern_plan::{AuthPlan, CredentialKind, CredentialPlan, KeyLocation, SdkPlan};

/// The builder method that takes a credential.
fn credential_method(c: &CredentialPlan) -> TokenStream {
    let schemes = &c.schemes;
    let tag = quote!(#(.for_scheme(#schemes))*);
    let method = format_ident!("{}", c.method);
    match &c.kind {
        CredentialKind::AccessToken => {
            quote!(pub fn access_token(mut self, token: impl Into<crate::runtime::Secret>) -> Self { self.inner = self.inner.bearer_token(token)#tag; self })
        }
        CredentialKind::ApiKey { location, name } => {
            let loc = match location {
                KeyLocation::Query => quote!(crate::runtime::ApiKeyLocation::Query),
                KeyLocation::Cookie => quote!(crate::runtime::ApiKeyLocation::Cookie),
                KeyLocation::Header => quote!(crate::runtime::ApiKeyLocation::Header),
            };
            quote!(pub fn #method(mut self, key: impl Into<crate::runtime::Secret>) -> Self { self.inner = self.inner.api_key(#loc, #name, key)#tag; self })
        }
        CredentialKind::Basic => {
            quote!(pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<crate::runtime::Secret>) -> Self { self.inner = self.inner.basic_auth(username, password)#tag; self })
        }
        CredentialKind::ClientCredentials { token_url, json } => {
            let mut settings = quote!(crate::runtime::OAuth2ClientCredentials::new(#token_url, client_id, client_secret));
            if *json {
                settings = quote!(#settings.json());
            }
            if c.kind.token_url_is_relative() {
                settings = quote!(#settings.under_base_url());
            }
            quote!(pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<crate::runtime::Secret>) -> Self {
                self.inner = self.inner.oauth2_client_credentials(#settings)#tag;
                self
            })
        }
    }
}

/// The builder method's docs: the scheme it satisfies, or where the token comes from.
fn credential_doc(c: &CredentialPlan) -> TokenStream {
    match &c.kind {
        CredentialKind::ClientCredentials { token_url, .. } if !c.declared => {
            let doc = format!(" Authenticates with a client id and secret: a token is fetched from `{token_url}` when needed, cached until shortly before it expires, and renewed on a 401.");
            quote!(#[doc = #doc])
        }
        _ => {
            let schemes: Vec<String> = c.schemes.iter().map(|s| format!("`{s}`")).collect();
            let doc = match schemes.as_slice() {
                [one] => format!(" Authenticates with the {one} scheme."),
                [first @ .., last] => format!(
                    " Authenticates with the {} and {last} schemes (sent wherever an operation asks for one of them).",
                    first.join(", ")
                ),
                [] => " Sent with every request.".to_owned(),
            };
            let scheme_doc = doc_lines(c.description.as_deref());
            quote!(#[doc = #doc] #scheme_doc)
        }
    }
}

/// What `from_env` does for a credential, and how its docs name the variables.
fn credential_from_env(c: &CredentialPlan) -> Option<(TokenStream, String)> {
    let m = format_ident!("{}", c.method);
    Some(match (&c.kind, c.env.as_slice()) {
        (CredentialKind::AccessToken | CredentialKind::ApiKey { .. }, [var]) => (
            quote!(if let Ok(value) = std::env::var(#var) { builder = builder.#m(value); }),
            format!("`{var}`"),
        ),
        (CredentialKind::Basic, [user, password]) => (
            quote!(if let (Ok(user), Ok(password)) = (std::env::var(#user), std::env::var(#password)) { builder = builder.basic_auth(user, password); }),
            format!("`{user}` and `{password}`"),
        ),
        (CredentialKind::ClientCredentials { .. }, [id, secret]) => (
            quote!(if let (Ok(id), Ok(secret)) = (std::env::var(#id), std::env::var(#secret)) { builder = builder.client_credentials(id, secret); }),
            format!("`{id}` and `{secret}`"),
        ),
        _ => return None,
    })
}

/// The client's builder: the plan's credentials, what `from_env` reads, and the defaults
/// `tern.toml` sets.
fn builder(auth: &AuthPlan, client: &Ident) -> (Ident, TokenStream, TokenStream) {
    let name = format_ident!("{}Builder", client);
    let mut methods = Vec::new();
    let mut from_env = Vec::new();
    let mut env_vars = Vec::new();
    // Client credentials are read from the environment last, so that they win.
    let (last, first): (Vec<&CredentialPlan>, Vec<&CredentialPlan>) = auth
        .credentials
        .iter()
        .partition(|c| matches!(c.kind, CredentialKind::ClientCredentials { .. }));
    for c in &auth.credentials {
        let (doc, body) = (credential_doc(c), credential_method(c));
        methods.push(quote!(#doc #body));
    }
    for c in first.into_iter().chain(last) {
        if let Some((code, doc)) = credential_from_env(c) {
            from_env.push(code);
            env_vars.push(doc);
        }
    }
    let base_var = &auth.base_url_env;
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
    plan: &SdkPlan,
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
    for (i, node) in plan.resources.iter().enumerate() {
        let cfg = crate::cfg_features(plan, &plan.root_module_features(i));
        let (module, accessor, name) = (
            ident(&node.module()),
            ident(&node.accessor()),
            ident(&node.struct_name()),
        );
        let doc = format!(" The `{}` resource.", node.dotted());
        accessors.push(quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> crate::resources::#module::#name<'_> {
                crate::resources::#module::#name::new(&self.inner)
            }
        });
        blocking_accessors.push(quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> crate::resources::#module::blocking::#name<'_> {
                crate::resources::#module::blocking::#name::new(&self.inner)
            }
        });
    }
    let (builder, builder_item, from_env) = builder(&plan.auth, &client);
    let mut defaults: Vec<TokenStream> = plan
        .default_headers
        .iter()
        .map(|(name, value)| quote!(.default_header(#name, #value)))
        .collect();
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
    let blocking_tokens = blocking_client(model, &client, &builder, &blocking_accessors);
    (client_tokens, blocking_tokens)
}

/// `blocking.rs`: the blocking client, over the async one.
fn blocking_client(
    model: &ApiModel,
    client: &Ident,
    builder: &Ident,
    blocking_accessors: &[TokenStream],
) -> TokenStream {
    let blocking_doc = format!(" A blocking client for {}: the same resources and methods as [`crate::{client}`], without `.await`.", if model.title.is_empty() { "the API" } else { &model.title });
    let from_env_doc =
        format!(" A client configured from the environment, as [`crate::{client}::from_env`].");
    quote! {
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
    }
}

//! The client and its resources: one method per operation, declaring the request; the runtime
//! executes it.

use crate::types::{displays, rust_type};
use crate::{doc_attrs, field_ident, type_ident, Options};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use tern_model::{
    ApiModel, ArgumentLocation, BodyKind, NamingScheme, Operation, ParameterLocation,
    ParameterStyle, TypeRef,
};

fn method_ident(op: &Operation, scheme: NamingScheme) -> proc_macro2::Ident {
    field_ident(&op.name(scheme).method)
}

/// What a method returns: the success response's JSON type, `()` for no content, the raw
/// response for anything else.
fn return_type(model: &ApiModel, op: &Operation) -> (TokenStream, bool) {
    let Some(r) = op.success_response() else {
        return (quote!(()), true);
    };
    if r.contents.is_empty() {
        return (quote!(()), true);
    }
    match r.contents.iter().find(|c| c.kind == BodyKind::Json) {
        Some(c) => (
            c.ty.as_ref()
                .map(|t| rust_type(model, t, false))
                .unwrap_or_else(|| quote!(::serde_json::Value)),
            true,
        ),
        None => (quote!(::tern_runtime::RawResponse), false),
    }
}

/// Text for a value given by reference.
fn value_code(model: &ApiModel, ty: &TypeRef, value: TokenStream) -> TokenStream {
    if displays(model, ty) {
        quote!(#value.to_string())
    } else {
        quote!(::tern_runtime::to_json(#value)?.to_string())
    }
}

/// The item type of a paginated operation: the success body's array, or its `items` field's.
fn page_item(model: &ApiModel, op: &Operation) -> Option<TypeRef> {
    let p = op.pagination.as_ref()?;
    let body = op
        .success_response()?
        .contents
        .iter()
        .find(|c| c.kind == BodyKind::Json)?
        .ty
        .clone()?;
    let mut current = body;
    for key in &p.items {
        let object = current.object(&model.types)?;
        current = object
            .properties
            .iter()
            .find(|prop| &prop.name == key)?
            .ty
            .clone();
    }
    match current.resolve(&model.types) {
        TypeRef::Array(inner) => Some((**inner).clone()),
        _ => None,
    }
}

fn string_list(v: &[String]) -> TokenStream {
    quote!(::std::vec![#(#v.to_owned()),*])
}

fn optional_list(v: &Option<Vec<String>>) -> TokenStream {
    match v {
        Some(v) => {
            let v = string_list(v);
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    }
}

fn optional_string(v: &Option<String>) -> TokenStream {
    match v {
        Some(v) => quote!(::std::option::Option::Some(#v.to_owned())),
        None => quote!(::std::option::Option::None),
    }
}

/// `<method>_pages`: the first page, with `into_stream()` over every item.
fn pages_method(
    model: &ApiModel,
    op: &Operation,
    scheme: NamingScheme,
    signature: &[TokenStream],
    build: &[TokenStream],
    body: &TokenStream,
    security: &TokenStream,
) -> TokenStream {
    let (Some(p), Some(item)) = (op.pagination.as_ref(), page_item(model, op)) else {
        return quote!();
    };
    let item = rust_type(model, &item, false);
    let method = format_ident!("{}_pages", method_ident(op, scheme));
    let path = &op.path;
    let http = format_ident!("{}", op.method.as_str());
    let items = string_list(&p.items);
    let paginator = match &p.style {
        tern_model::PaginationStyle::Offset {
            offset_param,
            limit_param,
        } => {
            let limit = optional_string(limit_param);
            quote!(::tern_runtime::Paginator::Offset { offset_param: #offset_param.to_owned(), limit_param: #limit, items: #items })
        }
        tern_model::PaginationStyle::Cursor {
            cursor_param,
            next_cursor,
            has_more,
        } => {
            let (next, more) = (optional_list(next_cursor), optional_list(has_more));
            quote!(::tern_runtime::Paginator::Cursor { cursor_param: #cursor_param.to_owned(), next_cursor: #next, has_more: #more, items: #items })
        }
        tern_model::PaginationStyle::Page {
            page_param,
            size_param,
        } => {
            let size = optional_string(size_param);
            quote!(::tern_runtime::Paginator::PageNumber { page_param: #page_param.to_owned(), size_param: #size, first_page: 1, items: #items })
        }
        _ => quote!(::tern_runtime::Paginator::Link { items: #items }),
    };
    let doc = format!(" The first page of `{}`; `into_stream()` on it yields every item, fetching pages as needed.", method_ident(op, scheme));
    quote! {
        #[doc = #doc]
        pub async fn #method(&self, #(#signature),*) -> ::std::result::Result<::tern_runtime::Page<#item>, ::tern_runtime::Error> {
            let mut request = ::tern_runtime::Request::new(::tern_runtime::Method::#http, #path);
            #(#build)*
            #body
            #security
            self.client.get_page(request, #paginator).await
        }
    }
}

fn operation(model: &ApiModel, op: &Operation, scheme: NamingScheme) -> (TokenStream, TokenStream) {
    let method = method_ident(op, scheme);
    let params_name = format_ident!(
        "{}Params",
        type_ident(&format!(
            "{} {}",
            op.name(scheme).resource,
            op.name(scheme).method
        ))
    );
    let path = &op.path;
    let http = format_ident!("{}", op.method.as_str());
    let (ret, json) = return_type(model, op);

    let mut signature = Vec::new();
    let mut param_fields = Vec::new();
    let mut build = Vec::new();
    let mut body_fields = Vec::new();
    let body_kind = op
        .request_body
        .as_ref()
        .and_then(|b| {
            b.contents
                .iter()
                .map(|c| c.kind)
                .find(|k| matches!(k, BodyKind::Json | BodyKind::Form | BodyKind::Multipart))
        })
        .unwrap_or(BodyKind::Json);
    let mut whole_body = None;
    let mut required_fields: Vec<(proc_macro2::Ident, TokenStream)> = Vec::new();
    let mut optional_idents: Vec<proc_macro2::Ident> = Vec::new();
    for a in &op.arguments {
        let ident = field_ident(&a.name);
        let ty = rust_type(model, &a.ty, false);
        // Required arguments the spec gives a default are optional for the caller.
        let optional = !a.positional;
        // Path parameters are positional; every other value goes in the params struct (the
        // required ones through its constructor).
        let in_signature = a.positional
            && matches!(a.location, ArgumentLocation::Parameter(i) if op.parameters[i].location == ParameterLocation::Path);
        let access = if in_signature {
            quote!(#ident)
        } else {
            quote!(params.#ident)
        };
        let docs = doc_attrs(a.description.as_deref());
        if in_signature {
            signature.push(quote!(#ident: #ty));
        } else if optional {
            let ty = match &a.ty {
                TypeRef::Nullable(inner) => rust_type(model, inner, false),
                _ => ty.clone(),
            };
            param_fields.push(quote!(#docs pub #ident: ::std::option::Option<#ty>,));
        } else {
            param_fields.push(quote!(#docs pub #ident: #ty,));
            required_fields.push((ident.clone(), ty.clone()));
            optional_idents.retain(|i: &proc_macro2::Ident| *i != ident);
        }
        if optional && !in_signature {
            optional_idents.push(ident.clone());
        }
        let original = &a.original;
        let default = a.default.as_ref().map(|d| d.to_string());
        let statement = match a.location {
            ArgumentLocation::Parameter(i) => {
                let p = &op.parameters[i];
                let name = &p.name;
                let is_array = matches!(a.ty.resolve(&model.types), TypeRef::Array(_));
                let one = |v: TokenStream| match p.location {
                    ParameterLocation::Path => {
                        let s = value_code(model, &a.ty, v);
                        quote!(request = request.path_param(#name, #s);)
                    }
                    ParameterLocation::Header => {
                        let s = value_code(model, &a.ty, v);
                        quote!(request = request.header(#name, #s);)
                    }
                    ParameterLocation::Cookie => {
                        let s = value_code(model, &a.ty, v);
                        quote!(request = request.header("Cookie", ::std::format!("{}={}", #name, #s));)
                    }
                    _ if is_array && p.explode && p.style == ParameterStyle::Form => {
                        let item_ty = match a.ty.resolve(&model.types) {
                            TypeRef::Array(inner) => (**inner).clone(),
                            other => other.clone(),
                        };
                        let s = value_code(model, &item_ty, quote!(item));
                        quote!(for item in #v.iter() { request = request.query(#name, #s); })
                    }
                    _ if is_array => {
                        let item_ty = match a.ty.resolve(&model.types) {
                            TypeRef::Array(inner) => (**inner).clone(),
                            other => other.clone(),
                        };
                        let s = value_code(model, &item_ty, quote!(item));
                        let sep = match p.style {
                            ParameterStyle::PipeDelimited => "|",
                            ParameterStyle::SpaceDelimited => " ",
                            _ => ",",
                        };
                        quote!(request = request.query(#name, #v.iter().map(|item| #s).collect::<::std::vec::Vec<_>>().join(#sep));)
                    }
                    _ => {
                        let s = value_code(model, &a.ty, v);
                        quote!(request = request.query(#name, #s);)
                    }
                };
                if optional {
                    let set = one(quote!(value));
                    match &default {
                        // A required value the spec fixes: sent unless overridden.
                        Some(d) if a.required => {
                            let fallback = d.trim_matches('"').to_owned();
                            let fixed = match p.location {
                                ParameterLocation::Header => {
                                    quote!(request = request.header(#name, #fallback);)
                                }
                                ParameterLocation::Path => {
                                    quote!(request = request.path_param(#name, #fallback);)
                                }
                                _ => quote!(request = request.query(#name, #fallback);),
                            };
                            quote!(match &#access { ::std::option::Option::Some(value) => { #set } ::std::option::Option::None => { #fixed } })
                        }
                        _ => quote!(if let ::std::option::Option::Some(value) = &#access { #set }),
                    }
                } else {
                    let set = one(quote!(value));
                    quote!({ let value = &#access; #set })
                }
            }
            ArgumentLocation::BodyProperty => {
                if optional {
                    body_fields.push(quote!(if let ::std::option::Option::Some(value) = &#access { body.insert(#original.to_owned(), ::tern_runtime::to_json(value)?); }));
                } else {
                    body_fields.push(quote!(body.insert(#original.to_owned(), ::tern_runtime::to_json(&#access)?);));
                }
                quote!()
            }
            _ => {
                whole_body = Some((optional, access.clone()));
                quote!()
            }
        };
        build.push(statement);
    }
    let body = if let Some((optional, access)) = whole_body {
        if optional {
            quote!(if let ::std::option::Option::Some(value) = &#access { request = request.json(value)?; })
        } else {
            quote!(request = request.json(&#access)?;)
        }
    } else if !body_fields.is_empty() {
        let finish = match body_kind {
            BodyKind::Form => {
                quote!(request = request.form(body.into_iter().map(|(k, v)| (k, match v { ::serde_json::Value::String(s) => s, other => other.to_string() })).collect());)
            }
            BodyKind::Multipart => {
                quote!(request = request.multipart(body.into_iter().map(|(k, v)| ::tern_runtime::Part::text(k, match v { ::serde_json::Value::String(s) => s, other => other.to_string() })).collect());)
            }
            _ => quote!(request = request.json_value(::serde_json::Value::Object(body));),
        };
        quote! {
            let mut body = ::serde_json::Map::new();
            #(#body_fields)*
            #finish
        }
    } else {
        quote!()
    };
    let has_params = !param_fields.is_empty();
    if has_params {
        signature.push(quote!(params: #params_name));
    }
    let security: Vec<TokenStream> = op
        .security
        .as_ref()
        .unwrap_or(&model.security)
        .iter()
        .map(|r| {
            let names = r.schemes.iter().map(|(n, _)| n.clone());
            quote!(::std::vec![#(#names.to_owned()),*])
        })
        .collect();
    let security = if security.is_empty() {
        quote!()
    } else {
        quote!(request = request.security(::std::vec![#(#security),*]);)
    };
    let send = if json {
        quote!(self.client.send(request).await)
    } else {
        quote!(self.client.execute(request).await)
    };
    let summary = op
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} {}", op.method, op.path));
    let mut doc = format!("{summary}\n\n`{} {}`", op.method, op.path);
    if let Some(d) = op
        .description
        .as_deref()
        .filter(|d| Some(*d) != op.summary.as_deref())
    {
        doc.push_str("\n\n");
        doc.push_str(d);
    }
    let docs = doc_attrs(Some(&doc));
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    let pages_item = pages_method(model, op, scheme, &signature, &build, &body, &security);
    let method_item = quote! {
        #docs
        #deprecated
        pub async fn #method(&self, #(#signature),*) -> ::std::result::Result<#ret, ::tern_runtime::Error> {
            let mut request = ::tern_runtime::Request::new(::tern_runtime::Method::#http, #path);
            #(#build)*
            #body
            #security
            #send
        }
        #pages_item
    };
    let params_item = if !has_params {
        quote!()
    } else if required_fields.is_empty() {
        let doc = format!(" Optional arguments of `{}`.", op.name(scheme).method);
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #params_name {
                #(#param_fields)*
            }
        }
    } else {
        let doc = format!(
            " Arguments of `{}`: required ones through [`{}::new`], optional ones as fields.",
            op.name(scheme).method,
            params_name
        );
        let (names, types): (Vec<_>, Vec<_>) = required_fields.iter().cloned().unzip();
        // The constructor takes exactly the API's required values, however many it has.
        let allow = if names.len() > 7 {
            quote!(#[allow(clippy::too_many_arguments)])
        } else {
            quote!()
        };
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub struct #params_name {
                #(#param_fields)*
            }

            impl #params_name {
                /// The required arguments; the optional ones start unset.
                #allow
                pub fn new(#(#names: #types),*) -> Self {
                    Self { #(#names,)* #(#optional_idents: ::std::option::Option::None,)* }
                }
            }
        }
    };
    (method_item, params_item)
}

/// A credential method of the generated builder: its name, its item, and the environment
/// variable suffix `from_env` reads it from.
fn credential_method(
    scheme: &tern_model::SecurityScheme,
) -> Option<(&'static str, TokenStream, Option<&'static str>)> {
    use tern_model::SecuritySchemeKind as K;
    let tag = &scheme.name;
    let bearer = || quote!(pub fn access_token(mut self, token: impl ::std::convert::Into<::tern_runtime::Secret>) -> Self { self.inner = self.inner.bearer_token(token).for_scheme(#tag); self });
    Some(match &scheme.kind {
        K::Bearer { .. } | K::OpenIdConnect { .. } => {
            ("access_token", bearer(), Some("ACCESS_TOKEN"))
        }
        K::ApiKey { location, param } => {
            let loc = match location {
                tern_model::ParameterLocation::Query => {
                    quote!(::tern_runtime::ApiKeyLocation::Query)
                }
                tern_model::ParameterLocation::Cookie => {
                    quote!(::tern_runtime::ApiKeyLocation::Cookie)
                }
                _ => quote!(::tern_runtime::ApiKeyLocation::Header),
            };
            (
                "api_key",
                quote!(pub fn api_key(mut self, key: impl ::std::convert::Into<::tern_runtime::Secret>) -> Self { self.inner = self.inner.api_key(#loc, #param, key).for_scheme(#tag); self }),
                Some("API_KEY"),
            )
        }
        K::Basic => (
            "basic_auth",
            quote!(pub fn basic_auth(mut self, username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::tern_runtime::Secret>) -> Self { self.inner = self.inner.basic_auth(username, password).for_scheme(#tag); self }),
            None,
        ),
        K::OAuth2 { flows } => match flows
            .iter()
            .find(|f| f.kind == tern_model::OAuthFlowKind::ClientCredentials)
            .and_then(|f| f.token_url.clone())
        {
            Some(url) => (
                "client_credentials",
                quote!(pub fn client_credentials(mut self, client_id: impl ::std::convert::Into<::std::string::String>, client_secret: impl ::std::convert::Into<::tern_runtime::Secret>) -> Self {
                    self.inner = self.inner.oauth2_client_credentials(::tern_runtime::OAuth2ClientCredentials::new(#url, client_id, client_secret)).for_scheme(#tag);
                    self
                }),
                None,
            ),
            None => ("access_token", bearer(), Some("ACCESS_TOKEN")),
        },
        _ => return None,
    })
}

/// The client's builder: credentials named after the spec's security schemes, and what
/// `from_env` reads.
fn builder(
    model: &ApiModel,
    opts: &Options,
    client: &proc_macro2::Ident,
) -> (proc_macro2::Ident, TokenStream, Vec<TokenStream>, String) {
    let name = format_ident!("{}Builder", client);
    let prefix = heck::ToShoutySnakeCase::to_shouty_snake_case(opts.client_name.as_str());
    let mut methods = Vec::new();
    let mut from_env = Vec::new();
    let mut env_vars = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for scheme in &model.security_schemes {
        let Some((method, body, env)) = credential_method(scheme) else {
            continue;
        };
        if !seen.insert(method) {
            continue;
        }
        let doc = format!(" Authenticates with the `{}` scheme.", scheme.name);
        methods.push(quote!(#[doc = #doc] #body));
        if let Some(suffix) = env {
            let var = format!("{prefix}_{suffix}");
            let m = format_ident!("{}", method);
            from_env.push(quote!(if let ::std::result::Result::Ok(value) = ::std::env::var(#var) { builder = builder.#m(value); }));
            env_vars.push(format!("`{var}`"));
        }
        if method == "client_credentials" {
            let (id, secret) = (
                format!("{prefix}_CLIENT_ID"),
                format!("{prefix}_CLIENT_SECRET"),
            );
            from_env.push(quote!(if let (::std::result::Result::Ok(id), ::std::result::Result::Ok(secret)) = (::std::env::var(#id), ::std::env::var(#secret)) { builder = builder.client_credentials(id, secret); }));
            env_vars.push(format!("`{id}` and `{secret}`"));
        }
    }
    let base_var = format!("{prefix}_BASE_URL");
    from_env.push(quote!(if let ::std::result::Result::Ok(url) = ::std::env::var(#base_var) { builder = builder.base_url(url); }));
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
            inner: ::tern_runtime::ClientBuilder,
        }

        impl #name {
            #(#methods)*

            /// Uses another server.
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.inner = self.inner.base_url(url);
                self
            }

            /// Everything else (retries, timeouts, headers, a custom HTTP client): the runtime's
            /// builder.
            pub fn configure(mut self, f: impl ::std::ops::FnOnce(::tern_runtime::ClientBuilder) -> ::tern_runtime::ClientBuilder) -> Self {
                self.inner = f(self.inner);
                self
            }

            /// Builds the client.
            pub fn build(self) -> ::std::result::Result<#client, ::tern_runtime::Error> {
                ::std::result::Result::Ok(#client::from_runtime(self.inner.build()?))
            }
        }
    };
    (name, item, from_env, env_doc)
}

/// `client.rs` (the client) and `resources.rs` (resources, methods and their params).
pub(crate) fn client_and_resources(model: &ApiModel, opts: &Options) -> (TokenStream, TokenStream) {
    let scheme = opts.naming;
    let client = type_ident(&opts.client_name);
    let base_url = model
        .servers
        .first()
        .map(|s| s.url.clone())
        .unwrap_or_default();
    let sdk = &opts.crate_name;
    let mut accessors = Vec::new();
    let mut resource_items = Vec::new();
    for r in model.resources(scheme) {
        let rname = type_ident(&r.name);
        let accessor = field_ident(&r.name);
        let doc = format!(" The `{}` resource.", r.name);
        accessors.push(quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> crate::resources::#rname<'_> {
                crate::resources::#rname { client: &self.inner }
            }
        });
        let mut methods = Vec::new();
        let mut params = Vec::new();
        for &i in &r.operations {
            let (m, p) = operation(model, &model.operations[i], scheme);
            methods.push(m);
            params.push(p);
        }
        resource_items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #rname<'c> {
                pub(crate) client: &'c ::tern_runtime::Client,
            }

            impl #rname<'_> {
                #(#methods)*
            }

            #(#params)*
        });
    }
    let (builder, builder_item, from_env, env_doc) = builder(model, opts, &client);
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
        #[derive(Debug, Clone)]
        pub struct #client {
            inner: ::tern_runtime::Client,
        }

        impl #client {
            /// The server the API description names.
            pub const DEFAULT_BASE_URL: &'static str = #base_url;

            /// Starts configuring a client for the default server.
            pub fn builder() -> #builder {
                #builder { inner: ::tern_runtime::Client::builder(Self::DEFAULT_BASE_URL).sdk(#sdk, ::std::env!("CARGO_PKG_VERSION")) }
            }

            #[doc = #env_doc]
            pub fn from_env() -> ::std::result::Result<Self, ::tern_runtime::Error> {
                let mut builder = Self::builder();
                #(#from_env)*
                builder.build()
            }

            /// Wraps a configured runtime client.
            pub fn from_runtime(inner: ::tern_runtime::Client) -> Self {
                Self { inner }
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &::tern_runtime::Client {
                &self.inner
            }

            #(#accessors)*
        }

        #builder_item
    };
    let resources_tokens = quote! {
        //! Resources and their methods.
        #(#resource_items)*
    };
    (client_tokens, resources_tokens)
}

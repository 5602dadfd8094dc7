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

            /// Starts configuring a client for the default server (credentials, retries,
            /// timeouts, headers: see `tern_runtime::ClientBuilder`); finish with [`Self::from_runtime`].
            pub fn builder() -> ::tern_runtime::ClientBuilder {
                ::tern_runtime::Client::builder(Self::DEFAULT_BASE_URL).sdk(#sdk, ::std::env!("CARGO_PKG_VERSION"))
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
    };
    let resources_tokens = quote! {
        //! Resources and their methods.
        #(#resource_items)*
    };
    (client_tokens, resources_tokens)
}

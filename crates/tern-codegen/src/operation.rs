//! One planned method → its items: a params struct (required values through `new`, optional
//! ones as fields and chainable setters), a request function that declares the call, and the
//! methods on the async and blocking resource structs that send it. What to render is decided
//! in the plan ([`tern_plan::Method`]); this module only writes it.

use crate::types::{displays, is_copy, is_date_time, is_plain_string, is_string, rust_type, Paths};
use crate::{doc_attrs, field_ident, ident};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use tern_model::PaginationStyle;
use tern_model::{
    ApiModel, ArgumentLocation, Operation, ParameterLocation, ParameterStyle, TypeRef,
};
use tern_plan::{Arg, Binding, BodyEncoding, BodyPlan, Method, ResponsePlan};

/// What a method contributes to its resource module.
pub(crate) struct OperationItems {
    /// Methods of the async resource struct.
    pub(crate) methods: TokenStream,
    /// Methods of the blocking resource struct.
    pub(crate) blocking: TokenStream,
    /// Module-level items: params struct, request and paginator functions.
    pub(crate) items: TokenStream,
}

/// Text for a value given by reference.
fn value_code(model: &ApiModel, ty: &TypeRef, value: TokenStream) -> TokenStream {
    if is_date_time(model, ty) {
        quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    } else if displays(model, ty) {
        quote!(#value)
    } else {
        quote!(crate::runtime::to_json(#value)?)
    }
}

fn strings(v: &[String]) -> TokenStream {
    quote!(vec![#(#v.into()),*])
}

fn optional_strings(v: &Option<Vec<String>>) -> TokenStream {
    match v {
        Some(v) => {
            let v = strings(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

fn optional_string(v: &Option<String>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v.into())),
        None => quote!(None),
    }
}

/// The runtime's `Paginator` for a pagination plan (exhaustive: a new style must be rendered).
fn paginator(p: &tern_model::Pagination) -> TokenStream {
    let items = strings(&p.items);
    match &p.style {
        PaginationStyle::Offset {
            offset_param,
            limit_param,
            total,
        } => {
            let (limit, total) = (optional_string(limit_param), optional_strings(total));
            quote!(Paginator::Offset { offset_param: #offset_param.into(), limit_param: #limit, total: #total, items: #items })
        }
        PaginationStyle::Cursor {
            cursor_param,
            next_cursor,
            has_more,
        } => {
            let (next, more) = (optional_strings(next_cursor), optional_strings(has_more));
            quote!(Paginator::Cursor { cursor_param: #cursor_param.into(), next_cursor: #next, has_more: #more, items: #items })
        }
        PaginationStyle::Page {
            page_param,
            size_param,
        } => {
            let size = optional_string(size_param);
            quote!(Paginator::PageNumber { page_param: #page_param.into(), size_param: #size, first_page: 1, items: #items })
        }
        PaginationStyle::Link => quote!(Paginator::Link { items: #items }),
    }
}
/// The statements that put one argument into the request.
fn argument_statement(
    model: &ApiModel,
    op: &Operation,
    a: &tern_model::Argument,
    access: &TokenStream,
    (optional, positional): (bool, bool),
    client_headers: &[(String, String)],
) -> TokenStream {
    let ArgumentLocation::Parameter(i) = a.location else {
        return quote!();
    };
    let p = &op.parameters[i];
    let name = &p.name;
    let array_item = match a.ty.resolve(&model.types) {
        TypeRef::Array(inner) => Some((**inner).clone()),
        _ => None,
    };
    let one = |v: TokenStream| match (&p.location, &array_item) {
        (ParameterLocation::Path, _) => {
            let s = value_code(model, &a.ty, v);
            quote!(request = request.path_param(#name, #s);)
        }
        (ParameterLocation::Header, _) => {
            let s = value_code(model, &a.ty, v);
            quote!(request = request.header(#name, #s.to_string());)
        }
        (ParameterLocation::Cookie, _) => {
            let s = value_code(model, &a.ty, v);
            quote!(request = request.header("Cookie", [#name, "=", &#s.to_string()].concat());)
        }
        (_, Some(item)) if p.explode && p.style == ParameterStyle::Form => {
            let s = value_code(model, item, quote!(item));
            quote!(for item in #v { request = request.query(#name, #s); })
        }
        (_, Some(item)) => {
            let s = value_code(model, item, quote!(item));
            let sep = match p.style {
                ParameterStyle::PipeDelimited => "|",
                ParameterStyle::SpaceDelimited => " ",
                _ => ",",
            };
            quote!(request = request.query(#name, #v.iter().map(|item| Ok(#s.to_string())).collect::<Result<Vec<String>, Error>>()?.join(#sep));)
        }
        _ => {
            let s = value_code(model, &a.ty, v);
            quote!(request = request.query(#name, #s);)
        }
    };
    if !optional {
        // `Copy` values and positional `&str`s are passed as they are; the rest is borrowed.
        return if is_copy(model, &a.ty) || (positional && is_string(model, &a.ty)) {
            one(access.clone())
        } else {
            one(quote!(&#access))
        };
    }
    let set = one(quote!(value));
    match &a.default {
        // A required value the spec fixes: sent unless overridden.
        Some(d)
            if a.required
                && !client_headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(name)) =>
        {
            let fallback = match d {
                tern_spec::Value::String(s) => s.to_string(),
                other => other.to_string(),
            };
            let fixed = match p.location {
                ParameterLocation::Header => quote!(request = request.header(#name, #fallback);),
                ParameterLocation::Path => quote!(request = request.path_param(#name, #fallback);),
                _ => quote!(request = request.query(#name, #fallback);),
            };
            quote!(match &#access { Some(value) => { #set } None => { #fixed } })
        }
        _ => quote!(if let Some(value) = &#access { #set }),
    }
}

/// `<Method>ErrorBody`: the error bodies a method declares, decoded from an [`Error`] by
/// status — exact codes first, then ranges, then `default`.
fn error_bodies(model: &ApiModel, m: &Method, paths: &Paths) -> Option<TokenStream> {
    use tern_model::StatusCode;
    let errors = m.errors.as_ref()?;
    let name = ident(&errors.name);
    let mut variants = Vec::new();
    let mut exact = Vec::new();
    let mut ranges = Vec::new();
    let mut fallback = quote!(None);
    for body in &errors.bodies {
        let ty = rust_type(model, &body.ty, false, paths);
        let variant = match body.status {
            StatusCode::Code(c) => format_ident!("Status{}", c),
            StatusCode::Range(d) => format_ident!("Status{}xx", d),
            _ => format_ident!("Other"),
        };
        let doc = format!(
            " `{}`{}",
            body.status,
            body.description
                .as_deref()
                .map(|d| format!(": {}", d.lines().next().unwrap_or_default().trim()))
                .unwrap_or_default()
        );
        variants.push(quote!(#[doc = #doc] #variant(#ty),));
        let decode = quote!(api.decode().ok().map(Self::#variant));
        match body.status {
            StatusCode::Code(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(c);
                exact.push(quote!(#c => #decode,));
            }
            StatusCode::Range(d) => {
                let (lo, hi) = (
                    proc_macro2::Literal::u16_unsuffixed(u16::from(d) * 100),
                    proc_macro2::Literal::u16_unsuffixed(u16::from(d) * 100 + 99),
                );
                ranges.push(quote!(#lo..=#hi => #decode,));
            }
            _ => fallback = decode,
        }
    }
    let doc = format!(
        " The error bodies `{}` declares, by status.",
        field_ident(&m.name)
    );
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The body of `error` as the API declares it for its status; `None` for errors
            /// without a response, other statuses, or bodies that do not match.
            pub fn from_error(error: &Error) -> Option<Self> {
                let api = error.api_error()?;
                match api.status.as_u16() {
                    #(#exact)*
                    #(#ranges)*
                    _ => #fallback,
                }
            }
        }
    })
}

/// The Rust type of an argument (`Upload` for a file; optional ones without `Nullable`).
fn arg_type(model: &ApiModel, op: &Operation, a: &Arg, paths: &Paths) -> TokenStream {
    let ty = &op.arguments[a.index].ty;
    if a.upload {
        return quote!(crate::runtime::Upload);
    }
    if a.raw {
        return quote!(crate::runtime::Bytes);
    }
    match (&a.binding, ty) {
        (Binding::Optional { .. }, TypeRef::Nullable(inner)) => {
            rust_type(model, inner, false, paths)
        }
        _ => rust_type(model, ty, false, paths),
    }
}

/// The request function's signature (positional arguments, then the params struct) and the
/// params struct's fields, setters and required values.
struct Signature {
    params: Vec<TokenStream>,
    call_args: Vec<TokenStream>,
    fields: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    /// The required values `new` (or the builder) takes.
    required: Vec<crate::Required>,
    optional_fields: Vec<Ident>,
}

fn signature(model: &ApiModel, op: &Operation, m: &Method, paths: &Paths) -> Signature {
    let mut s = Signature {
        params: Vec::new(),
        call_args: Vec::new(),
        fields: Vec::new(),
        setters: Vec::new(),
        required: Vec::new(),
        optional_fields: Vec::new(),
    };
    for a in &m.arguments {
        let argument = &op.arguments[a.index];
        let id = ident(&a.field);
        let docs = crate::docs_or_allow(argument.description.as_deref());
        match &a.binding {
            Binding::Positional => {
                if is_string(model, &argument.ty) {
                    s.params.push(quote!(#id: &str));
                } else {
                    let ty = rust_type(model, &argument.ty, false, paths);
                    s.params.push(quote!(#id: #ty));
                }
                s.call_args.push(quote!(#id));
            }
            Binding::Optional { setter } => {
                let ty = arg_type(model, op, a, paths);
                s.fields.push(quote!(#docs pub #id: Option<#ty>,));
                let setter = ident(setter);
                // The setter says what the value is, as the field does.
                let doc = crate::docs_or_allow(argument.description.as_deref());
                let inner = match &argument.ty {
                    TypeRef::Nullable(inner) => inner.as_ref(),
                    other => other,
                };
                if a.raw {
                    s.setters.push(quote!(#doc pub fn #setter(mut self, value: impl Into<crate::runtime::Bytes>) -> Self { self.#id = Some(value.into()); self }));
                } else if is_string(model, inner) && !a.upload {
                    s.setters.push(quote!(#doc pub fn #setter(mut self, value: impl Into<String>) -> Self { self.#id = Some(value.into()); self }));
                } else {
                    s.setters.push(quote!(#doc pub fn #setter(mut self, value: #ty) -> Self { self.#id = Some(value); self }));
                }
                s.optional_fields.push(id);
            }
            Binding::Required => {
                let ty = arg_type(model, op, a, paths);
                s.fields.push(quote!(#docs pub #id: #ty,));
                // Strings are taken as anything that becomes one (`&str`, `String`).
                let into = is_plain_string(model, &argument.ty) && !a.upload && !a.raw;
                s.required.push(crate::Required {
                    name: id.clone(),
                    taken: if into {
                        quote!(impl Into<String>)
                    } else {
                        ty.clone()
                    },
                    field: ty,
                    into,
                    docs,
                });
            }
        }
    }
    if let Some(params) = &m.params {
        let params = ident(params);
        s.params.push(quote!(params: #params));
        s.call_args.push(quote!(params));
    }
    s
}

/// How the request function reads an argument: by name, or from the params struct.
fn access(a: &Arg) -> TokenStream {
    let id = ident(&a.field);
    if a.binding == Binding::Positional {
        quote!(#id)
    } else {
        quote!(params.#id)
    }
}

/// The statements that put the body together.
fn body_code(op: &Operation, m: &Method) -> TokenStream {
    let (encoding, uploads, text) = match &m.body {
        BodyPlan::None => return quote!(),
        BodyPlan::Whole {
            arg,
            optional,
            media,
        } => {
            let Some(a) = m.arguments.get(*arg) else {
                return quote!();
            };
            let access = access(a);
            return match (media, *optional) {
                (None, true) => {
                    quote!(if let Some(value) = &#access { request = request.json(value)?; })
                }
                (None, false) => quote!(request = request.json(&#access)?;),
                (Some(media), true) => {
                    quote!(if let Some(value) = &#access { request = request.bytes(value.clone(), #media); })
                }
                (Some(media), false) => quote!(request = request.bytes(#access, #media);),
            };
        }
        BodyPlan::Fields {
            encoding,
            uploads,
            text,
        } => (*encoding, *uploads, *text),
    };
    let mut fields = Vec::new();
    for a in &m.arguments {
        if op.arguments[a.index].location != ArgumentLocation::BodyProperty {
            continue;
        }
        let (access, original) = (access(a), &op.arguments[a.index].original);
        let optional = matches!(a.binding, Binding::Optional { .. });
        fields.push(match (a.upload, optional) {
            (true, true) => {
                quote!(if let Some(value) = &#access { uploads.push(value.part(#original)); })
            }
            (true, false) => quote!(uploads.push(#access.part(#original));),
            (false, true) => {
                quote!(if let Some(value) = &#access { body.insert(#original.into(), crate::runtime::to_json(value)?); })
            }
            (false, false) => {
                quote!(body.insert(#original.into(), crate::runtime::to_json(&#access)?);)
            }
        });
    }
    let finish = match encoding {
        BodyEncoding::Form => {
            quote!(request = request.form(body.into_iter().map(|(k, v)| (k, match v { serde_json::Value::String(s) => s, other => other.to_string() })).collect());)
        }
        BodyEncoding::Multipart => {
            let text_parts = quote!(body.into_iter().map(|(k, v)| crate::runtime::Part::text(
                k,
                match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                }
            )));
            match (uploads, text) {
                (true, true) => {
                    quote!(request = request.multipart(#text_parts.chain(uploads).collect());)
                }
                (true, false) => quote!(request = request.multipart(uploads);),
                _ => quote!(request = request.multipart(#text_parts.collect());),
            }
        }
        BodyEncoding::Json => {
            quote!(request = request.json_value(serde_json::Value::Object(body));)
        }
    };
    let uploads = if uploads {
        quote!(let mut uploads: Vec<crate::runtime::Part> = Vec::new();)
    } else {
        quote!()
    };
    let map = if text {
        quote!(let mut body = serde_json::Map::new();)
    } else {
        quote!()
    };
    quote! {
        #uploads
        #map
        #(#fields)*
        #finish
    }
}

/// The request function: the call declared, every argument in its place.
fn request_fn(
    model: &ApiModel,
    op: &Operation,
    m: &Method,
    sig: &Signature,
    spec_headers: &[(String, String)],
) -> TokenStream {
    let name = format_ident!("{}_request", m.stem());
    let (path, http) = (&op.path, format_ident!("{}", op.method.as_str()));
    let mut build: Vec<TokenStream> = m
        .arguments
        .iter()
        .map(|a| {
            let positional = a.binding == Binding::Positional;
            let optional = matches!(a.binding, Binding::Optional { .. });
            argument_statement(
                model,
                op,
                &op.arguments[a.index],
                &access(a),
                (optional, positional),
                spec_headers,
            )
        })
        .collect();
    // Reserved headers the spec fixes (Finch's required `Content-Type: application/json`).
    build.extend(
        m.fixed_headers
            .iter()
            .map(|(n, v)| quote!(request = request.header(#n, #v);)),
    );
    let body = body_code(op, m);
    let alternatives = m.security.iter().map(|alt| quote!(&[#(#alt),*]));
    // Constants: the scheme names cost no allocation per call.
    let security = if m.security.is_empty() {
        quote!()
    } else {
        quote!(request = request.security_static(&[#(#alternatives),*]);)
    };
    let mutable = if build.iter().all(|b| b.is_empty()) && body.is_empty() && security.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    let doc = format!(" The request of `{}`.", field_ident(&m.name));
    let params = &sig.params;
    quote! {
        #[doc = #doc]
        fn #name(#(#params),*) -> Result<Request, Error> {
            let #mutable request = Request::new(Method::#http, #path);
            #(#build)*
            #body
            #security
            Ok(request)
        }
    }
}

/// The params struct and its constructor and setters.
fn params_struct(m: &Method, sig: &Signature) -> TokenStream {
    let Some(params) = &m.params else {
        return quote!();
    };
    let (params_name, method) = (ident(params), field_ident(&m.name));
    let doc = if sig.required.is_empty() {
        format!(" Arguments of `{method}`; all optional.")
    } else if sig.required.len() >= crate::BUILDER_FROM {
        format!(" Arguments of `{method}`: the required ones through [`{params_name}::builder`], the optional ones by setters.")
    } else {
        format!(" Arguments of `{method}`: the required ones through [`{params_name}::new`], the optional ones by setters.")
    };
    let optional_fields = &sig.optional_fields;
    // The optional arguments start unset.
    let rest: Vec<TokenStream> = optional_fields.iter().map(|f| quote!(#f: None)).collect();
    let many = sig.required.len() >= crate::BUILDER_FROM;
    let mut builder = quote!();
    let (derive, constructor) = if sig.required.is_empty() {
        (
            quote!(#[derive(Debug, Clone, Default, PartialEq)]),
            quote! {
                /// No arguments set.
                pub fn new() -> Self {
                    Self::default()
                }
            },
        )
    } else if many {
        // Many required values: named through a builder, not a long positional `new`.
        builder = crate::builder(&params_name, &sig.required, &rest);
        (quote!(#[derive(Debug, Clone, PartialEq)]), quote!())
    } else {
        (
            quote!(#[derive(Debug, Clone, PartialEq)]),
            crate::new_fn(
                " The required arguments; the optional ones start unset.",
                &sig.required,
                &rest,
            ),
        )
    };
    let (fields, setters) = (&sig.fields, &sig.setters);
    quote! {
        #[doc = #doc]
        #derive
        #[non_exhaustive]
        pub struct #params_name {
            #(#fields)*
        }

        impl #params_name {
            #constructor
            #(#setters)*
        }

        #builder
    }
}

/// Where a method's doc example calls it from: the crate, its client and the resource.
pub(crate) struct ExampleAt {
    /// The crate as a path (`finch_sdk`).
    pub(crate) krate: String,
    /// The client struct (`Finch`).
    pub(crate) client: String,
    /// The accessors from the client (`hris().directory()`).
    pub(crate) chain: String,
    /// The resource's module under the crate (`resources::hris::directory`).
    pub(crate) module: String,
}

/// A short `# Example` for a method: the call as a user writes it, compiled by `cargo test
/// --doc` (not run). Arguments are the (hidden) example function's parameters; a params
/// struct without required values is built in the open.
fn example_docs(m: &Method, sig: &Signature, at: &ExampleAt) -> TokenStream {
    let ExampleAt {
        krate,
        client,
        chain,
        module,
    } = at;
    // The arguments are the example function's parameters (hidden), typed as the method
    // takes them, with the crate's paths.
    let positional = sig.params.len() - usize::from(m.params.is_some());
    let mut params: Vec<String> = sig.params[..positional]
        .iter()
        .map(|p| {
            p.to_string()
                .replace(" : ", ": ")
                .replace("& ", "&")
                .replace(" :: ", "::")
                .replace("< ", "<")
                .replace(" >", ">")
                .replace("types::", &format!("{krate}::types::"))
        })
        .collect();
    let mut args: Vec<String> = m
        .positional()
        .map(|a| ident(&a.field).to_string())
        .collect();
    let mut body = Vec::new();
    if let Some(name) = &m.params {
        if sig.required.is_empty() {
            body.push(format!(" # use {krate}::{module}::{name};"));
            body.push(format!(" let params = {name}::new();"));
        } else {
            params.push(format!("params: {krate}::{module}::{name}"));
        }
        args.push("params".to_owned());
    }
    let mut lines = vec![
        " # Example".to_owned(),
        String::new(),
        " ```no_run".to_owned(),
        format!(
            " # async fn example(client: {krate}::{client}{}) -> Result<(), {krate}::Error> {{",
            params.iter().map(|p| format!(", {p}")).collect::<String>()
        ),
    ];
    lines.extend(body);
    let call = format!(
        "client.{chain}.{}({})",
        field_ident(&m.name),
        args.join(", ")
    );
    lines.push(match m.response {
        ResponsePlan::Unit => format!(" {call}.await?;"),
        _ => format!(" let response = {call}.await?;"),
    });
    lines.push(" # Ok(()) }".to_owned());
    lines.push(" ```".to_owned());
    quote!(#[doc = ""] #(#[doc = #lines])*)
}

/// The method's docs: summary, endpoint, description, and what it fails with.
fn method_docs(op: &Operation, m: &Method) -> (String, TokenStream, TokenStream) {
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
    // The blocking twin: the summary and the endpoint; the description is on the async method.
    let short = doc_attrs(Some(&format!(
        "{summary}\n\n`{} {}` (blocking; see the async method for the full description)",
        op.method, op.path
    )));
    // Written here, not taken from the spec: links stay links.
    let mut errors = String::from(" [`Error`] when the request cannot be sent or times out, the server answers with an error status ([`Error::api_error`] has its status, headers and body), or the response does not decode.");
    if let Some(bodies) = &m.errors {
        let statuses: Vec<String> = bodies
            .bodies
            .iter()
            .map(|b| format!("`{}`", b.status))
            .collect();
        errors.push_str(&format!(
            " The error bodies the API declares ({}) decode with [`{name}::from_error`]`(&error)`.",
            statuses.join(", "),
            name = bodies.name
        ));
    }
    let docs = doc_attrs(Some(&doc));
    let docs = quote!(#docs #[doc = ""] #[doc = " # Errors"] #[doc = ""] #[doc = #errors]);
    (summary, docs, short)
}

/// The async and blocking methods that send the request (and their `_pages` twins).
fn methods(
    model: &ApiModel,
    op: &Operation,
    m: &Method,
    sig: &Signature,
    paths: &Paths,
    at: &ExampleAt,
) -> (TokenStream, TokenStream, TokenStream) {
    let method = field_ident(&m.name);
    let (request_fn, call_args) = (format_ident!("{}_request", m.stem()), &sig.call_args);
    let request = quote!(#request_fn(#(#call_args),*)?);
    // JSON (and empty) responses: the async method returns a `Call` — `.await` for the
    // value, `.with_response()` for status, headers and request id too; the blocking client
    // has a `_with_response` twin.
    let json = |t: TokenStream| {
        (
            quote!(crate::runtime::Call<'c, #t>),
            quote!(crate::runtime::Call::new(self.client, #request_fn(#(#call_args),*))),
            t,
            quote!(self.client.send(super::#request)),
        )
    };
    let (ret, send, ret_blocking, send_blocking) = match &m.response {
        ResponsePlan::Unit => json(quote!(())),
        ResponsePlan::Json(Some(ty)) => json(rust_type(model, ty, false, paths)),
        ResponsePlan::Json(None) => json(quote!(serde_json::Value)),
        ResponsePlan::Raw => (
            quote!(Result<crate::runtime::RawResponse, Error>),
            quote!(self.client.execute(#request).await),
            quote!(crate::runtime::RawResponse),
            quote!(self.client.execute(super::#request)),
        ),
        ResponsePlan::Stream => (
            quote!(Result<crate::runtime::StreamResponse, Error>),
            quote!(self.client.execute_stream(#request).await),
            quote!(crate::runtime::RawResponse),
            quote!(self.client.execute(super::#request)),
        ),
    };
    let is_call = matches!(m.response, ResponsePlan::Unit | ResponsePlan::Json(_));
    let stream_doc = match m.response {
        ResponsePlan::Stream => {
            quote!(#[doc = ""] #[doc = " The body arrives as a stream: `.bytes()` for the chunks, `.events()` for server-sent events."])
        }
        _ => quote!(),
    };
    let params = &sig.params;
    // The blocking twin names the params struct from its submodule.
    let mut blocking_params = params.clone();
    if let (Some(p), Some(last)) = (&m.params, blocking_params.last_mut()) {
        let p = ident(p);
        *last = quote!(params: super::#p);
    }
    let (_, docs, short_docs) = method_docs(op, m);
    let example = example_docs(m, sig, at);
    let docs = quote!(#docs #example);
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    let asyncness = if is_call { quote!() } else { quote!(async) };
    let mut methods = quote! {
        #docs
        #stream_doc
        #deprecated
        pub #asyncness fn #method(&self, #(#params),*) -> #ret {
            #send
        }
    };
    let mut blocking = quote! {
        #short_docs
        #deprecated
        pub fn #method(&self, #(#blocking_params),*) -> Result<#ret_blocking, Error> {
            #send_blocking
        }
    };
    if is_call {
        let twin = format_ident!("{}_with_response", m.stem());
        let doc = format!(
            " [`{method}`](Self::{method}), with the response's status, headers and request id."
        );
        blocking = quote! {
            #blocking
            #[doc = #doc]
            #deprecated
            pub fn #twin(&self, #(#blocking_params),*) -> Result<crate::runtime::Response<#ret_blocking>, Error> {
                self.client.send_with_response(super::#request)
            }
        };
    }
    let mut items = quote!();
    if let Some(p) = &m.pagination {
        let item = rust_type(model, &p.item, false, paths);
        // The page's whole body, typed as the method's response.
        let body_ty = match &m.response {
            ResponsePlan::Json(Some(ty)) => rust_type(model, ty, false, paths),
            _ => quote!(serde_json::Value),
        };
        let pages = format_ident!("{}_pages", m.stem());
        let paginator_fn = format_ident!("{}_paginator", m.stem());
        let how = paginator(&p.pagination);
        let doc = format!(" How `{method}` pages.");
        items = quote! {
            #[doc = #doc]
            fn #paginator_fn() -> Paginator {
                #how
            }
        };
        let doc = format!(" The first page of `{method}` (`.await` it): `into_stream()` yields every item, fetching further pages as needed; `get_next_page()` fetches one.");
        // A `PagesCall` (one future type in the runtime), not an `async fn`: a future per
        // method is compiled per method.
        methods = quote! {
            #methods
            #[doc = #doc]
            #deprecated
            pub fn #pages(&self, #(#params),*) -> PagesCall<'c, #item, #body_ty> {
                PagesCall::new(self.client, #request_fn(#(#call_args),*), #paginator_fn())
            }
        };
        let doc = format!(" The first page of `{method}`: `into_iter()` yields every item, fetching further pages as needed.");
        blocking = quote! {
            #blocking
            #[doc = #doc]
            #deprecated
            pub fn #pages(&self, #(#blocking_params),*) -> Result<crate::runtime::blocking::Page<#item, #body_ty>, Error> {
                self.client.get_page(super::#request, super::#paginator_fn()).map(crate::runtime::blocking::Page::with_body)
            }
        };
    }
    (methods, blocking, items)
}

/// The items of one planned method.
pub(crate) fn operation(
    model: &ApiModel,
    m: &Method,
    spec_headers: &[(String, String)],
    at: &ExampleAt,
) -> OperationItems {
    let paths = Paths::for_resources();
    let op = &model.operations[m.operation];
    let sig = signature(model, op, m, &paths);
    let request_item = request_fn(model, op, m, &sig, spec_headers);
    let (methods, blocking, paginator_item) = methods(model, op, m, &sig, &paths, at);
    let errors = error_bodies(model, m, &paths).unwrap_or_default();
    let params = params_struct(m, &sig);
    OperationItems {
        methods,
        blocking,
        items: quote!(#params #request_item #paginator_item #errors),
    }
}

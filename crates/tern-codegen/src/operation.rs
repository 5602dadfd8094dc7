//! One operation → its items: a params struct (required values through `new`, optional ones
//! as fields and chainable setters), a request function that declares the call, and the
//! methods on the async and blocking resource structs that send it.

use crate::types::{displays, is_copy, is_date_time, is_string, rust_type, Paths};
use crate::{doc_attrs, field_ident, type_ident};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use tern_model::{
    ApiModel, ArgumentLocation, BodyKind, Operation, ParameterLocation, ParameterStyle, TypeRef,
};

/// What an operation contributes to its resource module.
pub(crate) struct OperationItems {
    /// Methods of the async resource struct.
    pub(crate) methods: TokenStream,
    /// Methods of the blocking resource struct.
    pub(crate) blocking: TokenStream,
    /// Module-level items: params struct, request and paginator functions.
    pub(crate) items: TokenStream,
    /// Whether the items use `Page`/`Paginator`.
    pub(crate) paginated: bool,
    /// The params struct, if the method takes one, and whether its `new` takes arguments.
    pub(crate) params: Option<(Ident, bool)>,
    /// How many positional arguments the method takes before the params.
    pub(crate) positional: usize,
    /// Indexes into the operation's arguments: positional ones, those `new` takes, and the
    /// optional fields with their names — in order.
    pub(crate) arguments: (Vec<usize>, Vec<usize>, Vec<(usize, String)>),
}

/// How a call's response is read.
enum Returns {
    /// Decoded JSON of this type (`()` for no content).
    Json(TokenStream),
    /// The whole response (non-JSON bodies).
    Raw,
    /// A streamed body: downloads and server-sent events.
    Stream,
}

fn returns(model: &ApiModel, op: &Operation, paths: &Paths) -> Returns {
    let Some(r) = op.success_response() else {
        return Returns::Json(quote!(()));
    };
    if r.contents.is_empty() {
        return Returns::Json(quote!(()));
    }
    if let Some(c) = r.contents.iter().find(|c| c.kind == BodyKind::Json) {
        return Returns::Json(
            c.ty.as_ref()
                .map(|t| rust_type(model, t, false, paths))
                .unwrap_or_else(|| quote!(serde_json::Value)),
        );
    }
    if r.contents
        .iter()
        .any(|c| matches!(c.kind, BodyKind::EventStream | BodyKind::Binary))
    {
        Returns::Stream
    } else {
        Returns::Raw
    }
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
        TypeRef::Nullable(inner) => match inner.resolve(&model.types) {
            TypeRef::Array(inner) => Some((**inner).clone()),
            _ => None,
        },
        _ => None,
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

fn paginator(p: &tern_model::Pagination) -> TokenStream {
    let items = strings(&p.items);
    match &p.style {
        tern_model::PaginationStyle::Offset {
            offset_param,
            limit_param,
            total,
        } => {
            let limit = optional_string(limit_param);
            let total = optional_strings(total);
            quote!(Paginator::Offset { offset_param: #offset_param.into(), limit_param: #limit, total: #total, items: #items })
        }
        tern_model::PaginationStyle::Cursor {
            cursor_param,
            next_cursor,
            has_more,
        } => {
            let (next, more) = (optional_strings(next_cursor), optional_strings(has_more));
            quote!(Paginator::Cursor { cursor_param: #cursor_param.into(), next_cursor: #next, has_more: #more, items: #items })
        }
        tern_model::PaginationStyle::Page {
            page_param,
            size_param,
        } => {
            let size = optional_string(size_param);
            quote!(Paginator::PageNumber { page_param: #page_param.into(), size_param: #size, first_page: 1, items: #items })
        }
        _ => quote!(Paginator::Link { items: #items }),
    }
}

/// Whether an argument is passed positionally (a required path parameter).
fn in_signature(op: &Operation, a: &tern_model::Argument) -> bool {
    a.positional
        && matches!(a.location, ArgumentLocation::Parameter(i) if op.parameters[i].location == ParameterLocation::Path)
}

/// Required header parameters whose value the spec fixes (a default) and which every
/// operation declaring them fixes alike (Finch's `Finch-API-Version`): the client sends them by
/// default, overridable per client and per call. Content negotiation and credential headers
/// stay per operation.
pub(crate) fn fixed_headers(model: &ApiModel) -> Vec<(String, String)> {
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    for op in &model.operations {
        for a in &op.arguments {
            let ArgumentLocation::Parameter(i) = a.location else {
                continue;
            };
            let p = &op.parameters[i];
            if p.location != ParameterLocation::Header || !a.required {
                continue;
            }
            let lower = p.name.to_ascii_lowercase();
            if matches!(lower.as_str(), "content-type" | "accept" | "authorization") {
                continue;
            }
            let value = a.default.as_ref().and_then(|d| match d {
                tern_spec::Value::String(s) => Some(s.to_string()),
                tern_spec::Value::Number(_) | tern_spec::Value::Bool(_) => Some(d.to_string()),
                _ => None,
            });
            match found
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(&p.name))
            {
                Some((_, existing)) => {
                    if *existing != value {
                        *existing = None;
                    }
                }
                None => found.push((p.name.clone(), value)),
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(n, v)| Some((n, v?)))
        .collect()
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

/// `<Method>ErrorBody`: the error bodies an operation declares (JSON schemas of non-2xx
/// responses), decoded from an [`Error`] by status — exact codes first, then ranges, then
/// `default`.
fn error_bodies(
    model: &ApiModel,
    op: &Operation,
    method: &Ident,
    used: &mut std::collections::HashSet<String>,
    paths: &Paths,
) -> Option<TokenStream> {
    use tern_model::StatusCode;
    let mut declared: Vec<(&StatusCode, Option<&str>, TokenStream)> = Vec::new();
    for r in &op.responses {
        let is_error = match r.status {
            StatusCode::Code(c) => c >= 400,
            StatusCode::Range(d) => d >= 4,
            StatusCode::Default => true,
            _ => false,
        };
        let json = r.contents.iter().find(|c| c.kind == BodyKind::Json);
        if let (true, Some(ty)) = (is_error, json.and_then(|c| c.ty.as_ref())) {
            declared.push((
                &r.status,
                r.description.as_deref(),
                rust_type(model, ty, false, paths),
            ));
        }
    }
    if declared.is_empty() {
        return None;
    }
    let mut name = format_ident!("{}ErrorBody", type_ident(&method.to_string()));
    while !used.insert(name.to_string()) {
        name = format_ident!("{}_", name);
    }
    let mut variants = Vec::new();
    let mut exact = Vec::new();
    let mut ranges = Vec::new();
    let mut fallback = quote!(None);
    for (status, description, ty) in &declared {
        let variant = match status {
            StatusCode::Code(c) => format_ident!("Status{}", c),
            StatusCode::Range(d) => format_ident!("Status{}xx", d),
            _ => format_ident!("Other"),
        };
        let doc = format!(
            " `{status}`{}",
            description
                .map(|d| format!(": {}", d.lines().next().unwrap_or_default().trim()))
                .unwrap_or_default()
        );
        variants.push(quote!(#[doc = #doc] #variant(#ty),));
        let decode = quote!(api.decode().ok().map(Self::#variant));
        match status {
            StatusCode::Code(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(*c);
                exact.push(quote!(#c => #decode,));
            }
            StatusCode::Range(d) => {
                let (lo, hi) = (
                    proc_macro2::Literal::u16_unsuffixed(u16::from(*d) * 100),
                    proc_macro2::Literal::u16_unsuffixed(u16::from(*d) * 100 + 99),
                );
                ranges.push(quote!(#lo..=#hi => #decode,));
            }
            _ => fallback = decode,
        }
    }
    let doc = format!(" The error bodies `{method}` declares, by status.");
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

/// The items of one operation. `method` is its name within its resource; `used` the module's
/// names taken so far (params structs are kept unique).
pub(crate) fn operation(
    model: &ApiModel,
    op: &Operation,
    method: &Ident,
    used: &mut std::collections::HashSet<String>,
    client_headers: &[(String, String)],
) -> OperationItems {
    let paths = Paths::for_resources();
    let mut params_name = format_ident!("{}Params", type_ident(&method.to_string()));
    while !used.insert(params_name.to_string()) {
        params_name = format_ident!("{}_", params_name);
    }
    let request_fn = format_ident!("{}_request", method.to_string().trim_end_matches('_'));
    let path = &op.path;
    let http = format_ident!("{}", op.method.as_str());
    let returns = returns(model, op, &paths);

    let mut signature = Vec::new();
    let mut call_args = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut build = Vec::new();
    let mut body_fields = Vec::new();
    let mut whole_body = None;
    let mut required: Vec<(Ident, TokenStream)> = Vec::new();
    let mut optional_fields: Vec<Ident> = Vec::new();
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
    let mut has_upload = false;
    let mut text_fields = 0usize;
    let mut arg_positional = Vec::new();
    let mut arg_required = Vec::new();
    let mut arg_optional = Vec::new();
    for (index, a) in op.arguments.iter().enumerate() {
        // Headers the client sends by default are overridden per call through options, not
        // through every method's arguments.
        if let ArgumentLocation::Parameter(i) = a.location {
            let p = &op.parameters[i];
            if p.location == ParameterLocation::Header
                && client_headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(&p.name))
            {
                continue;
            }
        }
        let ident = field_ident(&a.name);
        let positional = in_signature(op, a);
        // A binary member of a multipart body is a file.
        let upload = body_kind == BodyKind::Multipart
            && a.location == ArgumentLocation::BodyProperty
            && matches!(
                a.ty.resolve(&model.types),
                TypeRef::String(tern_model::StringFormat::Binary)
            );
        // Required arguments the spec gives a default are optional for the caller.
        let optional = !a.positional;
        let access = if positional {
            quote!(#ident)
        } else {
            quote!(params.#ident)
        };
        let docs = doc_attrs(
            a.description
                .as_deref()
                .or(Some(&format!("`{}`.", a.original))),
        );
        if positional {
            if is_string(model, &a.ty) {
                signature.push(quote!(#ident: &str));
            } else {
                let ty = rust_type(model, &a.ty, false, &paths);
                signature.push(quote!(#ident: #ty));
            }
            call_args.push(quote!(#ident));
            arg_positional.push(index);
        } else if optional {
            arg_optional.push((index, ident.to_string()));
            let inner = match &a.ty {
                TypeRef::Nullable(inner) => inner.as_ref(),
                other => other,
            };
            let ty = if upload {
                quote!(crate::runtime::Upload)
            } else {
                rust_type(model, inner, false, &paths)
            };
            fields.push(quote!(#docs pub #ident: Option<#ty>,));
            // Setters never take the names of the constructor or of common trait methods.
            let setter = if [
                "new", "default", "clone", "eq", "ne", "fmt", "hash", "into", "from",
            ]
            .contains(&ident.to_string().as_str())
            {
                format_ident!("with_{}", ident)
            } else {
                ident.clone()
            };
            let doc = format!(" Sets `{}`.", a.original);
            if is_string(model, inner) && !upload {
                setters.push(quote!(#[doc = #doc] pub fn #setter(mut self, value: impl Into<String>) -> Self { self.#ident = Some(value.into()); self }));
            } else {
                setters.push(quote!(#[doc = #doc] pub fn #setter(mut self, value: #ty) -> Self { self.#ident = Some(value); self }));
            }
            optional_fields.push(ident.clone());
        } else {
            let ty = if upload {
                quote!(crate::runtime::Upload)
            } else {
                rust_type(model, &a.ty, false, &paths)
            };
            fields.push(quote!(#docs pub #ident: #ty,));
            required.push((ident.clone(), ty));
            arg_required.push(index);
        }
        let original = &a.original;
        match a.location {
            ArgumentLocation::Parameter(_) => {
                build.push(argument_statement(
                    model,
                    op,
                    a,
                    &access,
                    (optional && !positional, positional),
                    client_headers,
                ));
            }
            ArgumentLocation::BodyProperty if upload => {
                has_upload = true;
                body_fields.push(if optional {
                    quote!(if let Some(value) = &#access { uploads.push(value.part(#original)); })
                } else {
                    quote!(uploads.push(#access.part(#original));)
                });
            }
            ArgumentLocation::BodyProperty => {
                text_fields += 1;
                body_fields.push(if optional {
                    quote!(if let Some(value) = &#access { body.insert(#original.into(), crate::runtime::to_json(value)?); })
                } else {
                    quote!(body.insert(#original.into(), crate::runtime::to_json(&#access)?);)
                });
            }
            _ => whole_body = Some((optional, access)),
        }
    }
    let body = if let Some((optional, access)) = whole_body {
        if optional {
            quote!(if let Some(value) = &#access { request = request.json(value)?; })
        } else {
            quote!(request = request.json(&#access)?;)
        }
    } else if !body_fields.is_empty() {
        let finish = match body_kind {
            BodyKind::Form => {
                quote!(request = request.form(body.into_iter().map(|(k, v)| (k, match v { serde_json::Value::String(s) => s, other => other.to_string() })).collect());)
            }
            BodyKind::Multipart => {
                let text = quote!(body.into_iter().map(|(k, v)| crate::runtime::Part::text(
                    k,
                    match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    }
                )));
                match (has_upload, text_fields > 0) {
                    (true, true) => {
                        quote!(request = request.multipart(#text.chain(uploads).collect());)
                    }
                    (true, false) => quote!(request = request.multipart(uploads);),
                    _ => quote!(request = request.multipart(#text.collect());),
                }
            }
            _ => quote!(request = request.json_value(serde_json::Value::Object(body));),
        };
        let uploads = if has_upload {
            quote!(let mut uploads: Vec<crate::runtime::Part> = Vec::new();)
        } else {
            quote!()
        };
        let map = if text_fields > 0 {
            quote!(let mut body = serde_json::Map::new();)
        } else {
            quote!()
        };
        quote! {
            #uploads
            #map
            #(#body_fields)*
            #finish
        }
    } else {
        quote!()
    };
    let has_params = !fields.is_empty();
    if has_params {
        signature.push(quote!(params: #params_name));
        call_args.push(quote!(params));
    }
    let alternatives: Vec<TokenStream> = op
        .security
        .as_ref()
        .unwrap_or(&model.security)
        .iter()
        .map(|r| {
            let names = r.schemes.iter().map(|(n, _)| n.as_str());
            quote!(&[#(#names),*])
        })
        .collect();
    // Constants: the scheme names cost no allocation per call.
    let security = if alternatives.is_empty() {
        quote!()
    } else {
        quote!(request = request.security_static(&[#(#alternatives),*]);)
    };
    let mutable = if build.iter().all(|b| b.is_empty()) && body.is_empty() && security.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    let request_doc = format!(" The request of `{method}`.");
    let request_item = quote! {
        #[doc = #request_doc]
        fn #request_fn(#(#signature),*) -> Result<Request, Error> {
            let #mutable request = Request::new(Method::#http, #path);
            #(#build)*
            #body
            #security
            Ok(request)
        }
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
    let request = quote!(#request_fn(#(#call_args),*)?);
    let (ret, send, ret_blocking, send_blocking) = match &returns {
        Returns::Json(t) => (
            t.clone(),
            quote!(self.client.send(#request).await),
            t.clone(),
            quote!(self.client.send(super::#request)),
        ),
        Returns::Raw => (
            quote!(crate::runtime::RawResponse),
            quote!(self.client.execute(#request).await),
            quote!(crate::runtime::RawResponse),
            quote!(self.client.execute(super::#request)),
        ),
        Returns::Stream => (
            quote!(crate::runtime::StreamResponse),
            quote!(self.client.execute_stream(#request).await),
            quote!(crate::runtime::RawResponse),
            quote!(self.client.execute(super::#request)),
        ),
    };
    let stream_doc = match returns {
        Returns::Stream => {
            quote!(#[doc = ""] #[doc = " The body arrives as a stream: `.bytes()` for the chunks, `.events()` for server-sent events."])
        }
        _ => quote!(),
    };
    // The blocking twin names the params struct from its submodule.
    let mut blocking_signature = signature.clone();
    if has_params {
        if let Some(last) = blocking_signature.last_mut() {
            *last = quote!(params: super::#params_name);
        }
    }

    let mut methods = quote! {
        #docs
        #stream_doc
        #deprecated
        pub async fn #method(&self, #(#signature),*) -> Result<#ret, Error> {
            #send
        }
    };
    // The blocking twin: the summary and the endpoint; the description is on the async method.
    let short_docs = doc_attrs(Some(&format!(
        "{summary}\n\n`{} {}` (blocking; see the async method for the full description)",
        op.method, op.path
    )));
    let mut blocking = quote! {
        #short_docs
        #deprecated
        pub fn #method(&self, #(#blocking_signature),*) -> Result<#ret_blocking, Error> {
            #send_blocking
        }
    };
    let mut items = request_item;
    let mut paginated = false;
    if let (Some(p), Some(item)) = (op.pagination.as_ref(), page_item(model, op)) {
        paginated = true;
        let item = rust_type(model, &item, false, &paths);
        let pages = format_ident!("{}_pages", method.to_string().trim_end_matches('_'));
        let paginator_fn = format_ident!("{}_paginator", method.to_string().trim_end_matches('_'));
        let how = paginator(p);
        let doc = format!(" How `{method}` pages.");
        items = quote! {
            #items
            #[doc = #doc]
            fn #paginator_fn() -> Paginator {
                #how
            }
        };
        let doc = format!(" The first page of `{method}`: `into_stream()` yields every item, fetching further pages as needed; `get_next_page()` fetches one.");
        methods = quote! {
            #methods
            #[doc = #doc]
            #deprecated
            pub async fn #pages(&self, #(#signature),*) -> Result<Page<#item>, Error> {
                self.client.get_page(#request, #paginator_fn()).await
            }
        };
        let doc = format!(" The first page of `{method}`: `into_iter()` yields every item, fetching further pages as needed.");
        blocking = quote! {
            #blocking
            #[doc = #doc]
            #deprecated
            pub fn #pages(&self, #(#blocking_signature),*) -> Result<crate::runtime::blocking::Page<#item>, Error> {
                self.client.get_page(super::#request, super::#paginator_fn())
            }
        };
    }
    if let Some(errors) = error_bodies(model, op, method, used, &paths) {
        items = quote!(#items #errors);
    }
    if has_params {
        let doc = if required.is_empty() {
            format!(" Arguments of `{method}`; all optional.")
        } else {
            format!(" Arguments of `{method}`: the required ones through [`{params_name}::new`], the optional ones by setters.")
        };
        let (names, types): (Vec<_>, Vec<_>) = required.iter().cloned().unzip();
        // The constructor takes exactly the API's required values, however many there are.
        let allow = if names.len() > 7 {
            quote!(#[allow(clippy::too_many_arguments)])
        } else {
            quote!()
        };
        let (derive, constructor) = if required.is_empty() {
            (
                quote!(#[derive(Debug, Clone, Default, PartialEq)]),
                quote! {
                    /// No arguments set.
                    pub fn new() -> Self {
                        Self::default()
                    }
                },
            )
        } else {
            (
                quote!(#[derive(Debug, Clone, PartialEq)]),
                quote! {
                    /// The required arguments; the optional ones start unset.
                    #allow
                    pub fn new(#(#names: #types),*) -> Self {
                        Self { #(#names,)* #(#optional_fields: None,)* }
                    }
                },
            )
        };
        items = quote! {
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

            #items
        };
    }
    OperationItems {
        methods,
        blocking,
        items,
        paginated,
        params: has_params.then(|| (params_name.clone(), !required.is_empty())),
        positional: signature.len() - usize::from(has_params),
        arguments: (arg_positional, arg_required, arg_optional),
    }
}

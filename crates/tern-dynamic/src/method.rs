//! One method of a dynamic client: help, argument schemas, preparing and sending calls (JSON,
//! raw, streamed, typed, paginated), and what a call lacks (credentials, spec defects).

use crate::{args, help, schema, Args, DynamicClient, DynamicError};
use futures_util::{Stream, StreamExt};
use serde_json::Value as Json;
use tern_model::{ArgumentLocation, Operation, PaginationStyle};
use tern_runtime::{header::HeaderMap, Paginator, StatusCode};

/// One callable method.
#[derive(Debug, Clone, Copy)]
pub struct MethodRef<'c> {
    pub(crate) client: &'c DynamicClient,
    pub(crate) index: usize,
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

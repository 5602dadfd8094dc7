//! The MCP server: rmcp's `ServerHandler` over a [`Catalog`], calls through tern-dynamic, and
//! the two transports (stdio, streamable HTTP).

use crate::catalog::{Catalog, Entry, Mode, Options, ALL_PAGES, MAX_ITEMS};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, ListToolsResult, PaginatedRequestParams, ServerCapabilities, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;
use tern_dynamic::{Args, DynamicClient, DynamicError};
use tern_model::HttpMethod;
use tern_runtime::StreamExt;

/// Discover mode's tools.
const SEARCH: &str = "search_operations";
const DESCRIBE: &str = "describe_operation";
const CALL: &str = "call_operation";

/// Items `all_pages` collects when `max_items` is not given.
const DEFAULT_MAX_ITEMS: usize = 1000;

/// An MCP server for one API. Cheap to clone: every session shares the client and catalogue.
#[derive(Debug, Clone)]
pub struct Server {
    client: DynamicClient,
    catalog: Arc<Catalog>,
    tools: Arc<Vec<Tool>>,
    max_result_bytes: usize,
    forward_authorization: bool,
}

impl Server {
    /// A server for `client`'s API, serving what `options` select.
    pub fn new(client: DynamicClient, options: &Options) -> Server {
        let catalog = Catalog::new(&client, options);
        let tools = tools(&client, &catalog);
        Server {
            client,
            catalog: Arc::new(catalog),
            tools: Arc::new(tools),
            max_result_bytes: options.max_result_bytes,
            forward_authorization: options.forward_authorization,
        }
    }

    /// The tools it lists.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// The catalogue it serves.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Runs one tool call: the result, or a tool error the model can read and act on.
    pub async fn call(&self, name: &str, arguments: Map<String, Json>) -> CallToolResult {
        self.call_as(name, arguments, None).await
    }

    /// As [`Server::call`], sending `authorization` (the agent's own `Authorization` header)
    /// with the API request.
    async fn call_as(
        &self,
        name: &str,
        arguments: Map<String, Json>,
        authorization: Option<&str>,
    ) -> CallToolResult {
        match (self.catalog.mode, name) {
            (Mode::Discover, SEARCH) => self.search(&arguments),
            (Mode::Discover, DESCRIBE) => match self.entry_argument(&arguments) {
                Ok(entry) => self.describe(entry),
                Err(e) => error(e),
            },
            (Mode::Discover, CALL) => match self.entry_argument(&arguments) {
                Ok(entry) => {
                    let args = match arguments.get("arguments") {
                        None | Some(Json::Null) => Map::new(),
                        Some(Json::Object(m)) => m.clone(),
                        Some(_) => return error("`arguments` must be an object"),
                    };
                    self.call_entry(entry, args, authorization).await
                }
                Err(e) => error(e),
            },
            (Mode::Discover, _) => error(format!(
                "no tool `{name}`; use {SEARCH}, {DESCRIBE} and {CALL}"
            )),
            _ => match self.catalog.get(name) {
                Some(entry) => self.call_entry(entry, arguments, authorization).await,
                None => error(format!("no tool `{name}`")),
            },
        }
    }

    /// The entry named by the `operation` argument, or what is wrong with it.
    fn entry_argument(&self, arguments: &Map<String, Json>) -> Result<&Entry, String> {
        let Some(name) = arguments.get("operation").and_then(Json::as_str) else {
            return Err("argument `operation` is required: a name from search_operations".into());
        };
        self.catalog.get(name).ok_or_else(|| {
            format!("argument `operation`: no operation `{name}`; find names with {SEARCH}")
        })
    }

    fn search(&self, arguments: &Map<String, Json>) -> CallToolResult {
        let query = arguments
            .get("query")
            .and_then(Json::as_str)
            .unwrap_or_default();
        let resource = arguments.get("resource").and_then(Json::as_str);
        let limit = arguments
            .get("limit")
            .and_then(Json::as_u64)
            .map_or(10, |l| usize::try_from(l).unwrap_or(50).clamp(1, 50));
        let model = &self.client.api().model;
        let found: Vec<Json> = self
            .catalog
            .search(&self.client, query, resource, limit)
            .into_iter()
            .map(|e| {
                let op = &model.operations[e.operation];
                json!({
                    "name": e.name,
                    "method": op.method.to_string(),
                    "path": op.path,
                    "summary": op.summary.as_deref().unwrap_or_default(),
                })
            })
            .collect();
        structured(json!({ "operations": found }))
    }

    fn describe(&self, entry: &Entry) -> CallToolResult {
        let op = &self.client.api().model.operations[entry.operation];
        let help = self
            .client
            .operation(entry.operation)
            .map(|m| m.help())
            .unwrap_or_default();
        structured(json!({
            "name": entry.name,
            "method": op.method.to_string(),
            "path": op.path,
            "description": entry.description,
            "input_schema": entry.input_schema,
            "help": help,
        }))
    }

    async fn call_entry(
        &self,
        entry: &Entry,
        mut arguments: Map<String, Json>,
        authorization: Option<&str>,
    ) -> CallToolResult {
        let Some(method) = self.client.operation(entry.operation) else {
            return error(format!("no operation behind `{}`", entry.name));
        };
        let (all_pages, max_items) = if entry.paginated {
            let all = arguments.remove(ALL_PAGES);
            let max = arguments.remove(MAX_ITEMS);
            let max = match max {
                None | Some(Json::Null) => DEFAULT_MAX_ITEMS,
                Some(v) => match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
                    Some(n) if n > 0 => n,
                    _ => return error("argument `max_items` must be a positive integer"),
                },
            };
            match all {
                None | Some(Json::Null) | Some(Json::Bool(false)) => (false, max),
                Some(Json::Bool(true)) => (true, max),
                Some(_) => return error("argument `all_pages` must be true or false"),
            }
        } else {
            (false, 0)
        };
        let args = arguments
            .into_iter()
            .fold(Args::new(), |args, (k, v)| args.named(k, v));
        let request = match method.prepare(args) {
            Ok(r) => match authorization {
                Some(a) => r.header("Authorization", a),
                None => r,
            },
            Err(e) => return failure(&e),
        };
        if all_pages {
            let mut stream = match method.paginate_prepared(request).await {
                Ok(s) => s,
                Err(e) => return failure(&e),
            };
            let mut items = Vec::new();
            let mut more = false;
            while let Some(item) = stream.next().await {
                match item {
                    Ok(v) if items.len() < max_items => items.push(v),
                    Ok(_) => {
                        more = true;
                        break;
                    }
                    Err(e) => return failure(&e),
                }
            }
            let note =
                more.then(|| format!("stopped after max_items = {max_items} items; more exist"));
            return self.text_result(Json::Array(items), note);
        }
        match self.client.runtime().execute(request).await {
            Ok(raw) => {
                let content_type = raw
                    .headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let textual = content_type.is_empty()
                    || content_type.contains("json")
                    || content_type.starts_with("text/")
                    || content_type.contains("xml")
                    || content_type.contains("x-www-form-urlencoded");
                if !textual {
                    return success(format!(
                        "HTTP {}: a binary response of {} bytes ({content_type}), not shown",
                        raw.status.as_u16(),
                        raw.body.len()
                    ));
                }
                if raw.body.iter().all(u8::is_ascii_whitespace) {
                    return success(format!("HTTP {}: no content", raw.status.as_u16()));
                }
                match serde_json::from_slice::<Json>(&raw.body) {
                    Ok(v) => self.text_result(v, None),
                    Err(_) => success(self.cut(String::from_utf8_lossy(&raw.body).into_owned())),
                }
            }
            Err(e) => failure(&DynamicError::Http(e)),
        }
    }

    /// A JSON value as text (and as structured content when it is an object and fits).
    fn text_result(&self, value: Json, note: Option<String>) -> CallToolResult {
        let text = serde_json::to_string(&value).unwrap_or_default();
        let fits = text.len() <= self.max_result_bytes;
        let mut text = self.cut(text);
        if let Some(n) = note {
            text.push_str(&format!("\n[{n}]"));
        }
        let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
        if fits && value.is_object() {
            result.structured_content = Some(value);
        }
        result
    }

    /// Text cut at `max_result_bytes`, with a note saying so.
    fn cut(&self, mut text: String) -> String {
        let total = text.len();
        if total <= self.max_result_bytes {
            return text;
        }
        let mut end = self.max_result_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str(&format!(
            "\n[truncated: {end} of {total} bytes shown; narrow the request (filters, limits) to see the rest]"
        ));
        text
    }
}

fn success(text: impl Into<String>) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(text)])
}

fn structured(value: Json) -> CallToolResult {
    let text = serde_json::to_string(&value).unwrap_or_default();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}

fn error(text: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// A failed call as a tool error: the argument at fault, or the HTTP status and the server's
/// message (tern-runtime's errors carry no secrets).
fn failure(e: &DynamicError) -> CallToolResult {
    match e {
        DynamicError::Http(http) => match http.status() {
            Some(status) => error(format!("HTTP {}: {http}", status.as_u16())),
            None => error(http.to_string()),
        },
        other => error(other.to_string()),
    }
}

/// The tools a catalogue lists.
fn tools(client: &DynamicClient, catalog: &Catalog) -> Vec<Tool> {
    let model = &client.api().model;
    match catalog.mode {
        Mode::Discover => {
            let resources: Vec<&str> = {
                let mut r: Vec<&str> = catalog
                    .entries
                    .iter()
                    .map(|e| model.operations[e.operation].rest_name.resource.as_str())
                    .collect();
                r.dedup();
                r
            };
            let read = ToolAnnotations::new()
                .read_only(true)
                .destructive(false)
                .open_world(false);
            vec![
                Tool::new(
                    SEARCH,
                    format!(
                        "Find operations of the {} API ({} operations) by words; returns names to use with {DESCRIBE} and {CALL}.",
                        model.title,
                        catalog.entries.len()
                    ),
                    object(json!({
                        "type": "object",
                        "properties": {
                            "query": {"type": "string", "description": "Words to look for in operation names, paths and descriptions."},
                            "resource": {"type": "string", "description": "Only this resource.", "enum": resources},
                            "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "At most this many results (default 10)."}
                        },
                        "required": ["query"],
                        "additionalProperties": false
                    })),
                )
                .annotate(read.clone()),
                Tool::new(
                    DESCRIBE,
                    "The full description of an operation: what it does, its arguments as a JSON Schema, and what it returns.",
                    object(json!({
                        "type": "object",
                        "properties": {"operation": {"type": "string", "description": "A name from search_operations."}},
                        "required": ["operation"],
                        "additionalProperties": false
                    })),
                )
                .annotate(read),
                Tool::new(
                    CALL,
                    "Calls an operation with arguments that match its input schema (see describe_operation).",
                    object(json!({
                        "type": "object",
                        "properties": {
                            "operation": {"type": "string", "description": "A name from search_operations."},
                            "arguments": {"type": "object", "description": "The operation's arguments, as its input schema describes."}
                        },
                        "required": ["operation"],
                        "additionalProperties": false
                    })),
                )
                .annotate(ToolAnnotations::new().open_world(true)),
            ]
        }
        _ => catalog
            .entries
            .iter()
            .map(|e| {
                let op = &model.operations[e.operation];
                let annotations = match op.method {
                    HttpMethod::Get | HttpMethod::Head => {
                        ToolAnnotations::new().read_only(true).destructive(false)
                    }
                    HttpMethod::Delete => ToolAnnotations::new()
                        .read_only(false)
                        .destructive(true)
                        .idempotent(true),
                    HttpMethod::Put => ToolAnnotations::new()
                        .read_only(false)
                        .destructive(true)
                        .idempotent(true),
                    _ => ToolAnnotations::new().read_only(false).destructive(false),
                };
                Tool::new(
                    e.name.clone(),
                    e.description.clone(),
                    Arc::new(e.input_schema.clone()),
                )
                .annotate(annotations.open_world(true))
            })
            .collect(),
    }
}

fn object(v: Json) -> Arc<Map<String, Json>> {
    match v {
        Json::Object(m) => Arc::new(m),
        _ => Arc::new(Map::new()),
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> InitializeResult {
        let model = &self.client.api().model;
        let how = match self.catalog.mode {
            Mode::Discover => format!(
                "This API has {} operations: find them with {SEARCH}, read one with {DESCRIBE}, call it with {CALL}.",
                self.catalog.entries.len()
            ),
            _ => "Each tool is one operation of the API.".to_owned(),
        };
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("tern", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!("Tools that call the {} API. {how}", model.title))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let arguments = request.arguments.unwrap_or_default();
        // Over HTTP, rmcp puts the HTTP request's head into the extensions.
        let authorization = self
            .forward_authorization
            .then(|| context.extensions.get::<http::request::Parts>())
            .flatten()
            .and_then(|parts| parts.headers.get(http::header::AUTHORIZATION))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(self
            .call_as(&request.name, arguments, authorization.as_deref())
            .await
            .into())
    }
}

/// Serves over standard input and output until the client closes them.
pub async fn serve_stdio(server: Server) -> std::io::Result<()> {
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(std::io::Error::other)?;
    running.waiting().await.map_err(std::io::Error::other)?;
    Ok(())
}

/// Serves streamable HTTP at `http://ADDR/mcp` (any path answers) until the process ends.
/// `ready` is called with the bound address once the listener is up.
pub async fn serve_http(
    server: Server,
    addr: std::net::SocketAddr,
    ready: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use rmcp::transport::streamable_http_server::{
        session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
    };
    let service = TowerToHyperService::new(StreamableHttpService::new(
        move || Ok(server.clone()),
        LocalSessionManager::default().into(),
        StreamableHttpServerConfig::default(),
    ));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let service = service.clone();
        tokio::spawn(async move {
            let _ = Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

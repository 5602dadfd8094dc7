//! # tern-mcp — any API description, served to AI agents over MCP
//!
//! Turns a [`tern_dynamic::DynamicClient`] (a spec loaded at run time) into a Model Context
//! Protocol server (the official Rust SDK, `rmcp`): nothing is generated or compiled per API.
//!
//! - [`Catalog`]: which operations are served and how. In **tools** mode each operation is a
//!   tool named `resource_method` (at most 64 characters of `[A-Za-z0-9_-]`, unique, cut with
//!   a hash suffix when needed), described from its summary and description, with one
//!   self-contained input schema (every `$ref` inlined, recursion cut at a bounded depth) —
//!   the schemas tern-dynamic validates calls with — and hints from the HTTP method. In
//!   **discover** mode, for large APIs, three tools search, describe and call operations.
//! - [`Server`]: rmcp's `ServerHandler`. Calls go through tern-dynamic and tern-runtime:
//!   arguments validated before sending (a violation is a tool error naming the argument),
//!   credentials, retries, timeouts, pagination (`all_pages`, `max_items`). Results are the
//!   response as JSON text (and structured content for objects), cut at a configurable size
//!   with a note; binary bodies are summarised; HTTP errors are tool errors with the status
//!   and the server's message.
//! - [`serve_stdio`], [`serve_http`]: the transports.
//!
//! **Owns:** how operations are presented to agents.
//! **Must not:** send HTTP itself (tern-runtime does), or put a credential in a result or log.

mod catalog;
mod server;

pub use catalog::{tool_name, Catalog, Entry, Mode, Options, ALL_PAGES, MAX_ITEMS, MAX_NAME};
pub use rmcp::model::Tool;
pub use server::{serve_http, serve_stdio, Server};

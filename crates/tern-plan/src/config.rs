//! `tern.toml`: what an API owner decides that the spec does not say — crate and client names,
//! the resource tree and method names, pagination per operation, auth, default headers,
//! environment variable names, retry and timeout defaults, the idempotency header.
//!
//! ```toml
//! [package]
//! name = "finch-sdk"
//! client = "Finch"
//!
//! [client]
//! headers = { "Finch-API-Version" = "2020-09-17" }
//! max_retries = 2
//! timeout_secs = 60
//!
//! [operations."GET /employer/directory"]
//! name = "hris.directory.list_individuals"
//! pagination = { style = "offset", offset = "offset", limit = "limit", items = "individuals" }
//! ```
//!
//! Unknown keys are errors, with their line and column.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use tern_model::{ApiModel, Pagination, PaginationStyle};

/// A parsed `tern.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// The crate.
    #[serde(default)]
    pub package: PackageConfig,
    /// Client defaults.
    #[serde(default)]
    pub client: ClientConfig,
    /// Authentication beyond the spec's security schemes.
    #[serde(default)]
    pub auth: AuthConfig,
    /// Environment variables `from_env` reads.
    #[serde(default)]
    pub env: EnvConfig,
    /// Per endpoint (`"GET /employer/directory"`): name and pagination.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationConfig>,
}

/// `[package]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PackageConfig {
    /// The crate's name (`finch-sdk`).
    pub name: Option<String>,
    /// The client type's name (`Finch`).
    pub client: Option<String>,
    /// The crate's version.
    pub version: Option<String>,
    /// `resources` (the default), `rest` or `operation-id`: how endpoints without a configured name
    /// are named.
    pub naming: Option<String>,
    /// The crate's description (default: from the API's title).
    pub description: Option<String>,
    /// An SPDX license expression (default: the spec's `info.license`, when it names one).
    pub license: Option<String>,
    /// The repository URL.
    pub repository: Option<String>,
    /// The homepage URL (default: the spec's `externalDocs.url`).
    pub homepage: Option<String>,
    /// The documentation URL.
    pub documentation: Option<String>,
    /// Authors.
    pub authors: Option<Vec<String>>,
    /// crates.io keywords (at most 5).
    pub keywords: Option<Vec<String>>,
    /// crates.io categories.
    pub categories: Option<Vec<String>>,
    /// `false` writes `publish = false`, so that the crate cannot be published by mistake.
    pub publish: Option<bool>,
}

/// `[client]`: defaults of every client the SDK builds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Headers sent with every request (overridable per client and per call).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Per-attempt timeout in seconds.
    pub timeout_secs: Option<f64>,
    /// The header carrying an idempotency key on POST and PATCH (`Idempotency-Key`).
    pub idempotency_header: Option<String>,
}

/// `[auth]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AuthConfig {
    /// An OAuth2 client-credentials flow the security schemes do not declare (Candid's
    /// `/auth/v2/token`). Without it, Tern looks for such a token endpoint in the spec itself.
    pub client_credentials: Option<ClientCredentialsConfig>,
}

/// `[auth.client_credentials]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientCredentialsConfig {
    /// The token endpoint: a path under the base URL (`/auth/v2/token`) or an absolute URL.
    pub token_url: String,
    /// `json` or `form` (default `form`).
    pub format: Option<String>,
}

/// `[env]`: the environment variables `from_env` reads (default `<CLIENT>_<WHAT>`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EnvConfig {
    /// Prefix of the default names (`FINCH` → `FINCH_ACCESS_TOKEN`).
    pub prefix: Option<String>,
    /// Bearer token variable.
    pub access_token: Option<String>,
    /// API key variable.
    pub api_key: Option<String>,
    /// HTTP basic user name variable.
    pub username: Option<String>,
    /// HTTP basic password variable.
    pub password: Option<String>,
    /// OAuth2 client id variable.
    pub client_id: Option<String>,
    /// OAuth2 client secret variable.
    pub client_secret: Option<String>,
    /// Base URL variable.
    pub base_url: Option<String>,
}

/// `[operations."METHOD /path"]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OperationConfig {
    /// Dotted resource path and method: `hris.directory.list_individuals`.
    pub name: Option<String>,
    /// Pagination: `"none"`, or a table.
    pub pagination: Option<PaginationConfig>,
}

/// Pagination of one operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum PaginationConfig {
    /// `"none"`: not paginated, whatever Tern detects.
    Off(String),
    /// A strategy.
    Style(Box<PaginationTable>),
}

/// `{ style = "offset", … }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PaginationTable {
    /// `offset`, `cursor`, `page` or `link`.
    pub style: String,
    /// Offset parameter (`offset`).
    pub offset: Option<String>,
    /// Limit parameter (`offset`).
    pub limit: Option<String>,
    /// Dotted path of the total item count in the response (`offset`).
    pub total: Option<String>,
    /// Cursor parameter (`cursor`).
    pub cursor: Option<String>,
    /// Dotted path of the next cursor in the response (`cursor`).
    pub next_cursor: Option<String>,
    /// Dotted path of a has-more flag in the response (`cursor`).
    pub has_more: Option<String>,
    /// Page parameter (`page`).
    pub page: Option<String>,
    /// Page size parameter (`page`).
    pub size: Option<String>,
    /// Dotted path from the response body to the items array (empty: the body).
    #[serde(default)]
    pub items: String,
}

/// A `tern.toml` that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigError {
    /// The file (as given by the caller).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn dotted(s: &Option<String>) -> Option<Vec<String>> {
    s.as_ref()
        .map(|s| s.split('.').map(str::to_owned).collect())
}

impl Config {
    /// Parses `text`; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            ConfigError {
                file: file.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })
    }

    /// Checks the configuration against the model: every endpoint named must exist, names
    /// must be dotted identifiers, pagination styles known. `text` is the file's text, for
    /// positions.
    pub fn check(&self, model: &ApiModel, text: &str, file: &str) -> Result<(), ConfigError> {
        let at = |needle: &str, message: String| {
            let (line, column) = text
                .find(needle)
                .map(|o| line_col(text, o))
                .map_or((None, None), |(l, c)| (Some(l), Some(c)));
            ConfigError {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        };
        if let Some(n) = &self.package.naming {
            if !matches!(n.as_str(), "rest" | "operation-id" | "resources") {
                return Err(at(
                    "naming",
                    format!("unknown naming `{n}`: expected `resources`, `rest` or `operation-id`"),
                ));
            }
        }
        for (key, op) in &self.operations {
            if find_operation(model, key).is_none() {
                return Err(at(
                    key,
                    format!("no operation `{key}` in the spec (expected `METHOD /path` as the spec writes the path)"),
                ));
            }
            if let Some(name) = &op.name {
                let ok = name.split('.').count() >= 2
                    && name.split('.').all(|s| {
                        !s.is_empty()
                            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                            && !s.starts_with(|c: char| c.is_ascii_digit())
                    });
                if !ok {
                    return Err(at(
                        name,
                        format!("name `{name}` must be dotted snake_case: `resource.method` or `resource.sub.method`"),
                    ));
                }
            }
            if let Some(PaginationConfig::Off(s)) = &op.pagination {
                if s != "none" {
                    return Err(at(
                        s,
                        format!("pagination `{s}`: expected \"none\" or a table"),
                    ));
                }
            }
            if let Some(PaginationConfig::Style(t)) = &op.pagination {
                if to_pagination(t).is_none() {
                    return Err(at(&t.style, format!("pagination style `{}` needs its parameters: offset (offset, limit), cursor (cursor, next_cursor or has_more), page (page, size) or link", t.style)));
                }
            }
        }
        if let Some(f) = self
            .auth
            .client_credentials
            .as_ref()
            .and_then(|c| c.format.as_ref())
        {
            if !matches!(f.as_str(), "json" | "form") {
                return Err(at(
                    f,
                    format!("token request format `{f}`: expected `json` or `form`"),
                ));
            }
        }
        Ok(())
    }

    /// The configured naming scheme, if any.
    pub fn naming(&self) -> Option<tern_model::NamingScheme> {
        match self.package.naming.as_deref() {
            Some("operation-id") => Some(tern_model::NamingScheme::OperationId),
            Some("rest") => Some(tern_model::NamingScheme::Rest),
            Some("resources") => Some(tern_model::NamingScheme::Resources),
            _ => None,
        }
    }

    /// The configured pagination of an operation: `None` when the configuration says nothing
    /// of it, `Some(None)` when it turns pagination off, `Some(Some(p))` for a style it sets.
    pub fn pagination_of(&self, model: &ApiModel, index: usize) -> Option<Option<Pagination>> {
        let op = &model.operations[index];
        let key = format!("{} {}", op.method.as_str(), op.path);
        let config = self
            .operations
            .iter()
            .find(|(k, _)| normalise_key(k) == key)
            .map(|(_, c)| c)?;
        match &config.pagination {
            Some(PaginationConfig::Off(_)) => Some(None),
            Some(PaginationConfig::Style(t)) => Some(to_pagination(t)),
            None => None,
        }
    }

    /// The configured `resource.path.method` of an operation.
    pub fn name_of(&self, model: &ApiModel, index: usize) -> Option<Vec<String>> {
        let op = &model.operations[index];
        let key = format!("{} {}", op.method.as_str(), op.path);
        self.operations
            .iter()
            .find(|(k, _)| normalise_key(k) == key)
            .and_then(|(_, c)| c.name.as_ref())
            .map(|n| n.split('.').map(str::to_owned).collect())
    }
}

fn normalise_key(key: &str) -> String {
    let mut parts = key.trim().splitn(2, ' ');
    let method = parts.next().unwrap_or_default().to_ascii_uppercase();
    let path = parts.next().unwrap_or_default().trim();
    format!("{method} {path}")
}

fn find_operation(model: &ApiModel, key: &str) -> Option<usize> {
    let key = normalise_key(key);
    model
        .operations
        .iter()
        .position(|op| format!("{} {}", op.method.as_str(), op.path) == key)
}

fn to_pagination(t: &PaginationTable) -> Option<Pagination> {
    let style = match t.style.as_str() {
        "offset" => PaginationStyle::Offset {
            offset_param: t.offset.clone()?,
            limit_param: t.limit.clone(),
            total: dotted(&t.total),
        },
        "cursor" => {
            if t.next_cursor.is_none() && t.has_more.is_none() {
                return None;
            }
            PaginationStyle::Cursor {
                cursor_param: t.cursor.clone()?,
                next_cursor: dotted(&t.next_cursor),
                has_more: dotted(&t.has_more),
            }
        }
        "page" => PaginationStyle::Page {
            page_param: t.page.clone()?,
            size_param: t.size.clone(),
        },
        "link" => PaginationStyle::Link,
        _ => return None,
    };
    let items = if t.items.is_empty() {
        Vec::new()
    } else {
        t.items.split('.').map(str::to_owned).collect()
    };
    Some(Pagination::new(style, items))
}

//! The tool catalogue: which operations are served, under which names, with which input
//! schemas and hints, in which mode; and the ranked search of discover mode.

use serde_json::{json, Map, Value as Json};
use std::collections::HashSet;
use tern_dynamic::DynamicClient;
use tern_model::{HttpMethod, Operation};

/// The longest tool name MCP clients accept.
pub const MAX_NAME: usize = 64;

/// How operations become tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// One tool per operation.
    Tools,
    /// Three tools: `search_operations`, `describe_operation`, `call_operation`.
    Discover,
    /// `Tools` up to `max_tools` operations, `Discover` above.
    #[default]
    Auto,
}

/// Which operations to serve, and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The mode.
    pub mode: Mode,
    /// In `Auto` mode, the most operations served as tools of their own.
    pub max_tools: usize,
    /// Only these resources (rest names), when not empty.
    pub resources: Vec<String>,
    /// Only operations with one of these tags, when not empty.
    pub tags: Vec<String>,
    /// Only operations that read (GET, HEAD).
    pub read_only: bool,
    /// Response bodies longer than this many bytes are cut, with a note saying so.
    pub max_result_bytes: usize,
    /// Over HTTP, send the `Authorization` header of the agent's request to the API (credentials
    /// configured for the server take precedence).
    pub forward_authorization: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Auto,
            max_tools: 40,
            resources: Vec::new(),
            tags: Vec::new(),
            read_only: false,
            max_result_bytes: 100_000,
            forward_authorization: false,
        }
    }
}

/// One served operation.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The tool name: `[A-Za-z0-9_-]`, at most 64 characters, unique.
    pub name: String,
    /// Index into the model's operations.
    pub operation: usize,
    /// What the tool does, from the summary and description.
    pub description: String,
    /// The input schema (self-contained JSON Schema object).
    pub input_schema: Map<String, Json>,
    /// Whether `all_pages` / `max_items` were added (paginated lists).
    pub paginated: bool,
}

/// The operations a server offers and how.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// `Tools` or `Discover` (never `Auto`).
    pub mode: Mode,
    /// The served operations, in document order.
    pub entries: Vec<Entry>,
}

/// The extra arguments of paginated operations.
pub const ALL_PAGES: &str = "all_pages";
/// See [`ALL_PAGES`].
pub const MAX_ITEMS: &str = "max_items";

impl Catalog {
    /// The catalogue of `client`'s API under `options`.
    pub fn new(client: &DynamicClient, options: &Options) -> Catalog {
        let model = &client.api().model;
        let mut used = HashSet::new();
        let entries: Vec<Entry> = model
            .operations
            .iter()
            .enumerate()
            .filter(|(_, op)| selected(op, options))
            .filter_map(|(i, op)| {
                let method = client.operation(i)?;
                let name = tool_name(&op.rest_name.resource, &op.rest_name.method, &mut used);
                let mut input_schema = match method.input_schema() {
                    Json::Object(m) => m,
                    _ => Map::new(),
                };
                let paginated = op.pagination.is_some() && add_paging(&mut input_schema);
                Some(Entry {
                    name,
                    operation: i,
                    description: description(op),
                    input_schema,
                    paginated,
                })
            })
            .collect();
        let mode = match options.mode {
            Mode::Auto if entries.len() > options.max_tools => Mode::Discover,
            Mode::Auto => Mode::Tools,
            m => m,
        };
        Catalog { mode, entries }
    }

    /// The entry named `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Entries matching `query` (words against names, paths, summaries and tags), best first;
    /// `resource` narrows to one resource. Ties keep document order.
    pub fn search(
        &self,
        client: &DynamicClient,
        query: &str,
        resource: Option<&str>,
        limit: usize,
    ) -> Vec<&Entry> {
        let model = &client.api().model;
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut scored: Vec<(usize, &Entry)> = self
            .entries
            .iter()
            .filter_map(|e| {
                let op = &model.operations[e.operation];
                if resource.is_some_and(|r| r != op.rest_name.resource) {
                    return None;
                }
                let name = e.name.to_lowercase();
                let path = op.path.to_lowercase();
                let text = format!(
                    "{} {} {}",
                    op.summary.as_deref().unwrap_or_default(),
                    op.description.as_deref().unwrap_or_default(),
                    op.tags.join(" ")
                )
                .to_lowercase();
                let score: usize = words
                    .iter()
                    .map(|w| {
                        3 * usize::from(name.contains(w.as_str()))
                            + 2 * usize::from(path.contains(w.as_str()))
                            + usize::from(text.contains(w.as_str()))
                    })
                    .sum();
                (words.is_empty() || score > 0).then_some((score, e))
            })
            .collect();
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        scored.into_iter().take(limit).map(|(_, e)| e).collect()
    }
}

fn selected(op: &Operation, options: &Options) -> bool {
    (options.resources.is_empty() || options.resources.contains(&op.rest_name.resource))
        && (options.tags.is_empty() || op.tags.iter().any(|t| options.tags.contains(t)))
        && (!options.read_only || matches!(op.method, HttpMethod::Get | HttpMethod::Head))
}

/// Adds `all_pages` and `max_items`, unless an argument already has one of those names.
fn add_paging(schema: &mut Map<String, Json>) -> bool {
    let Some(Json::Object(properties)) = schema.get_mut("properties") else {
        return false;
    };
    if properties.contains_key(ALL_PAGES) || properties.contains_key(MAX_ITEMS) {
        return false;
    }
    properties.insert(
        ALL_PAGES.into(),
        json!({"type": "boolean", "description": "Fetch every page and return all items as one array (up to max_items)."}),
    );
    properties.insert(
        MAX_ITEMS.into(),
        json!({"type": "integer", "minimum": 1, "description": "With all_pages: stop after this many items (default 1000)."}),
    );
    true
}

/// `resource_method`, made valid, short enough and unique (a hash of the full name decides
/// between names cut alike).
pub fn tool_name(resource: &str, method: &str, used: &mut HashSet<String>) -> String {
    let full = format!("{resource}_{method}");
    let mut name: String = full
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        name = "operation".into();
    }
    if name.len() > MAX_NAME || used.contains(&name) {
        let suffix = format!("_{:08x}", fnv1a(full.as_bytes()));
        name.truncate(MAX_NAME - suffix.len());
        name.push_str(&suffix);
    }
    let mut n = 2;
    while used.contains(&name) {
        let suffix = format!("_{n}");
        name.truncate(MAX_NAME - suffix.len());
        name.push_str(&suffix);
        n += 1;
    }
    used.insert(name.clone());
    name
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// What the tool does: summary, `VERB /path`, then the description, within 1,000 characters.
fn description(op: &Operation) -> String {
    const MAX: usize = 1000;
    let mut text = String::new();
    if let Some(s) = op
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        text.push_str(s);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{} {}", op.method, op.path));
    if op.deprecated {
        text.push_str(" (deprecated)");
    }
    if let Some(d) = op
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty() && Some(*d) != op.summary.as_deref().map(str::trim))
    {
        text.push_str("\n\n");
        text.push_str(d);
    }
    if text.len() > MAX {
        let mut end = MAX - 1;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_short_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(tool_name("workflows", "list", &mut used), "workflows_list");
        // Two pairs that join to the same text.
        let a = tool_name("a_b", "c", &mut used);
        let b = tool_name("a", "b_c", &mut used);
        assert_eq!(a, "a_b_c");
        assert!(
            b.starts_with("a_b_c_") && b.len() == "a_b_c_".len() + 8,
            "{b}"
        );
        let long = "x".repeat(80);
        let a = tool_name(&long, "get", &mut used);
        let b = tool_name(&long, "post", &mut used);
        assert!(
            a.len() <= MAX_NAME && b.len() <= MAX_NAME && a != b,
            "{a} {b}"
        );
        let odd = tool_name("ré$ource", "get", &mut used);
        assert!(odd
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    }
}

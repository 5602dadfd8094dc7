//! Paths → operations for 3.x and Swagger 2.0: the walk over `paths`, each operation's own
//! fields, servers and path templates.
//!
//! Parameters are read in `parameters`, request bodies and responses in `payloads`; security
//! schemes are in [`crate::security`]. Names, arguments and pagination are filled in
//! afterwards by `lib.rs`.

mod parameters;
mod payloads;

use crate::model::*;
use crate::types::{description, extensions, TypeBuilder};
use heck::ToPascalCase;
use tern_spec::{pointer, FileId, SpecVersion, Value};

const METHOD_KEYS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const PATH_ITEM_KEYS: &[&str] = &["$ref", "summary", "description", "servers", "parameters"];

pub(crate) struct OperationReader<'a, 's> {
    pub(crate) tb: &'a mut TypeBuilder<'s>,
    v2: bool,
    warned_consumes: bool,
    consumes: Vec<String>,
    produces: Vec<String>,
}

pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::scalar_text)
        .filter(|s| !s.trim().is_empty())
}

impl<'a, 's> OperationReader<'a, 's> {
    pub(crate) fn new(tb: &'a mut TypeBuilder<'s>) -> Self {
        let root = tb.spec.root();
        OperationReader {
            v2: tb.spec.version() == SpecVersion::Swagger2,
            warned_consumes: false,
            consumes: strings(root.get("consumes")),
            produces: strings(root.get("produces")),
            tb,
        }
    }

    pub(crate) fn operations(&mut self) -> Vec<Operation> {
        let spec = self.tb.spec;
        let mut out = Vec::new();
        let Some(paths) = spec.root().get("paths") else {
            return out;
        };
        let Some(paths) = paths.as_object() else {
            self.tb.error(
                "bad-paths",
                "`paths` must be an object",
                FileId::ROOT,
                "/paths",
            );
            return out;
        };
        for (path, item) in paths {
            let item_ptr = pointer::push("/paths", path);
            if path.starts_with("x-") {
                continue;
            }
            if !path.starts_with('/') {
                self.tb.warn(
                    "path-without-slash",
                    format!("path `{path}` does not start with `/`"),
                    FileId::ROOT,
                    &item_ptr,
                );
            }
            let Some((file, iptr, item)) = self.tb.deref(FileId::ROOT, &item_ptr, item) else {
                continue;
            };
            let Some(map) = item.as_object() else {
                self.tb.error(
                    "bad-path-item",
                    "a path item must be an object",
                    file,
                    &iptr,
                );
                continue;
            };
            let shared_params = map.get("parameters");
            let path_servers =
                self.servers(map.get("servers"), file, &pointer::push(&iptr, "servers"));
            for (key, op) in map {
                let Some(method) = HttpMethod::from_key(key) else {
                    if !METHOD_KEYS.contains(&key.as_str())
                        && !PATH_ITEM_KEYS.contains(&key.as_str())
                        && !key.starts_with("x-")
                    {
                        self.tb.warn(
                            "unknown-path-item-key",
                            format!("`{key}` is not an HTTP method or path-item field; ignored"),
                            file,
                            &pointer::push(&iptr, key),
                        );
                    }
                    continue;
                };
                let optr = pointer::push(&iptr, key);
                if !matches!(op, Value::Object(_)) {
                    self.tb.error(
                        "bad-operation",
                        "an operation must be an object",
                        file,
                        &optr,
                    );
                    continue;
                }
                let mut operation =
                    self.operation(method, path, file, &iptr, shared_params, op, &optr);
                if operation.servers.is_empty() {
                    operation.servers = path_servers.clone();
                }
                out.push(operation);
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        method: HttpMethod,
        path: &str,
        file: FileId,
        iptr: &str,
        shared: Option<&'s Value>,
        op: &'s Value,
        optr: &str,
    ) -> Operation {
        let operation_id = op
            .get("operationId")
            .and_then(Value::scalar_text)
            .filter(|s| !s.is_empty());
        let base = provisional_base(method, path, operation_id.as_deref());
        let nodes = self.parameter_nodes(file, iptr, shared, op, optr);
        let (mut parameters, mut request_body) = self.parameters(&nodes, op, optr, file, &base);
        self.check_path_template(path, &mut parameters, file, optr);
        if !self.v2 {
            if let Some(body) = op.get("requestBody") {
                request_body = self.v3_body(file, &pointer::push(optr, "requestBody"), body, &base);
            }
        }
        let responses = self.responses(file, optr, op, &base);
        let security = op
            .get("security")
            .map(crate::security::security_requirements);
        let servers = self.servers(op.get("servers"), file, &pointer::push(optr, "servers"));
        Operation {
            method,
            path: path.to_owned(),
            operation_id,
            summary: text(op, "summary"),
            description: text(op, "description"),
            tags: strings(op.get("tags")),
            deprecated: op
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            parameters,
            request_body,
            responses,
            security,
            servers,
            pagination: None,
            arguments: Vec::new(),
            rest_name: unnamed(),
            operation_id_name: unnamed(),
            extensions: extensions(op),
            source: Source {
                file,
                pointer: optr.to_owned(),
            },
        }
    }

    pub(crate) fn servers(&mut self, list: Option<&Value>, file: FileId, ptr: &str) -> Vec<Server> {
        let Some(list) = list.and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let Some(url) = s.get("url").and_then(Value::as_str) else {
                self.tb.warn(
                    "bad-server",
                    "a server needs a `url`",
                    file,
                    &pointer::push(ptr, &i.to_string()),
                );
                continue;
            };
            let variables = s
                .get("variables")
                .and_then(Value::as_object)
                .map(|vars| {
                    vars.iter()
                        .map(|(name, v)| ServerVariable {
                            name: name.clone(),
                            default: v
                                .get("default")
                                .and_then(Value::scalar_text)
                                .unwrap_or_default(),
                            allowed: v
                                .get("enum")
                                .and_then(Value::as_array)
                                .map(|a| a.iter().filter_map(Value::scalar_text).collect())
                                .unwrap_or_default(),
                            description: description(v),
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(Server {
                url: url.to_owned(),
                description: description(s),
                variables,
            });
        }
        out
    }
}

/// Provisional name base for an operation's inline types (`ListWorkflows`): the operationId,
/// else the method and path; the final method name replaces it later.
fn provisional_base(method: HttpMethod, path: &str, operation_id: Option<&str>) -> String {
    match operation_id {
        Some(id) => id.to_pascal_case(),
        None => format!("{} {}", method.lower(), path.replace(['{', '}'], " ")).to_pascal_case(),
    }
}

/// A name not assigned yet (names are assigned once every operation is read).
fn unnamed() -> MethodName {
    MethodName {
        resource: String::new(),
        method: String::new(),
        aliases: Vec::new(),
    }
}

pub(crate) fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    out
}

pub(crate) fn v2_servers(root: &Value) -> Vec<Server> {
    let host = root.get("host").and_then(Value::as_str);
    let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let schemes = strings(root.get("schemes"));
    let Some(host) = host else {
        return if base_path.is_empty() {
            Vec::new()
        } else {
            vec![Server {
                url: base_path.to_owned(),
                description: None,
                variables: Vec::new(),
            }]
        };
    };
    let schemes = if schemes.is_empty() {
        vec!["https".to_owned()]
    } else {
        schemes
    };
    // Prefer https when both are offered.
    let mut sorted = schemes;
    sorted.sort_by_key(|s| if s == "https" { 0 } else { 1 });
    sorted
        .into_iter()
        .map(|scheme| Server {
            url: format!("{scheme}://{host}{}", base_path.trim_end_matches('/')),
            description: None,
            variables: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parameters() {
        assert_eq!(
            template_params("/a/{id}/b/{x}.{fmt}"),
            vec!["id", "x", "fmt"]
        );
        assert_eq!(template_params("/a/{"), Vec::<String>::new());
    }
}

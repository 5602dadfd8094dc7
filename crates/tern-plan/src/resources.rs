//! The resource tree (`client.hris().directory().list_individuals(…)`): where each operation
//! sits, under names from `tern.toml` or the naming scheme, and the Rust names of each
//! resource (module, accessor, struct) and method, unique where they must be.

use crate::config::Config;
use crate::method::Method;
use std::collections::HashSet;
use tern_model::naming::{is_windows_device, pascal_ident, snake_ident};
use tern_model::{ApiModel, NamingScheme, TypeId};

/// One resource: its methods and sub-resources, in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Resource {
    /// Names from the root (`["hris", "directory"]`), each a valid identifier.
    pub path: Vec<String>,
    /// Its methods, in document order.
    pub methods: Vec<Method>,
    /// Sub-resources.
    pub children: Vec<Resource>,
    /// The named types its own methods use (arguments, bodies, responses, error bodies) and
    /// everything those reach, ascending by id: what a build of this resource alone needs.
    pub types: Vec<TypeId>,
}

/// Names a module may not take: they would shadow what generated code uses.
const RESERVED_MODULES: &[&str] = &[
    "types",
    "blocking",
    "resources",
    "runtime",
    "serde",
    "serde_json",
    "std",
    "core",
    "alloc",
];

/// Names the resource modules import from the runtime; a resource struct takes neither these
/// nor a standard name ([`STD_NAMES`]).
const RUNTIME_IMPORTS: &[&str] = &["Error", "Method", "Page", "Paginator", "Request"];

/// Names from Rust's prelude and the imports of generated modules, which a generated item must
/// not shadow.
pub const STD_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "BTreeMap",
    "Serialize",
    "Deserialize",
    "Default",
];

/// A resource's module name: its name in snake case, with a `_` when that would shadow a name
/// generated code uses or name a file Windows reserves (`aux.rs`).
fn module_name(segment: &str) -> String {
    let ident = snake_ident(segment);
    if RESERVED_MODULES.contains(&ident.as_str()) || is_windows_device(&ident) {
        format!("{ident}_")
    } else {
        ident
    }
}

impl Resource {
    pub(crate) fn new(path: Vec<String>) -> Resource {
        Resource {
            path,
            methods: Vec::new(),
            children: Vec::new(),
            types: Vec::new(),
        }
    }

    fn last(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or("root")
    }

    /// The module's name.
    pub fn module(&self) -> String {
        module_name(self.last())
    }

    /// The accessor method's name (the resource's own name).
    pub fn accessor(&self) -> String {
        snake_ident(self.last())
    }

    /// The resource struct's name.
    pub fn struct_name(&self) -> String {
        let name = pascal_ident(self.last());
        if RUNTIME_IMPORTS.contains(&name.as_str()) || STD_NAMES.contains(&name.as_str()) {
            format!("{name}Resource")
        } else {
            name
        }
    }

    /// The module names from `resources` down to this one.
    pub fn module_segments(&self) -> Vec<String> {
        self.path.iter().map(|s| module_name(s)).collect()
    }

    /// The accessor calls from the client down to this resource: `hris().directory()`.
    pub fn accessor_chain(&self) -> String {
        self.path
            .iter()
            .map(|s| format!("{}()", snake_ident(s)))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// `hris.directory`.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }

    /// This resource and every resource under it, depth first.
    pub fn walk(&self) -> Vec<&Resource> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

/// Where each operation goes: `(operation index, resource path, method name)` under the naming
/// scheme and the configuration, in document order.
fn placements(
    model: &ApiModel,
    scheme: NamingScheme,
    config: &Config,
) -> Vec<(Vec<String>, String)> {
    let sdk_style = if scheme == NamingScheme::Resources {
        sdk_names(model)
    } else {
        Vec::new()
    };
    model
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let full = config.name_of(model, i).unwrap_or_else(|| {
                if scheme == NamingScheme::Resources {
                    if let Some(full) = sdk_style.get(i).cloned().flatten() {
                        return full;
                    }
                }
                let n = op.name(scheme);
                vec![n.resource.clone(), n.method.clone()]
            });
            let (method, path) = match full.split_last() {
                Some((m, p)) if !p.is_empty() => (m.clone(), p.to_vec()),
                _ => (
                    op.name(scheme).method.clone(),
                    vec![op.name(scheme).resource.clone()],
                ),
            };
            let path = path.iter().map(|s| snake_ident(s)).collect();
            (path, snake_ident(&method))
        })
        .collect()
}

/// SDK-style names (`encounters.v4.create`) for every operation, as resource path + method:
/// the path's fixed segments, less those every path starts with (`/api`, `/v1`), are the
/// resources; the method is `list` / `create` on a collection, `retrieve` / `update` /
/// `delete` on an item (the path ends in a parameter). Where two operations of a resource
/// would share a name, the later takes its HTTP verb, then its `rest` name. `None`: the path
/// has no fixed segment of its own.
fn sdk_names(model: &ApiModel) -> Vec<Option<Vec<String>>> {
    let segments: Vec<Vec<&str>> = model
        .operations
        .iter()
        .map(|op| op.path.split('/').filter(|s| !s.is_empty()).collect())
        .collect();
    let is_param = |s: &str| s.starts_with('{') || s.starts_with(':');
    // The fixed segments every path starts with.
    let mut common = segments.first().map_or(0, Vec::len);
    for segs in &segments {
        let first = &segments[0];
        common = common.min(
            segs.iter()
                .zip(first)
                .take_while(|(a, b)| a == b && !is_param(a))
                .count(),
        );
    }
    // Each operation's fixed segments, and whether it addresses an item.
    let shapes: Vec<(Vec<String>, bool)> = segments
        .iter()
        .map(|segs| {
            let rest = &segs[common.min(segs.len())..];
            let path = rest
                .iter()
                .filter(|s| !is_param(s))
                .map(|s| snake_ident(s))
                .collect();
            (path, rest.last().is_some_and(|s| is_param(s)))
        })
        .collect();
    let mut per_path: std::collections::HashMap<&[String], usize> = Default::default();
    for (path, _) in &shapes {
        *per_path.entry(path.as_slice()).or_default() += 1;
    }
    let is_version =
        |s: &str| s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit());
    let mut out: Vec<Option<Vec<String>>> = Vec::new();
    let mut taken: HashSet<Vec<String>> = HashSet::new();
    for (op, (path, item)) in model.operations.iter().zip(&shapes) {
        let (mut path, item) = (path.clone(), *item);
        if path.is_empty() {
            out.push(None);
            continue;
        }
        let verb = op.method.as_str().to_ascii_lowercase();
        let mut method = match (verb.as_str(), item) {
            ("get", false) => "list",
            ("get", true) => "retrieve",
            ("post", false) => "create",
            ("post", true) | ("put", _) | ("patch", _) => "update",
            ("delete", _) => "delete",
            (other, _) => other,
        }
        .to_owned();
        // An action (`…/coverages/v1/check_eligibility`, `…/{id}/match`): a collection-level
        // path that only this operation uses and none extends is a method of its parent.
        let last = path.last().cloned().unwrap_or_default();
        let alone = per_path.get(path.as_slice()) == Some(&1)
            && !shapes
                .iter()
                .any(|(p, _)| p.len() > path.len() && p.starts_with(&path));
        if !item && alone && path.len() > 1 && !is_version(&last) {
            path.pop();
            method = last;
        }
        let mut full = None;
        for candidate in [method.as_str(), verb.as_str(), op.rest_name.method.as_str()] {
            let mut names = path.clone();
            names.push(snake_ident(candidate));
            if taken.insert(names.clone()) {
                full = Some(names);
                break;
            }
        }
        // All three taken: `dedupe` numbers it.
        out.push(full.or_else(|| {
            let mut names = path.clone();
            names.push(snake_ident(&method));
            Some(names)
        }));
    }
    out
}

/// The resource tree's shape: for each resource, the operations it holds and their method
/// names (unique within the resource and distinct from its accessors).
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub(crate) path: Vec<String>,
    pub(crate) operations: Vec<(usize, String)>,
    pub(crate) children: Vec<Shape>,
}

/// The tree under a naming scheme and configuration.
pub(crate) fn shape(model: &ApiModel, scheme: NamingScheme, config: &Config) -> Vec<Shape> {
    let mut roots: Vec<Shape> = Vec::new();
    for (i, (path, method)) in placements(model, scheme, config).into_iter().enumerate() {
        ensure(&mut roots, &path, 0).operations.push((i, method));
    }
    for root in &mut roots {
        dedupe(root);
    }
    roots
}

/// The node at `path[..=depth]`, created (in order) if missing.
fn ensure<'a>(level: &'a mut Vec<Shape>, path: &[String], depth: usize) -> &'a mut Shape {
    let segment = &path[depth];
    let pos = match level.iter().position(|n| n.path.last() == Some(segment)) {
        Some(p) => p,
        None => {
            level.push(Shape {
                path: path[..=depth].to_vec(),
                operations: Vec::new(),
                children: Vec::new(),
            });
            level.len() - 1
        }
    };
    let node = &mut level[pos];
    if depth + 1 == path.len() {
        node
    } else {
        ensure(&mut node.children, path, depth + 1)
    }
}

/// Method names unique within a resource and distinct from its accessors.
fn dedupe(node: &mut Shape) {
    let mut used: HashSet<String> = node
        .children
        .iter()
        .map(|c| snake_ident(c.path.last().map(String::as_str).unwrap_or("root")))
        .collect();
    used.insert("new".into());
    for (_, method) in &mut node.operations {
        let base = method.clone();
        let mut n = 2;
        while !used.insert(method.clone())
            || used.contains(&format!("{method}_pages"))
            || used.contains(&format!("{method}_with_response"))
        {
            *method = format!("{base}_{n}");
            n += 1;
        }
        used.insert(format!("{method}_pages"));
        used.insert(format!("{method}_with_response"));
    }
    for child in &mut node.children {
        dedupe(child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_shadow_nothing_and_are_files_on_every_system() {
        let resource = Resource::new(vec!["hris".into(), "AUX".into(), "Types".into()]);
        assert_eq!(resource.module_segments(), ["hris", "aux_", "types_"]);
        assert_eq!(resource.module(), "types_");
        // The accessor keeps the resource's own name: `client.hris().aux().types()`.
        assert_eq!(resource.accessor_chain(), "hris().aux().types()");
    }
}

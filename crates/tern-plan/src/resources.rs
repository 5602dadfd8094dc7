//! The resource tree (`client.hris().directory().list_individuals(…)`): where each operation
//! sits, under names from `tern.toml` or the naming scheme, and the Rust names of each
//! resource (module, accessor, struct) and method, unique where they must be.

use crate::config::Config;
use crate::method::Method;
use std::collections::HashSet;
use tern_model::naming::{pascal_ident, snake_ident};
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

fn module_name(segment: &str) -> String {
    let ident = snake_ident(segment);
    if RESERVED_MODULES.contains(&ident.as_str()) {
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
    model
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let full = config.name_of(model, i).unwrap_or_else(|| {
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
        while !used.insert(method.clone()) || used.contains(&format!("{method}_pages")) {
            *method = format!("{base}_{n}");
            n += 1;
        }
        used.insert(format!("{method}_pages"));
    }
    for child in &mut node.children {
        dedupe(child);
    }
}

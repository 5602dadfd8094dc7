//! The resource tree (`client.hris().directory().list_individuals(…)`): names from `tern.toml`
//! or the naming scheme, one module file per resource, async and blocking structs.

use crate::config::Config;
use crate::operation::operation;
use crate::{field_ident, type_ident, GeneratedFile};
use proc_macro2::Ident;
use quote::{format_ident, quote};
use std::collections::HashSet;
use tern_model::{ApiModel, NamingScheme};

/// One resource: its operations and sub-resources, in order of first appearance.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Names from the root (`["hris", "directory"]`), as valid identifiers.
    pub(crate) path: Vec<String>,
    /// Operation index and method name.
    pub(crate) operations: Vec<(usize, String)>,
    /// Sub-resources.
    pub(crate) children: Vec<Node>,
}

/// Names a module or accessor may not take: they would shadow what generated code uses.
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

/// Names the resource modules import from tern-runtime; a resource struct may take neither
/// these nor a standard name (`types::STD_NAMES`).
const RUNTIME_IMPORTS: &[&str] = &["Error", "Method", "Page", "Paginator", "Request"];

impl Node {
    fn new(path: Vec<String>) -> Node {
        Node {
            path,
            operations: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The module's name.
    pub(crate) fn module(&self) -> Ident {
        let last = self.path.last().map(String::as_str).unwrap_or("root");
        let ident = field_ident(last);
        if RESERVED_MODULES.contains(&ident.to_string().as_str()) {
            format_ident!("{}_", ident)
        } else {
            ident
        }
    }

    /// The accessor method's name (the resource's own name).
    pub(crate) fn accessor(&self) -> Ident {
        field_ident(self.path.last().map(String::as_str).unwrap_or("root"))
    }

    /// The resource struct's name.
    pub(crate) fn struct_name(&self) -> Ident {
        let name = type_ident(self.path.last().map(String::as_str).unwrap_or("root"));
        let text = name.to_string();
        if RUNTIME_IMPORTS.contains(&text.as_str())
            || crate::types::STD_NAMES.contains(&text.as_str())
        {
            format_ident!("{}Resource", name)
        } else {
            name
        }
    }

    /// The module names from `resources` down to this one.
    pub(crate) fn module_segments(&self) -> Vec<Ident> {
        (1..=self.path.len())
            .map(|n| Node::new(self.path[..n].to_vec()).module())
            .collect()
    }

    /// The accessor calls from the client down to this resource: `hris().directory()`.
    fn accessor_chain(&self) -> String {
        (1..=self.path.len())
            .map(|n| format!("{}()", Node::new(self.path[..n].to_vec()).accessor()))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn dotted(&self) -> String {
        self.path.join(".")
    }
}

/// The resource tree under a naming scheme and configuration.
pub(crate) fn tree(model: &ApiModel, scheme: NamingScheme, config: &Config) -> Vec<Node> {
    let mut roots: Vec<Node> = Vec::new();
    for (i, op) in model.operations.iter().enumerate() {
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
        let path: Vec<String> = path
            .iter()
            .map(|s| tern_model::naming::snake_ident(s))
            .collect();
        ensure(&mut roots, &path, 0)
            .operations
            .push((i, tern_model::naming::snake_ident(&method)));
    }
    for root in &mut roots {
        dedupe(root);
    }
    roots
}

/// The node at `path[..=depth]`, created (in order) if missing.
fn ensure<'a>(level: &'a mut Vec<Node>, path: &[String], depth: usize) -> &'a mut Node {
    let segment = &path[depth];
    let pos = match level.iter().position(|n| n.path.last() == Some(segment)) {
        Some(p) => p,
        None => {
            level.push(Node::new(path[..=depth].to_vec()));
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
fn dedupe(node: &mut Node) {
    let mut used: HashSet<String> = node
        .children
        .iter()
        .map(|c| c.accessor().to_string())
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

/// A method as a caller writes it, for READMEs and examples.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The operation.
    pub(crate) op: usize,
    /// `hris().directory().list_individuals`.
    pub(crate) chain: String,
    /// `resources::hris::directory::ListIndividualsParams`, and whether `new` takes arguments.
    pub(crate) params: Option<(String, bool)>,
    /// Positional arguments.
    pub(crate) positional: usize,
    /// Whether a `_pages` method exists.
    pub(crate) paginated: bool,
    /// Argument indexes: positional, through `new`, optional fields (with names).
    pub(crate) arguments: (Vec<usize>, Vec<usize>, Vec<(usize, String)>),
}

/// `resources/mod.rs`.
pub(crate) fn mod_rs(roots: &[Node]) -> GeneratedFile {
    let modules: Vec<Ident> = roots.iter().map(Node::module).collect();
    let mod_rs = quote! {
        //! The API's resources, one module each; reach them from the client
        //! (`client.<resource>()`).
        #(pub mod #modules;)*
    };
    GeneratedFile {
        path: "src/resources/mod.rs".into(),
        contents: crate::render(mod_rs),
    }
}

/// The files of one top-level resource and everything under it, with its methods.
pub(crate) fn root_files(
    model: &ApiModel,
    root: &Node,
    headers: &[(String, String)],
) -> (Vec<GeneratedFile>, Vec<Call>) {
    let (mut out, mut calls) = (Vec::new(), Vec::new());
    node_files(model, root, &mut out, &mut calls, headers);
    (out, calls)
}

fn node_files(
    model: &ApiModel,
    node: &Node,
    out: &mut Vec<GeneratedFile>,
    calls: &mut Vec<Call>,
    headers: &[(String, String)],
) {
    let name = node.struct_name();
    let dotted = node.dotted();
    let mut methods = Vec::new();
    let mut blocking_methods = Vec::new();
    let mut items = Vec::new();
    let mut paginated = false;
    let mut used: HashSet<String> = HashSet::new();
    used.insert(name.to_string());
    for (i, method) in &node.operations {
        let method = field_ident(method);
        let o = operation(model, &model.operations[*i], &method, &mut used, headers);
        let module_path: Vec<String> = node
            .module_segments()
            .iter()
            .map(ToString::to_string)
            .collect();
        calls.push(Call {
            op: *i,
            chain: format!("{}.{method}", node.accessor_chain()),
            params: o.params.as_ref().map(|(name, required)| {
                (
                    format!("resources::{}::{name}", module_path.join("::")),
                    *required,
                )
            }),
            positional: o.positional,
            paginated: o.paginated,
            arguments: o.arguments.clone(),
        });
        methods.push(o.methods);
        blocking_methods.push(o.blocking);
        items.push(o.items);
        paginated |= o.paginated;
    }
    let mut child_modules = Vec::new();
    let mut accessors = Vec::new();
    let mut blocking_accessors = Vec::new();
    for child in &node.children {
        let (module, accessor, child_struct) =
            (child.module(), child.accessor(), child.struct_name());
        child_modules.push(quote!(pub mod #module;));
        let doc = format!(" The `{}` resource.", child.dotted());
        accessors.push(quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> #module::#child_struct<'c> {
                #module::#child_struct::new(self.client)
            }
        });
        blocking_accessors.push(quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> super::#module::blocking::#child_struct<'c> {
                super::#module::blocking::#child_struct::new(self.client)
            }
        });
    }
    let has_ops = !node.operations.is_empty();
    let blocking_use = if has_ops {
        quote!(
            use super::*;
        )
    } else {
        quote!()
    };
    let doc = format!(" The `{dotted}` resource.");
    let blocking_doc = format!(" The blocking `{dotted}` resource (cargo feature `blocking`).");
    let module_doc = format!(" The `{dotted}` resource.");
    let tokens = quote! {
        #![doc = #module_doc]

        #(#child_modules)*

        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'c> {
            client: &'c crate::runtime::Client,
        }

        impl<'c> #name<'c> {
            pub(crate) fn new(client: &'c crate::runtime::Client) -> Self {
                Self { client }
            }

            #(#accessors)*

            #(#methods)*
        }

        #(#items)*

        #[doc = #blocking_doc]
        #[cfg(feature = "blocking")]
        pub mod blocking {
            #blocking_use

            #[doc = #doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #name<'c> {
                client: &'c crate::runtime::blocking::Client,
            }

            impl<'c> #name<'c> {
                pub(crate) fn new(client: &'c crate::runtime::blocking::Client) -> Self {
                    Self { client }
                }

                #(#blocking_accessors)*

                #(#blocking_methods)*
            }
        }
    };
    let segments: Vec<String> = node
        .module_segments()
        .iter()
        .map(ToString::to_string)
        .collect();
    let file = format!("src/resources/{}.rs", segments.join("/"));
    // Imports, as the rendered code needs them (spec text never reaches these lines).
    let rendered = crate::render(tokens);
    let mut uses = Vec::new();
    if rendered.contains("BTreeMap<") {
        uses.push("use std::collections::BTreeMap;");
    }
    if rendered.contains("types::") {
        uses.push("use crate::types;");
    }
    if has_ops {
        uses.push(if paginated {
            "use crate::runtime::{Error, Method, Page, Paginator, Request};"
        } else {
            "use crate::runtime::{Error, Method, Request};"
        });
    }
    out.push(GeneratedFile {
        path: file,
        contents: crate::with_uses(rendered, &uses),
    });
    for child in &node.children {
        node_files(model, child, out, calls, headers);
    }
}

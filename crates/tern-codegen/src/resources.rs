//! The resource modules (`client.hris().directory().list_individuals(…)`): one file per
//! planned resource ([`tern_plan::Resource`]), with its async and blocking structs, accessors
//! for its sub-resources, and its methods' items.

use crate::operation::{operation, ExampleAt};
use crate::{ident, GeneratedFile};
use quote::quote;
use tern_model::ApiModel;
use tern_plan::Resource;

/// `resources/mod.rs`.
pub(crate) fn mod_rs(plan: &tern_plan::SdkPlan) -> GeneratedFile {
    let modules = plan.resources.iter().enumerate().map(|(i, r)| {
        let (module, cfg) = (
            ident(&r.module()),
            crate::cfg_features(plan, plan.root_feature(i).as_slice()),
        );
        quote!(#cfg pub mod #module;)
    });
    let mod_rs = quote! {
        //! The API's resources, one module each (and one cargo feature each); reach them from
        //! the client (`client.<resource>()`).
        #(#modules)*
    };
    GeneratedFile {
        path: "src/resources/mod.rs".into(),
        contents: crate::render(mod_rs),
    }
}

/// The files of one top-level resource and everything under it.
pub(crate) fn root_files(
    model: &ApiModel,
    root: &Resource,
    headers: &[(String, String)],
    names: (&str, &str),
) -> Vec<GeneratedFile> {
    let mut out = Vec::new();
    node_files(model, root, &mut out, headers, names);
    out
}

/// `names`: the crate (as a path) and the client struct, for doc examples.
fn node_files(
    model: &ApiModel,
    node: &Resource,
    out: &mut Vec<GeneratedFile>,
    headers: &[(String, String)],
    names: (&str, &str),
) {
    let at = ExampleAt {
        krate: names.0.to_owned(),
        client: names.1.to_owned(),
        chain: node.accessor_chain(),
        module: format!("resources::{}", node.module_segments().join("::")),
    };
    let name = ident(&node.struct_name());
    let dotted = node.dotted();
    let mut methods = Vec::new();
    let mut blocking_methods = Vec::new();
    let mut items = Vec::new();
    for m in &node.methods {
        let o = operation(model, m, headers, &at);
        methods.push(o.methods);
        blocking_methods.push(o.blocking);
        items.push(o.items);
    }
    let paginated = node.methods.iter().any(|m| m.pagination.is_some());
    let mut child_modules = Vec::new();
    let mut accessors = Vec::new();
    let mut blocking_accessors = Vec::new();
    for child in &node.children {
        let (module, accessor, child_struct) = (
            ident(&child.module()),
            ident(&child.accessor()),
            ident(&child.struct_name()),
        );
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
    let has_ops = !node.methods.is_empty();
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
    let segments = node.module_segments();
    let file = format!("src/resources/{}.rs", segments.join("/"));
    // Imports, as the rendered code needs them (spec text never reaches these lines).
    let rendered = crate::render(tokens);
    let mut uses = Vec::new();
    if rendered.contains("BTreeMap<") {
        uses.push("use std::collections::BTreeMap;");
    }
    // `types::X` in code; a doc example's `<crate>::types::X` needs no import.
    if rendered
        .match_indices("types::")
        .any(|(i, _)| !rendered[..i].ends_with(':'))
    {
        uses.push("use crate::types;");
    }
    if has_ops {
        uses.push(if paginated {
            "use crate::runtime::{Error, Method, PagesCall, Paginator, Request};"
        } else {
            "use crate::runtime::{Error, Method, Request};"
        });
    }
    out.push(GeneratedFile {
        path: file,
        contents: crate::with_uses(rendered, &uses),
    });
    for child in &node.children {
        node_files(model, child, out, headers, names);
    }
}

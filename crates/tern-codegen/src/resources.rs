//! The resource modules (`client.hris().directory().list_individuals(…)`): one file per
//! planned resource ([`tern_plan::Resource`]), with its async and blocking structs, accessors
//! for its sub-resources, and its methods' items.

use crate::operation::{operation, ExampleAt};
use crate::{ident, GeneratedFile};
use proc_macro2::TokenStream;
use quote::quote;
use tern_model::ApiModel;
use tern_plan::Resource;

/// `resources/mod.rs`.
pub(crate) fn mod_rs(plan: &tern_plan::SdkPlan) -> GeneratedFile {
    let modules = plan.resources.iter().enumerate().map(|(i, r)| {
        let (module, cfg) = (
            ident(&r.module()),
            crate::cfg_features(plan, &plan.root_module_features(i)),
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

/// The files of top-level resource `root` (an index into the plan's resources) and everything
/// under it.
pub(crate) fn root_files(
    model: &ApiModel,
    plan: &tern_plan::SdkPlan,
    root: usize,
    names: (&str, &str),
) -> Vec<GeneratedFile> {
    let mut out = Vec::new();
    let Some(node) = plan.resources.get(root) else {
        return out;
    };
    // With sub-resource features, the resource's own methods are its feature's, and each
    // sub-resource is its own feature's.
    let own = plan
        .root_feature(root)
        .and_then(|f| plan.features.get(f))
        .filter(|f| !f.enables.is_empty());
    let gates = Gates {
        own: own.map(|f| f.name.clone()),
        children: (0..node.children.len())
            .map(|c| crate::cfg_features(plan, plan.sub_resource_feature(root, c).as_slice()))
            .collect(),
    };
    node_files(
        model,
        node,
        &mut out,
        &plan.spec_headers,
        names,
        Some(&gates),
    );
    out
}

/// The `#[cfg]`s inside a top-level resource's module: on its own methods' items, and on each
/// sub-resource (its module and accessors). Empty where the module's own feature decides.
struct Gates {
    /// The feature of the module's own methods, when its sub-resources have features.
    own: Option<String>,
    children: Vec<TokenStream>,
}

/// `cfg` on each item of `items` (module items, or with `in_impl` the functions of an impl),
/// after the item's doc comments.
fn gated(items: TokenStream, cfg: &TokenStream, in_impl: bool) -> TokenStream {
    if cfg.is_empty() || items.is_empty() {
        return items;
    }
    let result = (|| -> syn::Result<TokenStream> {
        if in_impl {
            let mut block = syn::parse2::<syn::ItemImpl>(quote!(impl Gated { #items }))?;
            for item in &mut block.items {
                if let syn::ImplItem::Fn(f) = item {
                    after_docs(&mut f.attrs, cfg)?;
                }
            }
            let fns = block.items;
            Ok(quote!(#(#fns)*))
        } else {
            let mut file = syn::parse2::<syn::File>(items)?;
            for item in &mut file.items {
                let attrs = match item {
                    syn::Item::Fn(i) => &mut i.attrs,
                    syn::Item::Struct(i) => &mut i.attrs,
                    syn::Item::Enum(i) => &mut i.attrs,
                    syn::Item::Impl(i) => &mut i.attrs,
                    syn::Item::Const(i) => &mut i.attrs,
                    syn::Item::Type(i) => &mut i.attrs,
                    _ => continue,
                };
                after_docs(attrs, cfg)?;
            }
            let items = file.items;
            Ok(quote!(#(#items)*))
        }
    })();
    result.unwrap_or_else(|e| {
        // Unreachable for tokens built here; keeps the output inspectable rather than panic.
        let message = format!("tern-codegen could not gate these items: {e}");
        quote!(compile_error!(#message);)
    })
}

/// Puts the attributes `extra` after the leading doc comments of `attrs`.
fn after_docs(attrs: &mut Vec<syn::Attribute>, extra: &TokenStream) -> syn::Result<()> {
    let extra = syn::parse::Parser::parse2(syn::Attribute::parse_outer, extra.clone())?;
    let at = attrs
        .iter()
        .take_while(|a| a.path().is_ident("doc"))
        .count();
    attrs.splice(at..at, extra);
    Ok(())
}

/// `names`: the crate (as a path) and the client struct, for doc examples; `gates`: a top-level
/// resource's `#[cfg]`s (none below it).
fn node_files(
    model: &ApiModel,
    node: &Resource,
    out: &mut Vec<GeneratedFile>,
    headers: &[(String, String)],
    names: (&str, &str),
    gates: Option<&Gates>,
) {
    let no_gate = TokenStream::new();
    let own_feature = gates.and_then(|g| g.own.as_deref());
    let own_gate = &own_feature.map_or_else(TokenStream::new, |f| quote!(#[cfg(feature = #f)]));
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
        methods.push(gated(o.methods, own_gate, true));
        blocking_methods.push(gated(o.blocking, own_gate, true));
        items.push(gated(o.items, own_gate, false));
    }
    let paginated = node.methods.iter().any(|m| m.pagination.is_some());
    let mut child_modules = Vec::new();
    let mut accessors = Vec::new();
    let mut blocking_accessors = Vec::new();
    for (c, child) in node.children.iter().enumerate() {
        let (module, accessor, child_struct) = (
            ident(&child.module()),
            ident(&child.accessor()),
            ident(&child.struct_name()),
        );
        let cfg = gates.and_then(|g| g.children.get(c)).unwrap_or(&no_gate);
        child_modules.push(quote!(#cfg pub mod #module;));
        let doc = format!(" The `{}` resource.", child.dotted());
        accessors.push(quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> #module::#child_struct<'c> {
                #module::#child_struct::new(self.client)
            }
        });
        blocking_accessors.push(quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> super::#module::blocking::#child_struct<'c> {
                super::#module::blocking::#child_struct::new(self.client)
            }
        });
    }
    let has_ops = !node.methods.is_empty();
    let blocking_use = if has_ops {
        quote!(
            #own_gate
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
    // The imports serve the resource's own methods (and gate with them).
    let gate = own_feature.map_or_else(String::new, |f| format!("#[cfg(feature = {f:?})]\n"));
    let uses: Vec<String> = uses.iter().map(|u| format!("{gate}{u}")).collect();
    let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
    out.push(GeneratedFile {
        path: file,
        contents: crate::with_uses(rendered, &uses),
    });
    for child in &node.children {
        node_files(model, child, out, headers, names, None);
    }
}

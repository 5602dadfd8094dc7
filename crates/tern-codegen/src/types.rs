//! Named types → Rust items: structs (unknown fields kept), string enums with an `Unknown`
//! fallback, untagged unions with an `Unknown` fallback, and aliases.

use crate::{doc_attrs, field_ident, type_ident};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::HashSet;
use tern_model::{
    AdditionalProperties, ApiModel, IntegerFormat, NumberFormat, TypeDef, TypeKind, TypeRef,
};

/// The Rust type for a type expression. `boxed`: wrap recursive named types in a `Box`.
pub(crate) fn rust_type(model: &ApiModel, t: &TypeRef, boxed: bool) -> TokenStream {
    match t {
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Bool => quote!(bool),
        TypeRef::Integer(IntegerFormat::Int32) => quote!(i32),
        TypeRef::Integer(_) => quote!(i64),
        TypeRef::Number(NumberFormat::Float) => quote!(f32),
        TypeRef::Number(_) => quote!(f64),
        TypeRef::String(_) => quote!(::std::string::String),
        TypeRef::Array(inner) => {
            let inner = rust_type(model, inner, false);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(model, inner, false);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(model, inner, boxed);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Named(id) => {
            let def = model.type_def(*id);
            let name = type_ident(&def.name);
            if boxed && def.recursive {
                quote!(::std::boxed::Box<crate::types::#name>)
            } else {
                quote!(crate::types::#name)
            }
        }
        _ => quote!(::serde_json::Value),
    }
}

fn is_string_enum(def: &TypeDef) -> bool {
    matches!(&def.kind, TypeKind::Enum(e) if matches!(e.base, TypeRef::String(_)) && e.values.iter().all(|v| v.as_str().is_some()))
}

/// Whether values of this type print with `Display` (for path, query and header values).
pub(crate) fn displays(model: &ApiModel, t: &TypeRef) -> bool {
    match t.resolve(&model.types) {
        TypeRef::Bool | TypeRef::Integer(_) | TypeRef::Number(_) | TypeRef::String(_) => true,
        TypeRef::Named(id) => is_string_enum(model.type_def(*id)),
        _ => false,
    }
}

fn object(model: &ApiModel, def: &TypeDef, o: &tern_model::ObjectType) -> TokenStream {
    let name = type_ident(&def.name);
    let mut used: HashSet<String> = HashSet::new();
    let mut fields = Vec::new();
    for p in &o.properties {
        let mut ident = field_ident(&p.name);
        while !used.insert(ident.to_string()) {
            ident = format_ident!("{}_", ident);
        }
        let nullable_or_optional = !p.required || matches!(p.ty, TypeRef::Nullable(_));
        let inner = match &p.ty {
            TypeRef::Nullable(inner) => inner.as_ref(),
            other => other,
        };
        let base = rust_type(model, inner, true);
        let ty = if nullable_or_optional {
            quote!(::std::option::Option<#base>)
        } else {
            base
        };
        let wire = &p.name;
        let docs = doc_attrs(p.description.as_deref());
        let serde = if !p.required {
            quote!(#[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")])
        } else if nullable_or_optional {
            quote!(#[serde(rename = #wire, default)])
        } else {
            quote!(#[serde(rename = #wire)])
        };
        fields.push(quote! { #docs #serde pub #ident: #ty, });
    }
    let mut extra = format_ident!("extra");
    while used.contains(&extra.to_string()) {
        extra = format_ident!("{}_", extra);
    }
    let extra_field = match &o.additional {
        AdditionalProperties::Forbidden => quote!(),
        AdditionalProperties::Typed(t) => {
            let t = rust_type(model, t, false);
            quote! {
                /// Other members, as the schema's `additionalProperties` allows.
                #[serde(flatten)]
                pub #extra: ::std::collections::BTreeMap<::std::string::String, #t>,
            }
        }
        _ => quote! {
            /// Members this SDK does not know (kept, and sent back on serialisation).
            #[serde(flatten)]
            pub #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        },
    };
    let docs = doc_attrs(def.description.as_deref().or(def.title.as_deref()));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #extra_field
        }
    }
}

fn string_enum(def: &TypeDef, values: &[tern_spec::Value]) -> TokenStream {
    let name = type_ident(&def.name);
    let mut used = HashSet::new();
    let mut variants = Vec::new();
    let mut wires = Vec::new();
    for v in values {
        let wire = v.as_str().unwrap_or_default().to_owned();
        let mut ident = type_ident(&wire);
        if ident == "Unknown" {
            ident = format_ident!("UnknownValue");
        }
        while !used.insert(ident.to_string()) {
            ident = format_ident!("{}_", ident);
        }
        variants.push(ident);
        wires.push(wire);
    }
    let docs = doc_attrs(def.description.as_deref().or(def.title.as_deref()));
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this SDK does not know yet (the server may add values).
            Unknown(::std::string::String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match value.as_str() {
                    #( #wires => Self::#variants, )*
                    _ => Self::Unknown(value),
                })
            }
        }
    }
}

fn union(model: &ApiModel, def: &TypeDef, u: &tern_model::UnionType) -> TokenStream {
    let name = type_ident(&def.name);
    let mut used = HashSet::new();
    let mut variants = Vec::new();
    for v in &u.variants {
        let mut ident = type_ident(&v.name);
        if ident == "Unknown" {
            ident = format_ident!("UnknownVariant");
        }
        while !used.insert(ident.to_string()) {
            ident = format_ident!("{}_", ident);
        }
        // Struct alternatives are boxed: an enum is as large as its largest variant.
        let ty = match &v.ty {
            TypeRef::Named(id) if matches!(model.type_def(*id).kind, TypeKind::Object(_)) => {
                let name = type_ident(&model.type_def(*id).name);
                quote!(::std::boxed::Box<crate::types::#name>)
            }
            other => rust_type(model, other, true),
        };
        variants.push(quote!(#ident(#ty)));
    }
    let docs = doc_attrs(def.description.as_deref().or(def.title.as_deref()));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #( #[doc = " One of the alternatives."] #variants, )*
            /// A value matching none of the alternatives (kept as JSON).
            Unknown(::serde_json::Value),
        }
    }
}

/// Every named type of the model.
pub(crate) fn all(model: &ApiModel) -> TokenStream {
    let items = model.types.iter().map(|def| match &def.kind {
        TypeKind::Object(o) => object(model, def, o),
        TypeKind::Enum(e) if is_string_enum(def) => string_enum(def, &e.values),
        TypeKind::Enum(e) => {
            let name = type_ident(&def.name);
            let base = rust_type(model, &e.base, false);
            let docs = doc_attrs(def.description.as_deref());
            quote!(#docs pub type #name = #base;)
        }
        TypeKind::Union(u) => union(model, def, u),
        TypeKind::Alias(t) if def.recursive => {
            // `type Node = Vec<Node>` is illegal in Rust: a recursive alias is a newtype.
            let name = type_ident(&def.name);
            let target = rust_type(model, t, false);
            let docs = doc_attrs(def.description.as_deref().or(def.title.as_deref()));
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
        TypeKind::Alias(t) => {
            let name = type_ident(&def.name);
            let target = rust_type(model, t, false);
            let docs = doc_attrs(def.description.as_deref().or(def.title.as_deref()));
            quote!(#docs pub type #name = #target;)
        }
        _ => quote!(),
    });
    quote! {
        //! The API's data types.
        #(#items)*
    }
}

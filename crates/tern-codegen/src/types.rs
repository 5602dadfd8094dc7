//! Named types → Rust items: structs (unknown fields kept), string enums with an `Unknown`
//! fallback, unions (tagged by their discriminator, else untagged) with an `Unknown` fallback,
//! and aliases.

use crate::{field_ident, type_ident};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::HashSet;
use tern_model::{
    AdditionalProperties, ApiModel, IntegerFormat, NumberFormat, StringFormat, TypeDef, TypeId,
    TypeKind, TypeRef,
};

/// How a module spells paths: the API's types (`types::X` outside `types.rs`) and the standard
/// names, which are written short unless a generated item of the same name shadows them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paths {
    /// Outside `types.rs`: API types as `types::X`.
    pub(crate) types_prefix: bool,
    /// Standard names that an item of the module shadows.
    pub(crate) shadowed: HashSet<String>,
    /// The named types a struct member holds in a `Box` because they are large (see
    /// [`large_types`]); recursive types are boxed as well.
    pub(crate) large: HashSet<TypeId>,
}

impl Paths {
    /// Paths for `types.rs`, whose items are the model's types.
    pub(crate) fn for_types(model: &ApiModel) -> Paths {
        let names: HashSet<String> = model
            .types
            .iter()
            .map(|d| type_ident(&d.name).to_string())
            .collect();
        Paths {
            types_prefix: false,
            shadowed: tern_plan::STD_NAMES
                .iter()
                .filter(|n| names.contains(**n))
                .map(|n| (*n).to_owned())
                .collect(),
            large: HashSet::new(),
        }
    }

    /// Whether a struct member holds this named type in a `Box`: it is recursive, or large.
    pub(crate) fn boxes(&self, def: &TypeDef) -> bool {
        def.recursive || self.large.contains(&def.id)
    }

    /// Paths for rendering the types themselves: [`Paths::for_types`], and which types are
    /// large enough to box (computed once per crate, shared by the rendering jobs).
    pub(crate) fn for_type_items(model: &ApiModel) -> Paths {
        Paths {
            large: large_types(model),
            ..Paths::for_types(model)
        }
    }

    /// Paths for resource modules (which never shadow standard names).
    pub(crate) fn for_resources() -> Paths {
        Paths {
            types_prefix: true,
            shadowed: HashSet::new(),
            large: HashSet::new(),
        }
    }

    /// A standard name: short, or by its full path when shadowed.
    pub(crate) fn std(&self, name: &str) -> TokenStream {
        let full = match name {
            "Option" => "::std::option",
            "Some" | "None" => "::std::option::Option",
            "Result" => "::std::result",
            "Ok" | "Err" => "::std::result::Result",
            "String" => "::std::string",
            "Vec" => "::std::vec",
            "Box" => "::std::boxed",
            "BTreeMap" => "::std::collections",
            "Serialize" | "Deserialize" => "::serde",
            "Default" => "::std::default",
            _ => "",
        };
        let ident = format_ident!("{}", name);
        if !self.shadowed.contains(name) {
            return quote!(#ident);
        }
        let path: syn::Path = match syn::parse_str(&format!("{full}::{name}")) {
            Ok(p) => p,
            Err(_) => return quote!(#ident),
        };
        quote!(#path)
    }
}

/// From this estimated size on (bytes), a struct held by another struct's member is boxed. A
/// struct holding its large members inline is as large as all of them together (a GitHub
/// repository held its template repository, owner and license inline: 7 KB a value), and every
/// move of it copies that many bytes: returning it, pushing it into a `Vec`, the `Vec` growing.
/// The limit is clippy's for large values passed around (`large_types_passed_by_value`).
const LARGE_TYPE: usize = 256;

/// The named object types whose estimated size (a 64-bit layout, members held as the
/// generated structs hold them) reaches [`LARGE_TYPE`].
pub(crate) fn large_types(model: &ApiModel) -> HashSet<TypeId> {
    let mut sizes: Vec<Option<usize>> = vec![None; model.types.len()];
    model
        .types
        .iter()
        .filter(|def| !def.recursive && is_large(def, own_size(model, def.id, &mut sizes)))
        .map(|def| def.id)
        .collect()
}

/// Whether a named type of this estimated size is boxed for being large (objects only).
fn is_large(def: &TypeDef, size: usize) -> bool {
    matches!(def.kind, TypeKind::Object(_)) && size >= LARGE_TYPE
}

/// A word: a pointer, a `usize`.
const WORD: usize = 8;

/// The estimated size of a named type's value. `sizes` memoises, and cuts cycles (whose
/// members are boxed).
fn own_size(model: &ApiModel, id: TypeId, sizes: &mut [Option<usize>]) -> usize {
    let Some(def) = model.types.get(id.0) else {
        return WORD;
    };
    if let Some(size) = sizes[id.0] {
        return size;
    }
    sizes[id.0] = Some(WORD); // in progress: a cycle, boxed
    let size = match &def.kind {
        // The members, and `extra` (a map: three words).
        TypeKind::Object(o) => {
            let members: usize = o
                .properties
                .iter()
                .map(|p| {
                    let size = ref_size(model, &p.ty, sizes);
                    // `Option<T>` of a small value takes a word more; larger values have a niche.
                    if (!p.required || matches!(p.ty, TypeRef::Nullable(_))) && size <= WORD {
                        size + WORD
                    } else {
                        size
                    }
                })
                .sum();
            members + 3 * WORD
        }
        // `Unknown(String)` or a JSON value beside the known values.
        TypeKind::Enum(_) => 4 * WORD,
        // The largest alternative (struct alternatives are boxed) and the tag.
        TypeKind::Union(u) => {
            u.variants
                .iter()
                .map(|v| match &v.ty {
                    TypeRef::Named(n) if matches!(model.type_def(*n).kind, TypeKind::Object(_)) => {
                        WORD
                    }
                    other => ref_size(model, other, sizes),
                })
                .max()
                .unwrap_or(0)
                + WORD
        }
        TypeKind::Alias(t) => ref_size(model, t, sizes),
        _ => 4 * WORD,
    };
    sizes[id.0] = Some(size);
    size
}

/// The estimated size of a type expression as a struct member holds it (a recursive or large
/// object: boxed, a pointer), for [`own_size`].
fn ref_size(model: &ApiModel, t: &TypeRef, sizes: &mut [Option<usize>]) -> usize {
    match t {
        TypeRef::Bool => 1,
        TypeRef::Any => 4 * WORD,
        TypeRef::Integer(IntegerFormat::Int32) | TypeRef::Number(NumberFormat::Float) => 4,
        TypeRef::Integer(_) | TypeRef::Number(_) => 8,
        TypeRef::String(StringFormat::Date) => 4,
        TypeRef::String(StringFormat::DateTime) => 12,
        TypeRef::String(StringFormat::Uuid) => 16,
        TypeRef::String(_) | TypeRef::Array(_) | TypeRef::Map(_) => 24,
        TypeRef::Nullable(inner) => ref_size(model, inner, sizes),
        TypeRef::Named(id) => {
            let def = model.type_def(*id);
            if def.recursive {
                return WORD;
            }
            let size = own_size(model, *id, sizes);
            if is_large(def, size) {
                WORD
            } else {
                size
            }
        }
        _ => 4 * WORD,
    }
}

/// The Rust type for a type expression. `boxed`: wrap recursive and large named types (as
/// struct members hold them) in a `Box`.
pub(crate) fn rust_type(model: &ApiModel, t: &TypeRef, boxed: bool, paths: &Paths) -> TokenStream {
    match t {
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Bool => quote!(bool),
        TypeRef::Integer(IntegerFormat::Int32) => quote!(i32),
        TypeRef::Integer(_) => quote!(i64),
        TypeRef::Number(NumberFormat::Float) => quote!(f32),
        TypeRef::Number(_) => quote!(f64),
        TypeRef::String(StringFormat::Date) => quote!(chrono::NaiveDate),
        TypeRef::String(StringFormat::DateTime) => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::String(StringFormat::Uuid) => quote!(uuid::Uuid),
        TypeRef::String(_) => paths.std("String"),
        TypeRef::Array(inner) => {
            let inner = rust_type(model, inner, false, paths);
            let vec = paths.std("Vec");
            quote!(#vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(model, inner, false, paths);
            let (map, string) = (paths.std("BTreeMap"), paths.std("String"));
            quote!(#map<#string, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(model, inner, boxed, paths);
            let option = paths.std("Option");
            quote!(#option<#inner>)
        }
        TypeRef::Named(id) => {
            let def = model.type_def(*id);
            let name = type_ident(&def.name);
            let path = if paths.types_prefix {
                quote!(types::#name)
            } else {
                quote!(#name)
            };
            if boxed && paths.boxes(def) {
                let b = paths.std("Box");
                quote!(#b<#path>)
            } else {
                path
            }
        }
        _ => quote!(serde_json::Value),
    }
}

fn is_string_enum(def: &TypeDef) -> bool {
    matches!(&def.kind, TypeKind::Enum(e) if matches!(e.base, TypeRef::String(_)) && e.values.iter().all(|v| v.as_str().is_some()))
}

/// Whether a string format has a Rust type of its own (chrono dates, `uuid::Uuid`).
pub(crate) fn typed_format(f: StringFormat) -> bool {
    matches!(
        f,
        StringFormat::Date | StringFormat::DateTime | StringFormat::Uuid
    )
}

/// Whether a type is a Rust `String` (a string whose format maps to no type of its own).
pub(crate) fn is_string(model: &ApiModel, t: &TypeRef) -> bool {
    matches!(t.resolve(&model.types), TypeRef::String(f) if !typed_format(*f))
}

/// Whether a value of this type is exactly a `String`: a string that is not nullable, neither
/// itself nor through the aliases it names (so `impl Into<String>` can stand for it).
pub(crate) fn is_plain_string(model: &ApiModel, t: &TypeRef) -> bool {
    let mut current = t;
    for _ in 0..64 {
        match current {
            TypeRef::Nullable(_) => return false,
            TypeRef::Named(id) => match &model.type_def(*id).kind {
                TypeKind::Alias(inner) => current = inner,
                _ => return false,
            },
            other => return is_string(model, other),
        }
    }
    false
}

/// Whether the Rust type is `Copy` (numbers, booleans, dates, UUIDs).
pub(crate) fn is_copy(model: &ApiModel, t: &TypeRef) -> bool {
    match t.resolve(&model.types) {
        TypeRef::Bool | TypeRef::Integer(_) | TypeRef::Number(_) => true,
        TypeRef::String(f) => typed_format(*f),
        _ => false,
    }
}

/// Whether a type is a date-time (sent as RFC 3339 text).
pub(crate) fn is_date_time(model: &ApiModel, t: &TypeRef) -> bool {
    matches!(
        t.resolve(&model.types),
        TypeRef::String(StringFormat::DateTime)
    )
}

/// Whether values of this type print with `Display` (for path, query and header values).
pub(crate) fn displays(model: &ApiModel, t: &TypeRef) -> bool {
    match t.resolve(&model.types) {
        // RFC 3339 on the wire, not chrono's `Display`: see `operation::value_code`.
        TypeRef::String(StringFormat::DateTime) => false,
        TypeRef::Bool | TypeRef::Integer(_) | TypeRef::Number(_) | TypeRef::String(_) => true,
        TypeRef::Named(id) => is_string_enum(model.type_def(*id)),
        _ => false,
    }
}

/// A struct: one field per member, unknown members kept in `extra` (unless the schema forbids
/// them), `Serialize` and `Deserialize` written out rather than derived — one pass over the
/// object through `runtime::model::object`, no `#[serde(flatten)]` buffering, and much less
/// code for the compiler than the derive's.
///
/// Optional or nullable members are `Option<T>` (absent and `null` read alike); in a type a
/// request may carry (`sent`), an optional *and* nullable member is a `Nullable<T>`, which can
/// also send an explicit `null`.
fn object(
    model: &ApiModel,
    def: &TypeDef,
    o: &tern_model::ObjectType,
    paths: &Paths,
    sent: bool,
) -> TokenStream {
    let name = type_ident(&def.name);
    let option = paths.std("Option");
    let (string_ty, none, some) = (paths.std("String"), paths.std("None"), paths.std("Some"));
    let (result, ok) = (paths.std("Result"), paths.std("Ok"));
    let (mut used, mut used_locals) = (HashSet::new(), HashSet::new());
    let mut fields = Vec::new();
    // What `new` or the builder takes (the required members that are not nullable), and how
    // the other fields start.
    let (mut required, mut rest) = (Vec::new(), Vec::new());
    // The hand-written serde impls: a local per member, its match arm, its final value, and
    // how it is written.
    let (mut locals, mut arms, mut finals, mut writes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // The required members' locals (and wire names), checked once after the loop.
    let mut checks = Vec::new();
    for p in &o.properties {
        let mut ident = field_ident(&p.name);
        while !used.insert(ident.to_string()) {
            ident = format_ident!("{}_", ident);
        }
        let nullable = matches!(p.ty, TypeRef::Nullable(_));
        let nullable_or_optional = !p.required || nullable;
        let inner = match &p.ty {
            TypeRef::Nullable(inner) => inner.as_ref(),
            other => other,
        };
        let base = rust_type(model, inner, true, paths);
        // Optional and nullable in a request type: absent, `null` and a value stay distinct.
        let tri = sent && !p.required && nullable;
        let ty = if tri {
            quote!(crate::runtime::Nullable<#base>)
        } else if nullable_or_optional {
            quote!(#option<#base>)
        } else {
            base.clone()
        };
        let wire = &p.name;
        let docs = crate::docs_or_allow(p.description.as_deref());
        fields.push(quote! { #docs pub #ident: #ty, });
        // Locals are `f_…`: never `map` or `key`, whatever the members are called.
        let base_name = ident.to_string();
        let base_name = base_name.trim_start_matches("r#");
        let mut local = if base_name.starts_with('_') {
            format_ident!("f{}", base_name)
        } else {
            format_ident!("f_{}", base_name)
        };
        while !used_locals.insert(local.to_string()) {
            local = format_ident!("{}_", local);
        }
        // Each local has its type written out: left to inference, every member's type stays
        // open until the end of the function, and the compiler's work grows with the square of
        // the member count.
        if nullable_or_optional {
            let empty = if tri {
                quote!(crate::runtime::Nullable::Absent)
            } else {
                quote!(#none)
            };
            locals.push(quote!(let mut #local: #ty = #empty;));
            arms.push(quote!(#wire => crate::runtime::model::set(&mut map, &mut #local),));
        } else {
            locals.push(quote!(let mut #local: #option<#ty> = #none;));
            arms.push(quote!(#wire => crate::runtime::model::set_some(&mut map, &mut #local),));
            checks.push((local.clone(), wire.clone()));
        }
        finals.push(quote!(#ident: #local));
        writes.push(if tri {
            quote!(map.nullable(#wire, &self.#ident);)
        } else if !p.required {
            quote!(map.optional(#wire, &self.#ident);)
        } else {
            quote!(map.entry(#wire, &self.#ident);)
        });
        if tri {
            rest.push(quote!(#ident: crate::runtime::Nullable::Absent));
        } else if nullable_or_optional {
            rest.push(quote!(#ident: #none));
        } else {
            // A boxed member takes its value as it is or boxed: `impl Into<Box<T>>`.
            let boxed = matches!(inner, TypeRef::Named(id) if paths.boxes(model.type_def(*id)));
            let into = boxed || is_plain_string(model, inner);
            let taken = if boxed {
                quote!(impl Into<#ty>)
            } else if into {
                quote!(impl Into<#string_ty>)
            } else {
                ty.clone()
            };
            required.push(crate::Required {
                name: ident.clone(),
                taken,
                field: ty.clone(),
                into,
                docs: crate::docs_or_allow(p.description.as_deref()),
            });
        }
    }
    let mut extra = format_ident!("extra");
    while used.contains(&extra.to_string()) {
        extra = format_ident!("{}_", extra);
    }
    let (map, string) = (paths.std("BTreeMap"), paths.std("String"));
    let mut extra_local = format_ident!("f_{}", extra);
    while !used_locals.insert(extra_local.to_string()) {
        extra_local = format_ident!("{}_", extra_local);
    }
    let extra_ty = match &o.additional {
        AdditionalProperties::Typed(_) => quote!(#map),
        _ => quote!(serde_json::Map),
    };
    let (extra_field, unknown) = match &o.additional {
        AdditionalProperties::Forbidden => {
            (quote!(), quote!(crate::runtime::model::skip(&mut map)))
        }
        AdditionalProperties::Typed(t) => {
            let t = rust_type(model, t, false, paths);
            (
                quote! {
                    /// Other members, as the schema's `additionalProperties` allows.
                    pub #extra: #map<#string, #t>,
                },
                quote!(crate::runtime::model::keep(&mut map, &mut #extra_local, key)),
            )
        }
        _ => (
            quote! {
                /// Members this SDK does not know (kept, and sent back on serialisation).
                pub #extra: serde_json::Map<#string, serde_json::Value>,
            },
            quote!(crate::runtime::model::keep(&mut map, &mut #extra_local, key)),
        ),
    };
    if !extra_field.is_empty() {
        locals.push(quote!(let mut #extra_local = #extra_ty::new();));
        finals.push(quote!(#extra: #extra_local));
        writes.push(quote!(map.entries(&self.#extra);));
    }
    // With no member to match and none to keep, the names are not read.
    let key = if arms.is_empty() && extra_field.is_empty() {
        quote!(_)
    } else {
        quote!(key)
    };
    let each = if arms.is_empty() {
        quote!(#unknown?;)
    } else {
        quote!(match key.as_str() { #(#arms)* _ => #unknown }?;)
    };
    // The required members are checked in one step, so that no early return has to drop the
    // members read so far one by one.
    let err = paths.std("Err");
    let done = match checks.as_slice() {
        [] => quote!(#ok(Self { #(#finals),* })),
        [(local, wire)] => quote! {
            let #some(#local) = #local else {
                return #err(crate::runtime::model::missing(#wire));
            };
            #ok(Self { #(#finals),* })
        },
        _ => {
            let locals: Vec<_> = checks.iter().map(|c| &c.0).collect();
            let wires = checks.iter().map(|c| &c.1);
            quote! {
                match (#(#locals),*) {
                    (#(#some(#locals)),*) => #ok(Self { #(#finals),* }),
                    (#(#locals),*) => #err(crate::runtime::model::missing_of(&[
                        #((#wires, #locals.is_none())),*
                    ])),
                }
            }
        }
    };
    let expecting = format!("a `{name}` object");
    let body = if writes.is_empty() {
        quote!(serde::ser::SerializeMap::end(serializer.serialize_map(#some(0))?))
    } else {
        quote! {
            let mut map = crate::runtime::model::Members::begin(serializer)?;
            #(#writes)*
            map.end()
        }
    };
    let serde_impls = quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                #body
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                crate::runtime::model::object(deserializer)
            }
        }

        impl crate::runtime::model::Object for #name {
            const EXPECTING: &'static str = #expecting;

            fn from_members<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> #result<Self, A::Error> {
                #(#locals)*
                while let #some(#key) = map.next_key::<crate::runtime::model::Key<'de>>()? {
                    #each
                }
                #done
            }
        }
    };
    let docs = type_docs(def);
    let default = paths.std("Default");
    // Built without naming `extra` or the optional members: `Default` when nothing is
    // required, else `new` with the required values.
    if required.is_empty() {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct #name {
                #(#fields)*
                #extra_field
            }

            #serde_impls
        };
    }
    if !extra_field.is_empty() {
        rest.push(quote!(#extra: #default::default()));
    }
    // A type a request carries, with many required members: a builder names each.
    let builder_name = format!("{name}Builder");
    if sent
        && required.len() >= crate::BUILDER_FROM
        && !model
            .types
            .iter()
            .any(|d| type_ident(&d.name) == builder_name)
    {
        let builder = crate::builder(&name, &required, &rest);
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name {
                #(#fields)*
                #extra_field
            }

            #builder

            #serde_impls
        };
    }
    let new = crate::new_fn(
        &format!(" A `{name}` from its required members; the others start empty."),
        &required,
        &rest,
    );
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#fields)*
            #extra_field
        }

        impl #name {
            #new
        }

        #serde_impls
    }
}

/// A type's docs: its description or title (none where the spec has neither).
fn type_docs(def: &TypeDef) -> TokenStream {
    let text = def
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .or(def.title.as_deref());
    crate::docs_or_allow(text)
}

fn string_enum(def: &TypeDef, values: &[tern_spec::Value], paths: &Paths) -> TokenStream {
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
    let docs = type_docs(def);
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    let (string, result, ok) = (paths.std("String"), paths.std("Result"), paths.std("Ok"));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this SDK does not know yet (the server may add values).
            Unknown(#string),
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

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <#string as serde::Deserialize>::deserialize(deserializer)?;
                #ok(match value.as_str() {
                    #( #wires => Self::#variants, )*
                    _ => Self::Unknown(value),
                })
            }
        }
    }
}

/// Where an alternative of an untagged union goes: serde tries them in order and takes the
/// first that decodes, so narrower shapes come first — objects with more required members
/// before those with fewer (an all-optional struct accepts any object), arrays, integers
/// before numbers, typed strings (dates, UUIDs) before plain strings and open string enums,
/// maps and `Any` last.
fn specificity(model: &ApiModel, t: &TypeRef) -> (u8, std::cmp::Reverse<usize>) {
    let t = match t {
        TypeRef::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    let rank = match t.resolve(&model.types) {
        TypeRef::Named(id) => match &model.type_def(*id).kind {
            TypeKind::Object(o) => {
                let required = o.properties.iter().filter(|p| p.required).count();
                return (0, std::cmp::Reverse(required));
            }
            TypeKind::Union(_) => 6,
            TypeKind::Enum(_) => 7,
            _ => 8,
        },
        TypeRef::Array(_) => 1,
        TypeRef::Integer(_) => 2,
        TypeRef::Number(_) => 3,
        TypeRef::Bool => 4,
        TypeRef::String(f) if typed_format(*f) => 5,
        TypeRef::String(_) => 7,
        TypeRef::Map(_) => 8,
        _ => 9,
    };
    (rank, std::cmp::Reverse(0))
}

fn union(model: &ApiModel, def: &TypeDef, u: &tern_model::UnionType, paths: &Paths) -> TokenStream {
    let name = type_ident(&def.name);
    let mut used = HashSet::new();
    let mut idents = Vec::new();
    let mut variants = Vec::new();
    let tagged = u
        .discriminator
        .as_ref()
        .is_some_and(|d| !d.mapping.is_empty());
    // Untagged alternatives are tried in order: the most specific first (see `specificity`).
    let mut order: Vec<usize> = (0..u.variants.len()).collect();
    if !tagged {
        order.sort_by_key(|&i| specificity(model, &u.variants[i].ty));
    }
    for v in order.iter().map(|&i| &u.variants[i]) {
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
                let inner = rust_type(model, &v.ty, false, paths);
                let b = paths.std("Box");
                quote!(#b<#inner>)
            }
            other => rust_type(model, other, true, paths),
        };
        let doc = match &v.ty {
            TypeRef::Named(id) => format!(" A [`{}`].", type_ident(&model.type_def(*id).name)),
            _ => " One of the alternatives.".to_owned(),
        };
        variants.push(quote!(#[doc = #doc] #ident(#ty)));
        idents.push(ident);
    }
    let docs = type_docs(def);
    let (ser, de) = (paths.std("Serialize"), paths.std("Deserialize"));
    let Some(disc) = u.discriminator.as_ref().filter(|_| tagged) else {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #ser, #de)]
            #[serde(untagged)]
            pub enum #name {
                #( #variants, )*
                /// A value matching none of the alternatives (kept as JSON).
                Unknown(serde_json::Value),
            }
        };
    };
    // Tagged: the discriminator picks the alternative; an unknown tag is kept as JSON.
    let property = &disc.property;
    let mut arms = Vec::new();
    for (i, ident) in idents.iter().enumerate() {
        let tags: Vec<&String> = disc
            .mapping
            .iter()
            .filter(|(_, v)| *v == i)
            .map(|(t, _)| t)
            .collect();
        if tags.is_empty() {
            continue;
        }
        arms.push(quote!(#(#tags)|* => serde_json::from_value(value).map(Self::#ident).map_err(serde::de::Error::custom),));
    }
    let (result, ok) = (paths.std("Result"), paths.std("Ok"));
    let doc = format!(" Tagged by `{property}`.");
    quote! {
        #docs
        #[doc = ""]
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #ser)]
        #[serde(untagged)]
        pub enum #name {
            #( #variants, )*
            /// A value whose tag this SDK does not know (kept as JSON).
            Unknown(serde_json::Value),
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
                match tag.as_str() {
                    #(#arms)*
                    _ => #ok(Self::Unknown(value)),
                }
            }
        }
    }
}

/// Types per rendering job: the types are rendered in chunks, in parallel.
pub(crate) const CHUNK: usize = 150;

/// The longest module name taken from a type's name (a repeat adds a suffix).
const MODULE_NAME_MAX: usize = 120;

/// The module of each type in `src/types/`: one file a type, named after it in snake case
/// (`MinimalRepository` → `types/minimal_repository.rs`), as aws-sdk-rust and async-stripe lay
/// out theirs. Names are unique (a repeat takes `_2`, `_3`, ...) and safe as file names on every
/// system (at most [`MODULE_NAME_MAX`] bytes before a suffix; `mod` and Windows' device names
/// take a `_`).
pub(crate) fn module_names(model: &ApiModel) -> Vec<String> {
    names_of_modules(
        model
            .types
            .iter()
            .map(|def| type_ident(&def.name).to_string()),
    )
}

/// [`module_names`] for these type names.
fn names_of_modules(types: impl Iterator<Item = String>) -> Vec<String> {
    let mut taken = HashSet::new();
    types
        .map(|ty| {
            let mut base = tern_model::naming::snake_ident(&ty);
            // File names are at most 255 bytes on common file systems (the names are ASCII).
            base.truncate(MODULE_NAME_MAX);
            if base == "mod" || tern_model::naming::is_windows_device(&base) {
                base.push('_');
            }
            let (mut name, mut n) = (base.clone(), 2);
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// A type's module, rendered: the file's text and the public names it defines (re-exported by
/// `types/mod.rs`).
pub(crate) struct TypeModule {
    /// The text of `src/types/<module>.rs`.
    pub(crate) text: String,
    /// The public items it defines: the type's name.
    pub(crate) exports: Vec<String>,
}

/// The module of type `index`: its imports (the other types it mentions, by name; the serde
/// derives and `BTreeMap` where used) and its items. `None` for a type that renders to nothing.
pub(crate) fn render_type(
    model: &ApiModel,
    paths: &Paths,
    sent: bool,
    index: usize,
) -> Option<TypeModule> {
    let def = model.types.get(index)?;
    let tokens = item(model, def, paths, sent);
    if tokens.is_empty() {
        return None;
    }
    // The types it names: those the model says it mentions, as they appear in its items (a
    // member's type may render without the name, e.g. when it is `serde_json::Value`).
    let mut idents = HashSet::new();
    collect_idents(tokens.clone(), &mut idents);
    let own = type_ident(&def.name).to_string();
    let mut imports: Vec<String> = tern_plan::direct_refs(model, def.id)
        .into_iter()
        .filter_map(|id| model.types.get(id.0))
        .map(|d| type_ident(&d.name).to_string())
        .filter(|name| *name != own && idents.contains(name))
        .collect();
    imports.sort();
    imports.dedup();
    let file = match syn::parse2::<syn::File>(tokens) {
        Ok(file) => file,
        // Unreachable for tokens built here; keep the output inspectable.
        Err(e) => {
            let message = format!("tern-codegen could not format type `{}`: {e}", def.name);
            syn::parse_quote!(compile_error!(#message);)
        }
    };
    let exports = file.items.iter().filter_map(public_name).collect();
    let items = crate::render_file(file);
    let mut uses = Vec::new();
    match imports.as_slice() {
        [] => {}
        [one] => uses.push(format!("use super::{one};")),
        many => uses.push(format!("use super::{{{}}};", many.join(", "))),
    }
    // Derives read `…, PartialEq, Serialize, Deserialize)`; import what they use.
    let mut serde_names = Vec::new();
    for (n, pattern) in [
        ("Deserialize", "Serialize, Deserialize"),
        ("Serialize", "PartialEq, Serialize"),
    ] {
        if !paths.shadowed.contains(n) && items.contains(pattern) {
            serde_names.push(n);
        }
    }
    match serde_names.as_slice() {
        [] => {}
        [one] => uses.push(format!("use serde::{one};")),
        many => uses.push(format!("use serde::{{{}}};", many.join(", "))),
    }
    if !paths.shadowed.contains("BTreeMap") && items.contains("BTreeMap<") {
        uses.push("use std::collections::BTreeMap;".to_owned());
    }
    let text = if uses.is_empty() {
        items
    } else {
        format!("{}\n\n{items}", uses.join("\n"))
    };
    Some(TypeModule { text, exports })
}

/// Every identifier in `tokens`.
fn collect_idents(tokens: TokenStream, out: &mut HashSet<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => collect_idents(g.stream(), out),
            _ => {}
        }
    }
}

/// The name of a public item.
fn public_name(item: &syn::Item) -> Option<String> {
    let (vis, ident) = match item {
        syn::Item::Struct(i) => (&i.vis, &i.ident),
        syn::Item::Enum(i) => (&i.vis, &i.ident),
        syn::Item::Type(i) => (&i.vis, &i.ident),
        syn::Item::Const(i) => (&i.vis, &i.ident),
        syn::Item::Fn(i) => (&i.vis, &i.sig.ident),
        _ => return None,
    };
    matches!(vis, syn::Visibility::Public(_)).then(|| ident.to_string())
}

/// `src/types/mod.rs`: each type's module, compiled by the features whose type closures hold
/// it, and its names re-exported (`types::X`). In module-name order.
pub(crate) fn mod_rs(
    plan: &tern_plan::SdkPlan,
    names: &[String],
    modules: &[Option<TypeModule>],
) -> String {
    let mut out = String::from(
        "//! The API's data types, one module a type (named after it in snake case), each compiled\n//! by the resource features that use it and re-exported here: `types::X`.\n",
    );
    let mut order: Vec<usize> = (0..modules.len()).collect();
    order.sort_by(|a, b| names.get(*a).cmp(&names.get(*b)));
    for i in order {
        let (Some(Some(module)), Some(name)) = (modules.get(i), names.get(i)) else {
            continue;
        };
        let users = plan.type_features.get(i).map_or(&[][..], Vec::as_slice);
        let features: Vec<String> = users
            .iter()
            .filter_map(|&f| plan.features.get(f))
            .map(|f| format!("feature = {:?}", f.name))
            .collect();
        let cfg = match features.as_slice() {
            [] => String::new(),
            [one] => format!("#[cfg({one})]\n"),
            many => format!("#[cfg(any({}))]\n", many.join(", ")),
        };
        let exports = match module.exports.as_slice() {
            [one] => one.clone(),
            many => format!("{{{}}}", many.join(", ")),
        };
        out.push_str(&format!(
            "\n{cfg}mod {name};\n{cfg}pub use {name}::{exports};\n"
        ));
    }
    out
}

fn item(model: &ApiModel, def: &TypeDef, paths: &Paths, sent: bool) -> TokenStream {
    match &def.kind {
        TypeKind::Object(o) => object(model, def, o, paths, sent),
        TypeKind::Enum(e) if is_string_enum(def) => string_enum(def, &e.values, paths),
        TypeKind::Enum(e) => {
            let name = type_ident(&def.name);
            let base = rust_type(model, &e.base, false, paths);
            let docs = type_docs(def);
            quote!(#docs pub type #name = #base;)
        }
        TypeKind::Union(u) => union(model, def, u, paths),
        TypeKind::Alias(t) if def.recursive => {
            // `type Node = Vec<Node>` is illegal in Rust: a recursive alias is a newtype.
            let name = type_ident(&def.name);
            let target = rust_type(model, t, false, paths);
            let docs = type_docs(def);
            let (ser, de) = (paths.std("Serialize"), paths.std("Deserialize"));
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #ser, #de)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
        TypeKind::Alias(t) => {
            let name = type_ident(&def.name);
            let target = rust_type(model, t, false, paths);
            let docs = type_docs(def);
            quote!(#docs pub type #name = #target;)
        }
        _ => quote!(),
    }
}

#[cfg(test)]
mod tests {
    use super::names_of_modules;

    #[test]
    fn module_names_are_unique_and_safe_file_names() {
        let long = "A".repeat(300);
        let names = names_of_modules(
            [
                "MinimalRepository",
                "AbTest",
                "ABTest",
                "Mod",
                "Aux",
                "Con2",
                "Type_",
                &long,
            ]
            .into_iter()
            .map(str::to_owned),
        );
        assert_eq!(
            names[..6],
            [
                "minimal_repository",
                "ab_test",
                "ab_test_2",
                "mod_",
                "aux_",
                "con2"
            ]
        );
        assert!(names[6].starts_with("type"));
        assert!(names[7].len() <= 120, "{}", names[7].len());
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
    }
}

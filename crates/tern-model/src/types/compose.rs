//! Composite types: objects (their own properties merged with those of every allOf part, in
//! order), oneOf/anyOf unions with their discriminators, and unions of several `type`s.

use super::key::{SchemaKey, Scope};
use super::lower::Alternatives;
use super::names::variant_name;
use super::{description, example, Known, TypeBuilder};
use crate::model::*;
use crate::naming::{pascal_ident, unique_pascal};
use tern_spec::{pointer, FileId, SpecVersion, Value};

/// allOf parts nested deeper than this are not read.
const MAX_ALLOF_NESTING: usize = 32;

/// A schema found while collecting an object's members, with where it lives.
struct Found<'v> {
    file: FileId,
    ptr: String,
    /// The scope it is read in: that of the object, or the document once an allOf part is
    /// reached through a `$ref`.
    scope: Scope,
    schema: &'v Value,
}

/// What `collect_properties` gathers from an object and its allOf parts.
#[derive(Default)]
struct Collected<'v> {
    properties: Vec<(String, Found<'v>)>,
    required: Vec<String>,
    additional: Option<Found<'v>>,
    /// Keys of the schemas being collected (`None` for synthetic ones), against allOf loops.
    visiting: Vec<Option<SchemaKey<'static>>>,
}

impl<'s> TypeBuilder<'s> {
    /// Collects the properties of `v` and, for allOf, of every part (depth-first, in order).
    fn collect_properties<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        scope: Scope,
        c: &mut Collected<'v>,
    ) where
        's: 'v,
    {
        let key = scope.key(file, ptr).map(SchemaKey::into_owned);
        if (key.is_some() && c.visiting.contains(&key)) || c.visiting.len() > MAX_ALLOF_NESTING {
            return;
        }
        c.visiting.push(key);
        if let Some(parts) = v.get("allOf").and_then(Value::as_array) {
            for (i, part) in parts.iter().enumerate() {
                let pptr = pointer::push(&pointer::push(ptr, "allOf"), &i.to_string());
                // A part reached through a `$ref` lives in the document.
                let part_scope = match part.get("$ref") {
                    Some(_) => Scope::Document,
                    None => scope,
                };
                if let Some((pf, pp, pv)) = self.deref(file, &pptr, part) {
                    self.collect_properties(pf, &pp, pv, part_scope, c);
                }
            }
        }
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            let base = pointer::push(ptr, "properties");
            for (name, schema) in props {
                let found = Found {
                    file,
                    ptr: pointer::push(&base, name),
                    scope,
                    schema,
                };
                match c.properties.iter_mut().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = found,
                    None => c.properties.push((name.clone(), found)),
                }
            }
        } else if let Some(p) = v.get("properties") {
            if !p.is_null() {
                self.warn(
                    "bad-properties",
                    "`properties` must be an object",
                    file,
                    &pointer::push(ptr, "properties"),
                );
            }
        }
        match v.get("required") {
            Some(Value::Array(list)) => {
                for r in list.iter().filter_map(Value::as_str) {
                    if !c.required.iter().any(|x| x == r) {
                        c.required.push(r.to_owned());
                    }
                }
            }
            Some(Value::Bool(_)) => self.warn("bad-required", "`required: true` on a schema has no meaning (Swagger-style); list property names instead", file, &pointer::push(ptr, "required")),
            _ => {}
        }
        if let Some(a) = v.get("additionalProperties") {
            c.additional = Some(Found {
                file,
                ptr: pointer::push(ptr, "additionalProperties"),
                scope,
                schema: a,
            });
        }
        c.visiting.pop();
    }

    /// The object a schema (and its allOf parts) describes.
    pub(super) fn object<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        type_name: &str,
        depth: usize,
    ) -> ObjectType
    where
        's: 'v,
    {
        let mut c = Collected::default();
        self.collect_properties(file, ptr, v, self.scope, &mut c);
        let Collected {
            properties: found,
            required,
            additional: additional_node,
            ..
        } = c;
        let mut properties = Vec::with_capacity(found.len());
        for (name, at) in &found {
            let hint = format!("{type_name} {name}");
            let ty = self.within(at.scope, |tb| {
                tb.schema(at.file, &at.ptr, at.schema, &hint, depth)
            });
            properties.push(self.property(name, ty, at, &required));
        }
        for r in &required {
            if !found.iter().any(|(n, _)| n == r) && additional_node.is_none() {
                self.warn(
                    "unknown-required",
                    format!("`{r}` is listed as required but is not a property"),
                    file,
                    &pointer::push(ptr, "required"),
                );
            }
        }
        let additional = match additional_node {
            None => AdditionalProperties::Unspecified,
            Some(at) => match at.schema {
                Value::Bool(true) => AdditionalProperties::Unspecified,
                Value::Bool(false) => AdditionalProperties::Forbidden,
                a if a.as_object().is_some_and(|o| o.is_empty()) => {
                    AdditionalProperties::Unspecified
                }
                a => {
                    let hint = format!("{type_name} Value");
                    AdditionalProperties::Typed(
                        self.within(at.scope, |tb| tb.schema(at.file, &at.ptr, a, &hint, depth)),
                    )
                }
            },
        };
        ObjectType {
            properties,
            additional,
        }
    }

    /// A property of type `ty`; its annotations come from the property node, falling back to
    /// what it references.
    fn property(
        &mut self,
        name: &str,
        ty: TypeRef,
        at: &Found<'_>,
        required: &[String],
    ) -> Property {
        let schema = at.schema;
        let target = match schema.get("$ref") {
            Some(_) => self
                .deref(at.file, &at.ptr, schema)
                .map(|t| t.2)
                .unwrap_or(schema),
            None => schema,
        };
        let flag = |key: &str| {
            schema
                .get(key)
                .or_else(|| target.get(key))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        Property {
            name: name.to_owned(),
            ty,
            required: required.iter().any(|r| r == name),
            description: description(schema).or_else(|| description(target)),
            read_only: flag("readOnly"),
            write_only: flag("writeOnly"),
            deprecated: flag("deprecated"),
            default: schema
                .get("default")
                .or_else(|| target.get("default"))
                .cloned(),
            example: example(schema).or_else(|| example(target)),
        }
    }

    /// A oneOf/anyOf union: one variant per alternative, named after its type, and the
    /// discriminator when one is declared.
    pub(super) fn union<'v>(
        &mut self,
        file: FileId,
        ptr: &str,
        v: &'v Value,
        alternatives: Alternatives<'v>,
        type_name: &str,
        depth: usize,
    ) -> UnionType
    where
        's: 'v,
    {
        let Alternatives { mode, members, key } = alternatives;
        let mut variants: Vec<Variant> = Vec::new();
        let mut targets: Vec<Option<TypeId>> = Vec::new();
        for (n, (i, m)) in members.into_iter().enumerate() {
            let mptr = pointer::push(&pointer::push(ptr, key), &i.to_string());
            // An inline member is named after what it holds (its title, or its first
            // required member), else its position.
            let label = member_label(m).unwrap_or_else(|| format!("Variant {}", n + 1));
            let ty = self.schema(file, &mptr, m, &format!("{type_name} {label}"), depth);
            // `Pet::Bark`, not `Pet::PetBark`: the union's own name is not repeated.
            let full = variant_name(&ty, &self.types);
            let own = pascal_ident(type_name);
            let short = match full.strip_prefix(own.as_str()) {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest,
                _ => full.as_str(),
            };
            let name = unique_pascal(short, |c| variants.iter().any(|v| v.name == c));
            targets.push(match ty.non_null() {
                TypeRef::Named(id) => Some(*id),
                _ => None,
            });
            variants.push(Variant { name, ty });
        }
        let discriminator = v
            .get("discriminator")
            .and_then(|d| self.discriminator(file, ptr, d, &targets));
        UnionType {
            mode,
            variants,
            discriminator,
        }
    }

    /// A union's discriminator: its `mapping` (tag → the alternative whose named type the
    /// mapped schema is), then unmapped alternatives tagged with their component name.
    /// `targets` are the named types of the alternatives.
    fn discriminator(
        &mut self,
        file: FileId,
        ptr: &str,
        d: &Value,
        targets: &[Option<TypeId>],
    ) -> Option<Discriminator> {
        let property = d.get("propertyName").and_then(Value::as_str)?.to_owned();
        let dptr = pointer::push(ptr, "discriminator");
        let mut mapping: Vec<(String, usize)> = Vec::new();
        if let Some(m) = d.get("mapping").and_then(Value::as_object) {
            for (tag, target) in m {
                let Some(t) = target.as_str() else { continue };
                let mptr = pointer::push(&pointer::push(&dptr, "mapping"), tag);
                let index = self
                    .mapped_type(file, t, &mptr)
                    .and_then(|id| targets.iter().position(|t| *t == Some(id)));
                match index {
                    Some(index) => mapping.push((tag.clone(), index)),
                    None => self.warn(
                        "bad-discriminator",
                        format!("discriminator value `{tag}` maps to `{t}`, which is not one of the alternatives"),
                        file,
                        &mptr,
                    ),
                }
            }
        }
        for (index, target) in targets.iter().enumerate() {
            let Some(id) = target else { continue };
            if mapping.iter().any(|(_, i)| *i == index) {
                continue;
            }
            if let Some(c) = self.types[id.0].component.clone() {
                mapping.push((c, index));
            }
        }
        Some(Discriminator { property, mapping })
    }

    /// The named type a discriminator mapping value stands for, when it has been built.
    /// Bare names mean component schemas; an unresolvable value is reported here.
    fn mapped_type(&mut self, file: FileId, t: &str, mptr: &str) -> Option<TypeId> {
        let reference = if t.contains('#') || t.contains('/') || t.contains('.') {
            t.to_owned()
        } else {
            let base = if self.spec.version() == SpecVersion::Swagger2 {
                "#/definitions/"
            } else {
                "#/components/schemas/"
            };
            format!("{base}{t}")
        };
        match self.spec.resolve(file, &reference) {
            Ok(node) => match self.known.get(&SchemaKey::new(node.file, &node.pointer)) {
                Some(Known::Built(id)) => Some(*id),
                _ => None,
            },
            Err(reason) => {
                self.warn("bad-discriminator", reason, file, mptr);
                None
            }
        }
    }

    /// A union of the structural forms of several `type`s (`type: [string, integer]`).
    pub(super) fn primitive_union(&self, types: Vec<TypeRef>) -> UnionType {
        let mut variants: Vec<Variant> = Vec::new();
        for ty in types {
            let name = unique_pascal(&variant_name(&ty, &self.types), |c| {
                variants.iter().any(|v| v.name == c)
            });
            variants.push(Variant { name, ty });
        }
        UnionType {
            mode: UnionMode::AnyOf,
            variants,
            discriminator: None,
        }
    }
}

/// What an inline union member holds, for its name: its `title`, the first member it requires
/// (`{required: [bark]}` → `bark`), or its only member. `None` for a `$ref` (named after its
/// target) and for anything else.
fn member_label(m: &Value) -> Option<String> {
    if m.get("$ref").is_some() {
        return None;
    }
    if let Some(title) = m.get("title").and_then(Value::as_str) {
        return Some(title.to_owned());
    }
    let required = m
        .get("required")
        .and_then(Value::as_array)
        .and_then(|r| r.iter().find_map(Value::as_str));
    let only = m
        .get("properties")
        .and_then(Value::as_object)
        .filter(|p| p.len() == 1)
        .and_then(|p| p.keys().next().map(String::as_str));
    required.or(only).map(str::to_owned)
}

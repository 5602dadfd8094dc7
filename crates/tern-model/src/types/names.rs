//! Names of types: component schemas keep their key (reserved before anything else is named),
//! inline schemas are named after where they appear, union variants after their type.

use super::key::SchemaKey;
use super::{Known, TypeBuilder};
use crate::model::*;
use crate::naming::{pascal_ident, unique_pascal};
use tern_spec::{pointer, FileId, Map, SpecVersion, Value};

impl<'s> TypeBuilder<'s> {
    /// The component schemas of the document and the pointer of their map.
    pub(super) fn component_schemas(&self) -> Option<(&'static str, &'s Map)> {
        let spec = self.spec;
        let (base, map) = match spec.version() {
            SpecVersion::Swagger2 => ("/definitions", spec.root().get("definitions")),
            _ => (
                "/components/schemas",
                spec.root().get("components").and_then(|c| c.get("schemas")),
            ),
        };
        Some((base, map.and_then(Value::as_object)?))
    }

    /// Reserves a name for every component schema, in document order; a key whose name is
    /// taken gets a numbered one, with a diagnostic.
    pub(super) fn reserve_component_names(&mut self, base: &str, map: &Map) {
        for key in map.keys() {
            let wanted = pascal_ident(key);
            let name = unique_pascal(&wanted, |c| self.names.contains(c));
            let ptr = pointer::push(base, key);
            if name != wanted {
                self.warn(
                    "name-collision",
                    format!("schema `{key}` would be named `{wanted}`, which is taken; it is named `{name}`"),
                    FileId::ROOT,
                    &ptr,
                );
            }
            self.names.insert(name.clone());
            self.known
                .insert(SchemaKey::new(FileId::ROOT, &ptr), Known::Component(name));
        }
    }

    /// Claims a fresh PascalCase name based on `base`.
    pub(super) fn claim_name(&mut self, base: &str) -> String {
        let name = unique_pascal(&pascal_ident(base), |c| self.names.contains(c));
        self.names.insert(name.clone());
        name
    }
}

/// The key of a component schema pointer (`/components/schemas/Pet` → `Pet`).
pub(super) fn component_key(ptr: &str) -> Option<&str> {
    for prefix in ["/components/schemas/", "/definitions/", "/$defs/"] {
        if let Some(rest) = ptr.strip_prefix(prefix) {
            if !rest.contains('/') {
                return Some(rest);
            }
        }
    }
    None
}

/// The name of a union variant of type `ty`: the named type's name, or the structure
/// (`String`, `PetList`, `IntegerMap`).
pub(super) fn variant_name(ty: &TypeRef, types: &[TypeDef]) -> String {
    match ty {
        TypeRef::Named(id) => types
            .get(id.0)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "Variant".into()),
        TypeRef::Any => "Value".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Number(_) => "Number".into(),
        TypeRef::String(_) => "String".into(),
        TypeRef::Array(inner) => format!("{}List", variant_name(inner, types)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner, types)),
        TypeRef::Nullable(inner) => variant_name(inner, types),
    }
}

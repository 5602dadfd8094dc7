//! Type closures: the named types a set of methods uses, and everything those types reach
//! (properties, map values, union variants, enum bases, alias targets) — what compiling those
//! methods alone needs.

use crate::method::{BodyPlan, Method, ResponsePlan};
use tern_model::{AdditionalProperties, ApiModel, TypeId, TypeKind, TypeRef};

/// Pushes the named types `ty` mentions directly.
fn named(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => named(inner, out),
        TypeRef::Any
        | TypeRef::Bool
        | TypeRef::Integer(_)
        | TypeRef::Number(_)
        | TypeRef::String(_) => {}
        _ => {}
    }
}

/// The types a method mentions: its arguments, body, response, items and error bodies.
fn roots(model: &ApiModel, m: &Method, out: &mut Vec<TypeId>) {
    argument_roots(model, m, out);
    let op = &model.operations[m.operation];
    if let BodyPlan::Whole { arg, .. } = &m.body {
        if let Some(a) = m.arguments.get(*arg) {
            named(&op.arguments[a.index].ty, out);
        }
    }
    if let ResponsePlan::Json(Some(ty)) = &m.response {
        named(ty, out);
    }
    if let Some(p) = &m.pagination {
        named(&p.item, out);
    }
    for e in m.errors.iter().flat_map(|e| &e.bodies) {
        named(&e.ty, out);
    }
}

/// The types a method's arguments mention.
fn argument_roots(model: &ApiModel, m: &Method, out: &mut Vec<TypeId>) {
    let op = &model.operations[m.operation];
    for a in &m.arguments {
        named(&op.arguments[a.index].ty, out);
    }
}

/// The types a request may carry: what the arguments of `methods` reach, by type id. A
/// generated type in it can express an explicit `null` for its optional, nullable members.
pub fn sent_types<'m>(
    model: &ApiModel,
    methods: impl IntoIterator<Item = &'m Method>,
) -> Vec<bool> {
    let mut work = Vec::new();
    for m in methods {
        argument_roots(model, m, &mut work);
    }
    let mut sent = vec![false; model.types.len()];
    for id in reach(model, work) {
        sent[id.0] = true;
    }
    sent
}

/// The closure of the types `methods` use, ascending by id.
pub fn type_closure<'m>(
    model: &ApiModel,
    methods: impl IntoIterator<Item = &'m Method>,
) -> Vec<TypeId> {
    let mut work = Vec::new();
    for m in methods {
        roots(model, m, &mut work);
    }
    reach(model, work)
}

/// The named types `roots` are and everything they reach, ascending by id.
pub fn reach(model: &ApiModel, roots: Vec<TypeId>) -> Vec<TypeId> {
    let mut seen = vec![false; model.types.len()];
    let mut work = roots;
    while let Some(id) = work.pop() {
        match seen.get_mut(id.0) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        direct(model, id, &mut work);
    }
    seen.iter()
        .enumerate()
        .filter(|(_, s)| **s)
        .map(|(i, _)| TypeId(i))
        .collect()
}

/// The named types type `id` mentions directly (its members, map values, union variants, enum
/// base or alias target), in declaration order, with repeats.
pub fn direct_refs(model: &ApiModel, id: TypeId) -> Vec<TypeId> {
    let mut out = Vec::new();
    direct(model, id, &mut out);
    out
}

/// Pushes the named types type `id` mentions directly.
fn direct(model: &ApiModel, id: TypeId, out: &mut Vec<TypeId>) {
    let Some(def) = model.types.get(id.0) else {
        return;
    };
    match &def.kind {
        TypeKind::Object(o) => {
            for p in &o.properties {
                named(&p.ty, out);
            }
            if let AdditionalProperties::Typed(t) = &o.additional {
                named(t, out);
            }
        }
        TypeKind::Enum(e) => named(&e.base, out),
        TypeKind::Union(u) => {
            for v in &u.variants {
                named(&v.ty, out);
            }
        }
        TypeKind::Alias(t) => named(t, out),
        _ => {}
    }
}

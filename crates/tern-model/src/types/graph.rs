//! Passes over the finished graph of named types: alias chains that lead back to themselves
//! are broken, and types on a reference cycle (Tarjan's strongly connected components) are
//! marked recursive.

use super::TypeBuilder;
use crate::model::*;

impl TypeBuilder<'_> {
    /// An alias chain that leads back to itself (`A: {allOf: [{$ref: A}]}`) names no type:
    /// such aliases become `any`, with a diagnostic.
    pub(crate) fn break_alias_cycles(&mut self) {
        for start in 0..self.types.len() {
            let mut seen = vec![start];
            let mut current = start;
            while let TypeKind::Alias(ty) = &self.types[current].kind {
                let TypeRef::Named(next) = ty.non_null() else {
                    break;
                };
                let next = next.0;
                if seen.contains(&next) {
                    if next == start {
                        let t = &self.types[start];
                        let (file, ptr, name) =
                            (t.source.file, t.source.pointer.clone(), t.name.clone());
                        self.types[start].kind = TypeKind::Alias(TypeRef::Any);
                        self.warn("alias-cycle", format!("`{name}` is defined only as itself (a reference loop); read as `any`"), file, &ptr);
                    }
                    break;
                }
                seen.push(next);
                current = next;
            }
        }
    }

    /// Marks types that take part in a reference cycle.
    pub(crate) fn mark_recursive(&mut self) {
        let n = self.types.len();
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|t| {
                let mut out = Vec::new();
                kind_refs(&t.kind, &mut out);
                out
            })
            .collect();
        // Iterative Tarjan.
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut counter = 0;
        for start in 0..n {
            if index[start] != usize::MAX {
                continue;
            }
            let mut work: Vec<(usize, usize)> = vec![(start, 0)];
            while let Some(&mut (v, ref mut next)) = work.last_mut() {
                if *next == 0 && index[v] == usize::MAX {
                    index[v] = counter;
                    low[v] = counter;
                    counter += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = edges[v].get(*next) {
                    *next += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    let cyclic = component.len() > 1 || edges[v].contains(&v);
                    if cyclic {
                        for w in component {
                            self.types[w].recursive = true;
                        }
                    }
                }
            }
        }
    }
}

/// The named types a type kind refers to directly.
fn kind_refs(kind: &TypeKind, out: &mut Vec<usize>) {
    match kind {
        TypeKind::Object(o) => {
            for p in &o.properties {
                type_refs(&p.ty, out);
            }
            if let AdditionalProperties::Typed(t) = &o.additional {
                type_refs(t, out);
            }
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| type_refs(&v.ty, out)),
        TypeKind::Alias(t) => type_refs(t, out),
        TypeKind::Enum(_) => {}
    }
}

/// The named types a type expression refers to.
fn type_refs(t: &TypeRef, out: &mut Vec<usize>) {
    match t {
        TypeRef::Named(id) => out.push(id.0),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => type_refs(i, out),
        _ => {}
    }
}

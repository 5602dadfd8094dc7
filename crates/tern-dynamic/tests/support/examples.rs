//! Valid example values for arguments, from their types and formats: enough to call every
//! operation of a spec against a validating mock.
#![allow(dead_code)]

use serde_json::{json, Value as Json};
use tern_model::{
    ApiModel, Argument, ArgumentLocation, IntegerFormat, Operation, StringFormat, TypeKind,
    TypeRef, UnionType,
};

/// A value for an argument: the spec's own example when it has one, else one made from the type.
pub fn for_argument(model: &ApiModel, op: &Operation, a: &Argument) -> Json {
    if let ArgumentLocation::Parameter(i) = a.location {
        if let Some(e) = &op.parameters[i].example {
            return serde_json::to_value(e).unwrap_or(Json::Null);
        }
    }
    example(model, &a.ty, 0)
}

pub fn example(model: &ApiModel, ty: &TypeRef, depth: usize) -> Json {
    if depth > 6 {
        return Json::Null;
    }
    match ty {
        TypeRef::Any => json!("x"),
        TypeRef::Bool => json!(true),
        TypeRef::Integer(IntegerFormat::Int64 | IntegerFormat::Int32 | _) => json!(1),
        TypeRef::Number(_) => json!(1.5),
        TypeRef::String(f) => match f {
            StringFormat::Date => json!("2024-01-31"),
            StringFormat::DateTime => json!("2024-01-31T12:00:00Z"),
            StringFormat::Time => json!("12:00:00"),
            StringFormat::Uuid => json!("5d0b10a1-a09a-430f-81f1-20be735dc5e9"),
            StringFormat::Uri => json!("https://example.com/x"),
            StringFormat::Email => json!("jane@example.com"),
            StringFormat::Byte => json!("aGVsbG8="),
            _ => json!("x"),
        },
        TypeRef::Array(inner) => json!([example(model, inner, depth + 1)]),
        TypeRef::Map(_) => json!({}),
        TypeRef::Nullable(inner) => example(model, inner, depth),
        TypeRef::Named(id) => match &model.type_def(*id).kind {
            TypeKind::Alias(t) => example(model, t, depth + 1),
            TypeKind::Enum(e) => serde_json::to_value(&e.values[0]).unwrap_or(Json::Null),
            TypeKind::Union(UnionType { variants, .. }) => variants
                .first()
                .map(|v| example(model, &v.ty, depth + 1))
                .unwrap_or(Json::Null),
            TypeKind::Object(o) => {
                let mut m = serde_json::Map::new();
                for p in o.properties.iter().filter(|p| p.required && !p.read_only) {
                    let value = match &p.example {
                        Some(e) => serde_json::to_value(e).unwrap_or(Json::Null),
                        // Identifiers are often pattern-checked UUIDs; a UUID is also a valid plain string.
                        None if p.name.ends_with("_id")
                            && matches!(p.ty.resolve(&model.types), TypeRef::String(_)) =>
                        {
                            json!("5d0b10a1-a09a-430f-81f1-20be735dc5e9")
                        }
                        None => example(model, &p.ty, depth + 1),
                    };
                    m.insert(p.name.clone(), value);
                }
                Json::Object(m)
            }
            _ => Json::Null,
        },
        _ => Json::Null,
    }
}

//! Recognising paginated list operations from common request/response shapes.

use crate::model::*;

const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "after",
    "starting_after",
    "page_token",
    "pagetoken",
    "next_token",
    "nexttoken",
    "continuation_token",
    "continuationtoken",
    "page_cursor",
    "next_cursor",
    "next",
    "marker",
    "start_cursor",
    "since_id",
];
const CURSOR_FIELDS: &[&str] = &[
    "next_cursor",
    "nextcursor",
    "next_page_token",
    "nextpagetoken",
    "next_token",
    "nexttoken",
    "cursor",
    "next",
    "after",
    "end_cursor",
    "endcursor",
    "continuation_token",
    "continuationtoken",
    "next_page_cursor",
    "next_marker",
    "nextmarker",
    "start_cursor",
];
const CURSOR_CONTAINERS: &[&str] = &[
    "meta",
    "paging",
    "pagination",
    "page_info",
    "pageinfo",
    "response_metadata",
    "links",
    "cursor",
    "metadata",
];
const HAS_MORE_FIELDS: &[&str] = &[
    "has_more",
    "hasmore",
    "has_next_page",
    "hasnextpage",
    "more",
];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "start"];
const PAGE_PARAMS: &[&str] = &[
    "page",
    "page_num",
    "page_number",
    "pagenumber",
    "pagenum",
    "page_no",
];
const SIZE_PARAMS: &[&str] = &[
    "limit",
    "count",
    "page_size",
    "pagesize",
    "per_page",
    "perpage",
    "size",
    "max_results",
    "maxresults",
    "top",
    "take",
];
const ITEM_FIELDS: &[&str] = &[
    "data", "items", "results", "records", "entries", "values", "list", "elements", "nodes",
    "objects", "rows",
];

/// Fields giving the total number of items across pages.
const TOTAL_FIELDS: &[&str] = &[
    "total",
    "total_count",
    "totalcount",
    "total_results",
    "totalresults",
    "total_items",
    "totalitems",
    "total_size",
];

/// The path to the total item count: a total field, or `count` beside `offset` in a paging
/// object (Finch's `paging: {count, offset}`).
fn find_total(types: &[TypeDef], obj: &ObjectType) -> Option<Vec<String>> {
    if let Some(path) = find_field(types, obj, TOTAL_FIELDS) {
        return Some(path);
    }
    obj.properties.iter().find_map(|p| {
        let inner = object_of(types, &p.ty)?;
        let has = |n: &str| inner.properties.iter().any(|q| norm(&q.name) == n);
        (CURSOR_CONTAINERS.contains(&norm(&p.name).as_str()) && has("offset") && has("count"))
            .then(|| vec![p.name.clone(), "count".to_owned()])
    })
}

fn norm(s: &str) -> String {
    s.to_ascii_lowercase().replace('-', "_")
}

fn object_of<'m>(types: &'m [TypeDef], ty: &'m TypeRef) -> Option<&'m ObjectType> {
    ty.object(types)
}

fn is_array(types: &[TypeDef], ty: &TypeRef) -> bool {
    ty.is_array(types)
}

/// Finds a field by candidate names at the top level or one level down in a container.
fn find_field(types: &[TypeDef], obj: &ObjectType, names: &[&str]) -> Option<Vec<String>> {
    for p in &obj.properties {
        if names.contains(&norm(&p.name).as_str()) {
            return Some(vec![p.name.clone()]);
        }
    }
    for p in &obj.properties {
        if CURSOR_CONTAINERS.contains(&norm(&p.name).as_str()) {
            if let Some(inner) = object_of(types, &p.ty) {
                for q in &inner.properties {
                    if names.contains(&norm(&q.name).as_str()) {
                        return Some(vec![p.name.clone(), q.name.clone()]);
                    }
                }
            }
        }
    }
    None
}

/// Detects the pagination of a GET operation, if any.
pub(crate) fn detect(op: &Operation, types: &[TypeDef]) -> Option<Pagination> {
    if op.method != HttpMethod::Get {
        return None;
    }
    let response = op.success_response()?;
    let body = response
        .contents
        .iter()
        .find(|c| c.kind == BodyKind::Json)
        .and_then(|c| c.ty.as_ref())?;
    // Where the items are: the body itself, or its (preferably conventionally named) array field.
    let object = object_of(types, body);
    let items = if is_array(types, body) {
        Vec::new()
    } else {
        let obj = object?;
        let arrays: Vec<&Property> = obj
            .properties
            .iter()
            .filter(|p| is_array(types, &p.ty))
            .collect();
        let chosen = arrays
            .iter()
            .find(|p| ITEM_FIELDS.contains(&norm(&p.name).as_str()))
            .or_else(|| (arrays.len() == 1).then(|| &arrays[0]))?;
        vec![chosen.name.clone()]
    };
    let query: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Query)
        .collect();
    let find_param = |names: &[&str]| {
        query
            .iter()
            .find(|p| names.contains(&norm(&p.name).as_str()))
            .map(|p| p.name.clone())
    };
    let size_param = find_param(SIZE_PARAMS);

    if response
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("link"))
    {
        return Some(Pagination {
            style: PaginationStyle::Link,
            items,
        });
    }
    if let Some(cursor_param) = find_param(CURSOR_PARAMS) {
        // A conventional name, or the request's own (Candid's `page_token` both ways).
        let own = norm(&cursor_param);
        let next_cursor = object.and_then(|o| {
            find_field(types, o, CURSOR_FIELDS).or_else(|| find_field(types, o, &[own.as_str()]))
        });
        let has_more = object.and_then(|o| find_field(types, o, HAS_MORE_FIELDS));
        if next_cursor.is_some() || has_more.is_some() {
            return Some(Pagination {
                style: PaginationStyle::Cursor {
                    cursor_param,
                    next_cursor,
                    has_more,
                },
                items,
            });
        }
    }
    if let Some(offset_param) = find_param(OFFSET_PARAMS) {
        return Some(Pagination {
            style: PaginationStyle::Offset {
                offset_param,
                limit_param: size_param,
                total: object.and_then(|o| find_total(types, o)),
            },
            items,
        });
    }
    if let Some(page_param) = find_param(PAGE_PARAMS) {
        return Some(Pagination {
            style: PaginationStyle::Page {
                page_param,
                size_param,
            },
            items,
        });
    }
    None
}

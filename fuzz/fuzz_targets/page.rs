//! A page's response as text → the pagination reader, for every paging style:
//!
//! ```text
//! offset items=data total=meta.total limit=limit     ← the paginator
//! https://api.example.com/v1/things?offset=100&limit=50   ← the request
//! pages=2 max=10                                     ← the listing so far
//! Link: <…>; rel="next"                              ← response headers, to a blank line
//!
//! {"data": […], "meta": {"total": 120}}              ← the body
//! ```
//!
//! Never a panic (the target is built with overflow checks), and what follows a page is
//! arithmetic that did not wrap: the next offset is this one plus the items received, the next
//! page number this one plus one, and a next page is only ever one not seen, after a non-empty
//! page, under the page cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_runtime::fuzzing::page_step;
use tern_runtime::header::{HeaderMap, HeaderName, HeaderValue};
use tern_runtime::{PageInfo, Paginator, Request};

/// A dotted path (`meta.total`); empty = the body itself.
fn path(text: &str) -> Vec<String> {
    text.split('.')
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The paginator line: a style, then `key=value` options.
fn paginator(line: &str) -> Paginator {
    let mut words = line.split_whitespace();
    let style = words.next().unwrap_or_default();
    let option = |key: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
    };
    let items = path(option("items").unwrap_or_default());
    match style {
        "offset" => Paginator::Offset {
            offset_param: option("param").unwrap_or("offset").to_owned(),
            limit_param: option("limit").map(str::to_owned),
            total: option("total").map(path),
            items,
        },
        "cursor" => Paginator::Cursor {
            cursor_param: option("param").unwrap_or("cursor").to_owned(),
            next_cursor: option("next").map(path),
            has_more: option("more").map(path),
            items,
        },
        "page" => Paginator::PageNumber {
            page_param: option("param").unwrap_or("page").to_owned(),
            size_param: option("size").map(str::to_owned),
            first_page: option("first").and_then(|f| f.parse().ok()).unwrap_or(1),
            items,
        },
        _ => Paginator::Link { items },
    }
}

/// The request for `url`, with its query parameters as given (not decoded).
fn request(url: &str) -> Request {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .fold(Request::get("/things"), |r, pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            r.query(k.to_owned(), v)
        })
}

fn headers(lines: &mut std::str::Lines<'_>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in lines.by_ref().take_while(|l| !l.trim().is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            map.append(name, value);
        }
    }
    map
}

fn number(line: &str, key: &str) -> Option<u64> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
        .and_then(|n| n.parse().ok())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines();
    let paginator = paginator(lines.next().unwrap_or_default());
    let url = lines.next().unwrap_or_default().trim();
    let request = request(url);
    let state = lines.next().unwrap_or_default();
    let (pages, max_pages) = (number(state, "pages").unwrap_or(0), number(state, "max"));
    let seen: Vec<PageInfo> = number(state, "seen")
        .map(PageInfo::Offset)
        .into_iter()
        .collect();
    let headers = headers(&mut lines);
    let body = lines.collect::<Vec<_>>().join("\n");
    let Ok(step) = page_step(
        &request,
        &paginator,
        url,
        headers,
        body.as_bytes(),
        pages,
        max_pages,
        seen.clone(),
    ) else {
        return;
    };
    assert_eq!(step.pages, pages.saturating_add(1));
    let count = step.items.as_array().map_or(0, Vec::len);
    let Some((info, next)) = &step.next else {
        return;
    };
    assert!(!step.stalled);
    assert!(count > 0, "a next page after an empty one: {info:?}");
    assert!(
        max_pages.is_none_or(|m| step.pages < m),
        "past the cap: {info:?}"
    );
    assert!(!seen.contains(info), "a page seen before: {info:?}");
    let parsed = |name: &str, default: u64| {
        request
            .query_value(name)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(default)
    };
    match (&paginator, info) {
        (Paginator::Offset { offset_param, .. }, PageInfo::Offset(n)) => {
            let offset = parsed(offset_param, 0);
            assert_eq!(
                u128::from(*n),
                u128::from(offset) + count as u128,
                "offset {offset} + {count}"
            );
            assert_eq!(next.query_value(offset_param), Some(n.to_string().as_str()));
        }
        (
            Paginator::PageNumber {
                page_param,
                first_page,
                ..
            },
            PageInfo::Page(n),
        ) => {
            let page = parsed(page_param, *first_page);
            assert_eq!(u128::from(*n), u128::from(page) + 1, "page {page}");
            assert_eq!(next.query_value(page_param), Some(n.to_string().as_str()));
        }
        (Paginator::Cursor { cursor_param, .. }, PageInfo::Cursor(c)) => {
            assert_eq!(next.query_value(cursor_param), Some(c.as_str()));
            assert_ne!(
                request.query_value(cursor_param),
                Some(c.as_str()),
                "the same cursor again"
            );
        }
        (Paginator::Link { .. }, PageInfo::Url(u)) => {
            assert_eq!(step.next_url.as_deref(), Some(u.as_str()));
            assert_ne!(u, url, "a link back to the same page");
        }
        (p, info) => panic!("{info:?} does not follow a {p:?} page"),
    }
});

//! Any header lines (`Name: value`) → `next_link`: it must never panic, any target it returns
//! is one a `Link` value holds between `<` and `>`, and a well-formed `rel="next"` link whose
//! target is made of the input's bytes (commas and semicolons included) comes back whole,
//! beside other links, in one header line or several.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_runtime::header::{HeaderMap, HeaderValue, LINK};
use tern_runtime::next_link;

#[path = "support/headers.rs"]
mod support;
use support::headers;

/// The input's visible ASCII without what cannot stand inside `<…>` or a quoted string.
fn uri_chars(data: &[u8]) -> String {
    data.iter()
        .map(|&b| char::from(b))
        .filter(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\'))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let map = headers(data);
    if let Some(target) = next_link(&map) {
        let held = map
            .get_all(LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(&format!("<{target}>")));
        assert!(held, "{target:?} is not a `<…>` of {map:?}");
    }

    let target = format!("https://api.example.com/items?{}", uri_chars(data));
    let title = uri_chars(data.get(data.len() / 2..).unwrap_or_default());
    let prev = "<https://api.example.com/items?page=1>; rel=\"prev first\"";
    let next = format!("<{target}>; title=\"{title}\"; rel=\"next\"; type=\"{title}\"");
    for values in [
        vec![format!(
            "{prev}, {next}, <https://api.example.com/items?page=9>; rel=last"
        )],
        vec![prev.to_owned(), next.clone()],
        vec![format!("{next},{prev}")],
    ] {
        let mut map = HeaderMap::new();
        for v in &values {
            let Ok(v) = HeaderValue::from_str(v) else {
                return;
            };
            map.append(LINK, v);
        }
        assert_eq!(
            next_link(&map).as_deref(),
            Some(target.as_str()),
            "{values:?}"
        );
    }
});

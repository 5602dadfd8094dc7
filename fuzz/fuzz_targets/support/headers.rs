//! Header maps from fuzz input, shared by the targets that read headers.

use tern_runtime::header::{HeaderMap, HeaderName, HeaderValue};

/// `Name: value` lines; lines that are not valid headers are skipped.
pub fn headers(text: &[u8]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in text.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name),
            HeaderValue::from_bytes(value.trim_ascii()),
        ) {
            map.append(name, value);
        }
    }
    map
}

//! JSON pointers (RFC 6901) and the URI-fragment form used in `$ref`.

use percent_encoding::percent_decode_str;

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

/// Appends one token to a pointer.
pub fn push(pointer: &str, token: &str) -> String {
    let mut p = String::with_capacity(pointer.len() + token.len() + 1);
    p.push_str(pointer);
    p.push('/');
    p.push_str(&escape_token(token));
    p
}

/// Splits a pointer into unescaped tokens; `None` if it does not start with `/` (and is not
/// empty).
pub fn split(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Turns the fragment of a `$ref` (the part after `#`) into a pointer: percent-decodes it, as
/// RFC 6901 section 6 requires for the URI-fragment form.
pub fn from_fragment(fragment: &str) -> Option<String> {
    let decoded = percent_decode_str(fragment).decode_utf8().ok()?;
    if decoded.is_empty() || decoded.starts_with('/') {
        Some(decoded.into_owned())
    } else {
        None
    }
}

/// Parses an array index token (no leading zeros, no sign).
pub fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let p = push("/paths", "/users/{id}");
        assert_eq!(p, "/paths/~1users~1{id}");
        assert_eq!(split(&p).unwrap_or_default(), vec!["paths", "/users/{id}"]);
        assert_eq!(split(&push("", "a~b")).unwrap_or_default(), vec!["a~b"]);
        assert_eq!(split("no-slash"), None);
    }

    #[test]
    fn fragments_are_percent_decoded() {
        assert_eq!(
            from_fragment("/paths/~1a%7Bb%7D").as_deref(),
            Some("/paths/~1a{b}")
        );
        assert_eq!(from_fragment("").as_deref(), Some(""));
        assert_eq!(from_fragment("anchor"), None);
    }

    #[test]
    fn array_indexes() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("12"), Some(12));
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-1"), None);
    }
}

//! Names: turning spec text into valid, deterministic Rust identifiers, and endpoints into
//! resource and method names under the `rest` and `operation-id` schemes.

use heck::{ToPascalCase, ToSnakeCase};

/// Rust keywords (strict, reserved and edition-dependent) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Whether `s` is a Rust keyword.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// File names Windows reserves for devices (in any case, with any extension): a module file or
/// folder of one of these names could not be checked out there.
const WINDOWS_DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Whether a file named `stem` (with any extension) is a Windows device name: `aux`, `CON`.
pub fn is_windows_device(stem: &str) -> bool {
    WINDOWS_DEVICES
        .iter()
        .any(|device| device.eq_ignore_ascii_case(stem))
}

/// Splits text into ASCII words: non-alphanumerics separate words; non-ASCII letters become
/// `uXXXX` so that distinct names stay distinct.
fn ascii_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_ascii() {
            out.push(' ');
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:04x} ", c as u32));
        } else {
            out.push(' ');
        }
    }
    out
}

/// A snake_case identifier for any text: `provideAPIKey` → `provide_api_key`, `2fa` → `_2fa`,
/// `type` → `type_`, `` → `value`.
pub fn snake_ident(s: &str) -> String {
    let mut id = ascii_words(s).to_snake_case();
    if id.is_empty() {
        id = "value".into();
    }
    if id.as_bytes()[0].is_ascii_digit() {
        id.insert(0, '_');
    }
    if is_keyword(&id) || id == "_" {
        id.push('_');
    }
    id
}

/// A PascalCase type name for any text: `list-workflows response` → `ListWorkflowsResponse`,
/// `200` → `T200`, `Self` → `Self_`.
pub fn pascal_ident(s: &str) -> String {
    let mut id = ascii_words(s).to_pascal_case();
    if id.is_empty() {
        id = "Unnamed".into();
    }
    if id.as_bytes()[0].is_ascii_digit() {
        id.insert(0, 'T');
    }
    if is_keyword(&id) {
        id.push('_');
    }
    id
}

fn bracketed(segment: &str) -> bool {
    segment.len() >= 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// The `rest` scheme's resource for a path: the first segment, lower-cased, `-` → `_`.
pub fn rest_resource(path: &str) -> String {
    let first = path.trim_matches('/').split('/').next().unwrap_or_default();
    let first = first.trim_matches(|c| c == '{' || c == '}');
    if first.is_empty() {
        return "root".into();
    }
    snake_ident(&first.to_lowercase().replace('-', "_"))
}

/// The fixed part of a `rest` method name: the segments after the resource, where a `{param}`
/// directly after another `{param}` contributes the earlier one's name.
fn rest_suffix(path: &str) -> (Vec<String>, bool) {
    let trimmed = path.trim_matches('/');
    let elems: Vec<&str> = trimmed.split('/').skip(1).collect();
    let mut words = Vec::new();
    for (i, elem) in elems.iter().enumerate() {
        if !bracketed(elem) {
            words.push((*elem).to_owned());
        } else if i > 0 && bracketed(elems[i - 1]) {
            words.push(
                elems[i - 1]
                    .trim_matches(|c| c == '{' || c == '}' || c == '|')
                    .to_owned(),
            );
        }
    }
    let ends_in_param = elems.last().is_some_and(|e| bracketed(e));
    (words, ends_in_param)
}

/// Names under the `rest` scheme: `(method, legacy alias if different)`.
///
/// A GET is `list…` when its success response is an array and `get…` otherwise; the older rule
/// (a GET whose last segment is not a parameter is `list…`) is kept as an alias when it
/// differs, as Civis's client does.
pub fn rest_method(verb: &str, path: &str, response_is_array: bool) -> (String, Option<String>) {
    let (words, ends_in_param) = rest_suffix(path);
    let join = |verb: &str| {
        let mut name = verb.to_owned();
        for w in &words {
            name.push('_');
            name.push_str(&w.replace('-', "_"));
        }
        snake_ident(&name)
    };
    if verb != "get" {
        return (join(verb), None);
    }
    let current = join(if response_is_array { "list" } else { "get" });
    let legacy = join(if ends_in_param { "get" } else { "list" });
    let alias = (legacy != current).then_some(legacy);
    (current, alias)
}

/// Picks `base`, or `base_2`, `base_3`, … — the first not rejected by `taken`.
pub fn unique(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| base.to_owned())
}

/// Like [`unique`] for PascalCase names: `Name`, `Name2`, `Name3`, …
pub fn unique_pascal(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_device_names_are_told_apart() {
        for name in ["aux", "CON", "Nul", "com1", "lpt9"] {
            assert!(is_windows_device(name), "{name}");
        }
        for name in ["auxiliary", "com", "com10", "console", ""] {
            assert!(!is_windows_device(name), "{name}");
        }
    }

    #[test]
    fn civis_seed_table() {
        let cases = [
            ("get", "/workflows", true, "list", None),
            ("get", "/workflows/{id}", false, "get", None),
            (
                "get",
                "/workflows/{id}/executions",
                true,
                "list_executions",
                None,
            ),
            ("patch", "/workflows/{id}", false, "patch", None),
            (
                "post",
                "/workflows/{id}/executions",
                false,
                "post_executions",
                None,
            ),
            (
                "get",
                "/workflows/{id}/executions/{execution_id}",
                false,
                "get_executions",
                None,
            ),
            (
                "post",
                "/workflows/{id}/executions/{execution_id}/cancel",
                false,
                "post_executions_cancel",
                None,
            ),
            ("get", "/users/me", false, "get_me", Some("list_me")),
            ("get", "/users/{id}/{sub}", false, "get_id", None),
            (
                "put",
                "/scripts/{id}/shares/users/{user_id}",
                false,
                "put_shares_users",
                None,
            ),
            ("get", "/foo/{id}", true, "list", Some("get")),
            ("get", "/a-b/c-d", true, "list_c_d", None),
        ];
        for (verb, path, array, name, alias) in cases {
            let (n, a) = rest_method(verb, path, array);
            assert_eq!((n.as_str(), a.as_deref()), (name, alias), "{verb} {path}");
        }
        assert_eq!(rest_resource("/workflows/{id}"), "workflows");
        assert_eq!(rest_resource("/Match-Targets"), "match_targets");
        assert_eq!(rest_resource("/"), "root");
        assert_eq!(rest_resource("/{owner}/repos"), "owner");
    }

    #[test]
    fn identifiers_are_always_valid() {
        assert_eq!(snake_ident("provideAPIKey"), "provide_api_key");
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("2fa"), "_2fa");
        assert_eq!(snake_ident(""), "value");
        assert_eq!(snake_ident("_"), "value");
        assert_eq!(snake_ident("x-rate-limit"), "x_rate_limit");
        assert_eq!(snake_ident("héllo"), "h_u00e9_llo");
        assert_eq!(snake_ident("名前"), "u540d_u524d");
        assert_eq!(
            pascal_ident("list-workflows response item"),
            "ListWorkflowsResponseItem"
        );
        assert_eq!(pascal_ident("200"), "T200");
        assert_eq!(pascal_ident("self"), "Self_");
        assert_eq!(pascal_ident("$%"), "Unnamed");
    }

    #[test]
    fn uniqueness_is_deterministic() {
        let taken = ["a", "a_2"];
        assert_eq!(unique("a", |c| taken.contains(&c)), "a_3");
        assert_eq!(unique_pascal("Pet", |c| c == "Pet"), "Pet2");
    }
}

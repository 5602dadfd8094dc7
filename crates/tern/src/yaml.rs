//! A small YAML writer for JSON values: block style, with strings double-quoted (JSON style,
//! valid YAML) whenever a plain scalar could be misread.

use serde_json::Value as Json;

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.trim() != s
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "null"
                | "~"
                | "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | ".nan"
                | ".inf"
                | "-.inf"
        )
        || s.parse::<f64>().is_ok()
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(|c| c.is_control())
}

fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) if !needs_quotes(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Appends `v` as YAML at `indent` spaces.
pub(crate) fn write(v: &Json, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Json::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                let key = scalar(&Json::String(k.clone()));
                match child {
                    Json::Object(c) if !c.is_empty() => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write(child, indent + 2, out);
                    }
                    Json::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write(child, indent, out);
                    }
                    _ => out.push_str(&format!("{pad}{key}: {}\n", scalar(child))),
                }
            }
        }
        Json::Array(a) if !a.is_empty() => {
            for item in a {
                match item {
                    Json::Object(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        write(item, indent + 2, &mut inner);
                        out.push_str(&format!("{pad}- {}", inner.trim_start()));
                    }
                    Json::Array(x) if !x.is_empty() => {
                        out.push_str(&format!("{pad}-\n"));
                        write(item, indent + 2, out);
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", scalar(item))),
                }
            }
        }
        Json::Object(_) => out.push_str(&format!("{pad}{{}}\n")),
        Json::Array(_) => out.push_str(&format!("{pad}[]\n")),
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_yaml_that_reads_back() {
        let v = serde_json::json!({"name": "w", "n": 3, "tags": ["a", "1", "yes"], "nested": {"x": null, "empty": {}}, "list": [{"a": 1, "b": "two words"}]});
        let mut s = String::new();
        super::write(&v, 0, &mut s);
        assert_eq!(s, "name: w\nn: 3\ntags:\n- a\n- \"1\"\n- \"yes\"\nnested:\n  x: null\n  empty: {}\nlist:\n- a: 1\n  b: two words\n");
        let back = tern_spec::load_str(
            "x.yaml",
            &format!(
                "openapi: 3.0.0\nvalue:\n{}",
                s.lines().map(|l| format!("  {l}\n")).collect::<String>()
            ),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(back.spec.root().get("value").unwrap()).unwrap(),
            v
        );
    }
}

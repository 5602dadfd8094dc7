//! YAML reading: one pass over saphyr-parser's events builds the value tree and its position
//! tree together. Scalars are typed by the YAML 1.2 core schema; mapping keys keep their text
//! (so `200:` is the key `"200"`, as OpenAPI means it).

use crate::pointer;
use crate::position::{Kids, PosNode, Position, PositionTree};
use crate::value::{Map, Number, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

pub(crate) struct YamlError {
    pub(crate) message: String,
    pub(crate) position: Position,
}

/// A note from the reader about something it read past.
pub(crate) struct YamlWarning {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) pointer: String,
}

pub(crate) struct YamlDoc {
    pub(crate) value: Value,
    pub(crate) positions: PositionTree,
    pub(crate) warnings: Vec<YamlWarning>,
}

const MAX_DEPTH: usize = 512;
/// How many nodes aliases may copy in all, so that a "billion laughs" document fails cleanly.
const ALIAS_NODE_BUDGET: usize = 2_000_000;

struct Item {
    value: Value,
    pos: PosNode,
    /// The scalar's text, used when the item is a mapping key.
    key_text: Option<String>,
}

enum Frame {
    Seq {
        values: Vec<Value>,
        positions: Vec<PosNode>,
        start: Position,
        anchor: usize,
    },
    Map {
        map: Map,
        positions: Vec<(Box<str>, PosNode)>,
        key: Option<(String, Position)>,
        start: Position,
        anchor: usize,
    },
}

fn position(span: &Span) -> Position {
    Position {
        line: span.start.line().max(1) as u32,
        column: span.start.col() as u32 + 1,
    }
}

fn node_count(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(node_count).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(node_count).sum::<usize>(),
        _ => 1,
    }
}

pub(crate) fn parse(text: &str) -> Result<YamlDoc, YamlError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Value, PosNode)> = HashMap::new();
    let mut alias_budget = ALIAS_NODE_BUDGET;
    let mut warnings = Vec::new();
    let mut root: Option<(Value, PosNode)> = None;
    let mut documents = 0usize;

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            message: e.info().to_owned(),
            position: Position {
                line: e.marker().line().max(1) as u32,
                column: e.marker().col() as u32 + 1,
            },
        })?;
        let pos = position(&span);
        let item = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents == 2 {
                    warnings.push(YamlWarning {
                        code: "yaml-multiple-documents",
                        message:
                            "the file holds more than one YAML document; only the first is read"
                                .into(),
                        pointer: String::new(),
                    });
                }
                continue;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                        position: pos,
                    });
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        values: Vec::new(),
                        positions: Vec::new(),
                        start: pos,
                        anchor,
                    }
                } else {
                    Frame::Map {
                        map: Map::new(),
                        positions: Vec::new(),
                        key: None,
                        start: pos,
                        anchor,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, pos, anchor) = match stack.pop() {
                    Some(Frame::Seq {
                        mut values,
                        positions,
                        start,
                        anchor,
                    }) => (
                        {
                            values.shrink_to_fit();
                            Value::Array(values)
                        },
                        PosNode {
                            pos: start,
                            kids: Kids::Array(positions),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        mut map,
                        positions,
                        start,
                        anchor,
                        ..
                    }) => (
                        {
                            map.shrink_to_fit();
                            Value::Object(Box::new(map))
                        },
                        PosNode {
                            pos: start,
                            kids: Kids::Object(positions),
                        },
                        anchor,
                    ),
                    None => continue,
                };
                if anchor != 0 {
                    anchors.insert(anchor, (value.clone(), pos.clone()));
                }
                Item {
                    value,
                    pos,
                    key_text: None,
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = match (&tag, style) {
                    (Some(t), _) if t.is_yaml_core_schema() && t.suffix == "str" => {
                        Value::String(text.to_string())
                    }
                    (_, ScalarStyle::Plain) => resolve_plain(&text),
                    _ => Value::String(text.to_string()),
                };
                let node = PosNode {
                    pos,
                    kids: Kids::Leaf,
                };
                if anchor != 0 {
                    anchors.insert(anchor, (value.clone(), node.clone()));
                }
                Item {
                    value,
                    pos: node,
                    key_text: Some(text.into_owned()),
                }
            }
            Event::Alias(id) => {
                let Some((value, _)) = anchors.get(&id) else {
                    return Err(YamlError {
                        message: "alias to an unknown anchor".into(),
                        position: pos,
                    });
                };
                let cost = node_count(value);
                if cost > alias_budget {
                    return Err(YamlError {
                        message: "aliases expand to too many nodes (possible alias bomb)".into(),
                        position: pos,
                    });
                }
                alias_budget -= cost;
                let key_text = value.scalar_text();
                Item {
                    value: value.clone(),
                    pos: PosNode {
                        pos,
                        kids: Kids::Leaf,
                    },
                    key_text,
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
        };
        // Deliver the finished item to its parent.
        match stack.last_mut() {
            None => {
                if root.is_none() {
                    root = Some((item.value, item.pos));
                }
            }
            Some(Frame::Seq {
                values, positions, ..
            }) => {
                values.push(item.value);
                positions.push(item.pos);
            }
            Some(Frame::Map {
                map,
                positions,
                key,
                ..
            }) => {
                match key.take() {
                    None => {
                        let text = match item.key_text {
                            Some(t) => t,
                            None => {
                                let text = item.value.to_string();
                                warnings.push(YamlWarning {
                                code: "yaml-complex-key",
                                message: format!("a mapping key is not a scalar; it is read as the text {text}"),
                                pointer: String::new(),
                            });
                                text
                            }
                        };
                        *key = Some((text, item.pos.pos));
                    }
                    Some((k, key_pos)) => {
                        let mut node = item.pos;
                        node.pos = key_pos;
                        if map.insert(k.clone(), item.value).is_some() {
                            warnings.push(YamlWarning {
                                code: "duplicate-key",
                                message: format!(
                                    "the key `{k}` appears more than once; the last one is used"
                                ),
                                pointer: String::new(),
                            });
                        }
                        positions.push((k.into_boxed_str(), node));
                    }
                }
            }
        }
        // Warnings raised just now get the pointer of the mapping they were found in.
        if let Some(w) = warnings.last_mut() {
            if w.pointer.is_empty() && w.code != "yaml-multiple-documents" {
                w.pointer = stack_pointer(&stack);
            }
        }
    }
    let (value, root) = root.unwrap_or_default();
    Ok(YamlDoc {
        value,
        positions: PositionTree { root },
        warnings,
    })
}

fn stack_pointer(stack: &[Frame]) -> String {
    let mut p = String::new();
    for f in stack {
        let token = match f {
            Frame::Seq { values, .. } => values.len().to_string(),
            Frame::Map {
                key: Some((k, _)), ..
            } => k.clone(),
            Frame::Map { map, key: None, .. } => match map.keys().last() {
                Some(k) => k.clone(),
                None => continue,
            },
        };
        p = pointer::push(&p, &token);
    }
    p
}

/// Types a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Number(Number::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Number(Number::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Value::Number(Number::Float(f64::NAN)),
        _ => {}
    }
    let b = s.as_bytes();
    let digits = |t: &[u8]| !t.is_empty() && t.iter().all(u8::is_ascii_digit);
    let unsigned = b
        .strip_prefix(b"+")
        .or_else(|| b.strip_prefix(b"-"))
        .unwrap_or(b);
    if digits(unsigned) {
        if let Ok(u) = s.trim_start_matches('+').parse::<u64>() {
            return Value::Number(Number::UInt(u));
        }
        if let Ok(i) = s.parse::<i64>() {
            return Value::Number(if i >= 0 {
                Number::UInt(i as u64)
            } else {
                Number::Int(i)
            });
        }
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if let Ok(u) = u64::from_str_radix(hex, 16) {
            return Value::Number(Number::UInt(u));
        }
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if let Ok(u) = u64::from_str_radix(oct, 8) {
            return Value::Number(Number::UInt(u));
        }
    }
    if is_yaml_float(unsigned) {
        if let Ok(f) = s.parse::<f64>() {
            return Value::Number(Number::Float(f));
        }
    }
    Value::String(s.to_owned())
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_yaml_float(b: &[u8]) -> bool {
    let mut i = 0;
    let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = b[i.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> YamlDoc {
        match parse(text) {
            Ok(d) => d,
            Err(e) => panic!("{} at {}", e.message, e.position),
        }
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let d =
            doc("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 3.0\ng: hello\nh: 1e3\ni: -2\nj: 1.0.1\n");
        let v = &d.value;
        assert_eq!(v.get("a"), Some(&Value::Number(Number::UInt(1))));
        assert_eq!(v.get("b"), Some(&Value::Number(Number::Float(1.5))));
        assert_eq!(v.get("c"), Some(&Value::Bool(true)));
        assert_eq!(v.get("d"), Some(&Value::Null));
        assert_eq!(v.get("e"), Some(&Value::String("1".into())));
        assert_eq!(
            v.get("f").and_then(Value::scalar_text).as_deref(),
            Some("3.0")
        );
        assert_eq!(v.get("g").and_then(Value::as_str), Some("hello"));
        assert_eq!(v.get("h"), Some(&Value::Number(Number::Float(1000.0))));
        assert_eq!(v.get("i"), Some(&Value::Number(Number::Int(-2))));
        assert_eq!(v.get("j").and_then(Value::as_str), Some("1.0.1"));
    }

    #[test]
    fn integer_keys_keep_their_text_and_positions() {
        let d = doc("responses:\n  200:\n    description: ok\n  '404':\n    description: no\n");
        assert!(d.value.at(["responses", "200", "description"]).is_some());
        assert_eq!(d.positions.locate("/responses/200").to_string(), "2:3");
        assert_eq!(
            d.positions.locate("/responses/404/description").to_string(),
            "5:5"
        );
    }

    #[test]
    fn anchors_aliases_and_duplicates() {
        let d = doc("a: &x {k: v}\nb: *x\nb: 2\n");
        assert_eq!(d.value.at(["a", "k"]).and_then(Value::as_str), Some("v"));
        assert_eq!(d.value.get("b"), Some(&Value::Number(Number::UInt(2))));
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(d.warnings[0].code, "duplicate-key");
    }

    #[test]
    fn alias_bombs_fail_cleanly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&text).is_err());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let Err(e) = parse("a: b\n  c: [d\n") else {
            panic!("must fail")
        };
        assert!(e.position.line >= 2, "{}", e.position);
    }
}

//! JSON reading: the value tree through serde_json (fast, no positions), and a position tree
//! built by a separate scan when a diagnostic needs one.

use crate::position::{Kids, PosNode, Position, PositionTree};
use crate::value::Value;

/// A JSON syntax error with its position.
pub(crate) struct JsonError {
    pub(crate) message: String,
    pub(crate) position: Position,
}

pub(crate) fn parse(text: &str) -> Result<Value, JsonError> {
    serde_json::from_str(text).map_err(|e| JsonError {
        position: Position {
            line: e.line().max(1) as u32,
            column: e.column().max(1) as u32,
        },
        message: e.to_string(),
    })
}

/// Builds the position tree of a document that [`parse`] accepted. The scan is defensive
/// anyway: on anything unexpected it stops and keeps what it has.
pub(crate) fn positions(text: &str) -> PositionTree {
    let mut s = Scanner {
        bytes: text.as_bytes(),
        text,
        at: 0,
        line: 1,
        col: 1,
    };
    s.skip_ws();
    let root = s.value(0).unwrap_or_default();
    PositionTree { root }
}

/// Where the node at `tokens` starts (its deepest existing ancestor if it does not exist), by
/// one scan that skips every subtree off the path and allocates nothing but decoded keys. For
/// the first few diagnostics of a file; many diagnostics build the full tree instead.
pub(crate) fn locate(text: &str, tokens: &[String]) -> Position {
    let mut s = Scanner {
        bytes: text.as_bytes(),
        text,
        at: 0,
        line: 1,
        col: 1,
    };
    s.skip_ws();
    let mut found = s.pos();
    for token in tokens {
        match s.peek() {
            Some(b'{') => {
                s.bump();
                loop {
                    s.skip_ws();
                    match s.peek() {
                        Some(b',') => {
                            s.bump();
                            continue;
                        }
                        Some(b'"') => {}
                        _ => return found,
                    }
                    let key_pos = s.pos();
                    let Some((a, b)) = s.string() else {
                        return found;
                    };
                    let matches = s.key_text(a, b).is_some_and(|k| *k == **token);
                    s.skip_ws();
                    if s.peek() != Some(b':') {
                        return found;
                    }
                    s.bump();
                    s.skip_ws();
                    if matches {
                        found = key_pos;
                        break;
                    }
                    if s.skip_value(0).is_none() {
                        return found;
                    }
                }
            }
            Some(b'[') => {
                let Some(index) = crate::pointer::array_index(token) else {
                    return found;
                };
                s.bump();
                for _ in 0..index {
                    s.skip_ws();
                    if s.skip_value(0).is_none() {
                        return found;
                    }
                    s.skip_ws();
                    if s.peek() != Some(b',') {
                        return found;
                    }
                    s.bump();
                }
                s.skip_ws();
                if matches!(s.peek(), Some(b']') | None) {
                    return found;
                }
                found = s.pos();
            }
            _ => return found,
        }
    }
    found
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    line: u32,
    col: u32,
}

const MAX_DEPTH: usize = 512;

impl Scanner<'_> {
    fn pos(&self) -> Position {
        Position {
            line: self.line,
            column: self.col,
        }
    }

    fn bump(&mut self) {
        if let Some(&b) = self.bytes.get(self.at) {
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    /// Scans a string starting at `"`; returns its raw text between the quotes.
    fn string(&mut self) -> Option<(usize, usize)> {
        self.bump();
        let start = self.at;
        loop {
            match self.peek()? {
                b'"' => {
                    let end = self.at;
                    self.bump();
                    return Some((start, end));
                }
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                _ => self.bump(),
            }
        }
    }

    fn key_text(&self, start: usize, end: usize) -> Option<Box<str>> {
        let raw = self.text.get(start..end)?;
        if raw.contains('\\') {
            let quoted = self.text.get(start - 1..end + 1)?;
            serde_json::from_str::<String>(quoted)
                .ok()
                .map(String::into_boxed_str)
        } else {
            Some(raw.into())
        }
    }

    /// Skips one value without recording anything.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' | b'[' => {
                let close = if self.peek() == Some(b'{') {
                    b'}'
                } else {
                    b']'
                };
                self.bump();
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        c if c == close => {
                            self.bump();
                            return Some(());
                        }
                        b',' | b':' => self.bump(),
                        _ => self.skip_value(depth + 1)?,
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.bump();
                }
                Some(())
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<PosNode> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pos = self.pos();
        match self.peek()? {
            b'{' => {
                self.bump();
                let mut members = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b'}' => {
                            self.bump();
                            break;
                        }
                        b',' => {
                            self.bump();
                            continue;
                        }
                        b'"' => {}
                        _ => return None,
                    }
                    let key_pos = self.pos();
                    let (s, e) = self.string()?;
                    let key = self.key_text(s, e)?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.bump();
                    self.skip_ws();
                    let mut child = self.value(depth + 1)?;
                    child.pos = key_pos;
                    members.push((key, child));
                }
                Some(PosNode {
                    pos,
                    kids: Kids::Object(members),
                })
            }
            b'[' => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b']' => {
                            self.bump();
                            break;
                        }
                        b',' => {
                            self.bump();
                            continue;
                        }
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
                Some(PosNode {
                    pos,
                    kids: Kids::Array(items),
                })
            }
            b'"' => {
                self.string()?;
                Some(PosNode {
                    pos,
                    kids: Kids::Leaf,
                })
            }
            _ => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.bump();
                }
                Some(PosNode {
                    pos,
                    kids: Kids::Leaf,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_members_by_key_position() {
        let text =
            "{\n  \"a\": {\"b\": [1, {\"c\": true}]},\n  \"x~/y\": 2,\n  \"é\": {\"z\": 3}\n}";
        let t = positions(text);
        assert_eq!(t.locate("/a").to_string(), "2:3");
        assert_eq!(t.locate("/a/b").to_string(), "2:9");
        assert_eq!(t.locate("/a/b/1/c").to_string(), "2:19");
        assert_eq!(t.locate("/x~0~1y").to_string(), "3:3");
        assert_eq!(t.locate("/é/z").to_string(), "4:9");
        // Missing nodes resolve to their nearest ancestor.
        assert_eq!(t.locate("/a/missing/deeper").to_string(), "2:3");
    }

    #[test]
    fn targeted_scans_agree_with_the_tree() {
        let text =
            "{\n  \"a\": {\"b\": [1, {\"c\": true}]},\n  \"x~/y\": 2,\n  \"é\": {\"z\": 3}\n}";
        let tree = positions(text);
        for ptr in [
            "",
            "/a",
            "/a/b",
            "/a/b/1",
            "/a/b/1/c",
            "/x~0~1y",
            "/é/z",
            "/a/missing/deeper",
            "/a/b/7",
            "/nope",
        ] {
            let tokens = crate::pointer::split(ptr).unwrap_or_default();
            assert_eq!(locate(text, &tokens), tree.locate(ptr), "{ptr}");
        }
    }

    #[test]
    fn escaped_keys_are_decoded() {
        let t = positions("{\"a\\u0062\": 1}");
        assert_eq!(t.locate("/ab").to_string(), "1:2");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let Err(e) = parse("{\n  \"a\": ,\n}") else {
            panic!("must fail")
        };
        assert_eq!(e.position.line, 2);
    }
}

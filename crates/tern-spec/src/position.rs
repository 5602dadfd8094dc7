//! Source positions: where each node of a document starts, for diagnostics.
//!
//! A [`PositionTree`] mirrors the value tree. For JSON it is built on demand (the fast path
//! parses without positions); the YAML reader builds it while parsing.

use crate::pointer;

/// A place in a source file: 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where a node starts, and where its children start.
#[derive(Debug, Clone, Default)]
pub(crate) struct PositionTree {
    pub(crate) root: PosNode,
}

#[derive(Debug, Clone)]
pub(crate) struct PosNode {
    /// For an object member, where its key starts; otherwise where the value starts.
    pub(crate) pos: Position,
    pub(crate) kids: Kids,
}

impl Default for PosNode {
    fn default() -> Self {
        PosNode {
            pos: Position { line: 1, column: 1 },
            kids: Kids::Leaf,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Kids {
    Leaf,
    Object(Vec<(Box<str>, PosNode)>),
    Array(Vec<PosNode>),
}

impl PositionTree {
    /// The position of the deepest node on the way to `pointer` (the node itself when it
    /// exists, otherwise its nearest existing ancestor).
    pub(crate) fn locate(&self, ptr: &str) -> Position {
        let mut node = &self.root;
        let Some(tokens) = pointer::split(ptr) else {
            return node.pos;
        };
        for t in tokens {
            let next = match &node.kids {
                // The last duplicate wins, as in the value tree.
                Kids::Object(members) => {
                    members.iter().rev().find(|(k, _)| **k == *t).map(|m| &m.1)
                }
                Kids::Array(items) => pointer::array_index(&t).and_then(|i| items.get(i)),
                Kids::Leaf => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node.pos
    }
}

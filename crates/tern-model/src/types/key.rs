//! Stable ids of schema nodes: a schema is known by where it lives (its file and canonical JSON
//! pointer), not by where it sits in memory.

use std::borrow::Cow;
use std::collections::HashMap;
use tern_spec::{pointer, FileId};

/// Where a schema node lives: its file and its JSON pointer, in canonical spelling.
///
/// The builder reaches a node either by walking the document (pointers built token by token
/// with [`pointer::push`]) or through a `$ref` (the pointer [`tern_spec::Spec::resolve`] gives:
/// the fragment, percent-decoded). Those agree once every token is decoded (`~1` → `/`,
/// `~0` → `~`) and re-escaped with [`pointer::push`], which is what [`SchemaKey::new`] does: a
/// fragment's `~` that escapes nothing (`#/definitions/a~b`, which `resolve` reads as the key
/// `a~b`) becomes `~0`, as the walk spells it. Percent-decoding is not repeated here:
/// `resolve` has done it, and doing it again would make the keys `a%20b` and `a b` one.
///
/// The pointer is borrowed when it is canonical already (every walked pointer is), so looking
/// a node up allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SchemaKey<'p> {
    file: FileId,
    pointer: Cow<'p, str>,
}

impl<'p> SchemaKey<'p> {
    /// The key of the node at `ptr` in `file`, however the pointer is spelled.
    pub(crate) fn new(file: FileId, ptr: &'p str) -> SchemaKey<'p> {
        SchemaKey {
            file,
            pointer: canonical(ptr),
        }
    }

    /// The key, owning its pointer.
    pub(crate) fn into_owned(self) -> SchemaKey<'static> {
        SchemaKey {
            file: self.file,
            pointer: Cow::Owned(self.pointer.into_owned()),
        }
    }
}

/// Values by schema key.
#[derive(Debug)]
pub(crate) struct KeyMap<V> {
    files: HashMap<FileId, HashMap<String, V>>,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            files: HashMap::new(),
        }
    }
}

impl<V> KeyMap<V> {
    pub(crate) fn get(&self, key: &SchemaKey<'_>) -> Option<&V> {
        self.files.get(&key.file)?.get(key.pointer.as_ref())
    }

    pub(crate) fn insert(&mut self, key: SchemaKey<'_>, value: V) {
        self.files
            .entry(key.file)
            .or_default()
            .insert(key.pointer.into_owned(), value);
    }
}

/// Where the schema nodes being read live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// In a file of the description: every node has a [`SchemaKey`].
    Document,
    /// In a schema the builder made up (a Swagger 2.0 form body, assembled from `formData`
    /// parameters): no `$ref` can reach its nodes and each is read once, so they have no key.
    /// The pointers they are read under only place diagnostics; as keys they could name a
    /// document node, or the same synthetic schema of a path item reached by two paths.
    Synthetic,
}

impl Scope {
    /// The key of the node at `ptr` in `file`, when nodes in this scope have keys.
    pub(crate) fn key(self, file: FileId, ptr: &str) -> Option<SchemaKey<'_>> {
        match self {
            Scope::Document => Some(SchemaKey::new(file, ptr)),
            Scope::Synthetic => None,
        }
    }
}

/// `ptr` with every token decoded and re-escaped. A pointer whose every `~` starts an escape
/// (`~0`, `~1`), as every walked pointer's does, is canonical already; a string that is not a
/// pointer is kept as it is.
fn canonical(ptr: &str) -> Cow<'_, str> {
    let bytes = ptr.as_bytes();
    let escapes_only = bytes
        .iter()
        .enumerate()
        .all(|(i, b)| *b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')));
    if escapes_only {
        return Cow::Borrowed(ptr);
    }
    match pointer::split(ptr) {
        Some(tokens) => Cow::Owned(
            tokens
                .iter()
                .fold(String::with_capacity(ptr.len()), |p, t| {
                    pointer::push(&p, t)
                }),
        ),
        None => Cow::Borrowed(ptr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ptr: &str) -> SchemaKey<'_> {
        SchemaKey::new(FileId::ROOT, ptr)
    }

    #[test]
    fn a_walked_pointer_is_its_own_key() {
        for walked in [
            "",
            "/components/schemas/Pet",
            "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema",
            "/definitions/a~0b",
            "/definitions/",
        ] {
            assert!(matches!(canonical(walked), Cow::Borrowed(p) if p == walked));
        }
    }

    #[test]
    fn spellings_of_one_pointer_agree() {
        // The walk escapes `~` in the key `a~b`; a fragment may leave it bare.
        assert_eq!(
            key("/definitions/a~b"),
            key(&pointer::push("/definitions", "a~b"))
        );
        assert_eq!(
            key("/definitions/x~2/properties/y"),
            key(&pointer::push(
                &pointer::push(&pointer::push("/definitions", "x~2"), "properties"),
                "y"
            ))
        );
        assert_eq!(key("/a/~"), key("/a/~0"));
    }

    #[test]
    fn a_map_finds_a_node_under_any_spelling() {
        let mut map = KeyMap::default();
        map.insert(key(&pointer::push("/definitions", "x~2")), 7);
        assert_eq!(map.get(&key("/definitions/x~2")), Some(&7));
        assert_eq!(map.get(&key("/definitions/x~02")), Some(&7));
        assert_eq!(map.get(&key("/definitions/x")), None);
    }

    #[test]
    fn different_nodes_keep_different_keys() {
        assert_ne!(key("/definitions/a~1b"), key("/definitions/a/b"));
        assert_ne!(key("/definitions/a%20b"), key("/definitions/a b"));
        assert_ne!(key("/definitions/A"), key("/definitions/a"));
        assert_ne!(
            key("/definitions/A"),
            SchemaKey::new(FileId::ROOT, "definitions/A")
        );
        assert_eq!(Scope::Synthetic.key(FileId::ROOT, "/definitions/A"), None);
    }
}

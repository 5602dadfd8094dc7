//! What generated model types build on: [`Nullable`] request members, and the shared pieces of
//! their hand-written serde impls ([`Object`], [`object`], [`Key`] and the member readers
//! [`set`], [`set_some`], [`keep`], [`skip`] for `Deserialize`; [`Members`] for `Serialize`).
//!
//! A generated struct decodes its members in one pass over the JSON object: known keys go to
//! their fields, unknown ones to its `extra` map, with no intermediate buffering (serde's
//! derived `#[serde(flatten)]` would first copy every member into a private tree). Its impls
//! are one call per member, with types written out, so that the compiler's work on a type
//! grows with its member count, not with the square of it.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A member of a request body that is optional and nullable: left out ([`Nullable::Absent`],
/// the default), sent as `null` ([`Nullable::Null`], e.g. to clear a value in a PATCH), or sent
/// with a value.
///
/// ```
/// use tern_runtime::Nullable;
///
/// let name: Nullable<String> = "Acme".to_owned().into();
/// assert_eq!(name.as_ref().map(String::as_str), Some("Acme"));
/// assert!(Nullable::<String>::default().is_absent());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Left out of the body.
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> Nullable<T> {
    /// Whether the member is left out (for `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the member is sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one (absent and `null` both read as `None`).
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, dereferenced (`Nullable<String>` → `Option<&str>`).
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_ref().map(|v| &**v)
    }

    /// The value, if there is one.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => serializer.serialize_some(v),
            _ => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}

/// A member name as it is read: borrowed from the input when it can be (no allocation for
/// the members a type knows), owned otherwise. For generated code.
#[doc(hidden)]
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned (for an unknown member kept in `extra`).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A JSON object type that decodes from its members in one pass. For generated code: the
/// type's `Deserialize` impl is `object(deserializer)`.
#[doc(hidden)]
pub trait Object: Sized {
    /// What the type is, for "invalid type: …, expected …" messages.
    const EXPECTING: &'static str;

    /// Reads the members.
    fn from_members<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes an [`Object`] from a JSON object. For generated code.
#[doc(hidden)]
pub fn object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_members(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Decodes a JSON body: its UTF-8 is checked once, in bulk, and the text parsed as `str` (about
/// 1.5× the throughput of `serde_json::from_slice`, which checks every string it reads one by
/// one). Invalid UTF-8 is left to `from_slice`, whose error says where.
pub fn from_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

/// The error for a required member that is missing. For generated code.
#[doc(hidden)]
pub fn missing<E: de::Error>(member: &'static str) -> E {
    E::missing_field(member)
}

/// The error for the first of several required members that is missing: `members` pairs each
/// name with whether it is missing. For generated code.
#[doc(hidden)]
pub fn missing_of<E: de::Error>(members: &[(&'static str, bool)]) -> E {
    E::missing_field(members.iter().find(|m| m.1).map_or("", |m| m.0))
}

// The readers below keep a generated `from_members` small: one call per member instead of an
// inline `?` per member. Each `?` is a branch that drops every member read so far, which made
// the compiler's work on a type grow with the square of its member count.

/// Reads the current member's value into `slot` (an optional member: `null` reads as the
/// empty value). For generated code.
#[doc(hidden)]
#[inline]
pub fn set<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Reads the current member's value into `slot` as present (a required member). For generated
/// code.
#[doc(hidden)]
#[inline]
pub fn set_some<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Keeps an unknown member, under its name, in `extra`. For generated code.
#[doc(hidden)]
#[inline]
pub fn keep<'de, A, V, M>(map: &mut A, extra: &mut M, key: Key<'de>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    V: Deserialize<'de>,
    M: Extend<(String, V)>,
{
    let value = map.next_value()?;
    extra.extend(Some((key.into_string(), value)));
    Ok(())
}

/// Skips a member the type does not keep. For generated code.
#[doc(hidden)]
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Writes a JSON object member by member; the first error is kept and returned by
/// [`Members::end`] (the later members are not written). A generated `Serialize` impl is one
/// call per member, with no `?` between them. For generated code.
#[doc(hidden)]
pub struct Members<S: Serializer> {
    map: S::SerializeMap,
    error: Option<S::Error>,
}

impl<S: Serializer> Members<S> {
    /// Starts the object.
    #[inline]
    pub fn begin(serializer: S) -> Result<Self, S::Error> {
        Ok(Members {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }

    /// Writes a member.
    #[inline]
    pub fn entry<V: Serialize + ?Sized>(&mut self, name: &str, value: &V) {
        use serde::ser::SerializeMap as _;
        if self.error.is_none() {
            if let Err(e) = self.map.serialize_entry(name, value) {
                self.error = Some(e);
            }
        }
    }

    /// Writes an optional member when it is present.
    #[inline]
    pub fn optional<V: Serialize>(&mut self, name: &str, value: &Option<V>) {
        if let Some(value) = value {
            self.entry(name, value);
        }
    }

    /// Writes an optional and nullable member unless it is absent (`null` is written).
    #[inline]
    pub fn nullable<V: Serialize>(&mut self, name: &str, value: &Nullable<V>) {
        if !value.is_absent() {
            self.entry(name, value);
        }
    }

    /// Writes every member of a map (the members a type keeps beside its fields).
    #[inline]
    pub fn entries<'a, V: Serialize + 'a>(
        &mut self,
        map: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) {
        for (name, value) in map {
            self.entry(name, value);
        }
    }

    /// Ends the object, or returns the first error.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        match self.error {
            Some(e) => Err(e),
            None => self.map.end(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Thing {
        id: i64,
        seq: i64,
        note: Option<String>,
        clear: Nullable<String>,
        extra: serde_json::Map<String, serde_json::Value>,
    }

    impl Object for Thing {
        const EXPECTING: &'static str = "a Thing object";
        fn from_members<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id: Option<i64> = None;
            let mut seq: Option<i64> = None;
            let mut note: Option<String> = None;
            let mut clear: Nullable<String> = Nullable::Absent;
            let mut extra = serde_json::Map::new();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "id" => set_some(&mut map, &mut id),
                    "seq" => set_some(&mut map, &mut seq),
                    "note" => set(&mut map, &mut note),
                    "clear" => set(&mut map, &mut clear),
                    _ => keep(&mut map, &mut extra, key),
                }?;
            }
            match (id, seq) {
                (Some(id), Some(seq)) => Ok(Thing {
                    id,
                    seq,
                    note,
                    clear,
                    extra,
                }),
                (id, seq) => Err(missing_of(&[("id", id.is_none()), ("seq", seq.is_none())])),
            }
        }
    }

    impl Serialize for Thing {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = Members::begin(serializer)?;
            map.entry("id", &self.id);
            map.entry("seq", &self.seq);
            map.optional("note", &self.note);
            map.nullable("clear", &self.clear);
            map.entries(&self.extra);
            map.end()
        }
    }

    impl<'de> Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    #[test]
    fn members_go_to_fields_and_the_rest_to_extra() {
        let t: Thing = serde_json::from_str(
            r#"{"id":1,"seq":2,"note":null,"clear":null,"x\u0041":[1],"skip":{"a":[]}}"#,
        )
        .unwrap();
        assert_eq!((t.id, t.seq), (1, 2));
        assert_eq!(t.note, None);
        assert_eq!(t.clear, Nullable::Null);
        assert_eq!(t.extra["xA"], serde_json::json!([1]));
        assert_eq!(t.extra["skip"], serde_json::json!({"a": []}));
        struct NoDefault;
        assert!(Nullable::<NoDefault>::default().is_absent());
        let t: Thing = serde_json::from_str(r#"{"seq":3,"id":2,"clear":"c"}"#).unwrap();
        assert_eq!(t.clear.as_deref(), Some("c"));
        // The first required member missing is named, whichever it is.
        let e = serde_json::from_str::<Thing>(r#"{"note":"n"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `id`"), "{e}");
        let e = serde_json::from_str::<Thing>(r#"{"id":1}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `seq`"), "{e}");
        let e = serde_json::from_str::<Thing>("[1]").unwrap_err();
        assert!(e.to_string().contains("expected a Thing object"), "{e}");
        // A wrong member type fails at that member.
        let e = serde_json::from_str::<Thing>(r#"{"id":1,"seq":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type: string"), "{e}");
    }

    #[test]
    fn members_are_written_back_with_absent_ones_left_out() {
        let t: Thing =
            serde_json::from_str(r#"{"id":1,"seq":2,"note":null,"clear":null,"z":true}"#).unwrap();
        // `note` read `null` as empty and is left out; `clear` keeps its `null`.
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"id":1,"seq":2,"clear":null,"z":true}"#
        );
        let t = Thing {
            note: Some("n".into()),
            clear: Nullable::Absent,
            extra: serde_json::Map::new(),
            ..t
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"id":1,"seq":2,"note":"n"}"#
        );
    }

    #[test]
    fn the_first_write_error_is_returned() {
        // A member that fails to serialise: its error comes back from `end`, later members
        // are not written.
        let mut extra = std::collections::BTreeMap::new();
        extra.insert("k".to_owned(), 0.5);
        struct Bad(std::collections::BTreeMap<String, f64>);
        impl Serialize for Bad {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = Members::begin(serializer)?;
                map.entry("a", &1);
                map.entries(&self.0);
                map.entry("b", &SerializeFails);
                map.entry("c", &2);
                map.end()
            }
        }
        struct SerializeFails;
        impl Serialize for SerializeFails {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("this member cannot be written"))
            }
        }
        let e = serde_json::to_string(&Bad(extra)).unwrap_err();
        assert!(e.to_string().contains("cannot be written"), "{e}");
    }

    #[test]
    fn bodies_decode_from_text_and_invalid_utf8_is_an_error() {
        let v: Vec<Thing> =
            from_json(br#"[{"id": 1, "seq": 0, "note": "\u00e9t\u00e9"}]"#).unwrap();
        assert_eq!(v[0].note.as_deref(), Some("été"));
        let e = from_json::<serde_json::Value>(b"[\"\xff\"]").unwrap_err();
        assert!(e.to_string().contains("invalid unicode"), "{e}");
    }

    #[test]
    fn nullable_serialises_null_and_value() {
        assert_eq!(
            serde_json::to_string(&Nullable::<i32>::Null).unwrap(),
            "null"
        );
        assert_eq!(serde_json::to_string(&Nullable::Value(3)).unwrap(), "3");
    }
}

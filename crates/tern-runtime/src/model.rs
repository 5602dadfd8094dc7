//! What generated model types build on: [`Nullable`] request members, and the shared pieces of
//! their hand-written `Deserialize` impls ([`Object`], [`object`], [`Key`]).
//!
//! A generated struct decodes its members in one pass over the JSON object: known keys go to
//! their fields, unknown ones to its `extra` map, with no intermediate buffering (serde's
//! derived `#[serde(flatten)]` would first copy every member into a private tree).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Thing {
        id: i64,
        note: Option<String>,
        clear: Nullable<String>,
        extra: serde_json::Map<String, serde_json::Value>,
    }

    impl Object for Thing {
        const EXPECTING: &'static str = "a Thing object";
        fn from_members<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let (mut id, mut note, mut clear, mut extra) =
                (None, None, Nullable::Absent, serde_json::Map::new());
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "id" => id = Some(map.next_value()?),
                    "note" => note = map.next_value()?,
                    "clear" => clear = map.next_value()?,
                    _ => {
                        extra.insert(key.into_string(), map.next_value()?);
                    }
                }
            }
            Ok(Thing {
                id: id.ok_or_else(|| missing("id"))?,
                note,
                clear,
                extra,
            })
        }
    }

    impl<'de> Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    #[test]
    fn members_go_to_fields_and_the_rest_to_extra() {
        let t: Thing =
            serde_json::from_str(r#"{"id":1,"note":null,"clear":null,"x\u0041":[1]}"#).unwrap();
        assert_eq!(t.id, 1);
        assert_eq!(t.note, None);
        assert_eq!(t.clear, Nullable::Null);
        assert_eq!(t.extra["xA"], serde_json::json!([1]));
        struct NoDefault;
        assert!(Nullable::<NoDefault>::default().is_absent());
        let t: Thing = serde_json::from_str(r#"{"id":2,"clear":"c"}"#).unwrap();
        assert_eq!(t.clear.as_deref(), Some("c"));
        let e = serde_json::from_str::<Thing>(r#"{"note":"n"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `id`"), "{e}");
        let e = serde_json::from_str::<Thing>("[1]").unwrap_err();
        assert!(e.to_string().contains("expected a Thing object"), "{e}");
    }

    #[test]
    fn bodies_decode_from_text_and_invalid_utf8_is_an_error() {
        let v: Vec<Thing> = from_json(br#"[{"id": 1, "note": "\u00e9t\u00e9"}]"#).unwrap();
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

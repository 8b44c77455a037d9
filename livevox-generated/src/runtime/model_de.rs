//! What a generated model's `Deserialize` impl (the [`model_de!`](crate::__rt::model_de) macro)
//! reads with: a member name borrowed from the body where it can be ([`Key`]), and an RFC 3339
//! time read through its adapter ([`Rfc3339`]).
//!
//! The impl reads a JSON object member by member, as serde's derive does, and is leaner: no
//! field-identifier enum with its own `Deserialize` and visitor, and no `visit_seq` (a model
//! written as a JSON array, which LiveVox never sends, is an "invalid type" error rather than
//! read by position). Those were 40% of the code serde's derive gave every received model, and
//! the largest part of checking the crate.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};

use super::rfc3339::Rfc3339Wire;

/// A member name of a JSON object: borrowed from the body when it has no escapes, as
/// `serde_json` reads a body held in memory, else owned.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// A value whose times are RFC 3339 text on the wire (a field marked `format: rfc3339`): what
/// `#[serde(with = "__rt::rfc3339")]` reads, as a type.
pub struct Rfc3339<T>(pub T);

impl<'de, T: Rfc3339Wire> Deserialize<'de> for Rfc3339<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(Rfc3339)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_borrowed_from_a_body_without_escapes() {
        let mut de = serde_json::Deserializer::from_slice(br#""plain""#);
        let key = Key::deserialize(&mut de).unwrap();
        assert!(matches!(key.0, Cow::Borrowed("plain")));
        let key: Key<'_> = serde_json::from_str(r#""esc\"aped""#).unwrap();
        assert_eq!(key.as_str(), "esc\"aped");
        let key = Key::deserialize(serde_json::Value::from("owned")).unwrap();
        assert_eq!(key.as_str(), "owned");
        assert!(serde_json::from_str::<Key<'_>>("12").is_err(), "a name is a string");
    }
}

/// `model_de!` against serde's derive on the same struct: the same values from the same
/// objects, and the same errors.
#[cfg(test)]
mod against_serde_derive {
    use crate::runtime::{DateTime, Patch};

    macro_rules! twins {
        ($($t:tt)*) => {
            #[derive(Debug, PartialEq)]
            struct Ours { $($t)* }
            #[derive(Debug, PartialEq, serde::Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Serdes {
                id: i64,
                #[serde(rename = "type")]
                type_: Option<String>,
                #[serde(default)]
                note: Patch<String>,
                #[serde(default, with = "crate::runtime::rfc3339")]
                created_at: Option<DateTime>,
                #[serde(with = "crate::runtime::rfc3339")]
                due: DateTime,
                tags: Option<Vec<String>>,
                inner: Option<Box<Inner>>,
            }
        };
    }
    twins! { id: i64, type_: Option<String>, note: Patch<String>, created_at: Option<DateTime>, due: DateTime, tags: Option<Vec<String>>, inner: Option<Box<Inner>> }
    crate::__rt::model_de!(Ours { id "id" req, type_ "type", note "note", created_at "createdAt" rfc3339, due "due" req rfc3339, tags "tags", inner "inner" });

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Inner {
        key: u8,
    }

    fn both(json: &str) -> (Result<String, String>, Result<String, String>) {
        let ours = serde_json::from_str::<Ours>(json).map(|v| format!("{v:?}").replace("Ours", "")).map_err(|e| e.to_string());
        let serdes = serde_json::from_str::<Serdes>(json).map(|v| format!("{v:?}").replace("Serdes", "")).map_err(|e| e.to_string().replace("Serdes", "Ours"));
        (ours, serdes)
    }

    #[test]
    fn reads_and_fails_as_serde_derive_does() {
        let cases = [
            r#"{"id": 1, "due": "2011-04-01T00:00:00Z"}"#,
            r#"{"id": 1, "type": "x", "note": null, "createdAt": "2011-04-01T00:00:00.250+02:00", "due": "2011-04-01T00:00:00Z", "tags": ["a"], "inner": {"key": 3}}"#,
            r#"{"id": 1, "note": "n", "createdAt": null, "due": "2011-04-01T00:00:00Z", "tags": null, "unknown": {"deep": [1, {"x": null}]}}"#,
            r#"{"due": "2011-04-01T00:00:00Z"}"#,
            r#"{"id": 1}"#,
            r#"{"id": 1, "id": 2, "due": "2011-04-01T00:00:00Z"}"#,
            r#"{"id": "1", "due": "2011-04-01T00:00:00Z"}"#,
            r#"{"id": 1, "due": 1301616000000}"#,
            r#"{"id": 1, "due": "2011-04-01T00:00:00Z", "inner": {"key": 300}}"#,
            r#"{"id": 1, "due": "2011-04-01T00:00:00Z", "type": 5}"#,
            r#"{"id": 1, "d\u0075e": "2011-04-01T00:00:00Z"}"#,
            r#""text""#,
            "null",
            "{}",
        ];
        for json in cases {
            let (ours, serdes) = both(json);
            assert_eq!(ours, serdes, "{json}");
        }
    }

    #[test]
    fn a_model_written_as_an_array_is_a_type_error() {
        let err = serde_json::from_str::<Ours>(r#"[1, null, null, null, "2011-04-01T00:00:00Z"]"#).unwrap_err();
        assert_eq!(err.to_string(), "invalid type: sequence, expected struct Ours at line 1 column 0");
    }
}

//! Decoding of the spec's unions, which generated code turns into Rust enums: an untagged union
//! tries each shape in the spec's order ([`Untagged`]) and says which it tried when none fits;
//! a tagged union picks the variant by the value of its tag field ([`tag_of`]) and keeps an
//! unknown tag's raw JSON when the spec asks for a catch-all (forward compatibility: a variant
//! the server adds later decodes instead of failing the whole response).
//!
//! Encoding needs no help: each variant serializes as its own value (a tagged variant's model
//! holds the tag field itself), so the generated enums derive `Serialize` with
//! `#[serde(untagged)]`.

use serde::de::{DeserializeOwned, Error};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::rfc3339::Rfc3339Wire;

/// An untagged union being decoded: the value, read once, and what each shape said.
#[derive(Debug)]
pub struct Untagged {
    union: &'static str,
    value: Value,
    tried: Vec<String>,
}

impl Untagged {
    /// Reads the value to try the shapes on.
    pub fn read<'de, D: Deserializer<'de>>(union: &'static str, d: D) -> Result<Self, D::Error> {
        Ok(Untagged { union, value: Value::deserialize(d)?, tried: Vec::new() })
    }

    /// The value as `T` (the shape the spec calls `shape`), or `None`, remembering why not.
    pub fn attempt<T: DeserializeOwned>(&mut self, shape: &str) -> Option<T> {
        match T::deserialize(&self.value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.tried.push(format!("{shape} ({e})"));
                None
            }
        }
    }

    /// The value as `T` read as RFC 3339 text (a shape holding times, in an API that writes
    /// them so), or `None`, remembering why not.
    pub fn attempt_rfc3339<T: Rfc3339Wire>(&mut self, shape: &str) -> Option<T> {
        match T::read(&self.value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.tried.push(format!("{shape} ({e})"));
                None
            }
        }
    }

    /// The error when no shape fitted: every shape tried, in order, with its reason.
    pub fn fail<E: Error>(self) -> E {
        E::custom(format_args!("the value matches no shape of `{}`; tried {}", self.union, self.tried.join("; ")))
    }
}

/// The value of a tagged union's tag field, or an error that says it is missing.
pub fn tag_of<E: Error>(union: &str, tag: &str, value: &Value) -> Result<String, E> {
    match value.get(tag) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(E::custom(format_args!("`{union}`: the tag field `{tag}` is {other}, not a string"))),
        None => Err(E::custom(format_args!("`{union}`: the tag field `{tag}` is missing"))),
    }
}

/// A tagged union's variant decoded from the value whose tag chose it.
pub fn variant<T: DeserializeOwned, E: Error>(union: &str, tag: &str, value: Value) -> Result<T, E> {
    T::deserialize(value).map_err(|e| E::custom(format_args!("`{union}` variant `{tag}`: {e}")))
}

/// The error for a tag value the spec does not know, in a union without a catch-all.
pub fn unknown_tag<E: Error>(union: &str, tag_field: &str, tag: &str, known: &[&str]) -> E {
    E::custom(format_args!("`{union}`: unknown `{tag_field}` {tag:?}; expected one of {}", known.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn untagged_tries_in_order_and_names_every_shape_when_none_fits() {
        let mut u = Untagged::read("Label", json!({"name": "bug"})).unwrap();
        assert_eq!(u.attempt::<String>("string"), None);
        assert_eq!(u.attempt::<Value>("json"), Some(json!({"name": "bug"})));
        let mut bad = Untagged::read("Label", json!(5)).unwrap();
        assert!(bad.attempt::<String>("string").is_none());
        assert!(bad.attempt::<Vec<String>>("array<string>").is_none());
        let e: serde_json::Error = bad.fail();
        let text = e.to_string();
        assert!(text.starts_with("the value matches no shape of `Label`; tried string (invalid type: integer `5`"), "{text}");
        assert!(text.contains("; array<string> (invalid type"), "{text}");
        let mut times = Untagged::read("When", json!("2011-04-01T00:00:00Z")).unwrap();
        assert!(times.attempt_rfc3339::<Vec<super::super::time::DateTime>>("array<datetime>").is_none());
        let t: Option<super::super::time::DateTime> = times.attempt_rfc3339("datetime");
        assert_eq!(t.map(|t| t.as_millis()), Some(1_301_616_000_000));
    }

    #[test]
    fn tags_are_read_and_their_errors_say_what_is_wrong() {
        let v = json!({"event": "closed", "id": 1});
        assert_eq!(tag_of::<serde_json::Error>("Event", "event", &v).unwrap(), "closed");
        let missing = tag_of::<serde_json::Error>("Event", "event", &json!({})).unwrap_err().to_string();
        assert_eq!(missing, "`Event`: the tag field `event` is missing");
        let number = tag_of::<serde_json::Error>("Event", "event", &json!({"event": 3})).unwrap_err().to_string();
        assert!(number.contains("is 3, not a string"), "{number}");
        let e: serde_json::Error = unknown_tag("Event", "event", "renamed", &["\"closed\"", "\"labeled\""]);
        assert_eq!(e.to_string(), "`Event`: unknown `event` \"renamed\"; expected one of \"closed\", \"labeled\"");
        let bad = variant::<Vec<i32>, serde_json::Error>("Event", "closed", v).unwrap_err().to_string();
        assert!(bad.starts_with("`Event` variant `closed`: invalid type"), "{bad}");
    }
}

//! [`Patch`]: the three states of an optional, nullable field in a request that updates
//! something (leave it as it is, clear it to `null`, set it), which `Option` cannot tell apart.
//!
//! Generated request models hold such fields as `Patch<T>` with
//! `#[serde(default, skip_serializing_if = "__rt::Patch::is_keep")]`, so [`Patch::Keep`] sends
//! nothing, [`Patch::Null`] sends a literal `null` and [`Patch::Set`] sends the value. Read back
//! (a request model is decoded in tests and by servers written with this crate), an absent field
//! is `Keep`, `null` is `Null` and a value is `Set`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional, nullable field of an update: leave as is, clear, or set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Leave the field as it is: it is not sent.
    #[default]
    Keep,
    /// Clear the field: it is sent as `null`.
    Null,
    /// Set the field to this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the request (serde's `skip_serializing_if`).
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// The value, when one is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            Patch::Keep | Patch::Null => None,
        }
    }
}

/// `Some(v)` sets the field, `None` clears it (sends `null`).
impl<T> From<Option<T>> for Patch<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Null, Patch::Set)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => v.serialize(s),
            // `Keep` is skipped by the field's attribute; written on its own it is `null` too.
            Patch::Keep | Patch::Null => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// Called only for a field that is present (`#[serde(default)]` makes an absent one `Keep`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.map_or(Patch::Null, Patch::Set))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_keep")]
        title: Patch<String>,
        #[serde(default, skip_serializing_if = "Patch::is_keep")]
        due: Patch<i64>,
    }

    #[test]
    fn keep_is_absent_null_is_null_set_is_the_value() {
        let u = Update { title: Patch::Set("v2".into()), due: Patch::Null };
        assert_eq!(serde_json::to_string(&u).unwrap(), r#"{"title":"v2","due":null}"#);
        let nothing = Update { title: Patch::Keep, due: Patch::Keep };
        assert_eq!(serde_json::to_string(&nothing).unwrap(), "{}");
        assert_eq!(serde_json::from_str::<Update>("{}").unwrap(), nothing);
        assert_eq!(serde_json::from_str::<Update>(r#"{"title":"v2","due":null}"#).unwrap(), u);
        assert_eq!(Patch::from(Some(3)), Patch::Set(3));
        assert_eq!(Patch::<i32>::from(None), Patch::Null);
        assert_eq!(Patch::Set(3).as_set(), Some(&3));
    }
}

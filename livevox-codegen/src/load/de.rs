//! A serde `Deserializer` over the tree of `scan.rs`: the structs of `spec.rs` are read from our
//! own nodes, so every error knows the node it is about (its position and key path), nodes with
//! errors can be left out for another pass, and no YAML library code runs on the tree.
//!
//! Scalars follow YAML 1.2's core schema as serde_yaml did: a plain `null`, `~` or nothing is
//! null, plain `true`/`false` are booleans, plain numbers are numbers, and anything may be read
//! as a string.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::scan::{Kind, Node};
use crate::diagnostics::Location;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    Key(String),
    /// The index of a list item in the file (items left out still count).
    Index(usize),
}

impl fmt::Display for Seg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seg::Key(k) => f.write_str(k),
            Seg::Index(i) => write!(f, "{i}"),
        }
    }
}

/// A deserialization error: serde's message, the key path of the node it is about, and where
/// that node is.
#[derive(Debug, Clone)]
pub(super) struct Error {
    pub message: String,
    pub path: Vec<Seg>,
    pub loc: Option<Location>,
}

impl Error {
    fn located(mut self, loc: Location) -> Self {
        self.loc.get_or_insert(loc);
        self
    }

    fn under(mut self, seg: Seg) -> Self {
        self.path.insert(0, seg);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error { message: msg.to_string(), path: Vec::new(), loc: None }
    }
}

/// Deserializes from one node.
pub(super) struct De<'a>(pub &'a Node);

/// What a plain scalar means in YAML 1.2's core schema.
enum Plain<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Str(&'a str),
}

fn resolve(text: &str) -> Plain<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Plain::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Plain::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Plain::Float(f64::NAN),
        _ => {}
    }
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    let radix = |t: &str| -> Option<u64> {
        if let Some(hex) = t.strip_prefix("0x") {
            u64::from_str_radix(hex, 16).ok()
        } else if let Some(oct) = t.strip_prefix("0o") {
            u64::from_str_radix(oct, 8).ok()
        } else if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
            t.parse().ok()
        } else {
            None
        }
    };
    if let Some(n) = radix(unsigned) {
        return Plain::Unsigned(n);
    }
    if let Some(neg) = text.strip_prefix('-') {
        if let Some(n) = radix(neg) {
            if let Some(v) = 0i64.checked_sub_unsigned(n) {
                return Plain::Signed(v);
            }
        }
    }
    let numeric = text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if numeric {
        if let Ok(f) = text.parse::<f64>() {
            return Plain::Float(f);
        }
    }
    Plain::Str(text)
}

impl<'de> De<'_> {
    fn any<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.kind {
            Kind::Scalar { text, plain: true } => match resolve(text) {
                Plain::Null => visitor.visit_unit(),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Unsigned(n) => visitor.visit_u64(n),
                Plain::Signed(n) => visitor.visit_i64(n),
                Plain::Float(f) => visitor.visit_f64(f),
                Plain::Str(s) => visitor.visit_str(s),
            },
            Kind::Scalar { text, plain: false } => visitor.visit_str(text),
            Kind::Seq(items) => visitor.visit_seq(Seq { items, next: 0 }),
            Kind::Map(entries) => visitor.visit_map(Map { entries, next: 0, value: None }),
            Kind::Removed => visitor.visit_unit(),
        }
    }
}

macro_rules! forward_to_any {
    ($($name:ident)*) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.deserialize_any(visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor).map_err(|e| e.located(self.0.loc))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.kind {
            // Any scalar reads as a string: `summary: 3` is the text "3".
            Kind::Scalar { text, .. } => visitor.visit_str::<Error>(text).map_err(|e| e.located(self.0.loc)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.kind {
            Kind::Scalar { text, plain: true } if matches!(resolve(text), Plain::Null) => visitor.visit_none::<Error>(),
            _ => visitor.visit_some(De(self.0)),
        }
        .map_err(|e| e.located(self.0.loc))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(De(self.0)).map_err(|e| e.located(self.0.loc))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.kind {
            // A unit variant written as its name.
            Kind::Scalar { text, .. } => visitor.visit_enum(text.as_str().into_deserializer()).map_err(|e: Error| e.located(self.0.loc)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _name: &'static str, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    forward_to_any! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_seq deserialize_map
    }
}

/// The items of a list, skipping those left out.
struct Seq<'a> {
    items: &'a [Node],
    next: usize,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        while let Some(item) = self.items.get(self.next) {
            let index = self.next;
            self.next += 1;
            if matches!(item.kind, Kind::Removed) {
                continue;
            }
            return seed.deserialize(De(item)).map(Some).map_err(|e| e.under(Seg::Index(index)));
        }
        Ok(None)
    }
}

/// The entries of a mapping, skipping those whose value was left out.
struct Map<'a> {
    entries: &'a [(Node, Node)],
    next: usize,
    /// The entry whose key was just read.
    value: Option<&'a (Node, Node)>,
}

fn key_seg(key: &Node) -> Seg {
    match &key.kind {
        Kind::Scalar { text, .. } => Seg::Key(text.clone()),
        _ => Seg::Key("?".into()),
    }
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        while let Some(entry) = self.entries.get(self.next) {
            self.next += 1;
            if matches!(entry.1.kind, Kind::Removed) {
                continue;
            }
            self.value = Some(entry);
            // An error here is about the key itself (an unknown key): it is at the key.
            return seed.deserialize(De(&entry.0)).map(Some).map_err(|e| e.under(key_seg(&entry.0)));
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("a value was asked for before its key"));
        };
        seed.deserialize(De(value)).map_err(|e| e.under(key_seg(key)))
    }
}

/// Marks the node at `path` (below `root`) as left out; false when there is no such node.
pub(super) fn remove(root: &mut Node, path: &[Seg]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        root.kind = Kind::Removed;
        return true;
    };
    let child = match (&mut root.kind, first) {
        (Kind::Map(entries), Seg::Key(k)) => entries
            .iter_mut()
            .find(|(key, v)| !matches!(v.kind, Kind::Removed) && matches!(&key.kind, Kind::Scalar { text, .. } if text == k))
            .map(|(_, v)| v),
        (Kind::Seq(items), Seg::Index(i)) => items.get_mut(*i),
        _ => None,
    };
    match child {
        Some(c) if !matches!(c.kind, Kind::Removed) => remove(c, rest),
        _ => false,
    }
}

//! How values travel on the wire outside JSON bodies (path segments, query strings), and the
//! serde plumbing for forward-compatible enums.

use std::fmt;

/// A value that can be a path parameter or a query parameter. Each value renders to zero or
/// more strings: `Option::None` renders to none (the parameter is left out), a `Vec` to one per
/// element (the query key repeats).
pub trait ToParam {
    /// Appends the value's wire form(s) to `out`.
    fn to_param(&self, out: &mut Vec<String>);
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
        }
    )*};
}
display_param!(String, str, bool, i32, i64, u32, u64, f64);

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self, out: &mut Vec<String>) {
        (**self).to_param(out)
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self, out: &mut Vec<String>) {
        if let Some(v) = self {
            v.to_param(out)
        }
    }
}

impl<T: ToParam> ToParam for Vec<T> {
    fn to_param(&self, out: &mut Vec<String>) {
        for v in self {
            v.to_param(out)
        }
    }
}

/// A wire value the spec did not know when the client was generated. It is kept verbatim so
/// that it can be logged, compared and sent back unchanged.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(UnknownRepr);

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum UnknownRepr {
    Str(String),
    Int(i64),
}

impl UnknownValue {
    /// The value as text (an integer code in decimal).
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            UnknownRepr::Str(s) => std::borrow::Cow::Borrowed(s),
            UnknownRepr::Int(i) => std::borrow::Cow::Owned(i.to_string()),
        }
    }

    /// The integer code, for integer-coded enums.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            UnknownRepr::Int(i) => Some(*i),
            UnknownRepr::Str(s) => s.parse().ok(),
        }
    }

    #[doc(hidden)]
    pub fn from_str_value(s: &str) -> Self {
        UnknownValue(UnknownRepr::Str(s.to_string()))
    }

    #[doc(hidden)]
    pub fn from_int_value(i: i64) -> Self {
        UnknownValue(UnknownRepr::Int(i))
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            UnknownRepr::Str(s) => fmt::Debug::fmt(s, f),
            UnknownRepr::Int(i) => fmt::Debug::fmt(i, f),
        }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// A string-coded enum: generated enums implement this and get serde and parameter support
/// from the functions below, so the generated code stays a table of values.
pub trait StrEnum: Sized {
    /// The wire value of each known variant.
    fn from_wire(s: &str) -> Option<Self>;
    /// Wraps a value the spec does not list.
    fn unknown(v: UnknownValue) -> Self;
    /// The wire value.
    fn wire(&self) -> std::borrow::Cow<'_, str>;
}

/// An integer-coded enum (LiveVox campaign `typeId`, for example).
pub trait IntEnum: Sized {
    /// The known variant for a code, if any.
    fn from_wire(i: i64) -> Option<Self>;
    /// Wraps a value the spec does not list.
    fn unknown(v: UnknownValue) -> Self;
    /// The code; an unknown value that is not an integer yields `None`.
    fn wire(&self) -> Option<i64>;
}

/// Serializes a string enum as its wire value.
pub fn serialize_str_enum<E: StrEnum, S: serde::Serializer>(e: &E, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&e.wire())
}

/// Accepts the string value; anything not in the spec becomes the `Unknown` variant.
pub fn deserialize_str_enum<'de, E: StrEnum, D: serde::Deserializer<'de>>(d: D) -> Result<E, D::Error> {
    struct V<E>(std::marker::PhantomData<E>);
    impl<E: StrEnum> serde::de::Visitor<'_> for V<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<Er: serde::de::Error>(self, v: &str) -> Result<E, Er> {
            Ok(E::from_wire(v).unwrap_or_else(|| E::unknown(UnknownValue::from_str_value(v))))
        }
        // Some servers send codes as numbers where the docs say strings; keep them.
        fn visit_i64<Er: serde::de::Error>(self, v: i64) -> Result<E, Er> {
            self.visit_str(&v.to_string())
        }
        fn visit_u64<Er: serde::de::Error>(self, v: u64) -> Result<E, Er> {
            self.visit_str(&v.to_string())
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

/// Serializes an integer enum as its code.
pub fn serialize_int_enum<E: IntEnum, S: serde::Serializer>(e: &E, s: S) -> Result<S::Ok, S::Error> {
    match e.wire() {
        Some(i) => s.serialize_i64(i),
        None => Err(serde::ser::Error::custom("an unknown enum value that is not an integer cannot be sent")),
    }
}

/// Accepts the integer (or a string holding one, as some LiveVox clients send).
pub fn deserialize_int_enum<'de, E: IntEnum, D: serde::Deserializer<'de>>(d: D) -> Result<E, D::Error> {
    struct V<E>(std::marker::PhantomData<E>);
    impl<E: IntEnum> serde::de::Visitor<'_> for V<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer code")
        }
        fn visit_i64<Er: serde::de::Error>(self, v: i64) -> Result<E, Er> {
            Ok(E::from_wire(v).unwrap_or_else(|| E::unknown(UnknownValue::from_int_value(v))))
        }
        fn visit_u64<Er: serde::de::Error>(self, v: u64) -> Result<E, Er> {
            match i64::try_from(v) {
                Ok(i) => self.visit_i64(i),
                Err(_) => Ok(E::unknown(UnknownValue::from_str_value(&v.to_string()))),
            }
        }
        fn visit_str<Er: serde::de::Error>(self, v: &str) -> Result<E, Er> {
            match v.trim().parse::<i64>() {
                Ok(i) => self.visit_i64(i),
                Err(_) => Ok(E::unknown(UnknownValue::from_str_value(v))),
            }
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

/// Renders a string enum as a parameter.
pub fn str_enum_param<E: StrEnum>(e: &E, out: &mut Vec<String>) {
    out.push(e.wire().into_owned());
}

/// Renders an integer enum as a parameter.
pub fn int_enum_param<E: IntEnum>(e: &E, out: &mut Vec<String>) {
    match e.wire() {
        Some(i) => out.push(i.to_string()),
        None => out.push(String::new()),
    }
}

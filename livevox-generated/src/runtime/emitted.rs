//! The macros generated code invokes for the boilerplate every request builder and every enum
//! shares, so that each generated file holds one line per type instead of the same thirty.
//!
//! What they are and are not: a `macro_rules!` moves lines out of the generated files, it does
//! not shrink the compiled code. Each invocation expands, in the crate that holds the generated
//! type, to exactly the impls the generator used to print (the orphan rule forbids a blanket
//! `IntoFuture`, `Display` or `Serialize` impl over a runtime trait for types of another crate,
//! so each type still gets its own). The expansions name everything by absolute path
//! (`$crate::runtime::...`, `::std::...`), so nothing a spec names can shadow them.
//!
//! - [`request_builder!`](crate::__rt::request_builder) (`__rt::request_builder!(LoginRequest,
//!   LoginResponse, json 200)`): a request builder's [`Call`](super::Call) impl (over the
//!   `__prepare` the generator emits), its `timeout`, `deadline` and `send` methods and its
//!   `IntoFuture` impl.
//! - [`model_de!`](crate::__rt::model_de) (`__rt::model_de!(Note { text "text" req })`): a
//!   model's `Deserialize` impl.
//! - [`str_enum!`](crate::__rt::str_enum) / [`int_enum!`](crate::__rt::int_enum)
//!   (`__rt::str_enum!(ActionType, Unknown)`): given an enum's table of wire values (its
//!   `WIRE` constant), its [`StrEnum`](super::StrEnum) / [`IntEnum`](super::IntEnum) impl (a
//!   lookup in the table), and through it its `as_str` / `code`, `From<&str>` / `From<i64>`,
//!   `Display`, serde and [`ToParam`](super::ToParam) impls.
//!
//! They are `#[macro_export]`ed under `__`-prefixed names (hidden from the crate's docs, like the
//! rest of the generated code's import surface) and re-exported from the runtime under the names
//! above, which is how generated code calls them.

/// A request builder's [`Call`](crate::runtime::Call) impl, its `timeout`, `deadline` and
/// `send` methods and its `IntoFuture` impl.
///
/// `request_builder!(LoginRequest, LoginResponse, json 200)`: the type must have a
/// `__limits: CallLimits` field and an inherent `fn __prepare(self) -> (Client, Request)` (the
/// generator's: it fills in the request), which `Call::prepare` calls. The second argument is
/// the call's output; the third says how the response is read and what `send`'s doc tells of
/// it: `json 200` (decoded from a `200` response), `text "text/csv"` (returned as text),
/// `bytes "audio/mpeg"` (returned as bytes, [`Binary`](crate::runtime::Binary)) or `no_body`.
/// Awaiting the builder and awaiting `send()` are the same [`Pending`](crate::runtime::Pending)
/// future.
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_request_builder {
    ($rq:ident, $out:ty, json $status:literal) => {
        $crate::__runtime_request_builder!(@doc $rq, $out, Json, ::std::concat!("Sends the request and decodes the `", $status, "` response."));
    };
    ($rq:ident, $out:ty, text $media:literal) => {
        $crate::__runtime_request_builder!(@doc $rq, $out, Json, ::std::concat!("Sends the request and returns the response text (`", $media, "`)."));
    };
    ($rq:ident, $out:ty, bytes $media:literal) => {
        $crate::__runtime_request_builder!(@doc $rq, $out, Binary, ::std::concat!("Sends the request and returns the response body (`", $media, "`) as bytes."));
    };
    ($rq:ident, $out:ty, no_body) => {
        $crate::__runtime_request_builder!(@doc $rq, $out, Json, "Sends the request; success has no body.");
    };
    (@doc $rq:ident, $out:ty, $decode:ident, $send_doc:expr) => {
        impl $crate::runtime::Call for $rq {
            type Output = $out;
            type Decode = $crate::runtime::$decode;

            #[inline]
            fn prepare(self) -> ($crate::runtime::Client, $crate::runtime::Request) {
                self.__prepare()
            }
        }

        impl $rq {
            /// Overrides the client's attempt timeout for this call (each attempt, when retried).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.__limits.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Overrides the client's deadline for this call: the limit for the whole call,
            /// every attempt, backoff, login and rate-limit wait included.
            pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                self.__limits.deadline = ::std::option::Option::Some(deadline);
                self
            }

            #[doc = $send_doc]
            pub fn send(self) -> $crate::runtime::Pending<Self> {
                $crate::runtime::Pending::new(self)
            }
        }

        impl ::std::future::IntoFuture for $rq {
            type Output = ::std::result::Result<<$rq as $crate::runtime::Call>::Output, $crate::runtime::Error>;
            type IntoFuture = $crate::runtime::Pending<Self>;

            fn into_future(self) -> Self::IntoFuture {
                $crate::runtime::Pending::new(self)
            }
        }
    };
}

/// A string-coded enum's [`StrEnum`](crate::runtime::StrEnum) impl and, through it, its
/// `as_str`, `From<&str>`, `Display`, `Serialize`, `Deserialize` and `ToParam` impls.
///
/// `str_enum!(ActionType, Unknown)`: the enum must derive `Clone` and `PartialEq`, have the
/// variant `Unknown(UnknownValue)` (a value it does not know) and an associated
/// `const WIRE: &[(Self, &str)]` pairing each known variant with its wire value (the table the
/// generator prints). A known variant missing from the table would go out as an empty string;
/// the generator lists every one.
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_str_enum {
    ($name:ident, $unknown:ident) => {
        impl $crate::runtime::StrEnum for $name {
            fn from_wire(s: &str) -> ::std::option::Option<Self> {
                $name::WIRE.iter().find(|(_, w)| *w == s).map(|(v, _)| ::std::clone::Clone::clone(v))
            }
            fn unknown(v: $crate::runtime::UnknownValue) -> Self {
                $name::$unknown(v)
            }
            fn wire(&self) -> ::std::borrow::Cow<'_, str> {
                match self {
                    $name::$unknown(v) => v.as_str(),
                    known => ::std::borrow::Cow::Borrowed($name::WIRE.iter().find(|(v, _)| v == known).map_or("", |(_, w)| *w)),
                }
            }
        }

        impl $name {
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> ::std::borrow::Cow<'_, str> {
                $crate::runtime::StrEnum::wire(self)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                <Self as $crate::runtime::StrEnum>::from_wire(s).unwrap_or_else(|| {
                    <Self as $crate::runtime::StrEnum>::unknown($crate::runtime::UnknownValue::from_str_value(s))
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.as_str())
            }
        }

        $crate::__runtime_enum_wire!($name, serialize_str_enum, deserialize_str_enum, str_enum_param);
    };
}

/// An integer-coded enum's [`IntEnum`](crate::runtime::IntEnum) impl and, through it, its
/// `code`, `From<i64>`, `Display`, `Serialize`, `Deserialize` and `ToParam` impls.
///
/// `int_enum!(CampaignType, Unknown)`: as [`str_enum!`](crate::__rt::str_enum), with
/// `const WIRE: &[(Self, i64)]` pairing each known variant with its code.
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_int_enum {
    ($name:ident, $unknown:ident) => {
        impl $crate::runtime::IntEnum for $name {
            fn from_wire(i: i64) -> ::std::option::Option<Self> {
                $name::WIRE.iter().find(|(_, w)| *w == i).map(|(v, _)| ::std::clone::Clone::clone(v))
            }
            fn unknown(v: $crate::runtime::UnknownValue) -> Self {
                $name::$unknown(v)
            }
            fn wire(&self) -> ::std::option::Option<i64> {
                match self {
                    $name::$unknown(v) => v.as_i64(),
                    known => $name::WIRE.iter().find(|(v, _)| v == known).map(|(_, w)| *w),
                }
            }
        }

        impl $name {
            /// The code as it goes on the wire; `None` only for an unknown value that
            /// was not an integer.
            pub fn code(&self) -> ::std::option::Option<i64> {
                $crate::runtime::IntEnum::wire(self)
            }
        }

        impl ::std::convert::From<i64> for $name {
            fn from(i: i64) -> Self {
                <Self as $crate::runtime::IntEnum>::from_wire(i).unwrap_or_else(|| {
                    <Self as $crate::runtime::IntEnum>::unknown($crate::runtime::UnknownValue::from_int_value(i))
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.code() {
                    ::std::option::Option::Some(c) => ::std::write!(f, "{c}"),
                    ::std::option::Option::None => ::std::write!(f, "{:?}", self),
                }
            }
        }

        $crate::__runtime_enum_wire!($name, serialize_int_enum, deserialize_int_enum, int_enum_param);
    };
}

/// The serde and `ToParam` impls of an enum, through the `wire` functions named.
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_enum_wire {
    ($name:ident, $ser:ident, $de:ident, $param:ident) => {
        impl $crate::__rt::serde::Serialize for $name {
            fn serialize<S: $crate::__rt::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::runtime::wire::$ser(self, serializer)
            }
        }

        impl<'de> $crate::__rt::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::wire::$de(deserializer)
            }
        }

        impl $crate::runtime::ToParam for $name {
            fn to_param(&self, out: &mut ::std::vec::Vec<::std::string::String>) {
                $crate::runtime::wire::$param(self, out)
            }
        }
    };
}

/// A model's `Deserialize` impl: `model_de!(Account { id "id", name "name" req, created
/// "createdDate" rfc3339 })`, one entry per field in declaration order: the Rust field, its
/// wire name, `req` when a missing member is an error (else it is the field type's `Default`:
/// `None`, `Patch::Keep`), and `rfc3339` for times written as RFC 3339 text.
///
/// It reads what serde's derive reads from a JSON object, with the same errors for a missing
/// or repeated field and a wrong type, and skips members it does not know; it does not read a
/// model written as an array (see [`model_de`](crate::runtime::model_de)). Field types are
/// inferred from the struct, so the entries name none.
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_model_de {
    ($name:ident { $($field:ident $wire:literal $($flag:ident)*),* $(,)? }) => {
        impl<'de> $crate::__rt::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct ModelVisitor;
                impl<'de> $crate::__rt::serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("struct ", ::std::stringify!($name)))
                    }

                    fn visit_map<A: $crate::__rt::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $(let mut $field = ::std::option::Option::None;)*
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::runtime::model_de::Key<'de>>()? {
                            match key.as_str() {
                                $($wire => {
                                    if $field.is_some() {
                                        return ::std::result::Result::Err(<A::Error as $crate::__rt::serde::de::Error>::duplicate_field($wire));
                                    }
                                    $field = ::std::option::Option::Some($crate::__runtime_model_de!(@read map [$($flag)*]));
                                })*
                                _ => {
                                    map.next_value::<$crate::__rt::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::__runtime_model_de!(@take A $field, $wire, [$($flag)*]),)*
                        })
                    }
                }
                d.deserialize_map(ModelVisitor)
            }
        }
    };
    (@read $map:ident [$(req)?]) => {
        $map.next_value()?
    };
    (@read $map:ident [$(req)? rfc3339]) => {
        $map.next_value::<$crate::runtime::model_de::Rfc3339<_>>()?.0
    };
    (@take $a:ident $field:ident, $wire:literal, [req $(rfc3339)?]) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => return ::std::result::Result::Err(<$a::Error as $crate::__rt::serde::de::Error>::missing_field($wire)),
        }
    };
    (@take $a:ident $field:ident, $wire:literal, [$(rfc3339)?]) => {
        $field.unwrap_or_default()
    };
}

#[doc(hidden)]
pub use crate::__runtime_int_enum as int_enum;
#[doc(hidden)]
pub use crate::__runtime_model_de as model_de;
#[doc(hidden)]
pub use crate::__runtime_request_builder as request_builder;
#[doc(hidden)]
pub use crate::__runtime_str_enum as str_enum;

#[cfg(test)]
mod tests {
    use crate::runtime::{IntEnum, StrEnum, ToParam, UnknownValue};

    #[derive(Clone, Debug, PartialEq)]
    enum Color {
        Red,
        DarkBlue,
        Other(UnknownValue),
    }

    impl Color {
        const WIRE: &'static [(Color, &'static str)] = &[(Color::Red, "RED"), (Color::DarkBlue, "DARK_BLUE")];
    }

    crate::__rt::str_enum!(Color, Other);

    #[derive(Clone, Debug, PartialEq)]
    enum Kind {
        Outbound,
        Inbound,
        Unknown(UnknownValue),
    }

    impl Kind {
        const WIRE: &'static [(Kind, i64)] = &[(Kind::Outbound, 1), (Kind::Inbound, -2)];
    }

    crate::__rt::int_enum!(Kind, Unknown);

    #[test]
    fn str_enum_reads_and_writes_its_table_and_keeps_unknown_values() {
        assert_eq!(Color::from_wire("DARK_BLUE"), Some(Color::DarkBlue));
        assert_eq!(Color::from_wire("dark_blue"), None);
        assert_eq!(Color::from("RED"), Color::Red);
        assert_eq!(Color::DarkBlue.as_str(), "DARK_BLUE");
        assert_eq!(Color::DarkBlue.to_string(), "DARK_BLUE");
        let green = Color::from("GREEN");
        assert!(matches!(&green, Color::Other(v) if v.as_str() == "GREEN"));
        assert_eq!(green.as_str(), "GREEN");
        assert_eq!(serde_json::to_string(&Color::Red).unwrap(), "\"RED\"");
        assert_eq!(serde_json::from_str::<Color>("\"DARK_BLUE\"").unwrap(), Color::DarkBlue);
        assert_eq!(serde_json::to_string(&serde_json::from_str::<Color>("\"GREEN\"").unwrap()).unwrap(), "\"GREEN\"");
        let mut out = Vec::new();
        Color::DarkBlue.to_param(&mut out);
        green.to_param(&mut out);
        assert_eq!(out, ["DARK_BLUE", "GREEN"]);
    }

    #[test]
    fn int_enum_reads_and_writes_its_table_and_keeps_unknown_codes() {
        assert_eq!(Kind::from_wire(-2), Some(Kind::Inbound));
        assert_eq!(Kind::from(1), Kind::Outbound);
        assert_eq!(Kind::Inbound.code(), Some(-2));
        assert_eq!(Kind::Outbound.to_string(), "1");
        let seven = Kind::from(7);
        assert_eq!(seven.code(), Some(7));
        assert_eq!(IntEnum::wire(&seven), Some(7));
        assert_eq!(serde_json::to_string(&Kind::Inbound).unwrap(), "-2");
        assert_eq!(serde_json::from_str::<Kind>("\"1\"").unwrap(), Kind::Outbound);
        assert_eq!(serde_json::from_str::<Kind>("9").unwrap(), Kind::from(9));
        let mut out = Vec::new();
        Kind::Inbound.to_param(&mut out);
        assert_eq!(out, ["-2"]);
    }
}

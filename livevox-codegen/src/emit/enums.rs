//! Enums: a forward-compatible enum per spec enum (an `Unknown` variant keeps values the spec
//! does not list), with its wire conversions and serde impls.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc, doc_text, paragraphs};
use crate::ir::*;

pub(super) fn emit_enum(e: &Enum) -> TokenStream {
    let name = format_ident!("{}", e.rust_name);
    let unknown = format_ident!("{}", e.unknown_variant);
    let kind = match e.repr {
        EnumRepr::Str => "string",
        EnumRepr::Int32 | EnumRepr::Int64 => "integer",
    };
    let enum_doc = doc(&paragraphs(&[
        e.description.as_deref().map(doc_text).unwrap_or_default(),
        format!(
            "A {kind}-coded enum (`{}` on the wire). A value this version does not know decodes as [`{}::{}`] instead of failing the response.",
            e.wire_name, e.rust_name, e.unknown_variant
        ),
    ]));
    let variants = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        let wire = format!("`{}`", v.wire.text());
        let d = doc(&paragraphs(&[v.description.as_deref().map(doc_text).unwrap_or_default(), format!("Wire value {wire}.")]));
        quote! { #d #vn }
    });
    let known = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        quote! { #name::#vn }
    });
    let unknown_doc = doc("A value the spec does not list, kept verbatim so it can be shown or sent back.");

    let trait_impl = match e.repr {
        EnumRepr::Str => str_impls(e, &name, &unknown),
        EnumRepr::Int32 | EnumRepr::Int64 => int_impls(e, &name, &unknown),
    };
    let (serde_fns, param_fn) = match e.repr {
        EnumRepr::Str => (
            (quote! { __rt::wire::serialize_str_enum }, quote! { __rt::wire::deserialize_str_enum }),
            quote! { __rt::wire::str_enum_param },
        ),
        EnumRepr::Int32 | EnumRepr::Int64 => (
            (quote! { __rt::wire::serialize_int_enum }, quote! { __rt::wire::deserialize_int_enum }),
            quote! { __rt::wire::int_enum_param },
        ),
    };
    let (ser, de) = serde_fns;
    quote! {
        #enum_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            #unknown_doc
            #unknown(__rt::UnknownValue),
        }

        impl #name {
            /// Every value the spec lists.
            pub const KNOWN: &'static [#name] = &[#(#known),*];
        }

        #trait_impl

        impl __rt::serde::Serialize for #name {
            fn serialize<S: __rt::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #ser(self, serializer)
            }
        }

        impl<'de> __rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: __rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #de(deserializer)
            }
        }

        impl __rt::ToParam for #name {
            fn to_param(&self, out: &mut ::std::vec::Vec<::std::string::String>) {
                #param_fn(self, out)
            }
        }
    }
}

/// A string-coded enum's `StrEnum` impl, `as_str`, `From<&str>` and `Display`.
fn str_impls(e: &Enum, name: &proc_macro2::Ident, unknown: &proc_macro2::Ident) -> TokenStream {
    let from = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        let w = v.wire.text();
        quote! { #w => #name::#vn }
    });
    let to = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        let w = v.wire.text();
        quote! { #name::#vn => ::std::borrow::Cow::Borrowed(#w) }
    });
    quote! {
        impl __rt::StrEnum for #name {
            fn from_wire(s: &str) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(match s {
                    #(#from,)*
                    _ => return ::std::option::Option::None,
                })
            }
            fn unknown(v: __rt::UnknownValue) -> Self {
                #name::#unknown(v)
            }
            fn wire(&self) -> ::std::borrow::Cow<'_, str> {
                match self {
                    #(#to,)*
                    #name::#unknown(v) => v.as_str(),
                }
            }
        }

        impl #name {
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> ::std::borrow::Cow<'_, str> {
                __rt::StrEnum::wire(self)
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                <Self as __rt::StrEnum>::from_wire(s)
                    .unwrap_or_else(|| #name::#unknown(__rt::UnknownValue::from_str_value(s)))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.as_str())
            }
        }
    }
}

/// An integer-coded enum's `IntEnum` impl, `code`, `From<i64>` and `Display`.
fn int_impls(e: &Enum, name: &proc_macro2::Ident, unknown: &proc_macro2::Ident) -> TokenStream {
    let from = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        let w = Literal::i64_unsuffixed(v.wire.code());
        quote! { #w => #name::#vn }
    });
    let to = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        let w = Literal::i64_unsuffixed(v.wire.code());
        quote! { #name::#vn => ::std::option::Option::Some(#w) }
    });
    quote! {
        impl __rt::IntEnum for #name {
            fn from_wire(i: i64) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(match i {
                    #(#from,)*
                    _ => return ::std::option::Option::None,
                })
            }
            fn unknown(v: __rt::UnknownValue) -> Self {
                #name::#unknown(v)
            }
            fn wire(&self) -> ::std::option::Option<i64> {
                match self {
                    #(#to,)*
                    #name::#unknown(v) => v.as_i64(),
                }
            }
        }

        impl #name {
            /// The code as it goes on the wire; `None` only for an unknown value that
            /// was not an integer.
            pub fn code(&self) -> ::std::option::Option<i64> {
                __rt::IntEnum::wire(self)
            }
        }

        impl ::std::convert::From<i64> for #name {
            fn from(i: i64) -> Self {
                <Self as __rt::IntEnum>::from_wire(i)
                    .unwrap_or_else(|| #name::#unknown(__rt::UnknownValue::from_int_value(i)))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.code() {
                    ::std::option::Option::Some(c) => ::std::write!(f, "{c}"),
                    ::std::option::Option::None => ::std::write!(f, "{:?}", self),
                }
            }
        }
    }
}

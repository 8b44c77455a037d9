//! Enums: a forward-compatible enum per spec enum (an `Unknown` variant keeps values the spec
//! does not list), with its table of wire values and one `__rt::str_enum!`/`__rt::int_enum!`
//! line for its `StrEnum`/`IntEnum` impl (a lookup in the table), `as_str`/`code`, `From`,
//! `Display`, serde and `ToParam` impls.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc, doc_text, paragraphs, short_paragraphs};
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
        let d = doc(&paragraphs(&short_paragraphs([v.description.as_deref().map(doc_text).unwrap_or_default(), format!("Wire value {wire}.")])));
        quote! { #d #vn }
    });
    let known = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        quote! { #name::#vn }
    });
    let unknown_doc = doc("A value the spec does not list, kept verbatim so it can be shown or sent back.");

    // The wire value of each known variant; `__rt::str_enum!`/`__rt::int_enum!` make the
    // `StrEnum`/`IntEnum` impl (a lookup in this table), `as_str`/`code`, `From`, `Display`,
    // serde and `ToParam` from it.
    let (wire_ty, macro_name) = match e.repr {
        EnumRepr::Str => (quote! { &'static str }, quote! { str_enum }),
        EnumRepr::Int32 | EnumRepr::Int64 => (quote! { i64 }, quote! { int_enum }),
    };
    let table = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        let w = match e.repr {
            EnumRepr::Str => Literal::string(&v.wire.text()),
            EnumRepr::Int32 | EnumRepr::Int64 => Literal::i64_unsuffixed(v.wire.code()),
        };
        quote! { (#name::#vn, #w) }
    });
    quote! {
        #enum_doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            #unknown_doc
            #unknown(__rt::UnknownValue),
        }

        impl #name {
            /// Every value the spec lists.
            pub const KNOWN: &'static [#name] = &[#(#known),*];
            const WIRE: &'static [(#name, #wire_ty)] = &[#(#table),*];
        }

        __rt::#macro_name!(#name, #unknown);
    }
}

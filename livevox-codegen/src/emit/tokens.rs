//! Tokens shared by every emitter: Rust types of IR types (by absolute path, or relative to
//! the category module being printed) and literals.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::*;
use crate::types::Prim;

pub(crate) fn lit_str(s: &str) -> Literal {
    Literal::string(s)
}

// ---------------------------------------------------------------------------------------------
// Types

pub(crate) fn string_ty() -> TokenStream {
    quote! { ::std::string::String }
}

pub(crate) fn type_tokens(ty: &Type, here: &str) -> TokenStream {
    match ty {
        Type::Prim(p) => match p {
            Prim::String => string_ty(),
            Prim::Bool => quote! { bool },
            Prim::Int32 => quote! { i32 },
            Prim::Int64 => quote! { i64 },
            Prim::Float64 => quote! { f64 },
            Prim::DateTime => quote! { __rt::DateTime },
            Prim::Date => quote! { __rt::Date },
            Prim::Time => quote! { __rt::TimeOfDay },
            Prim::Json => quote! { __rt::serde_json::Value },
        },
        Type::Secret => quote! { __rt::Secret },
        Type::Array(t) => {
            let t = type_tokens(t, here);
            quote! { ::std::vec::Vec<#t> }
        }
        Type::Map(t) => {
            let t = type_tokens(t, here);
            quote! { ::std::collections::BTreeMap<::std::string::String, #t> }
        }
        Type::Model(r) | Type::Enum(r) | Type::Union(r) => named(r, here),
    }
}

pub(crate) fn named(r: &TypeRef, here: &str) -> TokenStream {
    let name = format_ident!("{}", r.rust_name);
    if r.module == here {
        quote! { #name }
    } else {
        let m = format_ident!("{}", r.module);
        quote! { super::#m::#name }
    }
}


pub(crate) fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
    }
}


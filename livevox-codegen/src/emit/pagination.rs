//! Pagination: the `__rt::Paginated` impl of a paginated request builder, and its `pages()`
//! and `items()` streams.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc;
use super::operations::{output_type, Slot};
use super::tokens::type_tokens;
use crate::ir::*;
use crate::types::Prim;

/// The auto-pagination of a paginated operation: the `Paginated` impl the runtime walks with,
/// and the `pages` and `items` streams.
pub(super) fn emit_paginated(op: &Operation, p: &Pagination, slots: &[Slot], here: &str) -> TokenStream {
    let rq = format_ident!("{}", op.request_type);
    let page = output_type(op, here);
    let item = type_tokens(&p.item_ty, here);
    let slot_of = |role: ParamRole| op.params().zip(slots).find(|(param, _)| param.role == role);
    let (Some((offset_param, offset_slot)), Some((_, count_slot))) = (slot_of(ParamRole::PageOffset), slot_of(ParamRole::PageCount))
    else {
        // Validation guarantees both parameters; without them there is nothing to walk.
        return TokenStream::new();
    };
    let (offset, count) = (&offset_slot.field, &count_slot.field);
    // The runtime counts in i64; an int32 parameter widens losslessly and narrows saturating.
    let widen = |field: &proc_macro2::Ident, ty: &Type| match ty {
        Type::Prim(Prim::Int64) => quote! { self.#field },
        _ => quote! { i64::from(self.#field) },
    };
    let count_param = op.params().find(|p| p.role == ParamRole::PageCount);
    let get_offset = widen(offset, &offset_param.ty);
    let get_count = widen(count, count_param.map(|p| &p.ty).unwrap_or(&offset_param.ty));
    let set_offset = match &offset_param.ty {
        Type::Prim(Prim::Int64) => quote! { self.#offset = offset; },
        ty => {
            let t = type_tokens(ty, here);
            quote! { self.#offset = <#t as ::std::convert::TryFrom<i64>>::try_from(offset).unwrap_or(<#t>::MAX); }
        }
    };
    let items = format_ident!("{}", p.items_rust_name);
    let (count_items, into_items) = if p.items_required {
        (quote! { page.#items.len() }, quote! { page.#items })
    } else {
        (quote! { page.#items.as_ref().map_or(0, ::std::vec::Vec::len) }, quote! { page.#items.unwrap_or_default() })
    };
    let next_link = match &p.next {
        Some((name, true)) => {
            let n = format_ident!("{}", name);
            quote! { ::std::option::Option::Some(page.#n.as_str()) }
        }
        Some((name, false)) => {
            let n = format_ident!("{}", name);
            quote! { page.#n.as_deref() }
        }
        None => quote! {
            let _ = page;
            ::std::option::Option::None
        },
    };
    let cap = p.max_count.map(|c| format!(" (at most {c})")).unwrap_or_default();
    let pages_doc = doc(&format!(
        "Every page from this request's offset on, walking `{}` by `{}`{cap} until the last page. One request at a time; dropping the stream stops the walk.",
        p.offset_param, p.count_param
    ));
    let items_doc = doc(&format!(
        "Every item (`{}` of each page) from this request's offset on. At most one page is held in memory; dropping the stream stops the walk.",
        p.items_field
    ));
    quote! {
        impl __rt::Paginated for #rq {
            type Page = #page;
            type Item = #item;

            fn operation() -> &'static __rt::Operation {
                &Self::OPERATION
            }

            fn offset(&self) -> i64 {
                #get_offset
            }

            fn count(&self) -> i64 {
                #get_count
            }

            fn set_offset(&mut self, offset: i64) {
                #set_offset
            }

            fn fetch(self) -> __rt::BoxFuture<::std::result::Result<Self::Page, __rt::Error>> {
                ::std::boxed::Box::pin(__rt::Call::call(self))
            }

            fn item_count(page: &Self::Page) -> usize {
                #count_items
            }

            fn next_link(page: &Self::Page) -> ::std::option::Option<&str> {
                #next_link
            }

            fn into_items(page: Self::Page) -> ::std::vec::Vec<Self::Item> {
                #into_items
            }
        }

        impl #rq {
            #pages_doc
            pub fn pages(self) -> __rt::Pages<Self> {
                __rt::Pages::new(self)
            }

            #items_doc
            pub fn items(self) -> __rt::Items<Self> {
                __rt::Items::new(self)
            }
        }
    }
}


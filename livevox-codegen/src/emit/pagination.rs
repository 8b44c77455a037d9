//! Pagination: the `__rt::Paginated` impl of a paginated request builder (its style, how it
//! moves to the next page, how a page is fetched and where its items are), its `pages()` and
//! `items()` streams, and the "Pagination" section of the operation's docs.

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
    let Some(moves) = moves(op, p, slots) else {
        // Validation guarantees the paging parameters; without them there is nothing to walk.
        return TokenStream::new();
    };
    let Moves { style, position, size, advance } = moves;
    let fetch = match p.style {
        // The builder's own `prepare`, sent to the `Link` URL after the first page.
        PageStyle::Link => quote! { __rt::fetch_linked(self, link) },
        _ => quote! { __rt::fetch_body(self) },
    };
    // Only the `link` style is given URLs to follow.
    let link = format_ident!("{}", if p.style == PageStyle::Link { "link" } else { "_link" });
    let items = format_ident!("{}", if p.bare_array { "page" } else { &p.items_rust_name });
    let (count_items, into_items) = match (p.bare_array, p.items_required) {
        (true, _) => (quote! { page.len() }, quote! { page }),
        (false, true) => (quote! { page.#items.len() }, quote! { page.#items }),
        (false, false) => (quote! { page.#items.as_ref().map_or(0, ::std::vec::Vec::len) }, quote! { page.#items.unwrap_or_default() }),
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
    let (pages_doc, items_doc) = stream_docs(p);
    quote! {
        impl __rt::Paginated for #rq {
            type Page = #page;
            type Item = #item;
            const STYLE: __rt::PageStyle = __rt::PageStyle::#style;

            fn operation() -> &'static __rt::Operation {
                &Self::OPERATION
            }

            fn position(&self) -> i64 {
                #position
            }

            fn size(&self) -> i64 {
                #size
            }

            fn advance(&mut self, next: __rt::Next) -> bool {
                #advance
            }

            #[inline]
            fn fetch(self, #link: ::std::option::Option<__rt::Url>) -> __rt::PageFetch<Self> {
                #fetch
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

/// The style-specific methods of a `Paginated` impl.
struct Moves {
    style: proc_macro2::Ident,
    position: TokenStream,
    size: TokenStream,
    advance: TokenStream,
}

/// How the builder reports its position and moves on, by style; `None` when a paging
/// parameter the style needs is missing.
fn moves(op: &Operation, p: &Pagination, slots: &[Slot]) -> Option<Moves> {
    let slot_of = |role: ParamRole| op.params().zip(slots).find(|(param, _)| param.role == role);
    let no_position = || quote! { 0 };
    let refuse = quote! {
        let _ = next;
        false
    };
    Some(match p.style {
        PageStyle::Offset | PageStyle::Page => {
            let ((position_param, position_slot), (size_param, size_slot)) = (slot_of(ParamRole::PageOffset)?, slot_of(ParamRole::PageCount)?);
            let (field, size_field) = (&position_slot.field, &size_slot.field);
                    let widen = |field: &proc_macro2::Ident, ty: &Type| match ty {
                Type::Prim(Prim::Int64) => quote! { self.#field },
                _ => quote! { i64::from(self.#field) },
            };
            Moves {
                style: format_ident!("{}", if p.style == PageStyle::Page { "Page" } else { "Offset" }),
                position: widen(field, &position_param.ty),
                size: widen(size_field, &size_param.ty),
                advance: quote! { next.set_position(&mut self.#field) },
            }
        }
        PageStyle::Cursor => {
            let (wire, _) = p.cursor_param.as_ref()?;
            let (_, slot) = op.params().zip(slots).find(|(param, _)| &param.wire_name == wire)?;
            let field = &slot.field;
            Moves {
                style: format_ident!("Cursor"),
                position: no_position(),
                size: no_position(),
                advance: quote! { next.set_cursor(&mut self.#field) },
            }
        }
        PageStyle::Link => Moves { style: format_ident!("Link"), position: no_position(), size: no_position(), advance: refuse },
    })
}

/// Where the items are, for docs.
fn items_where(p: &Pagination) -> String {
    if p.bare_array {
        "the response body".to_string()
    } else {
        format!("`{}` of the response", p.items_field)
    }
}

/// The docs of `pages()` and `items()`.
fn stream_docs(p: &Pagination) -> (TokenStream, TokenStream) {
    let cap = p.max_count.map(|c| format!(" (at most {c})")).unwrap_or_default();
    let walk = match p.style {
        PageStyle::Offset => format!("from this request's offset on, walking `{}` by `{}`{cap}", p.offset_param, p.count_param),
        PageStyle::Page => format!("from this request's page on, adding 1 to `{}` (`{}` items a page{cap})", p.offset_param, p.count_param),
        PageStyle::Cursor => format!(
            "from this request on, sending each page's `{}` back as `{}`",
            p.next_field,
            p.cursor_param.as_ref().map_or("", |(w, _)| w.as_str())
        ),
        PageStyle::Link => "from this request on, following the `Link: <...>; rel=\"next\"` URL of each response as given".to_string(),
    };
    let pages_doc = doc(&format!("Every page {walk} until the last page. One request at a time; dropping the stream stops the walk."));
    let items = if p.bare_array { "of each page".to_string() } else { format!("(`{}` of each page)", p.items_field) };
    let from = if p.style == PageStyle::Offset { "from this request's offset on" } else { "from this request's page on" };
    let items_doc = doc(&format!("Every item {items} {from}. At most one page is held in memory; dropping the stream stops the walk."));
    (pages_doc, items_doc)
}

/// The "Pagination" section of the operation's docs.
pub(super) fn pagination_doc(p: &Pagination) -> String {
    let cap = p.max_count.map(|c| format!(" (at most {c})")).unwrap_or_default();
    match p.style {
        PageStyle::Offset => {
            let end = match p.end {
                PageEnd::NextAbsent => format!("the last page is the one without `{}`", p.next_field),
                PageEnd::ShortPage => "the last page is the one with fewer items than asked for".to_string(),
                PageEnd::NextAbsentOrShortPage => {
                    format!("the last page is the one without `{}` or with fewer items than asked for", p.next_field)
                }
            };
            format!(
                "# Pagination\n\nOne page per call: `{}` items{cap} from `{}`, in {}; {end}.",
                p.count_param,
                p.offset_param,
                items_where(p)
            )
        }
        PageStyle::Page => format!(
            "# Pagination\n\nOne page per call: page number `{}` (the first is {}), `{}` items a page{cap}, in {}; the last page is the one with fewer items than asked for.",
            p.offset_param,
            p.first_page,
            p.count_param,
            items_where(p)
        ),
        PageStyle::Cursor => format!(
            "# Pagination\n\nOne page per call, in {}; the next page is asked for with the page's `{}` as `{}`, and the last page is the one without it.",
            items_where(p),
            p.next_field,
            p.cursor_param.as_ref().map_or("", |(w, _)| w.as_str())
        ),
        PageStyle::Link => format!(
            "# Pagination\n\nOne page per call, in {}; the response's `Link` header names the next page (`rel=\"next\"`), and the last page is the one without it.",
            items_where(p)
        ),
    }
}

//! The serde attributes of a model and of its fields, written only where they differ from what
//! serde does anyway. A model whose wire names follow serde's camelCase rule more often than
//! they equal the field names (`Model::camel_case_wire`) gets `rename_all = "camelCase"`; a
//! field gets a `rename` only when its wire name is not what the model's rule gives its Rust
//! name. An optional field needs no `default` (serde's derive reads a missing `Option` field as
//! `None`), and a sent one skips `None` when serializing. A field given `with` (RFC 3339 times)
//! loses serde's `None` for a missing field, so it gets `default`; so does a three-state
//! `Patch` field, which a sent model skips while it is `Keep`.
//!
//! Only `Serialize` is derived: a model's `Deserialize` is the runtime's `model_de!` macro
//! ([`model_de`]), which is given each field's wire name and how it is read, so the attributes
//! are printed only for a model that serializes.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Field, Model, TimeFormat};
use crate::naming::serde_camel_case;

/// The model's `#[serde(...)]` line (the serde crate path, and its rename rule), or nothing
/// when the model derives no serde trait.
pub(super) fn container(m: &Model) -> TokenStream {
    match (m.derives.serialize, m.camel_case_wire) {
        (false, _) => TokenStream::new(),
        (true, false) => quote! { #[serde(crate = "__rt::serde")] },
        (true, true) => quote! { #[serde(crate = "__rt::serde", rename_all = "camelCase")] },
    }
}

/// A field's `#[serde(...)]` attribute, or nothing when serde's defaults are right for it.
pub(super) fn field(m: &Model, f: &Field) -> TokenStream {
    if !m.derives.serialize {
        return TokenStream::new();
    }
    let by_rule = if m.camel_case_wire { serde_camel_case(&f.rust_name) } else { Some(f.rust_name.clone()) };
    let wire = &f.wire_name;
    let rename = (by_rule.as_deref() != Some(wire.as_str())).then(|| quote! { rename = #wire });
    let rfc3339 = rfc3339(f);
    let default = (!f.required && (f.patch || rfc3339)).then(|| quote! { default });
    let skip = (!f.required && m.derives.serialize).then(|| {
        if f.patch {
            quote! { skip_serializing_if = "__rt::Patch::is_keep" }
        } else {
            quote! { skip_serializing_if = "::std::option::Option::is_none" }
        }
    });
    let with = rfc3339.then(|| quote! { with = "__rt::rfc3339" });
    let parts: Vec<TokenStream> = rename.into_iter().chain(default).chain(skip).chain(with).collect();
    if parts.is_empty() {
        TokenStream::new()
    } else {
        quote! { #[serde(#(#parts),*)] }
    }
}

/// The model's `Deserialize` impl, when it has one: `__rt::model_de!(Name { field "wire"
/// [req] [rfc3339], ... })`, in field order.
pub(super) fn model_de(m: &Model) -> TokenStream {
    if !m.derives.deserialize {
        return TokenStream::new();
    }
    let name = quote::format_ident!("{}", m.rust_name);
    let fields = m.fields.iter().map(|f| {
        let field = quote::format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        let need = f.required.then(|| quote! { req });
        let how = rfc3339(f).then(|| quote! { rfc3339 });
        quote! { #field #wire #need #how }
    });
    quote! { __rt::model_de!(#name { #(#fields),* }); }
}

/// Whether a field holds times written as RFC 3339 text (read and written through
/// `__rt::rfc3339`).
fn rfc3339(f: &Field) -> bool {
    f.time_format != TimeFormat::EpochMillis && f.ty.holds_time()
}

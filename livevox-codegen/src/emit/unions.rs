//! Unions (`unions:`): a Rust enum per union, serialized as the variant's own value and
//! decoded through the runtime's union helpers (an untagged union tries each shape in order and
//! names them all when none fits; a tagged one picks by its tag field, with an optional
//! catch-all). Also the JSON values the generated tests use for unions and for times written as
//! RFC 3339, shared by `calls`, `emit_secrets` and the spec's examples.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::docs::{doc, doc_text, paragraphs};
use super::tokens::type_tokens;
use crate::ir::*;
use crate::types::Prim;

pub(super) fn emit_union(u: &Union, here: &str) -> TokenStream {
    let name = format_ident!("{}", u.rust_name);
    let wire = Literal::string(&u.wire_name);
    let mut d = vec![u.description.as_deref().map(doc_text).unwrap_or_default()];
    let (variants, decode) = match &u.kind {
        UnionKind::Untagged(shapes) => {
            d.push("Decoding tries each variant in this order and takes the first that fits.".into());
            let variants: Vec<TokenStream> = shapes
                .iter()
                .map(|v| {
                    let (n, t) = (format_ident!("{}", v.rust_name), type_tokens(&v.ty, here));
                    let vd = doc(&format!("Shape `{}`.", v.ty.spec_name()));
                    let with = if text_time(v) { quote! { #[serde(with = "__rt::rfc3339")] } } else { TokenStream::new() };
                    quote! { #vd #n(#with #t) }
                })
                .collect();
            let attempts = shapes.iter().map(|v| {
                let (n, shape) = (format_ident!("{}", v.rust_name), v.ty.spec_name());
                let attempt = if text_time(v) { quote! { attempt_rfc3339 } } else { quote! { attempt } };
                quote! {
                    if let ::std::option::Option::Some(v) = u.#attempt(#shape) {
                        return ::std::result::Result::Ok(Self::#n(v));
                    }
                }
            });
            let decode = quote! {
                let mut u = __rt::Untagged::read(#wire, d)?;
                #(#attempts)*
                ::std::result::Result::Err(u.fail())
            };
            (variants, decode)
        }
        UnionKind::Tagged { tag, variants: tagged, unknown } => {
            d.push(format!("The variant is chosen by the `{tag}` field, which each variant's model holds."));
            let mut variants: Vec<TokenStream> = tagged
                .iter()
                .map(|v| {
                    let (n, t) = (format_ident!("{}", v.rust_name), super::tokens::named(&v.model, here));
                    let vd = doc(&format!("`{tag}` is `{}`.", v.tag_value));
                    quote! { #vd #n(#t) }
                })
                .collect();
            let arms = tagged.iter().map(|v| {
                let (n, value) = (format_ident!("{}", v.rust_name), Literal::string(&v.tag_value));
                quote! { #value => __rt::variant(#wire, #value, value).map(Self::#n), }
            });
            let fallback = match unknown {
                Some(u) => {
                    let n = format_ident!("{u}");
                    let ud = doc(&format!("A `{tag}` value this client does not know (added to the API later): the value as sent."));
                    variants.push(quote! { #ud #n(__rt::serde_json::Value) });
                    quote! { _ => ::std::result::Result::Ok(Self::#n(value)), }
                }
                None => {
                    let known = tagged.iter().map(|v| format!("{:?}", v.tag_value));
                    quote! { other => ::std::result::Result::Err(__rt::unknown_tag(#wire, #tag, other, &[#(#known),*])), }
                }
            };
            let decode = quote! {
                let value = <__rt::serde_json::Value as __rt::serde::Deserialize>::deserialize(d)?;
                match __rt::tag_of::<D::Error>(#wire, #tag, &value)?.as_str() {
                    #(#arms)*
                    #fallback
                }
            };
            (variants, decode)
        }
    };
    let union_doc = doc(&paragraphs(&d));
    // `From` each variant's type, so a value goes where the union is wanted (`.into()`).
    let froms = u.variant_types().into_iter().zip(variant_names(u)).map(|(ty, n)| {
        let (t, n) = (type_tokens(&ty, here), format_ident!("{n}"));
        quote! {
            impl ::std::convert::From<#t> for #name {
                fn from(value: #t) -> Self {
                    Self::#n(value)
                }
            }
        }
    });
    quote! {
        #union_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, __rt::serde::Serialize)]
        #[serde(crate = "__rt::serde", untagged)]
        pub enum #name {
            #(#variants,)*
        }

        impl<'de> __rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: __rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #decode
            }
        }

        #(#froms)*
    }
}

/// Whether an untagged shape holds times written as RFC 3339 text.
fn text_time(v: &UnionVariant) -> bool {
    v.time_format != TimeFormat::EpochMillis && v.ty.holds_time()
}

/// The Rust variant names, in the order of [`Union::variant_types`].
fn variant_names(u: &Union) -> Vec<String> {
    match &u.kind {
        UnionKind::Untagged(shapes) => shapes.iter().map(|v| v.rust_name.clone()).collect(),
        UnionKind::Tagged { variants, .. } => variants.iter().map(|v| v.rust_name.clone()).collect(),
    }
}

/// A value of the union made from its first variant (`make` makes a variant's value); a
/// tagged variant's value gets its tag.
pub(crate) fn union_value(u: &Union, mut make: impl FnMut(&Type) -> Value) -> Value {
    match &u.kind {
        UnionKind::Untagged(shapes) => shapes.first().map_or(Value::Null, |v| retime(make(&v.ty), &v.ty, v.time_format)),
        UnionKind::Tagged { tag, variants, .. } => match variants.first() {
            Some(v) => {
                let mut value = make(&Type::Model(v.model.clone()));
                if let Some(obj) = value.as_object_mut() {
                    obj.insert(tag.clone(), Value::from(v.tag_value.as_str()));
                }
                value
            }
            None => Value::Null,
        },
    }
}

/// A made-up value of a field or parameter with its times as its format writes them: the
/// epoch-millisecond numbers the test emitters make up become RFC 3339 text.
pub(crate) fn retime(value: Value, ty: &Type, format: TimeFormat) -> Value {
    if format == TimeFormat::EpochMillis {
        return value;
    }
    match (ty, value) {
        (Type::Prim(Prim::DateTime), Value::Number(_)) => Value::from("2023-11-14T22:13:20Z"),
        (Type::Prim(Prim::Date), Value::Number(_)) => Value::from("2023-11-14"),
        (Type::Array(t), Value::Array(items)) => Value::Array(items.into_iter().map(|v| retime(v, t, format)).collect()),
        (Type::Map(t), Value::Object(m)) => Value::Object(m.into_iter().map(|(k, v)| (k, retime(v, t, format))).collect()),
        (_, v) => v,
    }
}

/// What a field's docs add about its time format and nullability.
pub(crate) fn field_notes(f: &Field) -> Vec<String> {
    let mut notes = Vec::new();
    if f.ty.holds_time() && f.time_format != TimeFormat::EpochMillis {
        notes.push("On the wire as RFC 3339 text (`2011-04-01T00:00:00Z`, a date as `2011-04-01`).".to_string());
    }
    if f.patch {
        notes.push(format!(
            "Nullable: `Patch::Keep` (the default) leaves it out, `Patch::Null` sends `null` to clear it (`{}`), `Patch::Set` sends the value.",
            f.clear_setter
        ));
    } else if f.nullable {
        notes.push("Nullable: `null` and absent both read as `None`.".to_string());
    }
    notes
}

/// The value a query or path parameter hands to the request: its own, or wrapped in the
/// runtime's RFC 3339 writer.
pub(super) fn param_value(p: &Param, field: &proc_macro2::Ident) -> TokenStream {
    if p.time_format != TimeFormat::EpochMillis && p.ty.holds_time() {
        quote! { &__rt::rfc3339::Param(&self.#field) }
    } else {
        quote! { &self.#field }
    }
}

/// The request-builder setters of a nullable inline body field: set it, or clear it to `null`.
pub(super) fn patch_setters(f: &Field, ty: &TokenStream) -> TokenStream {
    let (n, setter, clear) = (format_ident!("{}", f.rust_name), format_ident!("{}", f.setter), format_ident!("{}", f.clear_setter));
    let mut notes = vec!["A field of the body; left out unless set or cleared.".to_string()];
    notes.extend(field_notes(f).into_iter().filter(|n| !n.starts_with("Nullable")));
    let d = super::docs::field_doc(f.description.as_deref(), &f.wire_name, &f.ty, f.deprecated.as_deref(), &notes);
    let cd = doc(&format!("Clears `{}` (wire name `{}`): the body sends `null`.", f.rust_name, f.wire_name));
    quote! {
        #d
        pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
            self.__body.#n = __rt::Patch::Set(value.into());
            self
        }

        #cd
        pub fn #clear(mut self) -> Self {
            self.__body.#n = __rt::Patch::Null;
            self
        }
    }
}

//! Models: a struct per model with serde attributes, a `new` for the required fields and a
//! `with_...` method per optional one.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, doc_text, field_doc, paragraphs};
use super::tokens::type_tokens;
use crate::ir::*;

pub(super) fn emit_model(m: &Model, here: &str) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let mut d = vec![m.description.as_deref().map(doc_text).unwrap_or_default()];
    if let Some(op) = &m.body_of {
        d.push(format!("Sent as the body of `{}`.", op.fn_name));
    }
    d.push("Construct with `new` (the required fields) and set optional fields with the `with_*` methods.".into());
    let model_doc = doc(&paragraphs(&d));
    let field_ty = |f: &Field| {
        let t = type_tokens(&f.ty, here);
        let t = if f.boxed { quote! { ::std::boxed::Box<#t> } } else { t };
        if f.required {
            t
        } else if f.patch {
            quote! { __rt::Patch<#t> }
        } else {
            quote! { ::std::option::Option<#t> }
        }
    };
    // Serde's derives and attributes go only where the IR asks for them (`Model::derives`), and
    // each attribute only where serde's default is wrong (`serde_attrs`).
    let fields = m.fields.iter().map(|f| {
        let fname = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        let ty = field_ty(f);
        let fd = field_doc(f.description.as_deref(), wire, &f.ty, f.deprecated.as_deref(), &super::unions::field_notes(f));
        let serde_attr = super::serde_attrs::field(m, f);
        quote! { #fd #serde_attr pub #fname: #ty }
    });

    let required: Vec<&Field> = m.fields.iter().filter(|f| f.required).collect();
    let new_args = required.iter().map(|f| {
        let fname = format_ident!("{}", f.rust_name);
        let t = type_tokens(&f.ty, here);
        quote! { #fname: impl ::std::convert::Into<#t> }
    });
    let new_inits = m.fields.iter().map(|f| {
        let fname = format_ident!("{}", f.rust_name);
        if f.patch {
            quote! { #fname: __rt::Patch::Keep }
        } else if !f.required {
            quote! { #fname: ::std::option::Option::None }
        } else if f.boxed {
            quote! { #fname: ::std::boxed::Box::new(#fname.into()) }
        } else {
            quote! { #fname: #fname.into() }
        }
    });
    let withs = m.fields.iter().filter(|f| !f.required).map(|f| {
        let fname = format_ident!("{}", f.rust_name);
        let with = format_ident!("{}", f.with_setter);
        let t = type_tokens(&f.ty, here);
        let value = if f.boxed { quote! { ::std::boxed::Box::new(value.into()) } } else { quote! { value.into() } };
        let d = doc(&format!("Sets `{}` (wire name `{}`).", f.rust_name, f.wire_name));
        if f.patch {
            let clear = format_ident!("{}", f.clear_setter);
            let cd = doc(&format!("Clears `{}`: sends `\"{}\": null`.", f.rust_name, f.wire_name));
            return quote! {
                #d
                pub fn #with(mut self, value: impl ::std::convert::Into<#t>) -> Self {
                    self.#fname = __rt::Patch::Set(#value);
                    self
                }

                #cd
                pub fn #clear(mut self) -> Self {
                    self.#fname = __rt::Patch::Null;
                    self
                }
            };
        }
        quote! {
            #d
            pub fn #with(mut self, value: impl ::std::convert::Into<#t>) -> Self {
                self.#fname = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let many = if required.len() > 7 { quote! { #[allow(clippy::too_many_arguments)] } } else { TokenStream::new() };
    // Derive macros by their prelude names (see `emit`'s module docs): a model named `Clone` is
    // a type, which never shadows the derive macro.
    let mut derives = vec![quote! { Clone }, quote! { Debug }, quote! { PartialEq }];
    let optional = [
        (m.derives.eq, quote! { Eq }),
        (m.derives.default, quote! { Default }),
        (m.derives.serialize, quote! { __rt::Serialize }),
    ];
    derives.extend(optional.into_iter().filter(|(on, _)| *on).map(|(_, d)| d));
    let serde_crate = super::serde_attrs::container(m);
    let de = super::serde_attrs::model_de(m);

    quote! {
        #model_doc
        #[derive(#(#derives),*)]
        #serde_crate
        #[non_exhaustive]
        pub struct #name {
            #(#fields,)*
        }

        impl #name {
            /// Creates a value from the required fields; optional fields start unset.
            #many
            pub fn new(#(#new_args),*) -> Self {
                #name { #(#new_inits,)* }
            }

            #(#withs)*
        }

        #de
    }
}


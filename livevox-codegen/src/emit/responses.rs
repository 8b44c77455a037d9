//! What a request builder hands back beside its body: its `__prepare`, which fills in the
//! request for its `impl __rt::Call` (the runtime sends it, so status and headers are there for
//! any call's `with_meta()`), and, for an operation whose spec declares
//! `response.headers`, the `<Operation>Headers` struct read from them and the builder's
//! `send_with_headers()`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, field_doc};
use super::tokens::type_tokens;
use super::{feature_gate, Config};
use crate::ir::*;

/// A request builder's `__prepare`, which its `impl __rt::Call` (written by
/// `__rt::request_builder!`, with the output type and how the answer is read) calls: `fill`
/// puts the parameters and body in `req`. `#[inline]`, so it is compiled where a call is made.
pub(super) fn emit_prepare(fill: &[TokenStream], body_send: &TokenStream) -> TokenStream {
    quote! {
        #[inline]
        fn __prepare(self) -> (__rt::Client, __rt::Request) {
            let mut req = __rt::Request::new(&Self::OPERATION);
            req.limits(self.__limits);
            #(#fill)*
            #body_send
            (self.__client, req)
        }
    }
}

/// The declared headers of an operation: the struct, its `__rt::FromHeaders` impl and the
/// builder's `send_with_headers()`. Empty when the operation declares none.
pub(super) fn emit_response_headers(op: &Operation, here: &str) -> TokenStream {
    let Some(ty) = &op.response.headers_type else { return TokenStream::new() };
    let ty = format_ident!("{ty}");
    let rq = format_ident!("{}", op.request_type);
    let id = &op.id;
    let fields = op.response.headers.iter().map(|h| {
        let n = format_ident!("{}", h.rust_name);
        let t = type_tokens(&h.ty, here);
        let d = field_doc(h.description.as_deref(), &h.wire_name, &h.ty, None, &["Absent when the response did not carry it.".into()]);
        quote! { #d pub #n: ::std::option::Option<#t> }
    });
    let reads = op.response.headers.iter().map(|h| {
        let n = format_ident!("{}", h.rust_name);
        let w = &h.wire_name;
        quote! { #n: meta.typed_header(#id, #w)? }
    });
    let names: Vec<String> = op.response.headers.iter().map(|h| format!("`{}`", h.wire_name)).collect();
    let struct_doc = doc(&format!(
        "The response headers `{}` declares ({}), read by [`{}::send_with_headers`].",
        op.id,
        names.join(", "),
        op.request_type
    ));
    let send_doc = doc(&format!(
        "Sends the request and returns the decoded body with the declared response headers ([`{}`]); a declared header that does not parse as its type is an `Error::Decode` naming it.",
        op.response.headers_type.as_deref().unwrap_or_default()
    ));
    quote! {
        #struct_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::default::Default)]
        #[non_exhaustive]
        pub struct #ty {
            #(#fields,)*
        }

        impl __rt::FromHeaders for #ty {
            fn from_meta(meta: &__rt::ResponseMeta) -> ::std::result::Result<Self, __rt::Error> {
                ::std::result::Result::Ok(#ty { #(#reads,)* })
            }
        }

        impl #rq {
            #send_doc
            pub fn send_with_headers(self) -> __rt::Pending<__rt::WithHeaders<Self, #ty>> {
                __rt::Pending::new(__rt::WithHeaders::new(self))
            }
        }
    }
}

/// The `content_type` and `server_rate_limit` fields of the API's `__rt::ApiSpec`.
pub(super) fn api_http_tokens(api: &Api) -> (TokenStream, TokenStream) {
    let rule = format_ident!(
        "{}",
        match api.content_type {
            ContentTypeRule::Always => "Always",
            ContentTypeRule::WithBody => "WithBody",
        }
    );
    let limit = match &api.server_rate_limit {
        None => quote! { ::std::option::Option::None },
        Some(l) => {
            let statuses = l.statuses.iter().map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
            let when = match &l.when {
                Some((h, v)) => quote! { ::std::option::Option::Some((#h, #v)) },
                None => quote! { ::std::option::Option::None },
            };
            let reset = match &l.reset {
                Some((h, unit)) => {
                    let unit = format_ident!(
                        "{}",
                        match unit {
                            ResetUnit::EpochSeconds => "EpochSeconds",
                            ResetUnit::Seconds => "Seconds",
                        }
                    );
                    quote! { ::std::option::Option::Some((#h, __rt::ResetUnit::#unit)) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let retry_after = l.retry_after;
            quote! {
                ::std::option::Option::Some(__rt::ServerRateLimit {
                    statuses: &[#(#statuses),*], when: #when, reset: #reset, retry_after: #retry_after,
                })
            }
        }
    };
    (quote! { __rt::ContentTypeRule::#rule }, limit)
}

/// `ErrorBody`, the API's typed error model (`errors.json.type`), for
/// `err.error_body::<ErrorBody>()`. Empty when the spec names none.
pub(super) fn error_body_alias(api: &Api, config: &Config) -> TokenStream {
    let Some(r) = &api.error_type else { return TokenStream::new() };
    let (m, n) = (format_ident!("{}", r.module), format_ident!("{}", r.rust_name));
    let gate = feature_gate(config, &r.module);
    let d = doc(&format!(
        "The body of the {} API's error responses (`{}`): read it with `err.error_body::<ErrorBody>()` (`None` when an answer's body is not one).",
        api.wire_name, r.wire_name
    ));
    quote! {
        #d
        #gate
        pub type ErrorBody = #m::#n;
    }
}

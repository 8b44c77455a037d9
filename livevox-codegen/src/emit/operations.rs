//! Operations: the category client (one method per operation, taking the positional
//! parameters) and one request builder per operation (setters, its `__rt::Call` impl that
//! sends it, and one `__rt::request_builder!` line for its `timeout`, `deadline`, `send` and
//! `IntoFuture`, which return the runtime's generic `__rt::Pending`), with the operation's
//! static `__rt::Operation` description (only the fields that differ from
//! `__rt::Operation::DEFAULT`).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{body_field_doc, doc, doc_text, field_doc, op_doc, paragraphs};
use super::tokens::{named, string_ty, type_tokens};
use crate::ir::*;

/// What an operation's method takes and stores: (name, positional?, type tokens, init tokens).
pub(super) struct Slot {
    pub(super) field: proc_macro2::Ident,
    /// Positional argument of the category-client method.
    pub(super) positional: bool,
    /// Stored type.
    pub(super) ty: TokenStream,
    /// Initial value when not positional.
    pub(super) init: TokenStream,
}

pub(super) fn output_type(op: &Operation, here: &str) -> TokenStream {
    match (&op.response.format, &op.response.ty) {
        (ResponseFormat::Json, Some(t)) => type_tokens(t, here),
        (ResponseFormat::Json, None) => quote! { __rt::serde_json::Value },
        (ResponseFormat::Text, _) => string_ty(),
        (ResponseFormat::Binary, _) => quote! { __rt::bytes::Bytes },
        (ResponseFormat::None, _) => quote! { () },
    }
}


pub(super) fn emit_category_client(cat: &Category) -> TokenStream {
    let ct = format_ident!("{}", cat.client_type);
    let here = cat.module.as_str();
    let methods = cat.operations.iter().map(|op| {
        let f = format_ident!("{}", op.fn_name);
        let rq = format_ident!("{}", op.request_type);
        let slots = slots(op, here);
        let (body_args, body_init) = body_args(op, cat);
        let args: Vec<TokenStream> = slots
            .iter()
            .filter(|s| s.positional)
            .map(|s| {
                let (n, t) = (&s.field, &s.ty);
                quote! { #n: impl ::std::convert::Into<#t> }
            })
            .chain(body_args)
            .collect();
        let inits = slots.iter().map(|s| {
            let n = &s.field;
            if s.positional {
                quote! { #n: #n.into() }
            } else {
                let i = &s.init;
                quote! { #n: #i }
            }
        });
        let d = doc(&op_doc(op, &cat.session_doc));
        let deprecated = op.deprecated.as_ref().map(|n| {
            if n.is_empty() {
                quote! { #[deprecated] }
            } else {
                quote! { #[deprecated(note = #n)] }
            }
        });
        let many = if args.len() > 6 {
            quote! { #[allow(clippy::too_many_arguments)] }
        } else {
            TokenStream::new()
        };
        quote! {
            #d
            #deprecated
            #many
            pub fn #f(&self, #(#args),*) -> #rq {
                #rq {
                    __client: self.client.clone(),
                    __limits: ::std::default::Default::default(),
                    #(#inits,)*
                    #body_init
                }
            }
        }
    });
    let d = doc(&format!(
        "The operations of the `{}` category. Get one from the API client's `{}()` method.",
        cat.wire_name, cat.module
    ));
    quote! {
        #d
        #[derive(Clone, Debug)]
        pub struct #ct {
            client: __rt::Client,
        }

        impl #ct {
            #[doc(hidden)]
            pub fn new(client: __rt::Client) -> Self {
                #ct { client }
            }

            #(#methods)*
        }
    }
}

/// The parameters stored in a request builder (path and query; the body is separate).
fn slots(op: &Operation, here: &str) -> Vec<Slot> {
    let mut out = Vec::new();
    for p in op.params() {
        let field = format_ident!("{}", p.rust_name);
        let t = type_tokens(&p.ty, here);
        match p.role {
            _ if p.positional => out.push(Slot { field, positional: true, ty: t, init: TokenStream::new() }),
            ParamRole::PageOffset | ParamRole::PageCount => {
                let v = Literal::i64_unsuffixed(p.page_start.unwrap_or_default());
                out.push(Slot { field, positional: false, ty: t, init: quote! { #v } });
            }
            ParamRole::Normal => out.push(Slot {
                field,
                positional: false,
                ty: quote! { ::std::option::Option<#t> },
                init: quote! { ::std::option::Option::None },
            }),
        }
    }
    // Inline body fields that are required are positional too; they live in the body model.
    out
}

/// The body's part of the category-client method: positional arguments and the `__body`
/// initialiser of the request builder.
fn body_args(op: &Operation, cat: &Category) -> (Vec<TokenStream>, TokenStream) {
    let here = cat.module.as_str();
    match &op.body {
        None | Some(Body::Empty) => (Vec::new(), TokenStream::new()),
        Some(Body::Model { ty, inline: true, .. }) => {
            let t = named(ty, here);
            let required: Vec<&Field> = cat
                .models
                .iter()
                .find(|m| m.rust_name == ty.rust_name)
                .map(|m| m.fields.iter().filter(|f| f.required).collect())
                .unwrap_or_default();
            let args = required
                .iter()
                .map(|f| {
                    let n = format_ident!("{}", f.rust_name);
                    let ft = type_tokens(&f.ty, here);
                    quote! { #n: impl ::std::convert::Into<#ft> }
                })
                .collect();
            let names = required.iter().map(|f| format_ident!("{}", f.rust_name));
            (args, quote! { __body: #t::new(#(#names),*), })
        }
        Some(Body::Model { ty, required: true, .. }) => {
            let t = named(ty, here);
            (vec![quote! { body: impl ::std::convert::Into<#t> }], quote! { __body: body.into(), })
        }
        Some(Body::Model { required: false, .. }) => (Vec::new(), quote! { __body: ::std::option::Option::None, }),
    }
}

pub(super) fn emit_request(op: &Operation, cat: &Category) -> TokenStream {
    let here = cat.module.as_str();
    let rq = format_ident!("{}", op.request_type);
    let out = output_type(op, here);
    let slots = slots(op, here);
    let fields = slots.iter().map(|s| {
        let (n, t) = (&s.field, &s.ty);
        quote! { #n: #t }
    });

    let setters = param_setters(op, &slots, here);
    let (body_field, body_setters, body_send) = body_parts(op, cat);

    let fill = op.params().zip(&slots).map(|(p, s)| {
        let w = &p.wire_name;
        let v = super::unions::param_value(p, &s.field);
        if p.location == ParamLocation::Path {
            quote! { req.path(#w, #v); }
        } else {
            quote! { req.query(#w, #v); }
        }
    });

    let fill: Vec<TokenStream> = fill.collect();
    let op_const = operation_const(op);
    let paging = op.pagination.as_ref().map(|p| super::pagination::emit_paginated(op, p, &slots, here)).unwrap_or_default();
    let d = doc(&format!(
        "A `{}` request, made by `{}()` on [`{}`]: set optional parameters, then `.await` it (or call [`send`]({}::send)).",
        op.id, op.fn_name, cat.client_type, op.request_type
    ));
    let media = op.response.media_type().unwrap_or_default();
    // What `send`'s doc (written by `__rt::request_builder!`) says of the response.
    let send_doc = match op.response.format {
        ResponseFormat::Json => {
            let status = Literal::u16_unsuffixed(op.response.status);
            quote! { json #status }
        }
        ResponseFormat::Text => quote! { text #media },
        ResponseFormat::Binary => quote! { bytes #media },
        ResponseFormat::None => quote! { no_body },
    };
    let prepare = super::responses::emit_prepare(&fill, &body_send);
    let response_headers = super::responses::emit_response_headers(op, here);
    quote! {
        #d
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #rq {
            __client: __rt::Client,
            __limits: __rt::CallLimits,
            #(#fields,)*
            #body_field
        }

        impl #rq {
            /// The static description of this operation.
            pub const OPERATION: __rt::Operation = #op_const;

            #(#setters)*
            #(#body_setters)*
            #prepare
        }

        __rt::request_builder!(#rq, #out, #send_doc);

        #paging
        #response_headers
    }
}

/// Setters for the optional parameters and the paging controls.
fn param_setters(op: &Operation, slots: &[Slot], here: &str) -> Vec<TokenStream> {
    op.params()
        .zip(slots)
        .filter(|(_, s)| !s.positional)
        .map(|(p, s)| {
            let n = &s.field;
            let setter = format_ident!("{}", p.setter);
            let t = type_tokens(&p.ty, here);
            let extra = match p.role {
                ParamRole::PageOffset if op.pagination.as_ref().is_some_and(|g| g.style == PageStyle::Page) => {
                    vec![format!("The page number; defaults to {}.", p.page_start.unwrap_or_default())]
                }
                ParamRole::PageOffset => vec![format!("Where the page starts; defaults to {}.", p.page_start.unwrap_or_default())],
                ParamRole::PageCount => vec![format!("Items per page; defaults to {}.", p.page_start.unwrap_or_default())],
                ParamRole::Normal => p.default.as_ref().map(|d| vec![format!("The server's default: `{d}`.")]).unwrap_or_default(),
            };
            let d = field_doc(p.description.as_deref(), &p.wire_name, &p.ty, p.deprecated.as_deref(), &extra);
            let assign = match p.role {
                ParamRole::Normal => quote! { ::std::option::Option::Some(value.into()) },
                _ => quote! { value.into() },
            };
            quote! {
                #d
                pub fn #setter(mut self, value: impl ::std::convert::Into<#t>) -> Self {
                    self.#n = #assign;
                    self
                }
            }
        })
        .collect()
}

/// The body: a stored model, with setters for its optional inline fields. Returns the field of
/// the request builder, the setters, and what `send` does with the body.
fn body_parts(op: &Operation, cat: &Category) -> (TokenStream, Vec<TokenStream>, TokenStream) {
    let here = cat.module.as_str();
    match &op.body {
        None => (TokenStream::new(), Vec::new(), TokenStream::new()),
        Some(Body::Empty) => (TokenStream::new(), Vec::new(), quote! { req.body(&__rt::serde_json::json!({})); }),
        Some(Body::Model { ty, required, inline, description }) => {
            let t = named(ty, here);
            if *inline {
                let model = cat.models.iter().find(|m| m.rust_name == ty.rust_name);
                let setters: Vec<TokenStream> = model
                    .map(|m| m.fields.iter().filter(|f| !f.required).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| {
                        let n = format_ident!("{}", f.rust_name);
                        let setter = format_ident!("{}", f.setter);
                        let ft = type_tokens(&f.ty, here);
                        if f.patch {
                            return super::unions::patch_setters(f, &ft);
                        }
                        let d = body_field_doc(f.description.as_deref(), &f.wire_name, &f.ty, f.deprecated.as_deref());
                        quote! {
                            #d
                            pub fn #setter(mut self, value: impl ::std::convert::Into<#ft>) -> Self {
                                self.__body.#n = ::std::option::Option::Some(value.into());
                                self
                            }
                        }
                    })
                    .collect();
                // A required inline body is always sent, `{}` when nothing is set; so is an
                // optional one where the API sends `Content-Type` always (LiveVox). Elsewhere an
                // optional inline body with no field set is not sent at all.
                let send = if !*required && cat.content_type == ContentTypeRule::WithBody {
                    quote! { req.optional_body(&self.__body); }
                } else {
                    quote! { req.body(&self.__body); }
                };
                (quote! { __body: #t, }, setters, send)
            } else if *required {
                (quote! { __body: #t, }, Vec::new(), quote! { req.body(&self.__body); })
            } else {
                let d = doc(&paragraphs(&[
                    description.as_deref().map(doc_text).unwrap_or_default(),
                    match cat.content_type {
                        ContentTypeRule::Always => format!("Sets the body (`{}`); without it the body is `{{}}`.", ty.wire_name),
                        ContentTypeRule::WithBody => format!("Sets the body (`{}`); without it no body is sent.", ty.wire_name),
                    },
                ]));
                let setter = quote! {
                    #d
                    pub fn body(mut self, value: impl ::std::convert::Into<#t>) -> Self {
                        self.__body = ::std::option::Option::Some(value.into());
                        self
                    }
                };
                (
                    quote! { __body: ::std::option::Option<#t>, },
                    vec![setter],
                    quote! {
                        if let ::std::option::Option::Some(body) = &self.__body {
                            req.body(body);
                        }
                    },
                )
            }
        }
    }
}

/// The `__rt::Operation` constant of an operation: everything the runtime needs to send it.
fn operation_const(op: &Operation) -> TokenStream {
    let name = &op.id;
    let method = format_ident!(
        "{}",
        match op.method {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Patch => "Patch",
            Method::Delete => "Delete",
        }
    );
    let path = &op.path;
    let auth = format_ident!(
        "{}",
        match op.auth {
            AuthNeed::Session => "Session",
            AuthNeed::AccessToken => "AccessToken",
            AuthNeed::None => "None",
        }
    );
    let idempotent = op.idempotent;
    let body = match &op.body {
        None => quote! { __rt::BodyKind::None },
        Some(Body::Empty) => quote! { __rt::BodyKind::json(true) },
        Some(Body::Model { required, .. }) => quote! { __rt::BodyKind::json(#required) },
    };
    // A declared media type (or a binary body) needs the variants that carry `Accept`; plain
    // text keeps `Text`, whose `Accept` is the default `text/plain`.
    let response = match (op.response.format, op.response.content_type.as_deref()) {
        (ResponseFormat::Json, None) => quote! { Json },
        (ResponseFormat::Json, Some(media)) => quote! { JsonAs { accept: #media } },
        (ResponseFormat::Text, None) => quote! { Text },
        (ResponseFormat::Text, Some(media)) => quote! { TextAs { accept: #media } },
        (ResponseFormat::Binary, _) => match &op.response.base64_field {
            Some(field) => quote! { BinaryOrBase64Json { field: #field } },
            None => {
                let media = op.response.media_type().unwrap_or(crate::ir::DEFAULT_BINARY_MEDIA_TYPE);
                quote! { Binary { accept: #media } }
            }
        },
        (ResponseFormat::None, _) => quote! { None },
    };
    let pagination = match &op.pagination {
        None => quote! { ::std::option::Option::None },
        Some(p) => {
            let (o, c, i, n) = (&p.offset_param, &p.count_param, &p.items_field, &p.next_field);
            let max = match p.max_count {
                Some(m) => {
                    let m = Literal::u32_unsuffixed(m);
                    quote! { ::std::option::Option::Some(#m) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let end = format_ident!(
                "{}",
                match p.end {
                    PageEnd::NextAbsent => "NextAbsent",
                    PageEnd::ShortPage => "ShortPage",
                    PageEnd::NextAbsentOrShortPage => "NextAbsentOrShortPage",
                }
            );
            quote! {
                ::std::option::Option::Some(__rt::Pagination {
                    offset_param: #o, count_param: #c, items_field: #i, next_field: #n, max_count: #max, end: __rt::PageEnd::#end,
                })
            }
        }
    };
    let rate_limit = match &op.rate_limit {
        None => quote! { ::std::option::Option::None },
        Some(r) => {
            let (c, s) = (Literal::u32_unsuffixed(r.calls), Literal::u32_unsuffixed(r.per_seconds));
            let m = match r.max_in_flight {
                Some(m) => {
                    let m = Literal::u32_unsuffixed(m);
                    quote! { ::std::option::Option::Some(#m) }
                }
                None => quote! { ::std::option::Option::None },
            };
            quote! { ::std::option::Option::Some(__rt::RateLimit { calls: #c, per_seconds: #s, max_in_flight: #m }) }
        }
    };
    // Only the fields that differ from `__rt::Operation::DEFAULT` (session auth, not idempotent,
    // no body, JSON response, no pagination or rate limit, not deprecated, not agent-allowed).
    let deprecated = op.deprecated.is_some();
    let agent = op.agent_allowed;
    let optional = [
        (op.auth != AuthNeed::Session, quote! { auth: __rt::AuthNeed::#auth }),
        (idempotent, quote! { idempotent: true }),
        (op.body.is_some(), quote! { body: #body }),
        (op.response.format != ResponseFormat::Json || op.response.content_type.is_some(), quote! { response: __rt::ResponseFormat::#response }),
        (op.pagination.is_some(), quote! { pagination: #pagination }),
        (op.rate_limit.is_some(), quote! { rate_limit: #rate_limit }),
        (deprecated, quote! { deprecated: true }),
        (agent, quote! { agent_allowed: true }),
    ];
    let fields = optional.into_iter().filter(|(differs, _)| *differs).map(|(_, f)| f);
    quote! {
        __rt::Operation {
            name: #name,
            method: __rt::Method::#method,
            path: #path,
            #(#fields,)*
            ..__rt::Operation::DEFAULT
        }
    }
}


//! The API module (`livevox/mod.rs`): the static `API` description, the `Environment` enum,
//! the API's `Client` with its builder and one accessor per category.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc, doc_text, first_sentence, inner_doc, paragraphs};
use super::tokens::{lit_str, opt_str};
use super::{feature_gate, Config};
use crate::ir::*;

pub(super) fn emit_api(api: &Api, rt: &syn::Path, config: &Config) -> TokenStream {
    let header_doc = inner_doc(&paragraphs(&[
        api.description.as_deref().map(doc_text).unwrap_or_default(),
        "Start with [`Client::builder`]; each category of operations is a method of [`Client`].".to_string(),
    ]));
    // Module docs live in each module's own `//!` lines: outer docs here would be merged with
    // them and make rustdoc resolve the module's links in this scope instead of its own.
    let cat_mods = api.categories.iter().map(|c| {
        let m = format_ident!("{}", c.module);
        let gate = feature_gate(config, &c.module);
        quote! { #gate pub mod #m; }
    });
    let spec = api_static(api);
    let environment = environment(api);
    let client = client(api, config);
    let error_body = super::responses::error_body_alias(api, config);
    quote! {
        #header_doc
        #[allow(unused_imports)]
        use #rt as __rt;

        #(#cat_mods)*

        #spec
        #environment
        #client
        #error_body
    }
}

/// `Some(service)` or `None`.
fn service(api: &Api) -> TokenStream {
    match api.service {
        Some(s) => {
            let s = Literal::i64_unsuffixed(s);
            quote! { ::std::option::Option::Some(#s) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

/// The static `API` description the runtime works from.
fn api_static(api: &Api) -> TokenStream {
    let env_pairs = api.environments.iter().map(|e| {
        let n = lit_str(&e.wire_name);
        let u = lit_str(&e.base_url);
        quote! { (#n, #u) }
    });
    let default_env = opt_str(api.default_environment.as_deref());
    let headers = api.headers.iter().map(|h| {
        let n = lit_str(&h.name);
        let v = lit_str(&h.value);
        quote! { __rt::HeaderSpec { name: #n, value: #v } }
    });
    let auth = auth_tokens(&api.auth);
    let json_err = match &api.errors.json {
        Some((c, m)) => quote! { ::std::option::Option::Some((#c, #m)) },
        None => quote! { ::std::option::Option::None },
    };
    let xml_err = match &api.errors.xml {
        Some((e, c, m)) => quote! { ::std::option::Option::Some((#e, #c, #m)) },
        None => quote! { ::std::option::Option::None },
    };
    let service = service(api);
    let api_name = lit_str(&api.wire_name);
    let (content_type, server_rate_limit) = super::responses::api_http_tokens(api);
    quote! {
        /// The static description of this API that the runtime works from.
        pub static API: __rt::ApiSpec = __rt::ApiSpec {
            name: #api_name,
            environments: &[#(#env_pairs),*],
            default_environment: #default_env,
            headers: &[#(#headers),*],
            auth: #auth,
            errors: __rt::ErrorFormat { json: #json_err, xml: #xml_err },
            service: #service,
            content_type: #content_type,
            server_rate_limit: #server_rate_limit,
        };
    }
}

/// The `Environment` enum: one variant per environment of the spec.
fn environment(api: &Api) -> TokenStream {
    let env_variants = api.environments.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let d = doc(&format!("{}: <{}>", e.wire_name, e.base_url));
        quote! { #d #v }
    });
    let env_names = api.environments.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let n = lit_str(&e.wire_name);
        quote! { Environment::#v => #n }
    });
    let env_urls = api.environments.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        let u = lit_str(&e.base_url);
        quote! { Environment::#v => #u }
    });
    let env_all = api.environments.iter().map(|e| {
        let v = format_ident!("{}", e.rust_name);
        quote! { Environment::#v }
    });
    let env_doc = doc(&format!(
        "The environments of the {} API. Pass one to [`ClientBuilder::environment`](__rt::ClientBuilder::environment), or set a custom base URL.",
        api.wire_name
    ));
    quote! {
        #env_doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Environment {
            #(#env_variants,)*
        }

        impl Environment {
            /// Every environment, in spec order.
            pub const ALL: &'static [Environment] = &[#(#env_all),*];

            /// The environment's name as the spec gives it.
            pub const fn name(self) -> &'static str {
                match self { #(#env_names,)* }
            }

            /// The environment's base URL.
            pub const fn base_url(self) -> &'static str {
                match self { #(#env_urls,)* }
            }
        }

        impl __rt::Environment for Environment {
            fn base_url(&self) -> &'static str {
                Environment::base_url(*self)
            }
        }
    }
}

/// The API's `Client`: its builder (taking the header placeholders) and one accessor per
/// category with operations.
fn client(api: &Api, config: &Config) -> TokenStream {
    // A category with only models and enums (shared types) has no client.
    let accessors = api.categories.iter().filter(|c| !c.operations.is_empty()).map(|c| {
        let m = format_ident!("{}", c.module);
        let ct = format_ident!("{}", c.client_type);
        let gate = feature_gate(config, &c.module);
        let d = doc(&paragraphs(&[
            c.description.as_deref().map(|d| first_sentence(&doc_text(d))).unwrap_or_default(),
            if c.operations.iter().all(|o| o.path.starts_with(&c.path_prefix)) {
                format!("Operations under `{}`.", c.path_prefix)
            } else {
                format!("Operations under `{}`, and some with paths of their own.", c.path_prefix)
            },
        ]));
        quote! {
            #d
            #gate
            pub fn #m(&self) -> #m::#ct {
                #m::#ct::new(self.inner.clone())
            }
        }
    });

    // Header values the caller supplies (`${name}` in a header of the spec) are arguments of
    // `builder`, so a client cannot be built without them.
    let builder_args = api.builder_args.iter().map(|a| {
        let arg = format_ident!("{}", a.rust_name);
        quote! { #arg: impl ::std::convert::Into<::std::string::String> }
    });
    let builder_sets = api.builder_args.iter().map(|a| {
        let (p, arg) = (&a.placeholder, format_ident!("{}", a.rust_name));
        quote! { .header_param(#p, #arg) }
    });
    let builder_doc = doc(&if api.builder_args.is_empty() {
        "Starts configuring a client.".to_string()
    } else {
        let list: Vec<String> = api
            .headers
            .iter()
            .filter(|h| !h.placeholders.is_empty())
            .map(|h| format!("- `{}: {}`", h.name, h.value))
            .collect();
        format!("Starts configuring a client. The arguments fill the `${{...}}` placeholders of the API's headers:\n\n{}", list.join("\n"))
    });
    let client_doc = doc(&paragraphs(&[
        format!("A client of the {} API: cheap to clone; clones share connections and authorization.", api.wire_name),
        "Build one with [`Client::builder`].".to_string(),
    ]));
    let service = service(api);
    quote! {
        #client_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: __rt::Client,
        }

        /// Configures a [`Client`].
        pub type ClientBuilder = __rt::ClientBuilder<Client>;

        impl __rt::ApiClient for Client {
            fn api() -> &'static __rt::ApiSpec {
                &API
            }

            fn from_runtime(client: __rt::Client) -> Self {
                Client { inner: client }
            }
        }

        impl Client {
            #builder_doc
            pub fn builder(#(#builder_args),*) -> ClientBuilder {
                __rt::ClientBuilder::new()#(#builder_sets)*
            }

            /// The LiveVox service this API is associated with, if the spec names one.
            pub const SERVICE: ::std::option::Option<i64> = #service;

            /// The runtime client underneath: session, configuration and raw calls.
            pub fn runtime(&self) -> &__rt::Client {
                &self.inner
            }

            #(#accessors)*
        }
    }
}

fn auth_tokens(auth: &Auth) -> TokenStream {
    match auth {
        Auth::None => quote! { __rt::AuthScheme::None },
        Auth::LiveVox { session_header, expired_status, login } => {
            let login = match login {
                Some(l) => {
                    let (o, p, a, s) = (&l.operation, &l.path, &l.access_header, &l.session_id_field);
                    let (client, user, password, agent) =
                        (opt_str(l.fields.client.as_deref()), &l.fields.user, &l.fields.password, opt_str(l.fields.agent.as_deref()));
                    let fields = quote! { __rt::LoginFields { client: #client, user: #user, password: #password, agent: #agent } };
                    quote! { ::std::option::Option::Some(__rt::LoginSpec { operation: #o, path: #p, fields: #fields, access_header: #a, session_id_field: #s }) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let status = Literal::u16_unsuffixed(*expired_status);
            quote! { __rt::AuthScheme::LiveVox { session_header: #session_header, expired_status: #status, login: #login } }
        }
        Auth::Basic => quote! { __rt::AuthScheme::Basic },
        Auth::Bearer { header, prefix } => quote! { __rt::AuthScheme::Bearer { header: #header, prefix: #prefix } },
        Auth::OAuth1 => quote! { __rt::AuthScheme::OAuth1 },
        Auth::OAuth2 { header, prefix, token_url, scopes } => {
            let token_url = opt_str(token_url.as_deref());
            quote! { __rt::AuthScheme::OAuth2 { header: #header, prefix: #prefix, token_url: #token_url, scopes: &[#(#scopes),*] } }
        }
    }
}


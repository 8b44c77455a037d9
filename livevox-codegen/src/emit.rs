//! Emission: the IR becomes token streams, one per output file. Reads only the IR.
//!
//! What the generated code looks like, and why:
//! - It names std items by absolute path (`::std::option::Option`) and reaches the runtime only
//!   through one alias, `__rt`, so no spec name (a model called `Option`, `Result` or `Client`)
//!   can shadow anything it relies on.
//! - It is thin: an operation is a request builder that fills in a static `__rt::Operation` and
//!   hands a `__rt::Request` to `__rt::Client::execute` (`execute_bytes` for a binary body).
//!   Auth, URLs, headers, errors and decoding are the runtime's.
//! - Models and enums are forward compatible: `#[non_exhaustive]`, constructors for the required
//!   fields, and an `Unknown` variant on every enum.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::*;
use crate::types::Prim;

/// Where the generated code finds the runtime, and whether categories are cargo features.
#[derive(Debug, Clone)]
pub struct Config {
    /// Path of the runtime module, e.g. `crate::__rt` inside `livevox-generated`, or
    /// `::livevox_generated::__rt` for code generated into another crate.
    pub runtime_path: String,
    /// Gate each category module behind a cargo feature of the same name.
    pub feature_gates: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { runtime_path: "crate::__rt".into(), feature_gates: true }
    }
}

/// One emitted file: its path relative to the generated root, what it was generated from, and
/// its tokens.
pub struct EmittedFile {
    /// e.g. `livevox/compliance.rs`.
    pub path: String,
    /// The spec file it comes from, for the `@generated` header.
    pub source: String,
    pub tokens: TokenStream,
}

/// A file as [`emit_each`] hands it out: either its tokens, or (for a category file, which can
/// be large) the number of its pieces and a function that makes piece `i`. Pieces are made one
/// at a time as they are formatted, so only one piece's tokens are alive (a category of 13,000
/// models held about 1 GB of tokens), and the function can be called from several threads, so
/// the pieces of one big file can be formatted in parallel.
pub struct EmittedItems<'a> {
    /// e.g. `livevox/compliance.rs`.
    pub path: String,
    /// The spec file it comes from, for the `@generated` header.
    pub source: String,
    pub items: Items<'a>,
}

/// The contents of an [`EmittedItems`].
pub enum Items<'a> {
    Whole(TokenStream),
    /// `count` pieces in order: the file's inner docs and `use` first, then one item (or a few
    /// items that belong together) each.
    Pieces { count: usize, piece: Box<dyn Fn(usize) -> TokenStream + Sync + 'a> },
}

impl Items<'_> {
    /// Every piece in order, made on this thread.
    pub fn into_tokens(self) -> TokenStream {
        match self {
            Items::Whole(tokens) => tokens,
            Items::Pieces { count, piece } => (0..count).map(piece).collect(),
        }
    }
}

/// Emits every file for the IR.
pub fn emit(ir: &Ir, config: &Config) -> Result<Vec<EmittedFile>, String> {
    let mut files = Vec::new();
    emit_each(ir, config, |f| {
        files.push(EmittedFile { path: f.path, source: f.source, tokens: f.items.into_tokens() });
        Ok(())
    })?;
    Ok(files)
}

/// Emits the files for the IR one at a time, handing each to `sink` before emitting the next, so
/// that a caller which formats each item as it is made never holds the tokens of a whole file.
pub fn emit_each(ir: &Ir, config: &Config, mut sink: impl FnMut(EmittedItems<'_>) -> Result<(), String>) -> Result<(), String> {
    let rt: syn::Path =
        syn::parse_str(&config.runtime_path).map_err(|e| format!("runtime path `{}`: {e}", config.runtime_path))?;
    let models = model_index(ir);
    let boxed = boxed_fields(&models);
    let sources: BTreeSet<&str> = ir.apis.iter().map(|a| a.source_file.as_str()).collect();
    let api_mods = ir.apis.iter().map(|api| format_ident!("{}", api.module));
    let whole = Items::Whole;
    sink(EmittedItems {
        path: "mod.rs".into(),
        source: sources.into_iter().collect::<Vec<_>>().join(", "),
        items: whole({
            let d = inner_doc("The generated API modules, one per API document in the spec.");
            quote! { #d #(pub mod #api_mods;)* }
        }),
    })?;
    for api in &ir.apis {
        sink(EmittedItems { path: format!("{}/mod.rs", api.module), source: api.source_file.clone(), items: whole(emit_api(api, &rt, config)) })?;
        for cat in &api.categories {
            sink(EmittedItems {
                path: format!("{}/{}.rs", api.module, cat.module),
                source: cat.source_file.clone(),
                items: emit_category(cat, &config.runtime_path, &models, &boxed, config),
            })?;
        }
    }
    Ok(())
}

/// The cargo `[features]` table: one feature per category, all on by default, with the
/// features of categories whose types it uses.
pub fn features_table(ir: &Ir) -> String {
    let cats: Vec<&Category> = ir.apis.iter().flat_map(|a| &a.categories).collect();
    let mut out = String::from("[features]\n");
    let all: Vec<String> = cats.iter().map(|c| format!("{:?}", c.module)).collect();
    out.push_str(&format!("default = [{}]\n", all.join(", ")));
    for c in cats {
        let deps: Vec<String> = c.depends_on.iter().map(|d| format!("{d:?}")).collect();
        out.push_str(&format!("{} = [{}]\n", c.module, deps.join(", ")));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Docs

/// Makes spec prose safe for rustdoc: bare URLs get angle brackets, and outside inline code
/// `[`, `]`, `<` and `>` are escaped so prose is never read as a link or an HTML tag.
fn doc_text(text: &str) -> String {
    let mut out = String::new();
    for (i, segment) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(segment);
            continue;
        }
        let mut words = Vec::new();
        for word in segment.split(' ') {
            if word.starts_with("http://") || word.starts_with("https://") {
                let trimmed = word.trim_end_matches(['.', ',', ';', ':', ')']);
                words.push(format!("<{trimmed}>{}", &word[trimmed.len()..]));
            } else {
                words.push(word.replace('[', "\\[").replace(']', "\\]").replace('<', "&lt;").replace('>', "&gt;"));
            }
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// Doc lines are wrapped to this width so generated files read well in review.
const DOC_WIDTH: usize = 96;

/// Wraps one markdown line at spaces; list items continue indented under their text.
fn wrap_line(line: &str, out: &mut Vec<String>) {
    if line.len() <= DOC_WIDTH || line.starts_with('#') {
        out.push(line.to_string());
        return;
    }
    let indent = if line.starts_with("- ") { "  " } else { "" };
    let mut current = String::new();
    for word in line.split(' ') {
        if !current.is_empty() && current.len() + 1 + word.len() > DOC_WIDTH {
            out.push(std::mem::take(&mut current));
            current.push_str(indent);
        } else if !current.is_empty() && current != indent {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push(current);
}

fn doc_lines(text: &str) -> Vec<String> {
    let mut wrapped = Vec::new();
    for line in text.trim_end().lines() {
        wrap_line(line, &mut wrapped);
    }
    wrapped.into_iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect()
}

/// `#[doc]` attributes for a block of text, one per line, so prettyplease prints `///` lines.
fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#[doc = #lines])* }
}

/// Inner `#![doc]` attributes: the module's own docs, printed as `//!` lines.
fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#![doc = #lines])* }
}

/// Joins paragraphs (skipping empty ones) into one doc block.
fn paragraphs(parts: &[String]) -> String {
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

fn lit_str(s: &str) -> Literal {
    Literal::string(s)
}

// ---------------------------------------------------------------------------------------------
// Types

fn string_ty() -> TokenStream {
    quote! { ::std::string::String }
}

fn type_tokens(ty: &Type, here: &str) -> TokenStream {
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
        Type::Model(r) | Type::Enum(r) => named(r, here),
    }
}

fn named(r: &TypeRef, here: &str) -> TokenStream {
    let name = format_ident!("{}", r.rust_name);
    if r.module == here {
        quote! { #name }
    } else {
        let m = format_ident!("{}", r.module);
        quote! { super::#m::#name }
    }
}

/// Every model of the IR by `(category module, Rust name)`: a model may hold models of other
/// categories of its API, so whole-IR questions (may it derive `Eq`, must a field be boxed)
/// need all of them.
type ModelIndex<'a> = BTreeMap<(String, String), &'a Model>;

fn model_index(ir: &Ir) -> ModelIndex<'_> {
    ir.apis
        .iter()
        .flat_map(|a| &a.categories)
        .flat_map(|c| c.models.iter().map(move |m| ((c.module.clone(), m.rust_name.clone()), m)))
        .collect()
}

/// Whether a value of this type has `Eq` (floats and JSON values do not).
fn has_eq(ty: &Type, ir_models: &ModelIndex<'_>, seen: &mut BTreeSet<(String, String)>) -> bool {
    match ty {
        // Secrets compare, but deliberately do not promise `Eq`: the runtime keeps that choice.
        Type::Prim(Prim::Float64) | Type::Prim(Prim::Json) | Type::Secret => false,
        Type::Prim(_) | Type::Enum(_) => true,
        Type::Array(t) | Type::Map(t) => has_eq(t, ir_models, seen),
        Type::Model(r) => {
            let key = (r.module.clone(), r.rust_name.clone());
            if !seen.insert(key.clone()) {
                return true;
            }
            // A model not in the index cannot be vouched for, so it is taken as not `Eq`.
            ir_models.get(&key).is_some_and(|m| m.fields.iter().all(|f| has_eq(&f.ty, ir_models, seen)))
        }
    }
}

/// The fields that must be boxed because the model contains itself through them (directly or
/// through other models) without a `Vec` or map in between: `(module, model, field)`.
fn boxed_fields(models: &ModelIndex<'_>) -> BTreeSet<(String, String, String)> {
    // Edges of direct (unboxed) containment.
    let direct = |m: &Model| -> Vec<(String, String, String)> {
        m.fields
            .iter()
            .filter_map(|f| match &f.ty {
                Type::Model(r) => Some((r.module.clone(), r.rust_name.clone(), f.rust_name.clone())),
                _ => None,
            })
            .collect()
    };
    let mut out = BTreeSet::new();
    for ((module, name), model) in models {
        for (tm, tn, field) in direct(model) {
            // Does the target reach back to this model through direct containment?
            let mut stack = vec![(tm.clone(), tn.clone())];
            let mut seen = BTreeSet::new();
            while let Some(key) = stack.pop() {
                if key == (module.clone(), name.clone()) {
                    out.insert((module.clone(), name.clone(), field.clone()));
                    break;
                }
                if !seen.insert(key.clone()) {
                    continue;
                }
                if let Some(m) = models.get(&key) {
                    stack.extend(direct(m).into_iter().map(|(a, b, _)| (a, b)));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The API module

fn emit_api(api: &Api, rt: &syn::Path, config: &Config) -> TokenStream {
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
    let service = match api.service {
        Some(s) => {
            let s = Literal::i64_unsuffixed(s);
            quote! { ::std::option::Option::Some(#s) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let api_name = lit_str(&api.wire_name);

    // A category with only models and enums (shared types) has no client.
    let accessors = api.categories.iter().filter(|c| !c.operations.is_empty()).map(|c| {
        let m = format_ident!("{}", c.module);
        let ct = format_ident!("{}", c.client_type);
        let gate = feature_gate(config, &c.module);
        let d = doc(&paragraphs(&[
            c.description.as_deref().map(|d| first_sentence(&doc_text(d))).unwrap_or_default(),
            format!("Operations under `{}`.", c.path_prefix),
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
    let mut placeholders: Vec<&str> = api.headers.iter().flat_map(|h| h.placeholders.iter().map(String::as_str)).collect();
    placeholders.sort_unstable();
    placeholders.dedup();
    let builder_args = placeholders.iter().map(|p| {
        let arg = format_ident!("{}", crate::naming::placeholder_arg(p));
        quote! { #arg: impl ::std::convert::Into<::std::string::String> }
    });
    let builder_sets = placeholders.iter().map(|p| {
        let arg = format_ident!("{}", crate::naming::placeholder_arg(p));
        quote! { .header_param(#p, #arg) }
    });
    let builder_doc = doc(&if placeholders.is_empty() {
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

    let env_doc = doc(&format!(
        "The environments of the {} API. Pass one to [`ClientBuilder::environment`](__rt::ClientBuilder::environment), or set a custom base URL.",
        api.wire_name
    ));
    let client_doc = doc(&paragraphs(&[
        format!("A client of the {} API: cheap to clone; clones share connections and authorization.", api.wire_name),
        "Build one with [`Client::builder`].".to_string(),
    ]));

    quote! {
        #header_doc
        #[allow(unused_imports)]
        use #rt as __rt;

        #(#cat_mods)*

        /// The static description of this API that the runtime works from.
        pub static API: __rt::ApiSpec = __rt::ApiSpec {
            name: #api_name,
            environments: &[#(#env_pairs),*],
            default_environment: #default_env,
            headers: &[#(#headers),*],
            auth: #auth,
            errors: __rt::ErrorFormat { json: #json_err, xml: #xml_err },
            service: #service,
        };

        #env_doc
        #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
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

        #client_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
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

fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_string(),
        None => s.lines().next().unwrap_or_default().to_string(),
    }
}

fn feature_gate(config: &Config, module: &str) -> TokenStream {
    if config.feature_gates {
        quote! { #[cfg(feature = #module)] }
    } else {
        TokenStream::new()
    }
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
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

// ---------------------------------------------------------------------------------------------
// A category module

/// A category file, piece by piece (see [`Items::Pieces`]).
fn emit_category<'a>(
    cat: &'a Category,
    runtime_path: &'a str,
    all_models: &'a ModelIndex<'a>,
    boxed: &'a BTreeSet<(String, String, String)>,
    config: &'a Config,
) -> Items<'a> {
    let has_client = !cat.operations.is_empty();
    let client = usize::from(has_client);
    let (requests, models) = (cat.operations.len(), cat.models.len());
    let count = 1 + client + requests + models + cat.enums.len();
    let piece = move |i: usize| -> TokenStream {
        if i == 0 {
            return emit_category_head(cat, runtime_path, config);
        }
        let i = i - 1;
        if i < client {
            return emit_category_client(cat);
        }
        let i = i - client;
        if let Some(op) = cat.operations.get(i) {
            return emit_request(op, cat);
        }
        let i = i - requests;
        if let Some(m) = cat.models.get(i) {
            return emit_model(m, &cat.module, all_models, boxed);
        }
        cat.enums.get(i - models).map(emit_enum).unwrap_or_default()
    };
    Items::Pieces { count, piece: Box::new(piece) }
}

/// The start of a category file: its docs and the runtime import.
fn emit_category_head(cat: &Category, runtime_path: &str, config: &Config) -> TokenStream {
    let header_doc = inner_doc(&paragraphs(&[
        cat.description.as_deref().map(doc_text).unwrap_or_else(|| format!("The `{}` category.", cat.wire_name)),
        if cat.operations.is_empty() {
            "Types shared by other categories; no operations.".to_string()
        } else {
            format!("Operations are methods of [`{}`]; every path starts with `{}`.", cat.client_type, cat.path_prefix)
        },
        if config.feature_gates { format!("Cargo feature `{}`.", cat.module) } else { String::new() },
    ]));
    // `emit_each` has parsed the runtime path already and refused it when it does not parse.
    let rt: TokenStream = runtime_path.parse().unwrap_or_default();
    quote! {
        #header_doc
        #[allow(unused_imports)]
        use #rt as __rt;
    }
}

fn field_doc(description: Option<&str>, wire: &str, ty: &Type, deprecated: Option<&str>, extra: &[String]) -> TokenStream {
    let mut parts = vec![description.map(doc_text).unwrap_or_default()];
    parts.push(format!("Wire name `{wire}`, type `{}`.", ty.spec_name()));
    if let Some(d) = deprecated {
        parts.push(if d.is_empty() { "Deprecated.".to_string() } else { format!("Deprecated: {}", doc_text(d)) });
    }
    parts.extend(extra.iter().cloned());
    doc(&paragraphs(&parts))
}

fn emit_model(
    m: &Model,
    here: &str,
    all_models: &ModelIndex<'_>,
    boxed: &BTreeSet<(String, String, String)>,
) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let mut d = vec![m.description.as_deref().map(doc_text).unwrap_or_default()];
    if let Some(op) = &m.body_of {
        d.push(format!("Sent as the body of `{}`.", crate::naming::operation_fn(op)));
    }
    d.push("Construct with `new` (the required fields) and set optional fields with the `with_*` methods.".into());
    let model_doc = doc(&paragraphs(&d));
    let eq = has_eq(&Type::Model(TypeRef { module: here.into(), rust_name: m.rust_name.clone(), wire_name: m.wire_name.clone() }), all_models, &mut BTreeSet::new());
    let eq_derive = if eq { quote! { ::std::cmp::Eq, } } else { TokenStream::new() };

    let is_boxed = |f: &Field| boxed.contains(&(here.to_string(), m.rust_name.clone(), f.rust_name.clone()));
    let field_ty = |f: &Field| {
        let t = type_tokens(&f.ty, here);
        let t = if is_boxed(f) { quote! { ::std::boxed::Box<#t> } } else { t };
        if f.required {
            t
        } else {
            quote! { ::std::option::Option<#t> }
        }
    };
    let fields = m.fields.iter().map(|f| {
        let fname = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        let ty = field_ty(f);
        let fd = field_doc(f.description.as_deref(), wire, &f.ty, f.deprecated.as_deref(), &[]);
        let serde_attr = if f.required {
            quote! { #[serde(rename = #wire)] }
        } else {
            quote! { #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")] }
        };
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
        if !f.required {
            quote! { #fname: ::std::option::Option::None }
        } else if is_boxed(f) {
            quote! { #fname: ::std::boxed::Box::new(#fname.into()) }
        } else {
            quote! { #fname: #fname.into() }
        }
    });
    let withs = m.fields.iter().filter(|f| !f.required).map(|f| {
        let fname = format_ident!("{}", f.rust_name);
        let with = format_ident!("{}", crate::naming::with_setter(&f.rust_name));
        let t = type_tokens(&f.ty, here);
        let value = if is_boxed(f) { quote! { ::std::boxed::Box::new(value.into()) } } else { quote! { value.into() } };
        let d = doc(&format!("Sets `{}` (wire name `{}`).", f.rust_name, f.wire_name));
        quote! {
            #d
            pub fn #with(mut self, value: impl ::std::convert::Into<#t>) -> Self {
                self.#fname = ::std::option::Option::Some(#value);
                self
            }
        }
    });
    let default_derive = if required.is_empty() { quote! { ::std::default::Default, } } else { TokenStream::new() };
    let many = if required.len() > 7 { quote! { #[allow(clippy::too_many_arguments)] } } else { TokenStream::new() };

    quote! {
        #model_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, #eq_derive #default_derive __rt::serde::Serialize, __rt::serde::Deserialize)]
        #[serde(crate = "__rt::serde")]
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
    }
}

fn emit_enum(e: &Enum) -> TokenStream {
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
        let wire = match &v.wire {
            crate::spec::WireValue::Str(s) => format!("`{s}`"),
            crate::spec::WireValue::Int(i) => format!("`{i}`"),
        };
        let d = doc(&paragraphs(&[v.description.as_deref().map(doc_text).unwrap_or_default(), format!("Wire value {wire}.")]));
        quote! { #d #vn }
    });
    let known = e.variants.iter().map(|v| {
        let vn = format_ident!("{}", v.rust_name);
        quote! { #name::#vn }
    });
    let unknown_doc = doc("A value the spec does not list, kept verbatim so it can be shown or sent back.");

    let (trait_impl, serde_fns, param_fn) = match e.repr {
        EnumRepr::Str => {
            let from = e.variants.iter().map(|v| {
                let vn = format_ident!("{}", v.rust_name);
                let w = v.wire.to_string_plain();
                quote! { #w => #name::#vn }
            });
            let to = e.variants.iter().map(|v| {
                let vn = format_ident!("{}", v.rust_name);
                let w = v.wire.to_string_plain();
                quote! { #name::#vn => ::std::borrow::Cow::Borrowed(#w) }
            });
            (
                quote! {
                    impl __rt::StrEnum for #name {
                        fn from_wire(s: &str) -> ::std::option::Option<Self> {
                            ::std::option::Option::Some(match s {
                                #(#from,)*
                                _ => return ::std::option::Option::None,
                            })
                        }
                        fn unknown(v: __rt::UnknownValue) -> Self {
                            #name::#unknown(v)
                        }
                        fn wire(&self) -> ::std::borrow::Cow<'_, str> {
                            match self {
                                #(#to,)*
                                #name::#unknown(v) => v.as_str(),
                            }
                        }
                    }

                    impl #name {
                        /// The value as it goes on the wire.
                        pub fn as_str(&self) -> ::std::borrow::Cow<'_, str> {
                            __rt::StrEnum::wire(self)
                        }
                    }

                    impl ::std::convert::From<&str> for #name {
                        fn from(s: &str) -> Self {
                            <Self as __rt::StrEnum>::from_wire(s)
                                .unwrap_or_else(|| #name::#unknown(__rt::UnknownValue::from_str_value(s)))
                        }
                    }

                    impl ::std::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(&self.as_str())
                        }
                    }
                },
                (quote! { __rt::wire::serialize_str_enum }, quote! { __rt::wire::deserialize_str_enum }),
                quote! { __rt::wire::str_enum_param },
            )
        }
        EnumRepr::Int32 | EnumRepr::Int64 => {
            let from = e.variants.iter().map(|v| {
                let vn = format_ident!("{}", v.rust_name);
                let w = match &v.wire {
                    crate::spec::WireValue::Int(i) => Literal::i64_unsuffixed(*i),
                    crate::spec::WireValue::Str(s) => Literal::i64_unsuffixed(s.parse().unwrap_or_default()),
                };
                quote! { #w => #name::#vn }
            });
            let to = e.variants.iter().map(|v| {
                let vn = format_ident!("{}", v.rust_name);
                let w = match &v.wire {
                    crate::spec::WireValue::Int(i) => Literal::i64_unsuffixed(*i),
                    crate::spec::WireValue::Str(s) => Literal::i64_unsuffixed(s.parse().unwrap_or_default()),
                };
                quote! { #name::#vn => ::std::option::Option::Some(#w) }
            });
            (
                quote! {
                    impl __rt::IntEnum for #name {
                        fn from_wire(i: i64) -> ::std::option::Option<Self> {
                            ::std::option::Option::Some(match i {
                                #(#from,)*
                                _ => return ::std::option::Option::None,
                            })
                        }
                        fn unknown(v: __rt::UnknownValue) -> Self {
                            #name::#unknown(v)
                        }
                        fn wire(&self) -> ::std::option::Option<i64> {
                            match self {
                                #(#to,)*
                                #name::#unknown(v) => v.as_i64(),
                            }
                        }
                    }

                    impl #name {
                        /// The code as it goes on the wire; `None` only for an unknown value that
                        /// was not an integer.
                        pub fn code(&self) -> ::std::option::Option<i64> {
                            __rt::IntEnum::wire(self)
                        }
                    }

                    impl ::std::convert::From<i64> for #name {
                        fn from(i: i64) -> Self {
                            <Self as __rt::IntEnum>::from_wire(i)
                                .unwrap_or_else(|| #name::#unknown(__rt::UnknownValue::from_int_value(i)))
                        }
                    }

                    impl ::std::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            match self.code() {
                                ::std::option::Option::Some(c) => ::std::write!(f, "{c}"),
                                ::std::option::Option::None => ::std::write!(f, "{:?}", self),
                            }
                        }
                    }
                },
                (quote! { __rt::wire::serialize_int_enum }, quote! { __rt::wire::deserialize_int_enum }),
                quote! { __rt::wire::int_enum_param },
            )
        }
    };
    let (ser, de) = serde_fns;
    quote! {
        #enum_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            #unknown_doc
            #unknown(__rt::UnknownValue),
        }

        impl #name {
            /// Every value the spec lists.
            pub const KNOWN: &'static [#name] = &[#(#known),*];
        }

        #trait_impl

        impl __rt::serde::Serialize for #name {
            fn serialize<S: __rt::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #ser(self, serializer)
            }
        }

        impl<'de> __rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: __rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #de(deserializer)
            }
        }

        impl __rt::ToParam for #name {
            fn to_param(&self, out: &mut ::std::vec::Vec<::std::string::String>) {
                #param_fn(self, out)
            }
        }
    }
}

trait WirePlain {
    fn to_string_plain(&self) -> String;
}

impl WirePlain for crate::spec::WireValue {
    fn to_string_plain(&self) -> String {
        match self {
            crate::spec::WireValue::Str(s) => s.clone(),
            crate::spec::WireValue::Int(i) => i.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations

/// The page size a paginated request starts with: the spec's cap, else the count parameter's
/// documented default, else 100.
fn default_count(op: &Operation, p: &Param) -> i64 {
    op.pagination
        .as_ref()
        .and_then(|pg| pg.max_count.map(i64::from))
        .or_else(|| p.default.as_ref().and_then(|d| d.as_i64()))
        .unwrap_or(100)
}

fn default_offset(p: &Param) -> i64 {
    p.default.as_ref().and_then(|d| d.as_i64()).unwrap_or(0)
}

/// What an operation's method takes and stores: (name, positional?, type tokens, init tokens).
struct Slot {
    field: proc_macro2::Ident,
    /// Positional argument of the category-client method.
    positional: bool,
    /// Stored type.
    ty: TokenStream,
    /// Initial value when not positional.
    init: TokenStream,
}

fn output_type(op: &Operation, here: &str) -> TokenStream {
    match (&op.response.format, &op.response.ty) {
        (ResponseFormat::Json, Some(t)) => type_tokens(t, here),
        (ResponseFormat::Json, None) => quote! { __rt::serde_json::Value },
        (ResponseFormat::Text, _) => string_ty(),
        (ResponseFormat::Binary, _) => quote! { __rt::bytes::Bytes },
        (ResponseFormat::None, _) => quote! { () },
    }
}

fn op_doc(op: &Operation) -> String {
    let mut parts = vec![doc_text(&op.summary)];
    if let Some(d) = &op.description {
        parts.push(doc_text(d));
    }
    parts.push(match (op.response.format, op.response.media_type()) {
        (ResponseFormat::Text, Some(media)) => {
            format!("Sends `{} {}` with `Accept: {media}`; the answer is the body as text.", op.method.as_str(), op.path)
        }
        (ResponseFormat::Binary, Some(media)) => match &op.response.base64_field {
            Some(field) => format!(
                "Sends `{} {}` with `Accept: application/json`; the answer is the bytes, whether the server sends them raw \
                 (`{media}`) or base64-encoded in the `{field}` field of a JSON object.",
                op.method.as_str(),
                op.path
            ),
            None => format!(
                "Sends `{} {}` with `Accept: {media}`; the answer is the body as raw bytes, never decoded.",
                op.method.as_str(),
                op.path
            ),
        },
        _ => format!("Sends `{} {}`.", op.method.as_str(), op.path),
    });
    let auth = match op.auth {
        AuthNeed::Session => "Authorization: the client's session (logged in on first use, renewed when it expires).",
        AuthNeed::AccessToken => "Authorization: the access token, no session.",
        AuthNeed::None => "Authorization: none.",
    };
    parts.push(auth.to_string());
    if op.agent_allowed {
        parts.push("Agent sessions may call it.".into());
    }
    if let Some(p) = &op.pagination {
        let end = match p.end {
            PageEnd::NextAbsent => format!("the last page is the one without `{}`", p.next_field),
            PageEnd::ShortPage => "the last page is the one with fewer items than asked for".to_string(),
            PageEnd::NextAbsentOrShortPage => {
                format!("the last page is the one without `{}` or with fewer items than asked for", p.next_field)
            }
        };
        let cap = p.max_count.map(|c| format!(" (at most {c})")).unwrap_or_default();
        parts.push(format!(
            "# Pagination\n\nOne page per call: `{}` items{cap} from `{}`, in `{}` of the response; {end}.",
            p.count_param, p.offset_param, p.items_field
        ));
    }
    if let Some(r) = &op.rate_limit {
        let inflight = r.max_in_flight.map(|n| format!(" and {n} in flight at once")).unwrap_or_default();
        parts.push(format!("# Rate limit\n\nAt most {} calls in any {} seconds{inflight}.", r.calls, r.per_seconds));
    }
    if !op.notes.is_empty() {
        let notes: Vec<String> = op.notes.iter().map(|n| format!("- {}", doc_text(n))).collect();
        parts.push(format!("# Spec notes\n\n{}", notes.join("\n")));
    }
    paragraphs(&parts)
}

fn emit_category_client(cat: &Category) -> TokenStream {
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
        let d = doc(&op_doc(op));
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
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
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
            ParamRole::PageOffset => {
                let v = Literal::i64_unsuffixed(default_offset(p));
                out.push(Slot { field, positional: false, ty: t, init: quote! { #v } });
            }
            ParamRole::PageCount => {
                let v = Literal::i64_unsuffixed(default_count(op, p));
                out.push(Slot { field, positional: false, ty: t, init: quote! { #v } });
            }
            ParamRole::Normal if p.required => out.push(Slot { field, positional: true, ty: t, init: TokenStream::new() }),
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

fn emit_request(op: &Operation, cat: &Category) -> TokenStream {
    let here = cat.module.as_str();
    let rq = format_ident!("{}", op.request_type);
    let out = output_type(op, here);
    let slots = slots(op, here);
    let fields = slots.iter().map(|s| {
        let (n, t) = (&s.field, &s.ty);
        quote! { #n: #t }
    });

    // Setters for optional parameters and the paging controls.
    let setters = op.params().zip(&slots).filter(|(_, s)| !s.positional).map(|(p, s)| {
        let n = &s.field;
        let setter = format_ident!("{}", p.setter);
        let t = type_tokens(&p.ty, here);
        let extra = match p.role {
            ParamRole::PageOffset => vec![format!("Where the page starts; defaults to {}.", default_offset(p))],
            ParamRole::PageCount => vec![format!("Items per page; defaults to {}.", default_count(op, p))],
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
    });

    // The body: a stored model, with setters for its optional inline fields.
    let (body_field, body_setters, body_send) = match &op.body {
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
                        let setter = format_ident!("{}", crate::naming::setter(&f.rust_name));
                        let ft = type_tokens(&f.ty, here);
                        let d = field_doc(f.description.as_deref(), &f.wire_name, &f.ty, f.deprecated.as_deref(), &["A field of the body.".into()]);
                        quote! {
                            #d
                            pub fn #setter(mut self, value: impl ::std::convert::Into<#ft>) -> Self {
                                self.__body.#n = ::std::option::Option::Some(value.into());
                                self
                            }
                        }
                    })
                    .collect();
                // Inline fields are always sent: with nothing set the body is `{}`.
                (quote! { __body: #t, }, setters, quote! { req.body(&self.__body); })
            } else if *required {
                (quote! { __body: #t, }, Vec::new(), quote! { req.body(&self.__body); })
            } else {
                let d = doc(&paragraphs(&[
                    description.as_deref().map(doc_text).unwrap_or_default(),
                    format!("Sets the body (`{}`); without it the body is `{{}}`.", ty.wire_name),
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
    };

    let fill = op.params().zip(&slots).map(|(p, s)| {
        let n = &s.field;
        let w = &p.wire_name;
        if op.path_params.iter().any(|pp| pp.wire_name == p.wire_name && pp.rust_name == p.rust_name) {
            quote! { req.path(#w, &self.#n); }
        } else {
            quote! { req.query(#w, &self.#n); }
        }
    });

    let fill: Vec<TokenStream> = fill.collect();
    let op_const = operation_const(op);
    let paging = op.pagination.as_ref().map(|p| emit_paginated(op, p, &slots, here)).unwrap_or_default();
    let d = doc(&format!(
        "A `{}` request: set optional parameters, then `.await` it (or call [`send`]({}::send)).\n\nMade by `{}()` on [`{}`].",
        op.id, op.request_type, op.fn_name, cat.client_type
    ));
    let media = op.response.media_type().unwrap_or_default();
    let out_doc = doc(&match op.response.format {
        ResponseFormat::Json => format!("Sends the request and decodes the `{}` response.", op.response.status),
        ResponseFormat::Text => format!("Sends the request and returns the response text (`{media}`)."),
        ResponseFormat::Binary => format!("Sends the request and returns the response body (`{media}`) as bytes."),
        ResponseFormat::None => "Sends the request; success has no body.".to_string(),
    });
    // Binary bodies bypass decoding: text or JSON decoding would corrupt them.
    let execute = match op.response.format {
        ResponseFormat::Binary => quote! { execute_bytes },
        _ => quote! { execute },
    };
    quote! {
        #d
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
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

            /// Overrides the client's attempt timeout for this call (each attempt, when retried).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.__limits.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Overrides the client's deadline for this call: the limit for the whole call,
            /// every attempt, backoff, login and rate-limit wait included.
            pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                self.__limits.deadline = ::std::option::Option::Some(deadline);
                self
            }

            #(#setters)*
            #(#body_setters)*

            #out_doc
            pub async fn send(self) -> ::std::result::Result<#out, __rt::Error> {
                let mut req = __rt::Request::new(&Self::OPERATION);
                req.limits(self.__limits);
                #(#fill)*
                #body_send
                self.__client.#execute(req).await
            }
        }

        impl ::std::future::IntoFuture for #rq {
            type Output = ::std::result::Result<#out, __rt::Error>;
            type IntoFuture = __rt::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }

        #paging
    }
}

/// The auto-pagination of a paginated operation: the `Paginated` impl the runtime walks with,
/// and the `pages` and `items` streams.
fn emit_paginated(op: &Operation, p: &Pagination, slots: &[Slot], here: &str) -> TokenStream {
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
                ::std::boxed::Box::pin(self.send())
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
        Some(Body::Empty) => quote! { __rt::BodyKind::Json { required: true } },
        Some(Body::Model { required, .. }) => quote! { __rt::BodyKind::Json { required: #required } },
    };
    // A declared media type (or a binary body) needs the variants that carry `Accept`; plain
    // text keeps `Text`, whose `Accept` is the default `text/plain`.
    let response = match (op.response.format, op.response.content_type.as_deref()) {
        (ResponseFormat::Json, _) => quote! { Json },
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
    let deprecated = op.deprecated.is_some();
    let agent = op.agent_allowed;
    quote! {
        __rt::Operation {
            name: #name,
            method: __rt::Method::#method,
            path: #path,
            auth: __rt::AuthNeed::#auth,
            idempotent: #idempotent,
            body: #body,
            response: __rt::ResponseFormat::#response,
            pagination: #pagination,
            rate_limit: #rate_limit,
            deprecated: #deprecated,
            agent_allowed: #agent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_escapes_prose_but_not_code() {
        assert_eq!(doc_text("see [DOC] a<b> `x<y>[z]`"), "see \\[DOC\\] a&lt;b&gt; `x<y>[z]`");
        assert_eq!(doc_text("host https://api.livevox.com."), "host <https://api.livevox.com>.");
    }
}

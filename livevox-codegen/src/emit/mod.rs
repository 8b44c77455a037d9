//! Emission: the IR becomes token streams, one per output file. Reads only the IR and takes no
//! decision of its own (names, derives, boxing, parameter positions are the IR's); each
//! submodule prints one kind of item: `api` (the API module), `models`, `enums`, `operations`
//! (request builders and the category client), `pagination`, `serde_attrs` (a model's serde
//! attributes), with `docs` (doc rendering) and `tokens` (types and literals) shared. This
//! module holds the entry points, [`Config`] and the category file's order of pieces.
//!
//! What the generated code looks like, and why:
//! - It names std items by absolute path (`::std::option::Option`) and reaches the runtime only
//!   through one alias, `__rt`, so no spec name (a model called `Option`, `Result` or `Client`)
//!   can shadow anything it relies on. Derive macros are the exception: `#[derive(Clone,
//!   Debug)]` names them by their prelude names, which live in the macro namespace, where no
//!   generated item goes (a model called `Clone` is a type; the derives expand to absolute
//!   paths). It keeps each derive list on one line.
//! - Per-type boilerplate that never varies (a request builder's `timeout`, `deadline`, `send`
//!   and `IntoFuture`; an enum's conversions and serde impls) is one invocation of a runtime
//!   macro (`__rt::request_builder!`, `__rt::str_enum!`, `__rt::int_enum!`; the runtime's
//!   `emitted` module). That moves lines out of the generated files; it compiles to the same code.
//! - Serde attributes say only what serde's defaults do not (`serde_attrs`).
//! - It is thin: an operation is a request builder whose `__rt::Call` impl fills in a
//!   `__rt::Request` for its static `__rt::Operation` (`prepare`) and names how its answer is read
//!   (`Decode`: `__rt::Json`, or `__rt::Binary` for a binary body). It has no async code of its own: sending is
//!   one non-generic call path in the runtime. Auth, URLs, headers, errors and decoding are the
//!   runtime's.
//! - Models and enums are forward compatible: `#[non_exhaustive]`, constructors for the required
//!   fields, and an `Unknown` variant on every enum.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::*;

mod api;
pub(crate) mod calls;

mod docs;
mod enums;
mod models;
mod operations;
mod pagination;
mod responses;
mod serde_attrs;
mod tokens;
pub(crate) mod unions;

use docs::{doc_text, inner_doc, paragraphs};

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
pub fn emit_each<'a>(ir: &'a Ir, config: &'a Config, mut sink: impl FnMut(EmittedItems<'a>) -> Result<(), String>) -> Result<(), String> {
    let rt: syn::Path =
        syn::parse_str(&config.runtime_path).map_err(|e| format!("runtime path `{}`: {e}", config.runtime_path))?;
    let sources: BTreeSet<&str> = ir.apis.iter().map(|a| a.source_file.as_str()).collect();
    let api_mods = ir.apis.iter().map(|api| format_ident!("{}", api.module));
    let whole = Items::Whole;
    sink(EmittedItems {
        path: "mod.rs".into(),
        source: sources.into_iter().collect::<Vec<_>>().join(", "),
        items: whole({
            let d = inner_doc("The generated API modules, one per API document in the spec.");
            // The size limits of hand-written code (clippy.toml) do not apply to generated code:
            // an enum of 100 values has a 100-arm match.
            quote! { #d #![allow(clippy::too_many_lines)] #(pub mod #api_mods;)* }
        }),
    })?;
    for api in &ir.apis {
        sink(EmittedItems { path: format!("{}/mod.rs", api.module), source: api.source_file.clone(), items: whole(api::emit_api(api, &rt, config)) })?;
        for cat in &api.categories {
            sink(EmittedItems {
                path: format!("{}/{}.rs", api.module, cat.module),
                source: cat.source_file.clone(),
                items: emit_category(cat, &config.runtime_path, config),
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


pub(crate) fn feature_gate(config: &Config, module: &str) -> TokenStream {
    if config.feature_gates {
        quote! { #[cfg(feature = #module)] }
    } else {
        TokenStream::new()
    }
}

// ---------------------------------------------------------------------------------------------
// A category module

/// A category file, piece by piece (see [`Items::Pieces`]).
fn emit_category<'a>(cat: &'a Category, runtime_path: &'a str, config: &'a Config) -> Items<'a> {
    let has_client = !cat.operations.is_empty();
    let client = usize::from(has_client);
    let (requests, models) = (cat.operations.len(), cat.models.len());
    let count = 1 + client + requests + models + cat.enums.len() + cat.unions.len();
    let piece = move |i: usize| -> TokenStream {
        if i == 0 {
            return emit_category_head(cat, runtime_path, config);
        }
        let i = i - 1;
        if i < client {
            return operations::emit_category_client(cat);
        }
        let i = i - client;
        if let Some(op) = cat.operations.get(i) {
            return operations::emit_request(op, cat);
        }
        let i = i - requests;
        if let Some(m) = cat.models.get(i) {
            return models::emit_model(m, &cat.module);
        }
        let i = i - models;
        if let Some(e) = cat.enums.get(i) {
            return enums::emit_enum(e);
        }
        cat.unions.get(i - cat.enums.len()).map(|u| unions::emit_union(u, &cat.module)).unwrap_or_default()
    };
    Items::Pieces { count, piece: Box::new(piece) }
}

/// The start of a category file: its docs and the runtime import.
fn emit_category_head(cat: &Category, runtime_path: &str, config: &Config) -> TokenStream {
    let header_doc = inner_doc(&paragraphs(&[
        cat.description.as_deref().map(doc_text).unwrap_or_else(|| format!("The `{}` category.", cat.wire_name)),
        if cat.operations.is_empty() {
            "Types shared by other categories; no operations.".to_string()
        } else if cat.operations.iter().all(|o| o.path.starts_with(&cat.path_prefix)) {
            format!("Operations are methods of [`{}`]; every path starts with `{}`.", cat.client_type, cat.path_prefix)
        } else {
            format!("Operations are methods of [`{}`]; paths start with `{}` unless an operation gives its own.", cat.client_type, cat.path_prefix)
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

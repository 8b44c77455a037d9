//! The secrets-in-`Debug` test: `tests/tests/livevox/generated/no_secret_in_debug.rs`, one `#[test]` per
//! category of the IR. Each fills every model of the category and every operation's request
//! builder with sentinel values (every field and parameter, optional ones included), prints
//! them with `{:?}`, and fails if a secret sentinel shows, or if a plain one does not (which
//! would mean the test cannot see values at all).
//!
//! Sentinels follow the spec's marks, not the Rust types: a field or parameter marked
//! `secret: true` (the IR's `secret` flag) gets `SECRET-SENTINEL-<n>` in every string it holds,
//! other strings `plain-<n>`. So the test fails if lowering or emission ever stops wrapping a
//! marked value in `Secret`, and a secret added to `spec/` is checked on the next
//! `cargo xtask codegen`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{json, Map, Value};

use crate::emit::calls::{self, Tables};
pub use crate::emit::calls::TestTarget;
use crate::ir::*;
use crate::types::Prim;

/// Where the test goes, relative to the workspace root.
pub const SECRETS_TEST_PATH: &str = "tests/tests/livevox/generated/no_secret_in_debug.rs";

/// What every secret sentinel starts with; the test fails if `Debug` output contains it.
const SECRET_MARK: &str = "SECRET-SENTINEL-";

/// Makes sentinel values for the types of one API at a time (`tables`), numbering them across
/// the whole file, and remembers the plain ones it handed out.
struct Sentinels<'a> {
    tables: Tables<'a>,
    target: &'a TestTarget,
    next: usize,
    plain: Vec<String>,
}

impl Sentinels<'_> {
    fn number(&mut self) -> usize {
        self.next += 1;
        self.next
    }

    /// A JSON value of `ty` with every field filled (required only, past a few levels of
    /// nesting, so that recursive models stay finite); `secret` for a value marked secret.
    fn value(&mut self, ty: &Type, secret: bool, depth: usize) -> Value {
        match ty {
            Type::Secret | Type::Prim(Prim::String) if secret => json!(format!("{SECRET_MARK}{}", self.number())),
            // A secret type without the mark would be a lowering bug; it gets a secret sentinel
            // too, since that is what it holds.
            Type::Secret => json!(format!("{SECRET_MARK}{}", self.number())),
            Type::Prim(Prim::String) => {
                let s = format!("plain-{}", self.number());
                self.plain.push(s.clone());
                json!(s)
            }
            Type::Prim(p) => match p {
                Prim::Bool => json!(true),
                Prim::Int32 | Prim::Int64 => json!(7),
                Prim::Float64 => json!(1.5),
                Prim::DateTime => json!(1_700_000_000_000_i64),
                Prim::Date => json!(1_699_920_000_000_i64),
                Prim::Time => json!(3_600_000),
                Prim::Json | Prim::String => json!({}),
            },
            Type::Array(t) if depth < 8 => json!([self.value(t, secret, depth + 1)]),
            Type::Map(t) if depth < 8 => {
                let key = format!("plain-{}", self.number());
                self.plain.push(key.clone());
                let mut m = Map::new();
                m.insert(key, self.value(t, secret, depth + 1));
                Value::Object(m)
            }
            Type::Array(_) => json!([]),
            Type::Map(_) => json!({}),
            Type::Enum(r) => self.tables.first_value(r),
            Type::Union(r) => match self.tables.union(r) {
                Some(u) => crate::emit::unions::union_value(u, |t| self.value(t, secret, depth + 1)),
                None => Value::Null,
            },
            Type::Model(r) => {
                let mut out = Map::new();
                if let Some(m) = self.tables.model(r) {
                    for f in m.fields.iter().filter(|f| f.required || depth < 3) {
                        let v = self.value(&f.ty, f.secret, depth + 1);
                        out.insert(f.wire_name.clone(), crate::emit::unions::retime(v, &f.ty, f.time_format));
                    }
                }
                Value::Object(out)
            }
        }
    }

    /// A sentinel value of `ty` as Rust: decoded, or built where `ty` is only ever sent.
    fn decoded(&mut self, ty: &Type, secret: bool, api: &Api, what: &str) -> Result<TokenStream, String> {
        let v = self.value(ty, secret, 0);
        calls::built(ty, &v, TimeFormat::EpochMillis, what, api, &self.tables, self.target)
    }

    /// `check("what", &value, &[plain sentinels handed out since `mark`])`.
    fn check(&mut self, what: &str, value: TokenStream, mark: usize) -> TokenStream {
        let plain: Vec<Literal> = self.plain.drain(mark..).map(|s| Literal::string(&s)).collect();
        let what = Literal::string(what);
        quote! { check(#what, &#value, &[#(#plain),*]); }
    }
}

/// Emits and formats the test file for the IR, for LiveVox's test crate.
pub fn no_secret_in_debug(ir: &Ir) -> Result<String, String> {
    no_secret_in_debug_for(ir, &TestTarget::default())
}

/// Emits and formats the test file for the IR, its clients and types found where `target` says.
pub fn no_secret_in_debug_for(ir: &Ir, target: &TestTarget) -> Result<String, String> {
    let mut next = 0;
    let many_apis = ir.apis.len() > 1;
    let mut items = Vec::new();
    for api in &ir.apis {
        let mut s = Sentinels { tables: Tables::of(api), target, next, plain: Vec::new() };
        items.push(client_fn(api, target));
        for cat in &api.categories {
            items.push(category_test(&mut s, api, cat, many_apis)?);
        }
        next = s.next;
    }
    let doc = [
        " No secret in `Debug`: every model and every operation's request builder of `spec/`,",
        " filled with sentinel values, is printed with `{:?}`; a value marked `secret: true` must",
        " never show, and every plain value must (so the test sees values at all). Generated from",
        " the spec by `cargo xtask codegen`, so a new secret is checked as soon as it is declared.",
    ];
    let mark = Literal::string(SECRET_MARK);
    let decode = calls::decode_fn(&[" Decodes a sentinel value into the Rust type the client takes or returns."]);
    let tokens = quote! {
        #(#![doc = #doc])*
        #![allow(deprecated, non_snake_case, clippy::too_many_lines)]

        #decode

        /// Fails when the `Debug` output of `value` shows a secret sentinel, or misses a plain one.
        fn check(what: &str, value: &dyn ::std::fmt::Debug, plain: &[&str]) {
            let debug = ::std::format!("{value:?}");
            assert!(!debug.contains(#mark), "{what}: `Debug` shows a secret: {debug}");
            for p in plain {
                assert!(debug.contains(p), "{what}: `Debug` does not show the plain value {p:?}, so secrets could hide unseen: {debug}");
            }
        }

        #(#items)*
    };
    crate::format::format_file(&calls::sources(ir, true), tokens)
}

/// `client_<api>()`: a client of the API that never connects, holding secret credentials of its
/// scheme, so that the client inside every request builder is checked too.
fn client_fn(api: &Api, target: &TestTarget) -> TokenStream {
    let m = target.api_module(api);
    let f = format_ident!("client_{}", api.module);
    let args = calls::builder_values(api, "header-");
    let secret = |what: &str| Literal::string(&format!("{SECRET_MARK}{what}"));
    let creds = match &api.auth {
        Auth::None => TokenStream::new(),
        Auth::LiveVox { login: Some(_), .. } => {
            let (token, password) = (secret("access-token"), secret("password"));
            quote! {
                .access_token(#token)
                .credentials(::livevox_generated::runtime::Credentials::user("client", "user", #password))
            }
        }
        Auth::LiveVox { login: None, .. } => {
            let s = secret("session");
            quote! { .session_id(#s) }
        }
        Auth::Basic => {
            let s = secret("basic");
            quote! { .basic_auth("user", #s) }
        }
        Auth::Bearer { .. } => {
            let s = secret("bearer");
            quote! { .bearer_token(#s) }
        }
        Auth::OAuth1 => {
            let (cs, t, ts) = (secret("consumer-secret"), secret("token"), secret("token-secret"));
            quote! { .oauth1("consumer-key", #cs, #t, #ts) }
        }
        Auth::OAuth2 { .. } => {
            let s = secret("client-secret");
            quote! { .oauth2_client_credentials("client-id", #s) }
        }
    };
    quote! {
        fn #f() -> #m::Client {
            #m::Client::builder(#(#args),*)
                .base_url("https://debug.invalid")
                #creds
                .build()
                .expect("a client builds")
        }
    }
}

fn category_test(s: &mut Sentinels<'_>, api: &Api, cat: &Category, many_apis: bool) -> Result<TokenStream, String> {
    let name = if many_apis { format_ident!("{}__{}", api.module, cat.module) } else { format_ident!("{}", cat.module) };
    let mut checks = Vec::new();
    for m in &cat.models {
        let mark = s.plain.len();
        let ty = Type::Model(TypeRef { module: cat.module.clone(), rust_name: m.rust_name.clone(), wire_name: m.wire_name.clone() });
        let value = s.decoded(&ty, false, api, &format!("model {}", m.rust_name))?;
        checks.push(s.check(&format!("model {}", m.rust_name), value, mark));
    }
    for op in &cat.operations {
        let mark = s.plain.len();
        let builder = request_builder(s, api, cat, op)?;
        checks.push(s.check(&format!("the request builder of {}", op.id), builder, mark));
    }
    let client = format_ident!("client_{}", api.module);
    let doc = Literal::string(&format!(" `{}`: its models and request builders.", cat.module));
    Ok(quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let client = #client();
            #(#checks)*
        }
    })
}

/// `client.<category>().<operation>(required...).<setter>(optional)...`, every parameter and
/// body field given.
fn request_builder(s: &mut Sentinels<'_>, api: &Api, cat: &Category, op: &Operation) -> Result<TokenStream, String> {
    let inputs = calls::inputs(op, &s.tables);
    let values = inputs.iter().map(|i| Ok((i, Some(s.decoded(&i.ty, i.secret, api, &i.what)?)))).collect::<Result<Vec<_>, String>>()?;
    calls::call(cat, op, values)
}

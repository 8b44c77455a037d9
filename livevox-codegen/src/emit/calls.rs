//! What the generated test files share (`emit_e2e`, `emit_secrets`, `emit_fuzz`): the models
//! and enums of an API by name, Rust types by absolute path from the test crate, values made up
//! from a type, the `decode` helper and its calls, the inputs of an operation call in the order
//! the generated method takes them, the list of spec files a test comes from, and
//! [`TestTarget`]: which crate holds the clients and how the simulator is built.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{json, Map, Value};

use crate::ir::*;
use crate::types::Prim;

/// Where a generated test finds the clients it calls and the simulator it starts. The default
/// is LiveVox's (`tests/`: every API in `::livevox_generated`, the plain simulator); another
/// crate's tests (the sample APIs') name their own crate for their own modules and a simulator
/// that also serves their spec.
#[derive(Clone, Debug)]
pub struct TestTarget {
    /// The crate of the APIs' modules, as a Rust path (`::livevox_generated`).
    pub client_crate: TokenStream,
    /// The API modules that `client_crate` holds; `None` for all of them. The others are
    /// LiveVox's, in `::livevox_generated` (a sample API's test borrows LiveVox's login).
    pub modules: Option<Vec<String>>,
    /// The expression that makes a simulator builder (`::livevox_sim::Simulator::builder()`).
    pub simulator: TokenStream,
}

impl Default for TestTarget {
    fn default() -> Self {
        TestTarget {
            client_crate: quote! { ::livevox_generated },
            modules: None,
            simulator: quote! { ::livevox_sim::Simulator::builder() },
        }
    }
}

impl TestTarget {
    /// The path of an API's module: `<crate>::<module>`.
    pub(crate) fn api_module(&self, api: &Api) -> TokenStream {
        let m = format_ident!("{}", api.module);
        let in_crate = self.modules.as_ref().is_none_or(|ms| ms.contains(&api.module));
        if in_crate {
            let c = &self.client_crate;
            quote! { #c::#m }
        } else {
            quote! { ::livevox_generated::#m }
        }
    }
}

/// Items of one API by `(category module, Rust name)`.
pub(crate) type Index<'a, T> = BTreeMap<(String, String), &'a T>;

/// The models and enums of one API, for following a type to its definition.
pub(crate) struct Tables<'a> {
    pub models: Index<'a, Model>,
    pub enums: Index<'a, Enum>,
    pub unions: Index<'a, Union>,
}

impl<'a> Tables<'a> {
    pub fn of(api: &'a Api) -> Tables<'a> {
        let cats = || api.categories.iter();
        Tables {
            models: cats().flat_map(|c| c.models.iter().map(move |m| ((c.module.clone(), m.rust_name.clone()), m))).collect(),
            enums: cats().flat_map(|c| c.enums.iter().map(move |e| ((c.module.clone(), e.rust_name.clone()), e))).collect(),
            unions: cats().flat_map(|c| c.unions.iter().map(move |u| ((c.module.clone(), u.rust_name.clone()), u))).collect(),
        }
    }

    pub fn union(&self, r: &TypeRef) -> Option<&'a Union> {
        self.unions.get(&(r.module.clone(), r.rust_name.clone())).copied()
    }

    pub fn model(&self, r: &TypeRef) -> Option<&'a Model> {
        self.models.get(&(r.module.clone(), r.rust_name.clone())).copied()
    }

    /// The wire value of an enum's first variant, as JSON.
    pub fn first_value(&self, r: &TypeRef) -> Value {
        match self.enums.get(&(r.module.clone(), r.rust_name.clone())).and_then(|e| e.variants.first()) {
            Some(v) => v.wire.to_json(),
            None => json!("UNKNOWN"),
        }
    }
}

/// The Rust type of a spec type, by absolute path from the test crate.
pub(crate) fn rust_type(ty: &Type, api: &Api, target: &TestTarget) -> TokenStream {
    match ty {
        Type::Prim(p) => match p {
            Prim::String => quote! { ::std::string::String },
            Prim::Bool => quote! { bool },
            Prim::Int32 => quote! { i32 },
            Prim::Int64 => quote! { i64 },
            Prim::Float64 => quote! { f64 },
            Prim::DateTime => quote! { ::livevox_generated::runtime::DateTime },
            Prim::Date => quote! { ::livevox_generated::runtime::Date },
            Prim::Time => quote! { ::livevox_generated::runtime::TimeOfDay },
            Prim::Json => quote! { ::serde_json::Value },
        },
        Type::Secret => quote! { ::livevox_generated::runtime::Secret },
        Type::Array(t) => {
            let t = rust_type(t, api, target);
            quote! { ::std::vec::Vec<#t> }
        }
        Type::Map(t) => {
            let t = rust_type(t, api, target);
            quote! { ::std::collections::BTreeMap<::std::string::String, #t> }
        }
        Type::Model(r) | Type::Enum(r) | Type::Union(r) => {
            let a = target.api_module(api);
            let m = format_ident!("{}", r.module);
            let n = format_ident!("{}", r.rust_name);
            quote! { #a::#m::#n }
        }
    }
}

/// A value of a type for an argument an example does not give: required fields only, enums
/// with their first value.
pub(crate) fn made_up(ty: &Type, tables: &Tables<'_>, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    match ty {
        Type::Prim(p) => match p {
            Prim::String => json!("x"),
            Prim::Bool => json!(true),
            Prim::Int32 | Prim::Int64 => json!(1),
            Prim::Float64 => json!(1.5),
            Prim::DateTime => json!(1_700_000_000_000_i64),
            Prim::Date => json!(1_699_920_000_000_i64),
            Prim::Time => json!(3_600_000),
            Prim::Json => json!({}),
        },
        Type::Secret => json!("secret"),
        Type::Array(_) => json!([]),
        Type::Map(_) => json!({}),
        Type::Enum(r) => tables.first_value(r),
        Type::Union(r) => tables.union(r).map_or(Value::Null, |u| super::unions::union_value(u, |t| made_up(t, tables, depth + 1))),
        Type::Model(r) => {
            let mut out = Map::new();
            if let Some(m) = tables.model(r) {
                for f in m.fields.iter().filter(|f| f.required) {
                    out.insert(f.wire_name.clone(), super::unions::retime(made_up(&f.ty, tables, depth + 1), &f.ty, f.time_format));
                }
            }
            Value::Object(out)
        }
    }
}

/// The `decode` helper of a generated test file, with its doc lines.
pub(crate) fn decode_fn(doc: &[&str]) -> TokenStream {
    quote! {
        #(#[doc = #doc])*
        fn decode<T: ::serde::de::DeserializeOwned>(what: &str, json: &str) -> T {
            match ::serde_json::from_str(json) {
                ::std::result::Result::Ok(v) => v,
                ::std::result::Result::Err(e) => panic!("{what}: {json} does not decode into its Rust type: {e}"),
            }
        }
    }
}

/// `decode::<T>("what", "json")`.
pub(crate) fn decoded(ty: &TokenStream, what: &str, v: &Value) -> TokenStream {
    let what = Literal::string(what);
    let json = Literal::string(&v.to_string());
    quote! { decode::<#ty>(#what, #json) }
}

/// A Rust expression of type `ty` that holds the JSON value `v`, as a test hands it to the
/// client. Whatever serde reads is decoded (`decode::<T>(what, json)`). A model that is only
/// ever sent derives no `Deserialize` (`Model::derives`), so it is built as a caller builds
/// it: `new` with its required fields, then a `with_*` setter for each optional field the value
/// gives (`clear_*` for a nullable one given `null`), every field's own value made the same way.
/// `time` is the wire format of the times `ty` holds (a field's or parameter's own).
pub(crate) fn built(ty: &Type, v: &Value, time: TimeFormat, what: &str, api: &Api, tables: &Tables<'_>, target: &TestTarget) -> Result<TokenStream, String> {
    let build = |t: &Type, v: &Value, what: &str| built(t, v, time, what, api, tables, target);
    match (ty, v) {
        (Type::Array(t), Value::Array(items)) if needs_building(t, tables) => {
            let items = items.iter().enumerate().map(|(i, v)| build(t, v, &format!("{what}[{i}]"))).collect::<Result<Vec<_>, _>>()?;
            Ok(quote! { ::std::vec![#(#items),*] })
        }
        (Type::Map(t), Value::Object(entries)) if needs_building(t, tables) => {
            let entries = entries
                .iter()
                .map(|(k, v)| {
                    let value = build(t, v, &format!("{what}[{k:?}]"))?;
                    let k = Literal::string(k);
                    Ok(quote! { (::std::string::String::from(#k), #value) })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(quote! { ::std::collections::BTreeMap::from([#(#entries),*]) })
        }
        (Type::Model(r), _) if needs_building(ty, tables) => {
            let m = tables.model(r).ok_or_else(|| format!("internal error: {what}: no model {}", r.rust_name))?;
            built_model(m, &rust_type(ty, api, target), v, what, api, tables, target)
        }
        _ if time != TimeFormat::EpochMillis && ty.holds_time() => {
            // The value is RFC 3339 text, which the time types' own `Deserialize` does not read.
            let t = rust_type(ty, api, target);
            let what = Literal::string(what);
            let json = Literal::string(&v.to_string());
            Ok(quote! {
                ::livevox_generated::runtime::rfc3339::deserialize::<#t, _>(&mut ::serde_json::Deserializer::from_str(#json)).expect(#what)
            })
        }
        _ => Ok(decoded(&rust_type(ty, api, target), what, v)),
    }
}

/// A sent-only model built from the JSON object `v` with `new` and its setters.
fn built_model(m: &Model, path: &TokenStream, v: &Value, what: &str, api: &Api, tables: &Tables<'_>, target: &TestTarget) -> Result<TokenStream, String> {
    let Value::Object(given) = v else {
        return Err(format!("{what}: {v} is not an object, as model `{}` is", m.rust_name));
    };
    if let Some(unknown) = given.keys().find(|k| !m.fields.iter().any(|f| &f.wire_name == *k)) {
        return Err(format!("{what}: model `{}` has no field `{unknown}`", m.rust_name));
    }
    let field = |f: &Field, v: &Value| match literal(&f.ty, v) {
        Some(lit) => Ok(lit),
        None => built(&f.ty, v, f.time_format, &format!("{what}.{}", f.wire_name), api, tables, target),
    };
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for f in &m.fields {
        match (f.required, given.get(&f.wire_name)) {
            (true, None | Some(Value::Null)) => {
                return Err(format!("{what}: the required field `{}` of model `{}` is missing or null", f.wire_name, m.rust_name));
            }
            (true, Some(v)) => args.push(field(f, v)?),
            (false, None) => {}
            (false, Some(Value::Null)) if f.patch => {
                let clear = format_ident!("{}", f.clear_setter);
                setters.push(quote! { .#clear() });
            }
            (false, Some(Value::Null)) => {}
            (false, Some(v)) => {
                let with = format_ident!("{}", f.with_setter);
                let value = field(f, v)?;
                setters.push(quote! { .#with(#value) });
            }
        }
    }
    Ok(quote! { #path::new(#(#args),*)#(#setters)* })
}

/// A Rust literal for a plain value of a built model's field (`"text"`, `12_i64`, `true`), as
/// a caller writes it; `None` where the value is not of its type's JSON kind, or the type is
/// not a plain string, number or boolean.
fn literal(ty: &Type, v: &Value) -> Option<TokenStream> {
    let Type::Prim(p) = ty else { return None };
    let lit = match (p, v) {
        (Prim::String, Value::String(s)) => Literal::string(s),
        (Prim::Int32, Value::Number(n)) => Literal::i32_suffixed(i32::try_from(n.as_i64()?).ok()?),
        (Prim::Int64, Value::Number(n)) => Literal::i64_suffixed(n.as_i64()?),
        (Prim::Float64, Value::Number(n)) => Literal::f64_suffixed(n.as_f64().filter(|f| f.is_finite())?),
        (Prim::Bool, Value::Bool(b)) => return Some(if *b { quote! { true } } else { quote! { false } }),
        _ => return None,
    };
    Some(quote! { #lit })
}

/// Whether a value of `ty` is built rather than decoded: a model without `Deserialize`, or a
/// list or map of them.
fn needs_building(ty: &Type, tables: &Tables<'_>) -> bool {
    match ty {
        Type::Model(r) => tables.model(r).is_some_and(|m| !m.derives.deserialize),
        Type::Array(t) | Type::Map(t) => needs_building(t, tables),
        _ => false,
    }
}

/// Where an input of an operation call comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Path,
    Query,
    /// A field of an inline body.
    BodyField,
    /// A whole body model.
    Body,
}

/// One input of an operation call: a parameter, an inline body field or the body.
pub(crate) struct Input<'a> {
    pub source: Source,
    /// The wire name (empty for a whole body).
    pub wire_name: &'a str,
    pub ty: Type,
    /// Marked `secret: true`.
    pub secret: bool,
    /// An argument of the category-client method; else set with `setter`.
    pub positional: bool,
    pub setter: &'a str,
    pub deprecated: bool,
    /// `<operation id>: path parameter `x``, for messages.
    pub what: String,
}

/// The inputs of an operation, in the order the generated method takes its arguments (path
/// parameters, query parameters, the body) with the setters in between as they come.
pub(crate) fn inputs<'a>(op: &'a Operation, tables: &Tables<'a>) -> Vec<Input<'a>> {
    let id = &op.id;
    let mut out = Vec::new();
    for (source, params, kind) in [(Source::Path, &op.path_params, "path"), (Source::Query, &op.query, "query")] {
        out.extend(params.iter().map(|p| Input {
            source,
            wire_name: &p.wire_name,
            ty: p.ty.clone(),
            secret: p.secret,
            positional: p.positional,
            setter: &p.setter,
            deprecated: p.deprecated.is_some(),
            what: format!("{id}: {kind} parameter `{}`", p.wire_name),
        }));
    }
    match &op.body {
        None | Some(Body::Empty) => {}
        Some(Body::Model { ty, inline: true, .. }) => {
            let fields = tables.model(ty).map(|m| m.fields.as_slice()).unwrap_or(&[]);
            out.extend(fields.iter().map(|f| Input {
                source: Source::BodyField,
                wire_name: &f.wire_name,
                ty: f.ty.clone(),
                secret: f.secret,
                positional: f.required,
                setter: &f.setter,
                deprecated: f.deprecated.is_some(),
                what: format!("{id}: body field `{}`", f.wire_name),
            }));
        }
        Some(Body::Model { ty, required, .. }) => out.push(Input {
            source: Source::Body,
            wire_name: "",
            ty: Type::Model(ty.clone()),
            secret: false,
            positional: *required,
            setter: "body",
            deprecated: false,
            what: format!("{id}: the body"),
        }),
    }
    out
}

/// `client.<category>().<operation>(args...).<setter>(value)...` for the inputs given a value;
/// a positional input without one is a generator bug, reported as such.
pub(crate) fn call(cat: &Category, op: &Operation, values: Vec<(&Input<'_>, Option<TokenStream>)>) -> Result<TokenStream, String> {
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for (input, value) in values {
        match (input.positional, value) {
            (true, Some(v)) => args.push(v),
            (true, None) => return Err(format!("internal error: no value for the argument {}", input.what)),
            (false, Some(v)) => {
                let setter = format_ident!("{}", input.setter);
                setters.push(quote! { .#setter(#v) });
            }
            (false, None) => {}
        }
    }
    let cat_fn = format_ident!("{}", cat.module);
    let op_fn = format_ident!("{}", op.fn_name);
    Ok(quote! { client.#cat_fn().#op_fn(#(#args),*)#(#setters)* })
}

/// The `Client::builder` arguments of an API: one made-up value per header placeholder.
pub(crate) fn builder_values(api: &Api, prefix: &str) -> Vec<Literal> {
    api.builder_args.iter().map(|a| Literal::string(&format!("{prefix}{}", a.placeholder))).collect()
}

/// The spec files a generated test comes from (the API documents too, with `apis`), sorted,
/// each once, for its `@generated` header.
pub(crate) fn sources(ir: &Ir, apis: bool) -> String {
    let mut s: Vec<String> = if apis { ir.apis.iter().map(|a| a.source_file.clone()).collect() } else { Vec::new() };
    s.extend(ir.apis.iter().flat_map(|a| &a.categories).map(|c| c.source_file.clone()));
    s.sort();
    s.dedup();
    s.join(", ")
}

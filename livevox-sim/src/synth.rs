//! Values made up from the spec's types: a response for an operation whose spec gives no
//! example, and the items of seeded collections. Deterministic: the same type and index give
//! the same value, so tests can rely on them.

use livevox_codegen::ir::{EnumRepr, Model, Type};
use livevox_codegen::spec::WireValue;
use livevox_codegen::types::Prim;
use serde_json::{json, Map, Value};

use crate::model::SimSpec;

/// Beyond this depth optional fields are left out and lists are empty, so recursive models end.
const RICH_DEPTH: usize = 2;
/// Beyond this depth nothing more is made (a required self-reference would never end).
const MAX_DEPTH: usize = 12;

/// A fixed instant, 2023-11-14T22:13:20Z, so synthesized times are plausible and stable.
const BASE_MILLIS: i64 = 1_700_000_000_000;

/// A value of `ty`. `n` varies it (the index of a seeded item); `name` is the wire name of the
/// field it fills, which string values echo so they read as what they are.
pub(crate) fn value(spec: &SimSpec, ty: &Type, name: &str, n: u64, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match ty {
        Type::Prim(p) => match p {
            Prim::String => Value::String(format!("{}-{}", if name.is_empty() { "value" } else { name }, n + 1)),
            Prim::Bool => Value::Bool(n % 2 == 0),
            Prim::Int32 | Prim::Int64 if name == "id" => json!(n + 1),
            Prim::Int32 | Prim::Int64 => json!(1),
            Prim::Float64 => json!(1.5),
            Prim::DateTime => json!(BASE_MILLIS + (n as i64 % 1_000_000) * 1000),
            // Midnight UTC of 2023-11-14.
            Prim::Date => json!(1_699_920_000_000_i64),
            Prim::Time => json!(3_600_000),
            Prim::Json => json!({}),
        },
        Type::Secret => Value::String("secret".into()),
        Type::Enum(r) => match spec.enum_def(&r.module, &r.rust_name) {
            Some(e) if !e.variants.is_empty() => {
                let v = &e.variants[(n % e.variants.len() as u64) as usize];
                match (&v.wire, e.repr) {
                    (WireValue::Str(s), _) => Value::String(s.clone()),
                    (WireValue::Int(i), EnumRepr::Str) => Value::String(i.to_string()),
                    (WireValue::Int(i), _) => json!(i),
                }
            }
            _ => Value::String("UNKNOWN".into()),
        },
        Type::Array(inner) if depth < RICH_DEPTH => Value::Array(vec![value(spec, inner, name, n, depth + 1)]),
        Type::Array(_) => Value::Array(Vec::new()),
        Type::Map(inner) if depth < RICH_DEPTH => {
            let mut m = Map::new();
            m.insert("key".into(), value(spec, inner, name, n, depth + 1));
            Value::Object(m)
        }
        Type::Map(_) => Value::Object(Map::new()),
        Type::Model(_) => match spec.model_of(ty) {
            Some(model) => model_value(spec, model, n, depth),
            None => Value::Object(Map::new()),
        },
    }
}

/// An object of `model`: required fields always, optional ones near the top.
pub(crate) fn model_value(spec: &SimSpec, model: &Model, n: u64, depth: usize) -> Value {
    let mut out = Map::new();
    for f in &model.fields {
        if f.required || depth < RICH_DEPTH {
            let v = value(spec, &f.ty, &f.wire_name, n, depth + 1);
            if !v.is_null() {
                out.insert(f.wire_name.clone(), v);
            }
        }
    }
    Value::Object(out)
}

/// The `n`th item of a seeded collection of `ty`: every field filled, a unique `id` when the
/// model has one, enum fields cycling through their values (so filters split the set).
pub(crate) fn seeded_item(spec: &SimSpec, ty: &Type, n: u64) -> Value {
    match spec.model_of(ty) {
        Some(model) => {
            let mut out = Map::new();
            for f in &model.fields {
                let v = match (&f.ty, f.wire_name.as_str()) {
                    (Type::Prim(Prim::String), "id") => Value::String(format!("id-{}", n + 1)),
                    _ => value(spec, &f.ty, &f.wire_name, n, 1),
                };
                if !v.is_null() {
                    out.insert(f.wire_name.clone(), v);
                }
            }
            Value::Object(out)
        }
        None => value(spec, ty, "item", n, 1),
    }
}

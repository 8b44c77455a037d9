//! Checking request values against the spec's types: query and path parameters (text) and
//! JSON bodies (recursively through models). Each check returns what was wrong, in words a
//! client author can act on; the simulator answers it as a 400.

use livevox_codegen::ir::{EnumRepr, Type};
use livevox_codegen::ir::WireValue;
use livevox_codegen::types::Prim;
use serde_json::Value;

use crate::model::SimSpec;

/// Largest nesting the body check follows, so a hostile body cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Checks one text value of a path or query parameter. `what` names it in the message
/// (``query parameter `count` ``).
pub(crate) fn check_text(spec: &SimSpec, ty: &Type, raw: &str, what: &str) -> Result<(), String> {
    let bad = |expected: &str| Err(format!("{what} is {raw:?}, which is not {expected}"));
    match ty {
        Type::Prim(p) => match p {
            Prim::String | Prim::Json => Ok(()),
            Prim::Bool => match raw {
                "true" | "false" => Ok(()),
                _ => bad("`true` or `false`"),
            },
            Prim::Int32 => match raw.parse::<i64>() {
                Ok(v) if i32::try_from(v).is_ok() => Ok(()),
                Ok(_) => bad("an int32 (it is out of range)"),
                Err(_) => bad("an int32"),
            },
            Prim::Int64 => match raw.parse::<i64>() {
                Ok(_) => Ok(()),
                Err(_) => bad("an int64"),
            },
            Prim::Float64 => match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(()),
                _ => bad("a number"),
            },
            Prim::DateTime | Prim::Date => match raw.parse::<i64>() {
                Ok(_) => Ok(()),
                Err(_) => bad("epoch milliseconds (an integer)"),
            },
            Prim::Time => match raw.parse::<i64>() {
                Ok(v) if (0..86_400_000).contains(&v) => Ok(()),
                _ => bad("milliseconds since midnight (0 to 86399999)"),
            },
        },
        Type::Secret => Ok(()),
        Type::Enum(r) => {
            let Some(e) = spec.enum_def(&r.module, &r.rust_name) else { return Ok(()) };
            if e.variants.iter().any(|v| wire_text(&v.wire) == raw) {
                Ok(())
            } else {
                bad(&format!("one of {}", enum_values(spec, ty)))
            }
        }
        // A list in the query repeats its key; each value is checked by the caller.
        Type::Array(inner) => check_text(spec, inner, raw, what),
        // Maps, models and unions have no text form in the spec's parameters; validate rejects them.
        Type::Map(_) | Type::Model(_) | Type::Union(_) => Ok(()),
    }
}

/// The text form of an enum's wire value, as it appears in a query string.
pub(crate) fn wire_text(w: &WireValue) -> String {
    match w {
        WireValue::Int(i) => i.to_string(),
        WireValue::Str(s) => s.clone(),
    }
}

/// `PERMANENT, DAILY`, for messages.
pub(crate) fn enum_values(spec: &SimSpec, ty: &Type) -> String {
    match ty {
        Type::Enum(r) => spec
            .enum_def(&r.module, &r.rust_name)
            .map(|e| e.variants.iter().map(|v| wire_text(&v.wire)).collect::<Vec<_>>().join(", "))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Checks a JSON value against a type. `path` names it in the message (`body`, `body.type`,
/// `body.records[0].phone1`).
pub(crate) fn check_json(spec: &SimSpec, ty: &Type, v: &Value, path: &str) -> Result<(), String> {
    check_json_at(spec, ty, v, path, 0)
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() > 60 => "a string".into(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn check_json_at(spec: &SimSpec, ty: &Type, v: &Value, path: &str, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("`{path}` is nested more than {MAX_DEPTH} levels deep"));
    }
    let bad = |expected: &str| Err(format!("`{path}` is {}, but the spec says {expected}", describe(v)));
    match ty {
        Type::Prim(p) => match p {
            Prim::Json => Ok(()),
            Prim::String => match v {
                Value::String(_) => Ok(()),
                _ => bad("a string"),
            },
            // LiveVox's own login example sends `"agent": "true"`; the server takes both forms.
            Prim::Bool => match v {
                Value::Bool(_) => Ok(()),
                Value::String(s) if s == "true" || s == "false" => Ok(()),
                _ => bad("a boolean"),
            },
            Prim::Int32 => match v.as_i64() {
                Some(n) if i32::try_from(n).is_ok() => Ok(()),
                Some(_) => bad("an int32 (this one is out of range)"),
                None => bad("an int32"),
            },
            Prim::Int64 => match v.as_i64() {
                Some(_) => Ok(()),
                None => bad("an int64"),
            },
            Prim::Float64 => match v {
                Value::Number(_) => Ok(()),
                _ => bad("a number"),
            },
            // Epoch milliseconds, as a number or (as the .NET client writes them) a digit string.
            Prim::DateTime | Prim::Date | Prim::Time => {
                let ms = match v {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    _ => None,
                };
                match (p, ms) {
                    (Prim::Time, Some(ms)) if !(0..86_400_000).contains(&ms) => bad("milliseconds since midnight (0 to 86399999)"),
                    (_, Some(_)) => Ok(()),
                    (_, None) => bad("epoch milliseconds (an integer)"),
                }
            }
        },
        Type::Secret => match v {
            Value::String(_) => Ok(()),
            _ => bad("a string"),
        },
        Type::Enum(r) => {
            let Some(e) = spec.enum_def(&r.module, &r.rust_name) else { return Ok(()) };
            let known = match (e.repr, v) {
                (EnumRepr::Str, Value::String(s)) => e.variants.iter().any(|x| matches!(&x.wire, WireValue::Str(w) if w == s)),
                (EnumRepr::Int32 | EnumRepr::Int64, Value::Number(n)) => {
                    n.as_i64().is_some_and(|n| e.variants.iter().any(|x| matches!(&x.wire, WireValue::Int(w) if *w == n)))
                }
                _ => false,
            };
            if known {
                Ok(())
            } else {
                bad(&format!("one of {} (`{}`)", enum_values(spec, ty), r.wire_name))
            }
        }
        Type::Array(inner) => match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_json_at(spec, inner, item, &format!("{path}[{i}]"), depth + 1)?;
                }
                Ok(())
            }
            _ => bad(&format!("a list of {}", inner.spec_name())),
        },
        Type::Map(inner) => match v {
            Value::Object(map) => {
                for (k, item) in map {
                    check_json_at(spec, inner, item, &format!("{path}.{k}"), depth + 1)?;
                }
                Ok(())
            }
            _ => bad(&format!("an object of {}", inner.spec_name())),
        },
        Type::Model(r) => {
            let Some(model) = spec.model(&r.module, &r.rust_name) else { return Ok(()) };
            let Value::Object(map) = v else {
                return bad(&format!("an object (`{}`)", r.wire_name));
            };
            for field in &model.fields {
                match map.get(&field.wire_name) {
                    None | Some(Value::Null) if field.required => {
                        return Err(format!("`{path}.{}` is required (a field of `{}`) but missing", field.wire_name, r.wire_name))
                    }
                    None | Some(Value::Null) => {}
                    Some(value) => {
                        let at = format!("{path}.{}", field.wire_name);
                        match crate::shapes::is_text_time(&field.ty, field.time_format) {
                            true => crate::shapes::check_time_json(&field.ty, value, &at).unwrap_or(Ok(()))?,
                            false => check_json_at(spec, &field.ty, value, &at, depth + 1)?,
                        }
                    }
                }
            }
            // Unknown fields are refused: a misspelt field is a client bug LiveVox would ignore.
            if let Some(unknown) = map.keys().find(|k| !model.fields.iter().any(|f| &f.wire_name == *k)) {
                let known: Vec<&str> = model.fields.iter().map(|f| f.wire_name.as_str()).collect();
                return Err(format!("`{path}.{unknown}` is not a field of `{}` (its fields: {})", r.wire_name, known.join(", ")));
            }
            Ok(())
        }
        Type::Union(r) => {
            let Some(u) = spec.union_def(&r.module, &r.rust_name) else { return Ok(()) };
            crate::shapes::check_union(spec, u, v, path, |spec, t, v| check_json_at(spec, t, v, path, depth + 1))
        }
    }
}

//! Values made up from the spec's types: a response for an operation whose spec gives no
//! example, the items of seeded collections, and the text and bytes of operations that answer
//! other media types (CSV, MP3). Deterministic: the same type and index (or operation and path
//! parameters) give the same value, so tests can rely on them.

use livevox_codegen::ir::{EnumRepr, Model, Type};
use livevox_codegen::ir::WireValue;
use livevox_codegen::types::Prim;
use serde_json::{json, Map, Value};

use crate::model::SimSpec;
use crate::shapes;

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
        Type::Union(r) => match spec.union_def(&r.module, &r.rust_name) {
            Some(u) => shapes::union_value(u, n, |t| value(spec, t, name, n, depth + 1)),
            None => Value::Null,
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
                out.insert(f.wire_name.clone(), shapes::field_value(f, v, n));
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
                    out.insert(f.wire_name.clone(), shapes::field_value(f, v, n));
                }
            }
            Value::Object(out)
        }
        None => value(spec, ty, "item", n, 1),
    }
}

/// The text a text operation answers when its examples give none: a small CSV for `text/csv`,
/// else a word.
pub(crate) fn text(media_type: &str) -> String {
    if media_type.eq_ignore_ascii_case("text/csv") {
        "id,value\r\n1,value-1\r\n2,value-2\r\n".to_string()
    } else {
        "text".to_string()
    }
}

/// Length of an MPEG-1 Layer III frame at 128 kbit/s and 44.1 kHz without padding:
/// 144 * 128000 / 44100 bytes, rounded down.
const MP3_FRAME_LEN: usize = 417;
/// Its header: frame sync, MPEG-1, Layer III, no CRC; 128 kbit/s, 44.1 kHz, no padding; joint
/// stereo, original.
const MP3_FRAME_HEADER: [u8; 4] = [0xFF, 0xFB, 0x90, 0x44];

/// The bytes a binary operation answers, the same for the same operation and path parameters
/// (order aside), different for another recording id. For `audio/mpeg` one MP3 frame (its
/// header, then a payload); for a `text/...` type (a CSV download) the text [`text`] makes;
/// for other types 256 bytes. Audio and other bytes start with 0xFF, which UTF-8 never has,
/// so a client that reads them as text is caught.
pub(crate) fn binary(media_type: &str, operation: &str, path_params: &[(String, String)]) -> Vec<u8> {
    if media_type.get(..5).is_some_and(|t| t.eq_ignore_ascii_case("text/")) {
        return text(media_type).into_bytes();
    }
    // FNV-1a over the operation and its sorted parameters seeds a xorshift64* stream.
    let mut params: Vec<&(String, String)> = path_params.iter().collect();
    params.sort();
    let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            seed ^= u64::from(*b);
            seed = seed.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(operation.as_bytes());
    for (name, value) in params {
        feed(&[0]);
        feed(name.as_bytes());
        feed(&[1]);
        feed(value.as_bytes());
    }
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
    };
    let (mut out, len) = if media_type.eq_ignore_ascii_case("audio/mpeg") {
        (MP3_FRAME_HEADER.to_vec(), MP3_FRAME_LEN)
    } else {
        (vec![0xFF], 256)
    };
    while out.len() < len {
        out.push(next());
    }
    out
}

/// The JSON form of a binary answer: the bytes base64-encoded in `field` (LiveVox's
/// `{"binaryData": ".."}`, as the .NET client models a recording).
pub(crate) fn base64_json(field: &str, bytes: &[u8]) -> Value {
    use base64::Engine as _;
    json!({ field: base64::engine::general_purpose::STANDARD.encode(bytes) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_downloads_are_csv_and_json_forms_are_base64() {
        assert_eq!(binary("text/csv", "contact.download_contacts", &[]), text("text/csv").into_bytes());
        assert_eq!(base64_json("binaryData", &[0xFF, 0xFB, 0x90, 0x64, 0x00]), json!({"binaryData": "//uQZAA="}));
    }

    #[test]
    fn binary_bodies_are_deterministic_per_operation_and_parameters() {
        let p = |v: &str| vec![("id".to_string(), v.to_string())];
        let a = binary("audio/mpeg", "compliance.get_recording", &p("A"));
        assert_eq!(a.len(), MP3_FRAME_LEN);
        assert_eq!(a[..4], MP3_FRAME_HEADER);
        assert_eq!(a, binary("audio/mpeg", "compliance.get_recording", &p("A")));
        assert_ne!(a, binary("audio/mpeg", "compliance.get_recording", &p("B")));
        assert!(std::str::from_utf8(&a).is_err());
        let other = binary("application/zip", "x.y", &[]);
        assert_eq!((other.len(), other[0]), (256, 0xFF));
        let two = [("a".to_string(), "1".to_string()), ("b".to_string(), "2".to_string())];
        let swapped = [two[1].clone(), two[0].clone()];
        assert_eq!(binary("x/y", "op", &two), binary("x/y", "op", &swapped), "parameter order does not matter");
    }
}

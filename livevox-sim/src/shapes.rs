//! The shapes issue 17 added, as the simulator makes and checks them: times written as RFC 3339
//! text (`2023-11-14T22:13:20Z`, a date `2023-11-14`), nullable fields, and unions (an untagged
//! one fits if any shape fits, in order; a tagged one by the model its tag names, with unknown
//! tags taken only where the spec has a catch-all).

use livevox_codegen::ir::{Field, Param, TimeFormat, Type, Union, UnionKind};
use livevox_codegen::types::Prim;
use serde_json::Value;

use crate::model::SimSpec;

const MILLIS_PER_DAY: i64 = 86_400_000;

/// Whether a field or parameter writes its times as RFC 3339 text.
pub(crate) fn is_text_time(ty: &Type, format: TimeFormat) -> bool {
    format != TimeFormat::EpochMillis && ty.holds_time()
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Epoch milliseconds as RFC 3339 text: `2023-11-14T22:13:20Z` (a `datetime`, milliseconds
/// shown when there are any) or `2023-11-14` (a `date`).
pub(crate) fn rfc3339(ms: i64, prim: Prim) -> String {
    let (y, mo, d) = civil(ms.div_euclid(MILLIS_PER_DAY));
    if prim == Prim::Date {
        return format!("{y:04}-{mo:02}-{d:02}");
    }
    let t = ms.rem_euclid(MILLIS_PER_DAY);
    let (h, mi, s, frac) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
    let frac = if frac == 0 { String::new() } else { format!(".{frac:03}") };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z")
}

/// A made-up value with its epoch-millisecond numbers turned into RFC 3339 text where the
/// field or parameter says so.
pub(crate) fn retime(v: Value, ty: &Type, format: TimeFormat) -> Value {
    if !is_text_time(ty, format) {
        return v;
    }
    match (ty, v) {
        (Type::Prim(p @ (Prim::DateTime | Prim::Date)), Value::Number(n)) => Value::String(rfc3339(n.as_i64().unwrap_or_default(), *p)),
        (Type::Array(t), Value::Array(items)) => Value::Array(items.into_iter().map(|i| retime(i, t, format)).collect()),
        (Type::Map(t), Value::Object(m)) => Value::Object(m.into_iter().map(|(k, i)| (k, retime(i, t, format))).collect()),
        (_, v) => v,
    }
}

/// Checks RFC 3339 text: `YYYY-MM-DD` for a date; for a date-time that, `T`, `hh:mm:ss`,
/// optional fractional seconds and `Z` or an offset `±hh:mm`. Fields in range.
pub(crate) fn check_rfc3339(text: &str, prim: Prim) -> Result<(), String> {
    let expected = if prim == Prim::Date { "an RFC 3339 date such as 2011-04-01" } else { "an RFC 3339 date-time such as 2011-04-01T00:00:00Z" };
    let bad = || Err(format!("{text:?} is not {expected}"));
    // On bytes, so that text with multi-byte characters is refused, never sliced mid-character.
    let num = |s: &[u8], min: u32, max: u32| {
        s.len() == 2 && s.iter().all(u8::is_ascii_digit) && (min..=max).contains(&(u32::from(s[0] - b'0') * 10 + u32::from(s[1] - b'0')))
    };
    let b = text.as_bytes();
    let date_ok = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && num(&b[5..7], 1, 12)
        && num(&b[8..10], 1, 31);
    if !date_ok {
        return bad();
    }
    if prim == Prim::Date {
        return if b.len() == 10 { Ok(()) } else { bad() };
    }
    let time_ok = b.len() >= 20
        && matches!(b[10], b'T' | b't')
        && b[13] == b':'
        && b[16] == b':'
        && num(&b[11..13], 0, 23)
        && num(&b[14..16], 0, 59)
        && num(&b[17..19], 0, 60);
    if !time_ok {
        return bad();
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return bad();
        }
        rest = &frac[digits..];
    }
    let offset_ok = match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h @ .., b':', m0, m1] if h.len() == 2 => num(h, 0, 23) && num(&[*m0, *m1], 0, 59),
        _ => false,
    };
    if offset_ok {
        Ok(())
    } else {
        bad()
    }
}

/// Checks a text-time value of a field or parameter against its type, as JSON.
pub(crate) fn check_time_json(ty: &Type, v: &Value, path: &str) -> Option<Result<(), String>> {
    match (ty, v) {
        (Type::Prim(p @ (Prim::DateTime | Prim::Date)), Value::String(s)) => Some(check_rfc3339(s, *p).map_err(|m| format!("`{path}`: {m}"))),
        (Type::Prim(Prim::DateTime | Prim::Date), other) => Some(Err(format!("`{path}` is {other}, but the spec says RFC 3339 text"))),
        (Type::Array(t), Value::Array(items)) => {
            Some(items.iter().enumerate().try_for_each(|(i, item)| check_time_json(t, item, &format!("{path}[{i}]")).unwrap_or(Ok(()))))
        }
        _ => None,
    }
}

/// Checks the text of a path or query parameter whose times are RFC 3339; `None` for the
/// others (the plain checks apply).
pub(crate) fn check_param_text(p: &Param, raw: &str, what: &str) -> Option<Result<(), String>> {
    if !is_text_time(&p.ty, p.time_format) {
        return None;
    }
    let mut t = &p.ty;
    while let Type::Array(inner) = t {
        t = inner;
    }
    let Type::Prim(prim) = t else { return None };
    Some(check_rfc3339(raw, *prim).map_err(|m| format!("{what}: {m}")))
}

/// A field's value in a made-up object: `null` for a nullable optional field every other item
/// (so both null and values appear), else the value with its times as the field writes them.
pub(crate) fn field_value(f: &Field, v: Value, n: u64) -> Value {
    if f.nullable && !f.required && n % 2 == 1 {
        return Value::Null;
    }
    retime(v, &f.ty, f.time_format)
}

/// The `n`th variant of a union (cycling), made by `make`; a tagged variant gets its tag.
pub(crate) fn union_value(u: &Union, n: u64, mut make: impl FnMut(&Type) -> Value) -> Value {
    let types = u.variant_types();
    if types.is_empty() {
        return Value::Null;
    }
    let i = (n % types.len() as u64) as usize;
    let mut v = make(&types[i]);
    if let UnionKind::Untagged(shapes) = &u.kind {
        v = retime(v, &shapes[i].ty, shapes[i].time_format);
    }
    if let (UnionKind::Tagged { tag, variants, .. }, Some(obj)) = (&u.kind, v.as_object_mut()) {
        obj.insert(tag.clone(), Value::String(variants[i].tag_value.clone()));
    }
    v
}

/// Checks a value against a union: a shape of it must take the value.
pub(crate) fn check_union(
    spec: &SimSpec,
    u: &Union,
    v: &Value,
    path: &str,
    mut check: impl FnMut(&SimSpec, &Type, &Value) -> Result<(), String>,
) -> Result<(), String> {
    match &u.kind {
        UnionKind::Untagged(shapes) => {
            let mut tried = Vec::new();
            for s in shapes {
                let fits = match is_text_time(&s.ty, s.time_format) {
                    true => check_time_json(&s.ty, v, path).unwrap_or(Ok(())),
                    false => check(spec, &s.ty, v),
                };
                match fits {
                    Ok(()) => return Ok(()),
                    Err(m) => tried.push(format!("{} ({m})", s.ty.spec_name())),
                }
            }
            Err(format!("`{path}` matches no shape of `{}`; tried {}", u.wire_name, tried.join("; ")))
        }
        UnionKind::Tagged { tag, variants, unknown } => {
            let Some(value) = v.get(tag).and_then(Value::as_str) else {
                return Err(format!("`{path}` has no `{tag}` string, the tag of `{}`", u.wire_name));
            };
            match variants.iter().find(|x| x.tag_value == value) {
                Some(x) => check(spec, &Type::Model(x.model.clone()), v),
                None if unknown.is_some() => Ok(()),
                None => {
                    let known: Vec<&str> = variants.iter().map(|x| x.tag_value.as_str()).collect();
                    Err(format!("`{path}.{tag}` is {value:?}, not one of {} (`{}`)", known.join(", "), u.wire_name))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_millis_write_as_rfc3339() {
        assert_eq!(rfc3339(1_700_000_000_000, Prim::DateTime), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(1_700_000_000_250, Prim::DateTime), "2023-11-14T22:13:20.250Z");
        assert_eq!(rfc3339(1_709_164_800_000, Prim::Date), "2024-02-29");
        assert_eq!(rfc3339(-1, Prim::DateTime), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn rfc3339_text_is_checked() {
        for ok in ["2011-04-01T00:00:00Z", "2011-04-01T02:00:00.5+02:00", "2011-04-01t00:00:00z"] {
            assert_eq!(check_rfc3339(ok, Prim::DateTime), Ok(()), "{ok}");
        }
        for bad in ["2011-04-01", "1301616000000", "2011-13-01T00:00:00Z", "2011-04-01T00:00:00", "2011-04-01T00:00:00+2", "2011-04-01T00:00:00.Z", "2011-04-é1", "2011-04-01T00:00:00+é0:00"] {
            assert!(check_rfc3339(bad, Prim::DateTime).is_err(), "{bad}");
        }
        assert_eq!(check_rfc3339("2011-04-01", Prim::Date), Ok(()));
        assert!(check_rfc3339("2011-04-01T00:00:00Z", Prim::Date).unwrap_err().contains("RFC 3339 date such as"));
    }
}

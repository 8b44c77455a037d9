//! Lowering of the types issue 17 added: time formats (the API's `time_format` and a field's or
//! parameter's `format`, resolved to one [`TimeFormat`] each), nullable fields, and unions (each
//! shape's Rust variant name, the tagged variants' models, the catch-all).

use super::Ctx;
use crate::ir::*;
use crate::naming;
use crate::spec::{ApiDoc, UnionDef};
use crate::types::TypeExpr;
use crate::vocab::Word;

/// The API's default wire form of times: `epoch_millis` unless `time_format` says otherwise.
pub(super) fn api_time_format(api: &ApiDoc) -> TimeFormat {
    api.time_format.as_ref().and_then(Word::known).unwrap_or_default()
}

/// The wire form of the times `ty` holds: the field's own `format`, else the API's default;
/// `EpochMillis` for a type without times. `iso_date` is RFC 3339's `full-date`.
pub(super) fn time_format(ctx: &Ctx<'_>, ty: &Type, format: Option<&Word<TimeFormat>>) -> TimeFormat {
    if !ty.holds_time() {
        return TimeFormat::EpochMillis;
    }
    match format.and_then(Word::known).unwrap_or(ctx.time_format) {
        TimeFormat::IsoDate => TimeFormat::Rfc3339,
        f => f,
    }
}

/// The setter that clears a nullable field: `clear_<name>`, underscores trimmed.
pub(super) fn clear_setter(rust_name: &str) -> String {
    format!("clear_{}", rust_name.trim_matches('_'))
}

/// The Rust variant name of an untagged union's shape: a model, enum or union by its name,
/// a primitive by its own (`String`, `Int64`), a list or map by its item and `List`/`Map`.
pub fn shape_name(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Prim(p) => naming::camel(p.name()),
        TypeExpr::Named(n) => naming::camel(n),
        TypeExpr::Array(t) => format!("{}List", shape_name(t)),
        TypeExpr::Map(t) => format!("{}Map", shape_name(t)),
    }
}

pub(super) fn lower_union(ctx: &mut Ctx<'_>, name: &str, u: &UnionDef) -> Union {
    let base = format!("unions.{name}");
    let kind = match &u.tag {
        None => UnionKind::Untagged(
            u.one_of
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let ty = ctx.resolve(&format!("{base}.one_of.{i}"), t, false);
                    UnionVariant {
                        rust_name: t.expr().map(shape_name).unwrap_or_else(|| format!("V{i}")),
                        time_format: time_format(ctx, &ty, None),
                        ty,
                    }
                })
                .collect(),
        ),
        Some(tag) => {
            let mut variants = Vec::new();
            for (value, model) in &u.variants {
                let path = format!("{base}.variants.{value}");
                match ctx.resolve(&path, &crate::vocab::TypeText::new(model.clone()), false) {
                    Type::Model(r) => variants.push(TaggedVariant { tag_value: value.clone(), rust_name: naming::camel(value), model: r }),
                    _ => ctx.error(&path, format!("variant `{value}` must be a model, not `{model}`")),
                }
            }
            let unknown = u.unknown.then(|| naming::unknown_variant(variants.iter().map(|v| v.rust_name.as_str())));
            UnionKind::Tagged { tag: tag.clone(), variants, unknown }
        }
    };
    Union { wire_name: name.to_string(), rust_name: naming::camel(name), description: u.description.clone(), kind }
}

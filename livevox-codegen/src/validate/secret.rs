//! The `secret: true` rule, shared by model fields, inline body fields and path and query
//! parameters: only strings can be secrets (a `string`, or the strings of an `array<string>`
//! or a `map<string>`), because the runtime's `Secret` wraps a string.

use crate::types::{Prim, TypeExpr};

/// The error for `secret: true` on a value of type `ty` (written `text` in the spec), or
/// `None` when the type can hold a secret.
pub(super) fn misplaced(ty: &TypeExpr, text: &str) -> Option<String> {
    let s = TypeExpr::Prim(Prim::String);
    let ok = match ty {
        TypeExpr::Array(inner) | TypeExpr::Map(inner) => **inner == s,
        other => *other == s,
    };
    (!ok).then(|| format!("`secret` applies to `string`, `array<string>` and `map<string>`, not `{}`", text.trim()))
}

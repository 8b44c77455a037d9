//! Analyses over every model of one API, run once lowering has built them all: which fields
//! must be boxed, and which optional traits each model derives. Their results are stored on
//! the IR (`Field::boxed`, `Model::derives`), so emitters only print them.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;
use crate::types::Prim;

/// A model by `(category module, Rust name)`: models of one API may hold each other across
/// categories.
type Key = (String, String);

/// Runs every analysis over the lowered categories of one API and records the results.
pub(super) fn run(categories: &mut [Category]) {
    let (boxed, eq) = {
        let models = index(categories);
        let boxed = boxed_fields(&models);
        let eq: BTreeSet<Key> =
            models.keys().filter(|key| has_eq(&Type::Model(type_ref(key)), &models, &mut BTreeSet::new())).cloned().collect();
        (boxed, eq)
    };
    for cat in categories.iter_mut() {
        for m in &mut cat.models {
            let key = (cat.module.clone(), m.rust_name.clone());
            m.derives.eq = eq.contains(&key);
            m.derives.default = m.fields.iter().all(|f| !f.required);
            for f in &mut m.fields {
                f.boxed = boxed.contains(&(key.0.clone(), key.1.clone(), f.rust_name.clone()));
            }
        }
    }
}

fn type_ref((module, rust_name): &Key) -> TypeRef {
    TypeRef { module: module.clone(), rust_name: rust_name.clone(), wire_name: rust_name.clone() }
}

fn index(categories: &[Category]) -> BTreeMap<Key, &Model> {
    categories.iter().flat_map(|c| c.models.iter().map(move |m| ((c.module.clone(), m.rust_name.clone()), m))).collect()
}

/// Whether a value of this type has `Eq` (floats and JSON values do not).
fn has_eq(ty: &Type, models: &BTreeMap<Key, &Model>, seen: &mut BTreeSet<Key>) -> bool {
    match ty {
        // Secrets compare, but deliberately do not promise `Eq`: the runtime keeps that choice.
        Type::Prim(Prim::Float64) | Type::Prim(Prim::Json) | Type::Secret => false,
        Type::Prim(_) | Type::Enum(_) => true,
        Type::Array(t) | Type::Map(t) => has_eq(t, models, seen),
        Type::Model(r) => {
            let key = (r.module.clone(), r.rust_name.clone());
            if !seen.insert(key.clone()) {
                return true;
            }
            // A model not in the index cannot be vouched for, so it is taken as not `Eq`.
            models.get(&key).is_some_and(|m| m.fields.iter().all(|f| has_eq(&f.ty, models, seen)))
        }
    }
}

/// The fields that must be boxed because the model contains itself through them (directly or
/// through other models) without a `Vec` or map in between: `(module, model, field)`.
fn boxed_fields(models: &BTreeMap<Key, &Model>) -> BTreeSet<(String, String, String)> {
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

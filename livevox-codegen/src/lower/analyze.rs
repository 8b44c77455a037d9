//! Analyses over every model of one API, run once lowering has built them all: which fields
//! must be boxed, which ways each model travels, which optional traits it derives, and whether
//! its wire names follow serde's camelCase rule. Their results are stored on the IR
//! (`Field::boxed`, `Model::direction`, `Model::derives`, `Model::camel_case_wire`), so
//! emitters only print them.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;
use crate::types::Prim;

/// A model by `(category module, Rust name)`: models of one API may hold each other across
/// categories.
type Key = (String, String);

/// Runs every analysis over the lowered categories of one API and records the results.
pub(super) fn run(categories: &mut [Category]) {
    let unions = union_models(categories);
    let (boxed, eq, ways) = {
        let mut models = index(categories);
        models.extend(unions.iter().map(|(module, m)| ((module.clone(), m.rust_name.clone()), m)));
        let boxed = boxed_fields(&models);
        let eq: BTreeSet<Key> =
            models.keys().filter(|key| has_eq(&Type::Model(type_ref(key)), &models, &mut BTreeSet::new())).cloned().collect();
        (boxed, eq, directions(categories, &models))
    };
    for cat in categories.iter_mut() {
        for m in &mut cat.models {
            let key = (cat.module.clone(), m.rust_name.clone());
            let direction = Direction {
                request: ways.request.contains(&key),
                response: ways.response.contains(&key),
                page: ways.page.contains(&key),
            };
            m.direction = direction;
            m.derives = Derives {
                eq: eq.contains(&key),
                default: m.fields.iter().all(|f| !f.required),
                serialize: ways.serialized.contains(&key),
                deserialize: ways.deserialized.contains(&key),
            };
            for f in &mut m.fields {
                f.boxed = boxed.contains(&(key.0.clone(), key.1.clone(), f.rust_name.clone()));
                // Only a sent model needs to tell "leave as is" from "clear" (`Patch`).
                f.patch = f.nullable && !f.required && direction.request;
            }
            m.camel_case_wire = camel_case_wire(m);
        }
    }
}

/// Whether `rename_all = "camelCase"` leaves a model fewer fields to `rename` than serde's
/// default (the Rust name as wire name): more fields have serde's camelCase of their Rust name
/// as wire name than have the Rust name itself.
fn camel_case_wire(m: &Model) -> bool {
    let camel = m.fields.iter().filter(|f| crate::naming::serde_camel_case(&f.rust_name).as_deref() == Some(f.wire_name.as_str())).count();
    let plain = m.fields.iter().filter(|f| f.rust_name == f.wire_name).count();
    camel > plain
}

/// The models each way reaches, by key.
#[derive(Default)]
struct Ways {
    request: BTreeSet<Key>,
    response: BTreeSet<Key>,
    page: BTreeSet<Key>,
    /// What must be `Serialize`: what is sent, what is in a page, what no operation uses, and
    /// every model any of those holds (a serialized model's fields must serialize too).
    serialized: BTreeSet<Key>,
    /// What must be `Deserialize`: what is received, what no operation uses, every union's
    /// variants, what the spec marks `readable`, and every model any of those holds. A model
    /// that is only ever sent has no reason to be read, and its `Deserialize` would cost every
    /// build of the crate.
    deserialized: BTreeSet<Key>,
}

/// Which models the operations send (bodies, parameters), receive (JSON responses) and page
/// through, each with every model it holds.
fn directions(categories: &[Category], models: &BTreeMap<Key, &Model>) -> Ways {
    let mut ways = Ways::default();
    for op in categories.iter().flat_map(|c| &c.operations) {
        if let Some(Body::Model { ty, .. }) = &op.body {
            reach(&Type::Model(ty.clone()), models, &mut ways.request);
        }
        for p in op.params() {
            reach(&p.ty, models, &mut ways.request);
        }
        if let Some(t) = &op.response.ty {
            reach(t, models, &mut ways.response);
            if op.pagination.is_some() {
                reach(t, models, &mut ways.page);
            }
        }
    }
    // Both ways: what no operation uses (its users may need either), and each union, which
    // serializes and reads each variant, so its variants' models travel both ways too.
    let either: Vec<&Key> =
        models.keys().filter(|k| (!ways.request.contains(*k) && !ways.response.contains(*k)) || k.1.starts_with(UNION_KEY)).collect();
    for key in ways.request.iter().chain(&ways.page).chain(either.iter().copied()) {
        reach(&Type::Model(type_ref(key)), models, &mut ways.serialized);
    }
    let readable = models.iter().filter(|(_, m)| m.readable).map(|(k, _)| k);
    for key in ways.response.iter().chain(either.iter().copied()).chain(readable) {
        reach(&Type::Model(type_ref(key)), models, &mut ways.deserialized);
    }
    ways
}

/// Adds every model `ty` holds, itself included, to `seen`.
fn reach(ty: &Type, models: &BTreeMap<Key, &Model>, seen: &mut BTreeSet<Key>) {
    match ty {
        Type::Array(inner) | Type::Map(inner) => reach(inner, models, seen),
        Type::Model(r) => {
            let key = (r.module.clone(), r.rust_name.clone());
            if seen.insert(key.clone()) {
                for f in models.get(&key).map(|m| m.fields.as_slice()).unwrap_or(&[]) {
                    reach(&f.ty, models, seen);
                }
            }
        }
        Type::Union(r) => reach(&Type::Model(union_key(r)), models, seen),
        Type::Prim(_) | Type::Secret | Type::Enum(_) => {}
    }
}

/// Unions enter the analyses as made-up models whose fields are their variants, keyed by their
/// name after [`UNION_KEY`] (which no Rust name holds), so what reaches a union reaches what
/// its variants hold. The made-up models live only in the index, never in the IR.
const UNION_KEY: &str = "union ";

fn union_key(r: &TypeRef) -> TypeRef {
    TypeRef { module: r.module.clone(), rust_name: format!("{UNION_KEY}{}", r.rust_name), wire_name: r.wire_name.clone() }
}

fn union_models(categories: &[Category]) -> Vec<(String, Model)> {
    let mut out = Vec::new();
    for cat in categories {
        for u in &cat.unions {
            let fields = u
                .variant_types()
                .into_iter()
                .enumerate()
                .map(|(i, ty)| Field {
                    wire_name: i.to_string(),
                    rust_name: i.to_string(),
                    ty,
                    required: false,
                    description: None,
                    secret: false,
                    deprecated: None,
                    boxed: false,
                    with_setter: String::new(),
                    setter: String::new(),
                    time_format: TimeFormat::EpochMillis,
                    nullable: false,
                    patch: false,
                    clear_setter: String::new(),
                })
                .collect();
            let model = Model {
                wire_name: u.wire_name.clone(),
                rust_name: format!("{UNION_KEY}{}", u.rust_name),
                description: None,
                fields,
                readable: false,
                body_of: None,
                direction: Direction::default(),
                derives: Derives::default(),
                camel_case_wire: false,
            };
            out.push((cat.module.clone(), model));
        }
    }
    out
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
        // A union holds raw JSON in a catch-all and is not worth a case analysis.
        Type::Prim(Prim::Float64) | Type::Prim(Prim::Json) | Type::Secret | Type::Union(_) => false,
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

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::load::Source;

    const SPEC: &str = r#"
api: Ways
base_url: https://api.example.com
authorization: { kind: NONE }
categories: [things]
---
category: things
operations:
  create_thing:
    summary: Send one.
    method: POST
    path: /things/{id}
    path_params:
      id: { type: int64 }
    query:
      tag: { type: string, required: true }
      note: { type: string }
    body: { type: Sent }
    response: { type: Got }
  list_things:
    summary: Page through them.
    method: GET
    path: ""
    query:
      offset: { type: int32, required: true }
      count: { type: int32, required: true, default: 20 }
    pagination: { items: rows, end: short_page }
    response: { type: Page }
  replace_thing:
    summary: Send one and get it back.
    method: PUT
    path: /both
    body: { type: Both }
    response: { type: Both }
  load_things:
    summary: Send records a caller may load from a file.
    method: POST
    path: /load
    body: { type: Records }
models:
  Records:
    fields:
      records: { type: array<Record>, required: true }
  Record:
    readable: true
    fields:
      detail: { type: Detail }
  Detail:
    fields:
      note: { type: string }
  Both:
    fields:
      shared: { type: Shared }
  Shared:
    fields:
      name: { type: string }
  Sent:
    fields:
      part: { type: Part, required: true }
  Part:
    fields:
      name: { type: string }
  Got:
    fields:
      inner: { type: Inner }
      score: { type: float64 }
  Inner:
    fields:
      name: { type: string }
  Page:
    fields:
      rows: { type: array<Row>, required: true }
  Row:
    fields:
      id: { type: int64, required: true }
  Loose:
    fields:
      leaf: { type: Leaf }
  Leaf:
    fields:
      node: { type: Node }
  Node:
    fields:
      next: { type: Node }
      kids: { type: array<Node> }
"#;

    fn ir() -> Ir {
        let source = Source { display_path: "ways.yaml".into(), text: SPEC.into() };
        match crate::lower_sources(vec![source]) {
            Ok(ir) => ir,
            Err(e) => panic!("the test spec is valid: {e}"),
        }
    }

    fn model<'a>(ir: &'a Ir, name: &str) -> &'a Model {
        let found = ir.apis[0].categories[0].models.iter().find(|m| m.rust_name == name);
        found.unwrap_or_else(|| panic!("no model {name}"))
    }

    #[test]
    fn directions_follow_nesting_and_decide_serde_derives() {
        let ir = ir();
        let way = |name: &str| {
            let m = model(&ir, name);
            (m.direction.request, m.direction.response, m.direction.page, m.derives.serialize, m.derives.deserialize)
        };
        // (request, response, page, Serialize, Deserialize)
        assert_eq!(way("Sent"), (true, false, false, true, false), "only sent: never read");
        assert_eq!(way("Part"), (true, false, false, true, false), "held by a sent model");
        assert_eq!(way("Both"), (true, true, false, true, true), "sent and received");
        assert_eq!(way("Records"), (true, false, false, true, false), "only sent; what it holds is not");
        assert_eq!(way("Record"), (true, false, false, true, true), "only sent, but marked readable");
        assert_eq!(way("Detail"), (true, false, false, true, true), "held by a readable model");
        assert_eq!(way("Shared"), (true, true, false, true, true), "held by a model that travels both ways");
        assert_eq!(way("Got"), (false, true, false, false, true), "only received");
        assert_eq!(way("Inner"), (false, true, false, false, true), "held by a received model");
        assert_eq!(way("Page"), (false, true, true, true, true), "the paging guard serializes pages");
        assert_eq!(way("Row"), (false, true, true, true, true));
        assert_eq!(way("Loose"), (false, false, false, true, true), "unused: either way");
        assert_eq!(way("Leaf"), (false, false, false, true, true));
        assert_eq!(way("Node"), (false, false, false, true, true));
    }

    #[test]
    fn eq_default_and_boxing_are_decided_in_lowering() {
        let ir = ir();
        assert!(!model(&ir, "Got").derives.eq, "a float field");
        assert!(model(&ir, "Sent").derives.eq);
        assert!(!model(&ir, "Sent").derives.default, "a required field");
        assert!(model(&ir, "Got").derives.default);
        let node = model(&ir, "Node");
        let boxed: Vec<(&str, bool)> = node.fields.iter().map(|f| (f.rust_name.as_str(), f.boxed)).collect();
        assert_eq!(boxed, [("next", true), ("kids", false)], "only direct self-containment is boxed");
    }

    #[test]
    fn parameters_carry_location_position_and_paging_start() {
        let ir = ir();
        let ops = &ir.apis[0].categories[0].operations;
        let shape = |op: &Operation| -> Vec<(String, ParamLocation, bool, Option<i64>)> {
            op.params().map(|p| (p.rust_name.clone(), p.location, p.positional, p.page_start)).collect()
        };
        assert_eq!(
            shape(&ops[0]),
            [
                ("id".to_string(), ParamLocation::Path, true, None),
                ("tag".to_string(), ParamLocation::Query, true, None),
                ("note".to_string(), ParamLocation::Query, false, None),
            ]
        );
        assert_eq!(
            shape(&ops[1]),
            [
                ("offset".to_string(), ParamLocation::Query, false, Some(0)),
                ("count".to_string(), ParamLocation::Query, false, Some(20)),
            ],
            "paging controls are setters, starting at their defaults"
        );
    }
}

//! Rules for model composition (`extends: Base`): a base that is no model of the API (with a
//! did-you-mean), a base that is an enum, a chain of `extends` that comes back to itself, and a
//! field that repeats an inherited field's wire name or Rust name.

use super::*;
use crate::symbols::extends::ChainError;
use crate::symbols::{Def, Symbol};

impl Validator {
    /// Checks every `extends` of one API's models (or of one category that belongs to no API).
    pub(super) fn extends(&mut self, types: &Types<'_>) {
        for (&name, symbol) in &types.defs {
            let Def::Model(model) = symbol.def else { continue };
            if model.extends.is_none() {
                continue;
            }
            let chain = types.bases(name, model);
            let at = format!("{}.extends", symbol.path);
            match &chain.error {
                Some(ChainError::Unknown { model: m, base }) if *m == name => {
                    let models = types.defs.iter().filter(|(_, s)| matches!(s.def, Def::Model(_))).map(|(k, _)| *k);
                    let scope = types.api.map(|a| format!(" of API `{a}`")).unwrap_or_default();
                    self.err(symbol.doc, &at, with_suggestion(format!("`{name}` extends `{base}`, which is no model{scope}"), base, models));
                }
                Some(ChainError::NotAModel { model: m, base }) if *m == name => {
                    self.err(symbol.doc, &at, format!("`{name}` extends `{base}`, which is an enum; a model can only extend a model"));
                }
                Some(ChainError::Cycle(cycle)) if cycle[0] == name && cycle.iter().all(|m| *m >= name) => {
                    let way = cycle.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" → ");
                    self.err(symbol.doc, &at, format!("`{name}` extends itself ({way}); a chain of `extends` must end at a model that extends nothing"));
                }
                _ => {}
            }
            if chain.error.is_none() {
                self.redefined_fields(name, symbol, model, &chain.bases, types);
            }
        }
    }

    /// A field of the model that an inherited field already defines, by wire name or by the
    /// Rust name it becomes.
    fn redefined_fields(&mut self, name: &str, symbol: &Symbol<'_>, model: &ModelDef, bases: &[(&str, &ModelDef)], types: &Types<'_>) {
        for (wire, f) in &model.fields {
            let path = format!("{}.fields.{wire}", symbol.path);
            let rust = naming::field(wire, f.rust_name.as_deref());
            let inherited = bases.iter().find_map(|&(base, b)| {
                b.fields
                    .iter()
                    .find(|(w, g)| *w == wire || naming::field(w, g.rust_name.as_deref()) == rust)
                    .map(|(w, _)| (base, w.as_str()))
            });
            let Some((base, other)) = inherited else { continue };
            let there = types.defs.get(base).map(|s| place(symbol.doc, s.doc, &format!("{}.fields.{other}", s.path))).unwrap_or_default();
            let message = if other == wire {
                format!("field `{wire}` of `{name}` is already defined by `{base}` ({there}); an inherited field cannot be redefined, so remove it here or from `{base}`")
            } else {
                format!("field `{wire}` of `{name}` becomes `{rust}` in Rust, as field `{other}` inherited from `{base}` ({there}) does; set `rust_name` on one of them")
            };
            self.err(symbol.doc, &path, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::{load_sources, Source};

    /// The errors of one category document holding `models`, as printed.
    fn errors(models: &str) -> Vec<String> {
        let text = format!("api: T\nbase_url: https://t.example.com\nauthorization: {{ kind: NONE }}\ncategories: [c]\n---\ncategory: c\nmodels:\n{models}");
        let loaded = load_sources(vec![Source { display_path: "t.yaml".into(), text }]).unwrap_or_else(|e| panic!("{e}"));
        match super::super::validate(&loaded) {
            Ok(()) => Vec::new(),
            Err(d) => d.0.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn a_cycle_is_reported_once_and_not_at_a_model_leading_into_it() {
        let found = errors(
            "  D: { extends: A, fields: { d: { type: string } } }\n  C: { extends: A, fields: {} }\n  B: { extends: C, fields: {} }\n  A: { extends: B, fields: {} }\n",
        );
        assert_eq!(
            found,
            ["t.yaml:11:8: models.A.extends: `A` extends itself (`A` → `B` → `C` → `A`); a chain of `extends` must end at a model that extends nothing"]
        );
    }

    #[test]
    fn a_broken_chain_is_reported_where_it_breaks_only() {
        let found = errors("  C: { extends: B, fields: {} }\n  B: { extends: Nope, fields: {} }\n");
        assert_eq!(found, ["t.yaml:9:8: models.B.extends: `B` extends `Nope`, which is no model of API `T`"]);
    }

    #[test]
    fn a_required_cycle_through_an_inherited_field_is_found() {
        let found = errors("  Base: { fields: { child: { type: Derived, required: true } } }\n  Derived: { extends: Base, fields: {} }\n");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("required field `child` of `Derived` leads back to `Derived`"), "{found:#?}");
    }
}

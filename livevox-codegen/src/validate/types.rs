//! Rules for models and the types they use: a model or enum defined twice in one API, names
//! usable in type expressions, fields (Rust names, `with_` setters, `secret`), type expressions
//! that name no model or enum ("unknown type"), and cycles of required fields.

use super::*;
use crate::symbols::Def;

impl Validator {
    /// A model or enum name defined twice in one API (or one category that belongs to no API),
    /// reported at both places; the symbol table keeps the first.
    pub(super) fn duplicate_types(&mut self, types: &Types<'_>) {
        for dup in &types.duplicates {
            let (name, doc, path) = (dup.name, dup.symbol.doc, dup.symbol.path.as_str());
            let Some(first) = types.defs.get(name) else { continue };
            let scope = match types.api {
                Some(a) => format!("; model and enum names are shared by every category of API `{a}`"),
                None => String::new(),
            };
            self.err(doc, path, format!("{} `{name}` is also defined at {}{scope}", dup.symbol.def.kind(), place(doc, first.doc, &first.path)));
            self.err(first.doc, &first.path, format!("{} `{name}` is also defined at {}", first.def.kind(), place(first.doc, doc, path)));
        }
    }

    /// A cycle of required fields that hold models directly (not in an array or map) has no
    /// finite JSON value: decoding could never succeed and callers could never build one.
    /// Reported once per cycle, at the field leaving the cycle's alphabetically first model.
    pub(super) fn required_cycles(&mut self, types: &Types<'_>) {
        // Inherited fields count: a model holds its bases' required fields too.
        let edges = |model: &str| -> Vec<(String, String)> {
            let Some(fields) = types.model_fields(model) else { return Vec::new() };
            fields
                .iter()
                .filter(|(_, f)| f.required)
                .filter_map(|(wire, f)| match f.ty.expr() {
                    Some(TypeExpr::Named(n)) if types.model(n).is_some() => Some((wire.clone(), n.clone())),
                    _ => None,
                })
                .collect()
        };
        for (&start, entry) in &types.defs {
            let Def::Model(_) = entry.def else { continue };
            for (field, target) in edges(start) {
                // Breadth-first from the field's model back to `start`, remembering the way.
                let mut parent: HashMap<String, String> = HashMap::new();
                let mut queue = std::collections::VecDeque::from([target.clone()]);
                let mut found = target == start;
                while let Some(current) = queue.pop_front().filter(|_| !found) {
                    for (_, next) in edges(&current) {
                        if next == start {
                            parent.insert(next, current);
                            found = true;
                            break;
                        }
                        if next != target && !parent.contains_key(&next) {
                            parent.insert(next.clone(), current.clone());
                            queue.push_back(next);
                        }
                    }
                }
                if !found {
                    continue;
                }
                // The way back, from `start` to `target`, then turned around.
                let mut way = vec![start.to_string()];
                let mut at = start.to_string();
                while at != target || way.len() == 1 {
                    let Some(prev) = parent.get(&at) else { break };
                    way.push(prev.clone());
                    at = prev.clone();
                }
                way.push(start.to_string());
                way.reverse();
                if way.iter().any(|m| m.as_str() < start) {
                    continue;
                }
                let path = format!("{}.fields.{field}", entry.path);
                let cycle = way.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" → ");
                self.err(
                    entry.doc,
                    &path,
                    format!("required field `{field}` of `{start}` leads back to `{start}` ({cycle}), so no finite value has it; make a field on the way optional or a list"),
                );
            }
        }
    }


    /// A model or enum name: usable in type expressions, where lower-case names are primitives.
    pub(super) fn type_name(&mut self, doc: &LoadedDoc, path: &str, name: &str, what: &str) -> bool {
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            self.err(
                doc,
                path,
                format!(
                    "{what} name `{name}` must start with an upper-case letter and hold only ASCII letters, digits and `_` (type expressions name it, and lower-case names are primitives), e.g. `{}`",
                    naming::camel(name)
                ),
            );
        }
        ok
    }

    /// The fields of a model or an inline body.
    pub(super) fn fields(&mut self, doc: &LoadedDoc, base: &str, fields: &IndexMap<String, FieldDef>, types: &Types<'_>) {
        let mut names = Namespace::default();
        let mut withs = Namespace::default();
        for (wire, f) in fields {
            let path = format!("{base}.{wire}");
            if let Some(r) = &f.rust_name {
                self.rust_name(doc, &format!("{path}.rust_name"), r);
            } else if !has_word(wire) {
                self.err(doc, &path, format!("field `{wire}` has no letters or digits to make a Rust name from; set `rust_name`"));
            }
            let rust = naming::field(wire, f.rust_name.as_deref());
            if let Some(m) = names.claim(doc, &path, &rust, format!("field `{wire}`")) {
                self.err(doc, &path, format!("{m}; set `rust_name` on one of them"));
            } else if !f.required {
                // An optional field gets a `with_<name>` method, its underscores trimmed, so
                // `type_` and `_type` would both give `with_type`.
                let with = naming::with_setter(&rust);
                if let Some(m) = withs.claim(doc, &path, &with, format!("the setter of field `{wire}`")) {
                    self.err(doc, &path, format!("{m}; set `rust_name` on one of them"));
                }
            }
            let ty = self.resolve(doc, &format!("{path}.type"), &f.ty, types);
            self.time_format(doc, &path, f.format.as_ref(), ty.as_ref());
            self.nullable(doc, &path, f);
            if let Some(m) = ty.as_ref().filter(|_| f.secret).and_then(|t| secret::misplaced(t, f.ty.text())) {
                self.err(doc, &format!("{path}.secret"), m);
            }
            self.deprecation(doc, &format!("{path}.deprecated"), &f.deprecated);
        }
    }

    /// Parses a type expression and checks that the model or enum it names exists.
    pub(super) fn resolve(&mut self, doc: &LoadedDoc, path: &str, text: &TypeText, types: &Types<'_>) -> Option<TypeExpr> {
        let t = match text.parsed() {
            Ok(t) => t.clone(),
            Err(m) => {
                self.err(doc, path, m);
                return None;
            }
        };
        match types.check(&t) {
            Ok(()) => Some(t),
            Err(message) => {
                self.err(doc, path, message);
                None
            }
        }
    }
}

//! Rules for the types issue 17 added: time formats (the API's `time_format`, a field's or
//! parameter's `format`: a known word, on a time type, `iso_date` only for a `date`), nullable
//! fields (not also required), and unions (untagged `one_of` or tagged `tag` + `variants`, not
//! both; shapes that resolve and make distinct Rust variants; tagged variants that are models
//! holding the tag field as a required string).

use super::*;
use crate::ir::TimeFormat;
use crate::spec::UnionDef;

/// Whether an example value looks like the RFC 3339 text of a `datetime` (`2011-04-01T00:00:00`
/// and an offset) or a `date` (`2011-04-01`): digits where digits go, separators where they go.
pub(super) fn rfc3339_like(v: &Json, p: Prim) -> bool {
    let Some(s) = v.as_str() else { return false };
    let shape = |text: &str, pattern: &str| {
        text.len() >= pattern.len() && text.bytes().zip(pattern.bytes()).all(|(c, p)| if p == b'9' { c.is_ascii_digit() } else { c.eq_ignore_ascii_case(&p) })
    };
    match p {
        Prim::Date => s.len() == 10 && shape(s, "9999-99-99"),
        _ => shape(s, "9999-99-99T99:99:99") && (s.ends_with(['Z', 'z']) || s[19..].contains(['+', '-'])),
    }
}

impl Validator {
    /// Runs `check` with the time format of a field or parameter (its `format`, else the API's).
    pub(super) fn with_time<R>(&mut self, format: Option<&Word<TimeFormat>>, check: impl FnOnce(&mut Self) -> R) -> R {
        let before = self.value_time;
        self.value_time = format.and_then(Word::known).unwrap_or(self.api_time);
        let out = check(self);
        self.value_time = before;
        out
    }

    /// An example value of a union: some shape of it takes the value (each shape is checked
    /// quietly; the message lists the shapes when none does).
    pub(super) fn example_union(&mut self, doc: &LoadedDoc, path: &str, v: &Json, name: &str, u: &UnionDef, types: &Types<'_>) {
        let shapes: Vec<(String, TypeExpr)> = match &u.tag {
            None => u.one_of.iter().filter_map(|t| t.expr().map(|e| (t.text().to_string(), e.clone()))).collect(),
            Some(tag) => match v.get(tag).and_then(Json::as_str).and_then(|value| u.variants.get(value)) {
                Some(model) => vec![(model.clone(), TypeExpr::Named(model.clone()))],
                None if u.unknown => return,
                None => {
                    let known: Vec<&str> = u.variants.keys().map(String::as_str).collect();
                    self.err(doc, path, format!("the example's `{tag}` is not a tag value of union `{name}` ({})", quoted_list(&known)));
                    return;
                }
            },
        };
        for (_, t) in &shapes {
            let mut probe = Validator { api_time: self.api_time, value_time: self.value_time, ..Validator::default() };
            probe.example_value(doc, path, v, t, types, false);
            if probe.diags.is_empty() {
                return;
            }
        }
        let tried: Vec<&str> = shapes.iter().map(|(t, _)| t.as_str()).collect();
        self.err(doc, path, format!("the example fits no shape of union `{name}` (tried {})", quoted_list(&tried)));
    }

    /// The API's default time format: `epoch_millis` or `rfc3339` (`iso_date` is per field).
    pub(super) fn api_time_format(&mut self, doc: &LoadedDoc, api: &ApiDoc) {
        if let Some(w) = &api.time_format {
            if self.word(doc, "time_format", w) == Some(TimeFormat::IsoDate) {
                self.err(
                    doc,
                    "time_format",
                    "`iso_date` is a format for `date` fields and parameters; an API's `time_format` is `epoch_millis` or `rfc3339` (a `date` is then `2011-04-01`)",
                );
            }
        }
    }

    /// A field's or parameter's `format` (on its type, when the type resolved) and, for a
    /// field, `nullable`.
    pub(super) fn time_format(&mut self, doc: &LoadedDoc, path: &str, format: Option<&Word<TimeFormat>>, ty: Option<&TypeExpr>) {
        let Some(w) = format else { return };
        let fpath = format!("{path}.format");
        let Some(f) = self.word(doc, &fpath, w) else { return };
        let Some(t) = ty else { return };
        let mut prim = t;
        while let TypeExpr::Array(inner) | TypeExpr::Map(inner) = prim {
            prim = inner;
        }
        match (prim, f) {
            (TypeExpr::Prim(Prim::Date), _) | (TypeExpr::Prim(Prim::DateTime), TimeFormat::EpochMillis | TimeFormat::Rfc3339) => {}
            (TypeExpr::Prim(Prim::DateTime), TimeFormat::IsoDate) => {
                self.err(doc, &fpath, "`iso_date` is for `date` values; a `datetime` is `rfc3339` or `epoch_millis`")
            }
            _ => self.err(doc, &fpath, format!("`format` applies to `datetime` and `date` values, not `{t}`; remove it")),
        }
    }

    /// `nullable` with `required`: a required field is always sent with a value.
    pub(super) fn nullable(&mut self, doc: &LoadedDoc, path: &str, f: &FieldDef) {
        if f.nullable && f.required {
            self.err(
                doc,
                &format!("{path}.nullable"),
                "a field cannot be both `required` and `nullable`: required means always present with a value; make it optional (it reads as `None` when absent or null, and an update can clear it with `null`)",
            );
        }
    }

    /// One union of a category.
    pub(super) fn union(&mut self, doc: &LoadedDoc, path: &str, u: &UnionDef, types: &Types<'_>) {
        match (&u.tag, u.one_of.is_empty()) {
            (Some(_), false) => self.err(doc, &format!("{path}.one_of"), "a union is untagged (`one_of`) or tagged (`tag` and `variants`), not both"),
            (None, true) => self.err(doc, path, "a union needs `one_of` (shapes tried in order) or `tag` and `variants` (chosen by a field)"),
            (None, false) => self.untagged(doc, path, u, types),
            (Some(tag), true) => self.tagged(doc, path, tag, u, types),
        }
        if u.tag.is_none() && (!u.variants.is_empty() || u.unknown) {
            let key = if u.unknown { "unknown" } else { "variants" };
            self.err(doc, &format!("{path}.{key}"), format!("`{key}` belongs to a tagged union; add `tag` (the field that names the variant)"));
        }
    }

    fn untagged(&mut self, doc: &LoadedDoc, path: &str, u: &UnionDef, types: &Types<'_>) {
        let mut names: HashMap<String, usize> = HashMap::new();
        for (i, t) in u.one_of.iter().enumerate() {
            let at = format!("{path}.one_of.{i}");
            let Some(expr) = self.resolve(doc, &at, t, types) else { continue };
            let name = crate::lower::shape_name(&expr);
            match names.get(&name) {
                Some(first) => self.err(doc, &at, format!("shape `{t}` is already in the union (`one_of.{first}` makes the same variant `{name}`); list each shape once")),
                None => {
                    names.insert(name, i);
                }
            }
        }
    }

    fn tagged(&mut self, doc: &LoadedDoc, path: &str, tag: &str, u: &UnionDef, types: &Types<'_>) {
        if u.variants.is_empty() {
            self.err(doc, &format!("{path}.tag"), format!("a tagged union needs `variants`: each `{tag}` value and its model"));
        }
        let mut names: HashMap<String, &str> = HashMap::new();
        for (value, model) in &u.variants {
            let at = format!("{path}.variants.{value}");
            let rust = naming::camel(value);
            if let Some(first) = names.insert(rust.clone(), value) {
                self.err(doc, &at, format!("tag values `{first}` and `{value}` both make the variant `{rust}`; the Rust enum needs them distinct"));
            }
            let Some(expr) = self.resolve(doc, &at, &TypeText::new(model.clone()), types) else { continue };
            let Some(fields) = expr.named().filter(|_| matches!(expr, TypeExpr::Named(_))).and_then(|n| types.model_fields(n)) else {
                self.err(doc, &at, format!("variant `{value}` must be a model (an object holding `{tag}`), not `{model}`"));
                continue;
            };
            match fields.get(tag) {
                None => self.err(doc, &at, format!("model `{model}` has no field `{tag}`, the union's tag; add `{tag}: {{ type: string, required: true }}`")),
                Some(f) if !f.required || !matches!(f.ty.expr(), Some(TypeExpr::Prim(Prim::String))) => self.err(
                    doc,
                    &at,
                    format!("the tag field `{tag}` of model `{model}` must be a required `string` (it holds `{value}`)"),
                ),
                Some(_) => {}
            }
        }
    }
}

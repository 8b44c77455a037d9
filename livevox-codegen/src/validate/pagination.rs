//! Rules for `pagination`: `end`, `max_count`, the offset and count query parameters (required
//! integers), the response model's items field (an array) and its next-page field.

use super::*;

impl Validator {
    pub(super) fn pagination(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, p: &crate::spec::PaginationDef, response: Option<&Response>, types: &Types<'_>) {
        let path = format!("{base}.pagination");
        let end = self.word(doc, &format!("{path}.end"), &p.end);
        if p.max_count == Some(0) {
            self.err(doc, &format!("{path}.max_count"), "`max_count` must be at least 1");
        }

        // The offset and count parameters.
        let mut names: Vec<&str> = Vec::new();
        for (key, given, role) in [("offset", &p.offset, "where the page starts"), ("count", &p.count, "the page size")] {
            let name = given.as_deref().unwrap_or(key);
            let key_path = if given.is_some() { format!("{path}.{key}") } else { path.clone() };
            if names.contains(&name) {
                self.err(doc, &key_path, format!("offset and count cannot both be the parameter `{name}`"));
                continue;
            }
            names.push(name);
            match op.query.get(name) {
                None => self.err(
                    doc,
                    &key_path,
                    with_suggestion(
                        format!("pagination needs a query parameter `{name}` ({role}), declared in `query` as a required integer"),
                        name,
                        op.query.keys().map(String::as_str),
                    ),
                ),
                Some(q) => {
                    let qpath = format!("{base}.query.{name}");
                    match q.ty.parsed() {
                        Ok(&TypeExpr::Prim(prim)) if prim.is_integer() => {
                            if key == "count" && prim == Prim::Int32 && p.max_count.is_some_and(|m| i32::try_from(m).is_err()) {
                                self.err(doc, &format!("{path}.max_count"), "`max_count` does not fit the `int32` count parameter");
                            }
                        }
                        Ok(_) => self.err(
                            doc,
                            &format!("{qpath}.type"),
                            format!("the pagination {key} parameter `{name}` must be an integer (`int32` or `int64`), not `{}`", q.ty.text().trim()),
                        ),
                        Err(_) => {} // reported with the parameter
                    }
                    if !q.required {
                        self.err(doc, &qpath, format!("the pagination {key} parameter `{name}` must be `required: true`: every page request sends it"));
                    }
                }
            }
        }

        // The response model, its items and its next link.
        let Some(response) = response else { return };
        let model = response.ty.as_ref().and_then(|t| types.direct_model(t));
        let Some((model_name, model)) = model else {
            if response.ty.is_some() || response.format != ResponseFormat::Json {
                self.err(doc, &path, "pagination needs a response whose `type` is a model holding the page's items");
            }
            return;
        };
        let all = types.all_fields(model_name, model);
        let fields = || all.keys().map(String::as_str);
        match all.get(&p.items) {
            None => self.err(doc, &format!("{path}.items"), with_suggestion(format!("`{model_name}` has no field `{}`", p.items), &p.items, fields())),
            Some(f) => {
                if !matches!(f.ty.expr(), Some(TypeExpr::Array(_))) {
                    self.err(doc, &format!("{path}.items"), format!("the items field `{}` of `{model_name}` must be an `array<...>`, not `{}`", p.items, f.ty.text().trim()));
                }
            }
        }
        let Some(end) = end else {
            return;
        };
        let reads_next = end != PageEnd::ShortPage;
        let next = p.next.as_deref().unwrap_or("next");
        let next_path = if p.next.is_some() { format!("{path}.next") } else { format!("{path}.end") };
        if reads_next {
            match all.get(next) {
                None => self.err(
                    doc,
                    &next_path,
                    with_suggestion(
                        format!("`end: {}` reads the next-page field `{next}`, but `{model_name}` has no such field; add it, or name the field with `next:`", p.end),
                        next,
                        fields(),
                    ),
                ),
                Some(f) => {
                    if f.ty.expr() != Some(&TypeExpr::Prim(Prim::String)) {
                        self.err(doc, &next_path, format!("the next-page field `{next}` must be a `string`, not `{}`", f.ty.text().trim()));
                    }
                    if f.required {
                        self.err(doc, &next_path, format!("the next-page field `{next}` is absent on the last page, so it cannot be `required`"));
                    }
                }
            }
        } else if p.next.is_some() {
            self.err(doc, &next_path, "`next` is read only with `end: next_absent` or `next_absent_or_short_page`, not `short_page`");
        }
    }
}

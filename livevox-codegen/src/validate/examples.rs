//! Rules for `examples`: request path, query and body values against the operation's parameter
//! and body types, the example's status against the success status, and the response body
//! against the response type and format.

use super::*;

impl Validator {
    pub(super) fn example(&mut self, doc: &LoadedDoc, path: &str, op: &OperationDef, e: &ExampleDef, response: Option<&Response>, types: &Types<'_>) {
        let empty = crate::spec::ExampleRequest { path: IndexMap::new(), query: IndexMap::new(), body: None };
        let request = e.request.as_ref().unwrap_or(&empty);
        let rpath = format!("{path}.request");

        for (name, value) in &request.path {
            let vpath = format!("{rpath}.path.{name}");
            match op.path_params.get(name) {
                None => self.err(doc, &vpath, with_suggestion(format!("the operation has no path parameter `{name}`"), name, op.path_params.keys().map(String::as_str))),
                Some(p) => {
                    if let Some(t) = p.ty.expr() {
                        self.with_time(p.format.as_ref(), |v| v.example_value(doc, &vpath, value, t, types, false));
                    }
                }
            }
        }
        for name in op.path_params.keys() {
            if !request.path.contains_key(name) {
                self.err(doc, &format!("{rpath}.path"), format!("the example leaves out the path parameter `{name}`"));
            }
        }
        let paging: Vec<&str> =
            op.pagination.as_ref().map(|p| super::pagination::paging_params(p).into_iter().map(|(n, _, _)| n).collect()).unwrap_or_default();
        for (name, value) in &request.query {
            let vpath = format!("{rpath}.query.{name}");
            match op.query.get(name) {
                None => self.err(doc, &vpath, with_suggestion(format!("the operation has no query parameter `{name}`"), name, op.query.keys().map(String::as_str))),
                Some(p) => {
                    if let Some(t) = p.ty.expr() {
                        self.with_time(p.format.as_ref(), |v| v.example_value(doc, &vpath, value, t, types, true));
                    }
                }
            }
        }
        for (name, p) in &op.query {
            // Paging parameters have defaults in the generated client, so an example may leave
            // them out like a caller does.
            if p.required && !paging.contains(&name.as_str()) && !request.query.contains_key(name) {
                self.err(doc, &format!("{rpath}.query"), format!("the example leaves out the required query parameter `{name}`"));
            }
        }
        if let Some(body) = &request.body {
            let bpath = format!("{rpath}.body");
            match &op.body {
                None => self.err(doc, &bpath, "the operation sends no body, so its example cannot have one"),
                Some(b) => match (&b.ty, &b.fields) {
                    (Some(t), None) => {
                        if let Some(t) = t.expr() {
                            self.example_value(doc, &bpath, body, t, types, false);
                        }
                    }
                    (None, Some(fields)) => self.example_object(doc, &bpath, body, fields, "the body", types),
                    _ => {}
                },
            }
        }

        let spath = format!("{path}.response.status");
        let status = e.response.status.unwrap_or(200);
        if !(100..=599).contains(&status) {
            self.err(doc, &spath, format!("{status} is not an HTTP status (100 to 599)"));
            return;
        }
        let Some(response) = response else { return };
        if !(200..=299).contains(&status) {
            // An error example shows the error body, which the response type does not describe.
            return;
        }
        if status != response.status {
            let default = if e.response.status.is_none() { " (the default)" } else { "" };
            self.err(doc, &spath, format!("a successful example has the operation's success status {}, not {status}{default}", response.status));
        }
        if let Some(body) = &e.response.body {
            let bpath = format!("{path}.response.body");
            match (response.format, &response.ty) {
                (ResponseFormat::None, _) => self.err(doc, &bpath, "the operation's response has no body (`format: none`), so its example cannot have one"),
                (ResponseFormat::Text, _) if !body.is_string() => {
                    self.err(doc, &bpath, format!("a `format: text` response is text; the example gives {}", describe_json(body)))
                }
                // The spec is text, so it cannot hold the bytes; the simulator makes some up.
                (ResponseFormat::Binary, _) => self.err(
                    doc,
                    &bpath,
                    "a `format: binary` response is raw bytes, which an example cannot hold; leave out `body` (the simulator answers made-up bytes)",
                ),
                (_, Some(t)) => self.example_value(doc, &bpath, body, t, types, false),
                _ => {}
            }
        }
    }

    /// Checks an example value against a type. `loose` accepts one item for an array (a query
    /// parameter given once).
    pub(super) fn example_value(&mut self, doc: &LoadedDoc, path: &str, v: &Json, t: &TypeExpr, types: &Types<'_>, loose: bool) {
        match t {
            TypeExpr::Prim(p) => {
                let ok = match p {
                    Prim::String => v.is_string(),
                    Prim::Bool => v.is_boolean(),
                    Prim::Int32 => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                    Prim::Int64 => v.is_i64(),
                    Prim::Float64 => v.is_number(),
                    Prim::DateTime | Prim::Date if self.value_time != crate::ir::TimeFormat::EpochMillis => super::unions::rfc3339_like(v, *p),
                    Prim::DateTime | Prim::Date | Prim::Time => v.is_i64(),
                    Prim::Json => true,
                };
                if !ok {
                    let hint = match p {
                        Prim::DateTime if self.value_time != crate::ir::TimeFormat::EpochMillis => " (RFC 3339 text, `2011-04-01T00:00:00Z`)",
                        Prim::Date if self.value_time != crate::ir::TimeFormat::EpochMillis => " (RFC 3339 `full-date` text, `2011-04-01`)",
                        Prim::DateTime | Prim::Date => " (milliseconds since the Unix epoch, as a number)",
                        Prim::Time => " (milliseconds since midnight, as a number)",
                        Prim::String if v.is_number() || v.is_boolean() => "; quote it",
                        Prim::Int32 if v.is_i64() => " (out of range)",
                        _ => "",
                    };
                    self.err(doc, path, format!("the example gives {}, but the type is `{}`{hint}", describe_json(v), p.name()));
                }
            }
            TypeExpr::Array(inner) => match v {
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.example_value(doc, &format!("{path}.{i}"), item, inner, types, false);
                    }
                }
                other if loose => self.example_value(doc, path, other, inner, types, false),
                other => self.err(doc, path, format!("the example gives {}, but the type is `{t}`, a list", describe_json(other))),
            },
            TypeExpr::Map(inner) => match v {
                Json::Object(entries) => {
                    for (k, item) in entries {
                        self.example_value(doc, &format!("{path}.{k}"), item, inner, types, false);
                    }
                }
                other => self.err(doc, path, format!("the example gives {}, but the type is `{t}`, a mapping", describe_json(other))),
            },
            TypeExpr::Named(name) => {
                if let Some(fields) = types.model_fields(name) {
                    self.example_object(doc, path, v, &fields, &format!("`{name}`"), types);
                } else if let Some(u) = types.union(name) {
                    self.example_union(doc, path, v, name, u, types);
                } else if let Some(e) = types.enumeration(name) {
                    let known = e.values.iter().any(|x| match (&x.value, v) {
                        (WireValue::Str(s), Json::String(g)) => s == g,
                        (WireValue::Int(n), Json::Number(g)) => g.as_i64() == Some(*n),
                        _ => false,
                    });
                    if !known {
                        let values: Vec<String> = e.values.iter().map(|x| x.value.to_string()).collect();
                        let mut message = format!("the example gives {}, which is not a value of `{name}` ({})", describe_json(v), values.join(", "));
                        if let Json::String(g) = v {
                            let strs: Vec<&str> = e.values.iter().filter_map(|x| if let WireValue::Str(s) = &x.value { Some(s.as_str()) } else { None }).collect();
                            if let Some(s) = did_you_mean(g, strs) {
                                message.push_str(&format!("; did you mean `{s}`?"));
                            }
                        }
                        self.err(doc, path, message);
                    }
                }
            }
        }
    }

    pub(super) fn example_object(&mut self, doc: &LoadedDoc, path: &str, v: &Json, fields: &IndexMap<String, FieldDef>, what: &str, types: &Types<'_>) {
        let Json::Object(obj) = v else {
            self.err(doc, path, format!("the example gives {}, but {what} is a mapping of fields", describe_json(v)));
            return;
        };
        for (k, value) in obj {
            let fpath = format!("{path}.{k}");
            match fields.get(k) {
                None => self.err(doc, &fpath, with_suggestion(format!("{what} has no field `{k}`"), k, fields.keys().map(String::as_str))),
                Some(f) if value.is_null() => {
                    if f.required {
                        self.err(doc, &fpath, format!("`{k}` is a required field of {what}; it cannot be null"));
                    }
                }
                Some(f) => {
                    if let Some(t) = f.ty.expr() {
                        self.with_time(f.format.as_ref(), |v| v.example_value(doc, &fpath, value, t, types, false));
                    }
                }
            }
        }
        for (k, f) in fields {
            if f.required && !obj.contains_key(k) {
                self.err(doc, path, format!("the example leaves out `{k}`, a required field of {what}"));
            }
        }
    }
}

fn describe_json(v: &Json) -> String {
    match v {
        Json::Null => "nothing (null)".into(),
        Json::Bool(b) => format!("`{b}`"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the string {}", Json::String(s.clone())),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "a mapping".into(),
    }
}

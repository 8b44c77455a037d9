//! Rules for an operation: summary, method, path and its `{placeholders}` against `path_params`
//! (both ways), path and query parameters (names, setters, types, defaults), the body, `auth`,
//! and `rate_limit`, and the names of its examples.

use super::*;

impl Validator {
    pub(super) fn operation(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, types: &Types<'_>, api: Option<ApiRef<'_>>, prefix: &str) {
        let at = |key: &str| format!("{base}.{key}");
        if op.summary.trim().is_empty() {
            self.err(doc, &at("summary"), "the summary is empty; say in one line what the operation does");
        }
        let method_ok = self.word(doc, &at("method"), &op.method).is_some();
        self.deprecation(doc, &at("deprecated"), &op.deprecated);

        self.operation_path(doc, base, op, prefix);
        let mut args = self.operation_params(doc, base, op, types);
        if let Some(body) = &op.body {
            self.body(doc, base, op, body, method_ok, types, &mut args);
        }

        self.operation_auth(doc, base, op, api);
        self.agent_action(doc, base, op);

        let response = self.response(doc, base, op, types);

        if let Some(p) = &op.pagination {
            self.pagination(doc, base, op, p, response.as_ref(), types);
        }

        if let Some(r) = &op.rate_limit {
            if r.calls == 0 {
                self.err(doc, &at("rate_limit.calls"), "`calls` must be at least 1");
            }
            if r.per_seconds == 0 {
                self.err(doc, &at("rate_limit.per_seconds"), "`per_seconds` must be at least 1");
            }
            if r.max_in_flight == Some(0) {
                self.err(doc, &at("rate_limit.max_in_flight"), "`max_in_flight` must be at least 1 (leave it out for no limit)");
            }
        }

        self.error_examples(doc, base, op, api, types);
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (i, e) in op.examples.iter().enumerate() {
            let path = at(&format!("examples.{i}"));
            if e.name.trim().is_empty() {
                self.err(doc, &format!("{path}.name"), "an example needs a name");
            } else if let Some(first) = names.get(e.name.as_str()) {
                let line = doc.positions.get(&at(&format!("examples.{first}.name"))).line;
                self.err(doc, &format!("{path}.name"), format!("another example is called `{}` (line {line})", e.name));
            } else {
                names.insert(&e.name, i);
            }
            self.example(doc, &path, op, e, response.as_ref(), types);
        }
    }

    /// The path, and its placeholders (the category prefix's too, unless `full_path`) against
    /// `path_params`, both ways.
    fn operation_path(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, prefix: &str) {
        let at = |key: &str| format!("{base}.{key}");
        if op.full_path && !op.path.starts_with('/') {
            self.err(doc, &at("path"), format!("a `full_path` operation's path is the whole path from the base URL, so `{}` must start with `/`", op.path));
        } else if !op.path.is_empty() && !op.path.starts_with('/') {
            self.err(doc, &at("path"), format!("the path `{}` must start with `/` (or be empty for the category's own path)", op.path));
        }
        // The category validates its own path; a malformed one adds nothing here.
        let inherited = if op.full_path { Vec::new() } else { path_placeholders(prefix).unwrap_or_default() };
        // Messages name the whole template only where the prefix adds placeholders to it.
        let shown = if inherited.is_empty() { op.path.clone() } else { joined(prefix, op) };
        if op.path.contains(['?', '#']) || op.path.chars().any(char::is_whitespace) {
            self.err(doc, &at("path"), format!("the path `{}` must be a plain path: no `?`, `#` or spaces; query parameters go under `query`", op.path));
        }
        let placeholders = match path_placeholders(&op.path) {
            Ok(p) => Some(inherited.iter().cloned().chain(p).collect::<Vec<_>>()),
            Err(m) => {
                self.err(doc, &at("path"), m);
                None
            }
        };
        if let Some(placeholders) = &placeholders {
            let mut seen: Vec<&str> = Vec::new();
            for p in placeholders {
                if seen.contains(&p.as_str()) {
                    self.err(doc, &at("path"), format!("the placeholder `{{{p}}}` appears twice in `{shown}`"));
                    continue;
                }
                seen.push(p);
                if !op.path_params.contains_key(p) {
                    let whose = if inherited.contains(p) { format!(" (of the category path `{prefix}`)") } else { String::new() };
                    self.err(
                        doc,
                        &at("path"),
                        with_suggestion(
                            format!("the placeholder `{{{p}}}`{whose} has no entry in `path_params`"),
                            p,
                            op.path_params.keys().map(String::as_str).filter(|k| !placeholders.contains(&k.to_string())),
                        ),
                    );
                }
            }
            for name in op.path_params.keys() {
                if !placeholders.contains(name) {
                    self.err(
                        doc,
                        &at(&format!("path_params.{name}")),
                        with_suggestion(
                            format!("path parameter `{name}` has no `{{{name}}}` placeholder in the path `{shown}`"),
                            name,
                            placeholders.iter().map(String::as_str).filter(|p| !op.path_params.contains_key(*p)),
                        ),
                    );
                }
            }
        }
    }

    /// Path and query parameters: their names, types and defaults. Returns the one namespace of
    /// argument and setter names they share with the inline body fields.
    fn operation_params<'a>(&mut self, doc: &'a LoadedDoc, base: &str, op: &OperationDef, types: &Types<'_>) -> Namespace<'a> {
        let at = |key: &str| format!("{base}.{key}");
        let mut args = Namespace::default();
        let named_body = op.body.as_ref().and_then(|b| b.ty.as_ref());
        if let Some(t) = named_body {
            args.reserve("body", &format!("the argument or setter for the `{}` body", t.text().trim()));
        }
        for (name, p) in &op.path_params {
            let path = at(&format!("path_params.{name}"));
            let ty = self.param(doc, &path, name, p, types, "path parameter", &mut args);
            if let Some(t) = ty {
                if !types.is_scalar(&t) {
                    self.err(
                        doc,
                        &format!("{path}.type"),
                        format!("a path parameter is a single value (a string, number, bool, date or enum), not `{}`", p.ty.text().trim()),
                    );
                }
            }
            if p.default.is_some() {
                self.err(doc, &format!("{path}.default"), "a path parameter is always sent, so it has no server default");
            }
        }
        let paging = op.pagination.as_ref().map(super::pagination::paging_params).unwrap_or_default();
        for (name, p) in &op.query {
            let path = at(&format!("query.{name}"));
            let ty = self.param(doc, &path, name, p, types, "query parameter", &mut args);
            if let Some(t) = ty {
                let ok = match &t {
                    TypeExpr::Array(inner) => types.is_scalar(inner),
                    t => types.is_scalar(t),
                };
                if !ok {
                    self.err(
                        doc,
                        &format!("{path}.type"),
                        format!("a query parameter is a string, number, bool, date or enum, or an `array<...>` of those; not `{}`", p.ty.text().trim()),
                    );
                }
                if let Some(d) = &p.default {
                    let dpath = format!("{path}.default");
                    if let Some((role, least)) = paging.iter().find(|(n, _, _)| n == name).map(|(_, r, l)| (*r, *l)) {
                        // A paging parameter's default is the value the generated setter starts from.
                        if d.as_i64().is_none_or(|n| n < least) {
                            self.err(doc, &dpath, format!("the default of the pagination {role} parameter is an integer of at least {least}, not {d}"));
                        }
                    } else if p.required {
                        self.err(doc, &dpath, "`default` documents what the server uses when the parameter is left out, but a required parameter is never left out");
                    } else {
                        self.example_value(doc, &dpath, d, &t, types, true);
                    }
                }
            }
        }
        args
    }

    /// `auth`, and what the API offers for it.
    fn operation_auth(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, api: Option<ApiRef<'_>>) {
        let at = |key: &str| format!("{base}.{key}");
        if let Some(a) = &op.auth {
            if self.word(doc, &at("auth"), a) == Some(AuthNeed::AccessToken) {
                if let Some(api) = api {
                    match api.kind() {
                        Some(AuthKind::LiveVox) if api.api.authorization.login.is_none() => self.err(
                            doc,
                            &at("auth"),
                            format!("`auth: access_token` needs `authorization.login` in API `{}`: its `access_header` carries the token", api.api.api),
                        ),
                        Some(AuthKind::LiveVox) | None => {}
                        Some(other) => self.err(
                            doc,
                            &at("auth"),
                            format!("`auth: access_token` sends the LiveVox access token, which only an API with authorization `LIVEVOX` has (API `{}` uses `{}`)", api.api.api, other.word()),
                        ),
                    }
                }
            }
        }
    }

    /// A path or query parameter: its names and its type, which is returned when it resolves.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn param<'a>(
        &mut self,
        doc: &'a LoadedDoc,
        path: &str,
        wire: &str,
        p: &ParamDef,
        types: &Types<'_>,
        what: &str,
        args: &mut Namespace<'a>,
    ) -> Option<TypeExpr> {
        if let Some(r) = &p.rust_name {
            self.rust_name(doc, &format!("{path}.rust_name"), r);
        } else if !has_word(wire) {
            self.err(doc, path, format!("{what} `{wire}` has no letters or digits to make a Rust name from; set `rust_name`"));
        }
        let setter = naming::setter(&naming::field(wire, p.rust_name.as_deref()));
        if let Some(m) = args.claim(doc, path, &setter, format!("{what} `{wire}`")) {
            self.err(doc, path, format!("{m}; set `rust_name` on one of them"));
        }
        self.deprecation(doc, &format!("{path}.deprecated"), &p.deprecated);
        let ty = self.resolve(doc, &format!("{path}.type"), &p.ty, types);
        self.time_format(doc, path, p.format.as_ref(), ty.as_ref());
        if let Some(m) = ty.as_ref().filter(|_| p.secret).and_then(|t| secret::misplaced(t, p.ty.text())) {
            self.err(doc, &format!("{path}.secret"), m);
        }
        ty
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn body<'a>(
        &mut self,
        doc: &'a LoadedDoc,
        base: &str,
        op: &OperationDef,
        body: &BodyDef,
        method_ok: bool,
        types: &Types<'_>,
        args: &mut Namespace<'a>,
    ) {
        let path = format!("{base}.body");
        if method_ok && matches!(op.method.known(), Some(Method::Get | Method::Delete)) {
            // LiveVox's reference client put bodies on some GETs; servers and proxies may drop
            // them, so the spec sends such values as query parameters instead.
            self.err(
                doc,
                &path,
                format!("a `{}` request has no body (servers and proxies may drop it); send the values as `query` parameters, or use POST", op.method),
            );
        }
        match (&body.ty, &body.fields) {
            (Some(_), Some(_)) => self.err(doc, &path, "a body has either `type` (a model) or `fields` (inline fields), not both"),
            (Some(t), None) => {
                if let Some(t) = self.resolve(doc, &format!("{path}.type"), t, types) {
                    if types.direct_model(&t).is_none() {
                        self.err(doc, &format!("{path}.type"), format!("a body is a model, not `{t}`; wrap other values in a model"));
                    }
                }
            }
            (None, Some(fields)) => {
                self.fields(doc, &format!("{path}.fields"), fields, types);
                for (wire, f) in fields {
                    let setter = naming::setter(&naming::field(wire, f.rust_name.as_deref()));
                    let fpath = format!("{path}.fields.{wire}");
                    if let Some(m) = args.claim(doc, &fpath, &setter, format!("body field `{wire}`")) {
                        self.err(doc, &fpath, format!("{m}; set `rust_name` on one of them"));
                    }
                }
            }
            (None, None) => {}
        }
        match (&body.ty, &body.fields) {
            // An empty body is always `{}`: `required: false` would promise what is not done.
            (None, None) if !body.required => {
                self.err(doc, &format!("{path}.required"), "`required: false` applies to a body `type` or inline `fields`; an empty body is always sent as `{}`");
            }
            // Optional inline fields are left out when none is set; a required one is an
            // argument of the operation, so the body would never be left out.
            (None, Some(fields)) if !body.required => {
                if let Some((wire, _)) = fields.iter().find(|(_, f)| f.required) {
                    self.err(
                        doc,
                        &format!("{path}.fields.{wire}.required"),
                        format!("`{wire}` is required, but the body is `required: false`: a body left out cannot carry it; make the field optional or the body required"),
                    );
                }
            }
            _ => {}
        }
    }

}

/// The `{name}` placeholders of an operation path, in order.
/// The operation's whole path as messages show it: the category prefix and its path, or its
/// own full path.
fn joined(prefix: &str, op: &OperationDef) -> String {
    if op.full_path {
        op.path.clone()
    } else {
        format!("{}{}", prefix.trim_end_matches('/'), op.path)
    }
}

pub(super) fn path_placeholders(path: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = path;
    loop {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (None, None) => return Ok(out),
            (None, Some(_)) => return Err(format!("the path `{path}` has a `}}` without a `{{`")),
            (Some(o), Some(c)) if c < o => return Err(format!("the path `{path}` has a `}}` without a `{{`")),
            (Some(_), None) => return Err(format!("the path `{path}` has a `{{` that is not closed")),
            (Some(o), Some(c)) => {
                let name = &rest[o + 1..c];
                if name.contains('{') {
                    return Err(format!("the path `{path}` has a `{{` inside a placeholder"));
                }
                if !is_ident(name) {
                    return Err(format!(
                        "`{{{name}}}` in the path `{path}` is not a placeholder: write `{{name}}` with a name of letters, digits and `_`"
                    ));
                }
                out.push(name.to_string());
                rest = &rest[c + 1..];
            }
        }
    }
}

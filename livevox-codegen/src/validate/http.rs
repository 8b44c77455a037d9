//! Rules for the HTTP details of issue 17: the API's `content_type` rule and
//! `server_rate_limit` (statuses, header names, the reset unit), its typed error model
//! (`errors.json.type` must name a model of the API), and an operation's declared
//! `response.headers` (header names, scalar types, no two alike, no collision of the generated
//! headers struct), and the body of an error example against the typed error model.

use super::*;

/// The types a declared response header may have.
const HEADER_TYPES: &[&str] = &["string", "int32", "int64", "float64", "bool"];

impl Validator {
    /// The API document's `content_type`, `server_rate_limit` and `errors.json.type`.
    pub(super) fn api_http(&mut self, a: ApiRef<'_>, types: &Types<'_>) {
        let (doc, api) = (a.doc, a.api);
        if let Some(rule) = &api.content_type {
            self.word(doc, "content_type", rule);
        }
        if let Some(limit) = &api.server_rate_limit {
            if limit.statuses.is_empty() {
                self.err(doc, "server_rate_limit.statuses", "name at least one status that may carry the signal (e.g. `[403, 429]`)");
            }
            for (i, status) in limit.statuses.iter().enumerate() {
                if !(400..=599).contains(status) {
                    self.err(doc, &format!("server_rate_limit.statuses.{i}"), format!("a rate-limit answer is an error status (400 to 599), not {status}"));
                }
            }
            if limit.when.is_none() && !limit.retry_after {
                self.err(
                    doc,
                    "server_rate_limit",
                    "say what the signal is: `when: { header: .., equals: .. }`, `retry_after: true`, or both",
                );
            }
            if let Some(when) = &limit.when {
                self.header_key(doc, "server_rate_limit.when.header", &when.header);
                if when.equals.trim().is_empty() {
                    self.err(doc, "server_rate_limit.when.equals", "the value that means \"wait\" is empty (e.g. `\"0\"`)");
                }
            }
            if let Some(reset) = &limit.reset {
                self.header_key(doc, "server_rate_limit.reset.header", &reset.header);
                self.word(doc, "server_rate_limit.reset.unit", &reset.unit);
            }
        }
        let typed = api.errors.as_ref().and_then(|e| e.json.as_ref()).and_then(|j| j.ty.as_ref());
        if let Some(name) = typed {
            if types.model(name).is_none() {
                let what = if types.enumeration(name).is_some() { "an enum" } else { "not a model of this API" };
                self.err(doc, "errors.json.type", format!("`{name}` is {what}; the error body decodes into one of the API's models"));
            }
        }
    }

    fn header_key(&mut self, doc: &LoadedDoc, path: &str, name: &str) {
        if !is_header_name(name) {
            self.err(doc, path, format!("{name:?} is not a header name"));
        }
    }

    /// An operation's `response.headers`; `type_names` holds the Rust type names of its
    /// category, where the headers struct goes.
    pub(super) fn response_headers<'a>(&mut self, doc: &'a LoadedDoc, base: &str, name: &str, op: &OperationDef, type_names: &mut Namespace<'a>) {
        let Some(r) = &op.response else { return };
        if r.headers.is_empty() {
            return;
        }
        let path = format!("{base}.response.headers");
        let mut fields: HashMap<String, &str> = HashMap::new();
        for (header, h) in &r.headers {
            let hpath = format!("{path}.{header}");
            if !is_header_name(header) {
                self.err(doc, &hpath, format!("{header:?} is not a header name"));
                continue;
            }
            if !HEADER_TYPES.contains(&h.ty.text()) {
                self.err(doc, &format!("{hpath}.type"), format!("a header is read as {}, not `{}`", quoted_list(HEADER_TYPES), h.ty.text()));
            }
            let field = naming::field(&header.to_lowercase(), None);
            if let Some(other) = fields.insert(field.clone(), header) {
                self.err(doc, &hpath, format!("`{header}` and `{other}` are the same header (or make the same field `{field}`); declare it once"));
            }
        }
        let ty = crate::lower::http::headers_type(name);
        if let Some(m) = type_names.claim(doc, &path, &ty, format!("the headers struct of operation `{name}`")) {
            self.err(doc, &path, format!("{m}; rename one of them"));
        }
    }

    /// The bodies of an operation's error examples against the API's typed error model
    /// (`errors.json.type`), as a success example's body is checked against its response type.
    pub(super) fn error_examples(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, api: Option<ApiRef<'_>>, types: &Types<'_>) {
        let typed = api.and_then(|a| a.api.errors.as_ref()).and_then(|e| e.json.as_ref()).and_then(|j| j.ty.as_ref());
        let Some(text) = typed.map(|t| TypeText::new(t.clone())) else { return };
        let Some(expr) = text.expr().filter(|_| typed.is_some_and(|t| types.model(t).is_some())) else { return };
        for (i, e) in op.examples.iter().enumerate() {
            let status = e.response.status.unwrap_or(200);
            if let (Some(body), false) = (&e.response.body, (100..=399).contains(&status)) {
                self.example_value(doc, &format!("{base}.examples.{i}.response.body"), body, expr, types, false);
            }
        }
    }
}

//! Rules for a category document: its `path`, the Rust names its models, enums, operations,
//! request builders and body models take in its module (collisions), and operations of one API
//! that share a method and path.

use super::*;

impl Validator {
    pub(super) fn category(&mut self, doc: &LoadedDoc, cat: &CategoryDoc, types: &Types<'_>, api: Option<ApiRef<'_>>) {
        if let Some(p) = &cat.path {
            if let Err(m) = super::operations::path_placeholders(p) {
                self.err(doc, "path", m);
            } else if p.contains(['?', '#']) || p.chars().any(char::is_whitespace) {
                self.err(doc, "path", format!("the category path `{p}` must be a plain path: no `?`, `#` or spaces"));
            }
        }

        // Every type name the category module holds.
        let mut type_names = Namespace::default();
        for reserved in naming::API_MODULE_TYPES {
            type_names.reserve(reserved, &format!("a type the generator defines in each API module (`{reserved}`)"));
        }
        let client = naming::category_client(&cat.category);
        if let Some(m) = type_names.claim(doc, "category", &client, format!("the client of category `{}`", cat.category)) {
            self.err(doc, "category", format!("{m}; rename the category"));
        }

        for (name, model) in &cat.models {
            let path = format!("models.{name}");
            if self.type_name(doc, &path, name, "model") {
                if let Some(m) = type_names.claim(doc, &path, &naming::camel(name), format!("model `{name}`")) {
                    self.err(doc, &path, format!("{m}; rename one of them"));
                }
            }
            self.fields(doc, &format!("{path}.fields"), &model.fields, types);
        }
        for (name, e) in &cat.enums {
            let path = format!("enums.{name}");
            if self.type_name(doc, &path, name, "enum") {
                if let Some(m) = type_names.claim(doc, &path, &naming::camel(name), format!("enum `{name}`")) {
                    self.err(doc, &path, format!("{m}; rename one of them"));
                }
            }
            self.enumeration(doc, &path, e);
        }
        for (name, u) in &cat.unions {
            let path = format!("unions.{name}");
            if self.type_name(doc, &path, name, "union") {
                if let Some(m) = type_names.claim(doc, &path, &naming::camel(name), format!("union `{name}`")) {
                    self.err(doc, &path, format!("{m}; rename one of them"));
                }
            }
            self.union(doc, &path, u, types);
        }

        let mut fns = Namespace::default();
        fns.reserve("new", "the constructor of the category client");
        for (name, op) in &cat.operations {
            let path = format!("operations.{name}");
            if !has_word(name) {
                self.err(doc, &path, format!("operation name `{name}` has no letters or digits to make a Rust name from"));
            } else {
                if let Some(m) = fns.claim(doc, &path, &naming::operation_fn(name), format!("operation `{name}`")) {
                    self.err(doc, &path, format!("{m} (methods of `{client}`); rename one of them"));
                }
                if let Some(m) = type_names.claim(doc, &path, &naming::request_type(name), format!("the request builder of operation `{name}`")) {
                    self.err(doc, &path, format!("{m}; rename one of them"));
                }
                self.response_headers(doc, &path, name, op, &mut type_names);
                if op.body.as_ref().is_some_and(|b| b.fields.is_some()) {
                    let body_path = format!("{path}.body.fields");
                    if let Some(m) = type_names.claim(doc, &body_path, &naming::body_type(name), format!("the body model of operation `{name}`")) {
                        self.err(doc, &body_path, format!("{m}; rename one of them"));
                    }
                }
            }
            let prefix = cat.path.clone().unwrap_or_else(|| format!("/{}", cat.category));
            self.operation(doc, &path, op, types, api, &prefix);
        }
    }

    /// Operations of one API that share a method and a path (placeholder names aside, as a
    /// server's router sees them). Only the body can tell their requests apart (LiveVox's
    /// `POST /contact/contacts/bulk` is both Create Contacts and Bulk Contact Download; the
    /// simulator routes by which body fits), so each needs a body with content, and not the
    /// same model as another.
    pub(super) fn shared_routes(&mut self, members: &[(&LoadedDoc, &CategoryDoc)]) {
        // The document, the operation's name, the operation and its full path (for messages).
        type Entry<'a> = (&'a LoadedDoc, &'a str, &'a OperationDef, String);
        let mut routes: BTreeMap<(String, String), Vec<Entry<'_>>> = BTreeMap::new();
        for &(doc, cat) in members {
            let prefix = cat.path.clone().unwrap_or_else(|| cat.category.clone());
            for (name, op) in &cat.operations {
                let prefix = if op.full_path { "" } else { prefix.as_str() };
                let full = format!("/{}/{}", prefix.trim_matches('/'), op.path.trim_start_matches('/')).replace("//", "/");
                let segments: Vec<&str> = prefix
                    .split('/')
                    .chain(op.path.split('/'))
                    .filter(|s| !s.is_empty())
                    .map(|s| if s.starts_with('{') && s.ends_with('}') { "{}" } else { s })
                    .collect();
                routes.entry((op.method.text().to_string(), segments.join("/"))).or_default().push((doc, name.as_str(), op, full));
            }
        }
        for ((method, _), ops) in routes.iter().filter(|(_, ops)| ops.len() > 1) {
            let (first_doc, first_name, _, first_path) = &ops[0];
            let route = format!("{method} {}", first_path.trim_end_matches('/'));
            for (i, &(doc, name, op, _)) in ops.iter().enumerate() {
                let (other_doc, other_name) = if i == 0 { (ops[1].0, ops[1].1) } else { (*first_doc, *first_name) };
                let other = format!("operation `{other_name}` ({})", place(doc, other_doc, &format!("operations.{other_name}")));
                let has_content = op.body.as_ref().is_some_and(|b| b.ty.is_some() || b.fields.as_ref().is_some_and(|f| !f.is_empty()));
                if !has_content {
                    self.err(
                        doc,
                        &format!("operations.{name}.method"),
                        format!(
                            "`{route}` is also {other}; operations that share a method and path are told apart by their bodies alone, so each needs a body with `type` or `fields`"
                        ),
                    );
                    continue;
                }
                let same_model = ops[..i].iter().find(|(_, _, o, _)| {
                    matches!((o.body.as_ref().and_then(|b| b.ty.as_ref()), op.body.as_ref().and_then(|b| b.ty.as_ref())), (Some(a), Some(b)) if a.text().trim() == b.text().trim())
                });
                if let Some((d, n, o, _)) = same_model {
                    let model = o.body.as_ref().and_then(|b| b.ty.as_ref()).map_or("", |t| t.text().trim());
                    self.err(
                        doc,
                        &format!("operations.{name}.body.type"),
                        format!(
                            "operation `{n}` ({}) sends the same body, `{model}`, to the same `{route}`, so nothing tells the two apart",
                            place(doc, d, &format!("operations.{n}"))
                        ),
                    );
                }
            }
        }
    }
}

//! Lowering: a validated spec becomes the IR. Names are assigned here (through `naming`, the
//! only place with naming rules), type expressions are resolved to the models and enums they
//! name, every default the spec leaves implicit is made explicit, and the analyses an emitter
//! needs run over the result (`analyze`: derives, boxing). Operations are lowered in
//! `operation`.
//!
//! Lowering runs after validation, so a failure here means validate missed a case; it is still
//! reported as a diagnostic rather than a panic.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::*;
use crate::load::{Loaded, LoadedDoc};
use crate::naming;
use crate::spec::{self, ApiDoc, CategoryDoc, Deprecation};
use crate::symbols::{CategoryEntry, Symbols, TypeTable};
use crate::types::Prim;
use crate::vocab::{AuthKind, TypeText, Word};

mod analyze;
pub mod http;
mod operation;
mod pagination;
mod types;

pub use types::shape_name;

struct Ctx<'a> {
    doc: &'a LoadedDoc,
    types: &'a TypeTable<'a>,
    errors: &'a mut Diagnostics,
    /// The API's `time_format` (epoch milliseconds unless it says otherwise).
    time_format: TimeFormat,
}

impl Ctx<'_> {
    fn error(&mut self, path: &str, message: String) {
        self.errors.push(Diagnostic {
            file: self.doc.file.clone(),
            location: self.doc.positions.get(path),
            path: path.to_string(),
            message,
        });
    }

    /// The IR type of a type expression, through the symbol table's resolver.
    fn resolve(&mut self, path: &str, text: &TypeText, secret: bool) -> Type {
        match text.parsed().map_err(str::to_string).and_then(|expr| self.types.ir_type(expr, secret)) {
            Ok(t) => t,
            Err(message) => {
                self.error(path, message);
                Type::Prim(Prim::Json)
            }
        }
    }
}

fn deprecation(d: &Option<Deprecation>) -> Option<String> {
    match d {
        None | Some(Deprecation::Flag(false)) => None,
        Some(Deprecation::Flag(true)) => Some(String::new()),
        Some(Deprecation::Note(n)) => Some(n.clone()),
    }
}

/// Joins the category prefix and an operation path into one template.
fn join_path(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}/{path}")
    }
}

fn category_prefix(cat: &CategoryDoc) -> String {
    match &cat.path {
        Some(p) if p.starts_with('/') => p.clone(),
        Some(p) => format!("/{p}"),
        None => format!("/{}", cat.category),
    }
}

/// Lowers a validated spec.
pub fn lower(loaded: &Loaded) -> Result<Ir, Diagnostics> {
    lower_with(&Symbols::build(loaded))
}

/// Lowers a validated spec through its symbol table (the one validation used).
pub fn lower_with(symbols: &Symbols<'_>) -> Result<Ir, Diagnostics> {
    let mut errors = Diagnostics::default();
    let categories = &symbols.categories;
    let mut ir = Ir { apis: Vec::new() };
    for scope in &symbols.apis {
        let (api_doc, api, members, types) = (scope.doc, scope.api, scope.members.as_slice(), &scope.types);

        // An API without authorization has nothing to send, whatever an operation's default.
        let default_auth = if api.authorization.kind.is(AuthKind::None) { AuthNeed::None } else { AuthNeed::Session };
        let mut lowered = Vec::new();
        for (doc, cat) in members {
            let mut ctx = Ctx { doc, types, errors: &mut errors, time_format: types::api_time_format(api) };
            lowered.push(lower_category(&mut ctx, cat, default_auth));
        }
        analyze::run(&mut lowered);
        let auth = lower_auth(api_doc, api, categories, &lowered, &mut errors);
        let mut lowered_api = lower_api(api_doc, api, auth, lowered);
        (lowered_api.content_type, lowered_api.server_rate_limit, lowered_api.error_type) = http::api_parts(api, types);
        let session_doc = http::session_doc(&lowered_api.auth);
        for cat in &mut lowered_api.categories {
            cat.content_type = lowered_api.content_type;
            cat.session_doc.clone_from(&session_doc);
        }
        ir.apis.push(lowered_api);
    }
    errors.into_result(ir)
}

/// The API document's own parts, around its lowered categories.
fn lower_api(api_doc: &LoadedDoc, api: &ApiDoc, auth: Auth, categories: Vec<Category>) -> Api {
    let mut environments: Vec<Environment> = api
        .environments
        .iter()
        .map(|(name, url)| Environment { wire_name: name.clone(), rust_name: naming::camel(name), base_url: url.clone() })
        .collect();
    if let Some(url) = &api.base_url {
        environments.push(Environment { wire_name: "Default".into(), rust_name: "Default".into(), base_url: url.clone() });
    }
    let default_environment = api.default_environment.clone().or_else(|| api.base_url.as_ref().map(|_| "Default".to_string()));
    let headers: Vec<Header> = api
        .headers
        .iter()
        .map(|(name, value)| Header { name: name.clone(), value: value.clone(), placeholders: placeholders(value) })
        .collect();
    let mut names: Vec<&str> = headers.iter().flat_map(|h| h.placeholders.iter().map(String::as_str)).collect();
    names.sort_unstable();
    names.dedup();
    let builder_args = names
        .into_iter()
        .map(|p| BuilderArg { placeholder: p.to_string(), rust_name: naming::placeholder_arg(p) })
        .collect();
    Api {
        wire_name: api.api.clone(),
        module: naming::api_module(&api.api, api.module.as_deref()),
        description: api.description.clone(),
        source_file: api_doc.file.clone(),
        environments,
        default_environment,
        headers,
        auth,
        errors: ErrorFormat {
            // No code field: `""` (the runtime's word for it).
            json: api.errors.as_ref().and_then(|e| e.json.as_ref()).map(|j| (j.code.clone().unwrap_or_default(), j.message.clone())),
            xml: api
                .errors
                .as_ref()
                .and_then(|e| e.xml.as_ref())
                .map(|x| (x.element.clone(), x.code.clone(), x.message.clone())),
        },
        service: api.service,
        builder_args,
        categories,
        content_type: ContentTypeRule::default(),
        server_rate_limit: None,
        error_type: None,
    }
}

/// The API's authorization scheme, with the path of its login operation.
fn lower_auth(
    api_doc: &LoadedDoc,
    api: &ApiDoc,
    categories: &BTreeMap<&str, CategoryEntry<'_>>,
    lowered: &[Category],
    errors: &mut Diagnostics,
) -> Auth {
    let login = match &api.authorization.login {
        Some(l) => {
            let (cat_name, op_name) = l.operation.split_once('.').unwrap_or((l.operation.as_str(), ""));
            let path = categories
                .get(cat_name)
                .and_then(|(_, c)| c.operations.get(op_name).map(|op| join_path(&category_prefix(c), &op.path)));
            match path {
                Some(path) => {
                    // Validation checked the body's shape (`validate/authorization.rs`).
                    let fields = login_fields(lowered, &l.operation).unwrap_or_else(|| {
                        errors.push(Diagnostic {
                            file: api_doc.file.clone(),
                            location: api_doc.positions.get("authorization.login.operation"),
                            path: "authorization.login.operation".into(),
                            message: format!("internal error: validation passed a body of `{}` that is not a login's credentials", l.operation),
                        });
                        LoginFields::default()
                    });
                    Some(Login {
                        operation: l.operation.clone(),
                        path,
                        fields,
                        access_header: l.access_header.clone(),
                        session_id_field: l.session_id_field.clone(),
                    })
                }
                None => {
                    errors.push(Diagnostic {
                        file: api_doc.file.clone(),
                        location: api_doc.positions.get("authorization.login.operation"),
                        path: "authorization.login.operation".into(),
                        message: format!("no operation `{}`", l.operation),
                    });
                    None
                }
            }
        }
        None => None,
    };
    let a = &api.authorization;
    let header = || a.header.clone().unwrap_or_else(|| "Authorization".into());
    let prefix = || a.prefix.clone().unwrap_or_else(|| "Bearer".into());
    match a.kind.known() {
        Some(AuthKind::LiveVox) => Auth::LiveVox {
            session_header: a.session_header.clone().unwrap_or_else(|| "LV-Session".into()),
            expired_status: a.expired_status.unwrap_or(401),
            login,
        },
        Some(AuthKind::Basic) => Auth::Basic,
        Some(AuthKind::Bearer) => Auth::Bearer { header: header(), prefix: prefix() },
        Some(AuthKind::OAuth) => Auth::OAuth1,
        Some(AuthKind::OAuth2) => Auth::OAuth2 { header: header(), prefix: prefix(), token_url: a.token_url.clone(), scopes: a.scopes.clone() },
        _ => Auth::None,
    }
}

/// The `${name}` placeholders of a header value, in order.
pub fn placeholders(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

fn lower_fields(ctx: &mut Ctx<'_>, base: &str, fields: &indexmap::IndexMap<String, spec::FieldDef>) -> Vec<Field> {
    fields
        .iter()
        .map(|(wire, f)| {
            let rust_name = naming::field(wire, f.rust_name.as_deref());
            let ty = ctx.resolve(&format!("{base}.{wire}.type"), &f.ty, f.secret);
            Field {
                wire_name: wire.clone(),
                with_setter: naming::with_setter(&rust_name),
                setter: naming::setter(&rust_name),
                clear_setter: types::clear_setter(&rust_name),
                rust_name,
                time_format: types::time_format(ctx, &ty, f.format.as_ref()),
                ty,
                nullable: f.nullable,
                // Decided with the model's direction (`analyze`).
                patch: false,
                required: f.required,
                description: f.description.clone(),
                secret: f.secret,
                deprecated: deprecation(&f.deprecated),
                // Decided once every model of the API is known (`analyze`).
                boxed: false,
            }
        })
        .collect()
}

fn lower_enum(name: &str, e: &spec::EnumDef) -> Enum {
    let repr = e.ty.as_ref().and_then(Word::known).unwrap_or(EnumRepr::Str);
    let variants: Vec<Variant> = e
        .values
        .iter()
        .map(|v| Variant {
            wire: match &v.value {
                spec::WireValue::Int(i) => WireValue::Int(*i),
                spec::WireValue::Str(s) => WireValue::Str(s.clone()),
            },
            rust_name: naming::variant(&v.value, v.name.as_deref()).unwrap_or_else(|| format!("V{}", v.value)),
            description: v.description.clone(),
        })
        .collect();
    let unknown_variant = naming::unknown_variant(variants.iter().map(|v| v.rust_name.as_str()));
    Enum { wire_name: name.to_string(), rust_name: naming::camel(name), description: e.description.clone(), repr, variants, unknown_variant }
}

fn lower_category(ctx: &mut Ctx<'_>, cat: &CategoryDoc, default_auth: AuthNeed) -> Category {
    let module = naming::category_module(&cat.category);
    let prefix = category_prefix(cat);
    let mut models: Vec<Model> = cat
        .models
        .iter()
        .map(|(name, m)| Model {
            wire_name: name.clone(),
            rust_name: naming::camel(name),
            description: m.description.clone(),
            // Inherited fields (`extends`) are flattened in: the IR model has them all.
            fields: lower_fields(ctx, &format!("models.{name}.fields"), &ctx.types.all_fields(name, m)),
            readable: m.readable,
            body_of: None,
            direction: Direction::default(),
            derives: Derives::default(),
            camel_case_wire: false,
        })
        .collect();
    let enums = cat.enums.iter().map(|(name, e)| lower_enum(name, e)).collect();
    let unions: Vec<Union> = cat.unions.iter().map(|(name, u)| types::lower_union(ctx, name, u)).collect();
    let here = operation::Here { category: &cat.category, module: &module, prefix: &prefix, default_auth };
    let operations: Vec<Operation> =
        cat.operations.iter().map(|(name, op)| operation::lower_operation(ctx, &here, name, op, &mut models)).collect();

    let mut depends_on = Vec::new();
    for m in &models {
        for f in &m.fields {
            f.ty.modules(&mut depends_on);
        }
    }
    for u in &unions {
        for t in u.variant_types() {
            t.modules(&mut depends_on);
        }
    }
    for op in &operations {
        for p in op.params() {
            p.ty.modules(&mut depends_on);
        }
        if let Some(t) = &op.response.ty {
            t.modules(&mut depends_on);
        }
        if let Some(Body::Model { ty, .. }) = &op.body {
            depends_on.push(ty.module.clone());
        }
    }
    depends_on.sort();
    depends_on.dedup();
    depends_on.retain(|m| *m != module);

    Category {
        wire_name: cat.category.clone(),
        client_type: naming::category_client(&cat.category),
        module,
        path_prefix: prefix,
        description: cat.description.clone(),
        source_file: ctx.doc.file.clone(),
        models,
        enums,
        operations,
        depends_on,
        content_type: ContentTypeRule::default(),
        session_doc: String::new(),
        unions,
    }
}

/// The login body's fields by role (see [`LoginFields`]); `None` when the body does not have
/// exactly one secret string, at most one bool, one or two other strings and nothing else.
fn login_fields(categories: &[Category], operation: &str) -> Option<LoginFields> {
    let mut ops = categories.iter().flat_map(|c| &c.operations);
    let Some(Body::Model { ty, .. }) = ops.find(|op| op.id == operation).and_then(|op| op.body.as_ref()) else {
        return None;
    };
    let mut models = categories.iter().filter(|c| c.module == ty.module).flat_map(|c| &c.models);
    let model = models.find(|m| m.rust_name == ty.rust_name)?;
    let (mut strings, mut secrets, mut bools) = (Vec::new(), Vec::new(), Vec::new());
    for f in &model.fields {
        match f.ty {
            Type::Secret => secrets.push(f.wire_name.clone()),
            Type::Prim(Prim::Bool) => bools.push(f.wire_name.clone()),
            Type::Prim(Prim::String) => strings.push(f.wire_name.clone()),
            _ => return None,
        }
    }
    let [password] = <[String; 1]>::try_from(secrets).ok()?;
    let agent = match bools.len() {
        0 => None,
        1 => bools.pop(),
        _ => return None,
    };
    let (client, user) = match <[String; 2]>::try_from(strings) {
        Ok([client, user]) => (Some(client), user),
        Err(strings) => (None, <[String; 1]>::try_from(strings).ok()?.into_iter().next()?),
    };
    Some(LoginFields { client, user, password, agent })
}

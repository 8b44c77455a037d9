//! Lowering: a validated spec becomes the IR. Names are assigned here (through `naming`, the
//! only place with naming rules), type expressions are resolved to the models and enums they
//! name, and every default the spec leaves implicit is made explicit.
//!
//! Lowering runs after validation, so a failure here means validate missed a case; it is still
//! reported as a diagnostic rather than a panic.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::*;
use crate::load::{Loaded, LoadedDoc};
use crate::naming;
use crate::spec::{self, ApiDoc, CategoryDoc, Deprecation, Document};
use crate::types::{parse_type, Prim, TypeExpr};

/// What a type name refers to inside one API.
#[derive(Clone)]
struct Named<'a> {
    module: String,
    rust_name: String,
    wire_name: String,
    is_enum: bool,
    /// The definition, for models (pagination looks into the response model's fields).
    model: Option<&'a spec::ModelDef>,
}

struct Ctx<'a> {
    doc: &'a LoadedDoc,
    types: &'a BTreeMap<String, Named<'a>>,
    errors: &'a mut Diagnostics,
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

    fn resolve(&mut self, path: &str, text: &str, secret: bool) -> Type {
        match parse_type(text) {
            Ok(expr) => self.resolve_expr(path, &expr, secret),
            Err(message) => {
                self.error(path, message);
                Type::Prim(Prim::Json)
            }
        }
    }

    fn resolve_expr(&mut self, path: &str, expr: &TypeExpr, secret: bool) -> Type {
        match expr {
            TypeExpr::Prim(Prim::String) if secret => Type::Secret,
            TypeExpr::Prim(p) => Type::Prim(*p),
            TypeExpr::Array(t) => Type::Array(Box::new(self.resolve_expr(path, t, secret))),
            TypeExpr::Map(t) => Type::Map(Box::new(self.resolve_expr(path, t, secret))),
            TypeExpr::Named(n) => match self.types.get(n) {
                Some(named) => {
                    let r = TypeRef {
                        module: named.module.clone(),
                        rust_name: named.rust_name.clone(),
                        wire_name: named.wire_name.clone(),
                    };
                    if named.is_enum {
                        Type::Enum(r)
                    } else {
                        Type::Model(r)
                    }
                }
                None => {
                    self.error(path, format!("unknown type `{n}`"));
                    Type::Prim(Prim::Json)
                }
            },
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
    let mut errors = Diagnostics::default();
    let mut categories: BTreeMap<&str, (&LoadedDoc, &CategoryDoc)> = BTreeMap::new();
    let mut apis: Vec<(&LoadedDoc, &ApiDoc)> = Vec::new();
    for doc in &loaded.docs {
        match &doc.doc {
            Document::Api(a) => apis.push((doc, a)),
            Document::Category(c) => {
                categories.insert(c.category.as_str(), (doc, c));
            }
        }
    }

    let mut ir = Ir { apis: Vec::new() };
    for (api_doc, api) in apis {
        let members: Vec<(&LoadedDoc, &CategoryDoc)> =
            api.categories.iter().filter_map(|name| categories.get(name.as_str()).copied()).collect();

        // The type table of the API: every model and enum, and the body models made from
        // inline fields, by spec name.
        let mut types = BTreeMap::new();
        for (_, cat) in &members {
            let module = naming::category_module(&cat.category);
            for (name, def) in &cat.models {
                types.insert(
                    name.clone(),
                    Named { module: module.clone(), rust_name: naming::camel(name), wire_name: name.clone(), is_enum: false, model: Some(def) },
                );
            }
            for name in cat.enums.keys() {
                types.insert(
                    name.clone(),
                    Named { module: module.clone(), rust_name: naming::camel(name), wire_name: name.clone(), is_enum: true, model: None },
                );
            }
        }

        // An API without authorization has nothing to send, whatever an operation's default.
        let default_auth = if api.authorization.kind.eq_ignore_ascii_case("NONE") { AuthNeed::None } else { AuthNeed::Session };
        let mut lowered = Vec::new();
        for (doc, cat) in &members {
            let mut ctx = Ctx { doc, types: &types, errors: &mut errors };
            lowered.push(lower_category(&mut ctx, cat, default_auth));
        }

        let login = match &api.authorization.login {
            Some(l) => {
                let (cat_name, op_name) = l.operation.split_once('.').unwrap_or((l.operation.as_str(), ""));
                let path = categories
                    .get(cat_name)
                    .and_then(|(_, c)| c.operations.get(op_name).map(|op| join_path(&category_prefix(c), &op.path)));
                match path {
                    Some(path) => {
                        let fields = login_fields(&lowered, &l.operation).unwrap_or_else(|| {
                            errors.push(Diagnostic {
                                file: api_doc.file.clone(),
                                location: api_doc.positions.get("authorization.login.operation"),
                                path: "authorization.login.operation".into(),
                                message: format!(
                                    "the body of `{}` must hold the credentials a login sends: one secret string (the password), \
                                     one or two other strings (the client code, then the user name), at most one bool (the agent flag) \
                                     and nothing else",
                                    l.operation
                                ),
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
        let auth = match a.kind.to_ascii_uppercase().as_str() {
            "LIVEVOX" => Auth::LiveVox {
                session_header: a.session_header.clone().unwrap_or_else(|| "LV-Session".into()),
                expired_status: a.expired_status.unwrap_or(401),
                login,
            },
            "BASIC" => Auth::Basic,
            "BEARER" => Auth::Bearer { header: header(), prefix: prefix() },
            "OAUTH" => Auth::OAuth1,
            "OAUTH2" => Auth::OAuth2 { header: header(), prefix: prefix(), token_url: a.token_url.clone(), scopes: a.scopes.clone() },
            _ => Auth::None,
        };

        let mut environments: Vec<Environment> = api
            .environments
            .iter()
            .map(|(name, url)| Environment { wire_name: name.clone(), rust_name: naming::camel(name), base_url: url.clone() })
            .collect();
        if let Some(url) = &api.base_url {
            environments.push(Environment { wire_name: "Default".into(), rust_name: "Default".into(), base_url: url.clone() });
        }
        let default_environment = api.default_environment.clone().or_else(|| api.base_url.as_ref().map(|_| "Default".to_string()));

        ir.apis.push(Api {
            wire_name: api.api.clone(),
            module: naming::api_module(&api.api, api.module.as_deref()),
            description: api.description.clone(),
            source_file: api_doc.file.clone(),
            environments,
            default_environment,
            headers: api
                .headers
                .iter()
                .map(|(name, value)| Header { name: name.clone(), value: value.clone(), placeholders: placeholders(value) })
                .collect(),
            auth,
            errors: ErrorFormat {
                json: api.errors.as_ref().and_then(|e| e.json.as_ref()).map(|j| (j.code.clone(), j.message.clone())),
                xml: api
                    .errors
                    .as_ref()
                    .and_then(|e| e.xml.as_ref())
                    .map(|x| (x.element.clone(), x.code.clone(), x.message.clone())),
            },
            service: api.service,
            categories: lowered,
        });
    }
    errors.into_result(ir)
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
        .map(|(wire, f)| Field {
            wire_name: wire.clone(),
            rust_name: naming::field(wire, f.rust_name.as_deref()),
            ty: ctx.resolve(&format!("{base}.{wire}.type"), &f.ty, f.secret),
            required: f.required,
            description: f.description.clone(),
            secret: f.secret,
            deprecated: deprecation(&f.deprecated),
        })
        .collect()
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
            fields: lower_fields(ctx, &format!("models.{name}.fields"), &m.fields),
            body_of: None,
        })
        .collect();

    let enums = cat
        .enums
        .iter()
        .map(|(name, e)| {
            let repr = match e.ty.as_deref() {
                Some("int32") => EnumRepr::Int32,
                Some("int64") => EnumRepr::Int64,
                _ => EnumRepr::Str,
            };
            let variants: Vec<Variant> = e
                .values
                .iter()
                .map(|v| Variant {
                    wire: v.value.clone(),
                    rust_name: naming::variant(&v.value, v.name.as_deref()).unwrap_or_else(|| format!("V{}", v.value)),
                    description: v.description.clone(),
                })
                .collect();
            let unknown_variant = naming::unknown_variant(variants.iter().map(|v| v.rust_name.as_str()));
            Enum { wire_name: name.clone(), rust_name: naming::camel(name), description: e.description.clone(), repr, variants, unknown_variant }
        })
        .collect();

    let mut operations = Vec::new();
    for (name, op) in &cat.operations {
        let base = format!("operations.{name}");
        let lower_params = |ctx: &mut Ctx<'_>, kind: &str, params: &indexmap::IndexMap<String, spec::ParamDef>, always_required: bool| {
            params
                .iter()
                .map(|(wire, p)| {
                    let rust_name = naming::field(wire, p.rust_name.as_deref());
                    Param {
                        wire_name: wire.clone(),
                        setter: naming::setter(&rust_name),
                        rust_name,
                        ty: ctx.resolve(&format!("{base}.{kind}.{wire}.type"), &p.ty, p.secret),
                        required: always_required || p.required,
                        default: p.default.clone(),
                        description: p.description.clone(),
                        deprecated: deprecation(&p.deprecated),
                        role: ParamRole::Normal,
                        secret: p.secret,
                    }
                })
                .collect::<Vec<_>>()
        };
        let path_params = lower_params(ctx, "path_params", &op.path_params, true);
        let mut query = lower_params(ctx, "query", &op.query, false);

        let body = match &op.body {
            None => None,
            Some(b) => match (&b.ty, &b.fields) {
                (Some(t), _) => match ctx.resolve(&format!("{base}.body.type"), t, false) {
                    Type::Model(r) => Some(Body::Model { ty: r, required: b.required, inline: false, description: b.description.clone() }),
                    _ => {
                        ctx.error(&format!("{base}.body.type"), format!("a body must be a model, not `{t}`"));
                        None
                    }
                },
                (None, Some(fields)) => {
                    let rust_name = naming::body_type(name);
                    models.push(Model {
                        wire_name: rust_name.clone(),
                        rust_name: rust_name.clone(),
                        description: Some(
                            b.description.clone().unwrap_or_else(|| format!("The body of `{}`.", naming::operation_fn(name))),
                        ),
                        fields: lower_fields(ctx, &format!("{base}.body.fields"), fields),
                        body_of: Some(name.clone()),
                    });
                    Some(Body::Model {
                        ty: TypeRef { module: module.clone(), rust_name: rust_name.clone(), wire_name: rust_name },
                        required: b.required,
                        inline: true,
                        description: b.description.clone(),
                    })
                }
                (None, None) => Some(Body::Empty),
            },
        };

        let response = match &op.response {
            None => Response { format: ResponseFormat::None, ty: None, status: 204, description: None, content_type: None, base64_field: None },
            Some(r) => {
                let format = match (r.format.as_deref(), &r.ty) {
                    (Some("text"), _) => ResponseFormat::Text,
                    (Some("binary"), _) => ResponseFormat::Binary,
                    (Some("none"), _) => ResponseFormat::None,
                    (Some(_), Some(_)) | (None, Some(_)) => ResponseFormat::Json,
                    (_, None) => ResponseFormat::None,
                };
                let ty = match (&r.ty, format) {
                    (Some(t), ResponseFormat::Json) => Some(ctx.resolve(&format!("{base}.response.type"), t, false)),
                    _ => None,
                };
                let status = r.status.unwrap_or(if format == ResponseFormat::None { 204 } else { 200 });
                // Validation allows a media type only with text and binary.
                let content_type = match format {
                    ResponseFormat::Text | ResponseFormat::Binary => r.content_type.as_ref().map(|c| c.trim().to_string()),
                    ResponseFormat::Json | ResponseFormat::None => None,
                };
                // Validation allows it only with binary.
                let base64_field = r.base64_field.clone().filter(|_| format == ResponseFormat::Binary);
                Response { format, ty, status, description: r.description.clone(), content_type, base64_field }
            }
        };

        let pagination = op.pagination.as_ref().and_then(|p| {
            let offset_param = p.offset.clone().unwrap_or_else(|| "offset".into());
            let count_param = p.count.clone().unwrap_or_else(|| "count".into());
            for q in &mut query {
                if q.wire_name == offset_param {
                    q.role = ParamRole::PageOffset;
                } else if q.wire_name == count_param {
                    q.role = ParamRole::PageCount;
                }
            }
            let model_name = match &response.ty {
                Some(Type::Model(r)) => r.wire_name.clone(),
                _ => {
                    ctx.error(&format!("{base}.pagination"), "pagination needs a response model".into());
                    return None;
                }
            };
            let model_def = ctx.types.get(&model_name).and_then(|n| n.model);
            let items = model_def.and_then(|m| m.fields.get(&p.items)).cloned();
            let next_field = p.next.clone().unwrap_or_else(|| "next".into());
            let next = model_def
                .and_then(|m| m.fields.get(&next_field))
                .map(|f| (naming::field(&next_field, f.rust_name.as_deref()), f.required));
            let Some(items_def) = items else {
                ctx.error(&format!("{base}.pagination.items"), format!("`{model_name}` has no field `{}`", p.items));
                return None;
            };
            let item_ty = match ctx.resolve(&format!("{base}.pagination.items"), &items_def.ty, false) {
                Type::Array(t) => *t,
                _ => {
                    ctx.error(&format!("{base}.pagination.items"), format!("`{}` is not an array", p.items));
                    return None;
                }
            };
            Some(Pagination {
                offset_param,
                count_param,
                items_rust_name: naming::field(&p.items, items_def.rust_name.as_deref()),
                items_field: p.items.clone(),
                item_ty,
                items_required: items_def.required,
                next_field,
                next,
                max_count: p.max_count,
                end: match p.end.as_str() {
                    "short_page" => PageEnd::ShortPage,
                    "next_absent_or_short_page" => PageEnd::NextAbsentOrShortPage,
                    _ => PageEnd::NextAbsent,
                },
            })
        });

        let method = Method::parse(&op.method).unwrap_or(Method::Get);
        operations.push(Operation {
            wire_name: name.clone(),
            id: format!("{}.{name}", cat.category),
            fn_name: naming::operation_fn(name),
            request_type: naming::request_type(name),
            summary: op.summary.clone(),
            description: op.description.clone(),
            method,
            path: join_path(&prefix, &op.path),
            path_params,
            query,
            body,
            response,
            pagination,
            auth: match op.auth.as_deref() {
                Some("access_token") => AuthNeed::AccessToken,
                Some("none") => AuthNeed::None,
                Some(_) => AuthNeed::Session,
                None => default_auth,
            },
            rate_limit: op.rate_limit.as_ref().map(|r| RateLimit { calls: r.calls, per_seconds: r.per_seconds, max_in_flight: r.max_in_flight }),
            idempotent: op.idempotent.unwrap_or_else(|| method.idempotent_by_default()),
            deprecated: deprecation(&op.deprecated),
            agent_allowed: op.agent_allowed,
            agent_action: op.agent_action.as_deref().and_then(AgentAction::parse),
            notes: op.notes.clone(),
            examples: op
                .examples
                .iter()
                .map(|e| Example {
                    name: e.name.clone(),
                    description: e.description.clone(),
                    path: e.request.iter().flat_map(|r| r.path.iter().map(|(k, v)| (k.clone(), v.clone()))).collect(),
                    query: e.request.iter().flat_map(|r| r.query.iter().map(|(k, v)| (k.clone(), v.clone()))).collect(),
                    body: e.request.as_ref().and_then(|r| r.body.clone()),
                    status: e.response.status.unwrap_or(200),
                    response: e.response.body.clone(),
                })
                .collect(),
        });
    }

    let mut depends_on = Vec::new();
    for m in &models {
        for f in &m.fields {
            f.ty.modules(&mut depends_on);
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

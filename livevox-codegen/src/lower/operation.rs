//! Lowering of one operation: its parameters (with their location, position and paging role),
//! its body (an inline body becomes a model of the category), its response, its pagination and
//! its examples.

use indexmap::IndexMap;

use super::{deprecation, join_path, Ctx};
use crate::ir::*;
use crate::naming;
use crate::spec;
use crate::vocab::Word;

/// Where an operation lives: its category, and what the category gives every operation.
pub(super) struct Here<'a> {
    /// The category's spec name.
    pub category: &'a str,
    /// The category's Rust module.
    pub module: &'a str,
    /// The category's path prefix.
    pub prefix: &'a str,
    /// The API's default authorization need.
    pub default_auth: AuthNeed,
}

/// Lowers one operation; the model of an inline body is appended to `models`.
pub(super) fn lower_operation(ctx: &mut Ctx<'_>, here: &Here<'_>, name: &str, op: &spec::OperationDef, models: &mut Vec<Model>) -> Operation {
    let base = format!("operations.{name}");
    let path_params = lower_params(ctx, &base, "path_params", &op.path_params, ParamLocation::Path);
    let mut query = lower_params(ctx, &base, "query", &op.query, ParamLocation::Query);
    let body = lower_body(ctx, here, &base, name, op, models);
    let mut response = lower_response(ctx, &base, op);
    if let Some(r) = &op.response {
        (response.headers, response.headers_type) = super::http::response_headers(ctx, &base, name, &r.headers);
    }
    let pagination = op.pagination.as_ref().and_then(|p| super::pagination::lower_pagination(ctx, &base, p, &response, &mut query));
    for p in &mut query {
        p.positional = p.required && p.role == ParamRole::Normal;
    }

    let method = op.method.known().unwrap_or(Method::Get);
    Operation {
        wire_name: name.to_string(),
        id: format!("{}.{name}", here.category),
        fn_name: naming::operation_fn(name),
        request_type: naming::request_type(name),
        summary: op.summary.clone(),
        description: op.description.clone(),
        method,
        path: if op.full_path { op.path.clone() } else { join_path(here.prefix, &op.path) },
        path_params,
        query,
        body,
        response,
        pagination,
        auth: op.auth.as_ref().map_or(here.default_auth, |a| a.known().unwrap_or(AuthNeed::Session)),
        rate_limit: op.rate_limit.as_ref().map(|r| RateLimit { calls: r.calls, per_seconds: r.per_seconds, max_in_flight: r.max_in_flight }),
        idempotent: op.idempotent.unwrap_or_else(|| method.idempotent_by_default()),
        deprecated: deprecation(&op.deprecated),
        agent_allowed: op.agent_allowed,
        agent_action: op.agent_action.as_ref().and_then(Word::known),
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
    }
}

/// Path parameters are always required and positional; a query parameter's position is settled
/// once its paging role is known.
fn lower_params(ctx: &mut Ctx<'_>, base: &str, kind: &str, params: &IndexMap<String, spec::ParamDef>, location: ParamLocation) -> Vec<Param> {
    let always_required = location == ParamLocation::Path;
    params
        .iter()
        .map(|(wire, p)| {
            let rust_name = naming::field(wire, p.rust_name.as_deref());
            let ty = ctx.resolve(&format!("{base}.{kind}.{wire}.type"), &p.ty, p.secret);
            Param {
                wire_name: wire.clone(),
                setter: naming::setter(&rust_name),
                rust_name,
                time_format: super::types::time_format(ctx, &ty, p.format.as_ref()),
                ty,
                required: always_required || p.required,
                default: p.default.clone(),
                description: p.description.clone(),
                deprecated: deprecation(&p.deprecated),
                role: ParamRole::Normal,
                secret: p.secret,
                location,
                positional: always_required,
                page_start: None,
            }
        })
        .collect()
}

fn lower_body(ctx: &mut Ctx<'_>, here: &Here<'_>, base: &str, name: &str, op: &spec::OperationDef, models: &mut Vec<Model>) -> Option<Body> {
    let b = op.body.as_ref()?;
    match (&b.ty, &b.fields) {
        (Some(t), _) => match ctx.resolve(&format!("{base}.body.type"), t, false) {
            Type::Model(r) => Some(Body::Model { ty: r, required: b.required, inline: false, description: b.description.clone() }),
            _ => {
                ctx.error(&format!("{base}.body.type"), format!("a body must be a model, not `{t}`"));
                None
            }
        },
        (None, Some(fields)) => {
            let rust_name = naming::body_type(name);
            let fn_name = naming::operation_fn(name);
            models.push(Model {
                wire_name: rust_name.clone(),
                rust_name: rust_name.clone(),
                description: Some(b.description.clone().unwrap_or_else(|| format!("The body of `{fn_name}`."))),
                fields: super::lower_fields(ctx, &format!("{base}.body.fields"), fields),
                readable: false,
                body_of: Some(BodyOf { operation: name.to_string(), fn_name }),
                direction: Direction::default(),
            derives: Derives::default(),
            camel_case_wire: false,
            });
            Some(Body::Model {
                ty: TypeRef { module: here.module.to_string(), rust_name: rust_name.clone(), wire_name: rust_name },
                required: b.required,
                inline: true,
                description: b.description.clone(),
            })
        }
        (None, None) => Some(Body::Empty),
    }
}

fn lower_response(ctx: &mut Ctx<'_>, base: &str, op: &spec::OperationDef) -> Response {
    let Some(r) = &op.response else {
        return Response {
            format: ResponseFormat::None,
            ty: None,
            status: 204,
            description: None,
            content_type: None,
            base64_field: None,
            headers: Vec::new(),
            headers_type: None,
        };
    };
    let format = match (r.format.as_ref().and_then(Word::known), &r.ty) {
        (Some(format), _) => format,
        (None, Some(_)) => ResponseFormat::Json,
        (None, None) => ResponseFormat::None,
    };
    let ty = match (&r.ty, format) {
        (Some(t), ResponseFormat::Json) => Some(ctx.resolve(&format!("{base}.response.type"), t, false)),
        _ => None,
    };
    let status = r.status.unwrap_or(if format == ResponseFormat::None { 204 } else { 200 });
    // Validation allows a media type only with a body (and only a JSON one for JSON).
    let content_type = match format {
        ResponseFormat::Json | ResponseFormat::Text | ResponseFormat::Binary => r.content_type.as_ref().map(|c| c.trim().to_string()),
        ResponseFormat::None => None,
    };
    // Validation allows it only with binary.
    let base64_field = r.base64_field.clone().filter(|_| format == ResponseFormat::Binary);
    Response { format, ty, status, description: r.description.clone(), content_type, base64_field, headers: Vec::new(), headers_type: None }
}

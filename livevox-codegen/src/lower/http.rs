//! Lowering of the HTTP details of issue 17: the API's `content_type` rule, its
//! `server_rate_limit` and its typed error model (`errors.json.type`), and an operation's
//! declared response headers with the name of their generated struct.

use indexmap::IndexMap;

use super::Ctx;
use crate::ir::*;
use crate::naming;
use crate::spec::{self, ApiDoc};
use crate::symbols::TypeTable;
use crate::vocab::{TypeText, Word};

/// The API-level parts: `(content_type, server_rate_limit, error_type)`.
pub(super) fn api_parts(api: &ApiDoc, types: &TypeTable<'_>) -> (ContentTypeRule, Option<ServerRateLimit>, Option<TypeRef>) {
    let content_type = api.content_type.as_ref().and_then(Word::known).unwrap_or_default();
    let server_rate_limit = api.server_rate_limit.as_ref().map(|s| ServerRateLimit {
        statuses: s.statuses.clone(),
        when: s.when.as_ref().map(|w| (w.header.clone(), w.equals.clone())),
        reset: s.reset.as_ref().and_then(|r| r.unit.known().map(|u| (r.header.clone(), u))),
        retry_after: s.retry_after,
    });
    // Validation checked that it names a model of the API.
    let error_type = api
        .errors
        .as_ref()
        .and_then(|e| e.json.as_ref())
        .and_then(|j| j.ty.as_ref())
        .and_then(|t| match TypeText::new(t.clone()).parsed().ok().map(|e| types.ir_type(e, false)) {
            Some(Ok(Type::Model(r))) => Some(r),
            _ => None,
        });
    (content_type, server_rate_limit, error_type)
}

/// An operation's declared response headers, and the name of their struct.
pub(super) fn response_headers(
    ctx: &mut Ctx<'_>,
    base: &str,
    name: &str,
    headers: &IndexMap<String, spec::ResponseHeaderDef>,
) -> (Vec<ResponseHeader>, Option<String>) {
    let lowered: Vec<ResponseHeader> = headers
        .iter()
        .map(|(wire, h)| ResponseHeader {
            wire_name: wire.clone(),
            rust_name: naming::field(&wire.to_lowercase(), None),
            ty: ctx.resolve(&format!("{base}.response.headers.{wire}.type"), &h.ty, false),
            description: h.description.clone(),
        })
        .collect();
    let ty = (!lowered.is_empty()).then(|| headers_type(name));
    (lowered, ty)
}

/// The struct of an operation's declared headers: `create_issue` → `CreateIssueHeaders`.
/// Named like the request builder (`CreateIssueRequest`), by the same rules.
pub fn headers_type(op: &str) -> String {
    let request = naming::request_type(op);
    format!("{}Headers", request.strip_suffix("Request").unwrap_or(&request))
}

//! Lowering of the HTTP details of issue 17: the API's `content_type` rule, its
//! `server_rate_limit` and its typed error model (`errors.json.type`), the sentence the docs
//! give the API's credential, and an operation's declared response headers with the name of
//! their generated struct.

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

/// How an operation that needs the API's authorization is authorised, for its docs.
pub(super) fn session_doc(auth: &Auth) -> String {
    let token_in = |header: &str, prefix: &str| {
        if prefix.is_empty() {
            format!("`{header}: <token>`")
        } else {
            format!("`{header}: {prefix} <token>`")
        }
    };
    match auth {
        Auth::None => "Authorization: none.".into(),
        Auth::LiveVox { login: Some(_), .. } => "Authorization: the client's session (logged in on first use, renewed when it expires).".into(),
        Auth::LiveVox { session_header, login: None, .. } => {
            format!("Authorization: the session id the client relays, in `{session_header}`.")
        }
        Auth::Basic => "Authorization: HTTP Basic, with the user name and password the client was built with.".into(),
        Auth::Bearer { header, prefix } => format!("Authorization: the client's token, in {}.", token_in(header, prefix)),
        Auth::OAuth1 => "Authorization: an OAuth 1.0a signature (HMAC-SHA1) of the request, made with the client's credentials.".into(),
        Auth::OAuth2 { header, prefix, token_url: Some(_), .. } => format!(
            "Authorization: an OAuth 2.0 access token in {}, fetched from the token endpoint and renewed before it expires.",
            token_in(header, prefix)
        ),
        Auth::OAuth2 { header, prefix, token_url: None, .. } => {
            format!("Authorization: the OAuth 2.0 access token the client was given, in {}.", token_in(header, prefix))
        }
    }
}

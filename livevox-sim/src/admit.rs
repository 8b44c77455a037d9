//! The checks in front of an operation's answer, in the order the server runs them: the media
//! types (`Accept`, `Content-Type`), the caller's authorization (a LiveVox session or access
//! token, or the scheme of another API), path and query parameters, the paging window and the
//! rate limit. Each refuses with the status and message the client sees.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::HeaderMap;
use livevox_codegen::ir::{Auth, AuthNeed, Operation, Type};

use crate::check::check_text;
use crate::model::SimSpec;
use crate::other_auth;
use crate::server::{header, reject, Reject, Shared};

/// Who is calling, once authorised.
pub(crate) struct Caller {
    /// What rate limits count against: the LiveVox client (its client code), or the operation
    /// alone for calls without a session.
    pub key: String,
    /// The session's user (index), for the agent state machine.
    pub user: Option<usize>,
}

/// `Accept` must allow what the operation answers (JSON, or its declared media type), and a
/// body must be JSON.
pub(crate) fn check_media(op: &Operation, headers: &HeaderMap, body: &Bytes) -> Result<(), Reject> {
    if let Some(accept) = header(headers, "accept") {
        let wanted = op.response.media_type().unwrap_or("application/json");
        let (family, _) = wanted.split_once('/').unwrap_or((wanted, ""));
        // Bytes that may come base64 in JSON are asked for as JSON, as LiveVox wants.
        let json_too = op.response.base64_field.is_some();
        let ok = accept.split(',').map(|a| a.split(';').next().unwrap_or("").trim().to_ascii_lowercase()).any(|a| {
            a == wanted
                || a == "*/*"
                || a == format!("{family}/*")
                || ((wanted == "application/json" || json_too) && (a == "application/json" || a.ends_with("+json")))
        });
        if !ok {
            return Err(reject(400, format!("the `Accept` header is {accept:?}, which does not accept {wanted}, the type this operation answers")));
        }
    }
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    if has_body {
        let ct = header(headers, "content-type").unwrap_or("");
        let media = ct.split(';').next().unwrap_or("").trim();
        if !media.eq_ignore_ascii_case("application/json") {
            return Err(reject(
                400,
                if ct.is_empty() {
                    "the request has a body but no `Content-Type`; it must be application/json".to_string()
                } else {
                    format!("the `Content-Type` is {ct:?}; a body must be application/json")
                },
            ));
        }
    }
    Ok(())
}

/// Who may call: operations without authorization anyone; other APIs' schemes checked as their
/// servers would; LiveVox's access token at login and a live session elsewhere (agents only for
/// agent-allowed operations).
pub(crate) fn authorize(
    shared: &Shared,
    index: usize,
    method: &str,
    raw_path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    now: Instant,
) -> Result<Caller, Reject> {
    let spec = &shared.spec;
    let op = &spec.routes[index].op;
    let api = &spec.ir.apis[spec.routes[index].api];
    let roles = spec.session.as_ref();
    let caller = match op.auth {
        AuthNeed::None => Caller { key: op.id.clone(), user: None },
        // BASIC, BEARER, OAUTH, OAUTH2: checked as those servers would.
        _ if !matches!(api.auth, Auth::LiveVox { .. } | Auth::None) => {
            let checked = {
                let mut state = shared.state();
                other_auth::check(&mut state.auth, &shared.credentials, &api.auth, &api.module, method, &shared.base_url, raw_path, query, headers)
            };
            if let Err(message) = checked {
                let mut r = reject(401, message);
                let challenge = match &api.auth {
                    Auth::Basic => format!("Basic realm=\"{}\"", api.wire_name),
                    Auth::OAuth1 => format!("OAuth realm=\"{}\"", api.wire_name),
                    _ => "Bearer error=\"invalid_token\"".to_string(),
                };
                r.headers.push(("www-authenticate", challenge));
                return Err(r);
            }
            Caller { key: op.id.clone(), user: None }
        }
        AuthNeed::AccessToken => {
            let Some(roles) = roles else { return Err(reject(401, "this API has no login, so no access token is valid")) };
            let token = header(headers, &roles.access_header);
            let known = token.and_then(|t| shared.state().tokens.iter().position(|x| x == t));
            if known.is_none() {
                return Err(reject(
                    401,
                    match token {
                        None => format!("Authorization error: the `{}` header (the API access token) is missing", roles.access_header),
                        Some(_) => format!("Authorization error: the `{}` header holds an unknown access token", roles.access_header),
                    },
                ));
            }
            Caller { key: op.id.clone(), user: None }
        }
        AuthNeed::Session => {
            let Some(roles) = roles else { return Err(reject(401, "this API has no login, so it cannot check a session")) };
            // An API relaying LiveVox sessions names its own header for them.
            let session_header = match &api.auth {
                Auth::LiveVox { session_header, .. } => session_header.as_str(),
                _ => roles.session_header.as_str(),
            };
            let Some(id) = header(headers, session_header) else {
                return Err(reject(401, format!("the `{session_header}` header (the session id) is missing")));
            };
            let mut state = shared.state();
            let Some(session) = state.touch(id, shared.idle, now) else {
                return Err(reject(401, "the session is invalid or has expired; log in again"));
            };
            let user = &state.users[session.user].user;
            if user.agent && !op.agent_allowed {
                return Err(reject(403, format!("agent sessions may not call {} ({} {})", op.id, op.method.as_str(), op.path)));
            }
            Caller { key: user.client_name.clone(), user: Some(session.user) }
        }
    };
    Ok(caller)
}

/// Path parameters well typed.
pub(crate) fn check_path_params(spec: &SimSpec, op: &Operation, path_params: &[(String, String)]) -> Result<(), Reject> {
    for (name, value) in path_params {
        if let Some(p) = op.path_params.iter().find(|p| &p.wire_name == name) {
            let what = format!("path parameter `{name}`");
            crate::shapes::check_param_text(p, value, &what).unwrap_or_else(|| check_text(spec, &p.ty, value, &what)).map_err(|m| reject(400, m))?;
        }
    }
    Ok(())
}

/// Query parameters known, well typed, and the required ones present.
pub(crate) fn check_query(spec: &SimSpec, op: &Operation, pairs: &[(String, String)]) -> Result<(), Reject> {
    for (name, value) in pairs {
        let Some(p) = op.query.iter().find(|p| &p.wire_name == name) else {
            let known: Vec<&str> = op.query.iter().map(|p| p.wire_name.as_str()).collect();
            return Err(reject(
                400,
                if known.is_empty() {
                    format!("query parameter `{name}` is not in the spec; {} takes none", op.id)
                } else {
                    format!("query parameter `{name}` is not in the spec for {} (it takes {})", op.id, known.join(", "))
                },
            ));
        };
        let what = format!("query parameter `{name}`");
        crate::shapes::check_param_text(p, value, &what).unwrap_or_else(|| check_text(spec, &p.ty, value, &what)).map_err(|m| reject(400, m))?;
        if !matches!(p.ty, Type::Array(_)) && pairs.iter().filter(|(n, _)| n == name).count() > 1 {
            return Err(reject(400, format!("query parameter `{name}` is given more than once")));
        }
    }
    for p in &op.query {
        if p.required && !pairs.iter().any(|(n, _)| *n == p.wire_name) {
            return Err(reject(400, format!("query parameter `{}` is required", p.wire_name)));
        }
    }
    Ok(())
}

/// The rate limit: the next call over it answers 429 with `Retry-After`.
pub(crate) fn check_rate_limit(shared: &Shared, op: &Operation, caller: &Caller, now: Instant) -> Result<(), Reject> {
    // The builder's override, else the spec's. (`max_in_flight` is not enforced:
    // the simulator answers each call at once, so calls never overlap inside it.)
    let limit = shared
        .rate_limits
        .get(&op.id)
        .copied()
        .or_else(|| op.rate_limit.map(|r| (r.calls, Duration::from_secs(u64::from(r.per_seconds)))));
    if let Some((calls, per)) = limit {
        if let Err(retry_after) = shared.state().admit(&op.id, &caller.key, calls, per, now) {
            let mut r = reject(
                429,
                format!("rate limit: {} allows {calls} calls in any {} seconds; retry in {retry_after} s", op.id, per.as_secs()),
            );
            r.headers.push(("retry-after", retry_after.to_string()));
            return Err(r);
        }
    }
    Ok(())
}

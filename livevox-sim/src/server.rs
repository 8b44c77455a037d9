//! The HTTP side: one hyper connection task per client connection, and one handler that finds
//! the operation a request calls, checks it against the spec, applies LiveVox's rules and
//! answers. Nothing here trusts the request: every problem becomes a 4xx, never a panic.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use livevox_codegen::ir::{AuthNeed, Body as OpBody, ErrorFormat, Example, Operation, ParamRole, ResponseFormat, Type};
use serde_json::{Map, Value};
use tokio::sync::Notify;

use crate::admit::{authorize, check_media, check_path_params, check_query, check_rate_limit};
use crate::check::check_json;
use crate::faults::FaultState;
use crate::model::{Found, PathParams, RouteMiss, SimSpec};
use crate::other_auth::{self, ApiCredentials};
use crate::state::State;
use crate::{synth, LoggedRequest};

/// Largest request body read; a larger one is refused with 413.
const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;

/// What every connection task shares.
pub(crate) struct Shared {
    pub spec: Arc<SimSpec>,
    pub state: Mutex<State>,
    pub faults: Arc<FaultState>,
    pub idle: Duration,
    /// Seeded collections, by the wire name of their item model.
    pub seeded: HashMap<String, Vec<Value>>,
    /// Rate limits set by the builder, by operation id; they replace the spec's.
    pub rate_limits: HashMap<String, (u32, Duration)>,
    pub base_url: String,
    /// What the other APIs' schemes accept (BASIC, BEARER, OAUTH, OAUTH2).
    pub credentials: ApiCredentials,
    /// How long issued OAuth2 tokens live.
    pub oauth2_lifetime: Duration,
    /// Binary answers of operations with a `base64_field` come as JSON `{field: base64}`.
    pub base64_binary: std::sync::atomic::AtomicBool,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves data that is still consistent enough
        // for a test server; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The response body: all at once, or cut short on purpose (fault injection).
pub(crate) enum SimBody {
    Full(Option<Bytes>),
    /// Sends `first`, then fails, having announced `full_len` bytes: the connection is closed
    /// mid-body. The failure waits a moment (`pause`) so the head and the first half are
    /// flushed to the client first; failing at once would drop them unsent.
    Truncated { first: Option<Bytes>, full_len: u64, pause: Pin<Box<tokio::time::Sleep>> },
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        match this {
            SimBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            SimBody::Truncated { first, pause, .. } => match first.take() {
                Some(b) => Poll::Ready(Some(Ok(Frame::data(b)))),
                None => match pause.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::other("body truncated by fault injection")))),
                },
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, SimBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SimBody::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            SimBody::Truncated { full_len, .. } => SizeHint::with_exact(*full_len),
        }
    }
}

/// An answer before it becomes a hyper response.
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Option<Bytes>,
    headers: Vec<(&'static str, String)>,
    /// Headers named by the spec (declared response headers, the rate-limit signal).
    declared: Vec<(String, String)>,
}

impl Answer {
    fn empty(status: u16) -> Answer {
        Answer { status, content_type: None, body: None, headers: Vec::new(), declared: Vec::new() }
    }

    fn json(status: u16, v: &Value) -> Answer {
        Answer {
            status,
            content_type: Some("application/json".into()),
            body: Some(Bytes::from(v.to_string())),
            headers: Vec::new(),
            declared: Vec::new(),
        }
    }

    /// A success body of the operation's text or binary format, labelled with its media type.
    fn raw(status: u16, op: &Operation, body: Bytes) -> Answer {
        let media = op.response.media_type().unwrap_or(livevox_codegen::ir::DEFAULT_BINARY_MEDIA_TYPE);
        let content_type = match op.response.format {
            ResponseFormat::Text => format!("{media}; charset=utf-8"),
            _ => media.to_string(),
        };
        Answer { status, content_type: Some(content_type), body: Some(body), headers: Vec::new(), declared: Vec::new() }
    }
}

/// An error the handler answers: status and what was wrong.
pub(crate) struct Reject {
    pub(crate) status: u16,
    pub(crate) message: String,
    pub(crate) headers: Vec<(&'static str, String)>,
}

pub(crate) fn reject(status: u16, message: impl Into<String>) -> Reject {
    Reject { status, message: message.into(), headers: Vec::new() }
}

/// Serves one accepted connection until it closes, the simulator stops, or a fault drops it.
pub(crate) async fn serve_connection(shared: Arc<Shared>, stream: tokio::net::TcpStream) {
    let kill = Arc::new(Notify::new());
    let k = kill.clone();
    let service = hyper::service::service_fn(move |req| handle(shared.clone(), req, k.clone()));
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        // Dropping the connection future closes the socket with no answer.
        _ = kill.notified() => {}
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>, kill: Arc<Notify>) -> Result<Response<SimBody>, Infallible> {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let body = match http_body_util::Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(b) => Ok(b.to_bytes()),
        Err(_) => Err(()),
    };
    let mut entry = LoggedRequest {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        operation: None,
        status: 0,
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default(),
        fault: None,
        at: std::time::Instant::now(),
    };

    let faults = &shared.faults;
    let delay = faults.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if faults.take_drop() {
        entry.fault = Some("dropped connection");
        shared.state().log.push(entry);
        kill.notify_one();
        // The connection task drops this future with the connection.
        return std::future::pending().await;
    }

    let answer = if let Some(status) = faults.take_failure() {
        entry.fault = Some("injected failure");
        error_answer(&shared, None, reject(status, format!("injected failure: the simulator answers {status} on purpose")))
    } else if let Some((status, wait)) = faults.take_signal() {
        entry.fault = Some("rate-limit signal");
        let limited = shared.spec.ir.apis.iter().position(|a| a.server_rate_limit.is_some());
        let mut answer = error_answer(&shared, limited, reject(status, "API rate limit exceeded (the simulator's rate-limit signal)"));
        answer.declared = match limited.and_then(|i| shared.spec.ir.apis[i].server_rate_limit.as_ref()) {
            Some(limit) => crate::http_rules::signal_headers(limit, wait, std::time::SystemTime::now()),
            None => vec![("retry-after".into(), wait.as_secs().to_string())],
        };
        answer
    } else {
        match body {
            Err(()) => error_answer(&shared, None, reject(413, format!("the request body is larger than {MAX_REQUEST_BODY} bytes"))),
            Ok(body) => {
                let (op, api, answer) = process(&shared, &method, &path, query.as_deref(), &parts.headers, &body);
                entry.operation = op;
                match answer {
                    Ok(a) => a,
                    Err(r) => error_answer(&shared, api, r),
                }
            }
        }
    };

    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    entry.status = status.as_u16();
    let mut body = SimBody::Full(answer.body.clone());
    if let Some(bytes) = answer.body.as_ref().filter(|b| !b.is_empty()) {
        if faults.take_truncate() {
            entry.fault = Some("truncated body");
            body = SimBody::Truncated {
                first: Some(bytes.slice(..bytes.len() / 2)),
                full_len: bytes.len() as u64,
                pause: Box::pin(tokio::time::sleep(Duration::from_millis(50))),
            };
        } else if faults.take_malformed() {
            entry.fault = Some("malformed body");
            body = SimBody::Full(Some(Bytes::from_static(b"{\"malformed\": [1, 2,, <not json")));
        }
    }
    shared.state().log.push(entry);

    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(v) = answer.content_type.and_then(|ct| HeaderValue::from_str(&ct).ok()) {
        headers.insert(http::header::CONTENT_TYPE, v);
    }
    for (name, value) in answer.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    for (name, value) in answer.declared {
        if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
            headers.insert(n, v);
        }
    }
    Ok(response)
}

/// An error body in the format of the API at that index (the first API's when the request
/// matched none): JSON `{"code": .., "message": ..}`, or XML while the `xml_errors` fault is on.
fn error_answer(shared: &Shared, api: Option<usize>, r: Reject) -> Answer {
    let format = shared.spec.ir.apis.get(api.unwrap_or(0)).map(|a| a.errors.clone()).unwrap_or_default();
    let mut answer = error_body(&format, shared.faults.xml(), r.status, &r.message);
    answer.headers.extend(r.headers);
    answer
}

fn error_body(format: &ErrorFormat, xml: bool, status: u16, message: &str) -> Answer {
    if xml {
        let (element, code, msg) = format.xml.clone().unwrap_or(("ErrorResponse".into(), "code".into(), "message".into()));
        let text = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><{element} {code}=\"{status}\" {msg}=\"{}\"/>", xml_escape(message));
        return Answer { status, content_type: Some("application/xml".into()), body: Some(Bytes::from(text)), headers: Vec::new(), declared: Vec::new() };
    }
    let (code, msg) = format.json.clone().unwrap_or(("code".into(), "message".into()));
    let mut m = Map::new();
    // An API whose errors carry only a message has no code field (`""`).
    if !code.is_empty() {
        m.insert(code, Value::from(status));
    }
    m.insert(msg, Value::String(message.to_string()));
    Answer::json(status, &Value::Object(m))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Splits a path into percent-decoded segments.
fn segments(path: &str) -> Result<Vec<String>, Reject> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_decode(s).ok_or_else(|| reject(400, format!("the path segment {s:?} is not valid percent-encoded UTF-8")))
        })
        .collect()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Checks and answers one request: the operation it called (for the log), the index of its API
/// (for the error format) and the answer.
fn process(
    shared: &Shared,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> (Option<String>, Option<usize>, Result<Answer, Reject>) {
    let spec = &shared.spec;
    // The token endpoint of an OAUTH2 API, at the path of its `token_url`.
    if method == "POST" {
        if let Some((_, api)) = spec.token_paths.iter().find(|(p, _)| p == path) {
            let module = &spec.ir.apis[*api].module;
            let (status, v) = {
                let mut state = shared.state();
                other_auth::token_endpoint(&mut state.auth, &shared.credentials, module, shared.oauth2_lifetime, headers, body, Instant::now())
            };
            let mut answer = Answer::json(status, &v);
            // RFC 6749 §5.1: token responses must not be cached.
            answer.headers.push(("cache-control", "no-store".into()));
            return (Some("oauth2.token".into()), Some(*api), Ok(answer));
        }
    }
    let segs = match segments(path) {
        Ok(s) => s,
        Err(r) => return (None, None, Err(r)),
    };
    let found = match spec.find(method, &segs) {
        Ok(found) => found,
        Err(RouteMiss::NotFound) => return (None, None, Err(reject(404, format!("no operation in the spec has the path {path}")))),
        Err(RouteMiss::WrongMethod(allowed)) => {
            let mut r = reject(405, format!("{path} does not take {method}; it takes {}", allowed.join(", ")));
            r.headers.push(("allow", allowed.join(", ")));
            return (None, None, Err(r));
        }
    };
    let Some((index, path_params, hint)) = by_body(spec, found, method, path, body) else {
        return (None, None, Err(reject(404, format!("no operation in the spec has the path {path}"))));
    };
    let op_id = spec.routes[index].op.id.clone();
    let api = spec.routes[index].api;
    (Some(op_id), Some(api), answer_operation(shared, index, method, path, &path_params, query, headers, body, &hint))
}

/// Picks among operations that share a method and path (LiveVox's `POST /contact/contacts/bulk`
/// is Create Contacts and Bulk Contact Download) by the body: the first, in spec order, whose
/// body check the request passes. When none does, the first is answered, and the hint (to put
/// before its body error) names them all, so the 400 says which bodies would have done.
fn by_body(spec: &SimSpec, mut found: Found, method: &str, path: &str, body: &Bytes) -> Option<(usize, PathParams, String)> {
    if found.len() > 1 {
        if let Some(at) = found.iter().position(|(i, _)| parse_body(spec, &spec.routes[*i].op, body).is_ok()) {
            let (i, params) = found.swap_remove(at);
            return Some((i, params, String::new()));
        }
    }
    let ids: Vec<String> = found.iter().map(|(i, _)| format!("`{}`", spec.routes[*i].op.id)).collect();
    let hint = match ids.as_slice() {
        [] | [_] => String::new(),
        [a, b] => format!("`{method} {path}` is {a} or {b}, told apart by the body, and the body fits neither; as {a}: "),
        [first, ..] => format!("`{method} {path}` is one of {}, told apart by the body, and the body fits none; as {first}: ", ids.join(", ")),
    };
    found.into_iter().next().map(|(i, params)| (i, params, hint))
}

/// The request body checked against the operation's: `None` when there is none and none is
/// required, else what was wrong.
fn parse_body(spec: &SimSpec, op: &Operation, body: &Bytes) -> Result<Option<Value>, String> {
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    let (ty, required) = match &op.body {
        None if has_body => return Err(format!("{} takes no body, but the request has one", op.id)),
        None => return Ok(None),
        Some(OpBody::Empty) => (None, false),
        Some(OpBody::Model { ty, required, .. }) => (Some(Type::Model(ty.clone())), *required),
    };
    if !has_body {
        if required {
            let name = ty.as_ref().map(|t| t.spec_name()).unwrap_or_default();
            return Err(format!("the body is required: a `{name}` JSON object"));
        }
        return Ok(None);
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    match &ty {
        Some(t) => check_json(spec, t, &v, "body")?,
        None if !v.is_object() => return Err("the body must be a JSON object (`{}`)".into()),
        None => {}
    }
    Ok(Some(v))
}

#[allow(clippy::too_many_arguments)]
fn answer_operation(
    shared: &Shared,
    index: usize,
    method: &str,
    raw_path: &str,
    path_params: &[(String, String)],
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
    body_hint: &str,
) -> Result<Answer, Reject> {
    let spec = &shared.spec;
    let op = &spec.routes[index].op;
    let api = &spec.ir.apis[spec.routes[index].api];
    let roles = spec.session.as_ref();

    check_media(op, headers, body)?;
    crate::http_rules::check_content_type(api, headers, body)?;
    let now = Instant::now();
    let caller = authorize(shared, index, method, raw_path, query, headers, now)?;
    check_path_params(spec, op, path_params)?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect();
    check_query(spec, op, &pairs)?;
    let json_body = parse_body(spec, op, body).map_err(|m| reject(400, format!("{body_hint}{m}")))?;
    let page = crate::paging::window(op, &pairs)?;
    check_rate_limit(shared, op, &caller, now)?;

    // The answer: LiveVox's session semantics, a seeded collection, or the spec's examples.
    if let Some(roles) = roles {
        if index == roles.login {
            return login(shared, headers, json_body.as_ref(), now);
        }
        let session_param = || path_params.first().map(|(_, v)| v.as_str()).unwrap_or("");
        if Some(index) == roles.validate {
            let live = shared.state().lookup(session_param(), shared.idle, now).is_some();
            return if live { Ok(Answer::empty(op.response.status)) } else { Err(reject(404, "the session is invalid or has expired")) };
        }
        if Some(index) == roles.logout {
            let ended = shared.state().end(session_param());
            return if ended { Ok(Answer::empty(op.response.status)) } else { Err(reject(404, "no such session (already logged out or expired)")) };
        }
        if op.auth == AuthNeed::AccessToken {
            if let Some(answer) = change_password(shared, op.response.status, json_body.as_ref())? {
                return Ok(answer);
            }
        }
    }
    if let Some(action) = op.agent_action {
        let inputs = crate::agents::Inputs { query: &pairs, body: json_body.as_ref() };
        match crate::agents::on_request(shared, action, &op.id, caller.user, &inputs) {
            crate::agents::Outcome::Continue => {}
            crate::agents::Outcome::Json(v) => return Ok(Answer::json(op.response.status, &v)),
            crate::agents::Outcome::Refuse(status, message) => return Err(reject(status, message)),
        }
    }
    if let (Some(pg), Some(window)) = (&op.pagination, page) {
        if let Some(collection) = item_model(&pg.item_ty).and_then(|m| shared.seeded.get(&m)) {
            let items = seeded_items(shared, op, collection, &pairs, json_body.as_ref());
            let at = crate::paging::At { base_url: &shared.base_url, raw_path, pairs: &pairs };
            let page = crate::paging::page(&shared.spec, op, pg, &items, window, &at);
            return Ok(Answer { headers: page.headers, ..Answer::json(op.response.status, &page.body) });
        }
    }
    let mut answer = from_examples(shared, api, op, path_params, &pairs, json_body.as_ref());
    if (200..300).contains(&answer.status) {
        answer.declared = crate::http_rules::declared_headers(op, raw_path, answer.body.as_ref(), std::time::SystemTime::now());
    }
    Ok(answer)
}

fn item_model(ty: &Type) -> Option<String> {
    match ty {
        Type::Model(r) => Some(r.wire_name.clone()),
        _ => None,
    }
}

fn str_field<'a>(body: Option<&'a Value>, name: &str) -> Option<&'a str> {
    body.and_then(|b| b.get(name)).and_then(Value::as_str)
}

/// The `agent` flag of a login body: a boolean, or the string form LiveVox's example sends.
fn agent_flag(body: Option<&Value>) -> bool {
    match body.and_then(|b| b.get("agent")) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

fn login(shared: &Shared, headers: &HeaderMap, body: Option<&Value>, now: Instant) -> Result<Answer, Reject> {
    let spec = &shared.spec;
    let Some(roles) = spec.session.as_ref() else { return Err(reject(404, "no login")) };
    let op = &spec.routes[roles.login].op;
    let mut state = shared.state();
    let token = header(headers, &roles.access_header).and_then(|t| state.tokens.iter().position(|x| x == t));
    let Some(token) = token else { return Err(reject(401, "Authorization error: unknown access token")) };
    let user = state.find_user(
        str_field(body, "clientName").unwrap_or(""),
        str_field(body, "userName").unwrap_or(""),
        str_field(body, "password").unwrap_or(""),
        agent_flag(body),
    );
    let Some(user) = user else {
        return Err(reject(401, "Authorization error: unknown client, user name or password (or the wrong agent flag)"));
    };
    let id = state.login(user, token, shared.idle, now);
    let record = &state.users[user];
    let mut answer = match &record.template {
        Some(t) => t.clone(),
        None => op.response.ty.as_ref().map(|t| synth::value(spec, t, "", 0, 0)).unwrap_or(Value::Object(Map::new())),
    };
    if let Value::Object(m) = &mut answer {
        m.insert(roles.session_id_field.clone(), Value::String(id));
        if m.contains_key("clientId") || record.template.is_none() {
            m.insert("clientId".into(), Value::from(record.user.client_id));
        }
        if m.contains_key("userId") || record.template.is_none() {
            m.insert("userId".into(), Value::from(record.user.user_id));
        }
    }
    Ok(Answer::json(op.response.status, &answer))
}

/// An access-token call other than login whose body holds credentials and a `newPassword`:
/// LiveVox's password change. `None` when the body is not of that shape.
fn change_password(shared: &Shared, status: u16, body: Option<&Value>) -> Result<Option<Answer>, Reject> {
    let Some(new_password) = str_field(body, "newPassword") else { return Ok(None) };
    let mut state = shared.state();
    let user = state.find_user(
        str_field(body, "clientName").unwrap_or(""),
        str_field(body, "userName").unwrap_or(""),
        str_field(body, "password").unwrap_or(""),
        agent_flag(body),
    );
    let Some(user) = user else {
        return Err(reject(401, "Authorization error: unknown client, user name or current password"));
    };
    state.users[user].user.password = new_password.to_string();
    // Every session of the user ends with the password.
    state.end_all_of(user);
    Ok(Some(Answer::empty(status)))
}

/// Whether a query value (text) equals a JSON value of an example or an item.
fn text_matches(text: &str, v: &Value) -> bool {
    match v {
        Value::String(s) => s == text,
        Value::Number(n) => match (text.parse::<f64>(), n.as_f64()) {
            (Ok(a), Some(b)) => a == b,
            _ => false,
        },
        Value::Bool(b) => text == if *b { "true" } else { "false" },
        _ => false,
    }
}

/// The seeded collection, filtered by the query parameters and body fields that share a wire
/// name with a field of the items (paging parameters excepted).
fn seeded_items<'a>(shared: &Shared, op: &Operation, collection: &'a [Value], pairs: &[(String, String)], body: Option<&Value>) -> Vec<&'a Value> {
    let spec = &shared.spec;
    let Some(pg) = &op.pagination else { return Vec::new() };
    let paging: [&str; 3] = [&pg.offset_param, &pg.count_param, pg.cursor_param.as_ref().map_or("", |(w, _)| w.as_str())];
    let item_fields: Vec<String> =
        spec.model_of(&pg.item_ty).map(|m| m.fields.iter().map(|f| f.wire_name.clone()).collect()).unwrap_or_default();
    let query_filters: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(n, _)| item_fields.contains(n) && !paging.contains(&n.as_str()) && op.query.iter().any(|p| &p.wire_name == n && p.role == ParamRole::Normal))
        .collect();
    let body_filters: Vec<(&String, &Value)> = match body {
        Some(Value::Object(m)) => m.iter().filter(|(k, v)| item_fields.contains(k) && !v.is_null()).collect(),
        _ => Vec::new(),
    };
    let matches = |item: &Value| {
        query_filters.iter().all(|(n, v)| item.get(n).is_some_and(|x| text_matches(v, x)))
            && body_filters.iter().all(|(k, v)| item.get(*k) == Some(*v))
    };
    collection.iter().filter(|i| matches(i)).collect()
}

/// How well an example's request matches this one: `(every value it gives matches, how many
/// do)`.
fn example_match(e: &Example, path_params: &[(String, String)], pairs: &[(String, String)], body: Option<&Value>) -> (bool, usize) {
    let mut all = true;
    let mut score = 0;
    for (name, v) in &e.path {
        let ok = path_params.iter().any(|(n, x)| n == name && text_matches(x, v));
        all &= ok;
        score += usize::from(ok);
    }
    for (name, v) in &e.query {
        let given: Vec<&str> = pairs.iter().filter(|(n, _)| n == name).map(|(_, x)| x.as_str()).collect();
        let ok = match v {
            Value::Array(items) => given.len() == items.len() && given.iter().zip(items).all(|(g, i)| text_matches(g, i)),
            v => given.len() == 1 && text_matches(given[0], v),
        };
        all &= ok;
        score += usize::from(ok);
    }
    if let Some(b) = &e.body {
        let ok = body == Some(b);
        all &= ok;
        score += usize::from(ok);
    }
    (all, score)
}

/// The answer from the spec's examples: the first whose request matches this one in every
/// value it gives (an error example too: it shows what that request gets), else the
/// successful example that matches best (the first on a tie), else a synthesized answer.
fn from_examples(
    shared: &Shared,
    api: &livevox_codegen::ir::Api,
    op: &Operation,
    path_params: &[(String, String)],
    pairs: &[(String, String)],
    body: Option<&Value>,
) -> Answer {
    let spec = &shared.spec;
    let scored: Vec<(&Example, (bool, usize))> = op.examples.iter().map(|e| (e, example_match(e, path_params, pairs, body))).collect();
    let chosen = scored.iter().find(|(_, (all, _))| *all).map(|(e, _)| *e).or_else(|| {
        let mut best: Option<(&Example, usize)> = None;
        for (e, (_, score)) in &scored {
            if (200..300).contains(&e.status) && best.is_none_or(|(_, b)| *score > b) {
                best = Some((e, *score));
            }
        }
        best.map(|(e, _)| e)
    });
    let synthesized = || match (op.response.format, &op.response.ty) {
        (ResponseFormat::Json, Some(t)) => Answer::json(op.response.status, &synth::value(spec, t, "", 0, 0)),
        (ResponseFormat::Json, None) => Answer::json(op.response.status, &Value::Object(Map::new())),
        (ResponseFormat::Text, _) => {
            Answer::raw(op.response.status, op, Bytes::from(synth::text(op.response.media_type().unwrap_or_default())))
        }
        (ResponseFormat::Binary, _) => {
            let bytes = synth::binary(op.response.media_type().unwrap_or_default(), &op.id, path_params);
            match &op.response.base64_field {
                Some(field) if shared.base64_binary.load(std::sync::atomic::Ordering::SeqCst) => {
                    Answer::json(op.response.status, &synth::base64_json(field, &bytes))
                }
                _ => Answer::raw(op.response.status, op, Bytes::from(bytes)),
            }
        }
        (ResponseFormat::None, _) => Answer::empty(op.response.status),
    };
    let Some(e) = chosen else { return synthesized() };
    let success = (200..300).contains(&e.status);
    match (&e.response, success) {
        (Some(Value::String(s)), true) if op.response.format == ResponseFormat::Text => Answer::raw(e.status, op, Bytes::from(s.clone())),
        (Some(v), _) => Answer::json(e.status, v),
        (None, true) if op.response.format == ResponseFormat::None => Answer::empty(e.status),
        (None, true) => Answer { status: e.status, ..synthesized() },
        (None, false) => {
            let format = api.errors.clone();
            error_body(&format, shared.faults.xml(), e.status, &format!("{} (the spec example `{}`)", op.id, e.name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_refuses_bad_input() {
        assert_eq!(percent_decode("sess%2F1").as_deref(), Some("sess/1"));
        assert_eq!(percent_decode("a%2"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
    }

    #[test]
    fn text_matches_numbers_by_value() {
        assert!(text_matches("2", &serde_json::json!(2)));
        assert!(text_matches("2.0", &serde_json::json!(2)));
        assert!(text_matches("true", &serde_json::json!(true)));
        assert!(!text_matches("x", &serde_json::json!(null)));
    }
}

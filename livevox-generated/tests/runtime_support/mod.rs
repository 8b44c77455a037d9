//! Shared fixtures of the runtime integration tests: hand-written `ApiSpec`/`Operation`
//! statics and `ApiClient` types (what generated code would provide), a recording axum server
//! on 127.0.0.1 with a free port, and a small fake of the LiveVox session behaviour.
// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::HashSet;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use livevox_generated::runtime as rt;

pub const TOKEN: &str = "tok-3c9f1a77e2";
pub const PASSWORD: &str = "pw-Zq81x!secret";
pub const CLIENT_NAME: &str = "ACME";
pub const USER_NAME: &str = "jdoe";

// ---------------------------------------------------------------- specs, as codegen emits them

/// The login operation of [`LV_API`], as its spec names it.
pub const LOGIN_OPERATION: &str = "session.login";

pub static LV_API: rt::ApiSpec = rt::ApiSpec {
    name: "TestLiveVox",
    environments: &[("NA3", "https://api.livevox.com"), ("NA4", "https://api.na4.livevox.com")],
    default_environment: None,
    headers: &[
        rt::HeaderSpec { name: "Content-Type", value: "application/json" },
        rt::HeaderSpec { name: "Accept", value: "application/json" },
    ],
    auth: rt::AuthScheme::LiveVox {
        session_header: "LV-Session",
        expired_status: 401,
        login: Some(rt::LoginSpec {
            operation: "session.login",
            path: "/session/login",
            fields: rt::LoginFields { client: Some("clientName"), user: "userName", password: "password", agent: Some("agent") },
            access_header: "LV-Access",
            session_id_field: "sessionId",
        }),
    },
    errors: rt::ErrorFormat { json: Some(("code", "message")), xml: Some(("ErrorResponse", "code", "message")) },
    service: None,
    content_type: rt::ContentTypeRule::Always,
    server_rate_limit: None,
};

/// A LiveVox-style API without a login: it relays a session id the caller gives.
pub static RELAY_API: rt::ApiSpec = rt::ApiSpec {
    auth: rt::AuthScheme::LiveVox { session_header: "LV-Session", expired_status: 401, login: None },
    ..LV_API
};

/// An API with a templated header and a default environment, no auth.
pub static OPEN_API: rt::ApiSpec = rt::ApiSpec {
    name: "OpenApi",
    environments: &[("PROD", "https://open.example.com"), ("DEV", "https://dev.open.example.com/base")],
    default_environment: Some("DEV"),
    headers: &[rt::HeaderSpec { name: "X-Agent", value: "agent-${agentId}/${site}" }],
    auth: rt::AuthScheme::None,
    errors: rt::ErrorFormat { json: Some(("code", "message")), xml: None },
    service: None,
    content_type: rt::ContentTypeRule::Always,
    server_rate_limit: None,
};

pub static BEARER_API: rt::ApiSpec =
    rt::ApiSpec { name: "BearerApi", auth: rt::AuthScheme::Bearer { header: "Authorization", prefix: "Bearer" }, ..OPEN_API };
pub static BASIC_API: rt::ApiSpec = rt::ApiSpec { name: "BasicApi", auth: rt::AuthScheme::Basic, ..OPEN_API };
pub static OAUTH2_API: rt::ApiSpec = rt::ApiSpec {
    name: "OAuth2Api",
    auth: rt::AuthScheme::OAuth2 { header: "Authorization", prefix: "Bearer", token_url: None, scopes: &[] },
    ..OPEN_API
};
/// A default environment that is not among the environments (a spec bug).
pub static BAD_DEFAULT_API: rt::ApiSpec = rt::ApiSpec { name: "BadDefault", default_environment: Some("NOPE"), ..OPEN_API };

macro_rules! api_client {
    ($name:ident, $api:expr) => {
        #[derive(Clone, Debug)]
        pub struct $name(pub rt::Client);
        impl rt::ApiClient for $name {
            fn api() -> &'static rt::ApiSpec {
                &$api
            }
            fn from_runtime(client: rt::Client) -> Self {
                $name(client)
            }
        }
    };
}

// Test files that need `ApiClient` types of their own specs make them with it too.
#[allow(unused_imports)]
pub(crate) use api_client;

api_client!(LvClient, LV_API);
api_client!(RelayClient, RELAY_API);
api_client!(OpenClient, OPEN_API);
api_client!(BearerClient, BEARER_API);
api_client!(BasicClient, BASIC_API);
api_client!(OAuth2Client, OAUTH2_API);
api_client!(BadDefaultClient, BAD_DEFAULT_API);

/// The generated `Environment` enum of `LV_API`.
pub enum LvEnvironment {
    Na3,
    Na4,
}

impl rt::Environment for LvEnvironment {
    fn base_url(&self) -> &'static str {
        match self {
            LvEnvironment::Na3 => "https://api.livevox.com",
            LvEnvironment::Na4 => "https://api.na4.livevox.com",
        }
    }
}

/// An operation as codegen emits it: idempotent by its method, no paging or limit, callable
/// by agents.
pub const fn op(
    name: &'static str,
    method: rt::Method,
    path: &'static str,
    auth: rt::AuthNeed,
    body: rt::BodyKind,
    response: rt::ResponseFormat,
) -> rt::Operation {
    rt::Operation {
        name,
        method,
        path,
        auth,
        idempotent: matches!(method, rt::Method::Get | rt::Method::Put | rt::Method::Delete),
        body,
        response,
        pagination: None,
        rate_limit: None,
        deprecated: false,
        agent_allowed: true,
    }
}

use rt::{AuthNeed as A, BodyKind as B, Method as M, ResponseFormat as R};

pub static READ_DNC: rt::Operation = op("compliance.read_dnc", M::Get, "/compliance/dnc/{id}", A::Session, B::None, R::Json);
pub static CREATE_DNC: rt::Operation =
    op("compliance.create_dnc", M::Post, "/compliance/dnc", A::Session, B::Json { required: false }, R::Json);
pub static DELETE_DNC: rt::Operation = op("compliance.delete_dnc", M::Delete, "/compliance/dnc/{id}", A::Session, B::None, R::None);
pub static LIST_DNC: rt::Operation = op("compliance.list_dnc", M::Get, "/compliance/dnc", A::Session, B::None, R::Json);
pub static ADMIN_ONLY: rt::Operation = op("configuration.list_agents", M::Get, "/configuration/agents", A::Session, B::None, R::Json);
pub static CHANGE_PASSWORD: rt::Operation =
    op("session.change_password", M::Post, "/session/password", A::AccessToken, B::Json { required: true }, R::None);
pub static PING: rt::Operation = op("status.ping", M::Get, "/ping", A::None, B::None, R::Text);
/// For the error tests: GET `/status/{code}` (no auth) answers what the test server says.
pub static ANY: rt::Operation = op("test.any", M::Get, "/any/{case}", A::None, B::None, R::Json);
pub static ANY_POST: rt::Operation = op("test.any_post", M::Post, "/any/{case}", A::None, B::Json { required: true }, R::Json);
pub static ANY_TEXT: rt::Operation = op("test.any_text", M::Get, "/any/{case}", A::None, B::None, R::Text);
pub static ANY_NONE: rt::Operation = op("test.any_none", M::Get, "/any/{case}", A::None, B::None, R::None);

#[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
pub struct Dnc {
    pub id: String,
    pub phone: String,
}

pub async fn read_dnc(client: &rt::Client, id: &str) -> Result<Dnc, rt::Error> {
    let mut req = rt::Request::new(&READ_DNC);
    req.path("id", id);
    client.execute(req).await
}

pub async fn any<T: serde::de::DeserializeOwned>(client: &rt::Client, case: &str) -> Result<T, rt::Error> {
    let mut req = rt::Request::new(&ANY);
    req.path("case", case);
    client.execute(req).await
}

// ---------------------------------------------------------------- the recording server

/// One request as the server saw it (path still percent-encoded).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }
}

/// Serves `handler` for every request on 127.0.0.1 with a free port, recording each request.
pub async fn serve<F, Fut>(handler: F) -> Server
where
    F: Fn(Recorded) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let server_log = log.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let handler = handler.clone();
        let log = server_log.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
            let rec = Recorded {
                method: parts.method.to_string(),
                path: parts.uri.path().to_owned(),
                query: parts.uri.query().map(str::to_owned),
                headers: parts.headers,
                body,
            };
            log.lock().unwrap().push(rec.clone());
            handler(rec).await
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server { addr, log }
}

pub fn respond(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

pub fn json(status: u16, value: serde_json::Value) -> Response {
    respond(status, "application/json", value.to_string())
}

// ---------------------------------------------------------------- a fake of LiveVox sessions

/// Just enough of LiveVox: login checks `LV-Access` and the credentials and hands out session
/// ids; session calls need a valid `LV-Session`; agent sessions get 403 on admin calls.
#[derive(Default)]
pub struct Fake {
    /// Login attempts that reached the server.
    pub logins: AtomicUsize,
    pub login_delay_ms: AtomicU64,
    /// Make every login fail with 401.
    pub refuse_logins: AtomicBool,
    /// Leave `sessionId` out of the login response.
    pub login_without_session: AtomicBool,
    pub valid: Mutex<HashSet<String>>,
    pub agents: Mutex<HashSet<String>>,
    /// Answer every session call with 401 whatever the session.
    pub always_expired: AtomicBool,
    /// Echo the session id and token back in error bodies (a careless server).
    pub echo_secrets: AtomicBool,
}

impl Fake {
    pub fn expire_all(&self) {
        self.valid.lock().unwrap().clear();
    }

    pub fn add_session(&self, id: &str) {
        self.valid.lock().unwrap().insert(id.to_owned());
    }

    pub fn login_count(&self) -> usize {
        self.logins.load(Ordering::SeqCst)
    }

    async fn handle(self: Arc<Self>, req: Recorded) -> Response {
        let access = req.header("lv-access").map(str::to_owned);
        let session = req.header("lv-session").map(str::to_owned);
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/session/login") => {
                let n = self.logins.fetch_add(1, Ordering::SeqCst) + 1;
                let delay = self.login_delay_ms.load(Ordering::SeqCst);
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                let body = req.json();
                let echo = if self.echo_secrets.load(Ordering::SeqCst) {
                    format!(" (token {} password {})", access.as_deref().unwrap_or(""), body["password"].as_str().unwrap_or(""))
                } else {
                    String::new()
                };
                if access.as_deref() != Some(TOKEN) || self.refuse_logins.load(Ordering::SeqCst) {
                    return json(401, serde_json::json!({"code": 401, "message": format!("Authorization error{echo}")}));
                }
                if body["clientName"] != CLIENT_NAME || body["userName"] != USER_NAME || body["password"] != PASSWORD {
                    return json(401, serde_json::json!({"code": "1001", "message": format!("Invalid credentials{echo}")}));
                }
                if self.login_without_session.load(Ordering::SeqCst) {
                    return json(200, serde_json::json!({"clientId": 1, "userId": 2}));
                }
                let id = format!("sess-{n}-7f3e9a0b");
                self.valid.lock().unwrap().insert(id.clone());
                if body["agent"] == serde_json::Value::Bool(true) {
                    self.agents.lock().unwrap().insert(id.clone());
                }
                json(200, serde_json::json!({"sessionId": id, "clientId": 1, "userId": 2, "daysUntilPasswordExpires": 30}))
            }
            ("POST", "/session/password") => {
                if access.as_deref() == Some(TOKEN) {
                    respond(204, "application/json", "")
                } else {
                    json(401, serde_json::json!({"code": 401, "message": "Authorization error"}))
                }
            }
            ("GET", "/ping") => respond(200, "text/plain", "pong"),
            _ => {
                let ok = session.as_ref().is_some_and(|s| self.valid.lock().unwrap().contains(s))
                    && !self.always_expired.load(Ordering::SeqCst);
                if !ok {
                    let message = if self.echo_secrets.load(Ordering::SeqCst) {
                        format!("Session {} is not valid", session.as_deref().unwrap_or(""))
                    } else {
                        "Session is not valid".to_owned()
                    };
                    return json(401, serde_json::json!({"code": 401, "message": message}));
                }
                let session = session.unwrap_or_default();
                if req.path == "/configuration/agents" && self.agents.lock().unwrap().contains(&session) {
                    return json(403, serde_json::json!({"code": 403, "message": "Agent sessions may not call this method"}));
                }
                match (req.method.as_str(), req.path.as_str()) {
                    ("POST", "/compliance/dnc") => json(201, serde_json::json!({"id": "99", "phone": req.json()["phone"]})),
                    ("DELETE", _) => respond(204, "application/json", ""),
                    ("GET", p) if p.starts_with("/compliance/dnc/") => {
                        json(200, serde_json::json!({"id": &p["/compliance/dnc/".len()..], "phone": "5551234"}))
                    }
                    _ => json(200, serde_json::json!({"agents": []})),
                }
            }
        }
    }
}

/// Starts a fake LiveVox on loopback.
pub async fn fake_livevox() -> (Arc<Fake>, Server) {
    let fake = Arc::new(Fake::default());
    let shared = fake.clone();
    let server = serve(move |req| shared.clone().handle(req)).await;
    (fake, server)
}

/// A client of `LV_API` at `server` with the fake's token and a user login.
pub fn lv_builder(server: &Server) -> rt::ClientBuilder<LvClient> {
    rt::ClientBuilder::<LvClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .access_token(TOKEN)
        .credentials(rt::Credentials::user(CLIENT_NAME, USER_NAME, PASSWORD))
}

pub fn lv_client(server: &Server) -> rt::Client {
    lv_builder(server).build().unwrap().0
}

/// A client of `RELAY_API` at `server` that relays the session id `session` it was given.
pub fn given_session_client(server: &Server, session: &str) -> rt::Client {
    rt::ClientBuilder::<RelayClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .session_id(session)
        .build()
        .unwrap()
        .0
}

/// A client of `OPEN_API` (no auth) at `server` that sends every call once: the tests using it
/// look at one response each (a 429 or a 503 among them), not at the retry policy, which has
/// tests of its own (`runtime_retry.rs`, with [`open_builder`]).
pub fn open_client(server: &Server) -> rt::Client {
    open_builder(server).no_retries().build().unwrap().0
}

/// A builder of `OPEN_API` clients at `server`, with the default retry policy.
pub fn open_builder(server: &Server) -> rt::ClientBuilder<OpenClient> {
    open_builder_at(server.url())
}

/// [`open_builder`] at any base URL on 127.0.0.1 (with a path prefix, or a port nothing
/// listens on).
pub fn open_builder_at(base_url: impl Into<String>) -> rt::ClientBuilder<OpenClient> {
    rt::ClientBuilder::<OpenClient>::new()
        .base_url(base_url)
        .allow_plain_http_for_loopback_tests()
        .header_param("agentId", "42")
        .header_param("site", "east")
}

// ---------------------------------------------------------------- paged lists

/// How the paged server fills `next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStyle {
    /// A link on every page but the last, where it is left out.
    AbsentOnLast,
    /// A link on every page but the last, where it is `"  "`.
    BlankOnLast,
    /// Never a link (for the short-page rule).
    Never,
    /// A link on every page, even an empty one (a server that never says "last").
    Always,
}

/// What the paged server answers for the page at one offset, instead of the records.
#[derive(Debug, Clone, Copy)]
pub struct Fault {
    pub offset: usize,
    pub status: u16,
}

/// A list of `total` records `{"id": i, "phone": "555…i"}`, paged by `offset`/`count` query
/// parameters; each page is made when asked for, so a million records cost no memory.
pub async fn paged_server(total: usize, next: NextStyle, fault: Option<Fault>) -> Server {
    serve(move |req| async move {
        let query: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes()).into_owned().collect();
        let offset: usize = query.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
        let count: usize = query.get("count").and_then(|v| v.parse().ok()).unwrap_or(1000);
        if let Some(fault) = fault.filter(|f| f.offset == offset) {
            return json(fault.status, serde_json::json!({"code": fault.status, "message": "injected"}));
        }
        json(200, page_body(total, offset, count, next))
    })
    .await
}

/// One page of the paged list, as JSON.
pub fn page_body(total: usize, offset: usize, count: usize, next: NextStyle) -> serde_json::Value {
    let end = offset.saturating_add(count).min(total);
    let items: Vec<serde_json::Value> =
        (offset.min(end)..end).map(|i| serde_json::json!({"id": i, "phone": format!("555{i:07}")})).collect();
    let link = format!("/records?offset={end}&count={count}");
    let last = end >= total;
    let mut body = serde_json::json!({ "items": items });
    match next {
        NextStyle::AbsentOnLast if !last => body["next"] = link.into(),
        NextStyle::BlankOnLast => body["next"] = if last { "  ".into() } else { link.into() },
        NextStyle::Always => body["next"] = link.into(),
        _ => {}
    }
    body
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub id: u64,
    pub phone: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RecordPage {
    pub items: Vec<Record>,
    #[serde(default)]
    pub next: Option<String>,
}

const fn list_op(name: &'static str, end: rt::PageEnd) -> rt::Operation {
    rt::Operation {
        pagination: Some(rt::Pagination {
            offset_param: "offset",
            count_param: "count",
            items_field: "items",
            next_field: "next",
            max_count: Some(1000),
            end,
        }),
        ..op(name, M::Get, "/records", A::None, B::None, R::Json)
    }
}

pub static LIST_NEXT: rt::Operation = list_op("test.list_next", rt::PageEnd::NextAbsent);
pub static LIST_SHORT: rt::Operation = list_op("test.list_short", rt::PageEnd::ShortPage);
pub static LIST_EITHER: rt::Operation = list_op("test.list_either", rt::PageEnd::NextAbsentOrShortPage);

/// Which of the list statics a [`ListRecords`] calls (generated builders have one type each).
pub trait ListOp: Send + Sync + 'static {
    fn op() -> &'static rt::Operation;
}

pub enum ByNext {}
pub enum ByShortPage {}
pub enum ByEither {}

impl ListOp for ByNext {
    fn op() -> &'static rt::Operation {
        &LIST_NEXT
    }
}
impl ListOp for ByShortPage {
    fn op() -> &'static rt::Operation {
        &LIST_SHORT
    }
}
impl ListOp for ByEither {
    fn op() -> &'static rt::Operation {
        &LIST_EITHER
    }
}

/// A request builder of a paginated list, as codegen emits one (offset and count are `int32`).
pub struct ListRecords<O> {
    pub client: rt::Client,
    pub offset: i32,
    pub count: i32,
    _op: std::marker::PhantomData<fn() -> O>,
}

impl<O> Clone for ListRecords<O> {
    fn clone(&self) -> Self {
        ListRecords { client: self.client.clone(), offset: self.offset, count: self.count, _op: std::marker::PhantomData }
    }
}

impl<O: ListOp> ListRecords<O> {
    pub fn new(client: &rt::Client) -> Self {
        ListRecords { client: client.clone(), offset: 0, count: 1000, _op: std::marker::PhantomData }
    }

    pub fn offset(mut self, offset: i32) -> Self {
        self.offset = offset;
        self
    }

    pub fn count(mut self, count: i32) -> Self {
        self.count = count;
        self
    }

    pub fn pages(self) -> rt::Pages<Self> {
        rt::Pages::new(self)
    }

    pub fn items(self) -> rt::Items<Self> {
        rt::Items::new(self)
    }
}

impl<O: ListOp> rt::Paginated for ListRecords<O> {
    type Page = RecordPage;
    type Item = Record;
    const STYLE: rt::PageStyle = rt::PageStyle::Offset;

    fn operation() -> &'static rt::Operation {
        O::op()
    }
    fn position(&self) -> i64 {
        i64::from(self.offset)
    }
    fn size(&self) -> i64 {
        i64::from(self.count)
    }
    fn advance(&mut self, next: rt::Next) -> bool {
        next.set_position(&mut self.offset)
    }
    fn fetch(self, _link: Option<rt::Url>) -> livevox_generated::__rt::BoxFuture<Result<rt::Fetched<RecordPage>, rt::Error>> {
        Box::pin(async move {
            let mut req = rt::Request::new(O::op());
            req.query("offset", &self.offset);
            req.query("count", &self.count);
            let page = self.client.execute(req).await?;
            Ok(rt::Fetched { page, next_url: Ok(None) })
        })
    }
    fn item_count(page: &RecordPage) -> usize {
        page.items.len()
    }
    fn next_link(page: &RecordPage) -> Option<&str> {
        page.next.as_deref()
    }
    fn into_items(page: RecordPage) -> Vec<Record> {
        page.items
    }
}

// ---------------------------------------------------------------- virtual-time helpers

/// Arrival times (tokio's clock, so virtual under a paused clock) of the requests a server saw.
#[derive(Clone, Default)]
pub struct Arrivals(pub Arc<Mutex<Vec<tokio::time::Instant>>>);

impl Arrivals {
    pub fn record(&self) {
        self.0.lock().unwrap().push(tokio::time::Instant::now());
    }

    pub fn times(&self) -> Vec<tokio::time::Instant> {
        let mut t = self.0.lock().unwrap().clone();
        t.sort();
        t
    }

    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The most arrivals in any half-open window `[t, t + window)`.
    pub fn max_in_window(&self, window: Duration) -> usize {
        let t = self.times();
        let mut most = 0;
        let mut first = 0;
        for last in 0..t.len() {
            while t[last] - t[first] >= window {
                first += 1;
            }
            most = most.max(last - first + 1);
        }
        most
    }
}

// ---------------------------------------------------------------- logs

/// A `tracing` writer into a shared buffer: what a test's calls logged.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Installs the global subscriber (every level, span closes, no colours) writing into a new
    /// buffer. Global, so its test must be the only one in its binary: a thread-scoped
    /// subscriber loses events when other tests race it on tracing's shared callsite cache.
    pub fn install_global() -> Captured {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        captured
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

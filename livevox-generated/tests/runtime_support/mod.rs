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
        login: Some(rt::LoginSpec { path: "/session/login", access_header: "LV-Access", session_id_field: "sessionId" }),
    },
    errors: rt::ErrorFormat { json: Some(("code", "message")), xml: Some(("ErrorResponse", "code", "message")) },
    service: None,
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

const fn op(
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

/// A client of `OPEN_API` (no auth) at `server`.
pub fn open_client(server: &Server) -> rt::Client {
    rt::ClientBuilder::<OpenClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .header_param("agentId", "42")
        .header_param("site", "east")
        .build()
        .unwrap()
        .0
}

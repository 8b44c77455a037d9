//! Generated operations against a local HTTP server: what goes on the wire (method, path,
//! query, headers, body) and what comes back decoded. The server records every request and
//! answers from a small table; nothing leaves 127.0.0.1.

#![allow(deprecated)] // the legacy DNC operations are deprecated in the spec, on purpose

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use livevox_generated::compliance::{DncSearchCriteria, DncType, NewDncEntry};
use livevox_generated::{Client, Credentials};

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// The canned answers, by method and path.
fn answer(method: &Method, path: &str) -> Response {
    let json_ok = |status: StatusCode, v: Value| (status, [("content-type", "application/json")], v.to_string()).into_response();
    match (method.as_str(), path) {
        ("POST", "/session/login") => json_ok(StatusCode::OK, json!({"sessionId": "sess-1", "clientId": 10, "userId": 20})),
        ("GET", "/compliance/dnc") | ("POST", "/compliance/dnc/search") => json_ok(
            StatusCode::OK,
            json!({"dnc": [
                {"id": 1, "clientId": 10, "dncType": "PERMANENT", "phone": "5551234567"},
                {"id": 2, "clientId": 10, "dncType": "SOMETHING_NEW", "account": "A-9"}
            ], "next": "/compliance/dnc?offset=2&count=2"}),
        ),
        ("GET", "/compliance/dnc/info") => json_ok(StatusCode::OK, json!({"size": 15, "lastModified": 1374258114000_i64})),
        ("POST", "/compliance/dnc") => json_ok(StatusCode::CREATED, json!({"id": 77})),
        ("DELETE", "/compliance/dnc/77") => StatusCode::NO_CONTENT.into_response(),
        ("GET", "/session/validate/sess%2F1") => StatusCode::NO_CONTENT.into_response(),
        _ => json_ok(StatusCode::NOT_FOUND, json!({"code": 404, "message": format!("no route {method} {path}")})),
    }
}

async fn serve() -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let record = log.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let record = record.clone();
        async move {
            let path = uri.path().to_string();
            let response = answer(&method, &path);
            record.lock().unwrap().push(Seen { method, path, query: uri.query().map(str::to_string), headers, body });
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, log)
}

fn client(addr: SocketAddr) -> Client {
    Client::builder()
        .base_url(format!("http://{addr}"))
        .allow_plain_http_for_loopback_tests()
        .access_token("token-abc")
        .credentials(Credentials::user("CLIENT1", "api.user", "pw-123"))
        .build()
        .expect("a loopback client builds")
}

fn assert_json_headers(seen: &Seen) {
    assert_eq!(seen.header("content-type"), Some("application/json"), "{} {}", seen.method, seen.path);
    assert_eq!(seen.header("accept"), Some("application/json"), "{} {}", seen.method, seen.path);
    let ua = seen.header("user-agent").unwrap_or_default();
    assert!(ua.starts_with("livevox-generated/"), "user agent {ua:?}");
}

#[tokio::test]
async fn list_dnc_sends_query_and_session_and_decodes_the_page() {
    let (addr, log) = serve().await;
    let client = client(addr);

    let page = client.compliance().list_dnc(DncType::Permanent).client_id(10).count(2).await.expect("list succeeds");

    // The typed response, including a value the spec does not know.
    assert_eq!(page.dnc.len(), 2);
    assert_eq!(page.dnc[0].id, 1);
    assert_eq!(page.dnc[0].dnc_type, DncType::Permanent);
    assert_eq!(page.dnc[0].phone.as_deref(), Some("5551234567"));
    assert!(matches!(&page.dnc[1].dnc_type, DncType::Unknown(v) if v.as_str() == "SOMETHING_NEW"));
    assert_eq!(page.next.as_deref(), Some("/compliance/dnc?offset=2&count=2"));

    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "a login, then the call: {seen:#?}");

    let login = &seen[0];
    assert_eq!((login.method.as_str(), login.path.as_str()), ("POST", "/session/login"));
    assert_eq!(login.header("lv-access"), Some("token-abc"));
    assert_eq!(login.header("lv-session"), None);
    assert_eq!(login.json(), json!({"clientName": "CLIENT1", "userName": "api.user", "password": "pw-123", "agent": false}));
    assert_json_headers(login);

    let list = &seen[1];
    assert_eq!((list.method.as_str(), list.path.as_str()), ("GET", "/compliance/dnc"));
    assert_eq!(list.query.as_deref(), Some("dncType=PERMANENT&client=10&offset=0&count=2"));
    assert_eq!(list.header("lv-session"), Some("sess-1"));
    assert_eq!(list.header("lv-access"), None, "the token is only sent at login");
    assert!(list.body.is_empty(), "a GET has no body");
    assert_json_headers(list);
}

#[tokio::test]
async fn bodies_201_and_204_round_trip() {
    let (addr, log) = serve().await;
    let client = client(addr);

    let created = client
        .compliance()
        .create_dnc(NewDncEntry::new(DncType::Daily).with_phone("5550001111").with_service_id(42))
        .await
        .expect("create succeeds");
    assert_eq!(created.id, 77);

    let deleted: () = client.compliance().delete_dnc(77).await.expect("delete succeeds");
    assert_eq!(deleted, ());

    let info = client.compliance().get_dnc_list_info(DncType::Daily).await.expect("info succeeds");
    assert_eq!(info.size, 15);
    assert_eq!(info.last_modified.as_millis(), 1_374_258_114_000);

    let search = client
        .compliance()
        .search_dnc(DncSearchCriteria::new().with_dnc_type(DncType::Permanent).with_service_ids(vec![1, 2]))
        .offset(1000)
        .await
        .expect("search succeeds");
    assert_eq!(search.dnc.len(), 2);

    let seen = log.lock().unwrap().clone();
    let create = seen.iter().find(|s| s.method == Method::POST && s.path == "/compliance/dnc").expect("create was sent");
    assert_eq!(create.json(), json!({"type": "DAILY", "serviceId": 42, "phone": "5550001111"}));
    assert_json_headers(create);

    let delete = seen.iter().find(|s| s.method == Method::DELETE).expect("delete was sent");
    assert_eq!(delete.path, "/compliance/dnc/77");
    assert_eq!(delete.header("lv-session"), Some("sess-1"));

    let info = seen.iter().find(|s| s.path == "/compliance/dnc/info").expect("info was sent");
    assert_eq!(info.query.as_deref(), Some("dncType=DAILY"));
    assert!(info.body.is_empty(), "the .NET client's body on this GET is not repeated");

    let search = seen.iter().find(|s| s.path == "/compliance/dnc/search").expect("search was sent");
    assert_eq!(search.query.as_deref(), Some("offset=1000&count=1000"));
    assert_eq!(search.json(), json!({"type": "PERMANENT", "service": [1, 2]}));

    let logins = seen.iter().filter(|s| s.path == "/session/login").count();
    assert_eq!(logins, 1, "one session serves every call");
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_and_session_ops_need_no_session() {
    let (addr, log) = serve().await;
    let client = client(addr);

    client.session().validate("sess/1").await.expect("validate succeeds");

    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "validate needs no login: {seen:#?}");
    assert_eq!(seen[0].path, "/session/validate/sess%2F1", "a `/` inside a value stays inside its segment");
    assert_eq!(seen[0].header("lv-session"), None);
    assert_eq!(seen[0].header("lv-access"), None);
}

#[tokio::test]
async fn an_api_error_is_typed() {
    let (addr, _log) = serve().await;
    let client = client(addr);
    let err = client.compliance().read_dnc(12345).await.expect_err("the server answers 404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.api_code(), Some(404));
    assert_eq!(err.api_message(), Some("no route GET /compliance/dnc/12345"));
    assert_eq!(err.operation(), Some("compliance.read_dnc"));
}

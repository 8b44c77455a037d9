//! The clients of the sample "Functions" APIs (crate `livevox-sample-apis`, generated from
//! `tests/sample-apis/spec` the way a customer's own crate is), end to end against local axum
//! servers that check what arrives, as those APIs' servers would:
//!
//! - Acme CRM (OAUTH2): a token endpoint issuing two-second tokens; the client refreshes them
//!   without the caller noticing, concurrent callers cause one token request, the request has
//!   the client-credentials shape (form fields, HTTP Basic client authentication); tokens the
//!   caller supplies are refreshed with their refresh token.
//! - Legacy ERP (OAUTH 1.0a): the server recomputes the HMAC-SHA1 signature on its own (RFC 5849
//!   base string, `hmac` + `sha1`, not the client's crate); a tampered request fails.
//! - Webhook Receiver (BASIC): the exact `Authorization` header and the caller-supplied
//!   `X-Agent-Id` header; never over plain HTTP to a non-loopback host.
//! - Helpdesk (BEARER): a static token and a token provider, in `Authorization: Token <t>`.
//! - Screen Pop (LIVEVOX relay): the LiveVox client's session id (from the simulator) in
//!   `LV-Session`, following its renewal.

use std::collections::HashSet;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use livevox_generated::runtime::{Error, Secret};
use livevox_sample_apis::{acme_crm, helpdesk, legacy_erp, screen_pop, webhooks};
use serde_json::{json, Value};

mod support;

// ---------------------------------------------------------------- a recording server

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Vec<u8>,
    status: u16,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct Server {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    fn seen_at(&self, path: &str) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.path == path).collect()
    }
}

/// Serves `handler` (which answers a status and a JSON body) on 127.0.0.1, logging each request
/// with the status it got.
async fn serve<F, Fut>(handler: F) -> Server
where
    F: Fn(Seen) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = (u16, Value)> + Send + 'static,
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
            let body = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default().to_vec();
            let mut seen = Seen {
                method: parts.method.to_string(),
                path: parts.uri.path().to_owned(),
                query: parts.uri.query().map(str::to_owned),
                headers: parts.headers,
                body,
                status: 0,
            };
            let (status, value) = handler(seen.clone()).await;
            seen.status = status;
            log.lock().unwrap().push(seen);
            let mut response: Response = axum::Json(value).into_response();
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            response
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server { addr, log }
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

// ---------------------------------------------------------------- Acme CRM: OAUTH2

const CLIENT_ID: &str = "crm-integration";
const CLIENT_SECRET: &str = "s3cret/with+chars";

/// An identity server and the CRM API in one: `/oauth2/token` issues tokens that live
/// `lifetime`; the API answers only requests with a live token.
#[derive(Default)]
struct Crm {
    lifetime: Mutex<Duration>,
    tokens: Mutex<Vec<(String, Instant)>>,
    refresh_tokens: Mutex<HashSet<String>>,
    token_requests: AtomicUsize,
    /// API calls refused for a missing, unknown or expired token.
    api_refusals: AtomicUsize,
}

impl Crm {
    fn issue(&self, refresh: bool) -> Value {
        let n = self.token_requests.load(Ordering::SeqCst);
        let lifetime = *self.lifetime.lock().unwrap();
        let token = format!("crm-at-{n}");
        self.tokens.lock().unwrap().push((token.clone(), Instant::now() + lifetime));
        let mut v = json!({"access_token": token, "token_type": "Bearer", "expires_in": lifetime.as_secs()});
        if refresh {
            let r = format!("crm-rt-{n}");
            self.refresh_tokens.lock().unwrap().insert(r.clone());
            v["refresh_token"] = r.into();
        }
        v
    }

    async fn handle(self: Arc<Self>, s: Seen) -> (u16, Value) {
        if s.path == "/oauth2/token" {
            self.token_requests.fetch_add(1, Ordering::SeqCst);
            // Slow enough for concurrent callers to pile up behind the first request.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let f = form(&s.body);
            let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            let enc = |x: &str| url::form_urlencoded::byte_serialize(x.as_bytes()).collect::<String>();
            let client_basic = format!("Basic {}", b64(&format!("{}:{}", enc(CLIENT_ID), enc(CLIENT_SECRET))));
            return match get("grant_type") {
                Some("client_credentials") if s.header("authorization") == Some(client_basic.as_str()) => (200, self.issue(false)),
                Some("client_credentials") => (401, json!({"error": "invalid_client"})),
                Some("refresh_token") if get("refresh_token").is_some_and(|r| self.refresh_tokens.lock().unwrap().remove(r)) => {
                    (200, self.issue(true))
                }
                _ => (400, json!({"error": "invalid_grant"})),
            };
        }
        let token = s.header("authorization").and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
        let live = self.tokens.lock().unwrap().iter().any(|(t, until)| t == token && Instant::now() < *until);
        if !live {
            self.api_refusals.fetch_add(1, Ordering::SeqCst);
            return (401, json!({"code": 401, "message": "invalid or expired token"}));
        }
        match (s.method.as_str(), s.path.as_str()) {
            ("GET", "/v2/contacts") => (200, json!({"contacts": [{"id": 5001, "firstName": "Ada", "lastName": "Byron", "status": "ACTIVE"}]})),
            ("POST", "/v2/contacts") => {
                let mut c: Value = serde_json::from_slice(&s.body).unwrap_or(Value::Null);
                c["id"] = 5003.into();
                c["status"] = "ACTIVE".into();
                (201, c)
            }
            (_, p) if p.starts_with("/v2/contacts/") => {
                let id: i64 = p["/v2/contacts/".len()..].parse().unwrap_or(0);
                (200, json!({"id": id, "firstName": "Ada", "lastName": "Byron", "status": "ACTIVE", "livevoxAccount": "ACCT-10042"}))
            }
            _ => (404, json!({"code": 404, "message": "no such path"})),
        }
    }
}

async fn crm(lifetime: Duration) -> (Arc<Crm>, Server) {
    let crm = Arc::new(Crm::default());
    *crm.lifetime.lock().unwrap() = lifetime;
    let shared = crm.clone();
    let server = serve(move |s| shared.clone().handle(s)).await;
    (crm, server)
}

fn crm_client(server: &Server) -> acme_crm::ClientBuilder {
    acme_crm::Client::builder()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .oauth2_token_url(format!("{}/oauth2/token", server.url()))
}

#[tokio::test]
async fn oauth2_short_lived_tokens_are_refreshed_without_the_caller_noticing() {
    let (crm, server) = crm(Duration::from_secs(2)).await;
    let client = crm_client(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET).build().unwrap();

    // Every call of the caller succeeds over five seconds of two-second tokens.
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(5200) {
        let contact = client.crm_contacts().read_contact(5001).await.expect("no token error reaches the caller");
        assert_eq!(contact.livevox_account.as_deref(), Some("ACCT-10042"));
        calls += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let tokens = crm.token_requests.load(Ordering::SeqCst);
    assert!((3..=4).contains(&tokens), "a new token every 1.8 s: {tokens} token requests for {calls} calls");
    assert_eq!(crm.api_refusals.load(Ordering::SeqCst), 0, "refreshed before expiry, so no call was refused and replayed");

    // The token request: the client-credentials grant with the spec's scopes, HTTP Basic
    // client authentication (form-encoded id and secret, RFC 6749 §2.3.1), nothing else.
    let request = &server.seen_at("/oauth2/token")[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        form(&request.body),
        [("grant_type".to_owned(), "client_credentials".to_owned()), ("scope".to_owned(), "contacts.read contacts.write".to_owned())]
    );
    assert_eq!(request.header("authorization"), Some(format!("Basic {}", b64("crm-integration:s3cret%2Fwith%2Bchars")).as_str()));
    let call = &server.seen_at("/v2/contacts/5001")[0];
    assert_eq!(call.header("authorization"), Some("Bearer crm-at-1"));
}

#[tokio::test]
async fn oauth2_concurrent_callers_share_one_token_request() {
    let (crm, server) = crm(Duration::from_secs(60)).await;
    let client = crm_client(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET).build().unwrap();
    let calls: Vec<_> = (0..40)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    c.crm_contacts().read_contact(i).await.map(|_| ())
                } else {
                    c.crm_contacts().list_contacts().limit(10).await.map(|_| ())
                }
            })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(crm.token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(server.seen().len(), 41);
}

#[tokio::test]
async fn oauth2_caller_supplied_tokens_are_refreshed_with_the_refresh_token() {
    let (crm, server) = crm(Duration::from_secs(2)).await;
    // Tokens from an earlier authorization, issued by the same server.
    let given = crm.issue(true);
    let (access, refresh) = (given["access_token"].as_str().unwrap().to_owned(), given["refresh_token"].as_str().unwrap().to_owned());
    let client = crm_client(&server).oauth2_tokens(access.clone(), Some(Secret::new(refresh.clone())), Some(Duration::from_secs(2))).build().unwrap();

    let created = client
        .crm_contacts()
        .create_contact(acme_crm::crm_contacts::NewContact::new("Grace", "Hopper").with_phone("6175550199"))
        .await
        .unwrap();
    assert_eq!(created.id, 5003);
    assert_eq!(server.seen_at("/v2/contacts")[0].header("authorization"), Some(format!("Bearer {access}").as_str()));
    assert!(server.seen_at("/oauth2/token").is_empty(), "the given token is used while it lives");

    tokio::time::sleep(Duration::from_millis(2000)).await;
    let changes = acme_crm::crm_contacts::ContactChanges::new().with_status(acme_crm::crm_contacts::ContactStatus::DoNotContact);
    client.crm_contacts().update_contact(5003, changes).await.unwrap();
    let token_requests = server.seen_at("/oauth2/token");
    assert_eq!(token_requests.len(), 1);
    assert_eq!(form(&token_requests[0].body), [("grant_type".to_owned(), "refresh_token".to_owned()), ("refresh_token".to_owned(), refresh)]);
    assert_eq!(crm.api_refusals.load(Ordering::SeqCst), 0);

    // The rotated refresh token (the server forgot the first) keeps working.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    client.crm_contacts().read_contact(5003).await.unwrap();
    let token_requests = server.seen_at("/oauth2/token");
    assert_eq!(token_requests.len(), 2);
    assert_eq!(form(&token_requests[1].body)[1].1, "crm-rt-1");
}

#[tokio::test]
async fn oauth2_a_refused_client_is_a_typed_error_and_no_loop() {
    let (crm, server) = crm(Duration::from_secs(60)).await;
    let client = crm_client(&server).oauth2_client_credentials(CLIENT_ID, "wrong").build().unwrap();
    let err = client.crm_contacts().read_contact(1).await.unwrap_err();
    // The error names the call; the token endpoint's refusal is inside it.
    assert_eq!(err.operation(), Some("crm_contacts.read_contact"), "{err:?}");
    let token = err.login_error().expect("the token request failed");
    assert!(matches!(token, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(token.operation(), Some(livevox_generated::runtime::OAUTH2_TOKEN_OPERATION));
    assert_eq!(err.api_code_str(), Some("invalid_client"));
    assert_eq!(crm.token_requests.load(Ordering::SeqCst), 1);
    assert!(server.seen_at("/v2/contacts/1").is_empty());
}

// ---------------------------------------------------------------- Legacy ERP: OAuth 1.0a

const CONSUMER_KEY: &str = "erp-consumer";
const CONSUMER_SECRET: &str = "consumer s3cret&more";
const TOKEN: &str = "erp-token";
const TOKEN_SECRET: &str = "token-s3cret";

/// RFC 3986 unreserved characters stay; every other byte becomes `%XX` (RFC 5849 §3.6).
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn unpct(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Checks an OAuth 1.0a request as the server sees it, independently of the client's crate:
/// the base string of RFC 5849 §3.4.1 (method, base URI, sorted encoded parameters of the
/// query and the `Authorization` header), HMAC-SHA1 keyed with both secrets (§3.4.2).
fn verify_oauth1(method: &str, base_uri: &str, query: Option<&str>, authorization: Option<&str>) -> Result<(), String> {
    let header = authorization.ok_or("no Authorization header")?;
    let rest = header.strip_prefix("OAuth ").ok_or("not an OAuth header")?;
    let mut oauth: Vec<(String, String)> = Vec::new();
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or("malformed parameter")?;
        let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or("unquoted value")?;
        oauth.push((unpct(k), unpct(v)));
    }
    let get = |k: &str| oauth.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if get("oauth_consumer_key").as_deref() != Some(CONSUMER_KEY) || get("oauth_token").as_deref() != Some(TOKEN) {
        return Err("unknown consumer or token".into());
    }
    if get("oauth_signature_method").as_deref() != Some("HMAC-SHA1") {
        return Err("not HMAC-SHA1".into());
    }
    let timestamp: u64 = get("oauth_timestamp").ok_or("no timestamp")?.parse().map_err(|_| "bad timestamp")?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    if timestamp.abs_diff(now) > 300 {
        return Err("stale timestamp".into());
    }
    if get("oauth_nonce").is_none_or(|n| n.is_empty()) {
        return Err("no nonce".into());
    }
    let signature = get("oauth_signature").ok_or("no signature")?;
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .chain(oauth.iter().filter(|(k, _)| k != "oauth_signature").cloned())
        .map(|(k, v)| (pct(&k), pct(&v)))
        .collect();
    params.sort();
    let normalized: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let base = format!("{method}&{}&{}", pct(base_uri), pct(&normalized.join("&")));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{}&{}", pct(CONSUMER_SECRET), pct(TOKEN_SECRET)).as_bytes()).unwrap();
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if signature == expected {
        Ok(())
    } else {
        Err(format!("signature mismatch over {base}"))
    }
}

async fn erp() -> Server {
    // The address is only known once bound, and the base URI is part of what is signed: the
    // handler reads it from the Host header, as a server behind its own name would know it.
    serve(|s| async move {
        let host = s.header("host").unwrap_or("").to_owned();
        let base_uri = format!("http://{host}{}", s.path);
        if let Err(why) = verify_oauth1(&s.method, &base_uri, s.query.as_deref(), s.header("authorization")) {
            return (401, json!({"errorCode": 401, "errorMessage": why}));
        }
        match s.method.as_str() {
            "GET" => (200, json!({"accountNumber": "ACCT-10042", "currency": "USD", "amountDue": 182.5})),
            _ => (201, json!({"paymentId": "pay-41877", "remaining": 132.5})),
        }
    })
    .await
}

#[tokio::test]
async fn oauth1_signatures_verify_independently_and_tampering_fails() {
    let server = erp().await;
    let client = legacy_erp::Client::builder()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .oauth1(CONSUMER_KEY, CONSUMER_SECRET, TOKEN, TOKEN_SECRET)
        .build()
        .unwrap();

    // A GET with a path parameter that needs encoding and query parameters that do too.
    let balance = client.erp_accounts().read_balance("ACCT 10042/x").currency("US D&=").await.unwrap();
    assert_eq!(balance.amount_due, 182.5);
    // A POST with a JSON body (not part of the signature, RFC 5849 §3.4.1.3.1).
    let payment = legacy_erp::erp_accounts::Payment::new(50.0, "USD", "ch_3PqXk2");
    let receipt = client.erp_accounts().book_payment("ACCT-10042", payment).await.unwrap();
    assert_eq!(receipt.remaining, 132.5);
    assert!(server.seen().iter().all(|s| s.status != 401), "{:?}", server.seen());

    // The same signed request with one thing changed is refused.
    let signed = server.seen().into_iter().find(|s| s.method == "GET").unwrap();
    let authorization = signed.header("authorization").unwrap().to_owned();
    let http = reqwest::Client::new();
    let send = |method: reqwest::Method, query: &str| {
        let url = format!("{}{}?{query}", server.url(), signed.path);
        http.request(method, url).header("authorization", authorization.clone()).send()
    };
    let original = signed.query.clone().unwrap();
    assert_eq!(send(reqwest::Method::GET, &original).await.unwrap().status(), 200, "replayed as is, it still verifies");
    let tampered = original.replace("US", "EU");
    assert_eq!(send(reqwest::Method::GET, &tampered).await.unwrap().status(), 401, "another query");
    assert_eq!(send(reqwest::Method::DELETE, &original).await.unwrap().status(), 401, "another method");
    let other_path = http.get(format!("{}/ar/accounts/ACCT-1/balance?{original}", server.url())).header("authorization", authorization.clone());
    assert_eq!(other_path.send().await.unwrap().status(), 401, "another path");

    // Wrong secrets make a signature the server refuses; the client does not retry it.
    let wrong = legacy_erp::Client::builder()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .oauth1(CONSUMER_KEY, "not the secret", TOKEN, TOKEN_SECRET)
        .build()
        .unwrap();
    let before = server.seen().len();
    let err = wrong.erp_accounts().read_balance("ACCT-10042").await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert!(err.api_message().unwrap().contains("signature mismatch"), "{err}");
    assert_eq!(server.seen().len() - before, 1);
}

// ---------------------------------------------------------------- Webhook Receiver: BASIC

#[tokio::test]
async fn basic_sends_the_exact_header_and_the_caller_supplied_headers() {
    let expected = format!("Basic {}", b64("hooks-user:pässword:with:colons"));
    let server = serve(move |s| {
        let expected = expected.clone();
        async move {
            if s.header("authorization") != Some(expected.as_str()) {
                return (401, json!({"status": 401, "error": "bad credentials"}));
            }
            match s.method.as_str() {
                "POST" => (202, json!({"eventId": "evt-1", "queued": true})),
                _ => (200, json!({"healthy": true, "backlog": 0})),
            }
        }
    })
    .await;
    assert_eq!(webhooks::Client::SERVICE, Some(53661));
    let client = webhooks::Client::builder("agent-2041")
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .basic_auth("hooks-user", "pässword:with:colons")
        .build()
        .unwrap();
    let event = webhooks::webhook_events::CallEvent::new(
        webhooks::webhook_events::CallEventType::Disposition,
        "99120331",
        livevox_generated::DateTime::from_millis(1_717_171_717_000),
    )
    .with_result_code("PROMISE_TO_PAY");
    let receipt = client.webhook_events().post_event(event).await.unwrap();
    assert_eq!(receipt.event_id, "evt-1");
    assert!(client.webhook_events().get_status().await.unwrap().healthy);
    for s in server.seen() {
        assert_eq!(s.status / 100, 2, "{s:?}");
        assert_eq!(s.header("x-agent-id"), Some("agent-2041"), "the value given to Client::builder");
        assert_eq!(s.header("x-livevox-service"), Some("53661"));
    }

    // Wrong credentials: a 401 the caller sees, sent once (BASIC has nothing to renew).
    let wrong = webhooks::Client::builder("agent-2041")
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .basic_auth("hooks-user", "guess")
        .build()
        .unwrap();
    let before = server.seen().len();
    assert!(matches!(wrong.webhook_events().get_status().await, Err(Error::Unauthorized(_))));
    assert_eq!(server.seen().len() - before, 1);
}

#[test]
fn basic_is_refused_over_plain_http_to_other_hosts() {
    for opt_in in [false, true] {
        let mut b = webhooks::Client::builder("agent-1").base_url("http://hooks.acme-ops.example").basic_auth("u", "p");
        if opt_in {
            b = b.allow_plain_http_for_loopback_tests();
        }
        match b.build() {
            Err(Error::Config(m)) => assert!(m.contains("plain HTTP"), "{m}"),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }
    // Without credentials the client is not built at all.
    assert!(matches!(webhooks::Client::builder("agent-1").build(), Err(Error::Config(m)) if m.contains("basic_auth")));
}

// ---------------------------------------------------------------- Helpdesk: BEARER

#[tokio::test]
async fn bearer_static_token_and_provider() {
    // The server accepts `Token <t>` for the tokens in its list.
    let accepted = Arc::new(Mutex::new(vec!["hd-static-1".to_owned()]));
    let acc = accepted.clone();
    let server = serve(move |s| {
        let acc = acc.clone();
        async move {
            let token = s.header("authorization").and_then(|h| h.strip_prefix("Token ")).unwrap_or("").to_owned();
            if !acc.lock().unwrap().contains(&token) {
                return (401, json!({"code": 401, "detail": "invalid token"}));
            }
            (200, json!({"id": 88017, "subject": "Double charge", "priority": "urgent", "open": true}))
        }
    })
    .await;
    let fixed = helpdesk::Client::builder().base_url(server.url()).allow_plain_http_for_loopback_tests().bearer_token("hd-static-1").build().unwrap();
    assert_eq!(fixed.helpdesk_tickets().read_ticket(88017).await.unwrap().id, 88017);
    assert_eq!(server.seen()[0].header("authorization"), Some("Token hd-static-1"), "the spec's prefix");

    // A provider is asked before every call: it hands out hd-rot-1, then hd-rot-2, ...
    let asked = Arc::new(AtomicUsize::new(0));
    let a = asked.clone();
    let rotating = helpdesk::Client::builder()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .bearer_token_provider(move || {
            let n = a.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(Secret::new(format!("hd-rot-{n}"))) }
        })
        .build()
        .unwrap();
    accepted.lock().unwrap().extend(["hd-rot-1".to_owned(), "hd-rot-2".to_owned()]);
    rotating.helpdesk_tickets().read_ticket(1).await.unwrap();
    rotating.helpdesk_tickets().read_ticket(2).await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    // hd-rot-3 is refused; the provider is asked again (hd-rot-4, accepted) and the call replayed.
    accepted.lock().unwrap().push("hd-rot-4".to_owned());
    let ticket = helpdesk::helpdesk_tickets::NewTicket::new("Double charge").with_priority(helpdesk::helpdesk_tickets::TicketPriority::Urgent);
    rotating.helpdesk_tickets().create_ticket(ticket).await.unwrap();
    let sent: Vec<_> = server.seen_at("/tickets").iter().map(|s| s.header("authorization").unwrap_or("").to_owned()).collect();
    assert_eq!(sent, ["Token hd-rot-3", "Token hd-rot-4"]);
}

// ---------------------------------------------------------------- Screen Pop: LIVEVOX relay

#[tokio::test]
async fn the_relay_sends_the_livevox_clients_session_and_follows_its_renewal() {
    let sim = livevox_sim::Simulator::builder().start().await.unwrap();
    let user = sim.user();
    let lv = support::sim_client(&sim, &user).build().unwrap();

    // The screen-pop server refuses sessions it was told are dead.
    let dead: Arc<Mutex<HashSet<String>>> = Arc::default();
    let d = dead.clone();
    let server = serve(move |s| {
        let d = d.clone();
        async move {
            match s.header("lv-session") {
                Some(id) if !d.lock().unwrap().contains(id) => (200, json!({"account": "ACCT-10042", "name": "Ada Byron"})),
                _ => (401, json!({"code": 401, "message": "session expired"})),
            }
        }
    })
    .await;
    let pop = screen_pop::Client::builder()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .relay_livevox_session(lv.runtime())
        .build()
        .unwrap();

    let card = pop.screen_pop_cards().read_card("ACCT-10042").await.unwrap();
    assert_eq!(card.name, "Ada Byron");
    let first = lv.runtime().session_id().expect("the LiveVox client logged in for the relay");
    assert_eq!(server.seen()[0].header("lv-session"), Some(first.expose()));

    // The session ends on the LiveVox side; the relayed call is refused, the LiveVox client
    // logs in again, and the call is replayed with the new session.
    sim.expire_sessions();
    dead.lock().unwrap().insert(first.expose().to_owned());
    pop.screen_pop_cards().read_card("ACCT-10042").await.unwrap();
    let second = lv.runtime().session_id().unwrap();
    assert_ne!(second, first);
    let sent: Vec<_> = server.seen().iter().skip(1).map(|s| s.header("lv-session").unwrap_or("").to_owned()).collect();
    assert_eq!(sent, [first.expose(), second.expose()]);
}

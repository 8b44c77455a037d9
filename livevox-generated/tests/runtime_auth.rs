//! The authorization schemes of `runtime/auth.rs` against servers on loopback: the header each
//! scheme sends, what `build` accepts for each, OAuth2 token caching, refresh before expiry,
//! single flight and failures, caller-supplied OAuth2 tokens and their refresh, BEARER token
//! providers, relaying a LiveVox client's session, and the redaction of every new secret.
//!
//! These use hand-written `ApiSpec`s (what generated code provides); `tests/tests/other_apis.rs`
//! runs the same schemes through the clients generated from `spec/`.

mod runtime_support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::response::Response;
use base64::Engine as _;
use livevox_generated::runtime as rt;
use runtime_support::*;

// ---------------------------------------------------------------- specs

static BASE: rt::ApiSpec = rt::ApiSpec {
    name: "AuthTest",
    environments: &[("PROD", "https://auth-test.example.com")],
    default_environment: Some("PROD"),
    headers: &[],
    auth: rt::AuthScheme::None,
    errors: rt::ErrorFormat { json: Some(("code", "message")), xml: None },
    service: None,
    content_type: rt::ContentTypeRule::Always,
    server_rate_limit: None,
};
static BASIC: rt::ApiSpec = rt::ApiSpec { name: "BasicTest", auth: rt::AuthScheme::Basic, ..BASE };
static BEARER: rt::ApiSpec = rt::ApiSpec { name: "BearerTest", auth: rt::AuthScheme::Bearer { header: "X-Api-Key", prefix: "Token" }, ..BASE };
static BEARER_BARE: rt::ApiSpec = rt::ApiSpec { name: "BareBearer", auth: rt::AuthScheme::Bearer { header: "Authorization", prefix: "" }, ..BASE };
static OAUTH1: rt::ApiSpec = rt::ApiSpec { name: "OAuth1Test", auth: rt::AuthScheme::OAuth1, ..BASE };
static OAUTH2: rt::ApiSpec = rt::ApiSpec {
    name: "OAuth2Test",
    auth: rt::AuthScheme::OAuth2 {
        header: "Authorization",
        prefix: "Bearer",
        token_url: Some("https://auth.example.com/oauth2/token"),
        scopes: &["things.read", "things.write"],
    },
    ..BASE
};

api_client!(Basic, BASIC);
api_client!(Bearer, BEARER);
api_client!(BareBearer, BEARER_BARE);
api_client!(OAuth1, OAUTH1);
api_client!(OAuth2, OAUTH2);
api_client!(Open, BASE);

static READ: rt::Operation = op("things.read", rt::Method::Get, "/things/{id}", rt::AuthNeed::Session, rt::BodyKind::None, rt::ResponseFormat::Json);
static CREATE: rt::Operation =
    rt::Operation { name: "things.create", method: rt::Method::Post, path: "/things", idempotent: false, body: rt::BodyKind::Json { required: true }, ..READ };
static PUBLIC: rt::Operation = rt::Operation { name: "things.public", path: "/public", auth: rt::AuthNeed::None, ..READ };

async fn read(client: &rt::Client, id: &str) -> Result<serde_json::Value, rt::Error> {
    let mut req = rt::Request::new(&READ);
    req.path("id", id);
    client.execute(req).await
}

fn builder<C: rt::ApiClient>(server: &Server) -> rt::ClientBuilder<C> {
    rt::ClientBuilder::<C>::new().base_url(server.url()).allow_plain_http_for_loopback_tests().no_retries()
}

fn config_error(result: Result<impl std::fmt::Debug, rt::Error>) -> String {
    match result {
        Err(rt::Error::Config(m)) => m,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

/// A server that answers every call with the headers it got.
async fn echo_server() -> Server {
    serve(|r| async move {
        let headers: serde_json::Map<String, serde_json::Value> =
            r.headers.iter().map(|(n, v)| (n.to_string(), serde_json::Value::from(v.to_str().unwrap_or("")))).collect();
        json(200, serde_json::Value::Object(headers))
    })
    .await
}

// ---------------------------------------------------------------- BASIC

#[tokio::test]
async fn basic_sends_the_exact_header_and_nothing_on_public_operations() {
    let server = echo_server().await;
    let client = builder::<Basic>(&server).basic_auth("hook-user", "pa:ss wörd").build().unwrap().0;
    let echoed = read(&client, "1").await.unwrap();
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("hook-user:pa:ss wörd"));
    assert_eq!(echoed["authorization"], expected.as_str());

    let _: serde_json::Value = client.execute(rt::Request::new(&PUBLIC)).await.unwrap();
    assert_eq!(server.requests_to("/public")[0].header("authorization"), None, "`auth: none` operations send nothing");
}

#[test]
fn basic_checks_at_build() {
    let m = config_error(rt::ClientBuilder::<Basic>::new().build());
    assert!(m.contains("BASIC") && m.contains("basic_auth(user, password)"), "{m}");
    let m = config_error(rt::ClientBuilder::<Basic>::new().basic_auth("a:b", "pw").build());
    assert!(m.contains("must not contain `:`"), "{m}");
    let m = config_error(rt::ClientBuilder::<Basic>::new().bearer_token("t").build());
    assert!(m.contains("does not take ClientBuilder::bearer_token") && m.contains("basic_auth"), "{m}");
    let m = config_error(rt::ClientBuilder::<Basic>::new().basic_auth("u", "p").access_token("t").build());
    assert!(m.contains("ClientBuilder::access_token"), "{m}");
    let m = config_error(rt::ClientBuilder::<Open>::new().basic_auth("u", "p").build());
    assert!(m.contains("takes no authentication"), "{m}");
    assert!(rt::ClientBuilder::<Basic>::new().basic_auth("u", "p").build().is_ok(), "HTTPS by default");
}

#[test]
fn credentials_never_go_over_plain_http_except_to_loopback_in_tests() {
    for (url, opt_in) in [("http://hooks.example.com", false), ("http://hooks.example.com", true), ("http://10.0.0.7", true), ("http://127.0.0.1:9", false)] {
        let mut b = rt::ClientBuilder::<Basic>::new().base_url(url).basic_auth("u", "p");
        if opt_in {
            b = b.allow_plain_http_for_loopback_tests();
        }
        let m = config_error(b.build());
        assert!(m.contains("plain HTTP"), "{url}: {m}");
    }
    assert!(rt::ClientBuilder::<Basic>::new().base_url("http://127.0.0.1:9").allow_plain_http_for_loopback_tests().basic_auth("u", "p").build().is_ok());
}

// ---------------------------------------------------------------- BEARER

#[tokio::test]
async fn bearer_uses_the_spec_header_and_prefix() {
    let server = echo_server().await;
    let client = builder::<Bearer>(&server).bearer_token("k-123456").build().unwrap().0;
    let echoed = read(&client, "1").await.unwrap();
    assert_eq!(echoed["x-api-key"], "Token k-123456");
    assert!(echoed.get("authorization").is_none());

    let bare = builder::<BareBearer>(&server).bearer_token("k-123456").build().unwrap().0;
    assert_eq!(read(&bare, "1").await.unwrap()["authorization"], "k-123456", "an empty prefix sends the token alone");

    let m = config_error(rt::ClientBuilder::<Bearer>::new().bearer_token("bad\ntoken").build());
    assert!(m.contains("X-Api-Key") || m.contains("x-api-key"), "{m}");
}

#[tokio::test]
async fn a_token_provider_is_asked_per_call_and_again_after_a_401() {
    // The server accepts only the newest token the provider handed out.
    let issued = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::new(AtomicUsize::new(1));
    let (i, a) = (issued.clone(), accepted.clone());
    let server = serve(move |r| {
        let a = a.clone();
        async move {
            let want = format!("Token t-{}", a.load(Ordering::SeqCst));
            if r.header("x-api-key") == Some(want.as_str()) {
                json(200, serde_json::json!({"ok": true}))
            } else {
                json(401, serde_json::json!({"code": 401, "message": "token expired"}))
            }
        }
    })
    .await;
    let client = builder::<Bearer>(&server)
        .bearer_token_provider(move || {
            let n = i.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(rt::Secret::new(format!("t-{}", n.div_ceil(2)))) }
        })
        .build()
        .unwrap()
        .0;
    // Provider calls 1 and 2 give t-1.
    read(&client, "1").await.unwrap();
    read(&client, "2").await.unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 2, "asked before every call");
    // The server moves on to t-2: call 3 gets t-2 (provider call 3), fine.
    accepted.store(2, Ordering::SeqCst);
    read(&client, "3").await.unwrap();
    // Now the server wants t-3: call 4 sends t-2 (provider call 4), is refused, asks again
    // (call 5: t-3) and replays once.
    accepted.store(3, Ordering::SeqCst);
    read(&client, "4").await.unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 5);
    let sent: Vec<String> = server.requests_to("/things/4").iter().map(|r| r.header("x-api-key").unwrap_or("").to_owned()).collect();
    assert_eq!(sent, ["Token t-2", "Token t-3"]);
}

#[tokio::test]
async fn a_provider_that_keeps_its_token_is_not_replayed_and_its_errors_surface() {
    let server = serve(|_| async { json(401, serde_json::json!({"code": 401, "message": "no"})) }).await;
    let client = builder::<Bearer>(&server).bearer_token_provider(|| async { Ok(rt::Secret::new("same-token")) }).build().unwrap().0;
    let err = read(&client, "1").await.unwrap_err();
    assert!(matches!(err, rt::Error::Unauthorized(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1, "the same token again would be refused again");

    let failing = builder::<Bearer>(&server)
        .bearer_token_provider(|| async { Err(rt::Error::Config("the vault is sealed".into())) })
        .build()
        .unwrap()
        .0;
    let err = read(&failing, "1").await.unwrap_err();
    assert!(err.to_string().contains("the vault is sealed"), "{err}");
    assert_eq!(server.requests().len(), 1, "nothing sent without a token");
}

// ---------------------------------------------------------------- OAuth 1.0a

#[tokio::test]
async fn oauth1_signs_each_attempt_with_a_fresh_nonce() {
    let server = echo_server().await;
    let client = builder::<OAuth1>(&server).oauth1("consumer-1", "c-secret", "token-1", "t-secret").build().unwrap().0;
    let a = read(&client, "1").await.unwrap()["authorization"].as_str().unwrap().to_owned();
    let b = read(&client, "1").await.unwrap()["authorization"].as_str().unwrap().to_owned();
    for h in [&a, &b] {
        assert!(h.starts_with("OAuth "), "{h}");
        for p in ["oauth_consumer_key=\"consumer-1\"", "oauth_token=\"token-1\"", "oauth_signature_method=\"HMAC-SHA1\"", "oauth_signature=\""] {
            assert!(h.contains(p), "{p} missing: {h}");
        }
        assert!(!h.contains("c-secret") && !h.contains("t-secret"), "secrets are never sent: {h}");
    }
    assert_ne!(a, b, "nonce (and signature) differ");
    let m = config_error(rt::ClientBuilder::<OAuth1>::new().build());
    assert!(m.contains("oauth1(consumer_key, consumer_secret, token, token_secret)"), "{m}");
    // (The signature itself is checked independently in tests/tests/other_apis.rs.)
}

// ---------------------------------------------------------------- OAuth2: a small identity server

const CLIENT_ID: &str = "client-7";
const CLIENT_SECRET: &str = "cl!ent secret";

/// A token request's form fields and `Authorization` header.
type TokenRequest = (Vec<(String, String)>, Option<String>);

#[derive(Default)]
struct Idp {
    token_requests: AtomicUsize,
    /// Lifetime of issued tokens, in milliseconds (0: 3600 s).
    lifetime_ms: AtomicU64,
    delay_ms: AtomicU64,
    refuse_client: AtomicBool,
    /// Answer every API call with 401.
    refuse_all: AtomicBool,
    /// Access tokens and when they expire.
    tokens: Mutex<Vec<(String, Instant)>>,
    refresh_tokens: Mutex<HashSet<String>>,
    /// The form bodies and client authorization of token requests.
    seen: Mutex<Vec<TokenRequest>>,
}

impl Idp {
    fn issue(&self, with_refresh: bool) -> Response {
        let n = self.token_requests.load(Ordering::SeqCst);
        let lifetime = match self.lifetime_ms.load(Ordering::SeqCst) {
            0 => 3_600_000,
            ms => ms,
        };
        let token = format!("at-{n}-9f8e7d");
        self.tokens.lock().unwrap().push((token.clone(), Instant::now() + Duration::from_millis(lifetime)));
        let mut body = serde_json::json!({"access_token": token, "token_type": "bearer", "expires_in": lifetime as f64 / 1000.0});
        if with_refresh {
            let refresh = format!("rt-{n}-5a4b3c");
            self.refresh_tokens.lock().unwrap().insert(refresh.clone());
            body["refresh_token"] = refresh.into();
        }
        json(200, body)
    }

    async fn handle(self: Arc<Self>, r: Recorded) -> Response {
        if r.path == "/token" {
            self.token_requests.fetch_add(1, Ordering::SeqCst);
            let delay = self.delay_ms.load(Ordering::SeqCst);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            let form: Vec<(String, String)> = url::form_urlencoded::parse(&r.body).into_owned().collect();
            let auth = r.header("authorization").map(str::to_owned);
            self.seen.lock().unwrap().push((form.clone(), auth.clone()));
            let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            if r.header("content-type") != Some("application/x-www-form-urlencoded") {
                return json(400, serde_json::json!({"error": "invalid_request"}));
            }
            let client_ok = auth.as_deref() == Some(basic(CLIENT_ID, CLIENT_SECRET).as_str()) && !self.refuse_client.load(Ordering::SeqCst);
            match get("grant_type") {
                Some("client_credentials") if client_ok => self.issue(false),
                Some("client_credentials") => {
                    json(401, serde_json::json!({"error": "invalid_client", "error_description": format!("client {auth:?} unknown")}))
                }
                Some("refresh_token") => {
                    let known = get("refresh_token").is_some_and(|t| self.refresh_tokens.lock().unwrap().remove(t));
                    if known && (auth.is_none() || client_ok) {
                        self.issue(true)
                    } else {
                        json(400, serde_json::json!({"error": "invalid_grant", "error_description": "refresh token unknown"}))
                    }
                }
                _ => json(400, serde_json::json!({"error": "unsupported_grant_type"})),
            }
        } else {
            let token = r.header("authorization").and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
            let live = self.tokens.lock().unwrap().iter().any(|(t, exp)| t == token && Instant::now() < *exp);
            if live && !self.refuse_all.load(Ordering::SeqCst) {
                json(200, serde_json::json!({"token": token}))
            } else {
                json(401, serde_json::json!({"code": 401, "message": format!("token {token} is not valid")}))
            }
        }
    }

    fn requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }
}

/// RFC 6749 §2.3.1: form-encode, then Basic.
fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", enc(id), enc(secret))))
}

async fn idp() -> (Arc<Idp>, Server) {
    let idp = Arc::new(Idp::default());
    let shared = idp.clone();
    let server = serve(move |r| shared.clone().handle(r)).await;
    (idp, server)
}

fn oauth2(server: &Server) -> rt::ClientBuilder<OAuth2> {
    builder::<OAuth2>(server).oauth2_token_url(format!("{}/token", server.url()))
}

#[tokio::test]
async fn client_credentials_request_shape_and_caching() {
    let (idp, server) = idp().await;
    let client = oauth2(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET).build().unwrap().0;
    assert_eq!(idp.requests(), 0, "no token before the first call");
    for i in 0..3 {
        assert_eq!(read(&client, &i.to_string()).await.unwrap()["token"], "at-1-9f8e7d");
    }
    assert_eq!(idp.requests(), 1, "the token is cached");
    let (form, auth) = idp.seen.lock().unwrap()[0].clone();
    assert_eq!(form, [("grant_type".to_owned(), "client_credentials".to_owned()), ("scope".to_owned(), "things.read things.write".to_owned())]);
    assert_eq!(auth.as_deref(), Some(basic(CLIENT_ID, CLIENT_SECRET).as_str()), "HTTP Basic client authentication, form-encoded first");
    let token_req = &server.requests_to("/token")[0];
    assert_eq!(token_req.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn a_short_lived_token_is_refreshed_before_it_expires() {
    let (idp, server) = idp().await;
    idp.lifetime_ms.store(1000, Ordering::SeqCst);
    let client = oauth2(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET).build().unwrap().0;
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(2600) {
        read(&client, "1").await.expect("the caller never sees an expired token");
        calls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // One token per 0.9 s of use (a tenth of the lifetime is the margin): about three.
    assert!((3..=4).contains(&idp.requests()), "{} token requests", idp.requests());
    let sent = server.requests().into_iter().filter(|r| r.path != "/token").count();
    assert_eq!(sent, calls, "each call was sent once: no token expired on the way, so none was refused and replayed");
}

#[tokio::test]
async fn concurrent_callers_share_one_token_request() {
    let (idp, server) = idp().await;
    idp.delay_ms.store(150, Ordering::SeqCst);
    let client = oauth2(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET).build().unwrap().0;
    let calls: Vec<_> = (0..50).map(|i| {
        let c = client.clone();
        tokio::spawn(async move { read(&c, &i.to_string()).await })
    }).collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(idp.requests(), 1);
}

#[tokio::test]
async fn a_401_refreshes_once_and_replays_and_never_loops() {
    let (idp, server) = idp().await;
    let client = oauth2(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET).build().unwrap().0;
    read(&client, "1").await.unwrap();
    // The server forgets its tokens (a key rotation): the next call is refused, refreshed, replayed.
    idp.tokens.lock().unwrap().clear();
    let mut req = rt::Request::new(&CREATE);
    req.body(&serde_json::json!({"name": "x"}));
    let v: serde_json::Value = client.execute(req).await.unwrap();
    assert_eq!(v["token"], "at-2-9f8e7d");
    let posts = server.requests_to("/things");
    assert_eq!(posts.len(), 2, "sent, refused, replayed once (a POST too: the 401 means nothing was done)");
    assert_eq!(posts[0].body, posts[1].body);

    // A server that refuses every token: one refresh, one replay, then the 401.
    idp.refuse_all.store(true, Ordering::SeqCst);
    let before = idp.requests();
    let err = read(&client, "2").await.unwrap_err();
    assert!(matches!(err, rt::Error::Unauthorized(_)), "{err:?}");
    assert_eq!(idp.requests() - before, 1);
    assert_eq!(server.requests_to("/things/2").len(), 2);
}

#[tokio::test]
async fn a_refused_token_request_is_a_typed_error_shared_by_waiters() {
    let (idp, server) = idp().await;
    idp.delay_ms.store(100, Ordering::SeqCst);
    let client = oauth2(&server).oauth2_client_credentials(CLIENT_ID, "wrong-secret").build().unwrap().0;
    let calls: Vec<_> = (0..20).map(|i| {
        let c = client.clone();
        tokio::spawn(async move { read(&c, &i.to_string()).await })
    }).collect();
    for c in calls {
        let err = c.await.unwrap().unwrap_err();
        let token = err.login_error().expect("the token request failed");
        assert!(matches!(token, rt::Error::Unauthorized(_)), "{err:?}");
        assert_eq!(token.operation(), Some(rt::OAUTH2_TOKEN_OPERATION));
        assert_ne!(err.operation(), Some(rt::OAUTH2_TOKEN_OPERATION), "the error names the call");
        assert_eq!(err.api_code_str(), Some("invalid_client"));
    }
    assert_eq!(idp.requests(), 1, "one failed request, shared");
    assert!(server.requests().iter().all(|r| r.path == "/token"), "no API call without a token");
    // A later call tries again.
    read(&client, "x").await.unwrap_err();
    assert_eq!(idp.requests(), 2);
}

#[tokio::test]
async fn supplied_tokens_are_used_then_refreshed_with_the_refresh_token() {
    let (idp, server) = idp().await;
    // A token the identity server issued earlier, with its refresh token.
    idp.tokens.lock().unwrap().push(("given-access-1".into(), Instant::now() + Duration::from_millis(800)));
    idp.refresh_tokens.lock().unwrap().insert("given-refresh-1".into());
    let client = oauth2(&server)
        .oauth2_tokens("given-access-1", Some(rt::Secret::new("given-refresh-1")), Some(Duration::from_millis(800)))
        .build()
        .unwrap()
        .0;
    assert_eq!(read(&client, "1").await.unwrap()["token"], "given-access-1");
    assert_eq!(idp.requests(), 0);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(read(&client, "2").await.unwrap()["token"], "at-1-9f8e7d", "refreshed before use");
    let (form, auth) = idp.seen.lock().unwrap()[0].clone();
    assert_eq!(form, [("grant_type".to_owned(), "refresh_token".to_owned()), ("refresh_token".to_owned(), "given-refresh-1".to_owned())]);
    assert_eq!(auth, None, "no client credentials were given");
    // The answer's refresh token replaced the old one (which the server has now forgotten).
    idp.tokens.lock().unwrap().clear();
    assert_eq!(read(&client, "3").await.unwrap()["token"], "at-2-9f8e7d");
    assert_eq!(idp.seen.lock().unwrap()[1].0[1].1, "rt-1-5a4b3c");
}

#[tokio::test]
async fn supplied_tokens_without_a_refresh_token_end_in_the_apis_401() {
    let (idp, server) = idp().await;
    let client = oauth2(&server).oauth2_tokens("never-issued", None, None).build().unwrap().0;
    let err = read(&client, "1").await.unwrap_err();
    assert!(matches!(err, rt::Error::Unauthorized(_)), "{err:?}");
    assert_eq!(idp.requests(), 0);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_revoked_refresh_token_falls_back_to_client_credentials() {
    let (idp, server) = idp().await;
    let client = oauth2(&server)
        .oauth2_tokens("stale", Some(rt::Secret::new("revoked-refresh")), None)
        .oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap()
        .0;
    assert_eq!(read(&client, "1").await.unwrap()["token"], "at-2-9f8e7d");
    let seen = idp.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].0[0].1, "refresh_token");
    assert_eq!(seen[0].1.as_deref(), Some(basic(CLIENT_ID, CLIENT_SECRET).as_str()), "a confidential client authenticates its refresh");
    assert_eq!(seen[1].0[0].1, "client_credentials");
}

#[test]
fn oauth2_checks_at_build() {
    let m = config_error(rt::ClientBuilder::<OAuth2>::new().build());
    assert!(m.contains("OAUTH2") && m.contains("oauth2_client_credentials") && m.contains("oauth2_tokens"), "{m}");
    let m = config_error(rt::ClientBuilder::<OAuth2>::new().oauth2_client_credentials("a", "b").oauth2_token_url("http://auth.example.com/t").build());
    assert!(m.contains("token URL") && m.contains("https"), "{m}");
    let m = config_error(
        rt::ClientBuilder::<OAuth2>::new().oauth2_client_credentials("a", "b").oauth2_token_url("http://127.0.0.1:9/t").build(),
    );
    assert!(m.contains("loopback"), "loopback needs the opt-in too: {m}");
    let m = config_error(rt::ClientBuilder::<Basic>::new().basic_auth("u", "p").oauth2_token_url("https://x.example.com").build());
    assert!(m.contains("oauth2_token_url"), "{m}");
    assert!(rt::ClientBuilder::<OAuth2>::new().oauth2_client_credentials("a", "b").build().is_ok(), "the spec's https token URL");
}

// ---------------------------------------------------------------- LIVEVOX relay

#[tokio::test]
async fn a_relay_sends_the_livevox_clients_session_and_follows_its_renewals() {
    let (fake, server) = fake_livevox().await;
    let lv = lv_client(&server);
    let relay = rt::ClientBuilder::<RelayClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .relay_livevox_session(&lv)
        .build()
        .unwrap()
        .0;
    assert!(relay.session_id().is_none());
    read_dnc(&relay, "12").await.unwrap();
    assert_eq!(fake.login_count(), 1, "the LiveVox client logged in for the relay");
    assert_eq!(server.requests_to("/compliance/dnc/12")[0].header("lv-session"), Some("sess-1-7f3e9a0b"));
    assert_eq!(relay.session_id().unwrap().expose(), "sess-1-7f3e9a0b");

    // The session expires: the relay's call is refused, the LiveVox client logs in again, the
    // call is replayed with the new session, and the LiveVox client itself uses it too.
    fake.expire_all();
    read_dnc(&relay, "13").await.unwrap();
    assert_eq!(fake.login_count(), 2);
    let sent: Vec<_> = server.requests_to("/compliance/dnc/13").iter().map(|r| r.header("lv-session").unwrap_or("").to_owned()).collect();
    assert_eq!(sent, ["sess-1-7f3e9a0b", "sess-2-7f3e9a0b"]);
    read_dnc(&lv, "14").await.unwrap();
    assert_eq!(fake.login_count(), 2);
    assert_eq!(server.requests_to("/compliance/dnc/14")[0].header("lv-session"), Some("sess-2-7f3e9a0b"));
}

#[tokio::test]
async fn a_relay_of_a_client_that_cannot_log_in_does_not_loop() {
    let (fake, server) = fake_livevox().await;
    let given = given_session_client(&server, "given-session-0042");
    let relay = rt::ClientBuilder::<RelayClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .relay_livevox_session(&given)
        .build()
        .unwrap()
        .0;
    let err = read_dnc(&relay, "1").await.unwrap_err();
    assert!(matches!(err, rt::Error::Unauthorized(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(fake.login_count(), 0);
}

#[tokio::test]
async fn relay_checks_at_build() {
    let (_fake, server) = fake_livevox().await;
    let lv = lv_client(&server);
    let open = rt::ClientBuilder::<Open>::new().build().unwrap().0;
    let m = config_error(rt::ClientBuilder::<RelayClient>::new().environment(LvEnvironment::Na3).relay_livevox_session(&open).build());
    assert!(m.contains("needs a client of a LiveVox API"), "{m}");
    let m = config_error(
        rt::ClientBuilder::<RelayClient>::new().environment(LvEnvironment::Na3).relay_livevox_session(&lv).session_id("s-1234").build(),
    );
    assert!(m.contains("not both"), "{m}");
    let m = config_error(lv_builder(&server).relay_livevox_session(&lv).build());
    assert!(m.contains("relay_livevox_session"), "an API that logs in itself relays nothing: {m}");
    let m = config_error(rt::ClientBuilder::<Basic>::new().relay_livevox_session(&lv).build());
    assert!(m.contains("relay_livevox_session") && m.contains("basic_auth"), "{m}");
}

// ---------------------------------------------------------------- redaction of the new secrets

const SECRETS: [&str; 9] = [
    "b4sic-Passw0rd",
    "YmFzaWMtdXNlcjpiNHNpYy1QYXNzdzByZA==", // base64("basic-user:b4sic-Passw0rd")
    "bearer-T0ken-77",
    "cl!ent secret",
    "at-1-9f8e7d",
    "given-refresh-1",
    "oauth1-consumer-S3cret",
    "oauth1-T0ken",
    "oauth1-token-S3cret",
];

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} leaks {secret:?}:\n{text}");
    }
}

/// Answers 401 quoting everything it got: the headers and the body.
async fn echoing_refuser() -> Server {
    serve(|r| async move {
        let headers: Vec<String> = r.headers.iter().map(|(n, v)| format!("{n}: {}", v.to_str().unwrap_or(""))).collect();
        let message = format!("refused {} with {}", String::from_utf8_lossy(&r.body), headers.join("; "));
        if r.path == "/token" {
            // A token endpoint that hands out a token and then refuses everything with it.
            if r.header("authorization").is_some() && String::from_utf8_lossy(&r.body).contains("client_credentials") {
                return json(200, serde_json::json!({"access_token": "at-1-9f8e7d", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "given-refresh-1"}));
            }
            return json(400, serde_json::json!({"error": "invalid_grant", "error_description": message}));
        }
        json(401, serde_json::json!({"code": 401, "message": message}))
    })
    .await
}

#[tokio::test]
async fn every_new_secret_is_redacted_in_debug_and_errors() {
    let server = echoing_refuser().await;
    assert_eq!(base64::engine::general_purpose::STANDARD.encode("basic-user:b4sic-Passw0rd"), SECRETS[1]);

    let basic_client = builder::<Basic>(&server).basic_auth("basic-user", "b4sic-Passw0rd");
    assert_no_secret("basic builder", &format!("{basic_client:?}"));
    let basic_client = basic_client.build().unwrap().0;
    let err = read(&basic_client, "1").await.unwrap_err();
    assert!(err.api_message().unwrap().contains("Basic [REDACTED]"), "{err}");
    assert_no_secret("basic error", &format!("{err} {err:?} {basic_client:?}"));

    let bearer = builder::<Bearer>(&server).bearer_token("bearer-T0ken-77");
    assert_no_secret("bearer builder", &format!("{bearer:?}"));
    let bearer = bearer.build().unwrap().0;
    let err = read(&bearer, "1").await.unwrap_err();
    assert_no_secret("bearer error", &format!("{err} {err:?} {bearer:?}"));
    let provided = builder::<Bearer>(&server).bearer_token_provider(|| async { Ok(rt::Secret::new("bearer-T0ken-77")) }).build().unwrap().0;
    let err = read(&provided, "1").await.unwrap_err();
    assert_no_secret("provided bearer error", &format!("{err} {err:?} {provided:?}"));

    let oauth1 = builder::<OAuth1>(&server).oauth1("consumer-key", "oauth1-consumer-S3cret", "oauth1-T0ken", "oauth1-token-S3cret");
    assert_no_secret("oauth1 builder", &format!("{oauth1:?}"));
    let oauth1 = oauth1.build().unwrap().0;
    let err = read(&oauth1, "1").await.unwrap_err();
    assert_no_secret("oauth1 error", &format!("{err} {err:?} {oauth1:?}"));

    let cc = oauth2(&server).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET);
    assert_no_secret("oauth2 builder", &format!("{cc:?}"));
    let cc = cc.build().unwrap().0;
    // The API refuses the token and echoes it; the refresh (with the refresh token) is refused
    // by the token endpoint, which echoes the refresh token; the client credentials get the
    // same token again, which the API refuses again, echoing it.
    let err = read(&cc, "1").await.unwrap_err();
    assert_no_secret("oauth2 error", &format!("{err} {err:?} {cc:?}"));

    // Caller-supplied tokens: the refresh is refused by a token endpoint that quotes the
    // refresh token it got.
    let supplied = oauth2_builder_with_tokens(&server);
    assert_no_secret("oauth2 tokens builder", &format!("{supplied:?}"));
    let supplied = supplied.build().unwrap().0;
    let err = read(&supplied, "1").await.unwrap_err();
    assert_eq!(err.login_error().and_then(rt::Error::operation), Some(rt::OAUTH2_TOKEN_OPERATION), "{err}");
    assert_eq!(err.api_code_str(), Some("invalid_grant"));
    assert!(err.api_message().unwrap().contains("[REDACTED]"), "{err}");
    assert_no_secret("oauth2 refresh error", &format!("{err} {err:?} {supplied:?}"));

    // The client's Basic credentials at the token endpoint are the client secret in base64.
    let encoded = basic(CLIENT_ID, CLIENT_SECRET);
    let encoded = encoded.trim_start_matches("Basic ");
    let refresh_refused = serve(|r| async move {
        let echoed = r.header("authorization").unwrap_or("").to_owned();
        json(401, serde_json::json!({"error": "invalid_client", "error_description": format!("bad client {echoed}")}))
    })
    .await;
    let client = oauth2(&refresh_refused).oauth2_client_credentials(CLIENT_ID, CLIENT_SECRET).build().unwrap().0;
    let err = read(&client, "1").await.unwrap_err();
    assert_eq!(err.api_message(), Some("bad client Basic [REDACTED]"));
    assert!(!format!("{err} {err:?}").contains(encoded));
}

fn oauth2_builder_with_tokens(server: &Server) -> rt::ClientBuilder<OAuth2> {
    oauth2(server).oauth2_tokens("at-1-9f8e7d", Some(rt::Secret::new("given-refresh-1")), None)
}

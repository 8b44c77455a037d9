//! The `tracing` output of the schemes in `runtime/auth.rs` holds none of their secrets: not the
//! BASIC password, the BEARER token, the OAuth 1.0a secrets and token, or the OAuth2 client
//! secret, access and refresh tokens, through token requests, refreshes, 401s and replays. The
//! only test in its binary, because it installs a global subscriber (as `runtime_tracing.rs`).

mod runtime_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use livevox_generated::runtime as rt;
use runtime_support::*;

static BASE: rt::ApiSpec = rt::ApiSpec {
    name: "TraceTest",
    environments: &[("PROD", "https://trace.example.com")],
    default_environment: Some("PROD"),
    headers: &[],
    auth: rt::AuthScheme::Basic,
    errors: rt::ErrorFormat { json: Some(("code", "message")), xml: None },
    service: None,
    content_type: rt::ContentTypeRule::Always,
    server_rate_limit: None,
};
static BEARER: rt::ApiSpec = rt::ApiSpec { auth: rt::AuthScheme::Bearer { header: "Authorization", prefix: "Bearer" }, ..BASE };
static OAUTH1: rt::ApiSpec = rt::ApiSpec { auth: rt::AuthScheme::OAuth1, ..BASE };
static OAUTH2: rt::ApiSpec = rt::ApiSpec {
    auth: rt::AuthScheme::OAuth2 { header: "Authorization", prefix: "Bearer", token_url: None, scopes: &["all"] },
    ..BASE
};

/// An operation that needs the API's authorization.
static READ: rt::Operation = op("things.read", rt::Method::Get, "/things/{id}", rt::AuthNeed::Session, rt::BodyKind::None, rt::ResponseFormat::Json);

api_client!(Basic, BASE);
api_client!(Bearer, BEARER);
api_client!(OAuth1, OAUTH1);
api_client!(OAuth2, OAUTH2);

const SECRETS: [&str; 8] =
    ["trace-Passw0rd", "trace-bearer-T0ken", "trace-consumer-S3cret", "trace-T0ken", "trace-token-S3cret", "trace-client-S3cret", "trace-at-", "trace-rt-"];

#[tokio::test]
async fn no_secret_of_any_scheme_reaches_the_logs() {
    let captured = Captured::install_global();

    // A token endpoint issuing one-call tokens with refresh tokens, and an API that accepts each
    // token once and then answers 401 quoting everything it got.
    let issued = Arc::new(AtomicUsize::new(0));
    let used: Arc<Mutex<Vec<String>>> = Arc::default();
    let (i, u) = (issued.clone(), used.clone());
    let server = serve(move |r| {
        let (i, u) = (i.clone(), u.clone());
        async move {
            if r.path == "/token" {
                let n = i.fetch_add(1, Ordering::SeqCst) + 1;
                return json(200, serde_json::json!({"access_token": format!("trace-at-{n}"), "token_type": "bearer", "expires_in": 3600, "refresh_token": format!("trace-rt-{n}")}));
            }
            let auth = r.header("authorization").unwrap_or("").to_owned();
            let mut used = u.lock().unwrap();
            if auth.starts_with("Bearer trace-at-") && !used.contains(&auth) {
                used.push(auth);
                return json(200, serde_json::json!({"ok": true}));
            }
            json(401, serde_json::json!({"code": 401, "message": format!("refused {auth} {}", String::from_utf8_lossy(&r.body))}))
        }
    })
    .await;
    let url = server.url();
    let read = |client: rt::Client| async move {
        let mut req = rt::Request::new(&READ);
        req.path("id", "x");
        client.execute::<serde_json::Value>(req).await
    };

    let b = |b: rt::ClientBuilder<Basic>| b.base_url(&url).allow_plain_http_for_loopback_tests().no_retries();
    let _ = read(b(rt::ClientBuilder::new()).basic_auth("user", "trace-Passw0rd").build().unwrap().0).await;
    let bearer = rt::ClientBuilder::<Bearer>::new().base_url(&url).allow_plain_http_for_loopback_tests().bearer_token("trace-bearer-T0ken");
    let _ = read(bearer.build().unwrap().0).await;
    let oauth1 = rt::ClientBuilder::<OAuth1>::new().base_url(&url).allow_plain_http_for_loopback_tests().oauth1(
        "consumer",
        "trace-consumer-S3cret",
        "trace-T0ken",
        "trace-token-S3cret",
    );
    let _ = read(oauth1.build().unwrap().0).await;
    let oauth2 = rt::ClientBuilder::<OAuth2>::new()
        .base_url(&url)
        .allow_plain_http_for_loopback_tests()
        .oauth2_token_url(format!("{url}/token"))
        .oauth2_client_credentials("client", "trace-client-S3cret")
        .build()
        .unwrap()
        .0;
    // First call: token 1. Second: token 1 refused, refreshed (token 2), replayed.
    read(oauth2.clone()).await.unwrap();
    read(oauth2.clone()).await.unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 2);

    let logs = captured.text();
    for secret in SECRETS {
        assert!(!logs.contains(secret), "the logs leak {secret:?}:\n{logs}");
    }
    assert!(logs.contains("livevox.oauth2_token"), "token requests have a span: {logs}");
    assert!(logs.contains("renewed them and replaying"), "the replay is visible: {logs}");
}

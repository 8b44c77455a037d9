//! The server's own rate-limit signal (`ApiSpec::server_rate_limit`) against a local server, in
//! tokio's virtual time: a 403 with `x-ratelimit-remaining: 0` waits until `x-ratelimit-reset`
//! and is sent again, a 403 with `Retry-After` waits that long, a 403 without either stays
//! `Forbidden`, an unparsable or absurd reset falls back to backoff, and a reset past the
//! deadline or the throttle budget ends the call at once. Also the `with_body` rule: bodyless
//! requests carry no `Content-Type`, and an optional body left unset is not sent.

mod runtime_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::response::Response;
use livevox_generated::runtime as rt;
use runtime_support::*;
use tokio::time::Instant;

static LIMITED_API: rt::ApiSpec = rt::ApiSpec {
    name: "Limited",
    content_type: rt::ContentTypeRule::WithBody,
    server_rate_limit: Some(rt::ServerRateLimit {
        statuses: &[403, 429],
        when: Some(("x-ratelimit-remaining", "0")),
        reset: Some(("x-ratelimit-reset", rt::ResetUnit::EpochSeconds)),
        retry_after: true,
    }),
    ..OPEN_API
};

#[derive(Clone, Debug)]
struct LimitedClient(rt::Client);

impl rt::ApiClient for LimitedClient {
    fn api() -> &'static rt::ApiSpec {
        &LIMITED_API
    }
    fn from_runtime(client: rt::Client) -> Self {
        LimitedClient(client)
    }
}

fn client(server: &Server, deadline: Duration) -> rt::Client {
    rt::ClientBuilder::<LimitedClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .header_param("agentId", "42")
        .header_param("site", "east")
        .retry(rt::RetryConfig::default().jitter(rt::Jitter::None))
        .no_timeout()
        .deadline(deadline)
        .build()
        .unwrap()
        .0
}

fn epoch_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A 403 with these headers.
fn forbidden(headers: &[(&str, String)]) -> Response {
    let mut b = axum::response::Response::builder().status(403).header("content-type", "application/json");
    for (n, v) in headers {
        b = b.header(*n, v.as_str());
    }
    b.body(axum::body::Body::from(r#"{"message": "API rate limit exceeded"}"#)).unwrap()
}

/// Answers the first request with `first`, every later one with `{"ok": true}`.
async fn first_then_ok(first: impl Fn() -> Response + Clone + Send + Sync + 'static) -> Server {
    let hits = Arc::new(AtomicUsize::new(0));
    serve(move |_| {
        let (hits, first) = (hits.clone(), first.clone());
        async move {
            if hits.fetch_add(1, Ordering::SeqCst) == 0 {
                first()
            } else {
                json(200, serde_json::json!({"ok": true}))
            }
        }
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn remaining_zero_waits_until_the_reset_and_retries() {
    let reset = epoch_now() + 30;
    let server = first_then_ok(move || forbidden(&[("x-ratelimit-remaining", "0".into()), ("x-ratelimit-reset", reset.to_string())])).await;
    let started = Instant::now();
    let v: serde_json::Value = any(&client(&server, Duration::from_secs(120)), "x").await.unwrap();
    assert_eq!(v, serde_json::json!({"ok": true}));
    assert_eq!(server.requests().len(), 2);
    let waited = started.elapsed();
    // The reset is whole seconds; the real clock moved a little since it was computed.
    assert!(waited > Duration::from_secs(28) && waited <= Duration::from_secs(30), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_on_a_403_is_the_signal_and_the_wait() {
    let server = first_then_ok(|| forbidden(&[("retry-after", "3".into())])).await;
    let started = Instant::now();
    let _: serde_json::Value = any(&client(&server, Duration::from_secs(60)), "x").await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(started.elapsed().as_secs(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_403_without_the_signal_stays_forbidden() {
    let server = first_then_ok(|| forbidden(&[("x-ratelimit-remaining", "17".into())])).await;
    let err = any::<serde_json::Value>(&client(&server, Duration::from_secs(60)), "x").await.unwrap_err();
    assert!(matches!(err, rt::Error::Forbidden(_)), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn unparsable_or_absurd_resets_back_off_instead() {
    for reset in ["tomorrow".to_string(), "-1".into(), (epoch_now() + 90 * 86_400).to_string()] {
        let value = reset.clone();
        let server = first_then_ok(move || forbidden(&[("x-ratelimit-remaining", "0".into()), ("x-ratelimit-reset", value.clone())])).await;
        let started = Instant::now();
        let _: serde_json::Value = any(&client(&server, Duration::from_secs(60)), "x").await.unwrap();
        assert_eq!(server.requests().len(), 2, "{reset}");
        // The first throttle backoff without jitter: 100 ms.
        assert_eq!(started.elapsed(), rt::DEFAULT_INITIAL_BACKOFF, "{reset}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_reset_past_the_deadline_or_the_budget_ends_the_call_at_once() {
    let reset = epoch_now() + 60;
    let server = first_then_ok(move || forbidden(&[("x-ratelimit-remaining", "0".into()), ("x-ratelimit-reset", reset.to_string())])).await;
    let started = Instant::now();
    let err = any::<serde_json::Value>(&client(&server, Duration::from_secs(10)), "x").await.unwrap_err();
    match &err {
        rt::Error::DeadlineExceeded { last: Some(last), .. } => assert!(matches!(**last, rt::Error::RateLimited { .. }), "{last:?}"),
        other => panic!("expected the deadline, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));

    // Within the deadline but beyond the throttle budget (2 minutes): the throttling error,
    // with the wait the server asked for.
    let reset = epoch_now() + 600;
    let server = first_then_ok(move || forbidden(&[("x-ratelimit-remaining", "0".into()), ("x-ratelimit-reset", reset.to_string())])).await;
    let err = any::<serde_json::Value>(&client(&server, Duration::from_secs(3600)), "x").await.unwrap_err();
    let wait = err.retry_after().unwrap();
    assert!(matches!(err, rt::Error::RateLimited { .. }) && wait > Duration::from_secs(590), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::FORBIDDEN));
    assert_eq!(server.requests().len(), 1);
}

static LOCK: rt::Operation =
    rt::Operation { name: "test.lock", method: rt::Method::Put, body: rt::BodyKind::Json { required: false }, response: rt::ResponseFormat::None, ..ANY };
static RAW: rt::Operation = rt::Operation { name: "test.raw", response: rt::ResponseFormat::JsonAs { accept: "application/vnd.test.raw+json" }, ..ANY };

#[tokio::test]
async fn with_body_sends_content_type_only_with_a_body() {
    let server = serve(|_| async { json(200, serde_json::json!({})) }).await;
    let c = client(&server, Duration::from_secs(10));
    let _: serde_json::Value = any(&c, "get").await.unwrap();
    let mut req = rt::Request::new(&LOCK);
    req.path("case", "unset");
    c.execute::<()>(req).await.unwrap();
    let mut req = rt::Request::new(&LOCK);
    req.path("case", "set");
    req.body(&serde_json::json!({"lock_reason": "spam"}));
    c.execute::<()>(req).await.unwrap();
    let mut req = rt::Request::new(&RAW);
    req.path("case", "raw");
    let _: serde_json::Value = c.execute(req).await.unwrap();
    let seen = server.requests();
    let (get, unset, set, raw) = (&seen[0], &seen[1], &seen[2], &seen[3]);
    assert_eq!((get.header("content-type"), get.body.len()), (None, 0));
    assert_eq!((unset.header("content-type"), unset.body.len()), (None, 0), "an unset optional body is not sent");
    assert_eq!(set.header("content-type"), Some("application/json"));
    assert_eq!(set.json(), serde_json::json!({"lock_reason": "spam"}));
    assert_eq!(raw.header("accept"), Some("application/vnd.test.raw+json"));
    assert_eq!(get.header("accept"), Some("application/json"));
}

//! The retry policy, in tokio's virtual time (`start_paused`): which failures are sent again
//! and for which operations, how many attempts and how long, `Retry-After` on throttling,
//! timeouts per attempt and per call. The local server runs on the test's own runtime, so the
//! clock jumps ahead only while every task, the server's included, is idle.

mod runtime_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use livevox_generated::runtime as rt;
use runtime_support::*;
use tokio::time::Instant;

/// No jitter, so that virtual elapsed times are exact.
fn policy() -> rt::RetryConfig {
    rt::RetryConfig::default().jitter(rt::Jitter::None)
}

fn client_with(server: &Server, policy: rt::RetryConfig) -> rt::Client {
    open_builder(server).retry(policy).no_timeout().build().unwrap().0
}

/// A POST that is only a search: the spec marks it idempotent.
static SEARCH: rt::Operation = rt::Operation { name: "test.search", idempotent: true, ..ANY_POST };

fn throttled(retry_after: Option<&str>) -> Response {
    let mut builder = axum::response::Response::builder().status(429).header("content-type", "application/json");
    if let Some(value) = retry_after {
        builder = builder.header("retry-after", value);
    }
    builder.body(axum::body::Body::from(r#"{"code": 429, "message": "Too many requests"}"#)).unwrap()
}

/// A server that answers request `n` (from 0) with `script(n)`.
async fn scripted(script: fn(usize) -> Response) -> Server {
    let hits = Arc::new(AtomicUsize::new(0));
    serve(move |_| {
        let n = hits.fetch_add(1, Ordering::SeqCst);
        async move { script(n) }
    })
    .await
}

async fn post<T: serde::de::DeserializeOwned>(client: &rt::Client, op: &'static rt::Operation, case: &str) -> Result<T, rt::Error> {
    let mut req = rt::Request::new(op);
    req.path("case", case);
    req.body(&serde_json::json!({"phone": "5551234"}));
    client.execute(req).await
}

fn assert_elapsed(start: Instant, expected: Duration) {
    let elapsed = start.elapsed();
    assert!(elapsed >= expected && elapsed < expected + Duration::from_millis(50), "took {elapsed:?}, expected {expected:?}");
}

#[tokio::test(start_paused = true)]
async fn a_503_storm_on_a_get_ends_after_exactly_the_configured_attempts() {
    for (attempts, backoff_ms) in [(1u32, 0u64), (3, 100 + 200), (5, 100 + 200 + 400 + 800)] {
        let server = serve(|_| async { json(503, serde_json::json!({"code": 503, "message": "busy"})) }).await;
        let client = client_with(&server, policy().max_attempts(attempts));
        let start = Instant::now();
        let err = any::<Dnc>(&client, "storm").await.unwrap_err();
        assert!(matches!(&err, rt::Error::ServerError(e) if e.status() == 503), "{err:?}");
        assert_eq!(server.requests().len(), attempts as usize, "attempts = {attempts}");
        assert_elapsed(start, Duration::from_millis(backoff_ms));
    }
}

#[tokio::test(start_paused = true)]
async fn a_get_that_recovers_returns_the_success() {
    let server = scripted(|n| if n < 2 { json(502, serde_json::json!({})) } else { json(200, serde_json::json!({"id": "1", "phone": "2"})) }).await;
    let client = client_with(&server, policy());
    let dnc: Dnc = any(&client, "x").await.unwrap();
    assert_eq!(dnc.id, "1");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_non_idempotent_post_that_gets_a_503_is_sent_exactly_once() {
    let server = serve(|_| async { json(503, serde_json::json!({"code": 503, "message": "busy"})) }).await;
    let client = client_with(&server, policy().max_attempts(5));
    let err = post::<Dnc>(&client, &ANY_POST, "create").await.unwrap_err();
    assert!(matches!(&err, rt::Error::ServerError(e) if e.status() == 503), "{err:?}");
    assert_eq!(server.requests().len(), 1, "a POST that may have been applied is never replayed");
}

#[tokio::test(start_paused = true)]
async fn a_post_the_spec_marks_idempotent_is_retried() {
    let server = scripted(|n| if n < 2 { json(503, serde_json::json!({})) } else { json(200, serde_json::json!({"id": "7", "phone": "1"})) }).await;
    let client = client_with(&server, policy());
    let found: Dnc = post(&client, &SEARCH, "search").await.unwrap();
    assert_eq!(found.id, "7");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_429_with_retry_after_waits_that_long_then_succeeds() {
    let server = scripted(|n| if n == 0 { throttled(Some("2")) } else { json(200, serde_json::json!({"id": "1", "phone": "2"})) }).await;
    let client = client_with(&server, policy());
    let start = Instant::now();
    let dnc: Dnc = any(&client, "x").await.unwrap();
    assert_eq!(dnc.id, "1");
    assert_elapsed(start, Duration::from_secs(2));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_throttled_post_is_sent_again_because_it_was_not_processed() {
    let server = scripted(|n| if n == 0 { throttled(Some("1")) } else { json(201, serde_json::json!({"id": "9", "phone": "1"})) }).await;
    let client = client_with(&server, policy());
    let created: Dnc = post(&client, &ANY_POST, "create").await.unwrap();
    assert_eq!(created.id, "9");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_without_retry_after_backs_off() {
    let server = scripted(|n| if n < 2 { throttled(None) } else { json(200, serde_json::json!({"id": "1", "phone": "2"})) }).await;
    let client = client_with(&server, policy());
    let start = Instant::now();
    any::<Dnc>(&client, "x").await.unwrap();
    assert_elapsed(start, Duration::from_millis(100 + 200));
}

#[tokio::test(start_paused = true)]
async fn throttling_gives_up_after_its_retries_or_when_retry_after_exceeds_the_budget() {
    let server = serve(|_| async { throttled(Some("1")) }).await;
    let client = client_with(&server, policy().throttle_max_retries(2));
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert!(matches!(err, rt::Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(1)), "{err:?}");
    assert_eq!(server.requests().len(), 3, "the first call and two retries");

    // Waiting 10 minutes does not fit a 2-minute budget: the 429 comes back at once.
    let server = serve(|_| async { throttled(Some("600")) }).await;
    let client = client_with(&server, policy());
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(600)), "the caller still learns how long to wait");
    assert_eq!(server.requests().len(), 1);
    assert_elapsed(start, Duration::ZERO);

    let server = serve(|_| async { throttled(Some("1")) }).await;
    let client = client_with(&server, policy().retry_throttled(false));
    any::<Dnc>(&client, "x").await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn other_4xx_answers_are_never_retried() {
    let server = serve(|r| async move {
        let status: u16 = r.path.trim_start_matches("/any/").parse().unwrap_or(400);
        json(status, serde_json::json!({"code": status, "message": "no"}))
    })
    .await;
    let client = client_with(&server, policy().max_attempts(5));
    for status in [400u16, 401, 403, 404, 405, 409, 422] {
        let err = any::<Dnc>(&client, &status.to_string()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.requests_to(&format!("/any/{status}")).len(), 1, "{status} was retried");
    }
}

#[tokio::test(start_paused = true)]
async fn a_500_is_retried_by_default_and_can_be_left_out() {
    let server = serve(|_| async { json(500, serde_json::json!({"code": 500, "message": "bug"})) }).await;
    let client = client_with(&server, policy());
    any::<Dnc>(&client, "x").await.unwrap_err();
    assert_eq!(server.requests().len(), 3, "500 is among the default statuses (3 attempts)");
    let client = client_with(&server, policy().retry_statuses([502, 503, 504]));
    any::<Dnc>(&client, "x").await.unwrap_err();
    assert_eq!(server.requests().len(), 3 + 1, "without 500 in the set it is sent once");
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_on_a_503_is_honoured() {
    let server = scripted(|n| {
        if n == 0 {
            axum::response::Response::builder().status(503).header("retry-after", "3").body(axum::body::Body::empty()).unwrap()
        } else {
            json(200, serde_json::json!({"id": "1", "phone": "2"}))
        }
    })
    .await;
    let client = client_with(&server, policy());
    let start = Instant::now();
    any::<Dnc>(&client, "x").await.unwrap();
    assert_elapsed(start, Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn the_budget_ends_retries_before_the_attempts_run_out() {
    let server = serve(|_| async { json(503, serde_json::json!({})) }).await;
    // Delays of 400 ms then 800 ms: the second would end at 1.2 s, past the 1 s budget.
    let client = client_with(&server, policy().max_attempts(10).initial_backoff(Duration::from_millis(400)).budget(Duration::from_secs(1)));
    let start = Instant::now();
    any::<Dnc>(&client, "x").await.unwrap_err();
    assert_eq!(server.requests().len(), 2);
    assert_elapsed(start, Duration::from_millis(400));
}

/// The budget counts from the first attempt's start, its exchange included, on the client's
/// first-attempt path too (the attempt is made before the policy takes over): a first attempt
/// that fails after 900 ms leaves no room in a 1 s budget for a 400 ms backoff.
#[tokio::test(start_paused = true)]
async fn the_budget_counts_the_first_attempts_own_time() {
    let server = serve(|_| async {
        tokio::time::sleep(Duration::from_millis(900)).await;
        json(503, serde_json::json!({}))
    })
    .await;
    let client = client_with(&server, policy().max_attempts(10).initial_backoff(Duration::from_millis(400)).budget(Duration::from_secs(1)));
    let start = Instant::now();
    any::<Dnc>(&client, "x").await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "no retry: 0.9 s spent and a 0.4 s backoff pass the 1 s budget");
    assert_elapsed(start, Duration::from_millis(900));
    // With room for it, the same failure is retried.
    let roomy = client_with(&server, policy().max_attempts(2).initial_backoff(Duration::from_millis(400)).budget(Duration::from_secs(2)));
    any::<Dnc>(&roomy, "x").await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn no_retries_sends_every_call_once() {
    let server = serve(|r| async move { if r.path.ends_with("busy") { json(503, serde_json::json!({})) } else { throttled(Some("1")) } }).await;
    let client = open_builder(&server).no_retries().no_timeout().build().unwrap().0;
    any::<Dnc>(&client, "busy").await.unwrap_err();
    any::<Dnc>(&client, "slow-down").await.unwrap_err();
    assert_eq!(server.requests().len(), 2);
}

/// Answers the first `slow` requests after 10 s, the rest at once.
async fn slow_server(slow: usize) -> Server {
    let hits = Arc::new(AtomicUsize::new(0));
    serve(move |_| {
        let n = hits.fetch_add(1, Ordering::SeqCst);
        async move {
            if n < slow {
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
            json(200, serde_json::json!({"id": n.to_string(), "phone": "1"}))
        }
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_get_is_retried_with_the_full_timeout_each_time() {
    let server = slow_server(2).await;
    let client = open_builder(&server).retry(policy()).timeout(Duration::from_secs(1)).build().unwrap().0;
    let start = Instant::now();
    let dnc: Dnc = any(&client, "x").await.unwrap();
    assert_eq!(dnc.id, "2", "the third request answered");
    // 1 s timeout, 100 ms backoff, 1 s timeout, 200 ms backoff, then the answer.
    assert_elapsed(start, Duration::from_millis(2300));
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_post_is_not_sent_again() {
    let server = slow_server(5).await;
    let client = open_builder(&server).retry(policy()).timeout(Duration::from_secs(1)).build().unwrap().0;
    let err = post::<Dnc>(&client, &ANY_POST, "create").await.unwrap_err();
    assert!(matches!(err, rt::Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1, "it may have been applied");
}

#[tokio::test(start_paused = true)]
async fn a_per_call_timeout_overrides_the_clients() {
    let server = slow_server(usize::MAX).await;
    // The client would give up after 1 s; this call may take 15 s (the server needs 10).
    let client = open_builder(&server).retry(policy()).timeout(Duration::from_secs(1)).build().unwrap().0;
    let mut req = rt::Request::new(&ANY);
    req.path("case", "x");
    req.timeout(Duration::from_secs(15));
    let start = Instant::now();
    let _: Dnc = client.execute(req).await.unwrap();
    assert_elapsed(start, Duration::from_secs(10));

    // And the other way round: a client without a timeout, one call that allows 500 ms.
    let client = open_builder(&server).no_retries().no_timeout().build().unwrap().0;
    let mut req = rt::Request::new(&ANY);
    req.path("case", "x");
    req.timeout(Duration::from_millis(500));
    let start = Instant::now();
    let err = client.execute::<Dnc>(req).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_elapsed(start, Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn connect_failures_are_retried_even_for_a_post_since_nothing_was_sent() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = rt::ClientBuilder::<OpenClient>::new()
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_plain_http_for_loopback_tests()
        .header_param("agentId", "1")
        .header_param("site", "x")
        .retry(policy())
        .no_timeout()
        .build()
        .unwrap()
        .0;
    for op in [&ANY, &ANY_POST] {
        let start = Instant::now();
        let err = if op.method == rt::Method::Get { any::<Dnc>(&client, "x").await } else { post::<Dnc>(&client, op, "x").await }.unwrap_err();
        assert!(err.is_connect(), "{err:?}");
        // Three attempts: the backoffs between them are the only time that passes.
        assert_elapsed(start, Duration::from_millis(100 + 200));
    }
}

#[tokio::test(start_paused = true)]
async fn a_post_whose_login_failed_is_sent_after_the_login_succeeds() {
    let logins = Arc::new(AtomicUsize::new(0));
    let server = serve(move |r| {
        let logins = logins.clone();
        async move {
            if r.path == "/session/login" {
                if logins.fetch_add(1, Ordering::SeqCst) == 0 {
                    return json(503, serde_json::json!({"code": 503, "message": "login service busy"}));
                }
                return json(200, serde_json::json!({"sessionId": "sess-ok"}));
            }
            json(201, serde_json::json!({"id": "5", "phone": "1"}))
        }
    })
    .await;
    let client = lv_builder(&server).retry(policy()).no_timeout().build().unwrap().0;
    let mut req = rt::Request::new(&CREATE_DNC);
    req.body(&serde_json::json!({"phone": "1"}));
    let created: Dnc = client.execute(req).await.unwrap();
    assert_eq!(created.id, "5");
    assert_eq!(server.requests_to("/session/login").len(), 2);
    assert_eq!(server.requests_to("/compliance/dnc").len(), 1, "the POST itself went out once");
}

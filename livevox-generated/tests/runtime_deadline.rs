//! Deadlines, in tokio's virtual time (`start_paused`): one limit on a whole call, retries,
//! backoffs, logins and rate-limit waits included, whatever the retry policy says; a call the
//! client's own rate limiter would hold past its deadline fails at once. And the context of an
//! error: the operation the caller called, and whether it failed in the automatic login.

mod runtime_support;

use std::time::Duration;

use livevox_generated::runtime as rt;
use runtime_support::*;
use tokio::time::Instant;

/// A server that never answers.
async fn stalled_server() -> Server {
    serve(|_| async {
        tokio::time::sleep(Duration::from_secs(86_400)).await;
        json(200, serde_json::json!({"id": "late", "phone": "1"}))
    })
    .await
}

fn assert_elapsed(start: Instant, expected: Duration) {
    let elapsed = start.elapsed();
    assert!(elapsed >= expected && elapsed < expected + Duration::from_millis(50), "took {elapsed:?}, expected {expected:?}");
}

#[tokio::test(start_paused = true)]
async fn a_5s_deadline_on_a_stalled_server_returns_in_5s_whatever_the_retry_settings() {
    let server = stalled_server().await;
    let many = rt::RetryConfig::default().jitter(rt::Jitter::None).max_attempts(50).budget(Duration::from_secs(3600));
    let builders: Vec<(&str, rt::ClientBuilder<OpenClient>)> = vec![
        ("defaults", open_builder(&server)),
        ("no retries", open_builder(&server).no_retries()),
        ("50 attempts of 60 s", open_builder(&server).retry(many.clone())),
        ("50 attempts, no attempt timeout", open_builder(&server).retry(many.clone()).timeout(Duration::from_secs(3600))),
    ];
    for (what, builder) in builders {
        let client = builder.deadline(Duration::from_secs(5)).build().unwrap().0;
        let start = Instant::now();
        let err = any::<Dnc>(&client, "x").await.unwrap_err();
        assert_elapsed(start, Duration::from_secs(5));
        assert!(matches!(&err, rt::Error::DeadlineExceeded { operation: "test.any", deadline, .. } if *deadline == Duration::from_secs(5)), "{what}: {err:?}");
        assert!(err.is_timeout() && err.to_string().contains("deadline of 5s exceeded"), "{what}: {err}");
    }

    // Short attempts retried within the deadline: the retry that would start past it is not
    // made, and the error carries the last attempt's timeout.
    let client = open_builder(&server).retry(many).timeout(Duration::from_secs(1)).deadline(Duration::from_secs(5)).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    // Attempts end at 1, 2.1, 3.3 and 4.7 s; the next backoff (800 ms) would end past 5 s.
    assert_elapsed(start, Duration::from_millis(4700));
    match &err {
        rt::Error::DeadlineExceeded { last: Some(last), detail, .. } => {
            assert!(matches!(**last, rt::Error::Timeout { .. }), "{last:?}");
            assert!(detail.contains("after attempt 4"), "{detail}");
        }
        other => panic!("expected a deadline error, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_call_deadline_overrides_the_clients_and_no_timeout_lifts_the_default() {
    let server = stalled_server().await;
    let client = open_builder(&server).no_deadline().build().unwrap().0;
    let mut req = rt::Request::new(&ANY);
    req.path("case", "x");
    req.limits(rt::CallLimits { timeout: None, deadline: Some(Duration::from_secs(2)) });
    let start = Instant::now();
    let err = client.execute::<Dnc>(req).await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(2));
    assert_eq!(err.kind(), "deadline_exceeded");

    // The default deadline: 5 minutes, over the default 60 s attempt timeout and its retries.
    let client = open_builder(&server).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert!(start.elapsed() <= rt::DEFAULT_DEADLINE, "took {:?}", start.elapsed());
    assert!(err.is_timeout(), "{err:?}");

    // `no_timeout()` (long polls) lifts it: this call waits for the server's day-long answer.
    let client = open_builder(&server).no_timeout().build().unwrap().0;
    let start = Instant::now();
    let dnc: Dnc = any(&client, "x").await.unwrap();
    assert_eq!(dnc.id, "late");
    assert_elapsed(start, Duration::from_secs(86_400));
}

static FIVE_A_MINUTE: rt::Operation = rt::Operation {
    name: "campaign.append_campaign",
    method: rt::Method::Put,
    rate_limit: Some(rt::RateLimit { calls: 5, per_seconds: 60, max_in_flight: None }),
    ..ANY_NONE
};

async fn append(client: &rt::Client, deadline: Option<Duration>) -> Result<(), rt::Error> {
    let mut req = rt::Request::new(&FIVE_A_MINUTE);
    req.path("case", "append");
    if let Some(d) = deadline {
        req.deadline(d);
    }
    client.execute(req).await
}

#[tokio::test(start_paused = true)]
async fn a_deadline_shorter_than_the_rate_limit_wait_fails_at_once() {
    let server = serve(|_| async { respond(204, "application/json", "") }).await;
    let client = open_builder(&server).no_retries().build().unwrap().0;
    for _ in 0..5 {
        append(&client, None).await.unwrap();
    }
    // The window is full for a minute: a call that may take 2 s does not sleep for 60.
    let start = Instant::now();
    let err = append(&client, Some(Duration::from_secs(2))).await.unwrap_err();
    assert_eq!(start.elapsed(), Duration::ZERO, "it failed at once");
    assert!(matches!(&err, rt::Error::DeadlineExceeded { operation: "campaign.append_campaign", .. }), "{err:?}");
    assert!(err.to_string().contains("rate limit would hold the call for 60s"), "{err}");
    assert_eq!(server.requests().len(), 5, "nothing was sent");

    // With a deadline past the wait, the call waits its turn and succeeds.
    append(&client, Some(Duration::from_secs(90))).await.unwrap();
    assert_elapsed(start, Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn the_deadline_covers_the_automatic_login() {
    let server = serve(|r| async move {
        if r.path == "/session/login" {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        json(200, serde_json::json!({"id": "1", "phone": "1"}))
    })
    .await;
    let client = lv_builder(&server).deadline(Duration::from_secs(3)).build().unwrap().0;
    let start = Instant::now();
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(3));
    assert!(matches!(&err, rt::Error::DeadlineExceeded { operation: "compliance.read_dnc", .. }), "{err:?}");
    assert!(server.requests_to("/compliance/dnc/1").is_empty());
}

#[tokio::test]
async fn a_connect_error_in_the_automatic_login_names_the_call_and_the_login() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = rt::ClientBuilder::<LvClient>::new()
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_plain_http_for_loopback_tests()
        .access_token(TOKEN)
        .credentials(rt::Credentials::user(CLIENT_NAME, USER_NAME, PASSWORD))
        .no_retries()
        .build()
        .unwrap()
        .0;
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert_eq!(err.operation(), Some("compliance.read_dnc"), "the operation the caller called: {err:?}");
    let login = err.login_error().expect("the error says the automatic login failed");
    assert_eq!(login.operation(), Some(LOGIN_OPERATION));
    assert!(login.is_connect() && err.is_connect() && err.is_retryable(), "{err:?}");
    assert_eq!(err.kind(), "login");
    let text = err.to_string();
    assert!(text.starts_with("compliance.read_dnc: the automatic login before the call failed: session.login: could not connect"), "{text}");
    assert!(std::error::Error::source(&err).is_some(), "the login's error is the source");

    // An explicit login is not automatic: its error is the login's own.
    let err = client.login().await.unwrap_err();
    assert!(err.login_error().is_none() && err.operation() == Some(LOGIN_OPERATION), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn an_attempt_cut_by_the_deadline_carries_the_previous_failure() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = serve(move |_| {
        let n = hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            if n == 0 {
                return json(503, serde_json::json!({"code": 503, "message": "busy"}));
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
            json(200, serde_json::json!({"id": "late", "phone": "1"}))
        }
    })
    .await;
    let policy = rt::RetryConfig::default().jitter(rt::Jitter::None);
    let client = open_builder(&server).retry(policy).deadline(Duration::from_secs(4)).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(4));
    match &err {
        rt::Error::DeadlineExceeded { last: Some(last), detail, .. } => {
            assert_eq!(last.status().map(|s| s.as_u16()), Some(503), "{last:?}");
            assert_eq!(detail, "attempt 2 had not finished");
        }
        other => panic!("expected a deadline error with the 503 attached, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

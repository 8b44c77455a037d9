//! The deadline as the layers below the policy keep it, in tokio's virtual time: no timer
//! around an attempt, but the exchange's own timer set to end at the deadline when it comes
//! before the attempt timeout, and the authorization schemes' waits (a login, another call's
//! login, a renewal, a token request, a token provider) bounded by it. Each path ends in the
//! same error a timer around the attempt gave: `DeadlineExceeded` for the operation called,
//! "attempt N had not finished", the previous attempt's failure attached; and where the attempt
//! timeout is the shorter limit, its own error, as before.

mod runtime_support;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::Response;
use futures_util::stream::{self, StreamExt};
use livevox_generated::runtime as rt;
use runtime_support::*;
use tokio::time::Instant;

const DAY: Duration = Duration::from_secs(86_400);

/// An operation that needs the API's authorization (`ANY` needs none).
static AUTHORIZED: rt::Operation = rt::Operation { name: "test.authorized", auth: rt::AuthNeed::Session, ..ANY };

async fn authorized(client: &rt::Client) -> Result<Dnc, rt::Error> {
    let mut req = rt::Request::new(&AUTHORIZED);
    req.path("case", "x");
    client.execute(req).await
}

fn assert_elapsed(start: Instant, expected: Duration) {
    let elapsed = start.elapsed();
    assert!(elapsed >= expected && elapsed < expected + Duration::from_millis(50), "took {elapsed:?}, expected {expected:?}");
}

/// Asserts `err` is the deadline error of `operation` with this deadline, cut in attempt 1
/// (nothing failed before it), and is reported as a timeout.
fn assert_cut_in_first_attempt(err: &rt::Error, operation: &str, deadline: Duration) {
    match err {
        rt::Error::DeadlineExceeded { operation: op, deadline: d, detail, last } => {
            assert_eq!((*op, *d), (operation, deadline), "{err:?}");
            assert_eq!(detail, "attempt 1 had not finished", "{err:?}");
            assert!(last.is_none(), "no attempt failed before: {err:?}");
        }
        other => panic!("expected the deadline error of {operation}, got {other:?}"),
    }
    assert!(err.is_timeout() && err.login_error().is_none(), "{err:?}");
    assert_eq!(err.kind(), "deadline_exceeded");
}

/// A response whose headers arrive at once and whose body sends `head` and then stalls for a
/// day; with `length`, it announces that many bytes (else it is chunked).
fn stalled_body(status: u16, head: &'static str, length: Option<usize>) -> Response {
    let chunks = stream::iter([Ok::<_, Infallible>(Bytes::from_static(head.as_bytes()))]).chain(stream::once(async {
        tokio::time::sleep(DAY).await;
        Ok(Bytes::from_static(b"\"}"))
    }));
    let mut response = respond(status, "application/json", Body::from_stream(chunks));
    if let Some(length) = length {
        response.headers_mut().insert("content-length", length.into());
    }
    response
}

#[tokio::test(start_paused = true)]
async fn an_exchange_is_cut_by_the_deadline_when_it_comes_before_the_attempt_timeout() {
    let server = serve(|_| async {
        tokio::time::sleep(DAY).await;
        json(200, serde_json::json!({"id": "late", "phone": "1"}))
    })
    .await;
    let client = open_builder(&server).timeout(Duration::from_secs(60)).deadline(Duration::from_secs(3)).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(3));
    assert_cut_in_first_attempt(&err, "test.any", Duration::from_secs(3));
    assert_eq!(server.requests().len(), 1, "a cut call is not retried");
}

#[tokio::test(start_paused = true)]
async fn an_attempt_timeout_before_the_deadline_is_the_attempts_own_timeout() {
    let server = serve(|_| async {
        tokio::time::sleep(DAY).await;
        json(200, serde_json::json!({"id": "late", "phone": "1"}))
    })
    .await;
    let client = open_builder(&server).no_retries().timeout(Duration::from_secs(1)).deadline(Duration::from_secs(10)).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(1));
    assert!(matches!(&err, rt::Error::Timeout { operation: "test.any", .. }), "the attempt's timeout, not the deadline: {err:?}");
    assert_eq!(err.kind(), "timeout");
}

#[tokio::test(start_paused = true)]
async fn a_body_that_stalls_is_cut_by_the_deadline_chunked_or_with_a_length() {
    for length in [None, Some(64)] {
        let server = serve(move |_| async move { stalled_body(200, "{\"id\": \"1\", \"phone\": \"", length) }).await;
        let client = open_builder(&server).deadline(Duration::from_secs(2)).build().unwrap().0;
        let start = Instant::now();
        let err = any::<Dnc>(&client, "x").await.unwrap_err();
        assert_elapsed(start, Duration::from_secs(2));
        assert_cut_in_first_attempt(&err, "test.any", Duration::from_secs(2));
    }
    // The reverse: the attempt timeout cuts the body first, and the transport error says so.
    let server = serve(|_| async { stalled_body(200, "{\"id\": \"1\", \"phone\": \"", None) }).await;
    let client = open_builder(&server).no_retries().timeout(Duration::from_secs(1)).deadline(Duration::from_secs(10)).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(1));
    assert!(err.is_timeout() && !matches!(err, rt::Error::DeadlineExceeded { .. }), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn an_error_body_that_stalls_is_cut_by_the_deadline() {
    let server = serve(|_| async { stalled_body(500, "{\"code\": 500, \"message\": \"", None) }).await;
    let client = open_builder(&server).deadline(Duration::from_secs(2)).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(2));
    assert_cut_in_first_attempt(&err, "test.any", Duration::from_secs(2));

    // The attempt timeout first: the 500 is the answer, its body cut short.
    let client = open_builder(&server).no_retries().timeout(Duration::from_secs(1)).deadline(Duration::from_secs(10)).build().unwrap().0;
    let start = Instant::now();
    let err = any::<Dnc>(&client, "x").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(1));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err:?}");
}

/// A LiveVox server whose `n`th login (from 1) answers after `login_delay(n)`, with session
/// `s<n>`; a read of a DNC entry is refused as expired with `s1`, and with any later session
/// answered after `read_delay`.
async fn relogin_server(login_delay: fn(usize) -> Duration, read_delay: Duration) -> (Server, Arc<AtomicUsize>) {
    let logins = Arc::new(AtomicUsize::new(0));
    let count = logins.clone();
    let server = serve(move |r| {
        let count = count.clone();
        async move {
            if r.path == "/session/login" {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(login_delay(n)).await;
                return json(200, serde_json::json!({"sessionId": format!("s{n}")}));
            }
            if r.header("lv-session") == Some("s1") {
                return json(401, serde_json::json!({"code": 401, "message": "Session is not valid"}));
            }
            tokio::time::sleep(read_delay).await;
            json(200, serde_json::json!({"id": "1", "phone": "1"}))
        }
    })
    .await;
    (server, logins)
}

#[tokio::test(start_paused = true)]
async fn a_login_that_hangs_past_the_deadline_ends_the_call_at_the_deadline() {
    let (server, logins) = relogin_server(|_| DAY, Duration::ZERO).await;
    let client = lv_builder(&server).deadline(Duration::from_secs(3)).build().unwrap().0;
    let start = Instant::now();
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(3));
    assert_cut_in_first_attempt(&err, "compliance.read_dnc", Duration::from_secs(3));
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    assert!(server.requests_to("/compliance/dnc/1").is_empty(), "the call was not sent without a session");
}

#[tokio::test(start_paused = true)]
async fn a_call_waiting_for_another_calls_login_leaves_at_its_own_deadline() {
    let (server, _) = relogin_server(|_| DAY, Duration::ZERO).await;
    let client = lv_builder(&server).no_deadline().build().unwrap().0;
    let patient = client.clone();
    let first = tokio::spawn(async move { read_dnc(&patient, "1").await });
    // Let the first call start the login, then wait for it with a 2 s deadline.
    while server.requests_to("/session/login").is_empty() {
        tokio::task::yield_now().await;
    }
    let mut req = rt::Request::new(&READ_DNC);
    req.path("id", "1");
    req.deadline(Duration::from_secs(2));
    let start = Instant::now();
    let err = client.execute::<Dnc>(req).await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(2));
    assert_cut_in_first_attempt(&err, "compliance.read_dnc", Duration::from_secs(2));
    assert!(!first.is_finished(), "the first call still waits for its login");
    assert_eq!(server.requests_to("/session/login").len(), 1, "one login, shared");
    first.abort();
}

#[tokio::test(start_paused = true)]
async fn a_renewal_login_that_hangs_past_the_deadline_ends_the_call_at_the_deadline() {
    let (server, logins) = relogin_server(|n| if n == 1 { Duration::ZERO } else { DAY }, Duration::ZERO).await;
    let client = lv_builder(&server).deadline(Duration::from_secs(3)).build().unwrap().0;
    let start = Instant::now();
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(3));
    assert_cut_in_first_attempt(&err, "compliance.read_dnc", Duration::from_secs(3));
    assert_eq!(logins.load(Ordering::SeqCst), 2, "logged in, refused, logging in again");
    assert_eq!(server.requests_to("/compliance/dnc/1").len(), 1, "no replay without the new session");
}

#[tokio::test(start_paused = true)]
async fn a_replay_after_renewal_that_hangs_past_the_deadline_ends_the_call_at_the_deadline() {
    let (server, logins) = relogin_server(|_| Duration::from_millis(500), DAY).await;
    let client = lv_builder(&server).deadline(Duration::from_secs(3)).build().unwrap().0;
    let start = Instant::now();
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(3));
    assert_cut_in_first_attempt(&err, "compliance.read_dnc", Duration::from_secs(3));
    assert_eq!(logins.load(Ordering::SeqCst), 2);
    let sessions: Vec<_> = server.requests_to("/compliance/dnc/1").iter().map(|r| r.header("lv-session").map(str::to_owned)).collect();
    assert_eq!(sessions, [Some("s1".to_owned()), Some("s2".to_owned())], "sent, refused, replayed with the new session");

    // The replay gets the attempt timeout afresh when the deadline is further away.
    let (server, _) = relogin_server(|_| Duration::from_secs(2), DAY).await;
    let client = lv_builder(&server).no_retries().timeout(Duration::from_secs(5)).deadline(Duration::from_secs(60)).build().unwrap().0;
    let start = Instant::now();
    let err = read_dnc(&client, "1").await.unwrap_err();
    // Two logins of 2 s, then the replay's own 5 s.
    assert_elapsed(start, Duration::from_secs(9));
    assert!(matches!(&err, rt::Error::Timeout { operation: "compliance.read_dnc", .. }), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn a_relayed_sessions_login_that_hangs_ends_the_relaying_call_at_its_deadline() {
    let (server, _) = relogin_server(|_| DAY, Duration::ZERO).await;
    let livevox = lv_client(&server);
    let relaying = rt::ClientBuilder::<RelayClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .relay_livevox_session(&livevox)
        .deadline(Duration::from_secs(2))
        .build()
        .unwrap()
        .0;
    let start = Instant::now();
    let err = read_dnc(&relaying, "1").await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(2));
    assert_cut_in_first_attempt(&err, "compliance.read_dnc", Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_token_provider_that_hangs_first_or_on_renewal_ends_the_call_at_the_deadline() {
    let server = serve(|r| async move {
        match r.header("authorization") {
            Some("Bearer t1") => json(401, serde_json::json!({"code": 401, "message": "expired"})),
            _ => json(200, serde_json::json!({"id": "1", "phone": "1"})),
        }
    })
    .await;
    for hangs_at in [1, 2] {
        let calls = Arc::new(AtomicUsize::new(0));
        let provider = move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                if n == hangs_at {
                    tokio::time::sleep(DAY).await;
                }
                Ok(rt::Secret::new(format!("t{n}")))
            }
        };
        let client = rt::ClientBuilder::<BearerClient>::new()
            .base_url(server.url())
            .allow_plain_http_for_loopback_tests()
            .header_param("agentId", "42")
            .header_param("site", "east")
            .bearer_token_provider(provider)
            .deadline(Duration::from_secs(2))
            .build()
            .unwrap()
            .0;
        let start = Instant::now();
        let err = authorized(&client).await.unwrap_err();
        assert_elapsed(start, Duration::from_secs(2));
        assert_cut_in_first_attempt(&err, "test.authorized", Duration::from_secs(2));
    }
    let sent: Vec<_> = server.requests().iter().map(|r| r.header("authorization").map(str::to_owned)).collect();
    assert_eq!(sent, [Some("Bearer t1".to_owned())], "only the refused first send went out");
}

#[tokio::test(start_paused = true)]
async fn an_oauth2_token_request_that_hangs_ends_the_call_at_the_deadline() {
    let server = serve(|r| async move {
        if r.path == "/token" {
            tokio::time::sleep(DAY).await;
        }
        json(200, serde_json::json!({"id": "1", "phone": "1"}))
    })
    .await;
    let client = rt::ClientBuilder::<OAuth2Client>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .header_param("agentId", "42")
        .header_param("site", "east")
        .oauth2_client_credentials("client-1", "secret-1")
        .oauth2_token_url(format!("{}/token", server.url()))
        .deadline(Duration::from_secs(2))
        .build()
        .unwrap()
        .0;
    let start = Instant::now();
    let err = authorized(&client).await.unwrap_err();
    assert_elapsed(start, Duration::from_secs(2));
    assert_cut_in_first_attempt(&err, "test.authorized", Duration::from_secs(2));
    assert_eq!(server.requests_to("/token").len(), 1);
    assert!(server.requests_to("/any/x").is_empty(), "not sent without a token");
}

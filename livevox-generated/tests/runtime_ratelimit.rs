//! Spec-declared rate limits, in tokio's virtual time (`start_paused`): the LiveVox Append
//! limit (5 calls in any rolling minute, one in flight) holds at the server across clones of a
//! client, retries count against it, a retry that cannot get past it within its budget gives
//! up, and a caller that stops waiting takes no place in the window.

mod runtime_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use livevox_generated::runtime as rt;
use runtime_support::*;
use tokio::time::Instant;

const fn limited(name: &'static str, method: rt::Method, idempotent: bool, limit: rt::RateLimit) -> rt::Operation {
    rt::Operation {
        name,
        method,
        path: "/campaign/campaigns/{id}/transactions",
        auth: rt::AuthNeed::None,
        idempotent,
        body: rt::BodyKind::None,
        response: rt::ResponseFormat::None,
        pagination: None,
        rate_limit: Some(limit),
        deprecated: false,
        agent_allowed: false,
    }
}

/// As the spec describes LiveVox Append Campaign: a PUT that appends (not idempotent), 5 calls
/// in any 60 s, one at a time.
static APPEND: rt::Operation =
    limited("campaign.append_campaign", rt::Method::Put, false, rt::RateLimit { calls: 5, per_seconds: 60, max_in_flight: Some(1) });
static TWO_A_MINUTE: rt::Operation =
    limited("test.two_a_minute", rt::Method::Get, true, rt::RateLimit { calls: 2, per_seconds: 60, max_in_flight: None });
static ONE_A_MINUTE: rt::Operation =
    limited("test.one_a_minute", rt::Method::Get, true, rt::RateLimit { calls: 1, per_seconds: 60, max_in_flight: None });
static TWO_AT_ONCE: rt::Operation =
    limited("test.two_at_once", rt::Method::Get, true, rt::RateLimit { calls: 1000, per_seconds: 1, max_in_flight: Some(2) });

async fn call(client: &rt::Client, op: &'static rt::Operation, id: usize) -> Result<(), rt::Error> {
    let mut req = rt::Request::new(op);
    req.path("id", &(id as i64));
    client.execute(req).await
}

/// A server that records when each request arrives (virtual time), tracks how many are being
/// answered at once, and takes `work` to answer each.
struct Recording {
    server: Server,
    arrivals: Arrivals,
    most_at_once: Arc<AtomicUsize>,
}

async fn recording_server(work: Duration, status: fn(usize) -> u16) -> Recording {
    let arrivals = Arrivals::default();
    let now = Arc::new(AtomicUsize::new(0));
    let most_at_once = Arc::new(AtomicUsize::new(0));
    let (a, n, m) = (arrivals.clone(), now.clone(), most_at_once.clone());
    let server = serve(move |_| {
        let hit = a.count();
        a.record();
        let running = n.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(running, Ordering::SeqCst);
        let n = n.clone();
        async move {
            tokio::time::sleep(work).await;
            n.fetch_sub(1, Ordering::SeqCst);
            respond(status(hit), "application/json", "")
        }
    })
    .await;
    Recording { server, arrivals, most_at_once }
}

fn client(server: &Server) -> rt::Client {
    open_builder(server).retry(rt::RetryConfig::default().jitter(rt::Jitter::None)).no_timeout().build().unwrap().0
}

#[tokio::test(start_paused = true)]
async fn twenty_appends_take_three_minutes_and_never_exceed_five_in_any_minute() {
    let rec = recording_server(Duration::from_millis(500), |_| 204).await;
    // Four clones, five callers each, all at once: clones share the limiter.
    let base = client(&rec.server);
    let clones: Vec<rt::Client> = (0..4).map(|_| base.clone()).collect();
    let start = Instant::now();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let client = clones[i % 4].clone();
            tokio::spawn(async move { call(&client, &APPEND, i).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let elapsed = start.elapsed();
    assert_eq!(rec.arrivals.count(), 20);
    assert!(elapsed >= Duration::from_secs(180), "20 calls at 5 a minute took only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(200), "and not much more: {elapsed:?}");
    assert_eq!(rec.arrivals.max_in_window(Duration::from_secs(60)), 5, "some rolling minute saw more than 5 calls");
    assert_eq!(rec.most_at_once.load(Ordering::SeqCst), 1, "one call in flight at a time");
    // Strictly: the call 5 places later arrives at least a minute after.
    let t = rec.arrivals.times();
    for i in 0..t.len() - 5 {
        assert!(t[i + 5] - t[i] >= Duration::from_secs(60), "arrivals {i} and {} are {:?} apart", i + 5, t[i + 5] - t[i]);
    }
}

#[tokio::test(start_paused = true)]
async fn clients_built_separately_have_limits_of_their_own() {
    let rec = recording_server(Duration::ZERO, |_| 204).await;
    let (a, b) = (client(&rec.server), client(&rec.server));
    let start = Instant::now();
    for i in 0..5 {
        call(&a, &APPEND, i).await.unwrap();
        call(&b, &APPEND, i).await.unwrap();
    }
    assert_eq!(start.elapsed(), Duration::ZERO, "each client had its own five");
    call(&a, &APPEND, 5).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn retries_take_a_place_in_the_window() {
    // The first request gets a 503: its retry is a second call the server counts.
    let rec = recording_server(Duration::ZERO, |n| if n == 0 { 503 } else { 204 }).await;
    let client = client(&rec.server);
    let start = Instant::now();
    call(&client, &TWO_A_MINUTE, 1).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(100), "one backoff");
    call(&client, &TWO_A_MINUTE, 2).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(60), "the window held two calls already");
    assert_eq!(rec.arrivals.max_in_window(Duration::from_secs(60)), 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_that_cannot_pass_the_limit_within_its_budget_returns_the_last_error() {
    let rec = recording_server(Duration::ZERO, |_| 503).await;
    let client = client(&rec.server); // a 30 s retry budget
    let start = Instant::now();
    let err = call(&client, &ONE_A_MINUTE, 1).await.unwrap_err();
    assert!(matches!(&err, rt::Error::ServerError(e) if e.status() == 503), "{err:?}");
    assert_eq!(rec.arrivals.count(), 1, "the retry would have had to wait a minute");
    assert_eq!(start.elapsed(), Duration::from_secs(30), "it gave up when the budget ran out");
}

#[tokio::test(start_paused = true)]
async fn in_flight_limit_alone_bounds_concurrency() {
    let rec = recording_server(Duration::from_secs(1), |_| 204).await;
    let client = client(&rec.server);
    let start = Instant::now();
    let calls: Vec<_> = (0..10)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { call(&client, &TWO_AT_ONCE, i).await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(rec.most_at_once.load(Ordering::SeqCst), 2);
    assert_eq!(start.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn a_caller_that_stops_waiting_takes_no_place() {
    let rec = recording_server(Duration::ZERO, |_| 204).await;
    let client = client(&rec.server);
    let start = Instant::now();
    call(&client, &ONE_A_MINUTE, 1).await.unwrap();
    let gave_up = tokio::time::timeout(Duration::from_secs(10), call(&client, &ONE_A_MINUTE, 2)).await;
    assert!(gave_up.is_err(), "the second call waits for the window");
    call(&client, &ONE_A_MINUTE, 3).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(60), "the abandoned wait did not push the next call back");
    assert_eq!(rec.arrivals.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_generated_append_campaign_keeps_the_specs_limit() {
    use livevox_generated::campaign::CampaignRecord;

    assert_eq!(
        livevox_generated::campaign::AppendCampaignRequest::OPERATION.rate_limit,
        Some(rt::RateLimit { calls: 5, per_seconds: 60, max_in_flight: Some(1) }),
        "spec/campaign.yaml gives Append its documented limit"
    );
    let arrivals = Arrivals::default();
    let seen = arrivals.clone();
    let server = serve(move |r| {
        let seen = seen.clone();
        async move {
            if r.path == "/session/login" {
                return json(200, serde_json::json!({"sessionId": "sess-append"}));
            }
            seen.record();
            respond(204, "application/json", "")
        }
    })
    .await;
    let client = livevox_generated::Client::builder()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .access_token(TOKEN)
        .credentials(rt::Credentials::user(CLIENT_NAME, USER_NAME, PASSWORD))
        .no_timeout()
        .build()
        .unwrap();
    let start = Instant::now();
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.campaign().append_campaign(7710021, vec![CampaignRecord::new(format!("617555{i:04}"))]).await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(arrivals.count(), 20);
    assert!(start.elapsed() >= Duration::from_secs(180), "{:?}", start.elapsed());
    assert_eq!(arrivals.max_in_window(Duration::from_secs(60)), 5);
}

//! End to end against the simulator, the HTTP details of issue 17 on the Code host sample API
//! (`tests/sample-apis/spec/codehost*.yaml`): a declared `Location` header read beside the
//! body, the typed fields of a 422, recovery from the server's own rate-limit answer (a 403
//! with `x-ratelimit-remaining: 0` and a reset a second ahead), no `Content-Type` and no body
//! on bodyless calls, a JSON variant `Accept`, a full path outside the category's prefix, and
//! raw status and headers on any call (`with_meta`).

use std::time::{Duration, Instant};

use livevox_generated::runtime::{Call, Error};
use livevox_sample_apis::code_host::{self, code_host_issue_ops::LockIssue};
use livevox_sim::{LoggedRequest, RunningSimulator, Simulator};

async fn start() -> (RunningSimulator, code_host::Client) {
    let sim = Simulator::builder().extra_spec_dir(livevox_sample_apis::SPEC_DIR).start().await.expect("the simulator starts");
    let token = sim.api_credentials().bearer_token;
    let client = code_host::Client::builder()
        .base_url(sim.base_url())
        .allow_plain_http_for_loopback_tests()
        .bearer_token(token.as_str())
        .build()
        .expect("a client of the simulator builds");
    (sim, client)
}

fn header<'a>(r: &'a LoggedRequest, name: &str) -> Option<&'a str> {
    r.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn created_issue_comes_with_its_location_and_counters() {
    let (sim, client) = start().await;
    let (issue, headers) = client.code_host_issue_ops().create_issue("octo", "hello", "Found a bug").send_with_headers().await.unwrap();
    assert_eq!((issue.number, issue.title.as_str()), (7, "Found a bug"));
    assert_eq!(headers.location.as_deref(), Some("/repos/octo/hello/issues/7"));
    assert_eq!(headers.x_ratelimit_remaining, Some(4999));
    assert!(headers.x_ratelimit_reset.is_some_and(|r| r > 1_700_000_000), "{headers:?}");
    let seen = sim.requests();
    assert_eq!((seen[0].method.as_str(), seen[0].path.as_str(), seen[0].status), ("POST", "/repos/octo/hello/issues", 201));
    assert_eq!(header(&seen[0], "content-type"), Some("application/json"));
}

#[tokio::test]
async fn a_422_reads_as_the_apis_typed_validation_error() {
    let (_sim, client) = start().await;
    let err = client.code_host_issue_ops().create_issue("octo", "hello", "").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(matches!(err, Error::ClientError(_)), "{err:?}");
    // The API's errors carry a message and no code.
    assert_eq!((err.api_message(), err.api_code_str()), (Some("Validation Failed"), None));
    let body: code_host::ErrorBody = err.error_body().expect("the 422 body is a ValidationError");
    assert_eq!(body.message, "Validation Failed");
    let detail = &body.errors.as_deref().unwrap()[0];
    assert_eq!((detail.resource.as_str(), detail.field.as_str(), detail.code.as_str()), ("Issue", "title", "missing_field"));
    assert_eq!(body.documentation_url.as_deref(), Some("https://docs.codehost.example/rest/issues#create-an-issue"));
    // Fields the model does not name stay in the raw body.
    let raw = err.api_error().and_then(|e| e.body_json()).unwrap();
    assert_eq!(raw["errors"][0]["code"], "missing_field");
}

#[tokio::test]
async fn the_403_rate_limit_answer_is_waited_out_until_the_reset() {
    let (sim, client) = start().await;
    sim.faults().rate_limit_signal_next(1, 403, Duration::from_secs(1));
    let started = Instant::now();
    let overview = client.code_host_issue_ops().read_rate_limit().await.expect("the call recovers after the reset");
    let took = started.elapsed();
    assert_eq!(overview.rate.limit, 5000);
    let seen = sim.requests();
    let statuses: Vec<(&str, u16)> = seen.iter().map(|r| (r.path.as_str(), r.status)).collect();
    assert_eq!(statuses, [("/rate_limit", 403), ("/rate_limit", 200)]);
    // The reset is a whole epoch second at least a second after the 403: the retry came after it.
    let gap = seen[1].at.duration_since(seen[0].at);
    assert!(gap >= Duration::from_millis(990), "retried after {gap:?}, before the reset");
    assert!(took < Duration::from_secs(3), "the wait is bounded by the reset: {took:?}");

    // A 403 without the signal is a refusal, not sent again.
    sim.clear_requests();
    sim.faults().fail_next(1, 403);
    let err = client.code_host_issue_ops().read_rate_limit().await.unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    assert_eq!(sim.requests().len(), 1);
}

#[tokio::test]
async fn bodyless_calls_carry_no_content_type_and_the_raw_read_asks_for_its_media_type() {
    let (sim, client) = start().await;
    let ops = client.code_host_issue_ops();
    ops.lock_issue("octo", "hello", 7).await.unwrap();
    ops.lock_issue("octo", "hello", 7).body(LockIssue::default().with_lock_reason("spam")).await.unwrap();
    let issue = ops.read_issue_raw("octo", "hello", 7).await.unwrap();
    assert_eq!(issue.body.as_deref(), Some("Steps: *run it*"));
    ops.read_rate_limit().await.unwrap();
    let seen = sim.requests();
    let (unset, set, raw, limit) = (&seen[0], &seen[1], &seen[2], &seen[3]);
    assert_eq!((unset.method.as_str(), unset.path.as_str(), unset.status), ("PUT", "/repos/octo/hello/issues/7/lock", 204));
    assert_eq!((header(unset, "content-type"), unset.body.as_str()), (None, ""), "no body and no Content-Type without a reason");
    assert_eq!(header(set, "content-type"), Some("application/json"));
    assert_eq!(set.body, r#"{"lock_reason":"spam"}"#);
    assert_eq!(header(raw, "accept"), Some("application/vnd.codehost.raw+json"));
    assert_eq!(header(raw, "content-type"), None);
    assert_eq!((limit.path.as_str(), header(limit, "content-type"), header(limit, "accept")), ("/rate_limit", None, Some("application/json")));
}

#[tokio::test]
async fn any_call_hands_back_its_status_and_headers() {
    let (_sim, client) = start().await;
    let (overview, meta) = client.code_host_issue_ops().read_rate_limit().with_meta().await.unwrap();
    assert_eq!(overview.rate.remaining, 4999);
    assert_eq!(meta.status().as_u16(), 200);
    assert_eq!(meta.header("content-type"), Some("application/json"));
    let (_, meta) = client.code_host_issue_ops().lock_issue("octo", "hello", 7).with_meta().await.unwrap();
    assert_eq!(meta.status().as_u16(), 204);
}

#[tokio::test]
async fn the_simulator_refuses_content_type_without_a_body() {
    let (sim, _client) = start().await;
    let token = sim.api_credentials().bearer_token;
    let answer = reqwest::Client::new()
        .get(format!("{}/rate_limit", sim.base_url()))
        .header("authorization", format!("Bearer {}", token.as_str()))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let text = answer.text().await.unwrap();
    assert!(text.contains("no body but says `Content-Type"), "{text}");
}

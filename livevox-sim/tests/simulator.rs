//! The simulator over plain HTTP (reqwest), so each LiveVox rule and each check is seen on the
//! wire: sessions, agents, request checks, paging, rate limits, faults, routing (by the body
//! where two operations share a method and path), text and binary answers.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use livevox_sim::{RunningSimulator, SimUser, Simulator};
use serde_json::{json, Value};

async fn start() -> RunningSimulator {
    Simulator::builder().start().await.expect("the simulator starts")
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a reqwest client")
}

fn login_body(u: &SimUser) -> Value {
    json!({"clientName": u.client_name, "userName": u.user_name, "password": u.password, "agent": u.agent})
}

async fn login_with(sim: &RunningSimulator, u: &SimUser, token: Option<&str>) -> reqwest::Response {
    let mut req = http().post(format!("{}/session/login", sim.base_url())).json(&login_body(u));
    if let Some(t) = token {
        req = req.header("LV-Access", t);
    }
    req.send().await.expect("login is answered")
}

/// Logs in and returns the session id.
async fn session(sim: &RunningSimulator, u: &SimUser) -> String {
    let r = login_with(sim, u, Some(&sim.access_token())).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("login answers JSON");
    v["sessionId"].as_str().expect("a session id").to_string()
}

/// A GET with a session; the status and the body (JSON, or `null`).
async fn get(sim: &RunningSimulator, path: &str, session: &str) -> (u16, Value) {
    let r = http().get(format!("{}{path}", sim.base_url())).header("LV-Session", session).send().await.expect("answered");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

const INFO: &str = "/compliance/dnc/info?dncType=PERMANENT";

#[tokio::test]
async fn login_gives_one_session_per_user_and_token_and_refuses_bad_tokens() {
    let sim = start().await;
    let user = sim.user();
    let tokens = sim.access_tokens();
    assert!(tokens.len() >= 2);

    let a = session(&sim, &user).await;
    assert_eq!(session(&sim, &user).await, a, "same user, same token: same session");
    let r = login_with(&sim, &user, Some(&tokens[1])).await;
    assert_eq!(r.status(), 200);
    let other: Value = r.json().await.unwrap();
    assert_ne!(other["sessionId"].as_str(), Some(a.as_str()), "another token: another session");
    assert_ne!(session(&sim, &sim.agent()).await, a, "another user: another session");

    // The spec's example user answers as its login example does.
    let v: Value = login_with(&sim, &user, Some(&tokens[0])).await.json().await.unwrap();
    assert_eq!(v["clientId"], json!(user.client_id));
    assert_eq!(v["userId"], json!(user.user_id));

    for token in [None, Some("not-a-token")] {
        let r = login_with(&sim, &user, token).await;
        assert_eq!(r.status(), 401, "token {token:?}");
        let v: Value = r.json().await.expect("a JSON error body");
        assert_eq!(v["code"], json!(401));
        assert!(v["message"].as_str().unwrap().contains("LV-Access") || v["message"].as_str().unwrap().contains("access token"), "{v}");
    }
    let wrong = SimUser { password: "wrong".into(), ..user.clone() };
    assert_eq!(login_with(&sim, &wrong, Some(&tokens[0])).await.status(), 401);
    let as_agent = SimUser { agent: true, ..user };
    assert_eq!(login_with(&sim, &as_agent, Some(&tokens[0])).await.status(), 401, "the agent flag must match the account");
}

#[tokio::test]
async fn sessions_expire_after_the_idle_time_and_each_use_keeps_them_alive() {
    let sim = Simulator::builder().session_idle_timeout(Duration::from_millis(800)).start().await.unwrap();
    let id = session(&sim, &sim.user()).await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert_eq!(get(&sim, INFO, &id).await.0, 200, "used within the idle time: alive");
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (status, body) = get(&sim, INFO, &id).await;
    assert_eq!(status, 401, "idle longer than the timeout: expired");
    assert_eq!(body["code"], json!(401));
    let r = http().get(format!("{}/session/validate/{id}", sim.base_url())).send().await.unwrap();
    assert_eq!(r.status(), 404, "validate: an expired session is invalid");
    let again = session(&sim, &sim.user()).await;
    assert_ne!(again, id, "a login after expiry starts a new session");
    assert_eq!(get(&sim, INFO, &again).await.0, 200);
}

#[tokio::test]
async fn logout_ends_the_session_and_validate_tells() {
    let sim = start().await;
    let id = session(&sim, &sim.user()).await;
    let validate = |id: String| {
        let url = format!("{}/session/validate/{id}", sim.base_url());
        async move { http().get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(validate(id.clone()).await, 204);
    let logout = |id: String| {
        let url = format!("{}/session/logout/{id}", sim.base_url());
        async move { http().delete(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(logout(id.clone()).await, 204);
    assert_eq!(get(&sim, INFO, &id).await.0, 401);
    assert_eq!(validate(id.clone()).await, 404);
    assert_eq!(logout(id.clone()).await, 404, "already logged out");
    assert_eq!(validate("never-issued".into()).await, 404);
    assert_eq!(get(&sim, INFO, "never-issued").await.0, 401);
    let r = http().get(format!("{}{INFO}", sim.base_url())).send().await.unwrap();
    assert_eq!(r.status(), 401, "no LV-Session at all");
}

#[tokio::test]
async fn a_password_change_ends_every_session_of_the_user() {
    let sim = start().await;
    let user = sim.user();
    let id = session(&sim, &user).await;
    let mut body = login_body(&user);
    body["newPassword"] = json!("n3w-Passw0rd");
    let r = http().post(format!("{}/session/password", sim.base_url())).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 401, "change password needs the access token");
    let r = http()
        .post(format!("{}/session/password", sim.base_url()))
        .header("LV-Access", sim.access_token())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(get(&sim, INFO, &id).await.0, 401);
    assert_eq!(login_with(&sim, &user, Some(&sim.access_token())).await.status(), 401, "the old password no longer works");
    assert_eq!(sim.user().password, "n3w-Passw0rd");
    session(&sim, &sim.user()).await;
}

#[tokio::test]
async fn agents_get_403_outside_their_whitelist() {
    let sim = start().await;
    let agent = session(&sim, &sim.agent()).await;
    assert_eq!(get(&sim, INFO, &agent).await.0, 200, "get_dnc_list_info is agent-allowed");
    let r = http().delete(format!("{}/compliance/dnc/881234", sim.base_url())).header("LV-Session", &agent).send().await.unwrap();
    assert_eq!(r.status(), 403, "delete_dnc is not agent-allowed");
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("compliance.delete_dnc"), "{v}");
    let user = session(&sim, &sim.user()).await;
    let r = http().delete(format!("{}/compliance/dnc/881234", sim.base_url())).header("LV-Session", &user).send().await.unwrap();
    assert_eq!(r.status(), 204, "a user may delete");
}

/// Sends a request with a session and expects a 400 whose message contains `needle`.
async fn expect_400(sim: &RunningSimulator, req: reqwest::RequestBuilder, needle: &str) {
    let r = req.send().await.expect("answered");
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 400, "expected 400 mentioning {needle:?}, got {status} {v}");
    assert_eq!(v["code"], json!(400));
    let message = v["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "message {message:?} should mention {needle:?}");
    let _ = sim;
}

#[tokio::test]
async fn requests_that_break_the_spec_get_400_saying_what_was_wrong() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    let base = sim.base_url();
    let get = |q: &str| http().get(format!("{base}/compliance/dnc{q}")).header("LV-Session", &s);
    expect_400(&sim, get("?dncType=PERMANENT&count=10"), "query parameter `offset` is required").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0"), "query parameter `count` is required").await;
    expect_400(&sim, get("?offset=0&count=10"), "query parameter `dncType` is required").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0&count=ten"), "`count`").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0&count=99999999999"), "out of range").await;
    expect_400(&sim, get("?dncType=NONE&offset=0&count=10"), "PERMANENT, DAILY").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0&count=10&Offset=3"), "`Offset` is not in the spec").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=-1&count=10"), "counts from 0").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0&count=0"), "at least 1").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0&count=1&count=2"), "more than once").await;
    expect_400(&sim, http().get(format!("{base}/compliance/dnc/abc")).header("LV-Session", &s), "path parameter `id`").await;

    let post = || http().post(format!("{base}/compliance/dnc")).header("LV-Session", &s);
    expect_400(&sim, post().json(&json!({"phone": "6175550142"})), "`body.type` is required").await;
    expect_400(&sim, post().json(&json!({"type": "PERMANENT", "phone": 6175550142_i64})), "`body.phone`").await;
    expect_400(&sim, post().json(&json!({"type": "PERMANENT", "fone": "1"})), "`body.fone` is not a field").await;
    expect_400(&sim, post().json(&json!([1, 2])), "an object").await;
    expect_400(&sim, post().header("content-type", "application/json").body("{not json"), "not JSON").await;
    expect_400(&sim, post().header("content-type", "text/plain").body(r#"{"type":"DAILY"}"#), "Content-Type").await;
    expect_400(&sim, post(), "the body is required").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0&count=1").header("content-type", "application/json").body("{}"), "takes no body").await;
    expect_400(&sim, get("?dncType=PERMANENT&offset=0&count=1").header("accept", "text/html"), "Accept").await;
    let search = http().post(format!("{base}/compliance/dnc/search?offset=0&count=10")).header("LV-Session", &s);
    expect_400(&sim, search.json(&json!({"modifiedAfter": "yesterday"})), "epoch milliseconds").await;

    // A login body is checked before the credentials.
    let r = http()
        .post(format!("{base}/session/login"))
        .header("LV-Access", sim.access_token())
        .json(&json!({"clientName": "X", "password": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("userName"), "{v}");

    // Well-formed variants pass: a charset on the content type, a digit-string datetime, `*/*`.
    let r = post().header("content-type", "application/json; charset=utf-8").body(r#"{"type":"DAILY","phone":"1"}"#).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let r = http()
        .post(format!("{base}/compliance/dnc/search?offset=0&count=10"))
        .header("LV-Session", &s)
        .header("accept", "*/*")
        .json(&json!({"modifiedAfter": "1709251200000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn unknown_paths_404_wrong_methods_405_and_versioned_paths_work() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    let (status, v) = get(&sim, "/compliance/nowhere", &s).await;
    assert_eq!(status, 404);
    assert!(v["message"].as_str().unwrap().contains("/compliance/nowhere"));
    let r = http().patch(format!("{}/compliance/dnc/42", sim.base_url())).header("LV-Session", &s).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let allow = r.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(allow.contains("GET") && allow.contains("DELETE"), "{allow}");
    assert_eq!(get(&sim, "/compliance/v5.0/dnc/info?dncType=PERMANENT", &s).await.0, 200);
    assert_eq!(get(&sim, "/compliance/dnc/info/?dncType=PERMANENT", &s).await.0, 200, "a trailing slash is the same path");
}

#[tokio::test]
async fn examples_answer_their_requests_and_errors_use_the_example_status() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    let (status, v) = get(&sim, "/compliance/dnc/881240", &s).await;
    assert_eq!(status, 200);
    assert_eq!(v["filename"], json!("dnc_2024-03-01.csv"), "the example with this id answers");
    let (status, v) = get(&sim, "/compliance/dnc/777", &s).await;
    assert_eq!(status, 200, "no exact example: the first successful one answers");
    assert_eq!(v["id"], json!(881234));
}

#[tokio::test]
async fn count_above_the_cap_is_clamped_to_it() {
    let sim = Simulator::builder().seed_dnc(2500).start().await.unwrap();
    let s = session(&sim, &sim.user()).await;
    let (status, v) = get(&sim, "/compliance/dnc?dncType=PERMANENT&offset=0&count=5000", &s).await;
    assert_eq!(status, 200);
    assert_eq!(v["dnc"].as_array().unwrap().len(), 1000, "clamped to max_count 1000");
    let next = v["next"].as_str().expect("more remain, so there is a next link");
    assert!(next.contains("offset=1000") && next.contains("count=1000"), "{next}");
}

#[tokio::test]
async fn a_walk_over_25000_seeded_entries_yields_each_exactly_once() {
    let sim = Simulator::builder().seed_dnc(25_000).start().await.unwrap();
    let s = session(&sim, &sim.user()).await;

    // Search with no criteria: every entry, following the `next` links the simulator writes.
    let mut url = format!("{}/compliance/dnc/search?offset=0&count=1000", sim.base_url());
    let mut seen = HashSet::new();
    let mut pages = 0;
    loop {
        let r = http().post(&url).header("LV-Session", &s).json(&json!({})).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        for e in v["dnc"].as_array().unwrap() {
            assert!(seen.insert(e["id"].as_i64().unwrap()), "entry {} twice", e["id"]);
        }
        pages += 1;
        match v.get("next").and_then(Value::as_str) {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25_000);
    assert_eq!(pages, 25);
    assert_eq!(seen, (1..=25_000).collect::<HashSet<i64>>());

    // List filters by dncType, which the entries carry: half of them are permanent.
    let mut offset = 0;
    let mut permanent = HashSet::new();
    loop {
        let (status, v) = get(&sim, &format!("/compliance/dnc?dncType=PERMANENT&offset={offset}&count=1000"), &s).await;
        assert_eq!(status, 200);
        let items = v["dnc"].as_array().unwrap();
        for e in items {
            assert_eq!(e["dncType"], json!("PERMANENT"));
            assert!(permanent.insert(e["id"].as_i64().unwrap()));
        }
        offset += items.len();
        if v.get("next").is_none() {
            break;
        }
    }
    assert_eq!(permanent.len(), 12_500);
    let (_, past_the_end) = get(&sim, "/compliance/dnc?dncType=PERMANENT&offset=99999&count=10", &s).await;
    assert_eq!(past_the_end["dnc"], json!([]));
}

#[tokio::test]
async fn a_rate_limit_answers_429_with_retry_after() {
    let sim = Simulator::builder().rate_limit("compliance.create_dnc", 3, Duration::from_secs(60)).start().await.unwrap();
    let s = session(&sim, &sim.user()).await;
    let create = || http().post(format!("{}/compliance/dnc", sim.base_url())).header("LV-Session", &s).json(&json!({"type": "DAILY", "phone": "1"}));
    for _ in 0..3 {
        assert_eq!(create().send().await.unwrap().status(), 201);
    }
    let r = create().send().await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("Retry-After seconds");
    assert!((58..=60).contains(&retry), "{retry}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], json!(429));

    // The limit is per client: the agent of the same client shares it; a short window frees.
    let agent = session(&sim, &sim.agent()).await;
    let r = http().post(format!("{}/compliance/dnc", sim.base_url())).header("LV-Session", &agent).json(&json!({"type": "DAILY"})).send().await.unwrap();
    assert_eq!(r.status(), 429);

    let quick = Simulator::builder().rate_limit("compliance.create_dnc", 1, Duration::from_millis(600)).start().await.unwrap();
    let s = session(&quick, &quick.user()).await;
    let create = || http().post(format!("{}/compliance/dnc", quick.base_url())).header("LV-Session", &s).json(&json!({"type": "DAILY"}));
    assert_eq!(create().send().await.unwrap().status(), 201);
    let r = create().send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"), "rounded up to whole seconds");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(create().send().await.unwrap().status(), 201, "the window rolled on");
}

/// Every operation the spec gives a rate limit (LiveVox's Append Campaign: 5 a minute) is
/// throttled: its first example, sent one time more than the limit allows, gets 429.
#[tokio::test]
async fn the_specs_rate_limits_are_enforced() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let ir = livevox_codegen::generate_dir(&spec, "spec", &livevox_codegen::Config::default()).expect("spec/ generates").ir;
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    let mut checked = 0;
    for op in ir.apis.iter().flat_map(|a| &a.categories).flat_map(|c| &c.operations) {
        let (Some(limit), Some(example)) = (op.rate_limit, op.examples.first()) else { continue };
        let mut path = op.path.clone();
        for (name, v) in &example.path {
            let text = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            path = path.replace(&format!("{{{name}}}"), &text);
        }
        let query: Vec<(String, String)> =
            example.query.iter().map(|(n, v)| (n.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect();
        let send = || {
            let mut req = http()
                .request(reqwest::Method::from_bytes(op.method.as_str().as_bytes()).unwrap(), format!("{}{path}", sim.base_url()))
                .query(&query)
                .header("LV-Session", &s);
            if let Some(b) = &example.body {
                req = req.json(b);
            }
            req.send()
        };
        for i in 0..limit.calls {
            let status = send().await.unwrap().status();
            assert!(status.is_success(), "{} call {i}: {status}", op.id);
        }
        let r = send().await.unwrap();
        assert_eq!(r.status(), 429, "{}: call {} of {} in {} s", op.id, limit.calls + 1, limit.calls, limit.per_seconds);
        assert!(r.headers().contains_key("retry-after"));
        checked += 1;
    }
    assert!(checked > 0 || ir.apis.iter().flat_map(|a| &a.categories).flat_map(|c| &c.operations).all(|o| o.rate_limit.is_none()));
}

#[tokio::test]
async fn injected_failures_delays_and_xml_errors() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    sim.faults().fail_next(2, 503);
    assert_eq!(get(&sim, INFO, &s).await.0, 503);
    let (status, v) = get(&sim, INFO, &s).await;
    assert_eq!(status, 503);
    assert_eq!(v["code"], json!(503));
    assert_eq!(get(&sim, INFO, &s).await.0, 200, "the burst is over");

    sim.faults().delay(Duration::from_millis(300));
    let t = Instant::now();
    assert_eq!(get(&sim, INFO, &s).await.0, 200);
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());
    sim.faults().delay(Duration::ZERO);

    sim.faults().xml_errors(true);
    let r = http().get(format!("{}/compliance/nowhere", sim.base_url())).header("LV-Session", &s).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/xml"));
    let text = r.text().await.unwrap();
    assert!(text.contains("<ErrorResponse code=\"404\" message=\""), "{text}");
    sim.faults().reset();
    assert_eq!(get(&sim, "/compliance/nowhere", &s).await.1["code"], json!(404), "JSON again after reset");

    let faults: Vec<_> = sim.requests().iter().filter_map(|r| r.fault).collect();
    assert_eq!(faults, vec!["injected failure", "injected failure"]);
}

#[tokio::test]
async fn dropped_connections_truncated_and_malformed_bodies() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;

    sim.faults().drop_next_connections(1);
    let err = http().get(format!("{}{INFO}", sim.base_url())).header("LV-Session", &s).send().await.expect_err("the connection is dropped");
    assert!(err.is_request() || err.is_connect() || err.to_string().contains("connection"), "{err:?}");
    assert_eq!(get(&sim, INFO, &s).await.0, 200, "the next connection is served");

    sim.faults().truncate_next_bodies(1);
    let r = http().get(format!("{}{INFO}", sim.base_url())).header("LV-Session", &s).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.is_err(), "the body breaks off before its announced length");

    sim.faults().malformed_next_bodies(1);
    let r = http().get(format!("{}{INFO}", sim.base_url())).header("LV-Session", &s).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).is_err(), "not JSON");
    assert_eq!(get(&sim, INFO, &s).await.0, 200);

    let log = sim.requests();
    assert!(log.iter().any(|r| r.fault == Some("dropped connection") && r.status == 0));
    assert!(log.iter().any(|r| r.fault == Some("truncated body")));
    assert!(log.iter().any(|r| r.fault == Some("malformed body")));
}

const BULK: &str = "/contact/contacts/bulk";
const RECORDING_ID: &str = "9F3A2C71-5B1D-4C9E-9A3F-6D2B8E1F0A47";

/// A POST to `POST /contact/contacts/bulk` with a session, this `Accept` and this body.
async fn bulk(sim: &RunningSimulator, session: &str, accept: &str, body: Value) -> reqwest::Response {
    http()
        .post(format!("{}{BULK}", sim.base_url()))
        .header("LV-Session", session)
        .header("accept", accept)
        .json(&body)
        .send()
        .await
        .expect("answered")
}

#[tokio::test]
async fn operations_sharing_a_method_and_path_are_told_apart_by_the_body() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    let last_operation = || sim.requests().last().and_then(|r| r.operation.clone());

    // Create Contacts: `createContactDetails`, answered as JSON.
    let create = json!({"createContactDetails": [{"account": "ACCT-1"}]});
    let r = bulk(&sim, &s, "application/json", create.clone()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["message"], json!("2 contacts created"));
    assert_eq!(last_operation().as_deref(), Some("contact.create_contacts"));

    // Bulk Contact Download: its own fields, answered as CSV, asked for as JSON (LiveVox
    // supports no other `Accept`) or as CSV.
    let download = json!({"startDate": 1709251200000_i64, "endDate": 1711929599000_i64, "exportableFields": ["account", "firstName", "lastName", "phone1"]});
    let expected = livevox_sim::binary_body("contact.download_contacts", &[]).unwrap();
    for accept in ["application/json", "text/csv"] {
        let r = bulk(&sim, &s, accept, download.clone()).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/csv");
        let csv = r.bytes().await.unwrap();
        assert_eq!(&csv[..], &expected[..]);
        assert!(csv.starts_with(b"id,value\r\n"), "{csv:?}");
        assert_eq!(last_operation().as_deref(), Some("contact.download_contacts"));
    }

    // `{}` fits only the download (every field optional; the create needs its list).
    let r = bulk(&sim, &s, "text/csv", json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(last_operation().as_deref(), Some("contact.download_contacts"));

    // A body that fits neither gets the first one's 400, naming both.
    let r = bulk(&sim, &s, "application/json", json!({"exportableFields": ["account"], "createContactDetails": []})).await;
    assert_eq!(r.status(), 400);
    let message = r.json::<Value>().await.unwrap()["message"].as_str().unwrap_or_default().to_string();
    for needle in ["`contact.create_contacts` or `contact.download_contacts`", "fits neither", "`body.exportableFields` is not a field"] {
        assert!(message.contains(needle), "{message:?} should mention {needle:?}");
    }
    assert_eq!(last_operation().as_deref(), Some("contact.create_contacts"));

    // Once the body picks the download, `Accept` must allow its CSV or JSON.
    let r = bulk(&sim, &s, "text/html", json!({"exportableFields": ["allFields"]})).await;
    assert_eq!(r.status(), 400);
    let message = r.json::<Value>().await.unwrap()["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("Accept") && message.contains("text/csv"), "{message}");
    // And the create's JSON answer is not CSV.
    let r = bulk(&sim, &s, "text/csv", create).await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn a_binary_operation_answers_the_same_bytes_with_its_media_type() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    let fetch = |id: &str, accept: &str| {
        http().get(format!("{}/compliance/recording/{id}", sim.base_url())).header("LV-Session", &s).header("accept", accept).send()
    };
    let r = fetch(RECORDING_ID, "audio/mpeg").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "audio/mpeg");
    let bytes = r.bytes().await.unwrap();
    let expected = livevox_sim::binary_body("compliance.get_recording", &[("id", RECORDING_ID)]).unwrap();
    assert_eq!(&bytes[..], &expected[..]);
    assert_eq!(bytes[..2], [0xFF, 0xFB], "an MPEG-1 Layer III frame header");
    assert!(std::str::from_utf8(&bytes).is_err(), "not text");

    // The same id gives the same bytes; another id others; `audio/*` and `*/*` are fine.
    assert_eq!(fetch(RECORDING_ID, "audio/*").await.unwrap().bytes().await.unwrap(), bytes);
    let other = fetch("5B1D", "*/*").await.unwrap().bytes().await.unwrap();
    assert_ne!(other, bytes);
    assert_eq!(&other[..], &livevox_sim::binary_body("compliance.get_recording", &[("id", "5B1D")]).unwrap()[..]);

    // Asked for JSON (all LiveVox supports), it answers the same raw bytes by default...
    let r = fetch(RECORDING_ID, "application/json").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "audio/mpeg");
    assert_eq!(r.bytes().await.unwrap(), bytes);
    // ...and the JSON form, `{"binaryData": "<base64>"}`, when switched to it.
    sim.binary_as_base64_json(true);
    let r = fetch(RECORDING_ID, "application/json").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let body: Value = r.json().await.unwrap();
    let encoded = body["binaryData"].as_str().expect("binaryData is a string");
    use base64::Engine as _;
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap(), &expected[..]);
    sim.binary_as_base64_json(false);
    // Another type is not what it answers; the spec's error example still answers its status.
    let r = fetch(RECORDING_ID, "text/html").await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("audio/mpeg"));
    assert_eq!(fetch("00000000-0000-0000-0000-000000000000", "audio/mpeg").await.unwrap().status(), 404);

    let err = livevox_sim::binary_body("compliance.read_dnc", &[("id", "1")]).unwrap_err();
    assert!(err.to_string().contains("does not answer binary data"), "{err}");
}

#[tokio::test]
async fn the_request_log_names_operations_and_statuses() {
    let sim = start().await;
    let s = session(&sim, &sim.user()).await;
    get(&sim, INFO, &s).await;
    let log = sim.requests();
    let ops: Vec<(Option<&str>, u16)> = log.iter().map(|r| (r.operation.as_deref(), r.status)).collect();
    assert_eq!(ops, vec![(Some("session.login"), 200), (Some("compliance.get_dnc_list_info"), 200)]);
    assert_eq!(log[1].header("lv-session"), Some(s.as_str()));
    assert_eq!(log[1].query.as_deref(), Some("dncType=PERMANENT"));
    sim.clear_requests();
    assert!(sim.requests().is_empty());
    assert!(sim.operations().contains(&"compliance.list_dnc".to_string()));
}

#[tokio::test]
async fn another_spec_directory_and_shutdown() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let sim = Simulator::from_spec_dir(&dir).start().await.expect("the spec directory loads");
    let s = session(&sim, &sim.user()).await;
    assert_eq!(get(&sim, INFO, &s).await.0, 200);
    let url = format!("{}{INFO}", sim.base_url());
    sim.shutdown().await;
    assert!(http().get(url).send().await.is_err(), "nothing listens after shutdown");

    let err = Simulator::from_spec_dir("/nonexistent/spec").start().await.expect_err("no spec there");
    assert!(matches!(err, livevox_sim::SimError::Spec(_)), "{err}");
    let err = Simulator::builder().seed("NoSuchModel", 3).start().await.expect_err("unknown model");
    assert!(err.to_string().contains("NoSuchModel"));
    let err = Simulator::builder().rate_limit("x.y", 1, Duration::from_secs(1)).start().await.expect_err("unknown operation");
    assert!(err.to_string().contains("x.y"));
}

/// The sample "Functions" APIs live outside `spec/` (`tests/sample-apis/spec`): served next to
/// LiveVox when asked for, with LiveVox's sessions (Screen Pop relays them), and a mistake in
/// the extra directory is a spec error naming its file.
#[tokio::test]
async fn an_extra_spec_directory_is_served_next_to_livevox() {
    let extra = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sample-apis/spec");
    const CARD: &str = "/screenpop/cards/ACCT-10042";
    let plain = start().await;
    assert!(!plain.operations().iter().any(|o| o == "screen_pop_cards.read_card"), "spec/ alone has no sample API");
    assert_eq!(get(&plain, CARD, "x").await.0, 404);

    let sim = Simulator::builder().extra_spec_dir(&extra).start().await.expect("spec/ and the sample APIs load as one spec");
    let ops = sim.operations();
    assert!(ops.iter().any(|o| o == "screen_pop_cards.read_card") && ops.iter().any(|o| o == "crm_contacts.read_contact"));
    assert!(ops.len() > plain.operations().len() + 10, "LiveVox's operations are all still served");
    let s = session(&sim, &sim.user()).await;
    let (status, card) = get(&sim, CARD, &s).await;
    assert_eq!((status, card["name"].as_str()), (200, Some("Ada Byron")), "a relayed LiveVox session is accepted");
    assert_eq!(get(&sim, CARD, "not-a-session").await.0, 401);
    assert_eq!(get(&sim, INFO, &s).await.0, 200, "LiveVox itself is unchanged");

    let broken = std::env::temp_dir().join(format!("livevox-sim-extra-{}", std::process::id()));
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("bad.yaml"), "api: Bad\nmodule: bad\ntype: api\nbase_url: https://bad.example\ncategories: [nope]\n").unwrap();
    let err = Simulator::builder().extra_spec_dir(&broken).start().await.expect_err("a bad extra spec is refused");
    assert!(matches!(err, livevox_sim::SimError::Spec(_)) && err.to_string().contains("bad.yaml"), "{err}");
    let _ = std::fs::remove_dir_all(&broken);
}

#[test]
fn a_simulator_started_without_a_runtime_serves_tests_on_other_runtimes() {
    let sim = Simulator::builder().start_blocking().expect("starts on its own thread");
    for _ in 0..2 {
        // Each runtime ends before the next starts, as each #[tokio::test] does.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let s = session(&sim, &sim.user()).await;
            assert_eq!(get(&sim, INFO, &s).await.0, 200);
        });
    }
}

#[tokio::test]
async fn configuration_lists_page_their_seeded_items_with_offset_count_and_next() {
    // (seed model, path, items field): the lists LiveVox pages with `offset` and `count`.
    let lists = [
        ("ConfigAgent", "/configuration/agents", "agent"),
        ("ConfigCallCenter", "/configuration/callCenters", "callCenter"),
        ("ConfigService", "/configuration/services?callCenter=12", "service"),
        ("ConfigTermCode", "/configuration/termCodes", "termCode"),
    ];
    let mut builder = Simulator::builder();
    for (model, _, _) in lists {
        builder = builder.seed(model, 5);
    }
    let sim = builder.start().await.expect("every configuration list has a seedable item model");
    let s = session(&sim, &sim.user()).await;
    for (_, path, items) in lists {
        let sep = if path.contains('?') { '&' } else { '?' };
        let page = |offset: u32| {
            http().get(format!("{}{path}{sep}offset={offset}&count=2", sim.base_url())).header("LV-Session", &s).send()
        };
        let first: Value = page(0).await.unwrap().json().await.unwrap();
        assert_eq!(first[items].as_array().map(Vec::len), Some(2), "{path}: {first}");
        assert!(first["next"].as_str().is_some_and(|n| n.contains("offset=2")), "{path}: {first}");
        let last: Value = page(4).await.unwrap().json().await.unwrap();
        assert_eq!(last[items].as_array().map(Vec::len), Some(1), "{path}: {last}");
        assert!(last.get("next").is_none(), "{path}: the last page has no next link: {last}");
    }
}

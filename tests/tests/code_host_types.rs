//! The Code host sample API's milestones and timelines against the simulator (issue 17): times
//! as RFC 3339 text, nullable fields cleared with `null` through `Patch`, an untagged union in a
//! request and a tagged one in a response. Assertions are on the literal requests the
//! simulator saw, so the client and the simulator cannot agree on a wrong wire form.

use livevox_generated::runtime::rfc3339::{parse_date, parse_datetime};
use livevox_generated::runtime::{DateTime, Patch};
use livevox_sample_apis::code_host;
use livevox_sample_apis::code_host::code_host_milestones::{LabelInput, LabelObject, NewMilestone, TimelineEvent};
use livevox_sim::{LoggedRequest, RunningSimulator, Simulator};
use serde_json::{json, Value};

async fn start() -> (RunningSimulator, code_host::Client) {
    let sim = Simulator::builder().extra_spec_dir(livevox_sample_apis::SPEC_DIR).start().await.expect("the simulator starts");
    let client = code_host::Client::builder()
        .base_url(sim.base_url())
        .allow_plain_http_for_loopback_tests()
        .bearer_token(sim.api_credentials().bearer_token.as_str())
        .build()
        .expect("a client of the simulator builds");
    (sim, client)
}

/// The one request the simulator logged for `operation`.
fn the_request(sim: &RunningSimulator, operation: &str) -> LoggedRequest {
    let seen: Vec<LoggedRequest> = sim.requests().into_iter().filter(|r| r.operation.as_deref() == Some(operation)).collect();
    assert_eq!(seen.len(), 1, "one {operation} request, not {seen:?}");
    seen.into_iter().next().expect("one request")
}

fn at(text: &str) -> DateTime {
    parse_datetime(text).expect("a valid RFC 3339 time")
}

#[tokio::test]
async fn times_go_out_and_come_back_as_rfc3339() {
    let (sim, client) = start().await;
    let milestones = client.code_host_milestones().list_milestones("octo", "hello").since(at("2011-04-01T02:00:00+02:00")).await.unwrap();
    let r = the_request(&sim, "code_host_milestones.list_milestones");
    // Normalised to UTC, written with `Z`, percent-encoded as a query value.
    assert_eq!(r.query.as_deref(), Some("since=2011-04-01T00%3A00%3A00Z"));

    // The example's answer: RFC 3339 with fractions and offsets, null and absent alike.
    assert_eq!(milestones.len(), 2);
    assert_eq!(milestones[0].due_on, Some(at("2012-10-09T23:39:01Z")));
    assert_eq!(milestones[0].description, None, "null reads as None");
    assert_eq!(milestones[0].created_at.to_string(), "2011-04-10T20:09:31.000Z");
    assert_eq!(milestones[1].due_on, None, "absent reads as None");
    assert_eq!(milestones[1].created_at, at("2011-04-11T06:00:00.250Z"), "the offset is normalised to UTC");

    // A created milestone's body carries the time as text; the simulator's made-up answer has
    // RFC 3339 times that the client decodes.
    let new = NewMilestone::new("v3.0").with_due_on(at("2011-05-01T12:30:00.5Z"));
    let created = client.code_host_milestones().create_milestone("octo", "hello", new).await.unwrap();
    let r = the_request(&sim, "code_host_milestones.create_milestone");
    assert_eq!(serde_json::from_str::<Value>(&r.body).unwrap(), json!({ "title": "v3.0", "due_on": "2011-05-01T12:30:00.500Z" }));
    assert!(created.created_at.to_chrono().is_some());
    assert_eq!(parse_date("2011-05-01").unwrap().to_string(), "2011-05-01");
}

#[tokio::test]
async fn the_simulator_refuses_epoch_millis_where_the_spec_says_rfc3339() {
    let (sim, _client) = start().await;
    let url = format!("{}/repos/octo/hello/milestones?since=1301616000000", sim.base_url());
    let answer = reqwest::Client::new().get(url).bearer_auth(sim.api_credentials().bearer_token).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let text = answer.text().await.unwrap();
    assert!(text.contains("not an RFC 3339 date-time"), "{text}");
}

#[tokio::test]
async fn patch_fields_clear_with_null_and_keep_sends_nothing() {
    let (sim, client) = start().await;
    let milestones = client.code_host_milestones();
    milestones.update_milestone("octo", "hello", 1).title("v1.1").clear_due_on().clear_description().await.unwrap();
    let r = the_request(&sim, "code_host_milestones.update_milestone");
    // Literal nulls for the cleared fields; `state` was left as it is, so it is not sent. (The
    // runtime builds a body as a JSON value, whose keys are in sorted order.)
    assert_eq!(r.body, r#"{"description":null,"due_on":null,"title":"v1.1"}"#);

    sim.clear_requests();
    milestones.update_milestone("octo", "hello", 1).due_on(at("2012-01-01T00:00:00Z")).await.unwrap();
    let r = the_request(&sim, "code_host_milestones.update_milestone");
    assert_eq!(r.body, r#"{"due_on":"2012-01-01T00:00:00Z"}"#);

    sim.clear_requests();
    milestones.update_milestone("octo", "hello", 1).await.unwrap();
    assert_eq!(the_request(&sim, "code_host_milestones.update_milestone").body, "{}", "nothing set, nothing sent");

    // The three states, as a caller holding a value would pass them along.
    assert_eq!(Patch::from(Some(3)), Patch::Set(3));
    assert_eq!(Patch::<i32>::from(None), Patch::Null);
}

#[tokio::test]
async fn both_label_shapes_go_out_as_written() {
    let (sim, client) = start().await;
    let labels: Vec<LabelInput> = vec![String::from("bug").into(), LabelObject::new("help wanted").with_color("008672").into()];
    client.code_host_milestones().set_labels("octo", "hello", 7, labels).await.unwrap();
    let r = the_request(&sim, "code_host_milestones.set_labels");
    assert_eq!(r.body, r#"{"labels":["bug",{"color":"008672","name":"help wanted"}]}"#);

    // A label of neither shape is refused by the simulator, which names the shapes it tried.
    let url = format!("{}/repos/octo/hello/issues/7/labels", sim.base_url());
    let answer =
        reqwest::Client::new().put(url).bearer_auth(sim.api_credentials().bearer_token).json(&json!({ "labels": [5] })).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let text = answer.text().await.unwrap();
    assert!(text.contains("matches no shape of `LabelInput`; tried string") && text.contains("LabelObject ("), "{text}");

    // Decoding tries the shapes in order and says which it tried when none fits.
    let e = serde_json::from_str::<LabelInput>("5").unwrap_err().to_string();
    assert!(e.starts_with("the value matches no shape of `LabelInput`; tried string (invalid type: integer `5`"), "{e}");
    assert!(e.contains("; LabelObject (invalid type"), "{e}");
}

#[tokio::test]
async fn an_unknown_timeline_event_decodes_into_the_catch_all() {
    let (_sim, client) = start().await;
    let events = client.code_host_milestones().list_timeline("octo", "hello", 7).await.unwrap();
    assert_eq!(events.len(), 3);
    let TimelineEvent::Labeled(labeled) = &events[0] else { panic!("a labeled event first, not {:?}", events[0]) };
    assert_eq!((labeled.label.name.as_str(), labeled.created_at), ("bug", at("2011-04-14T16:00:49Z")));
    let TimelineEvent::Milestoned(m) = &events[1] else { panic!("a milestoned event second, not {:?}", events[1]) };
    assert_eq!(m.milestone_title, "v1.0");
    assert_eq!(
        events[2],
        TimelineEvent::Unknown(json!({ "event": "transferred", "created_at": "2011-04-16T10:00:00Z", "from": "octo/old" })),
        "an event kind added later is kept as sent"
    );
    // Written back, each variant is its own value.
    assert_eq!(serde_json::to_value(&events[2]).unwrap()["from"], "octo/old");
    assert_eq!(serde_json::to_value(&events[0]).unwrap()["created_at"], "2011-04-14T16:00:49Z");
}

//! The generated client against the simulator: the client's transparent re-login when the
//! simulator ends its session, agent rules and API errors as the client reports them, and the
//! `Accept` of operations that answer CSV or audio.

#![allow(deprecated)] // the legacy DNC operations are deprecated in the spec, on purpose

use std::time::Duration;

use livevox_generated::compliance::{DncSearchCriteria, DncType};
use livevox_generated::{Client, Credentials};
use livevox_sim::{RunningSimulator, SimUser, Simulator};

fn client(sim: &RunningSimulator, user: &SimUser) -> Client {
    let credentials = if user.agent {
        Credentials::agent(user.client_name.as_str(), user.user_name.as_str(), user.password.as_str())
    } else {
        Credentials::user(user.client_name.as_str(), user.user_name.as_str(), user.password.as_str())
    };
    Client::builder()
        .base_url(sim.base_url())
        .allow_plain_http_for_loopback_tests()
        .access_token(sim.access_token())
        .credentials(credentials)
        .build()
        .expect("a client of the simulator builds")
}

fn logins(sim: &RunningSimulator) -> usize {
    sim.requests().iter().filter(|r| r.operation.as_deref() == Some("session.login")).count()
}

#[tokio::test]
async fn the_client_logs_in_again_when_the_session_expires() {
    let sim = Simulator::builder().session_idle_timeout(Duration::from_millis(500)).start().await.unwrap();
    let client = client(&sim, &sim.user());
    client.compliance().get_dnc_list_info(DncType::Permanent).await.expect("first call logs in");
    let first = client.runtime().session_id().expect("a session");
    assert_eq!(logins(&sim), 1);

    tokio::time::sleep(Duration::from_millis(700)).await;
    client.compliance().get_dnc_list_info(DncType::Permanent).await.expect("the call is replayed after a new login");
    assert_eq!(logins(&sim), 2);
    let second = client.runtime().session_id().expect("a session");
    assert_ne!(first.expose(), second.expose(), "a new session after expiry");
    let statuses: Vec<u16> = sim.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![200, 200, 401, 200, 200], "login, call, refused call, login, replayed call");

    // Ended by the simulator rather than by time: the same recovery.
    sim.expire_sessions();
    client.compliance().read_dnc(881234).await.expect("replayed again");
    assert_eq!(logins(&sim), 3);
}

#[tokio::test]
async fn an_agent_client_is_refused_what_agents_may_not_do() {
    let sim = Simulator::builder().start().await.unwrap();
    let agent = client(&sim, &sim.agent());
    agent.compliance().read_dnc(881234).await.expect("agents may read");
    let err = agent.compliance().delete_dnc(881234).await.expect_err("agents may not delete");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.api_code(), Some(403));
    let user = client(&sim, &sim.user());
    user.compliance().delete_dnc(881234).await.expect("users may delete");
}

#[tokio::test]
async fn the_client_pages_through_a_seeded_list() {
    let sim = Simulator::builder().seed_dnc(2_345).start().await.unwrap();
    let client = client(&sim, &sim.user());
    let mut offset = 0;
    let mut ids = Vec::new();
    loop {
        let page = client.compliance().search_dnc(DncSearchCriteria::new()).offset(offset).count(1000).await.expect("a page");
        offset += page.dnc.len() as i32;
        ids.extend(page.dnc.iter().map(|e| e.id));
        if page.next.is_none() {
            break;
        }
    }
    assert_eq!(ids, (1..=2_345).collect::<Vec<i64>>());
}

#[tokio::test]
async fn wrong_credentials_are_an_authorization_error() {
    let sim = Simulator::builder().start().await.unwrap();
    let wrong = SimUser { password: "wrong".into(), ..sim.user() };
    let err = client(&sim, &wrong).compliance().read_dnc(1).await.expect_err("login fails");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.api_message().is_some_and(|m| m.contains("Authorization error")), "{err}");
}

#[tokio::test]
async fn downloads_ask_for_json_and_give_the_bytes_of_a_raw_or_a_base64_answer() {
    use livevox_generated::contact::{Contact, ExportableContactField};

    let sim = Simulator::builder().start().await.unwrap();
    let client = client(&sim, &sim.user());
    let expected_audio = livevox_sim::binary_body("compliance.get_recording", &[("id", "R-77")]).unwrap();
    let expected_csv = livevox_sim::binary_body("contact.download_contacts", &[]).unwrap();
    let download = || client.contact().download_contacts().fields(vec![ExportableContactField::AllFields]);

    // Raw answers: the MP3 and the CSV as they are.
    let audio = client.compliance().get_recording("R-77").await.expect("the recording downloads");
    assert_eq!(&audio[..], &expected_audio[..]);
    let csv = download().await.expect("the CSV downloads");
    assert_eq!(&csv[..], &expected_csv[..]);
    assert!(std::str::from_utf8(&csv).unwrap().contains("\r\n"), "{csv:?}");
    client.contact().create_contacts(vec![Contact::new("ACCT-9")]).await.expect("the create goes to the create");

    // The JSON form, `{"binaryData": "<base64>"}`: the caller gets the same bytes.
    sim.binary_as_base64_json(true);
    let audio = client.compliance().get_recording("R-77").await.expect("the recording downloads as JSON");
    assert_eq!(&audio[..], &expected_audio[..]);
    let csv = download().await.expect("the CSV downloads as JSON");
    assert_eq!(&csv[..], &expected_csv[..]);
    sim.binary_as_base64_json(false);

    let log = sim.requests();
    let seen: Vec<(Option<&str>, Option<&str>)> =
        log.iter().skip(1).map(|r| (r.operation.as_deref(), r.header("accept"))).collect();
    assert_eq!(
        seen,
        [
            (Some("compliance.get_recording"), Some("application/json")),
            (Some("contact.download_contacts"), Some("application/json")),
            (Some("contact.create_contacts"), Some("application/json")),
            (Some("compliance.get_recording"), Some("application/json")),
            (Some("contact.download_contacts"), Some("application/json")),
        ]
    );
}

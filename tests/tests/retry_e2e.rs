//! The generated client's retry and throttle handling against the simulator, in real time:
//! a throttled Append waits out the simulator's `Retry-After` and goes through, a 503 burst on
//! a GET is retried away, a POST that gets a 503 is sent once, and a dropped connection on a
//! GET is retried.

#![allow(deprecated)] // the legacy DNC operations are deprecated in the spec, on purpose

use std::time::{Duration, Instant};

use livevox_generated::campaign::CampaignRecord;
use livevox_generated::compliance::{DncType, NewDncEntry};
use livevox_generated::runtime::{Jitter, RetryConfig};
use livevox_generated::Client;
use livevox_sim::{RunningSimulator, Simulator};

mod support;

fn client(sim: &RunningSimulator) -> Client {
    let user = sim.user();
    support::sim_client(sim, &user)
        .retry(RetryConfig::default().jitter(Jitter::None).initial_backoff(Duration::from_millis(20)))
        .build()
        .unwrap()
}

/// The statuses answered to `method path` (faulted requests are logged without an operation).
fn statuses(sim: &RunningSimulator, method: &str, path: &str) -> Vec<u16> {
    sim.requests().iter().filter(|r| r.method == method && r.path == path).map(|r| r.status).collect()
}

#[tokio::test]
async fn a_throttled_append_waits_for_retry_after_and_goes_through() {
    // Stricter than the spec's 5 a minute, which the client keeps to: 1 a second.
    let sim = Simulator::builder().rate_limit("campaign.append_campaign", 1, Duration::from_secs(1)).start().await.unwrap();
    let client = client(&sim);
    client.runtime().login().await.unwrap();
    let start = Instant::now();
    for i in 0..3 {
        client.campaign().append_campaign(7710021, vec![CampaignRecord::new(format!("617555{i:04}"))]).await.unwrap();
    }
    let sent = statuses(&sim, "PUT", "/campaign/campaigns/7710021/transactions");
    assert_eq!(sent.iter().filter(|&&s| s == 204).count(), 3, "{sent:?}");
    assert!(sent.contains(&429), "the simulator throttled some: {sent:?}");
    assert!(start.elapsed() >= Duration::from_secs(2), "each throttled call waited its Retry-After");
}

#[tokio::test]
async fn a_503_burst_on_a_get_is_retried_and_a_post_is_sent_once() {
    let sim = Simulator::builder().start().await.unwrap();
    let client = client(&sim);
    client.runtime().login().await.unwrap();

    sim.faults().fail_next(2, 503);
    client.compliance().get_dnc_list_info(DncType::Permanent).await.expect("the third attempt succeeds");
    assert_eq!(statuses(&sim, "GET", "/compliance/dnc/info"), [503, 503, 200]);

    sim.faults().fail_next(1, 503);
    let err = client.compliance().create_dnc(NewDncEntry::new(DncType::Permanent).with_phone("6175550100")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(statuses(&sim, "POST", "/compliance/dnc"), [503], "a POST that may have been applied is not replayed");
}

#[tokio::test]
async fn a_dropped_connection_on_a_get_is_retried() {
    let sim = Simulator::builder().start().await.unwrap();
    let client = client(&sim);
    client.runtime().login().await.unwrap();
    sim.faults().drop_next_connections(1);
    client.compliance().get_dnc_list_info(DncType::Permanent).await.expect("the retry succeeds");
    assert_eq!(statuses(&sim, "GET", "/compliance/dnc/info"), [0, 200]);
}

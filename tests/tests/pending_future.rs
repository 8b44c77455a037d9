//! The future a request builder becomes (`.await`, `send()`, `into_future()`) is the runtime's
//! generic `Pending`: `Send`, `Unpin` and `'static`, so it can be spawned on a multi-threaded
//! tokio runtime; it sends nothing until polled, and every way of sending gives the same result.

use std::future::IntoFuture;
use std::time::Duration;

use livevox_generated::configuration::ListAgentsRequest;
use livevox_generated::runtime::{Call, Pending};
use livevox_generated::{Client, Credentials};
use livevox_sim::{RunningSimulator, Simulator};

fn client(sim: &RunningSimulator) -> Client {
    let user = sim.user();
    Client::builder()
        .base_url(sim.base_url())
        .allow_plain_http_for_loopback_tests()
        .access_token(sim.access_token())
        .credentials(Credentials::user(user.client_name.as_str(), user.user_name.as_str(), user.password.as_str()))
        .build()
        .unwrap()
}

fn calls_of(sim: &RunningSimulator, operation: &str) -> usize {
    sim.requests().iter().filter(|r| r.operation.as_deref() == Some(operation)).count()
}

/// Compiles only for futures a caller can spawn and move freely.
fn spawnable<F: std::future::Future + Send + Unpin + 'static>(future: F) -> F {
    future
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_futures_spawn_on_a_multi_threaded_runtime() {
    let sim = Simulator::builder().seed("ConfigAgent", 5).start().await.unwrap();
    let client = client(&sim);
    let config = client.configuration();

    let awaited: Pending<ListAgentsRequest> = spawnable(config.list_agents().count(2).into_future());
    let sent: Pending<ListAgentsRequest> = spawnable(config.list_agents().offset(2).count(2).send());
    let (first, second) = (tokio::spawn(awaited), tokio::spawn(sent));
    let first = first.await.expect("the task ran").expect("the call succeeded");
    let second = second.await.expect("the task ran").expect("the call succeeded");
    assert_eq!(first.agents.iter().map(|a| a.id).collect::<Vec<_>>(), [Some(1), Some(2)]);
    assert_eq!(second.agents.iter().map(|a| a.id).collect::<Vec<_>>(), [Some(3), Some(4)]);
    assert_eq!(calls_of(&sim, "configuration.list_agents"), 2);
}

#[tokio::test]
async fn nothing_is_sent_before_the_first_poll_and_every_way_agrees() {
    let sim = Simulator::builder().seed("ConfigAgent", 3).start().await.unwrap();
    let client = client(&sim);
    let config = client.configuration();

    let pending = config.list_agents().timeout(Duration::from_secs(10)).into_future();
    assert!(format!("{pending:?}").starts_with("Pending(ListAgentsRequest"), "{pending:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(calls_of(&sim, "configuration.list_agents"), 0, "a future that was never polled sent a request");
    drop(pending);
    assert_eq!(calls_of(&sim, "configuration.list_agents"), 0, "dropping an unpolled future sent a request");

    let ids = |page: livevox_generated::configuration::ConfigAgentPage| page.agents.into_iter().map(|a| a.id).collect::<Vec<_>>();
    let by_await = ids(config.list_agents().await.unwrap());
    let by_send = ids(config.list_agents().send().await.unwrap());
    let by_call = ids(Call::call(config.list_agents()).await.unwrap());
    assert_eq!(by_await, [Some(1), Some(2), Some(3)]);
    assert_eq!(by_send, by_await);
    assert_eq!(by_call, by_await);
    assert_eq!(calls_of(&sim, "configuration.list_agents"), 3);
}

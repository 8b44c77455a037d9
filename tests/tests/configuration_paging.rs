//! The configuration lists (agents, call centers, services, term codes) page with
//! `offset`/`count` and `next` like every LiveVox list: through the generated client against
//! the simulator, `items()` yields every seeded item once and in order, one request per page,
//! and `pages()` stops at the page without a `next` link.

use futures_util::{StreamExt, TryStreamExt};

use livevox_generated::Client;
use livevox_sim::{RunningSimulator, Simulator};

mod support;

const AGENTS: usize = 2_500;

async fn client(sim: &RunningSimulator) -> Client {
    let user = sim.user();
    support::sim_client(sim, &user).build().unwrap()
}

fn pages_of(sim: &RunningSimulator, operation: &str) -> usize {
    sim.requests().iter().filter(|r| r.operation.as_deref() == Some(operation)).count()
}

#[tokio::test]
async fn list_agents_items_walk_every_agent_once_in_order_a_page_a_request() {
    let sim = Simulator::builder().seed("ConfigAgent", AGENTS).start().await.unwrap();
    let client = client(&sim).await;
    let ids: Vec<i64> = client.configuration().list_agents().items().map(|a| a.unwrap().id.expect("seeded agents have ids")).collect().await;
    assert_eq!(ids, (1..=AGENTS as i64).collect::<Vec<_>>());
    // The page size defaults to the cap, 1000: three pages, the last without `next`.
    assert_eq!(pages_of(&sim, "configuration.list_agents"), 3);
}

#[tokio::test]
async fn call_centers_services_and_term_codes_page_too() {
    let sim = Simulator::builder().seed("ConfigCallCenter", 7).seed("ConfigService", 7).seed("ConfigTermCode", 7).start().await.unwrap();
    let client = client(&sim).await;
    let config = client.configuration();

    let sizes: Vec<usize> = config.list_call_centers().count(3).pages().map_ok(|p| p.call_centers.len()).try_collect().await.unwrap();
    assert_eq!(sizes, [3, 3, 1]);
    let services: Vec<_> = config.list_services(12).count(3).items().try_collect().await.unwrap();
    assert_eq!(services.len(), 7);
    let term_codes: Vec<_> = config.list_term_codes().count(5).items().try_collect().await.unwrap();
    assert_eq!(term_codes.iter().map(|t| t.id).collect::<Vec<_>>(), (1..=7).map(Some).collect::<Vec<_>>());
    assert_eq!(
        ["configuration.list_call_centers", "configuration.list_services", "configuration.list_term_codes"].map(|op| pages_of(&sim, op)),
        [3, 3, 2]
    );
}

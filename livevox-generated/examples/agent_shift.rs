//! An agent's shift through call control: log in as an agent, join a service, go ready, take a
//! call (accept, hold, unhold), save a term code, take a break with a reason, leave, log out.
//!
//! Against the bundled simulator the example offers the call itself, as LiveVox's dialer would.
//! Against LiveVox (`LV_ACCESS`, `LV_CLIENT`, `LV_USER`, `LV_PASSWORD` of an agent, plus
//! `LV_SERVICE_ID`, `LV_AGENT_PHONE` and `LV_TERM_CODE`) it waits up to two minutes for a call.
//!
//! ```sh
//! cargo run -p livevox-generated --example agent_shift
//! ```

mod support;

use std::time::{Duration, Instant};

use livevox_generated::call_control::{AgentStatusReport, LineNumber, ReasonCode};

/// Line state 12: a call is offered on the line (facts: LineState).
const OFFERED: i64 = 12;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// The ACD line's state and the offered call's transaction id and session, from a status report.
fn offered_call(report: &AgentStatusReport) -> Option<(i64, String, String)> {
    let line = report.agent_status.as_ref()?.lines.as_ref()?.first()?;
    let state = line.state.as_ref().and_then(|s| serde_json::to_value(s).ok()).and_then(|v| v.as_i64());
    if state != Some(OFFERED) {
        return None;
    }
    let call = line.call.as_ref()?;
    let transaction: i64 = call.call_transaction_id.as_deref()?.parse().ok()?;
    Some((transaction, call.call_session_id.clone().unwrap_or_default(), call.phone_number.clone().unwrap_or_default()))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (agent, target) = support::connect(true, livevox_sim::Simulator::builder()).await?;
    println!("agent_shift: talking to {}", target.describe());
    let service: i64 = env_or("LV_SERVICE_ID", "53661").parse().map_err(|_| "LV_SERVICE_ID is not a number")?;
    let cc = agent.call_control();

    agent.runtime().login().await?;
    cc.join_service(service).phone_number(env_or("LV_AGENT_PHONE", "6175550199")).await?;
    cc.change_to_ready().await?;
    println!("agent_shift: joined service {service} and ready");

    if let Some(sim) = target.simulator() {
        let user = sim.agent();
        sim.offer_call(&user.user_name, "6175550142", Some("AC-100234"))?;
    }
    let started = Instant::now();
    let (transaction, call_session, phone) = loop {
        if let Some(call) = offered_call(&cc.get_agent_status().await?) {
            break call;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err("no call was offered within two minutes".into());
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    println!("agent_shift: call {transaction} offered from {phone}");

    cc.accept_call(LineNumber::Acd).await?;
    cc.hold_call(LineNumber::Acd).await?;
    cc.unhold_call(LineNumber::Acd).await?;
    println!("agent_shift: accepted, held and unheld");

    let term_code = env_or("LV_TERM_CODE", "2154");
    cc.save_term_code(LineNumber::Acd, transaction, call_session.as_str(), term_code.as_str(), phone.as_str(), false)
        .service_id(service)
        .notes("Promised payment on Friday.")
        .await?;
    println!("agent_shift: term code {term_code} saved");

    cc.change_to_not_ready(ReasonCode::Break).await?;
    cc.leave_service().await?;
    if let Some(session) = agent.runtime().session_id() {
        agent.session().logout(session.expose()).await?;
    }
    println!("agent_shift: on a break, out of the service, logged out");
    Ok(())
}

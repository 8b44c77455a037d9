//! An agent's shift, end to end against the simulator and through the generated client only:
//! the agent logs in, joins a service, goes ready, a supervisor lists agents and sets the agent
//! not ready, the agent goes ready again, is offered a call (by the test, as LiveVox's dialer
//! would), accepts it, is monitored by the supervisor, holds and unholds, saves a term code,
//! goes not ready with a reason, leaves the service and logs out. Each step checks the agent's
//! state in the simulator and, where it matters, what went over the wire.

use livevox_generated::call_control::{AgentStatusReport, LineNumber, ReasonCode};
use livevox_generated::Client;
use livevox_sim::{AgentState, LoggedRequest, RunningSimulator, SimUser, Simulator};

mod support;

fn client(sim: &RunningSimulator, user: &SimUser) -> Client {
    support::sim_client(sim, user).build().expect("a client of the simulator builds")
}

/// The last request the simulator logged for an operation.
fn last(sim: &RunningSimulator, operation: &str) -> LoggedRequest {
    sim.requests().into_iter().rev().find(|r| r.operation.as_deref() == Some(operation)).unwrap_or_else(|| panic!("no {operation} request"))
}

fn state(sim: &RunningSimulator, agent: &str) -> AgentState {
    sim.agent_state(agent).unwrap_or_else(|| panic!("{agent} is not logged in")).state
}

/// The ACD line's `LineState` number in a status report.
fn line_state(report: &AgentStatusReport) -> Option<i32> {
    let status = report.agent_status.as_ref()?;
    let line = status.lines.as_ref()?.first()?;
    line.state.as_ref().map(|s| serde_json::to_value(s).ok().and_then(|v| v.as_i64()).unwrap_or(-1) as i32)
}

#[tokio::test]
async fn an_agents_shift() {
    let sim = Simulator::builder().start().await.expect("the simulator starts");
    let me = sim.agent();
    let agent = client(&sim, &me);
    let supervisor = client(&sim, &sim.user());
    let cc = agent.call_control();

    // Log in and join a service: not ready until the agent says otherwise.
    agent.runtime().login().await.expect("the agent logs in");
    assert_eq!(state(&sim, &me.user_name), AgentState::NotInService);
    cc.join_service(53661).phone_number("6175550199").await.expect("join");
    let join = last(&sim, "call_control.join_service");
    assert_eq!((join.method.as_str(), join.path.as_str()), ("POST", "/callControl/agent/service/join"));
    assert_eq!(join.query.as_deref(), Some("serviceId=53661&phoneNumber=6175550199"));
    assert!(join.header("lv-session").is_some(), "agent calls carry the agent's session");
    let joined = sim.agent_state(&me.user_name).unwrap();
    assert_eq!((joined.state, joined.service_id), (AgentState::NotReady, Some(53661)));

    cc.change_to_ready().await.expect("ready");
    assert_eq!(state(&sim, &me.user_name), AgentState::Ready);
    assert_eq!(line_state(&cc.get_agent_status().await.expect("status")), Some(2), "Ready is line state 2");

    // The supervisor lists agents and sets this one not ready for a meeting.
    supervisor.configuration().list_agents().count(100).await.expect("the supervisor lists agents");
    let report = supervisor
        .call_control()
        .supervisor_set_not_ready()
        .agents(vec![me.user_name.clone()])
        .reason_code(ReasonCode::Meeting)
        .message("Team huddle")
        .await
        .expect("set not ready");
    assert_eq!(report.agents.unwrap()[0].status.as_deref(), Some("OK"));
    let set = last(&sim, "call_control.supervisor_set_not_ready");
    assert_eq!(set.path, "/callControl/supervisor/agent/status/notready");
    let body: serde_json::Value = serde_json::from_str(&set.body).unwrap();
    assert_eq!(body, serde_json::json!({"agents": [me.user_name], "reasonCode": "Meeting", "message": "Team huddle"}));
    let held_back = sim.agent_state(&me.user_name).unwrap();
    assert_eq!((held_back.state, held_back.reason.as_deref()), (AgentState::NotReady, Some("Meeting")));

    // Back to ready; a call comes in and the agent accepts it.
    cc.change_to_ready().await.expect("ready again");
    let call = sim.offer_call(&me.user_name, "6175550142", Some("AC-100234")).expect("a ready agent gets a call");
    assert_eq!(state(&sim, &me.user_name), AgentState::Offered);
    let offered = cc.get_agent_status().await.expect("status");
    assert_eq!(line_state(&offered), Some(12), "an offered call reserves the line");
    let line_call = offered.agent_status.unwrap().lines.unwrap().remove(0).call.expect("the offered call is on the line");
    assert_eq!(line_call.call_transaction_id.as_deref(), Some(call.transaction_id.to_string().as_str()));
    cc.accept_call(LineNumber::Acd).await.expect("accept");
    let accept = last(&sim, "call_control.accept_call");
    assert_eq!((accept.path.as_str(), accept.query.as_deref(), accept.body.as_str()), ("/callControl/agent/customer/call/accept", Some("lineNumber=ACD"), ""));
    assert_eq!(state(&sim, &me.user_name), AgentState::OnCall);

    // The supervisor starts a monitor call and listens in; a status change is refused for an
    // agent on a call, without touching the call.
    supervisor.call_control().start_monitor_call("6175550166", "12").await.expect("monitor call");
    supervisor.call_control().listen_to_agent(me.user_name.as_str()).await.expect("listen");
    assert_eq!(last(&sim, "call_control.listen_to_agent").query.as_deref(), Some(format!("agentLoginId={}", me.user_name).as_str()));
    let refused = supervisor.call_control().supervisor_set_ready().agents(vec![me.user_name.clone()]).await.expect("a per-agent answer");
    assert_eq!(refused.agents.unwrap()[0].status.as_deref(), Some("ON_CALL"));
    assert_eq!(state(&sim, &me.user_name), AgentState::OnCall);

    cc.hold_call(LineNumber::Acd).await.expect("hold");
    assert_eq!(state(&sim, &me.user_name), AgentState::OnHold);
    cc.unhold_call(LineNumber::Acd).await.expect("unhold");
    assert_eq!(state(&sim, &me.user_name), AgentState::OnCall);

    // The outcome ends the call; the agent is ready again.
    cc.save_term_code(LineNumber::Acd, call.transaction_id, call.session_id.as_str(), "2154", call.phone.as_str(), false)
        .service_id(53661)
        .notes("Promised payment on Friday.")
        .await
        .expect("save the term code");
    let saved = last(&sim, "call_control.save_term_code");
    assert_eq!((saved.method.as_str(), saved.query.as_deref()), ("PUT", Some("lineNumber=ACD")));
    let body: serde_json::Value = serde_json::from_str(&saved.body).unwrap();
    assert_eq!(body["callTransactionId"], serde_json::json!(call.transaction_id));
    assert!(body.get("lineNumber").is_none(), "the query value is not copied into the body: {body}");
    let after = sim.agent_state(&me.user_name).unwrap();
    assert_eq!((after.state, after.call), (AgentState::Ready, None));

    // A break, with a documented reason spelling, then out of the service and logged out.
    cc.change_to_not_ready(ReasonCode::TechnicalDifficulties).await.expect("not ready");
    let not_ready = last(&sim, "call_control.change_to_not_ready");
    assert_eq!(not_ready.query.as_deref(), Some("reasonCode=Tech+Difficulties"), "form-encoded, as query strings are");
    assert_eq!(sim.agent_state(&me.user_name).unwrap().reason.as_deref(), Some("Tech Difficulties"));
    cc.leave_service().await.expect("leave");
    assert_eq!(state(&sim, &me.user_name), AgentState::NotInService);
    let session = agent.runtime().session_id().expect("a session");
    agent.session().logout(session.expose()).await.expect("log out");
    assert_eq!(sim.agent_state(&me.user_name), None, "logging out forgets the agent's state");

    // The agent side of the shift, in order, and nothing refused along the way.
    let agent_ops: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.header("lv-session") == Some(session.expose()) || r.operation.as_deref() == Some("session.logout"))
        .filter_map(|r| {
            assert!((200..300).contains(&r.status), "{:?} answered {}", r.operation, r.status);
            r.operation
        })
        .collect();
    assert_eq!(
        agent_ops,
        [
            "call_control.join_service",
            "call_control.change_to_ready",
            "call_control.get_agent_status",
            "call_control.change_to_ready",
            "call_control.get_agent_status",
            "call_control.accept_call",
            "call_control.hold_call",
            "call_control.unhold_call",
            "call_control.save_term_code",
            "call_control.change_to_not_ready",
            "call_control.leave_service",
            "session.logout",
        ]
    );
}

//! The simulator's agent state machine through the generated client: out-of-order calls answer
//! 409 with `{code, message}`, agent methods refuse user sessions, supervisor calls report per
//! agent, and logging out (or being logged off) forgets an agent's state.

use livevox_generated::call_control::{LineNumber, ReasonCode};
use livevox_generated::{Client, Credentials};
use livevox_sim::{AgentState, RunningSimulator, SimUser, Simulator};

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

fn status_of<T: std::fmt::Debug>(r: Result<T, livevox_generated::Error>) -> (u16, String) {
    let e = r.expect_err("the call must be refused");
    (e.status().map(|s| s.as_u16()).unwrap_or(0), e.to_string())
}

#[tokio::test]
async fn out_of_order_calls_answer_409_naming_the_state() {
    let sim = Simulator::builder().start().await.unwrap();
    let me = sim.agent();
    let agent = client(&sim, &me);
    let cc = agent.call_control();

    // Logged in, not in a service: nothing call-related is possible yet.
    agent.runtime().login().await.unwrap();
    assert_eq!(sim.agent_state(&me.user_name).map(|s| s.state), Some(AgentState::NotInService));
    let (status, message) = status_of(cc.change_to_ready().await);
    assert_eq!(status, 409, "{message}");
    assert!(message.contains("not in a service"), "{message}");

    cc.join_service(53661).phone_number("6175550199").await.unwrap();
    let (status, message) = status_of(cc.accept_call(LineNumber::Acd).await);
    assert_eq!(status, 409, "accept with no call offered: {message}");
    assert!(message.contains("a call offered"), "{message}");
    let (status, _) = status_of(cc.save_term_code(LineNumber::Acd, 5001, "SIM-CALL-5001", "2154", "6175550142", false).await);
    assert_eq!(status, 409, "a term code with no call");
    let (status, _) = status_of(cc.hold_call(LineNumber::Acd).await);
    assert_eq!(status, 409, "hold with no call");
    let (status, _) = status_of(cc.join_service(53662).await);
    assert_eq!(status, 409, "joining twice");

    // The refused call is in the log with its status; the state did not move.
    let last = sim.requests().pop().unwrap();
    assert_eq!(last.status, 409);
    let state = sim.agent_state(&me.user_name).unwrap();
    assert_eq!((state.state, state.service_id), (AgentState::NotReady, Some(53661)));
}

#[tokio::test]
async fn calls_are_offered_only_to_ready_agents_and_term_codes_must_name_the_call() {
    let sim = Simulator::builder().start().await.unwrap();
    let me = sim.agent();
    let cc_client = client(&sim, &me);
    let cc = cc_client.call_control();
    cc.join_service(53661).await.unwrap();
    let refused = sim.offer_call(&me.user_name, "6175550142", None).expect_err("not ready yet");
    assert!(refused.to_string().contains("ready agent"), "{refused}");
    cc.change_to_ready().await.unwrap();
    let call = sim.offer_call(&me.user_name, "6175550142", Some("AC-1")).unwrap();
    assert_eq!(sim.agent_state(&me.user_name).unwrap().state, AgentState::Offered);
    cc.reject_call(LineNumber::Acd).await.unwrap();
    assert_eq!(sim.agent_state(&me.user_name).unwrap().state, AgentState::Ready, "a rejected call leaves the agent ready");

    let second = sim.offer_call(&me.user_name, "6175550142", None).unwrap();
    assert_ne!(second.transaction_id, call.transaction_id);
    cc.accept_call(LineNumber::Acd).await.unwrap();
    cc.end_call(LineNumber::Acd).await.unwrap();
    assert_eq!(sim.agent_state(&me.user_name).unwrap().state, AgentState::WrapUp);
    let (status, _) = status_of(cc.save_term_code(LineNumber::Acd, call.transaction_id, call.session_id.as_str(), "2154", "6175550142", true).await);
    assert_eq!(status, 409, "the first (rejected) call is not the agent's call");
    cc.save_term_code(LineNumber::Acd, second.transaction_id, second.session_id.as_str(), "2154", "6175550142", true)
        .reason_code(ReasonCode::Lunch)
        .await
        .unwrap();
    let state = sim.agent_state(&me.user_name).unwrap();
    assert_eq!((state.state, state.reason.as_deref(), state.call), (AgentState::NotReady, Some("Lunch"), None));
}

#[tokio::test]
async fn agent_methods_need_an_agent_session_and_supervisor_methods_report_per_agent() {
    let sim = Simulator::builder().start().await.unwrap();
    let me = sim.agent();
    let user = client(&sim, &sim.user());
    let (status, message) = status_of(user.call_control().change_to_ready().await);
    assert_eq!(status, 403, "{message}");

    // Not logged in yet, then logged in but outside any service.
    let report = user.call_control().supervisor_set_ready().agents(vec![me.user_name.clone()]).await.unwrap();
    let statuses: Vec<_> = report.agents.unwrap().into_iter().map(|a| a.status.unwrap()).collect();
    assert_eq!(statuses, ["NOT_LOGGED_IN"]);
    let (status, _) = status_of(user.call_control().listen_to_agent(me.user_name.as_str()).await);
    assert_eq!(status, 404, "monitoring an agent who is not logged in");

    let agent = client(&sim, &me);
    agent.call_control().join_service(53661).await.unwrap();
    let report = user.call_control().supervisor_set_ready().agents(vec![me.user_name.to_lowercase()]).await.unwrap();
    assert_eq!(report.agents.unwrap()[0].status.as_deref(), Some("OK"), "login ids are case-insensitive");
    assert_eq!(sim.agent_state(&me.user_name).unwrap().state, AgentState::Ready);

    // Logged off by the supervisor: the session ends and the state is forgotten; the agent's
    // client logs in again on its next call, outside any service.
    user.call_control().supervisor_log_off_agents().agents(vec![me.user_name.clone()]).await.unwrap();
    assert_eq!(sim.agent_state(&me.user_name), None);
    let (status, _) = status_of(agent.call_control().change_to_not_ready(ReasonCode::Break).await);
    assert_eq!(status, 409, "after a new login the agent is outside any service again");
}

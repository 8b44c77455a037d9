//! The agent state machine: where each logged-in agent is (not in a service, not ready, ready,
//! offered a call, on a call, on hold, in wrap-up), how the call-control operations move it,
//! and the test-side controls (offer a call, read a state, prepare an agent for an operation).
//!
//! # How the simulator knows what an operation does
//!
//! The spec marks each call-control operation with `agent_action: <word>` (a closed vocabulary,
//! `livevox_codegen::ir::AgentAction`, validated like any other key). This module has one rule
//! per word; nothing here is keyed by operation name, so renaming an operation or adding one
//! with a known word needs no simulator change.
//!
//! # The states and their moves
//!
//! ```text
//! login ─▶ NotInService ─join_service─▶ NotReady ◀─not_ready/ready─▶ Ready
//!             ▲                            │  ▲                        │ offer_call (test)
//!             └────────leave_service───────┘  │                        ▼
//!                                             │   decline_call ◀── Offered
//!       save_term_code (moveAgentToNotReady)──┘                        │ accept_call
//!                                                                      ▼
//!   Ready ◀─save_term_code── WrapUp ◀─end_call── OnCall ◀─unhold/hold─▶ OnHold
//! ```
//!
//! `dial` (manual and preview dial) goes from ready or not ready straight to a call.
//! `save_term_code` is accepted on a call too (it ends the call), because an agent desktop may
//! save the outcome before hanging up. Logging out (or being logged off, or the session
//! expiring) forgets the agent's state.
//!
//! # What LiveVox does not say, and what the simulator assumes
//!
//! - A call made in the wrong state answers **409 Conflict** with `{code, message}` naming the
//!   state the agent is in (the facts list 409 as "conflict"; LiveVox does not document the
//!   status of an out-of-order call-control request).
//! - An agent-side operation called from a user (non-agent) session answers **403**: the agent
//!   API acts on the calling agent.
//! - Joining leaves the agent **not ready** without a reason, until the agent goes ready.
//! - Rejecting a call or sending it to voicemail leaves the agent **ready**.
//! - Supervisor calls never fail as a whole for one agent's state: each named agent gets a
//!   result, `OK`, or `NOT_LOGGED_IN`, `NOT_IN_SERVICE`, `ON_CALL` (status texts the simulator
//!   makes up; the .NET client only shows the field is a string).
//! - Monitoring (`monitor_agent`) an agent that is not logged in answers **404**.
//! - Get Agent Status answers one `ACD` line whose `state` is the .NET client's `LineState`
//!   number (Logon 1, Ready 2, NotReady 3, InCall 4, WrapUp 5, Hold 11, Reserved 12 for an
//!   offered call), with the call while there is one and the not-ready reason while there is
//!   one.
//! - A saved term code whose `callTransactionId` is not the agent's call answers 409.
//! - The supervisor's monitor call is not tracked: listen, coach and barge need only a
//!   logged-in agent, and Get Monitor Call answers from the spec's example.
//! - Manual-dial mode is not modelled: Change To Manual Dial needs a joined service and leaves
//!   the state as it is, and a manual or preview dial is accepted from ready or not ready.
//! - Transfers, conferences, recording and volume controls need a call and leave the state as
//!   it is (the other party is not modelled); the agent ends the call with End Call or Save
//!   Term Code.

use std::collections::HashMap;

use livevox_codegen::ir::AgentAction;
use serde_json::{json, Map, Value};

use crate::{RunningSimulator, SimError};

/// Where an agent is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentState {
    /// Logged in, not in a service.
    NotInService,
    /// In a service, not taking calls.
    NotReady,
    /// In a service, waiting for calls.
    Ready,
    /// A call is offered and waits to be accepted.
    Offered,
    /// On a call.
    OnCall,
    /// On a call that is on hold.
    OnHold,
    /// The call ended; a term code must be saved.
    WrapUp,
}

impl AgentState {
    /// The name used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            AgentState::NotInService => "not in a service",
            AgentState::NotReady => "not ready",
            AgentState::Ready => "ready",
            AgentState::Offered => "offered a call",
            AgentState::OnCall => "on a call",
            AgentState::OnHold => "on hold",
            AgentState::WrapUp => "in wrap-up",
        }
    }

    /// The .NET client's `LineState` number of the agent's ACD line in this state.
    fn line_state(self) -> i64 {
        match self {
            AgentState::NotInService => 1,
            AgentState::Ready => 2,
            AgentState::NotReady => 3,
            AgentState::OnCall => 4,
            AgentState::WrapUp => 5,
            AgentState::OnHold => 11,
            AgentState::Offered => 12,
        }
    }
}

/// A call the simulator offered to an agent ([`RunningSimulator::offer_call`]) or an agent dialed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCall {
    /// The call's transaction id (numbered from 5001 in each simulator).
    pub transaction_id: i64,
    /// The call's session id, `SIM-CALL-<transaction id>`.
    pub session_id: String,
    /// The customer's phone number.
    pub phone: String,
    /// The customer's account, when known.
    pub account: Option<String>,
}

/// An agent's state as the simulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentStatus {
    /// Where the agent is.
    pub state: AgentState,
    /// The service the agent joined.
    pub service_id: Option<i64>,
    /// The not-ready reason, while not ready with one.
    pub reason: Option<String>,
    /// The call, from the offer until its term code is saved.
    pub call: Option<SimCall>,
}

/// Every logged-in agent's state, by user index.
#[derive(Debug)]
pub(crate) struct Agents {
    by_user: HashMap<usize, AgentStatus>,
    next_call: i64,
}

impl Default for Agents {
    fn default() -> Self {
        Agents { by_user: HashMap::new(), next_call: 5001 }
    }
}

/// The request values a move may read.
#[derive(Debug, Default)]
pub(crate) struct Inputs<'a> {
    pub query: &'a [(String, String)],
    pub body: Option<&'a Value>,
}

impl Inputs<'_> {
    fn text(&self, name: &str) -> Option<String> {
        if let Some((_, v)) = self.query.iter().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        match self.body.and_then(|b| b.get(name))? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    fn int(&self, name: &str) -> Option<i64> {
        self.text(name).and_then(|t| t.parse().ok())
    }
}

/// What a request does once the state machine has seen it.
pub(crate) enum Outcome {
    /// Allowed; answer as any other operation (from the spec's examples).
    Continue,
    /// Answer this JSON body with the operation's success status.
    Json(Value),
    /// Refuse with this status and message.
    Refuse(u16, String),
}

impl Agents {
    /// An agent logged in: a first session starts it outside any service.
    pub(crate) fn logged_in(&mut self, user: usize) {
        self.by_user.entry(user).or_insert(AgentStatus { state: AgentState::NotInService, service_id: None, reason: None, call: None });
    }

    /// The agent's last session ended: its state is forgotten.
    pub(crate) fn logged_out(&mut self, user: usize) {
        self.by_user.remove(&user);
    }

    pub(crate) fn status(&self, user: usize) -> Option<&AgentStatus> {
        self.by_user.get(&user)
    }

    /// Offers a call to a ready agent.
    pub(crate) fn offer(&mut self, user: usize, phone: &str, account: Option<&str>) -> Result<SimCall, String> {
        let id = self.next_call;
        let Some(a) = self.by_user.get_mut(&user) else { return Err("the agent is not logged in".into()) };
        if a.state != AgentState::Ready {
            return Err(format!("a call can only be offered to a ready agent; the agent is {}", a.state.name()));
        }
        let call = SimCall { transaction_id: id, session_id: format!("SIM-CALL-{id}"), phone: phone.to_string(), account: account.map(str::to_string) };
        self.next_call += 1;
        a.state = AgentState::Offered;
        a.call = Some(call.clone());
        Ok(call)
    }

    /// Applies an agent-side action of `user`'s own session: the move, or why it is refused.
    pub(crate) fn apply(&mut self, user: usize, action: AgentAction, op_id: &str, inputs: &Inputs<'_>) -> Outcome {
        use AgentState::*;
        let next_call = self.next_call;
        let Some(a) = self.by_user.get_mut(&user) else {
            return Outcome::Refuse(401, "the agent is not logged in".into());
        };
        let needs = |ok: &[AgentState], what: &str| -> Result<(), Outcome> {
            if ok.contains(&a.state) {
                Ok(())
            } else {
                Err(Outcome::Refuse(409, format!("{op_id} needs {what}; the agent is {}", a.state.name())))
            }
        };
        let in_service = [NotReady, Ready, Offered, OnCall, OnHold, WrapUp];
        let idle_in_service = [NotReady, Ready];
        let checked = match action {
            AgentAction::Agent | AgentAction::Status => Ok(()),
            AgentAction::InService => needs(&in_service, "a joined service"),
            AgentAction::OnCall => needs(&[OnCall, OnHold], "a call"),
            AgentAction::JoinService => needs(&[NotInService], "an agent outside any service (switch services instead)"),
            AgentAction::SwitchService | AgentAction::LeaveService | AgentAction::Ready | AgentAction::NotReady | AgentAction::Dial => {
                needs(&idle_in_service, "a joined service and no call")
            }
            AgentAction::AcceptCall | AgentAction::DeclineCall => needs(&[Offered], "a call offered to the agent"),
            AgentAction::Hold => needs(&[OnCall], "a call that is not on hold"),
            AgentAction::Unhold => needs(&[OnHold], "a call on hold"),
            AgentAction::EndCall => needs(&[OnCall, OnHold], "a call"),
            AgentAction::SaveTermCode => needs(&[OnCall, OnHold, WrapUp], "a call or a call in wrap-up"),
            _ => Err(Outcome::Refuse(403, format!("{op_id} is a supervisor's call on agents, not an agent's"))),
        };
        if let Err(refused) = checked {
            return refused;
        }
        match action {
            AgentAction::JoinService | AgentAction::SwitchService => {
                a.state = NotReady;
                a.service_id = inputs.int("serviceId");
                a.reason = None;
            }
            AgentAction::LeaveService => {
                a.state = NotInService;
                a.service_id = None;
                a.reason = None;
            }
            AgentAction::Ready => {
                a.state = Ready;
                a.reason = None;
            }
            AgentAction::NotReady => {
                a.state = NotReady;
                a.reason = inputs.text("reasonCode");
            }
            AgentAction::AcceptCall => a.state = OnCall,
            AgentAction::DeclineCall => {
                a.state = Ready;
                a.call = None;
            }
            AgentAction::Hold => a.state = OnHold,
            AgentAction::Unhold => a.state = OnCall,
            AgentAction::EndCall => a.state = WrapUp,
            AgentAction::Dial => {
                let phone = inputs.text("phoneNumber").or_else(|| inputs.text("numberToDial")).unwrap_or_default();
                a.call = Some(SimCall {
                    transaction_id: next_call,
                    session_id: format!("SIM-CALL-{next_call}"),
                    phone,
                    account: inputs.text("account"),
                });
                a.state = OnCall;
                a.reason = None;
                self.next_call += 1;
            }
            AgentAction::SaveTermCode => {
                let call_id = a.call.as_ref().map(|c| c.transaction_id);
                if let Some(given) = inputs.int("callTransactionId") {
                    if Some(given) != call_id {
                        return Outcome::Refuse(409, format!("{op_id}: the agent has no call with transaction id {given}"));
                    }
                }
                a.call = None;
                if inputs.text("moveAgentToNotReady").as_deref() == Some("true") {
                    a.state = NotReady;
                    a.reason = inputs.text("reasonCode");
                } else {
                    a.state = Ready;
                    a.reason = None;
                }
            }
            AgentAction::Status => return Outcome::Json(status_json(a)),
            _ => {}
        }
        Outcome::Continue
    }

    /// Applies a supervisor action to the agents a request names (`agents` in the body, or the
    /// `agentLoginId` query parameter): per-agent results, or a refusal. `find` maps a login
    /// id to a logged-in agent's user index.
    pub(crate) fn supervise(&mut self, action: AgentAction, inputs: &Inputs<'_>, find: &dyn Fn(&str) -> Option<usize>) -> (Outcome, Vec<usize>) {
        use AgentState::*;
        if action == AgentAction::MonitorAgent {
            let login = inputs.text("agentLoginId").unwrap_or_default();
            let outcome = match find(&login).filter(|u| self.by_user.contains_key(u)) {
                Some(_) => Outcome::Continue,
                None => Outcome::Refuse(404, format!("agent {login:?} is not logged in")),
            };
            return (outcome, Vec::new());
        }
        let names: Vec<String> = inputs
            .body
            .and_then(|b| b.get("agents"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        let mut results = Vec::new();
        let mut log_off = Vec::new();
        for name in &names {
            let user = find(name).filter(|u| self.by_user.contains_key(u));
            let status = match user.and_then(|u| self.by_user.get_mut(&u).map(|a| (u, a))) {
                None => "NOT_LOGGED_IN",
                Some((u, _)) if action == AgentAction::LogOffAgents => {
                    log_off.push(u);
                    "OK"
                }
                Some((_, a)) if a.state == NotInService => "NOT_IN_SERVICE",
                Some((_, a)) if !matches!(a.state, NotReady | Ready) => "ON_CALL",
                Some((_, a)) => {
                    match action {
                        AgentAction::SetAgentsReady => {
                            a.state = Ready;
                            a.reason = None;
                        }
                        AgentAction::SetAgentsNotReady => {
                            a.state = NotReady;
                            a.reason = inputs.text("reasonCode");
                        }
                        AgentAction::MoveAgents => {
                            a.state = NotReady;
                            a.reason = None;
                            a.service_id = inputs.int("targetServiceId");
                        }
                        _ => {}
                    }
                    "OK"
                }
            };
            // Switch Service answers `message` where the status calls answer `status`.
            let key = if action == AgentAction::MoveAgents { "message" } else { "status" };
            results.push(json!({ "agentLoginId": name, key: status }));
        }
        (Outcome::Json(json!({ "agents": results })), log_off)
    }
}

/// The answer of Get Agent Status: one ACD line in the agent's state, its call, the reason.
fn status_json(a: &AgentStatus) -> Value {
    let mut line = Map::new();
    line.insert("lineNumber".into(), json!("ACD"));
    line.insert("state".into(), json!(a.state.line_state()));
    line.insert("active".into(), json!(true));
    if let Some(c) = &a.call {
        let mut call = Map::new();
        call.insert("callTransactionId".into(), json!(c.transaction_id.to_string()));
        call.insert("callSessionId".into(), json!(c.session_id));
        call.insert("phoneNumber".into(), json!(c.phone));
        if let Some(acc) = &c.account {
            call.insert("accountNumber".into(), json!(acc));
        }
        if let Some(s) = a.service_id {
            call.insert("serviceId".into(), json!(s));
        }
        line.insert("call".into(), Value::Object(call));
    }
    let mut status = Map::new();
    status.insert("lines".into(), json!([Value::Object(line)]));
    if let Some(r) = &a.reason {
        status.insert("reasonCode".into(), json!(r));
    }
    if matches!(a.state, AgentState::OnCall | AgentState::OnHold) {
        status.insert("agentCallConnected".into(), json!(true));
    }
    json!({ "agentStatus": Value::Object(status) })
}

/// The steps (agent-side actions, and `None` for the test's call offer) that bring a freshly
/// logged-in agent to a state where `action` applies, through the same moves requests make.
fn steps_for(action: AgentAction) -> &'static [Option<AgentAction>] {
    use AgentAction::*;
    const JOIN: &[Option<AgentAction>] = &[Some(JoinService)];
    const OFFERED: &[Option<AgentAction>] = &[Some(JoinService), Some(Ready), None];
    const ON_CALL: &[Option<AgentAction>] = &[Some(JoinService), Some(Ready), None, Some(AcceptCall)];
    const HELD: &[Option<AgentAction>] = &[Some(JoinService), Some(Ready), None, Some(AcceptCall), Some(Hold)];
    match action {
        Agent | Status | JoinService | MonitorAgent | LogOffAgents => &[],
        InService | SwitchService | LeaveService | Ready | NotReady | Dial | SetAgentsReady | SetAgentsNotReady | MoveAgents => JOIN,
        AcceptCall | DeclineCall => OFFERED,
        OnCall | Hold | EndCall | SaveTermCode => ON_CALL,
        Unhold => HELD,
    }
}

/// The service a prepared agent joins, and the phone of the call a prepared agent is offered.
const PREPARE_SERVICE: &str = "53661";
const PREPARE_PHONE: &str = "6175550142";

impl RunningSimulator {
    fn agent_index(&self, login_id: &str) -> Option<usize> {
        self.shared.state().users.iter().position(|r| r.user.agent && r.user.user_name.eq_ignore_ascii_case(login_id))
    }

    /// The state of a logged-in agent (by login id, case-insensitive); `None` when the agent is
    /// not logged in.
    pub fn agent_state(&self, login_id: &str) -> Option<AgentStatus> {
        let user = self.agent_index(login_id)?;
        self.shared.state().agents.status(user).cloned()
    }

    /// Offers a call from `phone` (for `account`) to a ready agent, as LiveVox's dialer or an
    /// inbound queue would; the agent's desktop then accepts or rejects it. Fails when the
    /// agent is not logged in or not ready.
    pub fn offer_call(&self, login_id: &str, phone: &str, account: Option<&str>) -> Result<SimCall, SimError> {
        let user = self.agent_index(login_id).ok_or_else(|| SimError::AgentState(format!("no agent {login_id:?}")))?;
        self.shared.state().agents.offer(user, phone, account).map_err(|m| SimError::AgentState(format!("{login_id}: {m}")))
    }

    /// Brings a logged-in agent that is not in a service to a state where `operation` (an id
    /// such as `call_control.hold_call`) is allowed, by the moves its requests would make
    /// (join service 53661, go ready, take a call offered from 6175550142, accept, hold). An
    /// operation without `agent_action` needs nothing. For the generated every-operation test.
    pub fn prepare_agent(&self, login_id: &str, operation: &str) -> Result<(), SimError> {
        let action = self
            .shared
            .spec
            .routes
            .iter()
            .find(|r| r.op.id == operation)
            .ok_or_else(|| SimError::Config(format!("the spec has no operation `{operation}`")))?
            .op
            .agent_action;
        let Some(action) = action else { return Ok(()) };
        let user = self.agent_index(login_id).ok_or_else(|| SimError::AgentState(format!("no agent {login_id:?}")))?;
        let query = vec![("serviceId".to_string(), PREPARE_SERVICE.to_string())];
        let inputs = Inputs { query: &query, body: None };
        let mut state = self.shared.state();
        for step in steps_for(action) {
            let failed = match step {
                Some(a) => match state.agents.apply(user, *a, "prepare_agent", &inputs) {
                    Outcome::Refuse(_, m) => Some(m),
                    _ => None,
                },
                None => state.agents.offer(user, PREPARE_PHONE, None).err(),
            };
            if let Some(m) = failed {
                return Err(SimError::AgentState(format!("cannot prepare {login_id} for {operation}: {m}")));
            }
        }
        Ok(())
    }
}

/// Runs the state machine on a request to an operation with an `agent_action`, for the
/// session's user (`None` for a call without a session).
pub(crate) fn on_request(shared: &crate::server::Shared, action: AgentAction, op_id: &str, user: Option<usize>, inputs: &Inputs<'_>) -> Outcome {
    let mut state = shared.state();
    if action.agent_side() {
        let Some(user) = user.filter(|u| state.users[*u].user.agent) else {
            return Outcome::Refuse(403, format!("{op_id} acts on the calling agent, so it needs an agent session"));
        };
        return state.agents.apply(user, action, op_id, inputs);
    }
    let agents: Vec<(usize, String)> = state.users.iter().enumerate().filter(|(_, r)| r.user.agent).map(|(i, r)| (i, r.user.user_name.clone())).collect();
    let find = |login: &str| agents.iter().find(|(_, n)| n.eq_ignore_ascii_case(login)).map(|(i, _)| *i);
    let (outcome, log_off) = state.agents.supervise(action, inputs, &find);
    for u in log_off {
        state.end_all_of(u);
    }
    outcome
}

//! Rules for the call-control agent model: an operation's `agent_action` is a known action, and
//! agent-side actions need `agent_allowed: true` while supervisor actions must not have it.

use super::*;

impl Validator {
    pub(super) fn agent_action(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef) {
        let at = |key: &str| format!("{base}.{key}");
        if let Some(a) = &op.agent_action {
            if let Some(action) = self.word::<AgentAction>(doc, &at("agent_action"), a) {
                let agent_side = action.agent_side();
                if agent_side && !op.agent_allowed {
                    self.err(doc, &at("agent_action"), format!("`agent_action: {a}` is done by an agent's own session, so the operation needs `agent_allowed: true`"));
                }
                if !agent_side && op.agent_allowed {
                    self.err(doc, &at("agent_action"), format!("`agent_action: {a}` is a supervisor's action on agents; an agent session may not call it, so drop `agent_allowed`"));
                }
            }
        }
    }
}

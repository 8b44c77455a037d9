//! What the simulator remembers between requests: users and their passwords, sessions and
//! when each was last used, the windows of rate-limited calls, and the request log.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{LoggedRequest, SimUser};

/// A configured user, and the login answer it gets.
#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub user: SimUser,
    /// The login response of the spec example this user came from (its extra fields, such as
    /// `daysUntilPasswordExpires`, are answered as the example has them).
    pub template: Option<Value>,
    /// The session id that example answered: the user's first session with the first access
    /// token gets exactly this id, so the spec's session examples line up.
    pub example_session: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user: usize,
    pub token: usize,
    last_used: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub users: Vec<UserRecord>,
    pub tokens: Vec<String>,
    sessions: HashMap<String, Session>,
    /// How many sessions of (user, token) have ended: part of the next id, so a login after a
    /// logout or an expiry gets a new session id.
    generations: HashMap<(usize, usize), u64>,
    windows: HashMap<(String, String), VecDeque<Instant>>,
    pub log: Vec<LoggedRequest>,
    /// Issued OAuth2 tokens and seen OAuth 1.0a nonces (the other APIs' schemes).
    pub auth: crate::other_auth::AuthState,
    /// Where each logged-in agent is (the call-control state machine).
    pub agents: crate::agents::Agents,
}

impl State {
    pub(crate) fn new(users: Vec<UserRecord>, tokens: Vec<String>) -> State {
        State { users, tokens, ..State::default() }
    }

    /// The user these credentials log in as: the client code and password must match exactly;
    /// the user name is case-sensitive for users and case-insensitive for agents (as LiveVox
    /// documents), and the agent flag must match the account.
    pub(crate) fn find_user(&self, client_name: &str, user_name: &str, password: &str, agent: bool) -> Option<usize> {
        self.users.iter().position(|r| {
            let u = &r.user;
            let name_ok = if u.agent { u.user_name.eq_ignore_ascii_case(user_name) } else { u.user_name == user_name };
            u.client_name == client_name && name_ok && u.password == password && u.agent == agent
        })
    }

    /// Logs a user in with a token: the live session of that pair if there is one (touched),
    /// else a new one. Returns its id.
    pub(crate) fn login(&mut self, user: usize, token: usize, idle: Duration, now: Instant) -> String {
        let id = self.session_id(user, token);
        if self.lookup(&id, idle, now).is_some() {
            return id;
        }
        // `lookup` may just have ended an expired session of this pair, which moves it to a
        // new generation and so to a new id.
        let id = self.session_id(user, token);
        self.sessions.insert(id.clone(), Session { user, token, last_used: now });
        if self.users[user].user.agent {
            self.agents.logged_in(user);
        }
        id
    }

    /// The id the current generation of (user, token) has.
    fn session_id(&self, user: usize, token: usize) -> String {
        let generation = self.generations.get(&(user, token)).copied().unwrap_or(0);
        let record = &self.users[user];
        if token == 0 && generation == 0 {
            if let Some(id) = &record.example_session {
                return id.clone();
            }
        }
        let u = &record.user;
        let key = format!("{}\u{0}{}\u{0}{}\u{0}{}\u{0}{generation}", u.client_name, u.user_name, u.agent, self.tokens[token]);
        uuid_from(&key)
    }

    /// The live session with this id, touched; an expired one is ended and reads as absent.
    pub(crate) fn touch(&mut self, id: &str, idle: Duration, now: Instant) -> Option<Session> {
        let session = self.lookup(id, idle, now)?;
        if let Some(s) = self.sessions.get_mut(id) {
            s.last_used = now;
        }
        Some(session)
    }

    /// The live session with this id, untouched (validation does not keep a session alive).
    pub(crate) fn lookup(&mut self, id: &str, idle: Duration, now: Instant) -> Option<Session> {
        let session = self.sessions.get(id)?.clone();
        if now.saturating_duration_since(session.last_used) >= idle {
            self.end(id);
            return None;
        }
        Some(session)
    }

    /// Ends a session; false when there was none.
    pub(crate) fn end(&mut self, id: &str) -> bool {
        match self.sessions.remove(id) {
            Some(s) => {
                *self.generations.entry((s.user, s.token)).or_default() += 1;
                if !self.sessions.values().any(|o| o.user == s.user) {
                    self.agents.logged_out(s.user);
                }
                true
            }
            None => false,
        }
    }

    /// Ends every session of a user (after a password change).
    pub(crate) fn end_all_of(&mut self, user: usize) {
        let ids: Vec<String> = self.sessions.iter().filter(|(_, s)| s.user == user).map(|(id, _)| id.clone()).collect();
        for id in ids {
            self.end(&id);
        }
    }

    /// Ends every session at once, as if each had gone unused for the idle time.
    pub(crate) fn expire_all(&mut self) {
        let ids: Vec<String> = self.sessions.keys().cloned().collect();
        for id in ids {
            self.end(&id);
        }
    }

    /// Admits one call of a rate-limited operation for `key` (a client), or says how many whole
    /// seconds until the rolling window has room again.
    pub(crate) fn admit(&mut self, op: &str, key: &str, calls: u32, per: Duration, now: Instant) -> Result<(), u64> {
        let window = self.windows.entry((op.to_string(), key.to_string())).or_default();
        while window.front().is_some_and(|t| now.saturating_duration_since(*t) >= per) {
            window.pop_front();
        }
        if window.len() < calls as usize {
            window.push_back(now);
            return Ok(());
        }
        let wait = window.front().map(|t| per.saturating_sub(now.saturating_duration_since(*t))).unwrap_or(per);
        // Rounded up, and at least one: a client that waits exactly this long gets in.
        Err(wait.as_millis().div_ceil(1000).max(1) as u64)
    }
}

/// A UUID-shaped id from a key: FNV-1a, twice with different offsets, for 128 bits. Stable
/// across runs and Rust versions (unlike `DefaultHasher`), so ids are reproducible.
fn uuid_from(key: &str) -> String {
    let fnv = |offset: u64| key.bytes().fold(offset, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-4{}-8{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        let user = |name: &str, agent: bool| UserRecord {
            user: SimUser { client_name: "C".into(), user_name: name.into(), password: "pw".into(), agent, client_id: 1, user_id: 2 },
            template: None,
            example_session: None,
        };
        State { users: vec![user("u", false), user("AG", true)], tokens: vec!["t0".into(), "t1".into()], ..State::default() }
    }

    #[test]
    fn ids_are_stable_per_user_and_token_and_change_after_an_end() {
        let mut s = state();
        let idle = Duration::from_secs(60);
        let now = Instant::now();
        let a = s.login(0, 0, idle, now);
        assert_eq!(s.login(0, 0, idle, now), a);
        assert_ne!(s.login(0, 1, idle, now), a);
        assert_ne!(s.login(1, 0, idle, now), a);
        assert!(s.end(&a));
        assert!(!s.end(&a));
        assert_ne!(s.login(0, 0, idle, now), a);
        assert_eq!(a.len(), 36);
    }

    #[test]
    fn agents_names_are_case_insensitive_users_are_not() {
        let s = state();
        assert_eq!(s.find_user("C", "ag", "pw", true), Some(1));
        assert_eq!(s.find_user("C", "U", "pw", false), None);
        assert_eq!(s.find_user("C", "u", "pw", true), None);
        assert_eq!(s.find_user("C", "u", "bad", false), None);
    }

    #[test]
    fn rolling_window() {
        let mut s = state();
        let t0 = Instant::now();
        let per = Duration::from_secs(60);
        for _ in 0..5 {
            assert!(s.admit("op", "k", 5, per, t0).is_ok());
        }
        assert_eq!(s.admit("op", "k", 5, per, t0 + Duration::from_millis(1500)), Err(59));
        assert!(s.admit("op", "other", 5, per, t0).is_ok());
        assert!(s.admit("op", "k", 5, per, t0 + per).is_ok());
    }
}

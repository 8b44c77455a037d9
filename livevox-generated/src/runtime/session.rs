//! LiveVox session state: the current session id, and single-flight login and renewal.
//!
//! A session expires after two idle hours or a password change, and every caller sharing a
//! client finds out at once (they all get 401). Only one of them may log in again; the others
//! wait for that login and use its result. Each login bumps a generation counter: a caller
//! reports the generation of the session that was refused, and if the counter has moved on,
//! someone already renewed it and no second login is made. A failed login is shared the same
//! way, so 100 callers behind a bad password cause one login attempt, not 100, and no caller
//! ever logs in more than once per call.
//!
//! With a [`SessionStore`] (the `redis` feature), the same holds across processes: a client
//! without a session of its own first takes the stored one, and a login (first use or renewal)
//! goes through the store, which lets one client of all that share it log in and hands the
//! others its session. Generations are then the store's, so a renewal one process made is
//! recognised by the others.
//!
//! The HTTP of the login itself lives in the LiveVox authorization scheme (`auth/livevox.rs`);
//! this module only decides who performs it.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::describe::LoginSpec;
use super::error::Error;
use super::secret::Secret;
use super::store::{LoginFuture, SessionStore};

/// LiveVox user credentials for login. `Debug` never shows the password.
#[derive(Clone)]
pub struct Credentials {
    /// The client *code* (not its display name).
    pub client_name: String,
    /// Case-sensitive for users, case-insensitive for agents.
    pub user_name: String,
    /// The password; never shown in `Debug`.
    pub password: Secret,
    /// Log in as an agent: agent sessions may call only some methods (others answer 403).
    pub agent: bool,
}

impl Credentials {
    /// A (non-agent) user login.
    pub fn user(client_name: impl Into<String>, user_name: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials { client_name: client_name.into(), user_name: user_name.into(), password: password.into(), agent: false }
    }

    /// An agent login.
    pub fn agent(client_name: impl Into<String>, user_name: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials { agent: true, ..Credentials::user(client_name, user_name, password) }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_name", &self.client_name)
            .field("user_name", &self.user_name)
            .field("password", &self.password)
            .field("agent", &self.agent)
            .finish()
    }
}

/// What a login needs: where to send it, the access token and the user's credentials.
pub(crate) struct LoginConfig {
    pub spec: LoginSpec,
    pub access_token: Secret,
    pub credentials: Credentials,
}

/// A session id and the generation it belongs to.
#[derive(Clone)]
pub(crate) struct Ticket {
    pub generation: u64,
    pub id: Secret,
    /// The id as a (sensitive) header value, made once per session rather than once per call;
    /// `None` when the id cannot be a header value (the caller reports that).
    pub header: Option<http::HeaderValue>,
}

impl Ticket {
    fn new(generation: u64, id: Secret) -> Ticket {
        let header = http::HeaderValue::from_str(id.expose()).ok().map(|mut v| {
            v.set_sensitive(true);
            v
        });
        Ticket { generation, id, header }
    }
}

/// Which session a caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The current one, logging in if there is none.
    Current,
    /// A replacement for the session of this generation, which the server refused.
    Renewal(u64),
    /// A fresh login, whatever the state (an explicit `Client::login`).
    Fresh,
}

struct State {
    generation: u64,
    /// The current session and its header value, as handed out.
    session: Option<Ticket>,
    /// How the latest login failed, shared with callers that waited for it.
    failure: Option<Error>,
}

pub(crate) struct Sessions {
    login: Option<LoginConfig>,
    state: Mutex<State>,
    /// Held for the duration of a login so that only one runs at a time.
    login_lock: tokio::sync::Mutex<()>,
    /// The session shared with other clients; `None` keeps it in this process.
    store: Option<Arc<dyn SessionStore>>,
}

impl Sessions {
    pub fn new(login: Option<LoginConfig>, initial: Option<Secret>, store: Option<Arc<dyn SessionStore>>) -> Self {
        Sessions {
            login,
            state: Mutex::new(State { generation: 0, session: initial.map(|id| Ticket::new(0, id)), failure: None }),
            login_lock: tokio::sync::Mutex::new(()),
            store,
        }
    }

    /// Whether this client can log in by itself (it has credentials and an access token).
    pub fn can_login(&self) -> bool {
        self.login.is_some()
    }

    pub fn login_config(&self) -> Option<&LoginConfig> {
        self.login.as_ref()
    }

    // A panic elsewhere while holding the lock cannot leave `State` half-updated (every update
    // is a plain assignment), so a poisoned lock is safe to keep using.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current session id, if any.
    pub fn current(&self) -> Option<Secret> {
        self.state().session.as_ref().map(|t| t.id.clone())
    }

    /// The current session and its header value, when there is one: what
    /// [`Sessions::acquire`] with [`Want::Current`] hands out without waiting, for a caller that
    /// keeps the waiting (and its larger future) off its common path.
    pub fn ready(&self) -> Option<Ticket> {
        self.state().session.clone()
    }

    /// Forgets the session (after a logout, say); the next call logs in again.
    pub fn clear(&self) {
        let mut st = self.state();
        // With a store the generation stays: the next login then treats the stored session of
        // this generation (the one just ended) as stale rather than taking it back.
        if self.store.is_none() {
            st.generation += 1;
        }
        st.session = None;
        st.failure = None;
    }

    /// Returns the session `want` asks for, running `login` if a login is needed and no other
    /// caller is already running one. `None` when a login is needed but impossible (no
    /// credentials): the caller decides what error that is.
    pub async fn acquire<'a, F, Fut>(&'a self, want: Want, login: F) -> Option<Result<Ticket, Error>>
    where
        F: FnOnce(&'a LoginConfig) -> Fut,
        Fut: Future<Output = Result<Secret, Error>> + Send + 'a,
    {
        let observed = {
            let st = self.state();
            let reusable = match want {
                Want::Current => true,
                Want::Renewal(refused) => st.generation != refused,
                Want::Fresh => false,
            };
            if reusable {
                if let Some(ticket) = &st.session {
                    return Some(Ok(ticket.clone()));
                }
            }
            st.generation
        };
        let config = self.login.as_ref()?;
        let _guard = self.login_lock.lock().await;
        if want != Want::Fresh {
            let st = self.state();
            if st.generation != observed {
                // A login finished while we waited for the lock: share its outcome.
                if let Some(ticket) = &st.session {
                    return Some(Ok(ticket.clone()));
                }
                if let Some(err) = &st.failure {
                    return Some(Err(err.clone()));
                }
            }
        }
        // If this future is dropped here (the caller gave up), the lock is released with the
        // state untouched and the next waiter logs in itself.
        let mut pending: Option<LoginFuture<'a>> = Some(Box::pin(login(config)));
        if let Some(store) = &self.store {
            // The caller must not be handed back the session it saw refused, nor (wanting the
            // current one) the session it just found missing or cleared.
            let stale = match want {
                Want::Renewal(refused) => Some(refused),
                Want::Current | Want::Fresh => Some(observed),
            };
            match store.obtain(stale, want == Want::Fresh, &mut pending).await {
                Ok(Some((generation, id))) => {
                    let ticket = Ticket::new(generation, id);
                    let mut st = self.state();
                    st.generation = generation;
                    st.session = Some(ticket.clone());
                    st.failure = None;
                    return Some(Ok(ticket));
                }
                // Unreachable, and the client falls back to logging in by itself.
                Ok(None) => {}
                Err(err) => {
                    let mut st = self.state();
                    st.generation += 1;
                    st.session = None;
                    st.failure = Some(err.clone());
                    return Some(Err(err));
                }
            }
        }
        let result = match pending {
            Some(login) => login.await,
            None => Err(Error::Config("the session store gave up after running the login (a bug in the store)".into())),
        };
        let mut st = self.state();
        st.generation += 1;
        Some(match result {
            Ok(id) => {
                let ticket = Ticket::new(st.generation, id);
                st.session = Some(ticket.clone());
                st.failure = None;
                Ok(ticket)
            }
            Err(err) => {
                st.session = None;
                st.failure = Some(err.clone());
                Err(err)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::LoginFields;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    fn config() -> LoginConfig {
        LoginConfig {
            spec: LoginSpec {
                operation: "session.login",
                path: "/session/login",
                fields: LoginFields { client: Some("clientName"), user: "userName", password: "password", agent: Some("agent") },
                access_header: "LV-Access",
                session_id_field: "sessionId",
            },
            access_token: Secret::new("token"),
            credentials: Credentials::user("client", "user", "password"),
        }
    }

    async fn slow_login(count: &AtomicUsize, ok: bool) -> Result<Secret, Error> {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
        if ok {
            Ok(Secret::new(format!("session-{n}")))
        } else {
            Err(Error::Config(format!("login {n} failed")))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_first_use_logs_in_once() {
        let sessions = Arc::new(Sessions::new(Some(config()), None, None));
        let logins = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (s, l) = (sessions.clone(), logins.clone());
            tasks.push(tokio::spawn(async move {
                s.acquire(Want::Current, |_| slow_login(&l, true)).await.unwrap().unwrap().id.expose().to_owned()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), "session-1");
        }
        assert_eq!(logins.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn renewal_of_an_old_generation_reuses_the_new_session() {
        let sessions = Sessions::new(Some(config()), Some(Secret::new("given")), None);
        let logins = AtomicUsize::new(0);
        let first = sessions.acquire(Want::Current, |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((first.generation, first.id.expose()), (0, "given"));
        let renewed = sessions.acquire(Want::Renewal(0), |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((renewed.generation, renewed.id.expose()), (1, "session-1"));
        // A second caller that also saw generation 0 refused gets the renewed session.
        let late = sessions.acquire(Want::Renewal(0), |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!(late.id.expose(), "session-1");
        assert_eq!(logins.load(Ordering::SeqCst), 1);
        let fresh = sessions.acquire(Want::Fresh, |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((fresh.generation, fresh.id.expose()), (2, "session-2"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_login_is_shared_by_waiters_and_retried_later() {
        let sessions = Arc::new(Sessions::new(Some(config()), None, None));
        let logins = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (s, l) = (sessions.clone(), logins.clone());
            tasks.push(tokio::spawn(async move { s.acquire(Want::Current, |_| slow_login(&l, false)).await.unwrap().err() }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().map(|e| e.to_string()), Some("configuration error: login 1 failed".to_owned()));
        }
        assert_eq!(logins.load(Ordering::SeqCst), 1);
        assert!(sessions.current().is_none());
        // A later call tries again rather than replaying the old failure forever.
        let next = sessions.acquire(Want::Current, |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!(next.id.expose(), "session-2");
    }

    /// A store in memory: what another process stored, and whether it can be reached.
    struct MemoryStore {
        stored: Mutex<Option<(u64, String)>>,
        reachable: bool,
    }

    impl SessionStore for MemoryStore {
        fn obtain<'a, 'b>(
            &'b self,
            stale: Option<u64>,
            fresh: bool,
            login: &'b mut Option<LoginFuture<'a>>,
        ) -> crate::runtime::store::StoreFuture<'b, Result<Option<(u64, Secret)>, Error>>
        where
            'a: 'b,
        {
            Box::pin(async move {
                if !self.reachable {
                    return Ok(None);
                }
                let current = self.stored.lock().unwrap().clone();
                if let Some((generation, id)) = current.clone().filter(|(g, _)| !fresh && Some(*g) != stale) {
                    return Ok(Some((generation, Secret::new(id))));
                }
                let id = login.take().expect("the login").await?;
                let generation = current.map_or(100, |(g, _)| g + 1);
                *self.stored.lock().unwrap() = Some((generation, id.expose().to_owned()));
                Ok(Some((generation, id)))
            })
        }
    }

    fn with_store(stored: Option<(u64, &str)>, reachable: bool) -> (Sessions, Arc<MemoryStore>) {
        let store = Arc::new(MemoryStore { stored: Mutex::new(stored.map(|(g, id)| (g, id.to_owned()))), reachable });
        (Sessions::new(Some(config()), None, Some(store.clone())), store)
    }

    #[tokio::test(start_paused = true)]
    async fn a_stored_session_is_taken_before_logging_in_and_renewed_through_the_store() {
        let (sessions, store) = with_store(Some((100, "theirs")), true);
        let logins = AtomicUsize::new(0);
        let first = sessions.acquire(Want::Current, |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((first.generation, first.id.expose(), logins.load(Ordering::SeqCst)), (100, "theirs", 0));
        // Refused: the store does not hand the same generation back, so this client logs in.
        let renewed = sessions.acquire(Want::Renewal(100), |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((renewed.generation, renewed.id.expose()), (101, "session-1"));
        // Another process renews meanwhile; this client's next refusal takes that session.
        *store.stored.lock().unwrap() = Some((102, "renewed elsewhere".into()));
        let adopted = sessions.acquire(Want::Renewal(101), |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((adopted.generation, adopted.id.expose()), (102, "renewed elsewhere"));
        assert_eq!(logins.load(Ordering::SeqCst), 1);
        // After a logout, the ended session is not taken back from the store.
        sessions.clear();
        let after = sessions.acquire(Want::Current, |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((after.generation, after.id.expose()), (103, "session-2"));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unreachable_store_leaves_the_login_to_the_client() {
        let (sessions, _) = with_store(None, false);
        let logins = AtomicUsize::new(0);
        let ticket = sessions.acquire(Want::Current, |_| slow_login(&logins, true)).await.unwrap().unwrap();
        assert_eq!((ticket.generation, ticket.id.expose(), logins.load(Ordering::SeqCst)), (1, "session-1", 1));
    }

    #[test]
    fn credentials_debug_hides_the_password() {
        let c = Credentials::agent("CLIENT", "agent7", "p@ssw0rd!");
        let d = format!("{c:?}");
        assert!(!d.contains("p@ssw0rd!"), "{d}");
        assert!(d.contains("agent7") && d.contains("agent: true"), "{d}");
    }

    #[tokio::test]
    async fn without_credentials_there_is_no_login() {
        let sessions = Sessions::new(None, Some(Secret::new("given")), None);
        let unused = AtomicUsize::new(0);
        assert!(sessions.acquire(Want::Renewal(0), |_| slow_login(&unused, true)).await.is_none());
        assert_eq!(sessions.acquire(Want::Current, |_| slow_login(&unused, true)).await.unwrap().unwrap().id.expose(), "given");
        sessions.clear();
        assert!(sessions.acquire(Want::Current, |_| slow_login(&unused, true)).await.is_none());
        assert_eq!(unused.load(Ordering::SeqCst), 0);
    }
}

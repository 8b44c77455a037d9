//! Rate-limit windows, in-flight caps and LiveVox sessions kept in Redis (feature `redis`), so
//! that many worker processes together keep LiveVox's per-account limits and share one
//! session: [`RedisConfig`], given to `ClientBuilder::redis`.
//!
//! # What is stored, and for how long
//!
//! Every key starts with the configured prefix ([`RedisConfig::key_prefix`], default
//! [`DEFAULT_KEY_PREFIX`]); give each LiveVox account its own prefix.
//!
//! - `{prefix}:rl:{operation}:running` and `:ended` (sorted sets): one random token per call of
//!   a rate-limited operation, scored with the time its lease runs out (running) or the time it
//!   ended. Entries leave the set one window after they ended; the keys expire by themselves
//!   one window plus one lease after their last use.
//! - `{prefix}:session:{hash}` (a hash): the current session id (`id`) and its generation
//!   (`gen`), for one user, access token and base URL. `{hash}` is a SHA-256 of those; the
//!   password and the access token are never stored, in values or in key names. The session
//!   id *is* a credential: protect Redis as you would the sessions (AUTH, a private network).
//!   The key expires [`RedisConfig::session_ttl`] after the login that wrote it (default two
//!   hours, LiveVox's idle timeout).
//! - `{prefix}:session:{hash}:lock` (a string): a random token, while one client logs in for
//!   all; it expires after [`RedisConfig::session_lock_ttl`] if its holder dies, and is deleted
//!   by its holder only (the token is checked in a script).
//!
//! # The guarantees
//!
//! Checking the window and taking a slot is one Lua script, so two processes can never both
//! take the last slot. Times are Redis's own clock (`TIME`), so workers' clocks do not matter.
//! A slot is taken when a call may start and stamped when the call ends, as in the in-process
//! window (see `ratelimit.rs`): no rolling window at the server sees more than the limit. A
//! process that dies mid-call keeps its slot until the lease ([`RedisConfig::slot_lease`])
//! runs out, and that slot then counts as ended at the lease's end. Waiting clients poll (every
//! 20 ms, or until the oldest slot leaves the window); in a process, callers queue in order,
//! but between processes there is no queue order.
//!
//! # When Redis cannot be reached
//!
//! [`OnUnreachable::Fail`] (the default): the call fails with `Error::SharedStore` and nothing
//! is sent. [`OnUnreachable::FallBackToInProcess`]: the client logs a warning (once per outage)
//! and keeps its own windows and session until Redis answers again, so several workers may then
//! exceed the shared limit together.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::{Digest, Sha256};

use super::session::LoginConfig;
use super::store::{LoginFuture, SessionStore, SharedSlot, StoreFuture, WindowStore};
use super::{Error, RateLimit, Secret};

/// The key prefix when none is given.
pub const DEFAULT_KEY_PREFIX: &str = "livevox";
/// How long a login may hold the lock before others may log in themselves.
pub const DEFAULT_SESSION_LOCK_TTL: Duration = Duration::from_secs(30);
/// How long a stored session id is kept after the login that made it.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(2 * 3600);
/// How long a running call's slot counts as running if its process dies.
pub const DEFAULT_SLOT_LEASE: Duration = Duration::from_secs(120);

/// How often a waiting client asks Redis again.
const POLL: Duration = Duration::from_millis(20);
/// The longest single sleep between two asks, whatever the window says.
const MAX_SLEEP: Duration = Duration::from_secs(1);
/// Connect and response timeouts of the Redis connection.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);
/// After a failed connect, the next attempt waits this long (calls meanwhile fail or fall back
/// at once rather than each waiting for a connect timeout).
const RECONNECT_PAUSE: Duration = Duration::from_secs(2);

/// What a client does when Redis cannot be reached (refused, timed out, an error reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OnUnreachable {
    /// The call fails with `Error::SharedStore`, before anything is sent to LiveVox.
    #[default]
    Fail,
    /// The client logs a warning and uses its in-process windows and its own session until
    /// Redis answers again (the shared limit may then be exceeded by the workers together).
    FallBackToInProcess,
}

#[derive(Clone)]
enum Source {
    Url(String),
    Manager(ConnectionManager),
}

/// Where and how a client shares its rate-limit windows and session through Redis.
///
/// ```no_run
/// # fn demo() -> Result<(), livevox_generated::Error> {
/// use livevox_generated::runtime::{OnUnreachable, RedisConfig};
/// use livevox_generated::{Client, Credentials};
///
/// let client = Client::builder()
///     .access_token("token")
///     .credentials(Credentials::user("CLIENTCODE", "api.user", "secret"))
///     .redis(RedisConfig::url("redis://10.0.0.5:6379").key_prefix("livevox:acme").on_unreachable(OnUnreachable::Fail))
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisConfig {
    source: Source,
    key_prefix: String,
    on_unreachable: OnUnreachable,
    session_lock_ttl: Duration,
    session_ttl: Duration,
    slot_lease: Duration,
}

impl RedisConfig {
    /// Connects to this Redis URL (`redis://[:password@]host[:port][/db]`) on first use.
    /// `build()` refuses a URL the `redis` crate cannot parse.
    pub fn url(url: impl Into<String>) -> Self {
        RedisConfig::with_source(Source::Url(url.into()))
    }

    /// Uses a connection manager you already have (and its reconnection policy).
    pub fn connection_manager(manager: ConnectionManager) -> Self {
        RedisConfig::with_source(Source::Manager(manager))
    }

    fn with_source(source: Source) -> Self {
        RedisConfig {
            source,
            key_prefix: DEFAULT_KEY_PREFIX.to_owned(),
            on_unreachable: OnUnreachable::default(),
            session_lock_ttl: DEFAULT_SESSION_LOCK_TTL,
            session_ttl: DEFAULT_SESSION_TTL,
            slot_lease: DEFAULT_SLOT_LEASE,
        }
    }

    /// The start of every key (default [`DEFAULT_KEY_PREFIX`]): clients share windows and
    /// sessions exactly when they share Redis and the prefix, so give each LiveVox account
    /// its own (`livevox:ACME`).
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// What to do when Redis cannot be reached (default [`OnUnreachable::Fail`]).
    pub fn on_unreachable(mut self, choice: OnUnreachable) -> Self {
        self.on_unreachable = choice;
        self
    }

    /// How long the lock of a login lasts if its holder dies mid-login (default
    /// [`DEFAULT_SESSION_LOCK_TTL`]); the others wait at most this long. Keep it above the
    /// time a login takes.
    pub fn session_lock_ttl(mut self, ttl: Duration) -> Self {
        self.session_lock_ttl = ttl;
        self
    }

    /// How long a stored session id is kept after its login (default [`DEFAULT_SESSION_TTL`]).
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// How long a running call's slot counts as running if its process dies (default
    /// [`DEFAULT_SLOT_LEASE`]). Keep it above the longest call (the client's timeout).
    pub fn slot_lease(mut self, lease: Duration) -> Self {
        self.slot_lease = lease;
        self
    }

    /// Checks the settings and makes the (lazy) connection that one client's stores share.
    pub(crate) fn connection(&self) -> Result<Arc<Connection>, Error> {
        for (name, value) in [("session_lock_ttl", self.session_lock_ttl), ("session_ttl", self.session_ttl), ("slot_lease", self.slot_lease)] {
            if value < Duration::from_millis(1) {
                return Err(Error::Config(format!("redis: {name} must be at least one millisecond")));
            }
        }
        if self.key_prefix.is_empty() {
            return Err(Error::Config("redis: the key prefix must not be empty".into()));
        }
        let target = match &self.source {
            Source::Url(url) => Target::Client(
                // The error text of the redis crate does not quote the URL (which may hold a password).
                redis::Client::open(url.as_str()).map_err(|e| Error::Config(format!("redis: the URL is not usable: {e}")))?,
            ),
            Source::Manager(manager) => Target::Ready(manager.clone()),
        };
        Ok(Arc::new(Connection {
            target,
            ready: tokio::sync::OnceCell::new(),
            last_failure: Mutex::new(None),
            on_unreachable: self.on_unreachable,
            warned: AtomicBool::new(false),
        }))
    }

    pub(crate) fn window_store(&self, conn: &Arc<Connection>) -> Arc<dyn WindowStore> {
        Arc::new(RedisWindows {
            conn: conn.clone(),
            prefix: self.key_prefix.clone(),
            lease: self.slot_lease,
            turns: Mutex::default(),
        })
    }

    pub(crate) fn session_store(&self, conn: &Arc<Connection>, base: &url::Url, login: &LoginConfig) -> Arc<dyn SessionStore> {
        let key = format!("{}:session:{}", self.key_prefix, session_hash(base, login));
        Arc::new(RedisSessions {
            operation: login.spec.operation,
            conn: conn.clone(),
            lock: format!("{key}:lock"),
            key,
            lock_ttl: self.session_lock_ttl,
            ttl: self.session_ttl,
        })
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: only say which kind of source it is.
        let source = match &self.source {
            Source::Url(_) => "url",
            Source::Manager(_) => "connection manager",
        };
        f.debug_struct("RedisConfig")
            .field("source", &source)
            .field("key_prefix", &self.key_prefix)
            .field("on_unreachable", &self.on_unreachable)
            .field("session_lock_ttl", &self.session_lock_ttl)
            .field("session_ttl", &self.session_ttl)
            .field("slot_lease", &self.slot_lease)
            .finish()
    }
}

/// A SHA-256 of what makes a LiveVox session: base URL, client code, user, agent flag and
/// access token, each length-prefixed so no two tuples hash alike. Not the password: a
/// changed password ends the sessions at LiveVox, and the 401 renews the stored one.
fn session_hash(base: &url::Url, login: &LoginConfig) -> String {
    let creds = &login.credentials;
    let mut hasher = Sha256::new();
    let agent = if creds.agent { "agent" } else { "user" };
    for part in ["livevox-session-v1", base.as_str(), &creds.client_name, &creds.user_name, agent, login.access_token.expose()] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A random token for a slot or a lock: unique per process, call and moment.
fn token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}-{:016x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), fastrand::u64(..))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

enum Target {
    Client(redis::Client),
    Ready(ConnectionManager),
}

/// The connection of one client, made on first use, and the policy when it fails.
pub(crate) struct Connection {
    target: Target,
    ready: tokio::sync::OnceCell<ConnectionManager>,
    /// When the last connect failed, and how.
    last_failure: Mutex<Option<(Instant, String)>>,
    on_unreachable: OnUnreachable,
    /// Whether the fallback warning of the current outage was logged.
    warned: AtomicBool,
}

impl Connection {
    async fn manager(&self) -> Result<ConnectionManager, String> {
        let client = match &self.target {
            Target::Ready(manager) => return Ok(manager.clone()),
            Target::Client(client) => client,
        };
        if let Some(manager) = self.ready.get() {
            return Ok(manager.clone());
        }
        if let Some((at, why)) = &*self.last_failure.lock().unwrap_or_else(PoisonError::into_inner) {
            if at.elapsed() < RECONNECT_PAUSE {
                return Err(why.clone());
            }
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1);
        let made = self
            .ready
            .get_or_try_init(|| async {
                match tokio::time::timeout(REDIS_TIMEOUT * 2, ConnectionManager::new_with_config(client.clone(), config)).await {
                    Ok(result) => result.map_err(|e| format!("cannot connect to Redis: {e}")),
                    Err(_) => Err("cannot connect to Redis: timed out".to_owned()),
                }
            })
            .await;
        match made {
            Ok(manager) => Ok(manager.clone()),
            Err(why) => {
                *self.last_failure.lock().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), why.clone()));
                Err(why)
            }
        }
    }

    /// Redis failed: an error, or `Ok(None)` (fall back) with a warning once per outage.
    fn unreachable<T>(&self, operation: &'static str, detail: String) -> Result<Option<T>, Error> {
        match self.on_unreachable {
            OnUnreachable::Fail => Err(Error::SharedStore { operation, detail }),
            OnUnreachable::FallBackToInProcess => {
                if !self.warned.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        operation,
                        error = %detail,
                        "Redis is unreachable; this client uses its own rate-limit windows and session until it answers again"
                    );
                }
                Ok(None)
            }
        }
    }

    fn reachable(&self) {
        if self.warned.swap(false, Ordering::Relaxed) {
            tracing::info!("Redis answers again; rate-limit windows and the session are shared again");
        }
    }
}

/// Takes a slot when the window and the in-flight cap allow. KEYS: running, ended.
/// ARGV: token, calls (0: no window), period ms, in-flight cap (0: none), lease ms.
/// Returns 0 when the slot is taken, else the milliseconds until the window may have room
/// (-1 when only a running call's end can make room).
const ACQUIRE: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local calls, period, cap, lease = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES')
for i = 1, #dead, 2 do
  redis.call('ZREM', KEYS[1], dead[i])
  if period > 0 then redis.call('ZADD', KEYS[2], dead[i + 1], dead[i]) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - period)
local running = redis.call('ZCARD', KEYS[1])
local ended = redis.call('ZCARD', KEYS[2])
local window_full = period > 0 and running + ended >= calls
if not window_full and (cap == 0 or running < cap) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], lease + period)
  if ended > 0 then redis.call('PEXPIRE', KEYS[2], lease + period) end
  return 0
end
if window_full and ended > 0 and (cap == 0 or running < cap) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + period - now)
end
return -1
";

/// Ends a slot. KEYS: running, ended. ARGV: token, period ms.
const RELEASE: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[1])
if period > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], period)
end
return 1
";

/// Stores a new session after a login. KEYS: session. ARGV: id, ttl ms. The generation is
/// the later of the old one plus one and Redis's clock in ms, so it never repeats, even after
/// the key expired. Returns the generation.
const PUBLISH: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local old = tonumber(redis.call('HGET', KEYS[1], 'gen') or '0') or 0
local gen = math.max(old + 1, now)
redis.call('HSET', KEYS[1], 'gen', string.format('%d', gen), 'id', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return gen
";

/// Deletes the lock if it is still ours. KEYS: lock. ARGV: token.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

struct RedisWindows {
    conn: Arc<Connection>,
    prefix: String,
    lease: Duration,
    /// Callers of this process wait for an operation's window one at a time, in order.
    turns: Mutex<HashMap<&'static str, Arc<tokio::sync::Mutex<()>>>>,
}

impl RedisWindows {
    fn turn(&self, operation: &'static str) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
        turns.entry(operation).or_default().clone()
    }

    async fn take(&self, operation: &'static str, limit: RateLimit, period: Option<Duration>) -> Result<Option<Box<dyn SharedSlot>>, Error> {
        let turn = self.turn(operation);
        let _turn = turn.lock().await;
        let keys = [format!("{}:rl:{operation}:running", self.prefix), format!("{}:rl:{operation}:ended", self.prefix)];
        let period_ms = period.map_or(0, millis);
        let token = token();
        let script = redis::Script::new(ACQUIRE);
        loop {
            let mut conn = match self.conn.manager().await {
                Ok(conn) => conn,
                Err(why) => return self.conn.unreachable(operation, why),
            };
            let answer: Result<i64, _> = script
                .key(&keys[0])
                .key(&keys[1])
                .arg(&token)
                .arg(limit.calls)
                .arg(period_ms)
                .arg(limit.max_in_flight.unwrap_or(0))
                .arg(millis(self.lease))
                .invoke_async(&mut conn)
                .await;
            let wait = match answer {
                Ok(wait) => wait,
                Err(e) => return self.conn.unreachable(operation, format!("Redis: {e}")),
            };
            self.conn.reachable();
            if wait == 0 {
                let [running, ended] = keys;
                return Ok(Some(Box::new(RedisSlot { conn: self.conn.clone(), running, ended, token, period_ms, ended_yet: false })));
            }
            let sleep = u64::try_from(wait).map_or(POLL, Duration::from_millis).min(MAX_SLEEP);
            tokio::time::sleep(sleep).await;
        }
    }
}

impl WindowStore for RedisWindows {
    fn acquire<'a>(
        &'a self,
        operation: &'static str,
        limit: RateLimit,
        period: Option<Duration>,
    ) -> StoreFuture<'a, Result<Option<Box<dyn SharedSlot>>, Error>> {
        Box::pin(self.take(operation, limit, period))
    }
}

struct RedisSlot {
    conn: Arc<Connection>,
    running: String,
    ended: String,
    token: String,
    period_ms: u64,
    ended_yet: bool,
}

impl RedisSlot {
    fn release(&self) -> StoreFuture<'static, ()> {
        let (conn, running, ended, token, period_ms) =
            (self.conn.clone(), self.running.clone(), self.ended.clone(), self.token.clone(), self.period_ms);
        Box::pin(async move {
            let Ok(mut manager) = conn.manager().await else {
                tracing::warn!("Redis is unreachable: a call's slot stays taken until its lease runs out");
                return;
            };
            let result: Result<i64, _> =
                redis::Script::new(RELEASE).key(&running).key(&ended).arg(&token).arg(period_ms).invoke_async(&mut manager).await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "cannot end a call's slot in Redis; it stays taken until its lease runs out");
            }
        })
    }
}

impl SharedSlot for RedisSlot {
    fn end(mut self: Box<Self>) -> StoreFuture<'static, ()> {
        self.ended_yet = true;
        self.release()
    }
}

impl Drop for RedisSlot {
    fn drop(&mut self) {
        // A call abandoned mid-way (its future dropped): end the slot in the background.
        if !self.ended_yet {
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(self.release());
            }
        }
    }
}

struct RedisSessions {
    /// The login operation's name, for errors.
    operation: &'static str,
    conn: Arc<Connection>,
    key: String,
    lock: String,
    lock_ttl: Duration,
    ttl: Duration,
}

/// What a store step came to: a session to use, or Redis failing (with why).
type Step<T> = Result<T, String>;

impl RedisSessions {
    async fn stored(&self, conn: &mut ConnectionManager) -> Step<Option<(u64, Secret)>> {
        let (id, generation): (Option<String>, Option<u64>) =
            redis::cmd("HMGET").arg(&self.key).arg("id").arg("gen").query_async(conn).await.map_err(|e| format!("Redis: {e}"))?;
        Ok(match (id, generation) {
            (Some(id), Some(generation)) if !id.is_empty() => Some((generation, Secret::new(id))),
            _ => None,
        })
    }

    /// The stored session, if there is one the caller may use.
    async fn usable(&self, conn: &mut ConnectionManager, stale: Option<u64>, fresh: bool) -> Step<Option<(u64, Secret)>> {
        if fresh {
            return Ok(None);
        }
        Ok(self.stored(conn).await?.filter(|(generation, _)| Some(*generation) != stale))
    }

    async fn try_lock(&self, conn: &mut ConnectionManager, token: &str) -> Step<bool> {
        let set: Option<String> = redis::cmd("SET")
            .arg(&self.lock)
            .arg(token)
            .arg("NX")
            .arg("PX")
            .arg(millis(self.lock_ttl))
            .query_async(conn)
            .await
            .map_err(|e| format!("Redis: {e}"))?;
        Ok(set.is_some())
    }

    async fn unlock(&self, conn: &mut ConnectionManager, token: &str) {
        let result: Result<i64, _> = redis::Script::new(UNLOCK).key(&self.lock).arg(token).invoke_async(conn).await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "cannot release the session lock in Redis; it expires by itself");
        }
    }

    /// Waits for the lock, unless a usable session shows up first (`Ok(Err(session))`).
    async fn lock_or_adopt(
        &self,
        conn: &mut ConnectionManager,
        token: &str,
        stale: Option<u64>,
        fresh: bool,
    ) -> Step<Result<(), (u64, Secret)>> {
        loop {
            if self.try_lock(conn, token).await? {
                // Someone may have stored a session between our look and the lock.
                return match self.usable(conn, stale, fresh).await {
                    Ok(Some(session)) => {
                        self.unlock(conn, token).await;
                        Ok(Err(session))
                    }
                    Ok(None) => Ok(Ok(())),
                    Err(why) => {
                        self.unlock(conn, token).await;
                        Err(why)
                    }
                };
            }
            tokio::time::sleep(POLL).await;
            if let Some(session) = self.usable(conn, stale, fresh).await? {
                return Ok(Err(session));
            }
        }
    }

    async fn run<'a>(&self, stale: Option<u64>, fresh: bool, login: &mut Option<LoginFuture<'a>>) -> Result<Option<(u64, Secret)>, Error> {
        let mut conn = match self.conn.manager().await {
            Ok(conn) => conn,
            Err(why) => return self.conn.unreachable(self.operation, why),
        };
        let token = token();
        let locked = match self.usable(&mut conn, stale, fresh).await {
            Ok(Some(session)) => Ok(Err(session)),
            Ok(None) => self.lock_or_adopt(&mut conn, &token, stale, fresh).await,
            Err(why) => Err(why),
        };
        match locked {
            Err(why) => return self.conn.unreachable(self.operation, why),
            Ok(Err(session)) => {
                self.conn.reachable();
                return Ok(Some(session));
            }
            Ok(Ok(())) => self.conn.reachable(),
        }
        let Some(pending) = login.take() else {
            self.unlock(&mut conn, &token).await;
            return Err(Error::Config("the login was already run (a bug in the session store)".into()));
        };
        let outcome = match pending.await {
            Ok(id) => {
                let published: Result<u64, _> =
                    redis::Script::new(PUBLISH).key(&self.key).arg(id.expose()).arg(millis(self.ttl)).invoke_async(&mut conn).await;
                match published {
                    Ok(generation) => Ok(Some((generation, id))),
                    // Logged in, but the others cannot be told: keep the session for this
                    // client (under a generation no stored one has), or fail as configured.
                    Err(e) => self.conn.unreachable::<()>(self.operation, format!("Redis: {e}")).map(|_| {
                        let generation = stale.map_or(1, |g| g.wrapping_add(1));
                        Some((generation, id))
                    }),
                }
            }
            Err(err) => Err(err),
        };
        self.unlock(&mut conn, &token).await;
        outcome
    }
}

impl SessionStore for RedisSessions {
    fn obtain<'a, 'b>(
        &'b self,
        stale: Option<u64>,
        fresh: bool,
        login: &'b mut Option<LoginFuture<'a>>,
    ) -> StoreFuture<'b, Result<Option<(u64, Secret)>, Error>>
    where
        'a: 'b,
    {
        Box::pin(self.run(stale, fresh, login))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::LoginFields;
    use crate::runtime::{Credentials, LoginSpec};

    fn login(user: &str, token: &str) -> LoginConfig {
        LoginConfig {
            spec: LoginSpec {
                operation: "session.login",
                path: "/session/login",
                fields: LoginFields { client: Some("clientName"), user: "userName", password: "password", agent: Some("agent") },
                access_header: "LV-Access",
                session_id_field: "sessionId",
            },
            access_token: Secret::new(token),
            credentials: Credentials::user("CLIENT", user, "hunter2-password"),
        }
    }

    #[test]
    fn session_keys_hash_user_token_and_base_and_never_show_secrets() {
        let base = url::Url::parse("https://api.livevox.com/").unwrap();
        let other_base = url::Url::parse("https://api.na4.livevox.com/").unwrap();
        let config = RedisConfig::url("redis://127.0.0.1:1").key_prefix("acct");
        let a = session_hash(&base, &login("api.user", "tok-secret-1"));
        assert_eq!(a, session_hash(&base, &login("api.user", "tok-secret-1")), "the same user and token share a key");
        assert_ne!(a, session_hash(&base, &login("api.user", "tok-secret-2")));
        assert_ne!(a, session_hash(&base, &login("other.user", "tok-secret-1")));
        assert_ne!(a, session_hash(&other_base, &login("api.user", "tok-secret-1")));
        assert_eq!(a.len(), 64);
        let store = RedisSessions { operation: "session.login", conn: config.connection().unwrap(), key: format!("acct:session:{a}"), lock: String::new(), lock_ttl: Duration::ZERO, ttl: Duration::ZERO };
        for secret in ["tok-secret-1", "hunter2-password", "api.user"] {
            assert!(!store.key.contains(secret), "{}", store.key);
        }
    }

    #[test]
    fn bad_settings_are_config_errors_and_debug_hides_the_url() {
        let with_password = RedisConfig::url("redis://:s3cret@127.0.0.1:6379");
        assert!(!format!("{with_password:?}").contains("s3cret"));
        assert!(matches!(RedisConfig::url("not a url").connection(), Err(Error::Config(m)) if m.contains("URL")));
        assert!(matches!(RedisConfig::url("redis://127.0.0.1").key_prefix("").connection(), Err(Error::Config(m)) if m.contains("prefix")));
        let zero = RedisConfig::url("redis://127.0.0.1").session_lock_ttl(Duration::ZERO);
        assert!(matches!(zero.connection(), Err(Error::Config(m)) if m.contains("session_lock_ttl")));
    }
}

//! Client-side rate limits from the spec ([`RateLimit`]): at most `calls` calls of an operation
//! in any rolling window of `per_seconds` seconds, and at most `max_in_flight` of them at once.
//! One limiter per operation name, shared by every clone of a client.
//!
//! # Why not `governor`
//!
//! `governor` implements GCRA, which cannot give the strict guarantee LiveVox asks for ("never
//! more than 5 Append calls in any 60 seconds"), for three reasons:
//!
//! 1. *GCRA with a burst is not a sliding window.* With a quota of N per period P, governor
//!    admits one cell every `T = P/N` with a tolerance `tau = T * (N - 1)` (`gcra.rs`: `tau = t *
//!    (max_burst - 1)`). After N calls at time 0 its theoretical arrival time is `N*T = P`, and
//!    the next call is admitted at `P - tau = T`: for 5/min, a sixth call at 12 s, six calls
//!    within one minute. A burst of 1 does conform, but then calls are spaced by `P/N` even when
//!    the window is empty.
//! 2. *It counts admissions, the server counts arrivals.* A call admitted first can reach the
//!    server after one admitted later (a slow connect), so admission times spaced by P do not
//!    keep arrivals P apart.
//! 3. *Its clock and timer are not tokio's* (`quanta`/`Instant` and `futures-timer`), so
//!    waiting on it ignores tokio's paused clock, which the tests use to check the guarantee.
//!
//! So the window is a small log instead: each of the last N calls holds a slot that is stamped
//! when the call *ends* (its response read, or the call abandoned), and a new call may start
//! only when fewer than N slots are unfinished or younger than P. A request arrives at the
//! server between its start and its end, so call `k + N` starts at least P after call `k` has
//! arrived, and no window of length P sees more than N arrivals, whatever the latencies. The
//! price is that a slow call holds its slot a little longer than the server needs.
//!
//! `max_in_flight` is a fair (FIFO) tokio semaphore. With a [`WindowStore`] (the `redis`
//! feature), windows and in-flight counts are kept there instead, shared by every client of
//! the store; the builder's time scale shortens (or lengthens) every window either way.
//!
//! The in-process `max_in_flight` Both use `tokio::time`, so tests with a
//! paused clock run in virtual time. Retries and throttled re-sends each take a slot: the
//! server counts every request. The session layer's replay after a 401 happens inside one
//! slot; LiveVox refuses an expired session before the method runs.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::store::{SharedSlot, WindowStore};
use super::{Error, Operation, RateLimit};

/// The limiters of one client, by operation name, made on first use.
pub(crate) struct RateLimits {
    by_operation: Mutex<HashMap<&'static str, Arc<Limiter>>>,
    /// Multiplies every window (1.0 but in tests; see `ClientBuilder::rate_limit_time_scale`).
    time_scale: f64,
    /// Windows shared with other clients; `None` keeps them in this process.
    store: Option<Arc<dyn WindowStore>>,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::new(1.0, None)
    }
}

impl RateLimits {
    /// Limiters whose windows are scaled by `time_scale` (finite and above zero), kept in
    /// `store` when there is one.
    pub fn new(time_scale: f64, store: Option<Arc<dyn WindowStore>>) -> Self {
        RateLimits { by_operation: Mutex::default(), time_scale, store }
    }

    /// Waits until `op` may be sent; `None` when the operation has no limit. Hold the permit
    /// until the response has been read, then [`Permit::end`] it.
    pub async fn acquire(&self, op: &'static Operation) -> Result<Option<Permit>, Error> {
        let Some(limit) = op.rate_limit else { return Ok(None) };
        check_limit(op.name, limit)?;
        let period = self.period(limit);
        if let Some(store) = &self.store {
            if let Some(shared) = store.acquire(op.name, limit, period).await? {
                return Ok(Some(Permit { _slot: None, _in_flight: None, shared: Some(shared) }));
            }
            // The store is unreachable and the client falls back to its own windows.
        }
        let limiter = self.limiter(op.name, limit, period)?;
        Ok(Some(limiter.acquire().await))
    }

    /// The earliest time `op` could start, when its window is full and that time is known: a
    /// lower bound (callers queued ahead and calls still running only push it later), so a
    /// caller whose deadline comes sooner can fail at once instead of waiting. `None` when the
    /// operation has no window or the window has room. With a shared store (Redis) this sees
    /// only this process's window, so a wait for other workers' calls is bounded by the
    /// deadline while it happens rather than refused up front.
    pub fn earliest_start(&self, op: &'static Operation) -> Option<Instant> {
        let limit = op.rate_limit?;
        let window = self.limiter(op.name, limit, self.period(limit)).ok()?.window.clone()?;
        let log = window.log();
        let now = Instant::now();
        let live: Vec<Instant> = log.ended.iter().copied().filter(|&end| now.saturating_duration_since(end) < window.period).collect();
        // Slots that must free up before this call fits, oldest first.
        let needed = (live.len() + log.running + 1).checked_sub(window.calls)?;
        match live.get(needed.checked_sub(1)?) {
            Some(end) => end.checked_add(window.period),
            // It waits on a running call, which ends no sooner than now.
            None => now.checked_add(window.period),
        }
    }

    /// The window of `limit`, scaled by the client's time scale; `None` for a limit with no
    /// period (an in-flight cap alone).
    fn period(&self, limit: RateLimit) -> Option<Duration> {
        // `try_from` rather than `from`: a scale cannot make this panic, however large.
        (limit.per_seconds > 0).then(|| Duration::try_from_secs_f64(f64::from(limit.per_seconds) * self.time_scale).unwrap_or(Duration::MAX))
    }

    fn limiter(&self, name: &'static str, limit: RateLimit, period: Option<Duration>) -> Result<Arc<Limiter>, Error> {
        // No await while this is held, and a panic cannot leave the map half-updated.
        let mut map = self.by_operation.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = map.get(name) {
            return Ok(existing.clone());
        }
        let limiter = Arc::new(Limiter::new(limit, period));
        map.insert(name, limiter.clone());
        Ok(limiter)
    }
}

impl fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let map = self.by_operation.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_set().entries(map.keys()).finish()
    }
}

struct Limiter {
    window: Option<Arc<Window>>,
    in_flight: Option<Arc<Semaphore>>,
}

/// Refuses limits that would block every call.
fn check_limit(name: &str, limit: RateLimit) -> Result<(), Error> {
    if limit.calls == 0 {
        return Err(Error::Config(format!("{name}: a rate limit of 0 calls would block every call")));
    }
    if limit.max_in_flight == Some(0) {
        return Err(Error::Config(format!("{name}: max_in_flight 0 would block every call")));
    }
    Ok(())
}

impl Limiter {
    fn new(limit: RateLimit, period: Option<Duration>) -> Self {
        let window = period.map(|period| {
            Arc::new(Window {
                calls: usize::try_from(limit.calls).unwrap_or(usize::MAX),
                period,
                log: Mutex::new(Log::default()),
                turn: tokio::sync::Mutex::new(()),
                ended: Notify::new(),
            })
        });
        let in_flight = limit
            .max_in_flight
            .map(|n| Arc::new(Semaphore::new(usize::try_from(n).unwrap_or(Semaphore::MAX_PERMITS).min(Semaphore::MAX_PERMITS))));
        Limiter { window, in_flight }
    }

    /// In-flight first, window second: with one call in flight, callers queue fairly on the
    /// semaphore and only the head of the queue waits on the window. Cancel-safe: a dropped
    /// wait takes nothing.
    async fn acquire(&self) -> Permit {
        let in_flight = match &self.in_flight {
            // The semaphore is never closed, so this cannot fail; if it somehow were, calls
            // would go unthrottled rather than fail.
            Some(semaphore) => semaphore.clone().acquire_owned().await.ok(),
            None => None,
        };
        let slot = match &self.window {
            Some(window) => Some(window.clone().acquire().await),
            None => None,
        };
        Permit { _slot: slot, _in_flight: in_flight, shared: None }
    }
}

/// Leave to send one call; ending or dropping it marks the call as ended.
pub(crate) struct Permit {
    // Declared first so it drops first: the slot is stamped before the next caller in line is
    // let through the semaphore.
    _slot: Option<Slot>,
    _in_flight: Option<OwnedSemaphorePermit>,
    /// The slot in a shared store, instead of the two above.
    shared: Option<Box<dyn SharedSlot>>,
}

impl Permit {
    /// Marks the call as ended, and with a shared store waits until the store has recorded it
    /// (a process that exits right after its last call must not leave its slot taken).
    pub async fn end(mut self) {
        if let Some(shared) = self.shared.take() {
            shared.end().await;
        }
    }
}

struct Window {
    calls: usize,
    period: Duration,
    log: Mutex<Log>,
    /// Callers wait for the window one at a time, in arrival order (tokio's mutex is fair).
    turn: tokio::sync::Mutex<()>,
    /// Signalled when a call ends, for a caller that waits on calls still running.
    ended: Notify,
}

#[derive(Default)]
struct Log {
    /// End times of recent calls, oldest first (pushed under the lock, so in order).
    ended: VecDeque<Instant>,
    /// Calls started and not yet ended.
    running: usize,
}

impl Window {
    fn log(&self) -> MutexGuard<'_, Log> {
        // Every update is a push, a pop or an increment: a poisoned log is still consistent.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn acquire(self: Arc<Self>) -> Slot {
        let _turn = self.turn.lock().await;
        loop {
            let wait = {
                let mut log = self.log();
                let now = Instant::now();
                while log.ended.front().is_some_and(|&end| now.saturating_duration_since(end) >= self.period) {
                    log.ended.pop_front();
                }
                if log.ended.len() + log.running < self.calls {
                    log.running += 1;
                    return Slot { window: self.clone() };
                }
                // The oldest ended call frees its slot one period after it ended; a running
                // call frees nothing until it ends, and then only a period later.
                log.ended.front().map(|&end| end.checked_add(self.period).unwrap_or_else(far_future))
            };
            match wait {
                Some(at) => tokio::time::sleep_until(at).await,
                // `notify_one` keeps a permit if nobody waits yet, so an end between the
                // check above and this line is not missed.
                None => self.ended.notified().await,
            }
        }
    }
}

/// About 30 years from now, as tokio does for "never".
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365 * 30)
}

/// One call's place in the window.
struct Slot {
    window: Arc<Window>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut log = self.window.log();
        log.running = log.running.saturating_sub(1);
        log.ended.push_back(Instant::now());
        drop(log);
        self.window.ended.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AuthNeed, BodyKind, Method, ResponseFormat};
    use super::*;

    const fn op(name: &'static str, calls: u32, per_seconds: u32, max_in_flight: Option<u32>) -> Operation {
        Operation {
            name,
            method: Method::Put,
            path: "/x",
            auth: AuthNeed::None,
            idempotent: false,
            body: BodyKind::None,
            response: ResponseFormat::Json,
            pagination: None,
            rate_limit: Some(RateLimit { calls, per_seconds, max_in_flight }),
            deprecated: false,
            agent_allowed: true,
        }
    }

    static FIVE_A_MINUTE: Operation = op("t.five", 5, 60, None);
    static ZERO: Operation = op("t.zero", 0, 60, None);
    static NONE_IN_FLIGHT: Operation = op("t.none", 1, 60, Some(0));
    static TWO_AT_ONCE: Operation = op("t.two", 1000, 0, Some(2));

    #[tokio::test(start_paused = true)]
    async fn a_full_window_waits_for_the_oldest_end_plus_the_period() {
        let limits = RateLimits::default();
        let start = Instant::now();
        for _ in 0..5 {
            drop(limits.acquire(&FIVE_A_MINUTE).await.unwrap());
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "five fit at once");
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(limits.acquire(&FIVE_A_MINUTE).await.unwrap());
        assert_eq!(start.elapsed(), Duration::from_secs(60), "the sixth waits for the first to age out");
    }

    #[tokio::test(start_paused = true)]
    async fn a_running_call_holds_its_slot_until_it_ends() {
        let limits = Arc::new(RateLimits::default());
        let mut held = Vec::new();
        for _ in 0..5 {
            held.push(limits.acquire(&FIVE_A_MINUTE).await.unwrap());
        }
        let start = Instant::now();
        let waiter = {
            let limits = limits.clone();
            tokio::spawn(async move {
                let _permit = limits.acquire(&FIVE_A_MINUTE).await.unwrap();
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_secs(100)).await;
        assert!(!waiter.is_finished(), "five calls are still running");
        held.remove(0); // the first call ends at t = 100 s
        let admitted = waiter.await.unwrap();
        assert_eq!(admitted - start, Duration::from_secs(160));
    }

    #[tokio::test(start_paused = true)]
    async fn in_flight_is_bounded_without_a_window() {
        let limits = RateLimits::default();
        let a = limits.acquire(&TWO_AT_ONCE).await.unwrap();
        let _b = limits.acquire(&TWO_AT_ONCE).await.unwrap();
        let third = tokio::time::timeout(Duration::from_secs(1), limits.acquire(&TWO_AT_ONCE)).await;
        assert!(third.is_err(), "a third call waits");
        drop(a);
        assert!(limits.acquire(&TWO_AT_ONCE).await.unwrap().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn the_time_scale_shortens_every_window() {
        let limits = RateLimits::new(0.05, None);
        let start = Instant::now();
        for _ in 0..6 {
            drop(limits.acquire(&FIVE_A_MINUTE).await.unwrap());
        }
        assert_eq!(start.elapsed(), Duration::from_secs(3), "60 s x 0.05: the sixth call waits 3 s");
        // A scale too large for a Duration saturates instead of panicking.
        let huge = RateLimits::new(1e300, None);
        assert!(huge.acquire(&FIVE_A_MINUTE).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn impossible_limits_are_config_errors() {
        let limits = RateLimits::default();
        assert!(matches!(limits.acquire(&ZERO).await, Err(Error::Config(m)) if m.contains("t.zero")));
        assert!(matches!(limits.acquire(&NONE_IN_FLIGHT).await, Err(Error::Config(_))));
    }
}

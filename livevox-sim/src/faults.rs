//! Fault injection: switches a test flips while the simulator runs, to see how a client copes
//! with a server that fails, stalls, hangs up or sends garbage.
//!
//! Counted faults (`fail_next`, `rate_limit_signal_next`, `drop_next_connections`,
//! `truncate_next_bodies`, `malformed_next_bodies`) apply to the next requests in arrival order, whatever operation they
//! call (a login included), and each use counts one down. `delay` and `xml_errors` stay on until
//! switched off. [`Faults::reset`] switches everything off.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Default)]
pub(crate) struct FaultState {
    fail: Mutex<(u32, u16)>,
    delay_ms: AtomicU64,
    drop: AtomicU32,
    truncate: AtomicU32,
    malformed: AtomicU32,
    xml: AtomicBool,
    /// The rate-limit signal: (answers left, status, the wait it asks for).
    signal: Mutex<(u32, u16, Duration)>,
}

/// Takes one from a counter if it is above zero.
fn take(counter: &AtomicU32) -> bool {
    counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
}

impl FaultState {
    pub(crate) fn take_failure(&self) -> Option<u16> {
        let mut fail = self.fail.lock().unwrap_or_else(|e| e.into_inner());
        if fail.0 == 0 {
            return None;
        }
        fail.0 -= 1;
        Some(fail.1)
    }

    pub(crate) fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms.load(Ordering::SeqCst))
    }

    pub(crate) fn take_drop(&self) -> bool {
        take(&self.drop)
    }

    pub(crate) fn take_truncate(&self) -> bool {
        take(&self.truncate)
    }

    pub(crate) fn take_malformed(&self) -> bool {
        take(&self.malformed)
    }

    pub(crate) fn xml(&self) -> bool {
        self.xml.load(Ordering::SeqCst)
    }

    /// The status and wait of the next rate-limit signal, if one is due.
    pub(crate) fn take_signal(&self) -> Option<(u16, Duration)> {
        let mut signal = self.signal.lock().unwrap_or_else(|e| e.into_inner());
        if signal.0 == 0 {
            return None;
        }
        signal.0 -= 1;
        Some((signal.1, signal.2))
    }
}

/// The fault switches of a running simulator; get them with
/// [`RunningSimulator::faults`](crate::RunningSimulator::faults). Each setter returns `&Self`
/// so switches chain: `sim.faults().fail_next(2, 503).delay(Duration::from_millis(50));`.
#[derive(Debug, Clone)]
pub struct Faults {
    pub(crate) state: Arc<FaultState>,
}

impl Faults {
    /// The next `n` requests get `status` (503 for an outage burst, 500, 502...) with an error
    /// body, before any checking. Replaces an earlier `fail_next` that has not run out.
    pub fn fail_next(&self, n: u32, status: u16) -> &Self {
        *self.state.fail.lock().unwrap_or_else(|e| e.into_inner()) = (n, status);
        self
    }

    /// Every response waits this long before it is sent (`Duration::ZERO` switches it off).
    pub fn delay(&self, delay: Duration) -> &Self {
        self.state.delay_ms.store(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), Ordering::SeqCst);
        self
    }

    /// The next `n` requests are read and then the connection is closed without an answer.
    pub fn drop_next_connections(&self, n: u32) -> &Self {
        self.state.drop.store(n, Ordering::SeqCst);
        self
    }

    /// The next `n` responses that have a body announce its full length but send only the first
    /// half, then the connection is closed.
    pub fn truncate_next_bodies(&self, n: u32) -> &Self {
        self.state.truncate.store(n, Ordering::SeqCst);
        self
    }

    /// The next `n` responses that have a body keep their status and `Content-Type` but carry
    /// text that is not valid JSON.
    pub fn malformed_next_bodies(&self, n: u32) -> &Self {
        self.state.malformed.store(n, Ordering::SeqCst);
        self
    }

    /// Error responses come as XML (`<ErrorResponse code=".." message=".."/>`, the form the
    /// spec's `errors.xml` describes) instead of JSON, while this is on.
    pub fn xml_errors(&self, on: bool) -> &Self {
        self.state.xml.store(on, Ordering::SeqCst);
        self
    }

    /// The next `n` requests get the server's own rate-limit signal, as the spec's
    /// `server_rate_limit` of the first API that declares one describes it: `status` (403,
    /// 429) with its `when` header and a reset `wait` from now (or `Retry-After: <wait>` for
    /// an API whose only signal that is), before any checking. Without such an API in the
    /// spec, the answer is `status` with `Retry-After`.
    pub fn rate_limit_signal_next(&self, n: u32, status: u16, wait: Duration) -> &Self {
        *self.state.signal.lock().unwrap_or_else(|e| e.into_inner()) = (n, status, wait);
        self
    }

    /// Switches every fault off.
    pub fn reset(&self) -> &Self {
        self.fail_next(0, 503)
            .delay(Duration::ZERO)
            .drop_next_connections(0)
            .truncate_next_bodies(0)
            .malformed_next_bodies(0)
            .xml_errors(false)
            .rate_limit_signal_next(0, 429, Duration::ZERO)
    }
}

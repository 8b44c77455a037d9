//! When a failed call is sent again, and after how long: the retry policy of a client
//! ([`RetryConfig`]) and the pure decision the call loop in the client asks it for.
//!
//! Two kinds of failure are retried, each with its own budget:
//!
//! - **Transient failures** (a connect failure, a timeout, a dropped connection, or one of the
//!   configured statuses, 502/503/504 by default) are retried with exponential backoff and
//!   jitter, up to [`RetryConfig::max_attempts`] attempts and within [`RetryConfig::budget`].
//!   Only operations that are safe to repeat ([`Operation::idempotent`]: GET, PUT and DELETE
//!   unless the spec says otherwise, and any call the spec marks idempotent) are retried after
//!   these, because a call that timed out or got a 503 may have been processed. The exception is
//!   a failure that happened *before* the call was sent (no connection could be made, or the
//!   login in front of it failed): nothing reached the server, so nothing can be applied twice.
//! - **Throttling** (429) means the server refused the call without processing it, so it is
//!   retried for every operation: after the server's `Retry-After`, or a backoff when it sent
//!   none, up to [`RetryConfig::throttle_max_retries`] times within
//!   [`RetryConfig::throttle_budget`]. A `Retry-After` longer than what is left of the budget
//!   ends the call at once with the 429 rather than sleeping past the budget. An API's own
//!   "slow down" signal (`server_rate_limit` in its spec: a 403 with `x-ratelimit-remaining: 0`,
//!   say) arrives as the same [`Error::RateLimited`], its wait computed from the reset header
//!   (`server_limit.rs`), and is retried by the same rule.
//!
//! Nothing else is retried: 400, 404, 409 and the other 4xx are answers, not accidents. The
//! session-expired 401 is handled inside one attempt by the session layer.
//!
//! The default statuses are 500, 502, 503 and 504. LiveVox documents 500 as "unexpected error",
//! which is usually a bug that a replay only delays; but a 500 from a proxy or a restarting
//! node is transient, only idempotent calls are replayed, and the attempts are bounded, so a
//! replay costs little. [`RetryConfig::retry_statuses`] narrows the set (e.g. to 502-504).

use std::fmt;
use std::time::Duration;

use super::{Error, Operation};

/// How the backoff delay is randomised, so that many clients failing together do not retry in
/// lockstep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Jitter {
    /// The computed delay as it is (deterministic; useful in tests).
    None,
    /// A uniformly random delay between zero and the computed delay ("full jitter").
    #[default]
    Full,
    /// Half the computed delay plus a random part of the other half.
    Equal,
}

/// The retry policy of a client: give it to [`super::ClientBuilder::retry`].
///
/// ```
/// use std::time::Duration;
/// use livevox_generated::runtime::{Jitter, RetryConfig};
///
/// let policy = RetryConfig::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(200))
///     .max_backoff(Duration::from_secs(5))
///     .jitter(Jitter::Full)
///     .budget(Duration::from_secs(20));
/// assert_eq!(policy.get_max_attempts(), 5);
/// ```
#[derive(Clone, PartialEq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    multiplier: f64,
    max_backoff: Duration,
    jitter: Jitter,
    budget: Duration,
    statuses: Vec<u16>,
    retry_throttled: bool,
    throttle_max_retries: u32,
    throttle_budget: Duration,
}

/// Attempts per call, the first included, when the caller sets nothing.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The first backoff delay (before jitter) when the caller sets nothing.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(100);
/// The longest backoff delay (before jitter) when the caller sets nothing.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(10);
/// How long a call may keep retrying transient failures when the caller sets nothing.
pub const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(30);
/// How often a throttled call is sent again when the caller sets nothing.
pub const DEFAULT_THROTTLE_MAX_RETRIES: u32 = 5;
/// How long a call may keep waiting out throttling when the caller sets nothing: two minutes,
/// so that a `Retry-After` of a minute (the LiveVox Append window) can be honoured.
pub const DEFAULT_THROTTLE_BUDGET: Duration = Duration::from_secs(120);

impl Default for RetryConfig {
    /// 3 attempts, 100 ms doubling to at most 10 s with full jitter, a 30 s budget, on connect
    /// failures, timeouts, dropped connections and 502/503/504; throttled calls up to 5 times
    /// more within 2 minutes.
    fn default() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            multiplier: 2.0,
            max_backoff: DEFAULT_MAX_BACKOFF,
            jitter: Jitter::Full,
            budget: DEFAULT_RETRY_BUDGET,
            statuses: vec![500, 502, 503, 504],
            retry_throttled: true,
            throttle_max_retries: DEFAULT_THROTTLE_MAX_RETRIES,
            throttle_budget: DEFAULT_THROTTLE_BUDGET,
        }
    }
}

impl RetryConfig {
    /// The default policy (see [`RetryConfig::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never send a call twice: one attempt, and throttled calls fail at once.
    pub fn disabled() -> Self {
        RetryConfig { max_attempts: 1, retry_throttled: false, ..Self::default() }
    }

    /// Attempts per call for transient failures, the first included; `0` counts as `1` (no
    /// retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay before the first retry (before jitter).
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The factor each further delay grows by (2 by default). Values below 1, and values that
    /// are not finite, count as 1 (a constant delay).
    pub fn multiplier(mut self, factor: f64) -> Self {
        self.multiplier = if factor.is_finite() && factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// The longest delay between two attempts (before jitter).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// How delays are randomised.
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// The longest a call keeps retrying transient failures, counted from its first attempt:
    /// a retry whose delay would end past it is not made, and the last error is returned.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The HTTP statuses retried as transient (502, 503 and 504 by default). Statuses outside
    /// 500..=599 are ignored: a 4xx is the server's answer, and 429 has its own rule.
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().filter(|s| (500..=599).contains(s)).collect();
        self
    }

    /// Whether a throttled call (429) waits and is sent again (yes by default).
    pub fn retry_throttled(mut self, retry: bool) -> Self {
        self.retry_throttled = retry;
        self
    }

    /// How many times one call is sent again after being throttled.
    pub fn throttle_max_retries(mut self, retries: u32) -> Self {
        self.throttle_max_retries = retries;
        self
    }

    /// The longest a call keeps waiting out throttling, counted from its first attempt.
    pub fn throttle_budget(mut self, budget: Duration) -> Self {
        self.throttle_budget = budget;
        self
    }

    /// The maximum number of attempts, the first included.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The total time budget of one call.
    pub fn get_budget(&self) -> Duration {
        self.budget
    }

    /// The statuses retried for idempotent operations.
    pub fn get_retry_statuses(&self) -> &[u16] {
        &self.statuses
    }

    /// Whether throttled (429) calls are retried.
    pub fn get_retry_throttled(&self) -> bool {
        self.retry_throttled
    }

    /// The delay before retry number `retry` (0 for the first), before jitter:
    /// `initial * multiplier^retry`, capped at the maximum.
    pub fn backoff(&self, retry: u32) -> Duration {
        let cap = self.max_backoff.as_secs_f64();
        let exponent = i32::try_from(retry).unwrap_or(i32::MAX);
        let secs = self.initial_backoff.as_secs_f64() * self.multiplier.powi(exponent);
        // NaN (0 * inf) and overflow both land on the cap; from_secs_f64 would panic on them.
        let secs = if secs.is_finite() { secs.min(cap) } else { cap };
        Duration::try_from_secs_f64(secs).unwrap_or(self.max_backoff)
    }

    fn jittered(&self, delay: Duration) -> Duration {
        match self.jitter {
            Jitter::None => delay,
            Jitter::Full => delay.mul_f64(fastrand::f64()),
            Jitter::Equal => delay / 2 + (delay / 2).mul_f64(fastrand::f64()),
        }
    }

    /// Whether a call that failed with `err` after `elapsed` (from its first attempt) is sent
    /// again: after how long, and the budget (from the first attempt) the retry must fit in.
    pub(crate) fn decide(&self, op: &Operation, err: &Error, tally: &mut Tally, elapsed: Duration) -> Option<(Duration, Duration)> {
        match classify(op, err, &self.statuses) {
            Class::Final => None,
            Class::Throttled => {
                if !self.retry_throttled || tally.throttled >= self.throttle_max_retries {
                    return None;
                }
                let delay = match err.retry_after() {
                    Some(wait) => wait,
                    None => self.jittered(self.backoff(tally.throttled)),
                };
                if elapsed.saturating_add(delay) > self.throttle_budget {
                    return None;
                }
                tally.throttled += 1;
                Some((delay, self.throttle_budget))
            }
            Class::Transient => {
                // `failed` counts the failed attempts before this one; this one makes it +1.
                if tally.failed.saturating_add(1) >= self.max_attempts {
                    return None;
                }
                let mut delay = self.jittered(self.backoff(tally.failed));
                // A 503 may say when to come back; never sooner than that.
                if let Some(wait) = err.retry_after() {
                    delay = delay.max(wait);
                }
                if elapsed.saturating_add(delay) > self.budget {
                    return None;
                }
                tally.failed += 1;
                Some((delay, self.budget))
            }
        }
    }
}

impl fmt::Debug for RetryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryConfig")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("multiplier", &self.multiplier)
            .field("max_backoff", &self.max_backoff)
            .field("jitter", &self.jitter)
            .field("budget", &self.budget)
            .field("retry_statuses", &self.statuses)
            .field("retry_throttled", &self.retry_throttled)
            .field("throttle_max_retries", &self.throttle_max_retries)
            .field("throttle_budget", &self.throttle_budget)
            .finish()
    }
}

/// The retries one call has used so far.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    /// Attempts that failed transiently and were retried.
    pub failed: u32,
    /// Attempts that were throttled and retried.
    pub throttled: u32,
}

enum Class {
    /// The server refused the call unprocessed and asked us to slow down.
    Throttled,
    /// Might succeed if sent again, and sending again is safe for this operation.
    Transient,
    /// Sending again would not help, or might apply the call twice.
    Final,
}

fn classify(op: &Operation, err: &Error, statuses: &[u16]) -> Class {
    // A failed automatic login is judged by the login's own error.
    let cause = err.login_error().unwrap_or(err);
    if matches!(cause, Error::RateLimited { .. }) {
        return Class::Throttled;
    }
    let transient = match cause {
        Error::Connect { .. } | Error::Timeout { .. } | Error::Transport { .. } => true,
        Error::ServerError(e) => statuses.contains(&e.status().as_u16()),
        _ => false,
    };
    if !transient {
        return Class::Final;
    }
    // Not sent at all: no connection was made, or the login in front of the call failed.
    // Safe to send for any operation.
    let unsent = err.is_connect() || err.login_error().is_some();
    if op.idempotent || unsent {
        Class::Transient
    } else {
        Class::Final
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AuthNeed, BodyKind, Method, ResponseFormat};
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_never_panics() {
        let c = RetryConfig::default().jitter(Jitter::None);
        let ms: Vec<u128> = (0..10).map(|n| c.backoff(n).as_millis()).collect();
        assert_eq!(ms, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
        assert_eq!(c.backoff(u32::MAX), DEFAULT_MAX_BACKOFF);
        let odd = RetryConfig::default().multiplier(f64::NAN).initial_backoff(Duration::MAX).max_backoff(Duration::MAX);
        assert_eq!(odd.backoff(3), Duration::MAX);
        assert_eq!(RetryConfig::default().multiplier(0.1).backoff(5), DEFAULT_INITIAL_BACKOFF);
        let zero = RetryConfig::default().initial_backoff(Duration::ZERO).multiplier(f64::MAX);
        assert_eq!(zero.backoff(400), DEFAULT_MAX_BACKOFF, "0 * inf is NaN, which lands on the cap");
    }

    #[test]
    fn jitter_stays_within_the_delay() {
        let d = Duration::from_millis(800);
        for _ in 0..1000 {
            assert!(RetryConfig::default().jitter(Jitter::Full).jittered(d) <= d);
            let equal = RetryConfig::default().jitter(Jitter::Equal).jittered(d);
            assert!(equal >= d / 2 && equal <= d, "{equal:?}");
        }
        assert_eq!(RetryConfig::default().jitter(Jitter::None).jittered(d), d);
    }

    #[test]
    fn zero_attempts_means_one_and_statuses_are_5xx_only() {
        assert_eq!(RetryConfig::default().max_attempts(0).get_max_attempts(), 1);
        assert_eq!(RetryConfig::default().retry_statuses([400, 500, 503, 600]).get_retry_statuses(), [500, 503]);
        assert!(!RetryConfig::disabled().get_retry_throttled());
    }

    const fn op(method: Method, idempotent: bool) -> Operation {
        Operation {
            name: "t.op",
            method,
            path: "/x",
            auth: AuthNeed::None,
            idempotent,
            body: BodyKind::None,
            response: ResponseFormat::Json,
            pagination: None,
            rate_limit: None,
            deprecated: false,
            agent_allowed: true,
        }
    }

    #[test]
    fn config_errors_and_invalid_requests_are_final() {
        let c = RetryConfig::default();
        let mut tally = Tally::default();
        assert_eq!(c.decide(&op(Method::Get, true), &Error::Config("x".into()), &mut tally, Duration::ZERO), None);
        let invalid = Error::InvalidRequest { operation: "t.op", message: "x".into() };
        assert_eq!(c.decide(&op(Method::Get, true), &invalid, &mut tally, Duration::ZERO), None);
    }
}

//! Deadlines: one limit on a whole call, beside the limit on each attempt.
//!
//! A call has two time limits, both settable on the client builder and per call:
//!
//! - the **attempt timeout** ([`super::ClientBuilder::timeout`], a request builder's
//!   `.timeout(d)`; default [`super::DEFAULT_TIMEOUT`], 60 s) bounds one attempt: connect, send,
//!   wait for and read the response. A retried call gets it afresh for every attempt. This is
//!   what `.timeout(d)` has always meant, and it keeps that meaning.
//! - the **deadline** ([`super::ClientBuilder::deadline`], a request builder's `.deadline(d)`;
//!   default [`DEFAULT_DEADLINE`], 5 minutes) bounds the call as the caller sees it, counted
//!   from the moment it starts: every attempt, every backoff, the session login in front of it
//!   and every wait for the client's own rate limiter. When it passes, the call ends with
//!   [`Error::DeadlineExceeded`] at once, whatever the retry policy still allows, with the last
//!   attempt's failure attached. This is the AWS SDK's "operation timeout".
//!
//! Waiting is never begun when it cannot end in time: a call whose rate limit would admit it
//! only after its deadline fails at once rather than sleeping, and a retry whose backoff would
//! end past the deadline is not made. The default deadline leaves room for the default retry
//! policy (three attempts, a 30 s retry budget, a 2-minute throttle budget) and for a full
//! minute in the queue of a 5-a-minute rate limit. `ClientBuilder::no_timeout` lifts both
//! limits (long-polling feeds); `ClientBuilder::no_deadline` only the deadline.
//!
//! **One timer per call.** The deadline is no timer around each attempt: the policy hands it
//! to the attempt, and every exchange is sent with the shorter of the attempt timeout and the
//! time left to the deadline as reqwest's timeout ([`Deadline::bound`]), which also bounds the
//! read of the response's body. A call on its happy path so sets one timer, as a plain reqwest
//! request with a timeout does, not two (about 800 instructions of a 79,000-instruction call,
//! README, Benchmarks). A timeout that ends an exchange once the deadline has passed is the
//! deadline's; the waits in front of an exchange (a login, another call's login, a renewal, a
//! token request, a token provider) are bounded by [`Deadline::run`], which sets its timer only
//! when they do wait. Either way the call ends as a timer around the attempt ended it: with
//! [`Error::DeadlineExceeded`], "attempt N had not finished", the previous attempt's failure
//! attached (`tests/runtime_deadline_layers.rs` checks each path).
//!
//! Deadlines run on tokio's clock, so tests with a paused clock see them in virtual time.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use tokio::time::Instant;

use super::Error;

/// The deadline of a call when the caller sets none: 5 minutes.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

/// The time limits one call overrides: a request builder holds one and hands it to
/// [`super::Request::limits`]. `None` keeps the client's setting.
///
/// - `timeout`, the **attempt timeout** (client default [`super::DEFAULT_TIMEOUT`], 60 s),
///   bounds one attempt: connect, send, wait for and read the response. Every retry gets it
///   afresh.
/// - `deadline` (client default [`DEFAULT_DEADLINE`], 5 minutes) bounds the call as the caller
///   sees it, from its start: every attempt, backoff, the session login in front of it and
///   every wait for the client's own rate limiter. When it passes the call ends with
///   [`Error::DeadlineExceeded`], whatever the retry policy still allows; a call the rate
///   limiter would hold past it, or a retry whose backoff would end past it, fails at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallLimits {
    /// The limit for each attempt.
    pub timeout: Option<Duration>,
    /// The limit for the whole call, retries and waits included.
    pub deadline: Option<Duration>,
}

/// The end of one call's time, from the moment it started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    operation: &'static str,
    limit: Option<Duration>,
    at: Option<Instant>,
}

impl Deadline {
    /// Starts the clock of a call of `operation` that may take `limit` (`None`: no deadline).
    pub fn start(operation: &'static str, limit: Option<Duration>) -> Self {
        let at = limit.and_then(|d| Instant::now().checked_add(d));
        Deadline { operation, limit, at }
    }

    /// The error of a call cut short by its deadline: `detail` says while doing what, `last`
    /// is the failure of the last attempt, if one failed before.
    pub fn exceeded(&self, detail: impl Into<String>, last: Option<Error>) -> Error {
        Error::DeadlineExceeded {
            operation: self.operation,
            deadline: self.limit.unwrap_or(Duration::MAX),
            detail: detail.into(),
            last: last.map(Box::new),
        }
    }

    /// Whether a wait that ends at `until` ends after the deadline.
    pub fn passes_before(&self, until: Instant) -> bool {
        self.at.is_some_and(|at| until > at)
    }

    /// Whether the deadline has passed (never, without one).
    pub fn has_passed(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }

    /// The limit of one HTTP exchange that may take `timeout` (the attempt timeout; `None`:
    /// none): the shorter of it and the time left to the deadline. An exchange sent with it
    /// needs no timer of its own for the deadline; when it runs out, [`Deadline::has_passed`]
    /// tells whether it was the deadline.
    pub fn bound(&self, timeout: Option<Duration>) -> Option<Duration> {
        let Some(at) = self.at else { return timeout };
        let left = at.saturating_duration_since(Instant::now());
        Some(timeout.map_or(left, |t| t.min(left)))
    }

    /// Runs the future `make` makes until the deadline; when the deadline passes first, the
    /// error `cut` makes (it is only called then, so the happy path builds no message).
    ///
    /// A future that is ready at once (a credential in hand) sets no timer: it is polled once
    /// before the timer is made, which a timer only dropped would still cost a lock of tokio's
    /// timer wheel. The future is made here rather than passed in: a future argument would sit
    /// in this function's state beside the one pinned here, doubling its state.
    pub async fn run<T, Fut: Future<Output = T>>(&self, cut: impl FnOnce(&Self) -> Error, make: impl FnOnce() -> Fut) -> Result<T, Error> {
        let Some(at) = self.at else { return Ok(make().await) };
        let mut future = std::pin::pin!(make());
        let first = std::future::poll_fn(|cx| Poll::Ready(match future.as_mut().poll(cx) {
            Poll::Ready(value) => Some(value),
            Poll::Pending => None,
        }))
        .await;
        if let Some(value) = first {
            return Ok(value);
        }
        match tokio::time::timeout_at(at, future).await {
            Ok(value) => Ok(value),
            Err(_) => Err(cut(self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_deadline_cuts_a_wait_short_and_says_what_it_was() {
        let d = Deadline::start("t.op", Some(Duration::from_secs(5)));
        let start = Instant::now();
        let err = d.run(|d| d.exceeded("waiting", None), || tokio::time::sleep(Duration::from_secs(60))).await.unwrap_err();
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        assert!(matches!(&err, Error::DeadlineExceeded { operation: "t.op", detail, last: None, .. } if detail == "waiting"), "{err:?}");
        assert!(d.passes_before(start + Duration::from_secs(6)));
        assert!(!d.passes_before(start + Duration::from_secs(5)));
    }

    #[tokio::test(start_paused = true)]
    async fn an_exchange_is_bounded_by_the_shorter_of_the_attempt_timeout_and_the_time_left() {
        let none = Deadline::start("t.op", None);
        assert_eq!(none.bound(Some(Duration::from_secs(60))), Some(Duration::from_secs(60)));
        assert_eq!(none.bound(None), None, "no limit at all: no timer");
        let d = Deadline::start("t.op", Some(Duration::from_secs(5)));
        assert_eq!(d.bound(Some(Duration::from_secs(60))), Some(Duration::from_secs(5)));
        assert_eq!(d.bound(Some(Duration::from_secs(1))), Some(Duration::from_secs(1)));
        assert_eq!(d.bound(None), Some(Duration::from_secs(5)), "no attempt timeout: the deadline still bounds it");
        tokio::time::advance(Duration::from_secs(4)).await;
        assert_eq!(d.bound(Some(Duration::from_secs(60))), Some(Duration::from_secs(1)), "what is left of it");
        assert!(!d.has_passed());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(d.has_passed() && !none.has_passed());
        assert_eq!(d.bound(Some(Duration::from_secs(60))), Some(Duration::ZERO));
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_ready_at_once_is_its_value_even_past_the_deadline() {
        let d = Deadline::start("t.op", Some(Duration::from_secs(1)));
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(d.run(|d| d.exceeded("waiting", None), || std::future::ready(7)).await.unwrap(), 7);
        // One that waits is cut at once, the deadline having passed.
        let start = Instant::now();
        let err = d.run(|d| d.exceeded("waiting", None), || tokio::time::sleep(Duration::from_secs(1))).await.unwrap_err();
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(err.kind(), "deadline_exceeded");
    }

    #[tokio::test(start_paused = true)]
    async fn no_deadline_waits_as_long_as_it_takes() {
        let d = Deadline::start("t.op", None);
        let start = Instant::now();
        d.run(|d| d.exceeded("waiting", None), || tokio::time::sleep(Duration::from_secs(3600))).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        assert!(!d.passes_before(start + Duration::from_secs(86_400)));
    }
}

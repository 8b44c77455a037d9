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
//! Deadlines run on tokio's clock, so tests with a paused clock see them in virtual time.

use std::future::Future;
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

    /// Runs the future `make` makes until the deadline; when the deadline passes first, the
    /// error `cut` makes (it is only called then, so the happy path builds no message).
    ///
    /// The future is made here rather than passed in: a future argument would sit in this
    /// function's state beside the timeout it is moved into, doubling the state of every call
    /// (which is moved into its box on every call).
    pub async fn run<T, Fut: Future<Output = T>>(&self, cut: impl FnOnce(&Self) -> Error, make: impl FnOnce() -> Fut) -> Result<T, Error> {
        match self.at {
            None => Ok(make().await),
            Some(at) => match tokio::time::timeout_at(at, make()).await {
                Ok(value) => Ok(value),
                Err(_) => Err(cut(self)),
            },
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
    async fn no_deadline_waits_as_long_as_it_takes() {
        let d = Deadline::start("t.op", None);
        let start = Instant::now();
        d.run(|d| d.exceeded("waiting", None), || tokio::time::sleep(Duration::from_secs(3600))).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        assert!(!d.passes_before(start + Duration::from_secs(86_400)));
    }
}

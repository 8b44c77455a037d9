//! The policy layer, above authorization: each attempt of a call waits for the operation's rate
//! limit, a failed attempt is sent again as the retry policy says, and the call's deadline
//! bounds all of it. It knows nothing of HTTP: an attempt is a future it is handed.

use std::future::Future;
use std::time::Duration;

use super::deadline::Deadline;
use super::describe::Operation;
use super::error::Error;
use super::ratelimit::{Permit, RateLimits};
use super::retry::{RetryConfig, Tally};

/// A client's policy, shared by all its calls.
pub(crate) struct Policy {
    pub retry: RetryConfig,
    /// Per-operation rate limits from the spec, shared by all clones of the client.
    pub limits: RateLimits,
    /// The limit for a whole call when the request sets none ([`super::deadline::CallLimits`]).
    pub deadline: Option<Duration>,
}

impl Policy {
    /// Starts the clock of a call of `op` whose request sets `limit` (`None`: the client's).
    pub fn start_deadline(&self, op: &'static Operation, limit: Option<Duration>) -> Deadline {
        Deadline::start(op.name, limit.or(self.deadline))
    }

    /// One call as the caller sees it: each attempt (a call of `attempt`) waits for the
    /// operation's rate limit, and a failed attempt is sent again as the retry policy says.
    ///
    /// The retry budgets count from the first attempt's start, after the first wait for the
    /// rate limiter: queueing behind other callers does not eat into them, but a retry that
    /// cannot get past the limiter before its budget runs out is not made.
    ///
    /// The call's `deadline` ([`Policy::start_deadline`]) bounds all of it: a wait for the
    /// limiter that cannot end before it fails at once, and so does a retry whose backoff would.
    /// An attempt is handed the deadline and keeps to it itself (its exchange's timer ends at
    /// it, and so do the waits of the authorization scheme in front of it), so the happy path
    /// sets one timer per call, not a second one around the attempt; an attempt it cut short
    /// fails with [`Error::DeadlineExceeded`], which this completes (the attempt's number, the
    /// previous attempt's failure).
    ///
    /// The number of attempts is recorded on `span` (the call's), when anyone listens.
    ///
    /// `first_start` is when the first attempt started, when the caller made it before handing
    /// the call over (the client's first-attempt path, for an operation without a rate limit):
    /// the retry budgets count from it, and `attempt`'s first future gives that attempt's
    /// failure.
    pub async fn run<T, F, Fut>(
        &self,
        op: &'static Operation,
        span: &tracing::Span,
        deadline: Deadline,
        mut first_start: Option<tokio::time::Instant>,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut(Deadline) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut tally = Tally::default();
        // The error of the last attempt, and until when its retry may wait for the limiter.
        let mut retrying: Option<(Error, tokio::time::Instant)> = None;
        let mut number: u32 = 0;
        loop {
            number += 1;
            let retry = retrying.take();
            let last = retry.as_ref().map(|(e, _)| e);
            // An operation without a rate limit takes no limiter (and no lock) at all. The wait
            // is boxed: inline, its state (the limiter's and the store's futures under two
            // timeouts) would more than double the size of every call's future, which is moved
            // into its box on every call, rate-limited or not.
            let permit = match op.rate_limit {
                None => None,
                Some(_) => Box::pin(self.wait_for_limit(op, &deadline, retry.as_ref(), number)).await?,
            };
            let start = *first_start.get_or_insert_with(tokio::time::Instant::now);
            // Boxed: inline, it would make the call's box too large for the allocator's fast
            // path (`Client::run` says why).
            let result = Box::pin(attempt(deadline)).await;
            // Marks the call as ended for the rate limiter: only now has it surely arrived.
            if let Some(permit) = permit {
                Box::pin(permit.end()).await;
            }
            if !span.is_disabled() {
                span.record("attempts", number);
            }
            let err = match result {
                Ok(value) => return Ok(value),
                Err(Error::DeadlineExceeded { .. }) => return Err(deadline.exceeded(format!("attempt {number} had not finished"), last.cloned())),
                Err(err) => err,
            };
            let Some((delay, budget)) = self.retry.decide(op, &err, &mut tally, start.elapsed()) else {
                return Err(err);
            };
            if deadline.passes_before(tokio::time::Instant::now() + delay) {
                return Err(deadline.exceeded(format!("the retry after attempt {number} would start past the deadline"), Some(err)));
            }
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            tracing::info!(operation = op.name, attempt = number, delay_ms, error = err.kind(), "call failed; sending it again");
            tokio::time::sleep(delay).await;
            let budget_end = start.checked_add(budget).unwrap_or_else(|| tokio::time::Instant::now() + budget.min(Duration::from_secs(86_400)));
            retrying = Some((err, budget_end));
        }
    }
    /// Waits until attempt `number` may start under the operation's rate limit; the wait of a
    /// retry is bounded by its budget (`retry`: the last error and the budget's end), the wait
    /// of every attempt by the deadline.
    async fn wait_for_limit(
        &self,
        op: &'static Operation,
        deadline: &Deadline,
        retry: Option<&(Error, tokio::time::Instant)>,
        number: u32,
    ) -> Result<Option<Permit>, Error> {
        let last = retry.map(|(e, _)| e);
        if let Some(at) = self.limits.earliest_start(op).filter(|&at| deadline.passes_before(at)) {
            let wait = at.saturating_duration_since(tokio::time::Instant::now());
            let detail = format!("the client's rate limit would hold the call for {wait:?}, past its deadline");
            return Err(deadline.exceeded(detail, last.cloned()));
        }
        let acquire = deadline.run(|d| d.exceeded("waiting for the client's rate limit", last.cloned()), || self.limits.acquire(op));
        match retry {
            None => acquire.await?,
            Some((last, budget_end)) => match tokio::time::timeout_at(*budget_end, acquire).await {
                Ok(permit) => permit?,
                Err(_) => {
                    tracing::info!(operation = op.name, attempt = number, "retry budget spent waiting for the rate limit");
                    Err(last.clone())
                }
            },
        }
    }
}

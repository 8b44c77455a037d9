//! The server's own "slow down" signal ([`ServerRateLimit`], from the API document's
//! `server_rate_limit`): whether an error answer carries it, and the wait it asks for. Such an
//! answer becomes [`Error::RateLimited`], which the retry policy (`retry.rs`) already waits out
//! and sends again, bounded by the throttle budget and the call's deadline.
//!
//! The wait comes from the reset header (`x-ratelimit-reset: <epoch seconds>`, minus now), else
//! from `Retry-After` when the API says it counts. A reset value that does not parse, lies in
//! the past or lies more than [`MAX_RESET_WAIT`] ahead gives no wait: the retry policy then
//! backs off as for a 429 without `Retry-After`, rather than sleeping for a year or not at all.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::RETRY_AFTER;
use http::{HeaderMap, StatusCode};

use super::describe::{ResetUnit, ServerRateLimit};
use super::error::{parse_retry_after, Error};

/// The longest wait a reset header may ask for; a later reset is taken as no reset at all.
pub const MAX_RESET_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// An answer that carried the server's signal, and the wait it asked for (`None`: it said
/// "wait" but not how long).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Throttled {
    pub wait: Option<Duration>,
}

impl ServerRateLimit {
    /// Whether an answer with this status and these headers is the signal, read at `now`.
    pub(crate) fn signal(&self, status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Option<Throttled> {
        if !self.statuses.contains(&status.as_u16()) {
            return None;
        }
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let matched = self.when.is_some_and(|(name, value)| text(name).is_some_and(|v| v.eq_ignore_ascii_case(value)));
        let retry_after = if self.retry_after { headers.get(RETRY_AFTER) } else { None };
        if !matched && retry_after.is_none() {
            return None;
        }
        let from_reset = self.reset.and_then(|(name, unit)| text(name).and_then(|v| reset_wait(v, unit, now)));
        let from_retry_after = retry_after.and_then(|v| parse_retry_after(v, chrono::DateTime::<chrono::Utc>::from(now)));
        Some(Throttled { wait: from_reset.or(from_retry_after).filter(|w| *w <= MAX_RESET_WAIT) })
    }
}

/// The wait until a reset given as `value` in `unit`; `None` when it does not parse, is in the
/// past (for epoch seconds) or is beyond [`MAX_RESET_WAIT`].
fn reset_wait(value: &str, unit: ResetUnit, now: SystemTime) -> Option<Duration> {
    let secs: u64 = value.parse().ok()?;
    let wait = match unit {
        ResetUnit::Seconds => Duration::from_secs(secs),
        ResetUnit::EpochSeconds => {
            let at = UNIX_EPOCH.checked_add(Duration::from_secs(secs))?;
            // A reset a moment ago (clocks differ by a little) means "now".
            match at.duration_since(now) {
                Ok(wait) => wait,
                Err(past) if past.duration() <= Duration::from_secs(5) => Duration::ZERO,
                Err(_) => return None,
            }
        }
    };
    (wait <= MAX_RESET_WAIT).then_some(wait)
}

impl Throttled {
    /// The error of the answer, as the throttling error it is. An error that is not an API
    /// error (none is, today) is kept as it was.
    pub(crate) fn throttled(self, err: Error) -> Error {
        match err.api_error() {
            Some(api) => Error::RateLimited { error: api.clone(), retry_after: self.wait.or(api.retry_after()) },
            None => err,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE_HOST: ServerRateLimit = ServerRateLimit {
        statuses: &[403, 429],
        when: Some(("x-ratelimit-remaining", "0")),
        reset: Some(("x-ratelimit-reset", ResetUnit::EpochSeconds)),
        retry_after: true,
    };

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn remaining_zero_with_a_reset_waits_until_the_reset() {
        let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1000030")]);
        let got = CODE_HOST.signal(StatusCode::FORBIDDEN, &h, at(1_000_000));
        assert_eq!(got, Some(Throttled { wait: Some(Duration::from_secs(30)) }));
    }

    #[test]
    fn a_403_without_the_signal_is_not_throttling() {
        let now = at(1_000_000);
        assert_eq!(CODE_HOST.signal(StatusCode::FORBIDDEN, &headers(&[]), now), None);
        assert_eq!(CODE_HOST.signal(StatusCode::FORBIDDEN, &headers(&[("x-ratelimit-remaining", "12")]), now), None);
        // The signal on a status the API does not list is not the signal.
        let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1000030")]);
        assert_eq!(CODE_HOST.signal(StatusCode::NOT_FOUND, &h, now), None);
    }

    #[test]
    fn retry_after_is_a_signal_and_a_wait() {
        let h = headers(&[("retry-after", "7")]);
        assert_eq!(CODE_HOST.signal(StatusCode::FORBIDDEN, &h, at(5)), Some(Throttled { wait: Some(Duration::from_secs(7)) }));
        let ignored = ServerRateLimit { retry_after: false, ..CODE_HOST };
        assert_eq!(ignored.signal(StatusCode::FORBIDDEN, &h, at(5)), None);
    }

    #[test]
    fn absurd_or_unparsable_resets_give_no_wait() {
        let now = at(1_000_000);
        for reset in ["soon", "-4", "1.5", "99999999999999999999999", "999999999999", "10"] {
            let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", reset)]);
            assert_eq!(CODE_HOST.signal(StatusCode::FORBIDDEN, &h, now), Some(Throttled { wait: None }), "{reset}");
        }
        // Just past (clock skew) means now; a relative reset counts from now.
        let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "999998")]);
        assert_eq!(CODE_HOST.signal(StatusCode::FORBIDDEN, &h, now), Some(Throttled { wait: Some(Duration::ZERO) }));
        let relative = ServerRateLimit { reset: Some(("x-ratelimit-reset", ResetUnit::Seconds)), ..CODE_HOST };
        let h = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "3")]);
        assert_eq!(relative.signal(StatusCode::FORBIDDEN, &h, now), Some(Throttled { wait: Some(Duration::from_secs(3)) }));
    }
}

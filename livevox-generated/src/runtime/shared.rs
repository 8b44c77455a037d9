//! The builder settings for rate limits and sessions beyond one client: the rate-limit time
//! scale (tests shorten windows with it), and with the `redis` feature, the Redis store that
//! many worker processes share (`ClientBuilder::redis`).

use std::fmt;
use std::sync::Arc;

use super::error::Error;
use super::ratelimit::RateLimits;
use super::session::LoginConfig;
use super::store::SessionStore;

/// What the builder was given; turned into limiters and a session store by `build`.
pub(crate) struct Given {
    time_scale: f64,
    #[cfg(feature = "redis")]
    redis: Option<super::redis_store::RedisConfig>,
    /// The one connection the client's window and session stores share (and so its
    /// once-per-outage warning).
    #[cfg(feature = "redis")]
    connection: std::sync::OnceLock<Arc<super::redis_store::Connection>>,
}

impl Default for Given {
    fn default() -> Self {
        Given {
            time_scale: 1.0,
            #[cfg(feature = "redis")]
            redis: None,
            #[cfg(feature = "redis")]
            connection: std::sync::OnceLock::new(),
        }
    }
}

impl fmt::Debug for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Shared");
        d.field("rate_limit_time_scale", &self.time_scale);
        #[cfg(feature = "redis")]
        d.field("redis", &self.redis);
        d.finish()
    }
}

impl Given {
    /// The client's rate limiters: windows scaled as asked, kept in Redis when configured.
    pub(crate) fn rate_limits(&self) -> Result<RateLimits, Error> {
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return Err(Error::Config(format!(
                "rate_limit_time_scale must be a finite number above zero, not {}",
                self.time_scale
            )));
        }
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.redis {
            return Ok(RateLimits::new(self.time_scale, Some(redis.window_store(&self.connection(redis)?))));
        }
        Ok(RateLimits::new(self.time_scale, None))
    }

    /// The session store of a LiveVox client that logs in with `login` at `base`: `None`
    /// without Redis, or when the client cannot log in (it then only uses the session it was
    /// given, and has nothing to share).
    pub(crate) fn session_store(&self, base: &url::Url, login: Option<&LoginConfig>) -> Result<Option<Arc<dyn SessionStore>>, Error> {
        #[cfg(feature = "redis")]
        if let (Some(redis), Some(login)) = (&self.redis, login) {
            return Ok(Some(redis.session_store(&self.connection(redis)?, base, login)));
        }
        let _ = (base, login);
        Ok(None)
    }

    #[cfg(feature = "redis")]
    fn connection(&self, redis: &super::redis_store::RedisConfig) -> Result<Arc<super::redis_store::Connection>, Error> {
        if let Some(made) = self.connection.get() {
            return Ok(made.clone());
        }
        let made = redis.connection()?;
        Ok(self.connection.get_or_init(|| made).clone())
    }
}

impl Given {
    /// `ClientBuilder::rate_limit_time_scale`; checked by [`Given::rate_limits`].
    pub(crate) fn set_time_scale(&mut self, scale: f64) {
        self.time_scale = scale;
    }

    /// `ClientBuilder::redis`.
    #[cfg(feature = "redis")]
    pub(crate) fn set_redis(&mut self, config: super::redis_store::RedisConfig) {
        self.redis = Some(config);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_scale_must_be_finite_and_above_zero() {
        // Set field by field: with the `redis` feature, `Given` has more of them.
        let mut given = Given::default();
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            given.time_scale = bad;
            assert!(matches!(given.rate_limits(), Err(Error::Config(m)) if m.contains("rate_limit_time_scale")), "{bad}");
        }
        given.time_scale = 0.01;
        assert!(given.rate_limits().is_ok());
    }
}

//! The hand-written runtime every generated operation calls: client configuration, sessions,
//! retries, rate limits, auto-pagination, URL and header building, error decoding, time types
//! and secrets. Ordinary Rust with its own tests; generated code only describes operations and
//! hands them to [`Client::execute`] ([`Client::execute_bytes`] for binary bodies).

pub mod describe;
pub mod wire;

mod auth;
mod binary;
mod client;
mod deadline;
mod error;
mod error_body;
mod paginate;
mod pending;
mod ratelimit;
mod request;
mod retry;
mod secret;
mod session;
mod shared;
mod store;
mod time;

#[cfg(feature = "redis")]
mod redis_store;

pub use auth::{TokenFuture, TokenProvider, OAUTH2_REFRESH_MARGIN, OAUTH2_TOKEN_OPERATION};
pub use client::{
    ApiClient, Client, ClientBuilder, Credentials, Environment, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, LOGIN_OPERATION,
};
pub use describe::*;
pub use deadline::{CallLimits, DEFAULT_DEADLINE};
pub use error::{ApiError, DecodeError, Error, MAX_ERROR_BODY, MAX_EXCERPT, MAX_MESSAGE};
pub use error_body::{ErrorEntry, MAX_ERROR_ENTRIES};
pub use paginate::{Items, Pages, Paginated};
pub use pending::{Call, Pending};
pub use request::Request;
pub use retry::{
    Jitter, RetryConfig, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BACKOFF, DEFAULT_RETRY_BUDGET, DEFAULT_THROTTLE_BUDGET,
    DEFAULT_THROTTLE_MAX_RETRIES,
};
#[cfg(feature = "redis")]
pub use redis_store::{OnUnreachable, RedisConfig, DEFAULT_KEY_PREFIX, DEFAULT_SESSION_LOCK_TTL, DEFAULT_SESSION_TTL, DEFAULT_SLOT_LEASE};
pub use secret::Secret;
pub use time::{Date, DateTime, TimeOfDay, TimeRangeError, MILLIS_PER_DAY};
pub use wire::{IntEnum, StrEnum, ToParam, UnknownValue};

//! The hand-written runtime every generated operation calls: client configuration, sessions,
//! retries, rate limits, auto-pagination, URL and header building, error decoding, time types
//! and secrets. Ordinary Rust with its own tests; generated code only describes operations: a
//! request builder implements [`Call`] (fill in a [`Request`], name its [`Decode`]), and the
//! runtime sends it ([`Client::execute`] does the same for a hand-made [`Request`]).
//!
//! Layers, with arrows one way (a module imports only from its own layer or those below;
//! `tests/runtime_layers.rs` checks it):
//!
//! | layer | modules |
//! | --- | --- |
//! | client | `client` (the call path), `builder` (`ClientBuilder`, all of it), `paginate` and `page_link`, `shared`, `pending` and `with_meta` (what awaiting a request builder does), `emitted` (the macros generated code invokes) |
//! | policy | `policy` (rate limits, retries, the deadline handed to each attempt) |
//! | authorization | `auth/`: one module per scheme, all sending through `auth/replay.rs` |
//! | transport | `transport` (send one request, read a capped body) |
//! | foundation | descriptions, errors (`error_json`: typed error bodies; `json_path`: where a body failed to decode), secrets, time and wire types (`rfc3339`, `patch`, `union` among them), request building, response headers (`headers`), retry and rate-limit state (`server_limit`: the server's own "slow down"), sessions, stores |

pub mod describe;
pub mod rfc3339;
pub mod wire;

mod auth;
mod binary;
mod builder;
mod client;
mod deadline;
mod emitted;
mod error;
mod error_body;
mod error_json;
mod headers;
mod json_path;
pub mod model_de;
mod page_link;
mod paginate;
mod patch;
mod pending;
mod policy;
mod ratelimit;
mod request;
mod response;
mod retry;
mod secret;
mod server_limit;
mod session;
mod shared;
mod store;
mod time;
mod transport;
mod union;
mod with_meta;

#[cfg(feature = "redis")]
mod redis_store;

pub use auth::bearer::{TokenFuture, TokenProvider};
pub use auth::oauth2::{OAUTH2_REFRESH_MARGIN, OAUTH2_TOKEN_OPERATION};
pub use builder::{ApiClient, ClientBuilder, Environment, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};
pub use client::Client;
pub use describe::*;
pub use deadline::{CallLimits, DEFAULT_DEADLINE};
#[doc(hidden)]
pub use emitted::{int_enum, model_de, request_builder, str_enum};
pub use error::{ApiError, DecodeError, Error, MAX_ERROR_BODY, MAX_EXCERPT, MAX_MESSAGE};
pub use error_body::{ErrorEntry, MAX_ERROR_ENTRIES};
pub use error_json::MAX_DEPTH as MAX_ERROR_JSON_DEPTH;
pub use headers::{FromHeaders, HeaderValueType};
pub use page_link::{fetch_body, fetch_linked, Fetched, Url};
pub use paginate::{Items, Next, PageFetch, PageStyle, Pages, Paginated};
pub use patch::Patch;
pub use pending::{Answer, Answering, Binary, Call, Decode, Json, Pending, WithMeta};
pub use request::Request;
pub use response::ResponseMeta;
pub use retry::{
    Jitter, RetryConfig, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BACKOFF, DEFAULT_RETRY_BUDGET, DEFAULT_THROTTLE_BUDGET,
    DEFAULT_THROTTLE_MAX_RETRIES,
};
#[cfg(feature = "redis")]
pub use redis_store::{OnUnreachable, RedisConfig, DEFAULT_KEY_PREFIX, DEFAULT_SESSION_LOCK_TTL, DEFAULT_SESSION_TTL, DEFAULT_SLOT_LEASE};
pub use secret::Secret;
pub use server_limit::MAX_RESET_WAIT;
pub use session::Credentials;
pub use time::{Date, DateTime, TimeOfDay, TimeRangeError, MILLIS_PER_DAY};
pub use transport::DEFAULT_USER_AGENT;
pub use union::{tag_of, unknown_tag, variant, Untagged};
pub use wire::{IntEnum, StrEnum, ToParam, UnknownValue};
pub use with_meta::WithHeaders;

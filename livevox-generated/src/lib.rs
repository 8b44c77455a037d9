//! A typed async client for the LiveVox REST API.
//!
//! Everything under `src/generated/` is written by `cargo xtask codegen` from `spec/`; the
//! runtime it calls is hand-written in [`runtime`].
//!
//! ```no_run
//! use livevox_generated::{Client, Credentials, Environment};
//!
//! # async fn demo() -> Result<(), livevox_generated::Error> {
//! let client = Client::builder()
//!     .environment(Environment::Na4)
//!     .access_token("token from LiveVox Customer Care")
//!     .credentials(Credentials::user("CLIENTCODE", "api.user", "secret"))
//!     .build()?;
//! // The dial-time DNC list (the legacy `list_dnc` family is deprecated).
//! let page = client.compliance().list_dialtime_dnc().count(500).await?;
//! println!("{} entries on the first page", page.dnc_entries.len());
//! # Ok(()) }
//! ```
//!
//! Each category is a cargo feature (all on by default). Other APIs described in `spec/` get a
//! module of their own next to the LiveVox one, which is re-exported at the crate root.

// Every public item is documented: the generated ones from the spec, the runtime by hand.
#![warn(missing_docs)]
// Examples are what users copy: a deprecated call in one is a failing doctest.
#![doc(test(attr(deny(deprecated))))]

pub mod runtime;

mod generated;
pub use generated::livevox::*;
pub use generated::*;

/// The import surface of generated code. Not a public API.
#[doc(hidden)]
pub mod __rt {
    pub use crate::runtime::*;
    pub use ::bytes;
    pub use ::serde;
    /// Serde's traits and derives, short enough to keep a model's derive list on one line.
    pub use ::serde::{Deserialize, Serialize};
    pub use ::serde_json;
    /// A boxed future, for the `Paginated::fetch` impls of paginated request builders.
    pub type BoxFuture<T> = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = T> + ::std::marker::Send + 'static>>;
}

pub use runtime::{Date, DateTime, Error, Secret, TimeOfDay};
pub use runtime::{ApiError, Credentials, DecodeError, ErrorEntry};
/// With the `redis` feature: windows and sessions shared by many worker processes
/// ([`ClientBuilder::redis`](runtime::ClientBuilder::redis)).
#[cfg(feature = "redis")]
pub use runtime::{OnUnreachable, RedisConfig};
/// The `redis` crate this one uses, for [`RedisConfig::connection_manager`].
#[cfg(feature = "redis")]
pub use ::redis;

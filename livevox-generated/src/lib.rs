//! A typed async client for the LiveVox REST API.
//!
//! Everything under `generated/` is written by `cargo xtask codegen` from `spec/`; the runtime
//! it calls is hand-written in [`runtime`].

pub mod runtime;

/// The import surface of generated code. Not a public API.
#[doc(hidden)]
pub mod __rt {
    pub use crate::runtime::*;
    pub use ::serde;
    pub use ::serde_json;
    /// A boxed future, for the `IntoFuture` impls of request builders.
    pub type BoxFuture<T> = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = T> + ::std::marker::Send + 'static>>;
}

pub use runtime::{Date, DateTime, Error, Secret, TimeOfDay};
pub use runtime::{ApiError, Credentials, DecodeError};

//! The hand-written runtime every generated operation calls: client configuration, sessions,
//! URL and header building, error decoding, time types and secrets. Ordinary Rust with its own
//! tests; generated code only describes operations and hands them to [`Client::execute`].

pub mod describe;
pub mod wire;

mod client;
mod error;
mod request;
mod secret;
mod time;

pub use client::{ApiClient, Client, ClientBuilder, Credentials, Environment};
pub use describe::*;
pub use error::Error;
pub use request::Request;
pub use secret::Secret;
pub use time::{Date, DateTime, TimeOfDay};
pub use wire::{IntEnum, StrEnum, ToParam, UnknownValue};

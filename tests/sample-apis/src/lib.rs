//! Typed async clients for five made-up "Functions" APIs: Acme CRM (OAUTH2), Legacy ERP
//! (OAUTH 1.0a), Helpdesk (BEARER), Screen Pop (LIVEVOX, relaying a LiveVox session) and
//! Webhook Receiver (BASIC).
//!
//! A fixture of the generator, not a product: `src/generated/` and the features block of
//! `Cargo.toml` are written by `cargo xtask codegen` from `spec/` (this crate's), through the
//! same library path a customer uses for a crate of their own
//! (`cargo xtask codegen --spec DIR --out DIR`); this file is hand-written.

#![warn(missing_docs)]

mod generated;
pub use generated::*;

/// This crate's spec directory, for a simulator that serves these APIs next to LiveVox's
/// (`livevox_sim::Simulator::builder().extra_spec_dir(SPEC_DIR)`).
pub const SPEC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec");

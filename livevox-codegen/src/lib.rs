//! livevox-codegen: turns the YAML spec in `spec/` into the typed client in
//! `livevox-generated`, in fixed stages, one module each:
//!
//! load → validate → lower (IR) → emit → format → write

pub mod diagnostics;
pub mod naming;
pub mod spec;
pub mod types;

//! LiveVox's generated tests, in one test binary (`--test livevox`): `cargo xtask codegen`
//! writes `generated/` from `spec/` (the paths are `livevox_codegen::GENERATED_TESTS_DIR`);
//! `generated_is_fresh.rs` fails when it is stale. The sample APIs' counterparts are in
//! `tests/tests/sample_apis/`.
//!
//! - `every_operation`: one simulator test per operation (`every_operation_coverage.rs` checks
//!   that none is missing).
//! - `no_secret_in_debug`: every model and request builder `Debug`-printed with sentinel
//!   values; no value marked `secret: true` may show.
//! - `decode_every_response`: the decode fuzz test of every operation (`LIVEVOX_FUZZ_CASES`
//!   sets the number of mutated bodies per operation).

#[path = "generated/every_operation.rs"]
mod every_operation;

#[path = "generated/no_secret_in_debug.rs"]
mod no_secret_in_debug;

#[path = "generated/decode_every_response.rs"]
mod decode_every_response;

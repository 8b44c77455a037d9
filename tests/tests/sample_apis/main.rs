//! The generated tests of the sample "Functions" APIs (`tests/sample-apis`, crate
//! `livevox-sample-apis`), in one test binary: what `every_operation.rs`,
//! `no_secret_in_debug.rs` and `decode_every_response.rs` of `tests/tests/livevox/` do for
//! LiveVox's operations, done for theirs. `cargo xtask codegen` writes `generated/` (see
//! `xtask/src/samples.rs`); `generated_is_fresh.rs` fails when it is stale.
//!
//! - `every_operation`: one simulator test per sample operation, the simulator serving
//!   LiveVox's spec plus `tests/sample-apis/spec` (`extra_spec_dir`); it also has LiveVox's
//!   login category, because Screen Pop relays a logged-in LiveVox client's session.
//! - `no_secret_in_debug`: every sample model and request builder `Debug`-printed with
//!   sentinel values; no secret may show.
//! - `decode_every_response`: the decode fuzz test of every sample operation.

#[path = "generated/every_operation.rs"]
mod every_operation;

#[path = "generated/no_secret_in_debug.rs"]
mod no_secret_in_debug;

#[path = "generated/decode_every_response.rs"]
mod decode_every_response;

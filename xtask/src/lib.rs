//! xtask's library: the part of `cargo xtask codegen` that `tests/tests/generated_is_fresh.rs`
//! runs too (the sample APIs' crate and their generated tests, [`samples`]), so the staleness
//! test checks exactly what the command writes.

pub mod samples;

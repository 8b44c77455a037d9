//! The workspace's integration tests live in `tests/`; this library holds the code generated
//! from every valid fixture (`fixtures/valid/*.yaml`, by `build.rs`), so that compiling this
//! crate proves each fixture's output is valid Rust against the real runtime.

/// One module per valid fixture, named `fixture_<file stem>`.
#[allow(deprecated)]
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

/// The README's Rust examples, compiled as doctests so they cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;

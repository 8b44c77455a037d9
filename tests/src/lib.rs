//! The workspace's integration tests live in `tests/`; this library holds the code generated
//! from every valid fixture (`fixtures/valid/*.yaml`, by `build.rs`), so that compiling this
//! crate proves each fixture's output is valid Rust against the real runtime.

// The README's examples are what users copy: a deprecated call in one is a failing doctest.
#![doc(test(attr(deny(deprecated))))]

use std::path::{Path, PathBuf};

/// The directory of one kind of fixture: `valid` or `invalid`.
pub fn fixtures_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(kind)
}

/// The `*.yaml` fixtures of one kind, by file stem, sorted. Tests find fixtures by listing the
/// directory, so a new fixture is covered without touching any test.
pub fn fixture_names(kind: &str) -> Vec<String> {
    let dir = fixtures_dir(kind);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("{}: {e}", dir.display()),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// One module per valid fixture, named `fixture_<file stem>`.
#[allow(deprecated)]
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

/// The README's Rust examples, compiled as doctests so they cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;

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

/// The number of fuzz cases per target: `LIVEVOX_FUZZ_CASES`, else `default`.
pub fn fuzz_cases(default: u32) -> u32 {
    match std::env::var("LIVEVOX_FUZZ_CASES") {
        Ok(v) => v.parse().unwrap_or_else(|_| panic!("LIVEVOX_FUZZ_CASES={v} is not a number")),
        Err(_) => default,
    }
}

/// Bytes that JSON is made of, and values at the edges of what the types hold.
const JSON_TOKENS: &[&str] = &[
    "{", "}", "[", "]", "\"", ",", ":", "null", "true", "false", "-1", "0", "1e999", "-9223372036854775809", "18446744073709551616",
    "1.5", "\"x\"", "\"\\ud800\"", "\"\\u0000\"", "[[[[[[[[[[[[[[[[", "{\"a\":", "\u{feff}", "\\", " ", "\n", "é", "NaN",
];

/// Decodes `cases` mutated copies of each seed into `T` the way the runtime decodes a JSON
/// body (`serde_json`, the whole body), under `catch_unwind`; returns one line per copy that
/// panicked. Mutations are seeded by the operation's name, so a failure repeats.
pub fn fuzz_decode<T: serde::de::DeserializeOwned>(operation: &str, seeds: &[&str], cases: u32) -> Vec<String> {
    let mut state = operation.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)) | 1;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut failures = Vec::new();
    for seed in seeds {
        // The seed itself must decode: it is the example the operation documents.
        if let Err(e) = serde_json::from_str::<T>(seed) {
            failures.push(format!("{operation}: its example does not decode: {e}"));
        }
        for _ in 0..cases {
            let mut body = seed.as_bytes().to_vec();
            for _ in 0..1 + next() % 4 {
                let at = (next() % (body.len() as u64 + 1)) as usize;
                match next() % 4 {
                    0 => {
                        let token = JSON_TOKENS[(next() % JSON_TOKENS.len() as u64) as usize];
                        body.splice(at..at, token.bytes());
                    }
                    1 => {
                        let end = (at + 1 + (next() % 16) as usize).min(body.len());
                        body.drain(at..end);
                    }
                    2 => body.insert(at, next() as u8),
                    _ => body.truncate(at),
                }
            }
            let decoded = std::panic::catch_unwind(|| serde_json::from_slice::<T>(&body).map(drop).map_err(|e| e.to_string()));
            if decoded.is_err() {
                failures.push(format!("{operation}: panicked on {:?}", String::from_utf8_lossy(&body)));
            }
        }
    }
    failures
}

//! Fails when committed generated code differs from what the specs produce, so plain
//! `cargo test` catches a spec edit that was not followed by `cargo xtask codegen`: the LiveVox
//! client and its generated tests (`tests/tests/livevox/generated/`; a copy left at their old
//! paths in `tests/tests/` counts as stale) from `spec/`, and the sample APIs' crate
//! (`tests/sample-apis`, through the customer's library path) with their generated tests, by
//! the same code the command runs (`xtask::samples`).

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn assert_fresh(what: &str, stale: Vec<String>) {
    assert!(stale.is_empty(), "{what} is stale:\n{}\nRun `cargo xtask codegen` and commit the result.", stale.join("\n"));
}

#[test]
fn committed_generated_code_matches_spec() {
    let summary = match livevox_codegen::codegen(&root(), true) {
        Ok(s) => s,
        Err(e) => panic!("generation from spec/ failed:\n{e}"),
    };
    assert_fresh("the generated client", summary.report.stale().map(|(p, c)| format!("  {} ({c:?})", p.display())).collect());
}

#[test]
fn committed_sample_crate_and_its_tests_match_their_spec() {
    let (summary, tests) = match xtask::samples::codegen(&root(), true) {
        Ok(done) => done,
        Err(e) => panic!("generation from {} failed:\n{e}", xtask::samples::SAMPLE_SPEC),
    };
    assert!(summary.operations >= 11, "the five sample APIs have at least 11 operations, found {}", summary.operations);
    let crate_dir = std::path::Path::new(xtask::samples::SAMPLE_CRATE);
    let stale = summary.report.stale().map(|(p, c)| format!("  {} ({c:?})", crate_dir.join(p).display())).chain(tests.stale().map(|(p, c)| format!("  {} ({c:?})", p.display())));
    assert_fresh("the sample crate", stale.collect());
}

//! Fails when the committed generated client differs from what `spec/` produces, so plain
//! `cargo test` catches a spec edit that was not followed by `cargo xtask codegen`.

#[test]
fn committed_generated_code_matches_spec() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let summary = match livevox_codegen::codegen(&root, true) {
        Ok(s) => s,
        Err(e) => panic!("generation from spec/ failed:\n{e}"),
    };
    let stale: Vec<String> = summary.report.stale().map(|(p, c)| format!("  {} ({c:?})", p.display())).collect();
    assert!(
        stale.is_empty(),
        "the generated client is stale:\n{}\nRun `cargo xtask codegen` and commit the result.",
        stale.join("\n")
    );
}
